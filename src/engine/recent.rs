//! Streaming de-duplication: the alert ids created recently, so that a
//! shipper re-sending a batch (or a log line repeated in a file) does not
//! raise the same alert twice.
//!
//! Kibana never writes an alert whose id already exists in the alerts index
//! (`filter_duplicate_alerts.ts`); in a stream there is no index to ask, so the
//! engine remembers ids for as long as a Kibana execution could still find the
//! same event again (the longest look-back window plus one interval), and never
//! more than a fixed number of them, so memory stays bounded on endless streams.

use std::collections::{HashSet, VecDeque};

use crate::time::Timestamp;

/// How many alert ids are remembered at most (about 3 MB).
pub const RECENT_ALERTS_CAPACITY: usize = 100_000;

/// Alert ids created recently, oldest first.
#[derive(Clone, Debug)]
pub struct RecentAlerts {
    retention_millis: i64,
    capacity: usize,
    order: VecDeque<(i64, u128)>,
    known: HashSet<u128>,
}

impl RecentAlerts {
    /// Remembers ids for `retention_millis` after they were first seen, and at
    /// most `capacity` of them.
    pub fn new(retention_millis: i64, capacity: usize) -> RecentAlerts {
        RecentAlerts {
            retention_millis,
            capacity: capacity.max(1),
            order: VecDeque::new(),
            known: HashSet::new(),
        }
    }

    /// True (and remembered) when `alert_uuid` was not created recently.
    pub fn admit(&mut self, alert_uuid: &str, now: Timestamp) -> bool {
        self.forget_before(now.0.saturating_sub(self.retention_millis));
        let key = key_of(alert_uuid);
        if !self.known.insert(key) {
            return false;
        }
        if self.order.len() == self.capacity {
            if let Some((_, oldest)) = self.order.pop_front() {
                self.known.remove(&oldest);
            }
        }
        self.order.push_back((now.0, key));
        true
    }

    /// How many ids are remembered.
    pub fn len(&self) -> usize {
        self.order.len()
    }

    /// True when no id is remembered.
    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    fn forget_before(&mut self, oldest_kept: i64) {
        while let Some(&(seen, key)) = self.order.front() {
            if seen >= oldest_kept {
                break;
            }
            self.order.pop_front();
            self.known.remove(&key);
        }
    }
}

/// The first 128 bits of a hex alert id: collisions are out of reach, and a
/// key takes 16 bytes instead of a 64-character string.
fn key_of(alert_uuid: &str) -> u128 {
    let head = alert_uuid.get(..32).unwrap_or(alert_uuid);
    u128::from_str_radix(head, 16).unwrap_or_else(|_| {
        // Not hex (cannot happen for ids this crate makes): fold the bytes instead.
        alert_uuid.bytes().fold(0u128, |hash, byte| {
            hash.wrapping_mul(0x0100_0000_0000_0000_0000_0000_0000_013b) ^ u128::from(byte)
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "66207709dc7ca845137d202f6af99cf51df36bfcd9fbf034ac6d3b6c1c4795a7";
    const B: &str = "d047c89cc4ffc8a76f4d6e18cb3ceb429980934cf6af411083c2061f0c37ee5f";
    const C: &str = "330ee62f78adcf9466e2f99b71f7818e115a90036955500daf2250e4f48faf34";

    #[test]
    fn an_id_is_admitted_once_within_the_retention() {
        let mut recent = RecentAlerts::new(60_000, 10);
        assert!(recent.admit(A, Timestamp(0)));
        assert!(!recent.admit(A, Timestamp(59_999)));
        assert!(recent.admit(B, Timestamp(59_999)));
        // A was first seen at 0: at 60 001 it is forgotten and admitted again.
        assert!(recent.admit(A, Timestamp(60_001)));
        assert_eq!(recent.len(), 2);
    }

    #[test]
    fn memory_is_bounded_by_the_capacity() {
        let mut recent = RecentAlerts::new(i64::MAX, 2);
        assert!(recent.admit(A, Timestamp(0)));
        assert!(recent.admit(B, Timestamp(0)));
        assert!(recent.admit(C, Timestamp(0)));
        assert_eq!(recent.len(), 2);
        // The oldest was dropped to make room.
        assert!(recent.admit(A, Timestamp(0)));
        assert!(!recent.admit(C, Timestamp(0)));
    }

    /// A distinct 64-character hex id per number, as the engine makes them.
    fn id(number: u64) -> String {
        let mixed = number.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ (number >> 7);
        format!("{mixed:016x}{number:016x}{:032x}", 0)
    }

    #[test]
    fn an_endless_stream_of_new_alerts_stays_within_the_capacity() {
        let capacity = 1_000;
        let mut recent = RecentAlerts::new(i64::MAX, capacity);
        for number in 0..50_000 {
            assert!(recent.admit(&id(number), Timestamp(number as i64)));
            assert!(recent.len() <= capacity);
            // The id set and the queue forget together.
            assert_eq!(recent.known.len(), recent.order.len());
        }
        assert_eq!(recent.len(), capacity);
        // Churn does not grow the tables either: their allocations stay within a small multiple.
        assert!(
            recent.known.capacity() <= 4 * capacity,
            "{}",
            recent.known.capacity()
        );
        assert!(
            recent.order.capacity() <= 2 * capacity,
            "{}",
            recent.order.capacity()
        );
        // The newest are remembered, the oldest forgotten.
        assert!(!recent.admit(&id(49_999), Timestamp(50_000)));
        assert!(recent.admit(&id(0), Timestamp(50_000)));
    }

    #[test]
    fn ids_older_than_the_retention_are_forgotten_without_pressure() {
        let mut recent = RecentAlerts::new(1_000, 1_000_000);
        for number in 0..10_000u64 {
            // One new alert a millisecond: about a second's worth is remembered.
            recent.admit(&id(number), Timestamp(number as i64));
            assert!(recent.len() <= 1_001, "{} ids at {number}", recent.len());
            assert_eq!(recent.known.len(), recent.order.len());
        }
    }
}
