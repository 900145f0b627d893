// The settings form: renders the table of www/playground/settings.js, the preset picker, the
// hidden-layer list editor, the live read-outs (parameters, FLOPs per sample) and the inline errors.
//
// It renders and edits the values of the settings store (www/playground/settings-store.js) and
// re-renders when a link replaces them. It knows nothing of the worker: the page answers with
// `showReport(report, parseErrors)` once the engine has described the config, and
// `showRunThreads(threads)` says how many cores the worker's current run really uses.
//
// Cores (`threads`): a machine setting. Picking a preset keeps it; on a page that is not
// cross-origin isolated it is disabled at 1 with the reason; a choice above the device's cores
// (navigator.hardwareConcurrency) is allowed (up to the engine's `limits.max_threads`) and said to
// only add overhead.
//
// Non-goals: validation (the engine's describeConfig is the authority), training controls.

import { applies, choices, coresOf, helpText, inFormWords, kindDefaultsOf, normaliseNumber, sameValues, SETTINGS, valuesFromConfig } from './settings.js';
import { el } from '../ui/dom.js';
import { formatCount, layersText, numberFormat } from '../ui/format.js';


/** Names shown for the engine's presets (src/config.rs); unknown ones show as they are. */
const PRESET_LABELS = {
  default: 'Default',
  tiny: 'Tiny and fast',
  softmax_regression: 'Softmax regression',
  keras_mnist_mlp: 'Keras mnist_mlp',
  best_mlp: 'Best MLP',
};

/** Units of a hidden layer added to an empty list (a new layer copies the last one's width otherwise). */
const NEW_LAYER_UNITS = 64;

/** Settings kept when a preset is picked (the machine's, not the model's: Cores). */
const MACHINE_KEYS = SETTINGS.filter((s) => s.machine).map((s) => s.key);
/** `values` with the machine settings of `own` (a preset's values compared or applied as ours). */
const withMachine = (values, own) => ({ ...values, hidden: [...values.hidden], ...Object.fromEntries(MACHINE_KEYS.map((k) => [k, own[k]])) });


/** A DOM id for a config key: "optimizer.beta1" → "cfg-optimizer-beta1". */
const fieldId = (key) => `cfg-${key.replace(/[^a-z0-9]+/gi, '-')}`;

export class ConfigForm {
  /**
   * @param {HTMLFormElement} form  the (empty) form to fill
   * @param {{presets: {name, description, config}[], store: import('./settings-store.js').SettingsStore,
   *   limits: object, newSeed: () => Promise<number|null>}} options  `limits`: the engine's (its
   *   `ready` message); `newSeed`: asks the engine for a fresh random seed
   */
  constructor(form, { presets, store, limits, newSeed }) {
    this.form = form;
    this.limits = limits;
    this.newSeed = newSeed;
    this.presets = presets.map((p) => ({ ...p, values: valuesFromConfig(p.config) }));
    this.store = store;
    // A link (or a run's settings) replaced the values: show them.
    store.onChange((_, source) => source !== 'form' && this.sync());
    /** key → {wrapper, input, error} */
    this.fields = new Map();
    this.cores = coresOf();
    this.render();
    this.sync();
  }

  // --- Rendering -------------------------------------------------------------------------------

  render() {
    const presetSelect = el('select', { id: 'preset', name: 'preset', 'data-testid': 'preset', 'aria-describedby': 'preset-description' });
    presetSelect.append(
      ...this.presets.map((p) => el('option', { value: p.name, text: this.presetLabel(p) })),
      el('option', { value: '', text: 'Custom' }),
    );
    presetSelect.addEventListener('change', () => {
      const preset = this.presets.find((p) => p.name === presetSelect.value);
      if (!preset) return;
      this.store.replace(withMachine(preset.values, this.values));
      this.writeInputs();
      this.changed();
    });
    this.presetSelect = presetSelect;
    this.presetDescription = el('p', { id: 'preset-description', class: 'field-help' });
    const presetField = el('div', { class: 'field field-preset' }, el('label', { for: 'preset', text: 'Preset' }), presetSelect, this.presetDescription);

    const groups = new Map();
    for (const setting of SETTINGS) {
      if (!groups.has(setting.group)) groups.set(setting.group, []);
      groups.get(setting.group).push(setting);
    }
    const fieldsets = [...groups].map(([name, settings]) =>
      el('fieldset', { class: 'settings-group' }, el('legend', { text: name }), ...settings.map((s) => this.renderField(s))),
    );

    this.parameterCount = el('span', { 'data-testid': 'parameter-count', text: '–' });
    this.flops = el('span', { 'data-testid': 'flops-per-sample', text: '–' });
    this.trainingImages = el('span', { 'data-testid': 'training-images', text: '–' });
    const readout = el(
      'dl',
      { class: 'config-readout', 'aria-live': 'polite' },
      el('div', {}, el('dt', { text: 'Parameters' }), el('dd', {}, this.parameterCount)),
      el('div', {}, el('dt', { text: 'FLOPs per sample (forward)' }), el('dd', {}, this.flops)),
      el('div', {}, el('dt', { text: 'Training images' }), el('dd', {}, this.trainingImages)),
    );
    this.summaryError = el('p', { id: 'config-error', class: 'config-error', 'data-testid': 'config-error', role: 'alert', hidden: true });

    this.form.replaceChildren(presetField, readout, this.summaryError, ...fieldsets);
    this.form.addEventListener('submit', (event) => event.preventDefault());
  }

  /** A preset's name for people; the default one also shows its layers ("Default (784-128-10)"). */
  presetLabel(preset) {
    const label = PRESET_LABELS[preset.name] ?? preset.name;
    if (preset.name !== 'default') return label;
    return `${label} (${layersText(preset.config, this.limits)})`;
  }

  renderField(setting) {
    const id = fieldId(setting.key);
    const hint = helpText(setting);
    const help = hint ? el('p', { id: `${id}-help`, class: 'field-help', text: hint }) : null;
    const error = el('p', { id: `${id}-error`, class: 'field-error', hidden: true });
    const describedBy = [help && `${id}-help`, `${id}-error`].filter(Boolean).join(' ');
    const wrapper = el('div', { class: `field field-${setting.kind}`, 'data-key': setting.key });
    let input;

    if (setting.kind === 'hidden') {
      return this.renderLayerList(setting, wrapper, help, error);
    }
    if (setting.kind === 'select') {
      input = el('select', { id, name: setting.key, 'aria-describedby': describedBy });
      input.append(...choices(setting.key).map(([value, label]) => el('option', { value, text: label })));
      input.addEventListener('change', () => this.edit(setting.key, input.value));
      wrapper.append(el('label', { for: id, text: setting.label }), input);
    } else if (setting.kind === 'checkbox') {
      input = el('input', { id, name: setting.key, type: 'checkbox', 'aria-describedby': describedBy });
      input.addEventListener('change', () => this.edit(setting.key, input.checked));
      wrapper.append(el('label', { class: 'checkbox', for: id }, input, ` ${setting.label}`));
    } else {
      // Text, not type=number: what the user typed stays visible, so the error can explain it.
      input = el('input', {
        id,
        name: setting.key,
        type: 'text',
        inputMode: setting.kind === 'integer' ? 'numeric' : 'decimal',
        autocomplete: 'off',
        spellcheck: false,
        'aria-describedby': describedBy,
        'data-testid': setting.testid,
      });
      input.addEventListener('input', () => this.edit(setting.key, input.value));
      wrapper.append(el('label', { for: id, text: setting.label }), input);
    }
    if (setting.key === 'seed') wrapper.append(this.renderSeedButton(input));
    if (help) wrapper.append(help);
    if (setting.key === 'threads') this.renderThreadsNotes(id, input, wrapper);
    wrapper.append(error);
    this.fields.set(setting.key, { wrapper, input, error, setting });
    return wrapper;
  }

  /** "New seed" beside the seed: a random seed drawn by the engine (getrandom), put in the field. */
  renderSeedButton(input) {
    const button = el('button', { type: 'button', class: 'seed-new', text: 'New seed', testid: 'new-seed', title: 'Draw a new random seed' });
    button.addEventListener('click', async () => {
      button.disabled = true;
      try {
        const seed = await this.newSeed();
        if (seed === null || seed === undefined) return;
        input.value = String(seed);
        this.edit('seed', input.value);
      } finally {
        button.disabled = false;
      }
    });
    return button;
  }

  /** Cores: what this page and device allow, and what the current run uses (updateThreadsNote). */
  renderThreadsNotes(id, input, wrapper) {
    this.threadsNote = el('p', { id: `${id}-note`, class: 'field-help', 'data-testid': 'threads-note', 'aria-live': 'polite' });
    this.threadsRun = el('p', { id: `${id}-run`, class: 'field-help', 'data-testid': 'threads-run', 'aria-live': 'polite', hidden: true });
    input.setAttribute('aria-describedby', `${input.getAttribute('aria-describedby')} ${id}-note ${id}-run`);
    if (!this.cores.isolated) input.disabled = true; // stays at 1 (settings-link.js parseHash)
    wrapper.append(this.threadsNote, this.threadsRun);
  }

  updateThreadsNote() {
    if (!this.threadsNote) return;
    const { isolated, cores } = this.cores;
    const n = Number(this.values.threads);
    const device = `this device has ${cores} core${cores === 1 ? '' : 's'}`;
    let text;
    let warn = false;
    if (!isolated) text = 'Only 1: more needs a cross-origin isolated page (this one is not).';
    else if (Number.isInteger(n) && n > cores && n <= this.limits.max_threads) {
      text = `More than the ${cores} of this device: the extra workers only add overhead.`;
      warn = true;
    } else text = `1 to ${this.limits.max_threads}; ${device}.`;
    this.threadsNote.textContent = text;
    this.threadsNote.classList.toggle('field-warning', warn);
  }

  showRunThreads(threads) {
    if (!this.threadsRun) return;
    const n = Number(threads);
    if (!Number.isInteger(n) || n < 1) {
      this.threadsRun.hidden = true;
      return;
    }
    const asked = Number(this.values.threads);
    const fewer = Number.isInteger(asked) && asked > n;
    this.threadsRun.textContent =
      `Latest run: ${n} core${n === 1 ? '' : 's'}` + (fewer ? ` (${asked} set: the engine could not start more workers)` : '');
    this.threadsRun.classList.toggle('field-warning', fewer);
    this.threadsRun.dataset.value = String(n);
    this.threadsRun.hidden = false;
  }

  renderLayerList(setting, wrapper, help, error) {
    const list = el('ol', { class: 'layer-list', 'aria-labelledby': 'hidden-label' });
    const add = el('button', { type: 'button', class: 'add-layer', text: '+ Add layer' });
    add.addEventListener('click', () => {
      if (this.values.hidden.length >= this.limits.max_hidden_layers) return;
      const last = this.values.hidden.at(-1);
      this.values.hidden.push(Number.isInteger(last) && last > 0 ? last : NEW_LAYER_UNITS);
      this.renderLayers();
      list.querySelector('li:last-child input')?.focus();
      this.changed();
    });
    this.shape = el('p', { class: 'field-help layer-shape', 'aria-live': 'polite' });
    wrapper.append(el('span', { id: 'hidden-label', class: 'label', text: setting.label }), list, add, this.shape);
    if (help) wrapper.append(help);
    wrapper.append(error);
    this.layerList = list;
    this.addLayer = add;
    this.fields.set('hidden', { wrapper, input: add, error, setting });
    return wrapper;
  }

  renderLayers() {
    const items = this.values.hidden.map((units, i) => {
      const id = `cfg-hidden-${i}`;
      const input = el('input', {
        id,
        type: 'text',
        inputMode: 'numeric',
        autocomplete: 'off',
        value: String(units),
        'aria-describedby': 'cfg-hidden-error',
        'data-testid': `hidden-${i}`,
      });
      input.addEventListener('input', () => {
        // Digits only ("1,024" too; not "0x10", which Number() would read as 16).
        const text = normaliseNumber(input.value, 'integer');
        this.values.hidden[i] = /^\d+$/.test(text) ? Number(text) : NaN;
        this.changed();
      });
      const remove = el('button', { type: 'button', class: 'remove-layer', 'aria-label': `Remove hidden layer ${i + 1}`, text: '×' });
      remove.addEventListener('click', () => {
        this.values.hidden.splice(i, 1);
        this.renderLayers();
        const next = this.layerList.querySelectorAll('input')[Math.min(i, this.values.hidden.length - 1)];
        (next ?? this.addLayer).focus();
        this.changed();
      });
      return el('li', {}, el('label', { for: id, class: 'layer-label', text: `Layer ${i + 1}` }), input, el('span', { class: 'unit', text: 'units' }), remove);
    });
    this.layerList.replaceChildren(...items);
    this.addLayer.disabled = this.values.hidden.length >= this.limits.max_hidden_layers;
    this.updateShape();
  }

  updateShape() {
    const widths = this.values.hidden.map((w) => (Number.isFinite(w) ? String(w) : '?'));
    // The outputs: one per class of the loaded data set (the store's classes; the digits when none).
    this.shape.textContent = `${this.limits.pixels} → ${[...widths, String(this.store.classes?.length ?? this.limits.classes)].join(' → ')}`;
  }

  // --- Values ----------------------------------------------------------------------------------

  /** The live values (the store's). */
  get values() {
    return this.store.values;
  }

  /** Writes `this.values` into every input (after a preset or a URL change). */
  writeInputs() {
    for (const [key, { input, setting }] of this.fields) {
      if (key === 'hidden') continue;
      if (setting.kind === 'checkbox') input.checked = Boolean(this.values[key]);
      else input.value = this.values[key] ?? '';
    }
    this.renderLayers();
  }


  sync() {
    this.writeInputs();
    this.updateVisibility();
    this.updatePreset();
    this.updateThreadsNote();
  }

  edit(key, value) {
    this.values[key] = value;
    // A new optimizer or schedule kind starts from that kind's defaults if its fields are empty.
    const [head, tail] = key.split('.');
    if (tail === 'kind' && kindDefaultsOf(head)) {
      for (const [param, fallback] of Object.entries(kindDefaultsOf(head)[value] ?? {})) {
        const k = `${head}.${param}`;
        if (this.values[k] === undefined || this.values[k] === '') {
          this.values[k] = typeof fallback === 'boolean' ? fallback : String(fallback);
          this.writeInputs();
        }
      }
    }
    this.changed();
  }

  changed() {
    this.updateVisibility();
    this.updatePreset();
    this.updateShape();
    this.updateThreadsNote();
    this.store.changed('form');
  }

  updateVisibility() {
    for (const { wrapper, setting } of this.fields.values()) wrapper.hidden = !applies(setting, this.values);
  }

  updatePreset() {
    const match = this.presets.find((p) => sameValues(this.values, withMachine(p.values, this.values)));
    this.presetSelect.value = match ? match.name : '';
    this.presetDescription.textContent = match ? match.description : 'Your own settings (the URL holds them: copy it to share this setup).';
  }

  // --- Engine feedback -------------------------------------------------------------------------

  /**
   * Shows the engine's report and the form's own parse errors: the named field is marked
   * aria-invalid with the message beside it; the first message also goes to the summary.
   * @param {{ok, field, message, parameters, flops_per_sample, training_images} | null} report
   * @param {Record<string, string>} parseErrors
   */
  showReport(report, parseErrors) {
    const messages = new Map(Object.entries(parseErrors));
    if (report && !report.ok && messages.size === 0) {
      messages.set(report.field ?? '', inFormWords(report.message ?? 'invalid settings', report.field));
    }
    for (const input of this.form.querySelectorAll('[aria-invalid]')) input.removeAttribute('aria-invalid');
    for (const { error } of this.fields.values()) {
      error.hidden = true;
      error.textContent = '';
    }
    for (const [key, message] of messages) {
      const layer = key.match(/^hidden\[(\d+)\]$/);
      const field = this.fields.get(layer ? 'hidden' : key);
      if (layer) this.layerList.querySelectorAll('input')[Number(layer[1])]?.setAttribute('aria-invalid', 'true');
      else field?.input.setAttribute('aria-invalid', 'true');
      if (field && field.error.hidden) {
        field.error.textContent = message;
        field.error.hidden = false;
      }
    }
    const first = messages.values().next().value;
    // The field of the first message, by its label, for short mentions ("Cannot train: check Learning rate").
    const firstKey = messages.keys().next().value;
    const layer = /^hidden\[(\d+)\]$/.exec(firstKey ?? '');
    this.firstProblemLabel = first ? (layer ? `Hidden layer ${Number(layer[1]) + 1}` : SETTINGS.find((s) => s.key === firstKey)?.label ?? null) : null;
    this.summaryError.hidden = !first;
    this.summaryError.textContent = first ? `Cannot train: ${first}` : '';
    if (report && messages.size === 0) {
      this.parameterCount.textContent = numberFormat.format(report.parameters);
      this.flops.textContent = formatCount(report.flops_per_sample);
      this.trainingImages.textContent = numberFormat.format(report.training_images);
    } else if (report && report.parameters > 0) {
      this.parameterCount.textContent = numberFormat.format(report.parameters);
      this.flops.textContent = formatCount(report.flops_per_sample);
    }
    this.parameterCount.dataset.value = String(report?.parameters ?? '');
  }
}
