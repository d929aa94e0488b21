//! This replica's memory: the first level of [`super::Cache`] (see its docs
//! for the rules), and the listener that keeps it in step with the writes of
//! every replica.

use std::sync::Arc;

use shop_client::wire::catalogue::{CacheInvalidation, ProductResponse};
use shop_kit::{
    http_cache::Rendered,
    invalidation::Listener,
    local_cache::{Bounds, LocalCache, Weigh},
};
use uuid::Uuid;

use crate::db::models::product::ProductRecord;

/// A product as a replica keeps it in memory: the record, and its public
/// rendering (body and `ETag`) made once.
pub struct MemoryProduct {
    pub record: ProductRecord,
    pub public: Rendered,
}

impl MemoryProduct {
    /// `record`, with `public`: what shoppers see of it.
    pub fn new(record: ProductRecord, public: &ProductResponse) -> Result<Self, serde_json::Error> {
        let public = Rendered::json(public)?;
        Ok(Self { record, public })
    }
}

impl Weigh for MemoryProduct {
    fn bytes(&self) -> usize {
        // The record holds about what its rendering does.
        2 * self.public.bytes()
    }
}

/// The product a SKU named when it was looked up (checked against the
/// product before it is trusted).
#[derive(Clone, Copy)]
pub struct SkuOf(pub Uuid);

impl Weigh for SkuOf {
    fn bytes(&self) -> usize {
        64
    }
}

/// This replica's memory (see the module's docs).
pub struct Memory {
    pub products: LocalCache<Uuid, Arc<MemoryProduct>>,
    pub lists: LocalCache<String, Arc<Rendered>>,
    pub skus: LocalCache<String, SkuOf>,
}

impl Memory {
    /// Empty and untrusted, within `bounds` altogether.
    pub fn new(bounds: Bounds) -> Self {
        Self {
            products: LocalCache::new(bounds.share(45)),
            lists: LocalCache::new(bounds.share(45)),
            skus: LocalCache::new(bounds.share(10)),
        }
    }

    /// Forgets what `change` names.
    pub fn forget(&self, change: &CacheInvalidation) {
        for id in &change.products {
            self.products.invalidate(id);
        }
        if change.lists {
            self.lists.invalidate_all();
        }
    }

    pub(super) fn entries(&self) -> u64 {
        self.products.entry_count() + self.lists.entry_count() + self.skus.entry_count()
    }

    pub(super) fn bytes(&self) -> u64 {
        self.products.weighted_bytes() + self.lists.weighted_bytes() + self.skus.weighted_bytes()
    }
}

impl Listener for Memory {
    fn subscribed(&self) {
        self.products.trust();
        self.lists.trust();
        self.skus.trust();
    }

    fn message(&self, payload: &[u8]) {
        match serde_json::from_slice::<CacheInvalidation>(payload) {
            Ok(change) => self.forget(&change),
            Err(error) => {
                // Something changed and we cannot tell what: forget it all.
                tracing::warn!(%error, "unreadable cache invalidation; forgetting every product");
                self.products.invalidate_all();
                self.lists.invalidate_all();
            }
        }
    }

    fn lost(&self) {
        self.products.distrust();
        self.lists.distrust();
        self.skus.distrust();
    }
}
