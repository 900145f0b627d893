// The status card and the data card: loading MNIST with a progress bar, the error that stops it
// (with Retry), then, for whichever data set is loaded (MNIST or another: `data-ready`'s
// `dataset`), its name, the set sizes, the class histograms and the sample test images with their
// class names.
//
// Non-goals: talking to the worker (www/app/main.js hands the messages in), the offline note
// (www/ui/offline.js).

import { DATA_FILES } from '../protocol.js';
import { drawDigit, inkColour } from '../playground/insight.js';
import { el } from '../ui/dom.js';
import { formatMB, numberFormat } from '../ui/format.js';
import { className, upwardLabels } from '../ui/classes.js';

export class DataStatus {
  /**
   * @param {object} ui  the elements: status (the card), statusText, statusDetail, progress, error,
   *   errorMessage, trainCount, testCount, trainHistogram, testHistogram, sampleGrid, samplesCaption
   */
  constructor(ui) {
    this.ui = ui;
    /** Bytes downloaded per file (compressed sizes, from Content-Length). */
    this.files = new Map();
    this.samples = [];
    // Redraw the digits in the other ink when the system theme changes.
    matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => {
      if (this.samples.length > 0) this.renderSamples();
    });
  }

  setState(state) {
    this.ui.status.dataset.state = state;
    this.ui.status.setAttribute('aria-busy', String(state === 'loading'));
  }

  get state() {
    return this.ui.status.dataset.state;
  }

  /** A new load begins: an indeterminate bar, no error. */
  starting() {
    this.files.clear();
    this.setState('loading');
    this.ui.error.hidden = true;
    this.ui.progress.hidden = false;
    this.ui.progress.removeAttribute('value');
    this.ui.statusText.textContent = 'Starting the engine…';
    this.ui.statusDetail.textContent = '';
  }

  showError(message, title = 'Could not load MNIST') {
    this.setState('error');
    this.ui.statusText.textContent = title;
    this.ui.statusDetail.textContent = '';
    this.ui.progress.hidden = true;
    this.ui.errorMessage.textContent = message;
    this.ui.error.hidden = false;
  }

  /** A `data-progress` message: bytes of one file so far. */
  progress({ file, loaded, total }) {
    this.files.set(file, { loaded, total });
    if (this.state === 'loading') this.showProgress(); // not over an error (other files still arrive)
  }

  showProgress() {
    let loaded = 0;
    let total = 0;
    for (const p of this.files.values()) {
      loaded += p.loaded;
      total += p.total;
    }
    const fileCount = Object.values(DATA_FILES).length * 2; // images + labels per set
    const allKnown = this.files.size === fileCount && [...this.files.values()].every((p) => p.total > 0);
    const done = allKnown && loaded >= total;
    const { statusText, statusDetail, progress } = this.ui;
    statusText.textContent = done ? 'Decompressing and reading MNIST…' : 'Downloading MNIST…';
    if (allKnown) {
      progress.max = total;
      progress.value = loaded;
      statusDetail.textContent = `${formatMB(loaded)} of ${formatMB(total)} MB`;
    } else {
      progress.removeAttribute('value'); // indeterminate until every file's size is known
      statusDetail.textContent = `${formatMB(loaded)} MB`;
    }
  }

  /** A `data-ready` message: the data set's name, counts, histograms and sample images. */
  show({ dataset, train, test, samples, timings }) {
    const { ui } = this;
    const seconds = (performance.now() / 1000).toFixed(2);
    const custom = dataset?.kind === 'custom';
    this.setState('ready');
    ui.status.dataset.loadMs = String(Math.round(performance.now()));
    ui.status.dataset.dataset = dataset?.kind ?? 'mnist';
    ui.progress.hidden = true;
    ui.error.hidden = true;
    ui.statusText.textContent = `${dataset?.name ?? 'MNIST'} loaded: ${numberFormat.format(train.count + test.count)} images`;
    ui.statusDetail.textContent = custom
      ? `${(test.names ?? []).length} classes, checked in ${(timings.parseMs / 1000).toFixed(2)} s`
      : `${seconds} s after opening the page (download ${(timings.downloadMs / 1000).toFixed(2)} s, ` +
        `parse ${(timings.parseMs / 1000).toFixed(2)} s)`;
    ui.trainCount.textContent = numberFormat.format(train.count);
    ui.trainCount.dataset.value = String(train.count);
    ui.testCount.textContent = numberFormat.format(test.count);
    ui.testCount.dataset.value = String(test.count);
    renderHistogram(ui.trainHistogram, train.histogram, train.names ?? [], 'Training set');
    renderHistogram(ui.testHistogram, test.histogram, test.names ?? [], 'Test set');
    this.names = test.names ?? [];
    this.showSamples(samples, `The first ${samples.length} images of the test set, with their labels.`);
  }

  /** Test images to show as samples ({index, label, pixels}[]) and what they are. */
  showSamples(samples, caption) {
    this.samples = samples;
    this.ui.samplesCaption.textContent = caption;
    this.renderSamples();
  }

  renderSamples() {
    const ink = inkColour();
    const cells = this.samples.map(({ index, label, pixels }) => {
      const canvas = el('canvas', { 'aria-hidden': 'true' });
      drawDigit(canvas, pixels, ink);
      const name = className(this.names, label);
      return el('li', { class: 'sample', 'aria-label': `test image ${index}, labelled ${name}`, title: name }, canvas, el('span', { class: 'sample-label', text: name }));
    });
    this.ui.sampleGrid.classList.toggle('long-names', this.names.some((n) => [...n].length > 5));
    this.ui.sampleGrid.replaceChildren(...cells);
  }
}

/** One bar per class, labelled with its name (`names` in label order; an index where one is missing). */
function renderHistogram(list, histogram, names, setName) {
  const max = Math.max(1, ...histogram);
  const items = histogram.map((count, k) => {
    const name = className(names, k);
    const bar = el('span', { class: 'bar' });
    bar.style.setProperty('--fraction', String(count / max));
    return el(
      'li',
      { 'aria-label': `${name}: ${numberFormat.format(count)} images`, title: `${numberFormat.format(count)} images of ${name}` },
      el('span', { class: 'bar-value', text: numberFormat.format(count) }),
      bar,
      el('span', { class: 'bar-label', text: name }),
    );
  });
  list.style.setProperty('--columns', String(Math.max(1, histogram.length)));
  // Long names are written upwards under their bars.
  list.classList.toggle('long-names', upwardLabels(names));
  list.replaceChildren(...items);
  list.setAttribute('aria-label', `${setName}: images per class`);
}
