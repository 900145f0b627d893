// The review grids of "Your own classes": one grid per class of its examples as the network reads
// them (small grey 28×28 images), each with a Delete button, so the learner can spot a bad drawing
// and take it out. The newest SHOWN examples of a class are shown, with "Show all" beyond. After a
// delete the keyboard focus moves to the next example's Delete button (or the class's heading).
//
// Does not: store or delete anything itself (`onDelete(id)` does), draw or train.

import { el } from '../../ui/dom.js';
import { paintGrey } from '../../ui/grey-image.js';

/** Examples shown per class before "Show all". */
const SHOWN = 120;

const plural = (n, noun) => `${n} ${noun}${n === 1 ? '' : 's'}`;

export class ExampleGrids {
  /** @param {{onDelete: (id: string) => Promise<void>}} handlers */
  constructor({ onDelete }) {
    this.onDelete = onDelete;
    this.element = el('div', { class: 'own-grids', testid: 'own-grids' });
    /** Classes whose grid shows every example. */
    this.showAll = new Set();
    /** The classes last shown (for "Show all"). */
    this.lastClasses = [];
  }

  /**
   * Shows `classes` ([{id, name, examples: [records, oldest first]}] in label order). `focusAfter`:
   * {classId, index} of a deleted example, whose neighbour takes the focus.
   */
  show(classes, focusAfter = null) {
    this.lastClasses = classes;
    const sections = classes.map((c, k) => this.classGrid(c, k));
    this.element.replaceChildren(...sections.map((s) => s.section));
    if (!focusAfter) return;
    const s = sections.find((x) => x.id === focusAfter.classId);
    if (!s) return;
    const buttons = [...s.list.querySelectorAll('button.own-example-delete')];
    (buttons[Math.min(focusAfter.index, buttons.length - 1)] ?? s.heading).focus();
  }

  classGrid(c, k) {
    const headingId = `own-grid-heading-${k}`;
    const heading = el('h4', { id: headingId, class: 'own-grid-heading', tabIndex: -1, text: `“${c.name}”: ${plural(c.examples.length, 'example')}` });
    const all = this.showAll.has(c.id) || c.examples.length <= SHOWN;
    // The newest first: the example just added is where the learner looks.
    const order = c.examples.map((e, i) => ({ e, i })).reverse();
    const shown = all ? order : order.slice(0, SHOWN);
    const list = el('ol', { class: 'own-grid', testid: `own-grid-${k}`, dataset: { count: String(c.examples.length), name: c.name }, 'aria-labelledby': headingId });
    shown.forEach(({ e, i }, position) => list.append(this.item(c, e, i, position)));
    const children = [heading];
    if (c.examples.length === 0) children.push(el('p', { class: 'muted own-grid-empty', text: 'No examples yet: pick this class above, draw, and press “Add example”.' }));
    children.push(list);
    if (!all) {
      const more = el('button', { type: 'button', class: 'secondary own-grid-more', text: `Show all ${c.examples.length}` });
      more.addEventListener('click', () => {
        this.showAll.add(c.id);
        this.show(this.lastClasses);
      });
      children.push(more);
    }
    return { id: c.id, section: el('section', { class: 'own-grid-class', 'aria-labelledby': headingId }, children), list, heading };
  }

  item(c, e, number, position) {
    const canvas = el('canvas', { class: 'own-thumb', role: 'img', 'aria-label': `Example ${number + 1} of “${c.name}”` });
    paintGrey(canvas, e.image);
    const remove = el('button', { type: 'button', class: 'own-example-delete', testid: 'own-example-delete', text: '×', title: 'Delete this example', 'aria-label': `Delete example ${number + 1} of “${c.name}”` });
    remove.addEventListener('click', async () => {
      remove.disabled = true;
      await this.onDelete(e.id, { classId: c.id, index: position });
    });
    return el('li', { class: 'own-example', testid: 'own-example', dataset: { id: e.id } }, canvas, remove);
  }
}
