//! # Data augmentation: random, label-preserving distortions of 28×28 digits
//!
//! People draw digits shifted, tilted, slanted, bigger or smaller and with thicker or thinner strokes
//! than the MNIST scans. Training on randomly distorted copies (drawn fresh for every batch) teaches
//! the network to ignore those differences, in the spirit of Simard et al. 2003, "Best Practices for
//! Convolutional Neural Networks Applied to Visual Document Analysis", whose affine distortions
//! brought a plain MLP on MNIST to 98.9%+.
//!
//! [`augment_into`] draws one random transform per image from a seeded generator and applies:
//!
//! 1. an **affine map about the image centre** `c = (14, 14)`: a point `p` moves to
//!    `c + M (p − c) + t` with `M = σ · R(θ) · Sh(k)` — first a horizontal shear `Sh(k)`
//!    (`x += k·y`, slants the digit), then a rotation `R(θ)` (positive θ is counter-clockwise on
//!    screen, y pointing down), then a uniform scale σ, then a shift `t`;
//!    implemented by inverse mapping: each output pixel centre is mapped back through `M⁻¹` and the
//!    source is sampled bilinearly, with 0 (background) outside the image;
//! 2. optionally, a **stroke-width change**: a 3×3 grey dilation (thicker) or erosion (thinner).
//!
//! Coordinates follow [`crate::data::preprocess`]: pixel `(col, row)` has its centre at
//! `(col + 0.5, row + 0.5)`, so the image centre is `(14.0, 14.0)`.
//!
//! Randomness is drawn in a fixed order, always seven uniform `f32` draws per image (see
//! [`augment_into`]), so a seed reproduces a run exactly and changing one magnitude does not shift
//! the random stream of everything that follows.
//!
//! Non-goals: elastic distortions, noise, colour changes, anything that allocates per image.

use serde::{Deserialize, Serialize};

use crate::bounds::FloatRange;
use crate::data::{PIXELS, SIDE};

/// Augmentation settings (part of the training configuration).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct AugmentConfig {
    /// Whether training images are augmented at all.
    pub enabled: bool,
    /// Largest shift on each axis, in pixels; each shift is uniform in `[-max_shift, max_shift]`.
    pub max_shift: f32,
    /// Largest rotation, in degrees; the angle is uniform in `[-max_rotation, max_rotation]`.
    pub max_rotation: f32,
    /// Largest relative scale change; the factor is uniform in `[1 - max_scale, 1 + max_scale]`.
    pub max_scale: f32,
    /// Largest horizontal shear; the factor `k` (`x += k·y`) is uniform in `[-max_shear, max_shear]`.
    pub max_shear: f32,
    /// Probability of changing the stroke width: 3×3 grey dilation or erosion, each half the time.
    pub thickness: f32,
}

impl Default for AugmentConfig {
    fn default() -> Self {
        Self {
            enabled: false,
            max_shift: 2.0,
            max_rotation: 12.0,
            max_scale: 0.12,
            max_shear: 0.15,
            thickness: 0.3,
        }
    }
}

/// Allowed range of each magnitude, by field name (validation and the page's limits read these).
pub const RANGES: [(&str, FloatRange); 5] = [
    ("max_shift", FloatRange::closed(0.0, 6.0)),
    ("max_rotation", FloatRange::closed(0.0, 45.0)),
    ("max_scale", FloatRange::closed(0.0, 0.5)),
    ("max_shear", FloatRange::closed(0.0, 0.8)),
    ("thickness", FloatRange::closed(0.0, 1.0)),
];

impl AugmentConfig {
    /// Check every magnitude against its allowed range (NaN is out of every range).
    pub fn validate(&self) -> Result<(), String> {
        let values = [
            self.max_shift,
            self.max_rotation,
            self.max_scale,
            self.max_shear,
            self.thickness,
        ];
        for ((name, range), value) in RANGES.iter().zip(values) {
            range.check(format_args!("augment.{name}"), value)?;
        }
        Ok(())
    }
}

/// Explicit parameters of one affine distortion about the image centre (see the module docs for
/// the order of operations). [`Affine::IDENTITY`] leaves an image unchanged.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Affine {
    /// Rotation θ in degrees, counter-clockwise on screen.
    pub rotation_degrees: f32,
    /// Uniform scale factor σ (> 0).
    pub scale: f32,
    /// Horizontal shear k: `x += k·y` (y relative to the centre, pointing down).
    pub shear: f32,
    /// Shift to the right, in pixels.
    pub shift_x: f32,
    /// Shift downwards, in pixels.
    pub shift_y: f32,
}

impl Affine {
    /// No change.
    pub const IDENTITY: Affine = Affine {
        rotation_degrees: 0.0,
        scale: 1.0,
        shear: 0.0,
        shift_x: 0.0,
        shift_y: 0.0,
    };

    /// The forward matrix `M = σ · R(θ) · Sh(k)` as `[[m00, m01], [m10, m11]]`, acting on `(x, y)`
    /// relative to the centre (y down). `R(θ) = [[cos θ, sin θ], [−sin θ, cos θ]]` turns the
    /// right-pointing `(1, 0)` into the upward `(cos θ, −sin θ)`: counter-clockwise on screen.
    pub fn matrix(&self) -> [[f32; 2]; 2] {
        let (sin, cos) = self.rotation_degrees.to_radians().sin_cos();
        let (k, s) = (self.shear, self.scale);
        // R · Sh = [[cos, sin], [−sin, cos]] · [[1, k], [0, 1]] = [[cos, k·cos + sin], [−sin, −k·sin + cos]]
        [
            [s * cos, s * (k * cos + sin)],
            [-s * sin, s * (cos - k * sin)],
        ]
    }
}

/// Bilinear sample of a 28×28 image at `(u, v)` in pixel-index coordinates (pixel `(i, j)` sits
/// exactly at `(i, j)`), with 0 outside the image.
#[inline(always)]
fn bilinear(src: &[u8], u: f32, v: f32) -> f32 {
    let (x0, y0) = (u.floor(), v.floor());
    let (fx, fy) = (u - x0, v - y0);
    let (x0, y0) = (x0 as i32, y0 as i32);
    let at = |x: i32, y: i32| -> f32 {
        if (0..SIDE as i32).contains(&x) && (0..SIDE as i32).contains(&y) {
            src[y as usize * SIDE + x as usize] as f32
        } else {
            0.0
        }
    };
    let top = at(x0, y0) * (1.0 - fx) + at(x0 + 1, y0) * fx;
    let bottom = at(x0, y0 + 1) * (1.0 - fx) + at(x0 + 1, y0 + 1) * fx;
    top * (1.0 - fy) + bottom * fy
}

fn check_lengths(src: &[u8], dst: &[u8]) {
    assert!(
        src.len() == PIXELS && dst.len() == PIXELS,
        "augment works on 28×28 images: src has {} bytes, dst {}, both need {PIXELS}",
        src.len(),
        dst.len()
    );
}

/// Apply the affine distortion `params` to a 28×28 image, by inverse mapping with bilinear
/// sampling and 0 outside. [`Affine::IDENTITY`] copies the image exactly.
///
/// # Shapes
/// `src`, `dst`: `[28, 28]` row-major bytes.
///
/// # Panics
/// If `src` or `dst` is not 784 bytes long (a programming error, not bad input).
pub fn affine_into(src: &[u8], dst: &mut [u8], params: &Affine) {
    check_lengths(src, dst);
    let [[a, b], [c, d]] = params.matrix();
    let det = a * d - b * c;
    if !(det.is_finite() && det.abs() > 1e-12) {
        dst.fill(0); // degenerate (scale 0): everything collapses onto one point
        return;
    }
    // M⁻¹ = [[d, −b], [−c, a]] / det
    let (ia, ib, ic, id) = (d / det, -b / det, -c / det, a / det);
    let centre = SIDE as f32 / 2.0;
    for row in 0..SIDE {
        // Output pixel centre relative to the image centre, minus the shift.
        let y = row as f32 + 0.5 - centre - params.shift_y;
        for col in 0..SIDE {
            let x = col as f32 + 0.5 - centre - params.shift_x;
            // Source point in pixel-index coordinates: M⁻¹ (p − c − t) + c − 0.5.
            let u = ia * x + ib * y + centre - 0.5;
            let v = ic * x + id * y + centre - 0.5;
            dst[row * SIDE + col] = bilinear(src, u, v).round().clamp(0.0, 255.0) as u8;
        }
    }
}

/// 3×3 grey morphology: `pick` is `max` (dilation) or `min` (erosion) over each pixel's 3×3
/// neighbourhood, with 0 outside the image. The square is separable: rows, then columns.
fn morphology_into(src: &[u8], dst: &mut [u8], pick: fn(u8, u8) -> u8) {
    check_lengths(src, dst);
    let mut horizontal = [0u8; PIXELS];
    let at = |img: &[u8], x: isize, y: isize| -> u8 {
        if (0..SIDE as isize).contains(&x) && (0..SIDE as isize).contains(&y) {
            img[y as usize * SIDE + x as usize]
        } else {
            0
        }
    };
    for y in 0..SIDE as isize {
        for x in 0..SIDE as isize {
            let v = pick(pick(at(src, x - 1, y), at(src, x, y)), at(src, x + 1, y));
            horizontal[y as usize * SIDE + x as usize] = v;
        }
    }
    for y in 0..SIDE as isize {
        for x in 0..SIDE as isize {
            let v = pick(
                pick(at(&horizontal, x, y - 1), at(&horizontal, x, y)),
                at(&horizontal, x, y + 1),
            );
            dst[y as usize * SIDE + x as usize] = v;
        }
    }
}

/// Thicken strokes: 3×3 grey dilation (each pixel becomes the maximum of its neighbourhood).
///
/// # Panics
/// If `src` or `dst` is not 784 bytes long.
pub fn dilate_into(src: &[u8], dst: &mut [u8]) {
    morphology_into(src, dst, u8::max);
}

/// Thin strokes: 3×3 grey erosion (each pixel becomes the minimum of its neighbourhood, with
/// background outside the image).
///
/// # Panics
/// If `src` or `dst` is not 784 bytes long.
pub fn erode_into(src: &[u8], dst: &mut [u8]) {
    morphology_into(src, dst, u8::min);
}

/// Uniform in `[-max, max)` from one draw.
fn symmetric<R: rand::Rng + ?Sized>(rng: &mut R, max: f32) -> f32 {
    max * (2.0 * rng.random::<f32>() - 1.0)
}

/// Write an augmented copy of a 28×28 image into `dst`.
///
/// With `cfg.enabled == false` this copies `src` and draws nothing from `rng`. Otherwise it draws
/// exactly seven uniform `f32`s, in this order: rotation, scale, shear, shift x, shift y, whether
/// to change the stroke width (probability `cfg.thickness`), and whether that change thickens
/// (< 0.5) or thins. Magnitudes of 0 give the identity, so with every magnitude and `thickness`
/// at 0 the output equals the input exactly.
///
/// # Shapes
/// `src`, `dst`: `[28, 28]` row-major bytes.
///
/// # Panics
/// If `src` or `dst` is not 784 bytes long.
pub fn augment_into<R: rand::Rng + ?Sized>(
    src: &[u8],
    dst: &mut [u8],
    cfg: &AugmentConfig,
    rng: &mut R,
) {
    check_lengths(src, dst);
    if !cfg.enabled {
        dst.copy_from_slice(src);
        return;
    }
    let params = Affine {
        rotation_degrees: symmetric(rng, cfg.max_rotation),
        scale: 1.0 + symmetric(rng, cfg.max_scale),
        shear: symmetric(rng, cfg.max_shear),
        shift_x: symmetric(rng, cfg.max_shift),
        shift_y: symmetric(rng, cfg.max_shift),
    };
    let change_width = rng.random::<f32>() < cfg.thickness;
    let thicken = rng.random::<f32>() < 0.5;
    if !change_width {
        affine_into(src, dst, &params);
        return;
    }
    let mut moved = [0u8; PIXELS];
    affine_into(src, &mut moved, &params);
    if thicken {
        dilate_into(&moved, dst);
    } else {
        erode_into(&moved, dst);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_pcg::Pcg64Mcg;

    /// An MNIST-like "0": an anti-aliased ring (radius 6, stroke 2.5 px) around the centre,
    /// rendered by 4×4 supersampling.
    fn ring() -> [u8; PIXELS] {
        let mut img = [0u8; PIXELS];
        for row in 0..SIDE {
            for col in 0..SIDE {
                let mut hits = 0;
                for sy in 0..4 {
                    for sx in 0..4 {
                        let x = col as f32 + (sx as f32 + 0.5) / 4.0 - 14.0;
                        let y = row as f32 + (sy as f32 + 0.5) / 4.0 - 14.0;
                        let r = (x * 0.8 * x * 0.8 + y * y).sqrt(); // a little taller than wide
                        if (r - 6.0).abs() <= 1.25 {
                            hits += 1;
                        }
                    }
                }
                img[row * SIDE + col] = (hits * 255 / 16) as u8;
            }
        }
        img
    }

    fn ink(img: &[u8]) -> f64 {
        img.iter().map(|&v| v as f64).sum()
    }

    fn zero_magnitudes() -> AugmentConfig {
        AugmentConfig {
            enabled: true,
            max_shift: 0.0,
            max_rotation: 0.0,
            max_scale: 0.0,
            max_shear: 0.0,
            thickness: 0.0,
        }
    }

    #[test]
    fn zero_magnitudes_leave_the_image_unchanged() {
        // A noisy image with every byte value, so bilinear weights that were not exactly 0/1
        // would show.
        let src: Vec<u8> = (0..PIXELS).map(|k| (k * 97 % 256) as u8).collect();
        let mut dst = [0u8; PIXELS];
        let mut rng = Pcg64Mcg::seed_from_u64(7);
        for _ in 0..10 {
            augment_into(&src, &mut dst, &zero_magnitudes(), &mut rng);
            assert_eq!(&src[..], &dst[..]);
        }
        affine_into(&src, &mut dst, &Affine::IDENTITY);
        assert_eq!(&src[..], &dst[..]);
    }

    #[test]
    fn disabled_copies_and_draws_nothing() {
        let src = ring();
        let mut dst = [0u8; PIXELS];
        let mut rng = Pcg64Mcg::seed_from_u64(3);
        let cfg = AugmentConfig {
            enabled: false,
            ..AugmentConfig::default()
        };
        augment_into(&src, &mut dst, &cfg, &mut rng);
        assert_eq!(src, dst);
        assert_eq!(
            rand::Rng::random::<u64>(&mut rng),
            rand::Rng::random::<u64>(&mut Pcg64Mcg::seed_from_u64(3))
        );
    }

    #[test]
    fn same_seed_same_output_different_seed_different_output() {
        let src = ring();
        let cfg = AugmentConfig {
            enabled: true,
            ..AugmentConfig::default()
        };
        let run = |seed: u64| -> Vec<[u8; PIXELS]> {
            let mut rng = Pcg64Mcg::seed_from_u64(seed);
            (0..5)
                .map(|_| {
                    let mut dst = [0u8; PIXELS];
                    augment_into(&src, &mut dst, &cfg, &mut rng);
                    dst
                })
                .collect()
        };
        assert_eq!(run(42), run(42));
        assert_ne!(run(42), run(43));
        // And successive draws from one generator differ from each other.
        let images = run(42);
        assert_ne!(images[0], images[1]);
    }

    #[test]
    fn each_image_draws_exactly_seven_numbers() {
        // The documented fixed order: after one augmented image the generator has advanced by
        // seven f32 draws, whatever the configuration (here thickness 1 vs 0).
        for thickness in [0.0, 1.0] {
            let cfg = AugmentConfig {
                enabled: true,
                thickness,
                ..AugmentConfig::default()
            };
            let mut rng = Pcg64Mcg::seed_from_u64(11);
            let mut dst = [0u8; PIXELS];
            augment_into(&ring(), &mut dst, &cfg, &mut rng);
            let mut reference = Pcg64Mcg::seed_from_u64(11);
            for _ in 0..7 {
                let _: f32 = rand::Rng::random(&mut reference);
            }
            assert_eq!(
                rand::Rng::random::<u64>(&mut rng),
                rand::Rng::random::<u64>(&mut reference)
            );
        }
    }

    #[test]
    fn shift_moves_a_pixel() {
        // Shift (+2, 0): the bright pixel at (col 10, row 12) moves to (12, 12); (−1, +3) moves it
        // to (9, 15). Whole-pixel shifts need no interpolation, so values are exact.
        let mut src = [0u8; PIXELS];
        src[12 * SIDE + 10] = 255;
        for (dx, dy, col, row) in [(2.0, 0.0, 12, 12), (-1.0, 3.0, 9, 15)] {
            let mut dst = [0u8; PIXELS];
            affine_into(
                &src,
                &mut dst,
                &Affine {
                    shift_x: dx,
                    shift_y: dy,
                    ..Affine::IDENTITY
                },
            );
            let mut expected = [0u8; PIXELS];
            expected[row * SIDE + col] = 255;
            assert_eq!(dst, expected, "shift ({dx}, {dy})");
        }
        // Half-pixel shift: bilinear splits the pixel equally (255/2 = 127.5 → 128 both sides).
        let mut dst = [0u8; PIXELS];
        affine_into(
            &src,
            &mut dst,
            &Affine {
                shift_x: 0.5,
                ..Affine::IDENTITY
            },
        );
        assert_eq!((dst[12 * SIDE + 10], dst[12 * SIDE + 11]), (128, 128));
    }

    #[test]
    fn rotation_by_90_degrees_counter_clockwise() {
        // On screen (y down), rotating 90° counter-clockwise about (14, 14) takes the pixel centre
        // (c + 0.5, r + 0.5) to (r + 0.5, 27.5 − c), i.e. pixel (col c, row r) → (col r, row 27 − c).
        let mut src = [0u8; PIXELS];
        for (k, &(c, r)) in [(20, 14), (5, 3), (14, 14), (0, 27), (13, 2), (21, 8)]
            .iter()
            .enumerate()
        {
            src[r * SIDE + c] = 40 * (k as u8 + 1);
        }
        let mut expected = [0u8; PIXELS];
        for r in 0..SIDE {
            for c in 0..SIDE {
                expected[(27 - c) * SIDE + r] = src[r * SIDE + c];
            }
        }
        let mut dst = [0u8; PIXELS];
        affine_into(
            &src,
            &mut dst,
            &Affine {
                rotation_degrees: 90.0,
                ..Affine::IDENTITY
            },
        );
        assert_eq!(dst, expected);
        // The pixel right of centre (20, 14) went up, to (14, 7): counter-clockwise.
        assert_eq!(dst[7 * SIDE + 14], 40);
        // Four quarter turns come back to the start.
        let mut turned = src;
        for _ in 0..4 {
            let mut next = [0u8; PIXELS];
            affine_into(
                &turned,
                &mut next,
                &Affine {
                    rotation_degrees: 90.0,
                    ..Affine::IDENTITY
                },
            );
            turned = next;
        }
        assert_eq!(turned, src);
    }

    #[test]
    fn shear_slants_rows_by_their_distance_from_the_centre() {
        // k = 0.4: a pixel whose centre is 7.5 px below the centre (row 21) moves right by
        // 0.4 · 7.5 = 3 px; one 2.5 px above (row 11) moves left by 1 px; the centre row stays.
        let mut src = [0u8; PIXELS];
        for row in [11, 21] {
            src[row * SIDE + 14] = 255;
        }
        let mut dst = [0u8; PIXELS];
        affine_into(
            &src,
            &mut dst,
            &Affine {
                shear: 0.4,
                ..Affine::IDENTITY
            },
        );
        let mut expected = [0u8; PIXELS];
        expected[21 * SIDE + 17] = 255;
        expected[11 * SIDE + 13] = 255;
        assert_eq!(dst, expected);
    }

    #[test]
    fn scale_changes_ink_by_the_area_factor() {
        // A 20×20 block of 255 (cols/rows 4..24) scaled by 0.5 covers 10×10: ink × 0.25, and the
        // block interior stays 255. Bilinear edges blur the boundary, so allow 5%.
        let mut src = [0u8; PIXELS];
        for row in 4..24 {
            for col in 4..24 {
                src[row * SIDE + col] = 255;
            }
        }
        let mut dst = [0u8; PIXELS];
        affine_into(
            &src,
            &mut dst,
            &Affine {
                scale: 0.5,
                ..Affine::IDENTITY
            },
        );
        let ratio = ink(&dst) / ink(&src);
        assert!((ratio - 0.25).abs() < 0.05 * 0.25, "ink ratio {ratio}");
        assert_eq!(dst[14 * SIDE + 14], 255);
        assert_eq!(dst[4 * SIDE + 4], 0);
    }

    #[test]
    fn dilation_thickens_and_erosion_thins() {
        // Hand-computed: one pixel dilates into a 3×3 square and erodes to nothing; a 5×5 square
        // erodes to its 3×3 core and dilates to 7×7.
        let mut dot = [0u8; PIXELS];
        dot[10 * SIDE + 10] = 200;
        let mut out = [0u8; PIXELS];
        dilate_into(&dot, &mut out);
        for row in 0..SIDE {
            for col in 0..SIDE {
                let inside = (9..=11).contains(&row) && (9..=11).contains(&col);
                assert_eq!(
                    out[row * SIDE + col],
                    if inside { 200 } else { 0 },
                    "({col}, {row})"
                );
            }
        }
        erode_into(&dot, &mut out);
        assert_eq!(out, [0u8; PIXELS]);

        let mut square = [0u8; PIXELS];
        for row in 5..10 {
            for col in 5..10 {
                square[row * SIDE + col] = 255;
            }
        }
        erode_into(&square, &mut out);
        assert_eq!(ink(&out), 9.0 * 255.0);
        dilate_into(&square, &mut out);
        assert_eq!(ink(&out), 49.0 * 255.0);

        // On a digit: thickening adds ink, thinning removes it.
        let digit = ring();
        dilate_into(&digit, &mut out);
        assert!(ink(&out) > ink(&digit));
        erode_into(&digit, &mut out);
        assert!(ink(&out) < ink(&digit));
    }

    #[test]
    fn thickness_one_always_dilates_or_erodes() {
        // Only the stroke width varies (zero geometric magnitudes), so every output is exactly the
        // dilated or the eroded input, and both occur over 40 draws.
        let src = ring();
        let (mut thick, mut thin) = ([0u8; PIXELS], [0u8; PIXELS]);
        dilate_into(&src, &mut thick);
        erode_into(&src, &mut thin);
        let cfg = AugmentConfig {
            thickness: 1.0,
            ..zero_magnitudes()
        };
        let mut rng = Pcg64Mcg::seed_from_u64(5);
        let (mut n_thick, mut n_thin) = (0, 0);
        for _ in 0..40 {
            let mut dst = [0u8; PIXELS];
            augment_into(&src, &mut dst, &cfg, &mut rng);
            if dst == thick {
                n_thick += 1;
            } else if dst == thin {
                n_thin += 1;
            } else {
                panic!("output is neither dilated nor eroded");
            }
        }
        assert!(n_thick > 0 && n_thin > 0, "thick {n_thick}, thin {n_thin}");
    }

    #[test]
    fn small_random_transforms_roughly_preserve_ink() {
        // Shear and rotation keep area; the scale factor σ multiplies ink by σ², whose mean over
        // σ ~ U[0.88, 1.12] is 1 + 0.12²/3 ≈ 1.005; the ring stays well inside the frame under
        // 2 px shifts. So the mean ink over 100 draws should be within 15% of the original.
        let src = ring();
        let cfg = AugmentConfig {
            enabled: true,
            thickness: 0.0,
            ..AugmentConfig::default()
        };
        let mut rng = Pcg64Mcg::seed_from_u64(2024);
        let mut dst = [0u8; PIXELS];
        let mean = (0..100)
            .map(|_| {
                augment_into(&src, &mut dst, &cfg, &mut rng);
                ink(&dst)
            })
            .sum::<f64>()
            / 100.0;
        let ratio = mean / ink(&src);
        assert!((ratio - 1.0).abs() < 0.15, "mean ink ratio {ratio}");
    }

    #[test]
    fn validate_names_the_field_and_range() {
        assert_eq!(AugmentConfig::default().validate(), Ok(()));
        let cases = [
            (
                AugmentConfig {
                    max_shift: 9.0,
                    ..Default::default()
                },
                "augment.max_shift must be in [0, 6], got 9",
            ),
            (
                AugmentConfig {
                    max_rotation: -1.0,
                    ..Default::default()
                },
                "augment.max_rotation must be in [0, 45], got -1",
            ),
            (
                AugmentConfig {
                    max_scale: 0.75,
                    ..Default::default()
                },
                "augment.max_scale must be in [0, 0.5], got 0.75",
            ),
            (
                AugmentConfig {
                    max_shear: f32::NAN,
                    ..Default::default()
                },
                "augment.max_shear must be in [0, 0.8], got NaN",
            ),
            (
                AugmentConfig {
                    thickness: 1.5,
                    ..Default::default()
                },
                "augment.thickness must be in [0, 1], got 1.5",
            ),
        ];
        for (cfg, message) in cases {
            assert_eq!(cfg.validate(), Err(message.to_string()));
        }
        // The range ends are allowed.
        let edges = AugmentConfig {
            enabled: true,
            max_shift: 6.0,
            max_rotation: 45.0,
            max_scale: 0.5,
            max_shear: 0.8,
            thickness: 1.0,
        };
        assert_eq!(edges.validate(), Ok(()));
        assert_eq!(zero_magnitudes().validate(), Ok(()));
    }

    #[test]
    fn config_serde_fills_missing_fields_with_defaults() {
        let cfg: AugmentConfig =
            serde_json::from_str(r#"{"enabled": true, "max_rotation": 20}"#).unwrap();
        assert_eq!(
            cfg,
            AugmentConfig {
                enabled: true,
                max_rotation: 20.0,
                ..AugmentConfig::default()
            }
        );
        let empty: AugmentConfig = serde_json::from_str("{}").unwrap();
        assert_eq!(empty, AugmentConfig::default());
        let round_trip: AugmentConfig =
            serde_json::from_str(&serde_json::to_string(&cfg).unwrap()).unwrap();
        assert_eq!(round_trip, cfg);
    }
}
