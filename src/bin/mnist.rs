//! Native command-line tool: train any config from flags with per-epoch metrics, save the model
//! file, and evaluate a saved model on the test set.
//!
//! ```text
//! mnist train [--preset NAME] [--config FILE.json] [flags…] [--save model.bin]
//! mnist eval MODEL.bin
//! mnist explain [MODEL.bin]
//! mnist inspect [flags…] [--model MODEL.bin]
//! mnist presets
//! mnist keras-script [train options] [--name NAME] [--out FILE]
//! mnist keras-weights MODEL.bin OUT.npz
//! mnist import-tfjs DIR OUT.bin
//! mnist predict-test MODEL.bin OUT.npy
//! ```
//! Run `mnist help` for every flag.
//!
//! Non-goals: anything the library does not already do (this file parses flags, prints and
//! saves); the browser (that is `src/wasm/`).

#![cfg_attr(target_arch = "wasm32", allow(unused))]
#[cfg(target_arch = "wasm32")]
fn main() {} // the command-line tool is native only; `wasm-pack test` still compiles every target

#[cfg(not(target_arch = "wasm32"))]
mod cli {
    use mnist_playground::data::mnist::{self, Dataset};
    use mnist_playground::io::{keras, model_file, tensorboard};
    use mnist_playground::nn::network::Network;
    use mnist_playground::train::config::{self, Config};
    use mnist_playground::train::team::{with_team, Team};
    use serde_json::{json, Value};
    use std::path::PathBuf;
    use std::process::ExitCode;
    use std::time::Instant;

    const HELP: &str = "\
mnist — train and evaluate MNIST multilayer perceptrons

USAGE
  mnist train [options]      train, print per-epoch metrics, optionally save the model
  mnist eval MODEL.bin       evaluate a saved model on the test set
  mnist presets              list the built-in presets
  mnist export-tfjs MODEL.bin DIR   write DIR/model.json + DIR/weights.bin (TensorFlow.js layers format)
  mnist explain [MODEL.bin] [--images N] [--steps S]
                             latency of each explain call, and the share of N test digits
                             (default 1000) a targeted attack turns into (label + 1) mod 10
                             at each ε (default model: data/default-model.bin)
  mnist inspect [train options] [--model MODEL.bin]
                             the learning-rate finder's suggestions for the config, then the
                             time of the loss line, a 25×25 slice and the hidden-layer map of
                             the model (default: data/default-model.bin)
  mnist keras-script [train options] [--name NAME] [--out FILE]
                             write the Keras 3 training script of a config (default: train_NAME.py)
  mnist import-tfjs DIR OUT.bin   a TensorFlow.js layers model (DIR/model.json + weight files) of a
                             dense MLP as a model file (its config: widths and activation)
  mnist keras-weights MODEL.bin OUT.npz   the model's weights for Keras's set_weights (numpy .npz)
  mnist predict-test MODEL.bin OUT.npy [--data DIR]
                             the model's probabilities on the test images, [10000, 10] float32
  mnist bench [--json]       training speed of configs A and B (1 and 2 threads), and the 512³ matrix product
  mnist help

TRAIN OPTIONS (each sets one field of the config; later ones win)
  --preset NAME              start from a preset (default, tiny, softmax_regression, keras_mnist_mlp, best_mlp)
  --config FILE.json         start from a config file (the JSON shape of the page and model files)
  --hidden 512,256           hidden layer widths; \"\" for none (softmax regression)
  --activation A             relu | leaky_relu | sigmoid | tanh | gelu
  --init I                   auto | he_uniform | he_normal | glorot_uniform | glorot_normal
  --optimizer O              sgd | momentum | nesterov | rmsprop | adam | adamw
  --momentum M               momentum for momentum/nesterov (default 0.9)
  --lr RATE                  base learning rate
  --schedule S               constant | step | exponential | cosine
  --gamma G                  step/exponential decay factor;  --every K   step decay period (epochs)
  --min-lr R                 cosine floor;  --warmup E   linear warm-up (epochs)
  --batch N  --epochs N  --dropout P  --weight-decay L  --validation N  --subset N  --seed N
  --augment                  random shifts, rotations, scaling, shear and stroke width
  --threads N                train data-parallel on N threads (the result depends on seed and N)
  --data DIR                 folder with the MNIST .gz files (default: data/)
  --save FILE                write the trained model file
  --tensorboard DIR          write the run's curves and histograms as TensorBoard event files
                             (DIR/train/, DIR/validation/, DIR/test/) and DIR/run.json
  --json                     print one JSON object per epoch instead of a table
";

    pub fn main() -> ExitCode {
        let args: Vec<String> = std::env::args().skip(1).collect();
        let result = match args.first().map(String::as_str) {
            Some("train") => train(&args[1..]),
            Some("eval") => eval(&args[1..]),
            Some("bench") => bench(&args[1..]),
            Some("export-tfjs") => export_tfjs(&args[1..]),
            Some("explain") => explain(&args[1..]),
            Some("inspect") => inspect(&args[1..]),
            Some("keras-script") => keras_script(&args[1..]),
            Some("keras-weights") => keras_weights(&args[1..]),
            Some("import-tfjs") => import_tfjs(&args[1..]),
            Some("predict-test") => predict_test(&args[1..]),
            Some("presets") => {
                for p in config::presets() {
                    println!("{:<20} {}", p.name, p.description);
                }
                Ok(())
            }
            Some("help" | "--help" | "-h") | None => {
                print!("{HELP}");
                Ok(())
            }
            Some(other) => Err(format!("unknown command {other:?} — run `mnist help`")),
        };
        match result {
            Ok(()) => ExitCode::SUCCESS,
            Err(message) => {
                eprintln!("error: {message}");
                ExitCode::FAILURE
            }
        }
    }

    fn load(dir: &std::path::Path, prefix: &str) -> Result<Dataset, String> {
        mnist::load_gz(dir, prefix).map_err(|e| e.to_string())
    }

    /// Set `path` (dotted) in the JSON config to `value`.
    fn set(cfg: &mut Value, path: &str, value: Value) {
        let mut node = cfg;
        let parts: Vec<&str> = path.split('.').collect();
        for p in &parts[..parts.len() - 1] {
            if !node.get(*p).is_some_and(Value::is_object) {
                node[*p] = json!({});
            }
            node = &mut node[*p];
        }
        node[parts[parts.len() - 1]] = value;
    }

    fn number(flag: &str, v: &str) -> Result<Value, String> {
        v.parse::<f64>()
            .ok()
            .filter(|x| x.is_finite())
            .map(Value::from)
            .ok_or_else(|| format!("{flag} needs a number, got {v:?}"))
    }

    fn integer(flag: &str, v: &str) -> Result<Value, String> {
        v.parse::<u64>()
            .map(Value::from)
            .map_err(|_| format!("{flag} needs a whole number ≥ 0, got {v:?}"))
    }

    struct TrainArgs {
        config: Config,
        data: PathBuf,
        save: Option<PathBuf>,
        tensorboard: Option<PathBuf>,
        json: bool,
    }

    fn parse_train(args: &[String]) -> Result<TrainArgs, String> {
        let mut cfg = serde_json::to_value(Config::default()).unwrap();
        let mut data = PathBuf::from("data");
        let (mut save, mut tensorboard, mut json_out) = (None, None, false);
        let mut it = args.iter();
        while let Some(flag) = it.next() {
            let mut value = || {
                it.next()
                    .cloned()
                    .ok_or_else(|| format!("{flag} needs a value"))
            };
            match flag.as_str() {
                "--preset" => {
                    let name = value()?;
                    let p = config::preset(&name)
                        .ok_or_else(|| format!("unknown preset {name:?} — run `mnist presets`"))?;
                    cfg = serde_json::to_value(p).unwrap();
                }
                "--config" => {
                    let path = value()?;
                    let text = std::fs::read_to_string(&path)
                        .map_err(|e| format!("cannot read {path}: {e}"))?;
                    let c: Config = serde_json::from_str(&text)
                        .map_err(|e| format!("{path}: not a valid config: {e}"))?;
                    cfg = serde_json::to_value(c).unwrap();
                }
                "--hidden" => {
                    let v = value()?;
                    let widths: Result<Vec<u64>, _> = v
                        .split(',')
                        .map(str::trim)
                        .filter(|s| !s.is_empty())
                        .map(str::parse::<u64>)
                        .collect();
                    let widths = widths
                        .map_err(|_| format!("--hidden needs widths like 512,256, got {v:?}"))?;
                    set(&mut cfg, "hidden", json!(widths));
                }
                "--activation" => set(&mut cfg, "activation", json!(value()?)),
                "--init" => set(&mut cfg, "init", json!(value()?)),
                "--optimizer" => {
                    let v = value()?;
                    let o = match v.as_str() {
                    "sgd" => json!({"kind": "sgd"}),
                    "momentum" => json!({"kind": "momentum", "nesterov": false}),
                    "nesterov" => json!({"kind": "momentum", "nesterov": true}),
                    "rmsprop" | "adam" | "adamw" => json!({"kind": v}),
                    _ => return Err(format!("unknown optimizer {v:?} — use sgd, momentum, nesterov, rmsprop, adam or adamw")),
                };
                    set(&mut cfg, "optimizer", o);
                }
                "--momentum" => set(&mut cfg, "optimizer.momentum", number(flag, &value()?)?),
                "--lr" => set(&mut cfg, "learning_rate", number(flag, &value()?)?),
                "--schedule" => {
                    let v = value()?;
                    let warmup = cfg["schedule"]["warmup_epochs"].clone();
                    let s = match v.as_str() {
                        "constant" => json!({"kind": "constant"}),
                        "step" => json!({"kind": "step", "gamma": 0.5, "every_epochs": 2}),
                        "exponential" => json!({"kind": "exponential", "gamma": 0.8}),
                        "cosine" => json!({"kind": "cosine", "min_lr": 0.0}),
                        _ => {
                            return Err(format!(
                            "unknown schedule {v:?} — use constant, step, exponential or cosine"
                        ))
                        }
                    };
                    set(&mut cfg, "schedule", s);
                    if !warmup.is_null() {
                        set(&mut cfg, "schedule.warmup_epochs", warmup);
                    }
                }
                "--gamma" => set(&mut cfg, "schedule.gamma", number(flag, &value()?)?),
                "--every" => set(&mut cfg, "schedule.every_epochs", integer(flag, &value()?)?),
                "--min-lr" => set(&mut cfg, "schedule.min_lr", number(flag, &value()?)?),
                "--warmup" => set(&mut cfg, "schedule.warmup_epochs", number(flag, &value()?)?),
                "--batch" => set(&mut cfg, "batch_size", integer(flag, &value()?)?),
                "--epochs" => set(&mut cfg, "epochs", integer(flag, &value()?)?),
                "--dropout" => set(&mut cfg, "dropout", number(flag, &value()?)?),
                "--weight-decay" => set(&mut cfg, "weight_decay", number(flag, &value()?)?),
                "--validation" => set(&mut cfg, "validation_size", integer(flag, &value()?)?),
                "--subset" => set(&mut cfg, "train_subset", integer(flag, &value()?)?),
                "--seed" => set(&mut cfg, "seed", integer(flag, &value()?)?),
                "--threads" => set(&mut cfg, "threads", integer(flag, &value()?)?),
                "--augment" => set(&mut cfg, "augment.enabled", json!(true)),
                "--data" => data = PathBuf::from(value()?),
                "--save" => save = Some(PathBuf::from(value()?)),
                "--tensorboard" => tensorboard = Some(PathBuf::from(value()?)),
                "--json" => json_out = true,
                other => return Err(format!("unknown option {other:?} — run `mnist help`")),
            }
        }
        let config: Config =
            serde_json::from_value(cfg).map_err(|e| format!("invalid option value: {e}"))?;
        Ok(TrainArgs {
            config,
            data,
            save,
            tensorboard,
            json: json_out,
        })
    }

    fn train(args: &[String]) -> Result<(), String> {
        let a = parse_train(args)?;
        let train = load(&a.data, "train")?;
        let test = load(&a.data, "t10k")?;
        with_team(&a.config, &train, |team| {
            train_with(&a, &train, &test, team)
        })
        .map_err(|e| format!("invalid config: {e}"))?
    }

    fn train_with(
        a: &TrainArgs,
        train: &Dataset,
        test: &Dataset,
        team: &mut Team,
    ) -> Result<(), String> {
        if !a.json {
            println!("config: {}", serde_json::to_string(&a.config).unwrap());
            println!(
                "{} parameters; training on {} images, validating on {}, testing on {}{}",
                a.config.parameter_count(),
                team.lead().training_size(),
                team.lead().validation_indices().len(),
                test.len(),
                match a.config.threads {
                    1 => String::new(),
                    n => format!("; {n} threads"),
                }
            );
            println!("epoch  train-loss  train-acc  val-loss  val-acc  test-loss  test-acc        lr  samples/s  seconds");
        }
        let start = Instant::now();
        let mut train_seconds = 0.0;
        let mut run = tensorboard::RunRecord {
            name: String::new(),
            start_time: std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0.0, |d| d.as_secs_f64()),
            steps: tensorboard::StepCurves {
                loss: vec![],
                accuracy: vec![],
                learning_rate: vec![],
            },
            epochs: vec![],
        };
        loop {
            let t0 = Instant::now();
            let p = team
                .train_steps(train, usize::MAX)
                .map_err(|e| e.to_string())?;
            let dt = t0.elapsed().as_secs_f64();
            train_seconds += dt;
            if !p.epoch_finished {
                break;
            }
            let val = team.lead().evaluate_validation(train);
            let tst = team.lead().evaluate(test);
            let (vl, va) = val
                .as_ref()
                .map_or((f64::NAN, f64::NAN), |v| (v.loss, v.accuracy));
            let sps = p.samples as f64 / dt;
            if a.tensorboard.is_some() {
                record_epoch(&mut run, team.lead(), &p, val.as_ref(), &tst, start);
            }
            if a.json {
                println!(
                    "{}",
                    json!({"epoch": p.epoch, "train_loss": p.epoch_loss, "train_accuracy": p.epoch_accuracy,
                       "validation_loss": vl, "validation_accuracy": va, "test_loss": tst.loss,
                       "test_accuracy": tst.accuracy, "learning_rate": p.learning_rate,
                       "samples_per_second": sps, "seconds": start.elapsed().as_secs_f64()})
                );
            } else {
                println!(
                "{:>5}  {:>10.4}  {:>8.2}%  {:>8.4}  {:>6.2}%  {:>9.4}  {:>7.2}%  {:>8.2e}  {:>9.0}  {:>7.1}",
                p.epoch,
                p.epoch_loss,
                100.0 * p.epoch_accuracy,
                vl,
                100.0 * va,
                tst.loss,
                100.0 * tst.accuracy,
                p.learning_rate,
                sps,
                start.elapsed().as_secs_f64()
            );
            }
            if p.finished {
                break;
            }
        }
        let tst = team.lead().evaluate(test);
        if !a.json {
            println!(
            "final test accuracy {:.2}% ({} of {} wrong); training time {:.1} s ({:.0} samples/s)",
            100.0 * tst.accuracy,
            tst.misclassified.len(),
            tst.count,
            train_seconds,
            (team.lead().training_size() as f64 * a.config.epochs as f64) / train_seconds
        );
        }
        if let Some(dir) = &a.tensorboard {
            for (path, bytes) in run.event_files()? {
                let path = dir.join(path);
                std::fs::create_dir_all(path.parent().unwrap_or(dir))
                    .and_then(|()| std::fs::write(&path, bytes))
                    .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            }
            // The record the files were made from, for checks against TensorBoard's reader.
            let json = serde_json::to_string(&run).map_err(|e| e.to_string())?;
            std::fs::write(dir.join("run.json"), json)
                .map_err(|e| format!("cannot write run.json in {}: {e}", dir.display()))?;
            if !a.json {
                println!(
                    "wrote TensorBoard event files and run.json under {}",
                    dir.display()
                );
            }
        }
        if let Some(path) = &a.save {
            let bytes = model_file::encode(team.lead().config(), team.lead().network());
            std::fs::write(path, bytes)
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            if !a.json {
                println!("saved {}", path.display());
            }
        }
        Ok(())
    }

    /// Add one finished epoch (its steps, metrics and layer histograms) to `run`, as the page does.
    fn record_epoch(
        run: &mut tensorboard::RunRecord,
        lead: &mnist_playground::train::trainer::Trainer,
        p: &mnist_playground::train::trainer::Progress,
        validation: Option<&mnist_playground::train::metrics::Evaluation>,
        test: &mnist_playground::train::metrics::Evaluation,
        start: Instant,
    ) {
        for s in lead.last_steps().chunks_exact(3) {
            run.steps.loss.push(s[0]);
            run.steps.accuracy.push(s[1]);
            run.steps.learning_rate.push(s[2]);
        }
        run.epochs.push(tensorboard::EpochRecord {
            epoch: p.epoch,
            step: p.step,
            seconds: start.elapsed().as_secs_f64(),
            train_loss: p.epoch_loss,
            train_accuracy: p.epoch_accuracy,
            validation_loss: validation.map(|v| v.loss),
            validation_accuracy: validation.map(|v| v.accuracy),
            test_loss: Some(test.loss),
            test_accuracy: Some(test.accuracy),
            layers: tensorboard::layer_histograms(lead.network(), &lead.weight_gradients()),
        });
    }

    fn keras_script(args: &[String]) -> Result<(), String> {
        let (mut name, mut out, mut rest) = ("run".to_string(), None, Vec::new());
        let mut it = args.iter();
        while let Some(a) = it.next() {
            match a.as_str() {
                "--name" => name = it.next().ok_or("--name needs a value")?.clone(),
                "--out" => out = Some(PathBuf::from(it.next().ok_or("--out needs a file")?)),
                _ => rest.push(a.clone()),
            }
        }
        let t = parse_train(&rest)?;
        t.config
            .validate(60_000)
            .map_err(|e| format!("invalid config: {e}"))?;
        let out = out.unwrap_or_else(|| PathBuf::from(keras::script::file_name(&name)));
        std::fs::write(&out, keras::script::script(&t.config, &name))
            .map_err(|e| format!("cannot write {}: {e}", out.display()))?;
        println!("wrote {}", out.display());
        Ok(())
    }

    fn import_tfjs(args: &[String]) -> Result<(), String> {
        use mnist_playground::io::import_tfjs;
        let [dir, out] = args else {
            return Err("usage: mnist import-tfjs DIR OUT.bin".into());
        };
        let dir = std::path::Path::new(dir);
        let read = |name: &str| {
            std::fs::read(dir.join(name))
                .map_err(|e| format!("cannot read {}: {e}", dir.join(name).display()))
        };
        let model_json = String::from_utf8(read("model.json")?)
            .map_err(|_| "model.json is not UTF-8 text".to_string())?;
        let json: Value = serde_json::from_str(&model_json)
            .map_err(|e| format!("model.json is not JSON: {e}"))?;
        let mut weights = Vec::new();
        for group in json["weightsManifest"].as_array().into_iter().flatten() {
            for path in group["paths"].as_array().into_iter().flatten() {
                let path = path.as_str().ok_or("a weights path is not a string")?;
                if path.contains("..") || path.starts_with('/') {
                    return Err(format!("weights path {path:?} leaves the model's folder"));
                }
                weights.extend(read(path)?);
            }
        }
        let network = import_tfjs::import(&model_json, &weights)?;
        let classes = import_tfjs::class_names(&model_json, network.outputs())?;
        let config = import_tfjs::implied_config(&network, classes);
        std::fs::write(out, model_file::encode(&config, &network))
            .map_err(|e| format!("cannot write {out}: {e}"))?;
        println!(
            "wrote {out} ({:?}, {})",
            network.sizes(),
            network.activation.name()
        );
        Ok(())
    }

    fn keras_weights(args: &[String]) -> Result<(), String> {
        let [model, out] = args else {
            return Err("usage: mnist keras-weights MODEL.bin OUT.npz".into());
        };
        let (_, network) = read_model(std::path::Path::new(model))?;
        std::fs::write(out, keras::weights_npz(&network)?)
            .map_err(|e| format!("cannot write {out}: {e}"))?;
        println!("wrote {out}");
        Ok(())
    }

    fn predict_test(args: &[String]) -> Result<(), String> {
        let (model, out, data) = match args {
            [m, o] => (m, o, PathBuf::from("data")),
            [m, o, flag, d] if flag == "--data" => (m, o, PathBuf::from(d)),
            _ => return Err("usage: mnist predict-test MODEL.bin OUT.npy [--data DIR]".into()),
        };
        let (_, network) = read_model(std::path::Path::new(model))?;
        let test = load(&data, "t10k")?;
        let mut probabilities = Vec::with_capacity(test.len() * network.outputs());
        for i in 0..test.len() {
            probabilities.extend(network.predict(test.image(i)));
        }
        let npy = keras::npy_f32(&[test.len(), network.outputs()], &probabilities);
        std::fs::write(out, npy).map_err(|e| format!("cannot write {out}: {e}"))?;
        println!("wrote {out}");
        Ok(())
    }

    /// The two benchmark configs: A = 784-128-10 batch 128, B = 784-512-256-10 batch 256, both
    /// ReLU and Adam.
    pub fn bench_configs() -> [(&'static str, Config); 2] {
        let a = Config {
            hidden: vec![128],
            batch_size: 128,
            validation_size: 0,
            ..Config::default()
        };
        let b = Config {
            hidden: vec![512, 256],
            batch_size: 256,
            ..a.clone()
        };
        [("A", a), ("B", b)]
    }

    /// Steady-state training samples per second: warm up, then train for at least `seconds`.
    fn measure_training(config: &Config, train: &Dataset, seconds: f64) -> Result<f64, String> {
        let config = Config {
            epochs: 1000,
            ..config.clone()
        };
        with_team(&config, train, |team| {
            team.train_steps(train, 10).map_err(|e| e.to_string())?;
            let (start, mut samples) = (Instant::now(), 0usize);
            while start.elapsed().as_secs_f64() < seconds {
                samples += team
                    .train_steps(train, 10)
                    .map_err(|e| e.to_string())?
                    .samples;
            }
            Ok(samples as f64 / start.elapsed().as_secs_f64())
        })
        .map_err(|e| e.to_string())?
    }

    /// GFLOP/s of ndarray's general_mat_mul on n×n×n (the roof for a training step).
    fn measure_matmul(n: usize, seconds: f64) -> f64 {
        use ndarray::Array2;
        let a = Array2::from_shape_fn((n, n), |(i, j)| ((i * 7 + j * 3) % 17) as f32 * 0.01);
        let b = Array2::from_shape_fn((n, n), |(i, j)| ((i * 5 + j * 11) % 13) as f32 * 0.01);
        let mut c = Array2::<f32>::zeros((n, n));
        ndarray::linalg::general_mat_mul(1.0, &a, &b, 0.0, &mut c);
        let (start, mut reps) = (Instant::now(), 0usize);
        while start.elapsed().as_secs_f64() < seconds {
            ndarray::linalg::general_mat_mul(1.0, &a, &b, 0.0, &mut c);
            reps += 1;
        }
        std::hint::black_box(&c);
        2.0 * (n * n * n) as f64 * reps as f64 / start.elapsed().as_secs_f64() / 1e9
    }

    fn bench(args: &[String]) -> Result<(), String> {
        let json_out = args.iter().any(|a| a == "--json");
        let seconds: f64 = match args.iter().position(|a| a == "--seconds") {
            Some(i) => args
                .get(i + 1)
                .and_then(|s| s.parse().ok())
                .ok_or("--seconds needs a number")?,
            None => 3.0,
        };
        let train = load(std::path::Path::new("data"), "train")?;
        let matmul = measure_matmul(512, seconds);
        let mut results = serde_json::Map::new();
        results.insert("matmul_512_gflops".into(), json!(matmul));
        if !json_out {
            println!("native, 1 thread: ndarray general_mat_mul 512³: {matmul:.1} GFLOP/s");
        }
        for (name, config) in bench_configs() {
            let sps = measure_training(&config, &train, seconds)?;
            let gflops = sps * config.training_flops() as f64 / 1e9;
            results.insert(format!("{name}_samples_per_second"), json!(sps));
            results.insert(format!("{name}_gflops"), json!(gflops));
            if !json_out {
                println!(
                "config {name} ({}, batch {}): {sps:.0} samples/s = {gflops:.1} GFLOP/s ({:.0}% of the matmul roof)",
                config.layer_sizes().iter().map(|s| s.to_string()).collect::<Vec<_>>().join("-"),
                config.batch_size,
                100.0 * gflops / matmul
            );
            }
            let two = Config {
                threads: 2,
                ..config.clone()
            };
            let sps2 = measure_training(&two, &train, seconds)?;
            results.insert(format!("{name}_threads_samples_per_second"), json!(sps2));
            if !json_out {
                println!(
                    "config {name} on 2 threads: {sps2:.0} samples/s = {:.2}× one thread",
                    sps2 / sps
                );
            }
        }
        if json_out {
            println!("{}", Value::Object(results));
        }
        Ok(())
    }

    fn export_tfjs(args: &[String]) -> Result<(), String> {
        let [model, dir] = args else {
            return Err("usage: mnist export-tfjs MODEL.bin DIR".into());
        };
        let bytes = std::fs::read(model).map_err(|e| format!("cannot read {model}: {e}"))?;
        let (config, network) = model_file::decode(&bytes).map_err(|e| format!("{model}: {e}"))?;
        let m = mnist_playground::io::export_tfjs::export(&network, &config.classes)?;
        std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {dir}: {e}"))?;
        let dir = std::path::Path::new(dir);
        std::fs::write(dir.join("model.json"), m.model_json)
            .map_err(|e| format!("cannot write model.json: {e}"))?;
        std::fs::write(dir.join("weights.bin"), m.weights)
            .map_err(|e| format!("cannot write weights.bin: {e}"))?;
        println!(
            "wrote {0}/model.json and {0}/weights.bin (input: pixels/255, shape [null, 784])",
            dir.display()
        );
        Ok(())
    }

    fn read_model(path: &std::path::Path) -> Result<(Config, Network), String> {
        let bytes =
            std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        model_file::decode(&bytes).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// Median wall time of `reps` calls of `f`, in milliseconds.
    fn median_ms(reps: usize, mut f: impl FnMut(usize)) -> f64 {
        let mut times: Vec<f64> = (0..reps)
            .map(|r| {
                let t = Instant::now();
                f(r);
                t.elapsed().as_secs_f64() * 1000.0
            })
            .collect();
        times.sort_by(f64::total_cmp);
        times[reps / 2]
    }

    /// Latencies of every explain call on the model, then the attack survey (docs/explain.md).
    fn explain(args: &[String]) -> Result<(), String> {
        use mnist_playground::explain::{attack, attribution, survey, walkthrough};
        let mut data = PathBuf::from("data");
        let mut model = PathBuf::from("data/default-model.bin");
        let mut images = 1000;
        let mut steps = attack::ATTACK_STEPS;
        let mut it = args.iter();
        while let Some(a) = it.next() {
            let mut value = || it.next().ok_or(format!("{a} needs a value"));
            match a.as_str() {
                "--data" => data = PathBuf::from(value()?),
                "--images" => images = integer(a, value()?)?.as_u64().unwrap_or(0) as usize,
                "--steps" => steps = integer(a, value()?)?.as_u64().unwrap_or(0) as usize,
                other if !other.starts_with("--") => model = PathBuf::from(other),
                other => return Err(format!("unknown option {other:?} — run `mnist help`")),
            }
        }
        let (_, net) = read_model(&model)?;
        let test = load(&data, "t10k")?;
        let sizes: Vec<String> = net.sizes().iter().map(|n| n.to_string()).collect();
        println!(
            "model {} ({}), {} test digits",
            model.display(),
            sizes.join("-"),
            images
        );
        let image = |r: usize| test.image(r % 100);
        let target = |r: usize| survey::target_of(test.labels[r % 100], net.outputs()) as usize;
        let err = |e: mnist_playground::explain::ExplainError| e.to_string();
        let mut failure = None;
        let mut time = |name: &str, reps: usize, f: &mut dyn FnMut(usize) -> Result<(), String>| {
            let ms = median_ms(reps, |r| {
                if let Err(e) = f(r) {
                    failure.get_or_insert(e);
                }
            });
            println!("  {name:<44} {ms:>9.3} ms (median of {reps})");
        };
        println!("latency, one digit at a time:");
        time("gradient map", 200, &mut |r| {
            attribution::explain(&net, image(r), target(r), attribution::Method::Gradient)
                .map(drop)
                .map_err(err)
        });
        let ig = attribution::Method::IntegratedGradients;
        time("integrated gradients", 20, &mut |r| {
            attribution::explain(&net, image(r), target(r), ig)
                .map(drop)
                .map_err(err)
        });
        time(&format!("attack, ε = 0.2, {steps} steps"), 20, &mut |r| {
            attack::attack(&net, image(r), target(r), 0.2, steps)
                .map(drop)
                .map_err(err)
        });
        time("smallest ε (bisection)", 10, &mut |r| {
            attack::smallest_epsilon(&net, image(r), target(r), steps)
                .map(drop)
                .map_err(err)
        });
        time("walkthrough with one SGD step", 20, &mut |r| {
            let label = test.labels[r % 100] as usize;
            walkthrough::walkthrough(&net, image(r), label, walkthrough::STEP_LEARNING_RATE)
                .map(drop)
                .map_err(err)
        });
        if let Some(e) = failure {
            return Err(e);
        }
        let t = Instant::now();
        let s = survey::survey(&net, &test, images, &[0.05, 0.1, 0.2, 0.3], steps);
        println!(
            "attack survey: first {} test digits, target = (label + 1) mod 10, {} PGD steps \
             ({:.1} s); clean accuracy {:.1}%",
            s.images,
            s.steps,
            t.elapsed().as_secs_f64(),
            100.0 * s.correct_before as f64 / s.images as f64
        );
        println!("  ε      turned into the target");
        for (eps, n) in &s.turned {
            println!(
                "  {eps:<5}  {n:>5} / {}  ({:.1}%)",
                s.images,
                100.0 * *n as f64 / s.images as f64
            );
        }
        let some = images.min(100);
        let mut smallest = Vec::with_capacity(some);
        for r in 0..some {
            let found = attack::smallest_epsilon(&net, test.image(r), target(r), steps)
                .map_err(err)?
                .epsilon;
            smallest.push(found.unwrap_or(f32::INFINITY));
        }
        smallest.sort_by(f32::total_cmp);
        let at = |q: f64| smallest[((some - 1) as f64 * q).round() as usize];
        println!(
            "smallest ε to the target, first {some} digits: 10th percentile {:.3}, median {:.3}, \
             90th percentile {:.3}, largest {:.3} (inf: not reached at ε = {})",
            at(0.1),
            at(0.5),
            at(0.9),
            at(1.0),
            attack::MAX_EPSILON
        );
        Ok(())
    }

    /// Seconds this process has run on a CPU (Linux's /proc/self/schedstat; None elsewhere): on
    /// a shared machine the wall-clock time also counts waiting for a core.
    fn cpu_seconds() -> Option<f64> {
        let s = std::fs::read_to_string("/proc/self/schedstat").ok()?;
        let ns: f64 = s.split_whitespace().next()?.parse().ok()?;
        Some(ns / 1e9)
    }

    /// A stopwatch of wall-clock and CPU time, printed as "wall 1.23 s, CPU 0.98 s".
    struct Stopwatch(Instant, Option<f64>);

    impl Stopwatch {
        fn start() -> Stopwatch {
            Stopwatch(Instant::now(), cpu_seconds())
        }
        fn show(&self) -> String {
            let wall = self.0.elapsed().as_secs_f64();
            match (self.1, cpu_seconds()) {
                (Some(a), Some(b)) => format!("wall {wall:.2} s, CPU {:.2} s", b - a),
                _ => format!("wall {wall:.2} s"),
            }
        }
    }

    /// The learning-rate finder on the config, then the landscape and hidden-map timings on a
    /// model (docs/inspect.md).
    fn inspect(args: &[String]) -> Result<(), String> {
        use mnist_playground::inspect::{hidden_map, landscape, lr_finder};
        let mut model = PathBuf::from("data/default-model.bin");
        let mut rest = Vec::new();
        let mut it = args.iter();
        while let Some(a) = it.next() {
            match a.as_str() {
                "--model" => model = PathBuf::from(it.next().ok_or("--model needs a file")?),
                _ => rest.push(a.clone()),
            }
        }
        let TrainArgs { config, data, .. } = parse_train(&rest)?;
        let train = load(&data, "train")?;
        let test = load(&data, "t10k")?;
        let err = |e: mnist_playground::inspect::InspectError| e.to_string();

        let t = Stopwatch::start();
        let mut finder =
            lr_finder::LrFinder::new(&config, &train, lr_finder::DEFAULT_STEPS).map_err(err)?;
        while !finder.is_done() {
            finder.step(&train, 10).map_err(err)?;
        }
        let r = finder.result();
        let show = |x: Option<f32>| x.map_or("none".to_string(), |v| format!("{v:.2e}"));
        println!(
            "lr finder ({}, {} steps, stop {:?}, {}): steepest {}, minimum/10 {}",
            config.optimizer.name(),
            r.rates.len(),
            r.stop.unwrap(),
            t.show(),
            show(r.steepest),
            show(r.minimum_over_10)
        );

        let (model_config, net) = read_model(&model)?;
        let initial = model_config.fresh_network();
        let subset = landscape::DEFAULT_SUBSET;
        let t = Stopwatch::start();
        let line = landscape::line(
            &initial,
            &net,
            &train,
            &test,
            landscape::DEFAULT_LINE_POINTS,
            subset,
        )
        .map_err(err)?;
        println!(
            "line: {} points on {subset} training + {subset} test images: {}; \
             train loss {:.4} (α = 0) → {:.4} (α = 1)",
            line.alphas.len(),
            t.show(),
            line.train_loss[line.alphas.iter().position(|&a| a == 0.0).unwrap()],
            line.train_loss[line.alphas.iter().position(|&a| a == 1.0).unwrap()],
        );
        let res = landscape::DEFAULT_RESOLUTION;
        let t = Stopwatch::start();
        let mut slice = landscape::Slice::new(
            &net,
            &train,
            subset,
            res,
            landscape::DEFAULT_RADIUS,
            model_config.seed,
        )
        .map_err(err)?;
        while slice.row().is_some() {}
        let v = slice.values();
        let (lo, hi) = v
            .iter()
            .fold((f32::INFINITY, f32::NEG_INFINITY), |(a, b), &x| {
                (a.min(x), b.max(x))
            });
        println!(
            "slice: {res}×{res} on {subset} training images: {}; centre {:.4}, min {lo:.4}, \
             max {hi:.4}; the initial weights project to {:?}",
            t.show(),
            v[res * res / 2],
            slice.project(&initial).map_err(err)?
        );
        let t = Stopwatch::start();
        let map =
            hidden_map::hidden_map(&net, &test, hidden_map::DEFAULT_IMAGES, None).map_err(err)?;
        println!(
            "hidden map: {} test images, {} units: {}; axes explain {:.1}% and {:.1}%",
            map.indices.len(),
            map.units,
            t.show(),
            100.0 * map.explained[0],
            100.0 * map.explained[1]
        );
        Ok(())
    }

    fn eval(args: &[String]) -> Result<(), String> {
        let mut data = PathBuf::from("data");
        let mut model = None;
        let mut it = args.iter();
        while let Some(a) = it.next() {
            match a.as_str() {
                "--data" => data = PathBuf::from(it.next().ok_or("--data needs a folder")?),
                _ if model.is_none() => model = Some(PathBuf::from(a)),
                other => {
                    return Err(format!(
                        "unexpected argument {other:?} — usage: mnist eval MODEL.bin"
                    ))
                }
            }
        }
        let path = model.ok_or("usage: mnist eval MODEL.bin")?;
        let (config, network) = read_model(&path)?;
        let test = load(&data, "t10k")?;
        let e = mnist_playground::train::metrics::evaluate(&network, &test, None);
        println!("model: {}", serde_json::to_string(&config).unwrap());
        println!(
            "test accuracy {:.2}%, loss {:.4} ({} of {} wrong)",
            100.0 * e.accuracy,
            e.loss,
            e.misclassified.len(),
            e.count
        );
        println!(
            "per class: {}",
            e.per_class_accuracy
                .iter()
                .enumerate()
                .map(|(k, a)| format!("{k}:{:.1}%", 100.0 * a))
                .collect::<Vec<_>>()
                .join(" ")
        );
        Ok(())
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    cli::main()
}
