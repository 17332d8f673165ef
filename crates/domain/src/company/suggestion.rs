//! [`CompanySuggestion`]: what autocomplete offers for a typed prefix.

use super::CompanyName;
use crate::ids::CompanyId;

/// One company offered by autocomplete: its id and name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompanySuggestion {
    /// The company.
    pub id: CompanyId,
    /// Its name.
    pub name: CompanyName,
}
