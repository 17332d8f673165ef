//! `docs/openapi.json` is the committed copy of the spec: it must equal what the server serves.
//! Regenerate it with `make openapi`.

use serde_json::Value;

use crate::support::TestServer;

#[tokio::test]
async fn the_committed_spec_equals_the_served_one() {
    let server = TestServer::start().await;
    let served: Value = server
        .get("/api/v1/openapi.json")
        .await
        .json()
        .await
        .expect("spec JSON");
    let committed_path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/openapi.json");
    let committed = std::fs::read_to_string(committed_path).expect("docs/openapi.json exists");
    let committed: Value = serde_json::from_str(&committed).expect("docs/openapi.json is JSON");
    assert!(
        served == committed,
        "docs/openapi.json differs from the served spec: run `make openapi` and commit it"
    );
}
