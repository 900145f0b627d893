//! MNIST as it lives in memory: the IDX bytes parsed and validated into a [`Dataset`] whose pixels
//! stay `u8` (60,000 × 784 bytes = 47 MB); batches are converted to `f32` on the fly by the trainer,
//! so the whole set is never copied to `f32`.
//!
//! The dataset keeps the decompressed image file it is given, header included, and reads the pixels
//! 16 bytes in ([`idx::IMAGES_HEADER`]): [`Dataset::from_idx_owned`] validates the bytes in place
//! and copies nothing but the 60 kB of labels. In the browser this makes wasm-bindgen's copy of the
//! JavaScript array the only copy, so the 47 MB are never in wasm memory twice (wasm memory never
//! shrinks, so a second copy would raise the worker's memory for good).
//!
//! The same code runs natively and in wasm: it only sees bytes. Decompression happens outside —
//! natively with flate2 ([`load_gz`]), in the browser with the native `DecompressionStream('gzip')`.
//!
//! A data set also knows its classes' names ([`Dataset::classes`]): MNIST's are the ten digits;
//! [`Dataset::from_labeled`] takes any 2 to 64 names (the loaders of [`crate::data::loaders`]
//! use it) and checks every label against them.
//!
//! Non-goals: downloading the files, converting pixels to `f32` (the trainer's workspace does it
//! per batch), reading formats other than IDX (see [`crate::data::loaders`]).

use crate::data::classes;
use crate::data::idx;
use crate::data::{PIXELS, SIDE};

pub use idx::IdxError;

/// Images in the MNIST training file (the default `available` when validating a config before
/// the data is loaded).
pub const TRAIN_IMAGES: usize = 60_000;

/// Images and their labels, validated to belong together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dataset {
    /// The IDX image file as given: the [`idx::IMAGES_HEADER`]-byte header, then the pixels
    /// (read them with [`Dataset::images`] and [`Dataset::image`]). Kept whole so that loading
    /// does not copy 47 MB to drop 16 bytes.
    image_file: Vec<u8>,
    /// One label per image, an index into `classes` (0–9 for MNIST).
    pub labels: Vec<u8>,
    pub rows: usize,
    pub cols: usize,
    /// The classes' names, label `k` is `classes[k]` (2 to 64 of them).
    classes: Vec<String>,
}

impl Dataset {
    /// Parse an IDX image file and an IDX label file (both already decompressed), keeping the bytes
    /// without copying the pixels. Every check of [`idx::parse_images`] and [`idx::parse_labels`]
    /// applies, and the two files must hold the same number of items.
    pub fn from_idx_owned(images: Vec<u8>, mut labels: Vec<u8>) -> Result<Dataset, IdxError> {
        let img = idx::parse_images(&images)?;
        let (count, rows, cols) = (img.count, img.rows, img.cols);
        let label_count = idx::parse_labels(&labels)?.len();
        if count != label_count {
            return Err(IdxError::CountMismatch {
                images: count,
                labels: label_count,
            });
        }
        // Shifts the 60,000 labels 8 bytes down in place: no allocation, and `labels` stays a
        // plain Vec of labels for the callers that index it.
        labels.drain(..idx::LABELS_HEADER);
        Ok(Dataset {
            image_file: images,
            labels,
            rows,
            cols,
            classes: classes::digit_names(),
        })
    }

    /// A data set of any 2 to 64 classes: `image_file` is an IDX image file (checked like
    /// [`idx::parse_images`]'s), `labels` one label per image (no header), each less than
    /// `classes.len()`, and `classes` the names ([`classes::check_names`]). The error is one line
    /// that says what is wrong and what to do.
    pub fn from_labeled(
        image_file: Vec<u8>,
        labels: Vec<u8>,
        classes: Vec<String>,
    ) -> Result<Dataset, String> {
        classes::check_names("class names", &classes).map_err(|(_, m)| m)?;
        let img = idx::parse_images(&image_file).map_err(|e| e.to_string())?;
        let (count, rows, cols) = (img.count, img.rows, img.cols);
        if count != labels.len() {
            return Err(IdxError::CountMismatch {
                images: count,
                labels: labels.len(),
            }
            .to_string());
        }
        if let Some((index, &label)) = labels
            .iter()
            .enumerate()
            .find(|(_, &l)| l as usize >= classes.len())
        {
            return Err(format!(
                "label {label} of image {index} is not a class: there are {} classes (labels 0 to {}) — give one name per class, or fix the labels",
                classes.len(),
                classes.len() - 1
            ));
        }
        Ok(Dataset {
            image_file,
            labels,
            rows,
            cols,
            classes,
        })
    }

    /// The images at `indices` (in that order) as a data set of their own, with the same classes.
    /// Panics if an index is out of range, like slice indexing.
    pub fn select(&self, indices: &[u32]) -> Dataset {
        let n = self.pixels_per_image();
        let mut image_file = Vec::with_capacity(idx::IMAGES_HEADER + indices.len() * n);
        image_file.extend_from_slice(&self.image_file[..idx::IMAGES_HEADER]);
        image_file[4..8].copy_from_slice(&(indices.len() as u32).to_be_bytes());
        for &i in indices {
            image_file.extend_from_slice(self.image(i as usize));
        }
        Dataset {
            image_file,
            labels: indices.iter().map(|&i| self.labels[i as usize]).collect(),
            rows: self.rows,
            cols: self.cols,
            classes: self.classes.clone(),
        }
    }

    /// The classes' names: label `k` is `classes()[k]`.
    pub fn classes(&self) -> &[String] {
        &self.classes
    }

    /// Number of classes (10 for MNIST).
    pub fn class_count(&self) -> usize {
        self.classes.len()
    }

    /// Parse borrowed IDX files: like [`Dataset::from_idx_owned`], but copies the bytes once.
    pub fn from_idx(images: &[u8], labels: &[u8]) -> Result<Dataset, IdxError> {
        Dataset::from_idx_owned(images.to_vec(), labels.to_vec())
    }

    /// Every pixel: `len() × rows × cols` bytes, row-major, 0 = background, 255 = ink.
    pub fn images(&self) -> &[u8] {
        &self.image_file[idx::IMAGES_HEADER..]
    }

    /// Number of images.
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// Pixels per image (`rows × cols`).
    pub fn pixels_per_image(&self) -> usize {
        self.rows * self.cols
    }

    /// The pixels of image `i`. Panics if `i >= len()`, like slice indexing.
    pub fn image(&self, i: usize) -> &[u8] {
        let n = self.pixels_per_image();
        &self.images()[i * n..(i + 1) * n]
    }

    /// How many images carry each label, one count per class.
    pub fn label_histogram(&self) -> Vec<u32> {
        let mut h = vec![0u32; self.class_count()];
        for &l in &self.labels {
            h[l as usize] += 1;
        }
        h
    }

    /// Mean pixel value over every image (0–255).
    pub fn mean_pixel(&self) -> f64 {
        let pixels = self.images();
        let sum: u64 = pixels.iter().map(|&p| p as u64).sum();
        sum as f64 / pixels.len().max(1) as f64
    }
}

/// Errors reading gzip'd IDX files from disk (native only).
#[cfg(not(target_arch = "wasm32"))]
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error(
        "cannot read {path}: {source} — run `bash scripts/tools/fetch-mnist.sh` to rebuild data/"
    )]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}: not a valid gzip file ({source}) — run `bash scripts/tools/fetch-mnist.sh` to rebuild data/")]
    Gzip {
        path: String,
        source: std::io::Error,
    },
    /// The file, or what it inflates to, is larger than any IDX file this reads.
    #[error("{path}: larger than {max} bytes (compressed or not) — not an MNIST file; run `bash scripts/tools/fetch-mnist.sh` to rebuild data/")]
    TooLarge { path: String, max: usize },
    #[error("{path}: {source}")]
    Idx { path: String, source: IdxError },
}

/// Read and decompress a `.gz` file of at most [`idx::MAX_FILE_BYTES`] (compressed and
/// decompressed; native only, the browser uses `DecompressionStream`).
#[cfg(not(target_arch = "wasm32"))]
pub fn read_gz(path: &std::path::Path) -> Result<Vec<u8>, LoadError> {
    let p = path.display().to_string();
    let io = |source| LoadError::Io {
        path: p.clone(),
        source,
    };
    if std::fs::metadata(path).map_err(io)?.len() > idx::MAX_FILE_BYTES as u64 {
        return Err(LoadError::TooLarge {
            path: p,
            max: idx::MAX_FILE_BYTES,
        });
    }
    let file = std::fs::read(path).map_err(io)?;
    gunzip(&p, &file, idx::MAX_FILE_BYTES)
}

/// Decompress gzip `bytes` (named `path` in errors), refusing output longer than `max` bytes:
/// it stops reading at `max + 1`, so a small file that inflates to gigabytes never holds more.
#[cfg(not(target_arch = "wasm32"))]
pub fn gunzip(path: &str, bytes: &[u8], max: usize) -> Result<Vec<u8>, LoadError> {
    use crate::data::loaders::{gunzip_capped, Inflate};
    gunzip_capped(bytes, max).map_err(|e| match e {
        Inflate::Gzip(source) => LoadError::Gzip {
            path: path.to_string(),
            source,
        },
        Inflate::TooLarge => LoadError::TooLarge {
            path: path.to_string(),
            max,
        },
    })
}

/// Load `{dir}/{prefix}-images-idx3-ubyte.gz` and `{dir}/{prefix}-labels-idx1-ubyte.gz`
/// (`prefix` is `train` or `t10k`).
#[cfg(not(target_arch = "wasm32"))]
pub fn load_gz(dir: &std::path::Path, prefix: &str) -> Result<Dataset, LoadError> {
    let ip = dir.join(format!("{prefix}-images-idx3-ubyte.gz"));
    let lp = dir.join(format!("{prefix}-labels-idx1-ubyte.gz"));
    let images = read_gz(&ip)?;
    let labels = read_gz(&lp)?;
    Dataset::from_idx_owned(images, labels).map_err(|source| LoadError::Idx {
        path: format!("{} + {}", ip.display(), lp.display()),
        source,
    })
}

/// A small learnable data set in MNIST's shape, for tests and examples: image `i` has class
/// `7·i mod 10`, drawn as a bright horizontal bar on row `4 + 2·class` (shifted by `i mod 5`
/// columns, brightness 200–249), and goes through the IDX parser like the real files.
pub fn synthetic_bars(count: usize) -> Dataset {
    let mut pixels = vec![0u8; count * PIXELS];
    let mut labels = vec![0u8; count];
    for i in 0..count {
        let label = (i * 7 % 10) as u8;
        labels[i] = label;
        let row = 4 + 2 * label as usize;
        for c in 4 + i % 5..20 + i % 5 {
            pixels[i * PIXELS + row * SIDE + c] = 200 + (i % 50) as u8;
        }
    }
    Dataset::from_idx_owned(
        idx::encode(
            idx::IMAGES_MAGIC,
            &[count as u32, SIDE as u32, SIDE as u32],
            &pixels,
        ),
        idx::encode(idx::LABELS_MAGIC, &[count as u32], &labels),
    )
    .expect("well-formed IDX")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::idx::{encode, IMAGES_MAGIC, LABELS_MAGIC};

    #[test]
    fn image_and_label_counts_must_agree() {
        let images = encode(IMAGES_MAGIC, &[3, 1, 1], &[0, 1, 2]);
        let labels = encode(LABELS_MAGIC, &[2], &[0, 1]);
        assert_eq!(
            Dataset::from_idx(&images, &labels).unwrap_err(),
            IdxError::CountMismatch {
                images: 3,
                labels: 2
            }
        );
    }

    #[test]
    fn dataset_accessors() {
        let images = encode(IMAGES_MAGIC, &[2, 1, 2], &[0, 10, 20, 30]);
        let labels = encode(LABELS_MAGIC, &[2], &[3, 3]);
        let d = Dataset::from_idx(&images, &labels).unwrap();
        assert_eq!(d.len(), 2);
        assert_eq!(d.image(1), &[20, 30]);
        assert_eq!(d.label_histogram()[3], 2);
        assert_eq!(d.mean_pixel(), 15.0);
        assert_eq!(d.images(), &[0, 10, 20, 30]);
        assert_eq!(d.labels, vec![3, 3]);
    }

    #[test]
    fn owned_bytes_are_kept_not_copied() {
        let images = encode(IMAGES_MAGIC, &[2, 1, 2], &[0, 10, 20, 30]);
        let labels = encode(LABELS_MAGIC, &[2], &[3, 4]);
        let borrowed = Dataset::from_idx(&images, &labels).unwrap();
        let file_start = images.as_ptr();
        let d = Dataset::from_idx_owned(images, labels).unwrap();
        assert_eq!(d, borrowed);
        // The pixels are the given allocation, 16 header bytes in (the IDX image header).
        assert_eq!(d.images().as_ptr(), file_start.wrapping_add(16));
        assert_eq!(d.image(1), &[20, 30]);
        assert_eq!(d.labels, vec![3, 4]);
    }

    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn gunzip_reads_up_to_its_cap_and_refuses_more() {
        use std::io::Write;
        let gz = |bytes: &[u8]| {
            let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
            e.write_all(bytes).unwrap();
            e.finish().unwrap()
        };
        let file = encode(LABELS_MAGIC, &[3], &[1, 2, 3]);
        assert_eq!(gunzip("l.gz", &gz(&file), file.len()).unwrap(), file);
        // One byte over the cap: refused, whatever the rest of the stream holds.
        let e = gunzip("l.gz", &gz(&file), file.len() - 1).unwrap_err();
        assert!(matches!(e, LoadError::TooLarge { max: 10, .. }), "{e:?}");
        assert!(e.to_string().contains("larger than 10 bytes"), "{e}");
        // Not gzip at all, and a stream cut short.
        let e = gunzip("l.gz", &file, 1 << 20).unwrap_err();
        assert!(matches!(e, LoadError::Gzip { .. }), "{e:?}");
        let cut = gz(&file);
        let e = gunzip("l.gz", &cut[..cut.len() - 6], 1 << 20).unwrap_err();
        assert!(matches!(e, LoadError::Gzip { .. }), "{e:?}");
    }

    #[test]
    fn owned_and_borrowed_parsing_refuse_the_same_files() {
        let images = encode(IMAGES_MAGIC, &[2, 1, 2], &[0, 10, 20, 30]);
        let labels = encode(LABELS_MAGIC, &[2], &[3, 4]);
        let cases: Vec<(&str, Vec<u8>, Vec<u8>, IdxError)> = vec![
            (
                "truncated images",
                images[..images.len() - 1].to_vec(),
                labels.clone(),
                IdxError::Truncated {
                    what: "images",
                    expected: 4,
                    found: 3,
                },
            ),
            (
                "files swapped",
                labels.clone(),
                images.clone(),
                IdxError::WrongMagic {
                    what: "images",
                    found: LABELS_MAGIC,
                    expected: IMAGES_MAGIC,
                },
            ),
            (
                "label above nine",
                images.clone(),
                encode(LABELS_MAGIC, &[2], &[3, 12]),
                IdxError::BadLabel {
                    index: 1,
                    label: 12,
                },
            ),
            (
                "one label short",
                images.clone(),
                encode(LABELS_MAGIC, &[1], &[3]),
                IdxError::CountMismatch {
                    images: 2,
                    labels: 1,
                },
            ),
        ];
        for (name, images, labels, want) in cases {
            assert_eq!(
                Dataset::from_idx(&images, &labels).unwrap_err(),
                want,
                "borrowed, case: {name}"
            );
            assert_eq!(
                Dataset::from_idx_owned(images, labels).unwrap_err(),
                want,
                "owned, case: {name}"
            );
        }
    }
}
