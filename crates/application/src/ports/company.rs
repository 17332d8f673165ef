//! [`CompanyRepository`]: tenants and their details, listing and search (access pattern 4).

use async_trait::async_trait;
use prosektor_domain::{
    Company, CompanyDetails, CompanyId, CompanyStatus, DomainError, DomainResult, ValidationReason,
};

use super::error::RepositoryResult;
use super::page::{Page, PageRequest};
use super::scope::TenantScope;

/// A company search's text: trimmed, 1 to 100 characters, no control characters. Matched as a
/// prefix or infix of the name or the tax id, ignoring case and Turkish letters; `%` and `_` are
/// literal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchText(String);

impl SearchText {
    /// The longest search text.
    pub const MAX_CHARS: usize = 100;

    /// Validates a search text.
    ///
    /// # Errors
    /// [`DomainError::Validation`] on field `q`: `Empty`, `TooLong`, or `Format` (a control
    /// character).
    pub fn parse(text: &str) -> DomainResult<Self> {
        let text = text.trim();
        if text.is_empty() {
            return Err(DomainError::invalid("q", ValidationReason::Empty));
        }
        if text.chars().any(char::is_control) {
            return Err(DomainError::invalid("q", ValidationReason::Format));
        }
        if text.chars().count() > Self::MAX_CHARS {
            return Err(DomainError::invalid(
                "q",
                ValidationReason::TooLong {
                    max: Self::MAX_CHARS,
                },
            ));
        }
        Ok(Self(text.to_owned()))
    }

    /// The text as typed (trimmed).
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The independently edited parts of a company's details.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DetailsPart {
    /// Address, city, contact email and phone (the company's own clients may edit these).
    Contact,
    /// Danger class and NACE code (admins only).
    Classification,
}

/// Stores companies (the tenants) and their one-to-one details.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait CompanyRepository: Send + Sync {
    /// Stores a new company with its details, atomically.
    ///
    /// # Errors
    /// `Conflict(TaxIdTaken)`; `Unavailable`.
    async fn create(&self, company: &Company, details: &CompanyDetails) -> RepositoryResult<()>;

    /// The company `id`, if visible in `scope`.
    ///
    /// # Errors
    /// `NotFound` (also outside `scope`); `Corrupt`; `Unavailable`.
    async fn get(&self, scope: TenantScope, id: CompanyId) -> RepositoryResult<Company>;

    /// Saves name, tax id and status, if the stored status is still `expected` (so that of two
    /// concurrent status changes exactly one wins).
    ///
    /// # Errors
    /// `NotFound`; `Conflict(StaleState)` when the status changed meanwhile; `Conflict(TaxIdTaken)`;
    /// `Unavailable`.
    async fn save(&self, company: &Company, expected: CompanyStatus) -> RepositoryResult<()>;

    /// The details of company `id`, if visible in `scope`.
    ///
    /// # Errors
    /// `NotFound`; `Corrupt`; `Unavailable`.
    async fn get_details(
        &self,
        scope: TenantScope,
        id: CompanyId,
    ) -> RepositoryResult<CompanyDetails>;

    /// Saves one part of the details of their company (only that part's columns are written, so
    /// a client's contact change and an admin's classification change made at the same moment
    /// both survive).
    ///
    /// # Errors
    /// `NotFound` when the company does not exist; `Unavailable`.
    async fn save_details(
        &self,
        details: &CompanyDetails,
        part: DetailsPart,
    ) -> RepositoryResult<()>;

    /// Companies in `scope`, by name then id.
    ///
    /// # Errors
    /// `InvalidCursor`; `Corrupt`; `Unavailable`.
    async fn list(&self, scope: TenantScope, page: &PageRequest)
    -> RepositoryResult<Page<Company>>;

    /// Companies whose name or tax id starts with or contains `text` (case- and
    /// Turkish-letter-insensitive), by name then id.
    ///
    /// # Errors
    /// `InvalidCursor`; `Corrupt`; `Unavailable`.
    async fn search(
        &self,
        text: &SearchText,
        page: &PageRequest,
    ) -> RepositoryResult<Page<Company>>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_text_is_trimmed_and_bounded() {
        assert_eq!(SearchText::parse("  şişli ").unwrap().as_str(), "şişli");
        assert!(SearchText::parse("   ").is_err());
        assert!(SearchText::parse(&"a".repeat(101)).is_err());
        assert!(SearchText::parse("50%_off").is_ok());
        assert!(SearchText::parse("a\0b").is_err());
    }
}
