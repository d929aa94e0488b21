//! The browser session's rules: its cookies, and the CSRF token derived from
//! it. The token is a function of the session alone, so the gateway keeps no
//! state for it and any replica can check it.

use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD};
use sha2::{Digest as _, Sha256};
use subtle::ConstantTimeEq as _;

/// The `HttpOnly` cookie holding the access token (never readable by
/// JavaScript).
pub const SESSION_COOKIE: &str = "shop_session";

/// The cookie holding the CSRF token, readable by the app's JavaScript so
/// it can send it back in [`CSRF_HEADER`].
pub const CSRF_COOKIE: &str = "shop_csrf";

/// The header an unsafe request authenticated by the cookie must carry.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// The CSRF token of the session holding `access_token`:
/// `base64url_nopad(SHA-256("shop-csrf:" || access_token))`. Another site
/// cannot read the session cookie, so it cannot compute this; knowing it
/// tells nothing of the token.
pub fn csrf_token(access_token: &str) -> String {
    let digest = Sha256::new()
        .chain_update(b"shop-csrf:")
        .chain_update(access_token.as_bytes())
        .finalize();
    URL_SAFE_NO_PAD.encode(digest)
}

/// Whether `given` is the CSRF token of `access_token`'s session, compared
/// in constant time.
pub fn csrf_matches(access_token: &str, given: &str) -> bool {
    csrf_token(access_token)
        .as_bytes()
        .ct_eq(given.as_bytes())
        .into()
}

/// Whether a request with `method` changes something, and so needs the
/// CSRF token when the cookie authenticates it.
pub fn needs_csrf(method: &str) -> bool {
    !matches!(method, "GET" | "HEAD" | "OPTIONS")
}

/// Whether `token` can be a cookie value as it is (a JWT always can: its
/// characters are base64url and dots).
pub fn is_cookie_safe(token: &str) -> bool {
    !token.is_empty()
        && token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_csrf_token_is_the_base64url_sha256_of_the_prefixed_session() {
        // SHA-256("shop-csrf:abc"), base64url without padding.
        let expected = URL_SAFE_NO_PAD.encode(Sha256::digest(b"shop-csrf:abc"));
        assert_eq!(csrf_token("abc"), expected);
        assert_eq!(csrf_token("abc").len(), 43);
        assert_ne!(csrf_token("abc"), csrf_token("abd"));
    }

    #[test]
    fn only_the_sessions_own_token_matches() {
        let token = csrf_token("a.b.c");
        assert!(csrf_matches("a.b.c", &token));
        assert!(!csrf_matches("a.b.d", &token));
        assert!(!csrf_matches("a.b.c", ""));
        assert!(!csrf_matches("a.b.c", &token[..42]));
    }

    #[test]
    fn reads_need_no_csrf_token_and_writes_do() {
        for method in ["GET", "HEAD", "OPTIONS"] {
            assert!(!needs_csrf(method), "{method}");
        }
        for method in ["POST", "PUT", "PATCH", "DELETE", "TRACE"] {
            assert!(needs_csrf(method), "{method}");
        }
    }

    #[test]
    fn a_jwt_is_cookie_safe_and_separators_are_not() {
        assert!(is_cookie_safe("eyJh.eyJz-_.c2ln"));
        for token in ["", "a;b", "a b", "a,b", "a\"b", "a=b"] {
            assert!(!is_cookie_safe(token), "{token:?}");
        }
    }
}
