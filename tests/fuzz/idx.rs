//! Targets `idx` and `idx_gz`: the IDX reader on raw bytes (`parse_images`, `parse_labels`,
//! `Dataset::from_idx`) and behind the native gunzip (`mnist::gunzip`).
//!
//! Checks, beyond "no panic": each parser accepts exactly what an independent reading of the
//! header says is valid (magic, every dimension in range, exactly the promised data bytes, labels
//! 0–9, equal counts), what it returns is that data, every refusal has a message with a hint, and
//! the parse holds at most a few hundred bytes (borrowed parsers) or one copy of the input
//! (`from_idx`) — so a header that claims a huge size cannot make it allocate. The gunzip cap
//! holds: never more than [`GZ_MAX`] bytes out, and never more than about three times that held.
//!
//! Input of `idx`: `u32` LE length `n`, then `n` bytes of image file, then the label file.
//! Input of `idx_gz`: a gzip file (of an image or a label file, valid or mutated).
//!
//! Non-goals: the browser's `DecompressionStream` path (the JS fuzzing covers the page).

use crate::alloc::peak_during;
use crate::harness::{assert_message, variant, Target};
use crate::mutate::{interesting_u32, mutate_bytes};
use flate2::write::GzEncoder;
use flate2::Compression;
use mnist_playground::data::idx::{
    self, encode, IdxError, IMAGES_MAGIC, LABELS_MAGIC, MAX_COUNT, MAX_SIDE,
};
use mnist_playground::data::mnist::{gunzip, Dataset, LoadError};
use rand::Rng;
use rand_pcg::Pcg64Mcg;
use std::io::Write;

pub const IDX: Target = Target {
    name: "idx",
    generate: generate_pair,
    check: check_pair,
};

pub const IDX_GZ: Target = Target {
    name: "idx_gz",
    generate: generate_gz,
    check: check_gz,
};

/// The decompression cap in this target (small, so that mutated streams can reach it).
pub const GZ_MAX: usize = 64 * 1024;

/// A valid image file and its label file: `count` images of `rows × cols`.
fn valid_pair(rng: &mut Pcg64Mcg) -> (Vec<u8>, Vec<u8>) {
    let (count, rows, cols) = match rng.random_range(0..4) {
        0 => (rng.random_range(1..4), 28, 28),
        1 => (1, 1, 1),
        2 => (
            rng.random_range(1..20),
            rng.random_range(1..6),
            rng.random_range(1..6),
        ),
        _ => (2, 3, 2),
    };
    let pixels: Vec<u8> = (0..count * rows * cols).map(|_| rng.random()).collect();
    let labels: Vec<u8> = (0..count).map(|_| rng.random_range(0..10)).collect();
    (
        encode(IMAGES_MAGIC, &[count, rows, cols], &pixels),
        encode(LABELS_MAGIC, &[count], &labels),
    )
}

/// Mutations aimed at IDX: a dimension set to an extreme (with the data resized to match it
/// when that is small, so the parse gets past the length checks), or generic byte moves.
fn mutate_idx(rng: &mut Pcg64Mcg, file: &mut Vec<u8>, other: &[u8]) {
    let ndim = (file.len().saturating_sub(4) / 4).min(3);
    if ndim > 0 && rng.random_bool(0.3) {
        let d = rng.random_range(0..ndim);
        let v = interesting_u32(rng);
        file[4 + 4 * d..8 + 4 * d].copy_from_slice(&v.to_be_bytes());
        if rng.random_bool(0.5) {
            // Make the data the length the new header promises, if that is small.
            let want: u128 = (0..ndim)
                .map(|k| u32::from_be_bytes(file[4 + 4 * k..8 + 4 * k].try_into().unwrap()) as u128)
                .product();
            if want <= 1 << 16 {
                file.resize(4 + 4 * ndim + want as usize, rng.random_range(0..11));
            }
        }
    } else {
        mutate_bytes(rng, file, 4 + 4 * ndim, other);
    }
}

fn generate_pair(rng: &mut Pcg64Mcg, out: &mut Vec<u8>) {
    let (mut images, mut labels) = valid_pair(rng);
    match rng.random_range(0..10) {
        0 => std::mem::swap(&mut images, &mut labels),
        1 => {} // unchanged: must load
        _ => {
            for _ in 0..rng.random_range(1..4) {
                if rng.random_bool(0.6) {
                    mutate_idx(rng, &mut images, &labels);
                } else {
                    mutate_idx(rng, &mut labels, &images);
                }
            }
        }
    }
    out.extend_from_slice(&(images.len() as u32).to_le_bytes());
    out.extend_from_slice(&images);
    out.extend_from_slice(&labels);
}

/// The verdict an independent reading of the header gives: the dimensions, or why not.
fn expected(bytes: &[u8], magic: u32, max: &[usize]) -> Option<Vec<usize>> {
    let header = 4 + 4 * max.len();
    if bytes.len() < header || bytes[..4] != magic.to_be_bytes() {
        return None;
    }
    let dims: Vec<usize> = (0..max.len())
        .map(|k| u32::from_be_bytes(bytes[4 + 4 * k..8 + 4 * k].try_into().unwrap()) as usize)
        .collect();
    if dims.iter().zip(max).any(|(&d, &m)| d == 0 || d > m) {
        return None;
    }
    let data = dims.iter().map(|&d| d as u128).product::<u128>();
    (data == (bytes.len() - header) as u128).then_some(dims)
}

/// Checks both parsers and the data set on a pair of files; names the data set's outcome.
fn check_idx(images: &[u8], labels: &[u8]) -> String {
    let (parsed, bytes) = peak_during(|| idx::parse_images(images));
    assert!(bytes <= 256, "parse_images held {bytes} bytes");
    match (
        parsed,
        expected(images, IMAGES_MAGIC, &[MAX_COUNT, MAX_SIDE, MAX_SIDE]),
    ) {
        (Ok(img), Some(d)) => {
            assert_eq!([img.count, img.rows, img.cols], [d[0], d[1], d[2]]);
            assert_eq!(img.pixels, &images[16..]);
        }
        (Err(e), None) => assert_message("images", &e.to_string()),
        (got, want) => panic!("parse_images gave {got:?}, an independent reading {want:?}"),
    }

    let (parsed, bytes) = peak_during(|| idx::parse_labels(labels));
    assert!(bytes <= 256, "parse_labels held {bytes} bytes");
    let want = expected(labels, LABELS_MAGIC, &[MAX_COUNT])
        .filter(|_| labels[8..].iter().all(|&l| l <= 9));
    match (parsed, want) {
        (Ok(l), Some(_)) => assert_eq!(l, &labels[8..]),
        (Err(e), None) => assert_message("labels", &e.to_string()),
        (got, want) => panic!("parse_labels gave {got:?}, an independent reading {want:?}"),
    }

    let (loaded, bytes) = peak_during(|| Dataset::from_idx(images, labels));
    assert!(
        bytes <= images.len() + labels.len() + 256,
        "from_idx held {bytes} bytes for {} bytes of input",
        images.len() + labels.len()
    );
    let both = (idx::parse_images(images), idx::parse_labels(labels));
    match (loaded, both) {
        (Ok(d), (Ok(img), Ok(l))) => {
            assert_eq!((d.len(), d.rows, d.cols), (img.count, img.rows, img.cols));
            assert_eq!((d.images(), &d.labels[..]), (img.pixels, l));
            "loads".to_string()
        }
        (Err(e @ IdxError::CountMismatch { images, labels }), (Ok(img), Ok(l))) => {
            assert_eq!((images, labels), (img.count, l.len()));
            assert_ne!(images, labels);
            variant(&e)
        }
        (Err(e), (Err(_), _) | (_, Err(_))) => {
            assert_message("dataset", &e.to_string());
            variant(&e)
        }
        (got, _) => panic!("from_idx gave {got:?} for files that parse on their own"),
    }
}

fn check_pair(input: &[u8]) -> String {
    if input.len() < 4 {
        return check_idx(input, input);
    }
    let n = (u32::from_le_bytes(input[..4].try_into().unwrap()) as usize).min(input.len() - 4);
    let (images, labels) = input[4..].split_at(n);
    let outcome = check_idx(images, labels);
    // Each file read as the other kind, too.
    check_idx(labels, images);
    outcome
}

fn gzip(bytes: &[u8], level: u32) -> Vec<u8> {
    let mut e = GzEncoder::new(Vec::new(), Compression::new(level));
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

fn generate_gz(rng: &mut Pcg64Mcg, out: &mut Vec<u8>) {
    let (images, labels) = valid_pair(rng);
    let mut file = if rng.random_bool(0.5) { images } else { labels };
    // Mutate the IDX inside (so the parser behind the gunzip sees bad files too), the gzip
    // around it (so the decoder sees bad streams), or both.
    let inner = rng.random_range(0..3);
    if inner != 1 {
        for _ in 0..rng.random_range(0..3) {
            mutate_idx(rng, &mut file, &[]);
        }
    }
    if rng.random_range(0..20) == 0 {
        // Highly compressible and longer than the cap: a small gzip bomb.
        file.resize(GZ_MAX + rng.random_range(1..GZ_MAX), 0);
    }
    let mut gz = gzip(&file, rng.random_range(0..10));
    if inner != 0 {
        for _ in 0..rng.random_range(1..4) {
            mutate_bytes(rng, &mut gz, 10, &[]);
        }
    }
    out.extend_from_slice(&gz);
}

fn check_gz(input: &[u8]) -> String {
    let (out, bytes) = peak_during(|| gunzip("fuzz.gz", input, GZ_MAX));
    // Whatever the stream claims or inflates to: the output buffer (grown by doubling, so its
    // capacity reaches up to twice the cap, and the old buffer is live while it moves) plus the
    // decoder's own state (window, buffers: under 128 KiB).
    assert!(
        bytes <= 3 * (GZ_MAX + 1) + 128 * 1024,
        "gunzip held {bytes} bytes"
    );
    match out {
        Ok(file) => {
            assert!(file.len() <= GZ_MAX);
            check_idx(&file, &file);
            match (idx::parse_images(&file), idx::parse_labels(&file)) {
                (Ok(_), _) => "inflated: images".to_string(),
                (_, Ok(_)) => "inflated: labels".to_string(),
                (Err(e), _) => format!("inflated: {}", variant(&e)),
            }
        }
        Err(e @ (LoadError::Gzip { .. } | LoadError::TooLarge { .. })) => {
            assert_message("gzip", &e.to_string());
            variant(&e)
        }
        Err(e) => panic!("gunzip gave an error of the wrong kind: {e:?}"),
    }
}
