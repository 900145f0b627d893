// The Data panel's controls: which data set the page trains on and where another comes from:
// "MNIST" (the default, back in one click: the worker's `load-data`), "Example: Fashion-MNIST"
// (data/fashion/, this site's own files), "Load files…" (IDX images + labels, gzipped or not, and
// a names file; or a CSV), "Load image folder…" (one folder per class) and a drop of a folder or
// files onto the panel. The choices for pictures (MNIST-style or plain resize) and the held-out
// test share sit beside them. Every source becomes one `load-dataset` command (www/protocol.js):
// the engine takes it whole or not at all, so a refusal leaves the current data set as it was,
// and this panel says what was wrong and what to do. When a data set loads, the training settings
// are fitted to its size (fit-settings.js), and a note says what changed.
//
// Does not: show counts, histograms and samples (www/app/data-status.js does, for every data set;
// for another data set this panel picks samples spread over its test set),
// check files (folder.js, data-files.js and the engine), decode pictures (image-worker.js).

import { FromPictures, FromWorker, RunState, ToPictures, ToWorker } from '../protocol.js';
import { el } from '../ui/dom.js';
import { numberFormat } from '../ui/format.js';
import { DataError, planFolder, relativeEntries } from './folder.js';
import { entriesFromDrop, entriesFromPicker } from './folder-read.js';
import { readSets, sortFiles } from './data-files.js';
import { encodeIdxImages, encodeIdxLabels, encodeNames } from './idx-encode.js';
import { MODES } from './preprocess.js';
import { fitSettings, unfitSettings } from './fit-settings.js';

/** The ready example of data that is not MNIST (data/README.md). */
const FASHION = Object.freeze({
  dir: 'data/fashion/',
  name: 'Fashion-MNIST (example)',
  train: { images: 'train-images-idx3-ubyte.gz', labels: 'train-labels-idx1-ubyte.gz' },
  test: { images: 't10k-images-idx3-ubyte.gz', labels: 't10k-labels-idx1-ubyte.gz' },
  names: 'names.txt',
});
/** The held-out share is drawn with this seed, so the same folder splits the same way every time. */
const SPLIT_SEED = 1;

const SETTING_LABELS = { validation_size: 'Validation images', batch_size: 'Batch size', train_subset: 'Training subset' };

/**
 * Mounts the controls into `root` (a container inside the data card).
 * @param {HTMLElement} root
 * @param {{engine: import('../app/engine-client.js').EngineClient, ready: () => object|null,
 *   runState: () => string, settings: () => import('../playground/settings-store.js').SettingsStore|null,
 *   mnistUrl: () => string, samples: number, showSamples: (samples: object[], caption: string) => void}} io
 *   (showSamples: the data card's sample grid, www/app/data-status.js)
 */
export function mountDataPanel(root, io) {
  const ui = build();
  root.replaceChildren(ui.element);
  /** What the last custom data set's fit changed in the settings (undone back on MNIST). */
  let fitted = [];
  /** Whether the data set arriving is one this panel asked for (see `send`). */
  let sending = false;
  let busy = false;
  let worker = null;
  let cancelled = false;
  let current = { kind: 'mnist', name: 'MNIST' };

  const limits = () => io.ready()?.limits ?? null;
  const runActive = () => [RunState.RUNNING, RunState.PAUSED].includes(io.runState());

  function update() {
    const blocked = busy || !limits() || runActive();
    for (const b of [ui.mnist, ui.fashion, ui.filesButton, ui.folderButton]) b.disabled = blocked;
    ui.mnist.setAttribute('aria-pressed', String(current.kind === 'mnist'));
    ui.fashion.setAttribute('aria-pressed', String(current.name === FASHION.name));
    ui.runNote.hidden = busy || !runActive();
    ui.element.dataset.busy = String(busy);
    const l = limits();
    if (l && !ui.share.dataset.ready) {
      ui.share.dataset.ready = '1';
      ui.share.min = String(Math.round(l.test_share.min * 100));
      ui.share.max = String(Math.round(l.test_share.max * 100));
      ui.share.value = String(Math.round(l.default_test_share * 100));
      ui.shareHelp.textContent = `${ui.share.min}–${ui.share.max}%, of every class, when there is no test folder or test file`;
    }
  }

  function say(kind, text) {
    ui.error.hidden = kind !== 'error';
    ui.errorMessage.textContent = kind === 'error' ? text : '';
    ui.note.hidden = kind !== 'note' || !text;
    ui.note.textContent = kind === 'note' ? text : '';
  }

  /** Shows what a load is doing (null: nothing), with a bar of `done` of `total` (null: unknown). */
  function progress(text, done = null, total = null) {
    ui.progressBox.hidden = text === null;
    ui.progressText.textContent = text ?? '';
    ui.cancel.hidden = !worker; // only decoding pictures can be cancelled
    if (done === null) ui.progress.removeAttribute('value');
    else {
      ui.progress.max = total;
      ui.progress.value = done;
    }
  }

  /** The test share the learner chose (0.01–0.9), or a DataError. */
  function testShare() {
    const l = limits();
    const percent = Number(ui.share.value);
    const share = percent / 100;
    if (!Number.isFinite(percent) || share < l.test_share.min || share > l.test_share.max) {
      throw new DataError(`Test share must be ${ui.share.min} to ${ui.share.max}% (it is "${ui.share.value}") — change it and load again`);
    }
    return share;
  }

  /** Runs one load: busy while it lasts, its error shown, the previous data set kept on failure. */
  async function run(what, job) {
    if (busy) return;
    busy = true;
    cancelled = false;
    say('note', '');
    ui.error.hidden = true;
    update();
    try {
      const note = await job();
      say('note', note ?? '');
    } catch (err) {
      if (cancelled) say('note', `Cancelled: the data set is still ${current.name}.`);
      else say('error', `Could not load ${what}: ${String(err.message).replace(/\.$/, '')}. The data set is still ${current.name}.`);
    } finally {
      worker?.terminate();
      worker = null;
      busy = false;
      progress(null);
      update();
    }
  }

  /** Sends `load-dataset` and waits for the data set to be in the engine. */
  async function send(message) {
    progress('Checking and loading…');
    sending = true;
    try {
      const reply = await io.engine.request({ type: ToWorker.LOAD_DATASET, samples: io.samples, ...message }, FromWorker.DATA_READY);
      if (!reply) throw new Error('the engine restarted meanwhile — try again');
      return reply;
    } finally {
      sending = false;
    }
  }

  function loaded(reply, extra = []) {
    const { train, test } = reply;
    const names = test.names ?? [];
    return [`Loaded ${reply.dataset.name}: ${names.length} classes, ${numberFormat.format(train.count)} training and ${numberFormat.format(test.count)} test images.`, ...extra]
      .filter(Boolean)
      .join(' ');
  }

  // --- The sources ------------------------------------------------------------------------------

  ui.mnist.addEventListener('click', () =>
    run('MNIST', async () => {
      progress('Loading MNIST…');
      const reply = await io.engine.request({ type: ToWorker.LOAD_DATA, baseUrl: io.mnistUrl(), samples: io.samples }, FromWorker.DATA_READY);
      if (!reply) throw new Error('the engine restarted meanwhile — try again');
      return 'Back on MNIST.';
    }),
  );

  ui.fashion.addEventListener('click', () =>
    run(FASHION.name, async () => {
      progress('Fetching the Fashion-MNIST example…');
      const base = new URL(FASHION.dir, document.baseURI);
      const get = async (file) => {
        const url = new URL(file, base);
        let response;
        try {
          response = await fetch(url);
        } catch (err) {
          throw new Error(`${FASHION.dir}${file} could not be fetched (${err.message}) — check the connection, or load the page once online so it works offline`);
        }
        if (!response.ok) throw new Error(`${FASHION.dir}${file}: the server answered ${response.status} — is the example shipped with this copy of the page?`);
        return new Uint8Array(await response.arrayBuffer());
      };
      const [trainImages, trainLabels, testImages, testLabels, names] = await Promise.all(
        [FASHION.train.images, FASHION.train.labels, FASHION.test.images, FASHION.test.labels, FASHION.names].map(get),
      );
      const set = (images, labels, files) => ({ format: 'idx', images, images_name: files.images, labels, labels_name: files.labels, names, names_name: FASHION.names });
      const reply = await send({ name: FASHION.name, train: set(trainImages, trainLabels, FASHION.train), test: set(testImages, testLabels, FASHION.test) });
      return loaded(reply);
    }),
  );

  ui.filesButton.addEventListener('click', () => ui.files.click());
  ui.files.addEventListener('change', () => {
    const files = [...ui.files.files];
    ui.files.value = '';
    if (files.length) loadFiles(files);
  });

  ui.folderButton.addEventListener('click', () => ui.folder.click());
  ui.folder.addEventListener('change', () => {
    const picked = entriesFromPicker(ui.folder.files);
    ui.folder.value = '';
    if (picked.entries.length) loadFolder(picked);
    else say('error', 'Could not load the folder: it holds no files. The data set is unchanged.');
  });

  function loadFiles(files) {
    return run(files.length === 1 ? files[0].name : 'the files', async () => {
      const l = limits();
      const sorted = sortFiles(files, l.max_dataset_file_bytes);
      const share = sorted.test ? undefined : testShare();
      progress('Reading the files…');
      const { train, test } = await readSets(sorted, l.max_dataset_file_bytes);
      const main = sorted.format === 'csv' ? sorted.train.name : sorted.train.images.name;
      const name = main.replace(/\.gz$/i, '').replace(/([-_.]idx\d)?[-_.]ubyte$|\.(csv|idx\d?)$/i, '');
      const reply = await send({ name, train, test, test_share: share, seed: SPLIT_SEED });
      return loaded(reply, [sorted.test ? '' : `${Math.round(share * 100)}% of every class is held out as the test set.`]);
    });
  }

  function loadFolder({ entries, stripRoot, name }) {
    const title = name || 'your pictures';
    return run(`the folder ${title}`, async () => {
      const l = limits();
      const plan = planFolder(relativeEntries(entries, stripRoot), l);
      const share = plan.test ? undefined : testShare();
      const mode = ui.mode.querySelector('input:checked')?.value ?? MODES.MNIST;
      const all = [...plan.train, ...(plan.test ?? [])];
      const images = await decode(all, mode, l.side);
      const side2 = l.side * l.side;
      const names = encodeNames(plan.classes);
      const set = (list, offset, what) => ({
        format: 'idx',
        images: encodeIdxImages(images.pictures.subarray(offset * side2, (offset + list.length) * side2), l.side, l.side),
        images_name: `${title} (${what} pictures)`,
        labels: encodeIdxLabels(list.map((e) => e.label)),
        labels_name: `${title} (${what} class folders)`,
        names,
        names_name: 'the class folder names',
      });
      const train = set(plan.train, 0, 'training');
      const test = plan.test ? set(plan.test, plan.train.length, 'test') : null;
      const reply = await send({ name: title, train, test, test_share: share, seed: SPLIT_SEED });
      return loaded(reply, [
        plan.test ? '' : `${Math.round(share * 100)}% of every class is held out as the test set.`,
        images.inverted > 0 ? `${numberFormat.format(images.inverted)} of ${numberFormat.format(all.length)} pictures were dark on light and were inverted.` : '',
        plan.skipped.length > 0 ? `Skipped ${plan.skipped.length} file${plan.skipped.length === 1 ? '' : 's'} that ${plan.skipped.length === 1 ? 'is not a picture' : 'are not pictures'}: ${plan.skipped.slice(0, 3).join(', ')}${plan.skipped.length > 3 ? ', …' : ''}.` : '',
      ]);
    });
  }

  /** Decodes the plan's pictures in the picture worker: {pictures: Uint8Array, inverted}. */
  function decode(list, mode, side) {
    return new Promise((resolve, reject) => {
      worker = new Worker(new URL('./image-worker.js', import.meta.url), { type: 'module', name: 'pictures' });
      progress(`Reading pictures: 0 of ${numberFormat.format(list.length)}`, 0, list.length);
      ui.cancel.onclick = () => {
        cancelled = true;
        reject(new Error('cancelled'));
      };
      const finish = () => {
        worker?.terminate();
        worker = null;
      };
      worker.onmessage = ({ data }) => {
        if (data.type === FromPictures.PROGRESS) progress(`Reading pictures: ${numberFormat.format(data.done)} of ${numberFormat.format(data.total)}`, data.done, data.total);
        else if (data.type === FromPictures.FAILED) {
          finish();
          reject(new DataError(`${list[data.index].path}: ${data.message}`));
        } else if (data.type === FromPictures.DONE) {
          finish();
          resolve({ pictures: data.images, inverted: data.inverted });
        }
      };
      worker.onerror = (event) => {
        event.preventDefault();
        reject(new Error(`the picture reader failed (${event.message || 'no detail'}) — reload the page and try again`));
      };
      worker.postMessage({ type: ToPictures.PICTURES, files: list.map((e) => e.file), mode, side });
    });
  }

  // --- Drag and drop ----------------------------------------------------------------------------

  const zone = ui.element;
  let depth = 0;
  zone.addEventListener('dragenter', (event) => {
    if (!event.dataTransfer?.types.includes('Files')) return;
    depth += 1;
    zone.dataset.drop = 'over';
  });
  zone.addEventListener('dragleave', () => {
    depth = Math.max(0, depth - 1);
    if (depth === 0) delete zone.dataset.drop;
  });
  zone.addEventListener('dragover', (event) => {
    if (!event.dataTransfer?.types.includes('Files')) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = busy || runActive() ? 'none' : 'copy';
  });
  zone.addEventListener('drop', (event) => {
    event.preventDefault();
    depth = 0;
    delete zone.dataset.drop;
    if (busy || runActive() || !limits()) return;
    const dropped = entriesFromDrop(event.dataTransfer);
    dropped.then((d) => {
      if (d.entries.length === 0) return say('error', 'Nothing usable was dropped: drop a folder of class folders, or data files. The data set is unchanged.');
      if (d.folders > 0) return loadFolder(d);
      return loadFiles(d.entries.map((e) => e.file));
    }, (err) => say('error', `Could not read what was dropped (${err.message}). The data set is unchanged.`));
  });

  // --- The engine's side ------------------------------------------------------------------------

  io.engine.on(FromWorker.DATA_READY, (message) => {
    current = message.dataset ?? { kind: 'mnist', name: 'MNIST' };
    const names = message.test?.names ?? [];
    ui.current.textContent = `${current.name}: ${names.length} classes (${names.length > 12 ? `${names.slice(0, 12).join(', ')}, …` : names.join(', ')})`;
    ui.element.dataset.dataset = current.kind;
    ui.element.dataset.name = current.name;
    const store = io.settings();
    if (store) {
      if (current.kind === 'mnist') {
        if (fitted.length) {
          store.replace(unfitSettings(store.values, fitted));
          store.changed('data');
          fitted = [];
        }
      } else if (!sending) {
        // Loaded by another panel (Your own classes), which sets the settings for its data itself:
        // this panel's fitting is undone and its note hidden.
        if (fitted.length) {
          store.replace(unfitSettings(store.values, fitted));
          store.changed('data');
          fitted = [];
        }
      } else {
        const mnistCount = io.ready()?.limits.train_images;
        const fit = fitSettings(unfitSettings(store.values, fitted), store.base, message.train.count, mnistCount);
        fitted = fit.changes;
        store.replace(fit.values);
        store.changed('data');
        if (fit.changes.length) {
          ui.fitNote.textContent = `Settings fitted to its ${numberFormat.format(message.train.count)} training images: ${fit.changes
            .map((c) => `${SETTING_LABELS[c.key] ?? c.key} ${c.from} → ${c.to}`)
            .join(', ')} (back on MNIST they return).`;
        }
      }
    }
    ui.fitNote.hidden = current.kind === 'mnist' || fitted.length === 0;
    update();
    spreadSamples(message);
  });

  /**
   * Another data set's test images are often sorted by class (Fashion-MNIST's are, and so are a
   * folder's): its samples are spread over the whole test set, so every class shows.
   */
  let samplesAsked = 0;
  async function spreadSamples(message) {
    const asked = ++samplesAsked;
    const count = message.test?.count ?? 0;
    if (message.dataset?.kind !== 'custom' || count <= io.samples) return;
    const indices = Array.from({ length: io.samples }, (_, i) => Math.floor((i * count) / io.samples));
    const reply = await io.engine.request({ type: ToWorker.TEST_IMAGES, indices }, FromWorker.TEST_IMAGES).catch(() => null);
    if (!reply || asked !== samplesAsked) return; // a newer data set came meanwhile
    io.showSamples(reply.images, `${reply.images.length} images spread evenly over the test set, with their labels.`);
  }
  io.engine.on(FromWorker.READY, update);
  io.engine.on(FromWorker.RUN_STATE, update);
  update();
  return { update };
}

function build() {
  const uid = 'data-panel';
  const current = el('p', { class: 'data-current', testid: 'dataset-current', 'aria-live': 'polite', text: 'MNIST' });
  const mnist = el('button', { type: 'button', testid: 'dataset-mnist', text: 'MNIST', title: 'The handwritten digits (the default)' });
  const fashion = el('button', { type: 'button', testid: 'dataset-fashion', text: 'Example: Fashion-MNIST', title: '7,000 photos of clothes in 10 classes, shipped with the page' });
  // No `accept` filter: MNIST's own uncompressed files have no extension at all.
  const files = el('input', { type: 'file', multiple: true, hidden: true, testid: 'dataset-files' });
  const filesButton = el('button', { type: 'button', testid: 'dataset-files-button', text: 'Load files…', title: 'IDX images and labels (gzipped or not) with an optional names file, or a CSV: label, 784 pixels' });
  const folder = el('input', { type: 'file', hidden: true, testid: 'dataset-folder' });
  folder.webkitdirectory = true;
  folder.multiple = true;
  const folderButton = el('button', { type: 'button', testid: 'dataset-folder-button', text: 'Load image folder…', title: 'A folder with one folder of PNG or JPEG pictures per class' });
  const radio = (value, label, checked) =>
    el('label', { class: 'data-choice' }, el('input', { type: 'radio', name: `${uid}-mode`, value, checked, testid: `dataset-mode-${value}` }), ` ${label}`);
  const mode = el(
    'fieldset',
    { class: 'data-mode' },
    el('legend', { text: 'Pictures become 28×28 grey images' }),
    radio(MODES.MNIST, 'as MNIST was made (ink fitted into 20×20, centred by mass)', true),
    radio(MODES.PLAIN, 'by a plain resize (the whole picture squashed)', false),
  );
  const share = el('input', { type: 'number', id: `${uid}-share`, testid: 'dataset-test-share', step: '1', inputMode: 'numeric', class: 'data-share-input' });
  const shareHelp = el('span', { class: 'field-help' });
  const shareField = el('div', { class: 'data-share' }, el('label', { for: `${uid}-share`, text: 'Test share (%)' }), share, shareHelp);
  const progress = el('progress', {});
  const progressText = el('span', { class: 'data-progress-text' });
  const cancel = el('button', { type: 'button', testid: 'dataset-cancel', text: 'Cancel' });
  const progressBox = el('div', { class: 'data-progress', testid: 'dataset-progress', hidden: true, 'aria-live': 'polite' }, progressText, cancel, progress);
  const errorMessage = el('p', { class: 'error-message' });
  const error = el('div', { class: 'error', role: 'alert', testid: 'dataset-error', hidden: true }, errorMessage);
  const note = el('p', { class: 'data-note', testid: 'dataset-note', role: 'status', hidden: true });
  const fitNote = el('p', { class: 'data-note', testid: 'dataset-fit-note', hidden: true });
  const runNote = el('p', { class: 'field-help', testid: 'dataset-run-note', text: 'Stop the run (or let it finish) to change the data set.', hidden: true });
  const element = el(
    'div',
    { class: 'data-panel', testid: 'data-panel' },
    current,
    el('div', { class: 'data-sources', role: 'group', 'aria-label': 'Data set' }, mnist, fashion, filesButton, folderButton, files, folder),
    el('p', { class: 'field-help data-drop-hint', text: 'Or drop a folder (one folder of pictures per class, optionally train/ and test/) or data files here. Nothing leaves your browser.' }),
    el('div', { class: 'data-options' }, mode, shareField),
    runNote,
    progressBox,
    error,
    note,
    fitNote,
  );
  return { element, current, mnist, fashion, files, filesButton, folder, folderButton, mode, share, shareHelp, progress, progressText, progressBox, cancel, error, errorMessage, note, fitNote, runNote };
}
