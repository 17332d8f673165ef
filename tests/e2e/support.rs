//! `TestServer`: the real server on a free loopback port against a test database of its own, with
//! the demo admin and tenant seeded, and a small JSON client.

use std::net::SocketAddr;
use std::sync::Arc;

use crate::contract;
use prosektor_persistence::Pooling;
use prosektor_server::demo::{ADMIN_EMAIL, ADMIN_PASSWORD, CLIENT_EMAIL, CLIENT_PASSWORD};
use prosektor_server::{Application, Config};
use prosektor_testkit::TestDatabase;
use reqwest::{Method, StatusCode};
use sea_orm::{ConnectionTrait, Statement};
use serde_json::Value;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// A running server; dropping it stops the server, then drops its database (once no other server
/// started [`beside`](TestServer::beside) it uses it).
pub struct TestServer {
    api: Api,
    metrics_addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<Result<(), String>>>,
    database: Arc<TestDatabase>,
}

/// A response's status and JSON body (`Value::Null` when the body is empty or not JSON).
#[derive(Debug)]
pub struct Reply {
    /// The status.
    pub status: StatusCode,
    /// The `Content-Type`, if any.
    pub content_type: Option<String>,
    /// The `Retry-After` header, if any.
    pub retry_after: Option<String>,
    /// The `ETag` header, if any.
    pub etag: Option<String>,
    /// Whether `Idempotent-Replayed: true` marks the reply as a stored one.
    pub replayed: bool,
    /// The body as JSON.
    pub body: Value,
}

impl Reply {
    /// Reads a response's status, content type and body, and checks them against what the
    /// document declares for `method path` ([`contract::check`]).
    async fn read(method: &Method, path: &str, response: reqwest::Response) -> Self {
        Self::try_read(method, path, response)
            .await
            .expect("body is readable")
    }

    /// As [`Self::read`], answering as an error what shows the server died on the way: a body
    /// cut off, or a balancer's `502`/`504` for the request it had passed on (our servers never
    /// send either, so the document does not declare them).
    async fn try_read(
        method: &Method,
        path: &str,
        response: reqwest::Response,
    ) -> Result<Self, String> {
        let status = response.status();
        if matches!(
            status,
            StatusCode::BAD_GATEWAY | StatusCode::GATEWAY_TIMEOUT
        ) {
            return Err(format!("{method} {path}: the balancer answered {status}"));
        }
        let header = |name| {
            response
                .headers()
                .get(name)
                .and_then(|value| value.to_str().ok())
                .map(str::to_owned)
        };
        let content_type = header(reqwest::header::CONTENT_TYPE);
        let retry_after = header(reqwest::header::RETRY_AFTER);
        let etag = header(reqwest::header::ETAG);
        let replayed = header(reqwest::header::HeaderName::from_static(
            "idempotent-replayed",
        ))
        .is_some_and(|value| value == "true");
        let text = response.text().await.map_err(|error| error.to_string())?;
        contract::check(method, path, status, content_type.as_deref(), &text);
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        Ok(Self {
            status,
            content_type,
            retry_after,
            etag,
            replayed,
            body,
        })
    }
}

/// A server's configuration for `database`: directly on it, or, when `PROSEKTOR_TEST_POOLER_URL`
/// names a PgBouncer in transaction mode in front of `DATABASE_URL`'s server (`make
/// test-pooler`), through that pooler for the databases on that server (a test's own cluster
/// stays direct), with migrations and cancellation bypassing it as in production.
fn config_for(database: &TestDatabase) -> Config {
    let mut config = Config::for_database(database.url());
    let pooler = std::env::var("PROSEKTOR_TEST_POOLER_URL").ok();
    let shared = std::env::var("DATABASE_URL").ok();
    let server_of = |url: &str| url.rsplit_once('/').map(|(server, _)| server.to_owned());
    if let (Some(pooler), Some(shared)) = (pooler, shared)
        && server_of(&shared) == server_of(database.url())
    {
        config.database_direct_url = Some(database.url().to_owned());
        config.database_url = Some(format!(
            "{}/{}",
            pooler.trim_end_matches('/'),
            database.name()
        ));
        config.db_pooling = Pooling::Transaction;
    }
    config
}

/// The version of the template holding the demo data: this test binary's identity (its size and
/// modification time), so that a rebuild, whatever it changed (the demo, the services writing
/// it, the schema), seeds the template afresh.
fn demo_version() -> String {
    let binary = std::env::current_exe()
        .and_then(std::fs::metadata)
        .expect("the test binary is readable");
    format!(
        "{} bytes, modified {:?}",
        binary.len(),
        binary.modified().ok()
    )
}

/// Seeds the demo data into the database at `url` the way a server does at start-up (then stops
/// it), so that the servers of the tests start from a copy and skip its password hashing.
async fn seed_demo(url: String) -> Result<(), String> {
    let mut config = Config::for_database(&url);
    config.demo_seed = Some(true);
    config.workers = 0;
    let application = Application::build(&config)
        .await
        .map_err(|error| format!("{error:#}"))?;
    application
        .run_until(async {})
        .await
        .map_err(|error| format!("{error:#}"))
}

impl TestServer {
    /// Starts the server against a freshly migrated database with the demo data (copied from a
    /// template seeded once per build).
    pub async fn start() -> Self {
        Self::start_with(|_| {}).await
    }

    /// As [`Self::start`], with the configuration changed by `configure` first.
    pub async fn start_with(configure: impl FnOnce(&mut Config)) -> Self {
        let database = TestDatabase::prepared("demo", &demo_version(), seed_demo)
            .await
            .expect("test database");
        Self::start_on(database, configure).await
    }

    /// As [`Self::start_with`], on `database` (one of a cluster the test controls, say).
    pub async fn start_on(database: TestDatabase, configure: impl FnOnce(&mut Config)) -> Self {
        let mut config = config_for(&database);
        config.demo_seed = Some(true);
        configure(&mut config);
        Self::serve(&config, Arc::new(database)).await
    }

    /// A second server instance on this server's database (another process of the fleet).
    pub async fn beside(&self) -> Self {
        let config = config_for(&self.database);
        Self::serve(&config, Arc::clone(&self.database)).await
    }

    async fn serve(config: &Config, database: Arc<TestDatabase>) -> Self {
        let application = Application::build(config).await.expect("server starts");
        let addr = application.local_addr();
        let metrics_addr = application.metrics_addr();
        let (stop, stopped) = oneshot::channel();
        let task = tokio::spawn(async move {
            application
                .run_until(async {
                    let _ = stopped.await;
                })
                .await
                .map_err(|error| format!("{error:#}"))
        });
        Self {
            api: Api::at(&format!("http://{addr}")),
            metrics_addr,
            stop: Some(stop),
            task: Some(task),
            database,
        }
    }

    /// The server's database (to check what a request did, or did not, write).
    pub fn database(&self) -> &TestDatabase {
        &self.database
    }

    /// The count `sql` answers in the server's database (`SELECT count(*) ...`, or any `bigint`).
    pub async fn count(&self, sql: &str) -> i64 {
        let db = self.database.connection();
        db.query_one_raw(Statement::from_string(db.get_database_backend(), sql))
            .await
            .expect("the count runs")
            .and_then(|row| row.try_get_by_index::<i64>(0).ok())
            .expect("a count")
    }

    /// What `GET /metrics` on the metrics listener answers (the exposition text).
    pub async fn metrics(&self) -> String {
        let response = self
            .api
            .client
            .get(format!("http://{}/metrics", self.metrics_addr))
            .send()
            .await
            .expect("the metrics listener answers");
        assert_eq!(response.status(), StatusCode::OK);
        response.text().await.expect("the exposition")
    }

    /// The value of one series of the metrics listener's exposition (`name{labels}`, exactly as
    /// exposed), or 0 while the server has not registered it.
    pub async fn metric(&self, series: &str) -> f64 {
        let exposition = self.metrics().await;
        exposition
            .lines()
            .find_map(|line| line.strip_prefix(series)?.strip_prefix(' '))
            .map_or(0.0, |value| value.trim().parse().expect("a sample's value"))
    }

    /// Stops the server gracefully and reports how its task ended, handing back its database
    /// (to read what the stop left behind; dropped, it is dropped too).
    pub async fn stop(mut self) -> Result<Arc<TestDatabase>, String> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            task.await.map_err(|error| error.to_string())??;
        }
        Ok(Arc::clone(&self.database))
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// A small JSON client of one base URL: a server, or a balancer in front of several. Every reply
/// it reads is checked against the contract ([`contract::check`]).
#[derive(Debug, Clone)]
pub struct Api {
    base: String,
    client: reqwest::Client,
}

impl Api {
    /// A client of `base` (`http://host:port`).
    pub fn at(base: &str) -> Self {
        Self {
            base: base.trim_end_matches('/').to_owned(),
            client: reqwest::Client::new(),
        }
    }

    /// The absolute URL of `path` here.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// `method path` on a new TCP connection of its own (no connection reuse), with an optional
    /// JSON body and extra headers.
    pub async fn call_fresh(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
        headers: &[(&str, &str)],
    ) -> Reply {
        let client = reqwest::Client::builder()
            .pool_max_idle_per_host(0)
            .build()
            .expect("a client");
        self.send_json(&client, method, path, None, body, headers)
            .await
    }

    /// `GET path` without a token, as the raw response (for pages and documents that are not
    /// JSON).
    pub async fn get(&self, path: &str) -> reqwest::Response {
        send_checked(self.client.get(self.url(path))).await
    }

    /// Sends `method path` with an optional bearer token and JSON body.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Reply {
        self.call_with(method, path, token, body, &[]).await
    }

    /// As [`Self::call`], answering a connection failure or an unreadable reply as an error
    /// instead of failing the test (for loads that outlive a server).
    pub async fn try_call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Result<Reply, String> {
        let request = self.request(&self.client, method.clone(), path, token, body, &[]);
        let response = request.send().await.map_err(|error| error.to_string())?;
        Reply::try_read(&method, path, response).await
    }

    /// As [`Self::call`], with extra request headers.
    pub async fn call_with(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
        headers: &[(&str, &str)],
    ) -> Reply {
        self.send_json(&self.client, method, path, token, body, headers)
            .await
    }

    /// Sends `method path` through `client` with an optional bearer token, JSON body and extra
    /// headers, and reads the checked reply.
    async fn send_json(
        &self,
        client: &reqwest::Client,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
        headers: &[(&str, &str)],
    ) -> Reply {
        let request = self.request(client, method.clone(), path, token, body, headers);
        Reply::read(
            &method,
            path,
            request.send().await.expect("request is answered"),
        )
        .await
    }

    /// `method path` through `client` with an optional bearer token, JSON body and extra headers.
    fn request(
        &self,
        client: &reqwest::Client,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
        headers: &[(&str, &str)],
    ) -> reqwest::RequestBuilder {
        let mut request = client.request(method, self.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        request
    }

    /// Sends `method path` with a bearer token and `body` as it is, labelled JSON (for documents
    /// that are not valid JSON, or not what a JSON serializer would write).
    pub async fn call_raw(&self, method: Method, path: &str, token: &str, body: &str) -> Reply {
        let request = self
            .client
            .request(method.clone(), self.url(path))
            .bearer_auth(token)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body.to_owned());
        Reply::read(
            &method,
            path,
            request.send().await.expect("request is answered"),
        )
        .await
    }

    /// Logs in and returns the bearer token.
    pub async fn login(&self, email: &str, password: &str) -> String {
        let reply = self
            .call(
                Method::POST,
                "/api/v1/auth/login",
                None,
                Some(serde_json::json!({"email": email, "password": password})),
            )
            .await;
        assert_eq!(
            reply.status,
            StatusCode::OK,
            "login of {email}: {:?}",
            reply.body
        );
        reply.body["access_token"]
            .as_str()
            .expect("a token")
            .to_owned()
    }

    /// A token of the demo admin.
    pub async fn admin_token(&self) -> String {
        self.login(ADMIN_EMAIL, ADMIN_PASSWORD).await
    }

    /// A token of the demo tenant's client user.
    pub async fn client_token(&self) -> String {
        self.login(CLIENT_EMAIL, CLIENT_PASSWORD).await
    }
}

impl std::ops::Deref for TestServer {
    type Target = Api;

    fn deref(&self) -> &Api {
        &self.api
    }
}

/// Sends a request built by hand (custom headers, raw bodies, other methods) and returns the raw
/// response, after checking it against the contract like every [`Reply`].
pub async fn send_checked(request: reqwest::RequestBuilder) -> reqwest::Response {
    let (client, request) = request.build_split();
    let request = request.expect("a well-formed request");
    let (method, path) = (request.method().clone(), request.url().path().to_owned());
    let response = client.execute(request).await.expect("request is answered");
    let (status, headers) = (response.status(), response.headers().clone());
    let body = response.bytes().await.expect("body is readable");
    let content_type = headers
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok());
    contract::check(
        &method,
        &path,
        status,
        content_type,
        &String::from_utf8_lossy(&body),
    );
    let mut checked = http::Response::new(body);
    *checked.status_mut() = status;
    *checked.headers_mut() = headers;
    checked.into()
}
