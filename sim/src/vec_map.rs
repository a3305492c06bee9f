//! A small ordered map as one sorted `Vec` (issue 23, the lab module's size).
//!
//! `BTreeMap<K, V>` is generic code: every key/value type the lab links compiles its own B-tree
//! (search, node splits and merges, steals, removal, iterators: a few KB of wasm each). For the
//! maps that hold a handful of entries — the report's tallies keyed by a status or verdict name,
//! the consumer's per-queue state keyed by [`QueueKind`](crate::event::QueueKind) — a sorted
//! vector answers the same questions with a binary search and a `Vec` insert or remove, a small
//! fraction of that code. It keeps the map's order: iteration, `Debug` and serialisation go in
//! ascending key order, exactly as a `BTreeMap`'s do, so the event log, the JSON report and every
//! digest are the same. Lookups are O(log n), inserts and removes O(n): for small maps only; the
//! simulator's large ones (messages in flight, stored records) stay B-trees.
use std::borrow::Borrow;
use std::collections::VecDeque;
use std::fmt;

/// An ordered map over a sorted `Vec<(K, V)>`, keys unique and ascending.
#[derive(Clone, PartialEq, Eq)]
pub struct VecMap<K, V> {
    entries: Vec<(K, V)>,
}

impl<K, V> Default for VecMap<K, V> {
    fn default() -> Self {
        VecMap { entries: Vec::new() }
    }
}

impl<K: Ord, V> VecMap<K, V> {
    pub const fn new() -> Self {
        VecMap { entries: Vec::new() }
    }

    /// Where `key` is (`Ok`) or would go (`Err`).
    fn find<Q: ?Sized + Ord>(&self, key: &Q) -> Result<usize, usize>
    where
        K: Borrow<Q>,
    {
        self.entries.binary_search_by(|(k, _)| k.borrow().cmp(key))
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn get<Q: ?Sized + Ord>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|i| &self.entries[i].1)
    }

    pub fn get_mut<Q: ?Sized + Ord>(&mut self, key: &Q) -> Option<&mut V>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|i| &mut self.entries[i].1)
    }

    pub fn contains_key<Q: ?Sized + Ord>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
    {
        self.find(key).is_ok()
    }

    /// Inserts `value` at `key`; the value it replaces, if any (as `BTreeMap::insert`).
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        match self.find(&key) {
            Ok(i) => Some(std::mem::replace(&mut self.entries[i].1, value)),
            Err(i) => {
                self.entries.insert(i, (key, value));
                None
            }
        }
    }

    pub fn remove<Q: ?Sized + Ord>(&mut self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|i| self.entries.remove(i).1)
    }

    /// The value at `key`, inserted by `default` first if there is none (`entry(k).or_insert_with`).
    pub fn get_or_insert_with(&mut self, key: K, default: impl FnOnce() -> V) -> &mut V {
        let i = match self.find(&key) {
            Ok(i) => i,
            Err(i) => {
                self.entries.insert(i, (key, default()));
                i
            }
        };
        &mut self.entries[i].1
    }

    /// Keeps the entries `keep` says yes to, in order (as `BTreeMap::retain`).
    pub fn retain(&mut self, mut keep: impl FnMut(&K, &mut V) -> bool) {
        self.entries.retain_mut(|(k, v)| keep(k, v));
    }

    pub fn clear(&mut self) {
        self.entries.clear();
    }

    pub fn first_key_value(&self) -> Option<(&K, &V)> {
        self.entries.first().map(|(k, v)| (k, v))
    }

    pub fn last_key_value(&self) -> Option<(&K, &V)> {
        self.entries.last().map(|(k, v)| (k, v))
    }
}

impl<K, V> VecMap<K, V> {
    /// The entries in ascending key order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (&K, &V)> + ExactSizeIterator {
        self.entries.iter().map(|(k, v)| (k, v))
    }

    pub fn iter_mut(&mut self) -> impl DoubleEndedIterator<Item = (&K, &mut V)> + ExactSizeIterator {
        self.entries.iter_mut().map(|(k, v)| (&*k, v))
    }

    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &K> + ExactSizeIterator {
        self.entries.iter().map(|(k, _)| k)
    }

    pub fn values(&self) -> impl DoubleEndedIterator<Item = &V> + ExactSizeIterator {
        self.entries.iter().map(|(_, v)| v)
    }

    pub fn values_mut(&mut self) -> impl DoubleEndedIterator<Item = &mut V> + ExactSizeIterator {
        self.entries.iter_mut().map(|(_, v)| v)
    }
}

/// Keys in any order, the last value of a repeated key winning (as `BTreeMap`'s `collect`).
impl<K: Ord, V> FromIterator<(K, V)> for VecMap<K, V> {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        let mut m = VecMap::new();
        for (k, v) in iter {
            m.insert(k, v);
        }
        m
    }
}

impl<K, V> IntoIterator for VecMap<K, V> {
    type Item = (K, V);
    type IntoIter = std::vec::IntoIter<(K, V)>;
    fn into_iter(self) -> Self::IntoIter {
        self.entries.into_iter()
    }
}

impl<'a, K, V> IntoIterator for &'a VecMap<K, V> {
    type Item = (&'a K, &'a V);
    type IntoIter = std::iter::Map<std::slice::Iter<'a, (K, V)>, fn(&'a (K, V)) -> (&'a K, &'a V)>;
    fn into_iter(self) -> Self::IntoIter {
        self.entries.iter().map(|(k, v)| (k, v))
    }
}

/// `map[&key]`: panics when the key is absent, as `BTreeMap`'s index does.
impl<K: Ord + Borrow<Q>, Q: ?Sized + Ord, V> std::ops::Index<&Q> for VecMap<K, V> {
    type Output = V;
    fn index(&self, key: &Q) -> &V {
        self.get(key).expect("no entry found for key")
    }
}

/// `{k: v, …}` in key order, as a `BTreeMap` prints.
impl<K: fmt::Debug, V: fmt::Debug> fmt::Debug for VecMap<K, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

/// A map in key order, as a `BTreeMap` serialises.
impl<K: serde::Serialize, V: serde::Serialize> serde::Serialize for VecMap<K, V> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.iter())
    }
}

/// An ordered set over a sorted `Vec<T>` ([`VecMap`] with no values): iteration in ascending
/// order, as a `BTreeSet`'s.
#[derive(Clone, PartialEq, Eq)]
pub struct VecSet<T> {
    map: VecMap<T, ()>,
}

impl<T> Default for VecSet<T> {
    fn default() -> Self {
        VecSet { map: VecMap::default() }
    }
}

impl<T: Ord> VecSet<T> {
    pub const fn new() -> Self {
        VecSet { map: VecMap::new() }
    }

    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    pub fn contains<Q: ?Sized + Ord>(&self, value: &Q) -> bool
    where
        T: Borrow<Q>,
    {
        self.map.contains_key(value)
    }

    /// Whether `value` was new (as `BTreeSet::insert`).
    pub fn insert(&mut self, value: T) -> bool {
        self.map.insert(value, ()).is_none()
    }

    /// Whether `value` was there (as `BTreeSet::remove`).
    pub fn remove<Q: ?Sized + Ord>(&mut self, value: &Q) -> bool
    where
        T: Borrow<Q>,
    {
        self.map.remove(value).is_some()
    }

    pub fn retain(&mut self, mut keep: impl FnMut(&T) -> bool) {
        self.map.retain(|k, _| keep(k));
    }

    pub fn clear(&mut self) {
        self.map.clear();
    }

    pub fn first(&self) -> Option<&T> {
        self.map.first_key_value().map(|(k, _)| k)
    }

    pub fn last(&self) -> Option<&T> {
        self.map.last_key_value().map(|(k, _)| k)
    }
}

impl<T> VecSet<T> {
    /// The values in ascending order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &T> + ExactSizeIterator {
        self.map.keys()
    }
}

impl<T: Ord> FromIterator<T> for VecSet<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        VecSet { map: iter.into_iter().map(|v| (v, ())).collect() }
    }
}

impl<T: Ord> Extend<T> for VecSet<T> {
    fn extend<I: IntoIterator<Item = T>>(&mut self, iter: I) {
        for v in iter {
            self.insert(v);
        }
    }
}

impl<T> IntoIterator for VecSet<T> {
    type Item = T;
    type IntoIter = std::iter::Map<std::vec::IntoIter<(T, ())>, fn((T, ())) -> T>;
    fn into_iter(self) -> Self::IntoIter {
        self.map.into_iter().map(|(k, ())| k)
    }
}

impl<'a, T> IntoIterator for &'a VecSet<T> {
    type Item = &'a T;
    type IntoIter = std::iter::Map<std::slice::Iter<'a, (T, ())>, fn(&'a (T, ())) -> &'a T>;
    fn into_iter(self) -> Self::IntoIter {
        self.map.entries.iter().map(|(k, ())| k)
    }
}

/// `{a, b, …}` in order, as a `BTreeSet` prints.
impl<T: fmt::Debug> fmt::Debug for VecSet<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

/// An ordered map over a sorted `VecDeque<(K, V)>`, for maps used as queues: keys mostly
/// inserted in ascending order and removed from the front (a process queue by offset, puts
/// waiting for their flush or replicas, checkpoints and receipt handles by copy). Inserting at
/// the back and removing at the front are O(1), a lookup O(log n); an insert or remove in the
/// middle moves the shorter side. Iteration in ascending key order, as a `BTreeMap`'s.
#[derive(Clone, PartialEq, Eq)]
pub struct DequeMap<K, V> {
    entries: VecDeque<(K, V)>,
}

impl<K, V> Default for DequeMap<K, V> {
    fn default() -> Self {
        DequeMap { entries: VecDeque::new() }
    }
}

impl<K: Ord, V> DequeMap<K, V> {
    pub const fn new() -> Self {
        DequeMap { entries: VecDeque::new() }
    }

    /// Where `key` is (`Ok`) or would go (`Err`); the back first, where new keys usually go.
    fn find(&self, key: &K) -> Result<usize, usize> {
        match self.entries.back() {
            None => Err(0),
            Some((last, _)) if *last < *key => Err(self.entries.len()),
            _ => self.entries.binary_search_by(|(k, _)| k.cmp(key)),
        }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn get(&self, key: &K) -> Option<&V> {
        self.find(key).ok().map(|i| &self.entries[i].1)
    }

    pub fn get_mut(&mut self, key: &K) -> Option<&mut V> {
        self.find(key).ok().map(|i| &mut self.entries[i].1)
    }

    pub fn contains_key(&self, key: &K) -> bool {
        self.find(key).is_ok()
    }

    /// Inserts `value` at `key`; the value it replaces, if any (as `BTreeMap::insert`).
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        match self.find(&key) {
            Ok(i) => Some(std::mem::replace(&mut self.entries[i].1, value)),
            Err(i) => {
                self.entries.insert(i, (key, value));
                None
            }
        }
    }

    pub fn remove(&mut self, key: &K) -> Option<V> {
        let i = self.find(key).ok()?;
        self.entries.remove(i).map(|(_, v)| v)
    }

    pub fn clear(&mut self) {
        self.entries.clear();
    }
}

impl<K, V> DequeMap<K, V> {
    /// The entries in ascending key order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (&K, &V)> + ExactSizeIterator {
        self.entries.iter().map(|(k, v)| (k, v))
    }

    pub fn iter_mut(&mut self) -> impl DoubleEndedIterator<Item = (&K, &mut V)> + ExactSizeIterator {
        self.entries.iter_mut().map(|(k, v)| (&*k, v))
    }

    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &K> + ExactSizeIterator {
        self.entries.iter().map(|(k, _)| k)
    }

    pub fn values(&self) -> impl DoubleEndedIterator<Item = &V> + ExactSizeIterator {
        self.entries.iter().map(|(_, v)| v)
    }
}

impl<K, V> IntoIterator for DequeMap<K, V> {
    type Item = (K, V);
    type IntoIter = std::collections::vec_deque::IntoIter<(K, V)>;
    fn into_iter(self) -> Self::IntoIter {
        self.entries.into_iter()
    }
}

/// `{k: v, …}` in key order, as a `BTreeMap` prints.
impl<K: fmt::Debug, V: fmt::Debug> fmt::Debug for DequeMap<K, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    /// A stream of (key, value) pairs with repeats, from the simulator's own seeded generator.
    fn ops(seed: u64, n: usize) -> Vec<(u8, u32)> {
        let mut rng = crate::rng::SimRng::stream(seed, crate::rng::Stream::Disk);
        (0..n).map(|i| (rng.below(23) as u8, i as u32)).collect()
    }

    #[test]
    fn answers_as_a_btree_map_does() {
        for seed in 1..20 {
            let (mut v, mut b) = (VecMap::new(), BTreeMap::new());
            for (i, (k, x)) in ops(seed, 200).into_iter().enumerate() {
                match i % 5 {
                    0 | 1 => assert_eq!(v.insert(k, x), b.insert(k, x)),
                    2 => assert_eq!(v.remove(&k), b.remove(&k)),
                    3 => *v.get_or_insert_with(k, || x) += 1,
                    _ => v.retain(|kk, _| *kk != k),
                }
                match i % 5 {
                    3 => *b.entry(k).or_insert(x) += 1,
                    4 => b.retain(|kk, _| *kk != k),
                    _ => {}
                }
                assert_eq!(v.iter().collect::<Vec<_>>(), b.iter().collect::<Vec<_>>(), "seed {seed} step {i}");
                assert_eq!((v.len(), v.get(&k), v.contains_key(&k)), (b.len(), b.get(&k), b.contains_key(&k)));
                assert_eq!(v.first_key_value(), b.first_key_value());
                assert_eq!(v.last_key_value(), b.last_key_value());
            }
        }
    }

    #[test]
    fn prints_and_serialises_in_key_order_as_a_btree_map_does() {
        let pairs = [("SEND_OK", 3u32), ("EXCEPTION", 1), ("NO_REPLY", 0), ("FLUSH_DISK_TIMEOUT", 2)];
        let v: VecMap<&str, u32> = pairs.into_iter().collect();
        let b: BTreeMap<&str, u32> = pairs.into_iter().collect();
        assert_eq!(format!("{v:?}"), format!("{b:?}"));
        assert_eq!(serde_json::to_string(&v).unwrap(), serde_json::to_string(&b).unwrap());
        assert_eq!(v["SEND_OK"], 3);
        assert_eq!(v.get("EXCEPTION"), Some(&1));
        assert_eq!(v.into_iter().collect::<Vec<_>>(), b.into_iter().collect::<Vec<_>>());
    }

    #[test]
    fn a_set_answers_as_a_btree_set_does() {
        for seed in 1..20 {
            let (mut v, mut b) = (VecSet::new(), std::collections::BTreeSet::new());
            for (i, (k, _)) in ops(seed, 200).into_iter().enumerate() {
                match i % 4 {
                    0 | 1 => assert_eq!(v.insert(k), b.insert(k)),
                    2 => assert_eq!(v.remove(&k), b.remove(&k)),
                    _ => {
                        v.retain(|x| x % 3 != k % 3);
                        b.retain(|x| x % 3 != k % 3);
                    }
                }
                assert_eq!(v.iter().collect::<Vec<_>>(), b.iter().collect::<Vec<_>>(), "seed {seed} step {i}");
                assert_eq!((v.len(), v.contains(&k), v.first(), v.last()), (b.len(), b.contains(&k), b.first(), b.last()));
            }
            assert_eq!(format!("{v:?}"), format!("{b:?}"));
            assert_eq!(v.into_iter().collect::<Vec<_>>(), b.into_iter().collect::<Vec<_>>());
        }
    }

    #[test]
    fn a_deque_map_answers_as_a_btree_map_does() {
        for seed in 1..20 {
            let (mut v, mut b) = (DequeMap::new(), BTreeMap::new());
            // Mostly ascending keys taken from the front, as the queues it holds, with strays.
            let (mut next, mut front) = (0u32, 0u32);
            for (i, (r, x)) in ops(seed, 400).into_iter().enumerate() {
                let k = match r % 4 {
                    0 | 1 => {
                        next += 1 + u32::from(r % 3);
                        next
                    }
                    2 => front + u32::from(r),
                    _ => next.saturating_sub(u32::from(r)),
                };
                match i % 3 {
                    0 | 1 => assert_eq!(v.insert(k, x), b.insert(k, x)),
                    _ => {
                        front = v.keys().next().copied().unwrap_or(front);
                        assert_eq!(v.remove(&front), b.remove(&front));
                        assert_eq!(v.remove(&k), b.remove(&k));
                    }
                }
                if let Some(x) = v.get_mut(&k) {
                    *x += 1;
                    *b.get_mut(&k).unwrap() += 1;
                }
                assert_eq!(v.iter().collect::<Vec<_>>(), b.iter().collect::<Vec<_>>(), "seed {seed} step {i}");
                assert_eq!((v.len(), v.get(&k), v.contains_key(&k)), (b.len(), b.get(&k), b.contains_key(&k)));
                assert_eq!((v.keys().next(), v.keys().next_back()), (b.keys().next(), b.keys().next_back()));
            }
            assert_eq!(format!("{v:?}"), format!("{b:?}"));
        }
    }
}
