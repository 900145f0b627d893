// The run's read-outs under the controls: epoch and step counters, the progress bar, samples per
// second, time left, the current learning rate, the test accuracy, the verdict on the epochs so far,
// and on a phone the bar with the falling loss and a way down to the charts.
//
// Each counter carries its number in data-value (the testers read it) beside its text.
// Non-goals: the buttons and the run's state (www/playground/playground.js), the charts.

import { goTo } from '../ui/dom.js';
import { formatDuration, formatRate, numberFormat, percent } from '../ui/format.js';
import { chanceLimit, verdict } from './verdict.js';

export class RunReadouts {
  /**
   * @param {object} ui  epoch, stepCounter, rate, timeLeft, learningRate, testAccuracy, progress,
   *   verdict, live (the phone bar), chartsHeading
   * @param {{lastSmoothed: () => number|undefined, epochs: object[]}|null} charts  the live charts'
   *   series (www/charts/training-charts.js); null when the charts are off
   */
  constructor(ui, charts) {
    this.ui = ui;
    this.charts = charts;
    /** Epochs of the configured run. */
    this.epochs = 0;
    /** The data set's class count (chance is 1/classes). */
    this.classes = 10;
    // On a phone the charts are far below the settings, where Train is pressed: the bar shows the
    // loss as it falls and a way down to the charts, while they are off screen.
    this.narrow = matchMedia('(max-width: 959px)');
    this.chartsCard = ui.chartsHeading.closest('section');
    // Where the charts are is read on scroll (at most once a frame): an IntersectionObserver would
    // miss a jump from below them to above them (say, to the runs table).
    let frame = 0;
    const later = () => {
      if (!frame) frame = requestAnimationFrame(() => ((frame = 0), this.showLive()));
    };
    addEventListener('scroll', later, { passive: true });
    addEventListener('resize', later, { passive: true });
    this.narrow.addEventListener('change', () => this.showLive());
    ui.live.addEventListener('click', () => goTo(ui.chartsHeading));
  }

  setCounter(element, value, text) {
    element.dataset.value = String(value);
    element.textContent = text;
  }

  clear() {
    const { ui } = this;
    this.setCounter(ui.epoch, 0, '0 / –');
    this.setCounter(ui.stepCounter, 0, '0 / –');
    this.setCounter(ui.rate, 0, '–');
    ui.timeLeft.textContent = '–';
    ui.learningRate.textContent = '–';
    this.setCounter(ui.testAccuracy, '', '–');
    delete ui.testAccuracy.dataset.chance;
    this.showVerdict(null);
    ui.progress.value = 0;
    this.showLive();
  }

  /** A run was configured (`info` of the `configured` message). */
  configured(info) {
    this.epochs = info.total_steps / info.steps_per_epoch;
    this.setCounter(this.ui.epoch, 0, `1 / ${this.epochs}`);
    this.setCounter(this.ui.stepCounter, 0, `0 / ${numberFormat.format(info.total_steps)}`);
  }

  /** The run ended with every epoch done. */
  finished() {
    this.ui.timeLeft.textContent = '0 s';
    this.setCounter(this.ui.epoch, this.epochs, `${this.epochs} / ${this.epochs}`);
  }

  /** No time left to show (stopped, failed, diverged). */
  noTimeLeft() {
    this.ui.timeLeft.textContent = '–';
  }

  /** A progress message (in a render tick); `running`: whether time left means anything. */
  progress(p, running) {
    const { ui } = this;
    const epochs = p.epochs || this.epochs;
    const current = Math.min(epochs, p.epoch + (p.epoch_fraction > 0 || p.epoch === 0 ? 1 : 0));
    this.setCounter(ui.epoch, p.epoch, `${Math.max(1, current)} / ${epochs}`);
    this.setCounter(ui.stepCounter, p.step, `${numberFormat.format(p.step)} / ${numberFormat.format(p.total_steps)}`);
    ui.progress.max = p.total_steps;
    ui.progress.value = p.step;
    if (p.samples_per_second > 0) {
      this.setCounter(ui.rate, Math.round(p.samples_per_second), numberFormat.format(Math.round(p.samples_per_second)));
    }
    ui.timeLeft.textContent = running ? formatDuration(p.seconds_left) : '–';
    ui.learningRate.textContent = formatRate(p.learning_rate);
    this.showLive();
  }

  /** An epoch message; `epochs`: the summaries so far (for the verdict). */
  epoch(e, epochs) {
    this.ui.rate.dataset.epochAverage = String(Math.round(e.samples_per_second));
    this.ui.rate.dataset.epoch = String(e.epoch);
    if (e.test) this.testAccuracy(e.test.accuracy);
    this.showVerdict(verdict(epochs, this.classes));
  }

  testAccuracy(accuracy) {
    this.setCounter(this.ui.testAccuracy, accuracy, percent(accuracy));
    // Not in the test series' green when the network reads its classes no better than guessing.
    this.ui.testAccuracy.dataset.chance = String(accuracy <= chanceLimit(this.classes));
  }

  /** The verdict on the epochs so far (www/playground/verdict.js), or none. */
  showVerdict(v) {
    const box = this.ui.verdict;
    box.hidden = !v;
    box.textContent = v?.text ?? '';
    box.dataset.kind = v?.kind ?? '';
  }

  /** The phone bar's "loss 0.31 · Charts ↓" (↑ when they are above; hidden on wide screens, with the charts on screen, or no run). */
  showLive() {
    const loss = this.charts?.lastSmoothed();
    let show = this.narrow.matches && this.charts !== null && Number.isFinite(loss);
    let above = false;
    if (show) {
      const r = this.chartsCard.getBoundingClientRect();
      above = r.bottom <= 0;
      show = above || r.top >= innerHeight - 90; // on screen, not just behind the bar: no read-out
    }
    const { live } = this.ui;
    if (live.hidden !== !show) live.hidden = !show;
    const text = show ? `loss ${Number(loss.toPrecision(2))} · Charts ${above ? '↑' : '↓'}` : '';
    if (show && live.textContent !== text) live.textContent = text;
  }
}
