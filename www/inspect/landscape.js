// The loss landscape on the page, around the answering model's weights (a paused, stopped or
// finished run, or the loaded or default model): "Compute the landscape" asks the engine
// (src/inspect/landscape.rs through www/engine/inspect.js) for
// - the 1-D line from the initial (α = 0) to the current weights (α = 1), α from −0.5 to 1.5
//   (Goodfellow, Vinyals & Saxe 2015), charted as training and test loss on a log axis;
// - the 2-D slice along two filter-normalised random directions (Li et al. 2018), or along the two
//   principal directions of the training path (their §7: initial weights, epoch ends, current
//   weights), row by row with a progress bar and Cancel, drawn as a heat map with contour bands
//   (www/inspect/heat-map.js), the centre marked and the earlier weights that lie near the plane
//   drawn on it (on the path's plane: joined into the path).
// The centre's loss is shown beside the loss of the current weights on the same images (the
// line at α = 1): they agree, which is the check that the map is centred on the run shown.
//
// Two landscapes side by side: "Keep as A" keeps the last slice; the next one (another run: press
// Draw on its row of the runs table, or another model) is drawn as B beside it on the same colour
// scale, so a sharp and a flat minimum can be told apart.
//
// Hooks (data-testid="landscape"): data-state idle | running | done | cancelled | error,
// data-centre, data-line-at-one, data-rows, data-model, data-directions, data-checkpoints,
// data-on-plane, data-slice-ms, data-line-ms, data-kept, data-rise
// (innerRise: how sharp the minimum is), data-kept-rise.
//
// Does not: compute anything (the engine), train or change the run (the landscape works on copies).

import { FromWorker, ToWorker } from '../protocol.js';
import { LineChart } from '../charts/line-chart.js';
import { el, makeButton } from '../ui/dom.js';
import { InspectTool } from './tool.js';
import { numberFormat } from '../ui/format.js';
import { drawHeatMap, drawScale } from './heat-map.js';
import { innerRise, lossRange, onPlane } from './slice-math.js';

const MAP_PX = 300;
const fmt = (x) => (Number.isFinite(x) ? String(Number(x.toPrecision(4))) : '–');

export class LandscapeView extends InspectTool {
  /**
   * @param {HTMLElement} container
   * @param {{engine: import('../app/engine-client.js').EngineClient, canRun: () => string, modelName: () => string}} io
   *   canRun: '' when a landscape can be computed now, else why not; modelName: the answering model in words
   */
  constructor(container, { engine, canRun, modelName }) {
    super({ engine, canRun, name: 'landscape', title: 'Loss landscape', startText: 'Compute the landscape', cancelType: ToWorker.LANDSCAPE_CANCEL, progressLabel: 'Loss landscape progress' });
    this.modelName = modelName;
    /** The slice being computed or last computed: {label, resolution, coordinates, rows, checkpoints, centre}. */
    this.current = null;
    /** The slice kept for comparison ("A"), or null. */
    this.kept = null;
    this.keep = makeButton({ text: 'Keep as A', testid: 'landscape-keep', title: 'Keep this slice on screen and compare the next one (another run or model) beside it', onClick: () => this.keepCurrent() });
    this.keep.disabled = true;
    this.directions = el(
      'select',
      { id: 'landscape-directions', testid: 'landscape-directions' },
      el('option', { value: 'random', text: 'two random directions' }),
      el('option', { value: 'trajectory', text: 'the training path' }),
    );
    const directionsField = el('label', { class: 'inspect-field', for: 'landscape-directions' }, 'Plane: ', this.directions);
    this.readout = el('dl', { class: 'inspect-readout', testid: 'landscape-readout' });
    this.lineFigure = el('figure', { class: 'chart-box inspect-chart', testid: 'landscape-line' });
    this.lineFigure.hidden = true;
    this.maps = el('div', { class: 'landscape-maps', testid: 'landscape-maps' });
    this.scale = el('div', { class: 'landscape-scale' });
    this.scale.hidden = true;
    this.root.append(
      this.heading,
      el('p', { class: 'muted', text: 'The loss around the current weights: along the straight line from the initial weights (α 0) to the current ones (α 1), and on a plane through them (Li et al. 2018): spanned by two random directions scaled to each unit\'s weights, where a narrow blue valley is a sharp minimum and a wide one flat; or by the two directions the training path moved along most (a run of two epochs or more), with the path drawn on it.' }),
      directionsField,
      el('div', { class: 'inspect-controls' }, this.start, this.cancel, this.keep),
      this.progress,
      this.status,
      this.readout,
      this.lineFigure,
      this.maps,
      this.scale,
    );
    container.append(this.root);
    this.lineChart = null;
    engine.on(FromWorker.LANDSCAPE_LINE, (m) => m.id === this.runningId && this.onLine(m));
    engine.on(FromWorker.LANDSCAPE_SLICE, (m) => m.id === this.runningId && this.onSlice(m));
    engine.on(FromWorker.LANDSCAPE_ROW, (m) => m.id === this.runningId && this.onRow(m));
    this.update();
  }

  update() {
    super.update();
    if (this.root.dataset.state === 'idle') this.status.textContent = this.canRun() || `Around the weights of ${this.modelName()}.`;
    this.keep.disabled = this.runningId !== null || this.root.dataset.state !== 'done';
  }

  /** Computes the landscape and shows it; resolves true when it completed (false: cancelled or failed, and the section says why). */
  async run() {
    this.line = null;
    this.current = null;
    this.progress.value = 0;
    this.readout.replaceChildren();
    this.status.textContent = 'Computing the line from the initial weights…';
    for (const key of ['centre', 'lineAtOne', 'rows', 'rise', 'sliceMs', 'lineMs', 'model', 'directions', 'onPlane', 'checkpoints']) delete this.root.dataset[key];
    let done;
    try {
      done = await this.request({ type: ToWorker.LANDSCAPE_START, directions: this.directions.value }, FromWorker.LANDSCAPE_DONE);
    } catch (err) {
      this.status.textContent = `The landscape could not be computed: ${err.message}`;
      this.setState('error');
      return false;
    }
    if (!done) {
      this.status.textContent = 'The engine restarted; try again.';
      this.setState('error');
      return false;
    }
    if (done.stop === 'cancelled') {
      this.status.textContent = `Cancelled after ${this.current?.rows.filter(Boolean).length ?? 0} rows. Nothing changed; start again whenever you like.`;
      this.setState('cancelled');
      return false;
    }
    this.root.dataset.sliceMs = String(Math.round(done.slice_ms));
    this.root.dataset.lineMs = String(Math.round(done.line_ms));
    const c = this.current;
    c.rise = innerRise(c);
    this.root.dataset.rise = String(c.rise);
    this.showReadout();
    this.render();
    this.status.textContent = `${c.resolution} × ${c.resolution} slice of ${c.label} on ${numberFormat.format(c.subset)} training images in ${(done.slice_ms / 1000).toFixed(1)} s (the line: ${(done.line_ms / 1000).toFixed(1)} s).`;
    this.setState('done');
    return true;
  }

  onLine(m) {
    this.line = m;
    const last = m.alphas.length - 1;
    const one = m.alphas.findIndex((a) => Math.abs(a - 1) < 1e-6);
    const lossAtOne = m.train_loss[one >= 0 ? one : last];
    this.root.dataset.lineAtOne = String(lossAtOne);
    this.lineFigure.hidden = false;
    if (!this.lineChart) {
      this.lineChart = new LineChart(this.lineFigure, {
        title: 'Loss along the line from the initial (α 0) to the current weights (α 1)',
        xLabel: 'α',
        log: true,
        height: 200,
        series: [
          { label: 'training', colour: '--c-train', width: 2 },
          { label: 'test', colour: '--c-test', width: 2 },
        ],
      });
    }
    this.lineChart.setData([Array.from(m.alphas), Array.from(m.train_loss), Array.from(m.test_loss)]);
    this.status.textContent = 'Computing the slice, row by row…';
  }

  onSlice(m) {
    const label = m.model === 'trained' ? this.modelName() : `model “${m.model}”`;
    this.current = { label, model: m.model, directions: m.directions, explained: m.explained, subset: m.subset, resolution: m.resolution, coordinates: m.coordinates, checkpoints: m.checkpoints, rows: new Array(m.resolution).fill(null), centre: NaN, rise: NaN };
    this.root.dataset.model = m.model;
    this.root.dataset.directions = m.directions;
    this.root.dataset.onPlane = String(m.checkpoints.filter(onPlane).length);
    this.root.dataset.checkpoints = String(m.checkpoints.length);
    this.progress.max = m.resolution;
    this.progress.value = 0;
    this.showReadout();
    this.render();
  }

  onRow(m) {
    const c = this.current;
    if (!c) return;
    c.rows[m.row] = m.losses;
    const mid = (c.resolution - 1) / 2;
    if (m.row === mid) {
      c.centre = m.losses[mid];
      this.root.dataset.centre = String(c.centre);
      this.showReadout();
    }
    this.progress.value = m.done;
    this.root.dataset.rows = String(m.done);
    this.status.textContent = `Row ${m.done} of ${m.resolution}…`;
    this.render();
  }

  /** The centre's loss beside the current weights' loss on the same images, and where the checkpoints are. */
  showReadout() {
    const c = this.current;
    const items = [];
    const add = (term, value, testid) => items.push(el('div', {}, el('dt', { text: term }), el('dd', { text: value, testid })));
    if (this.line) add(`Loss of the current weights (${numberFormat.format(this.line.subset)} training images)`, fmt(Number(this.root.dataset.lineAtOne)), 'landscape-current-loss');
    if (c) add('Loss at the slice\'s centre (+)', fmt(c.centre), 'landscape-centre');
    if (c && Number.isFinite(c.rise)) add('Sharpness: mean rise within a, b ∈ [−½, ½]', fmt(c.rise), 'landscape-rise');
    const initial = c?.checkpoints?.find((k) => k.epoch === 0);
    if (initial) add('Initial weights', `${fmt(initial.distance)} away, ${fmt(initial.off_plane)} of it off this plane`, 'landscape-initial');
    if (c?.explained) add('The path\'s variance along the axes', c.explained.map((x) => `${(100 * x).toFixed(1)}%`).join(' and '), 'landscape-explained');
    this.readout.replaceChildren(...items);
  }

  keepCurrent() {
    if (!this.current) return;
    this.kept = this.current;
    this.root.dataset.kept = this.kept.model;
    this.root.dataset.keptRise = String(this.kept.rise);
    this.render();
    this.status.textContent = `Kept as A: ${this.kept.label}. Now choose another run (Draw on its row in Runs) or model, and compute its landscape: it appears as B beside A, on the same colour scale.`;
  }

  render() {
    const slices = [this.kept && this.kept !== this.current ? ['A', this.kept] : null, this.current ? [this.kept && this.kept !== this.current ? 'B' : '', this.current] : null].filter(Boolean);
    if (slices.length === 0) return;
    const range = lossRange(slices.map(([, s]) => s.rows));
    const figures = slices.map(([tag, s]) => {
      const canvas = el('canvas', { width: MAP_PX, height: MAP_PX, role: 'img', testid: tag === 'A' ? 'landscape-map-a' : 'landscape-map', 'aria-label': `Loss slice of ${s.label}: centre loss ${fmt(s.centre)}, from ${fmt(range[0])} to ${fmt(range[1])}` });
      drawHeatMap(canvas, s, range);
      const radius = s.coordinates.at(-1);
      const shown = (s.checkpoints ?? []).filter((k) => onPlane(k) && Math.abs(k.a) <= radius && Math.abs(k.b) <= radius).length;
      // The last epoch's end of a finished run is the centre itself: neither drawn nor "off".
      const off = (s.checkpoints ?? []).filter((k) => k.distance > 0).length - shown;
      const dots = shown ? `; dots: ${shown} earlier weights (epoch; 0 = initial) on the plane${s.directions === 'trajectory' ? ', joined in order: the training path' : ''}` : '';
      const axes = s.directions === 'trajectory' ? 'a, b along the path\'s two main directions, ±1 = 1.25 × its farthest point' : `a, b from ${fmt(s.coordinates[0])} to ${fmt(s.coordinates.at(-1))} (filter-normalised units)`;
      const missed = off ? `; ${off === 1 ? 'the initial weights lie' : `${off} earlier weights (initial, epochs) lie`} mostly off this plane, so ${off === 1 ? 'it is' : 'they are'} not drawn` : '';
      return el(
        'figure',
        { class: 'landscape-map' },
        canvas,
        el('figcaption', { text: `${tag ? `${tag}: ` : ''}${s.label}. Centre loss ${fmt(s.centre)}${Number.isFinite(s.rise) ? `, mean rise within ±½ ${fmt(s.rise)}` : ''}. ${axes}${dots}${missed}.` }),
      );
    });
    this.maps.replaceChildren(...figures);
    const strip = el('canvas', { width: 280, height: 12, class: 'landscape-strip', 'aria-hidden': 'true' });
    drawScale(strip);
    this.scale.replaceChildren(el('span', { text: fmt(range[0]) }), strip, el('span', { text: `${fmt(range[1])} (loss, log scale; lines: contours)` }));
    this.scale.hidden = false;
  }
}
