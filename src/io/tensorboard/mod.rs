//! # A run's curves as TensorBoard event files
//!
//! Turns what the page recorded during a run ([`RunRecord`]) into the folders `tensorboard
//! --logdir` reads, laid out as Keras's `TensorBoard` callback lays out its own so both kinds of
//! runs sit side by side with the same tags:
//!
//! | file | tag | step | value |
//! |---|---|---|---|
//! | `train/` | `batch_loss`, `batch_accuracy`, `batch_learning_rate` | the step (1 = first batch) | that batch's mean loss, accuracy, learning rate |
//! | `train/` | `epoch_loss`, `epoch_accuracy` | epoch − 1 (Keras counts epochs from 0) | the epoch's mean training loss and accuracy |
//! | `train/` | `epoch_learning_rate` | epoch − 1 | the learning rate of the epoch's last step |
//! | `train/` | `layer_<l>/kernel`, `layer_<l>/kernel_gradient` (histograms) | epoch − 1 | layer l's weights after the epoch, and the weight gradient of its last batch |
//! | `validation/` | `epoch_loss`, `epoch_accuracy` | epoch − 1 | on the held-out images (when the run had them) |
//! | `test/` | `epoch_loss`, `epoch_accuracy` | epoch − 1 | on the 10,000 test images (when recorded) |
//!
//! Layers count from 1 at the input side (`layer_1` = `dense` in a Keras script, `layer_2` =
//! `dense_1`, …). Each file starts with the `file_version` event `"brain.Event:2"`, then one event
//! per value, framed as TFRecords ([`record`]) holding `Event` protos ([`proto`]). Files are
//! named `events.out.tfevents.<start seconds>.mnist-playground`; [`zip_runs`] puts several runs'
//! folders in one zip, one folder per run.
//!
//! Non-goals: graphs, images, hyperparameter (HParams) summaries, reading event files; recording
//! the curves (the page does that while it trains; [`layer_histograms`] gives it the histograms).

pub mod proto;
pub mod record;

use crate::io::archive;
use crate::nn::network::Network;
use prost::Message;
use proto::{Event, HistogramProto, Kind, Summary, Value, What};
use serde::{Deserialize, Serialize};

/// The first event of every event file.
pub const FILE_VERSION: &str = "brain.Event:2";

/// A run as the page recorded it. JS shape (plain object; arrays may be typed arrays):
///
/// ```text
/// { name: "adam-lr0.001", start_time: 1765000000.5,
///   steps: { loss: Float32Array, accuracy: Float32Array, learning_rate: Float32Array },
///   epochs: [ { epoch: 1, step: 430, seconds: 12.3, train_loss, train_accuracy,
///               validation_loss?, validation_accuracy?, test_loss?, test_accuracy?,
///               layers?: [ { layer: 1, weights: Histogram, gradients: Histogram }, … ] }, … ] }
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunRecord {
    /// The run's folder name (characters other than letters, digits, `.`, `-` and `_` become `_`).
    pub name: String,
    /// When the run started, in seconds since the Unix epoch (`Date.now() / 1000`).
    pub start_time: f64,
    pub steps: StepCurves,
    pub epochs: Vec<EpochRecord>,
}

/// Per-step curves: entry `i` is step `i + 1`. As the engine's `lastSteps()` gives them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StepCurves {
    pub loss: Vec<f32>,
    pub accuracy: Vec<f32>,
    pub learning_rate: Vec<f32>,
}

/// One finished epoch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EpochRecord {
    /// 1-based; epochs ascend.
    pub epoch: u32,
    /// The step that ended the epoch (the engine's `progress.step`); at most the steps recorded.
    pub step: u64,
    /// Seconds since `start_time` when the epoch ended (its events' wall time); 0 if absent.
    #[serde(default)]
    pub seconds: f64,
    pub train_loss: f64,
    pub train_accuracy: f64,
    #[serde(default)]
    pub validation_loss: Option<f64>,
    #[serde(default)]
    pub validation_accuracy: Option<f64>,
    #[serde(default)]
    pub test_loss: Option<f64>,
    #[serde(default)]
    pub test_accuracy: Option<f64>,
    /// Histograms of every layer after this epoch (empty: none written).
    #[serde(default)]
    pub layers: Vec<LayerHistograms>,
}

/// One layer's histograms, as [`layer_histograms`] makes them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LayerHistograms {
    /// 1-based, input side first.
    pub layer: usize,
    pub weights: HistogramProto,
    pub gradients: HistogramProto,
}

/// Histograms of each layer's weights and of `gradients` (one weight-gradient slice per layer,
/// as [`crate::train::trainer::Trainer::weight_gradients`] gives them). A layer whose values are
/// all non-finite (a diverged run) gets an empty one-bucket histogram at 0.
pub fn layer_histograms(network: &Network, gradients: &[&[f32]]) -> Vec<LayerHistograms> {
    let of = |v: &[f32]| {
        HistogramProto::of(v).unwrap_or(HistogramProto {
            bucket_limit: vec![0.0],
            bucket: vec![0.0],
            ..Default::default()
        })
    };
    network
        .layers
        .iter()
        .zip(gradients)
        .enumerate()
        .map(|(l, (layer, g))| LayerHistograms {
            layer: l + 1,
            weights: of(layer.weights.as_slice().unwrap_or(&[])),
            gradients: of(g),
        })
        .collect()
}

impl RunRecord {
    /// Checks lengths and order, with a message naming the field.
    pub fn validate(&self) -> Result<(), String> {
        if !self.start_time.is_finite() || self.start_time < 0.0 {
            return Err(format!(
                "start_time must be seconds since 1970 (≥ 0), got {}",
                self.start_time
            ));
        }
        let s = &self.steps;
        if s.accuracy.len() != s.loss.len() || s.learning_rate.len() != s.loss.len() {
            return Err(format!(
                "steps.loss, steps.accuracy and steps.learning_rate must have one entry per step, got {}, {} and {}",
                s.loss.len(),
                s.accuracy.len(),
                s.learning_rate.len()
            ));
        }
        let (mut previous, mut previous_step) = (0, 0);
        for (i, e) in self.epochs.iter().enumerate() {
            if e.epoch <= previous {
                return Err(format!(
                    "epochs[{i}].epoch must be greater than the previous epoch ({previous}), got {}",
                    e.epoch
                ));
            }
            previous = e.epoch;
            if e.step == 0 || e.step > s.loss.len() as u64 || e.step <= previous_step {
                return Err(format!(
                    "epochs[{i}].step must be after the previous epoch's step ({previous_step}) and at most the {} steps recorded, got {}",
                    s.loss.len(),
                    e.step
                ));
            }
            previous_step = e.step;
            if !e.seconds.is_finite() || e.seconds < 0.0 {
                return Err(format!(
                    "epochs[{i}].seconds must be ≥ 0, got {}",
                    e.seconds
                ));
            }
            for h in &e.layers {
                h.weights
                    .validate(&format!("epochs[{i}] layer {} weights", h.layer))?;
                h.gradients
                    .validate(&format!("epochs[{i}] layer {} gradients", h.layer))?;
            }
        }
        Ok(())
    }

    /// The run's event files: `(path inside the run's folder, bytes)` for `train/` and, when the
    /// run recorded them, `validation/` and `test/`.
    pub fn event_files(&self) -> Result<Vec<(String, Vec<u8>)>, String> {
        self.validate()?;
        let file_name = format!(
            "events.out.tfevents.{}.mnist-playground",
            self.start_time.floor() as u64
        );
        let t0 = self.start_time;
        let mut train = EventFile::new(t0);
        let steps = self.steps.loss.len();
        // Step events get the wall time of their epoch's end (the page records no per-step time);
        // steps after the last finished epoch get the last epoch's.
        let mut epochs = self.epochs.iter().peekable();
        for i in 0..steps {
            let step = i as u64 + 1;
            while epochs.peek().is_some_and(|e| e.step < step) && epochs.len() > 1 {
                epochs.next();
            }
            let time = epochs.peek().map_or(t0, |e| t0 + e.seconds);
            let step = step as i64;
            train.scalar(time, step, "batch_loss", self.steps.loss[i]);
            train.scalar(time, step, "batch_accuracy", self.steps.accuracy[i]);
            train.scalar(
                time,
                step,
                "batch_learning_rate",
                self.steps.learning_rate[i],
            );
        }
        let mut validation = EventFile::new(t0);
        let mut test = EventFile::new(t0);
        for e in &self.epochs {
            let (time, step) = (t0 + e.seconds, i64::from(e.epoch) - 1);
            train.scalar(time, step, "epoch_loss", e.train_loss as f32);
            train.scalar(time, step, "epoch_accuracy", e.train_accuracy as f32);
            let lr = self.steps.learning_rate[e.step as usize - 1];
            train.scalar(time, step, "epoch_learning_rate", lr);
            for h in &e.layers {
                train.histogram(time, step, &format!("layer_{}/kernel", h.layer), &h.weights);
                let tag = format!("layer_{}/kernel_gradient", h.layer);
                train.histogram(time, step, &tag, &h.gradients);
            }
            if let (Some(l), Some(a)) = (e.validation_loss, e.validation_accuracy) {
                validation.scalar(time, step, "epoch_loss", l as f32);
                validation.scalar(time, step, "epoch_accuracy", a as f32);
            }
            if let (Some(l), Some(a)) = (e.test_loss, e.test_accuracy) {
                test.scalar(time, step, "epoch_loss", l as f32);
                test.scalar(time, step, "epoch_accuracy", a as f32);
            }
        }
        let mut files = vec![(format!("train/{file_name}"), train.bytes)];
        for (folder, file) in [("validation", validation), ("test", test)] {
            if file.events > 0 {
                files.push((format!("{folder}/{file_name}"), file.bytes));
            }
        }
        Ok(files)
    }
}

/// The folder name of a run: its name with anything but letters, digits, `.`, `-` and `_`
/// replaced by `_` (no `..`, no slashes), `run` if that leaves nothing.
pub fn folder_name(name: &str) -> String {
    let clean: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else if c == '.' {
                '.'
            } else {
                '_'
            }
        })
        .collect();
    let clean = clean.trim_matches('.').to_string();
    if clean.is_empty() {
        "run".into()
    } else {
        clean
    }
}

/// Several runs in one zip archive, one folder per run (`<name>/train/events.out.tfevents…`);
/// runs with the same folder name get `-2`, `-3`, … appended.
pub fn zip_runs(runs: &[RunRecord]) -> Result<Vec<u8>, String> {
    if runs.is_empty() {
        return Err("no runs to export — pick at least one run".into());
    }
    let mut files = Vec::new();
    let mut used: Vec<String> = Vec::new();
    for (i, run) in runs.iter().enumerate() {
        let base = folder_name(&run.name);
        let mut folder = base.clone();
        let mut n = 2;
        while used.contains(&folder) {
            folder = format!("{base}-{n}");
            n += 1;
        }
        for (path, bytes) in run
            .event_files()
            .map_err(|e| format!("run {} ({}): {e}", i + 1, run.name))?
        {
            files.push((format!("{folder}/{path}"), bytes));
        }
        used.push(folder);
    }
    archive::stored_zip(&files)
}

/// An event file being written.
struct EventFile {
    bytes: Vec<u8>,
    /// Summary events written (the file-version event not counted).
    events: usize,
}

impl EventFile {
    fn new(wall_time: f64) -> EventFile {
        let mut file = EventFile {
            bytes: Vec::new(),
            events: 0,
        };
        file.write(Event {
            wall_time,
            step: 0,
            what: Some(What::FileVersion(FILE_VERSION.into())),
        });
        file
    }

    fn write(&mut self, event: Event) {
        record::append(&mut self.bytes, &event.encode_to_vec());
    }

    fn value(&mut self, wall_time: f64, step: i64, tag: &str, value: Kind) {
        self.events += 1;
        self.write(Event {
            wall_time,
            step,
            what: Some(What::Summary(Summary {
                value: vec![Value {
                    tag: tag.into(),
                    value: Some(value),
                }],
            })),
        });
    }

    fn scalar(&mut self, wall_time: f64, step: i64, tag: &str, value: f32) {
        self.value(wall_time, step, tag, Kind::SimpleValue(value));
    }

    fn histogram(&mut self, wall_time: f64, step: i64, tag: &str, h: &HistogramProto) {
        self.value(wall_time, step, tag, Kind::Histo(h.clone()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Splits TFRecords, checking both CRCs, and decodes each as an `Event`.
    pub(crate) fn read_events(mut bytes: &[u8]) -> Vec<Event> {
        let mut events = Vec::new();
        while !bytes.is_empty() {
            let len = u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
            let crc = u32::from_le_bytes(bytes[8..12].try_into().unwrap());
            assert_eq!(crc, record::masked_crc32c(&bytes[..8]));
            let data = &bytes[12..12 + len];
            let crc = u32::from_le_bytes(bytes[12 + len..16 + len].try_into().unwrap());
            assert_eq!(crc, record::masked_crc32c(data));
            events.push(Event::decode(data).unwrap());
            bytes = &bytes[16 + len..];
        }
        events
    }

    fn sample_run() -> RunRecord {
        let h = HistogramProto::of(&[0.5, -0.5, 1.0]).unwrap();
        RunRecord {
            name: "my run/1".into(),
            start_time: 1000.0,
            steps: StepCurves {
                loss: vec![2.0, 1.5, 1.0, 0.5],
                accuracy: vec![0.1, 0.3, 0.6, 0.8],
                learning_rate: vec![0.1, 0.1, 0.05, 0.05],
            },
            epochs: vec![
                EpochRecord {
                    epoch: 1,
                    step: 2,
                    seconds: 3.0,
                    train_loss: 1.75,
                    train_accuracy: 0.2,
                    validation_loss: Some(1.2),
                    validation_accuracy: Some(0.5),
                    test_loss: None,
                    test_accuracy: None,
                    layers: vec![LayerHistograms {
                        layer: 1,
                        weights: h.clone(),
                        gradients: h.clone(),
                    }],
                },
                EpochRecord {
                    epoch: 2,
                    step: 4,
                    seconds: 6.0,
                    train_loss: 0.75,
                    train_accuracy: 0.7,
                    validation_loss: Some(0.9),
                    validation_accuracy: Some(0.6),
                    test_loss: None,
                    test_accuracy: None,
                    layers: vec![],
                },
            ],
        }
    }

    fn scalars(events: &[Event], tag: &str) -> Vec<(i64, f32, f64)> {
        events
            .iter()
            .filter_map(|e| match &e.what {
                Some(What::Summary(s)) if s.value[0].tag == tag => match s.value[0].value {
                    Some(Kind::SimpleValue(v)) => Some((e.step, v, e.wall_time)),
                    _ => None,
                },
                _ => None,
            })
            .collect()
    }

    #[test]
    fn a_run_becomes_train_and_validation_files_with_keras_tags() {
        let files = sample_run().event_files().unwrap();
        let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                "train/events.out.tfevents.1000.mnist-playground",
                "validation/events.out.tfevents.1000.mnist-playground"
            ]
        );
        let train = read_events(&files[0].1);
        assert_eq!(
            train[0].what,
            Some(What::FileVersion("brain.Event:2".into()))
        );
        assert_eq!(
            scalars(&train, "batch_loss"),
            [
                (1, 2.0, 1003.0),
                (2, 1.5, 1003.0),
                (3, 1.0, 1006.0),
                (4, 0.5, 1006.0)
            ]
        );
        assert_eq!(scalars(&train, "batch_learning_rate")[2], (3, 0.05, 1006.0));
        assert_eq!(
            scalars(&train, "epoch_loss"),
            [(0, 1.75, 1003.0), (1, 0.75, 1006.0)]
        );
        assert_eq!(
            scalars(&train, "epoch_learning_rate"),
            [(0, 0.1, 1003.0), (1, 0.05, 1006.0)]
        );
        let histos: Vec<_> = train
            .iter()
            .filter_map(|e| match &e.what {
                Some(What::Summary(s)) => match &s.value[0].value {
                    Some(Kind::Histo(h)) => Some((s.value[0].tag.clone(), e.step, h.num)),
                    _ => None,
                },
                _ => None,
            })
            .collect();
        assert_eq!(
            histos,
            [
                ("layer_1/kernel".to_string(), 0, 3.0),
                ("layer_1/kernel_gradient".to_string(), 0, 3.0)
            ]
        );
        let validation = read_events(&files[1].1);
        assert_eq!(
            scalars(&validation, "epoch_accuracy"),
            [(0, 0.5, 1003.0), (1, 0.6, 1006.0)]
        );
    }

    #[test]
    fn zip_has_one_folder_per_run_and_refuses_bad_input() {
        let mut second = sample_run();
        second.epochs[0].test_loss = Some(1.0);
        second.epochs[0].test_accuracy = Some(0.5);
        let zip = zip_runs(&[sample_run(), second]).unwrap();
        let text = String::from_utf8_lossy(&zip);
        assert!(text.contains("my_run_1/train/events.out.tfevents.1000.mnist-playground"));
        assert!(text.contains("my_run_1-2/test/events.out.tfevents.1000.mnist-playground"));
        assert!(zip_runs(&[]).unwrap_err().contains("no runs"));
        let mut bad = sample_run();
        bad.steps.accuracy.pop();
        assert!(zip_runs(&[bad]).unwrap_err().contains("one entry per step"));
        let mut bad = sample_run();
        bad.epochs[1].epoch = 1;
        assert!(bad.validate().unwrap_err().contains("epochs[1].epoch"));
        assert_eq!(folder_name("../.."), "_");
        assert_eq!(folder_name(""), "run");
    }
}
