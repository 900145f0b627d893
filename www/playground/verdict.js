// A plain-words verdict on the epochs of a run so far, shown under the training read-outs
// (www/playground/playground.js): is the network learning at all, and has it started to overfit? Learners read a
// "Finished" run with a big test accuracy as a success, even at chance (10% for ten classes); this
// says what the numbers mean. Chance follows the data set's class count.
// Pure (no DOM), so Node can test it: tests/js/verdict-unit.test.mjs.
//
// Non-goals: advice beyond the two patterns the workshop teaches to recognise.

/** What guessing gets among `classes` classes: 1/classes (10% for the ten digits). */
export const chanceAccuracy = (classes = 10) => 1 / classes;
/**
 * At or below this held-out accuracy a network reads its classes about as well as guessing: a ninth
 * of the way from chance to 100% (20% for ten classes, 56% for two).
 */
export const chanceLimit = (classes = 10) => chanceAccuracy(classes) + (1 - chanceAccuracy(classes)) / 9;
/** …and the training accuracy at most this (not even its training images fitted): 30% for ten classes. */
export const trainChanceLimit = (classes = 10) => chanceAccuracy(classes) + (2 * (1 - chanceAccuracy(classes))) / 9;
/** Overfitting is named once the held-out loss has stayed this much (relative) above its lowest. */
export const OVERFIT_RISE = 0.02;

const pct = (x) => `${(100 * x).toFixed(1)}%`;

/**
 * @param {{epoch: number, train: {loss, accuracy}, validation?: {loss, accuracy}|null,
 *          test?: {loss, accuracy}|null}[]} epochs  the run's epoch summaries in order
 * @param {number} classes  how many classes the data set has
 * @returns {{kind: 'chance'|'overfitting', text: string}|null}
 */
export function verdict(epochs, classes = 10) {
  const last = epochs.at(-1);
  if (!last) return null;
  const heldName = last.validation ? 'validation' : last.test ? 'test' : null;
  if (!heldName) return null;
  const held = (e) => e[heldName];
  const accuracy = held(last)?.accuracy;
  // Not learning: held-out and training accuracy both near chance (a network that fits a tiny
  // training subset but reads held-out images badly is not what this message is about).
  if (Number.isFinite(accuracy) && accuracy <= chanceLimit(classes) && last.train.accuracy <= trainChanceLimit(classes)) {
    return {
      kind: 'chance',
      text:
        `Not learning: after epoch ${last.epoch} the network reads ${pct(accuracy)} of the ${heldName} images correctly, ` +
        `about what guessing among ${classes} classes gets (${pct(chanceAccuracy(classes))}). ` +
        'Usual causes: a learning rate far too high (the batch loss jumps around or ' +
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
        `${last.train.loss.toFixed(3)}): the network is learning its training images rather than their classes. ` +
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
