#![cfg(not(target_arch = "wasm32"))]
//! Reads the real MNIST files in `data/` and checks them against the published facts:
//! counts, per-digit label histograms (from the MNIST files themselves, widely quoted), and the mean
//! training pixel 33.318 (0.1307 × 255, the normalisation constant used by PyTorch's MNIST example).

use mnist_playground::data::mnist::load_gz;
use mnist_playground::nn::network::{PIXEL_MEAN, PIXEL_STD};
use std::path::Path;

#[test]
fn real_mnist_counts_histograms_and_mean_pixel() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    let train = load_gz(&dir, "train").expect("data/train-*.gz");
    let test = load_gz(&dir, "t10k").expect("data/t10k-*.gz");

    assert_eq!((train.len(), train.rows, train.cols), (60_000, 28, 28));
    assert_eq!((test.len(), test.rows, test.cols), (10_000, 28, 28));
    assert_eq!(
        train.label_histogram(),
        [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
    );
    assert_eq!(
        test.label_histogram(),
        [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
    );
    let mean = train.mean_pixel();
    assert!((mean - 33.318).abs() < 0.001, "mean training pixel {mean}");
    // The network standardises inputs with these constants; check them against the data.
    let (mu, sd) = (PIXEL_MEAN as f64, PIXEL_STD as f64);
    assert!((mean / 255.0 - mu).abs() < 1e-4);
    let var = train
        .images()
        .iter()
        .map(|&p| (p as f64 / 255.0 - mean / 255.0).powi(2))
        .sum::<f64>()
        / train.images().len() as f64;
    assert!((var.sqrt() - sd).abs() < 1e-4, "pixel std {}", var.sqrt());
}

#[test]
fn a_missing_file_says_how_to_fix_it() {
    let err = load_gz(Path::new("/nonexistent"), "train")
        .unwrap_err()
        .to_string();
    assert!(err.contains("scripts/tools/fetch-mnist.sh"), "{err}");
}
