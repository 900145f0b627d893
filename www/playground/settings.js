// Every training setting in one declarative table, and the conversions around it:
// table ⇄ form values ⇄ engine config (src/config.rs); engine messages in the form's words.
//
// A setting is `{key, label, kind, …}`; `key` is the config path the engine uses in its messages
// ("learning_rate", "optimizer.beta1", "schedule.gamma", "augment.max_shift"), so an error from
// describeConfig names the field to mark. `when(values)` says whether a setting applies (an
// optimizer's own parameters show only for it). Numbers are kept as the text the user typed;
// `parseValues` turns them into numbers and reports what does not parse.
//
// One setting is the machine's rather than the model's: `threads` (Cores), the number of workers
// that train data-parallel. Its default is the page's, not the engine's (2 on a cross-origin
// isolated page with at least two cores, else 1: see defaultThreads), so links and the hash are
// relative to that; a config without it (a run recorded before it existed) trained on 1, the
// engine's serde default. It is part of the config all the same: a seed reproduces a run only for
// the same thread count.
//
// Non-goals: range checks (the engine's Config::validate is the one authority; its message is
// shown inline), the URL fragment (www/playground/settings-link.js), DOM
// (www/playground/settings-form.js renders the table).

/**
 * What this page can do with cores: `{isolated, cores, defaultThreads}`. Workers sharing a batch
 * need a cross-origin isolated page; the default is 2 where that and two cores are there, else 1.
 * @param {{crossOriginIsolated?: boolean, navigator?: {hardwareConcurrency?: number}}} env  the global scope (tests pass their own)
 */
export function coresOf(env = globalThis) {
  const isolated = env.crossOriginIsolated === true;
  const n = Number(env.navigator?.hardwareConcurrency);
  const cores = Number.isInteger(n) && n > 0 ? n : 1;
  return { isolated, cores, defaultThreads: isolated && cores >= 2 ? 2 : 1 };
}

/** The page's default thread count (see coresOf). */
export const defaultThreads = (env = globalThis) => coresOf(env).defaultThreads;

/**
 * Names shown for the values of the select settings, by setting and value. The values themselves,
 * and their order, are the engine's (`limits.choices`, see choices); a value missing here shows as
 * it is.
 */
export const CHOICE_LABELS = Object.freeze({
  activation: { relu: 'ReLU', leaky_relu: 'Leaky ReLU', gelu: 'GELU', tanh: 'tanh', sigmoid: 'Sigmoid' },
  init: {
    auto: 'Auto (He or Glorot)',
    he_uniform: 'He uniform',
    he_normal: 'He normal',
    glorot_uniform: 'Glorot uniform',
    glorot_normal: 'Glorot normal',
  },
  'optimizer.kind': { sgd: 'SGD', momentum: 'SGD with momentum', rmsprop: 'RMSprop', adam: 'Adam', adamw: 'AdamW' },
  'schedule.kind': { constant: 'Constant', step: 'Step decay', exponential: 'Exponential decay', cosine: 'Cosine decay' },
});

const optimizerIs = (...kinds) => (v) => kinds.includes(v['optimizer.kind']);
const scheduleIs = (...kinds) => (v) => kinds.includes(v['schedule.kind']);
const augmenting = (v) => v['augment.enabled'] === true;

/**
 * The settings, in form order. kind: 'select' | 'number' | 'integer' | 'checkbox' | 'hidden' (the
 * layer list). `group` is the fieldset; `help` a one-line hint under the label, or a function giving
 * it from the engine's limits once they are set (see helpText).
 */
export const SETTINGS = Object.freeze([
  { key: 'hidden', group: 'Network', label: 'Hidden layers', kind: 'hidden', help: 'Units per layer, input side first; none = a linear model' },
  { key: 'activation', group: 'Network', label: 'Activation', kind: 'select', help: 'What a hidden unit does with its weighted sum: ReLU keeps positives (learns fast); sigmoid and tanh squash, so deep nets learn slowly' },
  { key: 'init', group: 'Network', label: 'Initialisation', kind: 'select', help: 'Auto: He for ReLU-like activations, Glorot for tanh and sigmoid' },
  { key: 'dropout', group: 'Network', label: 'Dropout', kind: 'number', step: 0.05, help: () => `Share of hidden units dropped while training (0 = none): ${rangeInWords('dropout')}` },

  { key: 'optimizer.kind', group: 'Optimizer', label: 'Optimizer', kind: 'select', help: 'How a step follows the gradient: SGD directly; momentum keeps going the way it went; RMSprop sizes each weight\'s step by its recent gradients; Adam does both (AdamW: with decoupled weight decay)' },
  { key: 'learning_rate', group: 'Optimizer', label: 'Learning rate', kind: 'number', step: 'any', testid: 'learning-rate', help: 'Size of each step: about 0.001 for Adam, 0.01–0.1 for SGD. Too large and the loss jumps or explodes; too small and it creeps' },
  { key: 'optimizer.momentum', group: 'Optimizer', label: 'Momentum μ', kind: 'number', step: 0.05, when: optimizerIs('momentum'), help: () => `Share of the last step kept in the next; ${kindDefault('optimizer.momentum')} is usual` },
  { key: 'optimizer.nesterov', group: 'Optimizer', label: 'Nesterov', kind: 'checkbox', when: optimizerIs('momentum') },
  { key: 'optimizer.rho', group: 'Optimizer', label: 'ρ (decay of g²)', kind: 'number', step: 0.01, when: optimizerIs('rmsprop'), help: () => `How long RMSprop remembers gradient sizes; ${kindDefault('optimizer.rho')} is usual` },
  { key: 'optimizer.beta1', group: 'Optimizer', label: 'β₁', kind: 'number', step: 0.01, when: optimizerIs('adam', 'adamw'), help: () => `Memory of the gradient's direction; ${kindDefault('optimizer.beta1')} is usual (rarely changed)` },
  { key: 'optimizer.beta2', group: 'Optimizer', label: 'β₂', kind: 'number', step: 0.001, when: optimizerIs('adam', 'adamw'), help: () => `Memory of the gradient's size; ${kindDefault('optimizer.beta2')} is usual (rarely changed)` },
  { key: 'optimizer.epsilon', group: 'Optimizer', label: 'ε', kind: 'number', step: 'any', when: optimizerIs('rmsprop', 'adam', 'adamw'), help: 'Keeps the division by the gradient size finite (rarely changed)' },
  { key: 'optimizer.weight_decay', group: 'Optimizer', label: 'Decoupled weight decay', kind: 'number', step: 0.001, when: optimizerIs('adamw') },
  { key: 'weight_decay', group: 'Optimizer', label: 'L2 weight decay', kind: 'number', step: 'any', help: () => `λ·w added to each weight gradient: ${rangeInWords('weight_decay')}` },

  { key: 'schedule.kind', group: 'Learning-rate schedule', label: 'Schedule', kind: 'select', help: 'Constant, or lower the learning rate as training goes on: big steps first, fine ones at the end' },
  { key: 'schedule.gamma', group: 'Learning-rate schedule', label: 'Factor γ', kind: 'number', step: 0.05, when: scheduleIs('step', 'exponential'), help: 'Multiplies the rate (per epoch, or every k epochs)' },
  { key: 'schedule.every_epochs', group: 'Learning-rate schedule', label: 'Every k epochs', kind: 'integer', when: scheduleIs('step') },
  { key: 'schedule.min_lr', group: 'Learning-rate schedule', label: 'Final rate', kind: 'number', step: 'any', when: scheduleIs('cosine') },
  { key: 'schedule.warmup_epochs', group: 'Learning-rate schedule', label: 'Warm-up epochs', kind: 'number', step: 0.5, help: 'Linear ramp from 0; 0 = none' },

  { key: 'batch_size', group: 'Training', label: 'Batch size', kind: 'integer', help: 'Images per step, their gradients averaged: small is noisy with many steps, large is smooth with few' },
  { key: 'epochs', group: 'Training', label: 'Epochs', kind: 'integer', testid: 'epochs', help: 'Passes over the training images' },
  { key: 'validation_size', group: 'Training', label: 'Validation images', kind: 'integer', help: () => `Held out of the ${limits.train_images.toLocaleString('en-US')} training images` },
  { key: 'train_subset', group: 'Training', label: 'Training subset', kind: 'integer', help: 'Train on only this many images; 0 = all' },
  // `machine`: kept when a preset is picked, and not part of what a preset is; `absent`: its value
  // in a config that lacks it (recorded before the setting existed).
  { key: 'threads', group: 'Training', label: 'Cores', kind: 'integer', testid: 'threads', machine: true, absent: 1, help: 'Workers that share each batch. More cores train faster, but each extra one holds its own copy of the data and network (about 70 MB of memory: less is lighter on phones); the result depends on seed and core count.' },
  { key: 'seed', group: 'Training', label: 'Seed', kind: 'integer', help: 'Same seed, settings and cores, same run' },

  { key: 'augment.enabled', group: 'Augmentation', label: 'Augment training images', kind: 'checkbox' },
  { key: 'augment.max_shift', group: 'Augmentation', label: 'Max shift (px)', kind: 'number', step: 0.5, when: augmenting },
  { key: 'augment.max_rotation', group: 'Augmentation', label: 'Max rotation (°)', kind: 'number', step: 1, when: augmenting },
  { key: 'augment.max_scale', group: 'Augmentation', label: 'Max scale change', kind: 'number', step: 0.01, when: augmenting },
  { key: 'augment.max_shear', group: 'Augmentation', label: 'Max shear', kind: 'number', step: 0.01, when: augmenting },
  { key: 'augment.thickness', group: 'Augmentation', label: 'Stroke-width change probability', kind: 'number', step: 0.05, when: augmenting },
]);

/**
 * The engine's limits (its `ready` message's `limits`, Engine.limits() in src/wasm/mod.rs):
 * `ranges` of the numeric settings, {min, max, min_exclusive, max_exclusive, integer} by config
 * path, "hidden[]" for a hidden width; `max_hidden_layers`; `train_images`; `choices`, the values
 * of each select setting; `kind_defaults`, each optimizer's and schedule's parameters by kind. Set
 * once the engine is ready (setLimits). The page checks only what it must to build a config or read
 * a link: a whole-number field's least value and the number of layers; every other bound is the
 * engine's describe-config to report.
 */
let limits = { ranges: {}, max_hidden_layers: 0, train_images: 0, choices: {}, kind_defaults: { optimizer: {}, schedule: {} } };
/** limits.kind_defaults without the `kind` tags, f32 values tidied: {optimizer: {adam: {beta1: 0.9, …}, …}, schedule: …}. */
let kindDefaults = { optimizer: {}, schedule: {} };

/**
 * Each kind's parameters without its `kind` tag, numbers tidied as defaultConfig's are (tidy), in
 * the order of the engine's choices (so a parameter two kinds share, γ, defaults to the first's).
 */
function ownParameters(byKind = {}, order = []) {
  const kinds = [...order.filter((kind) => kind in byKind), ...Object.keys(byKind).filter((kind) => !order.includes(kind))];
  return Object.fromEntries(
    kinds.map((kind) => {
      const { kind: _tag, ...params } = byKind[kind];
      return [kind, Object.fromEntries(Object.entries(params).map(([k, v]) => [k, tidy(v)]))];
    }),
  );
}

/** Takes the engine's limits (its `ready` message's `limits`). */
export function setLimits(engineLimits) {
  limits = engineLimits;
  kindDefaults = Object.fromEntries(
    ['optimizer', 'schedule'].map((head) => [head, ownParameters(engineLimits.kind_defaults?.[head], engineLimits.choices?.[`${head}.kind`])]),
  );
}

/** The least value of a whole-number setting: the engine's minimum, 0 where it gives none. */
export const leastWhole = (key) => limits.ranges[key]?.min ?? 0;

/** Most hidden layers the engine accepts. */
export const maxHiddenLayers = () => limits.max_hidden_layers;

/** A select setting's choices, `[value, label]` in the engine's order (labels: CHOICE_LABELS). */
export const choices = (key) => (limits.choices?.[key] ?? []).map((value) => [value, CHOICE_LABELS[key]?.[value] ?? value]);

/**
 * Each kind's own parameters with the engine's defaults, for `head` 'optimizer' or 'schedule':
 * `{sgd: {}, momentum: {momentum: 0.9, nesterov: false}, …}` (from limits.kind_defaults).
 */
export const kindDefaultsOf = (head) => kindDefaults[head];

/** The engine's default of one kind parameter by config path ("optimizer.beta1"), from whichever kind has it. */
export function kindDefault(key) {
  const [head, tail] = key.split('.');
  return Object.values(kindDefaults[head] ?? {}).find((d) => tail in d)?.[tail];
}

/**
 * A setting's range from the engine's limits in words, as the engine's messages are put
 * (rangesInWords): "at least 0 and below 0.95", "above 0"; '' for a setting without one.
 */
export function rangeInWords(key) {
  const r = limits.ranges[key];
  if (!r) return '';
  const phrase =
    r.max === null || r.max === undefined
      ? `finite and ${r.min_exclusive ? '>' : '>='} ${r.min}`
      : `in ${r.min_exclusive ? '(' : '['}${r.min}, ${r.max}${r.max_exclusive ? ')' : ']'}`;
  return rangesInWords(`must be ${phrase}`).replace(/^must be /, '');
}

/** A setting's one-line hint (its `help`, or what its function makes of the engine's limits), or ''. */
export const helpText = (setting) => (typeof setting.help === 'function' ? setting.help() : setting.help ?? '');

export const SETTING = Object.freeze(Object.fromEntries(SETTINGS.map((s) => [s.key, s])));

/** f32 values come back as e.g. 0.8999999761581421: show them as the user would type them. */
export const tidy = (x) => (typeof x === 'number' && Number.isFinite(x) ? Number(x.toPrecision(7)) : x);

/**
 * Flat form values from an engine config: `{key: value}` with numbers as text, booleans as
 * booleans, `hidden` as an array of numbers. Parameters of the kinds not chosen take defaults, so
 * switching the optimizer shows sensible values.
 */
export function valuesFromConfig(config) {
  const values = {};
  const text = (x) => String(tidy(x));
  for (const s of SETTINGS) {
    if (s.key === 'hidden') continue;
    const [head, tail] = s.key.split('.');
    let value;
    if (!tail) value = config[head] ?? s.absent;
    else if (tail === 'kind') value = config[head]?.kind;
    else if (head === 'optimizer' || head === 'schedule') {
      const own = config[head] ?? {};
      value = tail in own ? own[tail] : kindDefault(s.key);
    } else value = config[head]?.[tail];
    if (value === undefined) continue;
    values[s.key] = s.kind === 'checkbox' ? Boolean(value) : s.kind === 'select' ? value : text(value);
  }
  values.hidden = [...(config.hidden ?? [])];
  return values;
}

/** A number as people write it: 12, -0.5, .5, 1e-3 (no hex, no "Infinity"). */
export const DECIMAL = /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i;

/**
 * The text of a number field as decimal notation: a decimal comma in fields that take fractions
 * ("0,01" → "0.01", as many people write it), thousands separators in whole-number fields
 * ("5,000" → "5000"). Anything else is returned trimmed, as typed.
 */
export function normaliseNumber(raw, kind) {
  const text = String(raw ?? '').trim();
  // "5,000" or "5.000" (as written in much of Europe): a whole-number field has no fractions.
  if (kind === 'integer' && (/^\d{1,3}(,\d{3})+$/.test(text) || /^\d{1,3}(\.\d{3})+$/.test(text))) return text.replace(/[.,]/g, '');
  if (kind === 'number' && /^[-+]?\d*,\d+(e[-+]?\d+)?$/i.test(text)) return text.replace(',', '.');
  return text;
}

/** Whole numbers beyond 2⁵³ − 1 lose digits in JavaScript (a seed of 2⁵³ + 1 would become 2⁵³). */
export const TOO_LARGE = `enter a whole number up to ${Number.MAX_SAFE_INTEGER.toLocaleString('en-US')}`;

/**
 * An engine config from flat form values: `{config, errors}` where `errors` maps keys to
 * "enter a number"-style messages for text that does not parse (the config then holds NaN there,
 * which the engine would refuse too).
 */
export function configFromValues(values) {
  const errors = {};
  const number = (key) => {
    const s = SETTING[key];
    const raw = normaliseNumber(values[key], s.kind);
    // Decimal notation only (JavaScript's Number() would also take "0x10" or "0b1").
    const x = DECIMAL.test(raw) ? Number(raw) : NaN;
    if (!Number.isFinite(x) && s.kind === 'integer') errors[key] = `${s.label}: enter a whole number ≥ ${leastWhole(key)}`;
    else if (!Number.isFinite(x)) errors[key] = `${s.label}: enter a number${/,/.test(raw) ? ' with a decimal point, like 0.01' : ''}`;
    else if (s.kind === 'integer' && (!Number.isInteger(x) || x < leastWhole(key))) errors[key] = `${s.label}: enter a whole number ≥ ${leastWhole(key)}`;
    else if (s.kind === 'integer' && x > Number.MAX_SAFE_INTEGER) errors[key] = `${s.label}: ${TOO_LARGE}`;
    return x;
  };
  const hidden = (values.hidden ?? []).map((w, i) => {
    const text = normaliseNumber(w, 'integer'); // "1,024" too
    const x = /^\d+$/.test(text) ? Number(text) : NaN;
    if (!Number.isInteger(x) || x < leastWhole('hidden[]')) errors[`hidden[${i}]`] = `Hidden layer ${i + 1}: enter a whole number of units ≥ ${leastWhole('hidden[]')}`;
    return x;
  });
  const optimizerKind = values['optimizer.kind'];
  const optimizer = { kind: optimizerKind };
  for (const [param, fallback] of Object.entries(kindDefaults.optimizer[optimizerKind] ?? {})) {
    const key = `optimizer.${param}`;
    optimizer[param] = typeof fallback === 'boolean' ? Boolean(values[key]) : number(key);
  }
  const scheduleKind = values['schedule.kind'];
  const schedule = { kind: scheduleKind, warmup_epochs: number('schedule.warmup_epochs') };
  for (const param of Object.keys(kindDefaults.schedule[scheduleKind] ?? {})) {
    schedule[param] = number(`schedule.${param}`);
  }
  const augment = { enabled: Boolean(values['augment.enabled']) };
  for (const param of ['max_shift', 'max_rotation', 'max_scale', 'max_shear', 'thickness']) {
    augment[param] = number(`augment.${param}`);
  }
  const config = {
    hidden,
    activation: values.activation,
    init: values.init,
    dropout: number('dropout'),
    weight_decay: number('weight_decay'),
    optimizer,
    learning_rate: number('learning_rate'),
    schedule,
    batch_size: number('batch_size'),
    epochs: number('epochs'),
    validation_size: number('validation_size'),
    train_subset: number('train_subset'),
    seed: number('seed'),
    augment,
    threads: number('threads'),
  };
  return { config, errors };
}

/** Whether a setting applies to these values (e.g. β₁ only for Adam and AdamW). */
export const applies = (setting, values) => !setting.when || setting.when(values);

/** True when two value sets mean the same config (used to show which preset is selected). */
export function sameValues(a, b) {
  if (a.hidden.join('-') !== b.hidden.join('-')) return false;
  return SETTINGS.every((s) => s.key === 'hidden' || !applies(s, a) || String(a[s.key]) === String(b[s.key]));
}

/**
 * An engine message about a setting in the words of the form: its leading key ("learning_rate
 * must be …", "hidden[1] must be …") becomes the field's label ("Learning rate must be …",
 * "Hidden layer 2 must be …"). Other messages are returned as they are.
 */
export function inFormWords(message, key) {
  const text = rangesInWords(message);
  const layer = /^hidden\[(\d+)\]$/.exec(key ?? '');
  const label = layer ? `Hidden layer ${Number(layer[1]) + 1}` : SETTING[key]?.label;
  if (!label || !key || !text.startsWith(`${key} `)) return text;
  return `${label}${text.slice(key.length)}`;
}

/**
 * The engine's ranges in words for the page: "must be in (0, 10]" → "must be above 0 and at most
 * 10", "in [0, 1)" → "at least 0 and below 1", "finite and > 0" → "above 0", ">= 1" → "1 or more".
 */
export function rangesInWords(message) {
  const lower = { '(': 'above', '[': 'at least' };
  const upper = { ')': 'below', ']': 'at most' };
  return message
    // Large whole numbers as the form shows them: "60000 training images" → "60,000".
    .replace(/(?<![\d.,])\d{5,}(?![\d.,])/g, (n) => Number(n).toLocaleString('en-US'))
    .replace(/must be (?:a number )?in ([[(])\s*([^,\])]+?),\s*([^\])]+?)\s*([\])])/g, (_, open, lo, hi, close) => `must be ${lower[open]} ${lo} and ${upper[close]} ${hi}`)
    .replace(/must be finite and > (\S+?)(,|$)/g, 'must be above $1$2')
    .replace(/must be (?:finite and )?>= (\S+?)(,|$)/g, 'must be $1 or more$2');
}
