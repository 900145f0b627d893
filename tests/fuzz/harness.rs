//! The fuzz loop every target shares: generate an input, run the target's checks on it under
//! `catch_unwind`, time it, and stop at the first failure with the input saved and dumped.
//!
//! Input `i` of a run is generated from its own RNG, seeded by (`FUZZ_SEED`, target, `i`), so any
//! input can be rebuilt alone: `FUZZ_REPLAY=i` runs only that input, outside `catch_unwind`, and
//! saves it. A watchdog thread aborts the process, naming the input, if one input runs for more
//! than [`HANG`]. At the end the slowest inputs are timed again (best of 3, as the two cores are
//! shared) and the test fails if one of them still takes more than [`SLOW`].
//!
//! Budget per target: `FUZZ_INPUTS` inputs if set, otherwise `FUZZ_SECONDS` seconds (default 2).
//!
//! Non-goals: coverage guidance (the generators are seeded with valid files and mutate them with
//! format-aware moves instead), running targets in separate processes.

use rand::SeedableRng;
use rand_pcg::Pcg64Mcg;
use std::fmt::Write as _;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::Relaxed};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// An input slower than this fails the test: every input must be answered well within a second.
pub const SLOW: Duration = Duration::from_secs(1);
/// An input still running after this is a hang: the watchdog aborts the process and names it.
pub const HANG: Duration = Duration::from_secs(20);
/// Seconds per target when neither `FUZZ_INPUTS` nor `FUZZ_SECONDS` is set.
const DEFAULT_SECONDS: f64 = 2.0;

/// One fuzz target: a generator of byte strings and the checks every one of them must pass.
pub struct Target {
    pub name: &'static str,
    /// Writes one input into the (cleared) buffer.
    pub generate: fn(&mut Pcg64Mcg, &mut Vec<u8>),
    /// Panics when the input breaks a property (a panic inside the parser counts the same);
    /// otherwise names the outcome (e.g. `loads`, `Truncated`), counted to show how deep the
    /// inputs reach.
    pub check: fn(&[u8]) -> String,
}

fn env<T: std::str::FromStr>(name: &str) -> Option<T> {
    let value = std::env::var(name).ok()?;
    Some(
        value
            .parse()
            .unwrap_or_else(|_| panic!("{name}={value:?} is not a number")),
    )
}

/// The RNG of input `i` of `target` under `seed`: independent of every other input.
fn rng_for(seed: u64, target: &str, i: u64) -> Pcg64Mcg {
    // FNV-1a of the name, so that targets sharing a generator still see different inputs.
    let name = target.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ b as u64).wrapping_mul(0x100_0000_01b3)
    });
    Pcg64Mcg::seed_from_u64(seed ^ name ^ i.wrapping_mul(0x9e37_79b9_7f4a_7c15))
}

/// Hex dump of the first 512 bytes, 32 per line.
pub fn hex_dump(bytes: &[u8]) -> String {
    let mut out = String::new();
    for (k, line) in bytes.chunks(32).take(16).enumerate() {
        let _ = write!(out, "{:04x}:", k * 32);
        for b in line {
            let _ = write!(out, " {b:02x}");
        }
        out.push('\n');
    }
    if bytes.len() > 512 {
        let _ = writeln!(out, "… {} bytes in all", bytes.len());
    }
    out
}

/// The name of an enum value's variant, from its `Debug` form (`Truncated { .. }` → `Truncated`).
pub fn variant(value: &impl std::fmt::Debug) -> String {
    let debug = format!("{value:?}");
    let end = debug
        .find(|c: char| !c.is_alphanumeric() && c != '_')
        .unwrap_or(debug.len());
    debug[..end].to_string()
}

/// Every refusal is one line that starts in lowercase and carries a hint after a dash.
pub fn assert_message(what: &str, message: &str) {
    assert!(
        message.starts_with(|c: char| c.is_lowercase())
            && message.contains(" — ")
            && !message.contains('\n'),
        "{what}: message without the codebase's shape: {message:?}"
    );
}

/// Plain hex, as regression cases are written in the test sources.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Saves a failing input beside the test binary's other temporary files; returns the path.
fn save(target: &str, seed: u64, i: u64, input: &[u8]) -> String {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("fuzz-failures");
    let path = dir.join(format!("{target}-seed{seed}-input{i}.bin"));
    let _ = std::fs::create_dir_all(&dir);
    match std::fs::write(&path, input) {
        Ok(()) => path.display().to_string(),
        Err(e) => format!("(not saved: {e})"),
    }
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        s.to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "(non-string panic)".to_string()
    }
}

/// Run every regression case (each once a failing input) through the checks.
pub fn regressions(target: &Target, cases: &[Vec<u8>]) {
    for (k, input) in cases.iter().enumerate() {
        if let Err(p) = catch_unwind(AssertUnwindSafe(|| (target.check)(input))) {
            panic!(
                "{}: regression case {k} fails again: {}\n{}",
                target.name,
                panic_message(&*p),
                hex_dump(input)
            );
        }
    }
}

/// How many of the slowest inputs are timed again at the end: under load, the slowest by the
/// clock is often an input that merely lost its core for a moment.
const SLOWEST: usize = 8;

/// Fuzz `target` for the budget from the environment, printing the count, the slowest inputs
/// and the share of each outcome; panics, with the input dumped and saved, at the first input
/// that fails, and when one of the slowest inputs, timed again, takes longer than [`SLOW`].
pub fn fuzz(target: &Target) {
    let seed: u64 = env("FUZZ_SEED").unwrap_or(1);
    if let Some(i) = env::<u64>("FUZZ_REPLAY") {
        let mut input = Vec::new();
        (target.generate)(&mut rng_for(seed, target.name, i), &mut input);
        let path = save(target.name, seed, i, &input);
        println!(
            "{}: replaying input {i} (saved to {path}):\n{}",
            target.name,
            hex_dump(&input)
        );
        let outcome = (target.check)(&input);
        println!("{}: input {i}: {outcome}", target.name);
        return;
    }
    let count: Option<u64> = env("FUZZ_INPUTS");
    let seconds: f64 = env("FUZZ_SECONDS").unwrap_or(DEFAULT_SECONDS);
    let budget = Duration::from_secs_f64(seconds);

    // The watchdog reads which input is running and since when (ms after `start`).
    let start = Instant::now();
    let current = Arc::new(AtomicU64::new(0));
    let since_ms = Arc::new(AtomicU64::new(0));
    let done = Arc::new(AtomicBool::new(false));
    // Stops the watchdog however this function ends (a panic in a generator included).
    struct Stop(Arc<AtomicBool>);
    impl Drop for Stop {
        fn drop(&mut self) {
            self.0.store(true, Relaxed);
        }
    }
    let _stop = Stop(done.clone());
    let watchdog = {
        let (current, since_ms, done) = (current.clone(), since_ms.clone(), done.clone());
        let name = target.name;
        std::thread::spawn(move || {
            while !done.load(Relaxed) {
                std::thread::sleep(Duration::from_millis(200));
                let running = start.elapsed().as_millis() as u64 - since_ms.load(Relaxed);
                if !done.load(Relaxed) && running > HANG.as_millis() as u64 {
                    eprintln!(
                        "{name}: input {} has run for {running} ms: a hang. Rebuild it with \
                         FUZZ_SEED={seed} FUZZ_REPLAY={} cargo test --release --test fuzz {name}",
                        current.load(Relaxed),
                        current.load(Relaxed)
                    );
                    std::process::abort();
                }
            }
        })
    };

    let mut input = Vec::new();
    let mut slowest: Vec<(Duration, u64, usize)> = Vec::with_capacity(SLOWEST + 1);
    let mut outcomes: std::collections::BTreeMap<String, u64> = Default::default();
    let mut i = 0u64;
    loop {
        let stop = match count {
            Some(n) => i >= n,
            // Reading the clock every 64 inputs keeps it out of the per-input cost.
            None => i.is_multiple_of(64) && start.elapsed() >= budget,
        };
        if stop {
            break;
        }
        current.store(i, Relaxed);
        since_ms.store(start.elapsed().as_millis() as u64, Relaxed);
        input.clear();
        (target.generate)(&mut rng_for(seed, target.name, i), &mut input);
        let t = Instant::now();
        let outcome = catch_unwind(AssertUnwindSafe(|| (target.check)(&input)));
        let took = t.elapsed();
        if slowest.len() < SLOWEST || took > slowest[SLOWEST - 1].0 {
            let at = slowest.partition_point(|s| s.0 >= took);
            slowest.insert(at, (took, i, input.len()));
            slowest.truncate(SLOWEST);
        }
        if let Ok(label) = &outcome {
            match outcomes.get_mut(label) {
                Some(n) => *n += 1,
                None => {
                    outcomes.insert(label.clone(), 1);
                }
            }
        }
        if let Err(p) = outcome {
            let path = save(target.name, seed, i, &input);
            panic!(
                "{}: input {i} (FUZZ_SEED={seed} FUZZ_REPLAY={i}) fails: {}\nsaved to {path}; \
                 as a regression case:\n{}\n{}",
                target.name,
                panic_message(&*p),
                if input.len() <= 4096 {
                    hex(&input)
                } else {
                    "(too long to inline)".into()
                },
                hex_dump(&input)
            );
        }
        i += 1;
    }
    done.store(true, Relaxed);
    let _ = watchdog.join();
    let elapsed = start.elapsed();
    // Time the slowest inputs again, best of 3 each; the limit applies to that.
    let retimed = slowest
        .iter()
        .map(|&(_, k, _)| {
            let mut input = Vec::new();
            (target.generate)(&mut rng_for(seed, target.name, k), &mut input);
            let best = (0..3)
                .map(|_| {
                    let t = Instant::now();
                    (target.check)(&input);
                    t.elapsed()
                })
                .min()
                .unwrap();
            (best, k)
        })
        .max()
        .unwrap_or((Duration::ZERO, 0));
    let (first, k, len) = slowest.first().copied().unwrap_or((Duration::ZERO, 0, 0));
    println!(
        "fuzz {:<10} {:>9} inputs in {:>6.1} s ({:>7.0}/s); slowest: input {k} ({len} bytes) \
         {:.3} ms; re-timed, the slowest is input {} at {:.3} ms",
        target.name,
        i,
        elapsed.as_secs_f64(),
        i as f64 / elapsed.as_secs_f64().max(1e-9),
        first.as_secs_f64() * 1e3,
        retimed.1,
        retimed.0.as_secs_f64() * 1e3
    );
    let mut outcomes: Vec<(String, u64)> = outcomes.into_iter().collect();
    outcomes.sort_by_key(|o| std::cmp::Reverse(o.1));
    let shares: Vec<String> = outcomes
        .iter()
        .map(|(label, n)| format!("{label} {:.2}%", 100.0 * *n as f64 / i.max(1) as f64))
        .collect();
    println!("     {:<10} outcomes: {}", target.name, shares.join(", "));
    assert!(
        retimed.0 < SLOW,
        "{}: input {} took {:?} at best of 3 (limit {SLOW:?}); rebuild it with \
         FUZZ_SEED={seed} FUZZ_REPLAY={}",
        target.name,
        retimed.1,
        retimed.0,
        retimed.1
    );
}
