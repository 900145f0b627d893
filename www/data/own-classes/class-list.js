// The class list of "Your own classes": one row per class in label order with a radio button (the
// class being drawn), its name in an editable field (checked as it is typed: class-names.js; kept
// when it is valid and the field is left or Enter pressed), its number of examples and Remove; and
// "Add class" below, up to limits.max_classes. A field left with a bad name goes back to the
// stored name and the message stays until the next edit.
//
// Does not: store anything (the handlers do), ask before removing (the panel does), draw.

import { el } from '../../ui/dom.js';
import { nameProblem, tidyName } from './class-names.js';

const plural = (n, noun) => `${n} ${noun}${n === 1 ? '' : 's'}`;

export class ClassList {
  /**
   * @param {{limits: () => object, onPick: (id) => void, onRename: (id, name) => Promise<void>,
   *   onRemove: (id) => void, onAdd: () => void}} handlers
   */
  constructor(handlers) {
    this.handlers = handlers;
    this.list = el('ul', { class: 'own-class-list', testid: 'own-class-list', 'aria-label': 'Your classes; pick the one you are drawing' });
    this.add = el('button', { type: 'button', class: 'secondary own-add-class', testid: 'own-add-class', text: '+ Add class' });
    this.add.addEventListener('click', () => handlers.onAdd());
    this.element = el('fieldset', { class: 'own-classes-fieldset' }, el('legend', { text: 'Classes — pick the one you draw' }), this.list, this.add);
    /** The class being drawn (id). */
    this.picked = null;
  }

  /** Shows `classes` ([{id, name, count}] in label order); keeps the focus in a field being edited. */
  show(classes) {
    const limits = this.handlers.limits();
    if (!classes.some((c) => c.id === this.picked)) this.picked = classes[0]?.id ?? null;
    const focused = document.activeElement;
    const editing = focused?.dataset?.classId && this.list.contains(focused) ? { id: focused.dataset.classId, role: focused.dataset.role } : null;
    this.list.replaceChildren(...classes.map((c, k) => this.row(c, k, classes, limits)));
    if (editing) this.list.querySelector(`[data-class-id="${CSS.escape(editing.id)}"][data-role="${editing.role}"]`)?.focus();
    this.add.disabled = classes.length >= limits.max_classes;
    this.add.title = this.add.disabled ? `At most ${limits.max_classes} classes` : '';
  }

  row(c, k, classes, limits) {
    const errorId = `own-class-error-${k}`;
    const pick = el('input', { type: 'radio', name: 'own-class-pick', value: c.id, checked: c.id === this.picked, testid: `own-class-pick-${k}`, dataset: { classId: c.id, role: 'pick' }, 'aria-label': `Draw “${c.name}”` });
    pick.addEventListener('change', () => {
      if (!pick.checked) return;
      this.picked = c.id;
      this.handlers.onPick(c.id);
    });
    const name = el('input', { type: 'text', class: 'own-class-name', value: c.name, testid: `own-class-name-${k}`, dataset: { classId: c.id, role: 'name' }, 'aria-label': `Name of class ${k + 1}`, spellcheck: false, autocomplete: 'off' });
    const error = el('p', { class: 'field-error own-class-error', id: errorId, testid: `own-class-error-${k}`, hidden: true, role: 'alert' });
    const others = classes.filter((o) => o.id !== c.id).map((o) => o.name);
    const check = () => {
      const problem = nameProblem(tidyName(name.value), others, limits);
      error.textContent = problem ? `Not renamed: ${problem}.` : '';
      error.hidden = !problem;
      name.setAttribute('aria-invalid', String(Boolean(problem)));
      if (problem) name.setAttribute('aria-describedby', errorId);
      else name.removeAttribute('aria-describedby');
      return problem;
    };
    name.addEventListener('input', check);
    const commit = async () => {
      const tidy = tidyName(name.value);
      if (tidy === c.name) return;
      if (check()) {
        name.value = c.name; // the class keeps its name; the message says why
        name.setAttribute('aria-invalid', 'false');
        return;
      }
      await this.handlers.onRename(c.id, tidy);
    };
    name.addEventListener('change', commit);
    name.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') {
        event.preventDefault();
        commit();
      } else if (event.key === 'Escape') {
        name.value = c.name;
        check();
      }
    });
    const count = el('span', { class: 'own-class-count', testid: `own-class-count-${k}`, dataset: { value: String(c.count) }, text: plural(c.count, 'example') });
    const remove = el('button', { type: 'button', class: 'secondary own-class-remove', testid: `own-class-remove-${k}`, text: 'Remove', 'aria-label': `Remove class “${c.name}”`, disabled: classes.length <= 1, dataset: { classId: c.id, role: 'remove' } });
    remove.addEventListener('click', () => this.handlers.onRemove(c.id));
    const label = el('label', { class: 'own-class-pick' }, pick, el('span', { class: 'own-class-index', 'aria-hidden': 'true', text: String(k + 1) }));
    return el('li', { class: 'own-class-row', testid: `own-class-row-${k}`, dataset: { name: c.name, count: String(c.count) } }, label, name, count, remove, error);
  }
}
