//! [`ApiDate`]: the one calendar-date type of the API, for every date parameter and body field.
//!
//! A date is exactly `YYYY-MM-DD` (RFC 3339's `full-date`, OpenAPI's `format: date`) between
//! [`ApiDate::MIN`] and [`ApiDate::MAX`]. Anything else answers `400` before a handler runs, so no
//! date reaches PostgreSQL that it cannot store or a client cannot parse back (chrono alone would
//! accept `-4714-01-01` and `+262142-12-31`).

use std::fmt;

use chrono::{Datelike, NaiveDate};
use poem_openapi::registry::MetaSchema;
use poem_openapi::types::{ParseError, ParseFromJSON, ParseFromParameter, ParseResult, ToJSON};
use serde::{Serialize, Serializer};
use serde_json::Value;

use super::text::scalar_type;

/// A calendar day from 1900-01-01 to 2199-12-31, written `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ApiDate(NaiveDate);

impl ApiDate {
    /// The earliest date the API accepts.
    pub const MIN: NaiveDate = NaiveDate::from_ymd_opt(1900, 1, 1).expect("a valid date");
    /// The latest date the API accepts.
    pub const MAX: NaiveDate = NaiveDate::from_ymd_opt(2199, 12, 31).expect("a valid date");

    /// Parses `YYYY-MM-DD` within [`Self::MIN`]..=[`Self::MAX`].
    ///
    /// # Errors
    /// A message for the client when the text is not such a date.
    pub fn parse(text: &str) -> Result<Self, String> {
        let shaped = text.len() == 10
            && text.bytes().enumerate().all(|(index, byte)| match index {
                4 | 7 => byte == b'-',
                _ => byte.is_ascii_digit(),
            });
        let date = shaped
            .then(|| NaiveDate::parse_from_str(text, "%Y-%m-%d").ok())
            .flatten()
            .ok_or_else(|| format!("expected a date written YYYY-MM-DD, found {text:?}"))?;
        if !(Self::MIN..=Self::MAX).contains(&date) {
            return Err(format!(
                "{text} is outside the supported dates ({} to {})",
                Self::MIN,
                Self::MAX
            ));
        }
        Ok(Self(date))
    }

    /// The date.
    pub const fn get(self) -> NaiveDate {
        self.0
    }
}

impl From<NaiveDate> for ApiDate {
    /// A stored date, for a response (stored dates came in through [`ApiDate::parse`] or the
    /// server's clock).
    fn from(date: NaiveDate) -> Self {
        Self(date)
    }
}

impl fmt::Display for ApiDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // chrono's own `Display` of a date is `YYYY-MM-DD` for every year the API accepts, and
        // unlike `format` it does not parse a pattern at each call.
        fmt::Display::fmt(&self.0, f)
    }
}

impl Serialize for ApiDate {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // `digits` writes ASCII only, so its text is always UTF-8: chrono writes only a year of
        // more or fewer than four digits.
        match digits(self.0)
            .as_ref()
            .map(|text| std::str::from_utf8(text))
        {
            Some(Ok(text)) => serializer.serialize_str(text),
            _ => serializer.collect_str(self),
        }
    }
}

/// `date` as `YYYY-MM-DD` when its year has four digits (every date the API accepts), written
/// digit by digit. Through `collect_str`, chrono's `Display` reaches the JSON writer a character
/// at a time, each escaped on its own: about a thousand instructions a date, and a range of days
/// answers dozens of them.
fn digits(date: NaiveDate) -> Option<[u8; 10]> {
    let year = u32::try_from(date.year())
        .ok()
        .filter(|&year| year <= 9999)?;
    let mut text = *b"0000-00-00";
    for (slot, value) in [(0..4, year), (5..7, date.month()), (8..10, date.day())] {
        let mut rest = value;
        for byte in text[slot].iter_mut().rev() {
            // A remainder of a division by ten is one digit.
            *byte = b'0' + u8::try_from(rest % 10).unwrap_or_default();
            rest /= 10;
        }
    }
    Some(text)
}

scalar_type!(
    ApiDate,
    "string_date",
    MetaSchema {
        example: Some(Value::String("2026-11-25".into())),
        ..MetaSchema::new_with_format("string", "date")
    }
);

impl ParseFromJSON for ApiDate {
    fn parse_from_json(value: Option<Value>) -> ParseResult<Self> {
        match value.unwrap_or_default() {
            Value::String(text) => Self::parse(&text).map_err(ParseError::custom),
            other => Err(ParseError::expected_type(other)),
        }
    }
}

impl ParseFromParameter for ApiDate {
    fn parse_from_parameter(value: &str) -> ParseResult<Self> {
        Self::parse(value).map_err(ParseError::custom)
    }
}

impl ToJSON for ApiDate {
    fn to_json(&self) -> Option<Value> {
        Some(Value::String(self.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_exactly_the_supported_full_dates() {
        assert_eq!(
            ApiDate::parse("2026-11-25").map(ApiDate::get),
            Ok(NaiveDate::from_ymd_opt(2026, 11, 25).unwrap())
        );
        for edge in ["1900-01-01", "2199-12-31", "2024-02-29"] {
            assert_eq!(ApiDate::parse(edge).map(|d| d.to_string()), Ok(edge.into()));
        }
        for refused in [
            "1899-12-31",
            "2200-01-01",
            "-4714-01-01",
            "0000-01-01",
            "+10000-01-01",
            "+262142-12-31",
            "2026-02-30",
            "2026-1-05",
            " 2026-01-05",
            "2026-01-05T00:00:00Z",
            "２０２６-01-05",
        ] {
            assert!(ApiDate::parse(refused).is_err(), "{refused}");
        }
    }

    #[test]
    fn written_as_chrono_writes_them() {
        let day = |year, month, day| NaiveDate::from_ymd_opt(year, month, day).unwrap();
        // Every date the API accepts, then others a stored date could be: four digits, and past.
        let mut dates: Vec<NaiveDate> = ApiDate::MIN
            .iter_days()
            .take_while(|date| *date <= ApiDate::MAX)
            .collect();
        dates.extend([
            day(0, 1, 1),
            day(5, 1, 9),
            day(999, 10, 10),
            day(9999, 12, 31),
            day(10_000, 1, 1),
        ]);
        dates.extend([day(-1, 6, 15), day(-4714, 1, 1)]);
        for date in dates {
            assert_eq!(
                serde_json::to_string(&ApiDate::from(date)).unwrap(),
                format!("\"{date}\""),
                "{date:?}"
            );
        }
    }

    #[test]
    fn only_json_strings_are_dates() {
        assert!(ApiDate::parse_from_json(Some(Value::from(20_261_125))).is_err());
        assert!(ApiDate::parse_from_json(Some(Value::String("2026-11-25".into()))).is_ok());
    }
}
