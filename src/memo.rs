//! memo: process-wide caches of pure results, keyed by every input that decides them.
//!
//! `build` runs once and gains nothing; `serve` rebuilds the whole site on every save, and most of
//! its blocks, scripts and presets did not change. A cache that reaches its limit starts over.
//!
//! Rendered pages are cached only while rebuilding ([`PageCache`], switched on by `serve`): keyed
//! by a 128-bit fingerprint of everything the page is made from, and kept for the pages of the
//! last two rebuilds, so memory stays about twice the site however many saves there are.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;

pub struct Memo<K, V> {
    map: Mutex<Option<HashMap<K, V>>>,
    limit: usize,
}

impl<K: Hash + Eq, V: Clone> Memo<K, V> {
    /// An empty cache of at most `limit` entries (usable in a `static`).
    pub const fn new(limit: usize) -> Self {
        Memo {
            map: Mutex::new(None),
            limit,
        }
    }

    /// The remembered value for `key`, or `compute()` remembered.
    pub fn get_or_insert_with(&self, key: K, compute: impl FnOnce() -> V) -> V {
        if let Some(v) = self.get(&key) {
            return v;
        }
        let v = compute();
        self.insert(key, v.clone());
        v
    }

    pub fn get(&self, key: &K) -> Option<V> {
        let map = self.map.lock().ok()?;
        map.as_ref()?.get(key).cloned()
    }

    pub fn insert(&self, key: K, value: V) {
        if let Ok(mut map) = self.map.lock() {
            let map = map.get_or_insert_with(HashMap::new);
            if map.len() >= self.limit {
                map.clear();
            }
            map.insert(key, value);
        }
    }
}

/// Whether the page caches are on (`serve`); a single `build` would only fill them.
static REBUILDING: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Switches the page caches on: this process rebuilds the same site again and again.
pub fn cache_pages_across_rebuilds() {
    REBUILDING.store(true, std::sync::atomic::Ordering::Relaxed);
}

/// Whether pages are cached (see [`cache_pages_across_rebuilds`]): callers compute a key only then.
pub fn caching_pages() -> bool {
    REBUILDING.load(std::sync::atomic::Ordering::Relaxed)
}

/// The cache key of `parts` while pages are cached (`serve`); `None`, with nothing hashed, in a
/// single `build`.
pub fn rebuild_key(parts: &[&[u8]]) -> Option<u128> {
    caching_pages().then(|| fingerprint(parts))
}

/// A 128-bit fingerprint of `parts` (two differently salted SipHashes): the key of a cached page.
pub fn fingerprint(parts: &[&[u8]]) -> u128 {
    use std::hash::Hasher;
    let half = |salt: u8| {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        h.write_u8(salt);
        for p in parts {
            h.write_usize(p.len());
            h.write(p);
        }
        h.finish()
    };
    (u128::from(half(1)) << 64) | u128::from(half(2))
}

/// Which rebuild this is: every [`PageCache`] starts a new generation when it sees it change.
static REBUILD: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// Starts a rebuild: what the rebuild before last did not use is dropped from every [`PageCache`]
/// (when it is next used).
pub fn next_rebuild() {
    REBUILD.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
}

/// Results by fingerprint (pages, steps of them, parsed sources, rule verdicts), kept for two
/// generations: the entries used by the current rebuild and by the one before ([`next_rebuild`]).
pub struct PageCache<V = std::sync::Arc<str>> {
    generations: Mutex<Generations<V>>,
}

/// The entries used by the current rebuild and those of the one before.
struct Generations<V> {
    /// The rebuild `current` belongs to.
    rebuild: u64,
    current: std::collections::BTreeMap<u128, V>,
    previous: std::collections::BTreeMap<u128, V>,
}

impl<V> Generations<V> {
    /// Catches up with [`REBUILD`]: `current` becomes `previous` after one rebuild, and both are
    /// dropped after two or more without a use.
    fn catch_up(&mut self, now: u64) -> &mut Self {
        if now != self.rebuild {
            self.previous = if now == self.rebuild + 1 {
                std::mem::take(&mut self.current)
            } else {
                self.current.clear();
                Default::default()
            };
            self.rebuild = now;
        }
        self
    }
}

impl<V: Clone> PageCache<V> {
    pub const fn new() -> Self {
        PageCache {
            generations: Mutex::new(Generations {
                rebuild: 0,
                current: std::collections::BTreeMap::new(),
                previous: std::collections::BTreeMap::new(),
            }),
        }
    }

    /// The cached value for `key`, or `compute()`'s, remembered. Without a key (caching is off,
    /// see [`caching_pages`]) it just computes.
    pub fn get_or_try_insert<T: Into<V>, E>(
        &self,
        key: Option<u128>,
        compute: impl FnOnce() -> Result<T, E>,
    ) -> Result<V, E> {
        let rebuild = REBUILD.load(std::sync::atomic::Ordering::Relaxed);
        self.get_or_try_insert_in(rebuild, key, compute)
    }

    /// [`PageCache::get_or_try_insert`] during rebuild number `rebuild`.
    fn get_or_try_insert_in<T: Into<V>, E>(
        &self,
        rebuild: u64,
        key: Option<u128>,
        compute: impl FnOnce() -> Result<T, E>,
    ) -> Result<V, E> {
        let Some(key) = key else {
            return compute().map(Into::into);
        };
        if let Ok(mut g) = self.generations.lock() {
            let g = g.catch_up(rebuild);
            if let Some(v) = g.current.get(&key).cloned() {
                return Ok(v);
            }
            if let Some(v) = g.previous.remove(&key) {
                g.current.insert(key, v.clone());
                return Ok(v);
            }
        }
        let v: V = compute()?.into();
        if let Ok(mut g) = self.generations.lock() {
            g.catch_up(rebuild).current.insert(key, v.clone());
        }
        Ok(v)
    }

    /// The cached value for `key` (`serve` only: `None` means caching is off), or `compute()`'s.
    pub fn get_or_insert(&self, key: Option<u128>, compute: impl FnOnce() -> V) -> V {
        let computed: Result<V, std::convert::Infallible> =
            self.get_or_try_insert(key, || Ok(compute()));
        let Ok(v) = computed;
        v
    }
}

impl<V: Clone> Default for PageCache<V> {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::{Memo, PageCache};

    #[test]
    fn page_caches_keep_what_the_last_two_rebuilds_used() {
        let cache: PageCache<u32> = PageCache::new();
        let calls = std::cell::Cell::new(0);
        let get = |rebuild: u64, k: u128| {
            let got: Result<u32, ()> = cache.get_or_try_insert_in(rebuild, Some(k), || {
                calls.set(calls.get() + 1);
                Ok(k as u32)
            });
            got.unwrap()
        };
        assert_eq!((get(1, 1), get(1, 2)), (1, 2));
        assert_eq!(calls.get(), 2);
        assert_eq!(get(2, 1), 1, "used by the rebuild before: kept");
        assert_eq!(calls.get(), 2);
        assert_eq!(get(3, 1), 1, "and kept while each rebuild uses it");
        assert_eq!(get(3, 2), 2, "unused by rebuild 2: computed again");
        assert_eq!(calls.get(), 3);
        assert_eq!(get(5, 1), 1, "unused for a whole rebuild: computed again");
        assert_eq!(calls.get(), 4);
        assert_eq!(cache.get_or_insert(None, || 7), 7, "no key: never cached");
        assert_eq!(cache.get_or_insert(None, || 8), 8);
    }

    #[test]
    fn remembers_until_the_limit_then_starts_over() {
        static M: Memo<u32, String> = Memo::new(2);
        let mut calls = 0;
        let mut get = |k: u32| {
            M.get_or_insert_with(k, || {
                calls += 1;
                k.to_string()
            })
        };
        assert_eq!(get(1), "1");
        assert_eq!(get(1), "1");
        assert_eq!(get(2), "2");
        assert_eq!(get(3), "3"); // full: cleared, then 3 inserted
        assert_eq!(get(1), "1");
        assert_eq!(calls, 4);
    }
}
