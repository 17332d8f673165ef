//! [`Serialized`]: a JSON answer written by serde straight from its value.
//!
//! poem-openapi's `Json` writes an answer in two steps: the value becomes a `serde_json::Value`
//! (every key and string copied into a tree of maps), and the tree is serialized. For an answer of
//! many rows (a range of analytics days) building and writing the tree took about a sixth of the
//! server's CPU per request, more than reading the rows; for a page of two projects, a twentieth
//! (`docs/benchmarks.md`). The analytics series, every listing's page and every versioned
//! resource ([`crate::versioning::Tagged`]) are answered this way. `Serialized` documents itself
//! exactly as `Json` does, so the OpenAPI document does not change; its type must serialize with
//! serde exactly as poem-openapi would write it (instants through `crate::dto::timestamp`), which
//! the tests check with `tests::serializes_as_documented`.

use poem::http::header::CONTENT_TYPE;
use poem::http::{HeaderValue, StatusCode};
use poem::{IntoResponse, Response};
use poem_openapi::ApiResponse;
use poem_openapi::payload::{Json, Payload};
use poem_openapi::registry::{MetaMediaType, MetaResponse, MetaResponses, MetaSchemaRef, Registry};
use poem_openapi::types::Type;
use serde::Serialize;

/// A `200` JSON answer of `T`, documented as poem-openapi's `Json<T>`, written by serde.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Serialized<T>(pub T);

impl<T: Type> Payload for Serialized<T> {
    const CONTENT_TYPE: &'static str = <Json<T> as Payload>::CONTENT_TYPE;

    fn check_content_type(content_type: &str) -> bool {
        <Json<T> as Payload>::check_content_type(content_type)
    }

    fn schema_ref() -> MetaSchemaRef {
        T::schema_ref()
    }

    fn register(registry: &mut Registry) {
        T::register(registry);
    }
}

impl<T: Type + Serialize> IntoResponse for Serialized<T> {
    fn into_response(self) -> Response {
        match serde_json::to_vec(&self.0) {
            Ok(body) => Response::builder()
                .header(
                    CONTENT_TYPE,
                    HeaderValue::from_static(<Self as Payload>::CONTENT_TYPE),
                )
                .body(body),
            // Only a map with keys that are not strings could fail, and no answer has one.
            Err(error) => Response::builder()
                .status(StatusCode::INTERNAL_SERVER_ERROR)
                .body(error.to_string()),
        }
    }
}

impl<T: Type + Serialize> ApiResponse for Serialized<T> {
    fn meta() -> MetaResponses {
        MetaResponses {
            responses: vec![MetaResponse {
                description: "",
                status: Some(200),
                status_range: None,
                content: vec![MetaMediaType {
                    content_type: Self::CONTENT_TYPE,
                    schema: Self::schema_ref(),
                }],
                headers: vec![],
            }],
        }
    }

    fn register(registry: &mut Registry) {
        T::register(registry);
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use poem_openapi::types::ToJSON;

    use super::*;

    /// Asserts that `value` serializes with serde exactly as poem-openapi writes it (the
    /// document's shape), and that its answer carries that JSON.
    pub(crate) async fn serializes_as_documented<T: ToJSON + Serialize + Clone>(value: &T) {
        let documented = value.to_json().expect("an answer has a JSON value");
        assert_eq!(
            serde_json::to_value(value).expect("serializable"),
            documented
        );
        let response = Serialized(value.clone()).into_response();
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(
            response.headers().get(CONTENT_TYPE),
            Some(&HeaderValue::from_static("application/json; charset=utf-8"))
        );
        let body = response.into_body().into_vec().await.expect("a body");
        let written: serde_json::Value = serde_json::from_slice(&body).expect("JSON");
        assert_eq!(written, documented);
    }
}
