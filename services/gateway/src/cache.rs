//! Public catalogue reads answered by the gateway itself, so that a cached
//! browse costs one hop, not two.
//!
//! Only what the catalogue marks as anyone's to keep is kept: a `200` to an
//! anonymous `GET /api/products?...` or `GET /api/products/{uuid}` (the
//! canonical spelling; SKUs go on to the catalogue's own memory) that came
//! back with `Cache-Control: public` and an `ETag`. A request with an
//! `Authorization` header never reads or fills it, so an admin's view never
//! lands here. What is kept is the body and the headers that describe it
//! (`Content-Type`, `ETag`, `Cache-Control`, `Vary`, `X-Served-By`), and
//! `If-None-Match` is answered here with `304`. A request with
//! `Cache-Control: no-cache` goes on to the catalogue.
//!
//! It stays as fresh as the catalogue's own memory, by the same means
//! ([`shop_kit::local_cache`], [`shop_kit::invalidation`]): it listens to the
//! catalogue's invalidation messages, is emptied and skipped while that
//! subscription is lost, and forgets everything when a write to the
//! catalogue passes through this gateway (so whoever wrote through it reads
//! the write back at once, before the message arrives). It fills with
//! `Cache-Control: no-cache`, so the catalogue answers from Redis, not from
//! a replica's memory that may not yet have heard a message this gateway has
//! (Redis changes in the same step as the message is sent).

use std::sync::Arc;

use actix_web::{
    HttpRequest, HttpResponse,
    http::{
        Method,
        header::{self, HeaderName, HeaderValue},
    },
};
use bytes::Bytes;
use shop_client::wire::catalogue::CacheInvalidation;
use shop_kit::{
    http_cache::{revalidated, wants_fresh},
    invalidation::Listener,
    local_cache::{Bounds, LocalCache, Ticket, Weigh},
};
use uuid::Uuid;

/// The largest body kept.
const MAX_BODY: usize = 256 * 1024;

/// The headers kept with a body.
const KEPT_HEADERS: [HeaderName; 5] = [
    header::CONTENT_TYPE,
    header::ETAG,
    header::CACHE_CONTROL,
    header::VARY,
    HeaderName::from_static("x-served-by"),
];

/// What a cached read is filed under.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Key {
    Product(Uuid),
    /// The query string as sent (the catalogue normalises; this does not).
    List(String),
}

/// A kept answer.
pub struct Stored {
    body: Bytes,
    etag: String,
    headers: Vec<(HeaderName, HeaderValue)>,
    /// The catalogue's `X-Cache`, for the answer that filled this.
    filled_from: Option<HeaderValue>,
}

impl Weigh for Stored {
    fn bytes(&self) -> usize {
        self.body.len()
            + self
                .headers
                .iter()
                .map(|(n, v)| n.as_str().len() + v.len())
                .sum::<usize>()
    }
}

impl Stored {
    /// The answer to `req`: `304` when it already holds this `ETag`;
    /// `X-Cache: HIT` when `kept` (served from here), else the catalogue's.
    pub fn respond(&self, req: &HttpRequest, kept: bool) -> HttpResponse {
        let (mut builder, not_modified) = revalidated(req, &self.etag);
        for (name, value) in &self.headers {
            if !(not_modified && name == header::CONTENT_TYPE) {
                builder.insert_header((name.clone(), value.clone()));
            }
        }
        match (&self.filled_from, kept) {
            (Some(value), false) => builder.insert_header(("x-cache", value.clone())),
            _ => builder.insert_header(("x-cache", "HIT")),
        };
        if not_modified {
            builder.finish()
        } else {
            builder.body(self.body.clone())
        }
    }
}

/// What became of a catalogue answer offered to the cache.
pub enum Fill {
    /// Kept: serve it from here.
    Kept(Arc<Stored>),
    /// Not for keeping: stream it on.
    Pass(reqwest::Response),
    /// The body was cut short.
    Failed(reqwest::Error),
}

/// The gateway's cache of public catalogue reads.
pub struct PublicCache {
    products: LocalCache<Uuid, Arc<Stored>>,
    lists: LocalCache<String, Arc<Stored>>,
}

impl PublicCache {
    /// Empty and untrusted, within `bounds` (half for products, half for
    /// list pages).
    pub fn new(bounds: Bounds) -> Self {
        Self {
            products: LocalCache::new(bounds.share(50)),
            lists: LocalCache::new(bounds.share(50)),
        }
    }

    /// The key of a request this cache may answer, if it is one (not one
    /// that asks for `no-cache`).
    pub fn key(req: &HttpRequest, path: &str) -> Option<Key> {
        if req.method() != Method::GET
            || req.headers().contains_key(header::AUTHORIZATION)
            || wants_fresh(req)
        {
            return None;
        }
        if path == "/api/products" {
            return Some(Key::List(req.query_string().to_owned()));
        }
        let id = path.strip_prefix("/api/products/")?;
        let uuid = Uuid::parse_str(id).ok()?;
        (uuid.hyphenated().to_string() == id).then_some(Key::Product(uuid))
    }

    /// The kept answer for `key`, if any.
    pub fn get(&self, key: &Key) -> Option<Arc<Stored>> {
        match key {
            Key::Product(id) => self.products.get(id),
            Key::List(query) => self.lists.get(query),
        }
    }

    /// Taken before asking the catalogue.
    pub fn ticket(&self, key: &Key) -> Ticket {
        match key {
            Key::Product(_) => self.products.ticket(),
            Key::List(_) => self.lists.ticket(),
        }
    }

    /// Reads the catalogue's answer: kept (and served) when it is public,
    /// complete and small; otherwise handed back to be streamed.
    pub async fn fill(&self, key: Key, ticket: Ticket, response: reqwest::Response) -> Fill {
        let public = response
            .headers()
            .get("cache-control")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| {
                v.split(',')
                    .any(|d| d.trim().eq_ignore_ascii_case("public"))
            });
        let etag = response
            .headers()
            .get("etag")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let small = response
            .content_length()
            .is_some_and(|len| usize::try_from(len).is_ok_and(|len| len <= MAX_BODY));
        let (true, Some(etag), true) = (response.status() == 200 && public, etag, small) else {
            return Fill::Pass(response);
        };
        let headers = KEPT_HEADERS
            .iter()
            .filter_map(|name| {
                let value = response.headers().get(name.as_str())?;
                Some((
                    name.clone(),
                    HeaderValue::from_bytes(value.as_bytes()).ok()?,
                ))
            })
            .collect();
        let filled_from = response
            .headers()
            .get("x-cache")
            .and_then(|v| HeaderValue::from_bytes(v.as_bytes()).ok());
        let body = match response.bytes().await {
            Ok(body) => body,
            Err(error) => return Fill::Failed(error),
        };
        let stored = Arc::new(Stored {
            body,
            etag,
            headers,
            filled_from,
        });
        match key {
            Key::Product(id) => self.products.insert(ticket, id, stored.clone()),
            Key::List(query) => self.lists.insert(ticket, query, stored.clone()),
        }
        Fill::Kept(stored)
    }

    /// A write went through to the catalogue: forget everything.
    pub fn forget_all(&self) {
        self.products.invalidate_all();
        self.lists.invalidate_all();
    }
}

impl Listener for PublicCache {
    fn subscribed(&self) {
        self.products.trust();
        self.lists.trust();
    }

    fn message(&self, payload: &[u8]) {
        match serde_json::from_slice::<CacheInvalidation>(payload) {
            Ok(change) => {
                for id in &change.products {
                    self.products.invalidate(id);
                }
                if change.lists {
                    self.lists.invalidate_all();
                }
            }
            Err(error) => {
                tracing::warn!(%error, "unreadable catalogue invalidation; forgetting everything");
                self.forget_all();
            }
        }
    }

    fn lost(&self) {
        self.products.distrust();
        self.lists.distrust();
    }
}
