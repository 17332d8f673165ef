use prosektor_domain::{
    Address, City, CompanyName, DangerClass, DomainName, Email, NaceCode, Phone, ProjectName,
};

use super::*;
use prosektor_domain::GeneratedSite;
use prosektor_domain::site::REQUIRED_PAGES;

fn brief() -> SiteBrief {
    SiteBrief {
        company_name: CompanyName::parse("Şişli OSGB & Partners").unwrap(),
        city: Some(City::parse("İstanbul").unwrap()),
        address: Some(Address::parse("Halaskargazi Cad. No:1 Şişli").unwrap()),
        danger_class: Some(DangerClass::Dangerous),
        nace_code: Some(NaceCode::parse("86.21.01").unwrap()),
        contact_email: Some(Email::parse("info@sisli-osgb.com.tr").unwrap()),
        contact_phone: Some(Phone::parse("0532 123 45 67").unwrap()),
        project_name: ProjectName::parse("Kurumsal Site").unwrap(),
        domain: Some(DomainName::parse("sisli-osgb.com.tr").unwrap()),
    }
}

/// A brief with only the required fields.
fn bare_brief() -> SiteBrief {
    SiteBrief {
        city: None,
        address: None,
        danger_class: None,
        nace_code: None,
        contact_email: None,
        contact_phone: None,
        domain: None,
        ..brief()
    }
}

/// Plans and generates every page, and assembles them as the worker will.
async fn generate(brief: &SiteBrief) -> GeneratedSite {
    let generator = TemplateSiteGenerator::new();
    let plan = generator.plan(brief).await.unwrap();
    let mut pages = Vec::new();
    for planned in plan.pages() {
        let page = generator.generate_page(brief, planned).await.unwrap();
        assert_eq!(page.path(), &planned.path);
        pages.push(page);
    }
    GeneratedSite::assemble(pages).unwrap()
}

fn body<'a>(site: &'a GeneratedSite, path: &str) -> &'a str {
    site.page(path).unwrap().body()
}

#[tokio::test]
async fn plans_the_four_required_pages_in_order() {
    let generator = TemplateSiteGenerator::new();
    assert_eq!(generator.name(), "template");
    let plan = generator.plan(&brief()).await.unwrap();
    let summary: Vec<_> = plan
        .pages()
        .iter()
        .map(|p| (p.path.as_str(), p.title.as_str()))
        .collect();
    assert_eq!(
        summary,
        [
            ("index.html", "Ana Sayfa"),
            ("hizmetler.html", "Hizmetler"),
            ("hakkimizda.html", "Hakkımızda"),
            ("iletisim.html", "İletişim"),
        ]
    );
    assert!(plan.pages().iter().all(|p| !p.purpose.is_empty()));
}

#[tokio::test]
async fn same_brief_same_bytes() {
    let first = generate(&brief()).await;
    let second = generate(&brief()).await;
    assert_eq!(first, second);
    assert_ne!(first, generate(&bare_brief()).await);
}

#[tokio::test]
async fn every_page_is_a_complete_html5_document() {
    for brief in [brief(), bare_brief()] {
        let site = generate(&brief).await;
        assert_eq!(site.pages().len(), 4);
        for page in site.pages() {
            let html = page.body();
            let path = page.path().as_str();
            assert!(
                html.starts_with(
                    "<!DOCTYPE html>\n<html lang=\"tr\">\n<head>\n<meta charset=\"utf-8\">"
                ),
                "{path}"
            );
            assert!(html.ends_with("</body>\n</html>\n"), "{path}");
            let title = format!(
                "<title>{} | Şişli OSGB &amp; Partners</title>",
                page.title()
            );
            assert_eq!(html.matches(&title).count(), 1, "{path}");
            assert_eq!(page.content_type(), "text/html; charset=utf-8");
            for target in REQUIRED_PAGES {
                assert!(
                    html.contains(&format!("<a href=\"{target}\"")),
                    "{path} -> {target}"
                );
            }
            assert_eq!(html.matches("aria-current=\"page\"").count(), 1, "{path}");
            assert!(html.contains(&format!("<a href=\"{path}\" aria-current=\"page\">")));
            for forbidden in [
                "<script", "src=", "http://", "https://", "<link", "@import", "None",
            ] {
                assert!(!html.contains(forbidden), "{path} contains {forbidden}");
            }
        }
    }
}

#[tokio::test]
async fn company_data_is_on_the_right_pages() {
    let site = generate(&brief()).await;
    let name = "Şişli OSGB &amp; Partners";
    for path in REQUIRED_PAGES {
        assert!(body(&site, path).contains(&format!("<p class=\"brand\">{name}</p>")));
        assert!(body(&site, path).contains(&format!("<p>© {name} · sisli-osgb.com.tr</p>")));
    }
    let home = body(&site, "index.html");
    assert!(home.contains(&format!("<h1>{name}</h1>")));
    assert!(home.contains("Hizmet bölgemiz: <strong>İstanbul</strong>"));
    let about = body(&site, "hakkimizda.html");
    assert!(about.contains("<dt>Şehir</dt>\n<dd>İstanbul</dd>"));
    assert!(about.contains("<dt>NACE kodu</dt>\n<dd>86.21.01</dd>"));
    assert!(about.contains("<dt>Tehlike sınıfı</dt>\n<dd>Tehlikeli</dd>"));
    let services = body(&site, "hizmetler.html");
    assert!(services.contains("Tehlike sınıfı: <strong>Tehlikeli</strong>"));
    for service in [
        "İş Güvenliği Uzmanlığı",
        "İşyeri Hekimliği",
        "Risk Değerlendirmesi",
        "Eğitimler",
    ] {
        assert!(
            services.contains(&format!("<h2>{service}</h2>")),
            "{service}"
        );
    }
    let contact = body(&site, "iletisim.html");
    assert!(contact.contains("<dt>Adres</dt>\n<dd>Halaskargazi Cad. No:1 Şişli</dd>"));
    assert!(contact.contains("<a href=\"tel:+905321234567\">+905321234567</a>"));
    assert!(
        contact.contains("<a href=\"mailto:info@sisli-osgb.com.tr\">info@sisli-osgb.com.tr</a>")
    );
    assert!(!home.contains("tel:") && !about.contains("mailto:"));
}

#[tokio::test]
async fn legal_minimums_follow_the_danger_class() {
    let cases = [
        (
            DangerClass::LessDangerous,
            "Az Tehlikeli",
            [
                "En az (C) sınıfı belgeli",
                "en az 10 dakika",
                "en az 5 dakika",
                "en geç 6 yılda bir",
                "en az 8 saattir",
                "en az 3 yılda bir",
            ],
        ),
        (
            DangerClass::Dangerous,
            "Tehlikeli",
            [
                "En az (B) sınıfı belgeli",
                "en az 20 dakika",
                "en az 10 dakika",
                "en geç 4 yılda bir",
                "en az 12 saattir",
                "en az 2 yılda bir",
            ],
        ),
        (
            DangerClass::VeryDangerous,
            "Çok Tehlikeli",
            [
                "(A) sınıfı belgeli",
                "en az 40 dakika",
                "en az 15 dakika",
                "en geç 2 yılda bir",
                "en az 16 saattir",
                "en az yılda bir",
            ],
        ),
    ];
    for (class, label, phrases) in cases {
        let site = generate(&SiteBrief {
            danger_class: Some(class),
            ..brief()
        })
        .await;
        let services = body(&site, "hizmetler.html");
        assert!(
            services.contains(&format!("Tehlike sınıfı: <strong>{label}</strong>")),
            "{label}"
        );
        for phrase in phrases {
            assert!(services.contains(phrase), "{label}: {phrase}");
        }
        assert!(body(&site, "hakkimizda.html").contains(&format!("<dd>{label}</dd>")));
    }
    let unknown = generate(&bare_brief()).await;
    let services = body(&unknown, "hizmetler.html");
    assert!(services.contains("tehlike sınıfınızı birlikte belirleyelim"));
    assert!(!services.contains("dakika") && !services.contains("Tehlike sınıfı:"));
    assert_eq!(services.matches("<section>").count(), 4);
}

#[tokio::test]
async fn missing_details_leave_no_empty_markup() {
    let site = generate(&bare_brief()).await;
    for page in site.pages() {
        let html = page.body();
        for empty in [
            "href=\"\"",
            "<dd></dd>",
            "<strong></strong>",
            "<dl>\n</dl>",
            "tel:",
            "mailto:",
            " · ",
        ] {
            assert!(!html.contains(empty), "{} contains {empty:?}", page.path());
        }
        assert!(html.contains("<p>© Şişli OSGB &amp; Partners</p>"));
    }
    assert!(!body(&site, "hakkimizda.html").contains("<dl>"));
    assert!(!body(&site, "index.html").contains("Hizmet bölgemiz"));
    assert!(
        body(&site, "iletisim.html")
            .contains("<p>İletişim bilgilerimiz yakında burada olacak.</p>")
    );
    // Only an e-mail: the contact page shows it, and no phone or address.
    let only_email = SiteBrief {
        contact_email: Some(Email::parse("a@b.com.tr").unwrap()),
        ..bare_brief()
    };
    let contact = generate(&only_email).await;
    let contact = body(&contact, "iletisim.html");
    assert!(
        contact.contains("<dt>E-posta</dt>\n<dd><a href=\"mailto:a@b.com.tr\">a@b.com.tr</a></dd>")
    );
    assert!(
        !contact.contains("Telefon") && !contact.contains("Adres") && !contact.contains("yakında")
    );
}

#[tokio::test]
async fn hostile_values_appear_only_as_text() {
    let hostile = SiteBrief {
        company_name: CompanyName::parse("<script>alert(1)</script>\"onmouseover=alert(2) 'x'")
            .unwrap(),
        address: Some(
            Address::parse("<img src=x onerror=alert(3)>\"onmouseover=alert(4)").unwrap(),
        ),
        city: Some(City::parse("</dd><script>alert(5)</script>").unwrap()),
        contact_email: Some(Email::parse("x'?&@evil.com").unwrap()),
        ..brief()
    };
    let site = generate(&hostile).await;
    for page in site.pages() {
        let html = page.body();
        let path = page.path();
        for raw in ["<script", "\"onmouseover=", "<img", "</dd><script", "'x'"] {
            assert!(!html.contains(raw), "{path} contains {raw}");
        }
        assert!(
            html.contains(
                "&lt;script&gt;alert(1)&lt;/script&gt;&quot;onmouseover=alert(2) &#39;x&#39;"
            ),
            "{path}"
        );
    }
    let contact = body(&site, "iletisim.html");
    assert!(
        contact.contains("<dd>&lt;img src=x onerror=alert(3)&gt;&quot;onmouseover=alert(4)</dd>")
    );
    assert!(contact.contains("<dd>&lt;/dd&gt;&lt;script&gt;alert(5)&lt;/script&gt;</dd>"));
    assert!(contact.contains("href=\"mailto:x%27%3F%26@evil.com\">x&#39;?&amp;@evil.com</a>"));
}

#[tokio::test]
async fn unknown_pages_are_refused() {
    let planned = PlannedPage {
        path: PagePath::parse("sss.html").unwrap(),
        title: "SSS".to_owned(),
        purpose: String::new(),
    };
    assert_eq!(
        TemplateSiteGenerator::new()
            .generate_page(&brief(), &planned)
            .await,
        Err(GeneratorError::UnknownPage(planned.path.clone()))
    );
}

/// Table-driven stand-in for a property test: for every name, each page equals the page made for
/// a marker name with the marker replaced by the name's expected escaping, so the name appears
/// escaped and nowhere else, and the markup around it never changes.
#[tokio::test]
async fn names_change_nothing_but_their_escaped_text() {
    const MARKER: &str = "MARKERNAME";
    let template = generate(&SiteBrief {
        company_name: CompanyName::parse(MARKER).unwrap(),
        ..brief()
    })
    .await;
    let long = "Ç".repeat(255);
    let cases = [
        ("Acme", "Acme".to_owned()),
        ("a&b", "a&amp;b".to_owned()),
        ("<b>bold</b>", "&lt;b&gt;bold&lt;/b&gt;".to_owned()),
        (
            "\"onmouseover=alert(1)",
            "&quot;onmouseover=alert(1)".to_owned(),
        ),
        ("O'Brien İSG", "O&#39;Brien İSG".to_owned()),
        ("&amp; already", "&amp;amp; already".to_owned()),
        ("çok\tsatırlı\nad", "çok\tsatırlı\nad".to_owned()),
        (long.as_str(), long.clone()),
    ];
    for (name, escaped) in cases {
        let site = generate(&SiteBrief {
            company_name: CompanyName::parse(name).unwrap(),
            ..brief()
        })
        .await;
        for (page, expected) in site.pages().iter().zip(template.pages()) {
            assert_eq!(
                page.body(),
                expected.body().replace(MARKER, &escaped),
                "{name:?} on {}",
                page.path()
            );
        }
    }
}
