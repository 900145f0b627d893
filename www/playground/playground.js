// The training playground on the page: the settings form, the controls (Train, Pause/Resume,
// Step, Step epoch, Stop, Reset), the progress read-outs, the live charts, the test-set insight
// and the "what the net learned" views. It subscribes to the worker's training messages
// (www/protocol.js) on the engine client and turns them into DOM updates, and the user's clicks
// into commands.
//
// Wiring only: the form is www/playground/settings-form.js, the settings table settings.js, the
// link settings-link.js and share.js, the charts www/charts/training-charts.js, test insight
// insight.js, weights and distributions www/charts/weights.js. Non-goals: the worker's lifecycle
// (www/app/main.js), the messages themselves (www/app/engine-client.js).

import { dropRenders, flushCharts, flushRenders, requestRender } from '../charts/line-chart.js';
import { TrainingCharts } from '../charts/training-charts.js';
import { ConfigForm } from './settings-form.js';
import { TestInsight } from './insight.js';
import { FromWorker, RunState, ToWorker } from '../protocol.js';
import { configFromValues, setLimits, valuesFromConfig } from './settings.js';
import { valuesFromHash } from './settings-link.js';
import { SettingsStore } from './settings-store.js';
import { FirstLayerWeights, LayerDistributions } from '../charts/weights.js';
import { watchLink } from './share.js';
import { RunReadouts } from './readouts.js';
import { byId } from '../ui/dom.js';

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


export class Playground {
  /**
   * @param {{engine: import('../app/engine-client.js').EngineClient, chartsOn: boolean}} io
   */
  constructor({ engine, chartsOn }) {
    this.engine = engine;
    this.chartsOn = chartsOn;
    this.ui = {
      form: byId('config-form'),
      run: byId('run-card'),
      state: byId('run-state'),
      train: byId('train'),
      pause: byId('pause'),
      step: byId('step'),
      stepEpoch: byId('step-epoch'),
      stop: byId('stop'),
      reset: byId('reset'),
      error: byId('run-error'),
      errorMessage: byId('run-error-message'),
      chartsOff: byId('charts-off'),
    };
    this.form = null;
    /** The loaded data set's class names when they are not the digits (null: the digits). */
    this.dataClasses = null;
    /** The engine's limits (the `ready` message's), once it came. */
    this.limits = null;
    this.state = RunState.IDLE;
    /** The text of a command sent and not yet answered ("Stopping…"), or null; see command(). */
    this.pending = null;
    this.pendingTimer = 0;
    this.dataReady = false;
    this.workerAlive = false;
    this.configOk = false;
    this.describeId = 0;
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
        range: byId('per-class-range'),
      },
      async (query) => (await engine.request({ type: ToWorker.TEST_IMAGES, ...query }, FromWorker.TEST_IMAGES).catch(() => null))?.images ?? [],
    );
    this.weights = new FirstLayerWeights(byId('first-layer-weights'));
    this.distributions = chartsOn
      ? new LayerDistributions({ weights: byId('chart-weights'), gradients: byId('chart-gradients'), inactive: byId('chart-inactive'), legend: byId('layer-legend') })
      : null;
    this.charts = new TrainingCharts(
      { batchLoss: byId('chart-batch-loss'), learningRate: byId('chart-learning-rate'), epochLoss: byId('chart-epoch-loss'), epochAccuracy: byId('chart-epoch-accuracy') },
      chartsOn,
    );
    this.ui.chartsOff.hidden = chartsOn;
    this.readouts = new RunReadouts(
      {
        progress: byId('run-progress'),
        epoch: byId('epoch-counter'),
        stepCounter: byId('step-counter'),
        rate: byId('samples-per-second'),
        timeLeft: byId('time-left'),
        learningRate: byId('current-learning-rate'),
        testAccuracy: byId('test-accuracy'),
        verdict: byId('run-verdict'),
        live: byId('run-live'),
        chartsHeading: byId('charts-heading'),
      },
      chartsOn ? this.charts : null,
    );
    this.clearRun();
    this.bindControls();
    this.updateButtons();
    this.subscribe(engine);
  }

  /** Forget the shown run: series, read-outs, charts, insight, weights. */
  clearRun() {
    dropRenders();
    this.charts.clear();
    this.distributions?.reset();
    this.weights.clear();
    this.insight.clear();
    this.readouts.clear();
    this.hideError();
  }

  // --- Settings --------------------------------------------------------------------------------

  /** The worker is ready: build the form from its presets (once), then describe the config. */
  onReady({ presets, defaultConfig, limits }) {
    this.limits = limits;
    if (!this.form) {
      setLimits(limits);
      const base = valuesFromConfig(defaultConfig);
      this.settings = new SettingsStore(base, valuesFromHash(location.hash, base));
      this.settings.setClasses(this.dataClasses);
      this.form = new ConfigForm(this.ui.form, { presets, store: this.settings, limits, newSeed: () => this.freshSeed() });
      this.settings.onChange(() => this.settingsChanged());
      // A shared link: what is malformed or out of range is reported and replaced by the defaults.
      watchLink({ form: this.ui.form, store: this.settings, base, describe: (config) => this.describe(config), toConfig: configFromValues });
    }
    this.settingsChanged();
  }

  /** The engine's report on `config` (the `config-report` reply), or null. */
  describe(config) {
    return this.engine.request({ type: ToWorker.DESCRIBE_CONFIG, config }, FromWorker.CONFIG_REPORT);
  }

  /** A new random seed drawn by the engine (its `fresh-seed` request), or null. */
  async freshSeed() {
    const reply = await this.engine.request({ type: ToWorker.FRESH_SEED }, FromWorker.SEED).catch(() => null);
    return reply?.seed ?? null;
  }

  /** The link to share: the page's address with the Cores setting in it (settings-link.js shareLink). */
  shareLink() {
    return this.settings?.shareLink() ?? location.href;
  }

  /** The engine config of the settings as they are now. */
  get config() {
    return this.settings.config().config;
  }

  /** The settings changed: the address follows them, and the engine describes their config. */
  settingsChanged() {
    const { config, errors } = this.settings.config();
    // The address holds the settings as they read ("0,01" as 0.01); while a field is unreadable it keeps
    // the last readable settings (out-of-range values go in: a link opened elsewhere reports them).
    const hash = this.settings.hash();
    if (Object.keys(errors).length === 0 && hash !== location.hash && !(hash === '' && location.hash === '')) {
      history.replaceState(null, '', `${location.pathname}${location.search}${hash}`);
    }
    const id = ++this.describeId;
    if (Object.keys(errors).length > 0) {
      this.configOk = false;
      this.form.showReport(null, errors);
      this.updateButtons();
      return;
    }
    this.describe(config)
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
    if (this.state === RunState.PAUSED) this.engine.send(message);
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
    this.engine.send(message);
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
    this.engine.send({ type: ToWorker.RESET });
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

  /**
   * The data loaded; `classes`: its class names (the insight's rows and columns). Configs sent from
   * now on carry them when they are not the digits, and the settings are described again (the
   * engine checks them against the new data's size and classes).
   */
  dataLoaded(classes = []) {
    this.dataReady = true;
    this.insight.setClasses(classes);
    this.readouts.classes = Math.max(1, classes.length || 10);
    const digits = this.limits?.class_names ?? [];
    this.dataClasses = classes.length && JSON.stringify(classes) !== JSON.stringify(digits) ? classes.slice() : null;
    this.settings?.setClasses(this.dataClasses);
    this.form?.updateShape();
    if (this.form) this.settingsChanged();
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

  /** The training messages this view follows (www/app/engine-client.js). */
  subscribe(engine) {
    engine.on(FromWorker.CONFIGURED, (message) => this.onConfigured(message));
    engine.on(FromWorker.RUN_STATE, (message) => this.onRunState(message));
    engine.on(FromWorker.PROGRESS, (message) => this.onProgress(message));
    engine.on(FromWorker.LAYER_STATS, (message) => {
      requestRender('weights', () => this.weights.show(message.weights, message.units));
      this.distributions?.add(message.step, message.layers);
    });
    engine.on(FromWorker.EPOCH, (message) => this.onEpoch(message));
    engine.on(FromWorker.EVALUATION, (message) => {
      this.readouts.testAccuracy(message.evaluation.accuracy);
      this.insight.show(message.evaluation);
    });
  }

  /** A run was configured: clear the views, size the counters. */
  onConfigured(message) {
    this.clearRun();
    // The cores the worker really uses (it may fall back to 1), under the Cores setting.
    this.form?.showRunThreads(message.config?.threads ?? 1);
    byId('weights-caption').textContent =
      message.config.hidden.length === 0
        ? 'Weights of the output units (no hidden layer): a template per class (red: ink there raises that class\'s score, blue: lowers it)'
        : `First-layer weights: what each of the first ${Math.min(64, message.config.hidden[0])} hidden units looks for (red: ink there raises its input, blue: lowers it)`;
    this.readouts.configured(message.info);
  }

  /** The run's state changed (or the worker forgot the run: `reset`). */
  onRunState(message) {
    flushRenders(); // the read-outs of the last progress, before the state changes
    this.state = message.state;
    this.pending = null;
    clearTimeout(this.pendingTimer);
    if (message.reset) {
      this.clearRun();
      this.form?.showRunThreads(null);
    }
    // The final picture of a run is drawn even where the user has not scrolled yet.
    if (message.state !== RunState.RUNNING) requestAnimationFrame(() => flushCharts());
    if (message.state === RunState.STOPPED || message.state === RunState.FAILED) this.readouts.noTimeLeft();
    if (message.state === RunState.FINISHED) this.readouts.finished();
    this.updateButtons();
  }

  /** A non-fatal error from the worker (a refused config, a diverged run, a failed command). */
  onError(message) {
    this.settle();
    this.showError(message.message);
    if (message.during === 'training') this.readouts.noTimeLeft();
  }

  onProgress(p) {
    this.charts.addPoints(p.points);
    requestRender('progress', () => this.readouts.progress(p, this.state === RunState.RUNNING));
    if (this.state !== RunState.RUNNING) flushRenders(); // a single step: show it at once
  }

  onEpoch(e) {
    this.charts.addEpoch(e);
    this.readouts.epoch(e, this.charts.epochs);
  }
}
