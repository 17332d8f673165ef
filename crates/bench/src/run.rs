//! One `make bench`: for each scale, prepare its database, write the request files and pgbench
//! scripts, start the release server, and drive both sides. The first scale gets every table
//! (side by side at 1, 8 and 32 connections, the mix, logins, memory); the others get the
//! patterns at 32 connections for the growth table.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use anyhow::Context;
use chrono::Utc;
use prosektor_dataset::Scale;
use prosektor_progress::Progress;

use crate::cpu::{Cost, CpuMeter};
use crate::database::BenchDatabase;
use crate::figures::Figures;
use crate::floor::Framework;
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
/// The concurrencies of the floor's table (where the machine is busy).
const FLOOR_CONNECTIONS: [u32; 2] = [8, HIGH];

/// What to run.
#[derive(Debug, Clone)]
pub struct Plan {
    /// PostgreSQL server URL (any database on it; the benchmark creates its own).
    pub server_url: String,
    /// The release `prosektor-server` binary.
    pub binary: PathBuf,
    /// The release `prosektor-bench-floor` binary (`crate::floor`).
    pub floor_binary: PathBuf,
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
            .map(|&s| s.name())
            .unwrap_or("")
            .to_owned(),
        duration: plan.duration,
        ..Report::default()
    };
    let loads = plan
        .scales
        .iter()
        .enumerate()
        .map(|(index, _)| loads_at(index))
        .sum();
    let progress = Mutex::new(Progress::new("benchmark", loads));
    for (index, &scale) in plan.scales.iter().enumerate() {
        let name = scale.name();
        say(&progress, &format!("== {name}: preparing the database"));
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
            // Only the first scale's side-by-side loads are costed.
            meter: server.pid().filter(|_| index == 0).and_then(CpuMeter::new),
            workload: &workload,
            duration: plan.duration,
            scale: name,
            progress: &progress,
        };
        session.warm_up().await?;
        if index == 0 {
            report.side_by_side = session.side_by_side().await?;
            report.logins = Some(session.logins().await?);
            report.peak_rss_kib = Some(server.peak_rss_kib()?);
            report.floor = session
                .floor(&plan.floor_binary, &database.url, plan.listen)
                .await?;
            report.growth.push(growth_from(name, &report.side_by_side));
        } else {
            report.growth.push(session.growth(name).await?);
        }
        server.stop().await?;
    }
    progress
        .into_inner()
        .map_err(|_| anyhow::anyhow!("the progress display panicked"))?
        .finish();
    // The main scale's growth column goes where its size puts it.
    report
        .growth
        .sort_by_key(|growth| scale_rank(&growth.scale));
    Ok(report)
}

/// The mix through a running fleet behind `target` (`scripts/cluster-bench.sh`) whose primary
/// holds `database_url`, seeded with `scale` on first use: a warm-up, then the mix at 8 and 32
/// connections for `duration` each; the request files go to `out`. The fleet must sign tokens
/// with the benchmark's secret (`prosektor-bench-secret-not-for-production`).
///
/// # Errors
/// When the database or wrk fails.
pub async fn fleet_mix(
    target: &str,
    database_url: &str,
    scale: Scale,
    duration: Duration,
    out: &Path,
) -> anyhow::Result<Vec<(u32, Figures)>> {
    std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
    let wrk = Wrk::install(out)?;
    let database = BenchDatabase::ready(database_url.to_owned(), scale).await?;
    let workload = write_workload(&database, out).await?;
    wrk.run(target, &workload.mix, HIGH, duration).await?;
    let mut rows = Vec::new();
    for connections in [8, HIGH] {
        rows.push((
            connections,
            wrk.run(target, &workload.mix, connections, duration)
                .await?,
        ));
    }
    Ok(rows)
}

/// How many loads the scale at `index` of the plan runs: the main scale (0) every table, the others
/// the growth column; each after a warm-up of every pattern.
fn loads_at(index: usize) -> u64 {
    let patterns = Pattern::ALL.len() as u64;
    let levels = CONNECTIONS.len() as u64;
    let warm_up = patterns;
    if index == 0 {
        // Both sides of every pattern and of the mix at each level; logins alone, the dashboard
        // quiet, then the two of the flood together; the floor's servers warmed up, then `/me`
        // through the server, each floor server and pgbench at each of its levels.
        let floors = Framework::ALL.len() as u64;
        let floor = floors + (floors + 2) * FLOOR_CONNECTIONS.len() as u64;
        warm_up + 2 * (patterns + 1) * levels + 3 + floor
    } else {
        warm_up + patterns
    }
}

/// Prints `line` beside the progress display.
fn say(progress: &Mutex<Progress>, line: &str) {
    if let Ok(mut progress) = progress.lock() {
        progress.println(line);
    }
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
    meter: Option<CpuMeter>,
    workload: &'a Workload,
    duration: Duration,
    scale: &'a str,
    progress: &'a Mutex<Progress>,
}

impl Session<'_> {
    async fn api(&self, requests: &Path, connections: u32) -> anyhow::Result<Figures> {
        self.through(self.server, requests, connections).await
    }

    /// `/me` through `server` at `connections`.
    async fn me_through(&self, server: &Server, connections: u32) -> anyhow::Result<Figures> {
        let requests = self.workload.requests(Pattern::Me);
        self.through(server, requests, connections).await
    }

    /// The lines of `requests` through `server` at `connections`.
    async fn through(
        &self,
        server: &Server,
        requests: &Path,
        connections: u32,
    ) -> anyhow::Result<Figures> {
        self.wrk
            .run(server.base_url(), requests, connections, self.duration)
            .await
    }

    /// Runs `load`, described as `what` on the progress display, and counts it done.
    async fn measured(
        &self,
        what: &str,
        load: impl Future<Output = anyhow::Result<Figures>>,
    ) -> anyhow::Result<Figures> {
        if let Ok(mut progress) = self.progress.lock() {
            progress.doing(&format!("{}: {what}", self.scale));
        }
        let figures = load.await?;
        if let Ok(mut progress) = self.progress.lock() {
            progress.advance(1);
        }
        Ok(figures)
    }

    /// [`Self::measured`], its figures printed after `label` beside the progress display.
    async fn told(
        &self,
        what: &str,
        label: &str,
        load: impl Future<Output = anyhow::Result<Figures>>,
    ) -> anyhow::Result<Figures> {
        let figures = self.measured(what, load).await?;
        say(self.progress, &format!("   {label}: {figures}"));
        Ok(figures)
    }

    /// [`Self::measured`], with what the load cost each process per request when the meter
    /// could read it.
    async fn metered(
        &self,
        what: &str,
        load: impl Future<Output = anyhow::Result<Figures>>,
    ) -> anyhow::Result<(Figures, Option<Cost>)> {
        self.metered_by(self.meter.as_ref(), what, load).await
    }

    /// [`Self::metered`] with `meter`, which watches the server under load.
    async fn metered_by(
        &self,
        meter: Option<&CpuMeter>,
        what: &str,
        load: impl Future<Output = anyhow::Result<Figures>>,
    ) -> anyhow::Result<(Figures, Option<Cost>)> {
        let before = meter.and_then(CpuMeter::read);
        let figures = self.measured(what, load).await?;
        let cost = match (meter, before) {
            (Some(meter), Some(before)) => meter
                .read()
                .and_then(|after| meter.cost(&before, &after, figures.completed)),
            _ => None,
        };
        Ok((figures, cost))
    }

    /// Every pattern once through the API, so that the pool is full and the keys' pages are in
    /// memory before anything is measured (a large scale does not fit PostgreSQL's buffers).
    async fn warm_up(&self) -> anyhow::Result<()> {
        for pattern in Pattern::ALL {
            let name = pattern.name();
            let load = self.api(self.workload.requests(pattern), HIGH);
            self.told(
                &format!("warming up, {name}"),
                &format!("warm-up, {name}"),
                load,
            )
            .await?;
        }
        Ok(())
    }

    async fn side_by_side(&self) -> anyhow::Result<Vec<SideBySide>> {
        let mut rows = Vec::new();
        for pattern in Pattern::ALL {
            for connections in CONNECTIONS {
                let name = pattern.name();
                let api = self.api(self.workload.requests(pattern), connections);
                let what = format!("{name} at {connections} connections through the API");
                let (api, api_cost) = self.metered(&what, api).await?;
                let script = self.workload.script(pattern);
                let sql = self.pgbench.run(&script, connections, self.duration);
                let what = format!("{name} at {connections} connections through pgbench");
                let (sql, sql_cost) = self.metered(&what, sql).await?;
                say(
                    self.progress,
                    &format!("   {name} at {connections} connections: API {api}; SQL {sql}"),
                );
                rows.push(SideBySide {
                    pattern: pattern.name().to_owned(),
                    connections,
                    api,
                    sql,
                    costs: api_cost.zip(sql_cost),
                });
            }
        }
        for connections in CONNECTIONS {
            let api = self.api(&self.workload.mix, connections);
            let what = format!("the mix at {connections} connections through the API");
            let (api, api_cost) = self.metered(&what, api).await?;
            let scripts = self.workload.mix_scripts();
            let sql = self.pgbench.run(&scripts, connections, self.duration);
            let what = format!("the mix at {connections} connections through pgbench");
            let (sql, sql_cost) = self.metered(&what, sql).await?;
            say(
                self.progress,
                &format!("   mix at {connections} connections: API {api}; SQL {sql}"),
            );
            rows.push(SideBySide {
                pattern: "mix".to_owned(),
                connections,
                api,
                sql,
                costs: api_cost.zip(sql_cost),
            });
        }
        Ok(rows)
    }

    /// The floor (`crate::floor`): the floor servers started from `binary` beside the running
    /// server on `database_url`, each warmed up; then at each of [`FLOOR_CONNECTIONS`], `/me`
    /// through the server, through each floor server and through pgbench, one after another so
    /// that the machine's drift touches them alike. One row per server and level, each beside
    /// that level's pgbench figures.
    async fn floor(
        &self,
        binary: &Path,
        database_url: &str,
        listen: SocketAddr,
    ) -> anyhow::Result<Vec<SideBySide>> {
        let mut floors = Vec::new();
        for (offset, framework) in (1..).zip(Framework::ALL) {
            let port = listen.port().checked_add(offset).with_context(|| {
                format!("the floor servers listen on the ports after {listen}'s")
            })?;
            let address = SocketAddr::new(listen.ip(), port);
            let server =
                Server::start_floor(binary, framework, database_url, address, JWT_SECRET).await?;
            let name = framework.name();
            let warm = self.me_through(&server, HIGH);
            let what = format!("warming up the bare {name}");
            self.told(&what, &format!("warm-up, bare {name}"), warm)
                .await?;
            let meter = server.pid().and_then(CpuMeter::new);
            floors.push((format!("bare {name}"), server, meter));
        }
        let mut rows = Vec::new();
        for connections in FLOOR_CONNECTIONS {
            let mut loads = Vec::new();
            let servers = std::iter::once((
                "prosektor-server".to_owned(),
                self.server,
                self.meter.as_ref(),
            ))
            .chain(
                floors
                    .iter()
                    .map(|(name, server, meter)| (name.clone(), server, meter.as_ref())),
            );
            for (name, server, meter) in servers {
                let what = format!("me at {connections} connections through {name}");
                let load = self.me_through(server, connections);
                loads.push((name, self.metered_by(meter, &what, load).await?));
            }
            let script = self.workload.script(Pattern::Me);
            let sql = self.pgbench.run(&script, connections, self.duration);
            let what = format!("me at {connections} connections through pgbench, again");
            let (sql, sql_cost) = self.metered(&what, sql).await?;
            for (name, (api, api_cost)) in loads {
                say(
                    self.progress,
                    &format!("   me at {connections} connections, {name}: {api}; SQL {sql}"),
                );
                rows.push(SideBySide {
                    pattern: name,
                    connections,
                    api,
                    sql,
                    costs: api_cost.zip(sql_cost),
                });
            }
        }
        for (_, server, _) in floors {
            server.stop().await?;
        }
        Ok(rows)
    }

    async fn logins(&self) -> anyhow::Result<Logins> {
        let logins = &self.workload.logins;
        let alone = self
            .measured("logins alone", self.api(logins, HIGH))
            .await?;
        let dashboard = self.workload.requests(Pattern::Dashboard);
        let dashboard_quiet = self
            .measured("the dashboard, quiet", self.api(dashboard, HIGH))
            .await?;
        let flooded = async { tokio::try_join!(self.api(dashboard, HIGH), self.api(logins, HIGH)) };
        let mut flood = None;
        let dashboard_flooded = self
            .measured("the dashboard during a login flood", async {
                let (dashboard, logins) = flooded.await?;
                flood = Some(logins);
                Ok(dashboard)
            })
            .await?;
        let flood = flood.ok_or_else(|| anyhow::anyhow!("the flood ran without figures"))?;
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
            let name = pattern.name();
            let load = self.api(self.workload.requests(pattern), HIGH);
            let what = format!("{name} at {HIGH} connections");
            let figures = self.told(&what, &format!("{what}: API"), load).await?;
            patterns.push((name.to_owned(), figures));
        }
        Ok(Growth {
            scale: scale.to_owned(),
            patterns,
        })
    }
}
