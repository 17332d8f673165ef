//! Unit tests of [`Worker`]'s decisions, over mocks and a stub generator: the steps and their
//! log lines, stopping when the run is lost, failing or retrying on errors.

use std::sync::{Arc, Mutex};

use chrono::Duration;
use prosektor_domain::site::REQUIRED_PAGES;
use prosektor_domain::{
    Company, CompanyDetails, CompanyId, CompanyName, LogLine, PagePath, PlannedPage, ProjectId,
    ProjectName, RunId, RunInput, RunStatus, SitePage, SitePlan, WebProject,
};

use super::*;
use crate::mocks::{
    MockActivityFeed, MockCompanyRepository, MockDailyStatsRepository, MockDashboardFigures,
    MockIdempotencyStore, MockInvoiceRepository, MockPageRepository, MockPasswordHasher,
    MockPipelineRunRepository, MockSiteGenerator, MockThrottle, MockTokenCodec, MockUserRepository,
    MockWebProjectRepository,
};
use crate::services::test_support::{clock, ids, now};

const STALE: RepositoryError = RepositoryError::Conflict(Conflict::StaleState);

/// A generator that plans the required pages and writes each as a one-line document naming the
/// brief's company.
struct StubGenerator;

#[async_trait::async_trait]
impl SiteGenerator for StubGenerator {
    fn name(&self) -> &str {
        "stub"
    }

    async fn plan(&self, _: &SiteBrief) -> Result<SitePlan, GeneratorError> {
        let pages = REQUIRED_PAGES
            .iter()
            .map(|path| PlannedPage {
                path: PagePath::parse(path).expect("a required page's path"),
                title: (*path).to_owned(),
                purpose: "a test page".to_owned(),
            })
            .collect();
        Ok(SitePlan::new(pages)?)
    }

    async fn generate_page(
        &self,
        brief: &SiteBrief,
        page: &PlannedPage,
    ) -> Result<SitePage, GeneratorError> {
        let body = format!(
            "<!DOCTYPE html><title>{}</title><p>{}</p>",
            page.title,
            brief.company_name.as_str()
        );
        Ok(SitePage::new(page.path.clone(), page.title.clone(), body))
    }
}

/// The rows a run works on: a company with details and its project.
struct World {
    company: Company,
    project: WebProject,
}

fn world() -> World {
    let company = Company::new(
        CompanyId::new_v7(),
        CompanyName::parse("Anadolu OSGB").unwrap(),
        None,
        now(),
    );
    let name = ProjectName::parse("Kurumsal Site").unwrap();
    let project = WebProject::new(ProjectId::new_v7(), company.id(), name, None, now());
    World { company, project }
}

/// A run of `project`, claimed at [`now`] (attempt 1 of 3).
fn claimed(project: ProjectId) -> PipelineRun {
    let input = RunInput::parse("{}").unwrap();
    let mut run = PipelineRun::queue(RunId::new_v7(), project, input, 3, now()).unwrap();
    run.start(now()).unwrap();
    run
}

/// The run repository: hands out `run` once, records log lines into `log`, answers heartbeats
/// `Ok` until the `lost_after`-th (then `StaleState`), and expects `finishes` finishes, checked
/// by `finished`.
fn runs(
    run: &PipelineRun,
    log: &Arc<Mutex<Vec<String>>>,
    lost_after: usize,
    finishes: usize,
    finished: impl Fn(&PipelineRun) -> bool + Send + 'static,
) -> MockPipelineRunRepository {
    let mut runs = MockPipelineRunRepository::new();
    let claimed = run.clone();
    runs.expect_claim_next()
        .times(1)
        .returning(move |worker, _| {
            assert_eq!(worker, "w1");
            Ok(Some(claimed.clone()))
        });
    record_lines(&mut runs, log);
    let beats = Arc::new(Mutex::new(0));
    runs.expect_heartbeat().returning(move |_, worker, _| {
        assert_eq!(worker, "w1");
        let mut beats = beats.lock().unwrap();
        *beats += 1;
        if *beats > lost_after {
            Err(STALE)
        } else {
            Ok(())
        }
    });
    runs.expect_finish()
        .times(finishes)
        .withf(move |run, worker| worker == "w1" && finished(run))
        .returning(|_, _| Ok(()));
    runs
}

/// Records every line written into `log` as `LEVEL message`: the holder's batches and single
/// lines alike.
fn record_lines(runs: &mut MockPipelineRunRepository, log: &Arc<Mutex<Vec<String>>>) {
    let batches = log.clone();
    runs.expect_append_logs()
        .returning(move |_, worker, lines| {
            assert_eq!(worker, "w1");
            batches.lock().unwrap().extend(lines.iter().map(written));
            Ok(())
        });
    let singles = log.clone();
    runs.expect_append_log()
        .returning(move |id, level, message, at| {
            let mut lines = singles.lock().unwrap();
            lines.push(format!("{} {message}", level.as_str()));
            Ok(LogLine::new(id, lines.len() as i64, at, level, message).unwrap())
        });
}

fn written(line: &NewLogLine) -> String {
    format!("{} {}", line.level().as_str(), line.message())
}

fn reads(world: &World) -> (MockCompanyRepository, MockWebProjectRepository) {
    let mut companies = MockCompanyRepository::new();
    let company = world.company.clone();
    companies
        .expect_get()
        .returning(move |_, _| Ok(company.clone()));
    let id = world.company.id();
    companies
        .expect_get_details()
        .returning(move |_, _| Ok(CompanyDetails::empty(id)));
    let mut projects = MockWebProjectRepository::new();
    let project = world.project.clone();
    projects.expect_get().returning(move |scope, _| {
        assert_eq!(scope, TenantScope::All);
        Ok(project.clone())
    });
    (companies, projects)
}

fn worker(
    runs: MockPipelineRunRepository,
    pages: MockPageRepository,
    world: &World,
    generator: Arc<dyn SiteGenerator>,
) -> Worker {
    let (companies, projects) = reads(world);
    let ports = Ports {
        users: Arc::new(MockUserRepository::new()),
        companies: Arc::new(companies),
        invoices: Arc::new(MockInvoiceRepository::new()),
        projects: Arc::new(projects),
        stats: Arc::new(MockDailyStatsRepository::new()),
        dashboards: Arc::new(MockDashboardFigures::new()),
        activity: Arc::new(MockActivityFeed::new()),
        runs: Arc::new(runs),
        pages: Arc::new(pages),
        generator,
        hasher: Arc::new(MockPasswordHasher::new()),
        tokens: Arc::new(MockTokenCodec::new()),
        throttle: Arc::new(MockThrottle::new()),
        idempotency: Arc::new(MockIdempotencyStore::new()),
        clock: clock(),
        ids: ids(),
    };
    Worker::new("w1", &ports)
}

fn lines(log: &Arc<Mutex<Vec<String>>>) -> Vec<String> {
    log.lock().unwrap().clone()
}

#[tokio::test]
async fn nothing_runnable_is_false() {
    let mut runs = MockPipelineRunRepository::new();
    runs.expect_claim_next().returning(|_, _| Ok(None));
    let world = world();
    let worker = worker(
        runs,
        MockPageRepository::new(),
        &world,
        Arc::new(StubGenerator),
    );
    assert_eq!(worker.run_once().await, Ok(false));
    assert_eq!(worker.name(), "w1");
}

#[tokio::test]
async fn a_run_goes_through_every_step_and_is_published_and_finished_at_once() {
    let world = world();
    let run = claimed(world.project.id());
    let log = Arc::new(Mutex::new(Vec::new()));
    // The run is finished by the publish itself, never by a separate save.
    let runs = runs(&run, &log, usize::MAX, 0, |_| true);
    let mut pages = MockPageRepository::new();
    let id = run.id();
    pages
        .expect_publish_finished()
        .times(1)
        .withf(move |run, worker, site| {
            run.id() == id
                && run.status() == RunStatus::Succeeded
                && run.finished_at() == Some(now())
                && worker == "w1"
                && site.pages().len() == 4
                && site
                    .page("index.html")
                    .is_some_and(|page| page.body().contains("Anadolu OSGB"))
        })
        .returning(|_, _, _| Ok(()));
    let worker = worker(runs, pages, &world, Arc::new(StubGenerator));
    assert_eq!(worker.run_once().await, Ok(true));
    let lines = lines(&log);
    assert_eq!(lines[0], "INFO [1/5] gather: attempt 1 of 3");
    assert_eq!(
        lines[1],
        "INFO gathered company \"Anadolu OSGB\" (-) and project \"Kurumsal Site\""
    );
    assert_eq!(
        lines[2],
        "INFO [2/5] plan: 4 pages by generator stub: index.html, hizmetler.html, hakkimizda.html, iletisim.html"
    );
    for (line, path) in lines[3..7].iter().zip(REQUIRED_PAGES) {
        assert!(
            line.starts_with(&format!("INFO [3/5] generate: {path} (")),
            "{line}"
        );
    }
    assert!(
        lines[7].starts_with("INFO [4/5] assemble: 4 pages valid, "),
        "{}",
        lines[7]
    );
    assert_eq!(
        lines[8..],
        ["INFO [5/5] publish: 4 pages", "INFO run succeeded"]
    );
}

#[tokio::test]
async fn a_run_lost_at_a_heartbeat_stops_without_publishing_or_finishing() {
    let world = world();
    let run = claimed(world.project.id());
    let log = Arc::new(Mutex::new(Vec::new()));
    // The second heartbeat (after the plan) finds the run cancelled.
    let runs = runs(&run, &log, 1, 0, |_| true);
    let mut pages = MockPageRepository::new();
    pages.expect_publish_finished().never();
    let worker = worker(runs, pages, &world, Arc::new(StubGenerator));
    assert_eq!(worker.run_once().await, Ok(true));
    assert_eq!(lines(&log).len(), 3, "gather (2 lines) and plan, then stop");
}

#[tokio::test]
async fn a_lost_publish_finishes_nothing() {
    let world = world();
    let run = claimed(world.project.id());
    let log = Arc::new(Mutex::new(Vec::new()));
    let runs = runs(&run, &log, usize::MAX, 0, |_| true);
    let mut pages = MockPageRepository::new();
    pages
        .expect_publish_finished()
        .times(1)
        .returning(|_, _, _| Err(STALE));
    let worker = worker(runs, pages, &world, Arc::new(StubGenerator));
    assert_eq!(worker.run_once().await, Ok(true));
    assert!(!lines(&log).iter().any(|line| line.starts_with("ERROR")));
}

#[tokio::test]
async fn a_transient_generator_error_requeues_with_backoff() {
    let world = world();
    let run = claimed(world.project.id());
    let log = Arc::new(Mutex::new(Vec::new()));
    let runs = runs(&run, &log, usize::MAX, 1, |run| {
        run.status() == RunStatus::Queued
            && run.attempt() == 1
            && run.run_after() == now() + Duration::seconds(2)
    });
    let mut generator = MockSiteGenerator::new();
    generator
        .expect_plan()
        .returning(|_| Err(GeneratorError::Unavailable("model timeout".to_owned())));
    let worker = worker(runs, MockPageRepository::new(), &world, Arc::new(generator));
    assert_eq!(worker.run_once().await, Ok(true));
    assert_eq!(
        lines(&log).last().map(String::as_str),
        Some("ERROR site generator unavailable: model timeout")
    );
}

#[tokio::test]
async fn a_deterministic_generator_error_fails_at_once() {
    let world = world();
    let run = claimed(world.project.id());
    let log = Arc::new(Mutex::new(Vec::new()));
    let runs = runs(&run, &log, usize::MAX, 1, |run| {
        run.status() == RunStatus::Failed
            && run.error() == Some("invalid site brief: no")
            && run.attempt() == 1
    });
    let mut generator = MockSiteGenerator::new();
    generator
        .expect_plan()
        .returning(|_| Err(GeneratorError::InvalidBrief("no".to_owned())));
    let worker = worker(runs, MockPageRepository::new(), &world, Arc::new(generator));
    assert_eq!(worker.run_once().await, Ok(true));
}

#[tokio::test]
async fn a_storage_error_while_publishing_fails_or_retries() {
    let world = world();
    let run = claimed(world.project.id());
    let log = Arc::new(Mutex::new(Vec::new()));
    let runs = runs(&run, &log, usize::MAX, 1, |run| {
        run.status() == RunStatus::Queued
    });
    let mut pages = MockPageRepository::new();
    pages
        .expect_publish_finished()
        .returning(|_, _, _| Err(RepositoryError::Unavailable("db down".to_owned())));
    let worker = worker(runs, pages, &world, Arc::new(StubGenerator));
    assert_eq!(worker.run_once().await, Ok(true));
    assert_eq!(
        lines(&log).last().map(String::as_str),
        Some("ERROR storage unavailable: db down")
    );
}

#[tokio::test]
async fn a_failure_storage_refused_is_recorded_as_soon_as_it_answers_before_any_claim() {
    let world = world();
    let run = claimed(world.project.id());
    let log = Arc::new(Mutex::new(Vec::new()));
    let mut runs = MockPipelineRunRepository::new();
    let mut handed_out = Some(run.clone());
    runs.expect_claim_next()
        .times(3)
        .returning(move |_, _| Ok(handed_out.take()));
    record_lines(&mut runs, &log);
    runs.expect_heartbeat().returning(|_, _, _| Ok(()));
    let mut storage_down = true;
    runs.expect_finish()
        .times(2)
        .withf(|run, worker| {
            worker == "w1"
                && run.status() == RunStatus::Queued
                && run.error() == Some("site generator unavailable: model timeout")
        })
        .returning(move |_, _| {
            if std::mem::take(&mut storage_down) {
                Err(RepositoryError::Unavailable(
                    "connection refused".to_owned(),
                ))
            } else {
                Ok(())
            }
        });
    let mut generator = MockSiteGenerator::new();
    generator.expect_name().return_const("mock".to_owned());
    generator
        .expect_plan()
        .returning(|_| Err(GeneratorError::Unavailable("model timeout".to_owned())));
    let worker = worker(runs, MockPageRepository::new(), &world, Arc::new(generator));

    assert_eq!(
        worker.run_once().await,
        Err(RepositoryError::Unavailable(
            "connection refused".to_owned()
        ))
    );
    assert_eq!(
        worker.run_once().await,
        Ok(false),
        "recorded, then nothing to claim"
    );
    assert_eq!(
        lines(&log).last().map(String::as_str),
        Some(
            "ERROR attempt 1 failed: site generator unavailable: model timeout \
             (logged once storage answered again)"
        )
    );
    assert_eq!(worker.run_once().await, Ok(false), "recorded once only");
}

#[tokio::test]
async fn each_step_writes_its_lines_in_one_batch_before_its_heartbeat() {
    let world = world();
    let run = claimed(world.project.id());
    let calls = Arc::new(Mutex::new(Vec::new()));
    let mut runs = MockPipelineRunRepository::new();
    let claimed_run = run.clone();
    runs.expect_claim_next()
        .times(1)
        .returning(move |_, _| Ok(Some(claimed_run.clone())));
    let batches = calls.clone();
    runs.expect_append_logs().returning(move |_, _, lines| {
        batches
            .lock()
            .unwrap()
            .push(format!("{} lines", lines.len()));
        Ok(())
    });
    let beats = calls.clone();
    runs.expect_heartbeat().returning(move |_, _, _| {
        beats.lock().unwrap().push("beat".to_owned());
        Ok(())
    });
    let mut pages = MockPageRepository::new();
    let published = calls.clone();
    pages.expect_publish_finished().returning(move |_, _, _| {
        published.lock().unwrap().push("publish".to_owned());
        Ok(())
    });
    let worker = worker(runs, pages, &world, Arc::new(StubGenerator));
    assert_eq!(worker.run_once().await, Ok(true));
    let mut expected = vec!["2 lines", "beat", "1 lines", "beat"];
    expected.extend(["1 lines", "beat"].repeat(4));
    expected.extend(["1 lines", "beat", "2 lines", "publish"]);
    assert_eq!(*calls.lock().unwrap(), expected);
}

#[tokio::test]
async fn lines_storage_refused_are_written_with_the_next_batch() {
    let world = world();
    let run = claimed(world.project.id());
    let log = Arc::new(Mutex::new(Vec::new()));
    let mut runs = MockPipelineRunRepository::new();
    let claimed_run = run.clone();
    runs.expect_claim_next()
        .times(1)
        .returning(move |_, _| Ok(Some(claimed_run.clone())));
    let written_lines = log.clone();
    let mut storage_down = true;
    runs.expect_append_logs().returning(move |_, _, lines| {
        if std::mem::take(&mut storage_down) {
            return Err(RepositoryError::Unavailable("db down".to_owned()));
        }
        written_lines
            .lock()
            .unwrap()
            .extend(lines.iter().map(written));
        Ok(())
    });
    runs.expect_finish()
        .times(1)
        .withf(|run, _| run.status() == RunStatus::Queued)
        .returning(|_, _| Ok(()));
    let worker = worker(
        runs,
        MockPageRepository::new(),
        &world,
        Arc::new(StubGenerator),
    );
    assert_eq!(worker.run_once().await, Ok(true));
    assert_eq!(
        lines(&log),
        [
            "INFO [1/5] gather: attempt 1 of 3",
            "INFO gathered company \"Anadolu OSGB\" (-) and project \"Kurumsal Site\"",
            "ERROR storage unavailable: db down",
        ]
    );
}
