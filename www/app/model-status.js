// How far the model being trained has got, in words, for the drawing panel ("Answering: your
// model, after 1 of 1,290 steps …"): after a single Step, or a Stop early in a run, the panel no
// longer passes that model off as a trained one. Fed the worker's messages (www/protocol.js); no DOM,
// so Node tests it (tests/js/model-status-unit.test.mjs).
//
// Non-goals: the run's read-outs (www/playground/playground.js), which model answers (the worker says: MODEL_CHANGED).

import { FromWorker, RunState } from '../protocol.js';
import { numberFormat } from '../ui/format.js';

const plural = (n, noun) => `${numberFormat.format(n)} ${noun}${n === 1 ? '' : 's'}`;

export class TrainedModelStatus {
  constructor() {
    this.clear();
  }

  clear() {
    this.state = RunState.IDLE;
    this.step = 0;
    this.totalSteps = 0;
    this.stepsPerEpoch = 0;
    /** Test accuracy of the model at `accuracyStep`, from the last test evaluation. */
    this.accuracy = null;
    this.accuracyStep = -1;
  }

  /** Takes one worker message; returns true when `describe()` changed. */
  update(message) {
    const apply = UPDATES[message.type];
    if (!apply) return false;
    const before = this.describe();
    apply(this, message);
    return this.describe() !== before;
  }

  /** Follows the messages of `bus` (www/app/engine-client.js); calls `onChange()` when `describe()` changed. */
  subscribe(bus, onChange) {
    for (const type of Object.keys(UPDATES)) bus.on(type, (message) => this.update(message) && onChange());
  }

  /** "after 2 of 3 epochs, 97.1% on the test set", "" before any run. */
  describe() {
    if (this.totalSteps === 0) return '';
    if (this.state === RunState.RUNNING) return 'as it trains';
    const tested = this.accuracyStep === this.step && this.accuracy !== null ? `, ${(100 * this.accuracy).toFixed(1)}% on the test set` : '';
    const epochs = Math.round(this.totalSteps / this.stepsPerEpoch);
    if (this.step >= this.totalSteps) return `after ${plural(epochs, 'epoch')}${tested}`;
    if (this.step % this.stepsPerEpoch === 0 && this.step > 0) return `after ${this.step / this.stepsPerEpoch} of ${plural(epochs, 'epoch')}${tested}`;
    const through = this.step < this.stepsPerEpoch ? ' (not yet through one epoch)' : '';
    return `after ${numberFormat.format(this.step)} of ${plural(this.totalSteps, 'step')}${through}${tested}`;
  }
}

/** What each message the status follows changes. */
const UPDATES = {
  [FromWorker.CONFIGURED]: (s, m) => {
    s.clear();
    s.totalSteps = m.info.total_steps;
    s.stepsPerEpoch = m.info.steps_per_epoch;
  },
  [FromWorker.PROGRESS]: (s, m) => {
    s.step = m.step;
  },
  [FromWorker.EVALUATION]: (s, m) => {
    if (m.which === 'test' && m.evaluation) {
      s.accuracy = m.evaluation.accuracy;
      s.accuracyStep = m.step;
    }
  },
  [FromWorker.RUN_STATE]: (s, m) => {
    if (m.reset) s.clear();
    else s.state = m.state;
  },
};
