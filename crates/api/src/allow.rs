//! `405 Method Not Allowed` answers carry the `Allow` header RFC 9110 requires, listing the methods
//! the path has. The router refuses a method before it knows the path's methods, so the list comes
//! from the OpenAPI document the server serves: one source for what each path allows.

use poem::http::header::ALLOW;
use poem::http::{HeaderValue, StatusCode};
use poem::{Endpoint, IntoResponse, Request, Response, Result};
use serde_json::Value;

/// The methods of each path template of the API (`/api/v1/projects/{id}/runs` → `GET, POST`).
#[derive(Debug, Clone, Default)]
pub struct AllowedMethods {
    paths: Vec<(Vec<Segment>, HeaderValue)>,
}

/// One segment of a path template.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Literal(String),
    Parameter,
}

impl AllowedMethods {
    /// The methods of every path of `document` (an OpenAPI document as JSON).
    pub fn from_document(document: &str) -> Self {
        let parsed: Value = serde_json::from_str(document).unwrap_or_default();
        let Some(paths) = parsed.get("paths").and_then(Value::as_object) else {
            return Self::default();
        };
        let paths = paths
            .iter()
            .filter_map(|(template, operations)| {
                let mut methods: Vec<String> = operations
                    .as_object()?
                    .keys()
                    .map(|method| method.to_ascii_uppercase())
                    .collect();
                if methods.iter().any(|method| method == "GET") {
                    methods.push("HEAD".into());
                }
                let allow = HeaderValue::from_str(&methods.join(", ")).ok()?;
                Some((segments(template), allow))
            })
            .collect();
        Self { paths }
    }

    /// The `Allow` value for a request `path`, if a template matches it.
    fn allow(&self, path: &str) -> Option<&HeaderValue> {
        let requested: Vec<&str> = path.trim_matches('/').split('/').collect();
        self.paths
            .iter()
            .find(|(template, _)| {
                template.len() == requested.len()
                    && template
                        .iter()
                        .zip(&requested)
                        .all(|(segment, actual)| match segment {
                            Segment::Literal(literal) => literal == actual,
                            Segment::Parameter => !actual.is_empty(),
                        })
            })
            .map(|(_, allow)| allow)
    }
}

fn segments(template: &str) -> Vec<Segment> {
    template
        .trim_matches('/')
        .split('/')
        .map(|segment| {
            if segment.starts_with('{') && segment.ends_with('}') {
                Segment::Parameter
            } else {
                Segment::Literal(segment.to_owned())
            }
        })
        .collect()
}

/// Calls `next`, adding `Allow` to a `405` answer.
pub async fn add_allow<E: Endpoint>(
    next: E,
    request: Request,
    allowed: &AllowedMethods,
) -> Result<Response> {
    let path = request.uri().path().to_owned();
    let mut response = next.call(request).await?.into_response();
    if response.status() == StatusCode::METHOD_NOT_ALLOWED
        && let Some(allow) = allowed.allow(&path)
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
            "/api/v1/projects/{id}/runs": {"get": {}, "post": {}},
            "/api/v1/projects/{id}": {"get": {}, "patch": {}},
            "/api/v1/auth/login": {"post": {}}
        }}"#;
        let allowed = AllowedMethods::from_document(document);
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
    }
}
