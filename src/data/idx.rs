//! The IDX file format, as used by MNIST: parse from bytes, validate everything, never panic.
//!
//! An IDX file is a big-endian header followed by row-major data:
//!
//! | offset | field |
//! |---|---|
//! | 0 | magic: `0x00 0x00 type ndim` — MNIST uses type `0x08` (u8); images have 3 dims, labels 1 |
//! | 4 | each dimension as a big-endian u32 (`count`, then `rows`, `cols` for images) |
//! | 4 + 4·ndim | `count × rows × cols` data bytes, nothing after them |
//!
//! Non-goals: element types other than `u8`, dimensions other than 1 (labels) and 3 (images).

use thiserror::Error;

/// Magic number of an IDX file of `u8` images: type 0x08, three dimensions.
pub const IMAGES_MAGIC: u32 = 0x0000_0803;
/// Magic number of an IDX file of `u8` labels: type 0x08, one dimension.
pub const LABELS_MAGIC: u32 = 0x0000_0801;
/// Largest image side accepted. MNIST is 28; anything above this is surely not an image file.
pub const MAX_SIDE: usize = 1024;
/// Largest number of items accepted (MNIST has 60,000); guards allocations driven by a header.
pub const MAX_COUNT: usize = 10_000_000;
/// Largest decompressed IDX file read from a `.gz` (MNIST's largest, the training images, is
/// 47 MB): a gzip file that inflates past this is refused before more is held in memory.
pub const MAX_FILE_BYTES: usize = 256 * 1024 * 1024;
/// Bytes before the pixels of a valid image file: magic and three dimensions (16).
pub const IMAGES_HEADER: usize = header_len(3);
/// Bytes before the labels of a valid label file: magic and one dimension (8).
pub const LABELS_HEADER: usize = header_len(1);

/// Header length of an IDX file with `ndim` dimensions: the 4-byte magic, then 4 bytes per dimension.
const fn header_len(ndim: usize) -> usize {
    4 + 4 * ndim
}

/// Every way an IDX file (or a pair of them) can be wrong. Messages are short and carry a hint.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum IdxError {
    #[error("{what}: file is too short for an IDX header ({len} bytes, need at least {need}) — is it the right file, fully downloaded and decompressed?")]
    TooShortForHeader {
        what: &'static str,
        len: usize,
        need: usize,
    },
    #[error("{what}: wrong magic number 0x{found:08x}, expected 0x{expected:08x} — is it the {what} file, and decompressed (gzip starts with 0x1f8b)?")]
    WrongMagic {
        what: &'static str,
        found: u32,
        expected: u32,
    },
    #[error("{what}: dimension {dim} is {value}, allowed 1..={max} — the header is corrupt")]
    BadDimension {
        what: &'static str,
        dim: &'static str,
        value: u64,
        max: usize,
    },
    #[error("{what}: truncated: header promises {expected} data bytes but only {found} follow — download the file again")]
    Truncated {
        what: &'static str,
        expected: usize,
        found: usize,
    },
    #[error(
        "{what}: {extra} unexpected bytes after the data — the file is corrupt or not an IDX file"
    )]
    TrailingBytes { what: &'static str, extra: usize },
    #[error("image file has {images} images but label file has {labels} labels — the files do not belong together")]
    CountMismatch { images: usize, labels: usize },
    #[error("labels: label {label} at index {index} is above 9 — not an MNIST label file")]
    BadLabel { index: usize, label: u8 },
}

/// Parsed image file: a borrowed view of the pixel bytes (which start at [`IMAGES_HEADER`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Images<'a> {
    pub count: usize,
    pub rows: usize,
    pub cols: usize,
    /// `count × rows × cols` bytes, row-major.
    pub pixels: &'a [u8],
}

fn be_u32(bytes: &[u8], at: usize) -> u32 {
    u32::from_be_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]])
}

/// Check the header of an IDX file with `dims.len()` dimensions and return (dimensions, data).
fn parse<'a>(
    what: &'static str,
    bytes: &'a [u8],
    magic: u32,
    dims: &[(&'static str, usize)],
) -> Result<(Vec<usize>, &'a [u8]), IdxError> {
    let header = header_len(dims.len());
    if bytes.len() < header {
        // A wrong magic is the more useful message when there are at least four bytes.
        if bytes.len() >= 4 && be_u32(bytes, 0) != magic {
            return Err(IdxError::WrongMagic {
                what,
                found: be_u32(bytes, 0),
                expected: magic,
            });
        }
        return Err(IdxError::TooShortForHeader {
            what,
            len: bytes.len(),
            need: header,
        });
    }
    let found = be_u32(bytes, 0);
    if found != magic {
        return Err(IdxError::WrongMagic {
            what,
            found,
            expected: magic,
        });
    }
    let mut values = Vec::with_capacity(dims.len());
    let mut expected: usize = 1;
    for (k, &(dim, max)) in dims.iter().enumerate() {
        let value = be_u32(bytes, 4 + 4 * k) as usize;
        if value == 0 || value > max {
            return Err(IdxError::BadDimension {
                what,
                dim,
                value: value as u64,
                max,
            });
        }
        // Checked: the limits keep this far below usize::MAX even on wasm32, but say so in code.
        expected = expected.checked_mul(value).ok_or(IdxError::BadDimension {
            what,
            dim,
            value: value as u64,
            max,
        })?;
        values.push(value);
    }
    let data = &bytes[header..];
    if data.len() < expected {
        return Err(IdxError::Truncated {
            what,
            expected,
            found: data.len(),
        });
    }
    if data.len() > expected {
        return Err(IdxError::TrailingBytes {
            what,
            extra: data.len() - expected,
        });
    }
    Ok((values, data))
}

/// Parse an IDX image file (magic `0x00000803`).
pub fn parse_images(bytes: &[u8]) -> Result<Images<'_>, IdxError> {
    let (d, pixels) = parse(
        "images",
        bytes,
        IMAGES_MAGIC,
        &[("count", MAX_COUNT), ("rows", MAX_SIDE), ("cols", MAX_SIDE)],
    )?;
    Ok(Images {
        count: d[0],
        rows: d[1],
        cols: d[2],
        pixels,
    })
}

/// Parse an IDX label file (magic `0x00000801`); every label must be 0–9. The labels returned
/// start at [`LABELS_HEADER`].
pub fn parse_labels(bytes: &[u8]) -> Result<&[u8], IdxError> {
    let labels = parse_any_labels(bytes)?;
    if let Some((index, &label)) = labels.iter().enumerate().find(|(_, &l)| l > 9) {
        return Err(IdxError::BadLabel { index, label });
    }
    Ok(labels)
}

/// Parse an IDX label file like [`parse_labels`] but accept any byte as a label (data sets
/// with other classes check their labels against their own names).
pub fn parse_any_labels(bytes: &[u8]) -> Result<&[u8], IdxError> {
    Ok(parse("labels", bytes, LABELS_MAGIC, &[("count", MAX_COUNT)])?.1)
}

/// Build IDX bytes (for tests and tools): `magic`, dimensions, data.
pub fn encode(magic: u32, dims: &[u32], data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(4 + 4 * dims.len() + data.len());
    out.extend_from_slice(&magic.to_be_bytes());
    for d in dims {
        out.extend_from_slice(&d.to_be_bytes());
    }
    out.extend_from_slice(data);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn images(count: u32) -> Vec<u8> {
        let data: Vec<u8> = (0..count * 4).map(|i| i as u8).collect();
        encode(IMAGES_MAGIC, &[count, 2, 2], &data)
    }

    #[test]
    fn parses_a_valid_image_file() {
        let bytes = images(3);
        let img = parse_images(&bytes).unwrap();
        assert_eq!((img.count, img.rows, img.cols), (3, 2, 2));
        assert_eq!(img.pixels, &(0..12).collect::<Vec<u8>>()[..]);
    }

    #[test]
    fn parses_a_valid_label_file() {
        let bytes = encode(LABELS_MAGIC, &[3], &[7, 0, 9]);
        assert_eq!(parse_labels(&bytes).unwrap(), &[7, 0, 9]);
    }

    // Dataset keeps whole files and slices them at these offsets, so they must be where the parsed
    // data starts (the table in the module doc: 4 + 4·ndim).
    #[test]
    fn header_lengths_are_where_the_data_starts() {
        assert_eq!((IMAGES_HEADER, LABELS_HEADER), (16, 8));
        let bytes = images(3);
        assert_eq!(
            parse_images(&bytes).unwrap().pixels,
            &bytes[IMAGES_HEADER..]
        );
        let bytes = encode(LABELS_MAGIC, &[3], &[7, 0, 9]);
        assert_eq!(parse_labels(&bytes).unwrap(), &bytes[LABELS_HEADER..]);
    }

    // One malformed input per error kind (table-driven).
    #[test]
    fn every_malformed_image_file_has_its_own_error() {
        let ok = images(2);
        let cases: Vec<(&str, Vec<u8>, IdxError)> = vec![
            (
                "empty",
                vec![],
                IdxError::TooShortForHeader {
                    what: "images",
                    len: 0,
                    need: 16,
                },
            ),
            (
                "header cut short",
                ok[..10].to_vec(),
                IdxError::TooShortForHeader {
                    what: "images",
                    len: 10,
                    need: 16,
                },
            ),
            (
                "label magic on an image file",
                encode(LABELS_MAGIC, &[2, 2, 2], &[0; 8]),
                IdxError::WrongMagic {
                    what: "images",
                    found: LABELS_MAGIC,
                    expected: IMAGES_MAGIC,
                },
            ),
            (
                "still gzip-compressed",
                vec![0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
                IdxError::WrongMagic {
                    what: "images",
                    found: 0x1f8b_0800,
                    expected: IMAGES_MAGIC,
                },
            ),
            (
                "zero rows",
                encode(IMAGES_MAGIC, &[2, 0, 2], &[]),
                IdxError::BadDimension {
                    what: "images",
                    dim: "rows",
                    value: 0,
                    max: MAX_SIDE,
                },
            ),
            (
                "absurd columns",
                encode(IMAGES_MAGIC, &[1, 28, 70_000], &[]),
                IdxError::BadDimension {
                    what: "images",
                    dim: "cols",
                    value: 70_000,
                    max: MAX_SIDE,
                },
            ),
            (
                "zero count",
                encode(IMAGES_MAGIC, &[0, 28, 28], &[]),
                IdxError::BadDimension {
                    what: "images",
                    dim: "count",
                    value: 0,
                    max: MAX_COUNT,
                },
            ),
            (
                "absurd count",
                encode(IMAGES_MAGIC, &[u32::MAX, 28, 28], &[]),
                IdxError::BadDimension {
                    what: "images",
                    dim: "count",
                    value: u32::MAX as u64,
                    max: MAX_COUNT,
                },
            ),
            (
                "truncated data",
                ok[..ok.len() - 3].to_vec(),
                IdxError::Truncated {
                    what: "images",
                    expected: 8,
                    found: 5,
                },
            ),
            (
                "trailing bytes",
                [ok.clone(), vec![1, 2]].concat(),
                IdxError::TrailingBytes {
                    what: "images",
                    extra: 2,
                },
            ),
        ];
        for (name, bytes, want) in cases {
            assert_eq!(parse_images(&bytes).unwrap_err(), want, "case: {name}");
        }
    }

    #[test]
    fn a_label_above_nine_is_refused() {
        let bytes = encode(LABELS_MAGIC, &[4], &[1, 2, 10, 3]);
        let err = parse_labels(&bytes).unwrap_err();
        assert_eq!(
            err,
            IdxError::BadLabel {
                index: 2,
                label: 10
            }
        );
        assert!(err.to_string().contains("above 9"), "{err}");
    }

    #[test]
    fn messages_say_what_to_do() {
        let err = parse_images(&[0x1f, 0x8b, 8, 0, 0]).unwrap_err();
        assert!(err.to_string().contains("decompressed"), "{err}");
        let err = parse_images(&images(2)[..17]).unwrap_err();
        assert!(err.to_string().contains("download the file again"), "{err}");
    }
}
