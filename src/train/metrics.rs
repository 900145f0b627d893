//! Judging a network: loss, accuracy, the classes × classes confusion matrix (10 × 10 for MNIST), per-class accuracy and the
//! misclassified images of a data set; and per-layer statistics for visualising training
//! (weight and gradient magnitudes, units that never fired), as TensorBoard's distributions do.
//!
//! Non-goal: metrics beyond classification accuracy (precision/recall curves, calibration).

use crate::data::mnist::Dataset;
use crate::nn::loss;
use crate::nn::network::Network;
use ndarray::Array2;
use serde::Serialize;

/// One test image the network got wrong.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Misclassified {
    /// Index into the evaluated data set.
    pub index: u32,
    pub label: u8,
    pub predicted: u8,
    /// The predicted class's probability.
    pub confidence: f32,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evaluation {
    pub count: usize,
    /// Mean cross-entropy.
    pub loss: f64,
    pub accuracy: f64,
    /// `confusion[true][predicted]`, one row and one column per class (the network's outputs).
    pub confusion: Vec<Vec<u32>>,
    /// Per class (NaN for a class without images in the selection).
    pub per_class_accuracy: Vec<f64>,
    pub misclassified: Vec<Misclassified>,
}

/// Rows evaluated per matrix product: large enough to be efficient, small enough for a phone.
const CHUNK: usize = 1000;

/// Evaluate `net` on the images of `data` at `indices` (all of them if `None`), without dropout.
/// An empty selection gives count 0 and NaN loss and accuracy. The data's classes must be the
/// network's (callers check: [`crate::train::config::Config::check_classes_match`]); a label
/// beyond the network's outputs panics.
pub fn evaluate(net: &Network, data: &Dataset, indices: Option<&[u32]>) -> Evaluation {
    let all: Vec<u32>;
    let indices = match indices {
        Some(ix) => ix,
        None => {
            all = (0..data.len() as u32).collect();
            &all
        }
    };
    let classes = net.outputs();
    let width = data.pixels_per_image();
    let mut confusion = vec![vec![0u32; classes]; classes];
    let mut misclassified = Vec::new();
    let mut loss_sum = 0.0;
    let mut probs = vec![0.0f32; CHUNK * classes];
    let mut labels = vec![0u8; CHUNK];
    let mut x = Array2::<f32>::zeros((CHUNK.min(indices.len()), width));
    for chunk in indices.chunks(CHUNK) {
        let n = chunk.len();
        // Row by row over contiguous slices: a tight loop from the first call (the browser runs a
        // function's first calls as baseline code, where a closure per pixel is much slower).
        for (row, &i) in x.rows_mut().into_iter().zip(chunk) {
            let image = data.image(i as usize);
            for (v, &p) in row
                .into_slice()
                .expect("rows of a standard-layout array")
                .iter_mut()
                .zip(image)
            {
                *v = crate::nn::network::input(p);
            }
        }
        let x = x.slice(ndarray::s![..n, ..]);
        for (l, &i) in labels.iter_mut().zip(chunk) {
            *l = data.labels[i as usize];
        }
        let logits = net.logits(x); // [n, classes]
        let (sum, _) = loss::softmax_cross_entropy(
            logits.as_slice().unwrap(),
            &labels[..n],
            &mut probs[..n * classes],
        );
        loss_sum += sum;
        for (r, p) in probs[..n * classes].chunks_exact(classes).enumerate() {
            let (pred, conf) = loss::argmax(p);
            let label = labels[r];
            confusion[label as usize][pred] += 1;
            if pred != label as usize {
                misclassified.push(Misclassified {
                    index: chunk[r],
                    label,
                    predicted: pred as u8,
                    confidence: conf,
                });
            }
        }
    }
    let count = indices.len();
    let correct: u32 = (0..classes).map(|k| confusion[k][k]).sum();
    let mut per_class_accuracy = vec![f64::NAN; classes];
    for (k, row) in confusion.iter().enumerate() {
        let total: u32 = row.iter().sum();
        if total > 0 {
            per_class_accuracy[k] = row[k] as f64 / total as f64;
        }
    }
    Evaluation {
        count,
        loss: loss_sum / count as f64,
        accuracy: correct as f64 / count as f64,
        confusion,
        per_class_accuracy,
        misclassified,
    }
}

/// Percentiles reported for magnitude distributions.
pub const PERCENTILES: [f32; 5] = [5.0, 25.0, 50.0, 75.0, 95.0];

/// Statistics of one layer after a training step.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LayerStats {
    /// 1-based layer number (the output layer is the last).
    pub layer: usize,
    /// |w| at the [`PERCENTILES`].
    pub weight_percentiles: [f32; 5],
    /// |∂loss/∂w| at the [`PERCENTILES`] for the last batch.
    pub gradient_percentiles: [f32; 5],
    /// Hidden layers with a ReLU-like activation: share of units whose pre-activation was ≤ 0 for
    /// every sample of the last batch ("dead" for that batch). `None` for other layers.
    pub inactive_fraction: Option<f32>,
}

/// Magnitude percentiles of `values`, from an evenly strided sample of at most 8,192 values (cheap
/// enough to compute several times a second on a 400k-weight layer).
pub fn magnitude_percentiles(values: &[f32]) -> [f32; 5] {
    if values.is_empty() {
        return [0.0; 5];
    }
    let stride = values.len().div_ceil(8192);
    let mut sample: Vec<f32> = values.iter().step_by(stride).map(|v| v.abs()).collect();
    sample.sort_by(|a, b| a.total_cmp(b));
    PERCENTILES.map(|p| {
        let pos = (p / 100.0 * (sample.len() - 1) as f32).round() as usize;
        sample[pos]
    })
}

/// Share of units (columns of `z`, `[n, width]` row-major) with z ≤ 0 for every one of the n rows.
pub fn inactive_fraction(z: &[f32], n: usize, width: usize) -> f32 {
    if n == 0 || width == 0 {
        return 0.0;
    }
    let mut ever_active = vec![false; width];
    for row in z[..n * width].chunks_exact(width) {
        for (a, &v) in ever_active.iter_mut().zip(row) {
            *a |= v > 0.0;
        }
    }
    ever_active.iter().filter(|&&a| !a).count() as f32 / width as f32
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::idx::{encode, IMAGES_MAGIC, LABELS_MAGIC};
    use crate::nn::activation::Activation;
    use crate::nn::init::Init;
    use ndarray::{Array1, Array2};

    /// A 2-pixel "data set" and a hand-built network whose prediction is the brighter pixel:
    /// logits = [10·x0, 10·x1, 0, …] so class 0 when x0 > x1, class 1 otherwise.
    #[test]
    fn confusion_matrix_and_misclassified_from_a_hand_built_network() {
        let pixels = [255, 0, 0, 255, 255, 0, 0, 255];
        let labels = [0, 1, 1, 0];
        let data = Dataset::from_idx(
            &encode(IMAGES_MAGIC, &[4, 1, 2], &pixels),
            &encode(LABELS_MAGIC, &[4], &labels),
        )
        .unwrap();
        let mut net = Network::from_sizes(&[2, 10], Activation::Relu, Init::Auto, 1);
        net.layers[0].weights =
            Array2::from_shape_fn((2, 10), |(r, c)| if r == c { 10.0 } else { 0.0 });
        net.layers[0].biases = Array1::zeros(10);
        let e = evaluate(&net, &data, None);
        assert_eq!(e.count, 4);
        assert_eq!(e.accuracy, 0.5);
        assert_eq!(e.confusion[0][0], 1);
        assert_eq!(e.confusion[1][1], 1);
        assert_eq!(e.confusion[1][0], 1);
        assert_eq!(e.confusion[0][1], 1);
        assert_eq!(e.per_class_accuracy[0], 0.5);
        assert!(e.per_class_accuracy[5].is_nan());
        assert_eq!(e.misclassified.len(), 2);
        assert_eq!(
            (
                e.misclassified[0].index,
                e.misclassified[0].label,
                e.misclassified[0].predicted
            ),
            (2, 1, 0)
        );
        // Inputs are standardised: 255 → h = (1 − 0.1307)/0.3081 = 2.82149, 0 → l = −0.42421.
        // Image [255, 0] has logits [10h, 10l, 0 × 8]; p(class 0) = e^10h / (e^10h + e^10l + 8).
        let (h, l) = (10.0 * 2.821_487_8f64, 10.0 * -0.424_212_9f64);
        let z = h.exp() + l.exp() + 8.0;
        assert!((e.misclassified[0].confidence as f64 - h.exp() / z).abs() < 1e-6);
        // Mean loss: right ones −ln(e^10h / z) = ln z − 10h, wrong ones ln z − 10l.
        let want = ((z.ln() - h) + (z.ln() - l)) / 2.0;
        assert!((e.loss - want).abs() < 1e-4, "{} vs {want}", e.loss);
        let sub = evaluate(&net, &data, Some(&[0, 1]));
        assert_eq!((sub.count, sub.accuracy), (2, 1.0));
    }

    #[test]
    fn percentiles_and_inactive_units() {
        let v: Vec<f32> = (0..=100).map(|i| -(i as f32)).collect();
        assert_eq!(magnitude_percentiles(&v), [5.0, 25.0, 50.0, 75.0, 95.0]);
        // Unit 0 never positive, unit 1 positive once, unit 2 always.
        let z = [-1.0, -1.0, 2.0, 0.0, 3.0, 1.0];
        assert!((inactive_fraction(&z, 2, 3) - 1.0 / 3.0).abs() < 1e-6);
    }
}
