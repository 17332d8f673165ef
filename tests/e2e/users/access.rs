//! Clients may not administer users.

use prosektor_server::demo::{ADMIN_EMAIL, CLIENT_EMAIL};
use reqwest::Method;
use serde_json::json;

use crate::fixtures::{PASSWORD, assert_problem, demo_company, id_of};
use crate::support::TestServer;

use super::emails;

#[tokio::test]
async fn clients_may_not_administer_users_and_nothing_changes() {
    let server = TestServer::start().await;
    let admin = server.admin_token().await;
    let client = server.client_token().await;
    let company_id = id_of(&demo_company(&server, &admin).await);
    let me = server
        .call(Method::GET, "/api/v1/me", Some(&admin), None)
        .await;
    let admin_id = id_of(&me.body["user"]);
    let user = format!("/api/v1/users/{admin_id}");
    let new_user = json!({
        "email": "sneaky@anadolu-osgb.demo",
        "password": PASSWORD,
        "role": "ADMIN",
    });
    let requests = [
        (Method::POST, "/api/v1/users".to_owned(), Some(new_user)),
        (Method::GET, "/api/v1/users".to_owned(), None),
        (Method::GET, user.clone(), None),
        (
            Method::PUT,
            format!("{user}/role"),
            Some(json!({"role": "CLIENT", "company_id": company_id})),
        ),
        (Method::DELETE, user.clone(), None),
        (Method::POST, format!("{user}/restore"), None),
    ];
    for (method, path, body) in requests {
        let reply = server
            .call(method.clone(), &path, Some(&client), body)
            .await;
        assert_problem(&reply, 403, "forbidden");
        let anonymous = server.call(method, &path, None, None).await;
        assert_problem(&anonymous, 401, "unauthenticated");
    }

    let listed = server
        .call(
            Method::GET,
            "/api/v1/users?include_deleted=true",
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(emails(&listed.body), [CLIENT_EMAIL, ADMIN_EMAIL]);
    assert_eq!(listed.body["items"][1]["role"], "ADMIN");
    // The admin's token is still valid: no role change or deletion happened.
    let me_again = server
        .call(Method::GET, "/api/v1/me", Some(&admin), None)
        .await;
    assert_eq!(me_again.body["user"], me.body["user"]);
    // An admin may not delete themselves or change their own role either (either would end
    // their own session, and could leave no admin); their token keeps working.
    let own = server.call(Method::DELETE, &user, Some(&admin), None).await;
    assert_problem(&own, 403, "forbidden");
    for role in [
        json!({"role": "ADMIN"}),
        json!({"role": "CLIENT", "company_id": company_id}),
    ] {
        let own_role = server
            .call(
                Method::PUT,
                &format!("{user}/role"),
                Some(&admin),
                Some(role),
            )
            .await;
        assert_problem(&own_role, 403, "forbidden");
    }
    let still_me = server
        .call(Method::GET, "/api/v1/me", Some(&admin), None)
        .await;
    assert_eq!(still_me.status, 200);
    assert_eq!(still_me.body["user"]["role"], "ADMIN");
}
