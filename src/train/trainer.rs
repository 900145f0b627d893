//! Training: mini-batches over a seeded shuffle each epoch, with a step API so a Web Worker can
//! train in short chunks and stay responsive.
//!
//! A run is fully determined by its [`Config`] (seed included) and the data: the validation split
//! and training subset come from the seed's [`Stream::Split`] generator, the epoch shuffles,
//! dropout masks and augmentation from its [`Stream::Training`] generator, drawn in a fixed order.
//! Two runs with the same config give the same weights bit for bit on the same build. (Natively and
//! in wasm the initial weights are identical, but matrix products round differently — native code
//! uses fused multiply-add — so trained weights agree only to rounding across platforms.)
//!
//! Each epoch visits every training image once; the last batch of an epoch may be smaller.
//!
//! Non-goals: early stopping and checkpoints (the page decides when to stop and save).

use crate::data::augment;
use crate::data::mnist::Dataset;
use crate::nn::network::Network;
use crate::nn::workspace::Workspace;
use crate::rng::{self, EngineRng, Stream};
use crate::train::config::{Config, ConfigError};
use crate::train::exchange::{Exchange, ExchangeError, ExchangeTimes, Shard};
use crate::train::metrics::{self, Evaluation, LayerStats};
use crate::train::optimizer::Optimizer;
use serde::Serialize;

/// Why training stopped with an error.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TrainError {
    #[error("diverged at step {step}: loss became {what} — lower the learning rate")]
    Diverged { step: u64, what: &'static str },
    #[error("the training data has {found} pixels per image but the network expects {expected} — load MNIST (28×28) data")]
    WrongImageSize { expected: usize, found: usize },
    #[error("training on {threads} threads stopped: {reason} — train on one thread (Cores: 1) or reload the page")]
    Exchange { threads: usize, reason: String },
}

/// What happened during one call of [`Trainer::train_steps`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Progress {
    /// Training steps (batches) done since the start of the run.
    pub step: u64,
    pub total_steps: u64,
    /// Epochs completed.
    pub epoch: u32,
    /// How far into the current epoch (0–1); 0 right after an epoch ends.
    pub epoch_fraction: f64,
    /// Mean batch loss and accuracy over the steps of this call.
    pub loss: f64,
    pub accuracy: f64,
    /// Learning rate of the last step of this call.
    pub learning_rate: f32,
    /// Images trained on in this call (samples per second = samples / time, measured by the caller).
    pub samples: usize,
    /// Steps run in this call.
    pub steps: usize,
    /// This call ended an epoch: `epoch_loss` and `epoch_accuracy` are that epoch's training means.
    pub epoch_finished: bool,
    pub epoch_loss: f64,
    pub epoch_accuracy: f64,
    /// Every epoch of the config is done.
    pub finished: bool,
}

/// One step's batch: where it ends in the epoch's order, its rows over every shard, and this
/// shard's rows.
struct Batch {
    end: usize,
    rows: usize,
    n: usize,
}

/// What one [`Trainer::train_steps`] call has done so far.
#[derive(Default)]
struct CallTotals {
    loss_sum: f64,
    correct: usize,
    samples: usize,
    steps: usize,
}

pub struct Trainer {
    config: Config,
    network: Network,
    optimizer: Optimizer,
    workspace: Workspace,
    rng: EngineRng,
    /// Indices of the training images (after holding out validation and applying the subset).
    train_indices: Vec<u32>,
    validation_indices: Vec<u32>,
    /// This epoch's order of `train_indices`, and how far into it we are.
    order: Vec<u32>,
    position: usize,
    step: u64,
    /// Set when a step's loss was not finite: the network is then useless (weights blown up).
    diverged: bool,
    epoch: u32,
    steps_per_epoch: u64,
    epoch_loss: f64,
    epoch_correct: usize,
    epoch_seen: usize,
    /// Rows in the last batch (for layer statistics).
    last_batch: usize,
    /// Each step of the last [`Trainer::train_steps`] call: its mean loss, accuracy and learning
    /// rate, three values a step (see [`Trainer::last_steps`]). Reused: no allocation per call.
    step_log: Vec<f32>,
    /// Augmented copies of this shard's rows of the current batch, `[rows, 784]`.
    augmented: Vec<u8>,
    /// Which rows of every batch this trainer computes, and how it sums gradients with the other
    /// shards (None for single-thread training). See [`crate::train::exchange`].
    shard: Shard,
    exchange: Option<Box<dyn Exchange>>,
    /// Dropout masks and augmentation of this shard (None: they come from `rng`, as with one thread).
    shard_rng: Option<EngineRng>,
}

impl Trainer {
    /// Validate `config` against the training set and set up a fresh network, trained on this
    /// thread alone (`config.threads` must be 1; see [`Trainer::shard`]).
    pub fn new(config: Config, train: &Dataset) -> Result<Trainer, ConfigError> {
        let network = config.fresh_network();
        Trainer::with_network(config, network, train)
    }

    /// Continue training an existing network (e.g. one loaded from a model file).
    pub fn with_network(
        config: Config,
        network: Network,
        train: &Dataset,
    ) -> Result<Trainer, ConfigError> {
        config.validate(train.len())?;
        if config.threads != 1 {
            return Err(ConfigError {
                field: "threads".into(),
                message: format!(
                    "this trainer runs on one thread but threads is {}: start one Trainer::shard per thread",
                    config.threads
                ),
            });
        }
        Trainer::build(config, network, train, Shard::ALL, None)
    }

    /// Shard `index` of `config.threads` data-parallel trainers of a fresh network: every shard
    /// computes its rows of each batch and `exchange` sums the gradients (see [`crate::train::exchange`]).
    pub fn shard(
        config: Config,
        train: &Dataset,
        index: usize,
        exchange: Box<dyn Exchange>,
    ) -> Result<Trainer, ConfigError> {
        let network = config.fresh_network();
        let shard = Shard {
            index,
            count: config.threads,
        };
        if index >= shard.count {
            return Err(ConfigError {
                field: "threads".into(),
                message: format!(
                    "shard {index} does not exist with threads = {}",
                    shard.count
                ),
            });
        }
        Trainer::build(config, network, train, shard, Some(exchange))
    }

    fn build(
        config: Config,
        network: Network,
        train: &Dataset,
        shard: Shard,
        exchange: Option<Box<dyn Exchange>>,
    ) -> Result<Trainer, ConfigError> {
        config.validate(train.len())?;
        config.check_classes_match(train.classes())?;
        let mut split_rng = rng::seeded(config.seed, Stream::Split);
        let mut all: Vec<u32> = (0..train.len() as u32).collect();
        rng::shuffle(&mut all, &mut split_rng);
        let validation_indices = all[..config.validation_size].to_vec();
        let n = config.training_images(train.len());
        let mut train_indices = all[config.validation_size..config.validation_size + n].to_vec();
        // Keep the original order within the split so the epoch shuffle alone decides the order.
        train_indices.sort_unstable();
        let steps_per_epoch = n.div_ceil(config.batch_size) as u64;
        let lens: Vec<usize> = network
            .layers
            .iter()
            .flat_map(|l| [l.weights.len(), l.biases.len()])
            .collect();
        let decays: Vec<bool> = network.layers.iter().flat_map(|_| [true, false]).collect();
        let optimizer = Optimizer::new(&config.optimizer, &lens, &decays);
        let rows = config.batch_size.div_ceil(shard.count);
        let workspace = Workspace::new(&network, rows, config.dropout);
        let augmented = if config.augment.enabled {
            vec![0; rows * train.pixels_per_image()]
        } else {
            vec![]
        };
        Ok(Trainer {
            shard_rng: (exchange.is_some()).then(|| rng::shard_stream(config.seed, shard.index)),
            shard,
            exchange,
            rng: rng::seeded(config.seed, Stream::Training),
            order: train_indices.clone(),
            config,
            network,
            optimizer,
            workspace,
            train_indices,
            validation_indices,
            position: 0,
            step: 0,
            diverged: false,
            epoch: 0,
            steps_per_epoch,
            epoch_loss: 0.0,
            epoch_correct: 0,
            epoch_seen: 0,
            last_batch: 0,
            step_log: Vec::new(),
            augmented,
        })
    }

    pub fn config(&self) -> &Config {
        &self.config
    }
    pub fn network(&self) -> &Network {
        &self.network
    }
    pub fn into_network(self) -> Network {
        self.network
    }
    pub fn step(&self) -> u64 {
        self.step
    }
    /// True once training stopped with [`TrainError::Diverged`]: the network should not answer
    /// predictions or be saved.
    pub fn diverged(&self) -> bool {
        self.diverged
    }
    pub fn epoch(&self) -> u32 {
        self.epoch
    }
    pub fn steps_per_epoch(&self) -> u64 {
        self.steps_per_epoch
    }
    pub fn total_steps(&self) -> u64 {
        self.steps_per_epoch * self.config.epochs as u64
    }
    pub fn training_size(&self) -> usize {
        self.train_indices.len()
    }
    pub fn validation_indices(&self) -> &[u32] {
        &self.validation_indices
    }
    /// Where the data-parallel exchange's time went (None with one thread or without a clock).
    pub fn exchange_times(&self) -> Option<ExchangeTimes> {
        self.exchange.as_ref().and_then(|e| e.times())
    }
    pub fn is_finished(&self) -> bool {
        self.epoch >= self.config.epochs
    }

    /// Replace the base learning rate for the steps that follow, within the config's range. With
    /// a constant schedule and no warm-up that is the next step's rate: the learning-rate finder
    /// ([`crate::inspect::lr_finder`]) sweeps it step by step this way.
    pub fn set_learning_rate(&mut self, learning_rate: f32) -> Result<(), ConfigError> {
        crate::train::config::LEARNING_RATE
            .check("learning_rate", learning_rate)
            .map_err(|message| ConfigError {
                field: "learning_rate".into(),
                message,
            })?;
        self.config.learning_rate = learning_rate;
        Ok(())
    }

    /// The learning rate the schedule gives for the next step.
    pub fn learning_rate(&self) -> f32 {
        self.config.schedule.learning_rate(
            self.config.learning_rate,
            self.step,
            self.steps_per_epoch,
            self.total_steps(),
        )
    }

    /// Run up to `max_steps` training steps, stopping early at the end of an epoch (so the caller
    /// can evaluate) or when every epoch is done. `train` must be the data set given to [`new`].
    ///
    /// Each step: [load the batch](Trainer::load_batch), [find its
    /// gradients](Trainer::gradients), [sum them over shards](Trainer::sum_over_shards), [stop if
    /// the loss diverged](Trainer::stop_if_diverged), [apply the update](Trainer::apply_update),
    /// [record it](Trainer::record).
    ///
    /// [`new`]: Trainer::new
    pub fn train_steps(
        &mut self,
        train: &Dataset,
        max_steps: usize,
    ) -> Result<Progress, TrainError> {
        let width = self.network.inputs();
        if train.pixels_per_image() != width {
            return Err(TrainError::WrongImageSize {
                expected: width,
                found: train.pixels_per_image(),
            });
        }
        let mut call = CallTotals::default();
        let mut learning_rate = self.learning_rate();
        self.step_log.clear();
        self.step_log.reserve(3 * max_steps.min(1 << 16));
        let mut epoch_finished = false;
        while call.steps < max_steps && !self.is_finished() {
            if self.position == 0 {
                self.start_epoch();
            }
            let batch = self.load_batch(train);
            let (loss, correct) = self.gradients(&batch);
            let (loss, correct) = self.sum_over_shards(loss, correct)?;
            self.stop_if_diverged(loss)?;
            learning_rate = self.learning_rate();
            self.apply_update(learning_rate);
            epoch_finished = self.record(&batch, loss, correct, learning_rate, &mut call);
            if epoch_finished {
                break;
            }
        }
        Ok(self.progress(&call, learning_rate, epoch_finished))
    }

    /// A new epoch: a fresh shuffle of the training images, and the epoch's means restart.
    fn start_epoch(&mut self) {
        self.order.copy_from_slice(&self.train_indices);
        rng::shuffle(&mut self.order, &mut self.rng);
        self.epoch_loss = 0.0;
        self.epoch_correct = 0;
        self.epoch_seen = 0;
    }

    /// The next batch of the epoch's order: this shard's rows (augmented if the config asks) into
    /// the workspace, with fresh dropout masks.
    fn load_batch(&mut self, train: &Dataset) -> Batch {
        let width = self.network.inputs();
        let end = (self.position + self.config.batch_size).min(self.order.len());
        let rows = end - self.position;
        let mine = self.shard.rows(rows);
        let batch = &self.order[self.position + mine.start..self.position + mine.end];
        let n = batch.len();
        let draws = self.shard_rng.as_mut().unwrap_or(&mut self.rng);
        if self.config.augment.enabled {
            for (k, &i) in batch.iter().enumerate() {
                let dst = &mut self.augmented[k * width..(k + 1) * width];
                augment::augment_into(train.image(i as usize), dst, &self.config.augment, draws);
            }
            let aug = &self.augmented;
            self.workspace.load_batch(
                batch
                    .iter()
                    .enumerate()
                    .map(|(k, &i)| (&aug[k * width..(k + 1) * width], train.labels[i as usize])),
            );
        } else {
            self.workspace.load_batch(
                batch
                    .iter()
                    .map(|&i| (train.image(i as usize), train.labels[i as usize])),
            );
        }
        self.workspace.draw_masks(draws, n);
        Batch { end, rows, n }
    }

    /// This shard's part of the batch's mean-loss gradient, in the workspace; returns its summed
    /// loss and correct predictions.
    fn gradients(&mut self, batch: &Batch) -> (f64, usize) {
        // Weight decay is part of the gradient once, not once per shard.
        let weight_decay = if self.shard.index == 0 {
            self.config.weight_decay
        } else {
            0.0
        };
        if batch.n > 0 {
            let stats = self
                .network
                .forward_train(&mut self.workspace, batch.n, batch.rows);
            self.network
                .backward(&mut self.workspace, batch.n, weight_decay);
            stats
        } else {
            // A batch smaller than the thread count leaves this shard without rows.
            for (l, layer) in self.network.layers.iter().enumerate() {
                let ws = &mut self.workspace;
                ws.grad_w[l].zip_mut_with(&layer.weights, |g, w| *g = weight_decay * w);
                ws.grad_b[l].fill(0.0);
            }
            (0.0, 0)
        }
    }

    /// With several shards, every shard's gradient and statistics become their sums over shards
    /// (one thread: unchanged).
    fn sum_over_shards(&mut self, loss: f64, correct: usize) -> Result<(f64, usize), TrainError> {
        let Some(exchange) = self.exchange.as_deref_mut() else {
            return Ok((loss, correct));
        };
        let mut stats = [loss, correct as f64];
        exchange_gradients(exchange, &mut self.workspace, &mut stats).map_err(|e| {
            TrainError::Exchange {
                threads: self.shard.count,
                reason: e.0,
            }
        })?;
        Ok((stats[0], stats[1] as usize))
    }

    /// A loss that is not finite means the weights blew up: the run stops, and remembers it.
    fn stop_if_diverged(&mut self, loss: f64) -> Result<(), TrainError> {
        if loss.is_finite() {
            return Ok(());
        }
        let what = if loss.is_nan() { "NaN" } else { "infinite" };
        self.diverged = true;
        Err(TrainError::Diverged {
            step: self.step + 1,
            what,
        })
    }

    /// One optimizer step over every weight matrix and bias vector, from the workspace's gradients.
    fn apply_update(&mut self, learning_rate: f32) {
        self.optimizer.begin_step();
        for (l, layer) in self.network.layers.iter_mut().enumerate() {
            let ws = &self.workspace;
            self.optimizer.update(
                2 * l,
                layer.weights.as_slice_mut().unwrap(),
                ws.grad_w[l].as_slice().unwrap(),
                learning_rate,
            );
            self.optimizer.update(
                2 * l + 1,
                layer.biases.as_slice_mut().unwrap(),
                ws.grad_b[l].as_slice().unwrap(),
                learning_rate,
            );
        }
    }

    /// Count the step in the step log, the call's and the epoch's totals, and move past its batch;
    /// returns whether it ended the epoch.
    fn record(
        &mut self,
        batch: &Batch,
        loss: f64,
        correct: usize,
        learning_rate: f32,
        call: &mut CallTotals,
    ) -> bool {
        self.step += 1;
        self.last_batch = batch.n;
        let rows = batch.rows.max(1) as f64;
        self.step_log.extend_from_slice(&[
            (loss / rows) as f32,
            (correct as f64 / rows) as f32,
            learning_rate,
        ]);
        call.steps += 1;
        call.samples += batch.rows;
        call.loss_sum += loss;
        call.correct += correct;
        self.epoch_loss += loss;
        self.epoch_correct += correct;
        self.epoch_seen += batch.rows;
        self.position = batch.end;
        if self.position >= self.order.len() {
            self.position = 0;
            self.epoch += 1;
            return true;
        }
        false
    }

    /// What a [`Trainer::train_steps`] call reports.
    fn progress(&self, call: &CallTotals, learning_rate: f32, epoch_finished: bool) -> Progress {
        let seen = self.epoch_seen.max(1) as f64;
        Progress {
            step: self.step,
            total_steps: self.total_steps(),
            epoch: self.epoch,
            epoch_fraction: self.position as f64 / self.order.len() as f64,
            loss: call.loss_sum / call.samples.max(1) as f64,
            accuracy: call.correct as f64 / call.samples.max(1) as f64,
            learning_rate,
            samples: call.samples,
            steps: call.steps,
            epoch_finished,
            epoch_loss: self.epoch_loss / seen,
            epoch_accuracy: self.epoch_correct as f64 / seen,
            finished: self.is_finished(),
        }
    }

    /// Each step of the last [`Trainer::train_steps`] call, in order: its batch's mean loss,
    /// accuracy and learning rate (three values a step; with several shards, over the whole batch).
    /// The call's [`Progress`] has their means over the call.
    pub fn last_steps(&self) -> &[f32] {
        &self.step_log
    }

    /// Evaluate on the held-out validation images of `train` (None when validation_size is 0).
    pub fn evaluate_validation(&self, train: &Dataset) -> Option<Evaluation> {
        (!self.validation_indices.is_empty())
            .then(|| metrics::evaluate(&self.network, train, Some(&self.validation_indices)))
    }

    /// Evaluate on every image of `data` (the test set).
    pub fn evaluate(&self, data: &Dataset) -> Evaluation {
        metrics::evaluate(&self.network, data, None)
    }

    /// Per-layer weight and gradient magnitudes and inactive units, from the last training step.
    pub fn layer_stats(&self) -> Vec<LayerStats> {
        let depth = self.network.layers.len();
        let relu_like = matches!(
            self.network.activation,
            crate::nn::activation::Activation::Relu | crate::nn::activation::Activation::LeakyRelu
        );
        self.network
            .layers
            .iter()
            .enumerate()
            .map(|(l, layer)| {
                let hidden = l + 1 < depth;
                LayerStats {
                    layer: l + 1,
                    weight_percentiles: metrics::magnitude_percentiles(
                        layer.weights.as_slice().unwrap(),
                    ),
                    gradient_percentiles: metrics::magnitude_percentiles(
                        self.workspace.grad_w[l].as_slice().unwrap(),
                    ),
                    inactive_fraction: (hidden && relu_like && self.last_batch > 0).then(|| {
                        metrics::inactive_fraction(
                            &self.workspace.zs[l],
                            self.last_batch,
                            layer.outputs(),
                        )
                    }),
                }
            })
            .collect()
    }

    /// Each layer's weight gradient from the last step (`[inputs, outputs]` row-major, as the
    /// update used it: summed over shards, coupled weight decay included); zeros before the first.
    pub fn weight_gradients(&self) -> Vec<&[f32]> {
        self.workspace
            .grad_w
            .iter()
            .map(|g| g.as_slice().expect("gradients are standard-layout arrays"))
            .collect()
    }

    /// The incoming weights of the first `max_units` units of the first layer, unit by unit
    /// (`[units, inputs]`, each row a 28×28 picture of what the unit responds to).
    pub fn first_layer_weights(&self, max_units: usize) -> (usize, Vec<f32>) {
        let w = &self.network.layers[0].weights; // [784, units]
        let units = w.ncols().min(max_units);
        let mut out = Vec::with_capacity(units * w.nrows());
        for j in 0..units {
            out.extend(w.column(j).iter());
        }
        (units, out)
    }
}

/// Replace this shard's weight and bias gradients (in layer order) and step statistics by their
/// sums over all shards.
fn exchange_gradients(
    exchange: &mut dyn Exchange,
    ws: &mut Workspace,
    stats: &mut [f64; 2],
) -> Result<(), ExchangeError> {
    let mut offset = 0;
    for (w, b) in ws.grad_w.iter().zip(&ws.grad_b) {
        for values in [w.as_slice().unwrap(), b.as_slice().unwrap()] {
            exchange.send(offset, values);
            offset += values.len();
        }
    }
    exchange.wait(stats)?;
    let mut offset = 0;
    for (w, b) in ws.grad_w.iter_mut().zip(&mut ws.grad_b) {
        for values in [w.as_slice_mut().unwrap(), b.as_slice_mut().unwrap()] {
            exchange.receive_sum(offset, values);
            offset += values.len();
        }
    }
    Ok(())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::train::optimizer::OptimizerConfig;

    use crate::data::mnist::synthetic_bars as bars;

    pub(crate) fn small(seed: u64) -> Config {
        Config {
            hidden: vec![16],
            batch_size: 32,
            epochs: 2,
            validation_size: 100,
            seed,
            ..Config::default()
        }
    }

    #[test]
    fn learns_a_separable_problem_and_reports_progress() {
        let data = bars(600);
        let mut t = Trainer::new(
            Config {
                learning_rate: 0.01,
                epochs: 5,
                ..small(1)
            },
            &data,
        )
        .unwrap();
        assert_eq!(t.training_size(), 500);
        assert_eq!(t.steps_per_epoch(), 16); // ceil(500 / 32)
        let p = t.train_steps(&data, 3).unwrap();
        assert_eq!((p.step, p.steps, p.samples, p.epoch), (3, 3, 96, 0));
        assert!((p.epoch_fraction - 96.0 / 500.0).abs() < 1e-12);
        // Runs to the end of the epoch and stops there: 13 more steps, the last one of 20 images.
        let p = t.train_steps(&data, 100).unwrap();
        assert_eq!(
            (p.step, p.steps, p.samples, p.epoch, p.epoch_finished),
            (16, 13, 404, 1, true)
        );
        while !t.train_steps(&data, 100).unwrap().finished {}
        assert_eq!(t.step(), 80);
        let v = t.evaluate_validation(&data).unwrap();
        assert_eq!(v.count, 100);
        assert!(v.accuracy > 0.95, "validation accuracy {}", v.accuracy);
        assert_eq!(
            t.train_steps(&data, 10).unwrap().steps,
            0,
            "nothing left to do once finished"
        );
    }

    #[test]
    fn last_steps_logs_every_step_of_the_call_whose_means_are_the_progress() {
        let data = bars(600);
        let mut t = Trainer::new(small(3), &data).unwrap();
        let lr = t.learning_rate();
        // 13 steps of 32 images and the epoch's last step of 20 (500 training images).
        t.train_steps(&data, 2).unwrap();
        let p = t.train_steps(&data, 100).unwrap();
        let log = t.last_steps().to_vec();
        assert_eq!(log.len(), 3 * p.steps);
        assert_eq!(p.steps, 14);
        let rows: Vec<f64> = (0..p.steps)
            .map(|k| if k + 1 == p.steps { 20.0 } else { 32.0 })
            .collect();
        let weighted = |j: usize| {
            (0..p.steps)
                .map(|k| f64::from(log[3 * k + j]) * rows[k])
                .sum::<f64>()
                / p.samples as f64
        };
        assert!(
            (weighted(0) - p.loss).abs() < 1e-6 * p.loss.max(1.0),
            "{} vs {}",
            weighted(0),
            p.loss
        );
        assert!((weighted(1) - p.accuracy).abs() < 1e-6);
        for k in 0..p.steps {
            assert_eq!(log[3 * k + 2], lr, "constant schedule");
            assert!(log[3 * k] > 0.0 && (0.0..=1.0).contains(&log[3 * k + 1]));
        }
        // The losses differ from step to step: they are per batch, not the call's mean.
        assert!(log
            .chunks(3)
            .any(|s| (f64::from(s[0]) - p.loss).abs() > 1e-3));
        // A call that does nothing logs nothing.
        while !t.train_steps(&data, 100).unwrap().finished {}
        t.train_steps(&data, 5).unwrap();
        assert!(t.last_steps().is_empty());
    }

    #[test]
    fn same_seed_gives_identical_weights_bit_for_bit() {
        let data = bars(400);
        for config in [
            small(7),
            Config {
                dropout: 0.3,
                ..small(7)
            },
            Config {
                augment: crate::data::augment::AugmentConfig {
                    enabled: true,
                    ..Default::default()
                },
                ..small(7)
            },
        ] {
            let run = || {
                let mut t = Trainer::new(config.clone(), &data).unwrap();
                while !t.train_steps(&data, 7).unwrap().finished {}
                t.into_network()
            };
            let (a, b) = (run(), run());
            for (la, lb) in a.layers.iter().zip(&b.layers) {
                let bits =
                    |x: &ndarray::Array2<f32>| x.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
                assert_eq!(bits(&la.weights), bits(&lb.weights));
            }
        }
        let mut a = Trainer::new(small(7), &data).unwrap();
        let mut b = Trainer::new(small(8), &data).unwrap();
        a.train_steps(&data, 5).unwrap();
        b.train_steps(&data, 5).unwrap();
        assert_ne!(a.network(), b.network());
    }

    /// `count` images of `classes` classes (at most 26): class `k` is a bar on row `1 + k`,
    /// shifted and dimmed a little per image, named "a", "b", ….
    fn lettered_bars(count: usize, classes: usize) -> Dataset {
        let mut pixels = vec![0u8; count * crate::data::PIXELS];
        let labels: Vec<u8> = (0..count).map(|i| (i * 7 % classes) as u8).collect();
        for (i, &l) in labels.iter().enumerate() {
            let row = 1 + l as usize;
            for c in 3 + i % 5..18 + i % 5 {
                pixels[i * crate::data::PIXELS + row * 28 + c] = 200 + (i % 50) as u8;
            }
        }
        let names = (0..classes)
            .map(|k| ((b'a' + k as u8) as char).to_string())
            .collect();
        let file = crate::data::idx::encode(
            crate::data::idx::IMAGES_MAGIC,
            &[count as u32, 28, 28],
            &pixels,
        );
        Dataset::from_labeled(file, labels, names).unwrap()
    }

    #[test]
    fn three_and_twenty_six_classes_train_and_evaluate() {
        for classes in [3, 26] {
            let data = lettered_bars(1300, classes);
            let config = Config {
                hidden: vec![32],
                learning_rate: 0.01,
                epochs: 15,
                classes: data.classes().to_vec(),
                ..small(2)
            };
            let mut t = Trainer::new(config, &data).unwrap();
            assert_eq!(t.network().sizes(), [784, 32, classes]);
            while !t.train_steps(&data, 100).unwrap().finished {}
            let v = t.evaluate_validation(&data).unwrap();
            assert_eq!(v.count, 100);
            assert!(
                v.accuracy > 0.95,
                "{classes} classes: validation accuracy {}",
                v.accuracy
            );
            let e = t.evaluate(&data);
            assert_eq!(e.confusion.len(), classes);
            assert!(e.confusion.iter().all(|row| row.len() == classes));
            assert_eq!(e.per_class_accuracy.len(), classes);
            assert_eq!(
                e.confusion.iter().flatten().sum::<u32>() as usize,
                data.len()
            );
            assert_eq!(data.label_histogram().len(), classes);
        }
    }

    #[test]
    fn a_config_whose_classes_are_not_the_datas_is_refused() {
        let data = lettered_bars(300, 3);
        let err = Trainer::new(small(1), &data).err().unwrap();
        assert_eq!(err.field, "classes");
        assert!(
            err.message.contains("the config's classes 10 (0, 1, 2, 3, 4, 5, 6, 7, 8, 9) are not the loaded data's 3 (a, b, c) — set classes"),
            "{}",
            err.message
        );
        // Same count, other names: refused too (label k would mean another class).
        let renamed = Config {
            classes: ["a", "c", "b"].map(String::from).to_vec(),
            ..small(1)
        };
        assert_eq!(Trainer::new(renamed, &data).err().unwrap().field, "classes");
        // And a digit config on MNIST-like data with other classes.
        let err = Trainer::new(
            Config {
                classes: data.classes().to_vec(),
                ..small(1)
            },
            &bars(300),
        )
        .err()
        .unwrap();
        assert_eq!(err.field, "classes");
    }

    #[test]
    fn diverging_training_stops_with_a_clear_error() {
        let data = bars(400);
        // Leaky ReLU cannot die, so a huge rate with momentum makes the weights grow without bound.
        let config = Config {
            learning_rate: 10.0,
            optimizer: OptimizerConfig::Momentum {
                momentum: 0.99,
                nesterov: false,
            },
            activation: crate::nn::activation::Activation::LeakyRelu,
            hidden: vec![64, 64, 64],
            epochs: 50,
            ..small(1)
        };
        let mut t = Trainer::new(config, &data).unwrap();
        let err = loop {
            assert!(!t.diverged(), "not diverged while the loss is finite");
            match t.train_steps(&data, 10) {
                Ok(p) if p.finished => panic!("expected divergence"),
                Ok(_) => {}
                Err(e) => break e,
            }
        };
        let msg = err.to_string();
        assert!(msg.starts_with("diverged at step "), "{msg}");
        assert!(msg.contains("lower the learning rate"), "{msg}");
        assert!(
            t.diverged(),
            "the trainer remembers that its network diverged"
        );
    }

    #[test]
    fn subset_validation_zero_and_layer_stats() {
        let data = bars(600);
        let config = Config {
            validation_size: 0,
            train_subset: 64,
            ..small(3)
        };
        let mut t = Trainer::new(config, &data).unwrap();
        assert_eq!(t.training_size(), 64);
        assert!(t.evaluate_validation(&data).is_none());
        t.train_steps(&data, 1).unwrap();
        let stats = t.layer_stats();
        assert_eq!(stats.len(), 2);
        assert!(stats[0].inactive_fraction.is_some() && stats[1].inactive_fraction.is_none());
        assert!(stats[0].gradient_percentiles[4] > 0.0);
        let (units, w) = t.first_layer_weights(64);
        assert_eq!((units, w.len()), (16, 16 * 784));
        assert_eq!(w[784 + 3], t.network().layers[0].weights[[3, 1]]);
    }

    #[test]
    fn an_invalid_config_is_refused() {
        let data = bars(100);
        let err = Trainer::new(
            Config {
                batch_size: 0,
                validation_size: 10,
                ..small(1)
            },
            &data,
        )
        .err()
        .unwrap();
        assert_eq!(err.field, "batch_size");
    }

    // --- Data-parallel shards (crate::train::exchange) ----------------------------------------------

    use crate::train::exchange::ThreadExchange;

    /// Train `config` to the end on `config.threads` std threads; every shard's final network.
    pub(crate) fn train_in_threads(config: &Config, data: &Dataset) -> Vec<Network> {
        let len = config.fresh_network().parameter_count();
        std::thread::scope(|s| {
            let shards: Vec<_> = ThreadExchange::group(config.threads, len)
                .into_iter()
                .enumerate()
                .map(|(k, exchange)| {
                    s.spawn(move || {
                        let mut t =
                            Trainer::shard(config.clone(), data, k, Box::new(exchange)).unwrap();
                        while !t.train_steps(data, 7).unwrap().finished {}
                        t.into_network()
                    })
                })
                .collect();
            shards.into_iter().map(|h| h.join().unwrap()).collect()
        })
    }

    fn train_alone(config: &Config, data: &Dataset) -> Network {
        let mut t = Trainer::new(config.clone(), data).unwrap();
        while !t.train_steps(data, 7).unwrap().finished {}
        t.into_network()
    }

    fn max_difference(a: &Network, b: &Network) -> f32 {
        a.layers
            .iter()
            .zip(&b.layers)
            .flat_map(|(x, y)| {
                let w = x.weights.iter().zip(y.weights.iter());
                w.chain(x.biases.iter().zip(y.biases.iter()))
                    .map(|(p, q)| (p - q).abs())
                    .collect::<Vec<_>>()
            })
            .fold(0.0, f32::max)
    }

    #[test]
    fn shards_stay_identical_and_match_one_thread_up_to_rounding() {
        // Without dropout and augmentation the shards compute the one-thread gradient, split by
        // rows: sums differ only in rounding. SGD with weight decay makes a double-counted decay
        // (≈ lr·λ·w per step, 3% of w over the run) or a per-shard mean (2× the gradient) show.
        // Subset 65 with batch 32 ends each epoch with a 1-row batch: with 2+ threads some shard
        // has no rows then.
        for (threads, subset) in [(2, 0), (3, 0), (2, 65), (8, 65)] {
            let data = bars(600);
            let config = Config {
                optimizer: OptimizerConfig::Sgd,
                learning_rate: 0.1,
                weight_decay: 0.01,
                train_subset: subset,
                ..small(4)
            };
            let alone = train_alone(&config, &data);
            let shards = train_in_threads(
                &Config {
                    threads,
                    ..config.clone()
                },
                &data,
            );
            for (k, net) in shards.iter().enumerate() {
                assert_eq!(
                    net, &shards[0],
                    "shard {k} of {threads} drifted from shard 0"
                );
            }
            let diff = max_difference(&alone, &shards[0]);
            assert!(
                diff < 1e-4,
                "{threads} threads, subset {subset}: max |Δw| {diff}"
            );
            let moved = max_difference(&alone, &config.fresh_network());
            assert!(moved > 0.05, "training moved the weights by only {moved}");
        }
    }

    #[test]
    fn a_seed_reproduces_a_multithread_run_with_dropout_and_augmentation() {
        let data = bars(300);
        let config = Config {
            dropout: 0.2,
            augment: crate::data::augment::AugmentConfig {
                enabled: true,
                ..Default::default()
            },
            threads: 2,
            ..small(9)
        };
        let first = train_in_threads(&config, &data);
        let again = train_in_threads(&config, &data);
        assert_eq!(first[0], first[1]);
        assert_eq!(first, again);
        let other_seed = train_in_threads(&Config { seed: 10, ..config }, &data);
        assert_ne!(first[0], other_seed[0]);
    }

    #[test]
    fn one_trainer_refuses_several_threads() {
        let err = Trainer::new(
            Config {
                threads: 2,
                ..small(1)
            },
            &bars(300),
        )
        .err()
        .unwrap();
        assert_eq!(err.field, "threads");
        let err = Trainer::new(
            Config {
                threads: 9,
                ..small(1)
            },
            &bars(300),
        )
        .err()
        .unwrap();
        assert_eq!(err.field, "threads");
    }
}
