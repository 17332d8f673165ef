//! SeaORM model of `users` and its mapping to and from [`User`].

use prosektor_domain::{
    CompanyId, DomainResult, Email, PasswordHash, Role, SessionVersion, User, UserId, UserParts,
};
use sea_orm::ActiveValue::Set;
use sea_orm::entity::prelude::*;

use super::mapping::IntoDomain;
use super::positional::Positional;

/// A row of `users`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    /// The user's id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Trimmed and lower-cased; unique among users that are not deleted.
    pub email: String,
    /// The argon2id PHC string.
    pub password_hash: String,
    /// `ADMIN` or `CLIENT`.
    pub role: String,
    /// The company of a `CLIENT`; `NULL` for an `ADMIN`.
    pub company_id: Option<Uuid>,
    /// Incremented by every change that invalidates issued tokens.
    pub curr_session_version: i32,
    /// When the user was created.
    pub created_at: DateTimeUtc,
    /// When the user was soft-deleted, if it was.
    pub deleted_at: Option<DateTimeUtc>,
}

impl Model {
    /// The user in `row`'s first eight columns, in this struct's order (as
    /// `crate::repositories::user::SESSION_SQL` selects them): read by position, not looked up by
    /// name.
    ///
    /// # Errors
    /// The driver's error for a column of another type.
    pub(crate) fn by_position(row: &QueryResult) -> Result<Self, DbErr> {
        Ok(Self {
            id: row.at(0)?,
            email: row.at(1)?,
            password_hash: row.at(2)?,
            role: row.at(3)?,
            company_id: row.at(4)?,
            curr_session_version: row.at(5)?,
            created_at: row.at(6)?,
            deleted_at: row.at(7)?,
        })
    }
}

/// Reached by primary key or email only.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

impl IntoDomain for Model {
    type Domain = User;

    fn into_domain(self) -> DomainResult<User> {
        User::from_parts(UserParts {
            id: UserId::from_uuid(self.id),
            email: Email::parse(&self.email)?,
            password_hash: PasswordHash::parse(&self.password_hash)?,
            role: Role::parse(&self.role)?,
            company_id: self.company_id.map(CompanyId::from_uuid),
            session_version: SessionVersion::new(self.curr_session_version)?,
            created_at: self.created_at,
            deleted_at: self.deleted_at,
        })
    }
}

impl From<&User> for ActiveModel {
    fn from(user: &User) -> Self {
        Self {
            id: Set(user.id().as_uuid()),
            email: Set(user.email().as_str().to_owned()),
            password_hash: Set(user.password_hash().as_str().to_owned()),
            role: Set(user.role().as_str().to_owned()),
            company_id: Set(user.company_id().map(|id| id.as_uuid())),
            curr_session_version: Set(user.session_version().get()),
            created_at: Set(user.created_at()),
            deleted_at: Set(user.deleted_at()),
        }
    }
}
