// What the net learned: the incoming weights of up to 64 first-layer units drawn as side × side images
// (diverging colours: red positive, blue negative, each unit scaled to its own largest |w|), and,
// like TensorBoard's distributions, each layer's weight and gradient magnitudes over time as
// percentiles over time (a 25–75% band, the median as a line, the 5th and 95th as faint lines) on a log axis, plus the share of
// inactive ReLU units per hidden layer. Vanishing gradients in a deep sigmoid net show as the
// early layers' gradient bands sinking decades below the last layer's; dead ReLUs at a high
// learning rate as the inactive share climbing.
//
// Input: `layer-stats` messages (see www/protocol.js). Non-goals: computing statistics.

import { cssVar, LineChart, SERIES_COLOURS } from './line-chart.js';
import { divergingTable, packRgba, rgb } from '../ui/diverging.js';

/** Magnitudes below this are drawn at it (a log axis has no zero). */
const FLOOR = 1e-8;
const layerColour = (i) => SERIES_COLOURS[i % SERIES_COLOURS.length];
/** Beyond ten layers colours repeat: those layers' lines are dashed (and their swatches striped). */
const layerDash = (i) => (i >= SERIES_COLOURS.length ? { dash: [4, 3] } : {});

/** Colour steps per sign in the weight colour map. */
const LEVELS = 255;

/**
 * The diverging colour map (www/ui/diverging.js) as packed RGBA: index LEVELS + round(v·LEVELS)
 * for v in [-1, 1]; and the gap colour. Rebuilt on theme changes.
 */
function buildPalette() {
  const palette = { neutral: rgb(cssVar('--digit-bg')), positive: rgb(cssVar('--w-pos')), negative: rgb(cssVar('--w-neg')) };
  return { lut: divergingTable(palette, LEVELS), gap: packRgba(rgb(cssVar('--surface'))) };
}

export class FirstLayerWeights {
  /** @param {HTMLCanvasElement} canvas */
  constructor(canvas) {
    this.canvas = canvas;
    this.last = null;
    this.palette = null;
    this.image = null;
    matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => {
      this.palette = null;
      if (this.last) this.show(...this.last);
    });
  }

  /** @param {Float32Array} weights units × pixels (side × side), unit-major @param {number} units */
  show(weights, units) {
    this.last = [weights, units];
    this.palette ??= buildPalette();
    const { lut, gap } = this.palette;
    const pixels = units > 0 ? weights.length / units : 0;
    const side = Math.round(Math.sqrt(pixels));
    const columns = units > 16 ? 8 : Math.max(1, Math.ceil(Math.sqrt(units)));
    const rows = Math.max(1, Math.ceil(units / columns));
    const width = columns * (side + 1) - 1;
    const height = rows * (side + 1) - 1;
    const context = this.canvas.getContext('2d');
    if (this.canvas.width !== width || this.canvas.height !== height || !this.image) {
      this.canvas.width = width;
      this.canvas.height = height;
      this.image = context.createImageData(width, height);
    }
    const out = new Uint32Array(this.image.data.buffer);
    out.fill(gap);
    for (let u = 0; u < units; u++) {
      const base = u * pixels;
      let max = 0;
      for (let k = 0; k < pixels; k++) {
        const a = Math.abs(weights[base + k]);
        if (a > max) max = a;
      }
      const scale = max > 0 ? LEVELS / max : 0;
      const x0 = (u % columns) * (side + 1);
      const y0 = Math.floor(u / columns) * (side + 1);
      for (let y = 0; y < side; y++) {
        const row = (y0 + y) * width + x0;
        const src = base + y * side;
        for (let x = 0; x < side; x++) out[row + x] = lut[LEVELS + Math.round(weights[src + x] * scale)];
      }
    }
    context.putImageData(this.image, 0, 0);
    this.canvas.dataset.units = String(units);
    this.canvas.setAttribute('aria-label', `Incoming weights of ${units} first-layer units, each as a ${side} by ${side} image: red positive, blue negative`);
  }

  clear() {
    this.last = null;
    this.canvas.getContext('2d').clearRect(0, 0, this.canvas.width, this.canvas.height);
    this.canvas.dataset.units = '0';
  }
}

/** Percentile band charts of weight and gradient magnitudes per layer, and the inactive-unit share. */
export class LayerDistributions {
  /** @param {{weights: HTMLElement, gradients: HTMLElement, inactive: HTMLElement, legend: HTMLElement}} ui */
  constructor(ui) {
    this.ui = ui;
    this.layers = 0;
    this.charts = null;
  }

  reset() {
    this.layers = 0;
    for (const chart of Object.values(this.charts ?? {})) chart.destroy();
    this.charts = null;
    this.ui.legend.replaceChildren();
  }

  build(layers) {
    this.reset();
    this.layers = layers.length;
    const relu = layers.map((l) => l.inactive_fraction !== null && l.inactive_fraction !== undefined);
    const bandSeries = (label) =>
      layers.flatMap((l, i) => {
        const colour = layerColour(i);
        return [
          { label: `${label} ${l.layer} p95`, colour, width: 1, alpha: 0.35 },
          { label: `${label} ${l.layer} p75`, colour, hidden: true },
          { label: `layer ${l.layer} median`, colour, width: 1.5, ...layerDash(i) },
          { label: `${label} ${l.layer} p25`, colour, hidden: true },
          { label: `${label} ${l.layer} p5`, colour, width: 1, alpha: 0.35 },
        ];
      });
    // One filled band per layer (25–75%); the 5th and 95th percentiles are thin lines (filled
    // bands with clipping are the costly part of drawing these charts).
    const bands = layers.map((l, i) => [2 + 5 * i, 4 + 5 * i, layerColour(i), 0.25]);
    const common = { xLabel: 'step', log: true, legend: false, height: 180, bands, every: 2000 };
    this.data = {
      weights: [[], ...layers.flatMap(() => [[], [], [], [], []])],
      gradients: [[], ...layers.flatMap(() => [[], [], [], [], []])],
      inactive: [[], ...layers.filter((_, i) => relu[i]).map(() => [])],
    };
    this.relu = relu;
    this.charts = {
      weights: new LineChart(this.ui.weights, { ...common, title: '|weight| per layer: median, 25–75% band, 5th and 95th percentiles', series: bandSeries('w') }),
      gradients: new LineChart(this.ui.gradients, { ...common, title: '|gradient| per layer (last batch)', series: bandSeries('g') }),
    };
    if (relu.some(Boolean)) {
      this.charts.inactive = new LineChart(this.ui.inactive, {
        title: 'Inactive ReLU units (no positive input in the last batch)',
        xLabel: 'step',
        yRange: [0, 1],
        height: 150,
        every: 2000,
        legend: false,
        series: layers.map((l, i) => ({ l, i })).filter(({ i }) => relu[i]).map(({ l, i }) => ({ label: `layer ${l.layer}`, colour: layerColour(i), ...layerDash(i) })),
      });
      this.ui.inactive.hidden = false;
    } else {
      this.ui.inactive.hidden = true;
    }
    this.ui.legend.replaceChildren(
      ...layers.map((l, i) => {
        const li = document.createElement('li');
        const swatch = document.createElement('span');
        swatch.className = `swatch swatch-${(i % SERIES_COLOURS.length) + 1}${i >= SERIES_COLOURS.length ? ' swatch-again' : ''}`;
        li.append(swatch, l.layer === layers.length ? `layer ${l.layer} (output)` : `layer ${l.layer}`);
        return li;
      }),
    );
  }

  /** Appends one `layer-stats` message. */
  add(step, layers) {
    if (layers.length !== this.layers || !this.charts) this.build(layers);
    const { weights, gradients, inactive } = this.data;
    if (weights[0].length > 0 && weights[0].at(-1) === step) return; // the same step again
    weights[0].push(step);
    gradients[0].push(step);
    layers.forEach((l, i) => {
      // Series order per layer: p95, p75, p50, p25, p5 (the percentiles arrive ascending).
      for (let k = 0; k < 5; k++) {
        weights[1 + 5 * i + k].push(Math.max(FLOOR, l.weight_percentiles[4 - k]));
        gradients[1 + 5 * i + k].push(Math.max(FLOOR, l.gradient_percentiles[4 - k]));
      }
    });
    if (this.charts.inactive) {
      inactive[0].push(step);
      let s = 1;
      layers.forEach((l, i) => {
        if (this.relu[i]) inactive[s++].push(l.inactive_fraction);
      });
      this.charts.inactive.setData(inactive);
    }
    this.charts.weights.setData(weights);
    this.charts.gradients.setData(gradients);
  }
}
