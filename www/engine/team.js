// Data-parallel training across Web Workers ("Cores" on the page).
//
// The engine worker leads a run of `config.threads` workers: it trains shard 0 itself and keeps
// `threads − 1` shard workers (www/engine/shard-worker.js), each with its own wasm instance of the same
// build and its own copy of the training set. Every worker takes its share of each batch and the
// engine sums the gradients through one SharedArrayBuffer (src/wasm/shared_exchange.rs), so all
// copies of the network stay identical. The lead alone predicts and reports; evaluations at an
// epoch's end are shared (evaluateShares).
//
// Driving a run: `configure` once, then `trainSteps(n)` on the lead. Shard workers are not sent a
// message per call (a worker's message latency would be waited for at every call's first step):
// the lead writes the step number they may train up to into the shared buffer's fourth control word
// (BUDGET) and notifies it; every shard worker follows that word in a loop (www/engine/shard-worker.js),
// returning to its event loop every few tens of milliseconds so its messages are still handled.
// The lead never asks past the current epoch's end or the run's last step, where its own
// `trainSteps` stops too, so a shard never waits at a step the lead will not train (for instance
// while the lead evaluates at an epoch's end, or is paused there). Because every worker stops at
// the same epoch ends and sees the same summed loss, they never disagree on how many steps were done.
//
// Needs a cross-origin isolated page (SharedArrayBuffer, Atomics.wait in workers); the engine
// worker falls back to one core when it is not.
//
// The messages between the lead and a shard worker: ToShard and FromShard in www/protocol.js.
//
// Does not: train or evaluate on the lead (www/engine/training.js and evaluation.js do, through
// the lead's own engine), or talk to the page.

import { FromShard, ToShard } from '../protocol.js';

const REPLY_TIMEOUT_MS = 60_000;
/** Index of the BUDGET word in the shared buffer's Int32 control words (src/wasm/shared_exchange.rs). */
export const BUDGET = 3;

/**
 * The step number shard workers may train up to when the lead, at `step`, asks for `steps` more:
 * never past the current epoch's end (the engine stops there and the lead may evaluate or pause)
 * nor past the run's last step.
 */
export function budgetTarget(step, steps, stepsPerEpoch, totalSteps) {
  const epochEnd = (Math.floor(step / stepsPerEpoch) + 1) * stepsPerEpoch;
  return Math.max(step, Math.min(step + Math.max(0, steps), epochEnd, totalSteps));
}

export const canShare = () => self.crossOriginIsolated === true && typeof SharedArrayBuffer === 'function';

/** A Uint8Array backed by a SharedArrayBuffer with the same bytes (one copy for every worker). */
function shared(bytes) {
  if (bytes.buffer instanceof SharedArrayBuffer) return bytes;
  const copy = new Uint8Array(new SharedArrayBuffer(bytes.length));
  copy.set(bytes);
  return copy;
}

class ShardWorker {
  constructor(build, images, labels, test, names, onFailure) {
    this.worker = new Worker(new URL('./shard-worker.js', import.meta.url), { type: 'module', name: 'mnist-shard' });
    this.pending = new Map();
    this.nextId = 1;
    this.failed = null;
    this.worker.onmessage = ({ data }) => {
      const waiter = this.pending.get(data.id ?? 0);
      if (data.type === FromShard.ERROR) {
        if (data.fatal) this.failed = data.message;
        if (waiter) {
          this.pending.delete(data.id ?? 0);
          waiter.reject(new Error(data.message));
        } else onFailure(data.message, data.fatal);
        return;
      }
      if (waiter) {
        this.pending.delete(data.id ?? 0);
        waiter.resolve(data);
      }
    };
    this.worker.onerror = (event) => {
      this.failed = event.message || 'the shard worker could not start';
      for (const w of this.pending.values()) w.reject(new Error(this.failed));
      this.pending.clear();
      onFailure(this.failed, true);
    };
    this.ready = this.request({ type: ToShard.INIT, build, images, labels, test, names }, 0);
  }

  /** Post `message` and wait for the reply carrying `id`. */
  request(message, id = this.nextId++) {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`a training worker did not answer ${message.type} within ${REPLY_TIMEOUT_MS / 1000} s`));
      }, REPLY_TIMEOUT_MS);
      this.pending.set(id, {
        resolve: (v) => (clearTimeout(timer), resolve(v)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      });
      this.worker.postMessage({ ...message, id });
    });
  }

  terminate() {
    this.worker.terminate();
  }
}

export class Team {
  /**
   * @param {object} o
   * @param {Function} o.Engine  the wasm Engine class (for Engine.exchangeBytes)
   * @param {string} o.build     the lead's build ("simd" or "relaxed-simd"); shards must match it
   * @param {Uint8Array} o.images, o.labels  the training set's IDX bytes (uncompressed)
   * @param {Uint8Array} [o.testImages, o.testLabels]  the test set's, so shard workers can
   *   evaluate part of it (see evaluateShares)
   * @param {string[]} [o.names]  the class names of a data set other than MNIST (null: the digits)
   */
  constructor({ Engine, build, images, labels, testImages = null, testLabels = null, names = null }) {
    this.Engine = Engine;
    this.build = build;
    this.images = shared(images);
    this.labels = shared(labels);
    this.test = testImages && testLabels ? { images: shared(testImages), labels: shared(testLabels) } : null;
    this.names = names;
    /** @type {ShardWorker[]} */
    this.shards = [];
    /** Shard workers in the configured run (threads − 1). */
    this.active = 0;
    /** The run's control words, the lead's step, and where epochs and the run end. */
    this.control = null;
    this.step = 0;
    this.stepsPerEpoch = 1;
    this.totalSteps = 0;
  }

  /** Grow or shrink to `count` shard workers with their data loaded. */
  async #ensure(count) {
    this.shards = this.shards.filter((s) => {
      if (s.failed) s.terminate();
      return !s.failed;
    });
    while (this.shards.length > count) this.shards.pop().terminate();
    while (this.shards.length < count) {
      this.shards.push(new ShardWorker(this.build, this.images, this.labels, this.test, this.names, (message, fatal) => {
        console.warn(`training worker ${fatal ? 'failed' : 'stopped'}: ${message}`);
      }));
    }
    await Promise.all(this.shards.map((s) => s.ready));
  }

  /**
   * Start a run of `config.threads` workers with `engine` as shard 0. Returns the run info of
   * Engine.configure.
   */
  async configure(engine, config) {
    const helpers = config.threads - 1;
    this.active = 0;
    try {
      await this.#ensure(helpers);
    } catch (err) {
      this.shutdown();
      throw new Error(`could not start ${config.threads} training workers: ${err.message} — choose Cores: 1`);
    }
    const buffer = new SharedArrayBuffer(this.Engine.exchangeBytes(config));
    await Promise.all(this.shards.map((s, k) => s.request({ type: ToShard.CONFIGURE, config, index: k + 1, buffer })));
    const info = engine.configureShard(config, 0, buffer);
    this.active = helpers;
    this.control = new Int32Array(buffer, 0, 4);
    this.step = 0;
    this.stepsPerEpoch = Math.max(1, info.steps_per_epoch);
    this.totalSteps = info.total_steps;
    return info;
  }

  /**
   * `engine.trainSteps(steps)` with every shard worker running the same steps: up to `steps`, but
   * not past the current epoch's end (where the engine stops anyway).
   */
  trainSteps(engine, steps) {
    const target = budgetTarget(this.step, steps, this.stepsPerEpoch, this.totalSteps);
    Atomics.store(this.control, BUDGET, target);
    Atomics.notify(this.control, BUDGET);
    const progress = engine.trainSteps(target - this.step);
    this.step = progress.step;
    return progress;
  }

  /**
   * Share an evaluation of the first `size` images of `which` ("validation" or "test") between the
   * workers of the run, which all hold the same network between training calls: [0, size) is cut
   * into `threads` contiguous ranges in order; the lead evaluates the first (returned as `end`)
   * and every shard worker one of the others. `others` resolves to their evaluations in range
   * order, each `{start, end, evaluation}` with `evaluation` null where a worker failed (the lead
   * then evaluates that range itself).
   */
  evaluateShares(which, size) {
    const parts = this.active + 1;
    const bound = (k) => Math.floor((k * size) / parts);
    const testless = which === 'test' && !this.test;
    const others = Promise.all(this.shards.slice(0, this.active).map((s, k) => {
      const start = bound(k + 1);
      const end = bound(k + 2);
      if (testless || end <= start) return { start, end, evaluation: null };
      return s.request({ type: ToShard.EVALUATE, which, start, end })
        .then((reply) => ({ start, end, evaluation: reply.evaluation }))
        .catch((err) => {
          console.warn(`a training worker could not evaluate ${which} images ${start}–${end}: ${err.message}`);
          return { start, end, evaluation: null };
        });
    }));
    return { end: bound(1), others };
  }

  /**
   * Test hook: make the first shard worker's Rust code panic, `when` "now" (the run then fails) or
   * on its next share of an evaluation ("evaluation").
   */
  debugPanicShard(message, when = 'now') {
    this.shards[0]?.worker.postMessage({ type: ToShard.DEBUG_PANIC, message, when });
  }

  /** The message of a shard worker of this team that failed for good, or null. */
  failure() {
    return this.shards.find((s) => s.failed)?.failed ?? null;
  }

  /** Engine.exchangeTimes of every shard worker of the run, with its wasm memory in MiB (for profiles). */
  async shardTimes() {
    const replies = await Promise.all(this.shards.slice(0, this.active).map((s) => s.request({ type: ToShard.TIMES })));
    return replies.map((r) => r.times && { ...r.times, wasm_memory_mb: r.wasm_memory_mb });
  }

  shutdown() {
    for (const s of this.shards) s.terminate();
    this.shards = [];
    this.active = 0;
  }
}
