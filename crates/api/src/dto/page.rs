//! [`PageDto`]: one page of a keyset-paginated listing on the wire, for every resource.

use poem_openapi::Object;
use poem_openapi::types::{ParseFromJSON, ToJSON};
use prosektor_application::Page;

use crate::pagination::next_cursor;

/// One page of a listing. Pass `next_cursor` back as `cursor` to read the next page; it is absent
/// on the last page.
#[derive(Debug, Clone, Object)]
#[oai(rename = "Page")]
pub struct PageDto<T: ParseFromJSON + ToJSON> {
    /// The items, in the listing's order.
    pub items: Vec<T>,
    /// The cursor of the next page (opaque); absent on the last page.
    pub next_cursor: Option<String>,
}

impl<T: ParseFromJSON + ToJSON> PageDto<T> {
    /// The wire page of `page`, each item converted with `convert`.
    pub fn from_page<D>(page: Page<D>, convert: impl FnMut(D) -> T) -> Self {
        let page = page.map(convert);
        Self {
            items: page.items,
            next_cursor: next_cursor(page.next_cursor),
        }
    }
}
