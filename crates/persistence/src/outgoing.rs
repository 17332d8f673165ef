//! [`Outgoing`]: a statement as it goes to the server, in the protocol its [`Pooling`] allows.
//!
//! Directly on PostgreSQL, a statement travels as a prepared statement with bound parameters
//! (cached per connection, so a repeated statement is one round trip). Behind a pooler in
//! transaction mode (PgBouncer before 1.21), a statement outside a transaction must be one
//! message: sqlx prepares in one exchange and executes in another, and the pooler may hand the
//! second to a different server connection. There the statement travels in the simple protocol,
//! its parameters written into the text as literals, each cast to the type it would have been
//! bound as, so that PostgreSQL resolves the same operators and functions either way, preceded
//! by the pool's `SET LOCAL` settings (one message is one implicit transaction, so they end with
//! it).

use sea_orm::sea_query::{ArrayType, PostgresQueryBuilder, QueryBuilder, Value, Values};
use sea_orm::sqlx::postgres::PgArguments;
use sea_orm::sqlx::{self, Execute, IntoArguments, Postgres, SqlSafeStr, SqlStr};
use sea_orm::{DbErr, Statement};
use sea_query_sqlx::SqlxValues;

use crate::pools::Protocol;

/// A statement ready for sqlx: its text and, when prepared, its parameters.
pub(crate) struct Outgoing {
    sql: String,
    arguments: Option<PgArguments>,
    /// Whether the connection caches the prepared statement for its next execution. Decided
    /// when the statement is built: sqlx takes the arguments before it asks.
    persistent: bool,
}

impl Outgoing {
    /// `stmt` as `protocol` carries it.
    ///
    /// # Errors
    /// `DbErr::Custom` when a parameter of a type with no literal form here must be inlined.
    pub(crate) fn of(stmt: &Statement, protocol: &Protocol) -> Result<Self, DbErr> {
        let values = stmt.values.clone().unwrap_or(Values(Vec::new()));
        Ok(match protocol {
            Protocol::Prepared => Self {
                sql: stmt.sql.clone(),
                arguments: Some(SqlxValues(values).into_arguments()),
                persistent: true,
            },
            Protocol::Simple { local_settings } => Self {
                sql: format!("{local_settings}{}", inlined(&stmt.sql, &values.0)?),
                arguments: None,
                persistent: false,
            },
        })
    }

    /// `sql`, a simple-protocol text, as `protocol` carries it.
    pub(crate) fn unprepared(sql: &str, protocol: &Protocol) -> Self {
        let sql = match protocol {
            Protocol::Prepared => sql.to_owned(),
            Protocol::Simple { local_settings } => format!("{local_settings}{sql}"),
        };
        Self {
            sql,
            arguments: None,
            persistent: false,
        }
    }
}

impl Execute<'_, Postgres> for Outgoing {
    fn sql(self) -> SqlStr {
        sqlx::AssertSqlSafe(self.sql).into_sql_str()
    }

    fn statement(&self) -> Option<&sqlx::postgres::PgStatement> {
        None
    }

    fn take_arguments(&mut self) -> Result<Option<PgArguments>, sqlx::error::BoxDynError> {
        Ok(self.arguments.take())
    }

    fn persistent(&self) -> bool {
        self.persistent
    }
}

/// `sql` with every placeholder `$n` outside quotes and comments replaced by `values[n - 1]` as
/// a typed literal.
fn inlined(sql: &str, values: &[Value]) -> Result<String, DbErr> {
    let mut out = String::with_capacity(sql.len() + 16 * values.len());
    let mut rest = sql;
    while let Some(at) = rest.find(['\'', '"', '-', '$']) {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let taken = match rest.as_bytes()[0] {
            b'\'' => quoted_len(rest, '\''),
            b'"' => quoted_len(rest, '"'),
            b'-' if rest.starts_with("--") => rest.find('\n').unwrap_or(rest.len()),
            b'$' => {
                let digits = rest[1..].bytes().take_while(u8::is_ascii_digit).count();
                if digits > 0 {
                    let index: usize = rest[1..=digits].parse().map_err(|_| placeholder(rest))?;
                    let value = index
                        .checked_sub(1)
                        .and_then(|index| values.get(index))
                        .ok_or_else(|| placeholder(rest))?;
                    out.push_str(&literal(value)?);
                    rest = &rest[1 + digits..];
                    continue;
                }
                1
            }
            _ => 1,
        };
        out.push_str(&rest[..taken]);
        rest = &rest[taken..];
    }
    out.push_str(rest);
    Ok(out)
}

/// The length of the quoted text `rest` starts with (a doubled quote continues it); all of
/// `rest` when it is never closed (PostgreSQL then refuses the statement).
fn quoted_len(rest: &str, quote: char) -> usize {
    let mut chars = rest.char_indices().skip(1).peekable();
    while let Some((at, c)) = chars.next() {
        if c == quote {
            if chars.peek().is_some_and(|&(_, next)| next == quote) {
                chars.next();
            } else {
                return at + 1;
            }
        }
    }
    rest.len()
}

fn placeholder(rest: &str) -> DbErr {
    let shown: String = rest.chars().take(8).collect();
    DbErr::Custom(format!("the placeholder at `{shown}` has no parameter"))
}

/// `value` as a literal of the type sqlx binds it as: `CAST(<literal> AS <type>)`.
fn literal(value: &Value) -> Result<String, DbErr> {
    let type_name = bound_type(value).ok_or_else(|| {
        DbErr::Custom(format!(
            "a {value:?} parameter cannot be sent through a transaction-mode pooler"
        ))
    })?;
    let mut text = String::from("CAST(");
    // PostgreSQL reads infinities and NaN only as quoted text.
    let non_finite = match value {
        Value::Float(Some(number)) if !number.is_finite() => Some(number.to_string()),
        Value::Double(Some(number)) if !number.is_finite() => Some(number.to_string()),
        _ => None,
    };
    match non_finite {
        Some(number) => text.push_str(&format!("'{number}'")),
        None => PostgresQueryBuilder
            .write_value(&mut text, value)
            .map_err(|error| DbErr::Custom(format!("writing a literal: {error}")))?,
    }
    text.push_str(" AS ");
    text.push_str(&type_name);
    text.push(')');
    Ok(text)
}

/// The PostgreSQL type sqlx binds `value` as (sea-query-sqlx's encoding); `None` for kinds
/// this adapter never sends.
fn bound_type(value: &Value) -> Option<String> {
    match value {
        Value::Array(element, _) => scalar_type(element).map(|element| format!("{element}[]")),
        scalar => scalar_type(&scalar.array_type()).map(str::to_owned),
    }
}

/// The PostgreSQL type of one value of `kind`.
const fn scalar_type(kind: &ArrayType) -> Option<&'static str> {
    Some(match kind {
        ArrayType::Bool => "boolean",
        ArrayType::SmallInt | ArrayType::TinyUnsigned => "int2",
        ArrayType::Int | ArrayType::SmallUnsigned => "int4",
        ArrayType::BigInt | ArrayType::Unsigned | ArrayType::BigUnsigned => "int8",
        ArrayType::Float => "float4",
        ArrayType::Double => "float8",
        ArrayType::String | ArrayType::Char => "text",
        ArrayType::Bytes => "bytea",
        ArrayType::Json => "jsonb",
        ArrayType::ChronoDate => "date",
        ArrayType::ChronoTime => "time",
        ArrayType::ChronoDateTime => "timestamp",
        ArrayType::ChronoDateTimeUtc
        | ArrayType::ChronoDateTimeLocal
        | ArrayType::ChronoDateTimeWithTimeZone => "timestamptz",
        ArrayType::Decimal => "numeric",
        ArrayType::Uuid => "uuid",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inline(sql: &str, values: Vec<Value>) -> String {
        inlined(sql, &values).expect("inlined")
    }

    /// A PostgreSQL statement of `sql` with `values`.
    fn postgres(sql: &str, values: impl IntoIterator<Item = Value>) -> Statement {
        Statement::from_sql_and_values(sea_orm::DbBackend::Postgres, sql, values)
    }

    #[test]
    fn placeholders_become_typed_literals_and_ten_is_not_one() {
        let values: Vec<Value> = (1..=10).map(|n| Value::Int(Some(n))).collect();
        assert_eq!(
            inline("SELECT $1, $10", values),
            "SELECT CAST(1 AS int4), CAST(10 AS int4)"
        );
    }

    #[tokio::test]
    async fn hostile_text_inlined_reads_back_from_postgresql_as_itself() {
        let database = prosektor_testkit::TestDatabase::migrated()
            .await
            .expect("test database");
        let pool = database.connection().get_postgres_connection_pool();
        let protocol = Protocol::Simple {
            local_settings: "SET LOCAL statement_timeout = 1000; ".into(),
        };
        for text in [
            "x' OR '1'='1",
            "a\\'b\\",
            "$1 $2 '$1'",
            "-- not a comment",
            "E'\\x00' ; DROP TABLE users; --",
            "Şirket Ğüİıöç \"quoted\" \u{1F600}",
        ] {
            let stmt = postgres(
                "SELECT $1 AS text, $2 AS amount",
                [text.into(), rust_decimal::Decimal::new(-12345, 2).into()],
            );
            let row =
                sqlx::Executor::fetch_one(pool, Outgoing::of(&stmt, &protocol).expect("inlined"))
                    .await
                    .expect("the inlined statement runs");
            let read: String = sqlx::Row::get(&row, "text");
            let amount: rust_decimal::Decimal = sqlx::Row::get(&row, "amount");
            assert_eq!(read, text);
            assert_eq!(amount.to_string(), "-123.45");
        }
    }

    #[tokio::test]
    async fn a_repeated_statement_is_prepared_once_per_connection() {
        let database = prosektor_testkit::TestDatabase::migrated()
            .await
            .expect("test database");
        let pool = database.connection().get_postgres_connection_pool();
        let mut connection = pool.acquire().await.expect("a connection");
        for n in 0..3 {
            let stmt = postgres("SELECT $1::int4 + 1 AS next", [n.into()]);
            let outgoing = Outgoing::of(&stmt, &Protocol::Prepared).expect("prepared");
            let row = sqlx::Executor::fetch_one(&mut *connection, outgoing)
                .await
                .expect("the statement runs");
            assert_eq!(sqlx::Row::get::<i32, _>(&row, "next"), n + 1);
        }
        // A statement sqlx caches is a named prepared statement of the session; one it does not
        // is parsed and planned again at every execution, and is not listed.
        let prepared: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM pg_catalog.pg_prepared_statements \
             WHERE statement LIKE 'SELECT $1::int4 + 1%'",
        )
        .fetch_one(&mut *connection)
        .await
        .expect("the session's prepared statements");
        assert_eq!(prepared, 1);
    }

    #[test]
    fn dollars_inside_quotes_identifiers_and_comments_are_left_alone() {
        let sql = inline(
            "SELECT '$1', \"$1\", $1 -- $1\n, 'it''s $1'",
            vec![Value::Bool(Some(true))],
        );
        assert_eq!(
            sql,
            "SELECT '$1', \"$1\", CAST(TRUE AS boolean) -- $1\n, 'it''s $1'"
        );
    }

    #[test]
    fn nulls_and_arrays_keep_their_types() {
        let sql = inline(
            "SELECT $1, $2, $3",
            vec![
                Value::Uuid(None),
                Value::Array(ArrayType::Uuid, Some(Box::new(Vec::new()))),
                Value::Array(
                    ArrayType::String,
                    Some(Box::new(vec![Value::String(Some("a".into()))])),
                ),
            ],
        );
        assert_eq!(
            sql,
            "SELECT CAST(NULL AS uuid), CAST('{}' AS uuid[]), CAST(ARRAY ['a'] AS text[])"
        );
    }

    #[test]
    fn a_placeholder_without_a_parameter_is_refused() {
        assert!(inlined("SELECT $2", &[Value::Int(Some(1))]).is_err());
        assert!(inlined("SELECT $0", &[Value::Int(Some(1))]).is_err());
    }
}
