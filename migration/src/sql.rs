//! The one way our migrations talk to PostgreSQL: plain SQL run inside the migration's transaction,
//! after a `lock_timeout` so that a migration waiting behind a long transaction fails fast instead of
//! queueing every other query behind its lock.

use sea_orm_migration::prelude::*;

/// How long a migration statement may wait for a lock before the migration fails (and rolls back).
pub const LOCK_TIMEOUT: &str = "5s";

/// Runs each SQL script (one or more statements each) in order, in the current migration
/// transaction, with [`LOCK_TIMEOUT`].
pub async fn run(manager: &SchemaManager<'_>, scripts: &[&str]) -> Result<(), DbErr> {
    let connection = manager.get_connection();
    connection
        .execute_unprepared(&format!("SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'"))
        .await?;
    for script in scripts {
        connection.execute_unprepared(script).await?;
    }
    Ok(())
}

/// Runs each SQL script (one statement each) in order outside any transaction, with
/// [`LOCK_TIMEOUT`] for the session: for `CREATE INDEX CONCURRENTLY`, which cannot run inside one.
pub async fn run_outside_transaction(
    manager: &SchemaManager<'_>,
    scripts: &[&str],
) -> Result<(), DbErr> {
    let connection = manager.get_connection();
    connection
        .execute_unprepared(&format!("SET lock_timeout = '{LOCK_TIMEOUT}'"))
        .await?;
    for script in scripts {
        connection.execute_unprepared(script).await?;
    }
    Ok(())
}

/// Declares the module's `Migration` from SQL scripts: by default its `UP` and `DOWN` constants,
/// or the lists given as `sql_migration!(up = [..], down = [..])`; with `outside_transaction` first,
/// a migration whose statements each run on their own (`CREATE INDEX CONCURRENTLY`).
///
/// Every migration of this crate is plain SQL: PostgreSQL-only features (CHECK constraints,
/// partial and expression indexes, triggers) read better as SQL than as a builder.
macro_rules! sql_migration {
    () => {
        $crate::sql::sql_migration!(up = [UP], down = [DOWN]);
    };
    (outside_transaction, up = [$($up:expr),+ $(,)?], down = [$($down:expr),+ $(,)?]) => {
        $crate::sql::sql_migration!(
            @declare $crate::sql::run_outside_transaction, Some(false),
            up = [$($up),+], down = [$($down),+]
        );
    };
    (up = [$($up:expr),+ $(,)?], down = [$($down:expr),+ $(,)?]) => {
        $crate::sql::sql_migration!(
            @declare $crate::sql::run, None,
            up = [$($up),+], down = [$($down),+]
        );
    };
    (@declare $run:path, $transaction:expr, up = [$($up:expr),+], down = [$($down:expr),+]) => {
        /// This module's migration; its name is the module's file name.
        #[derive(sea_orm_migration::prelude::DeriveMigrationName)]
        pub struct Migration;

        // The trait's signature elides `SchemaManager`'s lifetime; async-trait needs the same here.
        #[allow(elided_lifetimes_in_paths)]
        #[sea_orm_migration::prelude::async_trait::async_trait]
        impl sea_orm_migration::prelude::MigrationTrait for Migration {
            fn use_transaction(&self) -> Option<bool> {
                $transaction
            }

            async fn up(
                &self,
                manager: &sea_orm_migration::prelude::SchemaManager,
            ) -> Result<(), sea_orm_migration::prelude::DbErr> {
                $run(manager, &[$($up),+]).await
            }

            async fn down(
                &self,
                manager: &sea_orm_migration::prelude::SchemaManager,
            ) -> Result<(), sea_orm_migration::prelude::DbErr> {
                $run(manager, &[$($down),+]).await
            }
        }
    };
}

pub(crate) use sql_migration;
