//! `/api/v1/auth/*` and `/api/v1/me`: log in, log out everywhere, change password, read and edit
//! one's own profile.

use std::time::Instant;

use poem::web::RemoteAddr;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi};

use crate::auth::bearer::BearerAuth;
use crate::context::ApiContext;
use crate::dto::text::Text;
use crate::dto::user::{AccountDto, ProfileDto, ProfilePatchDto, UserDto};
use crate::error::{ApiError, ApiResult};
use crate::tags::ApiTags;

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
    /// Log in with email and password; answers a bearer token. Repeated failures per email or per
    /// client address answer `429` with `Retry-After`.
    #[oai(path = "/auth/login", method = "post", operation_id = "login")]
    async fn login(
        &self,
        body: Json<LoginRequest>,
        remote: &RemoteAddr,
    ) -> ApiResult<Json<TokenResponse>> {
        let email = body.email.trim().to_lowercase();
        let address = remote.to_string();
        let now = Instant::now();
        let limited = [
            self.context.email_limiter.retry_after(&[&email], now),
            self.context.address_limiter.retry_after(&[&address], now),
        ];
        if let Some(seconds) = limited.into_iter().flatten().max() {
            return Err(ApiError::too_many_requests(seconds));
        }
        match self
            .context
            .services
            .auth
            .login(&email, &body.password)
            .await
        {
            Ok(user) => {
                self.context.email_limiter.clear(&[&email]);
                Ok(Json(TokenResponse {
                    access_token: self.context.authenticator.issue(&user),
                    token_type: "Bearer".into(),
                    user: (&user).into(),
                }))
            }
            Err(error) => {
                self.context.email_limiter.record_failure(&[&email], now);
                self.context
                    .address_limiter
                    .record_failure(&[&address], now);
                Err(error.into())
            }
        }
    }

    /// Log out everywhere: every token issued to the caller so far stops working.
    #[oai(
        path = "/auth/logout-everywhere",
        method = "post",
        operation_id = "logoutEverywhere"
    )]
    async fn logout_everywhere(&self, auth: BearerAuth) -> ApiResult<LoggedOut> {
        let actor = self.context.actor(&auth).await?;
        self.context
            .services
            .auth
            .log_out_everywhere(&actor)
            .await?;
        Ok(LoggedOut::Done)
    }

    /// Change one's password; old tokens stop working, and a new token is returned.
    #[oai(
        path = "/auth/password",
        method = "post",
        operation_id = "changePassword"
    )]
    async fn change_password(
        &self,
        auth: BearerAuth,
        body: Json<ChangePasswordRequest>,
    ) -> ApiResult<Json<TokenResponse>> {
        let actor = self.context.actor(&auth).await?;
        let user = self
            .context
            .services
            .auth
            .change_password(&actor, &body.current_password, &body.new_password)
            .await?;
        Ok(Json(TokenResponse {
            access_token: self.context.authenticator.issue(&user),
            token_type: "Bearer".into(),
            user: (&user).into(),
        }))
    }

    /// The caller's user and profile.
    #[oai(path = "/me", method = "get", operation_id = "getMe")]
    async fn me(&self, auth: BearerAuth) -> ApiResult<Json<AccountDto>> {
        // The user read to check the token is the account's user: no second read.
        let user = self.context.user(&auth).await?;
        let account = self.context.services.users.me(user).await?;
        Ok(Json((&account).into()))
    }

    /// Change the caller's profile (names incl. middle name, phone, avatar, preferences).
    #[oai(path = "/me", method = "patch", operation_id = "updateMe")]
    async fn update_me(
        &self,
        auth: BearerAuth,
        body: Json<ProfilePatchDto>,
    ) -> ApiResult<Json<ProfileDto>> {
        let actor = self.context.actor(&auth).await?;
        let patch = body.0.into_patch()?;
        let profile = self.context.services.users.update_me(&actor, patch).await?;
        Ok(Json((&profile).into()))
    }
}
