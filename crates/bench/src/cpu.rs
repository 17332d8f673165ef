//! What a load cost each process on this machine: CPU time read from `/proc` before and after the
//! load, divided by the requests (or transactions) it completed.
//!
//! Four parties are counted: the server under test (its own process), the load tool (wrk or
//! pgbench: the benchmark's children it has waited for, `cutime` and `cstime` of
//! `/proc/self/stat`; the server, still running, is not among them), PostgreSQL (every process
//! named `postgres` on this machine, plus what each postmaster's exited backends used, so that a
//! backend that ended during the load is still counted), and the whole machine (`/proc/stat`).
//! When the database is on another machine its column is near zero; off Linux nothing is read.
//!
//! On two cores shared by every party, a side's throughput is the machine's capacity over its
//! machine time per request, so these costs explain the API/SQL ratio: see [`Cost`]. Beside the
//! time, the meter counts how often the kernel switched the server and the load tool out while
//! they could still run (involuntary context switches: the server's threads from
//! `/proc/<pid>/task/*/status`, the load tool's from `getrusage(RUSAGE_CHILDREN)`): a process
//! preempted by the processes its messages wake pays for each switch, and on a shared machine
//! that is much of the server's time per request beyond pgbench's.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use nix::sys::resource::{UsageWho, getrusage};

/// CPU time used so far by each party, with the wall clock it was read at.
#[derive(Debug, Clone, Copy)]
pub struct CpuUse {
    at: Instant,
    server: Duration,
    client: Duration,
    postgres: Duration,
    machine: Duration,
    /// The server's involuntary context switches so far (its live threads').
    server_preempted: u64,
    /// The load tool's (the benchmark's waited-for children's).
    client_preempted: u64,
}

/// One load's cost per completed request, in microseconds of CPU time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cost {
    /// The server under test (near zero on pgbench's side, where it idles).
    pub server_us: f64,
    /// The load tool: wrk or pgbench.
    pub client_us: f64,
    /// Every PostgreSQL process.
    pub postgres_us: f64,
    /// The whole machine (those three and anything else running).
    pub machine_us: f64,
    /// The machine's busy share over the load, of all its cores (1.0: every core busy).
    pub busy: f64,
    /// How many times per request the kernel switched the server out while it could still run.
    pub server_preempted: f64,
    /// The same for the load tool.
    pub client_preempted: f64,
}

/// Reads [`CpuUse`] for a server process.
#[derive(Debug, Clone)]
pub struct CpuMeter {
    server_pid: u32,
    ticks_per_second: f64,
    cores: f64,
}

/// The fields of `/proc/<pid>/stat` the meter uses, in clock ticks.
#[derive(Debug, Clone, PartialEq, Eq)]
struct ProcessTimes {
    pid: u32,
    name: String,
    parent: u32,
    /// `utime + stime`: the process's own CPU time.
    own: u64,
    /// `cutime + cstime`: its children's that it has waited for.
    children: u64,
}

impl CpuMeter {
    /// A meter for the server running as `server_pid`; `None` where `/proc` cannot be read.
    pub fn new(server_pid: u32) -> Option<Self> {
        let cores = std::fs::read_to_string("/proc/stat")
            .ok()?
            .lines()
            .filter(|line| line.starts_with("cpu") && !line.starts_with("cpu "))
            .count();
        Some(Self {
            server_pid,
            ticks_per_second: clock_ticks_per_second(),
            cores: cores.max(1) as f64,
        })
    }

    /// Every party's CPU time so far; `None` when the server is gone or `/proc` unreadable.
    pub fn read(&self) -> Option<CpuUse> {
        let at = Instant::now();
        let server = process(self.server_pid)?;
        let client = process_times(Path::new("/proc/self"))?.children;
        let machine = machine_busy(&std::fs::read_to_string("/proc/stat").ok()?)?;
        Some(CpuUse {
            at,
            server: self.duration(server.own),
            client: self.duration(client),
            postgres: self.duration(settled_postgres_ticks(all_processes, process)),
            machine: self.duration(machine),
            server_preempted: threads_preempted(self.server_pid),
            client_preempted: getrusage(UsageWho::RUSAGE_CHILDREN).map_or(0, |children| {
                u64::try_from(children.involuntary_context_switches()).unwrap_or(0)
            }),
        })
    }

    /// What the load between `before` and `after` cost per each of its `completed` requests.
    pub fn cost(&self, before: &CpuUse, after: &CpuUse, completed: u64) -> Option<Cost> {
        if completed == 0 {
            return None;
        }
        let per_request = |earlier: Duration, later: Duration| {
            later.saturating_sub(earlier).as_secs_f64() * 1e6 / completed as f64
        };
        let switches_per_request =
            |earlier: u64, later: u64| later.saturating_sub(earlier) as f64 / completed as f64;
        let wall = after.at.saturating_duration_since(before.at).as_secs_f64();
        let machine = after.machine.saturating_sub(before.machine).as_secs_f64();
        Some(Cost {
            server_us: per_request(before.server, after.server),
            client_us: per_request(before.client, after.client),
            postgres_us: per_request(before.postgres, after.postgres),
            machine_us: per_request(before.machine, after.machine),
            busy: if wall > 0.0 {
                machine / (wall * self.cores)
            } else {
                0.0
            },
            server_preempted: switches_per_request(before.server_preempted, after.server_preempted),
            client_preempted: switches_per_request(before.client_preempted, after.client_preempted),
        })
    }

    fn duration(&self, ticks: u64) -> Duration {
        Duration::from_secs_f64(ticks as f64 / self.ticks_per_second)
    }
}

impl Cost {
    /// The API/SQL ratio this machine would allow if the server cost only what the two load tools
    /// cost (the same statements sent and answered as pgbench does, the same HTTP read and
    /// written as wrk does), everything else as measured: the API side's machine time with the
    /// server's replaced by `sql.client_us + api.client_us`. Meaningful when both sides kept the
    /// machine busy (`busy` near 1).
    pub fn ceiling(api: &Self, sql: &Self) -> f64 {
        let lean_api = api.machine_us - api.server_us + sql.client_us + api.client_us;
        if lean_api <= 0.0 {
            0.0
        } else {
            sql.machine_us / lean_api
        }
    }

    /// What the server could spend per request (µs) for the API to reach `ratio` of pgbench,
    /// everything else as measured; negative when even a free server could not.
    pub fn server_budget(api: &Self, sql: &Self, ratio: f64) -> f64 {
        sql.machine_us / ratio - (api.machine_us - api.server_us)
    }
}

/// The kernel's clock ticks per second (`getconf CLK_TCK`; Linux reports 100 everywhere we run).
fn clock_ticks_per_second() -> f64 {
    std::process::Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|output| String::from_utf8(output.stdout).ok())
        .and_then(|text| text.trim().parse::<f64>().ok())
        .filter(|ticks| *ticks > 0.0)
        .unwrap_or(100.0)
}

/// The times of the process whose `/proc` directory is `dir`.
fn process_times(dir: &Path) -> Option<ProcessTimes> {
    parse_process_stat(&std::fs::read_to_string(dir.join("stat")).ok()?)
}

/// The times of process `pid`.
fn process(pid: u32) -> Option<ProcessTimes> {
    process_times(&proc_dir(pid))
}

/// `/proc/<pid>`.
fn proc_dir(pid: u32) -> PathBuf {
    Path::new("/proc").join(pid.to_string())
}

/// The involuntary context switches of every live thread of process `pid` (a thread that has
/// ended is no longer counted, so a load's difference can miss a thread that ended during it; the
/// server's runtime threads live as long as it does).
fn threads_preempted(pid: u32) -> u64 {
    let Ok(threads) = std::fs::read_dir(proc_dir(pid).join("task")) else {
        return 0;
    };
    threads
        .filter_map(Result::ok)
        .filter_map(|thread| std::fs::read_to_string(thread.path().join("status")).ok())
        .filter_map(|status| involuntary_switches(&status))
        .sum()
}

/// The `nonvoluntary_ctxt_switches` line of a `/proc/.../status` file.
fn involuntary_switches(status: &str) -> Option<u64> {
    status
        .lines()
        .find_map(|line| line.strip_prefix("nonvoluntary_ctxt_switches:"))?
        .trim()
        .parse()
        .ok()
}

/// Every process's times (those that exit while being read are skipped).
fn all_processes() -> Vec<ProcessTimes> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(Result::ok)
        .filter(|entry| {
            entry
                .file_name()
                .to_string_lossy()
                .bytes()
                .all(|byte| byte.is_ascii_digit())
        })
        .filter_map(|entry| process_times(&entry.path()))
        .collect()
}

/// The `/proc/<pid>/stat` line's name, parent and times. The name is in parentheses and may hold
/// spaces and parentheses itself, so the fields are counted after its last `)`.
fn parse_process_stat(line: &str) -> Option<ProcessTimes> {
    let open = line.find('(')?;
    let close = line.rfind(')')?;
    let pid = line.get(..open)?.trim().parse().ok()?;
    let name = line.get(open + 1..close)?.to_owned();
    // After the name: state (field 3), ppid (4), ..., utime (14), stime (15), cutime (16),
    // cstime (17).
    let fields: Vec<&str> = line.get(close + 1..)?.split_whitespace().collect();
    let field = |number: usize| fields.get(number - 3)?.parse::<u64>().ok();
    Some(ProcessTimes {
        pid,
        name,
        parent: u32::try_from(field(4)?).ok()?,
        own: field(14)? + field(15)?,
        children: field(16)? + field(17)?,
    })
}

/// How many times [`settled_postgres_ticks`] scans before it takes what it read.
const SCANS: usize = 5;

/// PostgreSQL's CPU time in ticks ([`postgres_ticks`]) from a scan of `processes()` during which
/// no postmaster reaped a backend: a backend reaped after its postmaster's line was read and
/// before its own would be counted nowhere (pgbench's backends end just as a load does). Each
/// postmaster is read again by `reread(pid)` after the scan, and the scan repeated (at most
/// [`SCANS`] times) until none has reaped anything since.
fn settled_postgres_ticks(
    processes: impl Fn() -> Vec<ProcessTimes>,
    reread: impl Fn(u32) -> Option<ProcessTimes>,
) -> u64 {
    let mut ticks = 0;
    for _ in 0..SCANS {
        let scanned = processes();
        ticks = postgres_ticks(&scanned);
        let postgres = postgres(&scanned);
        let settled = postgres
            .iter()
            .filter(|process| is_postmaster(process, &postgres))
            .all(|postmaster| {
                reread(postmaster.pid).is_none_or(|now| now.children == postmaster.children)
            });
        if settled {
            break;
        }
    }
    ticks
}

/// PostgreSQL's CPU time in ticks: every `postgres` process's own, and, for each postmaster, what
/// the backends it has waited for used.
fn postgres_ticks(processes: &[ProcessTimes]) -> u64 {
    let postgres = postgres(processes);
    postgres
        .iter()
        .map(|process| {
            let reaped = if is_postmaster(process, &postgres) {
                process.children
            } else {
                0
            };
            process.own + reaped
        })
        .sum()
}

/// The processes named `postgres`.
fn postgres(processes: &[ProcessTimes]) -> Vec<&ProcessTimes> {
    processes
        .iter()
        .filter(|process| process.name == "postgres")
        .collect()
}

/// Whether `process` is a postmaster: a `postgres` whose parent is not one of `postgres`.
fn is_postmaster(process: &ProcessTimes, postgres: &[&ProcessTimes]) -> bool {
    !postgres.iter().any(|parent| parent.pid == process.parent)
}

/// The machine's busy ticks: the first line of `/proc/stat` (`cpu user nice system idle iowait
/// irq softirq ...`), every column but idle, iowait and steal.
fn machine_busy(proc_stat: &str) -> Option<u64> {
    let line = proc_stat.lines().find(|line| line.starts_with("cpu "))?;
    let columns: Vec<u64> = line
        .split_whitespace()
        .skip(1)
        .map(|column| column.parse().ok())
        .collect::<Option<_>>()?;
    let column = |index: usize| columns.get(index).copied().unwrap_or(0);
    Some(column(0) + column(1) + column(2) + column(5) + column(6))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn process(pid: u32, name: &str, parent: u32, own: u64, children: u64) -> ProcessTimes {
        ProcessTimes {
            pid,
            name: name.to_owned(),
            parent,
            own,
            children,
        }
    }

    #[test]
    fn a_process_line_is_read_after_its_name_whatever_the_name_holds() {
        let line = "4242 (wrk (replay) x) S 17 4242 17 0 -1 4194304 1520 0 0 0 \
                    311 42 7 3 20 0 2 0 123456 1000 200 18446744073709551615";
        assert_eq!(
            parse_process_stat(line),
            Some(process(4242, "wrk (replay) x", 17, 353, 10))
        );
        assert_eq!(parse_process_stat("4242 (cut short) S 17"), None);
    }

    #[test]
    fn postgres_counts_its_processes_and_the_backends_its_postmaster_has_reaped() {
        let processes = [
            process(100, "postgres", 1, 50, 900),
            process(101, "postgres", 100, 30, 7),
            process(102, "postgres", 100, 20, 0),
            process(200, "pgbench", 1, 1000, 0),
            process(300, "postgres", 1, 5, 40),
        ];
        // Two postmasters with their reaped backends; a live backend's own children are not
        // PostgreSQL's to count twice.
        assert_eq!(postgres_ticks(&processes), 50 + 900 + 30 + 20 + 5 + 40);
        assert_eq!(postgres_ticks(&processes[3..4]), 0);
    }

    #[test]
    fn a_scan_during_which_a_postmaster_reaped_a_backend_is_taken_again() {
        // The first scan read the postmaster before it reaped backend 101 (30 ticks), and
        // backend 101 after: counted nowhere. The second scan is settled.
        let scans = std::cell::RefCell::new(vec![
            vec![
                process(100, "postgres", 1, 50, 900),
                process(102, "postgres", 100, 20, 0),
            ],
            vec![
                process(100, "postgres", 1, 50, 930),
                process(102, "postgres", 100, 20, 0),
            ],
        ]);
        let ticks = settled_postgres_ticks(
            || scans.borrow_mut().remove(0),
            |_| Some(process(100, "postgres", 1, 50, 930)),
        );
        assert_eq!(ticks, 50 + 930 + 20);
        assert!(scans.borrow().is_empty(), "scanned twice");
    }

    #[test]
    fn the_machine_is_busy_outside_idle_iowait_and_steal() {
        let stat = "cpu  100 2 30 5000 60 4 5 70 0 0\ncpu0 50 1 15 2500 30 2 2 35 0 0\n";
        assert_eq!(machine_busy(stat), Some(100 + 2 + 30 + 4 + 5));
        assert_eq!(machine_busy("intr 1 2 3\n"), None);
    }

    fn cost(server_us: f64, client_us: f64, postgres_us: f64, machine_us: f64) -> Cost {
        Cost {
            server_us,
            client_us,
            postgres_us,
            machine_us,
            busy: 1.0,
            server_preempted: 0.0,
            client_preempted: 0.0,
        }
    }

    #[test]
    fn a_threads_involuntary_switches_are_read_from_its_status() {
        let status = "Name:\ttokio-rt-worker\nState:\tR (running)\n\
                      voluntary_ctxt_switches:\t812\nnonvoluntary_ctxt_switches:\t15034\n";
        assert_eq!(involuntary_switches(status), Some(15_034));
        assert_eq!(involuntary_switches("Name:\tcut short\n"), None);
    }

    #[test]
    fn the_ceiling_replaces_the_server_by_the_load_tools_work() {
        let api = cost(66.0, 12.0, 60.0, 142.0);
        let sql = cost(0.0, 13.0, 50.0, 63.0);
        // 142 - 66 + 13 + 12 = 101 µs for a server costing what the two tools cost.
        assert!((Cost::ceiling(&api, &sql) - 63.0 / 101.0).abs() < 1e-9);
        // 63 / 0.6 = 105 µs in all, of which 76 are not the server's.
        assert!((Cost::server_budget(&api, &sql, 0.6) - 29.0).abs() < 1e-9);
        assert!(Cost::server_budget(&api, &sql, 0.9) < 0.0);
    }

    #[test]
    fn a_load_costs_its_difference_per_request() {
        let meter = CpuMeter {
            server_pid: 1,
            ticks_per_second: 100.0,
            cores: 2.0,
        };
        let start = Instant::now();
        let reading =
            |seconds: u64, [server, client, postgres, machine]: [u64; 4], preempted: u64| CpuUse {
                at: start + Duration::from_secs(seconds),
                server: Duration::from_millis(server),
                client: Duration::from_millis(client),
                postgres: Duration::from_millis(postgres),
                machine: Duration::from_millis(machine),
                server_preempted: preempted,
                client_preempted: preempted / 10,
            };
        let before = reading(0, [1_000, 0, 5_000, 9_000], 20_000);
        let after = reading(10, [7_000, 1_000, 11_000, 27_000], 170_000);
        let cost = meter
            .cost(&before, &after, 100_000)
            .expect("requests completed");
        assert_eq!(
            cost,
            Cost {
                server_us: 60.0,
                client_us: 10.0,
                postgres_us: 60.0,
                machine_us: 180.0,
                busy: 0.9,
                server_preempted: 1.5,
                client_preempted: 0.15,
            }
        );
        assert_eq!(meter.cost(&before, &after, 0), None);
    }

    #[test]
    fn this_machine_is_read_when_it_has_proc() {
        let Some(meter) = CpuMeter::new(std::process::id()) else {
            return;
        };
        let before = meter.read().expect("this process is running");
        let spin = Instant::now();
        // Busy until this process and the machine have used a tick more (5 s at most).
        let after = loop {
            std::hint::black_box(spin.elapsed());
            let now = meter.read().expect("this process is running");
            if now.server > before.server && now.machine > before.machine {
                break now;
            }
            assert!(spin.elapsed() < Duration::from_secs(5), "no tick counted");
        };
        assert!(after.at > before.at);
    }
}
