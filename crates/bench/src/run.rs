//! One `make bench`: for each scale, prepare its database, write the request files and pgbench
//! scripts, start the release server, and drive both sides. The first scale gets every table
//! (side by side at 1, 8 and 32 connections, the mix, logins, memory); the others get the
//! patterns at 32 connections for the growth table.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context;
use chrono::Utc;
use prosektor_persistence::seed::Scale;

use crate::database::{BenchDatabase, scale_name};
use crate::figures::Figures;
use crate::keys::{Key, KeySpace};
use crate::pgbench::{PgBench, WeightedScript};
use crate::report::{Growth, Logins, Report, SideBySide};
use crate::server::Server;
use crate::workload::{Pattern, Requests};
use crate::wrk::Wrk;

/// The server's signing secret during the run (the benchmark mints tokens with it).
const JWT_SECRET: &str = "prosektor-bench-secret-not-for-production";
/// The concurrencies of the side-by-side tables.
const CONNECTIONS: [u32; 3] = [1, 8, 32];
/// The concurrency of the targets, the growth table and the login flood.
const HIGH: u32 = 32;

/// What to run.
#[derive(Debug, Clone)]
pub struct Plan {
    /// PostgreSQL server URL (any database on it; the benchmark creates its own).
    pub server_url: String,
    /// The release `prosektor-server` binary.
    pub binary: PathBuf,
    /// Scales, the first one getting the full tables.
    pub scales: Vec<Scale>,
    /// How long each load runs.
    pub duration: Duration,
    /// Where request files, scripts, logs and the report go.
    pub out: PathBuf,
    /// Where the server listens.
    pub listen: SocketAddr,
}

/// The files of one scale's workload.
struct Workload {
    requests: Vec<(Pattern, PathBuf)>,
    scripts: Vec<(Pattern, PathBuf)>,
    mix: PathBuf,
    logins: PathBuf,
}

impl Workload {
    fn requests(&self, pattern: Pattern) -> &Path {
        lookup(&self.requests, pattern)
    }

    fn script(&self, pattern: Pattern) -> Vec<WeightedScript> {
        vec![WeightedScript {
            path: lookup(&self.scripts, pattern).to_owned(),
            weight: 1,
        }]
    }

    fn mix_scripts(&self) -> Vec<WeightedScript> {
        self.scripts
            .iter()
            .map(|(pattern, path)| WeightedScript {
                path: path.clone(),
                weight: pattern.mix_percent(),
            })
            .collect()
    }
}

fn lookup(files: &[(Pattern, PathBuf)], pattern: Pattern) -> &Path {
    files
        .iter()
        .find(|(candidate, _)| *candidate == pattern)
        .map(|(_, path)| path.as_path())
        .expect("a file for every pattern")
}

/// Runs `plan` and returns its report.
///
/// # Errors
/// When a database, the server or a load tool fails.
pub async fn run(plan: &Plan) -> anyhow::Result<Report> {
    std::fs::create_dir_all(&plan.out)
        .with_context(|| format!("creating {}", plan.out.display()))?;
    let wrk = Wrk::install(&plan.out)?;
    let mut report = Report {
        main_scale: plan
            .scales
            .first()
            .map(|&s| scale_name(s))
            .unwrap_or("")
            .to_owned(),
        duration: plan.duration,
        ..Report::default()
    };
    for (index, &scale) in plan.scales.iter().enumerate() {
        let name = scale_name(scale);
        println!("== {name}: preparing the database");
        let database = BenchDatabase::prepare(&plan.server_url, scale).await?;
        if let Some(took) = database.seeded_in {
            report.seeding.push((name.to_owned(), took));
        }
        let work_dir = plan.out.join(name);
        std::fs::create_dir_all(&work_dir)?;
        let workload = write_workload(&database, &work_dir).await?;
        let server = Server::start(&plan.binary, &database.url, plan.listen, JWT_SECRET).await?;
        let session = Session {
            wrk: &wrk,
            pgbench: PgBench::new(&database.url, &work_dir),
            server: &server,
            workload: &workload,
            duration: plan.duration,
        };
        session.warm_up().await?;
        if index == 0 {
            report.side_by_side = session.side_by_side().await?;
            report.logins = Some(session.logins().await?);
            report.peak_rss_kib = Some(server.peak_rss_kib()?);
            report.growth.push(growth_from(name, &report.side_by_side));
        } else {
            report.growth.push(session.growth(name).await?);
        }
        server.stop().await?;
    }
    // The main scale's growth column goes where its size puts it.
    report
        .growth
        .sort_by_key(|growth| scale_rank(&growth.scale));
    Ok(report)
}

fn scale_rank(name: &str) -> u8 {
    match name {
        "small" => 0,
        "medium" => 1,
        _ => 2,
    }
}

/// The growth column of the main scale, from its side-by-side rows at [`HIGH`] connections.
fn growth_from(scale: &str, rows: &[SideBySide]) -> Growth {
    Growth {
        scale: scale.to_owned(),
        patterns: rows
            .iter()
            .filter(|row| row.connections == HIGH && row.pattern != "mix")
            .map(|row| (row.pattern.clone(), row.api))
            .collect(),
    }
}

async fn write_workload(database: &BenchDatabase, dir: &Path) -> anyhow::Result<Workload> {
    let db = crate::database::connect(&database.url).await?;
    let space = KeySpace::new(database.volumes);
    let keys: Vec<Key> = space.load(&db).await?;
    let admin = crate::keys::admin_id(&db).await?;
    db.close().await?;
    let requests = Requests::new(JWT_SECRET, admin)?;
    let today = Utc::now().date_naive();
    let mut workload = Workload {
        requests: Vec::new(),
        scripts: Vec::new(),
        mix: dir.join("mix.requests"),
        logins: dir.join("logins.requests"),
    };
    for pattern in Pattern::ALL {
        let request_file = dir.join(format!("{}.requests", pattern.name()));
        std::fs::write(&request_file, requests.lines(pattern, &keys))?;
        workload.requests.push((pattern, request_file));
        let script_file = dir.join(format!("{}.sql", pattern.name()));
        std::fs::write(&script_file, crate::sql::script(pattern, &space, today))?;
        workload.scripts.push((pattern, script_file));
    }
    std::fs::write(&workload.mix, requests.mix_lines(&keys))?;
    std::fs::write(
        &workload.logins,
        Requests::login_lines(database.volumes.companies),
    )?;
    Ok(workload)
}

/// The loads of one scale against one running server.
struct Session<'a> {
    wrk: &'a Wrk,
    pgbench: PgBench,
    server: &'a Server,
    workload: &'a Workload,
    duration: Duration,
}

impl Session<'_> {
    async fn api(&self, requests: &Path, connections: u32) -> anyhow::Result<Figures> {
        self.wrk
            .run(self.server.base_url(), requests, connections, self.duration)
            .await
    }

    /// Every pattern once through the API, so that the pool is full and the keys' pages are in
    /// memory before anything is measured (a large scale does not fit PostgreSQL's buffers).
    async fn warm_up(&self) -> anyhow::Result<()> {
        for pattern in Pattern::ALL {
            let figures = self.api(self.workload.requests(pattern), HIGH).await?;
            println!("   warm-up, {}: {figures}", pattern.name());
        }
        Ok(())
    }

    async fn side_by_side(&self) -> anyhow::Result<Vec<SideBySide>> {
        let mut rows = Vec::new();
        for pattern in Pattern::ALL {
            for connections in CONNECTIONS {
                let api = self
                    .api(self.workload.requests(pattern), connections)
                    .await?;
                let sql = self
                    .pgbench
                    .run(&self.workload.script(pattern), connections, self.duration)
                    .await?;
                println!(
                    "   {} at {connections} connections: API {api}; SQL {sql}",
                    pattern.name()
                );
                rows.push(SideBySide {
                    pattern: pattern.name().to_owned(),
                    connections,
                    api,
                    sql,
                });
            }
        }
        for connections in CONNECTIONS {
            let api = self.api(&self.workload.mix, connections).await?;
            let sql = self
                .pgbench
                .run(&self.workload.mix_scripts(), connections, self.duration)
                .await?;
            println!("   mix at {connections} connections: API {api}; SQL {sql}");
            rows.push(SideBySide {
                pattern: "mix".to_owned(),
                connections,
                api,
                sql,
            });
        }
        Ok(rows)
    }

    async fn logins(&self) -> anyhow::Result<Logins> {
        println!("   logins alone, then the dashboard quiet and during a login flood");
        let alone = self.api(&self.workload.logins, HIGH).await?;
        let dashboard = self.workload.requests(Pattern::Dashboard);
        let dashboard_quiet = self.api(dashboard, HIGH).await?;
        let (dashboard_flooded, flood) = tokio::try_join!(
            self.api(dashboard, HIGH),
            self.api(&self.workload.logins, HIGH)
        )?;
        Ok(Logins {
            alone,
            dashboard_quiet,
            dashboard_flooded,
            flood,
        })
    }

    async fn growth(&self, scale: &str) -> anyhow::Result<Growth> {
        let mut patterns = Vec::new();
        for pattern in Pattern::ALL {
            let figures = self.api(self.workload.requests(pattern), HIGH).await?;
            println!("   {} at {HIGH} connections: API {figures}", pattern.name());
            patterns.push((pattern.name().to_owned(), figures));
        }
        Ok(Growth {
            scale: scale.to_owned(),
            patterns,
        })
    }
}
