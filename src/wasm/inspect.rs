//! The boundary of [`crate::inspect`]: the learning-rate finder, the loss landscape and the
//! hidden-layer map as methods of [`Engine`], and the state they keep between chunked calls
//! ([`InspectState`]: the finder's sweep, the slice being computed, the last map, and the run's
//! epoch checkpoints that the slice projects).
//!
//! Every long computation runs in chunks (`lrFinderStep`, `landscapeSliceRow`) so the worker
//! can answer Cancel in between. None of these calls changes the run's network, optimizer or
//! random streams: the finder trains its own fresh network; the landscape and map work on copies.
//!
//! Non-goals: numerics (all in [`crate::inspect`]), scheduling the chunks (the worker's).

use wasm_bindgen::prelude::*;

use super::{set, set_f32, to_js, Engine, Split};
use crate::inspect::{self, hidden_map, landscape, lr_finder, trajectory, InspectError};
use crate::nn::network::Network;
use serde::Serialize;

/// What the inspect calls keep between calls.
#[derive(Default)]
pub(super) struct InspectState {
    finder: Option<lr_finder::LrFinder>,
    slice: Option<landscape::Slice>,
    map: Option<hidden_map::HiddenMap>,
    /// The run's network at the end of each epoch, `(epoch, weights)`, while they fit in
    /// [`landscape::MAX_CHECKPOINT_VALUES`].
    checkpoints: Vec<(u32, Network)>,
}

impl InspectState {
    /// A new run: its checkpoints start empty (the finder, slice and map are kept or dropped by
    /// their own calls).
    pub(super) fn new_run(&mut self) {
        self.checkpoints.clear();
        self.slice = None;
        self.map = None;
    }

    /// New training data: the finder's sweep indexes the old set, so it ends.
    pub(super) fn data_changed(&mut self) {
        self.finder = None;
    }

    /// Keep `net` as the checkpoint of the end of `epoch`, if it fits the budget.
    pub(super) fn epoch_ended(&mut self, epoch: u32, net: &Network) {
        let kept = (self.checkpoints.len() + 1) * net.parameter_count();
        if kept <= landscape::MAX_CHECKPOINT_VALUES {
            self.checkpoints.push((epoch, net.clone()));
        }
    }
}

fn js_error(e: InspectError) -> JsError {
    JsError::new(&e.to_string())
}

/// `object[name] = new Uint8Array(values)`.
fn set_u8(object: &JsValue, name: &str, values: &[u8]) -> Result<(), JsError> {
    set(object, name, js_sys::Uint8Array::from(values).into())
}

/// A checkpoint's place on the slice's plane.
#[derive(Serialize)]
struct Placed {
    /// 0 for the initial weights, else the epoch whose end it is.
    epoch: u32,
    #[serde(flatten)]
    projection: landscape::Projection,
}

#[wasm_bindgen]
impl Engine {
    /// Accepted ranges and defaults of the inspect calls: `{finder_steps,
    /// default_finder_steps, finder_start_rate, finder_end_rate, line_points,
    /// default_line_points, line_alpha_min, line_alpha_max, subset, default_subset,
    /// slice_resolution, default_slice_resolution, slice_radius, default_slice_radius,
    /// map_images, default_map_images}`; ranges are `{min, max, min_exclusive, max_exclusive,
    /// integer}` like `limits()`'s (`slice_resolution` must also be odd).
    #[wasm_bindgen(js_name = inspectLimits)]
    pub fn inspect_limits() -> Result<JsValue, JsError> {
        to_js(&inspect::limits())
    }

    /// Start a learning-rate sweep of `steps` steps (see `inspectLimits`) on a fresh network of
    /// `config` (the form's settings; its seed decides the weights and batches), replacing any
    /// sweep in progress. The run being shown is not touched. Returns the progress (below).
    #[wasm_bindgen(js_name = lrFinderStart)]
    pub fn lr_finder_start(&mut self, config: JsValue, steps: usize) -> Result<JsValue, JsError> {
        let config = super::config_from_js(config)?;
        let train = self.dataset(Split::Train)?;
        let finder = lr_finder::LrFinder::new(&config, train, steps).map_err(js_error)?;
        let progress = finder.progress();
        self.inspect.finder = Some(finder);
        to_js(&progress)
    }

    /// Run up to `n` more steps of the sweep (a chunk: ~2 ms a step for the default network
    /// natively). Returns `{done, steps, rate, loss, smoothed, stop, result}`: `done` steps of
    /// at most `steps`; the last step's `rate`, `loss` (its batch) and `smoothed` (`null` before
    /// the first); `stop` is `null` while running, then `"completed"`, `"loss_rose"` (smoothed
    /// loss above 4× its minimum) or `"loss_not_finite"`; once stopped, `result` is `{rates,
    /// losses, smoothed: Float32Array(done), steepest, minimum_over_10, stop}` (the two
    /// suggested rates are `null` when too few steps were recorded), else `null`.
    #[wasm_bindgen(js_name = lrFinderStep)]
    pub fn lr_finder_step(&mut self, n: usize) -> Result<JsValue, JsError> {
        let train = self
            .train
            .as_ref()
            .ok_or_else(|| JsError::new("the training set is not loaded yet"))?;
        let finder = self
            .inspect
            .finder
            .as_mut()
            .ok_or_else(|| JsError::new("no learning-rate sweep: send lrFinderStart first"))?;
        let progress = finder.step(train, n).map_err(js_error)?;
        let out = to_js(&progress)?;
        let result = if finder.is_done() {
            let mut r = finder.result();
            let (rates, losses, smoothed) = (
                std::mem::take(&mut r.rates),
                std::mem::take(&mut r.losses),
                std::mem::take(&mut r.smoothed),
            );
            let js = to_js(&r)?;
            set_f32(&js, "rates", &rates)?;
            set_f32(&js, "losses", &losses)?;
            set_f32(&js, "smoothed", &smoothed)?;
            js
        } else {
            JsValue::NULL
        };
        set(&out, "result", result)?;
        Ok(out)
    }

    /// Drop the sweep (Cancel). Nothing else changes.
    #[wasm_bindgen(js_name = lrFinderCancel)]
    pub fn lr_finder_cancel(&mut self) {
        self.inspect.finder = None;
    }

    /// The loss along `θ(α) = (1−α)·θ₀ + α·θ₁` from the answering model's initial weights θ₀
    /// (its config's fresh network: the seed decides them) to its current weights θ₁, at
    /// `points` values of α from −0.5 to 1.5, on `subset` training and `subset` test images
    /// (fixed, spread evenly over each set). One call (~0.2 s natively for the defaults).
    /// Returns `{alphas, train_loss, test_loss: Float32Array(points), model}`.
    #[wasm_bindgen(js_name = landscapeLine)]
    pub fn landscape_line(&self, points: usize, subset: usize) -> Result<JsValue, JsError> {
        let (net, model, test) = self.answering_on(Split::Test)?;
        let (_, _, train) = self.answering_on(Split::Train)?;
        let initial = self.answering_config()?.fresh_network();
        let line = landscape::line(&initial, net, train, test, points, subset).map_err(js_error)?;
        let out = js_sys::Object::new();
        set(&out, "model", JsValue::from_str(model))?;
        set_f32(&out, "alphas", &line.alphas)?;
        set_f32(&out, "train_loss", &line.train_loss)?;
        set_f32(&out, "test_loss", &line.test_loss)?;
        Ok(out.into())
    }

    /// Start a 2-D slice around the answering model's weights: a `resolution`² grid (odd) over
    /// `[−radius, radius]²` along two filter-normalised random directions drawn from `seed`, on
    /// `subset` fixed training images. Replaces any slice in progress. Returns `{resolution,
    /// coordinates: Float32Array(resolution), checkpoints: [{epoch, a, b, distance, off_plane}],
    /// model}`: grid point `(i, j)` sits at `a = coordinates[j]`, `b = coordinates[i]`, the
    /// centre is the current weights; `checkpoints` places the initial weights (`epoch` 0) and
    /// the run's end-of-epoch weights on the plane (least squares; `off_plane` is the distance
    /// left off the plane, usually most of `distance` for random directions).
    #[wasm_bindgen(js_name = landscapeSliceStart)]
    pub fn landscape_slice_start(
        &mut self,
        resolution: usize,
        radius: f32,
        subset: usize,
        seed: u32,
    ) -> Result<JsValue, JsError> {
        let (net, _, train) = self.answering_on(Split::Train)?;
        let slice = landscape::Slice::new(net, train, subset, resolution, radius, u64::from(seed))
            .map_err(js_error)?;
        self.start_slice(slice)
    }

    /// Start a 2-D slice around the answering model's weights along the two principal
    /// directions of its training path (Li et al. 2018, §7; [`trajectory`]): the initial
    /// weights, the run's kept epoch ends and the current weights. The grid's `[−radius,
    /// radius]²` spans the path at radius 1 (1.25 × its farthest point along either direction).
    /// Needs at least three different points (two finished epochs, or a pause in the second):
    /// a loaded model has only its initial weights, so it is refused with a message. Returns
    /// what `landscapeSliceStart` does, plus `explained: [x, y]` (the path's variance along each
    /// direction); the checkpoints lie on or near the plane.
    #[wasm_bindgen(js_name = landscapeTrajectoryStart)]
    pub fn landscape_trajectory_start(
        &mut self,
        resolution: usize,
        radius: f32,
        subset: usize,
    ) -> Result<JsValue, JsError> {
        let (net, model, train) = self.answering_on(Split::Train)?;
        let initial = self.answering_config()?.fresh_network();
        let mut path = vec![&initial];
        if model == "trained" {
            path.extend(self.inspect.checkpoints.iter().map(|(_, n)| n));
        }
        let plane = trajectory::trajectory_plane(net, &path).map_err(|e| {
            if model == "trained" {
                js_error(e)
            } else {
                JsError::new(&format!(
                    "{e}; a model file keeps no training path (only its initial weights): use random directions, or train a run"
                ))
            }
        })?;
        let slice = landscape::Slice::with_directions(
            net,
            train,
            subset,
            resolution,
            radius,
            plane.directions,
        )
        .map_err(js_error)?;
        let out = self.start_slice(slice)?;
        set(&out, "explained", to_js(&plane.explained)?)?;
        Ok(out)
    }

    /// Compute the slice's next row (one chunk: `resolution` losses). Returns `{row, done,
    /// resolution, losses: Float32Array(resolution)}` (row `row` at `b = coordinates[row]`,
    /// `losses[j]` at `a = coordinates[j]`), or `null` when every row is done.
    #[wasm_bindgen(js_name = landscapeSliceRow)]
    pub fn landscape_slice_row(&mut self) -> Result<JsValue, JsError> {
        let slice = self
            .inspect
            .slice
            .as_mut()
            .ok_or_else(|| JsError::new("no slice: send landscapeSliceStart first"))?;
        let Some(mut row) = slice.row() else {
            return Ok(JsValue::NULL);
        };
        let losses = std::mem::take(&mut row.losses);
        let out = to_js(&row)?;
        set_f32(&out, "losses", &losses)?;
        Ok(out)
    }

    /// Drop the slice (Cancel).
    #[wasm_bindgen(js_name = landscapeSliceCancel)]
    pub fn landscape_slice_cancel(&mut self) {
        self.inspect.slice = None;
    }

    /// The answering model's last hidden layer on `count` fixed test images (spread evenly over
    /// the test set), projected on its two principal components. `previous` is the previous
    /// map's `coordinates` (same `count`) to align the axes with, or `undefined`. Returns
    /// `{indices: Uint32Array(count), labels, predictions: Uint8Array(count), coordinates:
    /// Float32Array(2·count) (x, y per image), explained: [x, y] (share of variance), flipped:
    /// [bool, bool], units, model}`. The engine keeps this map for `hiddenMapPlace`.
    #[wasm_bindgen(js_name = hiddenMap)]
    pub fn hidden_map(
        &mut self,
        count: usize,
        previous: Option<Vec<f32>>,
    ) -> Result<JsValue, JsError> {
        let (net, model, test) = self.answering_on(Split::Test)?;
        let mut map =
            hidden_map::hidden_map(net, test, count, previous.as_deref()).map_err(js_error)?;
        let (indices, labels, predictions, coordinates) = (
            std::mem::take(&mut map.indices),
            std::mem::take(&mut map.labels),
            std::mem::take(&mut map.predictions),
            std::mem::take(&mut map.coordinates),
        );
        let out = to_js(&map)?;
        set(&out, "model", JsValue::from_str(model))?;
        set(
            &out,
            "indices",
            js_sys::Uint32Array::from(&indices[..]).into(),
        )?;
        set_u8(&out, "labels", &labels)?;
        set_u8(&out, "predictions", &predictions)?;
        set_f32(&out, "coordinates", &coordinates)?;
        self.inspect.map = Some(map);
        Ok(out)
    }

    /// The last `hiddenMap`'s activations of the last hidden layer: `Float32Array(count·units)`,
    /// row `i` for the map's image `i` (for a nonlinear map made by the page, e.g. UMAP).
    #[wasm_bindgen(js_name = hiddenMapActivations)]
    pub fn hidden_map_activations(&self) -> Result<Vec<f32>, JsError> {
        self.inspect
            .map
            .as_ref()
            .map(|m| m.activations.clone())
            .ok_or_else(|| JsError::new("no hidden-layer map yet: send hiddenMap first"))
    }

    /// Where a 28×28 image (784 bytes, e.g. `predict`'s `image` of the current drawing) falls
    /// on the last `hiddenMap`, through the answering model: `Float32Array(2)`, `[x, y]`.
    #[wasm_bindgen(js_name = hiddenMapPlace)]
    pub fn hidden_map_place(&self, image: &[u8]) -> Result<Vec<f32>, JsError> {
        let map = self
            .inspect
            .map
            .as_ref()
            .ok_or_else(|| JsError::new("no hidden-layer map yet: send hiddenMap first"))?;
        let (net, _) = self.answering()?;
        Ok(map.place(net, image).map_err(js_error)?.to_vec())
    }
}

impl Engine {
    /// Keeps `slice` as the one in progress and returns its start (grid, checkpoints, model).
    fn start_slice(&mut self, slice: landscape::Slice) -> Result<JsValue, JsError> {
        let (_, model) = self.answering()?;
        let initial = self.answering_config()?.fresh_network();
        let mut placed = vec![Placed {
            epoch: 0,
            projection: slice.project(&initial).map_err(js_error)?,
        }];
        if model == "trained" {
            for (epoch, checkpoint) in &self.inspect.checkpoints {
                placed.push(Placed {
                    epoch: *epoch,
                    projection: slice.project(checkpoint).map_err(js_error)?,
                });
            }
        }
        let out = js_sys::Object::new();
        set(&out, "model", JsValue::from_str(model))?;
        set(&out, "resolution", JsValue::from(slice.resolution()))?;
        set_f32(&out, "coordinates", slice.coordinates())?;
        set(&out, "checkpoints", to_js(&placed)?)?;
        self.inspect.slice = Some(slice);
        Ok(out.into())
    }

    /// The config of the answering model (the run's, or the loaded model's).
    pub(super) fn answering_config(&self) -> Result<&crate::train::config::Config, JsError> {
        let (_, model) = self.answering()?;
        if model == "trained" {
            if let Some(t) = &self.trainer {
                return Ok(t.config());
            }
        }
        self.loaded
            .as_ref()
            .map(|(c, _, _)| c)
            .ok_or_else(|| JsError::new("no model yet: train one or load a model file"))
    }
}
