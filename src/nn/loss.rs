//! Softmax output fused with the cross-entropy loss.
//!
//! For logits z and true class y: p = softmax(z), loss = −log p_y = logsumexp(z) − z_y, computed with
//! the max subtracted first so it is finite for any finite logits. The gradient of the mean loss
//! over a batch of n with respect to the logits is (p − onehot(y)) / n — fusing the two avoids the
//! ill-conditioned derivative of softmax alone.
//!
//! Non-goal: other losses (MSE, hinge); they are not part of the workshop.

/// Softmax of each row of `logits` into `probs`; returns the summed (not averaged) cross-entropy
/// and the number of rows whose arg-max equals the label.
///
/// # Shapes
/// `logits`, `probs`: `[n * classes]` row-major; `labels`: `[n]`.
pub fn softmax_cross_entropy(logits: &[f32], labels: &[u8], probs: &mut [f32]) -> (f64, usize) {
    let classes = logits.len() / labels.len().max(1);
    let mut loss = 0.0f64;
    let mut correct = 0;
    for ((z, p), &y) in logits
        .chunks_exact(classes)
        .zip(probs.chunks_exact_mut(classes))
        .zip(labels)
    {
        let (arg, max) = argmax(z);
        let mut sum = 0.0f32;
        for (p, &z) in p.iter_mut().zip(z) {
            *p = (z - max).exp();
            sum += *p;
        }
        let inv = 1.0 / sum;
        for p in p.iter_mut() {
            *p *= inv;
        }
        // −log p_y = log Σ exp(z − max) − (z_y − max)
        loss += (sum as f64).ln() - (z[y as usize] - max) as f64;
        if arg == y as usize {
            correct += 1;
        }
    }
    (loss, correct)
}

/// δ = (p − onehot(y)) / n for the mean loss over the batch, written in place over `probs`.
pub fn softmax_cross_entropy_backward(probs: &mut [f32], labels: &[u8], n: usize) {
    let classes = probs.len() / labels.len().max(1);
    let scale = 1.0 / n as f32;
    for (p, &y) in probs.chunks_exact_mut(classes).zip(labels) {
        p[y as usize] -= 1.0;
        for v in p.iter_mut() {
            *v *= scale;
        }
    }
}

/// Index and value of the largest element (first one on ties).
pub fn argmax(xs: &[f32]) -> (usize, f32) {
    let mut best = (0, f32::NEG_INFINITY);
    for (i, &x) in xs.iter().enumerate() {
        if x > best.1 {
            best = (i, x);
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hand_computed_value() {
        // z = [1, 2, 3], y = 2: logsumexp = 3 + ln(e^-2 + e^-1 + 1) = 3.407606, loss = 0.407606.
        let mut p = [0.0; 3];
        let (loss, correct) = softmax_cross_entropy(&[1.0, 2.0, 3.0], &[2], &mut p);
        assert!((loss - 0.407_606).abs() < 1e-5, "{loss}");
        assert_eq!(correct, 1);
        assert!((p.iter().sum::<f32>() - 1.0).abs() < 1e-6);
    }

    #[test]
    fn stable_for_huge_logits() {
        let mut p = [0.0; 3];
        let (loss, _) = softmax_cross_entropy(&[1000.0, -1000.0, 0.0], &[1], &mut p);
        assert!(loss.is_finite());
        assert!((loss - 2000.0).abs() < 1e-3, "{loss}");
        let (loss, _) = softmax_cross_entropy(&[88.0, 89.0, 90.0], &[2], &mut p);
        assert!((loss - 0.407_606).abs() < 1e-4, "{loss}");
    }

    #[test]
    fn gradient_matches_finite_differences() {
        let z = [0.3f32, -1.2, 2.0, 0.5, 0.1, -0.4, 1.1, 0.0];
        let labels = [2u8, 0];
        let mut p = [0.0f32; 8];
        softmax_cross_entropy(&z, &labels, &mut p);
        softmax_cross_entropy_backward(&mut p, &labels, 2);
        let mean_loss = |z: &[f32]| {
            let mut q = [0.0f32; 8];
            softmax_cross_entropy(z, &labels, &mut q).0 / 2.0
        };
        for i in 0..8 {
            let h = 1e-2;
            let mut zp = z;
            zp[i] += h;
            let mut zm = z;
            zm[i] -= h;
            let numeric = (mean_loss(&zp) - mean_loss(&zm)) / (2.0 * h as f64);
            assert!(
                (numeric - p[i] as f64).abs() < 1e-4,
                "i={i} numeric {numeric} analytic {}",
                p[i]
            );
        }
    }
}
