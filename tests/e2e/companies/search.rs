//! The admin search: case, Turkish letters, literal wildcards, tax ids, pagination; and
//! autocomplete by prefix.

use reqwest::{Method, StatusCode};

use crate::fixtures::{assert_invalid_field, assert_problem, create_company, query_encode};
use crate::support::TestServer;

use super::names;

/// The names an admin's search for `q` finds.
async fn search(server: &TestServer, admin: &str, q: &str) -> Vec<String> {
    let path = format!("/api/v1/companies/search?q={}", query_encode(q));
    let reply = server.call(Method::GET, &path, Some(admin), None).await;
    assert_eq!(reply.status, StatusCode::OK, "{q}: {:?}", reply.body);
    names(&reply.body).into_iter().map(str::to_owned).collect()
}

#[tokio::test]
async fn search_ignores_case_and_turkish_letters_and_treats_wildcards_literally() {
    let server = TestServer::start().await;
    let admin = server.admin_token().await;
    create_company(&server, &admin, "ŞİŞLİ OSGB", Some("1111111114")).await;
    create_company(&server, &admin, "100% Güvenlik_Ltd", None).await;
    create_company(&server, &admin, "Ege Sağlık", None).await;

    assert_eq!(search(&server, &admin, "anadolu").await, ["Anadolu OSGB"]);
    assert_eq!(search(&server, &admin, "ANADOLU").await, ["Anadolu OSGB"]);
    assert_eq!(search(&server, &admin, "sisli").await, ["ŞİŞLİ OSGB"]);
    assert_eq!(search(&server, &admin, "şişli").await, ["ŞİŞLİ OSGB"]);
    assert_eq!(search(&server, &admin, "saglik").await, ["Ege Sağlık"]);
    assert_eq!(
        search(&server, &admin, "guvenlik").await,
        ["100% Güvenlik_Ltd"]
    );
    assert_eq!(
        search(&server, &admin, "osgb").await,
        ["Anadolu OSGB", "ŞİŞLİ OSGB"]
    );
    assert_eq!(search(&server, &admin, "%").await, ["100% Güvenlik_Ltd"]);
    assert_eq!(search(&server, &admin, "_").await, ["100% Güvenlik_Ltd"]);
    assert_eq!(search(&server, &admin, "a%b").await, Vec::<String>::new());
    assert_eq!(search(&server, &admin, "0536").await, ["Anadolu OSGB"]);
    assert_eq!(search(&server, &admin, "11111").await, ["ŞİŞLİ OSGB"]);

    let first = server
        .call(
            Method::GET,
            "/api/v1/companies/search?q=osgb&limit=1",
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(names(&first.body), ["Anadolu OSGB"]);
    let cursor = first.body["next_cursor"].as_str().expect("a next page");
    let second = server
        .call(
            Method::GET,
            &format!("/api/v1/companies/search?q=osgb&limit=1&cursor={cursor}"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(names(&second.body), ["ŞİŞLİ OSGB"]);

    let blank = server
        .call(
            Method::GET,
            "/api/v1/companies/search?q=%20",
            Some(&admin),
            None,
        )
        .await;
    assert_invalid_field(&blank, "q");
    let without = server
        .call(Method::GET, "/api/v1/companies/search", Some(&admin), None)
        .await;
    assert_problem(&without, 400, "bad_request");
}

/// The names autocomplete offers an admin for `prefix` (and `limit`, if any).
async fn offered(
    server: &TestServer,
    admin: &str,
    prefix: &str,
    limit: Option<u32>,
) -> Vec<String> {
    let mut path = format!(
        "/api/v1/companies/autocomplete?prefix={}",
        query_encode(prefix)
    );
    if let Some(limit) = limit {
        path.push_str(&format!("&limit={limit}"));
    }
    let reply = server.call(Method::GET, &path, Some(admin), None).await;
    assert_eq!(reply.status, StatusCode::OK, "{prefix}: {:?}", reply.body);
    names(&reply.body).into_iter().map(str::to_owned).collect()
}

#[tokio::test]
async fn autocomplete_offers_names_by_prefix_in_order_ignoring_case_and_turkish_letters() {
    let server = TestServer::start().await;
    let admin = server.admin_token().await;
    for name in [
        "Şişli Sağlık",
        "ŞİŞLİ OSGB",
        "Sis Danışmanlık",
        "Anadolu İSG",
    ] {
        create_company(&server, &admin, name, None).await;
    }
    assert_eq!(
        offered(&server, &admin, "sis", None).await,
        ["Sis Danışmanlık", "ŞİŞLİ OSGB", "Şişli Sağlık"]
    );
    assert_eq!(
        offered(&server, &admin, "ŞİŞLİ", Some(1)).await,
        ["ŞİŞLİ OSGB"]
    );
    assert_eq!(
        offered(&server, &admin, "anadolu", None).await,
        ["Anadolu İSG", "Anadolu OSGB"]
    );
    assert!(offered(&server, &admin, "osgb", None).await.is_empty());

    let blank = server
        .call(
            Method::GET,
            "/api/v1/companies/autocomplete?prefix=%20",
            Some(&admin),
            None,
        )
        .await;
    assert_invalid_field(&blank, "prefix");
    for path in [
        "/api/v1/companies/autocomplete",
        "/api/v1/companies/autocomplete?prefix=a&limit=0",
        "/api/v1/companies/autocomplete?prefix=a&limit=51",
    ] {
        let refused = server.call(Method::GET, path, Some(&admin), None).await;
        assert_problem(&refused, 400, "bad_request");
    }
}
