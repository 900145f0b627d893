#![cfg(not(target_arch = "wasm32"))]
//! Accuracy targets on the real MNIST data. Ignored by default because they train for
//! real; the test command runs them in release mode:
//! `cargo test --release --test accuracy -- --include-ignored`.
//! The `best_mlp` target takes minutes: the test command leaves it out (`--skip best_mlp`, so it is
//! counted as filtered out, never as passed) unless `MNIST_BEST_MLP=1` is set; run it alone with
//! `cargo test --release --test accuracy best_mlp -- --ignored`.

use mnist_playground::data::mnist::{load_gz, Dataset};
use mnist_playground::train::config::{preset, Config};
use mnist_playground::train::trainer::Trainer;
use std::path::Path;

fn data() -> (Dataset, Dataset) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    (
        load_gz(&dir, "train").unwrap(),
        load_gz(&dir, "t10k").unwrap(),
    )
}

fn test_accuracy(config: Config) -> f64 {
    let (train, test) = data();
    let mut t = Trainer::new(config, &train).unwrap();
    while !t.train_steps(&train, 1000).unwrap().finished {}
    let acc = t.evaluate(&test).accuracy;
    println!("test accuracy {:.2}%", 100.0 * acc);
    acc
}

#[test]
#[ignore = "trains on real MNIST; run with --release --include-ignored"]
fn relu_128_adam_3_epochs_reaches_97_percent() {
    let c = Config::default();
    assert_eq!(
        (c.hidden.clone(), c.batch_size, c.epochs, c.learning_rate),
        (vec![128], 128, 3, 0.001)
    );
    let acc = test_accuracy(c);
    assert!(acc >= 0.970, "test accuracy {acc}");
}

#[test]
#[ignore = "trains on real MNIST; run with --release --include-ignored"]
fn softmax_regression_sgd_5_epochs_reaches_92_percent() {
    let c = preset("softmax_regression").unwrap();
    assert!(c.hidden.is_empty() && c.epochs == 5);
    let acc = test_accuracy(c);
    assert!(acc >= 0.920, "test accuracy {acc}");
}

#[test]
#[ignore = "trains on real MNIST for minutes; run with: cargo test --release --test accuracy best_mlp -- --ignored"]
fn best_mlp_preset_reaches_98_3_percent() {
    let c = preset("best_mlp").unwrap();
    assert!(c.epochs <= 20);
    let acc = test_accuracy(c);
    assert!(acc >= 0.983, "test accuracy {acc}");
}

// --- The learning-rate finder (src/inspect/lr_finder.rs) on the default config -----------------

use mnist_playground::inspect::lr_finder::{LrFinder, DEFAULT_STEPS};
use mnist_playground::train::optimizer::OptimizerConfig;

/// The finder's steepest-descent suggestion for `config`, swept on the real training set.
fn suggested_rate(config: &Config, train: &Dataset) -> f32 {
    let mut f = LrFinder::new(config, train, DEFAULT_STEPS).unwrap();
    while !f.is_done() {
        f.step(train, 25).unwrap();
    }
    let r = f.result();
    println!(
        "{}: {} steps, stop {:?}, steepest {:?}, minimum/10 {:?}",
        config.optimizer.name(),
        r.rates.len(),
        r.stop,
        r.steepest,
        r.minimum_over_10
    );
    r.steepest
        .expect("the sweep recorded enough steps to suggest")
}

#[test]
#[ignore = "trains on real MNIST; run with --release --include-ignored"]
fn finder_suggests_a_sensible_adam_rate_that_trains_to_95_percent_in_one_epoch() {
    let (train, test) = data();
    let config = Config::default();
    let rate = suggested_rate(&config, &train);
    assert!((1e-4..=1e-2).contains(&rate), "Adam suggestion {rate}");
    let mut t = Trainer::new(
        Config {
            learning_rate: rate,
            epochs: 1,
            ..config
        },
        &train,
    )
    .unwrap();
    while !t.train_steps(&train, 1000).unwrap().finished {}
    let acc = t.evaluate(&test).accuracy;
    println!("one epoch at {rate:.2e}: test accuracy {:.2}%", 100.0 * acc);
    assert!(acc >= 0.95, "test accuracy {acc}");
}

#[test]
#[ignore = "trains on real MNIST; run with --release --include-ignored"]
fn finder_suggests_a_larger_rate_for_plain_sgd_than_for_adam() {
    let (train, _) = data();
    let adam = suggested_rate(&Config::default(), &train);
    let sgd = suggested_rate(
        &Config {
            optimizer: OptimizerConfig::Sgd,
            ..Config::default()
        },
        &train,
    );
    assert!(sgd > adam, "SGD {sgd} vs Adam {adam}");
}
