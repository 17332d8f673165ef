//! Text at the edge, guarded before it reaches a service:
//!
//! - [`Text`]: a JSON string and nothing else. poem-openapi's `String` also accepts JSON numbers and
//!   booleans (turning `12.5` into `"12.5"`), which would let a client send money as a float or a
//!   name as `false`; every string field of a request body is a `Text` instead. No such string may
//!   hold a NUL character, which PostgreSQL cannot store.
//! - [`TextParam`]: every string path or query parameter, without control characters.
//!
//! Both refusals answer `400` naming the field or parameter.

use poem_openapi::registry::MetaSchema;

/// Implements poem-openapi's `Type` for `$name`, a value written as one scalar of the OpenAPI
/// schema `$schema`, named `$schema_name` in the registry.
macro_rules! scalar_type {
    ($name:ty, $schema_name:literal, $schema:expr) => {
        impl poem_openapi::types::Type for $name {
            const IS_REQUIRED: bool = true;

            type RawValueType = Self;

            type RawElementValueType = Self;

            fn name() -> std::borrow::Cow<'static, str> {
                $schema_name.into()
            }

            fn schema_ref() -> poem_openapi::registry::MetaSchemaRef {
                poem_openapi::registry::MetaSchemaRef::Inline(Box::new($schema))
            }

            fn as_raw_value(&self) -> Option<&Self::RawValueType> {
                Some(self)
            }

            fn raw_element_iter<'a>(
                &'a self,
            ) -> Box<dyn Iterator<Item = &'a Self::RawElementValueType> + 'a> {
                Box::new(self.as_raw_value().into_iter())
            }
        }
    };
}

/// Declares `$name`, a request string type that accepts only JSON strings (or parameter values)
/// that `$check` (a `fn(&str) -> Result<(), String>`) accepts, with the OpenAPI schema `$schema`
/// (named `$schema_name`); other JSON values answer `400` saying `$expected`, refused strings `400`
/// with `$check`'s message.
macro_rules! json_string {
    ($(#[$meta:meta])* $name:ident, $schema_name:literal, $schema:expr, $expected:literal, $check:expr) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Default, PartialEq, Eq)]
        pub struct $name(pub String);

        impl std::ops::Deref for $name {
            type Target = str;

            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        $crate::dto::text::scalar_type!($name, $schema_name, $schema);

        impl poem_openapi::types::ParseFromJSON for $name {
            fn parse_from_json(
                value: Option<serde_json::Value>,
            ) -> poem_openapi::types::ParseResult<Self> {
                match value.unwrap_or_default() {
                    serde_json::Value::String(text) => {
                        <Self as poem_openapi::types::ParseFromParameter>::parse_from_parameter(
                            &text,
                        )
                    }
                    other => Err(poem_openapi::types::ParseError::custom(format!(
                        "expected {}, found {other}",
                        $expected
                    ))),
                }
            }
        }

        impl poem_openapi::types::ParseFromParameter for $name {
            fn parse_from_parameter(text: &str) -> poem_openapi::types::ParseResult<Self> {
                match $check(text) {
                    Ok(()) => Ok(Self(text.to_owned())),
                    Err(message) => Err(poem_openapi::types::ParseError::custom(message)),
                }
            }
        }

        impl poem_openapi::types::ToJSON for $name {
            fn to_json(&self) -> Option<serde_json::Value> {
                Some(serde_json::Value::String(self.0.clone()))
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.0)
            }
        }
    };
}

pub(crate) use {json_string, scalar_type};

json_string! {
    /// A string that was a JSON string in the request, without a NUL character.
    Text, "string", MetaSchema::new("string"), "a string", no_nul
}

json_string! {
    /// A string path or query parameter (a site page's path, a search text, a cursor) with no
    /// control character: nothing the API looks up or searches for holds one, and PostgreSQL
    /// cannot store a NUL. Anything else answers `400`.
    TextParam, "string", MetaSchema::new("string"), "a string", no_control
}

/// Refuses the NUL character, which no text column can store.
fn no_nul(text: &str) -> Result<(), String> {
    if text.contains('\0') {
        Err("a NUL character is not allowed".into())
    } else {
        Ok(())
    }
}

/// Refuses every control character.
pub(crate) fn no_control(text: &str) -> Result<(), String> {
    if text.chars().any(char::is_control) {
        Err("control characters are not allowed".into())
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use poem_openapi::types::{ParseFromJSON, ParseFromParameter};

    #[test]
    fn parameters_refuse_control_characters() {
        assert_eq!(
            TextParam::parse_from_parameter("about/team ş").ok(),
            Some(TextParam("about/team ş".into()))
        );
        for refused in ["\0", "index\0.html", "a\nb", "\u{7f}"] {
            assert!(
                TextParam::parse_from_parameter(refused).is_err(),
                "{refused:?}"
            );
        }
    }
    use serde_json::json;

    use super::*;

    #[test]
    fn only_json_strings_are_text() {
        assert_eq!(
            Text::parse_from_json(Some(json!("12.50"))).ok(),
            Some(Text("12.50".into()))
        );
        assert!(Text::parse_from_json(Some(json!("a\u{0}b"))).is_err());
        for value in [
            json!(12.5),
            json!(false),
            json!(null),
            json!(["a"]),
            json!({"a": 1}),
        ] {
            assert!(
                Text::parse_from_json(Some(value.clone())).is_err(),
                "{value}"
            );
        }
    }
}
