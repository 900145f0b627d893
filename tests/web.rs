//! Browser tests (wasm-bindgen-test), run by `wasm-pack test --headless --chrome --firefox`.
//!
//! They run inside a dedicated Web Worker, where the engine lives on the page, and check the path
//! the page's data takes: gzip'd IDX bytes → the browser's own `DecompressionStream('gzip')` →
//! [`Dataset::from_idx`]. The gzip bytes are made here with flate2 from a hand-made 3-image,
//! 2×2-pixel IDX pair, so every expected number below is written out by hand.
//!
//! Non-goals: the full MNIST files (the native tests and the page test cover those).
#![cfg(target_arch = "wasm32")]

use std::io::Write;

use flate2::{write::GzEncoder, Compression};
use js_sys::{futures::JsFuture, Uint8Array};
use mnist_playground::data::mnist::Dataset;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_dedicated_worker);

// `DecompressionStream` is behind `web_sys_unstable_apis` in web-sys, so bind the two members we
// need directly; it is a stable API in Chrome, Firefox and Safari.
#[wasm_bindgen]
extern "C" {
    type DecompressionStream;
    #[wasm_bindgen(constructor)]
    fn new(format: &str) -> DecompressionStream;
}

/// IDX image file: magic 0x00000803, count 3, rows 2, cols 2, then 3 × 4 pixel bytes.
fn idx_images() -> Vec<u8> {
    let mut bytes = vec![0, 0, 8, 3, 0, 0, 0, 3, 0, 0, 0, 2, 0, 0, 0, 2];
    bytes.extend_from_slice(&[0, 255, 128, 1]); // image 0
    bytes.extend_from_slice(&[10, 20, 30, 40]); // image 1
    bytes.extend_from_slice(&[255, 0, 0, 7]); // image 2
    bytes
}

/// IDX label file: magic 0x00000801, count 3, then the labels 7, 0, 9.
fn idx_labels() -> Vec<u8> {
    vec![0, 0, 8, 1, 0, 0, 0, 3, 7, 0, 9]
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

/// Gunzips `gz` with the browser's DecompressionStream, as `www/engine/download.js` does.
async fn browser_gunzip(gz: &[u8]) -> Result<Vec<u8>, JsValue> {
    let mut gz = gz.to_vec();
    let response = web_sys::Response::new_with_opt_u8_array(Some(&mut gz))?;
    let body = response.body().ok_or("response without a body")?;
    let stream: web_sys::ReadableWritablePair = DecompressionStream::new("gzip").unchecked_into();
    let gunzipped =
        web_sys::Response::new_with_opt_readable_stream(Some(&body.pipe_through(&stream)))?;
    let buffer = JsFuture::from(gunzipped.array_buffer()?).await?;
    Ok(Uint8Array::new(&buffer).to_vec())
}

#[wasm_bindgen_test]
async fn gzip_idx_decompressed_by_the_browser_parses() {
    let images_gz = gzip(&idx_images());
    let labels_gz = gzip(&idx_labels());
    assert_eq!(&images_gz[..2], &[0x1f, 0x8b], "flate2 wrote a gzip header");

    let images = browser_gunzip(&images_gz).await.expect("images gunzip");
    let labels = browser_gunzip(&labels_gz).await.expect("labels gunzip");
    assert_eq!(images, idx_images());
    assert_eq!(labels, idx_labels());

    let data = Dataset::from_idx(&images, &labels).expect("valid IDX");
    assert_eq!(data.len(), 3);
    assert_eq!((data.rows, data.cols), (2, 2));
    assert_eq!(data.image(0), &[0, 255, 128, 1]);
    assert_eq!(data.image(1), &[10, 20, 30, 40]);
    assert_eq!(data.image(2), &[255, 0, 0, 7]);
    assert_eq!(data.labels, vec![7, 0, 9]);
    assert_eq!(data.label_histogram(), [1, 0, 0, 0, 0, 0, 0, 1, 0, 1]);
}

#[wasm_bindgen_test]
async fn corrupt_gzip_is_rejected_by_the_browser() {
    let mut gz = gzip(&idx_images());
    let n = gz.len();
    gz.truncate(n - 10); // cut the deflate end and the CRC/size trailer
    assert!(
        browser_gunzip(&gz).await.is_err(),
        "truncated gzip must not decode"
    );
}

#[wasm_bindgen_test]
fn malformed_idx_gives_a_readable_error() {
    // Label file with the image magic 0x00000803 instead of 0x00000801.
    let mut labels = idx_labels();
    labels[3] = 3;
    let err = Dataset::from_idx(&idx_images(), &labels).expect_err("wrong label magic");
    let message = err.to_string();
    assert!(
        message.contains("wrong magic number 0x00000803"),
        "message names the problem: {message:?}"
    );

    // Image file cut in the middle of the last image.
    let images = idx_images();
    let err = Dataset::from_idx(&images[..images.len() - 1], &idx_labels()).expect_err("truncated");
    let message = err.to_string();
    assert!(
        message.contains("truncated"),
        "message names the problem: {message:?}"
    );
    assert!(
        message.contains("12 data bytes but only 11"),
        "message gives the sizes: {message:?}"
    );
}

/// `Engine.limits()` reaches JavaScript as a plain object built from the validation constants,
/// with `null` for an unbounded maximum.
#[wasm_bindgen_test]
fn limits_reach_javascript_as_a_plain_object() {
    use mnist_playground::wasm::Engine;
    let limits = Engine::limits().map_err(JsValue::from).unwrap();
    let get = |object: &JsValue, key: &str| js_sys::Reflect::get(object, &key.into()).unwrap();
    assert_eq!(get(&limits, "side").as_f64(), Some(28.0));
    assert_eq!(get(&limits, "pixels").as_f64(), Some(784.0));
    assert_eq!(get(&limits, "classes").as_f64(), Some(10.0));
    assert_eq!(
        get(&limits, "max_threads").as_f64(),
        Some(mnist_playground::train::config::MAX_THREADS as f64)
    );
    let augment = get(&limits, "augment");
    assert_eq!(get(&augment, "max_rotation").as_f64(), Some(12.0));
    let ranges = get(&limits, "ranges");
    let dropout = get(&ranges, "dropout");
    assert_eq!(get(&dropout, "max").as_f64(), Some(0.95));
    assert_eq!(get(&dropout, "max_exclusive").as_bool(), Some(true));
    assert!(get(&get(&ranges, "optimizer.epsilon"), "max").is_null());
    assert_eq!(
        get(&get(&ranges, "hidden[]"), "integer").as_bool(),
        Some(true)
    );
    // Choices as arrays of names, each kind's defaults as a config's objects.
    let choices = get(&limits, "choices");
    assert!(js_sys::Array::is_array(&get(&choices, "optimizer.kind")));
    let kinds = get(&limits, "kind_defaults");
    let momentum = get(&get(&kinds, "optimizer"), "momentum");
    assert_eq!(
        get(&momentum, "kind").as_string().as_deref(),
        Some("momentum")
    );
    assert_eq!(get(&momentum, "nesterov").as_bool(), Some(false));
}

/// `Engine.freshSeed()` draws from the browser's random source: whole numbers that differ.
#[wasm_bindgen_test]
fn fresh_seeds_come_from_the_browser_and_differ() {
    use mnist_playground::wasm::Engine;
    let a = Engine::fresh_seed().map_err(JsValue::from).unwrap();
    let b = Engine::fresh_seed().map_err(JsValue::from).unwrap();
    // Two equal draws have probability 2⁻³².
    assert_ne!(a, b);
}

/// `Engine.exchangeBytes` sizes the shared buffer only for configs within the limits: too many
/// threads or parameters get a message instead of an overflowing size.
#[wasm_bindgen_test]
fn exchange_bytes_refuses_configs_beyond_the_limits() {
    use mnist_playground::train::config::{Config, MAX_THREADS};
    use mnist_playground::wasm::Engine;
    let js = |c: &Config| serde_wasm_bindgen::to_value(c).unwrap();
    let two = Config { threads: 2, ..Config::default() };
    let bytes = Engine::exchange_bytes(js(&two)).map_err(JsValue::from).unwrap();
    assert!(bytes > 2 * 2 * 4 * two.parameter_count(), "{bytes} bytes");
    let too_many = Config { threads: MAX_THREADS + 1, ..Config::default() };
    let err = JsValue::from(Engine::exchange_bytes(js(&too_many)).unwrap_err());
    assert!(format!("{err:?}").contains("threads must be 1 to"), "{err:?}");
    let huge = Config { threads: 2, hidden: vec![usize::MAX / 4, usize::MAX / 4], ..Config::default() };
    let err = JsValue::from(Engine::exchange_bytes(js(&huge)).unwrap_err());
    assert!(format!("{err:?}").contains("parameters"), "{err:?}");
}

/// The data-set calls take a `Split` (JavaScript passes "train" or "test"): a loaded set answers,
/// the other says it is not loaded yet.
#[wasm_bindgen_test]
fn data_set_calls_take_a_split() {
    use mnist_playground::wasm::{Engine, Split};
    let message = |e: JsError| {
        let e = JsValue::from(e);
        js_sys::Reflect::get(&e, &"message".into())
            .unwrap()
            .as_string()
            .unwrap()
    };
    let mut engine = Engine::new();
    engine
        .load_test(idx_images(), idx_labels())
        .map_err(JsValue::from)
        .unwrap();
    assert_eq!(
        engine
            .histogram(Split::Test)
            .map_err(JsValue::from)
            .unwrap(),
        vec![1, 0, 0, 0, 0, 0, 0, 1, 0, 1]
    );
    assert_eq!(
        engine.image(Split::Test, 2).map_err(JsValue::from).unwrap(),
        vec![255, 0, 0, 7]
    );
    assert_eq!(
        engine.label(Split::Test, 2).map_err(JsValue::from).unwrap(),
        9
    );
    assert_eq!(
        message(engine.label(Split::Test, 3).unwrap_err()),
        "image index 3 out of range for the test set (3 images)"
    );
    assert_eq!(
        message(engine.histogram(Split::Train).unwrap_err()),
        "the train set is not loaded yet (send load-data first)"
    );
}

/// A CSV data set of three named classes through the wasm API: loaded, split into a training and
/// a held-out test set, trained on with a config naming its classes and evaluated; a digit config
/// and a test set of other classes are refused with a message, the data staying as it was.
#[wasm_bindgen_test]
fn a_csv_data_set_of_named_classes_loads_splits_and_trains() {
    use mnist_playground::data::csv;
    use mnist_playground::train::config::Config;
    use mnist_playground::wasm::{Engine, Split};
    let get = |o: &JsValue, k: &str| js_sys::Reflect::get(o, &k.into()).unwrap();
    let message = |e: JsError| get(&JsValue::from(e), "message").as_string().unwrap();
    // Class k is a bar on row 4 + 8k: 60 images of each.
    let images: Vec<Vec<u8>> = (0..180)
        .map(|i| {
            let mut p = vec![0u8; 784];
            let row = 4 + 8 * (i % 3);
            p[row * 28 + 4 + i % 7..row * 28 + 20 + i % 7].fill(200);
            p
        })
        .collect();
    let rows: Vec<(u8, &[u8])> = images.iter().enumerate().map(|(i, p)| ((i % 3) as u8, &p[..])).collect();
    let text = csv::encode(&rows, true);
    let mut engine = Engine::new();
    let names = "✓\n✗\n○\n".as_bytes().to_vec();
    let summary = engine
        .load_csv_dataset(Split::Train, "shapes.csv", &text, Some("names.txt".into()), Some(names))
        .map_err(JsValue::from)
        .unwrap();
    assert_eq!(get(&summary, "count").as_f64(), Some(180.0));
    assert_eq!(get(&summary, "classes").as_f64(), Some(3.0));
    assert_eq!(js_sys::Array::from(&get(&summary, "names")).get(2).as_string().as_deref(), Some("○"));
    let both = engine.hold_out_test(0.2, 1).map_err(JsValue::from).unwrap();
    assert_eq!(get(&get(&both, "test"), "count").as_f64(), Some(36.0));
    assert_eq!(engine.histogram(Split::Test).map_err(JsValue::from).unwrap(), vec![12, 12, 12]);
    // A digit config does not fit these classes.
    let digits = serde_wasm_bindgen::to_value(&Config { validation_size: 20, batch_size: 16, ..Config::default() }).unwrap();
    let report = engine.describe_config(digits.clone()).map_err(JsValue::from).unwrap();
    assert_eq!(get(&report, "ok").as_bool(), Some(false));
    assert_eq!(get(&report, "field").as_string().as_deref(), Some("classes"));
    let e = message(engine.configure(digits).unwrap_err());
    assert!(e.contains("are not the loaded data's 3 (✓, ✗, ○)"), "{e}");
    let config = Config {
        hidden: vec![8],
        validation_size: 20,
        batch_size: 16,
        epochs: 4,
        learning_rate: 0.01,
        classes: ["✓", "✗", "○"].map(String::from).to_vec(),
        ..Config::default()
    };
    engine.configure(serde_wasm_bindgen::to_value(&config).unwrap()).map_err(JsValue::from).unwrap();
    while !get(&engine.train_steps(100).map_err(JsValue::from).unwrap(), "finished").as_bool().unwrap() {}
    let test = engine.evaluate_test().map_err(JsValue::from).unwrap();
    assert!(get(&test, "accuracy").as_f64().unwrap() > 0.9);
    assert_eq!(js_sys::Array::from(&get(&test, "confusion")).length(), 3);
    assert_eq!(engine.answering_class_names().map_err(JsValue::from).unwrap(), ["✓", "✗", "○"]);
    // A test set of other classes is refused; the held-out one stays.
    let other = csv::encode(&rows[..4], false);
    let e = message(engine.load_csv_dataset(Split::Test, "digits.csv", &other, None, None).unwrap_err());
    assert!(e.contains("the test set's classes 3 (0, 1, 2) are not the training set's 3 (✓, ✗, ○)"), "{e}");
    assert_eq!(engine.test_count(), 36);
    // A bad CSV names its line and column; nothing changes.
    let bad = String::from_utf8(text.clone()).unwrap().replacen(",200,", ",300,", 1);
    let e = message(engine.load_csv_dataset(Split::Train, "bad.csv", bad.as_bytes(), None, None).unwrap_err());
    assert!(e.starts_with("bad.csv: line ") && e.contains("pixel value 300 is out of range"), "{e}");
    assert_eq!(engine.train_count(), 144);
}

/// The explain calls on the answering model (here a loaded model file of a small fresh network):
/// plain objects out, maps and images as `Float32Array`s, budgets kept, bad arguments refused
/// with a message.
#[wasm_bindgen_test]
fn explain_calls_answer_with_typed_arrays() {
    use mnist_playground::io::model_file;
    use mnist_playground::train::config::Config;
    use mnist_playground::wasm::{AttributionMethod, Engine};
    let get = |object: &JsValue, key: &str| js_sys::Reflect::get(object, &key.into()).unwrap();
    let f32s = |v: JsValue| v.dyn_into::<js_sys::Float32Array>().unwrap().to_vec();
    let config = Config {
        hidden: vec![16],
        ..Config::default()
    };
    let bytes = model_file::encode(&config, &config.fresh_network());
    let mut engine = Engine::new();
    engine
        .load_model(&bytes, "small")
        .map_err(JsValue::from)
        .unwrap();
    let image: Vec<u8> = (0..784)
        .map(|p| if (p / 28 + p % 28) % 9 == 0 { 220 } else { 0 })
        .collect();
    for method in [
        AttributionMethod::Gradient,
        AttributionMethod::IntegratedGradients,
    ] {
        let a = engine
            .explain_image(&image, 3, method)
            .map_err(JsValue::from)
            .unwrap();
        assert_eq!(f32s(get(&a, "map")).len(), 784);
        assert_eq!(get(&a, "class").as_f64(), Some(3.0));
        assert_eq!(get(&a, "model").as_string().as_deref(), Some("small"));
    }
    let eps = 0.1f32;
    let a = engine
        .attack_image(&image, 7, eps, 10)
        .map_err(JsValue::from)
        .unwrap();
    let (adv, delta) = (f32s(get(&a, "image")), f32s(get(&a, "perturbation")));
    assert_eq!((adv.len(), delta.len()), (784, 784));
    for (p, &o) in adv.iter().zip(&image) {
        assert!((0.0..=1.0).contains(p));
        assert!((f64::from(*p) - f64::from(f32::from(o) / 255.0)).abs() <= f64::from(eps));
    }
    assert!(get(&a, "reached").as_bool().is_some());
    let s = engine
        .smallest_epsilon(&image, 7, 10)
        .map_err(JsValue::from)
        .unwrap();
    assert!(get(&get(&s, "attack"), "before").is_array());
    let w = engine
        .walkthrough(&image, 2, 0.1)
        .map_err(JsValue::from)
        .unwrap();
    assert_eq!(get(&w, "units").as_f64(), Some(16.0));
    assert_eq!(f32s(get(&w, "first_layer_weight_gradient")).len(), 16 * 784);
    assert_eq!(js_sys::Array::from(&get(&w, "layers")).length(), 2);
    let limits = Engine::explain_limits().map_err(JsValue::from).unwrap();
    assert_eq!(get(&get(&limits, "epsilon"), "max").as_f64(), Some(0.5));
    let message = |e: JsError| get(&JsValue::from(e), "message").as_string().unwrap();
    assert_eq!(
        message(engine.attack_image(&image, 7, 0.9, 10).unwrap_err()),
        "epsilon must be in [0, 0.5], got 0.9"
    );
    assert_eq!(
        message(
            engine
                .explain_image(&image, 10, AttributionMethod::Gradient)
                .unwrap_err()
        ),
        "class 10 does not exist: the network has classes 0–9"
    );
}

/// Latency of the attribution maps on the shipped default model in this browser, on the first
/// 20 MNIST test digits for the class after their label (printed, for docs/explain.md; the
/// gradient's budget is 2 ms, asserted loosely: a shared CI machine is noisy).
#[wasm_bindgen_test]
fn attribution_latency_on_the_default_model() {
    use mnist_playground::wasm::{AttributionMethod, Engine};
    use std::io::Read;
    let gunzip = |gz: &[u8]| {
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(gz)
            .read_to_end(&mut out)
            .unwrap();
        out
    };
    let test = Dataset::from_idx(
        &gunzip(include_bytes!("../data/t10k-images-idx3-ubyte.gz")),
        &gunzip(include_bytes!("../data/t10k-labels-idx1-ubyte.gz")),
    )
    .unwrap();
    let mut engine = Engine::new();
    engine
        .load_model(include_bytes!("../data/default-model.bin"), "default")
        .map_err(JsValue::from)
        .unwrap();
    let performance = js_sys::Reflect::get(&js_sys::global(), &"performance".into()).unwrap();
    let now = js_sys::Function::from(js_sys::Reflect::get(&performance, &"now".into()).unwrap());
    let clock = || now.call0(&performance).unwrap().as_f64().unwrap();
    let time = |method: AttributionMethod, reps: usize| {
        let run = |i: usize| {
            let class = (test.labels[i % 20] as usize + 1) % 10;
            engine
                .explain_image(test.image(i % 20), class, method)
                .map_err(JsValue::from)
                .unwrap();
        };
        run(0);
        let start = clock();
        (0..reps).for_each(run);
        (clock() - start) / reps as f64
    };
    let gradient = time(AttributionMethod::Gradient, 100);
    let integrated = time(AttributionMethod::IntegratedGradients, 20);
    console_log!(
        "explainImage on the default model: gradient {gradient:.3} ms, integrated gradients {integrated:.1} ms (mean)"
    );
    assert!(gradient < 20.0, "gradient map took {gradient} ms");
}

/// The message of a call's `JsError` (panics if the call succeeded).
fn error_message(result: Result<(), JsError>) -> String {
    let err = JsValue::from(result.unwrap_err());
    js_sys::Reflect::get(&err, &"message".into())
        .unwrap()
        .as_string()
        .unwrap()
}

/// The Keras and TensorBoard exports across the boundary: a run record built as the page builds
/// it (plain objects, typed arrays) becomes a zip of event files; a bad record and a missing
/// model are refused with messages; the script comes back as `{file_name, text}`.
#[wasm_bindgen_test]
fn keras_and_tensorboard_exports_take_plain_objects() {
    use js_sys::{Float32Array, Reflect, JSON};
    use mnist_playground::wasm::Engine;
    let run = JSON::parse(
        r#"{"name":"a run","start_time":1000,"steps":{},"epochs":[{"epoch":1,"step":2,
            "seconds":1.5,"train_loss":0.5,"train_accuracy":0.8,"validation_loss":null,
            "test_loss":0.4,"test_accuracy":0.9}]}"#,
    )
    .unwrap();
    let steps = Reflect::get(&run, &"steps".into()).unwrap();
    for key in ["loss", "accuracy", "learning_rate"] {
        let values = Float32Array::from(&[0.5f32, 0.25][..]);
        Reflect::set(&steps, &key.into(), &values).unwrap();
    }
    let runs = js_sys::Array::of1(&run);
    let zip = Engine::tensorboard_zip(runs.clone().into())
        .map_err(JsValue::from)
        .unwrap();
    assert_eq!(&zip[..4], b"PK\x03\x04");
    let text = String::from_utf8_lossy(&zip);
    assert!(text.contains("a_run/train/events.out.tfevents.1000.mnist-playground"));
    assert!(text.contains("a_run/test/events.out.tfevents.1000.mnist-playground"));
    assert!(!text.contains("a_run/validation/"));

    Reflect::set(
        &steps,
        &"accuracy".into(),
        &Float32Array::new_with_length(1),
    )
    .unwrap();
    let message = error_message(Engine::tensorboard_zip(runs.into()).map(|_| ()));
    assert!(message.contains("one entry per step"), "{message}");

    let engine = Engine::new();
    assert!(engine.export_keras_weights().is_err());
    let config = Engine::default_config().map_err(JsValue::from).unwrap();
    let script = Engine::keras_script(config, "default")
        .map_err(JsValue::from)
        .unwrap();
    let name = Reflect::get(&script, &"file_name".into()).unwrap();
    assert_eq!(name.as_string().as_deref(), Some("train_default.py"));
    let text = Reflect::get(&script, &"text".into())
        .unwrap()
        .as_string()
        .unwrap();
    assert!(text.contains("HIDDEN = [128]"));
}

/// A TensorFlow.js layers model goes in through `loadTfjs` and answers predictions; a model that
/// is not a dense MLP is refused with a message naming what, and the loaded model stays.
#[wasm_bindgen_test]
fn tfjs_layers_models_load_and_unsupported_ones_are_refused() {
    use js_sys::Reflect;
    use mnist_playground::io::export_tfjs::export;
    use mnist_playground::nn::{activation::Activation, init::Init, network::Network};
    use mnist_playground::wasm::Engine;
    let net = Network::from_sizes(&[784, 16, 10], Activation::Tanh, Init::Auto, 2);
    let m = export(&net, &mnist_playground::data::classes::digit_names()).unwrap();
    let mut engine = Engine::new();
    let config = engine
        .load_tfjs(&m.model_json, &m.weights, "from keras")
        .map_err(JsValue::from)
        .unwrap();
    let hidden = Reflect::get(&config, &"hidden".into()).unwrap();
    assert_eq!(js_sys::Array::from(&hidden).get(0).as_f64(), Some(16.0));
    assert_eq!(engine.answering_model(), "from keras");
    let conv = m.model_json.replacen("\"Dense\"", "\"Conv2D\"", 1);
    let message = error_message(engine.load_tfjs(&conv, &m.weights, "conv").map(|_| ()));
    assert!(message.contains("layer type Conv2D"), "{message}");
    assert_eq!(engine.answering_model(), "from keras");
}
