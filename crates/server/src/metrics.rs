//! `GET /metrics`: the process's metrics in the Prometheus text format, on a listener of its own
//! (`PROSEKTOR_METRICS_LISTEN`, loopback by default: not public). Metrics are recorded through the
//! `metrics` facade wherever they happen (the API's request middleware, say) and exported by
//! `metrics-exporter-prometheus`; gauges of state (the pool, the build) are read at each scrape.

use std::sync::OnceLock;

use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use poem::{EndpointExt, IntoResponse, Route, get, handler, web::Data};
use prosektor_persistence::DatabaseConnection;

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
        handle
    })
}

/// Installs the recorder (before the first request records anything).
pub(crate) fn install() {
    recorder();
}

/// The `/metrics` endpoint over the request pool `pool`.
pub(crate) fn endpoint(pool: DatabaseConnection) -> impl poem::Endpoint {
    Route::new().at("/metrics", get(scrape)).data(pool)
}

#[handler]
fn scrape(Data(pool): Data<&DatabaseConnection>) -> impl IntoResponse {
    record_state(pool);
    recorder()
        .render()
        .with_content_type("text/plain; version=0.0.4; charset=utf-8")
}

/// The gauges read at each scrape: the pool's connections and the build.
fn record_state(pool: &DatabaseConnection) {
    let connections = pool.get_postgres_connection_pool();
    let open = f64::from(connections.size());
    let idle = u32::try_from(connections.num_idle()).map_or(f64::MAX, f64::from);
    metrics::gauge!("db_pool_connections", "state" => "idle").set(idle);
    metrics::gauge!("db_pool_connections", "state" => "busy").set((open - idle).max(0.0));
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
