//! The simulator's priority queue: a binary heap plus a sorted run for entries queued in order.
//!
//! A run queues every open-loop send up front (message *i* at *i* × `interval`), so a plain heap
//! would hold all 10^6 of them and every push and pop of the short-lived actions would sift
//! through a heap that deep (cache misses, cost per message growing with the run). Entries queued
//! in non-decreasing key order (the sends) go to the back of a sorted deque instead; the rest go
//! to the heap, which then holds only what is in flight. [`TimeQueue::pop`] takes the smaller of
//! the two heads, so the order is exactly that of one heap over all entries.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

/// A min-queue of `(key, value)` ordered by key; keys must be unique (the simulator's carry an
/// insertion sequence number).
#[derive(Clone, Debug)]
pub struct TimeQueue<K: Ord, V> {
    heap: BinaryHeap<Reverse<Entry<K, V>>>,
    sorted: VecDeque<Entry<K, V>>,
}

/// An entry compared by its key only.
#[derive(Clone, Debug)]
struct Entry<K, V>(K, V);

impl<K: Ord, V> PartialEq for Entry<K, V> {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}
impl<K: Ord, V> Eq for Entry<K, V> {}
impl<K: Ord, V> PartialOrd for Entry<K, V> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl<K: Ord, V> Ord for Entry<K, V> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.cmp(&other.0)
    }
}

impl<K: Ord, V> Default for TimeQueue<K, V> {
    fn default() -> Self {
        TimeQueue { heap: BinaryHeap::new(), sorted: VecDeque::new() }
    }
}

impl<K: Ord, V> TimeQueue<K, V> {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, key: K, value: V) {
        if self.sorted.back().is_none_or(|last| last.0 <= key) {
            self.sorted.push_back(Entry(key, value));
        } else {
            self.heap.push(Reverse(Entry(key, value)));
        }
    }

    /// The smallest key.
    pub fn peek_key(&self) -> Option<&K> {
        match (self.heap.peek(), self.sorted.front()) {
            (Some(Reverse(h)), Some(s)) => Some(if h.0 <= s.0 { &h.0 } else { &s.0 }),
            (Some(Reverse(h)), None) => Some(&h.0),
            (None, Some(s)) => Some(&s.0),
            (None, None) => None,
        }
    }

    /// Removes the entry with the smallest key.
    pub fn pop(&mut self) -> Option<(K, V)> {
        let from_heap = match (self.heap.peek(), self.sorted.front()) {
            (Some(Reverse(h)), Some(s)) => h.0 <= s.0,
            (Some(_), None) => true,
            (None, _) => false,
        };
        let Entry(k, v) = if from_heap { self.heap.pop()?.0 } else { self.sorted.pop_front()? };
        Some((k, v))
    }

    pub fn len(&self) -> usize {
        self.heap.len() + self.sorted.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Pops in the order one heap over all entries would, whatever the push order.
    #[test]
    fn pops_in_key_order() {
        let mut q = TimeQueue::new();
        let mut reference = BinaryHeap::new();
        let mut x = 12345u64;
        for i in 0..2_000u64 {
            // A run of sorted keys (like the sends), interleaved with random ones and pops.
            // Keys carry `i` as their sequence number, so they are unique.
            let key = if i < 500 {
                (i * 10, i)
            } else {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                (x % 8_000, i)
            };
            q.push(key, i);
            reference.push(Reverse((key, i)));
            if i % 3 == 0 {
                assert_eq!(q.peek_key().copied(), reference.peek().map(|Reverse((k, _))| *k));
                assert_eq!(q.pop(), reference.pop().map(|Reverse(e)| e));
            }
        }
        while let Some(Reverse(e)) = reference.pop() {
            assert_eq!(q.pop(), Some(e));
        }
        assert!(q.is_empty() && q.pop().is_none());
    }
}
