//! The bodies of the four pages, and [`Obligations`]: the legal minimums an OSGB applies per
//! danger class (6331 sayılı Kanun; İSG Hizmetleri, Risk Değerlendirmesi and Çalışanların İSG
//! Eğitimleri yönetmelikleri). Each function returns the `<main>` content; the layout wraps it.

use prosektor_domain::DangerClass;

use prosektor_application::SiteBrief;

use super::html::{Html, mailto_href, tel_href};

/// The legal minimums for one danger class, as Turkish phrases.
struct Obligations {
    /// The lowest certificate class of the safety expert.
    expert_certificate: &'static str,
    /// The safety expert's minutes per employee per month.
    expert_minutes: &'static str,
    /// The workplace physician's minutes per employee per month.
    physician_minutes: &'static str,
    /// How often the risk assessment must be renewed.
    risk_renewal: &'static str,
    /// The basic training's hours per employee.
    training_hours: &'static str,
    /// How often the training must be repeated.
    training_repeat: &'static str,
}

const fn obligations(class: DangerClass) -> Obligations {
    match class {
        DangerClass::LessDangerous => Obligations {
            expert_certificate: "En az (C) sınıfı",
            expert_minutes: "10",
            physician_minutes: "5",
            risk_renewal: "en geç 6 yılda bir",
            training_hours: "8",
            training_repeat: "en az 3 yılda bir",
        },
        DangerClass::Dangerous => Obligations {
            expert_certificate: "En az (B) sınıfı",
            expert_minutes: "20",
            physician_minutes: "10",
            risk_renewal: "en geç 4 yılda bir",
            training_hours: "12",
            training_repeat: "en az 2 yılda bir",
        },
        DangerClass::VeryDangerous => Obligations {
            expert_certificate: "(A) sınıfı",
            expert_minutes: "40",
            physician_minutes: "15",
            risk_renewal: "en geç 2 yılda bir",
            training_hours: "16",
            training_repeat: "en az yılda bir",
        },
    }
}

/// Ana Sayfa: who the company is and where it works.
pub(super) fn home(brief: &SiteBrief) -> Html {
    let mut html = Html::new();
    html.element("h1", brief.company_name.as_str())
        .raw("<p>İşyerinize iş güvenliği uzmanı, işyeri hekimi, risk değerlendirmesi ve ")
        .raw("eğitim hizmetlerini tek elden sunan ortak sağlık ve güvenlik birimi (OSGB).</p>\n");
    if let Some(city) = &brief.city {
        html.raw("<p>Hizmet bölgemiz: <strong>")
            .text(city.as_str())
            .raw("</strong></p>\n");
    }
    if let Some(class) = brief.danger_class {
        html.raw("<p>Tehlike sınıfı: <strong>")
            .text(class.turkish_label())
            .raw("</strong></p>\n");
    }
    html.raw("<p>")
        .link("hizmetler.html", "Hizmetlerimizi inceleyin")
        .raw(" ya da ")
        .link("iletisim.html", "bize ulaşın")
        .raw(".</p>\n");
    html
}

/// The four services, in order, with what is said of each when the danger class is unknown.
const SERVICES: [(&str, &str); 4] = [
    (
        "İş Güvenliği Uzmanlığı",
        "İş güvenliği uzmanlarımız işyerinizi düzenli olarak ziyaret eder, tehlikeleri tespit \
         eder ve önlemleri takip eder.",
    ),
    (
        "İşyeri Hekimliği",
        "İşyeri hekimlerimiz işe giriş ve periyodik muayeneleri yapar, çalışanların sağlık \
         gözetimini yürütür.",
    ),
    (
        "Risk Değerlendirmesi",
        "İşyerinizin risk değerlendirmesini hazırlar, mevzuatın öngördüğü sürelerde yeniler.",
    ),
    (
        "Eğitimler",
        "Çalışanlarınıza temel iş sağlığı ve güvenliği eğitimlerini verir, belgelendiririz.",
    ),
];

/// Hizmetler: the four OSGB services, with the legal minimums of the company's danger class.
pub(super) fn services(brief: &SiteBrief) -> Html {
    let mut html = Html::new();
    html.raw("<h1>Hizmetler</h1>\n");
    let Some(class) = brief.danger_class else {
        html.raw("<p>Yasal hizmet süreleri işyerinin tehlike sınıfına göre belirlenir; ")
            .raw("tehlike sınıfınızı birlikte belirleyelim.</p>\n");
        for (title, text) in SERVICES {
            let mut paragraph = Html::new();
            paragraph.text(text);
            section(&mut html, title, &paragraph);
        }
        return html;
    };
    let duty = obligations(class);
    html.raw("<p>Tehlike sınıfı: <strong>")
        .text(class.turkish_label())
        .raw("</strong>. Aşağıdaki süreler 6331 sayılı İş Sağlığı ve Güvenliği Kanunu ve ")
        .raw("yönetmeliklerinin bu sınıf için öngördüğü asgari sürelerdir.</p>\n");
    let mut paragraphs: [Html; 4] = Default::default();
    paragraphs[0]
        .text(duty.expert_certificate)
        .raw(" belgeli iş güvenliği uzmanımız, çalışan başına ayda en az ")
        .text(duty.expert_minutes)
        .raw(" dakika hizmet verir.");
    paragraphs[1]
        .raw("İşyeri hekimimiz çalışan başına ayda en az ")
        .text(duty.physician_minutes)
        .raw(" dakika hizmet verir; işe giriş ve periyodik muayeneleri yapar.");
    paragraphs[2]
        .raw("Risk değerlendirmeniz ")
        .text(duty.risk_renewal)
        .raw(" ve işyerinde önemli bir değişiklik olduğunda yenilenir.");
    paragraphs[3]
        .raw("Temel iş sağlığı ve güvenliği eğitimi çalışan başına en az ")
        .text(duty.training_hours)
        .raw(" saattir ve ")
        .text(duty.training_repeat)
        .raw(" tekrarlanır.");
    for ((title, _), paragraph) in SERVICES.into_iter().zip(&paragraphs) {
        section(&mut html, title, paragraph);
    }
    html
}

/// Hakkımızda: the company, its city, NACE code and danger class.
pub(super) fn about(brief: &SiteBrief) -> Html {
    let mut html = Html::new();
    html.raw("<h1>Hakkımızda</h1>\n<p>")
        .text(brief.company_name.as_str())
        .raw(", işyerlerinin iş sağlığı ve güvenliği yükümlülüklerini yerine getirmesine destek ")
        .raw("olan bir ortak sağlık ve güvenlik birimidir.</p>\n");
    let facts = [
        ("Şehir", brief.city.as_ref().map(|city| city.as_str())),
        (
            "NACE kodu",
            brief.nace_code.as_ref().map(|code| code.as_str()),
        ),
        (
            "Tehlike sınıfı",
            brief.danger_class.map(DangerClass::turkish_label),
        ),
    ];
    definitions(&mut html, &facts);
    html
}

/// İletişim: address, phone (`tel:`) and e-mail (`mailto:`), each only when known.
pub(super) fn contact(brief: &SiteBrief) -> Html {
    let mut html = Html::new();
    html.raw("<h1>İletişim</h1>\n");
    let known = brief.address.is_some()
        || brief.city.is_some()
        || brief.contact_phone.is_some()
        || brief.contact_email.is_some();
    if !known {
        html.raw("<p>İletişim bilgilerimiz yakında burada olacak.</p>\n");
        return html;
    }
    html.raw("<address>\n<dl>\n");
    if let Some(address) = &brief.address {
        html.element("dt", "Adres").element("dd", address.as_str());
    }
    if let Some(city) = &brief.city {
        html.element("dt", "Şehir").element("dd", city.as_str());
    }
    if let Some(phone) = &brief.contact_phone {
        html.element("dt", "Telefon")
            .raw("<dd>")
            .link(&tel_href(phone), phone.as_str())
            .raw("</dd>\n");
    }
    if let Some(email) = &brief.contact_email {
        html.element("dt", "E-posta")
            .raw("<dd>")
            .link(&mailto_href(email), email.as_str())
            .raw("</dd>\n");
    }
    html.raw("</dl>\n</address>\n");
    html
}

/// `<section><h2>title</h2><p>paragraph</p></section>`.
fn section(html: &mut Html, title: &str, paragraph: &Html) {
    html.raw("<section>\n")
        .element("h2", title)
        .raw("<p>")
        .append(paragraph)
        .raw("</p>\n</section>\n");
}

/// A `<dl>` of the facts that are known; nothing when none is.
fn definitions(html: &mut Html, facts: &[(&str, Option<&str>)]) {
    if facts.iter().all(|(_, value)| value.is_none()) {
        return;
    }
    html.raw("<dl>\n");
    for (term, value) in facts {
        if let Some(value) = value {
            html.element("dt", term).element("dd", value);
        }
    }
    html.raw("</dl>\n");
}
