//! Text from clients, parsed at the edge by one rule: trimmed, bounded in
//! length, and free of control characters (a NUL byte would reach
//! PostgreSQL, which refuses it in `text` and `jsonb` alike). Multi-line
//! text may hold line breaks and tabs, and nothing else below U+0020.
//!
//! Every route that takes a string parses it through a [`TextRule`], and
//! collects what is wrong in [`FieldErrors`], so a bad field is a 422 naming
//! it and nothing is written.

use std::collections::BTreeMap;

use shop_client::wire::users::Address;

use crate::Problem;

/// How one kind of text is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextRule {
    max_chars: usize,
    required: bool,
    multiline: bool,
}

/// One line of text, 1 to `max_chars` characters after trimming: names,
/// address lines, search words, SKUs.
pub const fn line(max_chars: usize) -> TextRule {
    TextRule {
        max_chars,
        required: true,
        multiline: false,
    }
}

/// Free text that may span lines and may be empty: descriptions, reasons.
pub const fn paragraph(max_chars: usize) -> TextRule {
    TextRule {
        max_chars,
        required: false,
        multiline: true,
    }
}

impl TextRule {
    /// The same rule, letting an empty value through (as `""`).
    #[must_use]
    pub const fn optional(mut self) -> Self {
        self.required = false;
        self
    }

    /// The same rule, demanding at least one character.
    #[must_use]
    pub const fn required(mut self) -> Self {
        self.required = true;
        self
    }

    /// `raw` trimmed, or why it is refused (never quoting it).
    pub fn parse(&self, raw: &str) -> Result<String, String> {
        let text = raw.trim();
        let allowed =
            |c: char| !c.is_control() || (self.multiline && matches!(c, '\n' | '\r' | '\t'));
        if !text.chars().all(allowed) {
            return Err(if self.multiline {
                "must not contain control characters other than line breaks and tabs".to_owned()
            } else {
                "must not contain control characters or line breaks".to_owned()
            });
        }
        let chars = text.chars().count();
        if self.required && chars == 0 {
            return Err("must not be empty".to_owned());
        }
        if chars > self.max_chars {
            return Err(format!("must be at most {} characters", self.max_chars));
        }
        Ok(text.to_owned())
    }

    /// Parses one field on its own: a bad value is a 422 naming `field`.
    pub fn parse_field(&self, field: &str, raw: &str) -> Result<String, Problem> {
        self.parse(raw)
            .map_err(|reason| Problem::invalid_field(field, reason))
    }
}

/// What is wrong with a request, field by field.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct FieldErrors(BTreeMap<String, String>);

impl FieldErrors {
    /// No errors yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Notes that `field` is wrong, and why (the first reason given is kept).
    pub fn add(&mut self, field: &str, reason: impl Into<String>) {
        self.0
            .entry(field.to_owned())
            .or_insert_with(|| reason.into());
    }

    /// The value of `result`, or `None` with its error noted under `field`.
    pub fn check<T, E: Into<String>>(&mut self, field: &str, result: Result<T, E>) -> Option<T> {
        result.map_err(|reason| self.add(field, reason)).ok()
    }

    /// `raw` parsed by `rule`; when it is refused the error is noted and an
    /// empty string comes back (the caller fails at [`finish`](Self::finish)).
    pub fn text(&mut self, field: &str, raw: &str, rule: TextRule) -> String {
        self.check(field, rule.parse(raw)).unwrap_or_default()
    }

    /// Like [`text`](Self::text) for an optional field: absent or blank is `None`.
    pub fn optional_text(
        &mut self,
        field: &str,
        raw: Option<&str>,
        rule: TextRule,
    ) -> Option<String> {
        let parsed = self.check(field, rule.optional().parse(raw?))?;
        (!parsed.is_empty()).then_some(parsed)
    }

    /// Every error of `other`, with `prefix.` before its field names.
    pub fn nest(&mut self, prefix: &str, other: FieldErrors) {
        for (field, reason) in other.0 {
            self.add(&format!("{prefix}.{field}"), reason);
        }
    }

    /// True when nothing is wrong.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The errors by field.
    pub fn into_map(self) -> BTreeMap<String, String> {
        self.0
    }

    /// `Ok` when nothing is wrong, else the 422 naming every bad field.
    pub fn finish(self) -> Result<(), Problem> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(Problem::validation(self.0))
        }
    }
}

impl From<FieldErrors> for Problem {
    fn from(errors: FieldErrors) -> Self {
        Problem::validation(errors.0)
    }
}

/// A postal address as a client sent it, parsed: every field trimmed and
/// checked, the country an upper-case ISO 3166-1 alpha-2 code, an empty
/// `line2` dropped.
pub fn address(raw: &Address) -> Result<Address, FieldErrors> {
    let mut errors = FieldErrors::new();
    let parsed = Address {
        name: errors.text("name", &raw.name, line(100)),
        line1: errors.text("line1", &raw.line1, line(200)),
        line2: errors.optional_text("line2", raw.line2.as_deref(), line(200)),
        city: errors.text("city", &raw.city, line(100)),
        postal_code: errors.text("postal_code", &raw.postal_code, line(20)),
        country: raw.country.trim().to_ascii_uppercase(),
    };
    if parsed.country.len() != 2 || !parsed.country.bytes().all(|b| b.is_ascii_uppercase()) {
        errors.add("country", "must be an ISO 3166-1 alpha-2 code");
    }
    if errors.is_empty() {
        Ok(parsed)
    } else {
        Err(errors)
    }
}

/// Why a request path is refused before any route sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PathRefusal {
    /// A `.` or `..` segment, however it is spelled (`%2e`, `%252e`, ...).
    #[error("the path has a dot segment")]
    DotSegment,
    /// A slash or backslash inside a segment (`%2f`, `%5c`, `%252f`, ...).
    #[error("the path has an encoded slash or a backslash")]
    EncodedSlash,
    /// An empty segment (`//`) anywhere but at the end.
    #[error("the path has an empty segment")]
    EmptySegment,
    /// A NUL or another control character, or a byte sequence that is not
    /// UTF-8 once decoded (overlong encodings such as `%c0%ae` among them).
    #[error("the path has a control character or is not UTF-8")]
    BadCharacter,
    /// Percent-encoded more than twice over.
    #[error("the path is encoded too many times over")]
    TooDeeplyEncoded,
}

/// How many layers of percent-encoding a segment may carry and still be
/// looked through (`%252e` is two).
const MAX_ENCODING_LAYERS: usize = 2;

/// Checks a raw request path (as received, before any decoding): every
/// segment, raw and decoded layer by layer, must be free of dot segments,
/// slashes, backslashes and control characters. A path that passes means
/// the same thing to every parser it meets: the gateway's router, the URL
/// it builds upstream, and the service that answers.
pub fn check_path(raw: &str) -> Result<(), PathRefusal> {
    let rest = raw.strip_prefix('/').unwrap_or(raw);
    let segments: Vec<&str> = rest.split('/').collect();
    let last = segments.len().saturating_sub(1);
    for (index, segment) in segments.iter().enumerate() {
        if segment.is_empty() {
            if index == last {
                continue;
            }
            return Err(PathRefusal::EmptySegment);
        }
        check_segment(segment)?;
    }
    Ok(())
}

fn check_segment(raw: &str) -> Result<(), PathRefusal> {
    let mut layer = raw.to_owned();
    for _ in 0..MAX_ENCODING_LAYERS {
        check_decoded(&layer)?;
        if !has_escape(&layer) {
            return Ok(());
        }
        layer = percent_encoding::percent_decode_str(&layer)
            .decode_utf8()
            .map_err(|_| PathRefusal::BadCharacter)?
            .into_owned();
        if layer.contains('/') {
            return Err(PathRefusal::EncodedSlash);
        }
    }
    check_decoded(&layer)?;
    if has_escape(&layer) {
        return Err(PathRefusal::TooDeeplyEncoded);
    }
    Ok(())
}

/// Lookalikes some servers fold into `.`, `/` and `\\` (fullwidth forms, the
/// one-dot leader, the division slash).
const CONFUSABLE: [char; 5] = ['\u{ff0e}', '\u{ff0f}', '\u{ff3c}', '\u{2024}', '\u{2215}'];

fn check_decoded(segment: &str) -> Result<(), PathRefusal> {
    if segment == "." || segment == ".." {
        return Err(PathRefusal::DotSegment);
    }
    if segment.contains('\\') {
        return Err(PathRefusal::EncodedSlash);
    }
    if segment
        .chars()
        .any(|c| c.is_control() || CONFUSABLE.contains(&c))
    {
        return Err(PathRefusal::BadCharacter);
    }
    Ok(())
}

/// Whether `segment` holds a `%XX` escape that decoding would change.
fn has_escape(segment: &str) -> bool {
    segment
        .as_bytes()
        .windows(3)
        .any(|w| w[0] == b'%' && w[1].is_ascii_hexdigit() && w[2].is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_is_trimmed_and_bounded() {
        assert_eq!(line(5).parse("  Mug ").unwrap(), "Mug");
        assert!(line(5).parse("   ").is_err());
        assert!(line(5).parse("Teapot").is_err());
        assert_eq!(line(5).optional().parse(" ").unwrap(), "");
        // Characters, not bytes.
        assert!(line(5).parse("ééééé").is_ok());
    }

    #[test]
    fn control_characters_are_refused_without_quoting_the_value() {
        for bad in [
            "a\u{0}b",
            "\u{0}",
            "a\nb",
            "tab\there",
            "bell\u{7}",
            "del\u{7f}",
            "c1\u{85}x",
        ] {
            let reason = line(50).parse(bad).unwrap_err();
            assert!(reason.contains("control characters"), "{bad:?}: {reason}");
            assert!(!reason.contains(bad.trim()), "{reason}");
        }
        assert_eq!(
            paragraph(50).parse("two\nlines\tand a tab").unwrap(),
            "two\nlines\tand a tab"
        );
        assert!(paragraph(50).parse("nul\u{0}").is_err());
    }

    #[test]
    fn field_errors_name_every_bad_field_once() {
        let mut errors = FieldErrors::new();
        assert_eq!(errors.text("name", "\u{0}", line(10)), "");
        errors.add("name", "second reason");
        assert_eq!(errors.optional_text("line2", Some("  "), line(10)), None);
        assert_eq!(errors.optional_text("line2", None, line(10)), None);
        let map = errors.into_map();
        assert_eq!(map.len(), 1);
        assert!(map["name"].contains("control"));
    }

    #[test]
    fn an_address_is_normalised_or_every_bad_field_is_named() {
        let raw = Address {
            name: " Dana ".into(),
            line1: "1 Main St".into(),
            line2: Some(" ".into()),
            city: "Springfield".into(),
            postal_code: "12345".into(),
            country: "us".into(),
        };
        let parsed = address(&raw).unwrap();
        assert_eq!(parsed.name, "Dana");
        assert_eq!(parsed.line2, None);
        assert_eq!(parsed.country, "US");

        let bad = Address {
            name: "Da\u{0}na".into(),
            city: String::new(),
            country: "USA".into(),
            ..raw
        };
        let errors = address(&bad).unwrap_err().into_map();
        assert_eq!(
            errors.keys().collect::<Vec<_>>(),
            ["city", "country", "name"]
        );
    }

    #[test]
    fn ordinary_paths_pass() {
        for path in [
            "/",
            "/api/products",
            "/api/products/",
            "/api/products/MUG-1",
            "/api/products/0190a1b2-0000-7000-8000-000000000000/stock",
            "/api/products/a%20b",
            "/api/products/caf%C3%A9",
            "/api/products/100%25",
            "/api/products/v1.2",
            "/.well-known/jwks.json",
        ] {
            assert_eq!(check_path(path), Ok(()), "{path}");
        }
    }

    #[test]
    fn dot_segments_slashes_and_control_characters_are_refused_however_spelled() {
        use PathRefusal::*;
        for (path, why) in [
            ("/api/products/../../metrics", DotSegment),
            ("/api/products/./x", DotSegment),
            ("/api/products/%2e%2e/%2e%2e/metrics", DotSegment),
            ("/api/products/%2E%2e/metrics", DotSegment),
            ("/api/products/.%2e/metrics", DotSegment),
            ("/api/users/%252e%252e/internal", DotSegment),
            ("/api/products/%2f..%2fmetrics", EncodedSlash),
            ("/api/products/a%2Fb", EncodedSlash),
            ("/api/products/a%252fb", EncodedSlash),
            ("/api/products/a%5cb", EncodedSlash),
            ("/api/products/..%5c..%5cmetrics", EncodedSlash),
            ("/api/products/a\\b", EncodedSlash),
            ("/api//internal/users", EmptySegment),
            ("/api/products/%00", BadCharacter),
            ("/api/products/%c0%ae%c0%ae", BadCharacter),
            ("/api/products/%e0%80%ae", BadCharacter),
            ("/api/products/%ef%bc%8e%ef%bc%8e", BadCharacter),
            ("/api/products/%25252e%25252e", TooDeeplyEncoded),
        ] {
            assert_eq!(check_path(path), Err(why), "{path}");
        }
    }
}
