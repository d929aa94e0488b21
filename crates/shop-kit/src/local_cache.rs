//! An in-process cache that messages from elsewhere invalidate, and that
//! answers nothing while it may have missed one.
//!
//! The rule that keeps it from ever holding a value older than the last
//! invalidation it was told of: a reader takes a [`Ticket`] *before* it loads
//! from further away (Redis, Postgres, a service), and [`LocalCache::insert`]
//! keeps the value only if no invalidation came in since. Every invalidation
//! bumps the epoch *before* it removes, and an insert checks the epoch again
//! *after* it stored, removing what it stored when one came in between: so
//! a load that raced a write is served once and never kept.
//!
//! A cache starts untrusted: [`get`](LocalCache::get) answers `None` and
//! nothing is kept until [`trust`](LocalCache::trust) (called once the
//! invalidation subscription is up, see [`crate::invalidation`]);
//! [`distrust`](LocalCache::distrust) empties it again when the subscription
//! is lost.
//!
//! Memory is bounded by entries and bytes at once: each entry weighs its own
//! size but at least `max_bytes / max_entries`, so neither bound can be
//! passed. Entries also expire after `ttl`, as a last resort against an
//! invalidation that was never sent.

use std::{
    hash::Hash,
    sync::atomic::{AtomicBool, AtomicU64, Ordering::SeqCst},
    time::Duration,
};

/// What a cached value says it weighs.
pub trait Weigh {
    /// Its size in bytes, roughly (the payload; overheads are in the floor).
    fn bytes(&self) -> usize;
}

impl<T: Weigh + ?Sized> Weigh for std::sync::Arc<T> {
    fn bytes(&self) -> usize {
        (**self).bytes()
    }
}

/// The bounds of one cache.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Bounds {
    pub max_entries: u64,
    pub max_bytes: u64,
    pub ttl: Duration,
}

impl Bounds {
    /// A share (in percent) of these bounds, for one of several caches
    /// that divide one budget.
    #[must_use]
    pub fn share(self, percent: u64) -> Self {
        Self {
            max_entries: (self.max_entries * percent / 100).max(1),
            max_bytes: (self.max_bytes * percent / 100).max(1),
            ttl: self.ttl,
        }
    }
}

/// Taken before a load: the value loaded is kept only if nothing was
/// invalidated since.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ticket(u64);

/// A bounded in-process cache with invalidation epochs.
pub struct LocalCache<K, V> {
    entries: moka::sync::Cache<K, V>,
    epoch: AtomicU64,
    trusted: AtomicBool,
}

impl<K, V> LocalCache<K, V>
where
    K: Hash + Eq + Send + Sync + Clone + 'static,
    V: Weigh + Clone + Send + Sync + 'static,
{
    /// An empty, untrusted cache within `bounds`.
    pub fn new(bounds: Bounds) -> Self {
        let floor = usize::try_from(bounds.max_bytes / bounds.max_entries.max(1))
            .unwrap_or(usize::MAX)
            .max(1);
        let entries = moka::sync::Cache::builder()
            .max_capacity(bounds.max_bytes)
            .weigher(move |_key: &K, value: &V| {
                u32::try_from(value.bytes().max(floor)).unwrap_or(u32::MAX)
            })
            .time_to_live(bounds.ttl)
            .build();
        Self {
            entries,
            epoch: AtomicU64::new(0),
            trusted: AtomicBool::new(false),
        }
    }

    /// The value kept for `key`, if the cache is trusted and holds one.
    pub fn get(&self, key: &K) -> Option<V> {
        if !self.trusted.load(SeqCst) {
            return None;
        }
        self.entries.get(key)
    }

    /// Take this before loading what [`insert`](Self::insert) will keep.
    pub fn ticket(&self) -> Ticket {
        Ticket(self.epoch.load(SeqCst))
    }

    /// Keeps `value` if the cache is trusted and nothing was invalidated
    /// since `ticket` was taken; otherwise drops it.
    pub fn insert(&self, ticket: Ticket, key: K, value: V) {
        if !self.current(ticket) {
            return;
        }
        self.entries.insert(key.clone(), value);
        if !self.current(ticket) {
            self.entries.invalidate(&key);
        }
    }

    fn current(&self, ticket: Ticket) -> bool {
        self.trusted.load(SeqCst) && self.epoch.load(SeqCst) == ticket.0
    }

    /// Forgets `key`; loads in flight keep nothing.
    pub fn invalidate(&self, key: &K) {
        self.epoch.fetch_add(1, SeqCst);
        self.entries.invalidate(key);
    }

    /// Forgets everything; loads in flight keep nothing.
    pub fn invalidate_all(&self) {
        self.epoch.fetch_add(1, SeqCst);
        self.entries.invalidate_all();
    }

    /// Invalidations may have been missed: forget everything and answer
    /// nothing until [`trust`](Self::trust).
    pub fn distrust(&self) {
        self.trusted.store(false, SeqCst);
        self.invalidate_all();
    }

    /// Nothing will be missed from now on: start keeping values again
    /// (from empty: whatever was kept before may be stale).
    pub fn trust(&self) {
        self.invalidate_all();
        self.trusted.store(true, SeqCst);
    }

    /// Whether the cache answers.
    pub fn trusted(&self) -> bool {
        self.trusted.load(SeqCst)
    }

    /// Entries kept (approximate: moka counts lazily).
    pub fn entry_count(&self) -> u64 {
        self.entries.run_pending_tasks();
        self.entries.entry_count()
    }

    /// Bytes kept, by the weigher (approximate).
    pub fn weighted_bytes(&self) -> u64 {
        self.entries.run_pending_tasks();
        self.entries.weighted_size()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Clone)]
    struct Blob(usize);

    impl Weigh for Blob {
        fn bytes(&self) -> usize {
            self.0
        }
    }

    fn cache(max_entries: u64, max_bytes: u64) -> LocalCache<u32, Blob> {
        let cache = LocalCache::new(Bounds {
            max_entries,
            max_bytes,
            ttl: Duration::from_secs(60),
        });
        cache.trust();
        cache
    }

    #[test]
    fn an_untrusted_cache_keeps_and_answers_nothing() {
        let cache = LocalCache::<u32, Blob>::new(Bounds {
            max_entries: 10,
            max_bytes: 1000,
            ttl: Duration::from_secs(60),
        });
        cache.insert(cache.ticket(), 1, Blob(1));
        assert!(cache.get(&1).is_none());
        cache.trust();
        cache.insert(cache.ticket(), 1, Blob(1));
        assert!(cache.get(&1).is_some());
        cache.distrust();
        assert!(cache.get(&1).is_none());
        cache.trust();
        assert!(cache.get(&1).is_none(), "trusting again starts from empty");
    }

    #[test]
    fn a_load_that_raced_an_invalidation_is_not_kept() {
        let cache = cache(10, 1000);
        let ticket = cache.ticket();
        cache.invalidate(&2); // any key: the epoch moved
        cache.insert(ticket, 1, Blob(1));
        assert!(cache.get(&1).is_none());
        cache.insert(cache.ticket(), 1, Blob(1));
        assert!(cache.get(&1).is_some());
        cache.invalidate(&1);
        assert!(cache.get(&1).is_none());
    }

    #[test]
    fn entries_and_bytes_are_both_bounded() {
        // 10 entries of 1 byte: the entry bound holds.
        let by_entries = cache(10, 1000);
        for key in 0..100 {
            by_entries.insert(by_entries.ticket(), key, Blob(1));
        }
        assert!(
            by_entries.entry_count() <= 10,
            "{}",
            by_entries.entry_count()
        );
        // 100-byte entries in 1000 bytes: the byte bound holds.
        let by_bytes = cache(1000, 1000);
        for key in 0..100 {
            by_bytes.insert(by_bytes.ticket(), key, Blob(100));
        }
        assert!(
            by_bytes.weighted_bytes() <= 1000,
            "{}",
            by_bytes.weighted_bytes()
        );
        assert!(by_bytes.entry_count() <= 10);
    }

    #[test]
    fn shares_divide_a_budget() {
        let bounds = Bounds {
            max_entries: 1000,
            max_bytes: 1 << 20,
            ttl: Duration::from_secs(1),
        };
        assert_eq!(bounds.share(45).max_entries, 450);
        assert_eq!(bounds.share(10).max_bytes, (1 << 20) / 10);
    }
}
