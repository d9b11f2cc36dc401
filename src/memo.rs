//! memo: process-wide caches of pure results, keyed by every input that decides them.
//!
//! `build` runs once and gains nothing; `serve` rebuilds the whole site on every save, and most of
//! its blocks, scripts and presets did not change. A cache that reaches its limit starts over.

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

#[cfg(test)]
mod tests {
    use super::Memo;

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
