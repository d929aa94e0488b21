//! Which headers cross the proxy, in each direction.

use super::session::{CSRF_COOKIE, CSRF_HEADER, SESSION_COOKIE};

/// Headers that describe one connection, not the message (RFC 9110 §7.6.1):
/// never passed through either way.
pub const HOP_BY_HOP: [&str; 9] = [
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "proxy-connection",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
];

/// Headers a client must never set for a service: the internal secret, the
/// host, the trace context and request id the gateway sets itself, and the
/// session's CSRF token (the gateway's to check, no service's).
pub const NEVER_FORWARDED: [&str; 6] = [
    "x-internal-token",
    "host",
    "traceparent",
    "tracestate",
    "x-request-id",
    CSRF_HEADER,
];

/// The gateway's own cookies: the session travels on as an
/// `Authorization` header, never as a cookie a service could log.
pub const GATEWAY_COOKIES: [&str; 2] = [SESSION_COOKIE, CSRF_COOKIE];

/// Headers of a service's answer the gateway sets itself: the length (the
/// body is re-streamed) and the request id.
pub const NEVER_RETURNED: [&str; 2] = ["content-length", "x-request-id"];

/// The header names the values of a `Connection` header list: hop-by-hop
/// too, whatever they are called.
pub fn connection_listed<'a>(values: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    values
        .into_iter()
        .flat_map(|v| v.split(','))
        .map(|name| name.trim().to_ascii_lowercase())
        .filter(|name| !name.is_empty())
        .collect()
}

/// Whether a request header `name` (lowercase) goes on to the service.
pub fn is_forwarded(name: &str, connection_listed: &[String]) -> bool {
    !HOP_BY_HOP.contains(&name)
        && !NEVER_FORWARDED.contains(&name)
        && !connection_listed.iter().any(|listed| listed == name)
}

/// A `Cookie` header's value without the gateway's own cookies (the
/// services' ones, such as the guest cart's `cart_id`, stay); `None` when
/// nothing is left.
pub fn without_gateway_cookies(value: &str) -> Option<String> {
    let kept: Vec<&str> = value
        .split(';')
        .map(str::trim)
        .filter(|pair| !pair.is_empty())
        .filter(|pair| {
            let name = pair.split_once('=').map_or(*pair, |(name, _)| name);
            !GATEWAY_COOKIES.contains(&name.trim())
        })
        .collect();
    (!kept.is_empty()).then(|| kept.join("; "))
}

/// Whether a response header `name` (lowercase) goes back to the client.
pub fn is_returned(name: &str, connection_listed: &[String]) -> bool {
    !HOP_BY_HOP.contains(&name)
        && !NEVER_RETURNED.contains(&name)
        && !connection_listed.iter().any(|listed| listed == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connection_scoped_and_gateway_owned_headers_stay_behind() {
        let listed = connection_listed(["keep-alive, X-Custom", " "]);
        assert_eq!(listed, ["keep-alive", "x-custom"]);
        for name in [
            "connection",
            "x-custom",
            "x-internal-token",
            "traceparent",
            "host",
        ] {
            assert!(!is_forwarded(name, &listed), "{name}");
        }
        assert!(is_forwarded("authorization", &listed));
        assert!(is_forwarded("content-type", &listed));
        for name in [
            "transfer-encoding",
            "x-custom",
            "content-length",
            "x-request-id",
        ] {
            assert!(!is_returned(name, &listed), "{name}");
        }
        assert!(is_returned("x-served-by", &listed));
        assert!(!is_forwarded("x-csrf-token", &listed));
    }

    #[test]
    fn the_gateways_cookies_stay_behind_and_the_services_cookies_go_on() {
        assert_eq!(
            without_gateway_cookies("shop_session=a.b.c; cart_id=42;shop_csrf=x; theme=dark")
                .as_deref(),
            Some("cart_id=42; theme=dark")
        );
        assert_eq!(
            without_gateway_cookies("cart_id=42").as_deref(),
            Some("cart_id=42")
        );
        assert_eq!(
            without_gateway_cookies("not_shop_session=1; shop_session_x=2").as_deref(),
            Some("not_shop_session=1; shop_session_x=2")
        );
        assert_eq!(without_gateway_cookies("shop_session=a.b.c"), None);
        assert_eq!(without_gateway_cookies(" shop_session = a ; ; "), None);
    }
}
