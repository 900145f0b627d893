//! The browser's [`Exchange`]: data-parallel shards in separate Web Workers (one wasm instance
//! each) sum their gradients through one `SharedArrayBuffer`, which needs a cross-origin isolated
//! page. Workers block in `Atomics.wait`, which browsers allow in workers only.
//!
//! # Layout of the buffer (`N` shards, `len` gradient numbers)
//!
//! | bytes                    | type    | contents                                             |
//! |--------------------------|---------|------------------------------------------------------|
//! | 0..16                    | `i32×4` | `[arrived, generation, abort, budget]` (the barrier)   |
//! | 16..16+32N               | `f64`   | `[parity][shard][loss sum, correct]`                 |
//! | 16+32N..16+32N+8N·len    | `f32`   | `[parity][shard][len]` gradients                     |
//!
//! Two parities (alternating steps) let a fast shard publish step s+1 while a slow one still reads
//! step s, so each step needs one barrier. A worker that fails sets `abort` to 1 and notifies
//! `generation` (JavaScript: `Atomics.store(i32, 2, 1); Atomics.notify(i32, 1)`); the others then
//! stop with an error instead of waiting. `budget` is not used here: it is the step number the lead
//! lets the shard workers train up to (the engine's team and shard workers in JavaScript).
//!
//! Non-goals: starting the workers or sharing the buffer between them (JavaScript does that),
//! summing in another order than [`summation_order`]'s (every shard must get the same bits).

use crate::train::exchange::{summation_order, Exchange, ExchangeError, ExchangeTimes, Take};
use js_sys::{Atomics, Float32Array, Float64Array, Int32Array, SharedArrayBuffer};
use wasm_bindgen::{JsCast, JsValue};

const ARRIVED: u32 = 0;
const GENERATION: u32 = 1;
const ABORT: u32 = 2;
const HEADER_BYTES: usize = 16;
/// Checks of the barrier before sleeping (each a call into JavaScript, ~20 ns: about 1–2 ms).
const SPINS: usize = 50_000;
/// How long a shard waits for the others before giving up (a step takes milliseconds).
const PATIENCE_MS: f64 = 15_000.0;

/// Bytes of the shared buffer for `count` shards and `len` gradient numbers.
pub fn buffer_bytes(count: usize, len: usize) -> usize {
    HEADER_BYTES + 2 * count * 2 * 8 + 2 * count * len * 4
}

pub struct SharedExchange {
    control: Int32Array,
    stats: Float64Array,
    gradients: Float32Array,
    index: usize,
    count: usize,
    len: usize,
    write: usize,
    read: usize,
    /// Another shard's slice while it is added in.
    scratch: Vec<f32>,
    /// `performance.now` of this worker, and where the time went.
    clock: Option<js_sys::Function>,
    times: ExchangeTimes,
    /// The clock at the first `send` of this step and at the end of `wait`.
    sent_at: f64,
    waited_at: f64,
}

impl SharedExchange {
    pub fn new(
        buffer: &SharedArrayBuffer,
        index: usize,
        count: usize,
        len: usize,
    ) -> Result<SharedExchange, String> {
        let bytes = buffer_bytes(count, len);
        if buffer.byte_length() as usize != bytes {
            return Err(format!(
                "the shared buffer has {} bytes but {count} shards of {len} parameters need {bytes} (create it with Engine.exchangeBytes)",
                buffer.byte_length()
            ));
        }
        let stats_at = HEADER_BYTES;
        let gradients_at = stats_at + 2 * count * 2 * 8;
        Ok(SharedExchange {
            control: Int32Array::new_with_byte_offset_and_length(buffer, 0, 4),
            stats: Float64Array::new_with_byte_offset_and_length(
                buffer,
                stats_at as u32,
                (2 * count * 2) as u32,
            ),
            gradients: Float32Array::new_with_byte_offset_and_length(
                buffer,
                gradients_at as u32,
                (2 * count * len) as u32,
            ),
            index,
            count,
            len,
            write: 0,
            read: 0,
            scratch: Vec::new(),
            clock: performance_now(),
            times: ExchangeTimes::default(),
            sent_at: 0.0,
            waited_at: 0.0,
        })
    }

    fn now(&self) -> f64 {
        self.clock
            .as_ref()
            .and_then(|f| f.call0(&JsValue::UNDEFINED).ok())
            .and_then(|v| v.as_f64())
            .unwrap_or(0.0)
    }

    fn slot(&self, parity: usize, shard: usize, offset: usize, n: usize) -> Float32Array {
        let start = ((parity * self.count + shard) * self.len + offset) as u32;
        self.gradients.subarray(start, start + n as u32)
    }

    fn load(&self, index: u32) -> i32 {
        Atomics::load(&self.control, index).unwrap_or(0)
    }

    /// Every shard arrives; the last one starts the next generation and wakes the others.
    fn barrier(&self) -> Result<(), ExchangeError> {
        let generation = self.load(GENERATION);
        let arrived = Atomics::add(&self.control, ARRIVED, 1).unwrap_or(0);
        if arrived as usize + 1 == self.count {
            let _ = Atomics::store(&self.control, ARRIVED, 0);
            let _ = Atomics::add(&self.control, GENERATION, 1);
            let _ = Atomics::notify(&self.control, GENERATION);
            return Ok(());
        }
        // Spin first: the others usually arrive within a fraction of a step, and a worker that
        // sleeps in Atomics.wait takes longer to wake (on virtual machines, much longer).
        for _ in 0..SPINS {
            if self.load(GENERATION) != generation {
                return Ok(());
            }
        }
        let start = js_sys::Date::now();
        loop {
            // The generation first: a worker that passed this barrier and then failed (a diverged
            // loss fails every worker at the same step) must not fail this one here.
            if self.load(GENERATION) != generation {
                return Ok(());
            }
            if self.load(ABORT) != 0 {
                return Err(ExchangeError("another training worker failed".into()));
            }
            if js_sys::Date::now() - start > PATIENCE_MS {
                return Err(ExchangeError(format!(
                    "no word from the other training workers for {} s",
                    PATIENCE_MS / 1000.0
                )));
            }
            Atomics::wait_with_timeout(&self.control, GENERATION, generation, 250.0).map_err(
                |e| {
                    ExchangeError(format!(
                        "this browser refused to wait for the other workers ({})",
                        e.as_string().unwrap_or_else(|| format!("{e:?}"))
                    ))
                },
            )?;
        }
    }
}

impl Exchange for SharedExchange {
    fn send(&mut self, offset: usize, values: &[f32]) {
        if offset == 0 {
            self.sent_at = self.now();
        }
        self.slot(self.write, self.index, offset, values.len())
            .copy_from(values);
    }

    fn wait(&mut self, stats: &mut [f64; 2]) -> Result<(), ExchangeError> {
        let arrived_at = self.now();
        self.times.send_ms += arrived_at - self.sent_at;
        let at = ((self.write * self.count + self.index) * 2) as u32;
        self.stats.set_index(at, stats[0]);
        self.stats.set_index(at + 1, stats[1]);
        self.barrier()?;
        *stats = [0.0; 2];
        for shard in 0..self.count {
            let at = ((self.write * self.count + shard) * 2) as u32;
            stats[0] += self.stats.get_index(at);
            stats[1] += self.stats.get_index(at + 1);
        }
        self.read = self.write;
        self.write ^= 1;
        self.waited_at = self.now();
        self.times.wait_ms += self.waited_at - arrived_at;
        self.times.steps += 1;
        Ok(())
    }

    fn receive_sum(&mut self, offset: usize, values: &mut [f32]) {
        let n = values.len();
        if self.scratch.len() < n {
            self.scratch.resize(n, 0.0); // once per run: the largest slice, at the first step
        }
        for term in summation_order(self.index, self.count) {
            let slot = self.slot(self.read, term.index, offset, n);
            match term.how {
                Take::Copy => slot.copy_to(values),
                Take::Add => {
                    let scratch = &mut self.scratch[..n];
                    slot.copy_to(scratch);
                    for (v, g) in values.iter_mut().zip(scratch.iter()) {
                        *v += g;
                    }
                }
            }
        }
        // Summing ends with the last slice; until then this adds up the time since `wait`.
        let now = self.now();
        self.times.sum_ms += now - self.waited_at;
        self.waited_at = now;
    }

    fn times(&self) -> Option<ExchangeTimes> {
        self.clock.is_some().then_some(self.times)
    }
}

/// The worker's `performance.now`, bound to `performance` (None where there is none).
fn performance_now() -> Option<js_sys::Function> {
    let performance = js_sys::Reflect::get(&js_sys::global(), &"performance".into()).ok()?;
    let now = js_sys::Reflect::get(&performance, &"now".into()).ok()?;
    let now: js_sys::Function = now.dyn_into().ok()?;
    Some(now.bind0(&performance))
}
