//! `make bench-logs`: the run logs at the volume "logging heavy" implies. Workers write
//! `lines` log lines over `runs` held runs, first one line per statement (each line locks its run,
//! reads the last number and inserts: how every line was written before batching), then in
//! batches of `batch` lines (one statement per batch, as a worker writes a step); the lines are
//! spread over a month of daily partitions. Then retention drops that month, timed, with the
//! partitions' size before and after. The database (`prosektor_bench_logs`) is made afresh.

use std::fmt::Write as _;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use chrono::{DateTime, Utc};
use prosektor_application::{PipelineRunRepository, TenantScope};
use prosektor_domain::{LogLevel, NewLogLine, PipelineRun, RunId};
use prosektor_persistence::{PgPipelineRunRepository, PoolSettings};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};

use crate::database::{connect, database_url};

/// The database the log benchmark makes afresh on every run.
const DATABASE: &str = "prosektor_bench_logs";
/// How many of the runs are their project's published one (their lines survive retention).
const PUBLISHED_RUNS: u64 = 10;
/// The span the lines are spread over, in days (from three days ahead, past the partition of
/// the lines a database had when it was partitioned).
const SPAN_DAYS: i64 = 30;

/// What to write.
#[derive(Debug, Clone)]
pub struct LogPlan {
    /// The PostgreSQL server (any database on it).
    pub server_url: String,
    /// Runs written to.
    pub runs: u64,
    /// Lines written by each of the two ways.
    pub lines: u64,
    /// Concurrent workers, each holding its share of the runs.
    pub workers: u64,
    /// Lines per batch.
    pub batch: usize,
}

/// One way of writing, measured.
#[derive(Debug, Clone, Copy)]
pub struct Rate {
    /// Lines written.
    pub lines: u64,
    /// How long it took.
    pub took: Duration,
}

impl Rate {
    /// Lines per second.
    pub fn per_second(self) -> f64 {
        self.lines as f64 / self.took.as_secs_f64()
    }
}

/// Retention of the month, measured.
#[derive(Debug, Clone, Copy)]
pub struct Expiry {
    /// Partitions dropped.
    pub partitions: u64,
    /// Lines of published runs kept aside.
    pub kept_lines: u64,
    /// How long it took.
    pub took: Duration,
    /// Bytes of the log partitions (tables and indexes) before.
    pub bytes_before: i64,
    /// Bytes after (partitions left, which are the days ahead, and the kept lines).
    pub bytes_after: i64,
}

/// Runs the benchmark and answers its markdown report.
///
/// # Errors
/// When the server refuses a statement or a write fails.
pub async fn run(plan: &LogPlan) -> anyhow::Result<String> {
    let url = fresh_database(&plan.server_url).await?;
    prosektor_persistence::migrate(
        &url,
        prosektor_persistence::Rollout::Contract,
        prosektor_persistence::BackfillSettings::default(),
    )
    .await
    .context("migrating the log database")?;
    let settings = PoolSettings {
        max_connections: u32::try_from(plan.workers).unwrap_or(u32::MAX) + 2,
        acquire_timeout: Duration::from_secs(30),
        statement_timeout: None,
        lazy: false,
        application_name: Some("prosektor-bench-logs".into()),
        ..PoolSettings::default()
    };
    let db = prosektor_persistence::connect(&url, &settings).await?;
    let repo = Arc::new(PgPipelineRunRepository::new(db.clone()));
    let runs = hold_runs(&db, &repo, plan).await?;
    let start = span_start(&db).await?;

    eprintln!("writing {} lines one per statement", plan.lines);
    let per_line = write(&repo, &runs, plan, start, Batching::PerLine).await?;
    eprintln!("writing {} lines in batches of {}", plan.lines, plan.batch);
    let batched = write(&repo, &runs, plan, start, Batching::Batches).await?;
    let expiry = expire(&db, &repo, start).await?;
    db.close().await?;
    Ok(report(plan, per_line, batched, expiry))
}

/// Drops and creates the benchmark's database; answers its URL.
async fn fresh_database(server_url: &str) -> anyhow::Result<String> {
    let server = connect(server_url).await?;
    server
        .execute_unprepared(&format!("DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)"))
        .await?;
    server
        .execute_unprepared(&format!("CREATE DATABASE {DATABASE}"))
        .await?;
    server.close().await?;
    database_url(server_url, DATABASE)
}

/// A company with `runs` projects, each with one run held by worker `w<i % workers>`.
async fn hold_runs(
    db: &DatabaseConnection,
    repo: &PgPipelineRunRepository,
    plan: &LogPlan,
) -> anyhow::Result<Vec<(String, PipelineRun)>> {
    // Numbers only, from the command line: written into the script.
    let (runs, workers) = (plan.runs, plan.workers);
    let published = PUBLISHED_RUNS.min(plan.runs);
    db.execute_unprepared(&format!(
        "INSERT INTO companies (id, name) VALUES (md5('logs')::uuid, 'Log OSGB');
         INSERT INTO web_projects (id, company_id, name)
             SELECT md5('logs' || i)::uuid, md5('logs')::uuid, 'Site ' || i
             FROM generate_series(1, {runs}) i;
         INSERT INTO pipeline_runs (id, project_id, status, attempt, started_at, heartbeat_at, worker)
             SELECT md5('logs' || i)::uuid, md5('logs' || i)::uuid, 'RUNNING', 1, now(), now(),
                    'w' || (i % {workers})
             FROM generate_series(1, {runs}) i;
         UPDATE web_projects SET published_run_id = id WHERE id IN
             (SELECT md5('logs' || i)::uuid FROM generate_series(1, {published}) i);"
    ))
    .await
    .context("holding the runs")?;
    let mut runs = Vec::new();
    for i in 1..=plan.runs {
        let id: uuid::Uuid = db
            .query_one_raw(Statement::from_string(
                DbBackend::Postgres,
                format!("SELECT md5('logs{i}')::uuid"),
            ))
            .await?
            .context("an id")?
            .try_get_by_index(0)?;
        let run = repo.get(TenantScope::All, RunId::from_uuid(id)).await?;
        runs.push((format!("w{}", i % plan.workers), run));
    }
    Ok(runs)
}

/// The first moment of the span the lines are spread over, with its partitions made ready.
async fn span_start(db: &DatabaseConnection) -> anyhow::Result<DateTime<Utc>> {
    let row = db
        .query_one_raw(Statement::from_string(
            DbBackend::Postgres,
            format!(
                "SELECT ensure_run_log_partitions((now() AT TIME ZONE 'UTC')::date + {}), \
                 date_trunc('day', now()) + interval '3 days'",
                SPAN_DAYS + 4
            ),
        ))
        .await?
        .context("a start")?;
    Ok(row.try_get_by_index(1)?)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Batching {
    PerLine,
    Batches,
}

/// Writes `plan.lines` lines over the runs, each worker its own runs, the lines of a run spread
/// over the span in order; answers the rate.
async fn write(
    repo: &Arc<PgPipelineRunRepository>,
    runs: &[(String, PipelineRun)],
    plan: &LogPlan,
    start: DateTime<Utc>,
    batching: Batching,
) -> anyhow::Result<Rate> {
    let per_run = plan.lines / plan.runs;
    let step = chrono::Duration::days(SPAN_DAYS) / i32::try_from(per_run.max(1))?;
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for worker in 0..plan.workers {
        let name = format!("w{worker}");
        let mine: Vec<PipelineRun> = runs
            .iter()
            .filter(|(holder, _)| *holder == name)
            .map(|(_, run)| run.clone())
            .collect();
        let (repo, batch) = (repo.clone(), plan.batch);
        tasks.spawn(async move {
            for run in &mine {
                let lines: Vec<NewLogLine> = (0..per_run)
                    .map(|i| {
                        let at = start + step * i32::try_from(i).unwrap_or(i32::MAX);
                        let message = format!("[3/5] generate: page {i} of the site, 512 tokens");
                        NewLogLine::new(at, LogLevel::Info, &message).expect("a valid line")
                    })
                    .collect();
                match batching {
                    Batching::PerLine => {
                        for line in &lines {
                            repo.append_log(run.id(), line.level(), line.message(), line.at())
                                .await?;
                        }
                    }
                    Batching::Batches => {
                        for chunk in lines.chunks(batch) {
                            repo.append_logs(run, &name, chunk).await?;
                        }
                    }
                }
            }
            Ok::<_, prosektor_application::RepositoryError>(())
        });
    }
    while let Some(done) = tasks.join_next().await {
        done.context("a writer")??;
    }
    Ok(Rate {
        lines: per_run * plan.runs,
        took: started.elapsed(),
    })
}

/// The log partitions' bytes (tables and their indexes).
async fn log_bytes(db: &DatabaseConnection) -> anyhow::Result<i64> {
    let row = db
        .query_one_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT coalesce(sum(pg_total_relation_size(i.inhrelid)), 0)::bigint \
             + pg_total_relation_size('pipeline_run_logs_kept') \
             FROM pg_inherits i WHERE i.inhparent = 'pipeline_run_logs'::regclass",
        ))
        .await?
        .context("a size")?;
    Ok(row.try_get_by_index(0)?)
}

/// Retention of the whole span, timed.
async fn expire(
    db: &DatabaseConnection,
    repo: &PgPipelineRunRepository,
    start: DateTime<Utc>,
) -> anyhow::Result<Expiry> {
    db.execute_unprepared("VACUUM ANALYZE").await?;
    let bytes_before = log_bytes(db).await?;
    let started = Instant::now();
    let retention = repo
        .expire_logs(start + chrono::Duration::days(SPAN_DAYS + 1))
        .await?;
    let took = started.elapsed();
    Ok(Expiry {
        partitions: retention.expired,
        kept_lines: retention.kept_lines,
        took,
        bytes_before,
        bytes_after: log_bytes(db).await?,
    })
}

fn report(plan: &LogPlan, per_line: Rate, batched: Rate, expiry: Expiry) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "## Run logs: {} lines over {} runs, {} workers\n\n\
         | writing | lines | seconds | lines/s |\n|---|---:|---:|---:|",
        plan.lines, plan.runs, plan.workers
    );
    for (name, rate) in [
        (
            "one line per statement (before batching)".to_owned(),
            per_line,
        ),
        (format!("batches of {} lines", plan.batch), batched),
    ] {
        let _ = writeln!(
            out,
            "| {name} | {} | {:.1} | {:.0} |",
            rate.lines,
            rate.took.as_secs_f64(),
            rate.per_second()
        );
    }
    let mib = |bytes: i64| bytes as f64 / (1024.0 * 1024.0);
    let _ = writeln!(
        out,
        "\n## Retention of the month\n\n\
         | partitions dropped | published lines kept | seconds | log bytes before | after |\n\
         |---:|---:|---:|---:|---:|\n\
         | {} | {} | {:.3} | {:.1} MiB | {:.1} MiB |",
        expiry.partitions,
        expiry.kept_lines,
        expiry.took.as_secs_f64(),
        mib(expiry.bytes_before),
        mib(expiry.bytes_after)
    );
    out
}
