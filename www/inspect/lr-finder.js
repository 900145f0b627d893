// The learning-rate finder on the page: "Find a learning rate" runs the engine's range test
// (Smith 2017, as fastai's lr_find: src/inspect/lr_finder.rs) on a fresh network of the form's
// settings, with a progress bar and Cancel; then charts the smoothed loss against the rate on a log
// axis, marks the suggested rate (the steepest descent) and the "minimum ÷ 10" rule beside it, and
// "Use this rate" writes the suggestion into the form's learning rate (through the settings store).
//
// The page's hooks (data-testid="lr-finder"): data-state idle | running | done | cancelled | error,
// data-steepest, data-minimum-over-10, data-steps, data-stop, data-ms (the sweep's time in the worker).
//
// Does not: run the sweep (www/engine/inspect.js), own the settings (www/playground/settings-store.js).

import { FromWorker, ToWorker } from '../protocol.js';
import { LineChart } from '../charts/line-chart.js';
import { el, makeButton } from '../ui/dom.js';
import { formatRate } from '../ui/format.js';
import { InspectTool } from './tool.js';

const STOP_TEXT = {
  completed: 'it ran every step',
  loss_rose: 'stopped once the smoothed loss passed 4× its minimum',
  loss_not_finite: 'stopped when the loss stopped being a number (the rate was far too high)',
};

export class LrFinderView extends InspectTool {
  /**
   * @param {HTMLElement} container
   * @param {{engine: import('../app/engine-client.js').EngineClient, settings: () => import('../playground/settings-store.js').SettingsStore|null, canRun: () => string}} io
   *   canRun: '' when the engine can run it, else why not
   */
  constructor(container, { engine, settings, canRun }) {
    super({ engine, canRun, name: 'lr-finder', title: 'Learning-rate finder', startText: 'Find a learning rate', cancelType: ToWorker.LR_FINDER_CANCEL, progressLabel: 'Learning-rate finder progress' });
    this.settings = settings;
    this.status.textContent = 'Uses the form\'s settings (optimizer, batch size, seed…) on a fresh copy of the network; the run shown is not touched.';
    this.figure = el('figure', { class: 'chart-box inspect-chart', testid: 'lr-finder-chart' });
    this.figure.hidden = true;
    this.suggestion = el('p', { class: 'inspect-suggestion', testid: 'lr-finder-suggestion' });
    this.use = makeButton({ text: 'Use this rate', testid: 'lr-finder-use', onClick: () => this.useRate() });
    this.use.hidden = true;
    this.applied = el('p', { class: 'inspect-note', role: 'status', testid: 'lr-finder-applied' });
    this.root.append(
      this.heading,
      el('p', { class: 'muted', text: 'A range test (Smith 2017, as fastai\'s lr_find): a few hundred steps with the rate growing from 10⁻⁷ to 10, stopping once the loss blows up. The best rate is where the loss falls fastest, well before it turns up.' }),
      el('div', { class: 'inspect-controls' }, this.start, this.cancel),
      this.progress,
      this.status,
      this.figure,
      el('div', { class: 'inspect-result' }, this.suggestion, this.use),
      this.applied,
    );
    container.append(this.root);
    this.chart = null;
    this.result = null;
    engine.on(FromWorker.LR_FINDER_PROGRESS, (m) => m.id === this.runningId && this.onProgress(m));
  }

  /**
   * Runs a sweep on `config` (default: the form's settings) and shows it; resolves with the
   * `lr-finder-result` message, or null when it was cancelled or failed (the section says why).
   */
  async run(given = null) {
    const store = this.settings();
    if (!store && !given) return null;
    const { config, errors } = given ? { config: given, errors: {} } : store.config();
    const bad = Object.values(errors);
    if (bad.length) {
      this.fail(`Fix the settings first: ${bad[0]}.`);
      return null;
    }
    this.result = null;
    this.use.hidden = true;
    this.suggestion.textContent = '';
    this.applied.textContent = '';
    this.progress.value = 0;
    this.status.textContent = 'Starting the sweep…';
    let result;
    try {
      result = await this.request({ type: ToWorker.LR_FINDER_START, config }, FromWorker.LR_FINDER_RESULT);
    } catch (err) {
      this.fail(`The finder could not run: ${err.message}`);
      return null;
    }
    if (!result) {
      this.fail('The engine restarted; try again.');
      return null;
    }
    if (result.stop === 'cancelled') {
      this.status.textContent = 'Cancelled. Nothing changed; start again whenever you like.';
      this.setState('cancelled');
      return null;
    }
    this.show(result);
    return result;
  }

  onProgress(m) {
    this.progress.max = m.steps;
    this.progress.value = m.done;
    if (m.rate !== null) this.status.textContent = `Step ${m.done} of at most ${m.steps}: rate ${formatRate(m.rate)}, smoothed loss ${Number(m.smoothed.toPrecision(3))}`;
  }

  fail(text) {
    this.status.textContent = text;
    this.setState('error');
  }

  show(result) {
    this.result = result;
    const { rates, smoothed, steepest, minimum_over_10: minOver10 } = result;
    const n = rates.length;
    const xs = Array.from(rates);
    const near = (rate) => {
      if (rate === null) return -1;
      let best = 0;
      for (let i = 1; i < n; i++) if (Math.abs(Math.log(xs[i] / rate)) < Math.abs(Math.log(xs[best] / rate))) best = i;
      return best;
    };
    const mark = (i) => xs.map((_, k) => (k === i ? smoothed[k] : null));
    this.figure.hidden = false;
    if (!this.chart) {
      this.chart = new LineChart(this.figure, {
        title: 'Smoothed loss against the learning rate',
        xLabel: 'learning rate (log)',
        logX: true,
        height: 220,
        series: [
          { label: 'smoothed loss', colour: '--c-train', width: 2 },
          { label: 'suggested (steepest)', colour: '--c-test', points: true, width: 0 },
          { label: 'minimum ÷ 10', colour: '--c-validation', points: true, width: 0 },
        ],
      });
    }
    this.chart.setData([xs, Array.from(smoothed), mark(near(steepest)), mark(near(minOver10))]);
    const stop = STOP_TEXT[result.stop] ?? result.stop;
    this.root.dataset.steepest = steepest ?? '';
    this.root.dataset.minimumOver10 = minOver10 ?? '';
    this.root.dataset.steps = String(n);
    this.root.dataset.stop = result.stop;
    this.root.dataset.ms = String(Math.round(result.ms));
    this.status.textContent = `${n} steps in ${(result.ms / 1000).toFixed(1)} s; ${stop}.`;
    if (steepest === null) {
      this.suggestion.textContent = 'Too few steps were recorded to suggest a rate: the loss blew up at once. Lower the batch size or try another optimizer, then run it again.';
      this.setState('done');
      return;
    }
    this.suggestion.replaceChildren(
      el('strong', { text: `Suggested: ${formatRate(steepest)}` }),
      ' (steepest descent of the smoothed loss)',
      minOver10 !== null ? ` · minimum ÷ 10: ${formatRate(minOver10)}` : '',
    );
    this.use.textContent = `Use ${formatRate(steepest)}`;
    this.use.hidden = false;
    this.setState('done');
  }

  /** "Use this rate": the suggestion goes into the form's learning rate. */
  useRate() {
    const store = this.settings();
    if (!store || !this.result?.steepest) return;
    const text = formatRate(this.result.steepest);
    store.set('learning_rate', text, 'inspect');
    this.applied.textContent = `The form's learning rate is now ${text}; the next run trains with it.`;
  }
}
