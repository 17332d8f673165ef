//! [`Breakdown`]: the two-level counters of a day's analytics (`meta_breakdown`), e.g.
//! `{"source": {"google": 10, "direct": 5}}`.

use std::collections::BTreeMap;

use crate::error::{DomainError, DomainResult, ValidationReason};
use crate::text::{is_trimmed_bounded, trimmed_bounded};

/// The raw shape: dimension -> key -> count.
pub type BreakdownMap = BTreeMap<String, BTreeMap<String, u64>>;

/// Counts per dimension (`source`, `device`, ...) and key (`google`, `direct`, ...).
///
/// Names are trimmed, 1..=64 characters; at most 32 dimensions and 256 keys per dimension; counts
/// stay within `i64::MAX` so that storage can add them as `bigint`. Dimensions without keys are
/// dropped.
///
/// ```
/// use std::collections::BTreeMap;
/// use prosektor_domain::Breakdown;
///
/// let day = |google: u64| {
///     let keys = BTreeMap::from([("google".to_owned(), google), ("direct".to_owned(), 5)]);
///     Breakdown::new(BTreeMap::from([("source".to_owned(), keys)])).unwrap()
/// };
/// let mut total = day(10);
/// total.merge(&day(1)).unwrap();
/// assert_eq!(total.get("source", "google"), Some(11));
/// assert_eq!(total.get("source", "direct"), Some(10));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
    feature = "serde",
    serde(try_from = "BreakdownMap", into = "BreakdownMap")
)]
pub struct Breakdown(BreakdownMap);

impl Breakdown {
    /// The field its errors name.
    pub const FIELD: &'static str = "breakdown";
    /// The most dimensions.
    pub const MAX_DIMENSIONS: usize = 32;
    /// The most keys in one dimension.
    pub const MAX_KEYS: usize = 256;
    /// The longest dimension or key name, in characters.
    pub const MAX_NAME_CHARS: usize = 64;
    /// The largest count.
    pub const MAX_COUNT: u64 = i64::MAX as u64;

    /// Validates and normalises a raw map. Names that are equal after trimming are merged.
    ///
    /// # Errors
    ///
    /// On field `breakdown`: [`DomainError::Validation`] with `Empty` or `TooLong` for a name,
    /// `TooMany` past a limit; [`DomainError::Overflow`] for a count past [`Breakdown::MAX_COUNT`].
    pub fn new(map: BreakdownMap) -> DomainResult<Self> {
        // A map read back from storage is already normal: kept as it is, not built again name by
        // name (a range of days is many of them).
        if Self::is_normal(&map) {
            return Ok(Self(map));
        }
        Self::normalised(&map)
    }

    /// [`Breakdown::new`] for any map: built again entry by entry.
    fn normalised(map: &BreakdownMap) -> DomainResult<Self> {
        let mut breakdown = Self::default();
        breakdown.absorb(map.iter().flat_map(|(dim, keys)| {
            keys.iter()
                .map(move |(key, &n)| (dim.as_str(), key.as_str(), n))
        }))?;
        Ok(breakdown)
    }

    /// Whether `map` is already what [`Breakdown::new`] makes of it: within the limits, every
    /// dimension with keys, every name trimmed and valid, every count at most
    /// [`Breakdown::MAX_COUNT`].
    fn is_normal(map: &BreakdownMap) -> bool {
        let name = |name: &str| is_trimmed_bounded(name, Self::MAX_NAME_CHARS);
        map.len() <= Self::MAX_DIMENSIONS
            && map.iter().all(|(dimension, keys)| {
                !keys.is_empty()
                    && keys.len() <= Self::MAX_KEYS
                    && name(dimension)
                    && keys
                        .iter()
                        .all(|(key, &count)| count <= Self::MAX_COUNT && name(key))
            })
    }

    /// Adds `other`'s counts to these. On error nothing changes.
    ///
    /// # Errors
    ///
    /// As [`Breakdown::new`], for the merged result.
    pub fn merge(&mut self, other: &Self) -> DomainResult<()> {
        let mut merged = self.clone();
        merged.absorb(other.iter())?;
        *self = merged;
        Ok(())
    }

    fn absorb<'a>(
        &mut self,
        entries: impl Iterator<Item = (&'a str, &'a str, u64)>,
    ) -> DomainResult<()> {
        for (dim, key, count) in entries {
            let dim = trimmed_bounded(Self::FIELD, dim, Self::MAX_NAME_CHARS)?;
            let key = trimmed_bounded(Self::FIELD, key, Self::MAX_NAME_CHARS)?;
            let slot = self.0.entry(dim).or_default().entry(key).or_insert(0);
            *slot = slot
                .checked_add(count)
                .filter(|&sum| sum <= Self::MAX_COUNT)
                .ok_or(DomainError::Overflow { field: Self::FIELD })?;
        }
        if self.0.len() > Self::MAX_DIMENSIONS {
            return Err(DomainError::invalid(
                Self::FIELD,
                ValidationReason::TooMany {
                    max: Self::MAX_DIMENSIONS,
                },
            ));
        }
        if self.0.values().any(|keys| keys.len() > Self::MAX_KEYS) {
            return Err(DomainError::invalid(
                Self::FIELD,
                ValidationReason::TooMany {
                    max: Self::MAX_KEYS,
                },
            ));
        }
        Ok(())
    }

    /// The count of `key` in `dimension`, if present.
    pub fn get(&self, dimension: &str, key: &str) -> Option<u64> {
        self.0.get(dimension)?.get(key).copied()
    }

    /// Every `(dimension, key, count)`, sorted by dimension then key.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str, u64)> {
        self.0.iter().flat_map(|(dim, keys)| {
            keys.iter()
                .map(move |(key, &count)| (dim.as_str(), key.as_str(), count))
        })
    }

    /// Whether there are no counts.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The normalised map, e.g. for storing as JSON.
    pub const fn as_map(&self) -> &BreakdownMap {
        &self.0
    }
}

impl TryFrom<BreakdownMap> for Breakdown {
    type Error = DomainError;

    fn try_from(map: BreakdownMap) -> DomainResult<Self> {
        Self::new(map)
    }
}

impl From<Breakdown> for BreakdownMap {
    fn from(breakdown: Breakdown) -> Self {
        breakdown.0
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use proptest::prelude::*;

    pub(crate) fn breakdown(entries: &[(&str, &str, u64)]) -> Breakdown {
        let mut map = BreakdownMap::new();
        for &(dim, key, count) in entries {
            map.entry(dim.to_owned())
                .or_default()
                .insert(key.to_owned(), count);
        }
        Breakdown::new(map).unwrap()
    }

    fn raw(dims: usize, keys: usize) -> BreakdownMap {
        (0..dims)
            .map(|d| {
                (
                    format!("d{d}"),
                    (0..keys).map(|k| (format!("k{k}"), 1)).collect(),
                )
            })
            .collect()
    }

    #[test]
    fn normalises_names_and_drops_empty_dimensions() {
        let mut map = raw(0, 0);
        map.insert(
            " source ".into(),
            BTreeMap::from([(" google".into(), 2), ("google ".into(), 3)]),
        );
        map.insert("empty".into(), BTreeMap::new());
        let breakdown = Breakdown::new(map).unwrap();
        assert_eq!(
            breakdown.iter().collect::<Vec<_>>(),
            [("source", "google", 5)]
        );
        assert_eq!(
            (
                breakdown.get("source", "google"),
                breakdown.get("source", "bing")
            ),
            (Some(5), None)
        );
        assert!(Breakdown::default().is_empty() && !breakdown.is_empty());
    }

    #[test]
    fn rejects_bad_names() {
        let mut map = raw(0, 0);
        map.insert("source".into(), BTreeMap::from([(" ".into(), 1)]));
        assert_eq!(
            Breakdown::new(map),
            Err(DomainError::invalid(
                Breakdown::FIELD,
                ValidationReason::Empty
            ))
        );
        let mut map = raw(0, 0);
        map.insert("x".repeat(65), BTreeMap::from([("k".into(), 1)]));
        assert_eq!(
            Breakdown::new(map),
            Err(DomainError::invalid(
                Breakdown::FIELD,
                ValidationReason::TooLong { max: 64 }
            ))
        );
    }

    #[test]
    fn enforces_size_limits() {
        assert!(Breakdown::new(raw(32, 256)).is_ok());
        assert_eq!(
            Breakdown::new(raw(33, 1)),
            Err(DomainError::invalid(
                Breakdown::FIELD,
                ValidationReason::TooMany { max: 32 }
            ))
        );
        assert_eq!(
            Breakdown::new(raw(1, 257)),
            Err(DomainError::invalid(
                Breakdown::FIELD,
                ValidationReason::TooMany { max: 256 }
            ))
        );
        let mut full = Breakdown::new(raw(32, 1)).unwrap();
        let before = full.clone();
        assert!(full.merge(&breakdown(&[("extra", "k", 1)])).is_err());
        assert_eq!(full, before);
    }

    #[test]
    fn merge_overflow_changes_nothing() {
        let mut near = breakdown(&[
            ("source", "google", Breakdown::MAX_COUNT),
            ("source", "direct", 1),
        ]);
        let before = near.clone();
        assert_eq!(
            near.merge(&breakdown(&[
                ("source", "direct", 1),
                ("source", "google", 1)
            ])),
            Err(DomainError::Overflow {
                field: Breakdown::FIELD
            })
        );
        assert_eq!(near, before);
        let mut map = raw(0, 0);
        map.insert("a".into(), BTreeMap::from([("b".into(), u64::MAX)]));
        assert_eq!(
            Breakdown::new(map),
            Err(DomainError::Overflow {
                field: Breakdown::FIELD
            })
        );
    }

    #[cfg(feature = "serde")]
    #[test]
    fn serde_uses_the_plain_json_shape() {
        let json = r#"{"source":{"direct":5,"google":10}}"#;
        let parsed: Breakdown = serde_json::from_str(json).unwrap();
        assert_eq!(
            parsed,
            breakdown(&[("source", "google", 10), ("source", "direct", 5)])
        );
        assert_eq!(serde_json::to_string(&parsed).unwrap(), json);
        for invalid in [
            r#"{"source":{"google":-1}}"#,
            r#"{"source":{" ":1}}"#,
            r#"{"source":["google"]}"#,
        ] {
            assert!(
                serde_json::from_str::<Breakdown>(invalid).is_err(),
                "{invalid}"
            );
        }
    }

    fn arbitrary() -> impl Strategy<Value = Breakdown> {
        let keys = proptest::collection::btree_map("[a-d]", 0u64..1_000_000_000_000, 0..4);
        proptest::collection::btree_map("[a-c]", keys, 0..3)
            .prop_map(|map| Breakdown::new(map).unwrap())
    }

    /// Any raw map: names blank, padded, with a control character, too long or fine; counts
    /// small, at the limit or past it.
    fn any_raw() -> impl Strategy<Value = BreakdownMap> {
        let name = || prop_oneof!["[ ab\\x00é]{0,3}", "a{63,66}"];
        let count = prop_oneof![
            0u64..3,
            Just(Breakdown::MAX_COUNT),
            Just(Breakdown::MAX_COUNT + 1),
            Just(u64::MAX)
        ];
        let keys = proptest::collection::btree_map(name(), count, 0..4);
        proptest::collection::btree_map(name(), keys, 0..4)
    }

    proptest! {
        #[test]
        fn a_map_is_kept_exactly_where_building_it_again_gives_the_same(map in any_raw()) {
            let rebuilt = Breakdown::normalised(&map);
            let unchanged = rebuilt.as_ref().is_ok_and(|rebuilt| rebuilt.as_map() == &map);
            prop_assert_eq!(Breakdown::is_normal(&map), unchanged);
            prop_assert_eq!(Breakdown::new(map), rebuilt);
        }

        #[test]
        fn merge_commutes_and_sums(a in arbitrary(), b in arbitrary()) {
            let mut ab = a.clone();
            ab.merge(&b).unwrap();
            let mut ba = b.clone();
            ba.merge(&a).unwrap();
            prop_assert_eq!(&ab, &ba);
            for (dim, key, count) in ab.iter() {
                let part = |x: &Breakdown| x.get(dim, key).unwrap_or(0);
                prop_assert_eq!(count, part(&a) + part(&b));
            }
            let total = |x: &Breakdown| x.iter().map(|(_, _, n)| n).sum::<u64>();
            prop_assert_eq!(total(&ab), total(&a) + total(&b));
        }
    }
}
