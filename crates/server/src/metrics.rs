//! `GET /metrics`: the process's metrics in the Prometheus text format, on a listener of its own
//! (`PROSEKTOR_METRICS_LISTEN`, loopback by default: not public). Metrics are recorded through the
//! `metrics` facade wherever they happen (the API's request middleware, say) and exported by
//! `metrics-exporter-prometheus`; gauges of state (the pool, the build) are read at each scrape.

use std::sync::{Arc, OnceLock};

use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use poem::{EndpointExt, IntoResponse, Route, get, handler, web::Data};
use prosektor_application::{Clock, PipelineRunRepository};
use prosektor_persistence::DatabasePools;

/// Histogram buckets of every `_seconds` metric: 1 ms to 10 s.
const SECONDS_BUCKETS: [f64; 13] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// The process's recorder, installed once (every server of the process shares it).
fn recorder() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let recorder = PrometheusBuilder::new()
            .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), &SECONDS_BUCKETS)
            .expect("the buckets are not empty")
            .build_recorder();
        let handle = recorder.handle();
        if metrics::set_global_recorder(recorder).is_err() {
            tracing::warn!("a metrics recorder was installed already: /metrics shows only ours");
        }
        describe();
        handle
    })
}

/// Every metric the process records, with its help text (the catalogue `docs/operations.md` lists).
fn describe() {
    use metrics::{Unit, describe_counter, describe_gauge, describe_histogram};
    describe_counter!(
        "http_requests_total",
        "Requests answered, by method, route template and status."
    );
    describe_histogram!(
        "http_request_duration_seconds",
        Unit::Seconds,
        "Time to answer a request, by method and route template."
    );
    describe_gauge!("http_requests_in_flight", "Requests being served.");
    describe_gauge!(
        "db_pool_connections",
        "Open connections of the request pool: idle (in the pool), shelved (just given back, kept for the next caller) or busy (read at each scrape)."
    );
    describe_gauge!(
        "db_pool_waiters",
        "Statements and transactions waiting for a connection of the request pool (read at each scrape)."
    );
    describe_counter!(
        "db_pool_checkouts_total",
        "Connections the process's pools handed out (each checked by a round trip when it goes back to the pool; read at each scrape)."
    );
    describe_counter!(
        "db_pool_reuses_total",
        "Connections taken again, unchecked, just after their last holder ended; with the checkouts, one per statement or transaction, one per read request (read at each scrape)."
    );
    describe_gauge!(
        "db_pool_max_connections",
        "The most connections the request pool opens."
    );
    describe_histogram!(
        "db_operation_duration_seconds",
        Unit::Seconds,
        "Time of a repository method (its statements and connection waits), by repository.method."
    );
    describe_counter!(
        "throttle_decisions_total",
        "Attempts reserved against a limit (login, password, ingestion): allowed or limited."
    );
    describe_gauge!("argon2_slots_busy", "Password hashes running now.");
    describe_gauge!("run_queue_depth", "Pipeline runs waiting in the queue.");
    describe_gauge!(
        "run_queue_oldest_age_seconds",
        Unit::Seconds,
        "Age of the oldest queued pipeline run (0 when none waits)."
    );
    describe_counter!(
        "runs_total",
        "Pipeline run attempts ended here: succeeded, retried, failed or lost."
    );
    describe_histogram!(
        "run_step_duration_seconds",
        Unit::Seconds,
        "Time of a pipeline run's step: gather, plan, generate, assemble, publish."
    );
    describe_counter!(
        "stats_ingestions_total",
        "Analytics ingestions: stored, or refused by storage (caps, overflow)."
    );
    describe_gauge!(
        "prosektor_build_info",
        "1, labelled with the version and the newest migration it was built for."
    );
}

/// How often recorded histogram samples are folded into their buckets: the exporter queues every
/// sample until then, so without upkeep its memory would grow with the traffic between scrapes.
const UPKEEP_EVERY: std::time::Duration = std::time::Duration::from_secs(5);

/// Folds queued histogram samples every [`UPKEEP_EVERY`], until the task is aborted.
pub(crate) async fn upkeep() {
    let mut every = tokio::time::interval(UPKEEP_EVERY);
    loop {
        every.tick().await;
        recorder().run_upkeep();
    }
}

/// Installs the recorder (before the first request records anything).
pub(crate) fn install() {
    recorder();
}

/// What a scrape reads besides the recorded metrics.
#[derive(Clone)]
pub(crate) struct State {
    /// The request pools.
    pub(crate) pools: DatabasePools,
    /// The run queue.
    pub(crate) runs: Arc<dyn PipelineRunRepository>,
    /// The time, for the age of the oldest queued run.
    pub(crate) clock: Arc<dyn Clock>,
}

/// The `/metrics` endpoint over `state`.
pub(crate) fn endpoint(state: State) -> impl poem::Endpoint {
    Route::new().at("/metrics", get(scrape)).data(state)
}

#[handler]
async fn scrape(Data(state): Data<&State>) -> impl IntoResponse {
    record_pool_and_build(&state.pools);
    record_queue(state).await;
    recorder()
        .render()
        .with_content_type("text/plain; version=0.0.4; charset=utf-8")
}

/// `run_queue_depth` and `run_queue_oldest_age_seconds` (0 when empty); left as they were when
/// the database cannot answer (the scrape still answers, with `http_requests_total` telling).
async fn record_queue(state: &State) {
    match state.runs.queue_depth().await {
        Ok(depth) => {
            let age = depth.oldest_created_at.map_or(0.0, |oldest| {
                (state.clock.now() - oldest)
                    .to_std()
                    .map_or(0.0, |age| age.as_secs_f64())
            });
            metrics::gauge!("run_queue_depth")
                .set(u32::try_from(depth.queued).map_or(f64::MAX, f64::from));
            metrics::gauge!("run_queue_oldest_age_seconds").set(age);
        }
        Err(error) => tracing::warn!(%error, "reading the run queue for /metrics failed"),
    }
}

/// The gauges read at each scrape: the pool's connections and waiters, and the build.
fn record_pool_and_build(pools: &DatabasePools) {
    let connections = pools.primary().get_postgres_connection_pool();
    let open = f64::from(connections.size());
    let idle = u32::try_from(connections.num_idle()).map_or(f64::MAX, f64::from);
    let shelved = u32::try_from(pools.shelved_connections()).map_or(f64::MAX, f64::from);
    metrics::gauge!("db_pool_connections", "state" => "idle").set(idle);
    metrics::gauge!("db_pool_connections", "state" => "shelved").set(shelved);
    metrics::gauge!("db_pool_connections", "state" => "busy").set((open - idle - shelved).max(0.0));
    metrics::gauge!("db_pool_waiters").set(
        u32::try_from(prosektor_persistence::connection_waiters()).map_or(f64::MAX, f64::from),
    );
    metrics::counter!("db_pool_checkouts_total")
        .absolute(prosektor_persistence::connections_handed_out());
    metrics::counter!("db_pool_reuses_total").absolute(prosektor_persistence::connections_reused());
    metrics::gauge!("db_pool_max_connections")
        .set(f64::from(connections.options().get_max_connections()));
    let schema = prosektor_persistence::latest_migration();
    metrics::gauge!(
        "prosektor_build_info",
        "version" => env!("CARGO_PKG_VERSION"),
        "schema" => schema
    )
    .set(1.0);
}
