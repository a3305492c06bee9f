//! Stable sorting through one compiled copy of the sort (issue 11, bundle size).
//!
//! `slice::sort_by` is generic: every element type and comparator sorted in the crate (and in the
//! web crate, which links it into the wasm) compiles its own ~4 KB driftsort. These functions give
//! the same result as `v.sort_by(cmp)` (stable: equal elements keep their order) by sorting the
//! indices `0..len`, a `usize` slice, through one non-generic function, then moving the elements
//! into that order. For the short, non-hot lists they are used on (fault schedules, retry times,
//! exported histories, sweep runs, UI labels); the simulator's hot paths keep their own sorts.
use std::cmp::Ordering;

/// Sorts `v` stably by `cmp`: the same order as `v.sort_by(cmp)`.
pub fn sort_by<T>(v: &mut Vec<T>, mut cmp: impl FnMut(&T, &T) -> Ordering) {
    if v.len() < 2 {
        return;
    }
    let mut order: Vec<usize> = (0..v.len()).collect();
    sort_indices(&mut order, &mut |a, b| cmp(&v[a], &v[b]));
    let mut slots: Vec<Option<T>> = std::mem::take(v).into_iter().map(Some).collect();
    v.extend(order.into_iter().filter_map(|i| slots[i].take()));
}

/// Sorts `v` stably by `key`: the same order as `v.sort_by_key(key)`.
pub fn sort_by_key<T, K: Ord>(v: &mut Vec<T>, mut key: impl FnMut(&T) -> K) {
    sort_by(v, |a, b| key(a).cmp(&key(b)));
}

/// Sorts `v` stably: the same order as `v.sort()`.
pub fn sort<T: Ord>(v: &mut Vec<T>) {
    sort_by(v, T::cmp);
}

/// The one sort instance: indices compared through a trait object.
#[inline(never)]
fn sort_indices(order: &mut [usize], cmp: &mut dyn FnMut(usize, usize) -> Ordering) {
    order.sort_by(|&a, &b| cmp(a, b));
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Pairs (key, original position) with many equal keys: stability shows in the positions.
    fn pairs(seed: u64, n: usize) -> Vec<(u8, usize)> {
        let mut rng = crate::rng::SimRng::stream(seed, crate::rng::Stream::Disk);
        (0..n).map(|i| (rng.below(7) as u8, i)).collect()
    }

    #[test]
    fn same_order_as_the_standard_stable_sort() {
        for (seed, n) in [(1, 0), (2, 1), (3, 2), (4, 17), (5, 100), (6, 1000)] {
            let v = pairs(seed, n);
            let mut want = v.clone();
            want.sort_by_key(|p| p.0);
            let mut got = v.clone();
            sort_by_key(&mut got, |p| p.0);
            assert_eq!(got, want, "n = {n}");
            let mut want = v.clone();
            let cmp = |a: &(u8, usize), b: &(u8, usize)| (a.0 % 3).cmp(&(b.0 % 3)).then(b.0.cmp(&a.0));
            want.sort_by(cmp);
            let mut got = v.clone();
            sort_by(&mut got, cmp);
            assert_eq!(got, want, "a comparator with ties, n = {n}");
            let mut want = v.clone();
            want.sort();
            let mut got = v;
            sort(&mut got);
            assert_eq!(got, want, "Ord, n = {n}");
        }
    }

    #[test]
    fn moves_elements_that_are_not_copy() {
        let mut v: Vec<String> = ["pear", "fig", "apple", "fig"].iter().map(|s| s.to_string()).collect();
        sort(&mut v);
        assert_eq!(v, ["apple", "fig", "fig", "pear"]);
    }
}
