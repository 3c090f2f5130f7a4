//! The declared fields of a schema: a `Vec` sorted by name, searched by
//! bisection, with changes queued and applied in one sort.
//!
//! Why not a `BTreeMap<String, FieldMapping>`: it was the one map of that
//! layout in the module, so its node code (about 10 KB of wasm) served the
//! schema alone, and the built-in schema's nodes sat half empty in the
//! start-up snapshot. A sorted `Vec` reuses the crate's shared sort.
//!
//! Why queued: a mapping is read field by field in any order, and inserting
//! each into a sorted `Vec` would be quadratic. Changes wait in `pending`
//! (queued at the end of the same `Vec`) until [`FieldTable::settle`], which
//! sorts them once (stably, so changes to one name apply in the order they
//! were made) and folds each run of one name into its first.
//! Lookups see only settled fields; every schema constructor settles before
//! it returns.
//!
//! Why names are `Cow` and mappings `Arc`: the built-in schema is built into
//! the wasm module's start-up snapshot, whose heap ships as data. Its names
//! borrow the built-in tables' text (already in the module) rather than
//! copying it, and its some 340 fields share about 40 distinct mappings (most
//! are plain `keyword`), so an entry is a name and a pointer (20 bytes), not
//! a name, a whole mapping and three allocations of its own (about 140).
//! A shared mapping is copied only when changed ([`Arc::make_mut`]).

use std::borrow::Cow;
use std::sync::Arc;

use super::FieldMapping;

/// A field's name: borrowed from the built-in tables' text, or owned.
pub(super) type Name = Cow<'static, str>;

/// How a queued field combines with an earlier one of the same name.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Merge {
    /// Replaces it.
    Replace,
    /// Replaces it unless their types differ; then the field has both (a conflict).
    Declare,
    /// Leaves it.
    IfAbsent,
}

/// Declared fields: the first `settled` sorted by name and unique, the rest
/// queued changes with how each merges.
#[derive(Clone, Debug, Default, PartialEq)]
pub(super) struct FieldTable {
    entries: Vec<(Name, Arc<FieldMapping>, Merge)>,
    settled: usize,
}

impl FieldTable {
    /// Queues a field; it is visible after the next [`FieldTable::settle`].
    pub(super) fn stage(&mut self, name: String, mapping: FieldMapping, merge: Merge) {
        self.stage_shared(Cow::Owned(name), Arc::new(mapping), merge);
    }

    /// [`FieldTable::stage`] for a name and a mapping that may be shared.
    pub(super) fn stage_shared(&mut self, name: Name, mapping: Arc<FieldMapping>, merge: Merge) {
        self.entries.push((name, mapping, merge));
    }

    /// Makes room for `additional` queued fields at once: the start-up
    /// snapshot keeps every byte a growing `Vec` frees.
    pub(super) fn reserve(&mut self, additional: usize) {
        self.entries.reserve_exact(additional);
    }

    /// Applies the queued changes: `n log n` for `n` fields and changes.
    pub(super) fn settle(&mut self) {
        if self.settled == self.entries.len() {
            return;
        }
        crate::sort::sort_by(&mut self.entries, |left, right| left.0.cmp(&right.0));
        self.entries.dedup_by(|later, earlier| {
            let same = later.0 == earlier.0;
            if same {
                merge_into(&mut earlier.1, &mut later.1, later.2);
            }
            same
        });
        self.settled = self.entries.len();
    }

    /// The settled field named `name`.
    pub(super) fn get(&self, name: &str) -> Option<&FieldMapping> {
        let index = self.position(name)?;
        Some(&self.entries[index].1)
    }

    /// The settled field named `name`, to change in place.
    pub(super) fn get_mut(&mut self, name: &str) -> Option<&mut FieldMapping> {
        let index = self.position(name)?;
        Some(Arc::make_mut(&mut self.entries[index].1))
    }

    /// The settled fields, in name order.
    pub(super) fn iter(&self) -> impl Iterator<Item = (&str, &FieldMapping)> {
        self.entries[..self.settled]
            .iter()
            .map(|(name, mapping, _)| (&**name, &**mapping))
    }

    /// The settled fields, in name order.
    pub(super) fn into_fields(self) -> impl Iterator<Item = (Name, Arc<FieldMapping>)> {
        let settled = self.settled;
        self.entries
            .into_iter()
            .take(settled)
            .map(|(name, mapping, _)| (name, mapping))
    }

    /// True when no field is settled.
    pub(super) fn is_empty(&self) -> bool {
        self.settled == 0
    }

    /// Drops the fields whose names `names` holds (sorted); call when settled.
    pub(super) fn remove_all(&mut self, names: &[String]) {
        self.entries.retain(|(name, _, _)| {
            names
                .binary_search_by(|removed| removed.as_str().cmp(name))
                .is_err()
        });
        self.settled = self.entries.len();
    }

    fn position(&self, name: &str) -> Option<usize> {
        self.entries[..self.settled]
            .binary_search_by(|(entry, _, _)| (**entry).cmp(name))
            .ok()
    }
}

/// `later`, queued with `merge`, applied over the field of the same name before it.
fn merge_into(existing: &mut Arc<FieldMapping>, later: &mut Arc<FieldMapping>, merge: Merge) {
    match merge {
        Merge::Declare if existing.type_names != later.type_names => {
            Arc::make_mut(existing).merge_conflict(later)
        }
        // The swapped-out mapping is dropped with `later`.
        Merge::Replace | Merge::Declare => std::mem::swap(existing, later),
        Merge::IfAbsent => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A queued field: name, type, `ignore_above` (to tell mappings apart), merge.
    type Change = (&'static str, &'static str, usize, Merge);

    /// Each case: changes queued in order, in two batches (settled between),
    /// and the fields after, as `name:types:ignore_above`.
    #[test]
    fn queued_changes_apply_in_order_and_name_order() {
        let cases: [(&[Change], &[Change], &str); 5] = [
            (
                &[
                    ("b", "keyword", 1, Merge::Replace),
                    ("a", "long", 2, Merge::Replace),
                ],
                &[("b", "ip", 3, Merge::Replace)],
                "a:long:2 b:ip:3",
            ),
            (
                &[
                    ("a", "keyword", 1, Merge::Declare),
                    ("a", "long", 2, Merge::Declare),
                ],
                &[],
                "a:keyword,long:1",
            ),
            (
                &[
                    ("a", "keyword", 1, Merge::Declare),
                    ("a", "keyword", 2, Merge::Declare),
                ],
                &[
                    ("a", "keyword", 3, Merge::Declare),
                    ("a", "keyword", 4, Merge::IfAbsent),
                ],
                "a:keyword:3",
            ),
            (
                &[
                    ("c", "long", 1, Merge::IfAbsent),
                    ("c", "ip", 2, Merge::Replace),
                ],
                &[
                    ("b", "object", 3, Merge::IfAbsent),
                    ("c", "ip", 4, Merge::IfAbsent),
                ],
                "b:object:3 c:ip:2",
            ),
            (
                &[
                    ("z", "long", 1, Merge::Replace),
                    ("y", "long", 2, Merge::Replace),
                ],
                &[
                    ("x", "long", 3, Merge::Replace),
                    ("z", "date", 4, Merge::Replace),
                ],
                "x:long:3 y:long:2 z:date:4",
            ),
        ];
        for (first, second, expected) in cases {
            let mut table = FieldTable::default();
            for batch in [first, second] {
                for &(name, type_name, ignore_above, merge) in batch {
                    let mapping = FieldMapping {
                        ignore_above: Some(ignore_above),
                        ..FieldMapping::named(type_name)
                    };
                    table.stage(name.to_string(), mapping, merge);
                }
                table.settle();
            }
            let fields: Vec<String> = table
                .iter()
                .map(|(name, mapping)| {
                    let types = mapping.type_names.join(",");
                    format!("{name}:{types}:{}", mapping.ignore_above.unwrap_or(0))
                })
                .collect();
            assert_eq!(fields.join(" "), expected, "{first:?} then {second:?}");
        }
    }

    /// A mapping two fields share is copied when one of them is changed: the
    /// other keeps it as it was.
    #[test]
    fn a_change_to_a_shared_mapping_changes_one_field() {
        let mut table = FieldTable::default();
        let shared = Arc::new(FieldMapping::named("keyword"));
        for name in ["a", "b"] {
            table.stage_shared(Cow::Borrowed(name), Arc::clone(&shared), Merge::Replace);
        }
        table.settle();
        if let Some(mapping) = table.get_mut("a") {
            mapping.ignore_above = Some(1);
        }
        let limits: Vec<_> = table
            .iter()
            .map(|(_, mapping)| mapping.ignore_above)
            .collect();
        assert_eq!(limits, [Some(1), None]);
        assert_eq!(*shared, FieldMapping::named("keyword"));
    }
}
