//! [`Problem`]: an RFC 9457 problem document, the body of every error response
//! (`application/problem+json`).

use poem_openapi::Object;

/// Where the documentation of each problem `code` lives; a problem's `type` is this plus its code.
pub const PROBLEM_TYPE_BASE: &str = "https://prosektor.example/problems/";

/// One rejected field of a request.
#[derive(Debug, Clone, PartialEq, Eq, Object)]
pub struct FieldError {
    /// The field, as named in the request (`email`, `amount_subtotal`, ...).
    pub field: String,
    /// Why it was rejected, for people.
    pub reason: String,
}

/// An RFC 9457 problem document with ProSektor's stable machine `code`.
#[derive(Debug, Clone, PartialEq, Eq, Object)]
pub struct Problem {
    /// A URI naming the problem type: `https://prosektor.example/problems/` followed by `code`.
    #[oai(rename = "type")]
    pub problem_type: String,
    /// A short, human-readable summary of the problem type.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// What happened in this occurrence, for people; `null` when there is nothing to add.
    pub detail: Option<String>,
    /// The stable machine code (`validation_failed`, `not_found`, `stale_state`, ...); clients
    /// branch on this, never on `title` or `detail`.
    pub code: String,
    /// The rejected fields of a validation problem; empty for every other problem.
    pub errors: Vec<FieldError>,
    /// The id of the request that met the problem (its `X-Request-Id`): quote it to support, and
    /// find the request's log lines by it.
    pub request_id: String,
}

impl Problem {
    /// A problem with `status`, `code`, a title and an optional detail.
    pub fn new(status: u16, code: &str, title: &str, detail: Option<String>) -> Self {
        Self {
            problem_type: format!("{PROBLEM_TYPE_BASE}{code}"),
            title: title.to_owned(),
            status,
            detail,
            code: code.to_owned(),
            errors: Vec::new(),
            request_id: crate::observe::current_request_id().unwrap_or_default(),
        }
    }

    /// The same problem, listing the rejected fields.
    pub fn with_errors(mut self, errors: Vec<FieldError>) -> Self {
        self.errors = errors;
        self
    }
}
