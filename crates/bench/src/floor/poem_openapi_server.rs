//! The floor on poem-openapi, as the real server mounts its operations: one operation under
//! `/api/v1` with a bearer security scheme and a JSON object answer, and `/readyz` beside it.

use std::sync::Arc;

use poem::listener::TcpAcceptor;
use poem::{Route, Server, handler};
use poem_openapi::auth::Bearer;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, OpenApi, OpenApiService, SecurityScheme};
use tokio::net::TcpListener;

use super::{Floor, Outcome, Profile};

/// The bearer token, unchecked until the operation checks it.
#[derive(SecurityScheme)]
#[oai(ty = "bearer")]
struct BearerToken(Bearer);

/// `/me`'s answers.
#[derive(ApiResponse)]
enum MeResponse {
    /// The profile.
    #[oai(status = 200)]
    Found(Json<Profile>),
    /// No valid token, or no such user.
    #[oai(status = 401)]
    Unauthorized,
    /// The database failed.
    #[oai(status = 503)]
    Unavailable,
}

struct FloorApi(Arc<Floor>);

#[OpenApi]
impl FloorApi {
    /// The caller's profile.
    #[oai(path = "/me", method = "get")]
    async fn me(&self, token: BearerToken) -> MeResponse {
        match self.0.me(Some(&token.0.token)).await {
            Outcome::Found(profile) => MeResponse::Found(Json(profile)),
            Outcome::Unauthorized => MeResponse::Unauthorized,
            Outcome::Unavailable => MeResponse::Unavailable,
        }
    }
}

#[handler]
fn ready() -> &'static str {
    "ready"
}

/// Serves on `listener` until its caller stops polling (at SIGTERM) or poem fails.
pub(super) async fn serve(listener: TcpListener, floor: Arc<Floor>) -> anyhow::Result<()> {
    let api = OpenApiService::new(FloorApi(floor), "floor", "1");
    let app = Route::new()
        .nest("/api/v1", api)
        .at("/readyz", poem::get(ready));
    let acceptor = TcpAcceptor::from_tokio(listener)?;
    Server::new_with_acceptor(acceptor).run(app).await?;
    Ok(())
}
