//! `/api/v1/users`: user administration for admins: create (with a profile), list, read, change
//! role, soft-delete and restore. Clients get `403` on every operation.

use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, OpenApi};
use prosektor_application::UserFilter;
use prosektor_domain::{CompanyId, SearchText, UserId};
use uuid::Uuid;

use crate::auth::bearer::BearerAuth;
use crate::context::ApiContext;
use crate::convert::optional;
use crate::dto::page::PageDto;
use crate::dto::text::TextParam;
use crate::dto::user::{AccountDto, UserDto};
use crate::dto::user_admin::{ChangeRoleDto, CreateUserDto};
use crate::error::ApiResult;
use crate::pagination::{PageCursor, PageLimit, page_request};
use crate::payload::Serialized;
use crate::tags::ApiTags;

/// User administration endpoints.
#[derive(Debug)]
pub struct UsersApi {
    context: ApiContext,
}

impl UsersApi {
    /// The endpoints over `context`.
    pub fn new(context: ApiContext) -> Self {
        Self { context }
    }
}

/// A user was created.
#[derive(Debug, ApiResponse)]
enum UserCreated {
    /// The new user and their profile.
    #[oai(status = 201)]
    Created(Json<AccountDto>),
}

#[OpenApi(prefix_path = "/api/v1", tag = "ApiTags::Users")]
impl UsersApi {
    /// Create a user (admin): an `ADMIN`, or a `CLIENT` of an existing company, with an initial
    /// password and profile. A taken email answers `409 email_taken`.
    #[oai(path = "/users", method = "post", operation_id = "createUser")]
    async fn create_user(
        &self,
        auth: BearerAuth,
        body: Json<CreateUserDto>,
    ) -> ApiResult<UserCreated> {
        let actor = auth.actor();
        let new = body.0.into_new_user()?;
        let account = self.context.services.users.create_user(&actor, new).await?;
        Ok(UserCreated::Created(Json((&account).into())))
    }

    /// List users, newest first (admin), optionally of one company and with deleted ones.
    #[oai(path = "/users", method = "get", operation_id = "listUsers")]
    async fn list_users(
        &self,
        auth: BearerAuth,
        limit: Query<Option<PageLimit>>,
        cursor: Query<Option<PageCursor>>,
        /// Only users of this company.
        company_id: Query<Option<Uuid>>,
        /// Include soft-deleted users (default `false`).
        include_deleted: Query<Option<bool>>,
        /// Only users whose email contains this text (case-insensitive).
        q: Query<Option<TextParam>>,
    ) -> ApiResult<Serialized<PageDto<UserDto>>> {
        let actor = auth.actor();
        let page = page_request(limit.0, cursor.0)?;
        let filter = UserFilter {
            company_id: company_id.0.map(CompanyId::from_uuid),
            include_deleted: include_deleted.0.unwrap_or(false),
            email_contains: optional("q", q.0.as_deref(), SearchText::parse)?,
        };
        let users = self
            .context
            .services
            .users
            .list(&actor, &filter, &page)
            .await?;
        Ok(Serialized(PageDto::from_page(users, |user| (&user).into())))
    }

    /// A user that is not deleted, with their profile (admin).
    #[oai(path = "/users/:id", method = "get", operation_id = "getUser")]
    async fn get_user(
        &self,
        auth: BearerAuth,
        id: Path<Uuid>,
    ) -> ApiResult<Serialized<AccountDto>> {
        let actor = auth.actor();
        let account = self
            .context
            .services
            .users
            .get(&actor, UserId::from_uuid(id.0))
            .await?;
        Ok(Serialized((&account).into()))
    }

    /// Change a user's role and company (admin; not one's own, which answers `403`); the user's
    /// existing tokens stop working.
    #[oai(
        path = "/users/:id/role",
        method = "put",
        operation_id = "changeUserRole"
    )]
    async fn change_role(
        &self,
        auth: BearerAuth,
        id: Path<Uuid>,
        body: Json<ChangeRoleDto>,
    ) -> ApiResult<Json<UserDto>> {
        let actor = auth.actor();
        let user = self
            .context
            .services
            .users
            .change_role(
                &actor,
                UserId::from_uuid(id.0),
                body.role.into(),
                body.company_id.map(CompanyId::from_uuid),
            )
            .await?;
        Ok(Json((&user).into()))
    }

    /// Soft-delete a user (admin; not oneself): their tokens stop working and they cannot log in
    /// until restored. Answers the user with `deleted_at` set.
    #[oai(path = "/users/:id", method = "delete", operation_id = "deleteUser")]
    async fn delete_user(&self, auth: BearerAuth, id: Path<Uuid>) -> ApiResult<Json<UserDto>> {
        let actor = auth.actor();
        let user = self
            .context
            .services
            .users
            .soft_delete(&actor, UserId::from_uuid(id.0))
            .await?;
        Ok(Json((&user).into()))
    }

    /// Restore a soft-deleted user (admin): they can log in again; tokens from before the
    /// deletion stay invalid. `409 not_deleted` for a user that is not deleted.
    #[oai(
        path = "/users/:id/restore",
        method = "post",
        operation_id = "restoreUser"
    )]
    async fn restore_user(&self, auth: BearerAuth, id: Path<Uuid>) -> ApiResult<Json<UserDto>> {
        let actor = auth.actor();
        let user = self
            .context
            .services
            .users
            .restore(&actor, UserId::from_uuid(id.0))
            .await?;
        Ok(Json((&user).into()))
    }
}
