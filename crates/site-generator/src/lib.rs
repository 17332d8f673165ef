//! # prosektor-site-generator
//!
//! The built-in adapter of the application's [`SiteGenerator`] port: [`TemplateSiteGenerator`],
//! which renders a small Turkish OSGB website from fixed templates. Pure Rust, no IO, no clock, no
//! randomness: the same brief always gives byte-identical pages.
//!
//! May depend on: `prosektor-domain`, `prosektor-application` (the port it implements) and plain
//! Rust crates. Never on another adapter; only the server's composition root names it.
//!
//! - `html`: the escaping builder every template writes through.
//! - `layout`: the one page layout (document head, navigation, footer) around every body.
//! - `pages`: the four page bodies and the legal figures per danger class.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod html;
mod layout;
mod pages;

use async_trait::async_trait;
use prosektor_application::{GeneratorError, SiteBrief, SiteGenerator};
use prosektor_domain::{PagePath, PlannedPage, SitePage, SitePlan};

/// The pages this generator knows, in navigation order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Page {
    Home,
    Services,
    About,
    Contact,
}

impl Page {
    const ALL: [Self; 4] = [Self::Home, Self::Services, Self::About, Self::Contact];

    const fn path(self) -> &'static str {
        match self {
            Self::Home => "index.html",
            Self::Services => "hizmetler.html",
            Self::About => "hakkimizda.html",
            Self::Contact => "iletisim.html",
        }
    }

    const fn title(self) -> &'static str {
        match self {
            Self::Home => "Ana Sayfa",
            Self::Services => "Hizmetler",
            Self::About => "Hakkımızda",
            Self::Contact => "İletişim",
        }
    }

    const fn purpose(self) -> &'static str {
        match self {
            Self::Home => "Firmayı ve sunduğu iş sağlığı ve güvenliği hizmetini tanıtır.",
            Self::Services => "OSGB hizmetlerini tehlike sınıfına göre yasal sürelerle anlatır.",
            Self::About => "Firmanın şehrini, faaliyet kodunu ve tehlike sınıfını verir.",
            Self::Contact => "Adres, telefon ve e-posta ile iletişim bilgilerini verir.",
        }
    }

    fn from_path(path: &PagePath) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|page| page.path() == path.as_str())
    }
}

/// The deterministic, template-based [`SiteGenerator`]: plans the four required pages
/// (`index.html`, `hizmetler.html`, `hakkimizda.html`, `iletisim.html`) and renders each as a
/// complete HTML5 document in Turkish, with inline CSS only, no scripts and no external
/// resources. Every value of the brief is HTML-escaped.
#[derive(Debug, Clone, Copy, Default)]
pub struct TemplateSiteGenerator;

impl TemplateSiteGenerator {
    /// The generator's [`name`](SiteGenerator::name).
    pub const NAME: &'static str = "template";

    /// The generator.
    #[must_use]
    pub const fn new() -> Self {
        Self
    }
}

#[async_trait]
impl SiteGenerator for TemplateSiteGenerator {
    fn name(&self) -> &str {
        Self::NAME
    }

    async fn plan(&self, _brief: &SiteBrief) -> Result<SitePlan, GeneratorError> {
        let pages = Page::ALL
            .into_iter()
            .map(|page| {
                Ok(PlannedPage {
                    path: PagePath::parse(page.path())?,
                    title: page.title().to_owned(),
                    purpose: page.purpose().to_owned(),
                })
            })
            .collect::<Result<Vec<_>, GeneratorError>>()?;
        Ok(SitePlan::new(pages)?)
    }

    async fn generate_page(
        &self,
        brief: &SiteBrief,
        page: &PlannedPage,
    ) -> Result<SitePage, GeneratorError> {
        let known = Page::from_path(&page.path)
            .ok_or_else(|| GeneratorError::UnknownPage(page.path.clone()))?;
        let body = match known {
            Page::Home => pages::home(brief),
            Page::Services => pages::services(brief),
            Page::About => pages::about(brief),
            Page::Contact => pages::contact(brief),
        };
        let document = layout::document(brief, known, &body);
        Ok(SitePage::new(
            page.path.clone(),
            known.title().to_owned(),
            document,
        ))
    }
}

#[cfg(test)]
mod tests;
