//! Keyset pagination: a [`PageRequest`] in, a [`Page`] out, with an opaque [`Cursor`] between them.

use prosektor_domain::{DomainError, DomainResult, ValidationReason};

/// Where the previous page ended. Opaque: issued by a repository, handed back unchanged.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Cursor(String);

impl Cursor {
    /// Wraps a cursor received from a client (validated by the repository that reads it).
    pub fn from_client(text: impl Into<String>) -> Self {
        Self(text.into())
    }

    /// The cursor's text, to return to clients.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// One page's worth: at most `limit` items after `cursor`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageRequest {
    limit: u32,
    cursor: Option<Cursor>,
}

impl PageRequest {
    /// The largest page.
    pub const MAX_LIMIT: u32 = 100;
    /// The page size when the client gives none.
    pub const DEFAULT_LIMIT: u32 = 20;

    /// A request for `limit` items (1..=100) after `cursor` (the first page when `None`).
    ///
    /// # Errors
    /// [`DomainError::Validation`] on field `limit`, `OutOfRange`.
    pub fn new(limit: u32, cursor: Option<Cursor>) -> DomainResult<Self> {
        if !(1..=Self::MAX_LIMIT).contains(&limit) {
            return Err(DomainError::invalid("limit", ValidationReason::OutOfRange));
        }
        Ok(Self { limit, cursor })
    }

    /// The first page of the default size.
    pub fn first() -> Self {
        Self {
            limit: Self::DEFAULT_LIMIT,
            cursor: None,
        }
    }

    /// At most this many items.
    pub const fn limit(&self) -> u32 {
        self.limit
    }

    /// Items after this cursor; `None` for the first page.
    pub const fn cursor(&self) -> Option<&Cursor> {
        self.cursor.as_ref()
    }
}

/// A page of items and, when more may follow, the cursor of the next page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    /// The items, in the listing's order.
    pub items: Vec<T>,
    /// The cursor of the next page; `None` on the last page.
    pub next_cursor: Option<Cursor>,
}

impl<T> Page<T> {
    /// Transforms every item, keeping the cursor.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            next_cursor: self.next_cursor,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_outside_one_to_a_hundred_are_refused() {
        assert!(PageRequest::new(0, None).is_err());
        assert!(PageRequest::new(101, None).is_err());
        assert_eq!(PageRequest::new(100, None).unwrap().limit(), 100);
        assert_eq!(PageRequest::first().limit(), 20);
    }
}
