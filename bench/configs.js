// The two benchmark models of issue 6 (both ReLU, Adam 0.001, softmax + cross-entropy).
export const CONFIGS = [
  { name: 'A', hidden: [128], batch: 128 },
  { name: 'B', hidden: [512, 256], batch: 256 },
];

/** FLOPs of one training step per sample: forward, weight gradients, and δ for all but the first layer. */
export function trainingFlops(hidden) {
  const sizes = [784, ...hidden, 10];
  const products = sizes.slice(1).map((out, i) => 2 * sizes[i] * out);
  return 2 * products.reduce((a, b) => a + b, 0) + products.slice(1).reduce((a, b) => a + b, 0);
}
