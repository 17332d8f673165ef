//! [`Buyer`]: who an invoice is made out to, as the buyer was when the invoice was created.

use crate::company::{Address, CompanyName};
use crate::tax_id::TaxId;

/// The buyer on an invoice: the company's legal name, tax id and address as they were when the
/// invoice was created. A Turkish invoice carries them, and they stay what they were: renaming
/// the company, or moving it, changes its later invoices only.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Buyer {
    /// The company's legal name.
    pub name: CompanyName,
    /// Its tax id (VKN or TCKN), when it had one.
    pub tax_id: Option<TaxId>,
    /// Its address, when it had one.
    pub address: Option<Address>,
}
