//! What a client may do with its own company, and another tenant's client with none.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::fixtures::{
    PASSWORD, assert_problem, create_client, create_company, demo_company, id_of,
};
use crate::support::TestServer;

use super::{MISSING, names};

#[tokio::test]
async fn a_client_reads_its_company_edits_contacts_and_nothing_else() {
    let server = TestServer::start().await;
    let admin = server.admin_token().await;
    let client = server.client_token().await;
    let company = demo_company(&server, &admin).await;
    let path = format!("/api/v1/companies/{}", id_of(&company));

    let read = server.call(Method::GET, &path, Some(&client), None).await;
    assert_eq!(read.body, company);
    let contact = server
        .call(
            Method::PUT,
            &format!("{path}/contact-details"),
            Some(&client),
            Some(json!({"city": "Ankara", "contact_phone": "+90 312 123 45 67"})),
        )
        .await;
    assert_eq!(contact.status, StatusCode::OK, "{:?}", contact.body);
    assert_eq!(
        (&contact.body["city"], &contact.body["contact_phone"]),
        (&json!("Ankara"), &json!("+903121234567"))
    );

    let refused = [
        (
            Method::POST,
            "/api/v1/companies".to_owned(),
            Some(json!({"name": "Mine"})),
        ),
        (
            Method::GET,
            "/api/v1/companies/search?q=osgb".to_owned(),
            None,
        ),
        (
            Method::GET,
            "/api/v1/companies/autocomplete?prefix=ana".to_owned(),
            None,
        ),
        (
            Method::PATCH,
            path.clone(),
            Some(json!({"status": "ACTIVE"})),
        ),
        (
            Method::PUT,
            format!("{path}/classification"),
            Some(json!({"danger_class": "LESS_DANGEROUS"})),
        ),
    ];
    for (method, path, body) in refused {
        let reply = server.call(method, &path, Some(&client), body).await;
        assert_problem(&reply, 403, "forbidden");
    }
    let after = server.call(Method::GET, &path, Some(&admin), None).await;
    assert_eq!(after.body, company);
    let details = server
        .call(Method::GET, &format!("{path}/details"), Some(&admin), None)
        .await;
    assert_eq!(details.body["danger_class"], Value::Null);
    assert_eq!(details.body["city"], "Ankara");
    let all = server
        .call(Method::GET, "/api/v1/companies", Some(&admin), None)
        .await;
    assert_eq!(names(&all.body), ["Anadolu OSGB"]);
}

#[tokio::test]
async fn another_tenants_client_gets_404_everywhere_and_changes_nothing() {
    let server = TestServer::start().await;
    let admin = server.admin_token().await;
    let demo = demo_company(&server, &admin).await;
    let other = create_company(&server, &admin, "Marmara OSGB", Some("9876543217")).await;
    create_client(&server, &admin, "client@marmara-osgb.demo", &id_of(&other)).await;
    let intruder = server.login("client@marmara-osgb.demo", PASSWORD).await;
    let path = format!("/api/v1/companies/{}", id_of(&demo));
    let details_before = server
        .call(Method::GET, &format!("{path}/details"), Some(&admin), None)
        .await;

    let contact = json!({"city": "İstanbul"});
    let scoped = [
        (Method::GET, path.clone(), None),
        (Method::GET, format!("{path}/details"), None),
        (
            Method::PUT,
            format!("{path}/contact-details"),
            Some(contact.clone()),
        ),
        (Method::GET, format!("{path}/dashboard"), None),
    ];
    for (method, path, body) in scoped {
        let foreign = server
            .call(method.clone(), &path, Some(&intruder), body.clone())
            .await;
        assert_problem(&foreign, 404, "not_found");
        // Exactly what a company that does not exist answers.
        let missing_path = path.replace(&id_of(&demo), MISSING);
        let missing = server
            .call(method, &missing_path, Some(&intruder), body)
            .await;
        // Each request has its own id; everything else is the same.
        let without_id = |body: &serde_json::Value| {
            let mut body = body.clone();
            body.as_object_mut().map(|body| body.remove("request_id"));
            body
        };
        assert_eq!(
            without_id(&missing.body),
            without_id(&foreign.body),
            "{missing_path}"
        );
    }
    // Admin-only operations are refused by role before anything is looked up.
    let patch = server
        .call(
            Method::PATCH,
            &path,
            Some(&intruder),
            Some(json!({"name": "Mine"})),
        )
        .await;
    assert_problem(&patch, 403, "forbidden");
    let classify = server
        .call(
            Method::PUT,
            &format!("{path}/classification"),
            Some(&intruder),
            Some(json!({"nace_code": "86.90"})),
        )
        .await;
    assert_problem(&classify, 403, "forbidden");

    let company_after = server.call(Method::GET, &path, Some(&admin), None).await;
    assert_eq!(company_after.body, demo);
    let details_after = server
        .call(Method::GET, &format!("{path}/details"), Some(&admin), None)
        .await;
    assert_eq!(details_after.body, details_before.body);
    let own = server
        .call(Method::GET, "/api/v1/companies", Some(&intruder), None)
        .await;
    assert_eq!(names(&own.body), ["Marmara OSGB"]);
}
