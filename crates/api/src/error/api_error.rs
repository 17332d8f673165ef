//! [`ApiError`]: every error an operation can answer, declared in the spec for every operation,
//! and the one mapping from [`ServiceError`] to it.

use poem_openapi::{ApiResponse, payload::Json};
use prosektor_application::services::ServiceError;
use prosektor_domain::DomainError;

use super::problem::{FieldError, Problem};

/// What an operation returns: its success response, or a problem document.
pub type ApiResult<T> = Result<T, ApiError>;

/// An error response: an `application/problem+json` [`Problem`] with the matching status.
#[derive(Debug, ApiResponse)]
pub enum ApiError {
    /// The request is malformed: unreadable JSON, a wrong type, a bad UUID, a foreign cursor.
    #[oai(status = 400, content_type = "application/problem+json")]
    BadRequest(Json<Problem>),
    /// No valid bearer token, an outdated session, or wrong credentials.
    #[oai(status = 401, content_type = "application/problem+json")]
    Unauthorized(Json<Problem>),
    /// The caller's role may not do this.
    #[oai(status = 403, content_type = "application/problem+json")]
    Forbidden(Json<Problem>),
    /// No such resource (or one of another tenant: the two are indistinguishable).
    #[oai(status = 404, content_type = "application/problem+json")]
    NotFound(Json<Problem>),
    /// A uniqueness rule, a state machine, or a concurrent request refused the change.
    #[oai(status = 409, content_type = "application/problem+json")]
    Conflict(Json<Problem>),
    /// `If-Match` named a version the resource no longer has: it changed since it was read.
    /// Nothing was changed; read it again (its `ETag`) and retry.
    #[oai(status = 412, content_type = "application/problem+json")]
    PreconditionFailed(Json<Problem>),
    /// The body is larger than the API accepts (1 MiB).
    #[oai(status = 413, content_type = "application/problem+json")]
    PayloadTooLarge(Json<Problem>),
    /// The body is not `application/json`.
    #[oai(status = 415, content_type = "application/problem+json")]
    UnsupportedMediaType(Json<Problem>),
    /// The request is well formed, but a value breaks a rule; `errors` lists the fields.
    #[oai(status = 422, content_type = "application/problem+json")]
    Unprocessable(Json<Problem>),
    /// Too many attempts (failed logins, password checks, ingestions with one key); retry after
    /// `Retry-After` seconds.
    #[oai(status = 429, content_type = "application/problem+json")]
    TooManyRequests(
        Json<Problem>,
        /// Seconds until a new attempt is accepted.
        #[oai(header = "Retry-After")]
        u64,
    ),
    /// Something failed on our side; the cause is logged, never returned.
    #[oai(status = 500, content_type = "application/problem+json")]
    Internal(Json<Problem>),
    /// The database cannot answer for now (it is restarting, unreachable, read-only or
    /// overloaded), or the request did not finish within its time bound. Nothing was changed
    /// unless the request was past its bound (its outcome is then unknown); retry after
    /// `Retry-After` seconds.
    #[oai(status = 503, content_type = "application/problem+json")]
    Unavailable(
        Json<Problem>,
        /// Seconds after which a retry may succeed.
        #[oai(header = "Retry-After")]
        u64,
    ),
}

/// Seconds a client is asked to wait before retrying after a `503`.
pub const RETRY_UNAVAILABLE_AFTER_SECS: u64 = 2;

impl ApiError {
    /// `400`, for a malformed request.
    pub fn bad_request(code: &str, detail: impl Into<String>) -> Self {
        Self::BadRequest(Json(Problem::new(
            400,
            code,
            "Bad request",
            Some(detail.into()),
        )))
    }

    /// `429` after too many attempts: `Retry-After` carries the seconds, and the detail gives the
    /// same wait, in seconds below two minutes and in whole minutes (rounded up) from two on.
    pub fn too_many_requests(retry_after_secs: u64) -> Self {
        let detail = format!(
            "too many attempts; retry in {}",
            wait_in_words(retry_after_secs)
        );
        Self::TooManyRequests(
            Json(Problem::new(
                429,
                "too_many_requests",
                "Too many requests",
                Some(detail),
            )),
            retry_after_secs,
        )
    }

    /// `503` with `Retry-After`, for a database that cannot answer now or a request past its
    /// time bound; `detail` says which, in words a client may show.
    pub fn unavailable(detail: &str) -> Self {
        Self::Unavailable(
            Json(Problem::new(
                503,
                "unavailable",
                "Service unavailable",
                Some(detail.to_owned()),
            )),
            RETRY_UNAVAILABLE_AFTER_SECS,
        )
    }

    /// `401` for a missing, malformed, expired or outdated token.
    pub fn unauthenticated() -> Self {
        Self::Unauthorized(Json(Problem::new(
            401,
            "unauthenticated",
            "Unauthenticated",
            Some("a valid bearer token is required".into()),
        )))
    }
}

impl From<ServiceError> for ApiError {
    fn from(error: ServiceError) -> Self {
        let code = error.code();
        match error {
            ServiceError::NotFound => {
                Self::NotFound(Json(Problem::new(404, code, "Not found", None)))
            }
            ServiceError::Forbidden => Self::Forbidden(Json(Problem::new(
                403,
                code,
                "Forbidden",
                Some("your role may not do this".into()),
            ))),
            ServiceError::Unauthenticated => Self::unauthenticated(),
            ServiceError::InvalidCredentials => Self::Unauthorized(Json(Problem::new(
                401,
                code,
                "Invalid credentials",
                Some("the email or the password is wrong".into()),
            ))),
            ServiceError::Conflict(conflict) => Self::Conflict(Json(Problem::new(
                409,
                code,
                "Conflict",
                Some(conflict_detail(conflict.code()).into()),
            ))),
            ServiceError::Domain(domain) => from_domain(code, &domain),
            ServiceError::InvalidCursor => {
                Self::bad_request(code, "the cursor was not issued by this listing")
            }
            ServiceError::PreconditionFailed => Self::PreconditionFailed(Json(Problem::new(
                412,
                code,
                "Precondition failed",
                Some("the resource changed since the version in If-Match; read it again".into()),
            ))),
            ServiceError::TooManyAttempts { retry_after_secs } => {
                Self::too_many_requests(retry_after_secs)
            }
            ServiceError::CompanySuspended => Self::Forbidden(Json(Problem::new(
                403,
                code,
                "Company suspended",
                Some("the company is suspended: its data can be read but not changed".into()),
            ))),
            ServiceError::CompanyClosed => Self::Forbidden(Json(Problem::new(
                403,
                code,
                "Company closed",
                Some("the company's account is closed".into()),
            ))),
            ServiceError::Unavailable(cause) => {
                tracing::warn!(%cause, "database unavailable");
                Self::unavailable("the database cannot answer now; retry shortly")
            }
            ServiceError::Internal(cause) => {
                tracing::error!(%cause, "internal error");
                Self::Internal(Json(Problem::new(500, code, "Internal error", None)))
            }
        }
    }
}

fn from_domain(code: &str, error: &DomainError) -> ApiError {
    let detail = Some(error.to_string());
    match error {
        DomainError::Validation { field, reason } => ApiError::Unprocessable(Json(
            Problem::new(422, code, "Validation failed", detail).with_errors(vec![FieldError {
                field: (*field).to_owned(),
                reason: reason.to_string(),
            }]),
        )),
        DomainError::RoleCompanyMismatch | DomainError::Overflow { .. } => {
            ApiError::Unprocessable(Json(Problem::new(422, code, "Unprocessable", detail)))
        }
        DomainError::InvalidTransition { .. }
        | DomainError::NotEditable { .. }
        | DomainError::AlreadyDeleted
        | DomainError::NotDeleted => {
            ApiError::Conflict(Json(Problem::new(409, code, "Conflict", detail)))
        }
    }
}

fn conflict_detail(code: &str) -> &'static str {
    match code {
        "email_taken" => "a user with this email exists",
        "tax_id_taken" => "a company with this tax id exists",
        "domain_taken" => "a project with this domain exists",
        "active_run_exists" => "the project already has a queued or running run",
        _ => "the resource changed meanwhile; read it again and retry",
    }
}

/// A wait of `secs` seconds as a person reads it: seconds below two minutes, else whole minutes,
/// rounded up so that a client retrying when told is never earlier than `Retry-After`.
fn wait_in_words(secs: u64) -> String {
    if secs < 120 {
        format!("{secs} s")
    } else {
        format!("{} min", secs.div_ceil(60))
    }
}

#[cfg(test)]
mod tests {
    use prosektor_application::Conflict;
    use prosektor_domain::ValidationReason;

    use super::*;

    fn problem(error: ServiceError) -> Problem {
        match ApiError::from(error) {
            ApiError::BadRequest(Json(p))
            | ApiError::Unauthorized(Json(p))
            | ApiError::Forbidden(Json(p))
            | ApiError::NotFound(Json(p))
            | ApiError::Conflict(Json(p))
            | ApiError::PreconditionFailed(Json(p))
            | ApiError::PayloadTooLarge(Json(p))
            | ApiError::UnsupportedMediaType(Json(p))
            | ApiError::Unprocessable(Json(p))
            | ApiError::TooManyRequests(Json(p), _)
            | ApiError::Unavailable(Json(p), _)
            | ApiError::Internal(Json(p)) => p,
        }
    }

    #[test]
    fn every_service_error_has_its_status_and_stable_code() {
        let cases = [
            (ServiceError::NotFound, 404, "not_found"),
            (ServiceError::Forbidden, 403, "forbidden"),
            (ServiceError::Unauthenticated, 401, "unauthenticated"),
            (ServiceError::InvalidCredentials, 401, "invalid_credentials"),
            (
                ServiceError::Conflict(Conflict::StaleState),
                409,
                "stale_state",
            ),
            (
                ServiceError::Conflict(Conflict::EmailTaken),
                409,
                "email_taken",
            ),
            (
                ServiceError::Domain(DomainError::NotDeleted),
                409,
                "not_deleted",
            ),
            (
                ServiceError::Domain(DomainError::RoleCompanyMismatch),
                422,
                "role_company_mismatch",
            ),
            (ServiceError::InvalidCursor, 400, "invalid_cursor"),
            (ServiceError::PreconditionFailed, 412, "precondition_failed"),
            (
                ServiceError::Unavailable("pool timed out".into()),
                503,
                "unavailable",
            ),
            (ServiceError::Internal("no row".into()), 500, "internal"),
        ];
        for (error, status, code) in cases {
            let problem = problem(error);
            assert_eq!((problem.status, problem.code.as_str()), (status, code));
            assert_eq!(
                problem.problem_type,
                format!("https://prosektor.example/problems/{code}")
            );
        }
    }

    #[test]
    fn a_throttled_caller_is_told_the_wait_in_seconds_then_in_minutes_never_early() {
        let detail = |secs| match ApiError::too_many_requests(secs) {
            ApiError::TooManyRequests(Json(problem), retry_after) => {
                assert_eq!(retry_after, secs, "Retry-After keeps the seconds");
                problem.detail.unwrap_or_default()
            }
            other => panic!("not a 429: {other:?}"),
        };
        assert_eq!(detail(1), "too many attempts; retry in 1 s");
        assert_eq!(detail(119), "too many attempts; retry in 119 s");
        assert_eq!(detail(120), "too many attempts; retry in 2 min");
        assert_eq!(detail(121), "too many attempts; retry in 3 min");
        assert_eq!(detail(899), "too many attempts; retry in 15 min");
        assert_eq!(detail(900), "too many attempts; retry in 15 min");
        assert_eq!(
            detail(u64::MAX),
            format!("too many attempts; retry in {} min", u64::MAX / 60 + 1)
        );
    }

    #[test]
    fn validation_names_the_field_and_internal_errors_hide_their_cause() {
        let invalid = problem(ServiceError::Domain(DomainError::invalid(
            "email",
            ValidationReason::Format,
        )));
        assert_eq!(invalid.status, 422);
        assert_eq!(
            invalid.errors,
            vec![FieldError {
                field: "email".into(),
                reason: "has an invalid format".into(),
            }]
        );
        let internal = problem(ServiceError::Internal(
            "password=hunter2 in a driver message".into(),
        ));
        assert_eq!(internal.detail, None);
        let unavailable = problem(ServiceError::Unavailable(
            "connection to postgres://app:hunter2@db failed".into(),
        ));
        assert!(!unavailable.detail.unwrap_or_default().contains("hunter2"));
    }
}
