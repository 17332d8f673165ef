//! What the router does not know when it answers, taken from the OpenAPI document the server
//! serves (one source for the API's paths):
//!
//! - `405 Method Not Allowed` answers carry the `Allow` header RFC 9110 requires, listing the
//!   methods the path has (the router refuses a method before it knows the path's methods);
//! - a path parameter that does not parse is named as the document names it (`id`), not by its
//!   position (poem-openapi's `param0`);
//! - which operation a request is (its `operationId`), for middleware that applies to some
//!   operations only (idempotency keys).

use poem::http::header::ALLOW;
use poem::http::{HeaderValue, StatusCode};
use poem::{Endpoint, Error, IntoResponse, Request, Response, Result};
use poem_openapi::error::ParsePathError;
use serde_json::Value;

/// The methods and operations of each path template of the API (`/api/v1/projects/{id}/runs` →
/// `GET listRuns, POST startRun`).
#[derive(Debug, Clone, Default)]
pub struct Routes {
    paths: Vec<PathTemplate>,
}

/// One path template of the document.
#[derive(Debug, Clone)]
struct PathTemplate {
    /// As the document writes it (`/api/v1/projects/{id}/runs`).
    template: String,
    segments: Vec<Segment>,
    /// The `Allow` value: its methods (and `HEAD` beside `GET`).
    allow: HeaderValue,
    /// Each method (upper case) with its `operationId`.
    operations: Vec<(String, String)>,
}

/// One segment of a path template.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Literal(String),
    Parameter(String),
}

impl Routes {
    /// The methods of every path of `document` (an OpenAPI document as JSON).
    pub fn from_document(document: &str) -> Self {
        let parsed: Value = serde_json::from_str(document).unwrap_or_default();
        let Some(paths) = parsed.get("paths").and_then(Value::as_object) else {
            return Self::default();
        };
        let paths = paths
            .iter()
            .filter_map(|(template, operations)| {
                let operations: Vec<(String, String)> = operations
                    .as_object()?
                    .iter()
                    .map(|(method, operation)| {
                        let id = operation.get("operationId").and_then(Value::as_str);
                        (
                            method.to_ascii_uppercase(),
                            id.unwrap_or_default().to_owned(),
                        )
                    })
                    .collect();
                let mut methods: Vec<&str> = operations
                    .iter()
                    .map(|(method, _)| method.as_str())
                    .collect();
                if methods.contains(&"GET") {
                    methods.push("HEAD");
                }
                let allow = HeaderValue::from_str(&methods.join(", ")).ok()?;
                Some(PathTemplate {
                    template: template.clone(),
                    segments: segments(template),
                    allow,
                    operations,
                })
            })
            .collect();
        Self { paths }
    }

    /// The template `path` matches.
    fn matching(&self, path: &str) -> Option<&PathTemplate> {
        self.position(path).map(|position| &self.paths[position])
    }

    /// The position among [`Routes::templates`] of the template `path` matches, if any: a
    /// request's route with no ids in it, for logs and metric labels.
    pub(crate) fn position(&self, path: &str) -> Option<usize> {
        let requested: Vec<&str> = path.trim_matches('/').split('/').collect();
        self.paths.iter().position(|template| {
            template.segments.len() == requested.len()
                && template
                    .segments
                    .iter()
                    .zip(&requested)
                    .all(|(segment, actual)| match segment {
                        Segment::Literal(literal) => literal == actual,
                        Segment::Parameter(_) => !actual.is_empty(),
                    })
        })
    }

    /// The `Allow` value for a request `path`, if a template matches it.
    fn allow(&self, path: &str) -> Option<&HeaderValue> {
        self.matching(path).map(|template| &template.allow)
    }

    /// Every template as the document writes it (`/api/v1/projects/{id}/runs`), in the order of
    /// [`Routes::position`].
    pub(crate) fn templates(&self) -> impl Iterator<Item = &str> {
        self.paths.iter().map(|template| template.template.as_str())
    }

    /// The `operationId` of `method path`, if the document has that operation.
    pub(crate) fn operation(&self, method: &str, path: &str) -> Option<&str> {
        self.matching(path)?
            .operations
            .iter()
            .find(|(declared, _)| declared == method)
            .map(|(_, id)| id.as_str())
    }

    /// The name of path parameter number `index` (from 0) of the template `path` matches.
    fn parameter(&self, path: &str, index: usize) -> Option<&str> {
        let template = &self.matching(path)?.segments;
        template
            .iter()
            .filter_map(|segment| match segment {
                Segment::Parameter(name) => Some(name.as_str()),
                Segment::Literal(_) => None,
            })
            .nth(index)
    }
}

fn segments(template: &str) -> Vec<Segment> {
    template
        .trim_matches('/')
        .split('/')
        .map(
            |segment| match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                Some(name) => Segment::Parameter(name.to_owned()),
                None => Segment::Literal(segment.to_owned()),
            },
        )
        .collect()
}

/// Calls `next`, naming by its name a path parameter that did not parse (poem-openapi names them
/// `param0`, `param1`, ... by position).
pub async fn name_path_parameters<E: Endpoint>(
    next: E,
    request: Request,
    routes: &Routes,
) -> Result<Response> {
    // A clone of the URI shares its bytes: the path is never copied.
    let uri = request.uri().clone();
    match next.call(request).await {
        Ok(response) => Ok(response.into_response()),
        Err(error) => {
            let renamed = error.downcast_ref::<ParsePathError>().and_then(|refused| {
                let index = refused.name.strip_prefix("param")?.parse().ok()?;
                let name = routes.parameter(uri.path(), index)?;
                Some(Error::from_string(
                    format!(
                        "failed to parse path parameter `{name}`: {}",
                        refused.reason
                    ),
                    StatusCode::BAD_REQUEST,
                ))
            });
            Err(renamed.unwrap_or(error))
        }
    }
}

/// Calls `next`, adding `Allow` to a `405` answer.
pub async fn add_allow<E: Endpoint>(
    next: E,
    request: Request,
    allowed: &Routes,
) -> Result<Response> {
    let uri = request.uri().clone();
    let mut response = next.call(request).await?.into_response();
    if response.status() == StatusCode::METHOD_NOT_ALLOWED
        && let Some(allow) = allowed.allow(uri.path())
    {
        response.headers_mut().insert(ALLOW, allow.clone());
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_match_their_templates_segment_by_segment() {
        let document = r#"{"paths": {
            "/api/v1/projects/{id}/runs": {"get": {}, "post": {"operationId": "startRun"}},
            "/api/v1/projects/{id}": {"get": {}, "patch": {}},
            "/api/v1/auth/login": {"post": {}}
        }}"#;
        let allowed = Routes::from_document(document);
        let allow = |path| {
            allowed
                .allow(path)
                .map(|value| value.to_str().unwrap().to_owned())
        };
        assert_eq!(
            allow("/api/v1/projects/abc/runs").as_deref(),
            Some("GET, POST, HEAD")
        );
        assert_eq!(
            allow("/api/v1/projects/abc").as_deref(),
            Some("GET, PATCH, HEAD")
        );
        assert_eq!(allow("/api/v1/auth/login").as_deref(), Some("POST"));
        assert_eq!(allow("/api/v1/projects"), None);
        assert_eq!(allow("/api/v1/projects/abc/runs/x"), None);
        let templates: Vec<&str> = allowed.templates().collect();
        let position = allowed.position("/api/v1/projects/abc/runs").unwrap();
        assert_eq!(templates[position], "/api/v1/projects/{id}/runs");
        assert_eq!(allowed.position("/api/v1/projects"), None);
        assert_eq!(
            allowed.parameter("/api/v1/projects/abc/runs", 0),
            Some("id")
        );
        assert_eq!(allowed.parameter("/api/v1/projects/abc/runs", 1), None);
        assert_eq!(
            allowed.operation("POST", "/api/v1/projects/abc/runs"),
            Some("startRun")
        );
        assert_eq!(
            allowed.operation("DELETE", "/api/v1/projects/abc/runs"),
            None
        );
    }
}
