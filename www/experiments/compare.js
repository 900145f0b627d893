// The compare view: the selected runs' loss and accuracy curves overlaid on shared axes, by step,
// epoch or training time, with a legend naming what differs ("lr 0.1 vs 0.001"). Charts are
// uPlot through www/charts/line-chart.js; each can be saved as a PNG.
//
// By step or time: the training batches' loss and accuracy, smoothed like the playground's chart.
// By epoch: validation (solid; test when there is no validation set) and training (dashed) per
// epoch, so overfitting shows as the gap.
//
// Non-goals: recording runs, choosing them (www/experiments/runs-table.js does both).

import { cssVar, LineChart, SERIES_COLOURS as COLOURS } from '../charts/line-chart.js';
import { smoothSeries } from '../charts/smoothing.js';
import { align, describeDifferences, describeRun, differingKeys, distinguishingKeys, heldOutTurn } from './run-records.js';
import { download } from '../ui/dom.js';

export class CompareView {
  /** @param {HTMLElement} container @param {import('./history.js').History} history */
  constructor(container, history) {
    this.container = container;
    this.history = history;
    this.ids = [];
    this.axis = 'step';

    const bar = document.createElement('div');
    bar.className = 'compare-bar';
    const label = document.createElement('label');
    label.textContent = 'x axis ';
    this.axisSelect = document.createElement('select');
    this.axisSelect.dataset.testid = 'compare-axis';
    for (const [value, text] of [['step', 'step'], ['epoch', 'epoch'], ['time', 'time (s, pauses excluded)']]) {
      this.axisSelect.append(new Option(text, value));
    }
    this.axisSelect.addEventListener('change', () => {
      this.axis = this.axisSelect.value;
      this.render();
    });
    label.append(this.axisSelect);
    bar.append(label);
    /** The PNG buttons, disabled while no run is ticked (the chart would be empty). */
    this.pngButtons = [];
    for (const which of ['loss', 'accuracy']) {
      const b = document.createElement('button');
      this.pngButtons.push(b);
      b.type = 'button';
      b.textContent = `${which === 'loss' ? 'Loss' : 'Accuracy'} chart as PNG`;
      b.dataset.testid = `export-png-${which}`;
      b.addEventListener('click', () => this.savePng(which));
      bar.append(b);
    }
    this.legend = document.createElement('p');
    this.legend.className = 'compare-legend';
    this.legend.dataset.testid = 'compare-legend';
    this.legend.setAttribute('aria-live', 'polite');
    const grid = document.createElement('div');
    grid.className = 'compare-grid';
    this.lossBox = document.createElement('figure');
    this.accuracyBox = document.createElement('figure');
    this.lossBox.className = this.accuracyBox.className = 'chart-box';
    this.lossBox.dataset.testid = 'compare-loss';
    this.accuracyBox.dataset.testid = 'compare-accuracy';
    // The learning rate each run used, by step or time (the decay lesson's other half); hidden by
    // epoch and for records without a learning-rate curve.
    this.rateBox = document.createElement('figure');
    this.rateBox.className = 'chart-box';
    this.rateBox.dataset.testid = 'compare-rate';
    grid.append(this.lossBox, this.accuracyBox, this.rateBox);
    container.append(bar, this.legend, grid);
    this.charts = {};
    this.render();
  }

  show(ids) {
    this.ids = ids;
    this.render();
  }

  records() {
    return this.ids.map((id) => this.history.get(id)).filter(Boolean);
  }

  /** Curves of one record for the current axis: {loss: [{x, y, label, dash}], accuracy: […]}. */
  curves(r, name) {
    if (this.axis === 'epoch') {
      const x = r.epochs.map((e) => e.epoch);
      const held = (e) => e.validation ?? e.test;
      const heldName = r.epochs.some((e) => e.validation) ? 'validation' : 'test';
      return {
        loss: [
          { x, y: r.epochs.map((e) => held(e)?.loss ?? null), label: `${name} · ${heldName}` },
          { x, y: r.epochs.map((e) => e.train.loss), label: `${name} · training`, dash: [5, 4] },
        ],
        accuracy: [
          { x, y: r.epochs.map((e) => held(e)?.accuracy ?? null), label: `${name} · ${heldName}` },
          { x, y: r.epochs.map((e) => e.train.accuracy), label: `${name} · training`, dash: [5, 4] },
        ],
      };
    }
    const x = this.axis === 'time' ? r.steps.time.map((t) => Number(t.toFixed(3))) : r.steps.step;
    return {
      loss: [{ x, y: smoothSeries(r.steps.step, r.steps.loss, { log: true }), label: name }],
      accuracy: [{ x, y: smoothSeries(r.steps.step, r.steps.accuracy), label: name }],
      rate: r.steps.learning_rate ? [{ x, y: r.steps.learning_rate, label: name }] : [],
    };
  }

  render() {
    const records = this.records();
    const keys = differingKeys(records);
    this.container.dataset.runs = String(records.length);
    for (const b of this.pngButtons) {
      b.disabled = records.length === 0;
      b.title = records.length === 0 ? 'Tick a run in the table first' : '';
    }
    if (records.length === 0) this.legend.textContent = 'Tick runs in the table to compare them here.';
    else if (records.length === 1) this.legend.textContent = `One run: ${records[0].name}. Tick another to compare.`;
    else this.legend.textContent = keys.length ? `What differs: ${describeDifferences(records, keys)}` : 'These runs have the same settings.';
    if (this.axis === 'epoch') {
      // Where each run's held-out loss was lowest: the turn of an overfitting run is a few percent,
      // easy to miss on a log axis shared with training losses 100 times smaller.
      const turns = records.map(heldOutTurn).filter(Boolean);
      // On a line of their own, after the differences.
      if (turns.length) this.legend.append(Object.assign(document.createElement('span'), { className: 'compare-turns', textContent: turns.join(' ') }));
    }

    const xLabel = { step: 'step', epoch: 'epoch', time: 'time (s)' }[this.axis];
    const perRun = records.map((r, i) => {
      // The legend names at most three differences per run, those that tell it apart from the
      // other runs; the caption above lists them all.
      const what = keys.length ? describeRun(r, distinguishingKeys(r, records.filter((o) => o !== r), keys)) : '';
      // Guided runs are named for what they change ("lr too high (2)"): no need to say it twice.
      const name = what && !r.experiment ? `${r.name} (${what})` : r.name;
      return { colour: COLOURS[i % COLOURS.length], curves: this.curves(r, name) };
    });
    const rates = perRun.flatMap(({ colour, curves }) => (curves.rate ?? []).map((c) => ({ ...c, colour })));
    this.rateBox.hidden = this.axis === 'epoch' || rates.length === 0;
    if (this.rateBox.hidden) {
      this.charts.rate?.destroy();
      delete this.charts.rate;
    }
    for (const which of this.rateBox.hidden ? ['loss', 'accuracy'] : ['loss', 'accuracy', 'rate']) {
      const box = { loss: this.lossBox, accuracy: this.accuracyBox, rate: this.rateBox }[which];
      const list = which === 'rate' ? rates : perRun.flatMap(({ colour, curves }) => curves[which].map((c) => ({ ...c, colour })));
      const title =
        which === 'rate'
          ? `Learning rate by ${xLabel}`
          : this.axis === 'epoch'
            ? `${which === 'loss' ? 'Loss' : 'Accuracy'} per epoch (solid: held-out, dashed: training)`
            : `Training batch ${which} (smoothed) by ${xLabel}`;
      this.charts[which]?.destroy();
      this.charts[which] = new LineChart(box, {
        title,
        xLabel,
        log: which === 'loss' || which === 'rate',
        percent: which === 'accuracy',
        integerX: this.axis === 'epoch',
        height: 240,
        series: list.map((c) => ({ label: c.label, colour: c.colour, width: 2, dash: c.dash, points: this.axis === 'epoch' })),
      });
      box.dataset.series = String(list.length);
      box.dataset.points = String(list.reduce((n, c) => n + c.y.filter((y) => y !== null).length, 0));
      this.charts[which].setData(list.length ? align(list) : [[]]);
      this.charts[which].draw(); // at once, on screen or not (a few hundred points)
    }
  }

  /** The chart with its title and legend, on the page's background, as a PNG download. */
  savePng(which) {
    const chart = this.charts[which];
    const source = chart?.uplot?.ctx?.canvas;
    if (!source) return;
    chart.draw();
    const ratio = source.width / chart.uplot.width;
    const lines = [chart.options.title, ...chart.options.series.map((s) => `— ${s.label}`)];
    const lineHeight = 18 * ratio;
    const top = (lines.length + 0.5) * lineHeight;
    const canvas = document.createElement('canvas');
    canvas.width = source.width;
    canvas.height = source.height + top;
    const ctx = canvas.getContext('2d');
    ctx.fillStyle = cssVar('--surface') || '#fff';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.font = `${13 * ratio}px system-ui, sans-serif`;
    lines.forEach((line, i) => {
      const s = chart.options.series[i - 1];
      ctx.fillStyle = s ? cssVar(s.colour) || '#333' : cssVar('--text') || '#000';
      ctx.fillText(line, 8 * ratio, (i + 1) * lineHeight);
    });
    ctx.drawImage(source, 0, top);
    canvas.toBlob((blob) => blob && download(blob, `mnist-compare-${which}-by-${this.axis}.png`), 'image/png');
  }
}
