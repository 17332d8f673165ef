//! The one layout every page shares: an HTML5 document with a strict Content-Security-Policy
//! (no scripts, nothing loaded from elsewhere), a small inline stylesheet, the navigation between
//! the four pages and a footer.

use prosektor_application::SiteBrief;

use super::Page;
use super::html::Html;

/// The stylesheet, inline so that the site loads nothing from elsewhere.
const STYLE: &str = "\
body{margin:0;font-family:system-ui,-apple-system,\"Segoe UI\",sans-serif;color:#1f2933;\
background:#f7f9fb;line-height:1.6}\
header{background:#0b4f6c;color:#fff;padding:1rem 1.5rem}\
header .brand{margin:0;font-size:1.4rem;font-weight:700}\
nav ul{list-style:none;margin:.5rem 0 0;padding:0;display:flex;flex-wrap:wrap;gap:1rem}\
nav a{color:#fff;text-decoration:none}\
nav a[aria-current=page]{text-decoration:underline}\
main{max-width:48rem;margin:0 auto;padding:1.5rem}\
section{background:#fff;border-radius:.5rem;padding:1rem 1.25rem;margin:1rem 0}\
dt{font-weight:700}dd{margin:0 0 .5rem}\
footer{text-align:center;color:#52606d;font-size:.9rem;padding:1rem}";

/// The whole document for `page`, with `body` inside `<main>`.
pub(super) fn document(brief: &SiteBrief, page: Page, body: &Html) -> String {
    let company = brief.company_name.as_str();
    let mut html = Html::new();
    html.raw("<!DOCTYPE html>\n<html lang=\"tr\">\n<head>\n<meta charset=\"utf-8\">\n")
        .raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .raw("<meta http-equiv=\"Content-Security-Policy\" ")
        .raw("content=\"default-src 'none'; style-src 'unsafe-inline'\">\n")
        .raw("<meta name=\"description\" content=\"")
        .text(company)
        .raw(" — iş sağlığı ve güvenliği hizmetleri\">\n<title>")
        .text(page.title())
        .raw(" | ")
        .text(company)
        .raw("</title>\n<style>")
        .raw(STYLE)
        .raw("</style>\n</head>\n<body>\n<header>\n<p class=\"brand\">")
        .text(company)
        .raw("</p>\n<nav aria-label=\"Ana menü\">\n<ul>\n");
    for item in Page::ALL {
        html.raw("<li><a href=\"").text(item.path());
        if item == page {
            html.raw("\" aria-current=\"page");
        }
        html.raw("\">").text(item.title()).raw("</a></li>\n");
    }
    html.raw("</ul>\n</nav>\n</header>\n<main>\n")
        .append(body)
        .raw("</main>\n<footer>\n<p>© ")
        .text(company);
    if let Some(domain) = &brief.domain {
        html.raw(" · ").text(domain.as_str());
    }
    html.raw("</p>\n</footer>\n</body>\n</html>\n");
    html.into_string()
}
