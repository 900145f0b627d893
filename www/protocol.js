// Every message between the page's threads, in one place; senders and receivers import the names:
//
//   page ↔ engine worker (www/engine/worker.js)           ToWorker, FromWorker, RunState
//   engine worker (the lead) ↔ shard worker               ToShard, FromShard
//     (www/engine/team.js ↔ www/engine/shard-worker.js)
//   page (www/ui/offline.js) ↔ service worker (sw.js)        ToServiceWorker, FromServiceWorker
//   page (www/inspect/hidden-map.js) ↔ UMAP worker            ToUmap, FromUmap
//     (www/inspect/umap-worker.js)
//   page (www/data/data-panel.js) ↔ picture worker            ToPictures, FromPictures
//     (www/data/image-worker.js)
//
// Every message is a plain object `{ type, id?, ...payload }` (structured clone; no class
// instances, no JSON strings). Large arrays travel as transferred typed arrays. `id` is chosen by
// the sender of a request and echoed in the reply (and in `error` when that request failed), so
// replies can be matched to requests.
//
// Does not: hold values the engine owns (limits, defaults, presets: the `ready` message carries
// them) or any behaviour.
//
// Page → engine worker
// | type          | payload                                   | reply / effect                          |
// |---------------|-------------------------------------------|-----------------------------------------|
// | `load-data`   | `id`, `baseUrl`: absolute URL of the      | `data-progress`… then `data-ready`,     |
// |               | directory holding the four IDX .gz files  | or `error`; then loads                  |
// |               | (ends in `/`), `samples`: how many test   | `default-model.bin` from there if it    |
// |               | images to send back (0–1000)              | exists (`model-changed` "default")      |
// | `load-dataset`| `id`, `name` (shown), `train`: files,     | `data-ready` (`dataset.kind` "custom"), |
// |               | `test`: files or null (then `test_share`  | or `error` naming the file and problem: |
// |               | of every class is held out, by `seed`;    | all or nothing, the previous data set   |
// |               | default limits.default_test_share),       | and run stay; on success the run ends:  |
// |               | `samples`. files: {format: "idx",         | `run-state` idle `reset`, then          |
// |               | images, images_name, labels, labels_name, | `model-changed`                         |
// |               | names?, names_name?} or {format: "csv",   |                                         |
// |               | bytes, name, names?, names_name?}         |                                         |
// |               | (ArrayBuffers/Uint8Arrays; gzip or not;   |                                         |
// |               | names: one class name per line)           |                                         |
// | `predict`     | `id`, `rgba`: ArrayBuffer (transferred)   | `prediction`                            |
// |               | of canvas RGBA pixels, white ink on       |                                         |
// |               | black, `width`, `height`                  |                                         |
// | `explain`     | `id`, `image`: Uint8Array(limits.pixels) | `explanation` (or `error`: no model, no |
// |               | (a `prediction`'s image; left out: the    | image yet, a bad class or method)       |
// |               | last one predicted), `class`: 0 …         |                                         |
// |               | classes − 1, `method`: "gradient" or      |                                         |
// |               | "integrated_gradients"                    |                                         |
// | `attack`      | `id`, `image` (as `explain`), `target`:   | `attack-result` (or `error`: no model,  |
// |               | the class to make of it, `epsilon`: L∞    | a bad image, target, budget or step     |
// |               | budget on 0–1 pixels, `steps`: gradient-  | count; ranges: explainLimits)           |
// |               | sign steps (explainLimits' ranges)        |                                         |
// | `smallest-    | `id`, `image`, `target`, `steps`          | `epsilon-result` (a bisection of        |
// |   epsilon`    |                                           | ≤ search_rounds + 1 attacks)            |
// | `walkthrough` | `id`, `image` (as `explain`), `label`:    | `walkthrough-result` (or `error`)       |
// |               | the class to learn, `learning_rate` of    |                                         |
// |               | the SGD step on a copy                    |                                         |
// | `load-model`  | `id`, `bytes`: ArrayBuffer (model file),  | `model-loaded`, then `model-changed`    |
// |               | `name`: shown as the answering model      | (or `error` saying what is wrong)       |
// | `export-model`| `id`                                      | `model` (or `error`: nothing trained)   |
// | `export-tfjs` | `id`                                      | `tfjs-model` (or `error`: no model)     |
// | `load-tfjs`   | `id`, `model_json`: string (model.json),  | `model-loaded`, then `model-changed`    |
// |               | `weights`: ArrayBuffer (transferred; the  | (or `error` naming what is not a        |
// |               | manifest's weight files concatenated in   | supported dense MLP)                    |
// |               | manifest order), `name`                   |                                         |
// | `keras-script`| `id`, `config`, `name`                    | `keras-script` (or `error`: bad config) |
// | `keras-       | `id`, `bytes`: ArrayBuffer (transferred)  | `keras-weights` (or `error`: no model,  |
// |   weights`    | of a model file, or left out: the         | not a model file)                       |
// |               | answering model                           |                                         |
// | `tensorboard- | `id`, `runs`: run records as              | `tensorboard-zip` (or `error` naming    |
// |   zip`        | Engine.tensorboardZip takes them          | the run and field)                      |
// |               | (docs/keras.md)                           |                                         |
// | `describe-    | `id`, `config`                            | `config-report` (needs no data)         |
// |   config`     |                                           |                                         |
// | `start`       | `id`, `config` (see src/train/config.rs)        | a new run: `configured`, `run-state`    |
// |               |                                           | running, then `progress`, `layer-stats`,|
// |               |                                           | `epoch` + `evaluation` per epoch, and   |
// |               |                                           | `run-state` finished; `error` if the    |
// |               |                                           | config is refused or training diverges  |
// | `step`        | `id`, `unit`: "batch" or "epoch",         | paused run: one batch (`progress` and   |
// |               | `config` (used only when no run is        | `layer-stats` at once) or train to the  |
// |               | paused: a new run starts with it)         | end of this epoch, then pause again     |
// | `pause`       | `id`                                      | a final `progress`, then `run-state`    |
// |               |                                           | paused (within one ~30 ms chunk or      |
// |               |                                           | evaluation slice)                       |
// | `resume`      | `id`                                      | `run-state` running                     |
// | `stop`        | `id`                                      | `run-state` stopped: the run ends, its  |
// |               |                                           | model still answers; `evaluation` of it |
// |               |                                           | (unless an epoch's is under way)        |
// | `reset`       | `id`                                      | the run is forgotten: `run-state` idle, |
// |               |                                           | `model-changed` (the default answers)   |
// | `evaluate`    | `id`                                      | `evaluation` of the answering model     |
// | `test-images` | `id`, `indices`: number[] (≤ 500), or     | `test-images`                           |
// |               | `label`, `exclude`: number[], `limit`:    |                                         |
// |               | the first `limit` images of that digit    |                                         |
// |               | not in `exclude`                          |                                         |
// | `hidden-map`  | `id`, `count`: test images on the map     | `hidden-map` of the answering model     |
// |               | (inspectLimits' map_images; left out: its | (or `error`: no model, no hidden layer, |
// |               | default_map_images), `follow`: true to    | a layer too wide); with `follow` also a |
// |               | get one after a run's first batch and     | `hidden-map` without `id` then and per  |
// |               | after every epoch's evaluation            | epoch                                   |
// | `hidden-map-  | `id`, `image`: Uint8Array(limits.pixels)  | `hidden-map-point` (or `error`: no map  |
// |   place`      | (a `prediction`'s image)                  | yet)                                    |
// | `hidden-map-  | `id`                                      | `hidden-map-activations` (or `error`:   |
// |  activations` |                                           | no map yet)                             |
// | `fresh-seed`  | `id`                                      | `seed`: a new random seed (needs no     |
// |               |                                           | data)                                   |
// | `lr-finder-  | `id`, `config` (the form's; trained on   | `lr-finder-progress`… then             |
// |   start`      | one thread), `steps` (optional; default  | `lr-finder-result` (www/engine/        |
// |               | inspectLimits.default_finder_steps)      | inspect.js); replaces a sweep under way|
// | `lr-finder-   | `id`                                      | the sweep under way ends: its          |
// |   cancel`     |                                           | `lr-finder-result` says "cancelled"    |
// | `landscape-   | `id`, optional (engine defaults):         | `landscape-line`, `landscape-slice`,   |
// |   start`      | `points`, `subset`, `resolution`,         | a `landscape-row` per row, then        |
// |               | `radius`, `seed` (the directions),        | `landscape-done`; of the answering     |
// |               | `directions`: "random" (default) or       | model; replaces one under way          |
// |               | "trajectory" (the training path's PCA)    |                                         |
// | `landscape-   | `id`                                      | the landscape under way ends: its      |
// |   cancel`     |                                           | `landscape-done` says "cancelled"      |
// | `debug-panic` | `id`, `message`: string, `shard`: true to | Test hook: makes the Rust code panic,   |
// |               | panic in a shard worker of a multi-core   | so `error` with `fatal: true` follows   |
// |               | run instead (the run then fails), or      | (with `shard`: the run's `error`)       |
// |               | "evaluation" to panic on its next share   |                                         |
// |               | of an evaluation                          |                                         |
//
// Engine worker → page
// | type            | payload                                  | when                                    |
// |-----------------|------------------------------------------|-----------------------------------------|
// | `ready`         | `presets`: [{name, description, config}],| wasm initialised; commands sent earlier |
// |                 | `defaultConfig`, `build`: "relaxed-simd" | are queued and run after this           |
// |                 | or "simd" (which wasm build runs),       |                                         |
// |                 | `limits`: Engine.limits() (side, pixels, |                                         |
// |                 | classes, max_threads, train_images, …    |                                         |
// |                 | `augment` defaults, `ranges` of every    |                                         |
// |                 | numeric config field, `choices` of the   |                                         |
// |                 | select fields, `kind_defaults` of each   |                                         |
// |                 | optimizer and schedule; see              |                                         |
// |                 | src/wasm/mod.rs), `explainLimits`:       |                                         |
// |                 | Engine.explainLimits() (integrated       |                                         |
// |                 | gradients' steps and completeness        |                                         |
// |                 | tolerance, the attacks' ranges, …),      |                                         |
// |                 | `inspectLimits`: Engine.inspectLimits()  |                                         |
// |                 | (the finder's and landscape's ranges and |                                         |
// |                 | defaults)                                |                                         |
// | `config-report` | `id`, `report`: {ok, field, message,     | reply to `describe-config`; `field` is  |
// |                 | parameters, flops_per_sample,            | the refused field's path, e.g.          |
// |                 | training_images}                         | "learning_rate", "hidden[1]",           |
// |                 |                                          | "optimizer.beta1"                       |
// | `configured`    | `info`: {training_images,                | a run was configured (by `start` or     |
// |                 | validation_images, steps_per_epoch,      | `step`)                                 |
// |                 | total_steps, parameters}, `config` as    |                                         |
// |                 | run: `threads` is 1 when the page cannot |                                         |
// |                 | share memory (not cross-origin isolated) |                                         |
// | `run-state`     | `state`: one of RunState below,          | whenever the run's state changes, and   |
// |                 | `reset`: true after `reset`              | always after `reset`                    |
// | `progress`      | `step`, `total_steps`, `epoch` (done),    | while training, every ~200 ms; after    |
// |                 | `epoch_fraction`, `epochs`,              | every single step; on pause             |
// |                 | `learning_rate`, `samples_per_second`,   |                                         |
// |                 | `seconds_left` (null if unknown),        |                                         |
// |                 | `points`: {step[], loss[], accuracy[],   |                                         |
// |                 | learning_rate[]}: one per step (batch)   |                                         |
// |                 | since the last `progress` (that batch's  |                                         |
// |                 | own loss, accuracy and rate)             |                                         |
// | `layer-stats`   | `step`, `layers`: [{layer,               | while training, every ~500 ms, and at   |
// |                 | weight_percentiles[5],                   | every single step and epoch end         |
// |                 | gradient_percentiles[5],                 | (percentiles 5/25/50/75/95 of |w| and   |
// |                 | inactive_fraction|null}], `weights`:     | |∂L/∂w|; see src/train/metrics.rs)            |
// |                 | Float32Array (transferred) of `units`    |                                         |
// |                 | first-layer units × `limits.pixels`      |                                         |
// | `epoch`         | `epoch` (1-based, just finished),        | at every epoch's end                    |
// |                 | `step`, `train`: {loss, accuracy},       |                                         |
// |                 | `validation`, `test`: {loss, accuracy,   |                                         |
// |                 | count} or null, `samples_per_second`     |                                         |
// |                 | (this epoch's training only),            |                                         |
// |                 | `train_ms`, `evaluate_ms`, `model`: the  |                                         |
// |                 | model file at this epoch's end           |                                         |
// |                 | (Uint8Array, transferred; null if none), |                                         |
// |                 | `layers`: Engine.layerHistograms() at    |                                         |
// |                 | the epoch's end ([] if none)             |                                         |
// | `evaluation`    | `which`: "test", `step`, `epoch`, `ms`,  | at every epoch's end (before `epoch`),  |
// |                 | `evaluation`: {count, loss, accuracy,    | on stop, and in reply to `evaluate`     |
// |                 | …}; `id` only as the reply to `evaluate` | (with its `id`)                         |
// |                 | confusion[true][predicted],              |                                         |
// |                 | per_class_accuracy[n], misclassified:    |                                         |
// |                 | [{index, label, predicted, confidence}]} |                                         |
// | `test-images`   | `id`, `images`: [{index, label, pixels:  | reply to `test-images`                  |
// |                 | Uint8Array(limits.pixels), transferred}] |                                         |
// | `data-progress` | `id`, `file` (file name), `loaded`,      | while downloading, at most every ~50 ms |
// |                 | `total` (compressed bytes; `total` is 0  | per file, plus once at 0 and once at    |
// |                 | if the server sent no Content-Length)    | the end of each file                    |
// | `data-ready`    | `id`, `train`: {count, histogram[n],     | all four files fetched, gunzipped and   |
// |                 | names: its n class names}, `test`:       | parsed                                  |
// |                 | {count, histogram[n], names},            |                                         |
// |                 | `samples`: [{index, label, pixels:       |                                         |
// |                 | Uint8Array(limits.pixels), transferred}],|                                         |
// |                 | `timings`: {downloadMs, parseMs},        |                                         |
// |                 | `dataset`: {kind: "mnist" or "custom",   |                                         |
// |                 | name}                                    |                                         |
// | `model-changed` | `model`: "default", "trained", a loaded  | the model answering predictions changed |
// |                 | model's name, or "" (none); `config`:    | (default model loaded, first training   |
// |                 | a model file's config, else null;        | step of a run, reset, model loaded)     |
// |                 | `classes`: its class names, label order  |                                         |
// |                 | ([] for none)                            |                                         |
// | `prediction`    | `id`, `prediction`: {image: Uint8Array   | reply to `predict`; `prediction` is     |
// |                 | (the preprocessed side × side image the  | null for an empty canvas, or with       |
// |                 | net reads), probabilities: number[10],   | `message` ("no model yet: …") when no   |
// |                 | digit, model, hidden: number[][]}        | model can answer                        |
// | `explanation`   | `id`, `map`: Float32Array(limits.pixels) | reply to `explain`: why the answering   |
// |                 | (transferred; signed, on the 0–1 pixel   | model gives `class` for `image`         |
// |                 | scale: > 0 pushes towards `class`),      | (src/explain/attribution.rs,            |
// |                 | `class`, `method`, `probabilities[10]`,  | docs/explain.md)                        |
// |                 | `log_prob`, `baseline_log_prob`, `steps`,|                                         |
// |                 | `completeness_error` (the last three:    |                                         |
// |                 | integrated gradients; null, 0, null for  |                                         |
// |                 | the gradient), `model`                   |                                         |
// | `hidden-map`    | `id?`, `indices`: Uint32Array(count)     | reply to `hidden-map` (with its `id`);  |
// |                 | (test-set indices), `labels`,            | while followed, after a run's first     |
// |                 | `predictions`: Uint8Array(count),        | batch (`epoch` 0) and every epoch's     |
// |                 | `coordinates`: Float32Array(2·count)     | evaluation (no `id`); one the engine    |
// |                 | (x, y per image), `explained`: [x, y]    | refused has only `epoch`, `step`,       |
// |                 | (share of variance), `flipped`, `units`, | `model` and `error`                     |
// |                 | `model`, `epoch` (epochs done; null on   | (src/inspect/hidden_map.rs,             |
// |                 | request), `step`, `classes`, `ms` (time  | docs/inspect.md); arrays transferred    |
// |                 | to compute it)                           |                                         |
// | `hidden-map-    | `id`, `x`, `y`, `model`                  | reply to `hidden-map-place`: where the  |
// |   point`        |                                          | image falls on the last map             |
// | `hidden-map-    | `id`, `activations`: Float32Array        | reply to `hidden-map-activations`: the  |
// |   activations`  | (count·units, transferred)               | last map's last-hidden-layer values     |
// | `attack-result` | `id`, `image`, `perturbation`:           | reply to `attack`: the perturbed image  |
// |                 | Float32Array(limits.pixels) (transferred;| (every pixel within `epsilon` of the    |
// |                 | 0–1 scale; perturbation = image − the    | original and in [0, 1]) and the         |
// |                 | original), `before[10]`, `after[10]`,    | probabilities before and after          |
// |                 | `predicted_before`, `predicted_after`,   | (src/explain/attack.rs,                 |
// |                 | `reached`, `target`, `epsilon`, `steps`, | docs/explain.md)                        |
// |                 | `model`                                  |                                         |
// | `epsilon-result`| `id`, `epsilon` (null: not reached within| reply to `smallest-epsilon`             |
// |                 | the largest budget), `failed_below`,     |                                         |
// |                 | `attack` (as `attack-result`'s payload)  |                                         |
// | `walkthrough-   | `id`, `layers`: [{pre_activations,       | reply to `walkthrough`: one training    |
// |   result`       | activations, delta}] (Float32Arrays,     | step on a batch of one (no dropout),    |
// |                 | transferred; hidden layers, then the     | and one SGD step on a copy of the       |
// |                 | output, whose activations are the        | answering model                         |
// |                 | softmax), `probabilities[10]`,           | (src/explain/walkthrough.rs)            |
// |                 | `predicted`, `label`, `loss`,            |                                         |
// |                 | `first_layer_weight_gradient`:           |                                         |
// |                 | Float32Array(units × limits.pixels),     |                                         |
// |                 | `units`, `learning_rate`,                |                                         |
// |                 | `probabilities_after_step[10]`,          |                                         |
// |                 | `loss_after_step`, `model`               |                                         |
// | `model-loaded`  | `id`, `config` (the model's config),     | reply to `load-model` and `load-tfjs`   |
// |                 | `name`                                   |                                         |
// | `model`         | `id`, `bytes`: Uint8Array (transferred), | reply to `export-model`                 |
// |                 | a model file of the run being trained    |                                         |
// | `tfjs-model`    | `id`, `model_json`: string, `weights`:   | reply to `export-tfjs`: the answering   |
// |                 | Uint8Array (transferred)                 | model as TF.js model.json + weights.bin |
// | `keras-script`  | `id`, `file_name` ("train_<name>.py"),   | reply to `keras-script`                 |
// |                 | `text`: the Keras 3 script               |                                         |
// | `keras-weights` | `id`, `bytes`: Uint8Array (transferred), | reply to `keras-weights`                |
// |                 | the weights as numpy .npz                |                                         |
// | `tensorboard-   | `id`, `bytes`: Uint8Array (transferred), | reply to `tensorboard-zip`              |
// |   zip`          | a zip with one folder of event files per |                                         |
// |                 | run                                      |                                         |
// | `seed`          | `id`, `seed`: a whole number valid as    | reply to `fresh-seed` (drawn by the     |
// |                 | config.seed                              | engine through getrandom)               |
// | `lr-finder-     | `id` (the start's), `done`, `steps`,     | while a sweep runs, at most every      |
// |   progress`     | `rate`, `loss`, `smoothed` (the last     | ~100 ms, and at its end                |
// |                 | step's; null before the first)           |                                         |
// | `lr-finder-     | `id`, `stop`: "completed", "loss_rose",  | the sweep ended (stopped, finished or  |
// |   result`       | "loss_not_finite" or "cancelled", `ms`;  | cancelled); src/inspect/lr_finder.rs,  |
// |                 | unless cancelled: `rates`, `losses`,     | docs/inspect.md                        |
// |                 | `smoothed`: Float32Array (transferred),  |                                         |
// |                 | `steepest`, `minimum_over_10` (or null)  |                                         |
// | `landscape-line`| `id`, `alphas`, `train_loss`,            | first reply to `landscape-start`: the  |
// |                 | `test_loss`: Float32Array (transferred), | loss from the initial (α 0) to the     |
// |                 | `model`, `subset`, `ms`                  | current weights (α 1)                  |
// | `landscape-     | `id`, `resolution`, `coordinates`:       | the slice's grid and the checkpoints   |
// |   slice`        | Float32Array, `checkpoints`: [{epoch, a, | (epoch 0: the initial weights) placed  |
// |                 | b, distance, off_plane}], `model`,       | on its plane                           |
// |                 | `subset`, `seed`, `directions`,          |                                         |
// |                 | `explained`: [x, y] (trajectory) or null |                                         |
// | `landscape-row` | `id`, `row`, `done`, `resolution`,       | each row of the slice (b =             |
// |                 | `losses`: Float32Array(resolution)       | coordinates[row], a = coordinates[j])  |
// | `landscape-done`| `id`, `stop`: "completed" or             | the landscape ended                    |
// |                 | "cancelled", `line_ms`, `slice_ms`, `ms` |                                         |
// | `error`         | `id?`, `message` (readable, says what    | a command failed, or the worker itself  |
// |                 | to do), `fatal` (bool), `during`:        | did; after `fatal: true` (a Rust panic, |
// |                 | "training" when a run failed (diverged)  | wasm failed to start) the page must     |
// |                 |                                          | terminate and recreate the worker       |
//
// Lead → shard worker (www/engine/team.js → www/engine/shard-worker.js); every request but
// `debug-panic` gets a reply with its `id`, or `error` with that `id`
// | type          | payload                                   | reply / effect                          |
// |---------------|-------------------------------------------|-----------------------------------------|
// | `init`        | `build` (the lead's), `images`, `labels`: | `ready` once its engine holds the data  |
// |               | the training set's IDX bytes, `test`:     |                                         |
// |               | {images, labels} or null (shared arrays)  |                                         |
// | `configure`   | `config`, `index` (its shard), `buffer`:  | `configured`; it then trains whatever   |
// |               | the run's SharedArrayBuffer               | the buffer's BUDGET word allows         |
// | `evaluate`    | `which`: "validation" or "test", `start`, | `evaluated`                             |
// |               | `end`: its range of that set              |                                         |
// | `times`       |                                           | `times` (for profiles, bench/)          |
// | `debug-panic` | `message`, `when`: "now" or "evaluation"  | Test hook: a Rust panic now, or at its  |
// |               |                                           | next `evaluate`                         |
//
// Shard worker → lead
// | type          | payload                                   | when                                    |
// |---------------|-------------------------------------------|-----------------------------------------|
// | `ready`       | `id`                                      | reply to `init`                         |
// | `configured`  | `id`                                      | reply to `configure`                    |
// | `evaluated`   | `id`, `evaluation` (as in `evaluation`)   | reply to `evaluate`                     |
// | `times`       | `id`, `times`: Engine.exchangeTimes(),    | reply to `times`                        |
// |               | `wasm_memory_mb`                          |                                         |
// | `error`       | `id?`, `message`, `fatal`                 | a request failed, or training did (it   |
// |               |                                           | then raised the buffer's abort word)    |
//
// Page → UMAP worker (www/inspect/hidden-map.js → www/inspect/umap-worker.js)
// | type          | payload                                   | reply                                   |
// |---------------|-------------------------------------------|-----------------------------------------|
// | `umap`        | `id`, `activations`: Float32Array         | `umap-progress`… then `umap-embedding`, |
// |               | (count·units, transferred), `count`,      | or `error` (`id`, `message`); Cancel:   |
// |               | `units`, `seed`                           | the page terminates the worker          |
//
// UMAP worker → page
// | type             | payload                                                                   |
// |------------------|---------------------------------------------------------------------------|
// | `umap-progress`  | `id`, `phase`: "neighbours" or "layout", `done`, `total` (layout epochs)  |
// | `umap-embedding` | `id`, `coordinates`: Float32Array(2·count) (transferred), `ms`,           |
// |                  | `neighboursMs`                                                            |
// | `error`          | `id`, `message`                                                           |
//
// Page → picture worker (www/data/data-panel.js → www/data/image-worker.js)
// | type          | payload                                   | reply                                   |
// |---------------|-------------------------------------------|-----------------------------------------|
// | `pictures`    | `files`: File[] (in label order), `mode`: | `pictures-progress`… then               |
// |               | "mnist" or "plain" (www/data/             | `pictures-done`, or `pictures-failed`   |
// |               | preprocess.js MODES), `side`              | at the first unusable picture; Cancel:  |
// |               |                                           | the page terminates the worker          |
//
// Picture worker → page
// | type                | payload                                                                |
// |---------------------|------------------------------------------------------------------------|
// | `pictures-progress` | `done`, `total`                                                        |
// | `pictures-done`     | `images`: Uint8Array(count·side²) (transferred), `inverted`: how many  |
// |                     | pictures were dark on light                                            |
// | `pictures-failed`   | `index` (of `files`), `message` (what is wrong with it, what to do)    |
//
// Page → service worker (www/ui/offline.js → sw.js), with a MessagePort to answer on
// | type             | payload | reply on the port                                                |
// |------------------|---------|------------------------------------------------------------------|
// | `offline-status` |         | `offline-status`: `version` (the copy's), `files` (how many it   |
// |                  |         | holds), `expected`, `error` (why re-making an incomplete copy    |
// |                  |         | failed, or null)                                                 |
// sw.js is a classic script (a module service worker would leave out browsers without module
// service workers, e.g. Firefox before 147), so it cannot import this file: it restates these
// names, and tests/js/protocol-unit.test.mjs checks that they agree.

/** Message types sent by the page to the engine worker. */
export const ToWorker = Object.freeze({
  LOAD_DATA: 'load-data',
  LOAD_DATASET: 'load-dataset',
  PREDICT: 'predict',
  EXPLAIN: 'explain',
  ATTACK: 'attack',
  SMALLEST_EPSILON: 'smallest-epsilon',
  WALKTHROUGH: 'walkthrough',
  LOAD_MODEL: 'load-model',
  EXPORT_MODEL: 'export-model',
  EXPORT_TFJS: 'export-tfjs',
  LOAD_TFJS: 'load-tfjs',
  KERAS_SCRIPT: 'keras-script',
  KERAS_WEIGHTS: 'keras-weights',
  TENSORBOARD_ZIP: 'tensorboard-zip',
  DESCRIBE_CONFIG: 'describe-config',
  START: 'start',
  STEP: 'step',
  PAUSE: 'pause',
  RESUME: 'resume',
  STOP: 'stop',
  RESET: 'reset',
  EVALUATE: 'evaluate',
  TEST_IMAGES: 'test-images',
  FRESH_SEED: 'fresh-seed',
  HIDDEN_MAP: 'hidden-map',
  HIDDEN_MAP_PLACE: 'hidden-map-place',
  HIDDEN_MAP_ACTIVATIONS: 'hidden-map-activations',
  LR_FINDER_START: 'lr-finder-start',
  LR_FINDER_CANCEL: 'lr-finder-cancel',
  LANDSCAPE_START: 'landscape-start',
  LANDSCAPE_CANCEL: 'landscape-cancel',
  DEBUG_PANIC: 'debug-panic',
});

/** Message types sent by the engine worker to the page. */
export const FromWorker = Object.freeze({
  READY: 'ready',
  DATA_PROGRESS: 'data-progress',
  DATA_READY: 'data-ready',
  MODEL_CHANGED: 'model-changed',
  PREDICTION: 'prediction',
  EXPLANATION: 'explanation',
  ATTACK_RESULT: 'attack-result',
  EPSILON_RESULT: 'epsilon-result',
  WALKTHROUGH_RESULT: 'walkthrough-result',
  MODEL_LOADED: 'model-loaded',
  MODEL: 'model',
  TFJS_MODEL: 'tfjs-model',
  KERAS_SCRIPT: 'keras-script',
  KERAS_WEIGHTS: 'keras-weights',
  TENSORBOARD_ZIP: 'tensorboard-zip',
  CONFIG_REPORT: 'config-report',
  CONFIGURED: 'configured',
  RUN_STATE: 'run-state',
  PROGRESS: 'progress',
  LAYER_STATS: 'layer-stats',
  EPOCH: 'epoch',
  EVALUATION: 'evaluation',
  TEST_IMAGES: 'test-images',
  SEED: 'seed',
  HIDDEN_MAP: 'hidden-map',
  HIDDEN_MAP_POINT: 'hidden-map-point',
  HIDDEN_MAP_ACTIVATIONS: 'hidden-map-activations',
  LR_FINDER_PROGRESS: 'lr-finder-progress',
  LR_FINDER_RESULT: 'lr-finder-result',
  LANDSCAPE_LINE: 'landscape-line',
  LANDSCAPE_SLICE: 'landscape-slice',
  LANDSCAPE_ROW: 'landscape-row',
  LANDSCAPE_DONE: 'landscape-done',
  ERROR: 'error',
});

/** Message types sent by the lead (the engine worker) to a shard worker. */
export const ToShard = Object.freeze({
  INIT: 'init',
  CONFIGURE: 'configure',
  EVALUATE: 'evaluate',
  TIMES: 'times',
  DEBUG_PANIC: 'debug-panic',
});

/** Message types sent by a shard worker to its lead. */
export const FromShard = Object.freeze({
  READY: 'ready',
  CONFIGURED: 'configured',
  EVALUATED: 'evaluated',
  TIMES: 'times',
  ERROR: 'error',
});

/** Message types sent by the page to its UMAP worker. */
export const ToUmap = Object.freeze({
  UMAP: 'umap',
});

/** Message types sent by the UMAP worker to the page. */
export const FromUmap = Object.freeze({
  PROGRESS: 'umap-progress',
  EMBEDDING: 'umap-embedding',
  ERROR: 'error',
});

/** Message types sent by the page to its picture worker (image folders). */
export const ToPictures = Object.freeze({
  PICTURES: 'pictures',
});

/** Message types sent by the picture worker to the page. */
export const FromPictures = Object.freeze({
  PROGRESS: 'pictures-progress',
  DONE: 'pictures-done',
  FAILED: 'pictures-failed',
});

/** Message types sent by the page to its service worker. */
export const ToServiceWorker = Object.freeze({
  OFFLINE_STATUS: 'offline-status',
});

/** Message types sent by the service worker to the page (on the request's port). */
export const FromServiceWorker = Object.freeze({
  OFFLINE_STATUS: 'offline-status',
});

/** States of a training run (`run-state`): the one list, used by the engine worker, the history and
 * the runs table. */
export const RunState = Object.freeze({
  /** No run: the form's config is used by Train and Step. */
  IDLE: 'idle',
  RUNNING: 'running',
  /** A run that Resume or Step continues. */
  PAUSED: 'paused',
  /** Every epoch done. */
  FINISHED: 'finished',
  /** Ended early by Stop; its model still answers predictions. */
  STOPPED: 'stopped',
  /** Diverged or refused (see the `error` that came with it). */
  FAILED: 'failed',
  // A recorded run's end states beyond the worker's (the run history, www/experiments/): a failed
  // run is recorded as DIVERGED or ERROR (by the error that came with it), and a run still going
  // when its page went away as INTERRUPTED.
  DIVERGED: 'diverged',
  ERROR: 'error',
  INTERRUPTED: 'interrupted',
});

/** The four MNIST files, gzip-compressed IDX, as shipped in data/. */
export const DATA_FILES = Object.freeze({
  train: Object.freeze({ images: 'train-images-idx3-ubyte.gz', labels: 'train-labels-idx1-ubyte.gz' }),
  test: Object.freeze({ images: 't10k-images-idx3-ubyte.gz', labels: 't10k-labels-idx1-ubyte.gz' }),
});

/** The pretrained model loaded at startup if present (relative to the data directory). */
export const DEFAULT_MODEL_FILE = 'default-model.bin';
