//! How long each repository method takes: `db_operation_duration_seconds{operation}`, where
//! `operation` is the repository and the method (`user.get_session`), a bounded label. A method
//! starts its timer with [`timed!`] as its first statement; the time is recorded when the timer is
//! dropped, so a method that finishes and one whose request was abandoned midway (its future
//! dropped at a deadline) are both counted, with its statements and its waits for a connection.
//!
//! A clock read at each end and one histogram sample: no span, no subscriber, whatever `RUST_LOG`
//! says. Each method's histogram is registered with the process's metrics recorder at its first
//! call and kept, so the recorder must be installed before the first repository call (the server
//! does it first thing); calls made before that record nothing.

use std::sync::OnceLock;
use std::time::Instant;

use metrics::Histogram;

/// A repository method whose calls are timed: its name, and its histogram once registered.
pub(crate) struct Operation {
    /// The module the method is in (`prosektor_persistence::repositories::user`).
    module: &'static str,
    /// The method's name (`get_session`).
    method: &'static str,
    histogram: OnceLock<Histogram>,
}

impl Operation {
    /// The method `method` of the repository in `module`, not registered yet.
    pub(crate) const fn new(module: &'static str, method: &'static str) -> Self {
        Self {
            module,
            method,
            histogram: OnceLock::new(),
        }
    }

    /// A timer of one call, recording when dropped.
    pub(crate) fn start(&'static self) -> Timer {
        Timer {
            operation: self,
            began: Instant::now(),
        }
    }

    /// The label: the module's last segment and the method (`user.get_session`).
    fn label(&self) -> String {
        let repository = self.module.rsplit("::").next().unwrap_or_default();
        format!("{repository}.{}", self.method)
    }

    fn histogram(&self) -> &Histogram {
        self.histogram.get_or_init(
            || metrics::histogram!("db_operation_duration_seconds", "operation" => self.label()),
        )
    }
}

/// One call of an [`Operation`] under way.
#[must_use = "a timer records when it is dropped: bind it for the whole method"]
pub(crate) struct Timer {
    operation: &'static Operation,
    began: Instant,
}

impl Drop for Timer {
    fn drop(&mut self) {
        self.operation.histogram().record(self.began.elapsed());
    }
}

/// Starts timing the repository method `$method` of the module it is written in, until the end
/// of the enclosing scope: `let _timer = timed!("get_session");`.
macro_rules! timed {
    ($method:literal) => {{
        static OPERATION: $crate::timing::Operation =
            $crate::timing::Operation::new(module_path!(), $method);
        OPERATION.start()
    }};
}
pub(crate) use timed;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_label_is_the_repository_and_the_method() {
        let operation = Operation::new("prosektor_persistence::repositories::user", "get_session");
        assert_eq!(operation.label(), "user.get_session");
    }
}
