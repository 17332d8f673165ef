//! Bad company input answers problem documents naming the field, and writes nothing.

use reqwest::Method;
use serde_json::{Value, json};

use crate::fixtures::{assert_invalid_field, assert_problem, create_company, demo_company, id_of};
use crate::support::TestServer;

use super::{MISSING, names};

#[tokio::test]
async fn bad_company_input_answers_problems_naming_the_field() {
    let server = TestServer::start().await;
    let admin = server.admin_token().await;
    let demo = demo_company(&server, &admin).await;
    let path = format!("/api/v1/companies/{}", id_of(&demo));
    let post = |body: Value| {
        let (server, admin) = (&server, &admin);
        async move {
            server
                .call(Method::POST, "/api/v1/companies", Some(admin), Some(body))
                .await
        }
    };

    let malformed = server
        .call_raw(Method::POST, "/api/v1/companies", &admin, "{name")
        .await;
    assert_problem(&malformed, 400, "bad_request");
    assert_problem(
        &post(json!({"name": {"tr": "X"}})).await,
        400,
        "bad_request",
    );
    assert_problem(
        &post(json!({"name": "X", "owner": "me"})).await,
        400,
        "bad_request",
    );
    assert_invalid_field(&post(json!({"name": "   "})).await, "name");
    assert_invalid_field(
        &post(json!({"name": "Sahte OSGB", "tax_id": "1234567891"})).await,
        "tax_id",
    );
    assert_problem(
        &post(json!({"name": "Kopya OSGB", "tax_id": "4540536920"})).await,
        409,
        "tax_id_taken",
    );
    let other = create_company(&server, &admin, "Trakya OSGB", Some("5555555553")).await;
    let taken = server
        .call(
            Method::PATCH,
            &format!("/api/v1/companies/{}", id_of(&other)),
            Some(&admin),
            Some(json!({"tax_id": "4540536920"})),
        )
        .await;
    assert_problem(&taken, 409, "tax_id_taken");

    let unknown_status = server
        .call(
            Method::PATCH,
            &path,
            Some(&admin),
            Some(json!({"status": "GONE"})),
        )
        .await;
    assert_problem(&unknown_status, 400, "bad_request");
    let suspended = server
        .call(
            Method::PATCH,
            &path,
            Some(&admin),
            Some(json!({"status": "SUSPENDED"})),
        )
        .await;
    assert_problem(&suspended, 409, "invalid_transition");
    let phone = server
        .call(
            Method::PUT,
            &format!("{path}/contact-details"),
            Some(&admin),
            Some(json!({"contact_phone": "12"})),
        )
        .await;
    assert_invalid_field(&phone, "contact_phone");
    let email = server
        .call(
            Method::PUT,
            &format!("{path}/contact-details"),
            Some(&admin),
            Some(json!({"contact_email": "nope"})),
        )
        .await;
    assert_invalid_field(&email, "contact_email");
    let nace = server
        .call(
            Method::PUT,
            &format!("{path}/classification"),
            Some(&admin),
            Some(json!({"nace_code": "8690"})),
        )
        .await;
    assert_invalid_field(&nace, "nace_code");
    let class = server
        .call(
            Method::PUT,
            &format!("{path}/classification"),
            Some(&admin),
            Some(json!({"danger_class": "DEADLY"})),
        )
        .await;
    assert_problem(&class, 400, "bad_request");

    for query in ["limit=0", "limit=1000"] {
        let reply = server
            .call(
                Method::GET,
                &format!("/api/v1/companies?{query}"),
                Some(&admin),
                None,
            )
            .await;
        assert_problem(&reply, 400, "bad_request");
        let detail = reply.body["detail"].as_str().unwrap_or_default();
        assert!(detail.contains("`limit`"), "{detail}");
    }
    for path in [
        "/api/v1/companies/not-a-uuid",
        "/api/v1/companies/42/details",
        "/api/v1/companies/x/dashboard",
    ] {
        let reply = server.call(Method::GET, path, Some(&admin), None).await;
        assert_problem(&reply, 400, "bad_request");
    }
    let missing = server
        .call(
            Method::GET,
            &format!("/api/v1/companies/{MISSING}"),
            Some(&admin),
            None,
        )
        .await;
    assert_problem(&missing, 404, "not_found");

    // Nothing refused was written.
    let after = server.call(Method::GET, &path, Some(&admin), None).await;
    assert_eq!(after.body, demo);
    let details = server
        .call(Method::GET, &format!("{path}/details"), Some(&admin), None)
        .await;
    assert_eq!(
        (&details.body["contact_phone"], &details.body["nace_code"]),
        (&Value::Null, &Value::Null)
    );
    let all = server
        .call(Method::GET, "/api/v1/companies", Some(&admin), None)
        .await;
    assert_eq!(names(&all.body), ["Anadolu OSGB", "Trakya OSGB"]);
}
