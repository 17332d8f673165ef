//! The website a pipeline run generates for a project: [`PagePath`]s, the [`SitePlan`] a
//! generator makes, the [`SitePage`]s it produces and the validated [`GeneratedSite`], with the
//! rules every site must keep whichever generator made it (a template, a language model).

use std::collections::HashSet;
use std::fmt;

/// The pages every site has, in navigation order: home, services, about, contact.
pub const REQUIRED_PAGES: [&str; 4] = [
    "index.html",
    "hizmetler.html",
    "hakkimizda.html",
    "iletisim.html",
];
/// The most pages a site (or a plan) may have.
pub const MAX_PAGES: usize = 20;
/// The largest page body, in bytes of UTF-8.
pub const MAX_PAGE_BYTES: usize = 256 * 1024;
/// The content type of an `.html` page.
pub const HTML_CONTENT_TYPE: &str = "text/html; charset=utf-8";
/// The longest page path, in bytes.
const MAX_PATH_BYTES: usize = 64;

/// Why a plan or a site was refused. Messages are for logs.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidSite {
    /// A path is not a flat `name.html` file name (see [`PagePath`]).
    #[error("invalid page path {0:?}")]
    BadPath(String),
    /// A page of [`REQUIRED_PAGES`] is missing.
    #[error("required page {0} is missing")]
    MissingPage(&'static str),
    /// Two pages share a path.
    #[error("page {0} appears more than once")]
    DuplicatePage(PagePath),
    /// More than [`MAX_PAGES`] pages.
    #[error("{count} pages, at most {max} allowed")]
    TooManyPages {
        /// How many pages there were.
        count: usize,
        /// [`MAX_PAGES`].
        max: usize,
    },
    /// A page's title or body is blank.
    #[error("page {0} has an empty title or body")]
    EmptyPage(PagePath),
    /// A page's body is over [`MAX_PAGE_BYTES`].
    #[error("page {path} has {bytes} bytes, at most {max} allowed")]
    PageTooLarge {
        /// The page.
        path: PagePath,
        /// Its body's size in bytes.
        bytes: usize,
        /// [`MAX_PAGE_BYTES`].
        max: usize,
    },
}

/// A page's path inside the site: a flat file name, 1..=64 bytes, lower-case ASCII letters and
/// digits, then `-` or `_` too, ending in `.html` (`index.html`). No directories, so a generator
/// can never name a file outside the site.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PagePath(String);

impl PagePath {
    /// Checks the shape described on the type.
    ///
    /// # Errors
    /// [`InvalidSite::BadPath`] for any other shape.
    pub fn parse(input: &str) -> Result<Self, InvalidSite> {
        let stem = input.strip_suffix(".html").unwrap_or_default();
        let starts_well = stem
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
        let rest_ok = stem
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
        if input.len() > MAX_PATH_BYTES || !starts_well || !rest_ok {
            return Err(InvalidSite::BadPath(input.to_owned()));
        }
        Ok(Self(input.to_owned()))
    }

    /// The path, `index.html`.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The content type the page is served with (every path is `.html`).
    #[must_use]
    pub const fn content_type(&self) -> &'static str {
        HTML_CONTENT_TYPE
    }
}

impl fmt::Display for PagePath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// One entry of a [`SitePlan`]: a page to generate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedPage {
    /// Where the page goes.
    pub path: PagePath,
    /// Its title, shown in the navigation and `<title>`.
    pub title: String,
    /// What the page is for, in a sentence (a model-backed generator's instruction; the
    /// built-in generator only records it).
    pub purpose: String,
}

/// The site map: the pages to generate, in navigation order. Always holds [`REQUIRED_PAGES`],
/// each path once, at most [`MAX_PAGES`] pages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SitePlan {
    pages: Vec<PlannedPage>,
}

impl SitePlan {
    /// A plan of `pages`, in this order.
    ///
    /// # Errors
    /// `TooManyPages`, `DuplicatePage`, `MissingPage`.
    pub fn new(pages: Vec<PlannedPage>) -> Result<Self, InvalidSite> {
        check_paths(pages.iter().map(|page| &page.path))?;
        Ok(Self { pages })
    }

    /// The planned pages, in navigation order.
    #[must_use]
    pub fn pages(&self) -> &[PlannedPage] {
        &self.pages
    }
}

/// One generated page: an HTML document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SitePage {
    path: PagePath,
    title: String,
    body: String,
}

impl SitePage {
    /// A page at `path` titled `title` whose whole document is `body`. Checked by
    /// [`GeneratedSite::assemble`], not here.
    #[must_use]
    pub const fn new(path: PagePath, title: String, body: String) -> Self {
        Self { path, title, body }
    }

    /// Where the page goes.
    #[must_use]
    pub const fn path(&self) -> &PagePath {
        &self.path
    }

    /// The page's title.
    #[must_use]
    pub fn title(&self) -> &str {
        &self.title
    }

    /// The whole HTML document.
    #[must_use]
    pub fn body(&self) -> &str {
        &self.body
    }

    /// The content type to serve the page with.
    #[must_use]
    pub const fn content_type(&self) -> &'static str {
        self.path.content_type()
    }
}

/// A whole site that passed validation: [`REQUIRED_PAGES`] present, paths unique, at most
/// [`MAX_PAGES`] pages, every title and body non-blank and every body at most [`MAX_PAGE_BYTES`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedSite {
    pages: Vec<SitePage>,
}

impl GeneratedSite {
    /// Validates `pages` as a site (the rules on the type) and keeps their order.
    ///
    /// # Errors
    /// `TooManyPages`, `DuplicatePage`, `MissingPage`, `EmptyPage`, `PageTooLarge`; the first
    /// broken rule, in that order.
    pub fn assemble(pages: Vec<SitePage>) -> Result<Self, InvalidSite> {
        check_paths(pages.iter().map(SitePage::path))?;
        for page in &pages {
            if page.title.trim().is_empty() || page.body.trim().is_empty() {
                return Err(InvalidSite::EmptyPage(page.path.clone()));
            }
            if page.body.len() > MAX_PAGE_BYTES {
                return Err(InvalidSite::PageTooLarge {
                    path: page.path.clone(),
                    bytes: page.body.len(),
                    max: MAX_PAGE_BYTES,
                });
            }
        }
        Ok(Self { pages })
    }

    /// The pages, in navigation order.
    #[must_use]
    pub fn pages(&self) -> &[SitePage] {
        &self.pages
    }

    /// The page at `path`, if any.
    #[must_use]
    pub fn page(&self, path: &str) -> Option<&SitePage> {
        self.pages.iter().find(|page| page.path.as_str() == path)
    }

    /// The size of all bodies together, in bytes.
    #[must_use]
    pub fn total_bytes(&self) -> usize {
        self.pages.iter().map(|page| page.body.len()).sum()
    }

    /// The pages, for storing.
    #[must_use]
    pub fn into_pages(self) -> Vec<SitePage> {
        self.pages
    }
}

/// The path rules plans and sites share: page count, uniqueness, required pages.
fn check_paths<'a>(paths: impl ExactSizeIterator<Item = &'a PagePath>) -> Result<(), InvalidSite> {
    let count = paths.len();
    if count > MAX_PAGES {
        return Err(InvalidSite::TooManyPages {
            count,
            max: MAX_PAGES,
        });
    }
    let mut seen = HashSet::with_capacity(count);
    for path in paths {
        if !seen.insert(path.as_str()) {
            return Err(InvalidSite::DuplicatePage(path.clone()));
        }
    }
    match REQUIRED_PAGES.into_iter().find(|r| !seen.contains(r)) {
        Some(missing) => Err(InvalidSite::MissingPage(missing)),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests;
