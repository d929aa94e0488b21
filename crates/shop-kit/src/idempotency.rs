//! Idempotent requests, judged one way everywhere (ARCHITECTURE.md,
//! "Idempotency"): the key is parsed by one rule, what a request asks for is
//! reduced to a [`Fingerprint`], and a request with a key seen before is
//! [`judge`]d against what was stored for it: a replay gets the stored
//! outcome, the same key with another request is `409
//! idempotency_key_reused`, and one whose first request is still running is
//! told to retry (`409` with `Retry-After`). Each service keeps the stored
//! outcome beside its own effect (a wallet entry, a refund, a checkout), in
//! the same transaction; this module decides what a repeat means.

use actix_web::{HttpRequest, http::StatusCode};
use sha2::{Digest as _, Sha256};
use shop_client::wire::ErrorCode;

use crate::Problem;

/// The header clients send their key in.
pub const HEADER: &str = "Idempotency-Key";

/// A key: 1 to [`IdempotencyKey::MAX_LEN`] visible ASCII characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    /// The longest key accepted.
    pub const MAX_LEN: usize = 255;

    /// The rule every key follows; the reason names no value.
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        if raw.is_empty() || raw.len() > Self::MAX_LEN || !raw.bytes().all(|b| b.is_ascii_graphic())
        {
            return Err("must be 1 to 255 visible ASCII characters");
        }
        Ok(Self(raw.to_owned()))
    }

    /// A key in a request body: a bad one is a 422 naming `field`.
    pub fn parse_field(field: &str, raw: &str) -> Result<Self, Problem> {
        Self::parse(raw).map_err(|reason| Problem::invalid_field(field, reason))
    }

    /// The `Idempotency-Key` header: `None` when absent; a bad one is a 400
    /// `invalid_idempotency_key`.
    pub fn from_header(req: &HttpRequest) -> Result<Option<Self>, Problem> {
        let Some(value) = req.headers().get(HEADER) else {
            return Ok(None);
        };
        let parsed = value.to_str().ok().map(Self::parse);
        match parsed {
            Some(Ok(key)) => Ok(Some(key)),
            Some(Err(reason)) => Err(invalid_header(reason)),
            None => Err(invalid_header("must be visible ASCII")),
        }
    }

    /// The header, which this route requires (400 `idempotency_key_required`).
    pub fn required(req: &HttpRequest) -> Result<Self, Problem> {
        Self::from_header(req)?.ok_or_else(|| {
            Problem::bad_request(
                ErrorCode::IdempotencyKeyRequired,
                "send an Idempotency-Key header, and the same one when you retry",
            )
        })
    }

    /// The key.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The key inside `scope` (`admin-credit:{key}`), so keys from different
    /// callers of one store cannot collide.
    pub fn scoped(&self, scope: &str) -> String {
        format!("{scope}:{}", self.0)
    }
}

fn invalid_header(reason: &str) -> Problem {
    let mut problem = Problem::bad_request(
        ErrorCode::InvalidIdempotencyKey,
        format!("the {HEADER} header {reason}"),
    );
    problem.set_fields([(HEADER.to_owned(), reason.to_owned())].into());
    problem
}

/// What a request asks for, reduced to a SHA-256 (hex): two requests with
/// the same fingerprint are the same request. Build it from the parts that
/// matter, never from secrets (a card counts by its last four digits).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fingerprint(String);

impl Fingerprint {
    /// The fingerprint of `parts`, in order (each is length-prefixed, so
    /// `["ab", "c"]` and `["a", "bc"]` differ).
    pub fn of(parts: &[&str]) -> Self {
        let mut hasher = Sha256::new();
        for part in parts {
            hasher.update(part.len().to_le_bytes());
            hasher.update(part.as_bytes());
        }
        Self(
            hasher
                .finalize()
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect(),
        )
    }

    /// A fingerprint stored earlier.
    pub fn stored(hex: impl Into<String>) -> Self {
        Self(hex.into())
    }

    /// The hex digest, for storing.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What was stored for a key: the request's fingerprint and, once it has
/// one, its outcome.
#[derive(Debug, Clone, PartialEq)]
pub struct Stored<T> {
    pub fingerprint: Fingerprint,
    pub outcome: Option<T>,
}

/// What to do with a request whose key may have been seen.
#[derive(Debug, Clone, PartialEq)]
pub enum Decision<T> {
    /// A new key: do the work (and store the outcome with it).
    New,
    /// The same request again: answer what the first one got.
    Replay(T),
    /// The same request, whose first attempt has no outcome yet: it may be
    /// running now, or have stopped half-way (the caller knows which: a
    /// lease, a pending row).
    Unfinished,
}

/// Judges a request with fingerprint `request` against what was stored for
/// its key: `Err` (409 `idempotency_key_reused`, never applied) when the key
/// was used for a different request.
pub fn judge<T>(stored: Option<Stored<T>>, request: &Fingerprint) -> Result<Decision<T>, Problem> {
    match stored {
        None => Ok(Decision::New),
        Some(stored) if stored.fingerprint != *request => Err(reused()),
        Some(Stored {
            outcome: Some(outcome),
            ..
        }) => Ok(Decision::Replay(outcome)),
        Some(Stored { outcome: None, .. }) => Ok(Decision::Unfinished),
    }
}

/// 409 `idempotency_key_reused`: the key was used for a different request.
pub fn reused() -> Problem {
    Problem::conflict(
        ErrorCode::IdempotencyKeyReused,
        "this idempotency key was used for a different request",
    )
}

/// 409 with `Retry-After`: the first request with this key is still running.
pub fn in_progress(code: ErrorCode) -> Problem {
    Problem::new(StatusCode::CONFLICT, code, "Conflict")
        .detail("a request with this idempotency key is still running; retry shortly")
        .retry_after(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_follow_one_rule() {
        assert!(IdempotencyKey::parse("checkout-1").is_ok());
        assert!(IdempotencyKey::parse(&"k".repeat(255)).is_ok());
        for bad in [
            "",
            " ",
            "has space",
            "nul\u{0}",
            "caf\u{e9}",
            &"k".repeat(256),
        ] {
            assert!(IdempotencyKey::parse(bad).is_err(), "{bad:?}");
        }
        assert_eq!(
            IdempotencyKey::parse("k1").unwrap().scoped("admin-credit"),
            "admin-credit:k1"
        );
    }

    #[test]
    fn fingerprints_tell_requests_apart() {
        assert_eq!(Fingerprint::of(&["a", "b"]), Fingerprint::of(&["a", "b"]));
        assert_ne!(Fingerprint::of(&["ab", "c"]), Fingerprint::of(&["a", "bc"]));
        assert_eq!(Fingerprint::of(&[]).as_str().len(), 64);
    }

    #[test]
    fn a_repeat_is_a_replay_a_conflict_or_unfinished() {
        let first = Fingerprint::of(&["debit", "100"]);
        let other = Fingerprint::of(&["debit", "200"]);
        assert_eq!(judge::<u8>(None, &first).unwrap(), Decision::New);
        let done = Stored {
            fingerprint: first.clone(),
            outcome: Some(7),
        };
        assert_eq!(
            judge(Some(done.clone()), &first).unwrap(),
            Decision::Replay(7)
        );
        let conflict = judge(Some(done), &other).unwrap_err();
        assert_eq!(*conflict.code(), ErrorCode::IdempotencyKeyReused);
        let running = Stored::<u8> {
            fingerprint: first.clone(),
            outcome: None,
        };
        assert_eq!(judge(Some(running), &first).unwrap(), Decision::Unfinished);
    }
}
