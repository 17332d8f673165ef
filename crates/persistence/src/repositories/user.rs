//! [`PgUserRepository`]: [`UserRepository`] on PostgreSQL, over `users` and `user_profiles`.
//!
//! Lookups of users that are not deleted say `deleted_at IS NULL`, which is also what lets the login
//! lookup use the partial unique index `users_email_active_key` (access pattern 3; the plain
//! `idx_users_email` serves it as well, and the planner picks). Listings run
//! newest first, by `(created_at, id)` descending, with keyset pagination.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use prosektor_application::{
    Page, PageRequest, ProfilePatch, RepositoryError, RepositoryResult, SessionRecord, TenantScope,
    UserFilter, UserRepository,
};
use prosektor_domain::{
    CompanyStatus, DomainError, Email, PersonName, Preferences, RowVersion, SessionVersion, User,
    UserId, UserProfile,
};
use sea_orm::ActiveValue::NotSet;
use sea_orm::sea_query::{BinOper, Expr, ExprTrait};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryResult, Select};

use super::row_update::RowUpdate;
use super::shared::{NewestFirst, escape_like, find_one, insert_both, save_if, scoped, statement};
use crate::entities::mapping::{IntoDomain, all_to_domain, found, optional, text, to_domain};
use crate::entities::positional::Positional;
use crate::entities::{user_profiles, users};
use crate::error::map_db_err;
use crate::pools::DatabasePools;
use crate::request_scope;
use crate::timing::timed;
use crate::unit_of_work::Db;

/// The newest-first listing, named in its cursors.
const NEWEST: NewestFirst = NewestFirst("users_newest");

/// The check of every authenticated request (public for tools that replay the SQL): user `$1` if
/// not deleted, with its company's status, in one read by primary key.
pub const SESSION_SQL: &str = "SELECT u.id, u.email, u.password_hash, u.role, u.company_id, \
     u.curr_session_version, u.created_at, u.deleted_at, u.wrote_at, c.status AS company_status \
     FROM users u LEFT JOIN companies c ON c.id = u.company_id \
     WHERE u.id = $1 AND u.deleted_at IS NULL";

/// The profile of user `$1`, by primary key (public for tools that replay the SQL).
pub const PROFILE_SQL: &str = "SELECT user_id, first_name, last_name, phone, avatar_url, \
     preferences, middle_name, version FROM user_profiles WHERE user_id = $1";

/// A row of [`SESSION_SQL`].
#[derive(Debug)]
struct SessionRow {
    user: users::Model,
    /// When the user last wrote through the API (`crate::request_scope`).
    wrote_at: Option<DateTime<Utc>>,
    company_status: Option<String>,
}

impl SessionRow {
    /// The row, read by position: this is every authenticated request's read.
    fn by_position(row: &QueryResult) -> Result<Self, DbErr> {
        Ok(Self {
            user: users::Model::by_position(row)?,
            wrote_at: row.at(8)?,
            company_status: row.at(9)?,
        })
    }
}

impl IntoDomain for SessionRow {
    type Domain = SessionRecord;

    fn into_domain(self) -> prosektor_domain::DomainResult<SessionRecord> {
        Ok(SessionRecord {
            user: self.user.into_domain()?,
            company_status: optional(self.company_status, CompanyStatus::parse)?,
        })
    }
}

/// Users and their profiles in PostgreSQL.
#[derive(Debug, Clone)]
pub struct PgUserRepository {
    db: Db,
}

impl PgUserRepository {
    /// A repository over `pools`.
    pub fn new(pools: impl Into<DatabasePools>) -> Self {
        Self { db: Db::new(pools) }
    }
}

#[async_trait]
impl UserRepository for PgUserRepository {
    async fn create(&self, user: &User, profile: &UserProfile) -> RepositoryResult<()> {
        let _timer = timed!("create");
        insert_both(
            &self.db,
            users::ActiveModel::from(user),
            user_profiles::ActiveModel::from(profile),
        )
        .await
    }

    async fn find_active_by_email(&self, email: &Email) -> RepositoryResult<Option<User>> {
        let _timer = timed!("find_active_by_email");
        let row = login_lookup(email)
            .one(&self.db)
            .await
            .map_err(map_db_err)?;
        row.map(to_domain).transpose()
    }

    async fn get(
        &self,
        scope: TenantScope,
        id: UserId,
        include_deleted: bool,
    ) -> RepositoryResult<User> {
        let _timer = timed!("get");
        find_one(&self.db, user_by_id(scope, id, include_deleted)).await
    }

    async fn get_session(&self, id: UserId) -> RepositoryResult<SessionRecord> {
        let _timer = timed!("get_session");
        let row = self
            .db
            .query_one_raw(statement(SESSION_SQL, [id.as_uuid().into()]))
            .await
            .map_err(map_db_err)?
            .ok_or(RepositoryError::NotFound)?;
        let row = SessionRow::by_position(&row).map_err(map_db_err)?;
        request_scope::note_caller(row.user.id, row.wrote_at);
        row.restore()
    }

    async fn save(&self, user: &User, expected: SessionVersion) -> RepositoryResult<()> {
        let _timer = timed!("save");
        let id = user.id().as_uuid();
        let changes = users::ActiveModel {
            id: NotSet,
            email: NotSet,
            created_at: NotSet,
            ..users::ActiveModel::from(user)
        };
        save_if(
            &self.db,
            changes,
            (users::Column::Id, id),
            users::Column::CurrSessionVersion.eq(expected.get()),
        )
        .await
    }

    async fn get_profile(&self, id: UserId) -> RepositoryResult<UserProfile> {
        let _timer = timed!("get_profile");
        let row = self
            .db
            .query_one_raw(statement(PROFILE_SQL, [id.as_uuid().into()]))
            .await
            .map_err(map_db_err)?;
        found(
            row.as_ref()
                .map(user_profiles::Model::by_position)
                .transpose()
                .map_err(map_db_err)?,
        )
    }

    async fn update_profile(
        &self,
        id: UserId,
        changes: &ProfilePatch,
        if_match: Option<RowVersion>,
    ) -> RepositoryResult<UserProfile> {
        let _timer = timed!("update_profile");
        use user_profiles::Column;
        let name = |name: &Option<PersonName>| text(name.as_ref()).into();
        let mut update = RowUpdate::<user_profiles::Entity>::of(Column::UserId, id.as_uuid())
            .set_some(Column::FirstName, changes.first_name.as_ref(), name)
            .set_some(Column::MiddleName, changes.middle_name.as_ref(), name)
            .set_some(Column::LastName, changes.last_name.as_ref(), name)
            .set_some(Column::Phone, changes.phone.as_ref(), |phone| {
                text(phone.as_ref()).into()
            })
            .set_some(Column::AvatarUrl, changes.avatar_url.as_ref(), |url| {
                text(url.as_ref()).into()
            });
        if changes.preferences != Preferences::default() {
            // Merged in SQL: keys set here overwrite, the stored others stay, whoever wrote them.
            let keys = user_profiles::preferences_to_json(&changes.preferences);
            update = update.set_expr(
                Column::Preferences,
                Expr::col(Column::Preferences).binary(BinOper::Custom("||"), Expr::val(keys)),
            );
        }
        update.apply(&self.db, Column::Version, if_match).await
    }

    async fn log_out_everywhere(&self, id: UserId) -> RepositoryResult<User> {
        let _timer = timed!("log_out_everywhere");
        use users::Column;
        let bumped = active(users::Entity::find_by_id(id.as_uuid()));
        let changed = users::Entity::update_many()
            .col_expr(
                Column::CurrSessionVersion,
                Expr::col(Column::CurrSessionVersion).add(1),
            )
            .filter(Column::Id.eq(id.as_uuid()))
            .filter(Column::DeletedAt.is_null())
            .filter(Column::CurrSessionVersion.lt(i32::MAX))
            .exec_with_returning(&self.db)
            .await
            .map_err(map_db_err)?
            .pop();
        match changed {
            Some(row) => to_domain(row),
            None => match bumped.one(&self.db).await.map_err(map_db_err)? {
                Some(_) => Err(RepositoryError::Rejected(DomainError::Overflow {
                    field: "session_version",
                })),
                None => Err(RepositoryError::NotFound),
            },
        }
    }

    async fn list(
        &self,
        scope: TenantScope,
        filter: &UserFilter,
        request: &PageRequest,
    ) -> RepositoryResult<Page<User>> {
        let _timer = timed!("list");
        let mut select = scoped(users::Entity::find(), users::Column::CompanyId, scope);
        if let Some(company) = filter.company_id {
            select = select.filter(users::Column::CompanyId.eq(company.as_uuid()));
        }
        if !filter.include_deleted {
            select = active(select);
        }
        if let Some(text) = &filter.email_contains {
            // Emails are stored lower-cased; PostgreSQL's default `LIKE` escape is `\`.
            let pattern = format!("%{}%", escape_like(&text.as_str().to_lowercase()));
            select = select.filter(users::Column::Email.like(pattern));
        }
        let rows = NEWEST
            .select(select, users::Column::CreatedAt, users::Column::Id, request)?
            .all(&self.db.stale_ok())
            .await
            .map_err(map_db_err)?;
        Ok(NEWEST.page(all_to_domain(rows)?, request, |user| {
            (user.created_at(), user.id().as_uuid())
        }))
    }
}

/// Access pattern 3, the login lookup: the user that is not deleted with `email`, through the
/// partial unique index `users_email_active_key` (whose predicate the query repeats) or the plain
/// `idx_users_email`.
pub(crate) fn login_lookup(email: &Email) -> Select<users::Entity> {
    active(users::Entity::find()).filter(users::Column::Email.eq(email.as_str()))
}

/// The query of `UserRepository::get` (public for tools that replay the SQL, such as the benchmark).
pub fn user_by_id(scope: TenantScope, id: UserId, include_deleted: bool) -> Select<users::Entity> {
    let select = scoped(
        users::Entity::find_by_id(id.as_uuid()),
        users::Column::CompanyId,
        scope,
    );
    if include_deleted {
        select
    } else {
        active(select)
    }
}

/// Only users that are not deleted (the predicate of `users_email_active_key`).
fn active(select: Select<users::Entity>) -> Select<users::Entity> {
    select.filter(users::Column::DeletedAt.is_null())
}
