//! The protocol buffers of a TensorBoard event file, as `prost` messages declared by hand with the
//! field numbers of TensorBoard's `event.proto` and `summary.proto` (only the fields we write):
//!
//! | message | fields written |
//! |---|---|
//! | `Event` | `double wall_time = 1; int64 step = 2; oneof what { string file_version = 3; Summary summary = 5; }` |
//! | `Summary` | `repeated Value value = 1;` |
//! | `Summary.Value` | `string tag = 1; oneof value { float simple_value = 2; HistogramProto histo = 5; }` |
//! | `HistogramProto` | `double min = 1, max = 2, num = 3, sum = 4, sum_squares = 5; repeated double bucket_limit = 6 [packed], bucket = 7 [packed];` |
//!
//! A histogram's bucket `i` counts the values in `(bucket_limit[i−1], bucket_limit[i]]` (the first
//! bucket from −∞), as TensorFlow's `Histogram` class does.
//!
//! Non-goals: images, audio, tensors with plugin metadata, graphs; decoding.

use serde::{Deserialize, Serialize};

#[derive(Clone, PartialEq, prost::Message)]
pub struct Event {
    /// Seconds since the Unix epoch.
    #[prost(double, tag = "1")]
    pub wall_time: f64,
    #[prost(int64, tag = "2")]
    pub step: i64,
    #[prost(oneof = "What", tags = "3, 5")]
    pub what: Option<What>,
}

#[derive(Clone, PartialEq, prost::Oneof)]
pub enum What {
    /// The first event of a file: `"brain.Event:2"`.
    #[prost(string, tag = "3")]
    FileVersion(String),
    #[prost(message, tag = "5")]
    Summary(Summary),
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct Summary {
    #[prost(message, repeated, tag = "1")]
    pub value: Vec<Value>,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct Value {
    #[prost(string, tag = "1")]
    pub tag: String,
    #[prost(oneof = "Kind", tags = "2, 5")]
    pub value: Option<Kind>,
}

#[derive(Clone, PartialEq, prost::Oneof)]
pub enum Kind {
    #[prost(float, tag = "2")]
    SimpleValue(f32),
    #[prost(message, tag = "5")]
    Histo(HistogramProto),
}

/// A histogram of values. Also the JSON/JS shape the page passes (field names as in the proto).
#[derive(Clone, PartialEq, prost::Message, Serialize, Deserialize)]
pub struct HistogramProto {
    #[prost(double, tag = "1")]
    pub min: f64,
    #[prost(double, tag = "2")]
    pub max: f64,
    /// How many values.
    #[prost(double, tag = "3")]
    pub num: f64,
    #[prost(double, tag = "4")]
    pub sum: f64,
    #[prost(double, tag = "5")]
    pub sum_squares: f64,
    /// Right edges of the buckets, ascending.
    #[prost(double, repeated, tag = "6")]
    pub bucket_limit: Vec<f64>,
    /// Count of each bucket.
    #[prost(double, repeated, tag = "7")]
    pub bucket: Vec<f64>,
}

/// Buckets of the histograms the engine makes (TensorFlow's summary API uses 30 too).
pub const BUCKETS: usize = 30;

impl HistogramProto {
    /// A histogram of `values` with [`BUCKETS`] equal-width buckets from the smallest to the
    /// largest value (one bucket when all are equal); sums in f64. Non-finite values are left out
    /// of everything (a diverged layer gives `num` smaller than the tensor). None if no value is
    /// finite.
    pub fn of(values: &[f32]) -> Option<HistogramProto> {
        let finite = || {
            values
                .iter()
                .map(|&v| f64::from(v))
                .filter(|v| v.is_finite())
        };
        let (mut min, mut max, mut num, mut sum, mut sum_squares) =
            (f64::INFINITY, f64::NEG_INFINITY, 0.0, 0.0, 0.0);
        for v in finite() {
            min = min.min(v);
            max = max.max(v);
            num += 1.0;
            sum += v;
            sum_squares += v * v;
        }
        if num == 0.0 {
            return None;
        }
        let buckets = if max > min { BUCKETS } else { 1 };
        let width = (max - min) / buckets as f64;
        let mut bucket_limit: Vec<f64> = (1..buckets).map(|i| min + width * i as f64).collect();
        bucket_limit.push(max);
        let mut bucket = vec![0.0; buckets];
        for v in finite() {
            // The first bucket whose right edge is ≥ v (edges are ascending; max is the last).
            let i = bucket_limit.partition_point(|&limit| limit < v);
            bucket[i.min(buckets - 1)] += 1.0;
        }
        Some(HistogramProto {
            min,
            max,
            num,
            sum,
            sum_squares,
            bucket_limit,
            bucket,
        })
    }

    /// Checks a histogram that came from outside: finite fields, as many counts as edges (at
    /// least one), ascending edges, counts ≥ 0 adding up to `num`. The message names `what`.
    pub fn validate(&self, what: &str) -> Result<(), String> {
        let fields = [self.min, self.max, self.num, self.sum, self.sum_squares];
        if fields.iter().any(|v| !v.is_finite()) {
            return Err(format!(
                "{what}: min, max, num, sum and sum_squares must be finite numbers"
            ));
        }
        if self.bucket.is_empty() || self.bucket.len() != self.bucket_limit.len() {
            return Err(format!(
                "{what}: bucket and bucket_limit must have the same non-zero length, got {} and {}",
                self.bucket.len(),
                self.bucket_limit.len()
            ));
        }
        if self.bucket_limit.iter().any(|v| !v.is_finite())
            || self.bucket_limit.windows(2).any(|w| w[0] > w[1])
        {
            return Err(format!("{what}: bucket_limit must be finite and ascending"));
        }
        if self.bucket.iter().any(|c| !c.is_finite() || *c < 0.0) {
            return Err(format!("{what}: bucket counts must be finite and ≥ 0"));
        }
        let total: f64 = self.bucket.iter().sum();
        if (total - self.num).abs() > 0.5 {
            return Err(format!(
                "{what}: the bucket counts add up to {total} but num is {}",
                self.num
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use prost::Message;

    /// Expected bytes worked out by hand from the protobuf wire format: a key is
    /// `(field << 3) | wire type` (1 = 64-bit, 2 = length-delimited, 5 = 32-bit, 0 = varint);
    /// proto3 leaves out fields at their default (step 0 here).
    #[test]
    fn file_version_event_bytes() {
        let e = Event {
            wall_time: 1.5,
            step: 0,
            what: Some(What::FileVersion("brain.Event:2".into())),
        };
        let mut want = vec![0x09, 0, 0, 0, 0, 0, 0, 0xF8, 0x3F, 0x1A, 13];
        want.extend_from_slice(b"brain.Event:2");
        assert_eq!(e.encode_to_vec(), want);
    }

    #[test]
    fn scalar_event_bytes() {
        let e = Event {
            wall_time: 0.0,
            step: 7,
            what: Some(What::Summary(Summary {
                value: vec![Value {
                    tag: "loss".into(),
                    value: Some(Kind::SimpleValue(0.25)),
                }],
            })),
        };
        // Value: 0A 04 "loss" 15 <0.25f32 LE = 00 00 80 3E> (11 bytes); Summary: 0A 0B Value
        // (13 bytes); Event: 10 07 (step) 2A 0D Summary.
        let want = [
            0x10, 0x07, 0x2A, 0x0D, 0x0A, 0x0B, 0x0A, 0x04, b'l', b'o', b's', b's', 0x15, 0x00,
            0x00, 0x80, 0x3E,
        ];
        assert_eq!(e.encode_to_vec(), want);
    }

    #[test]
    fn histogram_bytes_pack_the_repeated_doubles() {
        let h = HistogramProto {
            min: 1.0,
            max: 2.0,
            num: 2.0,
            sum: 3.0,
            sum_squares: 5.0,
            bucket_limit: vec![2.0],
            bucket: vec![2.0],
        };
        let d = |key: u8, v: f64| {
            let mut b = vec![key];
            b.extend_from_slice(&v.to_le_bytes());
            b
        };
        let mut want = [
            d(0x09, 1.0),
            d(0x11, 2.0),
            d(0x19, 2.0),
            d(0x21, 3.0),
            d(0x29, 5.0),
        ]
        .concat();
        want.extend_from_slice(&[0x32, 8]);
        want.extend_from_slice(&2.0f64.to_le_bytes());
        want.extend_from_slice(&[0x3A, 8]);
        want.extend_from_slice(&2.0f64.to_le_bytes());
        assert_eq!(h.encode_to_vec(), want);
        assert_eq!(HistogramProto::decode(&want[..]).unwrap(), h);
    }

    #[test]
    fn histogram_of_values() {
        let values: Vec<f32> = (0..=30).map(|i| i as f32).collect();
        let h = HistogramProto::of(&values).unwrap();
        assert_eq!((h.min, h.max, h.num), (0.0, 30.0, 31.0));
        assert_eq!(h.sum, 465.0);
        assert_eq!(h.sum_squares, (0..=30).map(|i| (i * i) as f64).sum::<f64>());
        assert_eq!(h.bucket_limit.len(), BUCKETS);
        assert_eq!(h.bucket_limit[0], 1.0);
        // (−∞, 1] holds 0 and 1; (1, 2] holds 2; …
        assert_eq!(h.bucket[0], 2.0);
        assert_eq!(&h.bucket[1..], &[1.0; 29]);
        h.validate("h").unwrap();
        let same = HistogramProto::of(&[3.0, 3.0, f32::NAN]).unwrap();
        assert_eq!(
            (same.bucket_limit, same.bucket, same.num),
            (vec![3.0], vec![2.0], 2.0)
        );
        assert!(HistogramProto::of(&[f32::INFINITY]).is_none());
    }

    #[test]
    fn bad_histograms_are_refused_with_a_message() {
        let mut h = HistogramProto::of(&[1.0, 2.0]).unwrap();
        h.bucket.pop();
        assert!(h
            .validate("layer 1 weights")
            .unwrap_err()
            .contains("same non-zero length"));
        let mut h = HistogramProto::of(&[1.0, 2.0]).unwrap();
        h.num = 5.0;
        assert!(h.validate("x").unwrap_err().contains("add up to"));
    }
}
