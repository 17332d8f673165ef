//! `TestServer`: the real server on a free loopback port against a test database of its own.

use std::net::SocketAddr;

use prosektor_server::{Application, Config};
use prosektor_testkit::TestDatabase;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// A running server; dropping it stops the server, then drops its database.
pub struct TestServer {
    addr: SocketAddr,
    client: reqwest::Client,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<Result<(), String>>>,
    _database: TestDatabase,
}

impl TestServer {
    /// Starts the server against a freshly migrated database.
    pub async fn start() -> Self {
        let database = TestDatabase::migrated().await.expect("test database");
        let application = Application::build(&Config::for_database(database.url()))
            .await
            .expect("server starts");
        let addr = application.local_addr();
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
            addr,
            client: reqwest::Client::new(),
            stop: Some(stop),
            task: Some(task),
            _database: database,
        }
    }

    /// The absolute URL of `path` on this server.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// `GET path`.
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("request is answered")
    }

    /// Stops the server gracefully and reports how its task ended.
    pub async fn stop(mut self) -> Result<(), String> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        match self.task.take() {
            Some(task) => task.await.map_err(|error| error.to_string())?,
            None => Ok(()),
        }
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}
