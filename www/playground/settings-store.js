// The one owner of the live settings: the form values (numbers as the text typed), from which the
// engine config and the address's fragment are derived on demand. The form renders the store's
// values and edits them; the playground listens and describes the config to the engine and writes
// the fragment; a link (www/playground/share.js) replaces them.
//
// It also knows the loaded data's class names, which every config it makes carries.
//
// Non-goals: the DOM (www/playground/settings-form.js), checking values (the engine's
// describe-config), reading a link (settings-link.js parseHash).

import { configFromValues } from './settings.js';
import { hashFromValues, shareLink } from './settings-link.js';

export class SettingsStore {
  /**
   * @param {object} base  the values of the engine's default config (what the fragment leaves out)
   * @param {object} values  the starting values (from the page's link)
   */
  constructor(base, values) {
    this.base = base;
    this.values = copy(values);
    this.listeners = new Set();
    /** The loaded data's class names when they are not the digits (see useDataClasses), else null. */
    this.dataClasses = null;
  }

  /**
   * The loaded data's class names (`data-ready`): every config made from these settings carries
   * them as `classes`, since the engine refuses a run whose classes are not the data's
   * (src/train/config.rs check_classes_match). The digits are left out (the engine's default), so
   * an MNIST config keeps its one form.
   */
  useDataClasses(names = []) {
    const digits = names.length === 10 && names.every((n, k) => n === String(k));
    this.dataClasses = names.length && !digits ? [...names] : null;
  }

  /** Calls `listener(values, source)` after every change; returns an unsubscribe. */
  onChange(listener) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Takes `values` as the settings (silently: call changed() once the change is complete). */
  replace(values) {
    this.values = copy(values);
  }

  /** Sets one value (e.g. 'learning_rate' to "0.003", as typed) and tells the listeners (`source`). */
  set(key, value, source) {
    this.values[key] = value;
    this.changed(source);
  }

  /** The values changed (`source`: 'form' for the form's own edits, 'link' for a link). */
  changed(source) {
    for (const listener of [...this.listeners]) listener(this.values, source);
  }

  /**
   * The engine config and what does not parse: `{config, errors}` (settings.js configFromValues),
   * with the loaded data's classes (useDataClasses).
   */
  config() {
    const read = configFromValues(this.values);
    if (this.dataClasses) read.config.classes = [...this.dataClasses];
    return read;
  }

  /** The address's fragment for these values ("" for the defaults). */
  hash() {
    return hashFromValues(this.values, this.base);
  }

  /** The link to share: the page's address with the Cores setting in it. */
  shareLink(href = location.href) {
    return shareLink(href, this.values.threads || '1');
  }
}

const copy = (values) => ({ ...values, hidden: [...values.hidden] });
