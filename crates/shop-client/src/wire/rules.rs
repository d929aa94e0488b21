//! What the OpenAPI documents say about client input, in one place: the
//! JSON Schemas of the text rules every service parses client text by
//! (`shop_kit::input`, which depends on this crate and so cannot be named
//! here), [`whole`] numbers read as JSON Schema reads them, and
//! [`object_only!`](crate::object_only) request bodies.
//!
//! A text pattern matches a value exactly when the server accepts it. The
//! server trims what `str::trim` removes (Unicode `White_Space`), then counts
//! characters and refuses control characters (`char::is_control`, Unicode
//! `Cc`; a paragraph may hold line breaks and tabs); so the patterns allow
//! any such space around the value and count the characters between. They
//! are ECMA-262 (as JSON Schema's are) and spell each class out, so every
//! regex engine reads them alike.

use utoipa::openapi::{
    Object, ObjectBuilder,
    schema::{SchemaType, Type},
};

/// The characters `str::trim` removes (Unicode `White_Space`).
pub const SPACE: &str = r"\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000";
/// The characters `char::is_control` is true of, refused in one line.
pub const CONTROL: &str = r"\x00-\x1f\x7f-\x9f";
/// The same but the line breaks and the tab a paragraph may hold.
const CONTROL_BUT_BREAKS: &str = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f";

/// Text of at most `max_chars` characters once trimmed (`required`: at least
/// one, else blank is no value), free of control characters (`multiline`:
/// but line breaks and tabs), as `shop_kit::input::{line, paragraph}` accept.
pub fn text_pattern(max_chars: usize, required: bool, multiline: bool) -> String {
    let inner = if multiline {
        CONTROL_BUT_BREAKS
    } else {
        CONTROL
    };
    let edge = format!("[^{CONTROL}{SPACE}]");
    let text = match max_chars {
        0 => String::new(),
        1 => edge,
        _ => format!("{edge}(?:[^{inner}]{{0,{}}}{edge})?", max_chars - 2),
    };
    let text = if required || text.is_empty() {
        text
    } else {
        format!("(?:{text})?")
    };
    format!("^[{SPACE}]*{text}[{SPACE}]*$")
}

/// A string schema with `pattern` (`nullable`: or `null`).
pub fn string(nullable: bool, pattern: String, description: &str) -> ObjectBuilder {
    let schema_type = if nullable {
        SchemaType::from_iter([Type::String, Type::Null])
    } else {
        SchemaType::Type(Type::String)
    };
    ObjectBuilder::new()
        .schema_type(schema_type)
        .pattern(Some(pattern))
        .description(Some(description))
}

/// One line of 1 to `MAX` characters (`shop_kit::input::line(MAX)`).
pub fn line<const MAX: usize>() -> Object {
    let description =
        format!("One line of 1 to {MAX} characters once trimmed, without control characters");
    string(false, text_pattern(MAX, true, false), &description).build()
}

/// Like [`line`], and `null` or blank for no value.
pub fn optional_line<const MAX: usize>() -> Object {
    let description = format!(
        "One line of at most {MAX} characters once trimmed, without control characters; blank or null for none"
    );
    string(true, text_pattern(MAX, false, false), &description).build()
}

/// What `users`' `Email::parse` accepts: trimmed, 1 to 254 characters, no
/// spaces or control characters, one `@` after a non-empty local part, and
/// a domain of two or more non-empty dot-separated labels.
pub fn email() -> Object {
    let word = format!("[^{CONTROL}{SPACE}@]");
    let label = format!("[^{CONTROL}{SPACE}@.]+");
    let pattern = format!(
        "^[{SPACE}]*(?=[^{CONTROL}{SPACE}]{{1,254}}[{SPACE}]*$){word}+@{label}(?:\\.{label})+[{SPACE}]*$"
    );
    string(
        false,
        pattern,
        "An email address (`local@domain.tld`), at most 254 characters; compared in lower case",
    )
    .examples(["alice@shop.local"])
    .build()
}

/// An ISO 3166-1 alpha-2 country code in either case (stored upper case).
pub fn country() -> Object {
    string(
        false,
        format!("^[{SPACE}]*[A-Za-z]{{2}}[{SPACE}]*$"),
        "An ISO 3166-1 alpha-2 country code, e.g. `DE` (upper-cased)",
    )
    .examples(["DE"])
    .build()
}

/// An idempotency key: 1 to 255 visible ASCII characters.
pub fn idempotency_key() -> Object {
    string(
        false,
        "^[!-~]{1,255}$".to_owned(),
        "1 to 255 visible ASCII characters; the same key for a retry",
    )
    .build()
}

/// Request bodies are JSON objects. serde's derive also reads a struct from
/// an array of its fields in order (`[null, null]` would be an empty patch),
/// which no schema of ours admits. A type listed here derives with
/// `#[serde(remote = "Self")]` (inherent `serialize`/`deserialize` fns), and
/// the trait impls this writes serialize the same and deserialize only from
/// an object.
#[macro_export]
macro_rules! object_only {
    ($($name:ident),* $(,)?) => {$(
        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct Object;

                impl<'de> serde::de::Visitor<'de> for Object {
                    type Value = $name;

                    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str("a JSON object")
                    }

                    fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<$name, A::Error> {
                        // The derive's own code, fed the object's entries.
                        $name::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                    }
                }

                deserializer.deserialize_map(Object)
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                $name::serialize(self, serializer)
            }
        }
    )*};
}

/// Whole numbers as JSON Schema reads them: `2`, `2.0` and `2e0` are the
/// same integer, so a body the document admits is not refused for how a
/// number is spelled (serde alone takes only `2`). A fraction, a value out
/// of the field's range or a float past 2^53 (no longer exact) is refused
/// with "a whole number in range", never quoting the value.
pub mod whole {
    use std::{fmt, marker::PhantomData};

    use serde::{
        Deserialize, Deserializer,
        de::{Error, Unexpected, Visitor},
    };

    /// The largest magnitude up to which every whole `f64` is exact.
    const EXACT: f64 = 9_007_199_254_740_992.0;

    /// For `#[serde(deserialize_with = "whole::deserialize")]`.
    pub fn deserialize<'de, D, T>(deserializer: D) -> Result<T, D::Error>
    where
        D: Deserializer<'de>,
        T: TryFrom<i64> + TryFrom<u64>,
    {
        deserializer.deserialize_i64(WholeVisitor(PhantomData))
    }

    /// For `#[serde(default, deserialize_with = "whole::option")]`: null is `None`.
    pub fn option<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
    where
        D: Deserializer<'de>,
        T: TryFrom<i64> + TryFrom<u64>,
    {
        Ok(Option::<Whole<T>>::deserialize(deserializer)?.map(|whole| whole.0))
    }

    struct Whole<T>(T);

    impl<'de, T: TryFrom<i64> + TryFrom<u64>> Deserialize<'de> for Whole<T> {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            deserialize(deserializer).map(Whole)
        }
    }

    struct WholeVisitor<T>(PhantomData<T>);

    impl<T: TryFrom<i64> + TryFrom<u64>> Visitor<'_> for WholeVisitor<T> {
        type Value = T;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a whole number in range")
        }

        fn visit_i64<E: Error>(self, v: i64) -> Result<T, E> {
            T::try_from(v).map_err(|_| E::invalid_value(Unexpected::Signed(v), &self))
        }

        fn visit_u64<E: Error>(self, v: u64) -> Result<T, E> {
            T::try_from(v).map_err(|_| E::invalid_value(Unexpected::Unsigned(v), &self))
        }

        fn visit_f64<E: Error>(self, v: f64) -> Result<T, E> {
            if v.fract() == 0.0 && v.abs() <= EXACT {
                // Exact: a whole number of at most 2^53 in magnitude.
                #[allow(clippy::cast_possible_truncation)]
                self.visit_i64(v as i64)
            } else {
                Err(E::invalid_value(Unexpected::Float(v), &self))
            }
        }
    }

    #[cfg(test)]
    mod tests {
        use serde::Deserialize;

        #[derive(Debug, Deserialize)]
        struct Line {
            #[serde(deserialize_with = "super::deserialize")]
            cents: i64,
            #[serde(deserialize_with = "super::deserialize")]
            month: u32,
            #[serde(default, deserialize_with = "super::option")]
            ttl: Option<i32>,
        }

        fn parse(json: &str) -> Result<Line, String> {
            serde_json::from_str(json).map_err(|e| e.to_string())
        }

        #[test]
        fn a_whole_float_is_an_integer_and_a_fraction_is_not() {
            let line = parse(r#"{"cents": 547639267.0, "month": 12}"#).unwrap();
            assert_eq!((line.cents, line.month, line.ttl), (547_639_267, 12, None));
            assert_eq!(parse(r#"{"cents": -3, "month": 1e1}"#).unwrap().month, 10);
            let line = parse(r#"{"cents": 1, "month": 2e0, "ttl": 5.0}"#).unwrap();
            assert_eq!((line.month, line.ttl), (2, Some(5)));
            assert_eq!(
                parse(r#"{"cents": 1, "month": 1, "ttl": null}"#)
                    .unwrap()
                    .ttl,
                None
            );
            for bad in [
                r#"{"cents": 1.5, "month": 1}"#,
                r#"{"cents": "1", "month": 1}"#,
                r#"{"cents": null, "month": 1}"#,
                r#"{"cents": 1, "month": -1}"#,
                r#"{"cents": 1, "month": 4294967296}"#,
                r#"{"cents": 1e300, "month": 1}"#,
                r#"{"cents": 9007199254740994.0, "month": 1}"#,
                r#"{"cents": 1, "month": 1, "ttl": 1.5}"#,
                r#"{"cents": 1, "month": 1, "ttl": 3e9}"#,
            ] {
                let error = parse(bad).unwrap_err();
                assert!(
                    error.contains("expected a whole number in range"),
                    "{bad}: {error}"
                );
            }
        }
    }
}
