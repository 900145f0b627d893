//! Target `preprocess`: a canvas buffer → the 28×28 image ([`preprocess`]), with sizes from the
//! ordinary to the degenerate (0×N, 1×1, 4096 wide, 4096×4096, sizes near `usize::MAX`), 1 or 4
//! channels (and invalid counts), buffers shorter or longer than `width × height × channels`,
//! and contents from empty to all ink: single pixels, strokes, noise, ink just below and at the
//! threshold, opaque ink with zero alpha.
//!
//! Checks, beyond "no panic": valid dimensions and length are accepted and everything else is
//! refused with an error that reports the arguments it was given; no heap allocation at
//! all (as the module promises); a canvas without ink gives no image; an image is never all black
//! and its ink fits in the 20×20 box.
//!
//! Input: width `u64` LE, height `u64` LE, channels `u8`, then the pixel bytes.
//!
//! Non-goals: how recognisable the result is (the module's own tests check the recipe).

use crate::alloc::peak_during;
use crate::harness::{variant, Target};
use mnist_playground::data::preprocess::{
    preprocess, PreprocessError, BOX, INK_THRESHOLD, MAX_DIMENSION,
};
use mnist_playground::data::SIDE;
use rand::Rng;
use rand_pcg::Pcg64Mcg;

pub const PREPROCESS: Target = Target {
    name: "preprocess",
    generate,
    check,
};

/// Encode a case as the target's input bytes.
pub fn input(width: u64, height: u64, channels: u8, pixels: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(17 + pixels.len());
    out.extend_from_slice(&width.to_le_bytes());
    out.extend_from_slice(&height.to_le_bytes());
    out.push(channels);
    out.extend_from_slice(pixels);
    out
}

fn dimension(rng: &mut Pcg64Mcg) -> u64 {
    match rng.random_range(0..20) {
        0 => 0,
        1 => 1,
        2 => [4095, 4096, 4097][rng.random_range(0..3)],
        3 => [u64::MAX, u64::MAX / 4 + 1, 1 << 32, (1 << 32) + 1, 1 << 62][rng.random_range(0..5)],
        4 => 280,
        _ => rng.random_range(1..48),
    }
}

/// Fill `pixels` (`width × height × channels`) with one kind of drawing.
fn draw(rng: &mut Pcg64Mcg, pixels: &mut [u8], width: usize, channels: usize) {
    let n = pixels.len() / channels;
    let ink = |pixels: &mut [u8], k: usize, value: u8, alpha: u8| {
        if channels == 4 {
            pixels[4 * k..4 * k + 4].copy_from_slice(&[value, value, value, alpha]);
        } else {
            pixels[k] = value;
        }
    };
    let threshold = INK_THRESHOLD as u8;
    match rng.random_range(0..9) {
        0 => {}                                             // empty
        1 => (0..n).for_each(|k| ink(pixels, k, 255, 255)), // all ink
        2 => ink(
            pixels,
            rng.random_range(0..n),
            rng.random_range(threshold..=255),
            255,
        ),
        3 => pixels.iter_mut().for_each(|p| *p = rng.random()), // noise
        4 => (0..n).for_each(|k| ink(pixels, k, threshold - 1, 255)), // just below the threshold
        5 => (0..n).for_each(|k| ink(pixels, k, 255, 0)),       // white but transparent
        6 => {
            // Exactly at the threshold: red × alpha = 8 × 255.
            let k = rng.random_range(0..n);
            if channels == 4 {
                ink(pixels, k, 255, threshold);
            } else {
                ink(pixels, k, threshold, 255);
            }
        }
        _ => {
            // A few thick strokes between random points.
            let height = n / width;
            for _ in 0..rng.random_range(1..4) {
                let (x0, y0) = (rng.random_range(0..width), rng.random_range(0..height));
                let (x1, y1) = (rng.random_range(0..width), rng.random_range(0..height));
                let r = rng.random_range(0..4) as isize;
                let steps = x0.abs_diff(x1).max(y0.abs_diff(y1)).max(1);
                for t in 0..=steps {
                    let x = x0 as isize + (x1 as isize - x0 as isize) * t as isize / steps as isize;
                    let y = y0 as isize + (y1 as isize - y0 as isize) * t as isize / steps as isize;
                    for dy in -r..=r {
                        for dx in -r..=r {
                            let (px, py) = (x + dx, y + dy);
                            if (0..width as isize).contains(&px)
                                && (0..height as isize).contains(&py)
                            {
                                ink(pixels, py as usize * width + px as usize, 255, 255);
                            }
                        }
                    }
                }
            }
        }
    }
}

fn generate(rng: &mut Pcg64Mcg, out: &mut Vec<u8>) {
    let (mut width, mut height) = (dimension(rng), dimension(rng));
    // The largest canvas costs ~0.1 s to draw: rare here, and always in `extremes`.
    if rng.random_range(0..100_000) == 0 {
        (width, height) = (4096, 4096);
    }
    let channels: u8 = match rng.random_range(0..20) {
        0 => [0, 2, 3, 5, 255][rng.random_range(0..5)],
        1..=4 => 1,
        _ => 4,
    };
    // A buffer as the dimensions ask when that is small (up to 4096 × 8 in RGBA; 4096 × 4096
    // only on purpose), otherwise a short one; then sometimes a length that does not match.
    let wanted = width
        .checked_mul(height)
        .and_then(|n| n.checked_mul(channels as u64))
        .filter(|&n| n <= 4096 * 8 * 4 || n == 4096 * 4096 * 4);
    let mut pixels = vec![0u8; wanted.unwrap_or(rng.random_range(0..64)) as usize];
    if wanted.is_some()
        && (1..=4).contains(&channels)
        && channels != 2
        && channels != 3
        && !pixels.is_empty()
    {
        draw(rng, &mut pixels, width as usize, channels as usize);
    }
    if rng.random_range(0..10) == 0 {
        match rng.random_range(0..4) {
            0 => pixels.truncate(pixels.len().saturating_sub(rng.random_range(1..=4))),
            1 => pixels.extend(std::iter::repeat_n(255, rng.random_range(1..=4))),
            2 => pixels.clear(),
            _ => pixels.push(255),
        }
    }
    out.extend_from_slice(&input(width, height, channels, &pixels));
}

/// Whether an independent reading of the arguments finds them valid: both sides 1 to
/// [`MAX_DIMENSION`], 1 or 4 channels, and exactly `width × height × channels` bytes.
fn valid(len: usize, width: usize, height: usize, channels: usize) -> bool {
    let side = 1..=MAX_DIMENSION;
    side.contains(&width)
        && side.contains(&height)
        && matches!(channels, 1 | 4)
        && width
            .checked_mul(height)
            .and_then(|n| n.checked_mul(channels))
            == Some(len)
}

fn check(input: &[u8]) -> String {
    let mut head = [0u8; 17];
    let n = input.len().min(17);
    head[..n].copy_from_slice(&input[..n]);
    let width = u64::from_le_bytes(head[..8].try_into().unwrap()) as usize;
    let height = u64::from_le_bytes(head[8..16].try_into().unwrap()) as usize;
    let channels = head[16] as usize;
    let pixels = &input[n..];

    let (result, bytes) = peak_during(|| preprocess(pixels, width, height, channels));
    assert_eq!(bytes, 0, "preprocess allocated {bytes} bytes");
    match (result, valid(pixels.len(), width, height, channels)) {
        (Err(e), false) => {
            // The refusal reports the arguments it was given.
            let echoed = match e {
                PreprocessError::EmptyDimensions {
                    width: w,
                    height: h,
                }
                | PreprocessError::TooLarge {
                    width: w,
                    height: h,
                    ..
                } => (w, h) == (width, height),
                PreprocessError::UnsupportedChannels(c) => c == channels,
                PreprocessError::LengthMismatch {
                    actual,
                    width: w,
                    height: h,
                    channels: c,
                    ..
                } => (actual, w, h, c) == (pixels.len(), width, height, channels),
            };
            assert!(
                echoed,
                "{e:?} for {width}×{height}×{channels}, {} bytes",
                pixels.len()
            );
            let m = e.to_string();
            assert!(m.starts_with(|c: char| c.is_lowercase()), "{m:?}");
            variant(&e)
        }
        (Ok(image), true) => {
            let has_ink = if channels == 1 {
                pixels.iter().any(|&v| v as f32 >= INK_THRESHOLD)
            } else {
                pixels
                    .chunks_exact(4)
                    .any(|p| (p[0] as u32 * p[3] as u32) as f32 / 255.0 >= INK_THRESHOLD)
            };
            match image {
                None => "no ink".to_string(),
                Some(_) if !has_ink => panic!("an image from a canvas without ink"),
                Some(img) => {
                    let inked: Vec<(usize, usize)> = (0..SIDE * SIDE)
                        .filter(|&k| img[k] > 0)
                        .map(|k| (k % SIDE, k / SIDE))
                        .collect();
                    assert!(!inked.is_empty(), "an all-black image instead of None");
                    let span = |f: fn(&(usize, usize)) -> usize| {
                        inked.iter().map(f).max().unwrap() - inked.iter().map(f).min().unwrap() + 1
                    };
                    assert!(
                        span(|p| p.0) <= BOX && span(|p| p.1) <= BOX,
                        "ink wider than the box"
                    );
                    "image".to_string()
                }
            }
        }
        (got, valid) => panic!("preprocess gave {got:?} for arguments that are valid: {valid}"),
    }
}

/// The named degenerate canvases, each run once through the checks (and timed by the caller).
pub fn extremes() -> Vec<(&'static str, Vec<u8>)> {
    let rgba = |w: usize, h: usize, value: u8| vec![value; w * h * 4];
    let mut single = rgba(28, 28, 0);
    single[(14 * 28 + 14) * 4..(14 * 28 + 15) * 4].copy_from_slice(&[255; 4]);
    vec![
        ("0×28", input(0, 28, 4, &[])),
        ("28×0", input(28, 0, 4, &[])),
        ("0×0 with bytes", input(0, 0, 4, &[255; 16])),
        ("1×1 ink", input(1, 1, 4, &[255; 4])),
        ("1×1 empty", input(1, 1, 4, &[0; 4])),
        ("single pixel in 28×28", input(28, 28, 4, &single)),
        ("empty 280×280", input(280, 280, 4, &rgba(280, 280, 0))),
        ("all ink 280×280", input(280, 280, 4, &rgba(280, 280, 255))),
        ("all ink 4096×1", input(4096, 1, 4, &rgba(4096, 1, 255))),
        ("all ink 1×4096", input(1, 4096, 4, &rgba(1, 4096, 255))),
        (
            "all ink 4096×4096",
            input(4096, 4096, 4, &rgba(4096, 4096, 255)),
        ),
        (
            "empty 4096×4096",
            input(4096, 4096, 4, &rgba(4096, 4096, 0)),
        ),
        ("4097×1", input(4097, 1, 4, &rgba(4097, 1, 255))),
        ("one byte short", input(28, 28, 4, &rgba(28, 28, 255)[1..])),
        ("one byte long", input(28, 28, 1, &[255; 28 * 28 + 1])),
        ("w·h·4 overflows", input(u64::MAX, u64::MAX, 4, &[255; 64])),
        ("w·h·4 wraps to 0", input(1 << 62, 4, 4, &[])),
        ("3 channels", input(2, 2, 3, &[255; 12])),
        ("0 channels", input(2, 2, 0, &[])),
    ]
}
