// The "Look inside training" section: the learning-rate finder (www/inspect/lr-finder.js) and the
// loss landscape (www/inspect/landscape.js), side by side on wide screens. mountInspect(section, io)
// builds them into the page's <section id="inspect"> and keeps their buttons in step with the
// engine: both need the data loaded; the landscape also needs a model that is not training right
// now (it is computed around the weights of the moment; a running run would move away from them).
// It returns the tools the guided sets drive (findRate, landscape).
//
// Does not: compute (the engine worker, www/engine/inspect.js), own settings or the run
// (www/playground/).

import { FromWorker, RunState } from '../protocol.js';
import { LrFinderView } from './lr-finder.js';
import { LandscapeView } from './landscape.js';
import { el } from '../ui/dom.js';

/**
 * @param {HTMLElement} section
 * @param {{engine: import('../app/engine-client.js').EngineClient,
 *   settings: () => import('../playground/settings-store.js').SettingsStore|null,
 *   runState: () => string, engineReady: () => boolean,
 *   onModelChange: (callback: (model: string, detail: string) => void) => void}} io
 */
export function mountInspect(section, { engine, settings, runState, engineReady, onModelChange }) {
  let model = '';
  let detail = '';
  const grid = el('div', { class: 'inspect-grid' });
  section.append(grid);
  const finder = new LrFinderView(grid, {
    engine,
    settings,
    canRun: () => (!engineReady() ? 'Waiting for the data to load…' : !settings() ? 'Waiting for the settings…' : ''),
  });
  const modelName = () => (model === 'trained' ? `the run shown${detail ? ` (${detail})` : ''}` : model === 'default' ? 'the pretrained default model' : model ? `model “${model}”` : 'no model');
  const landscape = new LandscapeView(grid, {
    engine,
    modelName,
    canRun: () => {
      if (!engineReady()) return 'Waiting for the data to load…';
      if (!model) return 'No model yet: train one or load a model file.';
      if (runState() === RunState.RUNNING) return 'Pause or stop the run first: the landscape is taken around the weights of one moment.';
      return '';
    },
  });
  const update = () => {
    finder.update();
    landscape.update();
  };
  onModelChange((m, d) => {
    model = m;
    detail = d;
    update();
  });
  for (const type of [FromWorker.RUN_STATE, FromWorker.DATA_READY, FromWorker.READY]) engine.on(type, () => queueMicrotask(update));
  update();
  // For the guided sets (www/experiments/guided-sets.js): the same views, driven by a set.
  return Object.freeze({
    /** Runs the finder on `config`; resolves with its result message, or null (cancelled, failed). */
    findRate: (config) => finder.run(config),
    /** Computes the landscape of the answering model; `keep`: then keep it as A. Resolves true when done. */
    async landscape({ keep = false } = {}) {
      const done = await landscape.run();
      if (done && keep) landscape.keepCurrent();
      return done;
    },
    /** The heading of the section (where a guided set takes the learner). */
    heading: section.querySelector('h2'),
  });
}
