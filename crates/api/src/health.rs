//! `/healthz` (the process answers) and `/readyz` (its dependencies answer).

use std::sync::Arc;

use poem_openapi::{ApiResponse, Enum, Object, OpenApi, payload::Json};
use prosektor_application::ReadinessProbe;

use crate::tags::ApiTags;

/// The probes' endpoints.
pub struct HealthApi {
    readiness: Arc<dyn ReadinessProbe>,
}

impl HealthApi {
    /// Probes answering from `readiness`.
    pub fn new(readiness: Arc<dyn ReadinessProbe>) -> Self {
        Self { readiness }
    }
}

impl std::fmt::Debug for HealthApi {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("HealthApi")
    }
}

/// Whether a probe passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "lowercase")]
pub enum HealthState {
    /// The probe passed.
    Ok,
    /// A dependency does not answer.
    Unavailable,
}

/// A probe's answer.
#[derive(Debug, Clone, PartialEq, Eq, Object)]
pub struct HealthStatus {
    /// Whether the probe passed.
    pub status: HealthState,
}

/// `/readyz` answers.
#[derive(Debug, ApiResponse)]
enum ReadyResponse {
    /// Ready: the database answers.
    #[oai(status = 200)]
    Ready(Json<HealthStatus>),
    /// Not ready: the database does not answer (the reason is logged, not returned).
    #[oai(status = 503)]
    NotReady(Json<HealthStatus>),
}

#[OpenApi(tag = "ApiTags::Health")]
impl HealthApi {
    /// Liveness: the process is up and serving.
    #[oai(path = "/healthz", method = "get", operation_id = "healthz")]
    async fn healthz(&self) -> Json<HealthStatus> {
        Json(HealthStatus {
            status: HealthState::Ok,
        })
    }

    /// Readiness: the database answers, so requests can be served.
    #[oai(path = "/readyz", method = "get", operation_id = "readyz")]
    async fn readyz(&self) -> ReadyResponse {
        match self.readiness.check().await {
            Ok(()) => ReadyResponse::Ready(Json(HealthStatus {
                status: HealthState::Ok,
            })),
            Err(error) => {
                tracing::warn!(%error, "readiness probe failed");
                ReadyResponse::NotReady(Json(HealthStatus {
                    status: HealthState::Unavailable,
                }))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use poem::test::TestClient;
    use poem_openapi::OpenApiService;
    use prosektor_application::NotReady;
    use prosektor_application::mocks::MockReadinessProbe;

    use super::HealthApi;

    fn client(ready: bool) -> TestClient<impl poem::Endpoint> {
        let mut probe = MockReadinessProbe::new();
        probe.expect_check().returning(move || {
            if ready {
                Ok(())
            } else {
                Err(NotReady {
                    reason: "connection refused".into(),
                })
            }
        });
        TestClient::new(OpenApiService::new(
            HealthApi::new(Arc::new(probe)),
            "test",
            "1",
        ))
    }

    #[tokio::test]
    async fn readyz_maps_the_probe_to_200_or_503_without_leaking_the_reason() {
        let ready = client(true).get("/readyz").send().await;
        ready.assert_status_is_ok();
        ready.assert_json(serde_json::json!({"status": "ok"})).await;

        let not_ready = client(false).get("/readyz").send().await;
        not_ready.assert_status(poem::http::StatusCode::SERVICE_UNAVAILABLE);
        not_ready
            .assert_json(serde_json::json!({"status": "unavailable"}))
            .await;
    }
}
