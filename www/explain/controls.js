// The class picker of "Look inside a prediction" (www/explain/): one radio button per class of the
// answering model (its names) in a fieldset, styled as a row of keys (www/explain/explain.css), for "Make it a …" and "Learn it as …".
//
// Does not: decide which digit is checked or what picking one does (the views do).

import { el } from '../ui/dom.js';
import { className } from '../ui/classes.js';

/**
 * @param {{legend: string, testid: string, onPick(k: number): void, names?: string[]}} options
 * @returns {{element: HTMLFieldSetElement, check(k: number): void, setClasses(names: string[]): void}}
 *   radios "<testid>-<k>", one per class, labelled with its name
 */
export function digitRadios({ legend, testid, onPick, names = [] }) {
  const group = `${testid}-${Math.random().toString(36).slice(2)}`;
  let radios = [];
  const element = el('fieldset', { class: 'xp-digits' }, [el('legend', { text: legend })]);
  function setClasses(next) {
    radios = next.map((_, k) => {
      const input = el('input', { type: 'radio', name: group, value: String(k), testid: `${testid}-${k}` });
      input.addEventListener('change', () => input.checked && onPick(k));
      return input;
    });
    element.replaceChildren(element.firstChild, ...radios.map((input, k) => el('label', { class: 'xp-digit-choice' }, [input, el('span', { text: className(next, k) })])));
  }
  setClasses(names);
  return {
    element,
    check: (k) => {
      if (radios[k]) radios[k].checked = true;
    },
    setClasses,
  };
}
