//! [`Positional`]: a row's columns read by position straight from the driver.
//!
//! sea-orm's own `try_get_by_index` formats an error message (an allocation) for every NULL
//! column before it answers `None`, and most of the hot rows (the session check's, a profile's)
//! have several. Reading the driver's row directly answers the same values without it; a column
//! the driver cannot read is then read again through sea-orm, for sea-orm's own error.

use sea_orm::sqlx::postgres::Postgres;
use sea_orm::sqlx::{Decode, Row, Type};
use sea_orm::{DbErr, QueryResult, TryGetable};

/// Reads a column of a row by its position in the select list.
pub(crate) trait Positional {
    /// The value at `index`, `Option` for a nullable column.
    ///
    /// # Errors
    /// sea-orm's error for a column of another type, NULL where `T` is not an `Option`, or a
    /// position past the last column.
    fn at<T>(&self, index: usize) -> Result<T, DbErr>
    where
        T: TryGetable + for<'r> Decode<'r, Postgres> + Type<Postgres>;
}

impl Positional for QueryResult {
    fn at<T>(&self, index: usize) -> Result<T, DbErr>
    where
        T: TryGetable + for<'r> Decode<'r, Postgres> + Type<Postgres>,
    {
        match self.try_as_pg_row() {
            Some(row) => row.try_get(index).or_else(|_| self.try_get_by_index(index)),
            None => self.try_get_by_index(index),
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, Utc};
    use sea_orm::{ConnectionTrait, DbBackend, Statement};
    use uuid::Uuid;

    use super::*;

    /// One row of `sql`, read from a test database.
    async fn row_of(sql: &str) -> QueryResult {
        let database = prosektor_testkit::TestDatabase::migrated()
            .await
            .expect("test database");
        database
            .connection()
            .query_one_raw(Statement::from_string(DbBackend::Postgres, sql))
            .await
            .expect("the query runs")
            .expect("one row")
    }

    /// `row`'s column `index` read as `T` fails as sea-orm's reading of it fails.
    fn fails_as_sea_orm_does<T>(row: &QueryResult, index: usize)
    where
        T: TryGetable + for<'r> Decode<'r, Postgres> + Type<Postgres> + std::fmt::Debug,
    {
        let ours = row.at::<T>(index).expect_err("an error");
        let theirs = row.try_get_by_index::<T>(index).expect_err("an error");
        assert_eq!(ours.to_string(), theirs.to_string(), "column {index}");
    }

    #[tokio::test]
    async fn columns_read_by_position_as_sea_orm_reads_them_nulls_included() {
        let row = row_of(
            "SELECT 'a'::text, NULL::text, 7::int8, NULL::int8, \
             '0190f2a4-0000-7000-8000-000000000001'::uuid, NULL::uuid, \
             '2026-12-03T10:00:00Z'::timestamptz, NULL::timestamptz",
        )
        .await;
        assert_eq!(row.at::<String>(0).unwrap(), "a");
        assert_eq!(row.at::<Option<String>>(0).unwrap().as_deref(), Some("a"));
        assert_eq!(row.at::<Option<String>>(1).unwrap(), None);
        assert_eq!(row.at::<i64>(2).unwrap(), 7);
        assert_eq!(row.at::<Option<i64>>(3).unwrap(), None);
        assert_eq!(
            row.at::<Uuid>(4).unwrap(),
            Uuid::parse_str("0190f2a4-0000-7000-8000-000000000001").unwrap()
        );
        assert_eq!(row.at::<Option<Uuid>>(5).unwrap(), None);
        assert_eq!(
            row.at::<DateTime<Utc>>(6).unwrap().to_rfc3339(),
            "2026-12-03T10:00:00+00:00"
        );
        assert_eq!(row.at::<Option<DateTime<Utc>>>(7).unwrap(), None);
        for index in [0, 1] {
            assert_eq!(
                row.at::<Option<String>>(index).unwrap(),
                row.try_get_by_index::<Option<String>>(index).unwrap(),
                "column {index}: the same value as sea-orm's"
            );
        }
    }

    #[tokio::test]
    async fn a_null_where_a_value_is_required_or_another_type_is_sea_orms_error() {
        let row = row_of("SELECT NULL::text, 'seven'::text, 7::int4").await;
        fails_as_sea_orm_does::<String>(&row, 0);
        fails_as_sea_orm_does::<i64>(&row, 1);
        fails_as_sea_orm_does::<Uuid>(&row, 2);
        fails_as_sea_orm_does::<String>(&row, 3);
    }
}
