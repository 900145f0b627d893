// Line charts on uPlot (www/vendor/, copied from node_modules by scripts/build.sh): a small wrapper
// that takes its colours from the theme's CSS variables, follows its container's width, and
// redraws at most every REDRAW_MS, only while on screen — so several redraws a second cost the
// training worker almost nothing (docs/decisions.md has the measurement).
//
// Usage: `const c = new LineChart(figure, {title, series, …}); c.setData([xs, ys1, ys2…])` with
// arrays the page keeps appending to; call `setData` again (same arrays are fine) to request a
// redraw. Non-goals: interaction beyond uPlot's cursor, hand-drawn canvas.

import uPlot from '../vendor/uPlot.esm.js';
import { linearTick, logFilter, logRange, logTick, percentRange, percentTick } from '../ui/ticks.js';

export const REDRAW_MS = 300;

/** Colours (CSS variables of www/ui/style.css) for series told apart by colour: layers, runs. */
export const SERIES_COLOURS = Array.from({ length: 10 }, (_, i) => `--series-${i + 1}`);

const AXIS_FONT = '11px system-ui, sans-serif';
let measureContext = null;
/** Width in CSS pixels of `text` in the axes' font. */
function textWidth(text) {
  measureContext ??= document.createElement('canvas').getContext('2d');
  measureContext.font = AXIS_FONT;
  return measureContext.measureText(text).width;
}

/**
 * Main-thread time spent drawing charts (and, counted by main.js, handling worker messages), for
 * the overhead measurement: tests/e2e/page/bench-charts.mjs reads it as `globalThis.mnistPageStats`.
 */
export const stats = { draws: 0, drawMs: 0, messages: 0, messageMs: 0 };
globalThis.mnistPageStats = stats;

/** The value of a CSS custom property of the document, e.g. cssVar('--c-train'). */
export const cssVar = (name) => getComputedStyle(document.documentElement).getPropertyValue(name).trim();

/** Every live chart, to rebuild on theme changes. */
const charts = new Set();
const dirty = new Set();
/** Other DOM updates to make in the next render tick, by key (the latest one per key wins). */
const renders = new Map();
let timer = 0;
let lastRedraw = 0;

/**
 * Runs `update` in the next render tick, together with the chart redraws: while training, the
 * page renders at most every REDRAW_MS, in one frame (each extra frame costs the browser a
 * paint and a compositor commit). A later request with the same key replaces an earlier one.
 */
export function requestRender(key, update) {
  renders.set(key, update);
  scheduleRedraw();
}

/** Makes every requested DOM update now (e.g. when a run pauses: the numbers must be final). */
export function flushRenders() {
  const updates = [...renders.values()];
  renders.clear();
  for (const update of updates) update();
}

/** Forgets every requested DOM update (the run they belong to was reset). */
export function dropRenders() {
  renders.clear();
}

function scheduleRedraw() {
  if (timer) return;
  const wait = Math.max(0, lastRedraw + REDRAW_MS - performance.now());
  timer = setTimeout(() => {
    requestAnimationFrame(() => {
      timer = 0;
      lastRedraw = performance.now();
      flushRenders();
      const now = performance.now();
      let waiting = false;
      for (const chart of [...dirty]) {
        if (!chart.visible) continue; // redrawn when it scrolls into view
        // A chart that refreshes less often waits, unless what it shows is still (nearly) empty:
        // the learning-rate chart would otherwise stay blank for the first second of a run.
        if (chart.pointsDrawn >= 2 && now - chart.drawnAt < chart.every - 20) {
          waiting = true; // a chart that refreshes less often
          continue;
        }
        chart.drawnAt = now;
        dirty.delete(chart);
        const t0 = performance.now();
        chart.draw();
        // uPlot draws in a microtask queued by setData; this one runs after it.
        queueMicrotask(() => {
          stats.drawMs += performance.now() - t0;
          stats.draws += 1;
        });
      }
      if (waiting) scheduleRedraw();
    });
  }, wait);
}

/** Draws every chart with new data now, on screen or not (when a run pauses or ends). */
export function flushCharts() {
  for (const chart of [...dirty]) {
    dirty.delete(chart);
    chart.drawnAt = performance.now();
    chart.draw();
  }
}

const visibility = new IntersectionObserver((entries) => {
  for (const entry of entries) {
    const chart = entry.target.__chart;
    if (!chart) continue;
    chart.visible = entry.isIntersecting;
    if (chart.visible && dirty.has(chart)) scheduleRedraw();
  }
});

const sizes = new ResizeObserver((entries) => {
  for (const entry of entries) entry.target.__chart?.resize();
});

matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => {
  for (const chart of charts) chart.rebuild();
});

export class LineChart {
  /**
   * @param {HTMLElement} container  an empty element (the chart fills its width)
   * @param {object} options
   *   title: string (figcaption); xLabel, yLabel: axis labels
   *   series: [{label, colour: CSS variable name, width?, dash?, points?: bool, hidden?: bool}]
   *   bands: [[upperSeriesIndex, lowerSeriesIndex, colour variable, alpha]] (1-based like uPlot)
   *   log: bool (log y axis); logX: bool (log x axis, e.g. learning rates); yRange: [min, max] fixed; percent: bool (values are fractions 0–1,
   *   shown in %, the axis at least MIN_PERCENT_SPAN of www/ui/ticks.js wide); integerX: bool; legend: bool; height;
   *   every: minimum ms between redraws (default REDRAW_MS)
   */
  constructor(container, options) {
    this.container = container;
    this.options = options;
    this.data = [[], ...options.series.map(() => [])];
    this.visible = true;
    /** Minimum time between redraws of this chart (ms). */
    this.every = Math.max(REDRAW_MS, options.every ?? REDRAW_MS);
    this.drawnAt = -Infinity;
    /** Points on the x axis at the last draw. */
    this.pointsDrawn = 0;
    container.classList.add('chart');
    container.__chart = this;
    this.plot = document.createElement('div');
    this.plot.className = 'chart-plot';
    // For screen readers: the latest values in words (updated with every redraw).
    this.plot.setAttribute('role', 'img');
    this.plot.setAttribute('aria-label', `${options.title ?? 'chart'}: no data yet`);
    if (options.title) {
      const caption = document.createElement('figcaption');
      caption.textContent = options.title;
      container.append(caption);
    }
    container.append(this.plot);
    this.build();
    charts.add(this);
    visibility.observe(container);
    sizes.observe(container);
  }

  build() {
    const o = this.options;
    const muted = cssVar('--muted');
    const grid = cssVar('--border');
    const colour = (name, alpha = 1) => withAlpha(cssVar(name) || '#888', alpha);
    const axis = (label, extra = {}) => ({
      stroke: muted,
      grid: { stroke: grid, width: 1 },
      ticks: { stroke: grid, width: 1 },
      font: AXIS_FONT,
      labelFont: AXIS_FONT,
      label,
      labelSize: label ? 18 : 0,
      ...extra,
    });
    const series = [
      { label: o.xLabel ?? 'x' },
      ...o.series.map((s) => ({
        label: s.label,
        stroke: s.hidden ? 'transparent' : colour(s.colour, s.alpha ?? 1),
        width: s.hidden ? 0 : (s.width ?? 1.5),
        dash: s.dash,
        points: { show: Boolean(s.points), size: 6, fill: colour(s.colour) },
        spanGaps: true,
      })),
    ];
    const opts = {
      width: this.width(),
      height: o.height ?? 200,
      series,
      // Legend markers with a dashed border for dashed series.
      legend: { show: o.legend !== false, live: false, markers: { dash: (u, i) => (u.series[i].dash?.length ? 'dashed' : 'solid') } },
      // No cursor: the legend shows no live values, and a cursor makes uPlot re-measure its layout.
      cursor: { show: false, drag: { x: false, y: false } },
      scales: {
        x: {
          time: false,
          ...(o.integerX ? { range: (u, min, max) => [Math.min(0.5, min ?? 0.5), Math.max(1.5, (max ?? 1) + 0.5)] } : {}),
          ...(o.logX ? { distr: 3, log: 10, range: (u, min, max) => logRange(min, max) } : {}),
        },
        y: o.log
          ? { distr: 3, log: 10, range: (u, min, max) => logRange(min, max) }
          : o.yRange
            ? { range: () => o.yRange }
            : o.percent
              ? { range: (u, min, max) => percentRange(min, max) }
              : { auto: true },
      },
      axes: [
        axis(o.xLabel, {
          size: 36,
          labelSize: 14,
          ...(o.integerX ? { incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500] } : {}),
          ...(o.logX ? { values: (u, vals) => vals.map(logTick), filter: logFilter, grid: { stroke: grid, width: 1, filter: logFilter }, ticks: { stroke: grid, width: 1, filter: logFilter } } : {}),
        }),
        axis(o.yLabel, {
          // Wide enough for the longest tick label as the browser measures it, plus the tick (10 px)
          // and the gap (5 px) uPlot draws before it.
          size: (u, values) => Math.max(36, Math.ceil(19 + Math.max(0, ...(values ?? []).map((v) => textWidth(String(v ?? '')))))),
          ...(!o.log ? { values: (u, vals) => vals.map(o.percent ? percentTick : linearTick) } : {}),
          ...(o.log
            ? {
                values: (u, vals) => vals.map(logTick),
                filter: logFilter,
                grid: { stroke: grid, width: 1, filter: logFilter },
                ticks: { stroke: grid, width: 1, filter: logFilter },
              }
            : {}),
        }),
      ],
      bands: (o.bands ?? []).map(([hi, lo, name, alpha]) => ({ series: [hi, lo], fill: colour(name, alpha ?? 0.2) })),
    };
    this.uplot?.destroy();
    this.plot.replaceChildren();
    this.uplot = new uPlot(opts, this.data, this.plot);
  }

  width() {
    return Math.max(200, Math.floor(this.container.clientWidth || 300));
  }

  resize() {
    const width = this.width();
    if (width !== this.uplot.width) this.uplot.setSize({ width, height: this.uplot.height });
  }

  /** Replace the data (columns: [xs, ys…]) and request a redraw. */
  setData(data) {
    this.data = data;
    dirty.add(this);
    scheduleRedraw();
  }

  /** Request a redraw after the arrays given to setData grew. */
  touch() {
    dirty.add(this);
    scheduleRedraw();
  }

  draw() {
    this.pointsDrawn = this.data[0]?.length ?? 0;
    this.uplot.setData(this.data);
    this.plot.setAttribute('aria-label', this.summary());
  }

  /** "Batch loss …: at step 430, raw 0.21, smoothed 0.25". */
  summary() {
    const o = this.options;
    const xs = this.data[0];
    if (!xs || xs.length === 0) return `${o.title ?? 'chart'}: no data yet`;
    const i = xs.length - 1;
    const parts = o.series
      .map((s, k) => {
        const v = this.data[k + 1]?.[i];
        if (s.hidden || v == null) return null;
        return `${s.label} ${o.percent ? `${Number((100 * v).toPrecision(3))}%` : Number(v.toPrecision(3))}`;
      })
      .filter(Boolean);
    return `${o.title ?? 'chart'}: at ${o.xLabel ?? 'x'} ${xs[i]}, ${parts.join(', ')}`;
  }

  /** Recreate with the current theme's colours. */
  rebuild() {
    this.build();
  }

  reset() {
    this.setData([[], ...this.options.series.map(() => [])]);
  }

  /** Removes the chart (its container is left empty). */
  destroy() {
    charts.delete(this);
    dirty.delete(this);
    visibility.unobserve(this.container);
    sizes.unobserve(this.container);
    this.uplot.destroy();
    delete this.container.__chart;
    this.container.classList.remove('chart');
    this.container.replaceChildren();
  }
}

/** '#2f6fdb' or 'rgb(…)' with an alpha → 'rgba(…)'. */
export function withAlpha(colour, alpha) {
  if (alpha >= 1) return colour;
  let r, g, b;
  const hex = colour.match(/^#([0-9a-f]{6})$/i);
  if (hex) {
    const n = parseInt(hex[1], 16);
    [r, g, b] = [n >> 16, (n >> 8) & 255, n & 255];
  } else {
    [r, g, b] = (colour.match(/\d+(\.\d+)?/g) ?? [128, 128, 128]).map(Number);
  }
  return `rgba(${r}, ${g}, ${b}, ${alpha})`;
}
