//! The probes over real HTTP, and a graceful stop.

use serde_json::{Value, json};

use crate::support::TestServer;

#[tokio::test]
async fn healthz_and_readyz_answer_ok_against_a_real_database() {
    let server = TestServer::start().await;
    for path in ["/healthz", "/readyz"] {
        let response = server.get(path).await;
        assert_eq!(response.status(), 200, "{path}");
        let body: Value = response.json().await.expect("JSON body");
        assert_eq!(body, json!({"status": "ok"}), "{path}");
    }
    assert_eq!(server.get("/docs").await.status(), 200);
    assert!(server.stop().await.is_ok());
}

#[tokio::test]
async fn an_unknown_path_answers_404() {
    let server = TestServer::start().await;
    assert_eq!(server.get("/api/v1/nothing-here").await.status(), 404);
}
