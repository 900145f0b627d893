//! # The team: data-parallel training on std threads
//!
//! A run of `config.threads` [`Trainer`] shards, each on its own thread and summing gradients
//! through a [`ThreadExchange`] (see [`crate::train::exchange`] for how a batch is shared). Shard 0
//! runs on the caller's thread and reports; the others run the same steps. The tests and the
//! command line use it; the browser runs its shards in Web Workers instead.
//!
//! Determinism: the epoch shuffle comes from the seed's training stream in every shard; dropout
//! masks and augmentation come from a stream per shard ([`crate::rng::shard_stream`]). A seed
//! therefore reproduces a run for the same thread count. One thread is the plain trainer (one
//! stream for everything), so single-thread runs are unchanged by this module.
//!
//! Non-goals: splitting the optimizer update across shards (it is a few percent of a step), and
//! tolerating a shard that leaves mid-run (the exchange reports it and the run stops).

use crate::data::mnist::Dataset;
use crate::train::config::{Config, ConfigError};
use crate::train::exchange::ThreadExchange;
use crate::train::trainer::{Progress, TrainError, Trainer};
use std::sync::mpsc::{channel, Sender};

/// A data-parallel run on std threads: shard 0 on the calling thread (it evaluates and reports),
/// the other `config.threads − 1` shards on scoped threads that run the same steps whenever
/// [`Team::train_steps`] is called.
pub struct Team {
    lead: Trainer,
    orders: Vec<Sender<usize>>,
}

impl Team {
    /// `train_steps` of shard 0, with every other shard running the same steps.
    pub fn train_steps(
        &mut self,
        train: &Dataset,
        max_steps: usize,
    ) -> Result<Progress, TrainError> {
        for order in &self.orders {
            // A shard that stopped (it failed with the same error as the lead) reads no more.
            let _ = order.send(max_steps);
        }
        self.lead.train_steps(train, max_steps)
    }

    /// Shard 0's trainer: its network is every shard's network.
    pub fn lead(&self) -> &Trainer {
        &self.lead
    }
}

/// Runs `body` with a [`Team`] of `config.threads` trainers of a fresh network on `train` (one
/// thread: a plain [`Trainer`]). The other threads end when `body` returns.
pub fn with_team<R>(
    config: &Config,
    train: &Dataset,
    body: impl FnOnce(&mut Team) -> R,
) -> Result<R, ConfigError> {
    if config.threads <= 1 {
        let lead = Trainer::new(config.clone(), train)?;
        return Ok(body(&mut Team {
            lead,
            orders: vec![],
        }));
    }
    config.validate(train.len())?;
    let len = config.parameter_count();
    let mut exchanges = ThreadExchange::group(config.threads, len).into_iter();
    let lead_exchange = exchanges.next().expect("threads ≥ 2");
    std::thread::scope(|s| {
        let mut orders = Vec::new();
        for (k, exchange) in exchanges.enumerate() {
            let (order, steps) = channel::<usize>();
            orders.push(order);
            s.spawn(move || {
                let Ok(mut shard) =
                    Trainer::shard(config.clone(), train, k + 1, Box::new(exchange))
                else {
                    return;
                };
                for max_steps in steps {
                    if shard.train_steps(train, max_steps).is_err() {
                        return;
                    }
                }
            });
        }
        let lead = Trainer::shard(config.clone(), train, 0, Box::new(lead_exchange))?;
        let mut team = Team { lead, orders };
        Ok(body(&mut team))
        // `team` drops here: the channels close and the shard threads return.
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::mnist::synthetic_bars as bars;
    use crate::train::trainer::tests::{small, train_in_threads};

    #[test]
    fn a_team_trains_like_shards_started_by_hand() {
        let data = bars(300);
        let config = Config {
            threads: 3,
            ..small(5)
        };
        let by_hand = train_in_threads(&config, &data);
        let team = with_team(&config, &data, |team| {
            while !team.train_steps(&data, 5).unwrap().finished {}
            team.lead().network().clone()
        })
        .unwrap();
        assert_eq!(team, by_hand[0]);
        let refused = with_team(
            &Config {
                threads: 0,
                ..config
            },
            &data,
            |_| (),
        );
        assert_eq!(refused.err().unwrap().field, "threads");
    }
}
