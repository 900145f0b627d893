// The one owner of the live settings: the form values (numbers as the text typed), from which the
// engine config and the address's fragment are derived on demand. The form renders the store's
// values and edits them; the playground listens and describes the config to the engine and writes
// the fragment; a link (www/playground/share.js) replaces them.
//
// The data set's class names are the one part of the config that is not a setting: they follow
// the loaded data (setClasses) and stay out of the fragment.
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
    /** The loaded data set's class names when they are not the digits (null: the digits). */
    this.classes = null;
  }

  /** The data set's class names go into every config (null: the digits, the engine's default). */
  setClasses(names) {
    this.classes = names ? [...names] : null;
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
   * with the data set's `classes` when they are not the digits (the engine refuses a config of
   * other classes than the data's).
   */
  config() {
    const read = configFromValues(this.values);
    if (this.classes) read.config.classes = [...this.classes];
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
