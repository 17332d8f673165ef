//! tmp
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod domain_name;
mod email;
mod enums;
mod error;
mod ids;
mod invoice;
mod money;
mod tax_id;
mod text;

pub use domain_name::DomainName;
pub use email::Email;
pub use error::{DomainError, DomainResult, ValidationReason};
pub use ids::{CompanyId, InvoiceId, ProjectId, RunId, StatsId, UserId};
pub use invoice::{Invoice, InvoiceAmounts, InvoiceNo, InvoiceParts, InvoiceStatus};
pub use money::{Money, TaxRate};
pub use tax_id::{TaxId, TaxIdKind};
