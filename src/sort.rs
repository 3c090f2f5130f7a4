//! One stable sort shared by every call site that is not on a hot path and
//! sorts few items (rules, gates, literals; not lists that grow with the input).
//!
//! Why not `slice::sort_by`: the standard library's sorts are generic over
//! the element and the comparison, so each call site gets its own copy of
//! driftsort or ipnsort, 5–9 KB of wasm apiece (17 copies, 88 KB, were the
//! largest generic code in the module). Here the order is found once, by a
//! single non-generic merge sort over positions that asks the call site's
//! comparison through `dyn`; the elements are then moved into that order by
//! swaps. A call site adds only its comparison and that short loop.
//!
//! Stable like `slice::sort_by`: equal elements keep their order, so a call
//! site that used `sort_unstable` on elements that compare equal only when
//! identical gets the same result.

use std::cmp::Ordering;

/// Sorts `items` by `compare`, keeping equal elements in their order.
pub fn sort_by<T>(items: &mut [T], mut compare: impl FnMut(&T, &T) -> Ordering) {
    let order = stable_order(items.len(), &mut |left, right| {
        compare(&items[left], &items[right]) == Ordering::Less
    });
    permute(items, order);
}

/// Sorts `items` by the key `key` gives each, keeping equal keys in order.
pub fn sort_by_key<T, K: Ord>(items: &mut [T], mut key: impl FnMut(&T) -> K) {
    sort_by(items, |left, right| key(left).cmp(&key(right)));
}

/// Sorts `items` in ascending order.
pub fn sort<T: Ord>(items: &mut [T]) {
    sort_by(items, T::cmp);
}

/// The positions `0..len` in the order that sorts them by `is_less`, equal
/// positions staying in order: a bottom-up merge sort, `len · log₂ len`
/// comparisons at most.
fn stable_order(len: usize, is_less: &mut dyn FnMut(usize, usize) -> bool) -> Vec<usize> {
    let mut order: Vec<usize> = (0..len).collect();
    let mut merged = Vec::with_capacity(len);
    let mut width = 1;
    while width < len {
        merged.clear();
        for start in (0..len).step_by(2 * width) {
            let middle = (start + width).min(len);
            let end = (start + 2 * width).min(len);
            merge(
                &order[start..middle],
                &order[middle..end],
                &mut merged,
                is_less,
            );
        }
        std::mem::swap(&mut order, &mut merged);
        width *= 2;
    }
    order
}

/// Appends the sorted runs `left` and `right` to `out` as one sorted run,
/// taking from `left` on ties (what keeps the sort stable).
fn merge(
    left: &[usize],
    right: &[usize],
    out: &mut Vec<usize>,
    is_less: &mut dyn FnMut(usize, usize) -> bool,
) {
    let (mut l, mut r) = (0, 0);
    while l < left.len() && r < right.len() {
        if is_less(right[r], left[l]) {
            out.push(right[r]);
            r += 1;
        } else {
            out.push(left[l]);
            l += 1;
        }
    }
    out.extend_from_slice(&left[l..]);
    out.extend_from_slice(&right[r..]);
}

/// Rearranges `items` so that position `i` holds what was at `order[i]`,
/// following each cycle of the permutation with swaps.
fn permute<T>(items: &mut [T], mut order: Vec<usize>) {
    for start in 0..order.len() {
        let mut current = start;
        // A placed position points at itself; a cycle ends where it began.
        while order[current] != current {
            let source = order[current];
            order[current] = current;
            if source == start {
                break;
            }
            items.swap(current, source);
            current = source;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small deterministic generator, so the test needs no dependency.
    fn numbers(seed: u64, count: usize, range: u64) -> Vec<u64> {
        let mut state = seed;
        (0..count)
            .map(|_| {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                (state >> 33) % range
            })
            .collect()
    }

    #[test]
    fn sorts_like_the_standard_stable_sort() {
        for seed in 0..200 {
            for count in [0, 1, 2, 3, 7, 8, 9, 31, 64, 100, 257] {
                // Keys with many ties, paired with their first position, so
                // that stability shows.
                let items: Vec<(u64, usize)> = numbers(seed, count, 1 + seed % 13)
                    .into_iter()
                    .enumerate()
                    .map(|(i, key)| (key, i))
                    .collect();
                let mut expected = items.clone();
                expected.sort_by_key(|item| item.0);
                let mut actual = items.clone();
                sort_by_key(&mut actual, |item| item.0);
                assert_eq!(actual, expected, "seed {seed}, {count} items");
                let mut by_compare = items;
                sort_by(&mut by_compare, |left, right| left.0.cmp(&right.0));
                assert_eq!(by_compare, expected);
            }
        }
    }

    #[test]
    fn sorts_owned_values_in_place() {
        let mut words: Vec<String> = ["pear", "apple", "fig", "apple", "kiwi"]
            .map(String::from)
            .to_vec();
        sort(&mut words);
        assert_eq!(words, ["apple", "apple", "fig", "kiwi", "pear"]);
        let mut reversed: Vec<u32> = (0..50).rev().collect();
        sort(&mut reversed);
        assert_eq!(reversed, (0..50).collect::<Vec<u32>>());
    }
}
