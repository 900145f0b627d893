// Test-set insight: the confusion matrix as a heatmap of buttons (clicking a cell shows those test
// images), per-class accuracy, and a gallery of test digits with true and predicted labels and
// the network's confidence (most confident mistakes first). Rows, columns, bars and captions follow
// the test set's classes and names (setClasses; an index stands in for a class without a name). Each digit is a button that fires a
// `gallery-pick` event ({index, label, predicted, confidence, pixels}) on the gallery element.
//
// It renders an `evaluation` message (src/metrics.rs: confusion[true][predicted],
// per_class_accuracy, misclassified [{index, label, predicted, confidence}]) and asks the page
// for pixels through `fetchImages(query)` → Promise<[{index, label, pixels}]>, where query is
// `{indices}` or `{label, exclude, limit}` (correctly classified images of one digit).
//
// Non-goals: evaluating anything itself.

import { numberFormat } from '../ui/format.js';
import { className, upwardLabels } from '../ui/classes.js';

const PAGE = 48;
/** "1 test image", "1,032 test images". */
const count = (n, noun) => `${numberFormat.format(n)} ${noun}${n === 1 ? '' : 's'}`;
const percent = (x, digits = 1) => `${(100 * x).toFixed(digits)}%`;

/** The theme's ink colour [r, g, b], read through a probe element (CSS variable --digit-ink). */
export function inkColour() {
  const probe = document.createElement('span');
  probe.className = 'digit-ink-probe';
  document.body.append(probe);
  const rgb = getComputedStyle(probe).color.match(/\d+(\.\d+)?/g)?.map(Number) ?? [0, 0, 0];
  probe.remove();
  return rgb.slice(0, 3);
}

/** Draws MNIST pixels (0 = background, side × side) as ink of that opacity on a transparent canvas of their size. */
export function drawDigit(canvas, pixels, [r, g, b]) {
  const side = Math.round(Math.sqrt(pixels.length));
  canvas.width = side;
  canvas.height = side;
  const context = canvas.getContext('2d');
  const image = context.createImageData(side, side);
  for (let i = 0; i < pixels.length; i++) {
    image.data[4 * i] = r;
    image.data[4 * i + 1] = g;
    image.data[4 * i + 2] = b;
    image.data[4 * i + 3] = pixels[i];
  }
  context.putImageData(image, 0, 0);
}

export class TestInsight {
  /**
   * @param {{matrix: HTMLElement, perClass: HTMLElement, gallery: HTMLElement, galleryTitle: HTMLElement,
   *          more: HTMLButtonElement, showAll: HTMLButtonElement}} ui
   * @param {(query) => Promise<{index, label, pixels}[]>} fetchImages
   */
  constructor(ui, fetchImages) {
    this.ui = ui;
    this.fetchImages = fetchImages;
    this.evaluation = null;
    /** The gallery's list: [{index, label, predicted, confidence?}] and how many are shown. */
    this.items = [];
    this.shown = 0;
    this.filter = null;
    this.generation = 0;
    /** The test set's class names in label order (setClasses). */
    this.names = [];
    ui.more.addEventListener('click', () => this.showMore());
    // Digits are drawn in the theme's ink: redraw them when the theme changes.
    matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => this.select(this.filter, true));
    ui.showAll.addEventListener('click', () => this.select(null));
    this.buildMatrix();
    this.buildPerClass();
  }

  buildMatrix() {
    const table = document.createElement('table');
    table.className = 'confusion';
    const caption = document.createElement('caption');
    caption.className = 'visually-hidden';
    caption.textContent = 'Confusion matrix: rows are the true classes, columns the predicted classes; each cell counts test images';
    const head = document.createElement('thead');
    const headRow = document.createElement('tr');
    const corner = document.createElement('th');
    corner.className = 'corner';
    corner.setAttribute('aria-label', 'true class, predicted class');
    headRow.append(corner);
    const n = this.classCount();
    for (let p = 0; p < n; p++) {
      const th = document.createElement('th');
      th.scope = 'col';
      th.textContent = this.name(p);
      headRow.append(th);
    }
    head.append(headRow);
    const body = document.createElement('tbody');
    this.cells = [];
    for (let t = 0; t < n; t++) {
      const row = document.createElement('tr');
      const th = document.createElement('th');
      th.scope = 'row';
      th.textContent = this.name(t);
      row.append(th);
      const cells = [];
      for (let p = 0; p < n; p++) {
        const td = document.createElement('td');
        const button = document.createElement('button');
        button.type = 'button';
        button.className = t === p ? 'cell diagonal' : 'cell';
        button.disabled = true;
        button.dataset.true = String(t);
        button.dataset.predicted = String(p);
        button.addEventListener('click', () => this.select({ label: t, predicted: p }));
        td.append(button);
        row.append(td);
        cells.push(button);
      }
      this.cells.push(cells);
      body.append(row);
    }
    table.append(caption, head, body);
    this.ui.matrix.replaceChildren(table);
    // One tab stop for the whole matrix; arrow keys move between cells (skipping empty ones).
    body.addEventListener('keydown', (event) => {
      const moves = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
      const move = moves[event.key];
      const from = event.target.closest('button.cell');
      if (!move || !from) return;
      event.preventDefault();
      let t = Number(from.dataset.true);
      let p = Number(from.dataset.predicted);
      for (;;) {
        t += move[0];
        p += move[1];
        if (t < 0 || t >= n || p < 0 || p >= n) return;
        if (!this.cells[t][p].disabled) break;
      }
      this.focusCell(t, p);
    });
  }

  /** Makes cell (t, p) the matrix's tab stop and focuses it. */
  focusCell(t, p, focus = true) {
    for (const row of this.cells) for (const b of row) b.tabIndex = -1;
    this.cells[t][p].tabIndex = 0;
    if (focus) this.cells[t][p].focus();
  }

  /** How many classes the matrix and bars show: the names', or an evaluation's of unnamed classes. */
  classCount() {
    return this.names.length || this.evaluation?.confusion.length || 0;
  }

  /** Class k's name (its index when the test set gave none). */
  name(k) {
    return className(this.names, k);
  }

  /** The test set's classes changed (`names` in label order): rebuilds the matrix and bars. */
  setClasses(names) {
    if (JSON.stringify(names) === JSON.stringify(this.names)) return;
    this.names = names.slice();
    this.buildMatrix();
    this.buildPerClass();
    if (this.evaluation && this.evaluation.confusion.length === this.classCount()) this.show(this.evaluation);
  }

  buildPerClass() {
    this.perClassItems = Array.from({ length: this.classCount() }, (_, digit) => {
      const li = document.createElement('li');
      const value = document.createElement('span');
      value.className = 'bar-value';
      const bar = document.createElement('span');
      bar.className = 'bar';
      const label = document.createElement('span');
      label.className = 'bar-label';
      label.textContent = this.name(digit);
      li.append(value, bar, label);
      return { li, value, bar };
    });
    this.ui.perClass.style.setProperty('--columns', String(Math.max(1, this.perClassItems.length)));
    this.ui.perClass.classList.toggle('long-names', upwardLabels(this.names));
    this.ui.perClass.replaceChildren(...this.perClassItems.map((i) => i.li));
  }

  /** Shows a new evaluation (keeps the selected cell, if any). */
  show(evaluation) {
    this.evaluation = evaluation;
    const { confusion, per_class_accuracy: perClass } = evaluation;
    const n = confusion.length;
    // An evaluation of other classes than those built (unnamed data): rebuild for its size.
    if (this.cells.length !== n) {
      if (this.names.length !== n) this.names = [];
      this.buildMatrix();
      this.buildPerClass();
    }
    let maxOff = 1;
    let maxDiag = 1;
    for (let t = 0; t < n; t++) {
      for (let p = 0; p < n; p++) {
        if (t === p) maxDiag = Math.max(maxDiag, confusion[t][p]);
        else maxOff = Math.max(maxOff, confusion[t][p]);
      }
    }
    for (let t = 0; t < n; t++) {
      for (let p = 0; p < n; p++) {
        const images = confusion[t][p];
        const button = this.cells[t][p];
        button.textContent = images > 0 ? String(images) : ''; // no thousands separator: "1117" fits a cell
        // Off-diagonal cells scale to the largest mistake count, so a few errors still show.
        const intensity = images === 0 ? 0 : t === p ? 0.25 + 0.75 * (images / maxDiag) : 0.15 + 0.85 * Math.sqrt(images / maxOff);
        button.style.setProperty('--intensity', intensity.toFixed(3));
        button.classList.toggle('strong', intensity > 0.6);
        button.disabled = images === 0;
        button.setAttribute('aria-label', `true ${this.name(t)}, predicted ${this.name(p)}: ${count(images, 'test image')}`);
        button.title = `true ${this.name(t)}, predicted ${this.name(p)}: ${count(images, 'image')}`;
      }
    }
    // The tab stop: the selected cell, else the largest mistake.
    let stop = this.filter ? [this.filter.label, this.filter.predicted] : null;
    if (!stop || this.cells[stop[0]][stop[1]].disabled) {
      let best = -1;
      for (let t = 0; t < n; t++) {
        for (let p = 0; p < n; p++) {
          if (t !== p && confusion[t][p] > best) [best, stop] = [confusion[t][p], [t, p]];
        }
      }
    }
    if (stop) this.focusCell(stop[0], stop[1], false);
    // The bars span 80–100%, where the differences between digits are; lower on harder data (a
    // class read 55% of the time), down to the nearest 10% below the weakest class.
    const weakest = Math.min(...perClass.filter(Number.isFinite));
    const floor = weakest >= 0.8 ? 0.8 : Math.max(0, Math.floor(weakest * 10) / 10);
    if (this.ui.range) this.ui.range.textContent = `Bars span ${Math.round(floor * 100)}–100%.`;
    perClass.forEach((accuracy, digit) => {
      const item = this.perClassItems[digit];
      const valid = Number.isFinite(accuracy);
      // "99.3%": the % sign is dropped on narrow screens (www/ui/style.css), where it would make
      // neighbouring values touch; the chart's caption says the values are percentages.
      if (valid) item.value.replaceChildren((100 * accuracy).toFixed(1), Object.assign(document.createElement('span'), { className: 'pct', textContent: '%' }));
      else item.value.textContent = '–';
      item.bar.style.setProperty('--fraction', valid ? String(Math.max(0, (accuracy - floor) / (1 - floor))) : '0');
      item.li.setAttribute('aria-label', `${this.name(digit)}: ${valid ? percent(accuracy) : 'no images'} correct`);
      item.li.dataset.value = valid ? String(accuracy) : '';
    });
    this.select(this.filter, true);
  }

  /** Empties everything (a reset). */
  clear() {
    this.evaluation = null;
    this.filter = null;
    this.items = [];
    this.buildMatrix();
    this.buildPerClass();
    this.ui.gallery.replaceChildren();
    this.ui.galleryTitle.textContent = 'Train a network to see the test images it gets wrong.';
    if (this.ui.range) this.ui.range.textContent = 'Bars span 80–100%.';
    this.ui.more.hidden = true;
    this.ui.showAll.hidden = true;
  }

  /** Shows the images of one confusion cell, or (null) every mistake. */
  async select(filter, keepScroll = false) {
    const evaluation = this.evaluation;
    if (!evaluation) return;
    this.filter = filter;
    for (const row of this.cells) for (const b of row) b.removeAttribute('aria-pressed');
    if (filter) {
      this.cells[filter.label][filter.predicted].setAttribute('aria-pressed', 'true');
      this.focusCell(filter.label, filter.predicted, false);
    }
    const generation = ++this.generation;
    const mistakes = [...evaluation.misclassified].sort((a, b) => b.confidence - a.confidence);
    let title;
    if (!filter) {
      this.items = mistakes;
      title = `${count(mistakes.length, 'misclassified test image')}, most confident mistakes first`;
    } else if (filter.label !== filter.predicted) {
      this.items = mistakes.filter((m) => m.label === filter.label && m.predicted === filter.predicted);
      title = `True ${this.name(filter.label)}, predicted ${this.name(filter.predicted)}: ${count(this.items.length, 'test image')}`;
    } else {
      // Correct ones: the worker lists test images of this digit that are not among the mistakes.
      const exclude = mistakes.filter((m) => m.label === filter.label).map((m) => m.index);
      const correct = evaluation.confusion[filter.label][filter.label];
      const images = await this.fetchImages({ label: filter.label, exclude, limit: PAGE * 4 });
      if (generation !== this.generation) return;
      this.items = images.map((i) => ({ index: i.index, label: i.label, predicted: i.label, pixels: i.pixels }));
      title = `True ${this.name(filter.label)}, predicted ${this.name(filter.label)} (correct): ${count(correct, 'test image')}, the first ${this.items.length} shown`;
    }
    this.ui.galleryTitle.textContent = title;
    this.ui.showAll.hidden = !filter;
    this.shown = 0;
    this.ui.gallery.replaceChildren();
    if (!keepScroll && filter) this.ui.galleryTitle.scrollIntoView({ block: 'nearest' });
    await this.showMore(generation);
  }

  async showMore(generation = this.generation) {
    const next = this.items.slice(this.shown, this.shown + PAGE);
    this.shown += next.length;
    this.ui.more.hidden = this.shown >= this.items.length;
    const missing = next.filter((m) => !m.pixels).map((m) => m.index);
    const pixels = new Map();
    if (missing.length > 0) {
      for (const image of await this.fetchImages({ indices: missing })) pixels.set(image.index, image.pixels);
    }
    if (generation !== this.generation) return;
    const ink = inkColour();
    const cells = next.map((m) => {
      const li = document.createElement('li');
      li.className = m.label === m.predicted ? 'gallery-item correct' : 'gallery-item';
      const canvas = document.createElement('canvas');
      canvas.setAttribute('aria-hidden', 'true');
      const p = m.pixels ?? pixels.get(m.index);
      if (p) drawDigit(canvas, p, ink);
      const caption = document.createElement('span');
      caption.className = 'gallery-caption';
      const confidence = m.confidence !== undefined ? ` ${Math.round(100 * m.confidence)}%` : '';
      caption.textContent = m.label === m.predicted ? this.name(m.label) : `${this.name(m.label)}→${this.name(m.predicted)}${confidence}`;
      // A button: picking a digit fires `gallery-pick` on the gallery (www/explain/gallery-why.js
      // shows why the network reads it so).
      const pick = document.createElement('button');
      pick.type = 'button';
      pick.className = 'gallery-pick';
      pick.append(canvas, caption);
      pick.addEventListener('click', () => {
        if (!p) return;
        const detail = { index: m.index, label: m.label, predicted: m.predicted, confidence: m.confidence, pixels: p };
        this.ui.gallery.dispatchEvent(new CustomEvent('gallery-pick', { detail }));
      });
      li.append(pick);
      li.dataset.index = String(m.index);
      li.dataset.label = String(m.label);
      li.dataset.predicted = String(m.predicted);
      li.setAttribute(
        'aria-label',
        m.label === m.predicted
          ? `test image ${m.index}: a ${this.name(m.label)}, read correctly`
          : `test image ${m.index}: a ${this.name(m.label)}, read as ${this.name(m.predicted)}${m.confidence !== undefined ? ` with ${percent(m.confidence, 0)} confidence` : ''}`,
      );
      li.title = li.getAttribute('aria-label');
      pick.setAttribute('aria-label', `${li.getAttribute('aria-label')}: why?`);
      return li;
    });
    this.ui.gallery.append(...cells);
  }
}
