//! The browser app's rules: which paths are its pages, what each asset is,
//! and the fingerprint that names one build of it.

use sha2::{Digest as _, Sha256};

/// The placeholder `index.html` holds wherever an asset URL starts.
pub const ASSETS_PLACEHOLDER: &str = "{{assets}}";

/// The first path segments the app routes in the browser (History API): a
/// reload of any path under them must answer the app.
pub const APP_PAGES: [&str; 11] = [
    "products", "search", "cart", "checkout", "signin", "signup", "account", "orders", "wallet",
    "returns", "admin",
];

/// The actix pattern of every app page but `/`: one of [`APP_PAGES`],
/// alone or followed by anything.
pub fn pages_pattern() -> String {
    format!("/{{page:(?:{})(?:/.*)?}}", APP_PAGES.join("|"))
}

/// The `Content-Type` of an asset, by its extension.
pub fn content_type(path: &str) -> &'static str {
    let extension = path.rsplit_once('.').map_or("", |(_, ext)| ext);
    match extension.to_ascii_lowercase().as_str() {
        "js" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "json" => "application/json",
        _ => "application/octet-stream",
    }
}

/// The fingerprint of a build: the first 16 hex digits of SHA-256 over
/// every file's path and bytes, in path order (whatever order they are
/// given in). Each part is length-prefixed, so no two builds can run
/// together into the same input.
pub fn fingerprint<'a>(files: impl IntoIterator<Item = (&'a str, &'a [u8])>) -> String {
    let mut files: Vec<_> = files.into_iter().collect();
    files.sort_unstable_by_key(|(path, _)| *path);
    let mut hasher = Sha256::new();
    for (path, bytes) in files {
        for part in [path.as_bytes(), bytes] {
            hasher.update((part.len() as u64).to_le_bytes());
            hasher.update(part);
        }
    }
    hasher
        .finalize()
        .iter()
        .take(8)
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// Where the assets of the build `fingerprint` are served.
pub fn assets_base(fingerprint: &str) -> String {
    format!("/assets/{fingerprint}")
}

/// `index.html` with every [`ASSETS_PLACEHOLDER`] made the URL of this
/// build's assets.
pub fn render_index(html: &str, fingerprint: &str) -> String {
    html.replace(ASSETS_PLACEHOLDER, &assets_base(fingerprint))
}

#[cfg(test)]
mod tests {
    use actix_web::dev::ResourceDef;

    use super::*;

    #[test]
    fn every_app_page_and_what_lies_under_it_is_a_page_and_nothing_else_is() {
        let pages = ResourceDef::new(pages_pattern());
        for path in [
            "/products",
            "/products/",
            "/products/0190a0b0-0000-7000-8000-000000000001",
            "/search",
            "/cart",
            "/checkout/pay",
            "/signin",
            "/signup",
            "/account/addresses",
            "/orders/123",
            "/wallet",
            "/returns/new",
            "/admin/products/1/edit",
        ] {
            assert!(pages.is_match(path), "{path}");
        }
        for path in [
            "/",
            "/productsx",
            "/api/products",
            "/assets/app.js",
            "/docs",
            "/unknown",
            "/xorders/1",
        ] {
            assert!(!pages.is_match(path), "{path}");
        }
    }

    #[test]
    fn assets_are_typed_by_extension() {
        assert_eq!(content_type("app.js"), "text/javascript; charset=utf-8");
        assert_eq!(
            content_type("core/api.js"),
            "text/javascript; charset=utf-8"
        );
        assert_eq!(content_type("app.CSS"), "text/css; charset=utf-8");
        assert_eq!(content_type("icon.svg"), "image/svg+xml");
        assert_eq!(content_type("logo.png"), "image/png");
        assert_eq!(content_type("favicon.ico"), "image/x-icon");
        assert_eq!(content_type("font.woff2"), "font/woff2");
        assert_eq!(content_type("data.json"), "application/json");
        assert_eq!(content_type("README"), "application/octet-stream");
        assert_eq!(content_type("archive.tar.gz"), "application/octet-stream");
    }

    #[test]
    fn the_fingerprint_follows_paths_and_bytes_not_the_order_given() {
        let a: (&str, &[u8]) = ("assets/app.js", b"one");
        let b: (&str, &[u8]) = ("index.html", b"two");
        let print = fingerprint([a, b]);
        assert_eq!(print.len(), 16);
        assert!(print.bytes().all(|c| c.is_ascii_hexdigit()));
        assert_eq!(fingerprint([b, a]), print);
        assert_ne!(fingerprint([("assets/app.js", b"one!" as &[u8]), b]), print);
        assert_ne!(fingerprint([("assets/app2.js", b"one" as &[u8]), b]), print);
        // Moving a byte from a path into its file is another build.
        assert_ne!(
            fingerprint([("ab", b"c" as &[u8])]),
            fingerprint([("a", b"bc" as &[u8])])
        );
    }

    #[test]
    fn every_placeholder_becomes_the_builds_assets_url() {
        let html = r#"<link href="{{assets}}/app.css"><script src="{{assets}}/app.js"></script>"#;
        assert_eq!(
            render_index(html, "0123456789abcdef"),
            r#"<link href="/assets/0123456789abcdef/app.css"><script src="/assets/0123456789abcdef/app.js"></script>"#
        );
    }
}
