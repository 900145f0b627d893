#![cfg(not(target_arch = "wasm32"))]
//! Ten-digit MNIST training stays bit for bit what it was before the engine learned other class
//! counts (issue 19): five short runs on real MNIST, each saved as a model file (config JSON and
//! every weight), must hash to the CRC-32 recorded from the engine before that change.

use mnist_playground::data::augment::AugmentConfig;
use mnist_playground::data::mnist::load_gz;
use mnist_playground::io::model_file;
use mnist_playground::nn::activation::Activation;
use mnist_playground::train::config::Config;
use mnist_playground::train::trainer::Trainer;
use std::path::Path;

fn runs() -> Vec<Config> {
    let base = Config {
        hidden: vec![32],
        batch_size: 64,
        epochs: 1,
        validation_size: 500,
        train_subset: 2000,
        ..Config::default()
    };
    vec![
        base.clone(),
        Config {
            dropout: 0.2,
            seed: 5,
            ..base.clone()
        },
        Config {
            augment: AugmentConfig {
                enabled: true,
                ..Default::default()
            },
            ..base.clone()
        },
        Config {
            hidden: vec![24, 12],
            activation: Activation::Tanh,
            weight_decay: 1e-4,
            ..base.clone()
        },
        Config {
            hidden: vec![],
            learning_rate: 0.01,
            ..base
        },
    ]
}

#[test]
fn ten_digit_training_is_bit_identical_to_before_classes() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    let train = load_gz(&dir, "train").expect("data/train-*.gz");
    let hashes: Vec<u32> = runs()
        .into_iter()
        .map(|config| {
            let mut t = Trainer::new(config.clone(), &train).unwrap();
            while !t.train_steps(&train, 50).unwrap().finished {}
            // The file's own CRC-32 (its last four bytes) covers the config JSON and the weights.
            let file = model_file::encode(&config, t.network());
            u32::from_le_bytes(file[file.len() - 4..].try_into().unwrap())
        })
        .collect();
    let hex: Vec<String> = hashes.iter().map(|h| format!("{h:08x}")).collect();
    println!("hashes {hex:?}");
    assert_eq!(
        hex, EXPECTED,
        "ten-digit training or its model file changed"
    );
}

/// Recorded at commit 8afff3a (before class names), native x86_64 build.
const EXPECTED: [&str; 5] = ["09488fb0", "4e28c29a", "88cc38f7", "b1b6c5b4", "234a0dee"];
