// How far apart the digits lie on a 2-D map: the spread of the digits' centres over the spread of
// the points around their own digit's centre,
//
//   Σ_k n_k·‖μ_k − μ‖²  /  Σ_i ‖x_i − μ_{label_i}‖²
//
// (between-class over within-class scatter, the trace form of Fisher's criterion). It does not
// depend on the map's scale or orientation, so maps of successive epochs compare: it grows as the
// digits gather into clusters of their own. 0 when every digit has the same centre; Infinity when
// every point sits on its digit's centre.
//
// Pure: Node tests it (tests/js/separation-unit.test.mjs). Does not: draw or read the page.

/**
 * @param {ArrayLike<number>} coordinates  x, y of each point (length 2·n)
 * @param {ArrayLike<number>} labels  each point's class, 0 … classes − 1
 * @param {number} classes
 */
export function separation(coordinates, labels, classes) {
  const n = labels.length;
  if (n === 0 || coordinates.length !== 2 * n) return NaN;
  const count = new Float64Array(classes);
  const sum = new Float64Array(2 * classes);
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    const k = labels[i];
    count[k] += 1;
    sum[2 * k] += coordinates[2 * i];
    sum[2 * k + 1] += coordinates[2 * i + 1];
    mx += coordinates[2 * i];
    my += coordinates[2 * i + 1];
  }
  mx /= n;
  my /= n;
  let between = 0;
  for (let k = 0; k < classes; k++) {
    if (count[k] === 0) continue;
    sum[2 * k] /= count[k];
    sum[2 * k + 1] /= count[k];
    between += count[k] * ((sum[2 * k] - mx) ** 2 + (sum[2 * k + 1] - my) ** 2);
  }
  let within = 0;
  for (let i = 0; i < n; i++) {
    const k = labels[i];
    within += (coordinates[2 * i] - sum[2 * k]) ** 2 + (coordinates[2 * i + 1] - sum[2 * k + 1]) ** 2;
  }
  return within > 0 ? between / within : between > 0 ? Infinity : 0;
}
