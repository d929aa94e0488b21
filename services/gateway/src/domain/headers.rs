//! Which headers cross the proxy, in each direction.

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
/// host, and the trace context and request id the gateway sets itself.
pub const NEVER_FORWARDED: [&str; 5] = [
    "x-internal-token",
    "host",
    "traceparent",
    "tracestate",
    "x-request-id",
];

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
    }
}
