//! The common CSV layout of MNIST-like data: one image a line, `label, p0, p1, … p783` (a label
//! and 784 pixels, row-major 28×28, integers 0–255), with or without a header line (a first line
//! whose first field is not a whole number, such as `label,pixel0,…`). Lines end in `\n` or
//! `\r\n`; spaces around a value are allowed; a UTF-8 byte-order mark and blank last lines are
//! ignored.
//!
//! [`parse`] reads it into an IDX image file and the labels, refusing anything else with the line
//! and column and what is wrong. It never reads past [`crate::data::loaders::MAX_IMAGES`] images.
//!
//! Non-goals: class names (the labels are numbers; names come from a names file, see
//! [`crate::data::loaders`]), quoted fields, other separators, images of other sizes.

use crate::data::idx;
use crate::data::{PIXELS, SIDE};

/// Values on a line: the label, then the pixels.
pub const VALUES_PER_LINE: usize = 1 + PIXELS;

/// A parsed CSV: an IDX image file (header and pixels) and one label per image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed {
    pub image_file: Vec<u8>,
    pub labels: Vec<u8>,
    /// The header line was there (and skipped).
    pub had_header: bool,
}

/// Parse `bytes` (the file `name`, for messages) holding at most `max_images` images and labels
/// below `max_label + 1`. Errors are one line: `name: line L, column C: what — what to do`.
pub fn parse(name: &str, bytes: &[u8], max_images: usize, max_label: u8) -> Result<Parsed, String> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    // A line of 785 values is at least 1569 bytes: enough to cap what the output reserves.
    let guess = (bytes.len() / (2 * VALUES_PER_LINE)).min(max_images);
    let mut image_file = Vec::with_capacity(idx::IMAGES_HEADER + guess * PIXELS);
    image_file.extend_from_slice(&idx::encode(
        idx::IMAGES_MAGIC,
        &[0, SIDE as u32, SIDE as u32],
        &[],
    ));
    let mut labels = Vec::with_capacity(guess);
    let mut had_header = false;
    let mut lines = bytes.split(|&b| b == b'\n').enumerate().peekable();
    while let Some((index, raw)) = lines.next() {
        let line_no = index + 1;
        let line = raw.strip_suffix(b"\r").unwrap_or(raw);
        if line.iter().all(|b| b.is_ascii_whitespace()) {
            // Blank lines may end the file, nowhere else.
            if lines
                .clone()
                .all(|(_, l)| l.iter().all(|b| b.is_ascii_whitespace()))
            {
                break;
            }
            return Err(format!(
                "{name}: line {line_no} is empty — every line is a label and {PIXELS} pixels; remove the blank line"
            ));
        }
        if index == 0 && !starts_with_number(line) {
            let fields = line.split(|&b| b == b',').count();
            if fields != VALUES_PER_LINE {
                return Err(format!(
                    "{name}: line 1 is a header of {fields} columns, expected {VALUES_PER_LINE} (a label and {PIXELS} pixels of a 28×28 image) — is it the \"label, 784 pixels\" layout?"
                ));
            }
            had_header = true;
            continue;
        }
        if labels.len() == max_images {
            return Err(format!(
                "{name}: more than {max_images} images (line {line_no}) — too many for the browser to hold; use a part of the data set"
            ));
        }
        let mut column = 0;
        for field in line.split(|&b| b == b',') {
            column += 1;
            if column > VALUES_PER_LINE {
                let n = line.split(|&b| b == b',').count();
                return Err(format!(
                    "{name}: line {line_no} has {n} values, expected {VALUES_PER_LINE} (a label and {PIXELS} pixels) — every image must be 28×28"
                ));
            }
            let what = if column == 1 { "label" } else { "pixel" };
            let value = integer(field).ok_or_else(|| {
                format!(
                    "{name}: line {line_no}, column {column}: the {what} {:?} is not a whole number — {what}s are whole numbers{}",
                    shown(field),
                    if column == 1 { " (0, 1, 2, …)" } else { " from 0 to 255" }
                )
            })?;
            if column == 1 {
                if value > u64::from(max_label) {
                    return Err(format!(
                        "{name}: line {line_no}, column 1: label {} is too large — labels are 0 to {max_label} ({} classes at most{})",
                        shown(field),
                        u16::from(max_label) + 1,
                        if u16::from(max_label) + 1 < 64 { ", one per name in the names file" } else { "" }
                    ));
                }
                labels.push(value as u8);
            } else {
                if value > 255 {
                    return Err(format!(
                        "{name}: line {line_no}, column {column}: pixel value {} is out of range — pixels are 0 to 255 (scale them, e.g. from 0–1 to 0–255)",
                        shown(field)
                    ));
                }
                image_file.push(value as u8);
            }
        }
        if column != VALUES_PER_LINE {
            return Err(format!(
                "{name}: line {line_no} has {column} values, expected {VALUES_PER_LINE} (a label and {PIXELS} pixels) — every image must be 28×28"
            ));
        }
    }
    if labels.is_empty() {
        return Err(format!(
            "{name}: no images — the file has no line of a label and {PIXELS} pixels"
        ));
    }
    image_file[4..8].copy_from_slice(&(labels.len() as u32).to_be_bytes());
    Ok(Parsed {
        image_file,
        labels,
        had_header,
    })
}

/// The field as a whole number (spaces around it allowed), or None. Saturates rather than
/// overflowing, so a huge number is refused as out of range.
fn integer(field: &[u8]) -> Option<u64> {
    let f = field.trim_ascii();
    if f.is_empty() || !f.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(f.iter().fold(0u64, |acc, &d| {
        acc.saturating_mul(10).saturating_add(u64::from(d - b'0'))
    }))
}

fn starts_with_number(line: &[u8]) -> bool {
    let first = line.split(|&b| b == b',').next().unwrap_or(&[]);
    integer(first).is_some()
}

/// A field for a message: at most 20 characters, lossy UTF-8.
fn shown(field: &[u8]) -> String {
    let s = String::from_utf8_lossy(field.trim_ascii());
    if s.chars().count() > 20 {
        format!("{}…", s.chars().take(20).collect::<String>())
    } else {
        s.into_owned()
    }
}

/// A CSV of `rows` (label, pixels) in this layout, with a header line when asked (for tests and
/// tools).
pub fn encode(rows: &[(u8, &[u8])], header: bool) -> Vec<u8> {
    let mut out = String::new();
    if header {
        out.push_str("label");
        for k in 0..PIXELS {
            out.push_str(&format!(",pixel{k}"));
        }
        out.push('\n');
    }
    for (label, pixels) in rows {
        out.push_str(&label.to_string());
        for p in pixels.iter() {
            out.push(',');
            out.push_str(&p.to_string());
        }
        out.push('\n');
    }
    out.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn image(v: u8) -> Vec<u8> {
        (0..PIXELS).map(|k| (k as u8).wrapping_mul(v)).collect()
    }

    fn refused(text: &str) -> String {
        parse("d.csv", text.as_bytes(), 100, 63).unwrap_err()
    }

    /// A line of `label` and 784 pixels with `edit` applied to its values.
    fn line(label: &str, edit: impl Fn(&mut Vec<String>)) -> String {
        let mut v: Vec<String> = std::iter::once(label.to_string())
            .chain((0..PIXELS).map(|k| (k % 256).to_string()))
            .collect();
        edit(&mut v);
        v.join(",")
    }

    #[test]
    fn reads_with_and_without_a_header() {
        let (a, b) = (image(3), image(7));
        for header in [false, true] {
            let bytes = encode(&[(2, &a), (0, &b)], header);
            let p = parse("d.csv", &bytes, 100, 63).unwrap();
            assert_eq!(p.had_header, header);
            assert_eq!(p.labels, vec![2, 0]);
            let img = idx::parse_images(&p.image_file).unwrap();
            assert_eq!((img.count, img.rows, img.cols), (2, 28, 28));
            assert_eq!(&img.pixels[..PIXELS], &a[..]);
            assert_eq!(&img.pixels[PIXELS..], &b[..]);
        }
        // CRLF, spaces around values, a byte-order mark and blank last lines.
        let text = format!(
            "\u{feff}{}\r\n{}\r\n\r\n\n",
            line("1", |v| v[5] = " 7 ".into()),
            line(" 0", |_| ())
        );
        let p = parse("d.csv", text.as_bytes(), 100, 63).unwrap();
        assert_eq!(p.labels, vec![1, 0]);
        assert_eq!(p.image_file[idx::IMAGES_HEADER + 4], 7);
    }

    #[test]
    fn bad_values_are_refused_with_line_column_and_what_to_do() {
        let good = line("1", |_| ());
        let cases = [
            (
                format!("{good}\n{}", line("1", |v| v[10] = "256".into())),
                "line 2, column 11: pixel value 256 is out of range — pixels are 0 to 255",
            ),
            (
                line("1", |v| v[3] = "-1".into()),
                "line 1, column 4: the pixel \"-1\" is not a whole number",
            ),
            (
                line("1", |v| v[3] = "0.5".into()),
                "column 4: the pixel \"0.5\" is not a whole number",
            ),
            (
                line("1", |v| v[3] = "".into()),
                "column 4: the pixel \"\" is not a whole number",
            ),
            (
                line("1", |v| v[3] = "99999999999999999999999".into()),
                "pixel value 99999999999999999999… is out of range",
            ),
            (
                format!("{good}\n{}", line("x", |_| ())),
                "line 2, column 1: the label \"x\" is not a whole number",
            ),
            (
                format!("{good}\n{}", line("64", |_| ())),
                "label 64 is too large — labels are 0 to 63",
            ),
            (
                format!(
                    "{good}\n{}",
                    line("1", |v| {
                        v.pop();
                    })
                ),
                "line 2 has 784 values, expected 785",
            ),
            (
                format!("{good}\n{}", line("1", |v| v.push("0".into()))),
                "line 2 has 786 values, expected 785",
            ),
            (format!("{good}\n\n{good}"), "line 2 is empty"),
            (
                "label,a,b\n1,2,3\n".to_string(),
                "line 1 is a header of 3 columns",
            ),
            (String::new(), "no images"),
            (format!("{}\n", line("label", |_| ())), "no images"),
        ];
        for (text, words) in cases {
            let e = refused(&text);
            assert!(e.starts_with("d.csv: "), "{e}");
            assert!(e.contains(words), "want {words:?} in {e}");
            assert!(e.contains(" — "), "a hint: {e}");
        }
        // Labels are checked against the classes the caller allows.
        let e = parse("d.csv", line("3", |_| ()).as_bytes(), 100, 2).unwrap_err();
        assert!(
            e.contains("label 3 is too large — labels are 0 to 2 (3 classes at most, one per name"),
            "{e}"
        );
    }

    #[test]
    fn stops_at_the_image_limit_before_reading_on() {
        let a = image(1);
        let rows: Vec<(u8, &[u8])> = (0..5).map(|k| (k as u8, &a[..])).collect();
        let bytes = encode(&rows, false);
        assert_eq!(parse("d.csv", &bytes, 5, 63).unwrap().labels.len(), 5);
        let e = parse("d.csv", &bytes, 4, 63).unwrap_err();
        assert!(e.contains("more than 4 images (line 5)"), "{e}");
    }
}
