//! `PgUserRepository::list`: newest first, keyset pages without skips or repeats (also among users
//! created at the same instant), filters and tenancy.

use chrono::{DateTime, Duration, Utc};
use prosektor_application::{
    Cursor, Page, PageRequest, RepositoryError, TenantScope, UserFilter, UserRepository,
};
use prosektor_domain::{CompanyId, Email, SearchText, User, UserId, UserProfile};
use prosektor_persistence::PgUserRepository;

use crate::support;

/// Stores a client of `company` created at `at`.
async fn client_at(
    repo: &PgUserRepository,
    company: CompanyId,
    email: &str,
    at: DateTime<Utc>,
) -> User {
    let id = UserId::new_v7();
    let user = User::new_client(
        id,
        Email::parse(email).unwrap(),
        support::password_hash("x"),
        company,
        at,
    );
    repo.create(&user, &UserProfile::empty(id)).await.unwrap();
    user
}

/// Every page of the listing, walked with pages of `limit`.
async fn walk(
    repo: &PgUserRepository,
    scope: TenantScope,
    filter: &UserFilter,
    limit: u32,
) -> Vec<User> {
    let mut walked = Vec::new();
    let mut cursor = None;
    loop {
        let request = PageRequest::new(limit, cursor).unwrap();
        let Page { items, next_cursor } = repo.list(scope, filter, &request).await.unwrap();
        assert!(items.len() <= limit as usize);
        walked.extend(items);
        match next_cursor {
            Some(next) => cursor = Some(next),
            None => return walked,
        }
    }
}

#[tokio::test]
async fn pages_run_newest_first_without_skips_or_repeats() {
    let db = support::database().await;
    let repo = PgUserRepository::new(db.connection().clone());
    let company = support::company(db.connection(), "Acme").await;
    let instant = support::now();
    let mut expected = vec![
        client_at(
            &repo,
            company,
            "old@example.com",
            instant - Duration::hours(1),
        )
        .await,
        client_at(
            &repo,
            company,
            "new@example.com",
            instant + Duration::hours(1),
        )
        .await,
    ];
    for n in 0..5 {
        expected.push(client_at(&repo, company, &format!("same{n}@example.com"), instant).await);
    }
    expected.sort_by_key(|user| std::cmp::Reverse((user.created_at(), user.id())));
    assert_eq!(expected[0].email().as_str(), "new@example.com");
    assert_eq!(expected[6].email().as_str(), "old@example.com");

    let filter = UserFilter::default();
    for limit in [1, 2, 3, 7, 100] {
        assert_eq!(
            walk(&repo, TenantScope::All, &filter, limit).await,
            expected,
            "limit {limit}"
        );
    }
}

#[tokio::test]
async fn filters_and_scope_narrow_the_listing() {
    let db = support::database().await;
    let repo = PgUserRepository::new(db.connection().clone());
    let mine = support::company(db.connection(), "Mine").await;
    let theirs = support::company(db.connection(), "Theirs").await;
    let start = support::now();
    let first = client_at(&repo, mine, "first@example.com", start).await;
    let mut gone = client_at(
        &repo,
        mine,
        "gone@example.com",
        start + Duration::seconds(1),
    )
    .await;
    let other = client_at(
        &repo,
        theirs,
        "other@example.com",
        start + Duration::seconds(2),
    )
    .await;
    let version = gone.session_version();
    gone.soft_delete(start + Duration::seconds(3)).unwrap();
    repo.save(&gone, version).await.unwrap();

    let active = UserFilter::default();
    let with_deleted = UserFilter {
        include_deleted: true,
        ..UserFilter::default()
    };
    let of_mine = UserFilter {
        company_id: Some(mine),
        include_deleted: true,
        ..UserFilter::default()
    };
    let all = TenantScope::All;
    let own = TenantScope::Company(mine);
    assert_eq!(
        walk(&repo, all, &active, 10).await,
        [other.clone(), first.clone()]
    );
    assert_eq!(
        walk(&repo, all, &with_deleted, 10).await,
        [other, gone.clone(), first.clone()]
    );
    assert_eq!(
        walk(&repo, all, &of_mine, 10).await,
        [gone.clone(), first.clone()]
    );
    assert_eq!(
        walk(&repo, own, &with_deleted, 10).await,
        [gone, first.clone()]
    );
    assert_eq!(
        walk(&repo, own, &active, 10).await,
        std::slice::from_ref(&first)
    );
    // A filter for another company cannot widen a client's scope.
    let of_theirs = UserFilter {
        company_id: Some(theirs),
        include_deleted: true,
        ..UserFilter::default()
    };
    assert!(walk(&repo, own, &of_theirs, 10).await.is_empty());
    // Email search: case-insensitive infix, wildcards literal.
    let search = |text: &str| UserFilter {
        email_contains: Some(SearchText::parse(text).unwrap()),
        include_deleted: true,
        ..UserFilter::default()
    };
    assert_eq!(
        walk(&repo, all, &search("FIRST@"), 10).await,
        std::slice::from_ref(&first)
    );
    assert_eq!(walk(&repo, all, &search("o"), 10).await.len(), 3);
    assert!(walk(&repo, all, &search("%"), 10).await.is_empty());
    assert!(walk(&repo, all, &search("f_rst"), 10).await.is_empty());
}

#[tokio::test]
async fn foreign_cursors_are_refused() {
    let db = support::database().await;
    let repo = PgUserRepository::new(db.connection().clone());
    let companies_cursor = "companies_by_name.41.0190c8a0e1a97c3a8f3e4b5a6c7d8e9f";
    // A well-formed users cursor whose key is not a timestamp.
    let bad_time = "users_newest.41.0190c8a0e1a97c3a8f3e4b5a6c7d8e9f";
    for text in ["garbage", companies_cursor, bad_time] {
        let request = PageRequest::new(10, Some(Cursor::from_client(text))).unwrap();
        assert_eq!(
            repo.list(TenantScope::All, &UserFilter::default(), &request)
                .await,
            Err(RepositoryError::InvalidCursor),
            "{text}"
        );
    }
}
