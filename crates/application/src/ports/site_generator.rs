//! [`SiteGenerator`]: turns a company's and project's data ([`SiteBrief`]) into a small static
//! website, in two phases, so that a pipeline worker can log a line per step and any generator —
//! the built-in deterministic one (`prosektor-site-generator`'s `TemplateSiteGenerator`) or a
//! language-model-backed one added later — fits the same shape:
//!
//! 1. [`plan`](SiteGenerator::plan) the site map ([`SitePlan`], which always holds the four
//!    required pages of
//!    [`REQUIRED_PAGES`](prosektor_domain::site::REQUIRED_PAGES));
//! 2. [`generate_page`](SiteGenerator::generate_page) once per [`PlannedPage`];
//! 3. the worker assembles the [`SitePage`]s with
//!    [`GeneratedSite::assemble`](prosektor_domain::GeneratedSite::assemble), which validates
//!    the whole site whatever produced it.
//!
//! Generators return HTML the worker stores and the API serves as is: they are responsible for
//! escaping every value of the brief they put into markup.

use async_trait::async_trait;
use prosektor_domain::{
    Address, City, Company, CompanyDetails, CompanyName, DangerClass, DomainName, Email,
    InvalidSite, NaceCode, PagePath, Phone, PlannedPage, ProjectName, SitePage, SitePlan,
    WebProject,
};

/// Everything a generator may use about the site to build: the company, its details and the
/// project. Every field is an already-validated domain value; optional details stay optional and
/// generators must render sensibly without them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteBrief {
    /// The company's name.
    pub company_name: CompanyName,
    /// The city the company works in.
    pub city: Option<City>,
    /// The company's postal address.
    pub address: Option<Address>,
    /// The legal danger class of the company's workplaces.
    pub danger_class: Option<DangerClass>,
    /// The company's NACE activity code.
    pub nace_code: Option<NaceCode>,
    /// The public contact e-mail address.
    pub contact_email: Option<Email>,
    /// The public contact phone number (E.164).
    pub contact_phone: Option<Phone>,
    /// The web project's name.
    pub project_name: ProjectName,
    /// The domain the site will be published under, if known.
    pub domain: Option<DomainName>,
}

impl SiteBrief {
    /// The brief for `project`, a project of `company`, whose details are `details`.
    ///
    /// # Errors
    /// [`GeneratorError::InvalidBrief`] when `details` or `project` belong to another company.
    pub fn new(
        company: &Company,
        details: &CompanyDetails,
        project: &WebProject,
    ) -> Result<Self, GeneratorError> {
        if details.company_id != company.id() {
            return Err(GeneratorError::InvalidBrief(
                "the details belong to another company".to_owned(),
            ));
        }
        if project.company_id() != company.id() {
            return Err(GeneratorError::InvalidBrief(
                "the project belongs to another company".to_owned(),
            ));
        }
        Ok(Self {
            company_name: company.name().clone(),
            city: details.city.clone(),
            address: details.address.clone(),
            danger_class: details.danger_class,
            nace_code: details.nace_code.clone(),
            contact_email: details.contact_email.clone(),
            contact_phone: details.contact_phone.clone(),
            project_name: project.name().clone(),
            domain: project.domain().cloned(),
        })
    }
}

/// Why a generator could not plan or produce a page. Messages are for logs and the run's `error`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GeneratorError {
    /// The brief cannot be used (its parts do not belong together). Retrying will not help.
    #[error("invalid site brief: {0}")]
    InvalidBrief(String),
    /// `generate_page` was asked for a page this generator cannot produce. Retrying will not help.
    #[error("the generator cannot produce page {0}")]
    UnknownPage(PagePath),
    /// The generator produced an invalid plan or page. Retrying may help a non-deterministic
    /// generator, never a deterministic one.
    #[error("the generator produced an invalid site: {0}")]
    InvalidOutput(#[from] InvalidSite),
    /// The generator's backend (a model API, say) failed or timed out. Retrying may help.
    #[error("site generator unavailable: {0}")]
    Unavailable(String),
}

impl GeneratorError {
    /// Whether running the step again could succeed: `true` for [`Unavailable`](Self::Unavailable)
    /// only. A worker may use this to fail a run at once instead of retrying it.
    #[must_use]
    pub const fn is_transient(&self) -> bool {
        matches!(self, Self::Unavailable(_))
    }
}

/// Produces a static website from a [`SiteBrief`]: first the site map, then each page.
///
/// Implementations must be safe to call again for the same brief (a retried run plans and
/// generates afresh) and must HTML-escape every value of the brief they put into a page.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait SiteGenerator: Send + Sync {
    /// A short, stable name for logs and the run's record (`"template"`, `"llm:<model>"`).
    fn name(&self) -> &str;

    /// Plans the site map: which pages to generate, in which order.
    ///
    /// # Errors
    /// `InvalidBrief`; `InvalidOutput` when the plan the generator came up with is not a valid
    /// [`SitePlan`]; `Unavailable`.
    async fn plan(&self, brief: &SiteBrief) -> Result<SitePlan, GeneratorError>;

    /// Generates one page of a plan this generator made for `brief`. The page's path must be
    /// `page.path`.
    ///
    /// # Errors
    /// `UnknownPage` when this generator cannot produce `page`; `InvalidBrief`; `InvalidOutput`;
    /// `Unavailable`.
    async fn generate_page(
        &self,
        brief: &SiteBrief,
        page: &PlannedPage,
    ) -> Result<SitePage, GeneratorError>;
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};
    use prosektor_domain::{CompanyId, ProjectId};

    use super::*;

    fn company() -> Company {
        let at = Utc.with_ymd_and_hms(2024, 1, 2, 3, 4, 5).unwrap();
        Company::new(
            CompanyId::new_v7(),
            CompanyName::parse("Şişli OSGB").unwrap(),
            None,
            at,
        )
    }

    fn project(company_id: CompanyId) -> WebProject {
        WebProject::new(
            ProjectId::new_v7(),
            company_id,
            ProjectName::parse("Kurumsal Site").unwrap(),
            Some(DomainName::parse("sisli-osgb.com.tr").unwrap()),
            Utc.with_ymd_and_hms(2024, 1, 2, 3, 4, 5).unwrap(),
        )
    }

    #[test]
    fn brief_copies_company_details_and_project() {
        let company = company();
        let mut details = CompanyDetails::empty(company.id());
        details.city = Some(City::parse("İstanbul").unwrap());
        details.address = Some(Address::parse("Halaskargazi Cad. 1").unwrap());
        details.danger_class = Some(DangerClass::Dangerous);
        details.nace_code = Some(NaceCode::parse("86.21").unwrap());
        details.contact_email = Some(Email::parse("info@sisli.com.tr").unwrap());
        details.contact_phone = Some(Phone::parse("0532 123 45 67").unwrap());
        let brief = SiteBrief::new(&company, &details, &project(company.id())).unwrap();
        assert_eq!(brief.company_name.as_str(), "Şişli OSGB");
        assert_eq!(brief.city.unwrap().as_str(), "İstanbul");
        assert_eq!(brief.address.unwrap().as_str(), "Halaskargazi Cad. 1");
        assert_eq!(brief.danger_class, Some(DangerClass::Dangerous));
        assert_eq!(brief.nace_code.unwrap().as_str(), "86.21");
        assert_eq!(brief.contact_email.unwrap().as_str(), "info@sisli.com.tr");
        assert_eq!(brief.contact_phone.unwrap().as_str(), "+905321234567");
        assert_eq!(brief.project_name.as_str(), "Kurumsal Site");
        assert_eq!(brief.domain.unwrap().as_str(), "sisli-osgb.com.tr");
    }

    #[test]
    fn brief_refuses_parts_of_other_companies() {
        let company = company();
        let other = CompanyId::new_v7();
        let details = CompanyDetails::empty(company.id());
        assert_eq!(
            SiteBrief::new(
                &company,
                &CompanyDetails::empty(other),
                &project(company.id())
            ),
            Err(GeneratorError::InvalidBrief(
                "the details belong to another company".to_owned()
            ))
        );
        assert_eq!(
            SiteBrief::new(&company, &details, &project(other)),
            Err(GeneratorError::InvalidBrief(
                "the project belongs to another company".to_owned()
            ))
        );
    }

    #[test]
    fn only_unavailability_is_transient() {
        let path = PagePath::parse("sss.html").unwrap();
        assert!(GeneratorError::Unavailable("timeout".to_owned()).is_transient());
        assert!(!GeneratorError::InvalidBrief(String::new()).is_transient());
        assert!(!GeneratorError::UnknownPage(path.clone()).is_transient());
        assert!(!GeneratorError::from(InvalidSite::EmptyPage(path)).is_transient());
        assert_eq!(
            GeneratorError::from(InvalidSite::MissingPage("index.html")).to_string(),
            "the generator produced an invalid site: required page index.html is missing"
        );
    }
}
