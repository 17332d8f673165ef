//! Optimistic concurrency over HTTP (RFC 9110 §8.8.3, §13.1.1): every versioned resource (a
//! company, its details, a project, an invoice, one's profile) is answered with its `version` and
//! the same number as a strong `ETag` (`"7"`); a write sent with `If-Match: "7"` applies only
//! while the resource is still at version 7, else it answers `412 precondition_failed` and
//! changes nothing. Without `If-Match`, the last writer wins per field, never per row. Operations
//! read the header through [`IfMatch`].

use poem::{Request, RequestBody};
use poem_openapi::registry::{MetaParamIn, MetaSchema, MetaSchemaRef};
use poem_openapi::types::Type;
use poem_openapi::{ApiExtractor, ApiExtractorType, ApiResponse, ExtractParamOptions};
use prosektor_domain::RowVersion;
use serde::Serialize;

use crate::error::{ApiError, ApiResult};
use crate::payload::Serialized;

/// A representation that carries its resource's version.
pub trait Versioned {
    /// The resource's version.
    fn version(&self) -> i64;
}

/// The strong entity tag of `version`.
fn etag(version: i64) -> String {
    format!("\"{version}\"")
}

/// `200` with a versioned resource and its `ETag`.
#[derive(Debug, ApiResponse)]
pub enum Tagged<T: Type + Serialize + Send + Sync> {
    /// The resource; `ETag` is its version, for `If-Match`.
    #[oai(status = 200)]
    Ok(
        Serialized<T>,
        /// The resource's version as a strong entity tag (`"7"`); send it back as `If-Match`.
        #[oai(header = "ETag")]
        String,
    ),
}

impl<T: Type + Serialize + Send + Sync + Versioned> Tagged<T> {
    /// `representation` with its `ETag`.
    pub fn new(representation: T) -> Self {
        let tag = etag(representation.version());
        Self::Ok(Serialized(representation), tag)
    }
}

/// `201` with a new versioned resource and its `ETag`.
#[derive(Debug, ApiResponse)]
pub enum TaggedCreated<T: Type + Serialize + Send + Sync> {
    /// Created; the body is the new resource, `ETag` its version.
    #[oai(status = 201)]
    Created(
        Serialized<T>,
        /// The resource's version as a strong entity tag (`"1"`).
        #[oai(header = "ETag")]
        String,
    ),
}

impl<T: Type + Serialize + Send + Sync + Versioned> TaggedCreated<T> {
    /// `representation` with its `ETag`.
    pub fn new(representation: T) -> Self {
        let tag = etag(representation.version());
        Self::Created(Serialized(representation), tag)
    }
}

/// The `If-Match` request header of a write to a versioned resource, read as the version it asks
/// for (see [`expected_version`]); an operation declares it as `#[oai(name = "If-Match")] if_match:
/// IfMatch`, and the document describes it once, in its schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IfMatch(pub Option<RowVersion>);

/// What the document says of every `If-Match` parameter.
const IF_MATCH_DESCRIPTION: &str = "Apply only while the resource is still at this version (its \
    `ETag`, e.g. `\"7\"`); `412 precondition_failed` otherwise. Without it, the last writer wins \
    per field.";

impl<'a> ApiExtractor<'a> for IfMatch {
    const TYPES: &'static [ApiExtractorType] = &[ApiExtractorType::Parameter];

    type ParamType = ();
    type ParamRawType = ();

    fn param_in() -> Option<MetaParamIn> {
        Some(MetaParamIn::Header)
    }

    fn param_schema_ref() -> Option<MetaSchemaRef> {
        Some(MetaSchemaRef::Inline(Box::new(MetaSchema {
            description: Some(IF_MATCH_DESCRIPTION),
            ..MetaSchema::new("string")
        })))
    }

    async fn from_request(
        request: &'a Request,
        _body: &mut RequestBody,
        param_opts: ExtractParamOptions<Self::ParamType>,
    ) -> poem::Result<Self> {
        let header = match request.headers().get(param_opts.name) {
            None => None,
            Some(value) => Some(value.to_str().map_err(|_| refused_if_match())?),
        };
        Ok(Self(expected_version(header)?))
    }
}

/// The answer to an `If-Match` that is neither `*` nor the `ETag` of a version.
fn refused_if_match() -> ApiError {
    ApiError::bad_request(
        "bad_request",
        "If-Match must be * or the ETag of the resource, such as \"7\"",
    )
}

/// The version an `If-Match` header asks for: `None` without the header or for `*` (any version);
/// the version of the first strong tag otherwise (one tag is what a client that read the resource
/// sends).
///
/// # Errors
/// `400` for a header that is not `*` or a list of entity tags of versions.
pub fn expected_version(header: Option<&str>) -> ApiResult<Option<RowVersion>> {
    let Some(header) = header else {
        return Ok(None);
    };
    let header = header.trim();
    if header == "*" {
        return Ok(None);
    }
    let versions = header
        .split(',')
        .map(|tag| {
            let tag = tag.trim();
            let quoted = tag.strip_prefix('"').and_then(|tag| tag.strip_suffix('"'));
            quoted
                .and_then(|number| number.parse::<i64>().ok())
                .and_then(|number| RowVersion::new(number).ok())
                .ok_or_else(refused_if_match)
        })
        .collect::<ApiResult<Vec<_>>>()?;
    match versions.as_slice() {
        [version] => Ok(Some(*version)),
        _ => Err(refused_if_match()),
    }
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};
    use uuid::Uuid;

    use super::*;
    use crate::dto::company::CompanyDetailsDto;
    use crate::dto::enums::{DangerClassDto, LocaleDto, RoleDto, ThemeDto};
    use crate::dto::user::{AccountDto, PreferencesDto, ProfileDto, UserDto};
    use crate::payload::tests::serializes_as_documented;

    /// The versioned answers that no listing carries (a page's items are checked in `dto::page`).
    #[tokio::test]
    async fn versioned_answers_are_written_as_the_document_describes_them() {
        let profile = |set: bool| ProfileDto {
            first_name: set.then(|| "Ayşe".to_owned()),
            middle_name: None,
            last_name: set.then(|| "Yılmaz".to_owned()),
            phone: set.then(|| "+905321234567".to_owned()),
            avatar_url: set.then(|| "https://cdn.example.com.tr/a.png".to_owned()),
            preferences: PreferencesDto {
                theme: set.then_some(ThemeDto::Dark),
                notifications: set.then_some(false),
                locale: set.then_some(LocaleDto::Tr),
            },
            version: 4,
        };
        for set in [true, false] {
            serializes_as_documented(&profile(set)).await;
            serializes_as_documented(&AccountDto {
                user: UserDto {
                    id: Uuid::now_v7(),
                    email: "ayse@example.com.tr".to_owned(),
                    role: RoleDto::Admin,
                    company_id: None,
                    created_at: Utc
                        .with_ymd_and_hms(2026, 12, 3, 9, 0, 0)
                        .single()
                        .expect("a valid time"),
                    deleted_at: None,
                },
                profile: profile(set),
            })
            .await;
            serializes_as_documented(&CompanyDetailsDto {
                company_id: Uuid::now_v7(),
                address: set.then(|| "Halaskargazi Cd. 1".to_owned()),
                city: set.then(|| "İstanbul".to_owned()),
                danger_class: set.then_some(DangerClassDto::VeryDangerous),
                nace_code: set.then(|| "86.90".to_owned()),
                contact_email: set.then(|| "info@example.com.tr".to_owned()),
                contact_phone: None,
                version: 2,
            })
            .await;
        }
    }

    fn parse(header: &str) -> ApiResult<Option<i64>> {
        expected_version(Some(header)).map(|v| v.map(RowVersion::get))
    }

    #[test]
    fn if_match_names_one_strong_tag_or_any() {
        assert_eq!(expected_version(None).ok(), Some(None));
        assert_eq!(parse("*").ok(), Some(None));
        assert_eq!(parse("\"7\"").ok(), Some(Some(7)));
        assert_eq!(parse(" \"12\" ").ok(), Some(Some(12)));
        for refused in ["7", "W/\"7\"", "\"0\"", "\"x\"", "\"7\", \"8\"", ""] {
            assert!(parse(refused).is_err(), "{refused}");
        }
    }
}
