//! [`Html`]: markup built so that nothing from outside can be injected. Template text goes in
//! through [`Html::raw`], which takes only `&'static str` (literals written in this crate);
//! every other value goes through [`Html::text`] or [`Html::link`], which escape it with the one
//! escaping function, [`escape_into`] — in text and in attribute values alike.

use prosektor_domain::{Email, Phone};

/// A growing HTML fragment whose dynamic parts are all escaped.
#[derive(Debug, Default)]
pub(super) struct Html(String);

impl Html {
    /// An empty fragment.
    pub(super) fn new() -> Self {
        Self::default()
    }

    /// Appends trusted template markup, a literal of this crate.
    pub(super) fn raw(&mut self, markup: &'static str) -> &mut Self {
        self.0.push_str(markup);
        self
    }

    /// Appends `value` as text, escaped.
    pub(super) fn text(&mut self, value: &str) -> &mut Self {
        escape_into(&mut self.0, value);
        self
    }

    /// Appends `<tag>value</tag>`, the value escaped.
    pub(super) fn element(&mut self, tag: &'static str, value: &str) -> &mut Self {
        self.raw("<")
            .raw(tag)
            .raw(">")
            .text(value)
            .raw("</")
            .raw(tag)
            .raw(">\n")
    }

    /// Appends `<a href="href">label</a>`, both escaped.
    pub(super) fn link(&mut self, href: &str, label: &str) -> &mut Self {
        self.raw("<a href=\"")
            .text(href)
            .raw("\">")
            .text(label)
            .raw("</a>")
    }

    /// Appends another fragment, already safe.
    pub(super) fn append(&mut self, other: &Self) -> &mut Self {
        self.0.push_str(&other.0);
        self
    }

    /// The markup.
    pub(super) fn into_string(self) -> String {
        self.0
    }
}

/// Escapes `value` for HTML text and double- or single-quoted attribute values: `&`, `<`, `>`,
/// `"` and `'` become character references; everything else is copied.
pub(super) fn escape_into(out: &mut String, value: &str) {
    out.reserve(value.len());
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
}

/// `tel:+905321234567` (E.164 is `+` and digits only).
pub(super) fn tel_href(phone: &Phone) -> String {
    format!("tel:{}", phone.as_str())
}

/// `mailto:` and the address, every byte outside `A-Z a-z 0-9 - . _ ~ @` percent-encoded, so
/// that a `?`, `#` or `%` allowed in a local part cannot add headers or break the URL.
pub(super) fn mailto_href(email: &Email) -> String {
    let mut href = String::from("mailto:");
    for byte in email.as_str().bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~@".contains(&byte) {
            href.push(char::from(byte));
        } else {
            href.push_str(&format!("%{byte:02X}"));
        }
    }
    href
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_and_attributes_are_escaped() {
        let mut html = Html::new();
        html.element("p", "<script>alert(1)</script> & \"x\" 'y' Çağ")
            .link("\"onmouseover=alert(1)", "<b>");
        assert_eq!(
            html.into_string(),
            "<p>&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot; &#39;y&#39; Çağ</p>\n\
             <a href=\"&quot;onmouseover=alert(1)\">&lt;b&gt;</a>"
        );
    }

    #[test]
    fn hrefs_for_phones_and_emails() {
        let phone = Phone::parse("0532 123 45 67").unwrap();
        assert_eq!(tel_href(&phone), "tel:+905321234567");
        let plain = Email::parse("info@sisli-osgb.com.tr").unwrap();
        assert_eq!(mailto_href(&plain), "mailto:info@sisli-osgb.com.tr");
        let odd = Email::parse("a?cc=x&b#c%'@osgb.com").unwrap();
        assert_eq!(
            mailto_href(&odd),
            "mailto:a%3Fcc%3Dx%26b%23c%25%27@osgb.com"
        );
    }
}
