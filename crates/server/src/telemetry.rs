//! Logging to standard error (standard output is for command results such as `openapi`):
//! `RUST_LOG` filters (default `info`, with the SQL drivers at `warn`); human-readable text,
//! coloured only on a terminal that does not ask for `NO_COLOR`, or one JSON object per line
//! (`PROSEKTOR_LOG_FORMAT=json`) with the event's fields and its spans'.

use std::io::IsTerminal;

use clap::ValueEnum;
use tracing::Dispatch;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::{self, MakeWriter};
use tracing_subscriber::layer::SubscriberExt;

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
/// server installs globally; tests install it on their own thread to read the logs).
pub fn dispatch<W>(format: LogFormat, colour: bool, writer: W) -> Dispatch
where
    W: for<'writer> MakeWriter<'writer> + Send + Sync + 'static,
{
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(DEFAULT_FILTER));
    let filtered = tracing_subscriber::registry().with(filter);
    match format {
        LogFormat::Text => {
            Dispatch::new(filtered.with(fmt::layer().with_writer(writer).with_ansi(colour)))
        }
        LogFormat::Json => {
            let json = fmt::layer()
                .with_writer(writer)
                .json()
                .flatten_event(true)
                .with_current_span(true)
                .with_span_list(true);
            Dispatch::new(filtered.with(json))
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
