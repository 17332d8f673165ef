//! The OpenAPI document as served and committed: poem-openapi's generated document, made exact
//! and generator-friendly in ways that its derive macros cannot express.
//!
//! 1. Optional properties are serialized as `null` when absent, so every property that is not
//!    `required` is marked `nullable` (OpenAPI 3.0), wrapping a `$ref` in `allOf` as 3.0 requires;
//!    except a property with a `default`, where absent and `null` differ: it is optional and not
//!    nullable, and its `default` is left to its description (generators read a `default` as
//!    "required in requests").
//! 2. Every request body refuses unknown fields (`deny_unknown_fields` is the convention for all
//!    request bodies), so each object schema reachable from a request body gets
//!    `additionalProperties: false` (objects only: on a string enum it would mean nothing, and
//!    generators read it as "not an enum").
//! 3. A property's documentation becomes the property's own `description`, beside a one-member
//!    `allOf: [{$ref}]`, instead of a second, description-only `allOf` member (poem-openapi's way),
//!    which generators refuse ("cannot take allOf a non-object").
//! 4. A nullable reference is written `oneOf: [{$ref}, {nullable: true, enum: [null]}]`: under
//!    OpenAPI 3.0.3, `nullable` beside `allOf: [{$ref}]` (no `type` of its own) admits no `null`,
//!    so a strict validator would refuse the `null` the server sends (`"theme": null`). The second
//!    member has no `type` on purpose: it then admits exactly `null`, and the Python, TypeScript
//!    and Rust (progenitor) generators all read the pair as "the referenced type or null" (with a
//!    `type`, progenitor sees "a string or null, limited to null" and makes an untagged enum).
//! 5. The operations that take an `Idempotency-Key` (a middleware's, not a handler's) declare the
//!    header, and their success responses the `Idempotent-Replayed` header of a replay.
//!
//! Generated clients and schemathesis then see exactly what the server does.

use std::collections::BTreeSet;

use serde_json::{Map, Value, json};

use crate::idempotency::{IDEMPOTENT_OPERATIONS, KEY_HEADER, REPLAYED_HEADER};

/// The exact document for poem-openapi's generated `spec`.
///
/// # Panics
/// Never for a document poem-openapi generated (it is always valid JSON).
pub fn exact_spec(generated: &str) -> String {
    let mut spec: Value = serde_json::from_str(generated).expect("poem-openapi emits valid JSON");
    let strict = request_schemas(&spec);
    if let Some(schemas) = spec
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    {
        for (name, schema) in schemas.iter_mut() {
            mark_nullable(schema);
            let is_object = schema.get("type").and_then(Value::as_str) == Some("object");
            if strict.contains(name)
                && is_object
                && let Some(object) = schema.as_object_mut()
            {
                object.insert("additionalProperties".into(), Value::Bool(false));
            }
        }
    }
    lift_described_all_of(&mut spec);
    admit_null_beside_references(&mut spec);
    declare_idempotency_keys(&mut spec);
    serde_json::to_string_pretty(&spec).expect("a JSON value serializes")
}

/// Everywhere in `value`, an `allOf` member that only describes (no `$ref`, no type, no
/// properties) is merged into the schema holding the `allOf`.
fn lift_described_all_of(value: &mut Value) {
    match value {
        Value::Object(object) => {
            if let Some(Value::Array(members)) = object.get_mut("allOf") {
                let (annotations, kept): (Vec<Value>, Vec<Value>) =
                    members.drain(..).partition(|member| {
                        member.as_object().is_some_and(|member| {
                            member.keys().all(|key| {
                                matches!(key.as_str(), "description" | "title" | "example")
                            })
                        })
                    });
                *members = kept;
                for annotation in annotations {
                    if let Value::Object(annotation) = annotation {
                        for (key, note) in annotation {
                            object.entry(key).or_insert(note);
                        }
                    }
                }
            }
            object.values_mut().for_each(lift_described_all_of);
        }
        Value::Array(items) => items.iter_mut().for_each(lift_described_all_of),
        _ => {}
    }
}

/// Everywhere in `value`, a nullable one-member `allOf: [{$ref}]` becomes a `oneOf` of the
/// reference and a schema that admits only `null`.
fn admit_null_beside_references(value: &mut Value) {
    match value {
        Value::Object(object) => {
            let reference = match object.get("allOf") {
                Some(Value::Array(members)) if members.len() == 1 => {
                    members[0].get("$ref").cloned()
                }
                _ => None,
            };
            if object.get("nullable") == Some(&Value::Bool(true))
                && let Some(reference) = reference
            {
                object.remove("allOf");
                object.remove("nullable");
                object.insert(
                    "oneOf".into(),
                    json!([{ "$ref": reference }, { "nullable": true, "enum": [null] }]),
                );
            }
            object.values_mut().for_each(admit_null_beside_references);
        }
        Value::Array(items) => items.iter_mut().for_each(admit_null_beside_references),
        _ => {}
    }
}

/// Adds the `Idempotency-Key` request header to every idempotent operation, and the
/// `Idempotent-Replayed` header to its success responses.
fn declare_idempotency_keys(spec: &mut Value) {
    // One named schema, so that generators make one type of it rather than one per operation.
    if let Some(schemas) = spec
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    {
        schemas.insert(
            "IdempotencyKey".into(),
            json!({
                "description": "A client's key for one request: 1 to 255 visible ASCII characters.",
                "type": "string",
                "minLength": 1,
                "maxLength": 255,
                "pattern": "^[!-~]+$"
            }),
        );
    }
    let Some(paths) = spec.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    let operations = paths
        .values_mut()
        .filter_map(Value::as_object_mut)
        .flat_map(|methods| methods.values_mut());
    for operation in operations {
        let idempotent = operation
            .get("operationId")
            .and_then(Value::as_str)
            .is_some_and(|id| IDEMPOTENT_OPERATIONS.contains(&id));
        if !idempotent {
            continue;
        }
        let key = json!({
            "name": KEY_HEADER,
            "in": "header",
            "required": false,
            "description": "A key of yours (1 to 255 visible ASCII characters, e.g. a UUID) that \
                makes retrying this request safe: the first success is stored with its effects \
                and replayed for 24 hours to a retry with the same key and request; the same key \
                with another request answers `422 idempotency_key_reused`, a retry while the \
                first runs `409 idempotency_key_in_use`.",
            "schema": {"$ref": "#/components/schemas/IdempotencyKey"}
        });
        if let Some(parameters) = operation
            .as_object_mut()
            .map(|operation| operation.entry("parameters").or_insert_with(|| json!([])))
            .and_then(Value::as_array_mut)
        {
            parameters.push(key);
        }
        let successes = operation
            .get_mut("responses")
            .and_then(Value::as_object_mut)
            .into_iter()
            .flat_map(|responses| responses.iter_mut())
            .filter(|(status, _)| status.starts_with('2'))
            .filter_map(|(_, response)| response.as_object_mut());
        for response in successes {
            let headers = response.entry("headers").or_insert_with(|| json!({}));
            if let Some(headers) = headers.as_object_mut() {
                headers.insert(
                    REPLAYED_HEADER.into(),
                    json!({
                        "description": "`true` when this is the stored response of an earlier \
                            request with the same `Idempotency-Key`.",
                        "schema": {"type": "string", "enum": ["true"]}
                    }),
                );
            }
        }
    }
}

/// Marks every property of `schema` that is not `required` as nullable.
fn mark_nullable(schema: &mut Value) {
    let required: BTreeSet<String> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|names| {
            names
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    let Some(properties) = schema.get_mut("properties").and_then(Value::as_object_mut) else {
        return;
    };
    for (name, property) in properties.iter_mut() {
        if required.contains(name) {
            continue;
        }
        if let Some(object) = property.as_object_mut()
            && object.remove("default").is_some()
        {
            continue;
        }
        if let Some(reference) = property.get("$ref").cloned() {
            let mut wrapped = Map::new();
            wrapped.insert("allOf".into(), json!([{ "$ref": reference }]));
            wrapped.insert("nullable".into(), Value::Bool(true));
            if let Some(description) = property.get("description").cloned() {
                wrapped.insert("description".into(), description);
            }
            *property = Value::Object(wrapped);
        } else if let Some(object) = property.as_object_mut() {
            object.insert("nullable".into(), Value::Bool(true));
        }
    }
}

/// The names of the component schemas reachable from any request body.
fn request_schemas(spec: &Value) -> BTreeSet<String> {
    let mut pending: Vec<String> = Vec::new();
    for operation in spec
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|paths| paths.values())
        .filter_map(Value::as_object)
        .flat_map(|methods| methods.values())
    {
        if let Some(body) = operation.get("requestBody") {
            collect_refs(body, &mut pending);
        }
    }
    let mut seen = BTreeSet::new();
    while let Some(name) = pending.pop() {
        if seen.insert(name.clone())
            && let Some(schema) = spec.pointer(&format!("/components/schemas/{name}"))
        {
            collect_refs(schema, &mut pending);
        }
    }
    seen
}

/// Pushes the component names of every `$ref` inside `value`.
fn collect_refs(value: &Value, names: &mut Vec<String>) {
    match value {
        Value::Object(object) => {
            if let Some(name) = object
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|reference| reference.strip_prefix("#/components/schemas/"))
            {
                names.push(name.to_owned());
            }
            object.values().for_each(|child| collect_refs(child, names));
        }
        Value::Array(items) => items.iter().for_each(|child| collect_refs(child, names)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn optional_properties_are_nullable_and_request_bodies_strict() {
        let generated = json!({
            "paths": {"/x": {"post": {
                "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/In"}}}},
                "responses": {"200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Out"}}}}}
            }}},
            "components": {"schemas": {
                "In": {"type": "object", "required": ["a", "kind"], "properties": {
                    "a": {"type": "string"}, "nested": {"$ref": "#/components/schemas/Nested"},
                    "kind": {"allOf": [{"$ref": "#/components/schemas/Kind"}, {"description": "What."}]},
                    "tags": {"type": "object", "default": {}},
                    "maybe": {"allOf": [{"$ref": "#/components/schemas/Kind"}, {"description": "Or not."}]}}},
                "Kind": {"type": "string", "enum": ["A", "B"]},
                "Nested": {"type": "object", "properties": {"b": {"type": "boolean"}}},
                "Out": {"type": "object", "properties": {"c": {"type": "integer"}}}
            }}
        });
        let exact: Value = serde_json::from_str(&exact_spec(&generated.to_string())).unwrap();
        let schemas = &exact["components"]["schemas"];
        assert_eq!(schemas["In"]["additionalProperties"], json!(false));
        assert_eq!(schemas["Nested"]["additionalProperties"], json!(false));
        assert_eq!(schemas["Out"].get("additionalProperties"), None);
        assert_eq!(schemas["In"]["properties"]["a"].get("nullable"), None);
        assert_eq!(
            schemas["Kind"].get("additionalProperties"),
            None,
            "not on an enum"
        );
        assert_eq!(
            schemas["In"]["properties"]["kind"],
            json!({"allOf": [{"$ref": "#/components/schemas/Kind"}], "description": "What."}),
            "the description beside a one-member allOf"
        );
        assert_eq!(
            schemas["In"]["properties"]["tags"].get("nullable"),
            None,
            "a default"
        );
        assert_eq!(
            schemas["In"]["properties"]["nested"],
            json!({"oneOf": [
                {"$ref": "#/components/schemas/Nested"},
                {"nullable": true, "enum": [null]}
            ]}),
            "a nullable reference admits null under 3.0.3"
        );
        assert_eq!(
            schemas["In"]["properties"]["maybe"],
            json!({"description": "Or not.", "oneOf": [
                {"$ref": "#/components/schemas/Kind"},
                {"nullable": true, "enum": [null]}
            ]}),
            "a described, nullable enum reference"
        );
        assert_eq!(schemas["Out"]["properties"]["c"]["nullable"], json!(true));
    }
}
