//! [`UserRepository`]: users (credentials, roles, sessions, soft delete) and their profiles.

use async_trait::async_trait;
use prosektor_domain::{
    CompanyId, CompanyStatus, Email, RowVersion, SearchText, SessionVersion, User, UserId,
    UserProfile,
};

use super::changes::ProfilePatch;
use super::error::RepositoryResult;
use super::paging::{Page, PageRequest};
use super::scope::TenantScope;

/// Which users a listing returns.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserFilter {
    /// Only users of this company.
    pub company_id: Option<CompanyId>,
    /// Include soft-deleted users (admins only).
    pub include_deleted: bool,
    /// Only users whose email contains this text (case-insensitive; `%` and `_` literal).
    pub email_contains: Option<SearchText>,
}

/// A user as every authenticated request reads it: the user and, for a client, its company's
/// status (which decides what the client may do).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    /// The user (not deleted).
    pub user: User,
    /// The status of the user's company; `None` for an admin.
    pub company_status: Option<CompanyStatus>,
}

/// Stores users and their one-to-one profiles.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait UserRepository: Send + Sync {
    /// Stores a new user with its profile, atomically.
    ///
    /// # Errors
    /// `Conflict(EmailTaken)` when a user that is not deleted has the email; `Unavailable`.
    async fn create(&self, user: &User, profile: &UserProfile) -> RepositoryResult<()>;

    /// The user that is not deleted with this email (login; access pattern 3).
    ///
    /// # Errors
    /// `Corrupt`; `Unavailable`. An unknown email is `Ok(None)`.
    async fn find_active_by_email(&self, email: &Email) -> RepositoryResult<Option<User>>;

    /// The user `id` in `scope`; a deleted user only when `include_deleted`.
    ///
    /// # Errors
    /// `NotFound`; `Corrupt`; `Unavailable`.
    async fn get(
        &self,
        scope: TenantScope,
        id: UserId,
        include_deleted: bool,
    ) -> RepositoryResult<User>;

    /// The user `id` that is not deleted, with its company's status, in one read (the check of
    /// every authenticated request).
    ///
    /// # Errors
    /// `NotFound`; `Corrupt`; `Unavailable`.
    async fn get_session(&self, id: UserId) -> RepositoryResult<SessionRecord>;

    /// Saves role, company, password hash, session version and deletion, if the stored session
    /// version is still `expected` (every such change bumps it, so concurrent changes cannot both win).
    ///
    /// # Errors
    /// `NotFound`; `Conflict(StaleState)`; `Conflict(EmailTaken)` when restoring a user whose email
    /// was taken meanwhile; `Unavailable`.
    async fn save(&self, user: &User, expected: SessionVersion) -> RepositoryResult<()>;

    /// The profile of user `id`.
    ///
    /// # Errors
    /// `NotFound`; `Corrupt`; `Unavailable`.
    async fn get_profile(&self, id: UserId) -> RepositoryResult<UserProfile>;

    /// Applies `changes` to user `id`'s profile in one statement, writing only the fields they
    /// name and merging the preference keys they set into the stored ones (so two concurrent
    /// changes of different fields or keys both survive), and answers the stored profile; with
    /// `if_match`, nothing applies unless the version is still that one.
    ///
    /// # Errors
    /// `NotFound`; `PreconditionFailed`; `Corrupt`; `Unavailable`.
    async fn update_profile(
        &self,
        id: UserId,
        changes: &ProfilePatch,
        if_match: Option<RowVersion>,
    ) -> RepositoryResult<UserProfile>;

    /// Invalidates every token of user `id` (not deleted): one more session version, atomically,
    /// whatever the current one is (two concurrent calls both succeed, each leaving every earlier
    /// token invalid). Answers the stored user.
    ///
    /// # Errors
    /// `NotFound`; `Rejected(Overflow)` at the last session version; `Corrupt`; `Unavailable`.
    async fn log_out_everywhere(&self, id: UserId) -> RepositoryResult<User>;

    /// Users in `scope` matching `filter`, newest first.
    ///
    /// # Errors
    /// `InvalidCursor`; `Corrupt`; `Unavailable`.
    async fn list(
        &self,
        scope: TenantScope,
        filter: &UserFilter,
        page: &PageRequest,
    ) -> RepositoryResult<Page<User>>;
}
