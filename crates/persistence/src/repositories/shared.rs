//! Query pieces every repository repeats: tenant scoping, the keyset condition of a page, and the
//! verdict of a conditional update that changed no row.

use prosektor_application::{Conflict, RepositoryError, RepositoryResult, TenantScope};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, Order, PrimaryKeyTrait, QueryFilter,
    QueryOrder, Select, UpdateMany, Value,
};
use uuid::Uuid;

use crate::error::map_db_err;

/// Limits `select` to the rows of `scope`: `company_column = $company` for one company's scope.
pub(crate) fn scoped<E: EntityTrait>(
    select: Select<E>,
    company_column: E::Column,
    scope: TenantScope,
) -> Select<E> {
    match scope.company() {
        Some(company) => select.filter(company_column.eq(company.as_uuid())),
        None => select,
    }
}

/// Which way a listing runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Direction {
    /// Smallest first.
    Ascending,
    /// Largest first.
    Descending,
}

impl Direction {
    fn order(self) -> Order {
        match self {
            Self::Ascending => Order::Asc,
            Self::Descending => Order::Desc,
        }
    }
}

/// A listing's sort: `(key, id)`, both in the same direction.
#[derive(Debug, Clone, Copy)]
pub(crate) struct KeysetOrder<C> {
    /// The sort key.
    pub key: C,
    /// The id, which breaks ties.
    pub id: C,
    /// The direction of both columns.
    pub direction: Direction,
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
            .order_by(self.key, self.direction.order())
            .order_by(self.id, self.direction.order())
    }

    /// `key > $key OR (key = $key AND id > $id)` (with `<` when descending).
    fn after<V: Into<Value> + Clone>(&self, key: V, id: Uuid) -> Condition {
        let (key_beyond, id_beyond) = match self.direction {
            Direction::Ascending => (self.key.gt(key.clone()), self.id.gt(id)),
            Direction::Descending => (self.key.lt(key.clone()), self.id.lt(id)),
        };
        Condition::any()
            .add(key_beyond)
            .add(Condition::all().add(self.key.eq(key)).add(id_beyond))
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
    let found = E::find_by_id(id).one(db).await.map_err(map_db_err)?;
    Err(match found {
        Some(_) => RepositoryError::Conflict(Conflict::StaleState),
        None => RepositoryError::NotFound,
    })
}
