//! # The WebAssembly boundary
//!
//! The only module that touches `wasm-bindgen` (compiled for `wasm32` only). It exposes an opaque
//! [`Engine`] handle that owns the large, long-lived data (the MNIST train and test sets, pixels as
//! `u8` in wasm linear memory) and returns small, copied results to JavaScript: counts, a
//! histogram, one 28×28 image at a time.
//!
//! Its one caller is `www/worker.js` (the page never imports the wasm package), which fetches and
//! gunzips the IDX files with the browser's `DecompressionStream` and hands the raw bytes over.
//!
//! Panics: [`start`] installs a panic hook that logs to the console (console_error_panic_hook)
//! and stores the panic message in `globalThis.__mnistLastPanic`, so the worker can turn the
//! resulting `RuntimeError: unreachable` into a readable message for the page.
//!
//! Non-goals: no numerics here, no JSON strings, no class instances crossing the worker boundary;
//! every method is a thin wrapper over the core crate.

use wasm_bindgen::prelude::*;

use crate::mnist::Dataset;

/// Name of the global property where the panic hook leaves the last panic message.
const LAST_PANIC_PROPERTY: &str = "__mnistLastPanic";

/// Runs once when the wasm module is instantiated: installs the panic hook.
#[wasm_bindgen(start)]
pub fn start() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        let message = info.to_string();
        // Best effort: if this fails there is nothing more useful to do inside a panic.
        let _ = js_sys::Reflect::set(
            &js_sys::global(),
            &JsValue::from_str(LAST_PANIC_PROPERTY),
            &JsValue::from_str(&message),
        );
    }));
}

/// Panics on purpose with `message`. Test-only: lets the browser tests check that a Rust panic
/// reaches the page as a readable error and that the page recovers.
#[wasm_bindgen(js_name = debugPanic)]
pub fn debug_panic(message: &str) {
    panic!("debug panic: {message}");
}

/// Which of the two data sets a call refers to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Split {
    Train,
    Test,
}

impl Split {
    fn parse(which: &str) -> Result<Split, JsError> {
        match which {
            "train" => Ok(Split::Train),
            "test" => Ok(Split::Test),
            other => Err(JsError::new(&format!(
                "unknown data set {other:?} (expected \"train\" or \"test\")"
            ))),
        }
    }

    fn name(self) -> &'static str {
        match self {
            Split::Train => "train",
            Split::Test => "test",
        }
    }
}

/// Opaque handle owning the MNIST data (and, later, the model and trainer).
#[wasm_bindgen]
#[derive(Default)]
pub struct Engine {
    train: Option<Dataset>,
    test: Option<Dataset>,
}

#[wasm_bindgen]
impl Engine {
    /// An engine with no data loaded.
    #[wasm_bindgen(constructor)]
    pub fn new() -> Engine {
        Engine::default()
    }

    /// Parses the (already gunzipped) IDX image and label files of the training set.
    #[wasm_bindgen(js_name = loadTrain)]
    pub fn load_train(&mut self, images: &[u8], labels: &[u8]) -> Result<(), JsError> {
        self.train = Some(parse(Split::Train, images, labels)?);
        Ok(())
    }

    /// Parses the (already gunzipped) IDX image and label files of the test set.
    #[wasm_bindgen(js_name = loadTest)]
    pub fn load_test(&mut self, images: &[u8], labels: &[u8]) -> Result<(), JsError> {
        self.test = Some(parse(Split::Test, images, labels)?);
        Ok(())
    }

    /// Number of training images (0 before loading).
    #[wasm_bindgen(js_name = trainCount)]
    pub fn train_count(&self) -> usize {
        self.train.as_ref().map_or(0, Dataset::len)
    }

    /// Number of test images (0 before loading).
    #[wasm_bindgen(js_name = testCount)]
    pub fn test_count(&self) -> usize {
        self.test.as_ref().map_or(0, Dataset::len)
    }

    /// How many images of each digit 0–9 the data set `which` ("train" or "test") holds.
    pub fn histogram(&self, which: &str) -> Result<Vec<u32>, JsError> {
        Ok(self.dataset(which)?.label_histogram().to_vec())
    }

    /// A copy of image `index` of `which`: rows × cols (28 × 28 = 784) bytes, row-major, 0 = background.
    pub fn image(&self, which: &str, index: usize) -> Result<Vec<u8>, JsError> {
        let data = self.dataset(which)?;
        check_index(which, index, data.len())?;
        Ok(data.image(index).to_vec())
    }

    /// The label (0–9) of image `index` of `which`.
    pub fn label(&self, which: &str, index: usize) -> Result<u8, JsError> {
        let data = self.dataset(which)?;
        check_index(which, index, data.len())?;
        Ok(data.labels[index])
    }
}

impl Engine {
    fn dataset(&self, which: &str) -> Result<&Dataset, JsError> {
        let split = Split::parse(which)?;
        let data = match split {
            Split::Train => self.train.as_ref(),
            Split::Test => self.test.as_ref(),
        };
        data.ok_or_else(|| {
            JsError::new(&format!(
                "the {} set is not loaded yet (send load-data first)",
                split.name()
            ))
        })
    }
}

fn parse(split: Split, images: &[u8], labels: &[u8]) -> Result<Dataset, JsError> {
    Dataset::from_idx(images, labels)
        .map_err(|e| JsError::new(&format!("{} set: {e}", split.name())))
}

fn check_index(which: &str, index: usize, len: usize) -> Result<(), JsError> {
    if index < len {
        Ok(())
    } else {
        Err(JsError::new(&format!(
            "image index {index} out of range for the {which} set ({len} images)"
        )))
    }
}
