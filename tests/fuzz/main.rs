//! # Fuzzing the native parsers
//!
//! Every parser that reads bytes from outside gets a fuzz target: generated inputs, seeded with
//! valid files and mutated with format-aware moves, each checked for no panic, an answer within
//! [`harness::SLOW`], memory held within a stated bound (a counting allocator, [`alloc`]), and
//! the target's own properties. Each target first replays its regression cases: inputs that once
//! failed, kept in the source.
//!
//! `cargo test` runs each target for 2 s; the long run (see docs/fuzzing.md) is
//! `CARGO_PROFILE_RELEASE_OVERFLOW_CHECKS=true FUZZ_INPUTS=1000000 cargo test --release --test fuzz
//! -- --nocapture --test-threads 1`.
//!
//! Non-goals: the page's parsers (runs import, URL hash, stored records: fuzzed in JS).

// Native only: the targets read the data files and gunzip through std.
#![cfg(not(target_arch = "wasm32"))]

mod alloc;
mod config;
mod harness;
mod idx;
mod loaders;
mod model_file;
mod mutate;
mod preprocess;

use harness::{fuzz, regressions, Target, SLOW};
use std::time::Instant;

/// The regression cases of `target`, then a fuzz run.
fn run(target: &Target, cases: &[Vec<u8>]) {
    regressions(target, cases);
    fuzz(target);
}

#[test]
fn fuzz_idx() {
    run(&idx::IDX, &[]);
}

#[test]
fn fuzz_idx_gz() {
    run(&idx::IDX_GZ, &[]);
}

/// A gzip bomb (16 MiB of zeros in 16 kB) is refused at the cap, holding about the cap.
#[test]
fn gzip_bomb_is_refused_without_inflating_it() {
    use mnist_playground::data::mnist::{gunzip, LoadError};
    use std::io::Write;
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    e.write_all(&vec![0u8; 16 << 20]).unwrap();
    let bomb = e.finish().unwrap();
    assert!(bomb.len() < 64 * 1024, "{} bytes", bomb.len());
    let (result, held) = alloc::peak_during(|| gunzip("bomb.gz", &bomb, idx::GZ_MAX));
    match result {
        Err(e @ LoadError::TooLarge { .. }) => assert!(
            e.to_string()
                .starts_with(&format!("bomb.gz: larger than {} bytes", idx::GZ_MAX)),
            "{e}"
        ),
        other => panic!("{other:?}"),
    }
    assert!(held < 4 * idx::GZ_MAX + 128 * 1024, "held {held} bytes");
}

#[test]
fn fuzz_csv() {
    run(&loaders::CSV, &[]);
}

#[test]
fn fuzz_idx_dataset() {
    run(&loaders::IDX_DATASET, &[]);
}

#[test]
fn fuzz_model_file() {
    run(&model_file::MODEL_FILE, &model_file::regressions());
}

#[test]
fn fuzz_config() {
    run(
        &config::CONFIG,
        &[
            // The page's config report computed 2·784·width for a width near 2⁶¹: overflow.
            br#"{"hidden":[2305843009213693952,8],"threads":0,"glorot_uniform":[],"learning_rate":1e-45}"#
                .to_vec(),
        ],
    );
}

#[test]
fn fuzz_preprocess() {
    run(&preprocess::PREPROCESS, &[]);
}

/// Each degenerate canvas by name, timed: the 4096×4096 ones are too rare in the fuzz loop.
#[test]
fn preprocess_extremes() {
    for (name, input) in preprocess::extremes() {
        let t = Instant::now();
        regressions(&preprocess::PREPROCESS, &[input]);
        let took = t.elapsed();
        assert!(took < SLOW, "{name}: {took:?}");
    }
}
