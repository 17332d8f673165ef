//! The floor: `GET /api/v1/me` served by a server that does nothing else, as a yardstick for the
//! real one. It checks the bearer token as the server does (the same signature check, remembered
//! per token, and the session's version against the user's row), sends `/me`'s two statements
//! (the repositories' own SQL) on one connection of a fixed set, and answers the profile's names
//! as JSON: no middleware, no metrics, no request scope, no domain types, no SeaORM. Two of them,
//! one on hyper alone and one on poem-openapi (the framework the real server is built on), so
//! that a run shows what the framework costs and what the server's own layers cost beyond it
//! (`docs/benchmarks.md`, "The floor").

mod connections;
mod hyper_server;
mod poem_openapi_server;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use connections::Connections;
use prosektor_application::ports::token::TokenCodec;
use prosektor_security::{DEFAULT_REMEMBERED_TOKENS, JwtCodec, VerifiedTokenCache};
use serde::Serialize;
use tokio::signal::unix::{SignalKind, signal};
use uuid::Uuid;

/// What a floor server is built on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Framework {
    /// hyper's HTTP/1 connection and a hand-written handler.
    Hyper,
    /// poem with one poem-openapi operation: a bearer security scheme and a JSON object answer.
    PoemOpenapi,
}

impl Framework {
    /// Both, in the order a run loads them.
    pub const ALL: [Self; 2] = [Self::Hyper, Self::PoemOpenapi];

    /// The name the command line and the report use.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Hyper => "hyper",
            Self::PoemOpenapi => "poem-openapi",
        }
    }
}

/// The answer to `/me`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, poem_openapi::Object)]
#[serde(rename_all = "camelCase")]
#[oai(rename_all = "camelCase")]
struct Profile {
    /// The user.
    id: Uuid,
    /// Their first name, when set.
    first_name: Option<String>,
    /// Their last name, when set.
    last_name: Option<String>,
}

/// How `/me` ended, before it is written as HTTP.
#[derive(Debug)]
enum Outcome {
    /// The caller's profile.
    Found(Profile),
    /// No valid token, no such user, or a session revoked since the token was issued.
    Unauthorized,
    /// The database failed.
    Unavailable,
}

/// What both servers share: the token check and the connections.
struct Floor {
    tokens: VerifiedTokenCache<JwtCodec>,
    connections: Connections,
}

impl Floor {
    /// `/me` for the bearer token `token`.
    async fn me(&self, token: Option<&str>) -> Outcome {
        let Some(claims) = token.and_then(|token| self.tokens.verify(token, Utc::now()).ok())
        else {
            return Outcome::Unauthorized;
        };
        let user = claims.user_id.as_uuid();
        let version = claims.session_version.get();
        match self.connections.profile(user, version).await {
            Ok(Some((first_name, last_name))) => Outcome::Found(Profile {
                id: user,
                first_name,
                last_name,
            }),
            Ok(None) => Outcome::Unauthorized,
            Err(_) => Outcome::Unavailable,
        }
    }
}

/// Serves `/api/v1/me` and `/readyz` on `listen` with `framework` until SIGTERM:
/// `connections` connections to `database_url`, tokens checked against `jwt_secret`.
///
/// # Errors
/// When the secret is too short, `connections` is 0, a connection cannot be opened, `listen`
/// cannot be bound, or the server fails.
pub async fn serve(
    framework: Framework,
    listen: SocketAddr,
    database_url: &str,
    connections: usize,
    jwt_secret: &str,
) -> anyhow::Result<()> {
    anyhow::ensure!(connections > 0, "the floor needs at least one connection");
    // The floor only checks tokens; the lifetime is that of tokens it would issue.
    let codec = JwtCodec::new(jwt_secret.as_bytes(), Duration::from_secs(3600))?;
    let floor = Arc::new(Floor {
        tokens: VerifiedTokenCache::new(codec, DEFAULT_REMEMBERED_TOKENS),
        connections: Connections::open(database_url, connections).await?,
    });
    let listener = tokio::net::TcpListener::bind(listen).await?;
    let mut terminate = signal(SignalKind::terminate())?;
    let serving = async {
        match framework {
            Framework::Hyper => hyper_server::serve(listener, floor).await,
            Framework::PoemOpenapi => poem_openapi_server::serve(listener, floor).await,
        }
    };
    tokio::select! {
        served = serving => served,
        _ = terminate.recv() => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use clap::ValueEnum;

    use super::*;

    #[test]
    fn each_framework_is_named_as_the_command_line_names_it() {
        for framework in Framework::ALL {
            let possible = framework.to_possible_value().expect("a value");
            assert_eq!(possible.get_name(), framework.name());
        }
        assert_eq!(Framework::ALL.len(), Framework::value_variants().len());
    }
}
