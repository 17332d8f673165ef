//! Keyset pagination cursors: the sort key and id of a page's last row, wrapped in the opaque
//! [`Cursor`] that clients hand back. A cursor names its ordering, so one issued by another listing
//! is refused instead of silently misread.
//!
//! Queries fetch `limit + 1` rows ordered by `(key, id)`; [`page`] keeps `limit` of them and makes
//! the next cursor from the last kept row when the extra row shows that more follow.

use prosektor_application::{Cursor, Page, RepositoryError, RepositoryResult};
use uuid::Uuid;

/// Where a page ended: the last row's sort key (as text) and id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Keyset {
    /// The sort key of the last row, in a form that sorts like the column (e.g. RFC 3339 with
    /// microseconds for timestamps).
    pub key: String,
    /// The last row's id, which breaks ties.
    pub id: Uuid,
}

impl Keyset {
    /// The opaque cursor for this position in listing `ordering`.
    pub fn encode(&self, ordering: &str) -> Cursor {
        Cursor::from_client(format!(
            "{ordering}.{}.{}",
            hex::encode(self.key.as_bytes()),
            self.id.simple()
        ))
    }

    /// Reads a cursor issued by [`Keyset::encode`] for the same `ordering`.
    ///
    /// # Errors
    /// `InvalidCursor` for anything else.
    pub fn decode(cursor: &Cursor, ordering: &str) -> RepositoryResult<Self> {
        let mut parts = cursor.as_str().splitn(3, '.');
        let (Some(found), Some(key), Some(id)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(RepositoryError::InvalidCursor);
        };
        if found != ordering {
            return Err(RepositoryError::InvalidCursor);
        }
        let key = hex::decode(key)
            .ok()
            .and_then(|bytes| String::from_utf8(bytes).ok());
        match (key, Uuid::try_parse(id)) {
            (Some(key), Ok(id)) => Ok(Self { key, id }),
            _ => Err(RepositoryError::InvalidCursor),
        }
    }
}

/// Keeps the first `limit` of `rows` (fetched with `limit + 1`) and, if there were more, the
/// cursor of the last kept row.
pub(crate) fn page<T>(
    mut rows: Vec<T>,
    limit: u32,
    ordering: &str,
    keyset: impl Fn(&T) -> Keyset,
) -> Page<T> {
    let limit = limit as usize;
    let more = rows.len() > limit;
    rows.truncate(limit);
    let next_cursor = if more {
        rows.last().map(|row| keyset(row).encode(ordering))
    } else {
        None
    };
    Page {
        items: rows,
        next_cursor,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_round_trips_and_names_its_ordering() {
        let keyset = Keyset {
            key: "Şişli OSGB.x".into(),
            id: Uuid::now_v7(),
        };
        let cursor = keyset.encode("companies_by_name");
        assert_eq!(
            Keyset::decode(&cursor, "companies_by_name").unwrap(),
            keyset
        );
        assert_eq!(
            Keyset::decode(&cursor, "invoices_newest"),
            Err(RepositoryError::InvalidCursor)
        );
    }

    #[test]
    fn foreign_cursors_are_invalid() {
        for text in [
            "",
            "x",
            "a.b.c",
            "companies_by_name.zz.0",
            "companies_by_name.6162.not-a-uuid",
        ] {
            let cursor = Cursor::from_client(text);
            assert_eq!(
                Keyset::decode(&cursor, "companies_by_name"),
                Err(RepositoryError::InvalidCursor),
                "{text}"
            );
        }
    }

    #[test]
    fn page_keeps_limit_rows_and_points_after_the_last() {
        let ids: Vec<Uuid> = (0..3).map(|_| Uuid::now_v7()).collect();
        let keyset = |id: &Uuid| Keyset {
            key: String::new(),
            id: *id,
        };
        let first = page(ids.clone(), 2, "o", keyset);
        assert_eq!(first.items, ids[..2]);
        let next = Keyset::decode(first.next_cursor.as_ref().unwrap(), "o").unwrap();
        assert_eq!(next.id, ids[1]);
        let last = page(ids[2..].to_vec(), 2, "o", keyset);
        assert_eq!(last.next_cursor, None);
    }
}
