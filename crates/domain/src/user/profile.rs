//! [`UserProfile`] (`user_profiles`, 1:1 with the user) and its [`PersonName`] and [`AvatarUrl`]
//! value objects.

use crate::domain_name::validate_host;
use crate::error::{DomainError, DomainResult, ValidationReason};
use crate::ids::UserId;
use crate::phone::Phone;
use crate::text::{bounded_text, string_value};
use crate::version::RowVersion;

use super::Preferences;

bounded_text! {
    /// A first, middle or last name, trimmed, 1..=100 characters.
    PersonName { field: "name", max: 100 }
}

const AVATAR_FIELD: &str = "avatar_url";
const AVATAR_SCHEME: &str = "https://";
const AVATAR_MAX_CHARS: usize = 2048;

string_value! {
    /// The address of a profile picture: an `https://` URL with a host name (no user info, an
    /// optional port), at most 2048 characters and without whitespace.
    ///
    /// ```
    /// use prosektor_domain::AvatarUrl;
    ///
    /// assert!(AvatarUrl::parse("https://cdn.example.com/a/b.png?s=64").is_ok());
    /// assert!(AvatarUrl::parse("http://cdn.example.com/a.png").is_err());
    /// ```
    AvatarUrl
}

impl AvatarUrl {
    /// Trims and validates an avatar URL.
    ///
    /// # Errors
    ///
    /// [`DomainError::Validation`] on field `avatar_url`: `Empty`, `TooLong`, or `Format` (another
    /// scheme, whitespace or control characters, user info, a bad port or host).
    pub fn parse(input: &str) -> DomainResult<Self> {
        let format = || DomainError::invalid(AVATAR_FIELD, ValidationReason::Format);
        let url = input.trim();
        if url.is_empty() {
            return Err(DomainError::invalid(AVATAR_FIELD, ValidationReason::Empty));
        }
        if url.chars().count() > AVATAR_MAX_CHARS {
            return Err(DomainError::invalid(
                AVATAR_FIELD,
                ValidationReason::TooLong {
                    max: AVATAR_MAX_CHARS,
                },
            ));
        }
        if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(format());
        }
        let rest = url.strip_prefix(AVATAR_SCHEME).ok_or_else(format)?;
        let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
        if authority.contains('@') {
            return Err(format());
        }
        let host = match authority.split_once(':') {
            Some((host, port))
                if port.parse::<u16>().is_ok_and(|p| p > 0) && !port.starts_with('+') =>
            {
                host
            }
            Some(_) => return Err(format()),
            None => authority,
        };
        validate_host(AVATAR_FIELD, &host.to_ascii_lowercase()).map_err(|_| format())?;
        Ok(Self(url.to_owned()))
    }
}

/// A user's personal data. Every field is optional and independently valid, so the fields are public.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct UserProfile {
    /// The user this profile belongs to (also the row's primary key).
    pub user_id: UserId,
    /// Given name.
    pub first_name: Option<PersonName>,
    /// Middle name (added by the first schema evolution, SPEC §7).
    pub middle_name: Option<PersonName>,
    /// Family name.
    pub last_name: Option<PersonName>,
    /// Phone number.
    pub phone: Option<Phone>,
    /// Profile picture.
    pub avatar_url: Option<AvatarUrl>,
    /// UI preferences.
    pub preferences: Preferences,
    /// The version the profile was stored at (see [`RowVersion`]).
    pub version: RowVersion,
}

impl UserProfile {
    /// An empty profile with default preferences.
    pub fn empty(user_id: UserId) -> Self {
        Self {
            user_id,
            first_name: None,
            middle_name: None,
            last_name: None,
            phone: None,
            avatar_url: None,
            preferences: Preferences::default(),
            version: RowVersion::FIRST,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn person_names_are_trimmed_and_bounded() {
        assert_eq!(PersonName::parse("  Ayşe ").unwrap().as_str(), "Ayşe");
        assert_eq!(
            PersonName::parse(""),
            Err(DomainError::invalid("name", ValidationReason::Empty))
        );
        assert!(PersonName::parse(&"ı".repeat(100)).is_ok());
        assert_eq!(
            PersonName::parse(&"ı".repeat(101)),
            Err(DomainError::invalid(
                "name",
                ValidationReason::TooLong { max: 100 }
            ))
        );
    }

    #[test]
    fn avatar_urls_must_be_https_with_a_host() {
        for input in [
            "https://cdn.example.com/avatar.png",
            " https://CDN.Example.com:8443/x?y=1#z ",
            "https://example.com",
            "https://example.com?size=64",
        ] {
            assert_eq!(
                AvatarUrl::parse(input).unwrap().as_str(),
                input.trim(),
                "{input}"
            );
        }
        for input in [
            "http://example.com/a.png",
            "HTTPS://example.com/a.png",
            "https://",
            "https:///a.png",
            "https://localhost/a.png",
            "https://user:pw@example.com/a.png",
            "https://example.com:0/a.png",
            "https://example.com:99999/a.png",
            "https://example.com:+80/a.png",
            "https://example.com:/a.png",
            "https://exa mple.com/a.png",
            "https://example.com/a b.png",
            "https://10.0.0.1/a.png",
            "javascript:alert(1)",
        ] {
            assert_eq!(
                AvatarUrl::parse(input),
                Err(DomainError::invalid(AVATAR_FIELD, ValidationReason::Format)),
                "{input}"
            );
        }
        assert_eq!(
            AvatarUrl::parse("  "),
            Err(DomainError::invalid(AVATAR_FIELD, ValidationReason::Empty))
        );
        let long = format!("https://example.com/{}", "a".repeat(2048 - 20));
        assert_eq!(long.len(), 2048);
        assert!(AvatarUrl::parse(&long).is_ok());
        assert_eq!(
            AvatarUrl::parse(&format!("{long}a")),
            Err(DomainError::invalid(
                AVATAR_FIELD,
                ValidationReason::TooLong { max: 2048 }
            ))
        );
    }

    #[test]
    fn empty_profile() {
        let id = UserId::new_v7();
        let profile = UserProfile::empty(id);
        assert_eq!(profile.user_id, id);
        assert_eq!(profile.preferences, Preferences::default());
        assert!(
            profile.first_name.is_none()
                && profile.middle_name.is_none()
                && profile.last_name.is_none()
        );
        assert!(profile.phone.is_none() && profile.avatar_url.is_none());
    }
}
