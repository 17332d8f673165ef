//! 32 running runs, each published by its worker while a client cancels it, at the same moment:
//! each run ends either `SUCCEEDED` and published, or `CANCELLED` and not published. Never a
//! project pointing at a run that did not succeed, never a succeeded run without its site.

use prosektor_application::{PageRepository, PipelineRunRepository};
use prosektor_domain::site::REQUIRED_PAGES;
use prosektor_domain::{
    GeneratedSite, PagePath, PipelineRun, RunId, RunInput, RunStatus, SitePage,
};
use prosektor_persistence::{PgPageRepository, PgPipelineRunRepository};

use crate::support::{company, database, now, project, scalar, wide_pool};

const RUNS: usize = 32;

fn site() -> GeneratedSite {
    let pages = REQUIRED_PAGES
        .iter()
        .map(|path| {
            let body = format!("<!DOCTYPE html><p>{path}</p>");
            SitePage::new(PagePath::parse(path).unwrap(), "Site".into(), body)
        })
        .collect();
    GeneratedSite::assemble(pages).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_run_is_either_published_and_succeeded_or_cancelled_and_unpublished() {
    let db = database().await;
    let acme = company(db.connection(), "Acme OSGB").await;
    let pool = wide_pool(&db).await;
    let runs = PgPipelineRunRepository::new(pool.clone());
    let pages = PgPageRepository::new(pool.clone());
    let mut running = Vec::new();
    for _ in 0..RUNS {
        let site = project(db.connection(), acme).await;
        let input = RunInput::parse("{}").unwrap();
        let run = PipelineRun::queue(RunId::new_v7(), site, input, 3, now()).unwrap();
        runs.enqueue(&run).await.unwrap();
        running.push(runs.claim_next("w", now()).await.unwrap().unwrap());
    }

    let races: Vec<_> = running
        .iter()
        .map(|run| {
            let (runs, pages) = (runs.clone(), pages.clone());
            let mut succeeded = run.clone();
            succeeded.succeed(now()).unwrap();
            let mut cancelled = run.clone();
            cancelled.cancel(now()).unwrap();
            tokio::spawn(async move {
                let site = site();
                let (published, cancel) = tokio::join!(
                    pages.publish_finished(&succeeded, "w", &site),
                    runs.save(&cancelled, RunStatus::Running),
                );
                (published.is_ok(), cancel.is_ok())
            })
        })
        .collect();
    let mut outcomes = Vec::new();
    for race in races {
        outcomes.push(race.await.unwrap());
    }
    let (mut published, mut cancelled) = (0, 0);
    for (run, (publish_won, cancel_won)) in running.iter().zip(outcomes) {
        assert!(publish_won != cancel_won, "exactly one wins: {}", run.id());
        let state: String = scalar(
            &pool,
            &format!(
                "SELECT concat_ws('|', r.status, p.published_run_id = r.id, \
                 (SELECT count(*) FROM pipeline_run_pages g WHERE g.run_id = r.id)) \
                 FROM pipeline_runs r JOIN web_projects p ON p.id = r.project_id \
                 WHERE r.id = '{}'",
                run.id()
            ),
        )
        .await;
        if publish_won {
            assert_eq!(state, "SUCCEEDED|t|4", "{}", run.id());
            published += 1;
        } else {
            assert_eq!(state, "CANCELLED|0", "{}", run.id());
            cancelled += 1;
        }
    }
    eprintln!("publish vs cancel: {RUNS} races, {published} published, {cancelled} cancelled");
}
