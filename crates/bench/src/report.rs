//! The report: markdown tables of every figure, and whether each target of the issue was met.

use std::fmt::Write as _;
use std::time::Duration;

use crate::cpu::Cost;
use crate::figures::Figures;
use crate::workload::Pattern;

/// The mix's p99 target at 32 connections (each pattern has its own, [`Pattern::p99_target`]).
const MIX_P99: Duration = Duration::from_millis(25);

/// The targets at the main scale with 32 connections.
pub const TARGET_RATIO: f64 = 0.5;
/// The API/SQL ratio the cost table gives the server's budget for (the speed issue's floor at 8
/// and 32 connections).
pub const FLOOR_RATIO: f64 = 0.6;
/// The fewest connections at which both sides keep the machine busy, so that the cost table's
/// ceiling and budget hold.
const BUSY_FROM_CONNECTIONS: u32 = 8;
/// The dashboard's p99 during a login flood, at most this many times its quiet value.
pub const TARGET_FLOOD_FACTOR: f64 = 2.0;
/// Peak resident memory of the server.
pub const TARGET_RSS_KIB: u64 = 150 * 1024;

/// One pattern (or the mix) at one concurrency: the API and the same SQL through pgbench.
#[derive(Debug, Clone)]
pub struct SideBySide {
    /// Pattern name.
    pub pattern: String,
    /// Concurrent connections.
    pub connections: u32,
    /// Through the HTTP API.
    pub api: Figures,
    /// The same statements through pgbench.
    pub sql: Figures,
    /// What each side cost the machine per request (API, SQL), where `/proc` could be read.
    pub costs: Option<(Cost, Cost)>,
}

impl SideBySide {
    /// API throughput over raw SQL throughput.
    pub fn ratio(&self) -> f64 {
        let sql = self.sql.throughput();
        if sql == 0.0 {
            0.0
        } else {
            self.api.throughput() / sql
        }
    }
}

/// The login figures.
#[derive(Debug, Clone, Copy)]
pub struct Logins {
    /// Logins alone at 32 connections.
    pub alone: Figures,
    /// The dashboard at 32 connections, quiet.
    pub dashboard_quiet: Figures,
    /// The dashboard at 32 connections during a 32-connection login flood.
    pub dashboard_flooded: Figures,
    /// The logins of the flood.
    pub flood: Figures,
}

/// One scale's API figures at 32 connections, for the growth table.
#[derive(Debug, Clone)]
pub struct Growth {
    /// `small`, `medium` or `large`.
    pub scale: String,
    /// Pattern name and its figures.
    pub patterns: Vec<(String, Figures)>,
}

/// Everything one `make bench` measured.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// The scale of the side-by-side tables.
    pub main_scale: String,
    /// Seeding times of this run (scales already seeded are not listed).
    pub seeding: Vec<(String, Duration)>,
    /// Patterns and mix, API beside pgbench.
    pub side_by_side: Vec<SideBySide>,
    /// `/me` through the server and through each floor server (`crate::floor`), beside pgbench:
    /// the row's `pattern` names the server.
    pub floor: Vec<SideBySide>,
    /// Logins and the flood.
    pub logins: Option<Logins>,
    /// API figures per scale.
    pub growth: Vec<Growth>,
    /// The server's peak resident memory at the main scale, KiB.
    pub peak_rss_kib: Option<u64>,
    /// How long each load ran.
    pub duration: Duration,
}

fn ms(duration: Duration) -> String {
    format!("{:.2}", duration.as_secs_f64() * 1000.0)
}

/// The cells both side-by-side tables open a row with: what ran, its connections, the API's
/// figures, and the SQL's throughput.
fn api_cells(row: &SideBySide) -> String {
    format!(
        "| {} | {} | {:.0} | {} | {} | {} | {:.0} |",
        row.pattern,
        row.connections,
        row.api.throughput(),
        ms(row.api.p50),
        ms(row.api.p99),
        row.api.errors,
        row.sql.throughput(),
    )
}

fn verdict(met: bool) -> &'static str {
    if met { "met" } else { "MISSED" }
}

impl Report {
    /// The report as markdown.
    pub fn to_markdown(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "# prosektor-bench: {} scale, {} s per load\n",
            self.main_scale,
            self.duration.as_secs()
        );
        for (scale, took) in &self.seeding {
            let _ = writeln!(out, "Seeded {scale} in {:.1} s.\n", took.as_secs_f64());
        }
        self.write_side_by_side(&mut out);
        self.write_costs(&mut out);
        self.write_floor(&mut out);
        self.write_logins(&mut out);
        self.write_growth(&mut out);
        if let Some(kib) = self.peak_rss_kib {
            let _ = writeln!(
                out,
                "## Memory\n\nServer peak RSS (VmHWM) after every load above: {:.1} MiB (target < {} MiB: {}).\n",
                kib as f64 / 1024.0,
                TARGET_RSS_KIB / 1024,
                verdict(kib < TARGET_RSS_KIB)
            );
        }
        out
    }

    fn write_side_by_side(&self, out: &mut String) {
        if self.side_by_side.is_empty() {
            return;
        }
        let _ = writeln!(
            out,
            "## API beside the same SQL through pgbench\n\n\
             | pattern | conns | API req/s | API p50 ms | API p99 ms | API errors | SQL tx/s | SQL p50 ms | SQL p99 ms | API/SQL | API/SQL >= 0.5 | p99 < 25 ms (autocomplete 5 ms), no errors |\n\
             |---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|"
        );
        for row in &self.side_by_side {
            // The targets are set at 32 connections; the mix has no ratio target.
            let target = Pattern::named(&row.pattern).map_or(MIX_P99, Pattern::p99_target);
            let latency = verdict(row.api.p99 < target && row.api.errors == 0);
            let (ratio, latency) = match (row.connections, row.pattern.as_str()) {
                (32, "mix") => ("", latency),
                (32, _) => (verdict(row.ratio() >= TARGET_RATIO), latency),
                _ => ("", ""),
            };
            let _ = writeln!(
                out,
                "{} {} | {} | {:.2} | {ratio} | {latency} |",
                api_cells(row),
                ms(row.sql.p50),
                ms(row.sql.p99),
                row.ratio(),
            );
        }
        out.push('\n');
    }

    fn write_costs(&self, out: &mut String) {
        let rows: Vec<_> = self
            .side_by_side
            .iter()
            .filter_map(|row| row.costs.map(|costs| (row, costs)))
            .collect();
        if rows.is_empty() {
            return;
        }
        let _ = writeln!(
            out,
            "## What a request cost each process (CPU µs per request, from /proc)\n\n\
             Both sides share the machine's cores, so where they keep it busy each side's rate is the \
             machine over its machine µs per request. *Ceiling*: the API/SQL ratio with a server \
             costing only what pgbench and wrk cost per request, everything else as measured. \
             *Budget*: what the server could spend per request for API/SQL {FLOOR_RATIO}. Both only \
             at 8 and more connections, where the machine is busy. *Preempted*: how many times per \
             request the kernel switched the server, wrk or pgbench out while it could still run \
             (involuntary context switches), each switch paid in the process's time.\n\n\
             | pattern | conns | API: server | wrk | PostgreSQL | machine | busy | SQL: pgbench | PostgreSQL | machine | busy | ceiling | budget | preempted: server | wrk | pgbench |\n\
             |---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
        );
        for (row, (api, sql)) in rows {
            let (ceiling, budget) = if row.connections >= BUSY_FROM_CONNECTIONS {
                (
                    format!("{:.2}", Cost::ceiling(&api, &sql)),
                    format!("{:.1}", Cost::server_budget(&api, &sql, FLOOR_RATIO)),
                )
            } else {
                (String::new(), String::new())
            };
            let _ = writeln!(
                out,
                "| {} | {} | {:.1} | {:.1} | {:.1} | {:.1} | {:.0} % | {:.1} | {:.1} | {:.1} | {:.0} % | {ceiling} | {budget} | {:.2} | {:.2} | {:.2} |",
                row.pattern,
                row.connections,
                api.server_us,
                api.client_us,
                api.postgres_us,
                api.machine_us,
                api.busy * 100.0,
                sql.client_us,
                sql.postgres_us,
                sql.machine_us,
                sql.busy * 100.0,
                api.server_preempted,
                api.client_preempted,
                sql.client_preempted,
            );
        }
        out.push('\n');
    }

    fn write_floor(&self, out: &mut String) {
        if self.floor.is_empty() {
            return;
        }
        let _ = writeln!(
            out,
            "## The floor: `/me` through servers that do nothing else\n\n\
             The same requests through the server and through two servers that only check the \
             token, send `/me`'s two statements on one of a fixed set of connections and answer \
             the names (`prosektor-bench-floor`: on hyper alone, and on poem-openapi as the \
             server is), one load after another, each level's SQL measured right after them. \
             Server and machine: CPU µs per request; preempted: the server's involuntary \
             switches per request.\n\n\
             | server | conns | req/s | p50 ms | p99 ms | errors | SQL tx/s | API/SQL | server µs | machine µs | preempted |\n\
             |---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
        );
        for row in &self.floor {
            let (server, machine, preempted) = row.costs.map_or_else(
                || (String::new(), String::new(), String::new()),
                |(api, _)| {
                    (
                        format!("{:.1}", api.server_us),
                        format!("{:.1}", api.machine_us),
                        format!("{:.2}", api.server_preempted),
                    )
                },
            );
            let _ = writeln!(
                out,
                "{} {:.2} | {server} | {machine} | {preempted} |",
                api_cells(row),
                row.ratio(),
            );
        }
        out.push('\n');
    }

    fn write_logins(&self, out: &mut String) {
        let Some(logins) = self.logins else { return };
        let factor = logins.dashboard_flooded.p99.as_secs_f64()
            / logins.dashboard_quiet.p99.as_secs_f64().max(f64::EPSILON);
        let _ = writeln!(
            out,
            "## Logins\n\n\
             | load | req/s | p50 ms | p99 ms | errors |\n|---|---:|---:|---:|---:|"
        );
        for (name, figures) in [
            ("logins alone, 32 conns", logins.alone),
            ("dashboard, 32 conns, quiet", logins.dashboard_quiet),
            (
                "dashboard, 32 conns, during the flood",
                logins.dashboard_flooded,
            ),
            ("login flood, 32 conns", logins.flood),
        ] {
            let _ = writeln!(
                out,
                "| {name} | {:.0} | {} | {} | {} |",
                figures.throughput(),
                ms(figures.p50),
                ms(figures.p99),
                figures.errors
            );
        }
        let _ = writeln!(
            out,
            "\nDashboard p99 during the flood / quiet: {factor:.2}x (target <= {TARGET_FLOOD_FACTOR}x: {}).\n",
            verdict(factor <= TARGET_FLOOD_FACTOR)
        );
    }

    fn write_growth(&self, out: &mut String) {
        if self.growth.len() < 2 {
            return;
        }
        let _ = write!(
            out,
            "## Growth (API, 32 conns, p50 / p99 ms)\n\n| pattern |"
        );
        for growth in &self.growth {
            let _ = write!(out, " {} |", growth.scale);
        }
        let _ = write!(out, "\n|---|");
        for _ in &self.growth {
            out.push_str("---:|");
        }
        out.push('\n');
        for (index, (pattern, _)) in self.growth[0].patterns.iter().enumerate() {
            let _ = write!(out, "| {pattern} |");
            for growth in &self.growth {
                if let Some((_, figures)) = growth.patterns.get(index) {
                    let _ = write!(out, " {} / {} |", ms(figures.p50), ms(figures.p99));
                }
            }
            out.push('\n');
        }
        out.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn figures(completed: u64, p99_ms: u64) -> Figures {
        Figures {
            completed,
            elapsed: Duration::from_secs(10),
            errors: 0,
            p50: Duration::from_millis(1),
            p99: Duration::from_millis(p99_ms),
        }
    }

    #[test]
    fn the_report_checks_the_targets() {
        let report = Report {
            main_scale: "medium".into(),
            side_by_side: vec![
                SideBySide {
                    pattern: "dashboard".into(),
                    connections: 32,
                    api: figures(30_000, 9),
                    sql: figures(50_000, 5),
                    costs: None,
                },
                SideBySide {
                    pattern: "me".into(),
                    connections: 32,
                    api: figures(10_000, 30),
                    sql: figures(50_000, 5),
                    costs: None,
                },
            ],
            logins: Some(Logins {
                alone: figures(400, 900),
                dashboard_quiet: figures(30_000, 10),
                dashboard_flooded: figures(20_000, 25),
                flood: figures(400, 900),
            }),
            peak_rss_kib: Some(60 * 1024),
            duration: Duration::from_secs(10),
            ..Report::default()
        };
        let markdown = report.to_markdown();
        assert!(
            markdown.contains(
                "| dashboard | 32 | 3000 | 1.00 | 9.00 | 0 | 5000 | 1.00 | 5.00 | 0.60 | met | met |"
            ),
            "{markdown}"
        );
        assert!(markdown.contains("| me | 32 | 1000 |"));
        assert!(markdown.contains("| 0.20 | MISSED | MISSED |"));
        assert!(markdown.contains("2.50x (target <= 2x: MISSED)"));
        assert!(markdown.contains("60.0 MiB (target < 150 MiB: met)"));
        assert!(
            !markdown.contains("What a request cost"),
            "no costs were read"
        );
        assert!(!markdown.contains("The floor"), "no floor was measured");
    }

    #[test]
    fn the_floor_table_sets_each_server_beside_its_levels_sql() {
        let cost = Cost {
            server_us: 48.5,
            client_us: 12.0,
            postgres_us: 70.0,
            machine_us: 131.0,
            busy: 0.95,
            server_preempted: 1.04,
            client_preempted: 0.02,
        };
        let row = |server: &str, completed, costs| SideBySide {
            pattern: server.into(),
            connections: 8,
            api: figures(completed, 3),
            sql: figures(20_000, 1),
            costs,
        };
        let report = Report {
            floor: vec![
                row("prosektor-server", 9_000, None),
                row("bare hyper", 13_000, Some((cost, cost))),
            ],
            ..Report::default()
        };
        let markdown = report.to_markdown();
        assert!(
            markdown.contains(
                "| prosektor-server | 8 | 900 | 1.00 | 3.00 | 0 | 2000 | 0.45 |  |  |  |"
            ),
            "{markdown}"
        );
        assert!(
            markdown.contains(
                "| bare hyper | 8 | 1300 | 1.00 | 3.00 | 0 | 2000 | 0.65 | 48.5 | 131.0 | 1.04 |"
            ),
            "{markdown}"
        );
    }

    #[test]
    fn the_cost_table_gives_each_side_and_the_servers_budget_where_the_machine_is_busy() {
        let cost = |server_us, client_us, postgres_us, machine_us, preempted| Cost {
            server_us,
            client_us,
            postgres_us,
            machine_us,
            busy: 0.97,
            server_preempted: preempted,
            client_preempted: preempted / 5.0,
        };
        let row = |connections| SideBySide {
            pattern: "me".into(),
            connections,
            api: figures(10_000, 2),
            sql: figures(20_000, 1),
            costs: Some((
                cost(66.0, 12.0, 60.0, 142.0, 1.5),
                cost(0.0, 13.0, 50.0, 63.0, 1.0),
            )),
        };
        let report = Report {
            side_by_side: vec![row(1), row(8)],
            ..Report::default()
        };
        let markdown = report.to_markdown();
        assert!(
            markdown.contains(
                "| me | 1 | 66.0 | 12.0 | 60.0 | 142.0 | 97 % | 13.0 | 50.0 | 63.0 | 97 % |  |  | 1.50 | 0.30 | 0.20 |"
            ),
            "{markdown}"
        );
        assert!(
            markdown.contains(
                "| me | 8 | 66.0 | 12.0 | 60.0 | 142.0 | 97 % | 13.0 | 50.0 | 63.0 | 97 % | 0.62 | 29.0 |"
            ),
            "{markdown}"
        );
    }
}
