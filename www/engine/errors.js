// Readable text for anything the engine worker or a shard worker catches, and whether it is fatal.
//
// A Rust panic traps the wasm instance (`WebAssembly.RuntimeError: unreachable`); the panic hook
// installed by src/wasm/mod.rs leaves the panic message in `globalThis.__mnistLastPanic`, and that
// message is preferred. A trap is fatal: the instance may be inconsistent, so the page recreates
// the engine worker (a shard worker's trap fails its run).
//
// Does not: post anything (the caller sends the `error` message) or decide what to do after it.

/**
 * @param {unknown} err  what was thrown
 * @param {string} [who]  the worker, as the message names it
 * @returns {{message: string, fatal: boolean}}
 */
export function describeError(err, who = 'the engine') {
  const panic = globalThis.__mnistLastPanic;
  if (panic) {
    globalThis.__mnistLastPanic = undefined;
    return { message: `${who} crashed (Rust panic): ${panic}`, fatal: true };
  }
  if (err instanceof WebAssembly.RuntimeError) {
    return { message: `${who} crashed: ${err.message}`, fatal: true };
  }
  return { message: err instanceof Error ? err.message : String(err), fatal: false };
}

