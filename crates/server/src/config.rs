//! Configuration, from environment variables (or the matching flags). Secrets are never logged:
//! `Config`'s `Debug` redacts the database URL's password.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;

use clap::Args;
use ipnet::IpNet;
use prosektor_api::auth::remembered::{DEFAULT_REMEMBERED_SESSIONS, MOST_REMEMBERED_SESSIONS};
use prosektor_persistence::{BackfillSettings, DEFAULT_MAX_CONNECTIONS, Pooling};

use crate::telemetry::LogFormat;

/// Everything the server needs to start.
#[derive(Clone, Args)]
pub struct Config {
    /// PostgreSQL URL. Unset: start the embedded PostgreSQL under the data directory.
    #[arg(long, env = "DATABASE_URL")]
    pub database_url: Option<String>,

    /// PostgreSQL URL for what needs a session of its own and must bypass a transaction-mode
    /// pooler: migrations (an advisory lock held across statements) and the cancelling of this
    /// process's statements at shutdown. Unset: `DATABASE_URL`.
    #[arg(long, env = "DATABASE_DIRECT_URL")]
    pub database_direct_url: Option<String>,

    /// PostgreSQL URL of a streaming read replica of `DATABASE_URL`'s database. Set: reads that
    /// tolerate bounded staleness (listings, searches, dashboards, analytics) go to it while it
    /// is fresh enough and holds the caller's last write; everything else to the primary.
    #[arg(long, env = "DATABASE_READ_URL")]
    pub database_read_url: Option<String>,

    /// The most a read replica may lag, in milliseconds, for reads to go to it; past it (or
    /// while it is down) they go to the primary.
    #[arg(long, env = "PROSEKTOR_READ_MAX_LAG_MS", default_value_t = 1_000)]
    pub read_max_lag_ms: u64,

    /// What stands between the pools and PostgreSQL at `DATABASE_URL` (and
    /// `DATABASE_READ_URL`): `direct` (nothing) or `transaction` (PgBouncer in transaction mode;
    /// see docs/operations.md).
    #[arg(long, env = "PROSEKTOR_DB_POOLING", default_value_t = Pooling::Direct)]
    pub db_pooling: Pooling,

    /// Address to listen on (port 0 picks a free port).
    #[arg(long, env = "PROSEKTOR_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,

    /// Address `GET /metrics` listens on (Prometheus text format); loopback by default so that it
    /// is not public.
    #[arg(
        long,
        env = "PROSEKTOR_METRICS_LISTEN",
        default_value = "127.0.0.1:9464"
    )]
    pub metrics_listen: SocketAddr,

    /// Where the embedded PostgreSQL keeps its data (kept across restarts).
    #[arg(long, env = "PROSEKTOR_DATA_DIR", default_value = ".data")]
    pub data_dir: PathBuf,

    /// Port of the embedded PostgreSQL (loopback only).
    #[arg(long, env = "PROSEKTOR_EMBEDDED_PG_PORT", default_value_t = 54329)]
    pub embedded_pg_port: u16,

    /// Most connections in the database pool.
    #[arg(long, env = "PROSEKTOR_DB_MAX_CONNECTIONS", default_value_t = DEFAULT_MAX_CONNECTIONS)]
    pub db_max_connections: u32,

    /// PostgreSQL's `statement_timeout` for the server's and workers' connections, in
    /// milliseconds: a statement running longer is cancelled and its request answers `503`.
    #[arg(long, env = "PROSEKTOR_STATEMENT_TIMEOUT_MS", default_value_t = 5_000)]
    pub statement_timeout_ms: u64,

    /// Keys per batch of a schema backfill (one short transaction each), run after the expand
    /// migrations of `serve`, `worker` and `migrate`.
    #[arg(long, env = "PROSEKTOR_BACKFILL_BATCH", default_value_t = 5_000)]
    pub backfill_batch: u32,

    /// The pause between two batches of a schema backfill, in milliseconds, so that the database
    /// keeps serving the running servers meanwhile.
    #[arg(long, env = "PROSEKTOR_BACKFILL_PAUSE_MS", default_value_t = 10)]
    pub backfill_pause_ms: u64,

    /// The longest a request may take, in milliseconds; past it the request answers `503`
    /// whatever the database does.
    #[arg(long, env = "PROSEKTOR_REQUEST_TIMEOUT_MS", default_value_t = 10_000)]
    pub request_timeout_ms: u64,

    /// Seconds in-flight requests and running pipeline steps get after SIGTERM/SIGINT; what still
    /// runs then is cancelled, and the process exits within this plus 2 s.
    #[arg(long, env = "PROSEKTOR_SHUTDOWN_GRACE_SECS", default_value_t = 10)]
    pub shutdown_grace_secs: u64,

    /// Secret that signs bearer tokens (at least 32 bytes). Unset: a random one per process, so
    /// tokens do not survive a restart and are not accepted by other instances.
    #[arg(long, env = "PROSEKTOR_JWT_SECRET", hide_env_values = true)]
    pub jwt_secret: Option<String>,

    /// How long a bearer token is valid, in seconds.
    #[arg(long, env = "PROSEKTOR_TOKEN_TTL_SECS", default_value_t = 12 * 60 * 60)]
    pub token_ttl_secs: u64,

    /// How many callers' last confirmed sessions the server remembers, so that their reads start
    /// on it while the session check runs beside them (`docs/api.md`, Authentication); 0 checks
    /// every session before the request's own work; at most 1 048 576.
    #[arg(
        long,
        env = "PROSEKTOR_REMEMBERED_SESSIONS",
        default_value_t = DEFAULT_REMEMBERED_SESSIONS,
        value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(0..=MOST_REMEMBERED_SESSIONS as u64)
    )]
    pub remembered_sessions: usize,

    /// Seed the demo admin and tenant (once). Default: only with the embedded PostgreSQL.
    #[arg(long, env = "PROSEKTOR_DEMO_SEED")]
    pub demo_seed: Option<bool>,

    /// Pipeline worker loops in this process (`serve` and `worker`); 0 runs none.
    #[arg(long, env = "PROSEKTOR_WORKERS", default_value_t = 2)]
    pub workers: usize,

    /// Days finished pipeline runs (with their pages) and their log lines are kept; a project's
    /// published run is kept regardless.
    #[arg(long, env = "PROSEKTOR_RUN_RETENTION_DAYS", default_value_t = 30)]
    pub run_retention_days: u32,

    /// Proxies whose `X-Forwarded-For` names the client (comma-separated addresses or CIDR
    /// networks, e.g. `10.0.0.0/8,192.0.2.1`). Empty: the TCP peer is the client.
    #[arg(
        long,
        env = "PROSEKTOR_TRUSTED_PROXIES",
        value_delimiter = ',',
        value_parser = parse_network
    )]
    pub trusted_proxies: Vec<IpNet>,

    /// How log lines are written: `text` (coloured only on a terminal) or `json`.
    #[arg(long, env = "PROSEKTOR_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,

    /// Ingestions per minute allowed per project with its public key (`POST /api/v1/ingest/events`).
    #[arg(long, env = "PROSEKTOR_INGEST_PER_MINUTE", default_value_t = prosektor_application::services::INGESTIONS_PER_MINUTE)]
    pub ingest_per_minute: u32,
}

/// A network (`10.0.0.0/8`) or a single address (`192.0.2.1`, a network of one).
fn parse_network(text: &str) -> Result<IpNet, String> {
    let text = text.trim();
    text.parse::<IpNet>()
        .or_else(|_| text.parse::<IpAddr>().map(IpNet::from))
        .map_err(|_| format!("{text:?} is neither an IP address nor a CIDR network"))
}

impl Config {
    /// The URL that bypasses a pooler: `DATABASE_DIRECT_URL`, else `DATABASE_URL`.
    pub fn direct_url(&self) -> Option<&str> {
        self.database_direct_url
            .as_deref()
            .or(self.database_url.as_deref())
    }

    /// How schema backfills pace themselves.
    pub const fn backfills(&self) -> BackfillSettings {
        BackfillSettings {
            batch_size: self.backfill_batch,
            pause: std::time::Duration::from_millis(self.backfill_pause_ms),
        }
    }

    /// A configuration for `database_url`, listening on a free loopback port (tests).
    pub fn for_database(database_url: &str) -> Self {
        Self {
            database_url: Some(database_url.to_owned()),
            database_direct_url: None,
            database_read_url: None,
            read_max_lag_ms: 1_000,
            db_pooling: Pooling::Direct,
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            metrics_listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            data_dir: PathBuf::from(".data"),
            embedded_pg_port: 54329,
            db_max_connections: DEFAULT_MAX_CONNECTIONS,
            statement_timeout_ms: 5_000,
            backfill_batch: 5_000,
            backfill_pause_ms: 10,
            request_timeout_ms: 10_000,
            shutdown_grace_secs: 10,
            jwt_secret: None,
            token_ttl_secs: 3600,
            remembered_sessions: DEFAULT_REMEMBERED_SESSIONS,
            demo_seed: Some(false),
            workers: 2,
            run_retention_days: 30,
            trusted_proxies: Vec::new(),
            ingest_per_minute: prosektor_application::services::INGESTIONS_PER_MINUTE,
            log_format: LogFormat::Text,
        }
    }
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field(
                "database_url",
                &self.database_url.as_deref().map(redact_password),
            )
            .field(
                "database_direct_url",
                &self.database_direct_url.as_deref().map(redact_password),
            )
            .field(
                "database_read_url",
                &self.database_read_url.as_deref().map(redact_password),
            )
            .field("read_max_lag_ms", &self.read_max_lag_ms)
            .field("db_pooling", &self.db_pooling)
            .field("listen", &self.listen)
            .field("metrics_listen", &self.metrics_listen)
            .field("data_dir", &self.data_dir)
            .field("embedded_pg_port", &self.embedded_pg_port)
            .field("db_max_connections", &self.db_max_connections)
            .field("statement_timeout_ms", &self.statement_timeout_ms)
            .field("backfill_batch", &self.backfill_batch)
            .field("backfill_pause_ms", &self.backfill_pause_ms)
            .field("request_timeout_ms", &self.request_timeout_ms)
            .field("shutdown_grace_secs", &self.shutdown_grace_secs)
            .field("jwt_secret", &self.jwt_secret.as_ref().map(|_| "***"))
            .field("token_ttl_secs", &self.token_ttl_secs)
            .field("remembered_sessions", &self.remembered_sessions)
            .field("demo_seed", &self.demo_seed)
            .field("workers", &self.workers)
            .field("run_retention_days", &self.run_retention_days)
            .field("trusted_proxies", &self.trusted_proxies)
            .field("ingest_per_minute", &self.ingest_per_minute)
            .field("log_format", &self.log_format)
            .finish()
    }
}

/// `postgres://user:secret@host/db` becomes `postgres://user:***@host/db`.
pub fn redact_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let Some((credentials, host)) = rest.rsplit_once('@') else {
        return url.to_owned();
    };
    match credentials.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_reach_the_debug_output() {
        assert_eq!(
            redact_password("postgres://app:s3cr3t@db:5432/prosektor"),
            "postgres://app:***@db:5432/prosektor"
        );
        assert_eq!(
            redact_password("postgres://app@db/prosektor"),
            "postgres://app@db/prosektor"
        );
        let mut config = Config::for_database("postgres://app:s3cr3t@db/prosektor");
        config.jwt_secret = Some("token-signing-secret-token-signing".into());
        let debug = format!("{config:?}");
        assert!(!debug.contains("s3cr3t"));
        assert!(!debug.contains("token-signing-secret"));
    }

    #[derive(clap::Parser)]
    struct Parsed {
        #[command(flatten)]
        config: Config,
    }

    #[test]
    fn remembered_sessions_are_bounded() {
        use clap::Parser as _;
        let parse = |sessions: String| {
            Parsed::try_parse_from(["prosektor-server", "--remembered-sessions", &sessions])
                .map(|parsed| parsed.config.remembered_sessions)
        };
        assert_eq!(parse("0".to_owned()).unwrap(), 0);
        assert_eq!(
            parse(MOST_REMEMBERED_SESSIONS.to_string()).unwrap(),
            MOST_REMEMBERED_SESSIONS
        );
        let refused = parse((MOST_REMEMBERED_SESSIONS + 1).to_string()).unwrap_err();
        assert_eq!(refused.kind(), clap::error::ErrorKind::ValueValidation);
        assert!(refused.to_string().contains("remembered-sessions"));
    }
}
