// The runs table: every recorded run (www/experiments/history.js) with its result and the settings
// that differ between the runs (highlighted); sort by any column; rename and annotate in place;
// select runs to compare; delete with undo; per-run actions (use its model for drawing, download
// its model, export it as a Keras script).
//
// Non-goals: recording (www/experiments/recorder.js), charts (www/experiments/compare.js), what a
// run's numbers and differences are (www/experiments/run-records.js), exports (runs-file.js).

import { differingKeys, measuredAtStop, pct, settingsOf, shortName, testAccuracy, validationAccuracy } from './run-records.js';
import { download, makeButton } from '../ui/dom.js';
import { RunState } from '../protocol.js';



function formatSeconds(ms) {
  const s = ms / 1000;
  if (!Number.isFinite(s) || s <= 0) return '–';
  if (s < 60) return `${s.toFixed(1)} s`;
  return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

/** The fixed columns: [key, header, value(record) for sorting, text(record)]. */
export const COLUMNS = Object.freeze([
  ['name', 'Name', (r) => r.name.toLowerCase()],
  ['state', 'Status', (r) => r.state],
  ['test', 'Test acc.', (r) => testAccuracy(r) ?? -1, (r) => pct(testAccuracy(r)) + (measuredAtStop(r) ? ' (at stop)' : '')],
  ['validation', 'Val. acc.', (r) => validationAccuracy(r) ?? -1, (r) => pct(validationAccuracy(r))],
  ['epochs', 'Epochs done', (r) => r.epochs.length, (r) => `${r.epochs.length} / ${r.config.epochs ?? '–'}`],
  ['duration', 'Time', (r) => r.durationMs, (r) => formatSeconds(r.durationMs)],
  ['rate', 'Samples/s', (r) => r.samplesPerSecond, (r) => (r.samplesPerSecond > 0 ? Math.round(r.samplesPerSecond).toLocaleString('en-US') : '–')],
  ['created', 'Started', (r) => r.createdAt, (r) => new Date(r.createdAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })],
]);

export class RunsTable {
  /**
   * @param {HTMLElement} container
   * @param {import('./history.js').History} history
   * @param {{onSelect: (ids: string[]) => void, onUseModel: (record) => void, onDownloadModel: (record) => void,
   *          onUseSettings: (record) => void, onKeras: (record) => void}} actions
   */
  constructor(container, history, actions) {
    this.container = container;
    this.history = history;
    this.actions = actions;
    this.sort = { key: 'created', descending: false };
    /** @type {Set<string>} selected run ids (for the compare chart), as ticked before a reload */
    this.selected = new Set(loadTicks(history) ?? history.list().slice(-4).map((r) => r.id));
    this.undo = null;

    this.table = document.createElement('table');
    this.table.className = 'runs-table';
    this.table.dataset.testid = 'runs-table';
    this.caption = document.createElement('caption');
    this.caption.className = 'visually-hidden';
    this.caption.textContent = 'Recorded runs; settings that differ between runs are highlighted';
    this.thead = document.createElement('thead');
    this.tbody = document.createElement('tbody');
    this.table.append(this.caption, this.thead, this.tbody);
    const scroller = document.createElement('div');
    scroller.className = 'runs-scroll';
    scroller.tabIndex = 0;
    scroller.setAttribute('role', 'region');
    scroller.setAttribute('aria-label', 'Runs table (scrolls sideways)');
    scroller.append(this.table);
    this.empty = document.createElement('p');
    this.empty.className = 'muted';
    this.empty.textContent = 'No runs yet: every run you train is recorded here.';
    this.undoBar = document.createElement('div');
    this.undoBar.className = 'undo-bar';
    this.undoBar.setAttribute('role', 'status');
    this.undoBar.hidden = true;
    container.append(this.empty, scroller, this.undoBar);
    history.onChange(() => this.render());
    this.render();
  }

  /** A new run appears selected (so the compare chart shows it at once). */
  select(id, on = true) {
    if (on) this.selected.add(id);
    else this.selected.delete(id);
    this.render();
    this.actions.onSelect(this.selectedIds());
  }

  /** The ticked runs' ids in the table's order; also remembers them for the next visit. */
  selectedIds() {
    const ids = this.history.list().filter((r) => this.selected.has(r.id)).map((r) => r.id);
    // Runs kept in memory only are gone after a reload: their ticks would be of no use then.
    if (this.history.mode !== 'memory') saveTicks(ids);
    return ids;
  }

  sortedRecords(extra) {
    const records = this.history.list();
    const column = COLUMNS.find(([key]) => key === this.sort.key);
    const value = column ? column[2] : this.sort.key === 'note' ? (r) => r.note.toLowerCase() : (r) => extra.get(r.id)?.get(this.sort.key) ?? '';
    const sign = this.sort.descending ? -1 : 1;
    return records.sort((a, b) => {
      let x = value(a);
      let y = value(b);
      const nx = Number(x);
      const ny = Number(y);
      if (typeof x !== 'number' && Number.isFinite(nx) && Number.isFinite(ny) && x !== '' && y !== '') [x, y] = [nx, ny];
      return (x < y ? -1 : x > y ? 1 : 0) * sign || a.createdAt - b.createdAt;
    });
  }

  render() {
    // Not while the user types a name or a note (a run's progress would take the field away):
    // the table is redrawn when the field loses focus.
    const active = document.activeElement;
    if (active && this.tbody.contains(active) && active.matches('input[type="text"]')) {
      if (!this.deferred) {
        this.deferred = true;
        active.addEventListener('blur', () => {
          this.deferred = false;
          setTimeout(() => this.render());
        }, { once: true });
      }
      return;
    }
    const records = this.history.list();
    this.empty.hidden = records.length > 0;
    this.table.hidden = records.length === 0;
    const keys = differingKeys(records);
    const settings = new Map(records.map((r) => [r.id, settingsOf(r.config)]));
    const shown = keys.length > 0 ? keys : ['hidden', 'optimizer.kind', 'learning_rate'];

    const header = document.createElement('tr');
    const th = (text, key, differs) => {
      const cell = document.createElement('th');
      cell.scope = 'col';
      if (differs) cell.className = 'differs';
      if (!key) {
        cell.textContent = text;
        return cell;
      }
      cell.dataset.col = key;
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'sort';
      button.textContent = text;
      button.dataset.sort = key;
      const active = this.sort.key === key;
      cell.setAttribute('aria-sort', active ? (this.sort.descending ? 'descending' : 'ascending') : 'none');
      if (active) button.textContent += this.sort.descending ? ' ▼' : ' ▲';
      button.addEventListener('click', () => {
        this.sort = { key, descending: active ? !this.sort.descending : false };
        this.render();
        this.thead.querySelector(`[data-sort="${CSS.escape(key)}"]`)?.focus();
      });
      cell.append(button);
      return cell;
    };
    // A tick mark as the header of the tick boxes (the word "Compare" made the sticky column wide).
    const compareHeader = th('');
    compareHeader.append(
      Object.assign(document.createElement('span'), { textContent: '✓', ariaHidden: 'true', title: 'Compare' }),
      Object.assign(document.createElement('span'), { className: 'visually-hidden', textContent: 'Compare' }),
    );
    header.append(compareHeader);
    for (const [key, text] of COLUMNS) header.append(th(text, key));
    for (const key of shown) header.append(th(shortName(key), key, keys.length > 0));
    header.append(th('Note', 'note'), th('Actions'));
    this.thead.replaceChildren(header);

    const rows = this.sortedRecords(settings).map((r) => {
      const tr = document.createElement('tr');
      tr.dataset.runId = r.id;
      tr.dataset.state = r.state;
      tr.dataset.modelEpoch = String(r.modelEpoch ?? '');
      tr.dataset.epochs = String(r.epochs.length);
      // Select for the compare chart.
      const pick = document.createElement('td');
      const box = document.createElement('input');
      box.type = 'checkbox';
      box.checked = this.selected.has(r.id);
      box.setAttribute('aria-label', `Compare ${r.name}`);
      box.dataset.testid = 'run-select';
      box.addEventListener('change', () => this.select(r.id, box.checked));
      pick.append(box);
      tr.append(pick);
      for (const [key, , , text] of COLUMNS) {
        const td = document.createElement('td');
        td.dataset.col = key;
        if (key === 'name') {
          const input = document.createElement('input');
          input.type = 'text';
          input.value = r.name;
          input.maxLength = 80;
          input.className = 'run-name';
          input.setAttribute('aria-label', 'Run name');
          input.addEventListener('change', () => {
            r.name = input.value.trim() || r.name;
            this.history.put(r);
          });
          td.append(input);
        } else if (key === 'state') {
          const badge = document.createElement('span');
          badge.className = `run-badge state-${r.state}`;
          badge.textContent = r.state;
          if (r.error) badge.title = r.error;
          td.append(badge);
          if (r.error && r.state !== RunState.FINISHED) {
            const why = document.createElement('span');
            why.className = 'run-why';
            why.textContent = r.error;
            td.append(why);
          }
        } else {
          td.textContent = text(r);
          if (key === 'test') td.dataset.value = String(testAccuracy(r) ?? '');
          if (key === 'test' && measuredAtStop(r)) td.title = `Measured when the run was stopped, after ${r.epochs.length} completed epoch${r.epochs.length === 1 ? '' : 's'}; Val. acc. is that last epoch's`;
        }
        tr.append(td);
      }
      for (const key of shown) {
        const td = document.createElement('td');
        td.dataset.col = key;
        td.textContent = settings.get(r.id).get(key) ?? '—';
        if (keys.length > 0) td.className = 'differs';
        tr.append(td);
      }
      const noteCell = document.createElement('td');
      const note = document.createElement('input');
      note.type = 'text';
      note.value = r.note;
      note.maxLength = 500;
      note.placeholder = 'Add a note';
      note.className = 'run-note';
      note.setAttribute('aria-label', `Note on ${r.name}`);
      note.addEventListener('change', () => {
        r.note = note.value;
        this.history.put(r, { notify: false });
      });
      noteCell.append(note);
      // The buttons sit in a flex box inside the cell (a flex cell would leave the table's grid).
      const actionsCell = document.createElement('td');
      const actions = document.createElement('div');
      actions.className = 'run-actions';
      actionsCell.append(actions);
      const button = (text, title, onClick, testid) =>
        makeButton({ text, testid, onClick, title, ariaLabel: `${title}: ${r.name}` });
      const active = r.state === RunState.RUNNING || r.state === RunState.PAUSED;
      if (r.modelEpoch !== null && r.modelEpoch !== undefined && !active) {
        actions.append(
          button('Draw', 'Use this run\'s model in the drawing panel', () => this.actions.onUseModel(r), 'run-use-model'),
          button('.bin', 'Download this run\'s model file', () => this.actions.onDownloadModel(r), 'run-download-model'),
        );
      }
      actions.append(button('Setup', 'Put this run\'s settings in the form (and in the page\'s link, to share)', () => this.actions.onUseSettings(r), 'run-use-settings'));
      actions.append(button('Keras', 'Export this run as a Keras script, with its model\'s weights', () => this.actions.onKeras(r), 'run-keras'));
      if (!active) actions.append(button('Delete', 'Delete this run', () => this.remove(r), 'run-delete'));
      tr.append(noteCell, actionsCell);
      return tr;
    });
    this.tbody.replaceChildren(...rows);
    // The name column sticks just right of the tick boxes' column (www/experiments/experiments.css).
    requestAnimationFrame(() => {
      const width = this.thead.querySelector('th')?.offsetWidth;
      if (width) this.table.style.setProperty('--name-left', `${width}px`);
    });
  }

  /** Deletes several runs; the Undo bar then brings them all back. */
  async removeMany(records) {
    for (const record of records) await this.remove(record);
  }

  /**
   * Deletes a run, with Undo for UNDO_MS. Deletes in a row add up: Undo brings back every run
   * deleted less than UNDO_MS before the latest delete (it names them all), not just the last one.
   * Older deletes are final and their copies are let go, however long the bar stays up (a class
   * deleting a run now and then would otherwise keep every deleted run and model in memory).
   */
  async remove(record) {
    const saved = await this.history.delete(record.id);
    const wasSelected = this.selected.delete(record.id);
    this.actions.onSelect(this.selectedIds());
    clearTimeout(this.undoTimer);
    const now = Date.now();
    this.deleted = this.undoBar.hidden ? [] : this.deleted.filter((d) => now - d.at < UNDO_MS);
    this.deleted.push({ record, saved, wasSelected, at: now });
    const deleted = this.deleted;
    const text = document.createElement('span');
    const names = deleted.map((d) => `“${d.record.name}”`);
    text.textContent = `Deleted ${names.length > 3 ? `${names.length} runs` : names.join(', ')}. `;
    const undo = document.createElement('button');
    undo.type = 'button';
    undo.textContent = deleted.length > 1 ? `Undo all ${deleted.length}` : 'Undo';
    undo.dataset.testid = 'undo-delete';
    undo.addEventListener('click', async () => {
      this.undoBar.hidden = true;
      clearTimeout(this.undoTimer);
      this.deleted = [];
      for (const d of deleted) {
        if (d.wasSelected) this.selected.add(d.record.id);
        await this.history.restore(d.saved);
      }
      this.actions.onSelect(this.selectedIds());
    });
    this.undoBar.replaceChildren(text, undo);
    this.undoBar.hidden = false;
    undo.focus();
    this.undoTimer = setTimeout(() => {
      this.undoBar.hidden = true;
      this.deleted = [];
    }, UNDO_MS);
  }
}

/** How long a delete can be undone. */
const UNDO_MS = 20_000;

/** Where the ticks of the runs table are kept between visits (ids of runs in the history). */
const TICKS_KEY = 'mnist-playground.compare-ticks';

/** The ticked ids saved by the last visit that still name runs, or null if none were saved. */
function loadTicks(history) {
  try {
    const saved = JSON.parse(localStorage.getItem(TICKS_KEY) ?? 'null');
    if (!Array.isArray(saved)) return null;
    const known = new Set(history.list().map((r) => r.id));
    return saved.filter((id) => known.has(id));
  } catch {
    return null; // no storage (private mode, blocked): the latest runs are ticked
  }
}

function saveTicks(ids) {
  try {
    localStorage.setItem(TICKS_KEY, JSON.stringify(ids));
  } catch {
    // Not kept: the ticks are a convenience.
  }
}
