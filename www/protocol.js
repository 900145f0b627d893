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
// |               | directory holding the four IDX .gz files  | or `error`                              |
// |               | (ends in `/`), `samples`: how many test   |                                         |
// |               | images to send back (0–1000)              |                                         |
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
// | `error`         | `id?`, `message` (readable, says what    | a command failed, or the worker itself  |
// |                 | to do), `fatal` (bool)                   | did; after `fatal: true` (a Rust panic, |
// |                 |                                          | wasm failed to start) the page must     |
// |                 |                                          | terminate and recreate the worker       |

/** Message types sent by the page to the worker. */
export const ToWorker = Object.freeze({
  LOAD_DATA: 'load-data',
  DEBUG_PANIC: 'debug-panic',
});

/** Message types sent by the worker to the page. */
export const FromWorker = Object.freeze({
  READY: 'ready',
  DATA_PROGRESS: 'data-progress',
  DATA_READY: 'data-ready',
  ERROR: 'error',
});

/** The four MNIST files, gzip-compressed IDX, as shipped in data/. */
export const DATA_FILES = Object.freeze({
  train: Object.freeze({ images: 'train-images-idx3-ubyte.gz', labels: 'train-labels-idx1-ubyte.gz' }),
  test: Object.freeze({ images: 't10k-images-idx3-ubyte.gz', labels: 't10k-labels-idx1-ubyte.gz' }),
});

/** Side length of an MNIST image in pixels. */
export const IMAGE_SIDE = 28;
