// A plain-words verdict on the epochs of a run so far, shown under the training read-outs
// (www/playground/playground.js): is the network learning at all, and has it started to overfit? Learners read a
// "Finished" run with a big test accuracy as a success, even at 10%; this says what the numbers mean.
// Pure (no DOM), so Node can test it: tests/js/verdict-unit.test.mjs.
//
// Non-goals: advice beyond the two patterns the workshop teaches to recognise.

/** At or below this held-out accuracy a 10-class network is reading digits about as well as guessing. */
export const CHANCE_ACCURACY = 0.2;
/** …and the training accuracy at most this (the network has not even fitted its training images). */
export const TRAIN_CHANCE_ACCURACY = 0.3;
/** Overfitting is named once the held-out loss has stayed this much (relative) above its lowest. */
export const OVERFIT_RISE = 0.02;

const pct = (x) => `${(100 * x).toFixed(1)}%`;

/**
 * @param {{epoch: number, train: {loss, accuracy}, validation?: {loss, accuracy}|null,
 *          test?: {loss, accuracy}|null}[]} epochs  the run's epoch summaries in order
 * @returns {{kind: 'chance'|'overfitting', text: string}|null}
 */
export function verdict(epochs) {
  const last = epochs.at(-1);
  if (!last) return null;
  const heldName = last.validation ? 'validation' : last.test ? 'test' : null;
  if (!heldName) return null;
  const held = (e) => e[heldName];
  const accuracy = held(last)?.accuracy;
  // Not learning: held-out and training accuracy both near chance (a network that fits a tiny
  // training subset but reads held-out digits badly is not what this message is about).
  if (Number.isFinite(accuracy) && accuracy <= CHANCE_ACCURACY && last.train.accuracy <= TRAIN_CHANCE_ACCURACY) {
    return {
      kind: 'chance',
      text:
        `Not learning: after epoch ${last.epoch} the network reads ${pct(accuracy)} of the ${heldName} digits correctly, ` +
        'about what guessing gets (10%). Usual causes: a learning rate far too high (the batch loss jumps around or ' +
        'explodes: try one 10 times lower) or far too low, or sigmoid/tanh in a deep network (tiny gradients in ' +
        'the first layers).',
    };
  }
  // Overfitting: the held-out loss has been clearly above its lowest (reached at an earlier epoch)
  // for the last two epochs, while the training loss went on falling. One epoch above is often
  // just noise (Adam at a constant rate wobbles by a few percent).
  const { index: best, lowest, now } = lowestHeldOut(epochs);
  const above = (e) => e?.[heldName]?.loss > lowest * (1 + OVERFIT_RISE);
  if (
    best < epochs.length - 2 &&
    Number.isFinite(lowest) &&
    Number.isFinite(now) &&
    above(last) &&
    above(epochs.at(-2)) &&
    last.train.loss < epochs[best].train.loss
  ) {
    return {
      kind: 'overfitting',
      text:
        `Overfitting: the ${heldName} loss was lowest after epoch ${epochs[best].epoch} (${lowest.toFixed(3)}) and is ` +
        `${now.toFixed(3)} now, while the training loss went on falling (${epochs[best].train.loss.toFixed(3)} → ` +
        `${last.train.loss.toFixed(3)}): the network is learning its training images rather than digits. ` +
        'Fewer epochs, dropout, L2 weight decay, augmentation or more training images help.',
    };
  }
  return null;
}

/**
 * Where the held-out loss (validation, else test) of `epochs` was lowest:
 * {index, epoch, lowest, now (the last epoch's), heldName}; index −1 when there is none.
 */
export function lowestHeldOut(epochs) {
  const heldName = epochs.some((e) => e.validation) ? 'validation' : 'test';
  const loss = (e) => e?.[heldName]?.loss;
  let index = -1;
  epochs.forEach((e, i) => {
    if (Number.isFinite(loss(e)) && (index < 0 || loss(e) < loss(epochs[index]))) index = i;
  });
  return { index, epoch: epochs[index]?.epoch ?? null, lowest: loss(epochs[index]) ?? null, now: loss(epochs.at(-1)) ?? null, heldName };
}
