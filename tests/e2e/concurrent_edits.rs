//! Concurrent edits over HTTP lose nothing: 32 requests at once, in rounds, each changing one
//! field (or preference key) of one resource; every field ends with a value one of its writers was
//! acknowledged for, never the value before the round. `If-Match` with a stale version answers
//! `412` and changes nothing; concurrent logouts and cancels all succeed.

use std::sync::Arc;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tokio::sync::Barrier;
use tokio::task::JoinSet;

use crate::support::{Reply, TestServer};
use crate::tenants::{assert_problem, demo_tenant};

/// Requests released together in each round.
const CONCURRENT: usize = 32;
/// Rounds per resource.
const ROUNDS: usize = 4;
/// The themes a round sets, in turn.
const THEMES: [&str; 3] = ["light", "dark", "system"];
/// The locales a round sets, in turn.
const LOCALES: [&str; 2] = ["tr", "en"];

/// One field's writes in a round: the JSON body of each, and where the field is in a body.
struct FieldWrites {
    bodies: Vec<Value>,
    read: fn(&Value) -> Value,
}

/// Sends every body of `fields` as `PATCH path` at once (a barrier releases them together) and
/// checks that each field of the resource read back (at `stored` within `GET read_path`) then
/// holds one of the values its acknowledged writes sent.
async fn race_patches(
    server: &Arc<TestServer>,
    token: &str,
    (path, read_path): (&str, &str),
    stored: fn(&Value) -> &Value,
    fields: Vec<FieldWrites>,
) {
    let total: usize = fields.iter().map(|field| field.bodies.len()).sum();
    assert_eq!(total, CONCURRENT);
    let start = Arc::new(Barrier::new(total));
    let mut tasks = JoinSet::new();
    for (index, field) in fields.iter().enumerate() {
        for body in &field.bodies {
            let (server, token, path) = (Arc::clone(server), token.to_owned(), path.to_owned());
            let (start, body) = (Arc::clone(&start), body.clone());
            tasks.spawn(async move {
                start.wait().await;
                let reply = server
                    .call(Method::PATCH, &path, Some(&token), Some(body.clone()))
                    .await;
                (index, body, reply)
            });
        }
    }
    let mut acknowledged: Vec<Vec<Value>> = vec![Vec::new(); fields.len()];
    for (index, body, reply) in tasks.join_all().await {
        assert_eq!(reply.status, StatusCode::OK, "{body}: {:?}", reply.body);
        acknowledged[index].push((fields[index].read)(&body));
    }
    let read = server.call(Method::GET, read_path, Some(token), None).await;
    let resource = stored(&read.body);
    for (field, values) in fields.iter().zip(&acknowledged) {
        let value = (field.read)(resource);
        assert!(
            values.contains(&value),
            "{value} is none of the acknowledged {values:?}: {resource}"
        );
    }
}

/// `writers` bodies setting `key` to distinct values made by `value(round, writer)`.
fn writes(
    writers: usize,
    round: usize,
    key: &str,
    value: impl Fn(usize, usize) -> Value,
    read: fn(&Value) -> Value,
) -> FieldWrites {
    FieldWrites {
        bodies: (0..writers)
            .map(|writer| json!({ key: value(round, writer) }))
            .collect(),
        read,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_profile_and_preference_patches_all_survive() {
    let server = Arc::new(TestServer::start().await);
    let client = server.client_token().await;
    let text = |prefix: &'static str| {
        move |round: usize, writer: usize| json!(format!("{prefix} {round}-{writer}"))
    };
    for round in 0..ROUNDS {
        let fields = vec![
            writes(6, round, "first_name", text("Ayşe"), |v| {
                v["first_name"].clone()
            }),
            writes(6, round, "middle_name", text("Nur"), |v| {
                v["middle_name"].clone()
            }),
            writes(6, round, "last_name", text("Yılmaz"), |v| {
                v["last_name"].clone()
            }),
            writes(
                5,
                round,
                "avatar_url",
                |round, writer| json!(format!("https://cdn.example.com/{round}/{writer}.png")),
                |v| v["avatar_url"].clone(),
            ),
            // Each round sets every key to another value than the round before, so a key put
            // back by a writer of something else would show.
            preference(json!({"theme": THEMES[round % 3]}), |v| {
                v["preferences"]["theme"].clone()
            }),
            preference(json!({"locale": LOCALES[round % 2]}), |v| {
                v["preferences"]["locale"].clone()
            }),
            preference(json!({"notifications": round % 2 == 0}), |v| {
                v["preferences"]["notifications"].clone()
            }),
        ];
        let me = "/api/v1/me";
        race_patches(&server, &client, (me, me), |v| &v["profile"], fields).await;
    }
}

fn itself(body: &Value) -> &Value {
    body
}

/// Three writers setting the same preference keys.
fn preference(keys: Value, read: fn(&Value) -> Value) -> FieldWrites {
    FieldWrites {
        bodies: vec![json!({ "preferences": keys }); 3],
        read,
    }
}

/// A VKN (ten digits, SPEC §4's check digit) from the nine digits of `n`.
fn vkn(n: u32) -> String {
    let digits: Vec<u32> = format!("{n:09}")
        .bytes()
        .map(|b| u32::from(b - b'0'))
        .collect();
    let sum: u32 = digits
        .iter()
        .enumerate()
        .map(|(index, &digit)| {
            let i = u32::try_from(index).unwrap() + 1;
            let t = (digit + 10 - i) % 10;
            if t == 0 {
                0
            } else {
                let v = (t * 2_u32.pow(10 - i)) % 9;
                if v == 0 { 9 } else { v }
            }
        })
        .sum();
    let check = (10 - sum % 10) % 10;
    format!("{n:09}{check}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_company_and_details_patches_all_survive() {
    let server = Arc::new(TestServer::start().await);
    let admin = server.admin_token().await;
    let company = demo_tenant(&server, &admin).await.company_id;
    let path = format!("/api/v1/companies/{company}");
    for round in 0..ROUNDS {
        let fields = vec![
            writes(
                16,
                round,
                "name",
                |round, writer| json!(format!("Anadolu OSGB {round}-{writer}")),
                |v| v["name"].clone(),
            ),
            writes(
                16,
                round,
                "tax_id",
                |round, writer| json!(vkn(u32::try_from(100_000 + round * 100 + writer).unwrap())),
                |v| v["tax_id"].clone(),
            ),
        ];
        race_patches(&server, &admin, (&path, &path), itself, fields).await;
    }
    let details = format!("{path}/details");
    let client = server.client_token().await;
    for round in 0..ROUNDS {
        let fields = vec![
            writes(
                8,
                round,
                "address",
                |r, w| json!(format!("Atatürk Cad. {r}-{w}")),
                |v| v["address"].clone(),
            ),
            writes(
                8,
                round,
                "city",
                |r, w| json!(format!("Bursa {r}-{w}")),
                |v| v["city"].clone(),
            ),
            writes(
                8,
                round,
                "contact_email",
                |r, w| json!(format!("info{r}-{w}@anadolu.example.com")),
                |v| v["contact_email"].clone(),
            ),
            writes(
                8,
                round,
                "contact_phone",
                |r, w| json!(format!("+90532123{r}{w:03}")),
                |v| v["contact_phone"].clone(),
            ),
        ];
        race_patches(&server, &client, (&details, &details), itself, fields).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_project_patches_and_status_changes_all_survive() {
    let server = Arc::new(TestServer::start().await);
    let admin = server.admin_token().await;
    let project = demo_tenant(&server, &admin).await.project_id;
    let path = format!("/api/v1/projects/{project}");
    for round in 0..ROUNDS {
        let fields = vec![
            writes(
                16,
                round,
                "name",
                |r, w| json!(format!("Kurumsal Site {r}-{w}")),
                |v| v["name"].clone(),
            ),
            writes(
                16,
                round,
                "domain",
                |r, w| json!(format!("site-{r}-{w}.anadolu-osgb.com.tr")),
                |v| v["domain"].clone(),
            ),
        ];
        race_patches(&server, &admin, (&path, &path), itself, fields).await;
    }

    // A rename racing a status change: both apply, neither is refused.
    for (round, status) in ["BUILDING", "LIVE", "PAUSED", "LIVE"].iter().enumerate() {
        let name = format!("Yarış {round}");
        let status_path = format!("{path}/status");
        let (rename, change) = tokio::join!(
            server.call(
                Method::PATCH,
                &path,
                Some(&admin),
                Some(json!({"name": name}))
            ),
            server.call(
                Method::POST,
                &status_path,
                Some(&admin),
                Some(json!({"status": status}))
            ),
        );
        assert_eq!(rename.status, StatusCode::OK, "{:?}", rename.body);
        assert_eq!(change.status, StatusCode::OK, "{:?}", change.body);
        let stored = server.call(Method::GET, &path, Some(&admin), None).await;
        assert_eq!(
            (&stored.body["name"], &stored.body["status"]),
            (&json!(name), &json!(status))
        );
    }
}

/// `method path` as `token` with `If-Match: "version"`.
async fn with_if_match(
    server: &TestServer,
    method: Method,
    path: &str,
    token: &str,
    version: i64,
    body: Option<Value>,
) -> Reply {
    let tag = format!("\"{version}\"");
    server
        .call_with(method, path, Some(token), body, &[("If-Match", &tag)])
        .await
}

#[tokio::test]
async fn a_stale_if_match_answers_412_and_changes_nothing_and_a_current_one_applies() {
    let server = TestServer::start().await;
    let admin = server.admin_token().await;
    let demo = demo_tenant(&server, &admin).await;
    let company = format!("/api/v1/companies/{}", demo.company_id);
    let project = format!("/api/v1/projects/{}", demo.project_id);
    let cases = [
        (
            Method::PATCH,
            company.clone(),
            json!({"name": "Değişti"}),
            company.clone(),
        ),
        (
            Method::PATCH,
            format!("{company}/details"),
            json!({"city": "Değişti"}),
            format!("{company}/details"),
        ),
        (
            Method::PUT,
            format!("{company}/contact-details"),
            json!({"city": "Değişti"}),
            format!("{company}/details"),
        ),
        (
            Method::PATCH,
            project.clone(),
            json!({"name": "Değişti"}),
            project.clone(),
        ),
        (
            Method::PATCH,
            "/api/v1/me".to_owned(),
            json!({"first_name": "Değişti"}),
            "/api/v1/me".to_owned(),
        ),
    ];
    for (method, path, body, read) in cases {
        let before = server.call(Method::GET, &read, Some(&admin), None).await;
        let etag = before.etag.clone().expect("an ETag");
        let version = version_of(&before.body);
        assert_eq!(etag, format!("\"{version}\""), "{read}");
        // Another writer changes the resource first.
        let first = with_if_match(
            &server,
            method.clone(),
            &path,
            &admin,
            version,
            Some(body.clone()),
        )
        .await;
        assert_eq!(first.status, StatusCode::OK, "{path}: {:?}", first.body);
        let after_first = server.call(Method::GET, &read, Some(&admin), None).await;
        let stale = with_if_match(
            &server,
            method.clone(),
            &path,
            &admin,
            version,
            Some(json!({})),
        )
        .await;
        assert_problem(&stale, 412, "precondition_failed", &path);
        let unchanged = server.call(Method::GET, &read, Some(&admin), None).await;
        assert_eq!(unchanged.body, after_first.body, "{path}: nothing changed");
        assert_eq!(version_of(&unchanged.body), version + 1);
    }

    // Transitions take If-Match too: an invoice sent meanwhile is not paid on a stale version.
    let invoice = crate::invoices::draft(&server, &admin, &demo.company_id).await;
    let invoice_path = format!("/api/v1/invoices/{invoice}");
    let read = server
        .call(Method::GET, &invoice_path, Some(&admin), None)
        .await;
    let version = version_of(&read.body);
    let sent = with_if_match(
        &server,
        Method::POST,
        &format!("{invoice_path}/send"),
        &admin,
        version,
        None,
    )
    .await;
    assert_eq!(sent.status, StatusCode::OK, "{:?}", sent.body);
    let stale = with_if_match(
        &server,
        Method::POST,
        &format!("{invoice_path}/pay"),
        &admin,
        version,
        None,
    )
    .await;
    assert_problem(&stale, 412, "precondition_failed", "pay on a stale version");
    let status = server
        .call(Method::GET, &invoice_path, Some(&admin), None)
        .await;
    assert_eq!(status.body["status"], "SENT");
    let malformed = server
        .call_with(
            Method::PATCH,
            &project,
            Some(&admin),
            Some(json!({})),
            &[("If-Match", "7")],
        )
        .await;
    assert_problem(&malformed, 400, "bad_request", "an unquoted If-Match");
}

/// A versioned resource's `version` (a profile's, for `/me`).
fn version_of(body: &Value) -> i64 {
    body["version"]
        .as_i64()
        .or_else(|| body["profile"]["version"].as_i64())
        .expect("a version")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_logouts_everywhere_all_succeed() {
    let server = Arc::new(TestServer::start().await);
    let token = server.client_token().await;
    let path = "/api/v1/auth/logout-everywhere".to_owned();
    let replies = all_at_once(&server, Method::POST, path, token.clone()).await;
    let statuses: Vec<u16> = replies.iter().map(|reply| reply.status.as_u16()).collect();
    assert!(statuses.iter().all(|&status| status == 204), "{statuses:?}");
    let me = server
        .call(Method::GET, "/api/v1/me", Some(&token), None)
        .await;
    assert_eq!(me.status, StatusCode::UNAUTHORIZED);
    // Logging out again with the ended token is what it asked for, and ends no newer session.
    let newer = server.client_token().await;
    let again = server
        .call(
            Method::POST,
            "/api/v1/auth/logout-everywhere",
            Some(&token),
            None,
        )
        .await;
    assert_eq!(again.status, StatusCode::NO_CONTENT);
    let still = server
        .call(Method::GET, "/api/v1/me", Some(&newer), None)
        .await;
    assert_eq!(still.status, StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn cancelling_a_cancelled_run_answers_it_and_concurrent_cancels_all_succeed() {
    let server = Arc::new(TestServer::start_with(|config| config.workers = 0).await);
    let admin = server.admin_token().await;
    let project = demo_tenant(&server, &admin).await.project_id;
    let started = server
        .call(
            Method::POST,
            &format!("/api/v1/projects/{project}/runs"),
            Some(&admin),
            Some(json!({})),
        )
        .await;
    let run = started.body["id"].as_str().expect("a run").to_owned();
    let path = format!("/api/v1/runs/{run}/cancel");
    for reply in all_at_once(&server, Method::POST, path.clone(), admin.clone()).await {
        assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
        assert_eq!(reply.body["status"], "CANCELLED");
    }
    let again = server.call(Method::POST, &path, Some(&admin), None).await;
    assert_eq!(
        (again.status, &again.body["status"]),
        (StatusCode::OK, &json!("CANCELLED"))
    );
}

/// [`CONCURRENT`] bodiless `method path` requests as `token`, released together by a barrier.
async fn all_at_once(
    server: &Arc<TestServer>,
    method: Method,
    path: String,
    token: String,
) -> Vec<Reply> {
    let start = Arc::new(Barrier::new(CONCURRENT));
    let mut tasks = JoinSet::new();
    for _ in 0..CONCURRENT {
        let (server, start) = (Arc::clone(server), Arc::clone(&start));
        let (method, path, token) = (method.clone(), path.clone(), token.clone());
        tasks.spawn(async move {
            start.wait().await;
            server.call(method, &path, Some(&token), None).await
        });
    }
    tasks.join_all().await
}
