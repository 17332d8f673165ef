//! `prosektor-migration`: the sea-orm-migration CLI over ProSektor's history.
//!
//! Reads `DATABASE_URL`; `prosektor-migration up`, `down -n 1`, `status`, `fresh` and the other
//! sea-orm-migration commands work as documented in `docs/migrations.md`.

#[tokio::main]
async fn main() {
    sea_orm_migration::cli::run_cli(prosektor_migration::Migrator).await;
}
