//! The logs of `PgPipelineRunRepository` on daily partitions: the holder's batches numbered after
//! the run's last line and refused to anyone else, a follower reading every line once and in
//! order while the holder appends, a recovery racing a batch without two lines sharing a number,
//! retention by whole partitions keeping the published run's lines, and a day without a partition
//! getting one on demand.

use chrono::{Duration, Utc};
use prosektor_application::{Conflict, PipelineRunRepository, RepositoryError, TenantScope};
use prosektor_domain::{LogLevel, NewLogLine, PipelineRun, ProjectId, RunId, RunInput};
use prosektor_persistence::PgPipelineRunRepository;
use sea_orm::DatabaseConnection;

use crate::support::{company, database, exec, now, project, scalar, wide_pool};

const STALE: RepositoryError = RepositoryError::Conflict(Conflict::StaleState);

fn lines(prefix: &str, count: usize) -> Vec<NewLogLine> {
    (0..count)
        .map(|i| NewLogLine::new(now(), LogLevel::Info, &format!("{prefix} {i}")).unwrap())
        .collect()
}

/// A run of `project` queued now and claimed by `worker`.
async fn held(repo: &PgPipelineRunRepository, project: ProjectId, worker: &str) -> PipelineRun {
    let input = RunInput::parse("{}").unwrap();
    let run = PipelineRun::queue(RunId::new_v7(), project, input, 3, now()).unwrap();
    repo.enqueue(&run).await.unwrap();
    let claimed = repo
        .claim_next(worker, now())
        .await
        .unwrap()
        .expect("a claim");
    assert_eq!(claimed.id(), run.id());
    claimed
}

async fn messages(repo: &PgPipelineRunRepository, run: RunId) -> Vec<(i64, String)> {
    repo.logs(TenantScope::All, run, 0, 500)
        .await
        .unwrap()
        .into_iter()
        .map(|line| (line.seq(), line.message().to_owned()))
        .collect()
}

async fn partitions(db: &DatabaseConnection) -> i64 {
    scalar(
        db,
        "SELECT count(*) FROM pg_inherits WHERE inhparent = 'pipeline_run_logs'::regclass",
    )
    .await
}

#[tokio::test]
async fn the_holders_batches_follow_the_last_line_and_nobody_else_writes_in_batches() {
    let database = database().await;
    let db = database.connection();
    let repo = PgPipelineRunRepository::new(db.clone());
    let site = project(db, company(db, "Acme OSGB").await).await;
    let run = held(&repo, site, "w1").await;

    repo.append_log(run.id(), LogLevel::Info, "claimed", now())
        .await
        .unwrap();
    repo.append_logs(&run, "w1", &lines("step", 3))
        .await
        .unwrap();
    repo.append_logs(&run, "w1", &[]).await.unwrap();
    assert_eq!(
        repo.append_logs(&run, "w2", &lines("intruder", 2)).await,
        Err(STALE)
    );
    repo.append_logs(&run, "w1", &lines("more", 1))
        .await
        .unwrap();

    let expected: Vec<(i64, String)> = ["claimed", "step 0", "step 1", "step 2", "more 0"]
        .iter()
        .enumerate()
        .map(|(i, message)| (i as i64 + 1, (*message).to_owned()))
        .collect();
    assert_eq!(messages(&repo, run.id()).await, expected);
    let page = repo.logs(TenantScope::All, run.id(), 2, 2).await.unwrap();
    assert_eq!(
        page.iter().map(|line| line.seq()).collect::<Vec<_>>(),
        [3, 4]
    );
}

#[tokio::test]
async fn a_follower_reads_every_line_once_and_in_order_while_the_holder_appends() {
    let database = database().await;
    let db = database.connection();
    let repo = PgPipelineRunRepository::new(wide_pool(&database).await);
    let site = project(db, company(db, "Acme OSGB").await).await;
    let run = held(&repo, site, "w1").await;
    let batches = 40;
    let total: usize = (1..=batches).map(|size| size % 7 + 1).sum();

    let writer = {
        let (repo, run) = (repo.clone(), run.clone());
        tokio::spawn(async move {
            for batch in 1..=batches {
                let written = lines(&format!("batch {batch}"), batch % 7 + 1);
                repo.append_logs(&run, "w1", &written).await.unwrap();
            }
        })
    };
    let mut seen: Vec<(i64, String)> = Vec::new();
    while seen.len() < total {
        let after = seen.last().map_or(0, |(seq, _)| *seq);
        let page = repo
            .logs(TenantScope::All, run.id(), after, 7)
            .await
            .unwrap();
        seen.extend(
            page.into_iter()
                .map(|line| (line.seq(), line.message().to_owned())),
        );
    }
    writer.await.unwrap();
    assert_eq!(
        seen.iter().map(|(seq, _)| *seq).collect::<Vec<_>>(),
        (1..=total as i64).collect::<Vec<_>>(),
        "every number once, in order"
    );
    assert_eq!(seen, messages(&repo, run.id()).await);
}

#[tokio::test]
async fn a_recovery_racing_a_batch_never_numbers_two_lines_alike() {
    let database = database().await;
    let db = database.connection();
    let repo = PgPipelineRunRepository::new(wide_pool(&database).await);
    let acme = company(db, "Acme OSGB").await;
    for round in 0..12 {
        let run = held(&repo, project(db, acme).await, "w1").await;
        // Its heartbeat is old: a recovery may take it while the holder writes.
        exec(
            db,
            &format!(
                "UPDATE pipeline_runs SET heartbeat_at = now() - interval '1 hour' WHERE id = '{}'",
                run.id()
            ),
        )
        .await;
        let batch = {
            let (repo, run) = (repo.clone(), run.clone());
            tokio::spawn(async move { repo.append_logs(&run, "w1", &lines("step", 10)).await })
        };
        let recovery = {
            let repo = repo.clone();
            tokio::spawn(async move {
                repo.recover_stale(Utc::now() - Duration::minutes(1), Utc::now())
                    .await
            })
        };
        let batch = batch.await.unwrap();
        // A recovery skips a run whose row a batch has locked: the next pass takes it.
        if recovery.await.unwrap() == Ok(0) {
            let again = repo
                .recover_stale(Utc::now() - Duration::minutes(1), Utc::now())
                .await;
            assert_eq!(again, Ok(1), "round {round}");
        }
        let seqs: Vec<i64> = messages(&repo, run.id())
            .await
            .into_iter()
            .map(|(seq, _)| seq)
            .collect();
        let written = if batch.is_ok() { 11 } else { 1 };
        assert!(
            batch.is_ok() || batch == Err(STALE),
            "round {round}: {batch:?}"
        );
        assert_eq!(seqs, (1..=written).collect::<Vec<_>>(), "round {round}");
    }
}

#[tokio::test]
async fn retention_drops_expired_partitions_whole_and_keeps_the_published_runs_lines() {
    let database = database().await;
    let db = database.connection();
    let repo = PgPipelineRunRepository::new(db.clone());
    let acme = company(db, "Acme OSGB").await;
    let site = project(db, acme).await;
    let published = held(&repo, site, "w1").await;
    repo.append_logs(&published, "w1", &lines("published", 3))
        .await
        .unwrap();
    let other = held(&repo, project(db, acme).await, "w1").await;
    repo.append_logs(&other, "w1", &lines("other", 2))
        .await
        .unwrap();
    exec(
        db,
        &format!(
            "UPDATE web_projects SET published_run_id = '{}' WHERE id = '{site}'",
            published.id()
        ),
    )
    .await;
    let before = partitions(db).await;

    // Nothing has expired yet: only the days ahead are made ready (already there).
    let quiet = repo.expire_logs(now() - Duration::days(30)).await.unwrap();
    assert_eq!((quiet.expired, quiet.kept_lines), (0, 0));

    // A week from now, today's lines have expired.
    let retention = repo.expire_logs(now() + Duration::days(7)).await.unwrap();
    assert!(retention.expired >= 1, "{retention:?}");
    assert_eq!(retention.kept_lines, 3);
    assert!(partitions(db).await < before);
    let left: i64 = scalar(db, "SELECT count(*) FROM pipeline_run_logs").await;
    assert_eq!(
        left, 0,
        "expired lines went with their partitions, not row by row"
    );
    let kept: Vec<String> = messages(&repo, published.id())
        .await
        .into_iter()
        .map(|(_, message)| message)
        .collect();
    assert_eq!(kept, ["published 0", "published 1", "published 2"]);
    assert!(messages(&repo, other.id()).await.is_empty());
    let ahead: bool = scalar(
        db,
        "SELECT to_regclass('pipeline_run_logs_p' || to_char((now() AT TIME ZONE 'UTC')::date + 7, 'YYYYMMDD')) IS NOT NULL",
    )
    .await;
    assert!(ahead, "the week ahead is ready");
    // Once done, a second pass (another server's) finds nothing to do.
    let again = repo.expire_logs(now() + Duration::days(7)).await.unwrap();
    assert_eq!((again.expired, again.kept_lines), (0, 0));
}

#[tokio::test]
async fn a_line_whose_day_has_no_partition_gets_one() {
    let database = database().await;
    let db = database.connection();
    let repo = PgPipelineRunRepository::new(db.clone());
    let site = project(db, company(db, "Acme OSGB").await).await;
    let run = held(&repo, site, "w1").await;
    // As if nothing had made partitions ready for a week: none holds today or later.
    exec(
        db,
        r"DO $$
          DECLARE p text;
          BEGIN
              FOR p IN SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                       WHERE i.inhparent = 'pipeline_run_logs'::regclass LOOP
                  EXECUTE format('DROP TABLE %I', p);
              END LOOP;
          END $$",
    )
    .await;
    assert_eq!(partitions(db).await, 0);

    repo.append_logs(&run, "w1", &lines("batch", 2))
        .await
        .unwrap();
    repo.append_log(run.id(), LogLevel::Warn, "single", now())
        .await
        .unwrap();
    assert_eq!(messages(&repo, run.id()).await.len(), 3);
    assert!(partitions(db).await >= 8, "today and a week ahead");
}
