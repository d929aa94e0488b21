//! HTTP revalidation: a rendered body with a strong `ETag`, the
//! `Cache-Control` that says who may store it, and `304 Not Modified` for a
//! client that already holds it.
//!
//! The `ETag` is a hash of the body, so every replica (and the gateway) gives
//! the same representation the same tag whether it came from memory, Redis
//! or Postgres, and a tag can never be reused for other bytes (a version
//! counter could: Redis may lose its keys and count again from zero).

use actix_web::{
    HttpRequest, HttpResponse, HttpResponseBuilder,
    http::header::{self, HeaderValue},
};
use bytes::Bytes;
use sha2::{Digest as _, Sha256};

use crate::local_cache::Weigh;

/// Who may store a response.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Audience {
    /// The same for everyone (no admin-only field): shared caches may keep
    /// it, and must revalidate before each use.
    Public,
    /// Carries what only this caller may see: no shared cache keeps it.
    Private,
}

impl Audience {
    /// The `Cache-Control` value.
    pub fn cache_control(self) -> &'static str {
        match self {
            Self::Public => "public, no-cache",
            Self::Private => "private, no-cache",
        }
    }
}

/// A JSON body and its strong `ETag`.
#[derive(Clone, Debug)]
pub struct Rendered {
    pub body: Bytes,
    pub etag: String,
}

impl Rendered {
    /// `value` as JSON.
    pub fn json<T: serde::Serialize>(value: &T) -> Result<Self, serde_json::Error> {
        Ok(Self::from_body(Bytes::from(serde_json::to_vec(value)?)))
    }

    /// A body already rendered.
    pub fn from_body(body: Bytes) -> Self {
        let digest = Sha256::digest(&body);
        let mut etag = String::with_capacity(34);
        etag.push('"');
        for byte in &digest[..16] {
            etag.push_str(&format!("{byte:02x}"));
        }
        etag.push('"');
        Self { body, etag }
    }

    /// `200` with the body, or `304` when the request's `If-None-Match`
    /// already names this `ETag`; `vary` names the request headers the body
    /// depends on, `extra` adds headers to both.
    pub fn respond(
        &self,
        req: &HttpRequest,
        audience: Audience,
        vary: Option<&'static str>,
        extra: &[(&'static str, &'static str)],
    ) -> HttpResponse {
        let (mut builder, not_modified) = revalidated(req, &self.etag);
        builder
            .insert_header((header::CACHE_CONTROL, audience.cache_control()))
            .insert_header((header::ETAG, self.etag.as_str()));
        if let Some(vary) = vary {
            builder.insert_header((header::VARY, vary));
        }
        for header in extra {
            builder.insert_header(*header);
        }
        if not_modified {
            builder.finish()
        } else {
            builder
                .content_type(HeaderValue::from_static("application/json"))
                .body(self.body.clone())
        }
    }
}

impl Weigh for Rendered {
    fn bytes(&self) -> usize {
        self.body.len() + self.etag.len()
    }
}

/// The start of an answer to `req` for a representation tagged `etag`:
/// `304 Not Modified` (and `true`) when the request's `If-None-Match`
/// already names it, else `200 OK`. A 304 carries no body and no
/// `Content-Type`, but the same `ETag`, `Cache-Control` and `Vary`.
pub fn revalidated(req: &HttpRequest, etag: &str) -> (HttpResponseBuilder, bool) {
    let not_modified = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| if_none_match(v, etag));
    if not_modified {
        (HttpResponse::NotModified(), true)
    } else {
        (HttpResponse::Ok(), false)
    }
}

/// Whether the request asks for an answer no cache has kept
/// (`Cache-Control: no-cache`, RFC 9111 5.2.1.4): the in-process levels
/// are skipped for it, the shared one (Redis) is not, since it changes in
/// the same step as the message that would have told them.
pub fn wants_fresh(req: &HttpRequest) -> bool {
    req.headers()
        .get_all(header::CACHE_CONTROL)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|directive| directive.trim().eq_ignore_ascii_case("no-cache"))
}

/// Whether an `If-None-Match` value names `etag` (RFC 9110 13.1.2: `*`, or
/// a list compared weakly, so `W/"x"` matches `"x"`).
pub fn if_none_match(header: &str, etag: &str) -> bool {
    header.split(',').map(str::trim).any(|candidate| {
        candidate == "*" || candidate.strip_prefix("W/").unwrap_or(candidate) == etag
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tag_is_strong_and_follows_the_bytes() {
        let a = Rendered::from_body(Bytes::from_static(b"{\"a\":1}"));
        let b = Rendered::from_body(Bytes::from_static(b"{\"a\":2}"));
        assert!(a.etag.starts_with('"') && a.etag.ends_with('"') && a.etag.len() == 34);
        assert_ne!(a.etag, b.etag);
        assert_eq!(
            a.etag,
            Rendered::from_body(Bytes::from_static(b"{\"a\":1}")).etag
        );
    }

    #[test]
    fn if_none_match_compares_weakly_and_takes_lists_and_stars() {
        let tag = "\"abc\"";
        assert!(if_none_match("\"abc\"", tag));
        assert!(if_none_match("W/\"abc\"", tag));
        assert!(if_none_match("\"x\", \"abc\"", tag));
        assert!(if_none_match("*", tag));
        assert!(!if_none_match("\"abd\"", tag));
        assert!(!if_none_match("abc", tag));
        assert!(!if_none_match("", tag));
    }
}
