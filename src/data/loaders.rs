//! Data sets other than MNIST, checked before use: IDX image and label files (gzipped or not,
//! detected by gzip's magic bytes) with an optional names file, a CSV in the "label, 784 pixels"
//! layout ([`crate::data::csv`]), and a held-out test share ([`split`]). Each gives a
//! [`Dataset`] with class names (`"0"` … `"k−1"` when none are given) or one message that names
//! the file and the problem and says what to do; nothing half-loaded.
//!
//! Every data set they load has 28×28 images, 2 to 64 classes, at least one image of every class
//! and at most [`MAX_IMAGES`] images; no file (compressed or inflated) is read past
//! [`MAX_FILE_BYTES`].
//!
//! Non-goals: decoding PNG/JPEG folders (the page does), MNIST's own files (see
//! [`crate::data::mnist`]), keeping data anywhere but in memory.

use crate::bounds::FloatRange;
use crate::data::classes::{self, MAX_CLASSES};
use crate::data::csv;
use crate::data::idx;
use crate::data::mnist::Dataset;
use crate::data::SIDE;
use crate::rng::{self, Stream};
use std::borrow::Cow;

/// Most bytes of one file, compressed or inflated (256 MiB; MNIST's training images are 47 MB,
/// its CSV 110 MB).
pub const MAX_FILE_BYTES: usize = idx::MAX_FILE_BYTES;
/// Most images of a loaded data set (250,000 28×28 images are 196 MB of pixels, what a browser
/// tab holds beside the engine; MNIST has 70,000, EMNIST Balanced 131,600).
pub const MAX_IMAGES: usize = 250_000;
/// The share of a data set [`split`] may hold out as its test set.
pub const TEST_SHARE: FloatRange = FloatRange::closed(0.01, 0.9);
/// The share held out as the test set when the learner gives no test set and picks no share
/// (MNIST's 10,000 of 70,000 is 14%; a fifth keeps a few test images per class of small sets).
pub const DEFAULT_TEST_SHARE: f32 = 0.2;

/// Why [`gunzip_capped`] failed.
#[derive(Debug)]
pub enum Inflate {
    /// Not a valid gzip stream.
    Gzip(std::io::Error),
    /// It inflates to more than the cap.
    TooLarge,
}

/// Decompress gzip `bytes`, refusing output longer than `max` bytes: it stops reading at
/// `max + 1`, so a small file that inflates to gigabytes never holds more.
pub fn gunzip_capped(bytes: &[u8], max: usize) -> Result<Vec<u8>, Inflate> {
    use std::io::Read;
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .take(max as u64 + 1)
        .read_to_end(&mut out)
        .map_err(Inflate::Gzip)?;
    if out.len() > max {
        return Err(Inflate::TooLarge);
    }
    Ok(out)
}

/// The file `name` as given, or inflated when it starts with gzip's magic bytes `1f 8b`; either
/// way at most [`MAX_FILE_BYTES`].
pub fn maybe_gunzip<'a>(name: &str, bytes: &'a [u8]) -> Result<Cow<'a, [u8]>, String> {
    let too_large = || {
        format!(
            "{name}: larger than {} MiB — too large for the browser to hold; use a part of the data set",
            MAX_FILE_BYTES >> 20
        )
    };
    if bytes.len() > MAX_FILE_BYTES {
        return Err(too_large());
    }
    if !bytes.starts_with(&[0x1f, 0x8b]) {
        return Ok(Cow::Borrowed(bytes));
    }
    gunzip_capped(bytes, MAX_FILE_BYTES)
        .map(Cow::Owned)
        .map_err(|e| match e {
            Inflate::Gzip(e) => format!(
                "{name}: starts like a gzip file but does not inflate ({e}) — is it complete? Download it again"
            ),
            Inflate::TooLarge => too_large(),
        })
}

/// The class names of a names file: one name per line (UTF-8, `\n` or `\r\n`, blank last lines
/// ignored), checked by [`classes::check_names`].
pub fn parse_names(name: &str, bytes: &[u8]) -> Result<Vec<String>, String> {
    let bytes = maybe_gunzip(name, bytes)?;
    let text = std::str::from_utf8(&bytes).map_err(|e| {
        format!(
            "{name}: not UTF-8 text (byte {}) — save the names file as UTF-8, one name per line",
            e.valid_up_to()
        )
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut names: Vec<String> = text
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l).to_string())
        .collect();
    while names.last().is_some_and(|n| n.trim().is_empty()) {
        names.pop();
    }
    classes::check_names("class", &names)
        .map_err(|(_, m)| format!("{name}: {m} (class k is line k + 1 of the file)"))?;
    Ok(names)
}

/// The classes of labels `labels` (from the file `name`): the names given, or `"0"` … `"k−1"`
/// where `k − 1` is the largest label. Refuses a label that is not a class, more than 64 classes,
/// a single class, and a class without images.
fn classes_of(
    name: &str,
    labels: &[u8],
    names: Option<Vec<String>>,
) -> Result<Vec<String>, String> {
    let given = names.is_some();
    let names = match names {
        Some(n) => n,
        None => {
            let top = labels.iter().copied().max().unwrap_or(0) as usize;
            if top >= MAX_CLASSES {
                let at = labels.iter().position(|&l| l as usize == top).unwrap_or(0);
                return Err(format!(
                    "{name}: label {top} (image {at}) makes {} classes, at most {MAX_CLASSES} are supported — merge classes or leave some out",
                    top + 1
                ));
            }
            classes::default_names(top + 1)
        }
    };
    if let Some((at, &l)) = labels
        .iter()
        .enumerate()
        .find(|(_, &l)| l as usize >= names.len())
    {
        return Err(format!(
            "{name}: label {l} of image {at} is not a class: the names file names {} classes (labels 0 to {}) — add the missing names or fix the labels",
            names.len(),
            names.len() - 1
        ));
    }
    let mut count = vec![0usize; names.len()];
    for &l in labels {
        count[l as usize] += 1;
    }
    let present = count.iter().filter(|&&c| c > 0).count();
    if present < 2 {
        return Err(format!(
            "{name}: every image is of one class ({:?}) — a network needs at least two classes to tell apart; add images of another class",
            names[labels.first().copied().unwrap_or(0) as usize]
        ));
    }
    if let Some(empty) = count.iter().position(|&c| c == 0) {
        return Err(format!(
            "{name}: class {empty} ({:?}) has no images — add images of it{}",
            names[empty],
            if given {
                " or remove its name from the names file"
            } else {
                " or renumber the labels without gaps"
            }
        ));
    }
    Ok(names)
}

/// An IDX data set: `images` and `labels` files (each gzipped or not; named for messages) and an
/// optional names file (`(name, bytes)`). The images must be 28×28.
pub fn load_idx(
    images_name: &str,
    images: Vec<u8>,
    labels_name: &str,
    labels: &[u8],
    names: Option<(&str, &[u8])>,
) -> Result<Dataset, String> {
    let names = names.map(|(n, b)| parse_names(n, b)).transpose()?;
    let image_file = match maybe_gunzip(images_name, &images)? {
        Cow::Borrowed(_) => images,
        Cow::Owned(inflated) => inflated,
    };
    let img = idx::parse_images(&image_file).map_err(|e| format!("{images_name}: {e}"))?;
    if (img.rows, img.cols) != (SIDE, SIDE) {
        return Err(format!(
            "{images_name}: the images are {}×{} pixels; the network reads {SIDE}×{SIDE} — resize them to {SIDE}×{SIDE} first",
            img.cols, img.rows
        ));
    }
    if img.count > MAX_IMAGES {
        return Err(format!(
            "{images_name}: {} images, at most {MAX_IMAGES} fit in the browser — use a part of the data set",
            img.count
        ));
    }
    let count = img.count;
    let label_file = maybe_gunzip(labels_name, labels)?;
    let labels = idx::parse_any_labels(&label_file).map_err(|e| format!("{labels_name}: {e}"))?;
    if labels.len() != count {
        return Err(format!(
            "{images_name} has {count} images but {labels_name} has {} labels — the files do not belong together",
            labels.len()
        ));
    }
    let classes = classes_of(labels_name, labels, names)?;
    let labels = labels.to_vec();
    Dataset::from_labeled(image_file, labels, classes).map_err(|e| format!("{images_name}: {e}"))
}

/// A CSV data set ([`crate::data::csv`]'s layout; gzipped or not) and an optional names file.
pub fn load_csv(name: &str, bytes: &[u8], names: Option<(&str, &[u8])>) -> Result<Dataset, String> {
    let names = names.map(|(n, b)| parse_names(n, b)).transpose()?;
    let text = maybe_gunzip(name, bytes)?;
    let max_label = names.as_ref().map_or(MAX_CLASSES, Vec::len) - 1;
    let parsed = csv::parse(name, &text, MAX_IMAGES, max_label as u8)?;
    let classes = classes_of(name, &parsed.labels, names)?;
    Dataset::from_labeled(parsed.image_file, parsed.labels, classes)
        .map_err(|e| format!("{name}: {e}"))
}

/// Hold out a `share` of `data` as a test set, class by class (so both parts keep every class):
/// of a class's `n` images, `round(share · n)` go to the test set, at least 1 and at most
/// `n − 1`, chosen by a seeded shuffle. Returns (training, test), each in the data set's order.
/// Refuses a share outside [`TEST_SHARE`] and a class of fewer than two images.
pub fn split(data: &Dataset, share: f32, seed: u64) -> Result<(Dataset, Dataset), String> {
    TEST_SHARE.check("the test share", share)?;
    let mut by_class: Vec<Vec<u32>> = vec![Vec::new(); data.class_count()];
    for (i, &l) in data.labels.iter().enumerate() {
        by_class[l as usize].push(i as u32);
    }
    let mut rng = rng::seeded(seed, Stream::TestSplit);
    let (mut train, mut test) = (Vec::new(), Vec::new());
    for (k, mut members) in by_class.into_iter().enumerate() {
        let n = members.len();
        if n < 2 {
            return Err(format!(
                "class {k} ({:?}) has {n} image{} — a held-out test set needs at least two of every class (one to train on, one to test); add images",
                data.classes()[k],
                if n == 1 { "" } else { "s" }
            ));
        }
        rng::shuffle(&mut members, &mut rng);
        let held = ((share as f64 * n as f64).round() as usize).clamp(1, n - 1);
        test.extend_from_slice(&members[..held]);
        train.extend_from_slice(&members[held..]);
    }
    train.sort_unstable();
    test.sort_unstable();
    Ok((data.select(&train), data.select(&test)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::idx::{encode, IMAGES_MAGIC, LABELS_MAGIC};
    use crate::data::PIXELS;

    fn idx_pair(labels: &[u8], side: u32) -> (Vec<u8>, Vec<u8>) {
        let n = labels.len() as u32;
        let pixels: Vec<u8> = (0..labels.len() * (side * side) as usize)
            .map(|k| k as u8)
            .collect();
        (
            encode(IMAGES_MAGIC, &[n, side, side], &pixels),
            encode(LABELS_MAGIC, &[n], labels),
        )
    }

    fn gz(bytes: &[u8]) -> Vec<u8> {
        use std::io::Write;
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(bytes).unwrap();
        e.finish().unwrap()
    }

    fn idx(labels: &[u8], names: Option<&str>) -> Result<Dataset, String> {
        let (i, l) = idx_pair(labels, 28);
        load_idx(
            "i.idx",
            i,
            "l.idx",
            &l,
            names.map(|n| ("names.txt", n.as_bytes())),
        )
    }

    #[test]
    fn idx_with_and_without_names_gzipped_or_not() {
        let d = idx(&[0, 1, 2, 1], Some("cat\ndog\r\nbird\n\n")).unwrap();
        assert_eq!(d.classes(), ["cat", "dog", "bird"]);
        assert_eq!(d.label_histogram(), vec![1, 2, 1]);
        assert_eq!(d.len(), 4);
        let d = idx(&[0, 1, 2, 1], None).unwrap();
        assert_eq!(d.classes(), ["0", "1", "2"]);
        // Gzipped images, labels and names read the same.
        let (i, l) = idx_pair(&[1, 0, 1], 28);
        let plain = load_idx("i", i.clone(), "l", &l, Some(("n", b"a\nb"))).unwrap();
        let zipped = load_idx(
            "i.gz",
            gz(&i),
            "l.gz",
            &gz(&l),
            Some(("n.gz", &gz(b"a\nb"))),
        )
        .unwrap();
        assert_eq!(plain, zipped);
        assert_eq!(zipped.image(2), &i[16 + 2 * PIXELS..]);
    }

    #[test]
    fn idx_bad_inputs_name_the_file_and_what_to_do() {
        let big: Vec<u8> = (0..65).collect();
        let cases: Vec<(Result<Dataset, String>, &str)> = vec![
            (
                idx(&[3, 3, 3], None),
                "l.idx: every image is of one class (\"3\")",
            ),
            (
                idx(&[0, 0], Some("a\nb")),
                "l.idx: every image is of one class (\"a\")",
            ),
            (
                idx(&[0, 2], Some("a\nb\nc")),
                "l.idx: class 1 (\"b\") has no images — add images of it or remove its name",
            ),
            (
                idx(&[0, 2], None),
                "class 1 (\"1\") has no images — add images of it or renumber",
            ),
            (
                idx(&big, None),
                "l.idx: label 64 (image 64) makes 65 classes, at most 64",
            ),
            (
                idx(&[0, 1, 2], Some("a\nb")),
                "l.idx: label 2 of image 2 is not a class: the names file names 2 classes",
            ),
            (
                idx(&[0, 1], Some("a\na")),
                "names.txt: class[1] repeats the name \"a\" of class 0",
            ),
            (
                idx(&[0, 1], Some("a\n\nb")),
                "names.txt: class[1] (class 1) has an empty name",
            ),
            (
                idx(&[0, 1], Some("only")),
                "names.txt: class must name 2 to 64 classes, got 1",
            ),
            (
                load_idx(
                    "i.idx",
                    idx_pair(&[0, 1], 28).0,
                    "l.idx",
                    &idx_pair(&[0, 1, 1], 28).1,
                    None,
                ),
                "i.idx has 2 images but l.idx has 3 labels",
            ),
            (
                load_idx(
                    "i.idx",
                    idx_pair(&[0, 1], 32).0,
                    "l.idx",
                    &idx_pair(&[0, 1], 32).1,
                    None,
                ),
                "i.idx: the images are 32×32 pixels; the network reads 28×28 — resize",
            ),
            (
                load_idx(
                    "i.idx",
                    idx_pair(&[0, 1], 28).1,
                    "l.idx",
                    &idx_pair(&[0, 1], 28).0,
                    None,
                ),
                "i.idx: images: wrong magic number",
            ),
            (
                load_idx(
                    "i.gz",
                    gz(&idx_pair(&[0, 1], 28).0)[..30].to_vec(),
                    "l",
                    &idx_pair(&[0, 1], 28).1,
                    None,
                ),
                "i.gz: starts like a gzip file but does not inflate",
            ),
            (
                load_idx(
                    "i",
                    idx_pair(&[0, 1], 28).0,
                    "l",
                    &idx_pair(&[0, 1], 28).1,
                    Some(("n", b"a\n\xff")),
                ),
                "n: not UTF-8 text (byte 2)",
            ),
        ];
        for (got, words) in cases {
            let e = got.unwrap_err();
            assert!(e.contains(words), "want {words:?} in {e}");
            assert!(e.contains(" — "), "a hint: {e}");
        }
    }

    #[test]
    fn more_images_than_the_browser_holds_are_refused_from_the_header() {
        // The header claims MAX_IMAGES + 1 images: refused before anything is read past it (the
        // data is absent: the count check comes first).
        let mut i = encode(IMAGES_MAGIC, &[(MAX_IMAGES + 1) as u32, 28, 28], &[]);
        i.resize(16 + (MAX_IMAGES + 1) * PIXELS, 0);
        let e = load_idx("i", i, "l", &[], None).unwrap_err();
        assert!(e.contains("250001 images, at most 250000"), "{e}");
        // A gzip bomb stops at the cap.
        let bomb = gz(&vec![0u8; MAX_FILE_BYTES + 1]);
        let e = maybe_gunzip("b.gz", &bomb).unwrap_err();
        assert!(e.contains("b.gz: larger than 256 MiB"), "{e}");
    }

    fn csv_rows(labels: &[u8]) -> Vec<u8> {
        let img: Vec<u8> = (0..PIXELS).map(|k| (k % 256) as u8).collect();
        let rows: Vec<(u8, &[u8])> = labels.iter().map(|&l| (l, &img[..])).collect();
        csv::encode(&rows, true)
    }

    #[test]
    fn csv_with_and_without_names() {
        let d = load_csv(
            "d.csv",
            &csv_rows(&[1, 0, 2]),
            Some(("n", "✓\n✗\n○".as_bytes())),
        )
        .unwrap();
        assert_eq!(d.classes(), ["✓", "✗", "○"]);
        assert_eq!(d.labels, vec![1, 0, 2]);
        assert_eq!(d.image(0)[300], (300 % 256) as u8);
        let d = load_csv("d.csv.gz", &gz(&csv_rows(&[1, 0])), None).unwrap();
        assert_eq!(d.classes(), ["0", "1"]);
    }

    #[test]
    fn csv_bad_inputs_name_the_file_and_what_to_do() {
        let big: Vec<u8> = (0..65).collect();
        let cases = [
            (
                load_csv("d.csv", &csv_rows(&[4, 4]), None),
                "d.csv: every image is of one class",
            ),
            (
                load_csv("d.csv", &csv_rows(&big), None),
                "d.csv: line 66, column 1: label 64 is too large — labels are 0 to 63",
            ),
            (
                load_csv("d.csv", &csv_rows(&[0, 2]), Some(("n", b"a\nb\nc"))),
                "d.csv: class 1 (\"b\") has no images",
            ),
            (
                load_csv("d.csv", &csv_rows(&[0, 2]), Some(("n", b"a\nb"))),
                "d.csv: line 3, column 1: label 2 is too large — labels are 0 to 1",
            ),
        ];
        for (got, words) in cases {
            let e = got.unwrap_err();
            assert!(e.contains(words), "want {words:?} in {e}");
        }
    }

    #[test]
    fn split_holds_out_a_seeded_share_of_every_class() {
        let labels: Vec<u8> = (0..300).map(|k| (k % 3) as u8).collect();
        let d = idx(&labels, Some("a\nb\nc")).unwrap();
        let (train, test) = split(&d, 0.2, 7).unwrap();
        assert_eq!((train.len(), test.len()), (240, 60));
        assert_eq!(test.label_histogram(), vec![20, 20, 20]);
        assert_eq!(train.classes(), d.classes());
        assert_eq!(test.classes(), d.classes());
        // Every image lands in exactly one part, unchanged.
        let mut seen: Vec<&[u8]> = (0..train.len()).map(|i| train.image(i)).collect();
        seen.extend((0..test.len()).map(|i| test.image(i)));
        let mut all: Vec<&[u8]> = (0..d.len()).map(|i| d.image(i)).collect();
        seen.sort();
        all.sort();
        assert_eq!(seen, all);
        // Seeded: the same seed, the same split; another seed, another.
        assert_eq!(split(&d, 0.2, 7).unwrap().1, test);
        assert_ne!(split(&d, 0.2, 8).unwrap().1, test);
        // A class of one image cannot be in both parts; a share out of range is refused.
        let d = idx(&[0, 1, 1], None).unwrap();
        let e = split(&d, 0.5, 1).unwrap_err();
        assert!(
            e.contains("class 0 (\"0\") has 1 image — a held-out test set needs at least two"),
            "{e}"
        );
        let d = idx(&[0, 1, 1, 0], None).unwrap();
        let (train, test) = split(&d, 0.01, 1).unwrap();
        assert_eq!(
            (train.len(), test.len()),
            (2, 2),
            "at least one of each class each side"
        );
        for bad in [0.0, 0.95, f32::NAN] {
            let e = split(&d, bad, 1).unwrap_err();
            assert!(e.contains("the test share must be in [0.01, 0.9]"), "{e}");
        }
    }
}
