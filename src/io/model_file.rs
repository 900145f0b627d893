//! The model file: a trained [`Network`] and the [`Config`] it was trained with, as one versioned
//! little-endian binary that the page can download and load again, and the CLI can save and evaluate.
//!
//! # Layout (format version 1)
//!
//! Every integer is a `u32`, little-endian; every number in a tensor is an IEEE-754 `f32`,
//! little-endian. Offsets are from the start of the file; `J` is the config length, `L` the number
//! of dense layers (hidden layers + 1).
//!
//! | offset | size | field |
//! |---|---|---|
//! | 0 | 8 | magic `b"MNISTMLP"` ([`MAGIC`]) |
//! | 8 | 4 | format version `u32` (= [`FORMAT_VERSION`] = 1) |
//! | 12 | 4 | config length `J` in bytes, `u32` (at most [`MAX_CONFIG_JSON`]) |
//! | 16 | J | the [`Config`] as UTF-8 JSON (`serde_json`, compact) |
//! | 16 + J | 4 | layer count `L`, `u32` (1 to [`MAX_HIDDEN_LAYERS`] + 1) |
//! | | | then for each layer `l = 1..=L`, in order from the input side: |
//! | | 4 | `inputs` of layer `l`, `u32` |
//! | | 4 | `outputs` of layer `l`, `u32` |
//! | | 4 · inputs · outputs | weights `f32`, row-major `[inputs, outputs]` (as [`Dense::weights`]) |
//! | | 4 · outputs | biases `f32` `[outputs]` |
//! | len − 4 | 4 | CRC-32 (IEEE 802.3, as in zip and PNG) of every byte before it, `u32` |
//!
//! For the default 784-128-10 network the file is 407,120 bytes plus the config JSON.
//!
//! # Loading
//!
//! [`decode`] checks, in this order, and refuses with its own [`ModelFileError`] at the first
//! failure: the magic → the format version → the layout that the header describes (every size is
//! checked for plausibility and with checked arithmetic *before* it is used, and every section must
//! fit in the bytes that exist, so a header can never make it allocate more than the file holds) →
//! the checksum → the config JSON and its ranges → the shapes against `config.layer_sizes()` →
//! finite weights → finite predictions for a blank and a fully inked canvas (finite weights can
//! still be so large that every answer overflows to NaN).
//! Checking the layout before the checksum is what lets a cut-short file be reported as truncated
//! (with where it was cut) rather than as corrupt; checking the checksum before the JSON means a
//! damaged file is reported as damaged, not as a confusing JSON error.
//!
//! Non-goals: optimizer state (moments) and training progress — a loaded model predicts and
//! evaluates, a new run starts from its config; files from other programs (Keras, ONNX); metadata.

use crate::data::PIXELS;
use crate::nn::network::{Dense, Network};
use crate::train::config::{Config, ConfigError, MAX_HIDDEN_LAYERS, MAX_PARAMETERS, MAX_WIDTH};
use ndarray::{Array1, Array2};
use std::fmt;
use std::ops::Range;

/// The first eight bytes of every model file.
pub const MAGIC: &[u8; 8] = b"MNISTMLP";

/// The format version this code writes, and the newest it reads.
pub const FORMAT_VERSION: u32 = 1;

/// Longest config JSON accepted (a real one is about 400 bytes).
pub const MAX_CONFIG_JSON: usize = 64 * 1024;

/// Largest model file of a network the engine accepts: the header, the longest config, every
/// layer's two sides and [`MAX_PARAMETERS`] `f32`s, and the checksum. The page refuses a larger
/// file before reading it (`Engine.limits().max_model_file_bytes`).
pub const MAX_FILE_BYTES: usize =
    8 + 4 + 4 + MAX_CONFIG_JSON + 4 + 8 * (MAX_HIDDEN_LAYERS + 1) + 4 * MAX_PARAMETERS + 4;

/// Widest layer side a file may claim: the 784 inputs or a hidden layer of [`MAX_WIDTH`] units.
pub const MAX_UNITS: usize = if PIXELS > MAX_WIDTH {
    PIXELS
} else {
    MAX_WIDTH
};

/// Where in the file something is (for truncation messages). Layers are numbered from 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    /// Magic, version, config length.
    Header,
    Config,
    LayerCount,
    /// The `inputs`/`outputs` pair of a layer.
    LayerShape(usize),
    Weights(usize),
    Biases(usize),
    Checksum,
}

impl fmt::Display for Section {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Section::Header => write!(f, "header"),
            Section::Config => write!(f, "config"),
            Section::LayerCount => write!(f, "layer count"),
            Section::LayerShape(l) => write!(f, "shape of layer {l}"),
            Section::Weights(l) => write!(f, "weights of layer {l}"),
            Section::Biases(l) => write!(f, "biases of layer {l}"),
            Section::Checksum => write!(f, "checksum"),
        }
    }
}

/// Every way a model file can be refused. Messages are short, lowercase, and end with what to do.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ModelFileError {
    #[error("model file is empty — choose a file saved by this app")]
    Empty,
    #[error("not an MNIST Playground model file (wrong magic) — choose a file saved by this app")]
    WrongMagic,
    #[error("model file format version {found} is newer than this app supports ({supported}) — update the app")]
    NewerVersion { found: u32, supported: u32 },
    #[error("model file format version 0 does not exist — the file is corrupt; choose a file saved by this app")]
    VersionZero,
    /// The file ends before the section its header describes: `len` bytes exist, `section` needs
    /// the file to run to byte `needed` at least.
    #[error("model file is truncated: it has {len} bytes but its {section} runs to byte {needed} — the save or download was cut short; save it again")]
    Truncated {
        len: usize,
        section: Section,
        needed: usize,
    },
    /// A size in the header is out of any possible range while the checksum is intact (so the file
    /// was written like that, not damaged afterwards).
    #[error("model file header is implausible ({0}) — choose a file saved by this app")]
    ImplausibleHeader(String),
    #[error("model file is corrupt (checksum mismatch) — save it again")]
    ChecksumMismatch { stored: u32, computed: u32 },
    #[error("model file has {count} unexpected bytes after the checksum — the file was altered; save it again")]
    TrailingBytes { count: usize },
    #[error("model file's config cannot be read ({0}) — the file was altered; save it again from this app")]
    BadConfig(String),
    /// The config reads but a field is out of its allowed range (e.g. `1e39` read as infinity).
    #[error("model file's config is out of range ({0}) — the file was altered; save it again from this app")]
    InvalidConfig(ConfigError),
    #[error("shapes disagree with the config: the file has {file} layers but the config says {config} — the file was altered; save it again")]
    LayerCountMismatch { file: usize, config: usize },
    /// Layers numbered from 1; shapes are `inputs×outputs`.
    #[error("shapes disagree with the config: layer {layer} is {file_inputs}×{file_outputs} in the file but the config says {config_inputs}×{config_outputs} — the file was altered; save it again")]
    ShapeMismatch {
        layer: usize,
        file_inputs: usize,
        file_outputs: usize,
        config_inputs: usize,
        config_outputs: usize,
    },
    /// Layers numbered from 1.
    #[error("model file contains non-finite weights (NaN or infinity) in layer {layer} — the model diverged; train it again")]
    NonFinite { layer: usize },
    /// Finite weights so large that the network's answers overflow (checked on a blank and a
    /// fully inked canvas).
    #[error("model file's weights are so large that its predictions overflow (not finite) — the model diverged; train it again")]
    Overflow,
}

/// The bytes of a model file for `network`, trained with `config`.
///
/// `network` must be the one `config` describes (same layer sizes, same activation); this is a
/// caller's invariant, checked only in debug builds. Non-finite weights are written as they are
/// (and refused by [`decode`]).
pub fn encode(config: &Config, network: &Network) -> Vec<u8> {
    debug_assert_eq!(
        network.sizes(),
        config.layer_sizes(),
        "network and config disagree on layer sizes"
    );
    debug_assert_eq!(
        network.activation, config.activation,
        "network and config disagree on the activation"
    );
    let json = serde_json::to_vec(config).expect("a Config always serialises to JSON");
    let tensors: usize = network
        .layers
        .iter()
        .map(|l| 8 + 4 * (l.weights.len() + l.biases.len()))
        .sum();
    let mut out = Vec::with_capacity(8 + 4 + 4 + json.len() + 4 + tensors + 4);
    out.extend_from_slice(MAGIC);
    put_u32(&mut out, FORMAT_VERSION);
    put_u32(&mut out, json.len());
    out.extend_from_slice(&json);
    put_u32(&mut out, network.layers.len());
    for layer in &network.layers {
        put_u32(&mut out, layer.inputs());
        put_u32(&mut out, layer.outputs());
        // `iter()` walks in logical row-major order whatever the memory layout.
        for w in layer.weights.iter() {
            out.extend_from_slice(&w.to_le_bytes());
        }
        for b in layer.biases.iter() {
            out.extend_from_slice(&b.to_le_bytes());
        }
    }
    let crc = crc32fast::hash(&out);
    out.extend_from_slice(&crc.to_le_bytes());
    out
}

fn put_u32(out: &mut Vec<u8>, value: impl TryInto<u32>) {
    let v: u32 = value
        .try_into()
        .ok()
        .expect("sizes in a model file fit in u32");
    out.extend_from_slice(&v.to_le_bytes());
}

/// Read a model file: the config it was trained with and the network, ready to predict.
///
/// Never panics, and whatever the header claims, holds at most about twice the file's own size:
/// the weights, and one matrix product's packing buffers while it answers the two probe canvases.
pub fn decode(bytes: &[u8]) -> Result<(Config, Network), ModelFileError> {
    let layout = match walk(bytes) {
        Ok(layout) => layout,
        // An impossible size is either damage (the checksum says so) or a file written that way.
        Err(ModelFileError::ImplausibleHeader(detail)) => {
            return Err(match whole_file_checksum(bytes) {
                Err(e) => e,
                Ok(()) => ModelFileError::ImplausibleHeader(detail),
            })
        }
        Err(e) => return Err(e),
    };
    let end = layout.checksum_at + 4;
    let stored = le_u32(bytes, layout.checksum_at);
    let computed = crc32fast::hash(&bytes[..layout.checksum_at]);
    if stored != computed {
        return Err(ModelFileError::ChecksumMismatch { stored, computed });
    }
    if bytes.len() > end {
        // The header's layout checks out, extra bytes were appended.
        return Err(ModelFileError::TrailingBytes {
            count: bytes.len() - end,
        });
    }

    let config: Config = serde_json::from_slice(&bytes[layout.json.clone()])
        .map_err(|e| ModelFileError::BadConfig(e.to_string()))?;
    // Every range that does not depend on the training data, which is unknown here.
    config
        .validate(usize::MAX)
        .map_err(ModelFileError::InvalidConfig)?;
    let sizes = config.layer_sizes();
    if sizes.len() - 1 != layout.layers.len() {
        return Err(ModelFileError::LayerCountMismatch {
            file: layout.layers.len(),
            config: sizes.len() - 1,
        });
    }
    for (l, (span, want)) in layout.layers.iter().zip(sizes.windows(2)).enumerate() {
        if (span.inputs, span.outputs) != (want[0], want[1]) {
            return Err(ModelFileError::ShapeMismatch {
                layer: l + 1,
                file_inputs: span.inputs,
                file_outputs: span.outputs,
                config_inputs: want[0],
                config_outputs: want[1],
            });
        }
    }

    let mut layers = Vec::with_capacity(layout.layers.len());
    for (l, span) in layout.layers.iter().enumerate() {
        let weights = Array2::from_shape_vec(
            (span.inputs, span.outputs),
            read_f32s(&bytes[span.weights.clone()]),
        )
        .expect("the layout walk sized the weights as inputs × outputs");
        let biases = Array1::from(read_f32s(&bytes[span.biases.clone()]));
        if !weights.iter().chain(biases.iter()).all(|v| v.is_finite()) {
            return Err(ModelFileError::NonFinite { layer: l + 1 });
        }
        layers.push(Dense { weights, biases });
    }
    let network = Network {
        layers,
        activation: config.activation,
    };
    for pixel in [0, 255] {
        if !network
            .predict(&[pixel; PIXELS])
            .iter()
            .all(|p| p.is_finite())
        {
            return Err(ModelFileError::Overflow);
        }
    }
    Ok((config, network))
}

/// Byte ranges of every section, as the header describes them and as far as they exist.
struct Layout {
    json: Range<usize>,
    layers: Vec<LayerSpan>,
    checksum_at: usize,
}

struct LayerSpan {
    inputs: usize,
    outputs: usize,
    weights: Range<usize>,
    biases: Range<usize>,
}

/// Read position over the file; every read is bounds-checked and reports the section it was in.
struct Cursor<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Cursor<'_> {
    fn take(&mut self, n: usize, section: Section) -> Result<Range<usize>, ModelFileError> {
        match self.pos.checked_add(n) {
            Some(end) if end <= self.bytes.len() => {
                let range = self.pos..end;
                self.pos = end;
                Ok(range)
            }
            _ => Err(ModelFileError::Truncated {
                len: self.bytes.len(),
                section,
                needed: self.pos.saturating_add(n),
            }),
        }
    }

    fn u32(&mut self, section: Section) -> Result<u32, ModelFileError> {
        let at = self.take(4, section)?.start;
        Ok(le_u32(self.bytes, at))
    }
}

/// Magic, version, then every size in the header, checked before it is used. Returns
/// `ImplausibleHeader` for sizes out of any possible range (the caller decides whether that is
/// damage) and `Truncated` when a section runs past the end of the file.
fn walk(bytes: &[u8]) -> Result<Layout, ModelFileError> {
    if bytes.is_empty() {
        return Err(ModelFileError::Empty);
    }
    let head = &bytes[..bytes.len().min(MAGIC.len())];
    if head != &MAGIC[..head.len()] {
        return Err(ModelFileError::WrongMagic);
    }
    let mut cur = Cursor { bytes, pos: 0 };
    cur.take(MAGIC.len(), Section::Header)?;
    match cur.u32(Section::Header)? {
        0 => return Err(ModelFileError::VersionZero),
        FORMAT_VERSION => {}
        found => {
            return Err(ModelFileError::NewerVersion {
                found,
                supported: FORMAT_VERSION,
            })
        }
    }

    let json_len = cur.u32(Section::Header)? as usize;
    if json_len > MAX_CONFIG_JSON {
        return Err(implausible(format!(
            "a config of {json_len} bytes; at most {MAX_CONFIG_JSON} are allowed"
        )));
    }
    let json = cur.take(json_len, Section::Config)?;

    let count = cur.u32(Section::LayerCount)? as usize;
    let max_layers = MAX_HIDDEN_LAYERS + 1;
    if count == 0 || count > max_layers {
        return Err(implausible(format!(
            "{count} layers; 1 to {max_layers} are allowed"
        )));
    }
    let mut layers = Vec::with_capacity(count);
    let mut parameters = 0usize;
    for l in 1..=count {
        let inputs = cur.u32(Section::LayerShape(l))? as usize;
        let outputs = cur.u32(Section::LayerShape(l))? as usize;
        if !(1..=MAX_UNITS).contains(&inputs) || !(1..=MAX_UNITS).contains(&outputs) {
            return Err(implausible(format!(
                "layer {l} is {inputs}×{outputs}; each side must be 1 to {MAX_UNITS}"
            )));
        }
        // Both sides are ≤ MAX_UNITS, but keep the arithmetic checked (usize is 32 bits on wasm32).
        let too_many = || {
            implausible(format!(
                "more than {MAX_PARAMETERS} parameters by layer {l}"
            ))
        };
        let weight_count = inputs.checked_mul(outputs).ok_or_else(too_many)?;
        parameters = parameters
            .checked_add(weight_count)
            .and_then(|p| p.checked_add(outputs))
            .filter(|&p| p <= MAX_PARAMETERS)
            .ok_or_else(too_many)?;
        let weights = cur.take(weight_count * 4, Section::Weights(l))?;
        let biases = cur.take(outputs * 4, Section::Biases(l))?;
        layers.push(LayerSpan {
            inputs,
            outputs,
            weights,
            biases,
        });
    }
    let checksum_at = cur.take(4, Section::Checksum)?.start;
    Ok(Layout {
        json,
        layers,
        checksum_at,
    })
}

fn implausible(detail: String) -> ModelFileError {
    ModelFileError::ImplausibleHeader(detail)
}

/// Whether the last four bytes are the CRC-32 of everything before them.
fn whole_file_checksum(bytes: &[u8]) -> Result<(), ModelFileError> {
    if bytes.len() < 4 {
        return Ok(()); // too short to say; the walk's own error stands
    }
    let at = bytes.len() - 4;
    let (stored, computed) = (le_u32(bytes, at), crc32fast::hash(&bytes[..at]));
    if stored == computed {
        Ok(())
    } else {
        Err(ModelFileError::ChecksumMismatch { stored, computed })
    }
}

fn le_u32(bytes: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]])
}

fn read_f32s(bytes: &[u8]) -> Vec<f32> {
    bytes
        .chunks_exact(4)
        .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nn::activation::Activation;
    use rand::{Rng, SeedableRng};
    use rand_pcg::Pcg64Mcg;

    /// A "trained-looking" network for `config`: its initial weights, and nonzero biases so that
    /// biases are exercised too.
    fn trained(config: &Config) -> Network {
        let mut net = config.fresh_network();
        let mut rng = Pcg64Mcg::seed_from_u64(config.seed ^ 0xb1a5);
        for layer in &mut net.layers {
            layer.biases.mapv_inplace(|_| rng.random_range(-0.5..0.5));
        }
        net
    }

    fn softmax_regression() -> Config {
        Config {
            hidden: vec![],
            ..Config::default()
        }
    }

    fn small_file() -> Vec<u8> {
        let c = softmax_regression();
        encode(&c, &trained(&c))
    }

    #[test]
    fn max_file_bytes_bounds_every_file_the_engine_accepts() {
        // A file's length is the header, the config, 8 bytes a layer, 4 a parameter and the
        // checksum; each term's largest accepted value is in MAX_FILE_BYTES.
        for hidden in [vec![], vec![64, 32], vec![1; MAX_HIDDEN_LAYERS]] {
            let c = Config { hidden, ..Config::default() };
            let file = encode(&c, &trained(&c));
            let layers = c.layer_sizes().len() - 1;
            assert_eq!(file.len(), 8 + 4 + 4 + json_len(&file) + 4 + 8 * layers + 4 * c.parameter_count() + 4);
            assert!(json_len(&file) <= MAX_CONFIG_JSON && layers <= MAX_HIDDEN_LAYERS + 1);
        }
        assert!(MAX_FILE_BYTES > 4 * MAX_PARAMETERS);
    }

    fn json_len(file: &[u8]) -> usize {
        le_u32(file, 12) as usize
    }

    /// Recompute the trailing CRC so that a hand-edited file passes the checksum.
    fn reseal(file: &mut [u8]) {
        let at = file.len() - 4;
        let crc = crc32fast::hash(&file[..at]);
        file[at..].copy_from_slice(&crc.to_le_bytes());
    }

    /// The same file with its config JSON replaced (length updated, checksum rebuilt).
    fn with_config_json(file: &[u8], json: &[u8]) -> Vec<u8> {
        let old_end = 16 + json_len(file);
        let mut out = file[..12].to_vec();
        out.extend_from_slice(&(json.len() as u32).to_le_bytes());
        out.extend_from_slice(json);
        out.extend_from_slice(&file[old_end..]);
        reseal(&mut out);
        out
    }

    fn bits(net: &Network) -> Vec<u32> {
        net.layers
            .iter()
            .flat_map(|l| l.weights.iter().chain(l.biases.iter()).map(|v| v.to_bits()))
            .collect()
    }

    #[test]
    fn class_names_round_trip_and_files_without_them_load_as_the_digits() {
        let names: Vec<String> = ["✓", "✗", "○"].map(String::from).to_vec();
        let config = Config {
            hidden: vec![6],
            classes: names.clone(),
            ..Config::default()
        };
        let net = trained(&config);
        assert_eq!(net.sizes(), [784, 6, 3]);
        let file = encode(&config, &net);
        let (back, net2) = decode(&file).unwrap();
        assert_eq!(back.classes, names);
        assert_eq!(net2, net);
        assert_eq!(encode(&back, &net2), file);
        // The ten digits are not written: a digit model's file is what it was before classes
        // existed, and a file without them (every older file) reads as the digits.
        let digits = small_file();
        let json = std::str::from_utf8(&digits[16..16 + json_len(&digits)]).unwrap();
        assert!(!json.contains("classes"), "{json}");
        assert_eq!(
            decode(&digits).unwrap().0.classes,
            crate::data::classes::digit_names()
        );
        assert_eq!(
            FORMAT_VERSION, 1,
            "the format is unchanged: classes live in the config JSON"
        );
        // Names that disagree with the weights' shapes, or are not valid names, are refused.
        let four = serde_json::to_vec(&Config {
            classes: crate::data::classes::default_names(4),
            ..config.clone()
        })
        .unwrap();
        let e = decode(&with_config_json(&file, &four)).unwrap_err();
        assert!(matches!(e, ModelFileError::ShapeMismatch { .. }), "{e:?}");
        let mut twice = serde_json::to_value(&config).unwrap();
        twice["classes"] = serde_json::json!(["a", "a", "b"]);
        let e = decode(&with_config_json(&file, twice.to_string().as_bytes())).unwrap_err();
        assert!(matches!(e, ModelFileError::InvalidConfig { .. }), "{e:?}");
        assert!(e.to_string().contains("classes[1] repeats the name"), "{e}");
    }

    #[test]
    fn crc_is_the_ieee_crc32() {
        // The standard check value of CRC-32/ISO-HDLC (zip, PNG, Ethernet) for "123456789".
        assert_eq!(crc32fast::hash(b"123456789"), 0xCBF4_3926);
    }

    #[test]
    fn save_then_load_is_bit_for_bit_with_identical_predictions() {
        let configs = [
            softmax_regression(),
            Config::default(),
            Config {
                hidden: vec![64, 32, 16],
                activation: Activation::Tanh,
                seed: 7,
                ..Config::default()
            },
            Config {
                hidden: vec![30, 20],
                activation: Activation::Gelu,
                dropout: 0.2,
                seed: 3,
                ..Config::default()
            },
        ];
        let mut rng = Pcg64Mcg::seed_from_u64(11);
        let images: Vec<Vec<u8>> = (0..5)
            .map(|_| (0..PIXELS).map(|_| rng.random::<u8>()).collect())
            .collect();
        for config in configs {
            let net = trained(&config);
            let file = encode(&config, &net);
            let (config2, net2) = decode(&file).unwrap();
            assert_eq!(config2, config);
            assert_eq!(bits(&net2), bits(&net), "{:?}", config.hidden);
            assert_eq!(net2, net);
            for image in &images {
                let (p, p2) = (net.predict(image), net2.predict(image));
                assert_eq!(
                    p.iter().map(|v| v.to_bits()).collect::<Vec<_>>(),
                    p2.iter().map(|v| v.to_bits()).collect::<Vec<_>>()
                );
            }
            // Encoding is deterministic: the loaded model saves to the same bytes.
            assert_eq!(encode(&config2, &net2), file);
        }
    }

    #[test]
    fn special_values_survive_bit_for_bit() {
        let c = softmax_regression();
        let mut net = trained(&c);
        let specials = [
            -0.0f32,
            f32::MIN_POSITIVE,
            f32::MIN_POSITIVE / 8.0,
            f32::EPSILON,
            1.0e-45,
        ];
        for (w, s) in net.layers[0].weights.iter_mut().zip(specials) {
            *w = s;
        }
        // The extremes as biases: a weight of f32::MAX times an inked pixel would overflow, and
        // such a file is refused (`weights_so_large_that_predictions_overflow`).
        net.layers[0].biases[0] = f32::MAX;
        net.layers[0].biases[1] = f32::MIN;
        let (_, net2) = decode(&encode(&c, &net)).unwrap();
        assert_eq!(bits(&net2), bits(&net));
        assert_eq!(
            net2.layers[0].weights[[0, 0]].to_bits(),
            (-0.0f32).to_bits()
        );
    }

    #[test]
    fn layout_matches_the_documented_table() {
        let c = softmax_regression();
        let net = trained(&c);
        let file = encode(&c, &net);
        let json = serde_json::to_vec(&c).unwrap();
        let j = json.len();
        // 8 magic + 4 version + 4 length + J + 4 count + (4 + 4 + 784·10·4 + 10·4) + 4 crc
        assert_eq!(file.len(), 8 + 4 + 4 + j + 4 + 8 + 31_360 + 40 + 4);
        assert_eq!(&file[..8], b"MNISTMLP");
        assert_eq!(&file[8..12], &[1, 0, 0, 0]);
        assert_eq!(json_len(&file), j);
        assert_eq!(&file[16..16 + j], &json[..]);
        let t = 16 + j;
        assert_eq!(
            &file[t..t + 12],
            &[1, 0, 0, 0, 0x10, 0x03, 0, 0, 10, 0, 0, 0]
        ); // 1 layer, 784 (0x310), 10
        let w = &net.layers[0].weights;
        // Row-major: w[0,0], w[0,1], … w[0,9], w[1,0].
        assert_eq!(&file[t + 12..t + 16], &w[[0, 0]].to_le_bytes());
        assert_eq!(&file[t + 16..t + 20], &w[[0, 1]].to_le_bytes());
        assert_eq!(&file[t + 12 + 40..t + 12 + 44], &w[[1, 0]].to_le_bytes());
        let b0 = t + 12 + 31_360;
        assert_eq!(&file[b0..b0 + 4], &net.layers[0].biases[0].to_le_bytes());
        let n = file.len();
        assert_eq!(
            &file[n - 4..],
            &crc32fast::hash(&file[..n - 4]).to_le_bytes()
        );
        // The size the module doc quotes for the default network (without its JSON).
        let d = Config::default();
        assert_eq!(
            encode(&d, &d.fresh_network()).len() - serde_json::to_vec(&d).unwrap().len(),
            407_120
        );
    }

    #[test]
    fn wrong_magic() {
        let mut file = small_file();
        file[0] = b'X';
        assert_eq!(decode(&file), Err(ModelFileError::WrongMagic));
        assert_eq!(
            decode(b"\x89PNG\r\n\x1a\n...."),
            Err(ModelFileError::WrongMagic)
        );
        assert_eq!(
            decode(br#"{"hidden":[128]}"#),
            Err(ModelFileError::WrongMagic)
        );
        assert_eq!(
            decode(b"MNIST"),
            Err(ModelFileError::Truncated {
                len: 5,
                section: Section::Header,
                needed: 8
            })
        );
        assert_eq!(decode(b"MNX"), Err(ModelFileError::WrongMagic));
        assert_eq!(decode(b""), Err(ModelFileError::Empty));
        assert_eq!(
            ModelFileError::WrongMagic.to_string(),
            "not an MNIST Playground model file (wrong magic) — choose a file saved by this app"
        );
    }

    #[test]
    fn newer_version_is_refused_before_anything_else() {
        let mut file = small_file();
        file[8..12].copy_from_slice(&2u32.to_le_bytes());
        let want = Err(ModelFileError::NewerVersion {
            found: 2,
            supported: 1,
        });
        assert_eq!(
            decode(&file),
            want,
            "checksum now wrong, version still reported"
        );
        reseal(&mut file);
        assert_eq!(decode(&file), want);
        // A newer file may have any layout after the version: only 12 bytes are needed.
        assert_eq!(decode(&file[..12]), want);
        let e = ModelFileError::NewerVersion {
            found: 7,
            supported: 1,
        };
        assert_eq!(
            e.to_string(),
            "model file format version 7 is newer than this app supports (1) — update the app"
        );
        file[8..12].copy_from_slice(&0u32.to_le_bytes());
        assert_eq!(decode(&file), Err(ModelFileError::VersionZero));
    }

    #[test]
    fn truncation_anywhere_is_reported_with_the_section() {
        let file = small_file();
        let j = json_len(&file);
        let t = 16 + j; // layer count
        let n = file.len();
        let cases = [
            (3, Section::Header, 8),
            (10, Section::Header, 12),
            (14, Section::Header, 16),
            (16 + j / 2, Section::Config, 16 + j),
            (t + 2, Section::LayerCount, t + 4),
            (t + 6, Section::LayerShape(1), t + 8),
            (t + 12 + 1000, Section::Weights(1), t + 12 + 31_360),
            (n - 10, Section::Biases(1), n - 4),
            (n - 4, Section::Checksum, n),
            (n - 1, Section::Checksum, n),
        ];
        for (cut, section, needed) in cases {
            assert_eq!(
                decode(&file[..cut]),
                Err(ModelFileError::Truncated {
                    len: cut,
                    section,
                    needed
                }),
                "cut at {cut}"
            );
        }
        let e = decode(&file[..t + 1012]).unwrap_err().to_string();
        assert!(e.starts_with("model file is truncated: it has"), "{e}");
        assert!(
            e.contains("weights of layer 1") && e.contains("save it again"),
            "{e}"
        );
    }

    #[test]
    fn every_prefix_is_truncated_never_a_panic() {
        let file = small_file();
        for cut in 1..file.len() {
            match decode(&file[..cut]) {
                Err(ModelFileError::Truncated { len, needed, .. }) => {
                    assert!(len == cut && needed > cut)
                }
                other => panic!("prefix of {cut} bytes: {other:?}"),
            }
        }
    }

    #[test]
    fn flipped_bytes_are_a_checksum_mismatch() {
        let file = small_file();
        let n = file.len();
        let j = json_len(&file);
        // In the JSON, in a weight, in a bias, in the checksum itself.
        for at in [16 + 2, 16 + j + 12 + 500, n - 6, n - 1] {
            let mut bad = file.clone();
            bad[at] ^= 0x10;
            assert!(
                matches!(decode(&bad), Err(ModelFileError::ChecksumMismatch { .. })),
                "flip at {at}: {:?}",
                decode(&bad)
            );
        }
        // A flip that makes a header size impossible is damage too, not an allocation of 4 GiB.
        let mut bad = file.clone();
        bad[15] ^= 0x80; // config length + 2³¹
        assert!(matches!(
            decode(&bad),
            Err(ModelFileError::ChecksumMismatch { .. })
        ));
        let mut bad = file.clone();
        bad[16 + j + 4 + 3] = 0xff; // inputs of layer 1 ≥ 2²⁴
        assert!(matches!(
            decode(&bad),
            Err(ModelFileError::ChecksumMismatch { .. })
        ));
        assert_eq!(
            ModelFileError::ChecksumMismatch {
                stored: 1,
                computed: 2
            }
            .to_string(),
            "model file is corrupt (checksum mismatch) — save it again"
        );
    }

    #[test]
    fn implausible_sizes_with_a_valid_checksum_are_refused_without_allocating() {
        let file = small_file();
        let t = 16 + json_len(&file);
        let edit = |at: usize, value: u32| {
            let mut bad = file.clone();
            bad[at..at + 4].copy_from_slice(&value.to_le_bytes());
            reseal(&mut bad);
            decode(&bad)
        };
        let detail = |r: Result<(Config, Network), ModelFileError>| match r {
            Err(ModelFileError::ImplausibleHeader(d)) => d,
            other => panic!("{other:?}"),
        };
        assert!(detail(edit(12, u32::MAX)).contains("4294967295 bytes"));
        assert!(detail(edit(t, u32::MAX)).contains("4294967295 layers"));
        assert!(detail(edit(t, 0)).contains("0 layers"));
        assert!(detail(edit(t + 4, u32::MAX)).contains("layer 1 is 4294967295×10"));
        assert!(detail(edit(t + 8, 0)).contains("layer 1 is 784×0"));
        // Within the per-side cap but more than the file holds: reported as truncation.
        assert!(matches!(
            edit(t + 4, 8192),
            Err(ModelFileError::Truncated {
                section: Section::Weights(1),
                ..
            })
        ));
    }

    #[test]
    fn too_many_parameters_in_total_is_implausible() {
        // 3 layers of 8192×8192 = 201 M parameters: refused at layer 1 (67 M > 20 M), before any read.
        let mut file = MAGIC.to_vec();
        file.extend_from_slice(&1u32.to_le_bytes());
        file.extend_from_slice(&2u32.to_le_bytes());
        file.extend_from_slice(b"{}");
        file.extend_from_slice(&3u32.to_le_bytes());
        file.extend_from_slice(&8192u32.to_le_bytes());
        file.extend_from_slice(&8192u32.to_le_bytes());
        file.extend_from_slice(&[0; 4]);
        reseal(&mut file);
        match decode(&file) {
            Err(ModelFileError::ImplausibleHeader(d)) => assert!(
                d.contains("more than 20000000 parameters by layer 1"),
                "{d}"
            ),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn trailing_bytes() {
        let mut file = small_file();
        file.extend_from_slice(b"junk!");
        assert_eq!(
            decode(&file),
            Err(ModelFileError::TrailingBytes { count: 5 })
        );
        // Two saved files concatenated.
        let twice = [small_file(), small_file()].concat();
        assert_eq!(
            decode(&twice),
            Err(ModelFileError::TrailingBytes {
                count: small_file().len()
            })
        );
    }

    #[test]
    fn bad_config_json_with_a_valid_checksum() {
        let file = small_file();
        for json in [
            &b"{not json"[..],
            br#"{"activation":"swish"}"#,
            b"\xff\xfe{}",
            br#"{"hidden":"wide"}"#,
        ] {
            let bad = with_config_json(&file, json);
            match decode(&bad) {
                Err(e @ ModelFileError::BadConfig(_)) => {
                    assert!(
                        e.to_string()
                            .starts_with("model file's config cannot be read ("),
                        "{e}"
                    )
                }
                other => panic!("{:?}: {other:?}", String::from_utf8_lossy(json)),
            }
        }
        // Missing fields take their defaults, like any config JSON.
        let (c, _) = decode(&with_config_json(&file, br#"{"hidden":[]}"#)).unwrap();
        assert_eq!(c, softmax_regression());
    }

    // Found by the fuzzer (tests/fuzz): `1e39` read as an infinite dropout, loaded, and saved
    // again as `null`, which no longer loaded.
    #[test]
    fn config_out_of_range_with_a_valid_checksum() {
        let file = small_file();
        for (json, field) in [
            (&br#"{"hidden":[],"dropout":1e39}"#[..], "dropout"),
            (br#"{"hidden":[],"learning_rate":-1}"#, "learning_rate"),
            (br#"{"hidden":[],"threads":0}"#, "threads"),
        ] {
            match decode(&with_config_json(&file, json)) {
                Err(ModelFileError::InvalidConfig(e)) => assert_eq!(e.field, field),
                other => panic!("{:?}: {other:?}", String::from_utf8_lossy(json)),
            }
        }
        let e = decode(&with_config_json(&file, br#"{"hidden":[],"epochs":0}"#)).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("model file's config is out of range (epochs must be 1 to 1000"),
            "{e}"
        );
    }

    #[test]
    fn shapes_that_disagree_with_the_config() {
        let c = Config {
            hidden: vec![128, 64],
            ..Config::default()
        };
        let file = encode(&c, &trained(&c));
        let json = |hidden: Vec<usize>| {
            serde_json::to_vec(&Config {
                hidden,
                ..c.clone()
            })
            .unwrap()
        };

        let e = decode(&with_config_json(&file, &json(vec![128, 32]))).unwrap_err();
        assert_eq!(
            e,
            ModelFileError::ShapeMismatch {
                layer: 2,
                file_inputs: 128,
                file_outputs: 64,
                config_inputs: 128,
                config_outputs: 32
            }
        );
        assert!(e.to_string().starts_with(
            "shapes disagree with the config: layer 2 is 128×64 in the file but the config says 128×32 — "
        ));
        assert_eq!(
            decode(&with_config_json(&file, &json(vec![100, 64]))),
            Err(ModelFileError::ShapeMismatch {
                layer: 1,
                file_inputs: 784,
                file_outputs: 128,
                config_inputs: 784,
                config_outputs: 100
            })
        );
        assert_eq!(
            decode(&with_config_json(&file, &json(vec![128]))),
            Err(ModelFileError::LayerCountMismatch { file: 3, config: 2 })
        );
        assert_eq!(
            decode(&with_config_json(&file, &json(vec![128, 64, 10]))),
            Err(ModelFileError::LayerCountMismatch { file: 3, config: 4 })
        );
        // The unchanged JSON still loads (the helper itself is sound).
        assert!(decode(&with_config_json(&file, &json(vec![128, 64]))).is_ok());
    }

    #[test]
    fn non_finite_weights_with_a_valid_checksum() {
        let c = Config {
            hidden: vec![16, 8],
            ..Config::default()
        };
        for (layer, value, in_bias) in [
            (2, f32::NAN, false),
            (1, f32::INFINITY, false),
            (3, f32::NEG_INFINITY, true),
        ] {
            let mut net = trained(&c);
            if in_bias {
                net.layers[layer - 1].biases[3] = value;
            } else {
                net.layers[layer - 1].weights[[5, 1]] = value;
            }
            assert_eq!(
                decode(&encode(&c, &net)),
                Err(ModelFileError::NonFinite { layer })
            );
        }
        assert_eq!(
            ModelFileError::NonFinite { layer: 1 }.to_string(),
            "model file contains non-finite weights (NaN or infinity) in layer 1 — the model diverged; train it again"
        );
    }

    // Found by the fuzzer (tests/fuzz): finite weights near f32::MAX loaded, then predicted NaN.
    #[test]
    fn weights_so_large_that_predictions_overflow() {
        let c = Config {
            hidden: vec![4],
            ..Config::default()
        };
        let mut net = trained(&c);
        net.layers[0].weights.fill(f32::MAX);
        assert!(net.is_finite());
        assert_eq!(decode(&encode(&c, &net)), Err(ModelFileError::Overflow));
        assert_eq!(
            ModelFileError::Overflow.to_string(),
            "model file's weights are so large that its predictions overflow (not finite) — the model diverged; train it again"
        );
    }

    #[test]
    fn random_mutations_never_panic_and_are_always_caught() {
        let file = small_file();
        let (c0, n0) = decode(&file).unwrap();
        let mut rng = Pcg64Mcg::seed_from_u64(2024);
        let header_end = 16 + json_len(&file) + 12;
        for i in 0..1000 {
            let mut bad = file.clone();
            // Half the mutations aim at the header, where the sizes live.
            let at = |rng: &mut Pcg64Mcg, len: usize| {
                if rng.random::<bool>() {
                    rng.random_range(0..header_end.min(len))
                } else {
                    rng.random_range(0..len)
                }
            };
            for _ in 0..rng.random_range(1..4) {
                match rng.random_range(0..6) {
                    0 => {
                        let k = at(&mut rng, bad.len());
                        bad[k] ^= 1 << rng.random_range(0..8);
                    }
                    1 => {
                        let k = at(&mut rng, bad.len());
                        bad[k] = rng.random();
                    }
                    2 => {
                        let k = at(&mut rng, bad.len());
                        bad.insert(k, rng.random());
                    }
                    3 if bad.len() > 1 => {
                        let k = at(&mut rng, bad.len());
                        bad.remove(k);
                    }
                    4 => bad.truncate(rng.random_range(0..bad.len())),
                    _ => bad.extend((0..rng.random_range(1..9)).map(|_| rng.random::<u8>())),
                }
                if bad.is_empty() {
                    break;
                }
            }
            match decode(&bad) {
                Ok((c, n)) => assert!(
                    bad == file && c == c0 && n == n0,
                    "mutation {i} slipped through"
                ),
                Err(e) => {
                    assert_ne!(
                        bad, file,
                        "mutation {i}: the unchanged file was refused: {e}"
                    );
                    assert!(!e.to_string().is_empty());
                }
            }
        }
    }
}
