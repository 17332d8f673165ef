//! Readiness: whether the dependencies a request needs (the database) answer right now.

use async_trait::async_trait;

/// A dependency did not answer; the reason is for operators (logs), never for clients.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not ready: {reason}")]
pub struct NotReady {
    /// What failed, for example the driver's error message.
    pub reason: String,
}

/// Answers whether the service can take traffic (the `/readyz` probe).
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait ReadinessProbe: Send + Sync {
    /// Checks every dependency a request needs.
    ///
    /// # Errors
    /// [`NotReady`] when a dependency does not answer (promptly).
    async fn check(&self) -> Result<(), NotReady>;
}
