//! [`RowUpdate`]: one row's update that writes only the columns it names, in one statement, and
//! answers the row as stored (`RETURNING`). Conditions (a required status, the tenant's scope, the
//! version a client expects with `If-Match`) make it apply only to the row as the caller saw it;
//! when nothing changed, the row is looked up to say why.

use prosektor_application::RepositoryResult;
use prosektor_domain::RowVersion;
use sea_orm::sea_query::{Expr, IntoCondition};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Select, UpdateMany,
    Value,
};
use uuid::Uuid;

use super::shared::refusal;
use crate::entities::mapping::{IntoDomain, to_domain};
use crate::error::map_db_err;

/// An update of the row whose id column is `id`, being built.
#[derive(Debug)]
pub(crate) struct RowUpdate<E: EntityTrait> {
    row: Select<E>,
    update: UpdateMany<E>,
    writes: bool,
}

impl<E: EntityTrait> RowUpdate<E> {
    /// An update of the row whose `id_column` is `id`, writing nothing yet.
    pub(crate) fn of(id_column: E::Column, id: Uuid) -> Self {
        Self {
            row: E::find().filter(id_column.eq(id)),
            update: E::update_many().filter(id_column.eq(id)),
            writes: false,
        }
    }

    /// Applies only to a row meeting `condition`, which also bounds what the caller may see (a
    /// tenant's scope): a row outside it is `NotFound`.
    pub(crate) fn within(mut self, condition: impl IntoCondition) -> Self {
        let condition = condition.into_condition();
        self.row = self.row.filter(condition.clone());
        self.update = self.update.filter(condition);
        self
    }

    /// Applies only while the row meets `condition` (a status the change was decided on): a row
    /// that no longer does is `Conflict(StaleState)`.
    pub(crate) fn requiring(mut self, condition: impl IntoCondition) -> Self {
        self.update = self.update.filter(condition);
        self
    }

    /// Writes `value` to `column`.
    pub(crate) fn set(mut self, column: E::Column, value: impl Into<Value>) -> Self {
        self.update = self.update.col_expr(column, Expr::val(value.into()));
        self.writes = true;
        self
    }

    /// Writes `expression` (computed from the stored row, such as a merge) to `column`.
    pub(crate) fn set_expr(mut self, column: E::Column, expression: Expr) -> Self {
        self.update = self.update.col_expr(column, expression);
        self.writes = true;
        self
    }

    /// Writes the value `change` holds, if it holds one (a field a patch names).
    pub(crate) fn set_some<T>(
        self,
        column: E::Column,
        change: Option<T>,
        value: impl FnOnce(T) -> Value,
    ) -> Self {
        match change {
            Some(change) => self.set(column, value(change)),
            None => self,
        }
    }

    /// Writes every column `changes` sets.
    pub(crate) fn set_all<A>(mut self, changes: A) -> Self
    where
        A: ActiveModelTrait<Entity = E>,
    {
        self.update = self.update.set(changes);
        self.writes = true;
        self
    }

    /// Runs the update if the row's `version` column still holds `if_match` (when given), and
    /// answers the row as stored. An update that writes nothing reads the row instead (checking
    /// `if_match` the same way).
    ///
    /// # Errors
    /// `NotFound` (also outside [`Self::within`]); `PreconditionFailed` when the row holds another
    /// version than `if_match`; `Conflict(StaleState)` when a [`Self::requiring`] condition no
    /// longer holds; `Corrupt`; a unique violation's conflict and `Unavailable` through
    /// [`map_db_err`].
    pub(crate) async fn apply<C>(
        self,
        db: &C,
        version: E::Column,
        if_match: Option<RowVersion>,
    ) -> RepositoryResult<<E::Model as IntoDomain>::Domain>
    where
        E::Model: IntoDomain,
        C: ConnectionTrait,
    {
        let changed = if self.writes {
            let update = match if_match {
                Some(expected) => self.update.filter(version.eq(expected.get())),
                None => self.update,
            };
            update
                .exec_with_returning(db)
                .await
                .map_err(map_db_err)?
                .pop()
        } else {
            let read = match if_match {
                Some(expected) => self.row.clone().filter(version.eq(expected.get())),
                None => self.row.clone(),
            };
            read.one(db).await.map_err(map_db_err)?
        };
        match changed {
            Some(model) => to_domain(model),
            None => Err(refusal(db, self.row, Some((version, if_match))).await),
        }
    }
}
