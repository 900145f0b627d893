//! Allowed intervals for the numeric config fields: each interval is written once here (or as a
//! constant beside its field), validation checks values against it, and [`crate::train::config::limits`]
//! reports the same interval to the page, so the two cannot drift apart.
//!
//! Non-goals: the checks that depend on other fields or on the data (a batch no larger than the
//! training images, a warm-up no longer than the run); [`crate::train::config::Config::validate`] does
//! those itself.

use serde::Serialize;

/// An interval of `f32` values; `max` is `f32::INFINITY` when there is no upper bound. NaN and
/// infinities are never inside.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FloatRange {
    pub min: f32,
    pub max: f32,
    pub min_exclusive: bool,
    pub max_exclusive: bool,
}

impl FloatRange {
    /// `[min, max]`.
    pub const fn closed(min: f32, max: f32) -> Self {
        FloatRange {
            min,
            max,
            min_exclusive: false,
            max_exclusive: false,
        }
    }

    /// `[min, max)`.
    pub const fn closed_open(min: f32, max: f32) -> Self {
        FloatRange {
            min,
            max,
            min_exclusive: false,
            max_exclusive: true,
        }
    }

    /// `(min, max]`.
    pub const fn open_closed(min: f32, max: f32) -> Self {
        FloatRange {
            min,
            max,
            min_exclusive: true,
            max_exclusive: false,
        }
    }

    /// Finite and `>= min` (or `> min` when `exclusive`), no upper bound.
    pub const fn at_least(min: f32, exclusive: bool) -> Self {
        FloatRange {
            min,
            max: f32::INFINITY,
            min_exclusive: exclusive,
            max_exclusive: true,
        }
    }

    pub fn contains(&self, value: f32) -> bool {
        let above = if self.min_exclusive {
            value > self.min
        } else {
            value >= self.min
        };
        let below = if self.max_exclusive {
            value < self.max
        } else {
            value <= self.max
        };
        value.is_finite() && above && below
    }

    /// `Ok` inside the range, else the message `"{field} must be in [0, 1), got 1.5"` (see
    /// [`FloatRange::phrase`]).
    pub fn check(&self, field: impl std::fmt::Display, value: f32) -> Result<(), String> {
        if self.contains(value) {
            Ok(())
        } else {
            Err(format!("{field} must be {}, got {value}", self.phrase()))
        }
    }

    /// How a message states the range: `in [0, 0.95)`, or `finite and > 0` without an upper bound.
    pub fn phrase(&self) -> String {
        if self.max.is_infinite() {
            let op = if self.min_exclusive { ">" } else { ">=" };
            format!("finite and {op} {}", self.min)
        } else {
            format!("in {self}")
        }
    }

    /// The range as the page reads it (bounds as the shortest decimals that round-trip, so
    /// `0.95` reads `0.95`, not `0.949999988079071`).
    pub fn to_limit(self) -> Limit {
        let decimal = |x: f32| x.to_string().parse::<f64>().unwrap_or(f64::from(x));
        Limit {
            min: decimal(self.min),
            max: self.max.is_finite().then(|| decimal(self.max)),
            min_exclusive: self.min_exclusive,
            max_exclusive: self.max.is_finite() && self.max_exclusive,
            integer: false,
        }
    }
}

impl std::fmt::Display for FloatRange {
    /// `[0, 0.95)`, `(0, 10]`, …
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let open = if self.min_exclusive { '(' } else { '[' };
        let close = if self.max_exclusive { ')' } else { ']' };
        write!(f, "{open}{}, {}{close}", self.min, self.max)
    }
}

/// An inclusive interval of whole numbers; `max` is `None` when the field's type is the only
/// upper bound.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IntRange {
    pub min: u64,
    pub max: Option<u64>,
}

impl IntRange {
    /// `min..=max`.
    pub const fn new(min: u64, max: u64) -> Self {
        IntRange {
            min,
            max: Some(max),
        }
    }

    /// `min..` (bounded only by the field's type).
    pub const fn at_least(min: u64) -> Self {
        IntRange { min, max: None }
    }

    pub fn contains(&self, value: u64) -> bool {
        value >= self.min && self.max.is_none_or(|max| value <= max)
    }

    pub fn to_limit(self) -> Limit {
        Limit {
            min: self.min as f64,
            max: self.max.map(|m| m as f64),
            min_exclusive: false,
            max_exclusive: false,
            integer: true,
        }
    }
}

/// One range as the page receives it: `{min, max, min_exclusive, max_exclusive, integer}`, with
/// `max: null` when there is no upper bound.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Limit {
    pub min: f64,
    pub max: Option<f64>,
    pub min_exclusive: bool,
    pub max_exclusive: bool,
    pub integer: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn float_ranges_respect_their_ends_and_refuse_non_finite_values() {
        let r = FloatRange::closed_open(0.0, 0.95);
        assert!(r.contains(0.0) && r.contains(0.5));
        assert!(!r.contains(0.95) && !r.contains(-0.01) && !r.contains(f32::NAN));
        let r = FloatRange::open_closed(0.0, 10.0);
        assert!(!r.contains(0.0) && r.contains(10.0));
        let r = FloatRange::at_least(0.0, true);
        assert!(r.contains(1e30) && !r.contains(0.0) && !r.contains(f32::INFINITY));
        assert_eq!(r.phrase(), "finite and > 0");
        assert_eq!(FloatRange::closed(0.0, 1.0).phrase(), "in [0, 1]");
    }

    #[test]
    fn limits_read_as_decimals() {
        let l = FloatRange::closed_open(0.0, 0.95).to_limit();
        assert_eq!((l.min, l.max), (0.0, Some(0.95)));
        assert!(l.max_exclusive && !l.min_exclusive && !l.integer);
        let l = FloatRange::at_least(0.0, false).to_limit();
        assert_eq!(l.max, None);
        assert!(!l.max_exclusive);
        let l = IntRange::new(1, 8).to_limit();
        assert_eq!((l.min, l.max, l.integer), (1.0, Some(8.0), true));
        assert!(IntRange::at_least(1).contains(u64::MAX) && !IntRange::new(1, 8).contains(9));
    }
}
