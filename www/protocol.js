// The message protocol between the page (www/main.js) and the engine worker (www/worker.js).
//
// This file is the single place where messages are defined; both sides import it. Every message
// is a plain object `{ type, id?, ...payload }` (structured clone; no class instances, no JSON
// strings). Large arrays travel as transferred typed arrays. `id` is chosen by the page for a
// command and echoed in the worker's reply (and in `error` when that command failed), so replies
// can be matched to requests.
//
// Page → worker
// | type          | payload                                   | reply / effect                          |
// |---------------|-------------------------------------------|-----------------------------------------|
// | `load-data`   | `id`, `baseUrl`: absolute URL of the      | `data-progress`… then `data-ready`,     |
// |               | directory holding the four IDX .gz files  | or `error`; then loads                  |
// |               |                                           | `default-model.bin` from there if it    |
// |               |                                           | exists (`model-changed` "default")      |
// |               | (ends in `/`), `samples`: how many test   |                                         |
// |               | images to send back (0–1000)              |                                         |
// | `predict`     | `id`, `rgba`: ArrayBuffer (transferred)   | `prediction`                            |
// |               | of canvas RGBA pixels, white ink on       |                                         |
// |               | black, `width`, `height`                  |                                         |
// | `load-model`  | `id`, `bytes`: ArrayBuffer (model file),  | `model-loaded`, then `model-changed`    |
// |               | `name`: shown as the answering model      | (or `error` saying what is wrong)       |
// | `export-model`| `id`                                      | `model` (or `error`: nothing trained)   |
// | `debug-panic` | `id`, `message`: string                   | Test hook: makes the Rust code panic,   |
// |               |                                           | so `error` with `fatal: true` follows   |
//
// Worker → page
// | type            | payload                                  | when                                    |
// |-----------------|------------------------------------------|-----------------------------------------|
// | `ready`         | (none)                                   | wasm initialised; commands sent earlier |
// |                 |                                          | are queued and run after this           |
// | `data-progress` | `id`, `file` (file name), `loaded`,      | while downloading, at most every ~50 ms |
// |                 | `total` (compressed bytes; `total` is 0  | per file, plus once at 0 and once at    |
// |                 | if the server sent no Content-Length)    | the end of each file                    |
// | `data-ready`    | `id`, `train`: {count, histogram[10]},   | all four files fetched, gunzipped and   |
// |                 | `test`: {count, histogram[10]},          | parsed                                  |
// |                 | `samples`: [{index, label, pixels:       |                                         |
// |                 | Uint8Array(784), transferred}],          |                                         |
// |                 | `timings`: {downloadMs, parseMs}         |                                         |
// | `model-changed` | `model`: "default", "trained", a loaded  | the model answering predictions changed |
// |                 | model's name, or "" (none)               | (default model loaded, first training   |
// |                 |                                          | step of a run, reset, model loaded)     |
// | `prediction`    | `id`, `prediction`: {image: Uint8Array   | reply to `predict`; `prediction` is     |
// |                 | (784, the preprocessed 28×28 the net     | null for an empty canvas, or with       |
// |                 | reads), probabilities: number[10],       | `message` ("no model yet: …") when no   |
// |                 | digit, model, hidden: number[][]}        | model can answer                        |
// | `model-loaded`  | `id`, `config` (the model's config),     | reply to `load-model`                   |
// |                 | `name`                                   |                                         |
// | `model`         | `id`, `bytes`: Uint8Array (transferred), | reply to `export-model`                 |
// |                 | a model file of the run being trained    |                                         |
// | `error`         | `id?`, `message` (readable, says what    | a command failed, or the worker itself  |
// |                 | to do), `fatal` (bool)                   | did; after `fatal: true` (a Rust panic, |
// |                 |                                          | wasm failed to start) the page must     |
// |                 |                                          | terminate and recreate the worker       |

/** Message types sent by the page to the worker. */
export const ToWorker = Object.freeze({
  LOAD_DATA: 'load-data',
  PREDICT: 'predict',
  LOAD_MODEL: 'load-model',
  EXPORT_MODEL: 'export-model',
  DEBUG_PANIC: 'debug-panic',
});

/** Message types sent by the worker to the page. */
export const FromWorker = Object.freeze({
  READY: 'ready',
  DATA_PROGRESS: 'data-progress',
  DATA_READY: 'data-ready',
  MODEL_CHANGED: 'model-changed',
  PREDICTION: 'prediction',
  MODEL_LOADED: 'model-loaded',
  MODEL: 'model',
  ERROR: 'error',
});

/** The four MNIST files, gzip-compressed IDX, as shipped in data/. */
export const DATA_FILES = Object.freeze({
  train: Object.freeze({ images: 'train-images-idx3-ubyte.gz', labels: 'train-labels-idx1-ubyte.gz' }),
  test: Object.freeze({ images: 't10k-images-idx3-ubyte.gz', labels: 't10k-labels-idx1-ubyte.gz' }),
});

/** The pretrained model loaded at startup if present (relative to the data directory). */
export const DEFAULT_MODEL_FILE = 'default-model.bin';

/** Side length of an MNIST image in pixels. */
export const IMAGE_SIDE = 28;
