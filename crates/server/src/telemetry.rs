//! Logging to standard error (standard output is for command results such as `openapi`):
//! `RUST_LOG` filters (default `info`, with the SQL drivers at `warn`); human-readable text,
//! coloured only on a terminal that does not ask for `NO_COLOR`, or one JSON object per line
//! (`PROSEKTOR_LOG_FORMAT=json`) with the event's fields and its spans'.

use std::collections::HashMap;
use std::io::IsTerminal;
use std::sync::{PoisonError, RwLock, RwLockReadGuard};
use std::time::Instant;

use clap::ValueEnum;
use metrics::Histogram;
use tracing::callsite::Identifier;
use tracing::span::{Attributes, Id};
use tracing::{Dispatch, Level, Metadata, Subscriber};
use tracing_subscriber::EnvFilter;
use tracing_subscriber::filter::Targets;
use tracing_subscriber::fmt::{self, MakeWriter};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};
use tracing_subscriber::registry::LookupSpan;

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum LogFormat {
    /// One human-readable line per event.
    #[default]
    Text,
    /// One JSON object per event: `timestamp`, `level`, `target`, the event's fields, and
    /// `span`/`spans` with the fields of the spans it happened in.
    Json,
}

/// The default filter when `RUST_LOG` is unset.
const DEFAULT_FILTER: &str = "info,sqlx=warn,sea_orm=warn,sea_orm_migration=warn";

/// Installs the global subscriber once; later calls are ignored.
pub(crate) fn init(format: LogFormat) {
    let stderr = std::io::stderr();
    let colour = stderr.is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let _already_installed =
        tracing::dispatcher::set_global_default(dispatch(format, colour, std::io::stderr));
}

/// A subscriber writing `format` to `writer`, with ANSI colours only when `colour` (what the
/// server installs globally; tests install it on their own thread to read the logs), and timing
/// every repository method into `db_operation_duration_seconds` whatever `RUST_LOG` says.
pub fn dispatch<W>(format: LogFormat, colour: bool, writer: W) -> Dispatch
where
    W: for<'writer> MakeWriter<'writer> + Send + Sync + 'static,
{
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(DEFAULT_FILTER));
    let timings = RepositoryTimings::default()
        .with_filter(Targets::new().with_target(REPOSITORIES, Level::INFO));
    let registry = tracing_subscriber::registry().with(timings);
    match format {
        LogFormat::Text => {
            let text = fmt::layer().with_writer(writer).with_ansi(colour);
            Dispatch::new(registry.with(text.with_filter(filter)))
        }
        LogFormat::Json => {
            let json = fmt::layer()
                .with_writer(writer)
                .json()
                .flatten_event(true)
                .with_current_span(true)
                .with_span_list(true);
            Dispatch::new(registry.with(json.with_filter(filter)))
        }
    }
}

/// Where the repository methods' spans come from.
const REPOSITORIES: &str = "prosektor_persistence::repositories";

/// When a span began, and the histogram its method's time goes into.
struct Began(Instant, Histogram);

/// Records how long each repository method's span lived (its statements, the waits for a
/// connection included) in `db_operation_duration_seconds{operation}`, `operation` being the
/// repository and the method (`company.get`): a bounded label.
#[derive(Default)]
struct RepositoryTimings {
    /// Each method's histogram, by its span's callsite: named and registered once per method,
    /// not at every call.
    histograms: RwLock<HashMap<Identifier, Histogram>>,
}

impl RepositoryTimings {
    /// The histogram of the method `metadata` describes.
    fn histogram(&self, metadata: &'static Metadata<'static>) -> Histogram {
        let callsite = metadata.callsite();
        if let Some(known) = self.read().get(&callsite) {
            return known.clone();
        }
        let repository = metadata.target().rsplit("::").next().unwrap_or_default();
        let operation = format!("{repository}.{}", metadata.name());
        let histogram =
            metrics::histogram!("db_operation_duration_seconds", "operation" => operation);
        self.histograms
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .entry(callsite)
            .or_insert(histogram)
            .clone()
    }

    fn read(&self) -> RwLockReadGuard<'_, HashMap<Identifier, Histogram>> {
        self.histograms
            .read()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

impl<S> Layer<S> for RepositoryTimings
where
    S: Subscriber + for<'span> LookupSpan<'span>,
{
    fn on_new_span(&self, _attributes: &Attributes<'_>, id: &Id, context: Context<'_, S>) {
        if let Some(span) = context.span(id) {
            let histogram = self.histogram(span.metadata());
            span.extensions_mut()
                .insert(Began(Instant::now(), histogram));
        }
    }

    fn on_close(&self, id: Id, context: Context<'_, S>) {
        let Some(span) = context.span(&id) else {
            return;
        };
        if let Some(Began(began, histogram)) = span.extensions_mut().remove::<Began>() {
            histogram.record(began.elapsed().as_secs_f64());
        }
    }
}

#[cfg(test)]
mod tests {
    use prosektor_testkit::CapturedOutput;

    use super::*;

    fn log_one_line(format: LogFormat, colour: bool) -> String {
        let captured = CapturedOutput::default();
        let writer = captured.clone();
        let dispatch = dispatch(format, colour, move || writer.clone());
        tracing::dispatcher::with_default(&dispatch, || {
            let span = tracing::info_span!("request", route = "/api/v1/me");
            let _entered = span.enter();
            tracing::warn!(status = 503, "database unavailable");
        });
        captured.text()
    }

    #[test]
    fn text_has_no_ansi_codes_unless_colour_is_asked_for() {
        let plain = log_one_line(LogFormat::Text, false);
        assert!(plain.contains("database unavailable"), "{plain}");
        assert!(!plain.contains('\u{1b}'), "{plain:?}");
        assert!(log_one_line(LogFormat::Text, true).contains('\u{1b}'));
    }

    #[test]
    fn json_is_one_object_per_line_with_the_event_and_span_fields() {
        let line = log_one_line(LogFormat::Json, true);
        let object: serde_json::Value = serde_json::from_str(line.trim()).expect("one JSON object");
        assert_eq!(object["level"], "WARN");
        assert_eq!(object["message"], "database unavailable");
        assert_eq!(object["status"], 503);
        assert_eq!(object["span"]["route"], "/api/v1/me");
        assert!(!line.contains('\u{1b}'));
    }
}
