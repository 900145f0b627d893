// What the two look-inside tools share (www/inspect/lr-finder.js, landscape.js): a section with
// its heading, Start and Cancel buttons, a progress bar and a status line; its state as
// data-state (idle | running | done | cancelled | error) with the buttons following it; and the
// one request under way, whose id tells its progress messages from older ones.
//
// Does not: know what a tool computes or shows (the subclasses' run() and handlers).

import { el, makeButton } from '../ui/dom.js';

export class InspectTool {
  /**
   * @param {{engine: import('../app/engine-client.js').EngineClient, canRun: () => string, name: string,
   *   title: string, startText: string, cancelType: string, progressLabel: string}} options
   *   canRun: '' when the tool can run now, else why not; name: the class, test ids and heading id
   *   prefix; cancelType: the message type that cancels it (www/protocol.js)
   */
  constructor({ engine, canRun, name, title, startText, cancelType, progressLabel }) {
    this.engine = engine;
    this.canRun = canRun;
    /** The request's id while the tool runs, else null. */
    this.runningId = null;
    this.root = el('section', { class: `inspect-tool ${name}`, testid: name, 'aria-labelledby': `${name}-heading`, dataset: { state: 'idle' } });
    this.heading = el('h3', { id: `${name}-heading`, text: title });
    this.start = makeButton({ text: startText, testid: `${name}-start`, onClick: () => this.run() });
    this.start.classList.add('primary');
    this.cancel = makeButton({ text: 'Cancel', testid: `${name}-cancel`, onClick: () => engine.send({ type: cancelType }) });
    this.cancel.disabled = true;
    this.progress = el('progress', { value: 0, max: 1, 'aria-label': progressLabel, testid: `${name}-progress` });
    this.progress.hidden = true;
    this.status = el('p', { class: 'inspect-status', role: 'status', testid: `${name}-status` });
  }

  /** Start is enabled when the engine can run the tool and it is not running. */
  update() {
    const why = this.canRun();
    this.start.disabled = Boolean(why) || this.runningId !== null;
    this.start.title = why;
  }

  setState(state) {
    this.root.dataset.state = state;
    const running = state === 'running';
    this.cancel.disabled = !running;
    this.progress.hidden = !running;
    this.update();
  }

  /**
   * Sends `message` and resolves with its `reply` (null: the engine restarted; rejects with the
   * engine's message), the tool in state "running" meanwhile.
   */
  async request(message, reply) {
    const answer = this.engine.request(message, reply);
    this.runningId = this.engine.nextId - 1; // request() took the client's next id
    this.setState('running');
    try {
      return await answer;
    } finally {
      this.runningId = null;
    }
  }
}
