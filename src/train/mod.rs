//! # Training: from a config and the data to trained weights
//!
//! A run's every setting ([`config`]), the loop that takes a batch, finds its gradients and
//! applies an update ([`trainer`]), how a gradient becomes an update ([`optimizer`]) at which rate
//! ([`schedule`]), how well the network does ([`metrics`]), and data-parallel training: shards
//! summing their gradients ([`exchange`]) and a team of trainers on threads ([`team`]).
//!
//! Non-goals: the network's arithmetic (that is [`crate::nn`]), parsing data (that is
//! [`crate::data`]), the browser (that is `crate::wasm`).

pub mod config;
pub mod exchange;
pub mod metrics;
pub mod optimizer;
pub mod schedule;
pub mod team;
pub mod trainer;
