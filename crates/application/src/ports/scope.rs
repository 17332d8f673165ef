//! [`TenantScope`]: which companies' rows a query may see.

use prosektor_domain::CompanyId;

/// The rows a read may return: everything (platform staff) or one company's (a client). A row
/// outside the scope is reported exactly like a missing one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TenantScope {
    /// Every company's rows (an `ADMIN`).
    All,
    /// Only this company's rows (a `CLIENT`).
    Company(CompanyId),
}

impl TenantScope {
    /// Whether a row of `company` is visible in this scope.
    pub fn allows(self, company: CompanyId) -> bool {
        match self {
            Self::All => true,
            Self::Company(own) => own == company,
        }
    }

    /// The company this scope is limited to, if any.
    pub const fn company(self) -> Option<CompanyId> {
        match self {
            Self::All => None,
            Self::Company(company) => Some(company),
        }
    }
}
