//! `PgCompanyRepository::search` (access pattern 4): prefix and infix on name or tax id, case- and
//! Turkish-letter-insensitive, wildcards literal, prefix matches first, paginated across that
//! boundary; and `autocomplete`, by prefix.

use prosektor_application::{CompanyRepository, PageRequest};
use prosektor_domain::SearchText;
use prosektor_persistence::PgCompanyRepository;
use prosektor_testkit::TestDatabase;

use super::{new_company, stored};
use crate::support;

/// A repository over a fresh database holding the search fixtures.
async fn fixtures() -> (TestDatabase, PgCompanyRepository) {
    let db = support::database().await;
    let repo = PgCompanyRepository::new(db.connection().clone());
    for (name, tax_id) in [
        ("ŞİŞLİ OSGB", Some("4540536920")),
        ("Çağrı Sağlık Hizmetleri", Some("17291716060")),
        ("Işık İnşaat", None),
        ("50% İndirim_Ltd", None),
        ("500 Indirim Ltd", Some("10000000146")),
        ("Back\\slash", None),
    ] {
        stored(&repo, new_company(name, tax_id)).await;
    }
    (db, repo)
}

/// The names found for `text`, in result order.
async fn names(repo: &PgCompanyRepository, text: &str) -> Vec<String> {
    let text = SearchText::parse(text).unwrap();
    let page = repo
        .search(&text, &PageRequest::new(100, None).unwrap())
        .await
        .unwrap();
    assert_eq!(page.next_cursor, None);
    page.items
        .iter()
        .map(|company| company.name().as_str().to_owned())
        .collect()
}

#[tokio::test]
async fn finds_by_name_prefix_and_infix_ignoring_case_and_turkish_letters() {
    let (_db, repo) = fixtures().await;
    assert_eq!(names(&repo, "sisli").await, ["ŞİŞLİ OSGB"]);
    assert_eq!(names(&repo, "ŞİŞ").await, ["ŞİŞLİ OSGB"]);
    assert_eq!(names(&repo, "osgb").await, ["ŞİŞLİ OSGB"]);
    assert_eq!(names(&repo, "saglik").await, ["Çağrı Sağlık Hizmetleri"]);
    assert_eq!(names(&repo, "CAGRI").await, ["Çağrı Sağlık Hizmetleri"]);
    assert_eq!(names(&repo, "isik insaat").await, ["Işık İnşaat"]);
    assert_eq!(names(&repo, "İNŞ").await, ["Işık İnşaat"]);
    assert!(names(&repo, "nothing like it").await.is_empty());
}

#[tokio::test]
async fn wildcards_and_backslashes_are_literal() {
    let (_db, repo) = fixtures().await;
    assert_eq!(names(&repo, "50%").await, ["50% İndirim_Ltd"]);
    assert_eq!(names(&repo, "m_l").await, ["50% İndirim_Ltd"]);
    assert_eq!(names(&repo, "%").await, ["50% İndirim_Ltd"]);
    assert_eq!(names(&repo, "_").await, ["50% İndirim_Ltd"]);
    assert_eq!(names(&repo, "k\\s").await, ["Back\\slash"]);
    // Unescaped, `5_0`, `0% i` and `m_l` would also match "500 Indirim Ltd".
    assert!(names(&repo, "5_0").await.is_empty());
    assert_eq!(names(&repo, "0% i").await, ["50% İndirim_Ltd"]);
}

#[tokio::test]
async fn finds_by_tax_id_prefix_and_infix() {
    let (_db, repo) = fixtures().await;
    assert_eq!(names(&repo, "4540").await, ["ŞİŞLİ OSGB"]);
    assert_eq!(names(&repo, "0536").await, ["ŞİŞLİ OSGB"]);
    assert_eq!(
        names(&repo, "1729171606").await,
        ["Çağrı Sağlık Hizmetleri"]
    );
    assert_eq!(names(&repo, "00000001").await, ["500 Indirim Ltd"]);
    // Names and tax ids matching the same text, together.
    let mut found = names(&repo, "0").await;
    found.sort();
    assert_eq!(
        found,
        [
            "50% İndirim_Ltd",
            "500 Indirim Ltd",
            "Çağrı Sağlık Hizmetleri",
            "ŞİŞLİ OSGB"
        ]
    );
}

#[tokio::test]
async fn results_are_paginated_by_name_then_id_without_skips_or_repeats() {
    let db = support::database().await;
    let repo = PgCompanyRepository::new(db.connection().clone());
    let mut expected = Vec::new();
    for name in [
        "Aynı OSGB",
        "Aynı OSGB",
        "Aynı OSGB",
        "Başka OSGB",
        "Aynı OSGB",
    ] {
        expected.push(stored(&repo, new_company(name, None)).await);
    }
    stored(&repo, new_company("Unrelated", None)).await;
    expected.sort_by(|a, b| (a.name(), a.id()).cmp(&(b.name(), b.id())));

    let text = SearchText::parse("osgb").unwrap();
    let mut walked = Vec::new();
    let mut cursor = None;
    loop {
        let page = repo
            .search(&text, &PageRequest::new(2, cursor).unwrap())
            .await
            .unwrap();
        assert!(page.items.len() <= 2);
        walked.extend(page.items);
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    assert_eq!(walked, expected);
}

#[tokio::test]
async fn prefix_matches_come_first_and_pages_cross_into_the_other_matches_without_loss() {
    let db = support::database().await;
    let repo = PgCompanyRepository::new(db.connection().clone());
    // Rank 0: names starting with "ege" (folded), in folded order, ties by id; rank 1: names
    // containing it elsewhere, and tax ids containing the digits, by name.
    for (name, tax_id) in [
        ("Zirve Ege OSGB", None),
        ("EGE Sağlık", None),
        ("Ege Sağlık", None),
        ("ege sağlık", None),
        ("Ege Batı", None),
        ("Akdeniz Ege Birlik", None),
        ("Unrelated", None),
        ("Ögeler", None),
    ] {
        stored(&repo, new_company(name, tax_id)).await;
    }
    let ordered = |text: &'static str, size: u32| {
        let repo = repo.clone();
        async move {
            let text = SearchText::parse(text).unwrap();
            let mut walked = Vec::new();
            let mut cursor = None;
            loop {
                let page = repo
                    .search(&text, &PageRequest::new(size, cursor).unwrap())
                    .await
                    .unwrap();
                assert!(page.items.len() <= size as usize);
                walked.extend(page.items);
                match page.next_cursor {
                    Some(next) => cursor = Some(next),
                    None => break,
                }
            }
            walked
        }
    };
    let whole = ordered("ege", 100).await;
    let names: Vec<&str> = whole
        .iter()
        .map(|company| company.name().as_str())
        .collect();
    assert_eq!(&names[..1], ["Ege Batı"], "{names:?}");
    let mut same_fold: Vec<_> = whole[1..4].to_vec();
    same_fold.sort_by_key(|company| company.id());
    assert_eq!(
        whole[1..4],
        same_fold,
        "equal folded names by id: {names:?}"
    );
    assert!(
        names[1..4]
            .iter()
            .all(|name| name.to_lowercase() == "ege sağlık")
    );
    assert_eq!(&names[4..], ["Akdeniz Ege Birlik", "Zirve Ege OSGB"]);
    for size in 1..=6 {
        assert_eq!(ordered("ege", size).await, whole, "pages of {size}");
    }
}

/// The names autocomplete offers for `prefix`, at most `limit`.
async fn offered(repo: &PgCompanyRepository, prefix: &str, limit: u32) -> Vec<String> {
    let prefix = SearchText::parse(prefix).unwrap();
    repo.autocomplete(&prefix, limit)
        .await
        .unwrap()
        .into_iter()
        .map(|suggestion| suggestion.name.as_str().to_owned())
        .collect()
}

#[tokio::test]
async fn autocomplete_offers_names_by_prefix_ignoring_case_and_turkish_letters_in_order() {
    let (_db, repo) = fixtures().await;
    assert_eq!(offered(&repo, "sis", 10).await, ["ŞİŞLİ OSGB"]);
    assert_eq!(offered(&repo, "ŞİŞ", 10).await, ["ŞİŞLİ OSGB"]);
    assert_eq!(
        offered(&repo, "cagri sag", 10).await,
        ["Çağrı Sağlık Hizmetleri"]
    );
    assert_eq!(offered(&repo, "isik", 10).await, ["Işık İnşaat"]);
    // A prefix only: an infix offers nothing (search finds it).
    assert!(offered(&repo, "osgb", 10).await.is_empty());
    // Wildcards are plain characters; the order is the folded names', at most `limit`.
    assert_eq!(offered(&repo, "50%", 10).await, ["50% İndirim_Ltd"]);
    assert_eq!(
        offered(&repo, "50", 10).await,
        ["50% İndirim_Ltd", "500 Indirim Ltd"]
    );
    assert_eq!(offered(&repo, "5", 1).await, ["50% İndirim_Ltd"]);
    assert_eq!(offered(&repo, "back\\", 10).await, ["Back\\slash"]);
}

#[tokio::test]
async fn autocomplete_breaks_ties_by_id_and_stops_at_the_limit() {
    let db = support::database().await;
    let repo = PgCompanyRepository::new(db.connection().clone());
    let mut ids = Vec::new();
    for _ in 0..5 {
        ids.push(stored(&repo, new_company("Aynı OSGB", None)).await.id());
    }
    ids.sort_by_key(|id| id.as_uuid());
    let prefix = SearchText::parse("ayni").unwrap();
    let offered: Vec<_> = repo
        .autocomplete(&prefix, 3)
        .await
        .unwrap()
        .into_iter()
        .map(|suggestion| suggestion.id)
        .collect();
    assert_eq!(offered, ids[..3]);
}
