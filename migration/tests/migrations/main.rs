//! Migration suite (real PostgreSQL, through `prosektor-testkit`): the history walked up one step at
//! a time with data written at every step, then down to zero and up again; and every CHECK
//! constraint shown to reject what it should; and the rollout's rules for expand and contract,
//! the backfill job's batches, progress and resumption, and evolution 3 rolled out under load.

mod backfill;
mod constraints;
mod rolling_upgrade;
mod rollout;
mod support;
mod walk;
