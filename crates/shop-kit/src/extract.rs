//! The body and query extractors every route uses, and the words their
//! errors are told in.
//!
//! A value serde refuses is named by its path (`payment.card_number`) and
//! the type that was expected, never quoted: serde's own messages carry the
//! offending value (``invalid type: integer `4111111111111111` ``), and a
//! card number must not come back in an error body or reach a log.

use shop_client::wire::ErrorCode;
use std::{future::Future, pin::Pin};

use actix_web::{
    FromRequest, HttpMessage as _, HttpRequest,
    dev::Payload,
    error::PathError,
    http::{StatusCode, header},
};
use bytes::BytesMut;
use futures_util::StreamExt as _;
use serde::de::DeserializeOwned;

use crate::Problem;

/// The largest request body a route accepts (`BODY_LIMIT_BYTES`), in app data.
#[derive(Debug, Clone, Copy)]
pub struct BodyLimit(pub usize);

/// A JSON request body, deserialised. Errors are problem+json: 415 for
/// another media type, 413 above the body limit, 400 `invalid_json` for
/// malformed JSON, 422 `validation_failed` naming the field for a value of
/// the wrong shape.
#[derive(Debug)]
pub struct Json<T>(pub T);

impl<T> std::ops::Deref for Json<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> Json<T> {
    /// The deserialised body.
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T: DeserializeOwned + 'static> FromRequest for Json<T> {
    type Error = Problem;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Problem>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let limit = req
            .app_data::<BodyLimit>()
            .map_or(256 * 1024, |limit| limit.0);
        let is_json = req.mime_type().ok().flatten().is_some_and(|mime| {
            mime.subtype() == actix_web::mime::JSON || mime.suffix() == Some(actix_web::mime::JSON)
        });
        let declared = req
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok());
        let mut payload = payload.take();
        Box::pin(async move {
            if !is_json {
                return Err(Problem::new(
                    StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    ErrorCode::UnsupportedMediaType,
                    "Unsupported media type",
                )
                .detail("send the body as application/json"));
            }
            if declared.is_some_and(|len| len > limit) {
                return Err(too_large());
            }
            let mut body = BytesMut::new();
            while let Some(chunk) = payload.next().await {
                let chunk = chunk.map_err(|e| {
                    Problem::bad_request(
                        ErrorCode::InvalidBody,
                        "the request body could not be read",
                    )
                    .source(anyhow::anyhow!("{e}"))
                })?;
                if body.len() + chunk.len() > limit {
                    return Err(too_large());
                }
                body.extend_from_slice(&chunk);
            }
            parse_json(&body).map(Json)
        })
    }
}

fn too_large() -> Problem {
    Problem::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        ErrorCode::BodyTooLarge,
        "Payload too large",
    )
    .detail("the request body is larger than this route accepts")
}

/// `body` as a `T`, or the problem a client is told.
pub fn parse_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, Problem> {
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        let path = error.path().to_string();
        json_problem(&path, &error.into_inner())
    })?;
    // Trailing characters after the value are malformed JSON too.
    deserializer.end().map_err(|e| json_problem("", &e))?;
    Ok(value)
}

fn json_problem(path: &str, error: &serde_json::Error) -> Problem {
    if error.is_data() {
        let (field, reason) = field_and_reason(path, &error.to_string());
        return Problem::invalid_field(&field, reason);
    }
    // Syntax errors are told by position only.
    let what = if error.is_eof() {
        "the body ends too early"
    } else {
        "the body is not valid JSON"
    };
    Problem::bad_request(
        ErrorCode::InvalidJson,
        format!("{what} (line {}, column {})", error.line(), error.column()),
    )
}

/// A query string, deserialised. A bad parameter is a 400 `invalid_query`
/// naming it and the type expected.
#[derive(Debug)]
pub struct Query<T>(pub T);

impl<T> std::ops::Deref for Query<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> Query<T> {
    /// The deserialised query.
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T: DeserializeOwned> FromRequest for Query<T> {
    type Error = Problem;
    type Future = std::future::Ready<Result<Self, Problem>>;

    fn from_request(req: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        std::future::ready(parse_query(req.query_string()).map(Query))
    }
}

/// `query` as a `T`, or the problem a client is told.
pub fn parse_query<T: DeserializeOwned>(query: &str) -> Result<T, Problem> {
    let deserializer =
        serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
    serde_path_to_error::deserialize(deserializer).map_err(|error| {
        let path = error.path().to_string();
        let (field, reason) = field_and_reason(&path, &error.into_inner().to_string());
        let mut problem = Problem::bad_request(
            ErrorCode::InvalidQuery,
            format!("the query parameter {field} {reason}"),
        );
        problem.set_fields([(field, reason)].into());
        problem
    })
}

/// The problem for a path segment that does not parse (`web::Path`).
pub fn path_problem(error: &PathError) -> Problem {
    let PathError::Deserialize(inner) = error else {
        return Problem::bad_request(ErrorCode::InvalidPath, "the path is not valid");
    };
    let (_, reason) = field_and_reason("", &inner.to_string());
    Problem::bad_request(ErrorCode::InvalidPath, format!("a path segment {reason}"))
}

/// The field a serde error is about and what was wrong with it, from the
/// path and serde's message, leaving out every value the message quotes.
fn field_and_reason(path: &str, message: &str) -> (String, String) {
    // serde_json adds " at line L column C".
    let message = message
        .rfind(" at line ")
        .map_or(message, |at| &message[..at]);
    let field = |name: Option<&str>| {
        let base = match path {
            "" | "." | "?" => None,
            path => Some(path),
        };
        match (base, name) {
            (Some(base), Some(name)) => format!("{base}.{name}"),
            (Some(base), None) => base.to_owned(),
            (None, Some(name)) => name.to_owned(),
            (None, None) => "body".to_owned(),
        }
    };
    let quoted = |rest: &str| rest.split('`').nth(1).map(str::to_owned);
    if let Some(rest) = message.strip_prefix("missing field ") {
        return (field(quoted(rest).as_deref()), "is required".to_owned());
    }
    if let Some(rest) = message.strip_prefix("duplicate field ") {
        return (field(quoted(rest).as_deref()), "is given twice".to_owned());
    }
    if message.starts_with("unknown field ") {
        // The path already ends at the unknown key.
        return (field(None), "is not a known field".to_owned());
    }
    let expected = message
        .split_once(", expected ")
        .map(|(_, expected)| expected)
        .filter(|_| {
            [
                "invalid type: ",
                "invalid value: ",
                "invalid length ",
                "unknown variant ",
            ]
            .iter()
            .any(|prefix| message.starts_with(prefix))
        });
    let reason = match expected {
        Some(expected) => format!("must be {expected}"),
        None => custom_reason(message).to_owned(),
    };
    (field(None), reason)
}

/// Words for the messages of parsers other than serde's own (numbers in a
/// query string, UUIDs, dates), which may quote what they refused.
fn custom_reason(message: &str) -> &'static str {
    let lower = message.to_ascii_lowercase();
    if lower.contains("uuid") {
        "must be a UUID"
    } else if lower.contains("digit") || lower.contains("integer") || lower.contains("number") {
        "must be a whole number in range"
    } else if lower.contains("true") && lower.contains("false") {
        "must be true or false"
    } else if lower.contains("premature end of input")
        || lower.contains("input contains invalid characters")
        || lower.contains("date")
    {
        "must be an RFC 3339 date and time"
    } else if lower.contains("did not match any variant") {
        "does not match any accepted form"
    } else {
        "has an invalid value"
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Card {
        card_number: String,
        exp_month: u8,
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Checkout {
        payment: Card,
        id: Option<uuid::Uuid>,
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Listing {
        limit: Option<i64>,
        in_stock: Option<bool>,
        q: Option<String>,
    }

    fn fields(problem: &Problem) -> Vec<(String, String)> {
        problem
            .details()
            .fields
            .clone()
            .unwrap_or_default()
            .into_iter()
            .collect()
    }

    #[test]
    fn a_card_number_of_the_wrong_type_is_named_and_never_quoted() {
        let problem = parse_json::<Checkout>(
            br#"{"payment":{"card_number":4111111111111111,"exp_month":1}}"#,
        )
        .unwrap_err();
        assert_eq!(*problem.code(), ErrorCode::ValidationFailed);
        assert_eq!(
            fields(&problem),
            [(
                "payment.card_number".to_owned(),
                "must be a string".to_owned()
            )]
        );
        let shown = format!("{:?}", problem.details());
        assert!(!shown.contains("4111"), "{shown}");
    }

    #[test]
    fn missing_fields_bad_uuids_and_out_of_range_numbers_are_named() {
        let missing = parse_json::<Checkout>(br#"{"payment":{"exp_month":1}}"#).unwrap_err();
        assert_eq!(fields(&missing)[0].0, "payment.card_number");
        assert_eq!(fields(&missing)[0].1, "is required");

        let uuid = parse_json::<Checkout>(
            br#"{"payment":{"card_number":"4242","exp_month":1},"id":"secret-4111111111111111"}"#,
        )
        .unwrap_err();
        assert_eq!(
            fields(&uuid),
            [("id".to_owned(), "must be a UUID".to_owned())]
        );
        assert!(!format!("{:?}", uuid.details()).contains("4111"));

        let range = parse_json::<Checkout>(
            br#"{"payment":{"card_number":"4242","exp_month":4111111111111111}}"#,
        )
        .unwrap_err();
        assert_eq!(fields(&range)[0].0, "payment.exp_month");
        assert!(!format!("{:?}", range.details()).contains("4111"));
    }

    #[test]
    fn malformed_json_is_a_400_without_the_input() {
        for body in [
            &b"{not json 4111111111111111"[..],
            b"",
            b"{} trailing",
            b"\"\\u0000",
        ] {
            let problem = parse_json::<serde_json::Value>(body).unwrap_err();
            assert_eq!(*problem.code(), ErrorCode::InvalidJson, "{body:?}");
            assert!(!format!("{:?}", problem.details()).contains("4111"));
        }
    }

    #[test]
    fn a_bad_query_parameter_is_named_with_the_type_expected() {
        let problem = parse_query::<Listing>("limit=4111111111111111111111&q=x").unwrap_err();
        assert_eq!(*problem.code(), ErrorCode::InvalidQuery);
        assert_eq!(fields(&problem)[0].0, "limit");
        assert!(!format!("{:?}", problem.details()).contains("4111"));

        let flag = parse_query::<Listing>("in_stock=maybe").unwrap_err();
        assert_eq!(
            fields(&flag),
            [("in_stock".to_owned(), "must be true or false".to_owned())]
        );

        let ok = parse_query::<Listing>("limit=5&q=mug").unwrap();
        assert_eq!(ok.limit, Some(5));
    }
}
