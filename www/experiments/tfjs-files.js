// The files of a TensorFlow.js layers model, as the learner picks or drops them: model.json and
// the weight files its manifest names (group1-shard1of1.bin, …; any order, other files ignored),
// read into what Engine.loadTfjs takes: model.json's text and the weight files' bytes concatenated
// in manifest order. Sizes are checked before anything is read whole. Pure (File-like objects in),
// so Node tests it: tests/js/tfjs-files-unit.test.mjs.
//
// Non-goals: whether the model is a supported dense MLP (the engine says, naming what is not),
// loading it (models.js).

/** model.json of a dense MLP is a few KB; anything near this is not one. */
export const MAX_MODEL_JSON_BYTES = 4 * 1024 * 1024;

const baseName = (path) => String(path).split(/[\\/]/).pop();
const mb = (bytes) => `${(bytes / 1048576).toFixed(bytes < 10 * 1048576 ? 1 : 0)} MB`;

/**
 * `{modelJson, weights, name}` of `files` (each `{name, size, text(), arrayBuffer()}`). `maxWeightBytes`:
 * the most the engine's largest network can hold (4 bytes × limits.max_parameters). Throws an
 * Error whose message says what is wrong and what to pick instead.
 */
export async function readTfjsFiles(files, maxWeightBytes) {
  const list = [...files];
  const jsons = list.filter((f) => /\.json$/i.test(f.name));
  if (jsons.length === 0) {
    throw new Error(`no model.json among ${list.map((f) => f.name).join(', ') || 'the files'}: pick the model's model.json together with its weight files (.bin)`);
  }
  if (jsons.length > 1) throw new Error(`${jsons.map((f) => f.name).join(' and ')}: pick one model.json (with its .bin files) at a time`);
  const json = jsons[0];
  if (json.size > MAX_MODEL_JSON_BYTES) {
    throw new Error(`${json.name} is ${mb(json.size)}; the model.json of a TensorFlow.js layers model is a few KB (at most ${mb(MAX_MODEL_JSON_BYTES)} is read)`);
  }
  const modelJson = await json.text();
  let doc;
  try {
    doc = JSON.parse(modelJson);
  } catch (err) {
    throw new Error(`${json.name} is not JSON (${err.message})`);
  }
  const manifest = doc?.weightsManifest;
  if (!Array.isArray(manifest) || !manifest.every((group) => Array.isArray(group?.paths))) {
    throw new Error(`${json.name} has no weightsManifest with paths: is it the model.json of a TensorFlow.js layers model (tensorflowjs_converter's or model.save's)?`);
  }
  const byName = new Map(list.filter((f) => f !== json).map((f) => [f.name, f]));
  const needed = manifest.flatMap((group) => group.paths.map(baseName));
  const missing = needed.filter((name) => !byName.has(name));
  if (missing.length > 0) {
    throw new Error(`${json.name} names the weight file${missing.length > 1 ? 's' : ''} ${missing.join(', ')}, not picked: pick ${missing.length > 1 ? 'them' : 'it'} together with ${json.name} (several files at once)`);
  }
  const total = needed.reduce((sum, name) => sum + byName.get(name).size, 0);
  if (total > maxWeightBytes) {
    throw new Error(`the weight files add up to ${mb(total)}, more than the largest network this page runs holds (${mb(maxWeightBytes)})`);
  }
  const weights = new Uint8Array(total);
  let at = 0;
  for (const name of needed) {
    const bytes = new Uint8Array(await byName.get(name).arrayBuffer());
    weights.set(bytes.subarray(0, total - at), at);
    at += bytes.length;
  }
  return { modelJson, weights, name: json.name };
}
