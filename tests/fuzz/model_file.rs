//! Target `model_file`: the model file reader ([`model_file::decode`]) on files written by
//! [`model_file::encode`] for small networks of every activation, then damaged: bit flips,
//! truncation, splices between files, header sizes set to extremes, weights set to NaN or
//! infinity, the config JSON mutated — and, for half the inputs, the checksum recomputed so the
//! damage reaches past it to the layout, JSON and shape checks.
//!
//! Checks, beyond "no panic": a refusal is one lowercase line with a hint; decoding holds at most
//! twice the file's own size plus a little (a header claiming a huge size cannot make it
//! allocate); a file that loads has a valid config, a network of the config's shapes with finite
//! weights, gives ten probabilities that sum to 1 for a blank and a fully inked canvas (the
//! decoder's promise), and writes back to a file that loads the same; an undamaged seed loads.
//!
//! Non-goals: TensorFlow.js export (it reads a network, not bytes).

use crate::alloc::peak_during;
use crate::config::{check_config, mutate_json};
use crate::harness::{assert_message, variant, Target};
use crate::mutate::{interesting_u32, mutate_bytes};
use mnist_playground::data::classes::DIGITS as CLASSES;
use mnist_playground::data::PIXELS;
use mnist_playground::io::model_file::{decode, encode};
use mnist_playground::nn::activation::Activation;
use mnist_playground::train::config::Config;
use rand::Rng;
use rand_pcg::Pcg64Mcg;
use std::sync::OnceLock;

pub const MODEL_FILE: Target = Target {
    name: "model_file",
    generate,
    check,
};

/// Memory a decode may hold beyond twice the file's size (the weights, and the packing of a
/// matrix product while it answers the probe canvases): the config, the layer list, the error.
const ALLOC_SLACK: usize = 64 * 1024;

/// Small valid model files: no hidden layer up to three, every activation, biases nonzero.
pub fn seeds() -> &'static [Vec<u8>] {
    static SEEDS: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    SEEDS.get_or_init(|| {
        let shapes: [&[usize]; 5] = [&[], &[1], &[3, 2], &[2, 1, 2], &[5]];
        let activations = [
            Activation::Relu,
            Activation::Tanh,
            Activation::Gelu,
            Activation::Sigmoid,
            Activation::LeakyRelu,
        ];
        shapes
            .iter()
            .zip(activations)
            .enumerate()
            .map(|(k, (hidden, activation))| {
                let c = Config {
                    hidden: hidden.to_vec(),
                    activation,
                    seed: k as u64,
                    threads: 1 + k % 2,
                    ..Config::default()
                };
                let mut net = c.fresh_network();
                for layer in &mut net.layers {
                    layer
                        .biases
                        .iter_mut()
                        .enumerate()
                        .for_each(|(j, b)| *b = j as f32 * 0.01 - 0.02);
                }
                encode(&c, &net)
            })
            .collect()
    })
}

/// Offsets of every `u32` in the header: version, config length, layer count, each layer's shape.
fn header_fields(file: &[u8]) -> Vec<usize> {
    let mut at = vec![8, 12];
    if file.len() < 16 {
        return at;
    }
    let j = u32::from_le_bytes(file[12..16].try_into().unwrap()) as usize;
    let mut t = 16usize.saturating_add(j);
    if t.saturating_add(4) > file.len() {
        return at;
    }
    let layers = u32::from_le_bytes(file[t..t + 4].try_into().unwrap()) as usize;
    at.push(t);
    t += 4;
    for _ in 0..layers.min(17) {
        if t.saturating_add(8) > file.len() {
            break;
        }
        let (i, o) = (
            u32::from_le_bytes(file[t..t + 4].try_into().unwrap()) as usize,
            u32::from_le_bytes(file[t + 4..t + 8].try_into().unwrap()) as usize,
        );
        at.extend([t, t + 4]);
        t = t
            .saturating_add(8)
            .saturating_add(i.saturating_mul(o).saturating_add(o).saturating_mul(4));
    }
    at
}

/// Recompute the trailing checksum, as a file written with this damage would have it.
fn reseal(file: &mut [u8]) {
    if file.len() >= 4 {
        let n = file.len() - 4;
        let crc = crc32fast::hash(&file[..n]);
        file[n..].copy_from_slice(&crc.to_le_bytes());
    }
}

fn generate(rng: &mut Pcg64Mcg, out: &mut Vec<u8>) {
    let seeds = seeds();
    let mut file = seeds[rng.random_range(0..seeds.len())].clone();
    let other = &seeds[rng.random_range(0..seeds.len())];
    for _ in 0..rng.random_range(0..4) {
        match rng.random_range(0..8) {
            0 | 1 => {
                // A header field set to an extreme.
                let fields = header_fields(&file);
                let at = fields[rng.random_range(0..fields.len())];
                if at.saturating_add(4) <= file.len() {
                    file[at..at + 4].copy_from_slice(&interesting_u32(rng).to_le_bytes());
                }
            }
            2 if file.len() >= 16 => {
                // The config JSON mutated, its length kept consistent.
                let j = (u32::from_le_bytes(file[12..16].try_into().unwrap()) as usize)
                    .min(file.len() - 16);
                let mut json = file[16..16 + j].to_vec();
                mutate_json(rng, &mut json);
                file.splice(16..16 + j, json.iter().copied());
                file[12..16].copy_from_slice(&(json.len() as u32).to_le_bytes());
            }
            3 if file.len() > 64 => {
                // A weight or bias that is not a finite number (or a subnormal, which is fine).
                let at = rng.random_range(16..file.len() - 8) & !3;
                let v = [
                    f32::NAN,
                    f32::INFINITY,
                    f32::NEG_INFINITY,
                    f32::MIN_POSITIVE / 2.0,
                    -0.0,
                    f32::MAX,
                ][rng.random_range(0..6)];
                file[at..at + 4].copy_from_slice(&v.to_le_bytes());
            }
            _ => {
                let hot = header_fields(&file).last().map_or(16, |&t| t + 8);
                mutate_bytes(rng, &mut file, hot, other);
            }
        }
    }
    if rng.random_bool(0.5) {
        reseal(&mut file);
    }
    out.extend_from_slice(&file);
}

fn check(input: &[u8]) -> String {
    let (decoded, bytes) = peak_during(|| decode(input));
    assert!(
        bytes <= 2 * input.len() + ALLOC_SLACK,
        "decoding {} bytes held {bytes} bytes",
        input.len()
    );
    match decoded {
        Err(e) => {
            assert!(
                !seeds().iter().any(|s| s == input),
                "an undamaged file was refused: {e}"
            );
            assert_message("model file", &e.to_string());
            variant(&e)
        }
        Ok((config, network)) => {
            assert_eq!(network.sizes(), config.layer_sizes());
            assert_eq!(network.activation, config.activation);
            assert!(network.is_finite());
            // The decoder's promise: finite answers for a blank and a fully inked canvas.
            for pixel in [0u8, 255] {
                let p = network.predict(&[pixel; PIXELS]);
                let sum: f32 = p.iter().sum();
                assert!(
                    p.len() == 10
                        && p.iter().all(|v| v.is_finite() && *v >= 0.0)
                        && (sum - 1.0).abs() < 1e-3,
                    "probabilities {p:?} for pixels of {pixel}"
                );
            }
            let again =
                decode(&encode(&config, &network)).expect("a loaded model saved again loads");
            assert_eq!(again, (config.clone(), network));
            // Every range that does not depend on the training data.
            assert_eq!(config.validate(usize::MAX), Ok(()));
            check_config(&config, 60_000);
            "loads".to_string()
        }
    }
}

/// Inputs that once failed, rebuilt from the smallest seed (a file is too long to keep as hex).
pub fn regressions() -> Vec<Vec<u8>> {
    let seed = &seeds()[0]; // no hidden layer: one PIXELS × CLASSES layer
    let t = 16 + u32::from_le_bytes(seed[12..16].try_into().unwrap()) as usize;
    // Finite weights of f32::MAX (checksum resealed): loaded, then predicted NaN.
    let mut huge = seed.clone();
    for at in (t + 12..t + 12 + 4 * PIXELS * CLASSES).step_by(4) {
        huge[at..at + 4].copy_from_slice(&f32::MAX.to_le_bytes());
    }
    reseal(&mut huge);
    // A float field written as 1e39 (read as infinity, checksum resealed): loaded, then saved
    // again as `null`, which no longer loaded.
    let json = br#"{"hidden":[],"dropout":1e39}"#;
    let j = u32::from_le_bytes(seed[12..16].try_into().unwrap()) as usize;
    let mut infinite = seed[..12].to_vec();
    infinite.extend_from_slice(&(json.len() as u32).to_le_bytes());
    infinite.extend_from_slice(json);
    infinite.extend_from_slice(&seed[16 + j..]);
    reseal(&mut infinite);
    vec![huge, infinite]
}
