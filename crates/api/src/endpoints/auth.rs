//! `/api/v1/auth/*` and `/api/v1/me`: log in, log out everywhere, change password, read and edit
//! one's own profile.

use poem::http::HeaderMap;
use poem::web::RemoteAddr;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi};

use crate::auth::bearer::{BearerAuth, BearerClaims};
use crate::context::ApiContext;
use crate::dto::text::Text;
use crate::dto::user::{AccountDto, ProfileDto, ProfilePatchDto, UserDto};
use crate::error::ApiResult;
use crate::tags::ApiTags;
use crate::versioning::{IfMatch, Tagged};

/// Authentication and self-service endpoints.
#[derive(Debug)]
pub struct AuthApi {
    context: ApiContext,
}

impl AuthApi {
    /// The endpoints over `context`.
    pub fn new(context: ApiContext) -> Self {
        Self { context }
    }

    /// A fresh token for `user`.
    fn token_for(&self, user: &prosektor_domain::User) -> TokenResponse {
        TokenResponse {
            access_token: self.context.authenticator.issue(user),
            token_type: "Bearer".into(),
            user: user.into(),
        }
    }
}

/// Credentials.
#[derive(Debug, Object)]
#[oai(deny_unknown_fields)]
struct LoginRequest {
    /// Login email (case and surrounding spaces do not matter).
    #[oai(validator(max_length = 255))]
    email: Text,
    /// Password.
    #[oai(validator(max_length = 1024))]
    password: Text,
}

/// A bearer token and the user it was issued to.
#[derive(Debug, Object)]
struct TokenResponse {
    /// The token: send it as `Authorization: Bearer <token>`.
    access_token: String,
    /// Always `Bearer`.
    token_type: String,
    /// The user.
    user: UserDto,
}

/// A password change.
#[derive(Debug, Object)]
#[oai(deny_unknown_fields)]
struct ChangePasswordRequest {
    /// The current password.
    #[oai(validator(max_length = 1024))]
    current_password: Text,
    /// The new password: 10 to 128 characters.
    #[oai(validator(max_length = 1024))]
    new_password: Text,
}

/// Logged out everywhere.
#[derive(Debug, ApiResponse)]
enum LoggedOut {
    /// Every token issued before is now refused.
    #[oai(status = 204)]
    Done,
}

#[OpenApi(prefix_path = "/api/v1", tag = "ApiTags::Auth")]
impl AuthApi {
    /// Log in with email and password; answers a bearer token. Failed attempts are counted per
    /// account and per client address, across every server instance: past the limit, login
    /// answers `429` with `Retry-After`.
    #[oai(path = "/auth/login", method = "post", operation_id = "login")]
    async fn login(
        &self,
        body: Json<LoginRequest>,
        remote: &RemoteAddr,
        headers: &HeaderMap,
    ) -> ApiResult<Json<TokenResponse>> {
        let client = self.context.clients.resolve(remote, headers);
        let user = self
            .context
            .services
            .auth
            .login(&body.email, &body.password, client)
            .await?;
        Ok(Json(self.token_for(&user)))
    }

    /// Log out everywhere: every token issued to the caller so far stops working. Idempotent: a
    /// token that an earlier logout already ended (a retry, a concurrent call) answers `204` too,
    /// and ends nothing newer.
    #[oai(
        path = "/auth/logout-everywhere",
        method = "post",
        operation_id = "logoutEverywhere"
    )]
    async fn logout_everywhere(&self, auth: BearerClaims) -> ApiResult<LoggedOut> {
        let claims = auth.0;
        self.context
            .services
            .auth
            .log_out_everywhere(claims.user_id, claims.session_version)
            .await?;
        Ok(LoggedOut::Done)
    }

    /// Change one's password; old tokens stop working, and a new token is returned. A wrong
    /// `current_password` counts as a failed login of the account (`429` past the limit).
    #[oai(
        path = "/auth/password",
        method = "post",
        operation_id = "changePassword"
    )]
    async fn change_password(
        &self,
        auth: BearerAuth,
        body: Json<ChangePasswordRequest>,
        remote: &RemoteAddr,
        headers: &HeaderMap,
    ) -> ApiResult<Json<TokenResponse>> {
        let actor = auth.actor();
        let client = self.context.clients.resolve(remote, headers);
        let user = self
            .context
            .services
            .auth
            .change_password(&actor, &body.current_password, &body.new_password, client)
            .await?;
        Ok(Json(self.token_for(&user)))
    }

    /// The caller's user and profile.
    #[oai(path = "/me", method = "get", operation_id = "getMe")]
    async fn me(&self, auth: BearerAuth) -> ApiResult<Tagged<AccountDto>> {
        // The user read to check the token is the account's user: no second read.
        let session = auth.0;
        let account = self.context.services.users.me(session.user).await?;
        Ok(Tagged::new((&account).into()))
    }

    /// Change the caller's profile (names incl. middle name, phone, avatar, preferences): only the
    /// fields and preference keys named are written, so a change of another field or key made
    /// meanwhile is kept. `If-Match` takes the `ETag` of `/me`.
    #[oai(path = "/me", method = "patch", operation_id = "updateMe")]
    async fn update_me(
        &self,
        auth: BearerAuth,
        #[oai(name = "If-Match")] if_match: IfMatch,
        body: Json<ProfilePatchDto>,
    ) -> ApiResult<Tagged<ProfileDto>> {
        let actor = auth.actor();
        let patch = body.0.into_patch()?;
        let profile = self
            .context
            .services
            .users
            .update_me(&actor, patch, if_match.0)
            .await?;
        Ok(Tagged::new((&profile).into()))
    }
}
