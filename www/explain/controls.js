// The digit picker of "Look inside a prediction" (www/explain/): ten radio buttons 0–9 in a
// fieldset, styled as a row of keys (www/explain/explain.css), for "Make it a …" and "Learn it as …".
//
// Does not: decide which digit is checked or what picking one does (the views do).

import { el } from '../ui/dom.js';

/**
 * @param {{legend: string, testid: string, onPick(k: number): void, classes?: number}} options
 * @returns {{element: HTMLFieldSetElement, check(k: number): void}} radios "<testid>-<k>"
 */
export function digitRadios({ legend, testid, onPick, classes = 10 }) {
  const name = `${testid}-${Math.random().toString(36).slice(2)}`;
  const radios = Array.from({ length: classes }, (_, k) => {
    const input = el('input', { type: 'radio', name, value: String(k), testid: `${testid}-${k}` });
    input.addEventListener('change', () => input.checked && onPick(k));
    return input;
  });
  const element = el('fieldset', { class: 'xp-digits' }, [
    el('legend', { text: legend }),
    ...radios.map((input, k) => el('label', { class: 'xp-digit-choice' }, [input, el('span', { text: String(k) })])),
  ]);
  return { element, check: (k) => (radios[k].checked = true) };
}
