//! The served contract as a strict response validator: every reply the suite reads through
//! [`TestServer`](crate::support::TestServer)'s JSON client is checked against the response its
//! operation declares in `docs/openapi.json` (which a test keeps equal to the served document), so
//! a drift between server and document fails the test that met it, not a generated client.
//!
//! OpenAPI 3.0 schemas become JSON Schema 2020-12 by two rewrites: `nullable: true` adds `"null"`
//! to the schema's own `type`, and only there, as OpenAPI 3.0.3 reads it (beside an `allOf [$ref]`
//! with no `type` it admits nothing, and an `enum` still has to list `null`), and an
//! object with declared `properties` is closed (`additionalProperties: false` unless it says
//! otherwise), so a member the server sends but the document does not name is a drift too.
//! `format`s are asserted (`uuid`, `date`, `date-time`); the numeric ones poem-openapi writes
//! (`uint64`, `decimal`, ...) are not JSON Schema formats and are left to `type` and `pattern`.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};

use jsonschema::{Draft, Validator};
use reqwest::{Method, StatusCode};
use serde_json::{Map, Value, json};

static CONTRACT: LazyLock<Contract> = LazyLock::new(Contract::load);

/// Panics, naming the operation and every violation, unless the reply is one the document
/// declares for `method path`: a documented status, a documented media type, and a body that
/// matches its schema. Paths the document does not describe (and methods it does not list for a
/// described path, which answer 405) are not checked.
pub fn check(
    method: &Method,
    path: &str,
    status: StatusCode,
    content_type: Option<&str>,
    body: &str,
) {
    CONTRACT.check(method, path, status, content_type, body);
}

struct Contract {
    /// The document's schemas, rewritten to JSON Schema, under `components.schemas` so that the
    /// document's own `$ref`s resolve.
    components: Value,
    operations: Vec<Operation>,
    validators: Mutex<HashMap<String, Arc<Validator>>>,
}

struct Operation {
    method: Method,
    template: String,
    responses: Map<String, Value>,
}

impl Operation {
    /// How many literal segments of the template match `segments` (more is a better match), or
    /// `None` when it does not match.
    fn literal_matches(&self, segments: &[&str]) -> Option<usize> {
        let template: Vec<&str> = self.template.split('/').collect();
        if template.len() != segments.len() {
            return None;
        }
        let mut literals = 0;
        for (expected, actual) in template.iter().zip(segments) {
            if expected.starts_with('{') {
                if actual.is_empty() {
                    return None;
                }
            } else if expected == actual {
                literals += 1;
            } else {
                return None;
            }
        }
        Some(literals)
    }
}

impl Contract {
    fn load() -> Self {
        let text = include_str!("../../docs/openapi.json");
        let document: Value = serde_json::from_str(text).expect("docs/openapi.json is JSON");
        let mut operations = Vec::new();
        for (template, item) in document["paths"].as_object().expect("paths") {
            for (method, operation) in item.as_object().expect("a path item") {
                let Ok(method) = method.to_uppercase().parse::<Method>() else {
                    continue;
                };
                operations.push(Operation {
                    method,
                    template: template.clone(),
                    responses: operation["responses"]
                        .as_object()
                        .cloned()
                        .unwrap_or_default(),
                });
            }
        }
        Self {
            components: json!({ "components": to_json_schema(&document["components"]) }),
            operations,
            validators: Mutex::new(HashMap::new()),
        }
    }

    fn check(
        &self,
        method: &Method,
        path: &str,
        status: StatusCode,
        content_type: Option<&str>,
        body: &str,
    ) {
        let path = path.split('?').next().unwrap_or_default();
        let segments: Vec<&str> = path.split('/').collect();
        let Some(operation) = self
            .operations
            .iter()
            .filter(|operation| operation.method == *method)
            .filter_map(|operation| Some((operation.literal_matches(&segments)?, operation)))
            .max_by_key(|(literals, _)| *literals)
            .map(|(_, operation)| operation)
        else {
            return;
        };
        let what = format!("{method} {} answered {status}", operation.template);
        let response = operation
            .responses
            .get(status.as_str())
            .or_else(|| operation.responses.get("default"))
            .unwrap_or_else(|| panic!("{what}, a status the document does not declare"));
        let Some(content) = response.get("content").and_then(Value::as_object) else {
            assert!(
                body.is_empty(),
                "{what} with a body, where the document declares none: {body}"
            );
            return;
        };
        let media_type = |value: &str| {
            value
                .split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .to_owned()
        };
        let sent = content_type.map(media_type).unwrap_or_default();
        let (declared, media) = content
            .iter()
            .find(|(declared, _)| media_type(declared) == sent)
            .unwrap_or_else(|| {
                panic!(
                    "{what} as {sent:?}, but the document declares {:?}",
                    content.keys()
                )
            });
        if !sent.ends_with("json") {
            return;
        }
        let instance: Value = serde_json::from_str(body).unwrap_or_else(|error| {
            panic!("{what} with a {sent} body that is not JSON ({error}): {body}")
        });
        let validator = self.validator(&format!("{what} {declared}"), &media["schema"]);
        let violations: Vec<String> = validator
            .iter_errors(&instance)
            .map(|error| format!("at {}: {error}", error.instance_path()))
            .collect();
        assert!(
            violations.is_empty(),
            "{what}, violating the document: {violations:#?}\nbody: {instance:#}"
        );
    }

    fn validator(&self, key: &str, schema: &Value) -> Arc<Validator> {
        let mut validators = self.validators.lock().expect("validators");
        let validator = validators.entry(key.to_owned()).or_insert_with(|| {
            let mut root = self.components.clone();
            root["allOf"] = json!([to_json_schema(schema)]);
            let validator = jsonschema::options()
                .with_draft(Draft::Draft202012)
                .should_validate_formats(true)
                .build(&root)
                .unwrap_or_else(|error| panic!("the schema of {key} does not compile: {error}"));
            Arc::new(validator)
        });
        Arc::clone(validator)
    }
}

/// OpenAPI 3.0.3's `nullable: true` as JSON Schema (`"null"` added to a `type` in the same
/// schema), and objects with `properties` closed, everywhere.
fn to_json_schema(schema: &Value) -> Value {
    match schema {
        Value::Object(members) => {
            let mut converted: Map<String, Value> = members
                .iter()
                .filter(|(name, _)| name.as_str() != "nullable")
                .map(|(name, value)| (name.clone(), to_json_schema(value)))
                .collect();
            if converted.contains_key("properties") {
                converted
                    .entry("additionalProperties")
                    .or_insert(Value::Bool(false));
            }
            if members.get("nullable") == Some(&Value::Bool(true))
                && let Some(Value::String(kind)) = converted.get("type").cloned()
            {
                converted.insert("type".into(), json!([kind, "null"]));
            }
            Value::Object(converted)
        }
        Value::Array(items) => Value::Array(items.iter().map(to_json_schema).collect()),
        other => other.clone(),
    }
}

/// The validator itself: it admits what the document declares and refuses each kind of drift.
mod validator {
    use reqwest::{Method, StatusCode};
    use serde_json::json;

    use super::{CONTRACT, check};

    const COMPANY: &str = "/api/v1/companies/0190b6a4-4f4e-7a58-9a3e-2f6c1c0e0a11";
    const PROBLEM: &str = "application/problem+json";

    fn not_found(body: serde_json::Value) {
        check(
            &Method::GET,
            COMPANY,
            StatusCode::NOT_FOUND,
            Some(PROBLEM),
            &body.to_string(),
        );
    }

    fn problem() -> serde_json::Value {
        json!({"type": "about:blank", "title": "Not Found", "status": 404, "code": "not_found",
               "detail": null, "errors": [], "request_id": "01a231d9-2824-7529-ad0c-55826d66f6da"})
    }

    #[test]
    fn a_declared_reply_passes() {
        not_found(problem());
    }

    #[test]
    #[should_panic(expected = "violating the document")]
    fn an_undeclared_member_fails() {
        let mut body = problem();
        body["trace"] = json!("abc");
        not_found(body);
    }

    #[test]
    #[should_panic(expected = "violating the document")]
    fn a_missing_required_member_fails() {
        let mut body = problem();
        body.as_object_mut().expect("an object").remove("code");
        not_found(body);
    }

    #[test]
    #[should_panic(expected = "violating the document")]
    fn a_wrong_type_fails() {
        let mut body = problem();
        body["status"] = json!("404");
        not_found(body);
    }

    #[test]
    #[should_panic(expected = "a status the document does not declare")]
    fn an_undeclared_status_fails() {
        check(
            &Method::GET,
            COMPANY,
            StatusCode::IM_A_TEAPOT,
            Some(PROBLEM),
            "{}",
        );
    }

    #[test]
    #[should_panic(expected = "but the document declares")]
    fn an_undeclared_media_type_fails() {
        check(
            &Method::GET,
            COMPANY,
            StatusCode::NOT_FOUND,
            Some("text/plain"),
            "gone",
        );
    }

    #[test]
    fn null_is_admitted_where_a_referenced_enum_is_nullable() {
        let preferences = json!({"$ref": "#/components/schemas/Preferences"});
        let validator = CONTRACT.validator("test Preferences", &preferences);
        assert!(validator.is_valid(&json!({"theme": null, "locale": null, "notifications": null})));
        assert!(validator.is_valid(&json!({"theme": "dark"})));
        assert!(!validator.is_valid(&json!({"theme": "purple"})));
    }

    #[test]
    fn nullable_beside_a_bare_reference_admits_no_null_as_in_openapi_3_0_3() {
        let loose = json!({"allOf": [{"$ref": "#/components/schemas/ThemeDto"}], "nullable": true});
        let validator = CONTRACT.validator("test loose ThemeDto", &loose);
        assert!(validator.is_valid(&json!("dark")));
        assert!(!validator.is_valid(&json!(null)));
    }
}
