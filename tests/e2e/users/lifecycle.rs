//! Creating, reading and listing users with their profiles.

use prosektor_server::demo::{ADMIN_EMAIL, CLIENT_EMAIL};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::fixtures::{PASSWORD, demo_company, id_of, without_timestamps};
use crate::support::TestServer;

use super::emails;

#[tokio::test]
async fn an_admin_creates_reads_and_lists_users_with_their_profiles() {
    let server = TestServer::start().await;
    let admin = server.admin_token().await;
    let company = demo_company(&server, &admin).await;
    let company_id = id_of(&company);

    let created = server
        .call(
            Method::POST,
            "/api/v1/users",
            Some(&admin),
            Some(json!({
                "email": "  Ayse.Yilmaz@Anadolu-OSGB.demo ",
                "password": PASSWORD,
                "role": "CLIENT",
                "company_id": company_id,
                "profile": {
                    "first_name": "Ayşe",
                    "last_name": "Yılmaz",
                    "phone": "0532 123 45 67",
                    "preferences": {"theme": "dark", "locale": "tr"},
                },
            })),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
    let user = &created.body["user"];
    assert_eq!(user["email"], "ayse.yilmaz@anadolu-osgb.demo");
    assert_eq!(
        (&user["role"], &user["company_id"], &user["deleted_at"]),
        (&json!("CLIENT"), &json!(company_id), &Value::Null)
    );
    let profile = &created.body["profile"];
    assert_eq!(profile["first_name"], "Ayşe");
    assert_eq!(profile["middle_name"], Value::Null);
    assert_eq!(profile["phone"], "+905321234567");
    assert_eq!(
        profile["preferences"],
        json!({"theme": "dark", "notifications": null, "locale": "tr"})
    );
    let text = created.body.to_string();
    assert!(
        !text.contains("password") && !text.contains("argon2"),
        "{text}"
    );

    let id = id_of(user);
    let read = server
        .call(
            Method::GET,
            &format!("/api/v1/users/{id}"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(read.status, StatusCode::OK);
    assert_eq!(
        without_timestamps(&read.body),
        without_timestamps(&created.body)
    );
    // The new user logs in; in their profile `null` clears a field, an absent one is kept.
    let token = server
        .login("ayse.yilmaz@anadolu-osgb.demo", PASSWORD)
        .await;
    let patched = server
        .call(
            Method::PATCH,
            "/api/v1/me",
            Some(&token),
            Some(json!({"first_name": "Ayşe Nur", "phone": null})),
        )
        .await;
    assert_eq!(patched.status, StatusCode::OK, "{:?}", patched.body);
    assert_eq!(
        (
            &patched.body["first_name"],
            &patched.body["last_name"],
            &patched.body["phone"]
        ),
        (&json!("Ayşe Nur"), &json!("Yılmaz"), &Value::Null)
    );

    let staff = server
        .call(
            Method::POST,
            "/api/v1/users",
            Some(&admin),
            Some(json!({"email": "staff@prosektor.demo", "password": PASSWORD, "role": "ADMIN"})),
        )
        .await;
    assert_eq!(staff.status, StatusCode::CREATED, "{:?}", staff.body);
    assert_eq!(staff.body["user"]["company_id"], Value::Null);
    assert_eq!(
        staff.body["profile"]["preferences"],
        json!({"theme": null, "notifications": null, "locale": null})
    );

    // The company's users, newest first.
    let of_company = server
        .call(
            Method::GET,
            &format!("/api/v1/users?company_id={company_id}"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(of_company.status, StatusCode::OK);
    assert_eq!(
        emails(&of_company.body),
        ["ayse.yilmaz@anadolu-osgb.demo", CLIENT_EMAIL]
    );
    assert_eq!(of_company.body["next_cursor"], Value::Null);

    // Every user, two at a time, following the cursor.
    let first = server
        .call(Method::GET, "/api/v1/users?limit=2", Some(&admin), None)
        .await;
    assert_eq!(
        emails(&first.body),
        ["staff@prosektor.demo", "ayse.yilmaz@anadolu-osgb.demo"]
    );
    let cursor = first.body["next_cursor"].as_str().expect("a next page");
    let second = server
        .call(
            Method::GET,
            &format!("/api/v1/users?limit=2&cursor={cursor}"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(second.status, StatusCode::OK, "{:?}", second.body);
    assert_eq!(emails(&second.body), [CLIENT_EMAIL, ADMIN_EMAIL]);

    // Searching by email: case-insensitive infix.
    let found = server
        .call(Method::GET, "/api/v1/users?q=YILMAZ", Some(&admin), None)
        .await;
    assert_eq!(emails(&found.body), ["ayse.yilmaz@anadolu-osgb.demo"]);
}
