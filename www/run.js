// The training playground on the page: the settings form, the controls (Train, Pause/Resume,
// Step, Step epoch, Stop, Reset), the progress read-outs, the live charts, the test-set insight
// and the "what the net learned" views. It turns the worker's training messages (www/protocol.js)
// into DOM updates and the user's clicks into commands.
//
// Wiring only: the form is www/controls.js, the settings table www/state.js, charts
// www/charts.js, test insight www/insight.js, weights and distributions www/weights.js. The worker
// itself belongs to www/main.js, which passes `send(message)` and `request(message)` in.

import { dropRenders, flushCharts, flushRenders, LineChart, requestRender } from './charts.js';
import { ConfigForm } from './controls.js';
import { TestInsight } from './insight.js';
import { FromWorker, RunState, ToWorker } from './protocol.js';
import { configFromValues, hashFromValues, valuesFromConfig, valuesFromHash } from './state.js';
import { FirstLayerWeights, LayerDistributions } from './weights.js';
import { watchLink } from './share.js';
import { Smoother } from './smoothing.js';
import { CHANCE_ACCURACY, verdict } from './verdict.js';
import { goTo } from './dom.js';

/**
 * Step-indexed series are halved (every other point dropped) beyond this many points: a chart is
 * at most ~1,000 px wide, and drawing cost grows with the points (1,000–2,000 are kept).
 */
const MAX_POINTS = 2_000;
/** How long a command's "Stopping…" (and its disabled buttons) waits for the worker's answer at most. */
const PENDING_TIMEOUT_MS = 60_000;

const STATE_TEXT = {
  [RunState.IDLE]: 'Not started',
  [RunState.RUNNING]: 'Training…',
  [RunState.PAUSED]: 'Paused',
  [RunState.FINISHED]: 'Finished',
  [RunState.STOPPED]: 'Stopped',
  [RunState.FAILED]: 'Failed',
};

const byId = (id) => {
  const element = document.getElementById(id);
  if (!element) throw new Error(`page is missing #${id}`);
  return element;
};
const numberFormat = new Intl.NumberFormat('en-US');
const percent = (x) => `${(100 * x).toFixed(2)}%`;

function formatDuration(seconds) {
  if (!Number.isFinite(seconds) || seconds < 0) return '–';
  if (seconds < 1) return '< 1 s';
  if (seconds < 60) return `${Math.round(seconds)} s`;
  const m = Math.floor(seconds / 60);
  const s = Math.round(seconds - 60 * m);
  return m < 60 ? `${m} min ${s} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

const formatRate = (lr) => String(Number(lr.toPrecision(3))); // 0.001, 0.000447, 4.47e-8

export class Playground {
  /**
   * @param {{send: (message) => void, request: (message) => Promise<object|null>, chartsOn: boolean}} io
   */
  constructor({ send, request, chartsOn }) {
    this.send = send;
    this.request = request;
    this.chartsOn = chartsOn;
    this.ui = {
      form: byId('config-form'),
      run: document.querySelector('[data-testid="run"]'),
      state: byId('run-state'),
      train: byId('train'),
      pause: byId('pause'),
      step: byId('step'),
      stepEpoch: byId('step-epoch'),
      stop: byId('stop'),
      reset: byId('reset'),
      progress: byId('run-progress'),
      epoch: document.querySelector('[data-testid="epoch-counter"]'),
      stepCounter: document.querySelector('[data-testid="step-counter"]'),
      rate: document.querySelector('[data-testid="samples-per-second"]'),
      timeLeft: document.querySelector('[data-testid="time-left"]'),
      learningRate: document.querySelector('[data-testid="current-learning-rate"]'),
      testAccuracy: document.querySelector('[data-testid="test-accuracy"]'),
      verdict: byId('run-verdict'),
      error: byId('run-error'),
      errorMessage: byId('run-error-message'),
      chartsOff: byId('charts-off'),
      live: byId('run-live'),
    };
    // On a phone the charts are far below the settings, where Train is pressed: the bar shows the
    // loss as it falls and a way down to the charts, while they are off screen.
    this.narrow = matchMedia('(max-width: 959px)');
    this.chartsCard = byId('charts-heading')?.closest('section') ?? null;
    // Where the charts are is read on scroll (at most once a frame): an IntersectionObserver would
    // miss a jump from below them to above them (say, to the runs table).
    let frame = 0;
    const later = () => {
      if (!frame) frame = requestAnimationFrame(() => ((frame = 0), this.showLive()));
    };
    addEventListener('scroll', later, { passive: true });
    addEventListener('resize', later, { passive: true });
    this.narrow.addEventListener('change', () => this.showLive());
    this.ui.live.addEventListener('click', () => goTo(byId('charts-heading')));
    this.form = null;
    this.state = RunState.IDLE;
    /** The text of a command sent and not yet answered ("Stopping…"), or null; see command(). */
    this.pending = null;
    this.pendingTimer = 0;
    this.dataReady = false;
    this.workerAlive = false;
    this.configOk = false;
    this.config = null;
    this.describeId = 0;
    this.epochs = 0;
    // Leaving (reload, back, closing the tab) while a run trains or is paused asks first: the
    // completed epochs and their model are stored, but the epoch in progress would be lost and the
    // run could not be continued.
    addEventListener('beforeunload', (event) => {
      if (this.state !== RunState.RUNNING && this.state !== RunState.PAUSED) return;
      event.preventDefault();
      event.returnValue = ''; // browsers before 2023 ask only with this
    });

    this.insight = new TestInsight(
      {
        matrix: byId('confusion-matrix'),
        perClass: byId('per-class-accuracy'),
        gallery: byId('misclassified-gallery'),
        galleryTitle: byId('gallery-title'),
        more: byId('gallery-more'),
        showAll: byId('gallery-all'),
      },
      async (query) => (await this.request({ type: ToWorker.TEST_IMAGES, ...query }).catch(() => null))?.images ?? [],
    );
    this.weights = new FirstLayerWeights(byId('first-layer-weights'));
    this.distributions = chartsOn
      ? new LayerDistributions({ weights: byId('chart-weights'), gradients: byId('chart-gradients'), inactive: byId('chart-inactive'), legend: byId('layer-legend') })
      : null;
    this.buildCharts();
    this.clearRun();
    this.bindControls();
    this.updateButtons();
  }

  // --- Charts ----------------------------------------------------------------------------------

  buildCharts() {
    this.ui.chartsOff.hidden = this.chartsOn;
    this.charts = null;
    if (!this.chartsOn) return;
    const epochSeries = [
      // Dashed is training on every chart of the page (as in the compare view).
      { label: 'training', colour: '--c-train', points: true, dash: [5, 4] },
      { label: 'validation', colour: '--c-validation', points: true },
      { label: 'test', colour: '--c-test', points: true },
    ];
    this.charts = {
      batchLoss: new LineChart(byId('chart-batch-loss'), {
        title: 'Batch loss (cross-entropy) per step',
        xLabel: 'step',
        log: true,
        series: [
          { label: 'raw', colour: '--c-train', alpha: 0.35, width: 1 },
          { label: 'smoothed', colour: '--c-train', width: 2 },
        ],
      }),
      learningRate: new LineChart(byId('chart-learning-rate'), {
        title: 'Learning rate per step',
        xLabel: 'step',
        series: [{ label: 'learning rate', colour: '--c-lr', width: 2 }],
        every: 1000,
      }),
      // On a log axis like the batch loss: one epoch of a diverging run (thousands) would flatten
      // every other point of a linear one.
      epochLoss: new LineChart(byId('chart-epoch-loss'), { title: 'Loss per epoch', xLabel: 'epoch', integerX: true, log: true, series: epochSeries }),
      epochAccuracy: new LineChart(byId('chart-epoch-accuracy'), {
        title: 'Accuracy per epoch',
        xLabel: 'epoch',
        integerX: true,
        percent: true,
        series: epochSeries,
      }),
    };
  }

  /** Forget the shown run: series, read-outs, charts, insight, weights. */
  clearRun() {
    dropRenders();
    this.series = {
      step: [],
      loss: [],
      smooth: [],
      lr: [],
      smoother: new Smoother({ log: true }),
      /** The epoch summaries as the worker sent them (for the verdict). */
      epochs: [],
      epoch: [],
      trainLoss: [],
      validationLoss: [],
      testLoss: [],
      trainAccuracy: [],
      validationAccuracy: [],
      testAccuracy: [],
    };
    if (this.charts) {
      const s = this.series;
      this.charts.batchLoss.setData([s.step, s.loss, s.smooth]);
      this.charts.learningRate.setData([s.step, s.lr]);
      this.charts.epochLoss.setData([s.epoch, s.trainLoss, s.validationLoss, s.testLoss]);
      this.charts.epochAccuracy.setData([s.epoch, s.trainAccuracy, s.validationAccuracy, s.testAccuracy]);
    }
    this.distributions?.reset();
    this.weights.clear();
    this.insight.clear();
    this.setCounter(this.ui.epoch, 0, '0 / –');
    this.setCounter(this.ui.stepCounter, 0, '0 / –');
    this.setCounter(this.ui.rate, 0, '–');
    this.ui.timeLeft.textContent = '–';
    this.ui.learningRate.textContent = '–';
    this.setCounter(this.ui.testAccuracy, '', '–');
    delete this.ui.testAccuracy.dataset.chance;
    this.showVerdict(null);
    this.ui.progress.value = 0;
    this.hideError();
    this.showLive();
  }

  setCounter(element, value, text) {
    element.dataset.value = String(value);
    element.textContent = text;
  }

  // --- Settings --------------------------------------------------------------------------------

  /** The worker is ready: build the form from its presets (once), then describe the config. */
  onReady({ presets, defaultConfig }) {
    if (!this.form) {
      const base = valuesFromConfig(defaultConfig);
      this.baseValues = base;
      const values = valuesFromHash(location.hash, base);
      this.form = new ConfigForm(this.ui.form, { presets, values, onChange: (v) => this.settingsChanged(v) });
      // A shared link: what is malformed or out of range is reported and replaced by the defaults.
      watchLink({
        form: this.ui.form,
        configForm: this.form,
        base,
        describe: (config) => this.request({ type: ToWorker.DESCRIBE_CONFIG, config }),
        toConfig: configFromValues,
        apply: (v) => this.settingsChanged(v),
      });
    }
    this.settingsChanged(this.form.values);
  }

  settingsChanged(values) {
    const { config, errors } = configFromValues(values);
    // The address holds the settings as they read ("0,01" as 0.01); while a field is unreadable it keeps
    // the last readable settings (out-of-range values go in: a link opened elsewhere reports them).
    const hash = hashFromValues(values, this.baseValues);
    if (Object.keys(errors).length === 0 && hash !== location.hash && !(hash === '' && location.hash === '')) {
      history.replaceState(null, '', `${location.pathname}${location.search}${hash}`);
    }
    this.config = config;
    const id = ++this.describeId;
    if (Object.keys(errors).length > 0) {
      this.configOk = false;
      this.form.showReport(null, errors);
      this.updateButtons();
      return;
    }
    this.request({ type: ToWorker.DESCRIBE_CONFIG, config })
      .catch((err) => ({ report: { ok: false, field: null, message: err.message, parameters: 0, flops_per_sample: 0 } }))
      .then((reply) => {
        if (!reply || id !== this.describeId) return; // a newer edit is being described
        this.configOk = reply.report.ok;
        this.form.showReport(reply.report, {});
        this.updateButtons();
      });
  }

  // --- Controls --------------------------------------------------------------------------------

  bindControls() {
    const { train, pause, step, stepEpoch, stop, reset } = this.ui;
    train.addEventListener('click', () => {
      if (!this.configOk) return;
      this.hideError();
      this.command({ type: ToWorker.START, config: this.config }, 'Starting…');
    });
    pause.addEventListener('click', () => {
      const paused = this.state === RunState.PAUSED;
      this.command({ type: paused ? ToWorker.RESUME : ToWorker.PAUSE }, paused ? 'Resuming…' : 'Pausing…');
    });
    step.addEventListener('click', () => this.step('batch'));
    stepEpoch.addEventListener('click', () => this.step('epoch'));
    stop.addEventListener('click', () => this.command({ type: ToWorker.STOP }, 'Stopping…'));
    reset.addEventListener('click', () => this.onResetClick?.());
    document.addEventListener('keydown', (event) => {
      if (event.ctrlKey || event.metaKey || event.altKey || event.repeat) return;
      if (event.target.closest?.('input, select, textarea, [contenteditable], #draw-panel')) return;
      const button = { t: train, p: pause, s: step, e: stepEpoch }[event.key];
      if (button && !button.disabled) {
        event.preventDefault();
        button.click();
      }
    });
  }

  step(unit) {
    if (this.state !== RunState.PAUSED && !this.configOk) return;
    this.hideError();
    const message = { type: ToWorker.STEP, unit, config: this.config };
    // A step outside a paused run starts one, which the worker confirms with a state change.
    if (this.state === RunState.PAUSED) this.send(message);
    else this.command(message, 'Starting…');
  }

  /**
   * Sends a command the worker answers with a change of the run's state, and until then shows
   * `text` ("Stopping…") and keeps the run's buttons disabled: a big network's step can take
   * seconds, and a second click meanwhile would only be refused ("a run is in progress").
   */
  command(message, text) {
    this.pending = text;
    clearTimeout(this.pendingTimer);
    // Never stuck: the buttons come back even if no answer arrives.
    this.pendingTimer = setTimeout(() => this.settle(), PENDING_TIMEOUT_MS);
    this.updateButtons();
    this.send(message);
  }

  /** The worker answered (a state, an error) or went away: the buttons follow the state again. */
  settle() {
    if (!this.pending) return;
    this.pending = null;
    clearTimeout(this.pendingTimer);
    this.updateButtons();
  }

  /** Reset as the user asked for it: the worker forgets the run; the page clears its views when
   * the worker confirms (messages of the old run may still be on their way until then). */
  reset() {
    this.send({ type: ToWorker.RESET });
  }

  updateButtons() {
    const alive = this.workerAlive && this.dataReady;
    const active = this.state === RunState.RUNNING || this.state === RunState.PAUSED;
    const { train, pause, step, stepEpoch, stop, reset } = this.ui;
    const waiting = Boolean(this.pending);
    train.disabled = !(alive && this.configOk && !active) || waiting;
    pause.disabled = !(alive && active) || waiting;
    pause.textContent = this.state === RunState.PAUSED ? 'Resume' : 'Pause';
    pause.setAttribute('aria-pressed', String(this.state === RunState.PAUSED));
    const canStep = alive && this.state !== RunState.RUNNING && (this.state === RunState.PAUSED || this.configOk);
    step.disabled = !canStep || waiting;
    stepEpoch.disabled = !canStep || waiting;
    stop.disabled = !(alive && active) || waiting;
    // Reset also recovers from a crashed engine (the page restarts the worker).
    reset.disabled = !(alive || (!this.workerAlive && this.crashed));
    this.ui.run.dataset.state = this.state;
    // Why Train is off, where it is pressed (on a phone the settings are far above the bar): short,
    // naming the field ("Cannot train: check Learning rate"); the full reason as a tooltip. It is
    // announced once, by the settings' own alert.
    const refused = alive && !active && !waiting && !this.configOk ? this.form?.summaryError?.textContent : '';
    const field = refused ? this.form?.firstProblemLabel : null;
    const short = refused ? (field ? `Cannot train: check ${field}` : refused) : '';
    this.ui.state.textContent = this.pending ?? (short || STATE_TEXT[this.state] || this.state);
    this.ui.state.setAttribute('aria-live', refused ? 'off' : 'polite');
    this.ui.state.title = refused || '';
    if (waiting) this.ui.state.dataset.pending = this.pending;
    else delete this.ui.state.dataset.pending;
  }

  // --- Worker lifecycle (called by main.js) ----------------------------------------------------

  workerStarted() {
    this.pending = null;
    this.workerAlive = true;
    this.dataReady = false;
    this.crashed = false;
    this.state = RunState.IDLE;
    this.updateButtons();
  }

  dataLoaded() {
    this.dataReady = true;
    this.updateButtons();
  }

  /** The worker crashed (or could not start): show why; Reset restarts it. */
  workerDied(message) {
    this.pending = null;
    this.workerAlive = false;
    this.crashed = true;
    this.state = RunState.FAILED;
    this.showError(`${message}. Press Reset to restart the engine.`);
    this.updateButtons();
  }

  showError(message) {
    this.ui.errorMessage.textContent = message;
    this.ui.error.hidden = false;
  }

  hideError() {
    this.ui.error.hidden = true;
    this.ui.errorMessage.textContent = '';
  }

  // --- Training messages -----------------------------------------------------------------------

  /** Handles a training message; returns false if it is not one. */
  onMessage(message) {
    switch (message.type) {
      case FromWorker.CONFIGURED:
        this.clearRun();
        byId('weights-caption').textContent =
          message.config.hidden.length === 0
            ? 'Weights of the 10 output units (no hidden layer): a template per digit (red: ink there raises that digit\'s score, blue: lowers it)'
            : `First-layer weights: what each of the first ${Math.min(64, message.config.hidden[0])} hidden units looks for (red: ink there raises its input, blue: lowers it)`;
        this.epochs = message.info.total_steps / message.info.steps_per_epoch;
        this.setCounter(this.ui.epoch, 0, `1 / ${this.epochs}`);
        this.setCounter(this.ui.stepCounter, 0, `0 / ${numberFormat.format(message.info.total_steps)}`);
        return true;
      case FromWorker.RUN_STATE:
        flushRenders(); // the read-outs of the last progress, before the state changes
        this.state = message.state;
        this.pending = null;
        clearTimeout(this.pendingTimer);
        if (message.reset) this.clearRun();
        // The final picture of a run is drawn even where the user has not scrolled yet.
        if (message.state !== RunState.RUNNING) requestAnimationFrame(() => flushCharts());
        if (message.state === RunState.STOPPED || message.state === RunState.FAILED) this.ui.timeLeft.textContent = '–';
        if (message.state === RunState.FINISHED) {
          this.ui.timeLeft.textContent = '0 s';
          this.setCounter(this.ui.epoch, this.epochs, `${this.epochs} / ${this.epochs}`);
        }
        this.updateButtons();
        return true;
      case FromWorker.PROGRESS:
        this.onProgress(message);
        return true;
      case FromWorker.LAYER_STATS:
        requestRender('weights', () => this.weights.show(message.weights, message.units));
        this.distributions?.add(message.step, message.layers);
        return true;
      case FromWorker.EPOCH:
        this.onEpoch(message);
        return true;
      case FromWorker.EVALUATION:
        this.showTestAccuracy(message.evaluation.accuracy);
        this.insight.show(message.evaluation);
        return true;
      default:
        return false;
    }
  }

  /** A non-fatal error from the worker (a refused config, a diverged run, a failed command). */
  onError(message) {
    this.settle();
    this.showError(message.message);
    if (message.during === 'training') this.ui.timeLeft.textContent = '–';
  }

  onProgress(p) {
    const s = this.series;
    const { points } = p;
    for (let i = 0; i < points.step.length; i++) {
      const step = points.step[i];
      s.step.push(step);
      s.loss.push(points.loss[i]);
      s.smooth.push(s.smoother.push(step, points.loss[i]));
      s.lr.push(points.learning_rate[i]);
    }
    if (s.step.length > MAX_POINTS) {
      for (const key of ['step', 'loss', 'smooth', 'lr']) s[key] = s[key].filter((_, i) => i % 2 === 0);
      this.charts?.batchLoss.setData([s.step, s.loss, s.smooth]);
      this.charts?.learningRate.setData([s.step, s.lr]);
    }
    if (this.charts && points.step.length > 0) {
      this.charts.batchLoss.touch();
      this.charts.learningRate.touch();
    }
    requestRender('progress', () => this.showProgress(p));
    if (this.state !== RunState.RUNNING) flushRenders(); // a single step: show it at once
  }

  /** The progress read-outs (in a render tick). */
  showProgress(p) {
    const epochs = p.epochs || this.epochs;
    const current = Math.min(epochs, p.epoch + (p.epoch_fraction > 0 || p.epoch === 0 ? 1 : 0));
    this.setCounter(this.ui.epoch, p.epoch, `${Math.max(1, current)} / ${epochs}`);
    this.setCounter(this.ui.stepCounter, p.step, `${numberFormat.format(p.step)} / ${numberFormat.format(p.total_steps)}`);
    this.ui.progress.max = p.total_steps;
    this.ui.progress.value = p.step;
    if (p.samples_per_second > 0) {
      this.setCounter(this.ui.rate, Math.round(p.samples_per_second), numberFormat.format(Math.round(p.samples_per_second)));
    }
    this.ui.timeLeft.textContent = this.state === RunState.RUNNING ? formatDuration(p.seconds_left) : '–';
    this.ui.learningRate.textContent = formatRate(p.learning_rate);
    this.showLive();
  }

  /** The phone bar's "loss 0.31 · Charts ↓" (↑ when they are above; hidden on wide screens, with the charts on screen, or no run). */
  showLive() {
    const loss = this.series?.smooth.at(-1);
    let show = this.narrow.matches && this.chartsOn && Number.isFinite(loss) && this.chartsCard !== null;
    let above = false;
    if (show) {
      const r = this.chartsCard.getBoundingClientRect();
      above = r.bottom <= 0;
      show = above || r.top >= innerHeight - 90; // on screen, not just behind the bar: no read-out
    }
    if (this.ui.live.hidden !== !show) this.ui.live.hidden = !show;
    const text = show ? `loss ${Number(loss.toPrecision(2))} · Charts ${above ? '↑' : '↓'}` : '';
    if (show && this.ui.live.textContent !== text) this.ui.live.textContent = text;
  }

  onEpoch(e) {
    const s = this.series;
    s.epoch.push(e.epoch);
    s.trainLoss.push(e.train.loss);
    s.trainAccuracy.push(e.train.accuracy);
    s.validationLoss.push(e.validation?.loss ?? null);
    s.validationAccuracy.push(e.validation?.accuracy ?? null);
    s.testLoss.push(e.test?.loss ?? null);
    s.testAccuracy.push(e.test?.accuracy ?? null);
    this.charts?.epochLoss.touch();
    this.charts?.epochAccuracy.touch();
    this.ui.rate.dataset.epochAverage = String(Math.round(e.samples_per_second));
    this.ui.rate.dataset.epoch = String(e.epoch);
    if (e.test) this.showTestAccuracy(e.test.accuracy);
    const { model, ...summary } = e; // not the epoch's model file: kept per epoch, it would pile up
    s.epochs.push(summary);
    this.showVerdict(verdict(s.epochs));
  }

  showTestAccuracy(accuracy) {
    this.setCounter(this.ui.testAccuracy, accuracy, percent(accuracy));
    // Not in the test series' green when the network reads digits no better than guessing.
    this.ui.testAccuracy.dataset.chance = String(accuracy <= CHANCE_ACCURACY);
  }

  /** The verdict on the epochs so far (www/verdict.js), or none. */
  showVerdict(v) {
    const box = this.ui.verdict;
    if (!box) return;
    box.hidden = !v;
    box.textContent = v?.text ?? '';
    box.dataset.kind = v?.kind ?? '';
  }
}
