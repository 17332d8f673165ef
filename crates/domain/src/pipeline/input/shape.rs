//! The shape a run input must have so that every reader can hold it: one JSON object (RFC 8259),
//! nested at most [`MAX_DEPTH`] levels, whose numbers PostgreSQL prints back in at most
//! [`MAX_NUMBER_DIGITS`] integer and as many fraction digits, and whose strings hold no NUL and no
//! lone UTF-16 surrogate.
//!
//! Why numbers are bounded: `jsonb` keeps numbers as exact decimals and prints them written out,
//! so `1e-16000` comes back as sixteen thousand digits and `1.7976931348623157e308` as a
//! 309-digit integer that a JSON reader may round past the largest float. Fifteen digits on either
//! side of the point is what a double holds exactly, in any language.

use crate::error::ValidationReason;

/// The deepest nesting of objects and arrays (the input object itself is level 1).
pub(super) const MAX_DEPTH: usize = 32;
/// The most integer digits, and the most fraction digits, a number may print as.
pub(super) const MAX_NUMBER_DIGITS: i64 = 15;

/// Checks that `text` is one JSON object of the accepted shape.
pub(super) fn check_object(text: &str) -> Result<(), ValidationReason> {
    let mut scanner = Scanner {
        bytes: text.as_bytes(),
        at: 0,
    };
    scanner.whitespace();
    if scanner.peek() != Some(b'{') {
        return Err(ValidationReason::Format);
    }
    scanner.value(1)?;
    scanner.whitespace();
    if scanner.at == scanner.bytes.len() {
        Ok(())
    } else {
        Err(ValidationReason::Format)
    }
}

/// A cursor over the JSON text's bytes.
struct Scanner<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Scanner<'a> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn next(&mut self) -> Option<u8> {
        let byte = self.peek();
        self.at += usize::from(byte.is_some());
        byte
    }

    fn expect(&mut self, byte: u8) -> Result<(), ValidationReason> {
        if self.next() == Some(byte) {
            Ok(())
        } else {
            Err(ValidationReason::Format)
        }
    }

    fn whitespace(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
    }

    /// One value at nesting `depth` (objects and arrays count their own level).
    fn value(&mut self, depth: usize) -> Result<(), ValidationReason> {
        self.whitespace();
        match self.peek() {
            Some(b'{' | b'[') if depth > MAX_DEPTH => {
                Err(ValidationReason::TooDeep { max: MAX_DEPTH })
            }
            Some(b'{') => self.object(depth),
            Some(b'[') => self.array(depth),
            Some(b'"') => self.string(),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(b't') => self.literal(b"true"),
            Some(b'f') => self.literal(b"false"),
            Some(b'n') => self.literal(b"null"),
            _ => Err(ValidationReason::Format),
        }
    }

    fn object(&mut self, depth: usize) -> Result<(), ValidationReason> {
        self.expect(b'{')?;
        self.whitespace();
        if self.peek() == Some(b'}') {
            self.at += 1;
            return Ok(());
        }
        loop {
            self.whitespace();
            self.string()?;
            self.whitespace();
            self.expect(b':')?;
            self.value(depth + 1)?;
            self.whitespace();
            match self.next() {
                Some(b',') => {}
                Some(b'}') => return Ok(()),
                _ => return Err(ValidationReason::Format),
            }
        }
    }

    fn array(&mut self, depth: usize) -> Result<(), ValidationReason> {
        self.expect(b'[')?;
        self.whitespace();
        if self.peek() == Some(b']') {
            self.at += 1;
            return Ok(());
        }
        loop {
            self.value(depth + 1)?;
            self.whitespace();
            match self.next() {
                Some(b',') => {}
                Some(b']') => return Ok(()),
                _ => return Err(ValidationReason::Format),
            }
        }
    }

    fn literal(&mut self, word: &[u8]) -> Result<(), ValidationReason> {
        if self.bytes[self.at..].starts_with(word) {
            self.at += word.len();
            Ok(())
        } else {
            Err(ValidationReason::Format)
        }
    }

    fn string(&mut self) -> Result<(), ValidationReason> {
        self.expect(b'"')?;
        // A high surrogate escape waiting for its low half.
        let mut pending_high = false;
        loop {
            let byte = self.next().ok_or(ValidationReason::Format)?;
            if pending_high && byte != b'\\' {
                return Err(ValidationReason::Format);
            }
            match byte {
                b'"' => return Ok(()),
                0x00..=0x1f => return Err(ValidationReason::Format),
                b'\\' => match self.next().ok_or(ValidationReason::Format)? {
                    b'u' => {
                        let unit = self.hex4()?;
                        match (pending_high, unit) {
                            (_, 0) => return Err(ValidationReason::Format),
                            (false, 0xD800..=0xDBFF) => pending_high = true,
                            (true, 0xDC00..=0xDFFF) => pending_high = false,
                            (true, _) | (false, 0xDC00..=0xDFFF) => {
                                return Err(ValidationReason::Format);
                            }
                            (false, _) => {}
                        }
                    }
                    b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' if !pending_high => {}
                    _ => return Err(ValidationReason::Format),
                },
                _ => {}
            }
        }
    }

    fn hex4(&mut self) -> Result<u32, ValidationReason> {
        let digits = self
            .bytes
            .get(self.at..self.at + 4)
            .ok_or(ValidationReason::Format)?;
        let text = std::str::from_utf8(digits).map_err(|_| ValidationReason::Format)?;
        if !text.bytes().all(|byte| byte.is_ascii_hexdigit()) {
            return Err(ValidationReason::Format);
        }
        self.at += 4;
        u32::from_str_radix(text, 16).map_err(|_| ValidationReason::Format)
    }

    /// A number, checked for the digits it prints as: `1.5e3` is `1500`, `25e-4` is `0.0025`.
    fn number(&mut self) -> Result<(), ValidationReason> {
        if self.peek() == Some(b'-') {
            self.at += 1;
        }
        let integer = self.digits();
        if integer.is_empty() || (integer.len() > 1 && integer[0] == b'0') {
            return Err(ValidationReason::Format);
        }
        let fraction = if self.peek() == Some(b'.') {
            self.at += 1;
            let fraction = self.digits();
            if fraction.is_empty() {
                return Err(ValidationReason::Format);
            }
            fraction
        } else {
            &[]
        };
        let exponent = if matches!(self.peek(), Some(b'e' | b'E')) {
            self.at += 1;
            let negative = match self.peek() {
                Some(b'-') => {
                    self.at += 1;
                    true
                }
                Some(b'+') => {
                    self.at += 1;
                    false
                }
                _ => false,
            };
            let digits = self.digits();
            if digits.is_empty() {
                return Err(ValidationReason::Format);
            }
            let magnitude = digits.iter().fold(0_i64, |value, digit| {
                value
                    .saturating_mul(10)
                    .saturating_add(i64::from(digit - b'0'))
            });
            if negative { -magnitude } else { magnitude }
        } else {
            0
        };
        let significant = integer
            .iter()
            .chain(fraction)
            .position(|&digit| digit != b'0');
        let Some(first_significant) = significant else {
            return Ok(()); // Zero, whatever its exponent.
        };
        let length = |digits: &[u8]| i64::try_from(digits.len()).unwrap_or(i64::MAX);
        let first = i64::try_from(first_significant).unwrap_or(i64::MAX);
        // Digits before the decimal point once the exponent has moved it.
        let integer_digits = length(integer)
            .saturating_add(exponent)
            .saturating_sub(first);
        let fraction_digits = length(fraction).saturating_sub(exponent);
        if integer_digits > MAX_NUMBER_DIGITS || fraction_digits > MAX_NUMBER_DIGITS {
            return Err(ValidationReason::OutOfRange);
        }
        Ok(())
    }

    fn digits(&mut self) -> &'a [u8] {
        let start = self.at;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.at += 1;
        }
        let bytes: &'a [u8] = self.bytes;
        &bytes[start..self.at]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_objects_of_every_json_kind() {
        for text in [
            "{}",
            " { } ",
            r#"{"pages": 4, "theme": "dark", "draft": false, "note": null}"#,
            r#"{"a": [1, -2.5, 0, 0.0, 1e3, 25E-4, 123456789012345, 0.123456789012345]}"#,
            r#"{"text": "ş \" \\ \/ \b\f\n\r\t \u00e7 \ud83d\ude00"}"#,
            r#"{"zero": 0e999999999999999999, "neg": -0.0}"#,
        ] {
            assert_eq!(check_object(text), Ok(()), "{text}");
        }
    }

    #[test]
    fn refuses_what_is_not_one_json_object() {
        for text in [
            "",
            "[]",
            "\"text\"",
            "4",
            "{} {}",
            r#"{"a": 1,}"#,
            r#"{"a" 1}"#,
            r#"{a: 1}"#,
            r#"{"a": 01}"#,
            r#"{"a": 1.}"#,
            r#"{"a": .5}"#,
            r#"{"a": 1e}"#,
            r#"{"a": +1}"#,
            r#"{"a": NaN}"#,
            r#"{"a": tru}"#,
            "{\"a\": \"raw\u{1}control\"}",
            r#"{"a": "\x"}"#,
            r#"{"a": "\u12"}"#,
            r#"{"a": "unterminated}"#,
        ] {
            assert_eq!(check_object(text), Err(ValidationReason::Format), "{text}");
        }
    }

    #[test]
    fn refuses_nul_and_lone_surrogates_which_storage_cannot_hold() {
        for text in [
            r#"{"a": "\u0000"}"#,
            r#"{"a": "\ud800"}"#,
            r#"{"a": "\ud800x"}"#,
            r#"{"a": "\ude00"}"#,
            r#"{"a": "\ud800\u0041"}"#,
        ] {
            assert_eq!(check_object(text), Err(ValidationReason::Format), "{text}");
        }
        // An escaped backslash before `u0000` is text, not a NUL.
        assert_eq!(check_object(r#"{"a": "\\u0000"}"#), Ok(()));
    }

    #[test]
    fn numbers_must_print_within_fifteen_digits_either_side() {
        for text in [
            "1.7976931348623157e+308",
            "1e-16000",
            "1000000000000000",
            "0.1234567890123456",
            "1e15",
            "1.5e-15",
            "99999999999999999999",
        ] {
            let object = format!("{{\"n\": {text}}}");
            assert_eq!(
                check_object(&object),
                Err(ValidationReason::OutOfRange),
                "{text}"
            );
        }
        for text in ["999999999999999", "1e14", "1.5e-14", "-0.000000000000001"] {
            let object = format!("{{\"n\": {text}}}");
            assert_eq!(check_object(&object), Ok(()), "{text}");
        }
    }

    #[test]
    fn nesting_is_bounded() {
        let nested = |levels: usize| {
            let open = "{\"a\": ".repeat(levels - 1);
            format!("{open}{{}}{}", "}".repeat(levels - 1))
        };
        assert_eq!(check_object(&nested(MAX_DEPTH)), Ok(()));
        assert_eq!(
            check_object(&nested(MAX_DEPTH + 1)),
            Err(ValidationReason::TooDeep { max: MAX_DEPTH })
        );
        let arrays = format!("{{\"a\": {}{}}}", "[".repeat(40), "]".repeat(40));
        assert_eq!(
            check_object(&arrays),
            Err(ValidationReason::TooDeep { max: MAX_DEPTH })
        );
    }
}
