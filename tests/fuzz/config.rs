//! Target `config`: config JSON as the page, links and model files carry it — `serde_json` into a
//! [`Config`], then what the engine does with any parsed config (the page's config report:
//! parameter count, forward cost, training images) and [`Config::validate`] against several data
//! set sizes.
//!
//! Checks, beyond "no panic": a refusal names a field and says why; a config that validates has
//! every field in its documented range, survives a JSON round trip unchanged, costs a finite
//! amount, and its schedule gives a finite positive learning rate at every step checked.
//!
//! Seeds: every preset, the default, `{}`, and a config of every optimizer, schedule, activation
//! and initialisation. Mutations: numbers set to extremes, names swapped, keys added, nesting,
//! and byte moves.
//!
//! Non-goals: the URL hash and run records (the page owns those JSON shapes; JS fuzzing).

use crate::harness::Target;
use crate::mutate::mutate_bytes;
use mnist_playground::data::augment::AugmentConfig;
use mnist_playground::data::classes::check_names;
use mnist_playground::nn::activation::Activation;
use mnist_playground::nn::init::Init;
use mnist_playground::train::config::{
    presets, Config, MAX_BATCH, MAX_HIDDEN_LAYERS, MAX_PARAMETERS, MAX_WIDTH,
};
use mnist_playground::train::optimizer::OptimizerConfig;
use mnist_playground::train::schedule::{Schedule, ScheduleKind};
use rand::Rng;
use rand_pcg::Pcg64Mcg;
use std::sync::OnceLock;

pub const CONFIG: Target = Target {
    name: "config",
    generate,
    check,
};

/// Configs covering every variant of every enum field (besides the presets).
pub fn variety() -> Vec<Config> {
    let d = Config::default();
    let optimizers = [
        OptimizerConfig::Sgd,
        OptimizerConfig::Momentum {
            momentum: 0.9,
            nesterov: true,
        },
        OptimizerConfig::Rmsprop {
            rho: 0.9,
            epsilon: 1e-7,
        },
        OptimizerConfig::Adam {
            beta1: 0.9,
            beta2: 0.999,
            epsilon: 1e-8,
        },
        serde_json::from_str(r#"{"kind":"adamw"}"#).unwrap(),
    ];
    let schedules = [
        ScheduleKind::Constant,
        ScheduleKind::Step {
            gamma: 0.5,
            every_epochs: 2,
        },
        ScheduleKind::Exponential { gamma: 0.9 },
        ScheduleKind::Cosine { min_lr: 1e-5 },
    ];
    let activations = [
        Activation::Relu,
        Activation::LeakyRelu,
        Activation::Sigmoid,
        Activation::Tanh,
        Activation::Gelu,
    ];
    let inits = [
        Init::Auto,
        Init::HeUniform,
        Init::HeNormal,
        Init::GlorotUniform,
        Init::GlorotNormal,
    ];
    (0..5)
        .map(|k| Config {
            hidden: vec![64; k],
            activation: activations[k],
            init: inits[k % inits.len()],
            optimizer: optimizers[k].clone(),
            schedule: Schedule {
                kind: schedules[k % schedules.len()].clone(),
                warmup_epochs: k as f32 * 0.5,
            },
            dropout: 0.1 * k as f32,
            weight_decay: 1e-4 * k as f32,
            augment: AugmentConfig {
                enabled: k % 2 == 1,
                ..AugmentConfig::default()
            },
            threads: 1 + k,
            ..d.clone()
        })
        .collect()
}

/// The seed JSON texts, built once.
fn seeds() -> &'static [Vec<u8>] {
    static SEEDS: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    SEEDS.get_or_init(|| {
        let mut s: Vec<Vec<u8>> = presets()
            .iter()
            .map(|p| serde_json::to_vec(&p.config).unwrap())
            .chain(variety().iter().map(|c| serde_json::to_vec(c).unwrap()))
            .chain(std::iter::once(
                serde_json::to_vec_pretty(&Config::default()).unwrap(),
            ))
            .collect();
        s.push(b"{}".to_vec());
        s.push(br#"{"hidden":[],"learning_rate":0.5}"#.to_vec());
        s
    })
}

/// Numbers that sit on or just past a range's edge, or break an integer or float type.
const NUMBERS: &[&str] = &[
    "0",
    "-0",
    "1",
    "-1",
    "0.95",
    "0.9499999",
    "1.0000001",
    "10",
    "10.000001",
    "1e-45",
    "1e-46",
    "3.4028235e38",
    "3.5e38",
    "1e39",
    "-1e39",
    "1e308",
    "1e309",
    "4096",
    "4097",
    "8192",
    "8193",
    "16",
    "17",
    "1000",
    "1001",
    "59999",
    "60000",
    "60001",
    "4294967295",
    "4294967296",
    "18446744073709551615",
    "18446744073709551616",
    "9223372036854775807",
    "0.5",
    "1e2",
    "2E-3",
    "-1e-45",
    "00",
    "1.",
    ".5",
    "+1",
    "0x10",
    "NaN",
    "Infinity",
    "null",
    "true",
    "\"1\"",
    "[]",
    "{}",
];

/// Strings worth trying where a name is expected.
const NAMES: &[&str] = &[
    "relu",
    "leaky_relu",
    "sigmoid",
    "tanh",
    "gelu",
    "swish",
    "auto",
    "he_uniform",
    "he_normal",
    "glorot_uniform",
    "glorot_normal",
    "sgd",
    "momentum",
    "rmsprop",
    "adam",
    "adamw",
    "constant",
    "step",
    "exponential",
    "cosine",
    "kind",
    "hidden",
    "",
    "RELU",
    "relu\u{0}",
    "é",
];

/// Fragments inserted after a `{`: duplicate, unknown and type-confused keys.
const FRAGMENTS: &[&str] = &[
    r#""hidden":[8192,8192,8192],"#,
    r#""hidden":[1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1],"#,
    r#""hidden":[18446744073709551615],"#,
    r#""hidden":[4294967296,4294967296],"#,
    r#""hidden":[2305843009213693952,8],"#,
    r#""threads":0,"#,
    r#""threads":18446744073709551615,"#,
    r#""batch_size":0,"#,
    r#""validation_size":18446744073709551615,"#,
    r#""train_subset":18446744073709551615,"#,
    r#""epochs":4294967295,"#,
    r#""schedule":{"kind":"step","gamma":1e-45,"every_epochs":4294967295,"warmup_epochs":1e-45},"#,
    r#""schedule":{"kind":"cosine","min_lr":3.4e38,"warmup_epochs":1000},"#,
    r#""optimizer":{"kind":"adam","beta1":0.9999999,"beta2":0,"epsilon":1e-45},"#,
    r#""augment":{"enabled":true,"max_shift":1e30,"max_rotation":-0},"#,
    r#""unknown":1,"#,
    r#""seed":-1,"#,
    r#""learning_rate":1e-45,"#,
    r#""classes":["✓","✗","○"],"#,
    r#""classes":[],"#,
    r#""classes":["a"],"#,
    r#""classes":["a","a"],"#,
    r#""classes":["a",""],"#,
    r#""classes":["a"," 
"],"#,
    r#""classes":["a","xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"],"#,
    r#""classes":["0","1","2","3","4","5","6","7","8","9"],"#,
    r#""classes":"0123","#,
];

/// Byte ranges `(start, end)` of literals in a JSON text.
type Spans = Vec<(usize, usize)>;

/// Byte ranges of the number and string literals of a JSON text (roughly: enough to aim at).
fn literals(json: &[u8]) -> (Spans, Spans) {
    let (mut numbers, mut strings) = (Vec::new(), Vec::new());
    let mut k = 0;
    while k < json.len() {
        match json[k] {
            b'"' => {
                let end = json[k + 1..]
                    .iter()
                    .position(|&b| b == b'"')
                    .map_or(json.len(), |e| k + 1 + e);
                strings.push((k + 1, end));
                k = end + 1;
            }
            b'-' | b'0'..=b'9' => {
                let end = json[k..]
                    .iter()
                    .position(|b| !matches!(b, b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9'))
                    .map_or(json.len(), |e| k + e);
                numbers.push((k, end));
                k = end;
            }
            _ => k += 1,
        }
    }
    (numbers, strings)
}

/// One JSON-aware mutation (or a byte-level one) of `json`; shared with the model-file target.
pub fn mutate_json(rng: &mut Pcg64Mcg, json: &mut Vec<u8>) {
    let (numbers, strings) = literals(json);
    match rng.random_range(0..6) {
        0 | 1 if !numbers.is_empty() => {
            let (a, b) = numbers[rng.random_range(0..numbers.len())];
            let n = NUMBERS[rng.random_range(0..NUMBERS.len())];
            json.splice(a..b, n.bytes());
        }
        2 if !strings.is_empty() => {
            let (a, b) = strings[rng.random_range(0..strings.len())];
            let s = NAMES[rng.random_range(0..NAMES.len())];
            json.splice(a..b.min(json.len()), s.bytes());
        }
        3 => {
            let opens: Vec<usize> = (0..json.len()).filter(|&k| json[k] == b'{').collect();
            if let Some(&k) = opens.get(rng.random_range(0..opens.len().max(1))) {
                let f = FRAGMENTS[rng.random_range(0..FRAGMENTS.len())];
                json.splice(k + 1..k + 1, f.bytes());
            }
        }
        4 if rng.random_bool(0.1) => {
            // Deep nesting around the whole text, or around a value.
            let depth = rng.random_range(1..400);
            let mut wrapped = vec![b'['; depth];
            wrapped.extend_from_slice(json);
            wrapped.extend(std::iter::repeat_n(b']', depth));
            *json = wrapped;
        }
        _ => {
            let seeds = seeds();
            let other = &seeds[rng.random_range(0..seeds.len())];
            mutate_bytes(rng, json, 0, other);
        }
    }
}

fn generate(rng: &mut Pcg64Mcg, out: &mut Vec<u8>) {
    let seeds = seeds();
    out.extend_from_slice(&seeds[rng.random_range(0..seeds.len())]);
    // A few inputs stay valid seeds; most get one to four mutations.
    for _ in 0..rng.random_range(0..5) {
        mutate_json(rng, out);
    }
}

/// The checks on one parsed config at one data set size (also used on model files' configs);
/// names the outcome (`valid`, or the refused field).
pub fn check_config(c: &Config, available: usize) -> String {
    // What the page's config report computes for every parsed config, valid or not.
    let _ = (
        c.parameter_count(),
        c.forward_flops(),
        c.training_images(available),
    );
    match c.validate(available) {
        Err(e) => {
            assert!(!e.field.is_empty(), "refusal without a field: {e:?}");
            assert!(
                e.message.starts_with(|ch: char| ch.is_lowercase()) && !e.message.contains('\n'),
                "refusal message not in the codebase's shape: {:?}",
                e.message
            );
            let field = e.field.split('[').next().unwrap_or_default();
            format!("refused: {field}")
        }
        Ok(()) => {
            assert!(c.hidden.len() <= MAX_HIDDEN_LAYERS);
            assert!(c.hidden.iter().all(|&w| (1..=MAX_WIDTH).contains(&w)));
            assert!(c.parameter_count() <= MAX_PARAMETERS);
            assert!(check_names("classes", &c.classes).is_ok());
            assert_eq!(c.layer_sizes().last(), Some(&c.classes.len()));
            assert!([c.dropout, c.weight_decay, c.learning_rate]
                .iter()
                .all(|v| v.is_finite()));
            let n = c.training_images(available);
            assert!(
                (1..=n.min(MAX_BATCH)).contains(&c.batch_size),
                "batch {} of {n}",
                c.batch_size
            );
            let _ = c.training_flops();
            let json = serde_json::to_vec(c).unwrap();
            assert_eq!(
                &serde_json::from_slice::<Config>(&json).unwrap(),
                c,
                "round trip"
            );
            let per_epoch = n.div_ceil(c.batch_size) as u64;
            let total = per_epoch * c.epochs as u64;
            for step in [0, 1, per_epoch / 2, per_epoch, total / 2, total - 1, total] {
                let lr = c
                    .schedule
                    .learning_rate(c.learning_rate, step, per_epoch, total);
                assert!(
                    lr.is_finite() && lr > 0.0,
                    "learning rate {lr} at step {step} of {total}"
                );
            }
            "valid".to_string()
        }
    }
}

fn check(input: &[u8]) -> String {
    match serde_json::from_slice::<Config>(input) {
        Err(_) => "not a config".to_string(),
        Ok(c) => {
            for available in [1, 2, 100, 10_000_000] {
                check_config(&c, available);
            }
            check_config(&c, 60_000)
        }
    }
}
