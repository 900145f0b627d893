//! # Preprocessing: a drawing on a canvas → the 28×28 image the network reads
//!
//! A digit drawn on a canvas does not look like an MNIST digit: it sits anywhere, at any size, with
//! any stroke width. MNIST itself was made from scanned digits by a fixed recipe, described on
//! Yann LeCun's MNIST page (<http://yann.lecun.com/exdb/mnist/>):
//!
//! > "The original black and white (bilevel) images from NIST were size normalized to fit in a 20x20
//! > pixel box while preserving their aspect ratio. The resulting images contain grey levels as a
//! > result of the anti-aliasing technique used by the normalization algorithm. the images were
//! > centered in a 28x28 image by computing the center of mass of the pixels, and translating the
//! > image so as to position this point at the center of the 28x28 field."
//!
//! [`preprocess`] applies the same recipe to a drawing, so the network sees what it was trained on:
//!
//! 1. **Ink.** Each pixel's intensity is its value (1 channel) or red × alpha / 255 (RGBA). Pixels
//!    below [`INK_THRESHOLD`] are background (treated as 0), so faint noise neither moves the crop
//!    nor the centre of mass. No ink at all → `Ok(None)`: an empty canvas predicts nothing.
//! 2. **Crop** to the bounding box of the ink.
//! 3. **Scale** by `s = 20 / max(box width, box height)` so the longer side becomes exactly 20 px and
//!    the aspect ratio is kept (a "1" stays thin). Resampling is exact area averaging: source pixel
//!    `(x, y)` is the square `[x·s, (x+1)·s) × [y·s, (y+1)·s)` in output pixels, and each output pixel
//!    receives every source pixel's value times their overlap area (a box filter with fractional
//!    coverage). It anti-aliases when shrinking and stays exact when enlarging small drawings, and
//!    it conserves ink: Σ output = s² · Σ input.
//! 4. **Round** to `u8` (0–255, the same byte scale as the MNIST files; training divides by 255, and
//!    so must whoever feeds this image to the network). Rounding happens *before* centring, so the
//!    centre of mass below is computed on exactly the bytes the network sees.
//! 5. **Centre.** Compute the intensity-weighted centre of mass of the ≤ 20×20 image and translate
//!    it into the 28×28 field so that the centre of mass lands on the field's centre `(14, 14)`.
//!    Like MNIST, the translation is by whole pixels: `round(14 − centre)` on each axis, so the
//!    centre of mass of the result is within 0.5 px of `(14, 14)` (unless ink is clipped, below).
//!    Whole-pixel shifts keep the image sharp; a sub-pixel shift would need another resampling blur.
//!    Anything that the translation pushes outside 28×28 is clipped (rare: a digit whose mass sits
//!    far from its box centre, as MNIST also had).
//!
//! Coordinates: pixel `(col, row)` covers `[col, col+1) × [row, row+1)`; its centre is
//! `(col + 0.5, row + 0.5)`. With that convention the centre of the 28×28 field is `(14.0, 14.0)`,
//! which is what [`center_of_mass`] reports for a centred image.
//!
//! Cost: one pass over the canvas to find the ink, one pass over the ink box to resample into a
//! fixed 20×20 stack buffer; no heap allocation.
//!
//! Non-goals: deskewing (MNIST did not deskew), stroke-width normalisation, colour inversion
//! guesses (the caller draws white ink on black), dithering.

use crate::data::{PIXELS, SIDE};

/// Side of the box the ink is scaled to fit, in pixels (MNIST's 20×20 box).
pub const BOX: usize = 20;
/// Intensities below this (on the 0–255 scale) are background, not ink.
pub const INK_THRESHOLD: f32 = 8.0;
/// Largest accepted canvas width or height.
pub const MAX_DIMENSION: usize = 4096;

/// Why a canvas buffer cannot be preprocessed.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum PreprocessError {
    /// Width or height is zero.
    #[error("canvas is {width}×{height}: width and height must be at least 1")]
    EmptyDimensions { width: usize, height: usize },
    /// Width or height exceeds [`MAX_DIMENSION`].
    #[error(
        "canvas is {width}×{height}: width and height must be at most {max} (downscale the canvas)"
    )]
    TooLarge {
        width: usize,
        height: usize,
        max: usize,
    },
    /// Channel count other than 1 or 4.
    #[error("channels must be 1 (intensity) or 4 (rgba), got {0}")]
    UnsupportedChannels(usize),
    /// Buffer length disagrees with the stated dimensions.
    #[error(
        "pixel buffer has {actual} bytes but {width}×{height}×{channels} needs {expected} \
         (check width, height and channels)"
    )]
    LengthMismatch {
        expected: usize,
        actual: usize,
        width: usize,
        height: usize,
        channels: usize,
    },
}

/// Ink intensity of pixel `index` on the 0–255 scale, with background (below [`INK_THRESHOLD`]) as 0.
#[inline(always)]
fn ink(pixels: &[u8], index: usize, channels: usize) -> f32 {
    let value = if channels == 1 {
        pixels[index] as f32
    } else {
        let p = index * 4;
        // Red weighted by alpha: ink drawn opaque white, or white drawn with partial alpha, both count.
        (pixels[p] as u32 * pixels[p + 3] as u32) as f32 / 255.0
    };
    if value < INK_THRESHOLD {
        0.0
    } else {
        value
    }
}

/// First and last ink column of one canvas row (`row` holds `width × channels` bytes).
#[inline]
fn ink_span(row: &[u8], channels: usize) -> Option<(usize, usize)> {
    if channels == 1 {
        let threshold = INK_THRESHOLD as u8;
        let first = row.iter().position(|&v| v >= threshold)?;
        let last = row.iter().rposition(|&v| v >= threshold)?;
        Some((first, last))
    } else {
        // red × alpha / 255 ≥ threshold  ⇔  red × alpha ≥ threshold × 255 (integers, exact).
        let threshold = INK_THRESHOLD as u32 * 255;
        let is_ink = |p: &[u8]| p[0] as u32 * p[3] as u32 >= threshold;
        let first = row.chunks_exact(4).position(is_ink)?;
        let last = row.chunks_exact(4).rposition(is_ink)?;
        Some((first, last))
    }
}

/// Check dimensions and buffer length; shared by every entry point that reads canvas bytes.
fn validate(
    pixels: &[u8],
    width: usize,
    height: usize,
    channels: usize,
) -> Result<(), PreprocessError> {
    if width == 0 || height == 0 {
        return Err(PreprocessError::EmptyDimensions { width, height });
    }
    if width > MAX_DIMENSION || height > MAX_DIMENSION {
        return Err(PreprocessError::TooLarge {
            width,
            height,
            max: MAX_DIMENSION,
        });
    }
    if channels != 1 && channels != 4 {
        return Err(PreprocessError::UnsupportedChannels(channels));
    }
    // Cannot overflow: 4096 × 4096 × 4 fits in 32 bits; checked anyway for clarity.
    let expected = width
        .checked_mul(height)
        .and_then(|n| n.checked_mul(channels))
        .ok_or(PreprocessError::TooLarge {
            width,
            height,
            max: MAX_DIMENSION,
        })?;
    if pixels.len() != expected {
        return Err(PreprocessError::LengthMismatch {
            expected,
            actual: pixels.len(),
            width,
            height,
            channels,
        });
    }
    Ok(())
}

/// Inclusive bounding box of the ink: `(x0, y0, x1, y1)`, or `None` if there is no ink.
fn ink_bounding_box(
    pixels: &[u8],
    width: usize,
    height: usize,
    channels: usize,
) -> Option<(usize, usize, usize, usize)> {
    let (mut x0, mut y0, mut x1, mut y1) = (usize::MAX, usize::MAX, 0, 0);
    for (y, row) in pixels
        .chunks_exact(width * channels)
        .take(height)
        .enumerate()
    {
        if let Some((first, last)) = ink_span(row, channels) {
            x0 = x0.min(first);
            x1 = x1.max(last);
            y0 = y0.min(y);
            y1 = y;
        }
    }
    (x0 != usize::MAX).then_some((x0, y0, x1, y1))
}

/// Overlap length of the intervals `[a0, a1)` and `[b, b+1)`.
#[inline(always)]
fn overlap(a0: f32, a1: f32, b: usize) -> f32 {
    let b0 = b as f32;
    (a1.min(b0 + 1.0) - a0.max(b0)).max(0.0)
}

/// The ink box `(x0, y0, x1, y1)` (inclusive) resampled by exact area averaging so that its longer
/// side is [`BOX`] px.
///
/// # Shapes
/// Returns `(image, out_width, out_height, s)`: `image` is row-major `[BOX, BOX]`, of which the
/// top-left `[out_height, out_width]` is used (the rest is 0); `s` is output px per source px.
fn resample_box(
    pixels: &[u8],
    width: usize,
    channels: usize,
    (x0, y0, x1, y1): (usize, usize, usize, usize),
) -> ([f32; BOX * BOX], usize, usize, f32) {
    let (box_w, box_h) = (x1 - x0 + 1, y1 - y0 + 1);
    let s = BOX as f32 / box_w.max(box_h) as f32;
    // The shorter side may end with a partially covered pixel; the longer side is exactly BOX
    // (clamped in case rounding in `box_len * s` lands a hair above 20).
    let out_w = ((box_w as f32 * s - 1e-4).ceil() as usize).clamp(1, BOX);
    let out_h = ((box_h as f32 * s - 1e-4).ceil() as usize).clamp(1, BOX);

    let mut image = [0.0f32; BOX * BOX];
    for sy in 0..box_h {
        // Horizontal pass for this source row: row_acc[i] = Σ_x ink(x) · overlap_x(x, i).
        let mut row_acc = [0.0f32; BOX];
        let mut row_has_ink = false;
        let row = (y0 + sy) * width + x0;
        for sx in 0..box_w {
            let v = ink(pixels, row + sx, channels);
            if v == 0.0 {
                continue;
            }
            row_has_ink = true;
            let (a0, a1) = (sx as f32 * s, (sx + 1) as f32 * s);
            let i0 = a0 as usize;
            if a1 <= (i0 + 1) as f32 {
                // Shrinking (s ≤ 1) mostly lands here: the source pixel lies inside one output column.
                row_acc[i0.min(BOX - 1)] += v * s;
            } else {
                let i_end = (a1.ceil() as usize).min(out_w);
                let i0 = i0.min(i_end);
                for (i, acc) in (i0..i_end).zip(&mut row_acc[i0..i_end]) {
                    *acc += v * overlap(a0, a1, i);
                }
            }
        }
        if !row_has_ink {
            continue;
        }
        // Vertical pass: spread the row over the output rows it overlaps.
        let (b0, b1) = (sy as f32 * s, (sy + 1) as f32 * s);
        let j_end = (b1.ceil() as usize).min(out_h);
        for j in (b0 as usize)..j_end {
            let wy = overlap(b0, b1, j);
            if wy == 0.0 {
                continue;
            }
            let out_row = &mut image[j * BOX..j * BOX + out_w];
            for (o, &r) in out_row.iter_mut().zip(&row_acc[..out_w]) {
                *o += r * wy;
            }
        }
    }
    (image, out_w, out_h, s)
}

/// Turn a canvas drawing into the 28×28 image the network reads, following MNIST's own recipe
/// (see the module docs for the steps).
///
/// `pixels` is row-major, white (high) ink on black: `channels == 1` is one intensity byte per
/// pixel; `channels == 4` is RGBA, and the ink is red × alpha / 255.
///
/// # Shapes
/// `pixels`: `[height, width, channels]` → `[28, 28]` row-major bytes (0–255).
///
/// Returns `Ok(None)` when there is no ink (every intensity below [`INK_THRESHOLD`], or ink so
/// faint and small that it rounds to nothing), and an error when the buffer does not match the
/// stated dimensions.
pub fn preprocess(
    pixels: &[u8],
    width: usize,
    height: usize,
    channels: usize,
) -> Result<Option<[u8; PIXELS]>, PreprocessError> {
    validate(pixels, width, height, channels)?;
    let Some(bbox) = ink_bounding_box(pixels, width, height, channels) else {
        return Ok(None);
    };
    let (image, out_w, out_h, _) = resample_box(pixels, width, channels, bbox);

    // Round to bytes first, then take the centre of mass of those bytes.
    let mut bytes = [0u8; BOX * BOX];
    let (mut mass, mut moment_x, mut moment_y) = (0.0f64, 0.0f64, 0.0f64);
    for j in 0..out_h {
        for i in 0..out_w {
            let b = image[j * BOX + i].round().clamp(0.0, 255.0) as u8;
            bytes[j * BOX + i] = b;
            let m = b as f64;
            mass += m;
            moment_x += m * (i as f64 + 0.5);
            moment_y += m * (j as f64 + 0.5);
        }
    }
    if mass == 0.0 {
        return Ok(None);
    }
    let centre = SIDE as f64 / 2.0;
    // Whole-pixel translation taking the centre of mass as close to (14, 14) as possible.
    let dx = (centre - moment_x / mass).round() as isize;
    let dy = (centre - moment_y / mass).round() as isize;

    let mut out = [0u8; PIXELS];
    for j in 0..out_h {
        let row = j as isize + dy;
        if !(0..SIDE as isize).contains(&row) {
            continue; // clipped
        }
        for i in 0..out_w {
            let col = i as isize + dx;
            if (0..SIDE as isize).contains(&col) {
                out[row as usize * SIDE + col as usize] = bytes[j * BOX + i];
            }
        }
    }
    Ok(Some(out))
}

/// Intensity-weighted centre of mass `(x, y)` of a 28×28 image, in pixel-centre coordinates:
/// pixel `(col, row)` counts at `(col + 0.5, row + 0.5)`, so a centred image gives `(14.0, 14.0)`.
/// `None` for an all-black image.
pub fn center_of_mass(img: &[u8; PIXELS]) -> Option<(f32, f32)> {
    let (mut mass, mut mx, mut my) = (0.0f64, 0.0f64, 0.0f64);
    for (k, &v) in img.iter().enumerate() {
        let m = v as f64;
        mass += m;
        mx += m * ((k % SIDE) as f64 + 0.5);
        my += m * ((k / SIDE) as f64 + 0.5);
    }
    (mass > 0.0).then(|| ((mx / mass) as f32, (my / mass) as f32))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A stroke: a polyline in canvas units.
    type Stroke<'a> = &'a [(f32, f32)];

    /// Distance from point p to segment ab.
    fn dist_to_segment(p: (f32, f32), a: (f32, f32), b: (f32, f32)) -> f32 {
        let (abx, aby) = (b.0 - a.0, b.1 - a.1);
        let (apx, apy) = (p.0 - a.0, p.1 - a.1);
        let len2 = abx * abx + aby * aby;
        let t = if len2 == 0.0 {
            0.0
        } else {
            ((apx * abx + apy * aby) / len2).clamp(0.0, 1.0)
        };
        let (dx, dy) = (apx - t * abx, apy - t * aby);
        (dx * dx + dy * dy).sqrt()
    }

    /// Render round-capped strokes of diameter `brush` onto a `w×h` canvas, every coordinate multiplied
    /// by `scale` and then offset by `(ox, oy)`. Anti-aliased by 4×4 supersampling, like a canvas.
    fn render(
        w: usize,
        h: usize,
        strokes: &[Stroke],
        brush: f32,
        scale: f32,
        (ox, oy): (f32, f32),
    ) -> Vec<u8> {
        let mut canvas = vec![0u8; w * h];
        let r = brush * scale / 2.0;
        let segs: Vec<((f32, f32), (f32, f32))> = strokes
            .iter()
            .flat_map(|s| s.windows(2).map(|p| (p[0], p[1])).collect::<Vec<_>>())
            .map(|(a, b)| {
                (
                    (a.0 * scale + ox, a.1 * scale + oy),
                    (b.0 * scale + ox, b.1 * scale + oy),
                )
            })
            .collect();
        for y in 0..h {
            for x in 0..w {
                let mut hits = 0;
                for sy in 0..4 {
                    for sx in 0..4 {
                        let p = (
                            x as f32 + (sx as f32 + 0.5) / 4.0,
                            y as f32 + (sy as f32 + 0.5) / 4.0,
                        );
                        if segs.iter().any(|&(a, b)| dist_to_segment(p, a, b) <= r) {
                            hits += 1;
                        }
                    }
                }
                canvas[y * w + x] = (hits * 255 / 16) as u8;
            }
        }
        canvas
    }

    /// A "7"-like digit, asymmetric so that position errors would show.
    const SEVEN: &[Stroke] = &[
        &[(0.0, 0.0), (60.0, 0.0), (25.0, 100.0)],
        &[(15.0, 50.0), (50.0, 50.0)],
    ];

    fn fill_rect(
        canvas: &mut [u8],
        w: usize,
        (x0, y0, x1, y1): (usize, usize, usize, usize),
        v: u8,
    ) {
        for y in y0..y1 {
            for x in x0..x1 {
                canvas[y * w + x] = v;
            }
        }
    }

    /// Inclusive bounding box of non-zero output pixels: (col0, row0, col1, row1).
    fn out_bbox(img: &[u8; PIXELS]) -> (usize, usize, usize, usize) {
        let (mut c0, mut r0, mut c1, mut r1) = (SIDE, SIDE, 0, 0);
        for (k, &v) in img.iter().enumerate() {
            if v > 0 {
                c0 = c0.min(k % SIDE);
                c1 = c1.max(k % SIDE);
                r0 = r0.min(k / SIDE);
                r1 = r1.max(k / SIDE);
            }
        }
        (c0, r0, c1, r1)
    }

    fn max_abs_diff(a: &[u8], b: &[u8]) -> u8 {
        a.iter().zip(b).map(|(&x, &y)| x.abs_diff(y)).max().unwrap()
    }

    #[test]
    fn same_shape_at_different_positions_gives_identical_output() {
        // A square blob at three places, then the "7" at three places: after cropping, the input
        // to the resampler is byte-for-byte the same, so the outputs must be identical.
        let mut reference = None;
        for &(x, y) in &[(10, 10), (150, 40), (200, 190)] {
            let mut canvas = vec![0u8; 280 * 280];
            fill_rect(&mut canvas, 280, (x, y, x + 60, y + 60), 255);
            let out = preprocess(&canvas, 280, 280, 1).unwrap().unwrap();
            match reference {
                None => reference = Some(out),
                Some(r) => assert_eq!(r, out, "square at ({x}, {y})"),
            }
        }
        // A 60×60 square scales to exactly 20×20 full pixels, centred at (14, 14): rows/cols 4..24.
        let r = reference.unwrap();
        for (k, &value) in r.iter().enumerate() {
            let (c, row) = (k % SIDE, k / SIDE);
            let inside = (4..24).contains(&c) && (4..24).contains(&row);
            assert_eq!(value, if inside { 255 } else { 0 }, "pixel ({c}, {row})");
        }

        let base = preprocess(
            &render(280, 280, SEVEN, 24.0, 1.0, (30.0, 30.0)),
            280,
            280,
            1,
        )
        .unwrap()
        .unwrap();
        for &offset in &[(120.0, 20.0), (60.0, 150.0)] {
            let moved = preprocess(&render(280, 280, SEVEN, 24.0, 1.0, offset), 280, 280, 1)
                .unwrap()
                .unwrap();
            assert_eq!(base, moved, "seven at {offset:?}");
        }
    }

    #[test]
    fn block_upscaled_drawing_gives_the_same_output() {
        // Every pixel of a drawing replaced by a 2×2 block: exact area averaging integrates the
        // same values, so only float summation order can differ (tolerance 1 of 255).
        let small = render(140, 140, SEVEN, 12.0, 1.0, (20.0, 15.0));
        let mut big = vec![0u8; 280 * 280];
        for y in 0..280 {
            for x in 0..280 {
                big[y * 280 + x] = small[(y / 2) * 140 + x / 2];
            }
        }
        let a = preprocess(&small, 140, 140, 1).unwrap().unwrap();
        let b = preprocess(&big, 280, 280, 1).unwrap().unwrap();
        assert!(
            max_abs_diff(&a, &b) <= 1,
            "max diff {}",
            max_abs_diff(&a, &b)
        );
    }

    #[test]
    fn shape_drawn_at_twice_the_scale_gives_nearly_the_same_output() {
        // The same strokes (and brush) rendered at 1× on 280×280 and 2× on 560×560. The rasters
        // differ (edge anti-aliasing, ±1 source px in the ink box → ~1% scale), so bytes near
        // edges may differ a little. Measured: max abs diff 1, mean 0.02 (of 255). Tolerances,
        // with margin: every pixel within 8, mean within 0.5.
        let one = preprocess(
            &render(280, 280, SEVEN, 20.0, 1.0, (40.0, 40.0)),
            280,
            280,
            1,
        )
        .unwrap()
        .unwrap();
        let two = preprocess(
            &render(560, 560, SEVEN, 20.0, 2.0, (80.0, 80.0)),
            560,
            560,
            1,
        )
        .unwrap()
        .unwrap();
        let max = max_abs_diff(&one, &two);
        let mean = one
            .iter()
            .zip(&two)
            .map(|(&a, &b)| a.abs_diff(b) as f64)
            .sum::<f64>()
            / PIXELS as f64;
        eprintln!("2x scale: max abs diff {max}, mean {mean:.3}");
        assert!(max <= 8, "max abs diff {max}");
        assert!(mean <= 0.5, "mean abs diff {mean}");
    }

    #[test]
    fn centre_of_mass_lands_within_half_a_pixel_of_the_centre() {
        let shapes: &[&[Stroke]] = &[
            SEVEN,
            &[&[(0.0, 0.0), (0.0, 100.0)]], // a "1"
            &[&[(0.0, 0.0), (80.0, 0.0), (0.0, 100.0), (80.0, 100.0)]], // a "Z"
            &[
                &[(40.0, 0.0), (0.0, 60.0), (70.0, 60.0)],
                &[(50.0, 20.0), (50.0, 110.0)],
            ], // a "4"
        ];
        for (n, shape) in shapes.iter().enumerate() {
            for &(brush, offset) in &[(12.0, (30.0, 50.0)), (30.0, (97.0, 33.0))] {
                let img = preprocess(&render(280, 280, shape, brush, 1.3, offset), 280, 280, 1)
                    .unwrap()
                    .unwrap();
                let (cx, cy) = center_of_mass(&img).unwrap();
                assert!(
                    (cx - 14.0).abs() <= 0.5 && (cy - 14.0).abs() <= 0.5,
                    "shape {n}: ({cx}, {cy})"
                );
            }
        }
    }

    #[test]
    fn center_of_mass_uses_pixel_centres() {
        // Hand-computed: one pixel at (col 3, row 5) → (3.5, 5.5); two equal pixels at cols 13, 14
        // of row 13 → (14.0, 13.5); a 255 and an 85 at cols 0 and 4 → x = (255·0.5 + 85·4.5)/340 = 1.5.
        let mut img = [0u8; PIXELS];
        img[5 * SIDE + 3] = 7;
        assert_eq!(center_of_mass(&img), Some((3.5, 5.5)));
        let mut img = [0u8; PIXELS];
        img[13 * SIDE + 13] = 100;
        img[13 * SIDE + 14] = 100;
        assert_eq!(center_of_mass(&img), Some((14.0, 13.5)));
        let mut img = [0u8; PIXELS];
        img[0] = 255;
        img[4] = 85;
        assert_eq!(center_of_mass(&img), Some((1.5, 0.5)));
        assert_eq!(center_of_mass(&[0u8; PIXELS]), None);
    }

    #[test]
    fn tall_thin_stroke_keeps_its_aspect_ratio() {
        // A vertical bar 12 px wide and 200 px tall: s = 20/200 = 0.1, so it becomes 1.2 px wide
        // (2 or 3 columns once placed at a whole-pixel offset) and exactly 20 rows tall.
        let mut canvas = vec![0u8; 280 * 280];
        fill_rect(&mut canvas, 280, (130, 40, 142, 240), 255);
        let img = preprocess(&canvas, 280, 280, 1).unwrap().unwrap();
        let (c0, r0, c1, r1) = out_bbox(&img);
        assert_eq!(r1 - r0 + 1, 20, "height");
        let thin_width = c1 - c0 + 1;
        assert!(thin_width <= 3, "width {thin_width} should stay thin");
        // Ink conserved: 12·200·255·0.01 = 6120 (± 0.5 per non-zero pixel for rounding).
        let sum: u32 = img.iter().map(|&v| v as u32).sum();
        let nonzero = img.iter().filter(|&&v| v > 0).count() as f64;
        assert!((sum as f64 - 6120.0).abs() <= 0.5 * nonzero, "sum {sum}");
    }

    #[test]
    fn small_drawing_is_enlarged_to_the_box() {
        // A 5×4 block (wider than tall) grows by s = 4: 20 columns × 16 rows of 255.
        let mut canvas = vec![0u8; 50 * 50];
        fill_rect(&mut canvas, 50, (10, 10, 15, 14), 255);
        let img = preprocess(&canvas, 50, 50, 1).unwrap().unwrap();
        let (c0, r0, c1, r1) = out_bbox(&img);
        assert_eq!((c1 - c0 + 1, r1 - r0 + 1), (20, 16));
        assert_eq!(img.iter().filter(|&&v| v == 255).count(), 20 * 16);
        assert_eq!(center_of_mass(&img), Some((14.0, 14.0)));
    }

    #[test]
    fn empty_or_faint_canvas_gives_none() {
        assert_eq!(preprocess(&vec![0u8; 280 * 280], 280, 280, 1), Ok(None));
        // Noise below the ink threshold is background.
        let faint: Vec<u8> = (0..280 * 280).map(|k| (k % 8) as u8).collect();
        assert_eq!(preprocess(&faint, 280, 280, 1), Ok(None));
        // Transparent white (alpha 0) is no ink either.
        let transparent: Vec<u8> = [255, 255, 255, 0].repeat(100 * 100);
        assert_eq!(preprocess(&transparent, 100, 100, 4), Ok(None));
    }

    #[test]
    fn bad_buffers_are_errors_not_panics() {
        assert_eq!(
            preprocess(&[0u8; 10], 4, 4, 1),
            Err(PreprocessError::LengthMismatch {
                expected: 16,
                actual: 10,
                width: 4,
                height: 4,
                channels: 1
            })
        );
        assert_eq!(
            preprocess(&[0u8; 16], 2, 2, 1),
            Err(PreprocessError::LengthMismatch {
                expected: 4,
                actual: 16,
                width: 2,
                height: 2,
                channels: 1
            })
        );
        assert_eq!(
            preprocess(&[], 0, 5, 1),
            Err(PreprocessError::EmptyDimensions {
                width: 0,
                height: 5
            })
        );
        assert_eq!(
            preprocess(&[0u8; 12], 2, 2, 3),
            Err(PreprocessError::UnsupportedChannels(3))
        );
        assert_eq!(
            preprocess(&[0u8; 4], 5000, 1, 1),
            Err(PreprocessError::TooLarge {
                width: 5000,
                height: 1,
                max: MAX_DIMENSION
            })
        );
        assert_eq!(
            preprocess(&[], usize::MAX, usize::MAX, 4),
            Err(PreprocessError::TooLarge {
                width: usize::MAX,
                height: usize::MAX,
                max: MAX_DIMENSION
            })
        );
        let msg = PreprocessError::UnsupportedChannels(3).to_string();
        assert_eq!(msg, "channels must be 1 (intensity) or 4 (rgba), got 3");
    }

    #[test]
    fn rgba_equals_one_channel() {
        let gray = render(200, 160, SEVEN, 16.0, 1.2, (30.0, 20.0));
        // Opaque canvas: white ink (r = g = b = v, alpha 255).
        let opaque: Vec<u8> = gray.iter().flat_map(|&v| [v, v, v, 255]).collect();
        // Transparent canvas: white ink with coverage in alpha.
        let alpha: Vec<u8> = gray.iter().flat_map(|&v| [255, 255, 255, v]).collect();
        let expected = preprocess(&gray, 200, 160, 1).unwrap();
        assert!(expected.is_some());
        assert_eq!(preprocess(&opaque, 200, 160, 4).unwrap(), expected);
        assert_eq!(preprocess(&alpha, 200, 160, 4).unwrap(), expected);
    }

    #[test]
    fn area_averaging_preserves_total_ink() {
        // Float level: Σ output = s² Σ input up to f32 summation error, for an anti-aliased drawing.
        let canvas = render(280, 280, SEVEN, 22.0, 1.5, (20.0, 40.0));
        let bbox = ink_bounding_box(&canvas, 280, 280, 1).unwrap();
        let (image, _, _, s) = resample_box(&canvas, 280, 1, bbox);
        let input: f64 = canvas
            .iter()
            .map(|&v| {
                if (v as f32) < INK_THRESHOLD {
                    0.0
                } else {
                    v as f64
                }
            })
            .sum();
        let output: f64 = image.iter().map(|&v| v as f64).sum();
        let expected = input * (s as f64).powi(2);
        assert!(
            (output - expected).abs() <= 1e-4 * expected,
            "output {output}, expected {expected}"
        );

        // Byte level, binary drawing (no faint pixels): an 87×130 block, s = 20/130; the 28×28
        // output's sum matches within 0.5 per non-zero pixel (rounding).
        let mut canvas = vec![0u8; 280 * 280];
        fill_rect(&mut canvas, 280, (33, 70, 120, 200), 255);
        let img = preprocess(&canvas, 280, 280, 1).unwrap().unwrap();
        let expected = 87.0 * 130.0 * 255.0 * (20.0f64 / 130.0).powi(2);
        let sum: f64 = img.iter().map(|&v| v as f64).sum();
        let nonzero = img.iter().filter(|&&v| v > 0).count() as f64;
        assert!(
            (sum - expected).abs() <= 0.5 * nonzero,
            "sum {sum}, expected {expected}"
        );
    }

    #[test]
    fn partially_covered_edge_pixels_get_fractional_values() {
        // A 30×20 block: s = 2/3, width 20 px, height 13⅓ px → the 14th row is a third covered:
        // 255/3 = 85. Rows 0..13 are 255.
        let mut canvas = vec![0u8; 40 * 40];
        fill_rect(&mut canvas, 40, (5, 5, 35, 25), 255);
        let bbox = ink_bounding_box(&canvas, 40, 40, 1).unwrap();
        assert_eq!(bbox, (5, 5, 34, 24));
        let (image, w, h, _) = resample_box(&canvas, 40, 1, bbox);
        assert_eq!((w, h), (20, 14));
        for j in 0..14 {
            let expected = if j < 13 { 255.0 } else { 85.0 };
            for i in 0..20 {
                assert!(
                    (image[j * BOX + i] - expected).abs() < 0.01,
                    "({i}, {j}) = {}",
                    image[j * BOX + i]
                );
            }
        }
    }

    #[test]
    fn a_280_canvas_is_fast() {
        // Not a strict benchmark (shared machine): a generous bound that catches accidental
        // quadratic work. Typical native time is far below 1 ms.
        let canvas = render(280, 280, SEVEN, 24.0, 2.0, (20.0, 20.0));
        let mut per = f64::INFINITY; // best of 50: the least disturbed by other processes
        for _ in 0..50 {
            let start = std::time::Instant::now();
            std::hint::black_box(preprocess(std::hint::black_box(&canvas), 280, 280, 1).unwrap());
            per = per.min(start.elapsed().as_secs_f64());
        }
        eprintln!("preprocess 280×280: {:.1} µs", per * 1e6);
        assert!(per < 0.02, "{per} s per call");
    }
}
