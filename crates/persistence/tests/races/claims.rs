//! 8 workers drain 40 queued runs (one per project, as only one run per project may be active)
//! with claim → finish(succeed) loops: every run is claimed exactly once, none twice, none lost.

use std::collections::HashMap;

use chrono::Utc;
use prosektor_application::{PipelineRunRepository, TenantScope};
use prosektor_domain::{PipelineRun, RunId, RunInput, RunStatus};
use prosektor_persistence::PgPipelineRunRepository;

use crate::support::{company, database, now, project, wide_pool};

const WORKERS: usize = 8;
const RUNS: usize = 40;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_run_is_claimed_exactly_once() {
    let db = database().await;
    let acme = company(db.connection(), "Acme OSGB").await;
    let repo = PgPipelineRunRepository::new(wide_pool(&db).await);
    let created = now();
    let mut queued = Vec::new();
    for _ in 0..RUNS {
        let site = project(db.connection(), acme).await;
        let input = RunInput::parse(r#"{"pages": 4}"#).unwrap();
        let run = PipelineRun::queue(RunId::new_v7(), site, input, 3, created).unwrap();
        repo.enqueue(&run).await.unwrap();
        queued.push(run.id());
    }

    let workers: Vec<_> = (0..WORKERS)
        .map(|index| {
            let repo = repo.clone();
            tokio::spawn(async move {
                let worker = format!("worker-{index}");
                let mut claimed = Vec::new();
                while let Some(mut run) = repo.claim_next(&worker, Utc::now()).await.unwrap() {
                    run.succeed(Utc::now()).unwrap();
                    repo.finish(&run, &worker).await.unwrap();
                    claimed.push(run.id());
                }
                claimed
            })
        })
        .collect();
    let mut claims: HashMap<RunId, usize> = HashMap::new();
    let mut per_worker = Vec::new();
    for worker in workers {
        let claimed = worker.await.unwrap();
        per_worker.push(claimed.len());
        for id in claimed {
            *claims.entry(id).or_default() += 1;
        }
    }
    let twice = claims.values().filter(|&&count| count > 1).count();
    let lost = queued.iter().filter(|id| !claims.contains_key(id)).count();
    eprintln!(
        "run claims: {WORKERS} workers, {RUNS} runs, {} claims in all (per worker {per_worker:?}), \
         {} distinct runs, {twice} claimed twice, {lost} lost",
        per_worker.iter().sum::<usize>(),
        claims.len(),
    );
    assert_eq!((claims.len(), twice, lost), (RUNS, 0, 0));
    assert_eq!(per_worker.iter().sum::<usize>(), RUNS);
    for id in queued {
        let run = repo.get(TenantScope::All, id).await.unwrap();
        assert_eq!(
            (run.status(), run.attempt()),
            (RunStatus::Succeeded, 1),
            "{id}"
        );
    }
}
