//! What the repositories share: raw statements, tenant scoping (directly by `company_id` or through
//! the row's project), keyset pages (newest first, or ascending by a key), and conditional saves
//! that tell a lost race (`StaleState`) and a stale `If-Match` (`PreconditionFailed`) from a
//! missing row (`NotFound`).

use chrono::{DateTime, SecondsFormat, Utc};
use prosektor_application::{
    Conflict, Page, PageRequest, RepositoryError, RepositoryResult, TenantScope,
};
use prosektor_domain::RowVersion;
use sea_orm::sea_query::{Expr, ExprTrait, IntoCondition, OnConflict};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbBackend, EntityName, EntityTrait,
    IdenStatic, Iterable, Order, PrimaryKeyToColumn, PrimaryKeyTrait, QueryFilter, QueryOrder,
    QuerySelect, Related, Select, Statement, TransactionTrait, TryGetable, UpdateMany, Value,
};
use uuid::Uuid;

use crate::cursor::{Keyset, page};
use crate::entities::mapping::{IntoDomain, found};
use crate::entities::web_projects;
use crate::error::{map_db_err, map_transaction_err};
use crate::unit_of_work::Db;

/// A PostgreSQL statement with `$n` parameters.
pub(crate) fn statement(sql: &str, values: impl IntoIterator<Item = Value>) -> Statement {
    Statement::from_sql_and_values(DbBackend::Postgres, sql, values)
}

/// The scope as a statement's argument: its company's id, or `NULL` for an admin's scope (the SQL
/// reads it as `($n::uuid IS NULL OR company_id = $n)`).
pub(crate) fn scope_argument(scope: TenantScope) -> Value {
    scope.company().map(|company| company.as_uuid()).into()
}

/// Narrows `select` to the scope's company, read from the entity's own `company` column.
pub(crate) fn scoped<E: EntityTrait>(
    select: Select<E>,
    company: E::Column,
    scope: TenantScope,
) -> Select<E> {
    match scope.company() {
        Some(own) => select.filter(company.eq(own.as_uuid())),
        None => select,
    }
}

/// Narrows `select` to rows whose project belongs to the scope's company (runs, stats).
pub(crate) fn scoped_through_project<E>(select: Select<E>, scope: TenantScope) -> Select<E>
where
    E: EntityTrait + Related<web_projects::Entity>,
{
    match scope.company() {
        Some(own) => select
            .inner_join(web_projects::Entity)
            .filter(web_projects::Column::CompanyId.eq(own.as_uuid())),
        None => select,
    }
}

/// A listing ordered newest first by `(created_at DESC, id DESC)`, paged by keyset. `ordering`
/// names the listing inside its cursors, so a cursor of another listing is refused.
#[derive(Debug, Clone, Copy)]
pub(crate) struct NewestFirst(pub &'static str);

impl NewestFirst {
    /// Where the requested page starts: after this `(created_at, id)`, or at the top.
    ///
    /// # Errors
    /// `InvalidCursor` for a cursor this listing did not issue.
    pub fn after(self, request: &PageRequest) -> RepositoryResult<Option<(DateTime<Utc>, Uuid)>> {
        let Some(cursor) = request.cursor() else {
            return Ok(None);
        };
        let keyset = Keyset::decode(cursor, self.0)?;
        let created_at = DateTime::parse_from_rfc3339(&keyset.key)
            .map_err(|_| RepositoryError::InvalidCursor)?;
        Ok(Some((created_at.with_timezone(&Utc), keyset.id)))
    }

    /// `select` ordered newest first, starting after the request's cursor, fetching one row more
    /// than the page holds (see [`NewestFirst::page`]).
    ///
    /// # Errors
    /// As [`NewestFirst::after`].
    pub fn select<E: EntityTrait>(
        self,
        select: Select<E>,
        created_at: E::Column,
        id: E::Column,
        request: &PageRequest,
    ) -> RepositoryResult<Select<E>> {
        let select = match self.after(request)? {
            Some((at, last)) => select.filter(
                Expr::tuple([created_at.into_expr(), id.into_expr()])
                    .lt(Expr::tuple([Expr::val(at), Expr::val(last)])),
            ),
            None => select,
        };
        Ok(select
            .order_by_desc(created_at)
            .order_by_desc(id)
            .limit(u64::from(request.limit()) + 1))
    }

    /// The page of `rows` (fetched with one extra), with the next cursor if more follow.
    pub fn page<T>(
        self,
        rows: Vec<T>,
        request: &PageRequest,
        key: impl Fn(&T) -> (DateTime<Utc>, Uuid),
    ) -> Page<T> {
        page(rows, request.limit(), self.0, |row| {
            let (created_at, id) = key(row);
            Keyset {
                key: created_at.to_rfc3339_opts(SecondsFormat::Micros, true),
                id,
            }
        })
    }
}

/// Saves `changes` to row `id` if it still meets `expected` (its status, its session version), in
/// one conditional `UPDATE ... WHERE id = $id AND <expected>`: of two concurrent changes from the
/// same state exactly one changes the row.
///
/// # Errors
/// `Conflict(StaleState)` when the row exists in another state; `NotFound` when it does not;
/// driver errors through [`map_db_err`] (so a unique violation is its conflict).
pub(crate) async fn save_if<A, C>(
    db: &C,
    changes: A,
    (id_column, id): (<A::Entity as EntityTrait>::Column, Uuid),
    expected: impl IntoCondition,
) -> RepositoryResult<()>
where
    A: ActiveModelTrait,
    C: ConnectionTrait,
    <<A::Entity as EntityTrait>::PrimaryKey as PrimaryKeyTrait>::ValueType: From<Uuid>,
{
    let update = A::Entity::update_many()
        .set(changes)
        .filter(id_column.eq(id))
        .filter(expected);
    conditional_update(db, update, id).await
}

/// Inserts `first`, then `second`, in one transaction: an aggregate and its one-to-one part.
///
/// `second` is written as an upsert on its primary key: in the expanded state of a table split
/// (`company_details`), a sync trigger creates the part's row together with `first`; the values
/// of `second` then overwrite it where they differ (where they do not, nothing is written, so the
/// row keeps its first version).
///
/// # Errors
/// Driver errors through [`map_db_err`] (a unique violation is its conflict); nothing is stored.
pub(crate) async fn insert_both<A, B>(db: &Db, first: A, second: B) -> RepositoryResult<()>
where
    A: ActiveModelTrait + Send + 'static,
    B: ActiveModelTrait + Send + 'static,
{
    let key: Vec<_> = <B::Entity as EntityTrait>::PrimaryKey::iter()
        .map(PrimaryKeyToColumn::into_column)
        .collect();
    let values: Vec<_> = <B::Entity as EntityTrait>::Column::iter()
        .filter(|column| {
            !second.is_not_set(*column) && key.iter().all(|k| k.as_str() != column.as_str())
        })
        .collect();
    let table = B::Entity::default().table_name().to_owned();
    let listed = |prefix: &str| {
        values
            .iter()
            .map(|column| format!("{prefix}.\"{}\"", column.as_str()))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let differs = format!(
        "ROW({}) IS DISTINCT FROM ROW({})",
        listed(&format!("\"{table}\"")),
        listed("EXCLUDED")
    );
    let mut upsert = OnConflict::columns(key);
    if values.is_empty() {
        upsert.do_nothing();
    } else {
        upsert
            .update_columns(values)
            .action_and_where(Expr::cust(differs));
    }
    db.transaction::<_, (), RepositoryError>(|txn| {
        Box::pin(async move {
            A::Entity::insert(first)
                .exec_without_returning(txn)
                .await
                .map_err(map_db_err)?;
            B::Entity::insert(second)
                .on_conflict(upsert)
                .exec_without_returning(txn)
                .await
                .map_err(map_db_err)?;
            Ok(())
        })
    })
    .await
    .map_err(map_transaction_err)
}

/// The one row `select` finds, as a domain value.
///
/// # Errors
/// `NotFound` when there is no row; `Corrupt` when the domain refuses it; `Unavailable`.
pub(crate) async fn find_one<E>(
    db: &Db,
    select: Select<E>,
) -> RepositoryResult<<E::Model as IntoDomain>::Domain>
where
    E: EntityTrait,
    E::Model: IntoDomain,
{
    found(select.one(db).await.map_err(map_db_err)?)
}

/// The first column of the one row `stmt` returns (a count or a sum).
///
/// # Errors
/// `Unavailable` when the store cannot answer; `Failed` when the statement returns no row.
pub(crate) async fn scalar<T, C>(db: &C, stmt: Statement) -> RepositoryResult<T>
where
    T: TryGetable,
    C: ConnectionTrait,
{
    db.query_one_raw(stmt)
        .await
        .map_err(map_db_err)?
        .ok_or_else(|| RepositoryError::Failed("the query returned no row".into()))?
        .try_get_by_index(0)
        .map_err(map_db_err)
}

/// An ascending listing sorted by `(key, id)` (companies by name). Newest-first listings use
/// [`NewestFirst`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct KeysetOrder<C> {
    /// The sort key.
    pub key: C,
    /// The id, which breaks ties.
    pub id: C,
}

impl<C: ColumnTrait> KeysetOrder<C> {
    /// Orders `select` by `(key, id)` and, when `after` is given, keeps only the rows that come
    /// after that position (so that no row is skipped or repeated, even with equal keys).
    pub(crate) fn apply<E, V>(self, select: Select<E>, after: Option<(V, Uuid)>) -> Select<E>
    where
        E: EntityTrait<Column = C>,
        V: Into<Value> + Clone,
    {
        let select = match after {
            Some((key, id)) => select.filter(self.after(key, id)),
            None => select,
        };
        select
            .order_by(self.key, Order::Asc)
            .order_by(self.id, Order::Asc)
    }

    /// `key > $key OR (key = $key AND id > $id)`.
    fn after<V: Into<Value> + Clone>(&self, key: V, id: Uuid) -> Condition {
        Condition::any()
            .add(self.key.gt(key.clone()))
            .add(Condition::all().add(self.key.eq(key)).add(self.id.gt(id)))
    }
}

/// Runs an update made conditional on the stored state (`... WHERE id = $id AND state = $expected`).
/// One row changed is success; none means the row is gone (`NotFound`) or its state changed
/// meanwhile (`Conflict(StaleState)`), told apart by looking the row up.
///
/// # Errors
/// As above; `Conflict` from a unique violation and `Unavailable` through [`map_db_err`].
pub(crate) async fn conditional_update<E, C>(
    db: &C,
    update: UpdateMany<E>,
    id: Uuid,
) -> RepositoryResult<()>
where
    E: EntityTrait,
    <E::PrimaryKey as PrimaryKeyTrait>::ValueType: From<Uuid>,
    C: ConnectionTrait,
{
    let updated = update.exec(db).await.map_err(map_db_err)?;
    if updated.rows_affected > 0 {
        return Ok(());
    }
    Err(stale_or_missing::<E, C>(db, id).await)
}

/// Why a change conditional on the stored state of row `id` found nothing to change:
/// `Conflict(StaleState)` when the row exists (in another state), `NotFound` when it does not.
pub(crate) async fn stale_or_missing<E, C>(db: &C, id: Uuid) -> RepositoryError
where
    E: EntityTrait,
    <E::PrimaryKey as PrimaryKeyTrait>::ValueType: From<Uuid>,
    C: ConnectionTrait,
{
    refusal(db, E::find_by_id(id), None).await
}

/// Why a conditional write found nothing to change, by looking up `row`: `NotFound` when there is
/// none; `PreconditionFailed` when it holds another version than the expected one;
/// `Conflict(StaleState)` otherwise (another state than the one required).
pub(crate) async fn refusal<E, C>(
    db: &C,
    row: Select<E>,
    version: Option<(E::Column, Option<RowVersion>)>,
) -> RepositoryError
where
    E: EntityTrait,
    C: ConnectionTrait,
{
    let Some((column, if_match)) = version else {
        return match row.one(db).await {
            Ok(Some(_)) => RepositoryError::Conflict(Conflict::StaleState),
            Ok(None) => RepositoryError::NotFound,
            Err(error) => map_db_err(error),
        };
    };
    let stored = row
        .select_only()
        .column(column)
        .into_tuple::<i64>()
        .one(db)
        .await;
    match stored {
        Ok(None) => RepositoryError::NotFound,
        Ok(Some(stored)) if if_match.is_some_and(|expected| expected.get() != stored) => {
            RepositoryError::PreconditionFailed
        }
        Ok(Some(_)) => RepositoryError::Conflict(Conflict::StaleState),
        Err(error) => map_db_err(error),
    }
}

/// Escapes `LIKE`'s wildcards (`%`, `_`) and its escape character (`\`), so the text matches
/// literally.
pub(crate) fn escape_like(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '\\' | '%' | '_') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}
