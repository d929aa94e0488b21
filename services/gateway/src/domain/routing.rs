//! Which service answers which public path, and who may call it. Pure, so
//! it is tested alone.

use shop_client::ServiceName;

/// `raw` in normal form (RFC 3986 §6.2.2): percent-encoded unreserved
/// characters decoded, other escapes upper-cased. The gateway routes, rate
/// limits and forwards this form, so `/api/auth/%6Cogin` is the login route
/// here exactly as it is to the service behind. The path must have passed
/// [`shop_kit::input::check_path`] first.
pub fn normalise(raw: &str) -> String {
    let bytes = raw.as_bytes();
    let mut out = String::with_capacity(raw.len());
    let mut i = 0;
    while i < bytes.len() {
        let escape = (bytes[i] == b'%')
            .then(|| raw.get(i + 1..i + 3))
            .flatten()
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match escape {
            Some(byte) if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) => {
                out.push(char::from(byte));
                i += 3;
            }
            Some(byte) => {
                out.push_str(&format!("%{byte:02X}"));
                i += 3;
            }
            None => {
                let c = raw[i..].chars().next().unwrap_or('\u{fffd}');
                out.push(c);
                i += c.len_utf8();
            }
        }
    }
    out
}

/// The service that owns `path`, or `None` when no service does (404).
///
/// Only `/api/*` and `/media/*` (the catalogue's signed picture links) are
/// routed; `/internal/*` and everything else never is.
pub fn route(path: &str) -> Option<ServiceName> {
    use ServiceName::*;
    if path.starts_with("/media/") {
        return Some(Catalogue);
    }
    let rest = path.strip_prefix("/api/")?;
    let segments: Vec<&str> = rest.split('/').collect();
    match segments.as_slice() {
        ["auth" | "users", ..] => Some(Users),
        ["products" | "categories" | "cache", ..] => Some(Catalogue),
        // An order's shipment lives in fulfilment; the rest of the order in orders.
        ["orders", _, "shipment"] => Some(Fulfilment),
        ["cart" | "orders", ..] => Some(Orders),
        ["payments", ..] => Some(Payments),
        ["shipments" | "returns", ..] => Some(Fulfilment),
        ["admin", "packing-tasks" | "shipments" | "returns", ..] => Some(Fulfilment),
        _ => None,
    }
}

/// Whether a route needs a signed-in caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone: browsing, signing up and in, guest carts.
    Public,
    /// A valid access token; the service then checks ownership and roles.
    SignedIn,
}

/// The access a request needs. Everything not explicitly public needs a token,
/// so a new route is protected until someone decides otherwise.
pub fn access(method: &str, path: &str) -> Access {
    let rest = path.strip_prefix("/api/").unwrap_or(path);
    let segments: Vec<&str> = rest.split('/').collect();
    let reading = matches!(method, "GET" | "HEAD" | "OPTIONS");
    if reading && path.starts_with("/media/") {
        // The link's own signature is the check.
        return Access::Public;
    }
    match segments.as_slice() {
        ["auth", "register" | "login"] => Access::Public,
        ["products" | "categories", ..] if reading => Access::Public,
        // Guests have carts too; merging one into an account needs the account.
        ["cart", "merge"] => Access::SignedIn,
        ["cart", ..] => Access::Public,
        _ => Access::SignedIn,
    }
}

/// Picture uploads get their own, larger body limit.
pub fn is_upload(method: &str, path: &str) -> bool {
    let segments: Vec<&str> = path.split('/').collect();
    method == "POST" && matches!(segments.as_slice(), ["", "api", "products", _, "images"])
}

/// The users service's login, which `POST /web/session` signs in through.
pub const LOGIN_PATH: &str = "/api/auth/login";

/// Logins get their own, stricter rate limit.
pub fn is_login(method: &str, path: &str) -> bool {
    method == "POST" && path == LOGIN_PATH
}

#[cfg(test)]
mod tests {
    use super::*;
    use ServiceName::*;

    #[test]
    fn only_browsing_signing_in_and_carts_are_public() {
        for (method, path) in [
            ("POST", "/api/auth/register"),
            ("POST", "/api/auth/login"),
            ("GET", "/api/products"),
            ("GET", "/api/products/abc"),
            ("GET", "/api/categories"),
            ("GET", "/api/cart"),
            ("POST", "/api/cart/items"),
            ("GET", "/media/products/a/b/large.jpg"),
        ] {
            assert_eq!(access(method, path), Access::Public, "{method} {path}");
        }
        for (method, path) in [
            ("GET", "/api/users/me"),
            ("POST", "/api/products"),
            ("PUT", "/api/products/abc/stock"),
            ("DELETE", "/api/products/abc"),
            ("GET", "/api/cache/stats"),
            ("POST", "/api/cart/merge"),
            ("POST", "/api/orders"),
            ("GET", "/api/orders/1/shipment"),
            ("GET", "/api/payments"),
            ("POST", "/api/returns"),
            ("GET", "/api/admin/packing-tasks"),
            ("GET", "/api/something-new"),
            ("POST", "/api/products/abc/images"),
            ("DELETE", "/media/products/a/b/large.jpg"),
        ] {
            assert_eq!(access(method, path), Access::SignedIn, "{method} {path}");
        }
    }

    #[test]
    fn every_public_prefix_has_its_service() {
        let cases = [
            ("/api/auth/login", Some(Users)),
            ("/api/users/me/wallet", Some(Users)),
            ("/api/products", Some(Catalogue)),
            ("/api/products/abc/stock", Some(Catalogue)),
            ("/api/categories", Some(Catalogue)),
            ("/api/cache/stats", Some(Catalogue)),
            ("/api/cart/items/1", Some(Orders)),
            ("/api/orders", Some(Orders)),
            ("/api/orders/1/invoice", Some(Orders)),
            ("/api/orders/1/shipment", Some(Fulfilment)),
            ("/api/payments", Some(Payments)),
            ("/api/shipments/1", Some(Fulfilment)),
            ("/api/returns", Some(Fulfilment)),
            ("/api/admin/packing-tasks/1/packed", Some(Fulfilment)),
            ("/api/admin/returns/1/receive", Some(Fulfilment)),
            ("/media/products/a/b/thumb.jpg", Some(Catalogue)),
        ];
        for (path, expected) in cases {
            assert_eq!(route(path), expected, "{path}");
        }
    }

    #[test]
    fn unreserved_characters_are_decoded_and_other_escapes_kept() {
        assert_eq!(normalise("/api/auth/%6Cogin"), "/api/auth/login");
        assert_eq!(normalise("/api/%70roducts/a%2fb"), "/api/products/a%2Fb");
        assert_eq!(
            normalise("/api/products/caf%c3%a9"),
            "/api/products/caf%C3%A9"
        );
        assert_eq!(normalise("/api/products/100%"), "/api/products/100%");
        assert_eq!(normalise("/api/products/%zz"), "/api/products/%zz");
        assert_eq!(route(&normalise("/api/%69nternal/users")), None);
        assert!(is_login("POST", &normalise("/api/auth/%6c%6f%67%69%6e")));
    }

    #[test]
    fn internal_and_unknown_paths_are_not_routed() {
        for path in [
            "/internal/reservations",
            "/api/internal/reservations",
            "/api",
            "/api/",
            "/api/unknown",
            "/api/admin/users",
            "/apiproducts",
            "/health",
            "/mediax",
            "/media",
        ] {
            assert_eq!(route(path), None, "{path}");
        }
    }

    #[test]
    fn only_picture_uploads_get_the_upload_limit() {
        assert!(is_upload("POST", "/api/products/abc/images"));
        assert!(!is_upload("PATCH", "/api/products/abc/images/1"));
        assert!(!is_upload("POST", "/api/products"));
        assert!(!is_upload("POST", "/api/products/abc/images/1"));
    }
}
