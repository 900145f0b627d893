// The training settings fitted to a data set's size: MNIST's default holds out 5,000 of its 60,000
// training images for validation, which a folder of 300 pictures does not have. When a data set
// loads whose training images the settings do not fit, the validation images become the same
// share of it as the default's of MNIST, and a batch or subset larger than what is left shrinks;
// back on MNIST, what was changed (and not touched since) goes back. Pure, so Node tests it
// (tests/js/data-fit-unit.test.mjs).
//
// Does not: check settings (the engine's describe-config does), or touch the form.

/**
 * `{values, changes}`: the form `values` (www/playground/settings-store.js) fitted to `count`
 * training images, and what changed ([{key, from, to}], text as the form holds it). `base`: the
 * engine's default values; `mnistCount`: the training images they were made for.
 */
export function fitSettings(values, base, count, mnistCount) {
  const next = { ...values, hidden: [...(values.hidden ?? [])] };
  const changes = [];
  const change = (key, to) => {
    if (String(next[key]) === String(to)) return;
    changes.push({ key, from: String(next[key]), to: String(to) });
    next[key] = String(to);
  };
  const validation = Number(next.validation_size);
  // More than a quarter held out for validation (or more than there is) is no longer the default's idea.
  if (!(Number.isInteger(validation) && validation >= 0 && validation <= count / 4)) {
    change('validation_size', Math.max(1, Math.round((count * Number(base.validation_size)) / mnistCount)));
  }
  const left = count - Number(next.validation_size);
  const subset = Number(next.train_subset);
  if (Number.isInteger(subset) && subset > left) change('train_subset', 0);
  const trained = Number(next.train_subset) > 0 ? Number(next.train_subset) : left;
  const batch = Number(next.batch_size);
  if (Number.isInteger(batch) && batch > trained) change('batch_size', 2 ** Math.floor(Math.log2(Math.max(1, trained / 4))));
  return { values: next, changes };
}

/** `values` with the `changes` fitSettings made undone where the value is still what it set. */
export function unfitSettings(values, changes) {
  const next = { ...values, hidden: [...(values.hidden ?? [])] };
  for (const { key, from, to } of changes) if (String(next[key]) === to) next[key] = from;
  return next;
}
