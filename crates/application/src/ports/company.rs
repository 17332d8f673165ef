//! [`CompanyRepository`]: tenants and their details, listing, search (access pattern 4) and
//! autocomplete.

use async_trait::async_trait;
use prosektor_domain::{
    Company, CompanyDetails, CompanyId, CompanyName, DomainError, DomainResult, RowVersion,
    ValidationReason,
};

use super::changes::{CompanyChanges, DetailsChanges};
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

    /// Applies `changes` to company `id` in one statement, writing only the fields they name, and
    /// answers the stored company. A status change applies only while the status is still its
    /// `from`; with `if_match`, nothing applies unless the version is still that one.
    ///
    /// # Errors
    /// `NotFound`; `PreconditionFailed` when `if_match` is not the stored version;
    /// `Conflict(StaleState)` when the status changed meanwhile; `Conflict(TaxIdTaken)`;
    /// `Corrupt`; `Unavailable`.
    async fn update(
        &self,
        id: CompanyId,
        changes: &CompanyChanges,
        if_match: Option<RowVersion>,
    ) -> RepositoryResult<Company>;

    /// The details of company `id`, if visible in `scope`.
    ///
    /// # Errors
    /// `NotFound`; `Corrupt`; `Unavailable`.
    async fn get_details(
        &self,
        scope: TenantScope,
        id: CompanyId,
    ) -> RepositoryResult<CompanyDetails>;

    /// Applies `changes` to company `id`'s details in one statement, writing only the fields they
    /// name (two concurrent changes of different fields both survive), and answers the stored
    /// details; with `if_match`, nothing applies unless the version is still that one.
    ///
    /// # Errors
    /// `NotFound` when the company does not exist; `PreconditionFailed`; `Corrupt`; `Unavailable`.
    async fn update_details(
        &self,
        id: CompanyId,
        changes: &DetailsChanges,
        if_match: Option<RowVersion>,
    ) -> RepositoryResult<CompanyDetails>;

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

    /// The first `limit` companies whose name starts with `prefix`, ignoring case and Turkish
    /// letters (`sis` finds `ŞİŞLİ OSGB`), in the order of their folded names, then ids:
    /// autocomplete, answered from one index range however many companies match.
    ///
    /// # Errors
    /// `Corrupt`; `Unavailable`.
    async fn autocomplete(
        &self,
        prefix: &SearchText,
        limit: u32,
    ) -> RepositoryResult<Vec<CompanySuggestion>>;
}

/// One company offered by autocomplete: its id and name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompanySuggestion {
    /// The company.
    pub id: CompanyId,
    /// Its name.
    pub name: CompanyName,
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
