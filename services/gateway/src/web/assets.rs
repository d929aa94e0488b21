//! The browser app's files: `web/` embedded in the binary, read once at
//! start-up into a [`Site`], served as the app's pages and as assets under
//! the build's fingerprint.
//!
//! Every file is read at start-up (a debug build reads `web/` from disk
//! rather than from the binary) and the fingerprint is computed over those
//! very bytes, so the bytes served under a fingerprint are always the ones
//! it was computed from: an asset is kept by browsers for a year, and a
//! fingerprint that is not this build's is a 404, never today's bytes under
//! yesterday's name.

use std::{borrow::Cow, collections::BTreeMap};

use actix_web::{HttpRequest, HttpResponse, http::header, web};
use bytes::Bytes;
use shop_kit::{Problem, http_cache::revalidated};

use crate::{
    domain::site::{content_type, fingerprint, render_index},
    state::ProxyState,
};

use super::secured;

/// `web/`, in the binary.
#[derive(rust_embed::Embed)]
#[folder = "web/"]
struct Embedded;

/// How long a browser keeps an asset: its URL changes with its bytes.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// One build of the browser app, as served.
pub struct Site {
    fingerprint: String,
    /// The fingerprint as an `ETag` (it covers `index.html` too).
    etag: String,
    /// `index.html`, its asset URLs made this build's.
    index: Bytes,
    /// The files under `web/assets/`, by their path below it.
    assets: BTreeMap<String, Bytes>,
}

impl Site {
    /// The embedded files, fingerprinted, and `index.html` rendered; an
    /// error when `index.html` is missing or not UTF-8.
    pub fn load() -> anyhow::Result<Self> {
        let files: BTreeMap<String, Bytes> = Embedded::iter()
            .filter_map(|path| {
                let file = Embedded::get(&path)?;
                Some((path.into_owned(), bytes_of(file.data)))
            })
            .collect();
        Self::from_files(files)
    }

    /// The site made of `files` (paths relative to `web/`).
    fn from_files(mut files: BTreeMap<String, Bytes>) -> anyhow::Result<Self> {
        let fingerprint = fingerprint(files.iter().map(|(path, b)| (path.as_str(), &b[..])));
        let index = files
            .remove("index.html")
            .ok_or_else(|| anyhow::anyhow!("the browser app has no web/index.html"))?;
        let index = std::str::from_utf8(&index)
            .map_err(|e| anyhow::anyhow!("web/index.html is not UTF-8: {e}"))?;
        let index = Bytes::from(render_index(index, &fingerprint));
        let assets = files
            .into_iter()
            .filter_map(|(path, bytes)| Some((path.strip_prefix("assets/")?.to_owned(), bytes)))
            .collect();
        Ok(Self {
            etag: format!("\"{fingerprint}\""),
            fingerprint,
            index,
            assets,
        })
    }

    /// This build's fingerprint.
    pub fn fingerprint(&self) -> &str {
        &self.fingerprint
    }

    /// The asset at `path` of the build `fingerprint`, if that is this build.
    fn asset(&self, fingerprint: &str, path: &str) -> Option<&Bytes> {
        if fingerprint != self.fingerprint {
            return None;
        }
        self.assets.get(path)
    }
}

/// Borrowed in a release build (in the binary), owned in a debug one.
fn bytes_of(data: Cow<'static, [u8]>) -> Bytes {
    match data {
        Cow::Borrowed(bytes) => Bytes::from_static(bytes),
        Cow::Owned(bytes) => Bytes::from(bytes),
    }
}

/// `GET /` and every app page: the rendered `index.html`, revalidated on
/// every use (`no-cache`) so a new build is picked up at once.
#[tracing::instrument(skip_all)]
pub async fn page(req: HttpRequest, state: web::Data<ProxyState>) -> HttpResponse {
    let site = &state.site;
    let (mut builder, not_modified) = revalidated(&req, &site.etag);
    secured(&mut builder)
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .insert_header((header::ETAG, site.etag.as_str()));
    if not_modified {
        builder.finish()
    } else {
        builder
            .content_type("text/html; charset=utf-8")
            .body(site.index.clone())
    }
}

/// `GET /assets/{fingerprint}/{path}`: a file of `web/assets/`, kept for
/// good, when the fingerprint is this build's.
#[tracing::instrument(skip_all)]
pub async fn asset(
    req: HttpRequest,
    state: web::Data<ProxyState>,
) -> Result<HttpResponse, Problem> {
    let fingerprint = req.match_info().query("fingerprint");
    let path = req.match_info().query("path");
    let bytes = state
        .site
        .asset(fingerprint, path)
        .ok_or_else(|| Problem::not_found("asset"))?;
    Ok(secured(&mut HttpResponse::Ok())
        .content_type(content_type(path))
        .insert_header((header::CACHE_CONTROL, IMMUTABLE))
        .body(bytes.clone()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(files: &[(&str, &str)]) -> anyhow::Result<Site> {
        Site::from_files(
            files
                .iter()
                .map(|(path, text)| ((*path).to_owned(), Bytes::from(text.to_string())))
                .collect(),
        )
    }

    #[test]
    fn the_index_points_at_this_builds_assets_and_only_they_are_served() {
        let site = site(&[
            ("index.html", r#"<script src="{{assets}}/app.js"></script>"#),
            ("assets/app.js", "export {};"),
            ("notes.txt", "not an asset"),
        ])
        .unwrap();
        let print = site.fingerprint().to_owned();
        assert_eq!(
            site.index,
            format!(r#"<script src="/assets/{print}/app.js"></script>"#)
        );
        assert_eq!(site.asset(&print, "app.js").unwrap(), "export {};");
        assert!(site.asset("0000000000000000", "app.js").is_none());
        assert!(site.asset(&print, "notes.txt").is_none());
        assert!(site.asset(&print, "../notes.txt").is_none());
        assert!(site.asset(&print, "index.html").is_none());
    }

    #[test]
    fn a_change_to_any_file_is_a_new_fingerprint() {
        let before = site(&[("index.html", "a"), ("assets/app.js", "1")]).unwrap();
        let after = site(&[("index.html", "a"), ("assets/app.js", "2")]).unwrap();
        let index_changed = site(&[("index.html", "b"), ("assets/app.js", "1")]).unwrap();
        assert_ne!(before.fingerprint(), after.fingerprint());
        assert_ne!(before.fingerprint(), index_changed.fingerprint());
    }

    #[test]
    fn without_an_index_the_site_does_not_load() {
        assert!(site(&[("assets/app.js", "1")]).is_err());
    }

    #[test]
    fn the_embedded_app_loads() {
        let site = Site::load().unwrap();
        assert!(!site.index.is_empty());
        assert!(!String::from_utf8_lossy(&site.index).contains("{{assets}}"));
    }
}
