use super::*;

fn path(p: &str) -> PagePath {
    PagePath::parse(p).unwrap()
}

fn page(p: &str, body: &str) -> SitePage {
    SitePage::new(path(p), format!("title of {p}"), body.to_owned())
}

fn required_pages() -> Vec<SitePage> {
    REQUIRED_PAGES
        .iter()
        .map(|p| page(p, "<!DOCTYPE html><p>x</p>"))
        .collect()
}

fn planned(p: &str) -> PlannedPage {
    PlannedPage {
        path: path(p),
        title: p.to_owned(),
        purpose: String::new(),
    }
}

#[test]
fn page_paths_are_flat_html_file_names() {
    for ok in [
        "index.html",
        "a.html",
        "0-sss_2.html",
        &format!("{}.html", "a".repeat(59)),
    ] {
        assert_eq!(PagePath::parse(ok).unwrap().as_str(), ok);
    }
    for bad in [
        "",
        ".html",
        "index",
        "index.htm",
        "Index.html",
        "-a.html",
        "_a.html",
        "../index.html",
        "a/b.html",
        "a b.html",
        "ş.html",
        "index.html.html.",
        &format!("{}.html", "a".repeat(60)),
    ] {
        assert_eq!(
            PagePath::parse(bad),
            Err(InvalidSite::BadPath(bad.to_owned())),
            "{bad}"
        );
    }
    assert_eq!(
        path("index.html").content_type(),
        "text/html; charset=utf-8"
    );
    assert_eq!(path("index.html").to_string(), "index.html");
}

#[test]
fn a_site_of_the_required_pages_is_valid() {
    let mut pages = required_pages();
    pages.push(page("sss.html", "<p>SSS</p>"));
    let site = GeneratedSite::assemble(pages.clone()).unwrap();
    assert_eq!(site.pages(), pages.as_slice());
    assert_eq!(site.page("sss.html").unwrap().body(), "<p>SSS</p>");
    assert_eq!(site.page("sss.html").unwrap().title(), "title of sss.html");
    assert_eq!(
        site.page("index.html").unwrap().content_type(),
        HTML_CONTENT_TYPE
    );
    assert!(site.page("yok.html").is_none());
    assert_eq!(site.total_bytes(), 4 * 23 + 10);
    assert_eq!(site.into_pages(), pages);
}

#[test]
fn each_required_page_must_be_present() {
    for (i, missing) in REQUIRED_PAGES.into_iter().enumerate() {
        let mut pages = required_pages();
        pages.remove(i);
        pages.push(page("sss.html", "x"));
        assert_eq!(
            GeneratedSite::assemble(pages),
            Err(InvalidSite::MissingPage(missing))
        );
    }
    assert_eq!(
        GeneratedSite::assemble(Vec::new()),
        Err(InvalidSite::MissingPage("index.html"))
    );
}

#[test]
fn paths_are_unique() {
    let mut pages = required_pages();
    pages.push(page("hakkimizda.html", "again"));
    assert_eq!(
        GeneratedSite::assemble(pages),
        Err(InvalidSite::DuplicatePage(path("hakkimizda.html")))
    );
}

#[test]
fn pages_are_counted() {
    let mut pages = required_pages();
    for i in 0..MAX_PAGES - 4 {
        pages.push(page(&format!("p{i}.html"), "x"));
    }
    assert!(GeneratedSite::assemble(pages.clone()).is_ok());
    pages.push(page("one-too-many.html", "x"));
    assert_eq!(
        GeneratedSite::assemble(pages),
        Err(InvalidSite::TooManyPages {
            count: 21,
            max: MAX_PAGES
        })
    );
}

#[test]
fn blank_titles_and_bodies_are_refused() {
    for (title, body) in [("Başlık", ""), ("Başlık", " \n\t"), ("  ", "<p>x</p>")] {
        let mut pages = required_pages();
        pages[2] = SitePage::new(path("hakkimizda.html"), title.to_owned(), body.to_owned());
        assert_eq!(
            GeneratedSite::assemble(pages),
            Err(InvalidSite::EmptyPage(path("hakkimizda.html"))),
            "{title:?} {body:?}"
        );
    }
}

#[test]
fn bodies_are_capped() {
    let mut pages = required_pages();
    pages[1] = page("hizmetler.html", &"ç".repeat(MAX_PAGE_BYTES / 2));
    assert!(GeneratedSite::assemble(pages.clone()).is_ok());
    pages[1] = page("hizmetler.html", &"a".repeat(MAX_PAGE_BYTES + 1));
    assert_eq!(
        GeneratedSite::assemble(pages),
        Err(InvalidSite::PageTooLarge {
            path: path("hizmetler.html"),
            bytes: MAX_PAGE_BYTES + 1,
            max: MAX_PAGE_BYTES
        })
    );
}

#[test]
fn plans_follow_the_same_path_rules() {
    let mut pages: Vec<_> = REQUIRED_PAGES.into_iter().map(planned).collect();
    let plan = SitePlan::new(pages.clone()).unwrap();
    assert_eq!(plan.pages(), pages.as_slice());
    pages.push(planned("index.html"));
    assert_eq!(
        SitePlan::new(pages),
        Err(InvalidSite::DuplicatePage(path("index.html")))
    );
    assert_eq!(
        SitePlan::new(vec![planned("index.html")]),
        Err(InvalidSite::MissingPage("hizmetler.html"))
    );
}
