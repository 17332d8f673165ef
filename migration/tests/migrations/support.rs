//! Small SQL helpers shared by the migration tests.

use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr, QueryResult, Statement, TryGetable};

/// Runs one or more statements, panicking with the SQL on failure.
pub async fn exec(db: &DatabaseConnection, sql: &str) {
    if let Err(error) = db.execute_unprepared(sql).await {
        panic!("{error}\n in: {sql}");
    }
}

/// Runs statements that must fail, returning the error.
pub async fn exec_err(db: &DatabaseConnection, sql: &str) -> DbErr {
    match db.execute_unprepared(sql).await {
        Ok(_) => panic!("expected an error from: {sql}"),
        Err(error) => error,
    }
}

/// The only row of `sql`.
pub async fn row(db: &DatabaseConnection, sql: &str) -> QueryResult {
    db.query_one_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap_or_else(|error| panic!("{error}\n in: {sql}"))
        .unwrap_or_else(|| panic!("no row from: {sql}"))
}

/// The first column of the only row of `sql`.
pub async fn scalar<T: TryGetable>(db: &DatabaseConnection, sql: &str) -> T {
    row(db, sql)
        .await
        .try_get_by_index(0)
        .unwrap_or_else(|error| panic!("{error}\n in: {sql}"))
}

/// Whether `table` has a column `column` in the public schema.
pub async fn has_column(db: &DatabaseConnection, table: &str, column: &str) -> bool {
    scalar(
        db,
        &format!(
            "SELECT EXISTS (SELECT 1 FROM information_schema.columns \
             WHERE table_schema = 'public' AND table_name = '{table}' AND column_name = '{column}')"
        ),
    )
    .await
}

/// The tables of the public schema other than the runner's bookkeeping (applied migrations and
/// backfill positions), sorted.
pub async fn tables(db: &DatabaseConnection) -> Vec<String> {
    let rows = db
        .query_all_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT c.relname::text FROM pg_class c \
             WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p') \
             AND NOT c.relispartition \
             AND c.relname NOT IN ('seaql_migrations', 'schema_backfills') ORDER BY 1",
        ))
        .await
        .expect("list tables");
    rows.iter()
        .map(|row| row.try_get_by_index(0).expect("table name"))
        .collect()
}
