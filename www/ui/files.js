// Reading a file the learner picked, with its size checked before a byte of it is read: a file
// larger than the largest one of its kind is refused with a sentence saying so, never read whole
// into memory. Used by every file input of the page (runs import, model file).
//
// Non-goals: the limits themselves (the caller's: the engine's for model files, runs-file.js for
// runs files), what the bytes mean (the callers' parsers).

import { formatMB } from './format.js';

/** Why `file` is too large to read (`what`: "model file of this page"), or '' when it is not. */
export function tooLarge(file, maxBytes, what) {
  if (file.size <= maxBytes) return '';
  return `it is ${formatMB(file.size)} MB, larger than any ${what} (at most ${formatMB(maxBytes)} MB); pick another file`;
}

/**
 * The contents of `file` as text (`as` 'text') or bytes ('bytes'), if it is at most `maxBytes`
 * long; otherwise, or when the browser cannot read it, throws an Error whose message says why.
 */
export async function readFile(file, maxBytes, what, as = 'text') {
  const why = tooLarge(file, maxBytes, what);
  if (why) throw new Error(why);
  try {
    return as === 'text' ? await file.text() : new Uint8Array(await file.arrayBuffer());
  } catch (err) {
    throw new Error(`the browser could not read it (${err?.message || err}); pick it again`);
  }
}
