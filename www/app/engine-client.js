// The page's one connection to the engine worker: commands out with a fresh `id`, requests whose
// reply comes back by that `id`, and subscriptions by message type (www/protocol.js FromWorker).
// Every message from the worker passes through dispatch() once; the modules that care subscribe
// to the types they handle, so no module keeps its own switch over the messages.
//
// Non-goals: what a message means (the subscribers), creating the worker or reporting a crash
// (www/app/main.js passes the worker in and decides), the worker itself (www/engine/).

import { FromWorker } from '../protocol.js';

/** Subscription by message type: on(type, handler) and dispatch(message). */
export class MessageBus {
  constructor() {
    /** Subscribers by message type ('*': every message, before the typed ones). */
    this.handlers = new Map();
  }

  /** Calls `handler(message, meta)` for every message of `type` ('*': all); returns an unsubscribe. */
  on(type, handler) {
    if (type !== '*' && !Object.values(FromWorker).includes(type)) throw new Error(`no such message type: ${type}`);
    if (!this.handlers.has(type)) this.handlers.set(type, new Set());
    this.handlers.get(type).add(handler);
    return () => this.handlers.get(type).delete(handler);
  }

  /** Hands `message` to the '*' subscribers, then to those of its type. */
  dispatch(message, meta = {}) {
    for (const type of ['*', message.type]) {
      for (const handler of [...(this.handlers.get(type) ?? [])]) handler(message, meta);
    }
  }
}

export class EngineClient extends MessageBus {
  constructor() {
    super();
    /** The worker commands go to, or null (none yet, crashed, replaced). */
    this.worker = null;
    /** Command ids; 0 is www/boot.js's load-data. */
    this.nextId = 1;
    /** Requests awaiting their reply, by id: {reply (type), resolve, reject}. */
    this.pending = new Map();
    /** Waiters of next(), ended too when the worker is replaced. */
    this.waiting = new Set();
  }

  /** Resolves with the next message of `type` (null after `timeoutMs`, or when the worker is replaced). */
  next(type, timeoutMs) {
    return new Promise((resolve) => {
      const done = (value) => {
        off();
        clearTimeout(timer);
        this.waiting.delete(done);
        resolve(value);
      };
      const off = this.on(type, (message) => done(message));
      const timer = setTimeout(() => done(null), timeoutMs);
      this.waiting.add(done);
    });
  }

  /** Takes `worker` as the one commands go to (null: none); unanswered requests resolve with null. */
  use(worker) {
    this.worker = worker;
    this.settleAll(null);
  }

  /** Sends a command with a fresh id (returned); dropped when there is no worker. */
  send(message, transfer = []) {
    const id = this.nextId++;
    this.worker?.postMessage({ ...message, id }, transfer);
    return id;
  }

  /**
   * Sends a command and resolves with its reply: the message of type `reply` with the same id (null
   * if the worker goes away first). An `error` with that id rejects with its readable message.
   */
  request(message, reply, transfer = []) {
    if (!this.worker) return Promise.resolve(null);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { reply, resolve, reject });
      this.worker.postMessage({ ...message, id }, transfer);
    });
  }

  /** One message from the worker: settles its request, then goes to the subscribers (`meta.answered`: it was a reply). */
  dispatch(message) {
    let answered = false;
    const entry = message.id === undefined ? null : this.pending.get(message.id);
    if (entry && (message.type === entry.reply || message.type === FromWorker.ERROR)) {
      this.pending.delete(message.id);
      answered = true;
      if (message.type === FromWorker.ERROR) entry.reject(new Error(message.message));
      else entry.resolve(message);
    }
    super.dispatch(message, { answered });
    return answered;
  }

  /** Resolves every awaited reply with `value` (the worker was replaced; its replies will never come). */
  settleAll(value) {
    for (const { resolve } of this.pending.values()) resolve(value);
    this.pending.clear();
    for (const done of [...this.waiting]) done(null);
  }
}
