//! This process's entry in the registry of live instances (`prosektor_persistence::instances`):
//! registered once the schema is migrated, renewed every `HEARTBEAT_EVERY` by a task of its own,
//! removed at shutdown. A crash leaves the entry to expire.

use anyhow::Context;
use prosektor_persistence::DatabasePools;
use prosektor_persistence::instances::{self, HEARTBEAT_EVERY, InstanceKind};
use tokio::task::JoinHandle;

use crate::application::CLEAN_UP_STEP;

/// A registered instance and the task renewing its heartbeat.
#[derive(Debug)]
pub(crate) struct Registration {
    heartbeat: JoinHandle<()>,
}

impl Registration {
    /// Registers instance `id` of `kind` and starts renewing it.
    ///
    /// # Errors
    /// When the first registration fails: a process that cannot register would be invisible to
    /// `migrate --contract`.
    pub(crate) async fn start(
        pool: &DatabasePools,
        id: &str,
        kind: InstanceKind,
    ) -> anyhow::Result<Self> {
        instances::register(pool, id, kind)
            .await
            .context("registering this instance")?;
        let (pool, id) = (pool.clone(), id.to_owned());
        let heartbeat = tokio::spawn(async move {
            let mut every = tokio::time::interval(HEARTBEAT_EVERY);
            every.tick().await;
            loop {
                every.tick().await;
                if let Err(error) = instances::register(&pool, &id, kind).await {
                    tracing::warn!(%error, "renewing this instance's registration failed");
                }
            }
        });
        Ok(Self { heartbeat })
    }

    /// Stops renewing and removes instance `id` from the registry (bounded by `CLEAN_UP_STEP`;
    /// left to expire when the database does not answer).
    pub(crate) async fn end(self, pool: &DatabasePools, id: &str) {
        self.heartbeat.abort();
        match tokio::time::timeout(CLEAN_UP_STEP, instances::deregister(pool, id)).await {
            Ok(Ok(())) => {}
            Ok(Err(error)) => tracing::warn!(%error, "leaving the instance registry failed"),
            Err(_) => tracing::warn!("leaving the instance registry timed out: left to expire"),
        }
    }
}
