//! [`Preferences`]: a user's UI settings (`user_profiles.preferences`, a JSON object), with
//! [`Theme`] and [`Locale`].

use crate::enums::string_enum;

string_enum! {
    /// Colour scheme.
    pub enum Theme {
        /// Light colours.
        Light => "light",
        /// Dark colours.
        Dark => "dark",
        /// Follow the operating system.
        System => "system",
    }
    field = "theme";
}

string_enum! {
    /// Interface language.
    pub enum Locale {
        /// Turkish.
        Tr => "tr",
        /// English.
        En => "en",
    }
    field = "locale";
}

/// UI preferences. Only these keys exist; with the `serde` feature, unknown keys and wrong values
/// are rejected when deserializing, and unset keys are omitted when serializing (`{}` when empty).
/// (Like every derived serde struct it would also accept a JSON array of the values in field order;
/// adapters that must insist on an object check that before deserializing.)
///
/// The same type is used for a patch: [`Preferences::merge`] applies the keys that are set.
///
/// ```
/// use prosektor_domain::{Locale, Preferences, Theme};
///
/// let stored = Preferences { theme: Some(Theme::Dark), notifications: Some(true), locale: None };
/// let patch = Preferences { locale: Some(Locale::En), ..Preferences::default() };
/// let merged = stored.merge(patch);
/// assert_eq!(merged.theme, Some(Theme::Dark));
/// assert_eq!(merged.locale, Some(Locale::En));
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Preferences {
    /// Colour scheme (`theme`: `light|dark|system`).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub theme: Option<Theme>,
    /// Whether to send notifications (`notifications`: bool).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub notifications: Option<bool>,
    /// Interface language (`locale`: `tr|en`).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub locale: Option<Locale>,
}

impl Preferences {
    /// The largest serialized preferences document, in bytes, that adapters accept or store
    /// (SPEC §4: "a JSON object of at most 4 KiB"). The known keys alone can never reach it; it bounds
    /// what an adapter reads before parsing.
    pub const MAX_JSON_BYTES: usize = 4096;

    /// `self` with every key that is set in `patch` overwritten.
    #[must_use]
    pub fn merge(self, patch: Self) -> Self {
        Self {
            theme: patch.theme.or(self.theme),
            notifications: patch.notifications.or(self.notifications),
            locale: patch.locale.or(self.locale),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merge_overwrites_only_set_keys() {
        let stored = Preferences {
            theme: Some(Theme::Light),
            notifications: Some(true),
            locale: Some(Locale::Tr),
        };
        assert_eq!(stored.merge(Preferences::default()), stored);
        let patch = Preferences {
            theme: Some(Theme::System),
            notifications: Some(false),
            locale: None,
        };
        assert_eq!(
            stored.merge(patch),
            Preferences {
                theme: Some(Theme::System),
                notifications: Some(false),
                locale: Some(Locale::Tr)
            }
        );
        assert_eq!(Preferences::default().merge(stored), stored);
    }

    #[test]
    fn wire_names() {
        assert_eq!(Theme::parse("dark"), Ok(Theme::Dark));
        assert_eq!(Locale::parse("en"), Ok(Locale::En));
        assert!(Theme::parse("Dark").is_err());
        assert!(Locale::parse("de").is_err());
    }

    #[cfg(feature = "serde")]
    #[test]
    fn serde_accepts_known_keys_only() {
        let json = r#"{"theme":"dark","notifications":true,"locale":"tr"}"#;
        let parsed: Preferences = serde_json::from_str(json).unwrap();
        assert_eq!(
            parsed,
            Preferences {
                theme: Some(Theme::Dark),
                notifications: Some(true),
                locale: Some(Locale::Tr)
            }
        );
        assert_eq!(serde_json::to_string(&parsed).unwrap(), json);
        assert_eq!(
            serde_json::to_string(&Preferences::default()).unwrap(),
            "{}"
        );
        assert_eq!(
            serde_json::from_str::<Preferences>("{}").unwrap(),
            Preferences::default()
        );
        assert_eq!(
            serde_json::from_str::<Preferences>(r#"{"theme":null}"#).unwrap(),
            Preferences::default()
        );
        for invalid in [
            r#"{"notifs":true}"#,
            r#"{"theme":"blue"}"#,
            r#"{"theme":"DARK"}"#,
            r#"{"notifications":"yes"}"#,
            r#"{"locale":"de"}"#,
            r#"{"locale":1}"#,
            r#""dark""#,
        ] {
            assert!(
                serde_json::from_str::<Preferences>(invalid).is_err(),
                "{invalid}"
            );
        }
    }
}
