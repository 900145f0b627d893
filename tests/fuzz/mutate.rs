//! Byte-level mutations shared by the targets: bit flips, random and "interesting" bytes, inserts,
//! deletions, truncation, appends, duplicated runs, splices from another seed, and integers set to
//! extreme values at a given offset. Targets add their own format-aware moves on top.
//!
//! Non-goals: knowing any file format (each target knows its own).

use rand::Rng;
use rand_pcg::Pcg64Mcg;

/// 32-bit values that break size arithmetic: zero, one, edges of the formats' caps, powers of two
/// and their neighbours, and the top of the range.
pub const INTERESTING_U32: &[u32] = &[
    0,
    1,
    2,
    3,
    9,
    10,
    11,
    27,
    28,
    29,
    255,
    256,
    783,
    784,
    785,
    1023,
    1024,
    1025,
    4096,
    8191,
    8192,
    8193,
    60_000,
    65_535,
    65_536,
    65_537,
    9_999_999,
    10_000_000,
    10_000_001,
    20_000_000,
    0x7fff_ffff,
    0x8000_0000,
    0xffff_fffe,
    0xffff_ffff,
];

/// An interesting value, or one next to a random power of two.
pub fn interesting_u32(rng: &mut Pcg64Mcg) -> u32 {
    if rng.random_bool(0.7) {
        INTERESTING_U32[rng.random_range(0..INTERESTING_U32.len())]
    } else {
        let p = 1u32 << rng.random_range(0..32);
        p.wrapping_add(rng.random_range(0..3)).wrapping_sub(1)
    }
}

/// A position in `0..len` (`len` > 0), aimed at the first `hot` bytes half the time.
pub fn position(rng: &mut Pcg64Mcg, len: usize, hot: usize) -> usize {
    if hot > 0 && rng.random_bool(0.5) {
        rng.random_range(0..hot.min(len))
    } else {
        rng.random_range(0..len)
    }
}

/// Apply one random byte-level mutation to `buf`. `hot` is the length of the region most worth
/// hitting (a header); `other` is another valid input to splice from.
pub fn mutate_bytes(rng: &mut Pcg64Mcg, buf: &mut Vec<u8>, hot: usize, other: &[u8]) {
    if buf.is_empty() {
        buf.extend((0..rng.random_range(1..8)).map(|_| rng.random::<u8>()));
        return;
    }
    let len = buf.len();
    match rng.random_range(0..11) {
        0 => {
            let k = position(rng, len, hot);
            buf[k] ^= 1 << rng.random_range(0..8);
        }
        1 => {
            let k = position(rng, len, hot);
            buf[k] = rng.random();
        }
        2 => {
            let k = position(rng, len, hot);
            buf[k] = [0, 1, 0x7f, 0x80, 0xff][rng.random_range(0..5)];
        }
        3 => {
            let k = position(rng, len + 1, hot);
            let n = rng.random_range(1..9);
            buf.splice(k..k, (0..n).map(|_| rng.random::<u8>()));
        }
        4 => {
            let k = position(rng, len, hot);
            let n = rng.random_range(1..=(len - k).min(64));
            buf.drain(k..k + n);
        }
        5 => buf.truncate(rng.random_range(0..len)),
        6 => buf.extend((0..rng.random_range(1..9)).map(|_| rng.random::<u8>())),
        7 => {
            // Duplicate a run in place.
            let k = rng.random_range(0..len);
            let n = rng.random_range(1..=(len - k).min(256));
            let run = buf[k..k + n].to_vec();
            let at = rng.random_range(0..=len);
            buf.splice(at..at, run);
        }
        8 if !other.is_empty() => {
            // Splice: a range of ours replaced by a range of the other input.
            let k = rng.random_range(0..len);
            let n = rng.random_range(0..=(len - k).min(512));
            let j = rng.random_range(0..other.len());
            let m = rng.random_range(1..=(other.len() - j).min(512));
            buf.splice(k..k + n, other[j..j + m].iter().copied());
        }
        9 if len >= 4 => {
            let k = position(rng, len - 3, hot);
            let v = interesting_u32(rng);
            let bytes = if rng.random_bool(0.5) {
                v.to_le_bytes()
            } else {
                v.to_be_bytes()
            };
            buf[k..k + 4].copy_from_slice(&bytes);
        }
        _ => {
            let k = position(rng, len, hot);
            buf[k] = buf[k].wrapping_add(rng.random_range(1..=4)).wrapping_sub(2);
        }
    }
}
