//! `PgUserRepository`: create/get/save of users and profiles, atomicity, the login lookup, soft
//! delete and restore, tenancy and corrupt rows. Listing is in `user/list.rs`.

mod list;

use prosektor_application::{
    Conflict, PageRequest, ProfilePatch, RepositoryError, TenantScope, UserFilter, UserRepository,
};
use prosektor_domain::{
    AvatarUrl, DomainError, Email, Locale, PersonName, Phone, Preferences, Role, RowVersion,
    SessionVersion, Theme, User, UserId, UserProfile, ValidationReason,
};
use prosektor_persistence::PgUserRepository;

use crate::support;

/// Stores a new client of `company` with `email` and returns it.
pub(crate) async fn stored_client(
    repo: &PgUserRepository,
    company: prosektor_domain::CompanyId,
    email: &str,
) -> User {
    let (user, profile) = support::client(company, email);
    repo.create(&user, &profile).await.unwrap();
    user
}

fn full_profile(user: UserId) -> UserProfile {
    UserProfile {
        user_id: user,
        first_name: Some(PersonName::parse("Ayşe").unwrap()),
        middle_name: Some(PersonName::parse("Gül").unwrap()),
        last_name: Some(PersonName::parse("Yılmaz").unwrap()),
        phone: Some(Phone::parse("0532 123 45 67").unwrap()),
        avatar_url: Some(AvatarUrl::parse("https://cdn.example.com/a.png").unwrap()),
        preferences: Preferences {
            theme: Some(Theme::Dark),
            notifications: Some(true),
            locale: Some(Locale::Tr),
        },
        version: RowVersion::FIRST,
    }
}

#[tokio::test]
async fn create_stores_the_user_and_its_profile() {
    let db = support::database().await;
    let repo = PgUserRepository::new(db.connection().clone());
    let company = support::company(db.connection(), "Acme").await;
    let (user, _) = support::client(company, " Ayse@Example.COM ");
    let profile = full_profile(user.id());
    repo.create(&user, &profile).await.unwrap();

    assert_eq!(user.email().as_str(), "ayse@example.com");
    for scope in [TenantScope::All, TenantScope::Company(company)] {
        assert_eq!(repo.get(scope, user.id(), false).await.unwrap(), user);
    }
    assert_eq!(repo.get_profile(user.id()).await.unwrap(), profile);

    let admin = User::new_admin(
        UserId::new_v7(),
        Email::parse("root@example.com").unwrap(),
        support::password_hash("admin"),
        support::now(),
    );
    repo.create(&admin, &UserProfile::empty(admin.id()))
        .await
        .unwrap();
    assert_eq!(
        repo.get(TenantScope::All, admin.id(), false).await.unwrap(),
        admin
    );
    assert_eq!(
        repo.get_profile(admin.id()).await.unwrap(),
        UserProfile::empty(admin.id())
    );
}

#[tokio::test]
async fn create_is_atomic_and_reports_a_taken_email() {
    let db = support::database().await;
    let repo = PgUserRepository::new(db.connection().clone());
    let company = support::company(db.connection(), "Acme").await;
    stored_client(&repo, company, "ayse@example.com").await;

    let (twin, twin_profile) = support::client(company, "AYSE@example.com");
    assert_eq!(
        repo.create(&twin, &twin_profile).await,
        Err(RepositoryError::Conflict(Conflict::EmailTaken))
    );
    // A profile of another user fails after the user row was inserted: both roll back.
    let (orphan, _) = support::client(company, "orphan@example.com");
    assert_eq!(
        repo.create(&orphan, &UserProfile::empty(UserId::new_v7()))
            .await,
        Err(RepositoryError::NotFound)
    );
    for id in [twin.id(), orphan.id()] {
        assert_eq!(
            repo.get(TenantScope::All, id, true).await,
            Err(RepositoryError::NotFound)
        );
    }
}

#[tokio::test]
async fn find_active_by_email_skips_deleted_users() {
    let db = support::database().await;
    let repo = PgUserRepository::new(db.connection().clone());
    let company = support::company(db.connection(), "Acme").await;
    let mut user = stored_client(&repo, company, "ayse@example.com").await;
    let email = user.email().clone();

    assert_eq!(
        repo.find_active_by_email(&email).await,
        Ok(Some(user.clone()))
    );
    let unknown = Email::parse("nobody@example.com").unwrap();
    assert_eq!(repo.find_active_by_email(&unknown).await, Ok(None));

    user.soft_delete(support::now()).unwrap();
    repo.save(&user, SessionVersion::INITIAL).await.unwrap();
    assert_eq!(repo.find_active_by_email(&email).await, Ok(None));
}

#[tokio::test]
async fn a_client_scope_sees_only_its_company() {
    let db = support::database().await;
    let repo = PgUserRepository::new(db.connection().clone());
    let mine = support::company(db.connection(), "Mine").await;
    let theirs = support::company(db.connection(), "Theirs").await;
    let other = stored_client(&repo, theirs, "other@example.com").await;

    for include_deleted in [false, true] {
        assert_eq!(
            repo.get(TenantScope::Company(mine), other.id(), include_deleted)
                .await,
            Err(RepositoryError::NotFound)
        );
    }
    assert_eq!(
        repo.get(TenantScope::Company(theirs), other.id(), false)
            .await
            .unwrap(),
        other
    );
}

#[tokio::test]
async fn save_is_conditional_on_the_session_version() {
    let db = support::database().await;
    let repo = PgUserRepository::new(db.connection().clone());
    let company = support::company(db.connection(), "Acme").await;
    let other = support::company(db.connection(), "Other").await;
    let mut user = stored_client(&repo, company, "ayse@example.com").await;

    user.change_password(support::password_hash("new")).unwrap();
    user.change_role(Role::Client, Some(other)).unwrap();
    repo.save(&user, SessionVersion::INITIAL).await.unwrap();
    let reread = repo.get(TenantScope::All, user.id(), false).await.unwrap();
    assert_eq!(reread, user);
    assert_eq!(reread.session_version().get(), 3);

    let mut late = user.clone();
    late.log_out_everywhere().unwrap();
    assert_eq!(
        repo.save(&late, SessionVersion::INITIAL).await,
        Err(RepositoryError::Conflict(Conflict::StaleState))
    );
    let (missing, _) = support::client(company, "missing@example.com");
    assert_eq!(
        repo.save(&missing, SessionVersion::INITIAL).await,
        Err(RepositoryError::NotFound)
    );
}

#[tokio::test]
async fn soft_delete_and_restore_unless_the_email_was_taken_meanwhile() {
    let db = support::database().await;
    let repo = PgUserRepository::new(db.connection().clone());
    let company = support::company(db.connection(), "Acme").await;
    let mut user = stored_client(&repo, company, "ayse@example.com").await;

    let version = user.session_version();
    user.soft_delete(support::now()).unwrap();
    repo.save(&user, version).await.unwrap();
    assert_eq!(
        repo.get(TenantScope::All, user.id(), false).await,
        Err(RepositoryError::NotFound)
    );
    assert_eq!(
        repo.get(TenantScope::All, user.id(), true).await.unwrap(),
        user
    );

    let version = user.session_version();
    user.restore().unwrap();
    repo.save(&user, version).await.unwrap();
    assert_eq!(
        repo.get(TenantScope::All, user.id(), false).await.unwrap(),
        user
    );

    // Deleted again, and the address is invited anew: restoring the old user would duplicate it.
    let version = user.session_version();
    user.soft_delete(support::now()).unwrap();
    repo.save(&user, version).await.unwrap();
    let newcomer = stored_client(&repo, company, "ayse@example.com").await;
    let version = user.session_version();
    user.restore().unwrap();
    assert_eq!(
        repo.save(&user, version).await,
        Err(RepositoryError::Conflict(Conflict::EmailTaken))
    );
    assert!(
        repo.get(TenantScope::All, user.id(), true)
            .await
            .unwrap()
            .is_deleted()
    );
    assert_eq!(
        repo.find_active_by_email(newcomer.email()).await,
        Ok(Some(newcomer))
    );
}

#[tokio::test]
async fn update_profile_writes_the_named_fields_and_merges_preference_keys() {
    let db = support::database().await;
    let repo = PgUserRepository::new(db.connection().clone());
    let company = support::company(db.connection(), "Acme").await;
    let user = stored_client(&repo, company, "ayse@example.com").await;
    let full = full_profile(user.id());
    let everything = ProfilePatch {
        first_name: Some(full.first_name.clone()),
        middle_name: Some(full.middle_name.clone()),
        last_name: Some(full.last_name.clone()),
        phone: Some(full.phone.clone()),
        avatar_url: Some(full.avatar_url.clone()),
        preferences: full.preferences,
    };
    let stored = repo
        .update_profile(user.id(), &everything, Some(RowVersion::FIRST))
        .await
        .unwrap();
    assert_eq!(
        stored,
        UserProfile {
            version: RowVersion::new(2).unwrap(),
            ..full.clone()
        }
    );
    assert_eq!(repo.get_profile(user.id()).await.unwrap(), stored);

    // Two patches of other fields and other keys, each naming only its own: both survive.
    let names = ProfilePatch {
        first_name: Some(Some(PersonName::parse("Zeynep").unwrap())),
        phone: Some(None),
        ..ProfilePatch::default()
    };
    let locale = ProfilePatch {
        preferences: Preferences {
            locale: Some(Locale::En),
            ..Preferences::default()
        },
        ..ProfilePatch::default()
    };
    repo.update_profile(user.id(), &names, None).await.unwrap();
    let both = repo.update_profile(user.id(), &locale, None).await.unwrap();
    assert_eq!(
        both,
        UserProfile {
            first_name: Some(PersonName::parse("Zeynep").unwrap()),
            phone: None,
            preferences: Preferences {
                locale: Some(Locale::En),
                ..full.preferences
            },
            version: RowVersion::new(4).unwrap(),
            ..full
        }
    );
    assert_eq!(
        repo.update_profile(user.id(), &names, Some(RowVersion::FIRST))
            .await,
        Err(RepositoryError::PreconditionFailed)
    );
    assert_eq!(
        repo.update_profile(UserId::new_v7(), &names, None).await,
        Err(RepositoryError::NotFound)
    );
}

#[tokio::test]
async fn logging_out_everywhere_bumps_the_session_whatever_it_is() {
    let db = support::database().await;
    let repo = PgUserRepository::new(db.connection().clone());
    let company = support::company(db.connection(), "Acme").await;
    let user = stored_client(&repo, company, "ayse@example.com").await;
    let once = repo.log_out_everywhere(user.id()).await.unwrap();
    let twice = repo.log_out_everywhere(user.id()).await.unwrap();
    assert_eq!(
        (once.session_version().get(), twice.session_version().get()),
        (2, 3)
    );
    support::exec(
        db.connection(),
        &format!(
            "UPDATE users SET curr_session_version = 2147483647 WHERE id = '{}'",
            user.id()
        ),
    )
    .await;
    assert_eq!(
        repo.log_out_everywhere(user.id()).await,
        Err(RepositoryError::Rejected(DomainError::Overflow {
            field: "session_version"
        }))
    );
    assert_eq!(
        repo.log_out_everywhere(UserId::new_v7()).await,
        Err(RepositoryError::NotFound)
    );
}

#[tokio::test]
async fn rows_the_domain_refuses_are_corrupt() {
    let db = support::database().await;
    let repo = PgUserRepository::new(db.connection().clone());
    let company = support::company(db.connection(), "Acme").await;
    let user = stored_client(&repo, company, "ayse@example.com").await;
    // The database accepts these; the domain does not.
    support::exec(
        db.connection(),
        &format!(
            "UPDATE users SET email = 'ay..se@example.com' WHERE id = '{id}';
             UPDATE user_profiles SET preferences = '{{\"font\": \"big\"}}' WHERE user_id = '{id}';",
            id = user.id()
        ),
    )
    .await;

    let email = RepositoryError::Corrupt(DomainError::invalid("email", ValidationReason::Format));
    assert_eq!(
        repo.get(TenantScope::All, user.id(), false).await,
        Err(email.clone())
    );
    assert_eq!(
        repo.list(
            TenantScope::All,
            &UserFilter::default(),
            &PageRequest::first()
        )
        .await,
        Err(email)
    );
    assert_eq!(
        repo.get_profile(user.id()).await,
        Err(RepositoryError::Corrupt(DomainError::invalid(
            "preferences",
            ValidationReason::UnknownValue
        )))
    );
    support::exec(
        db.connection(),
        &format!(
            "UPDATE user_profiles SET preferences = '{{}}', avatar_url = 'https://localhost/a.png'
             WHERE user_id = '{}'",
            user.id()
        ),
    )
    .await;
    assert_eq!(
        repo.get_profile(user.id()).await,
        Err(RepositoryError::Corrupt(DomainError::invalid(
            "avatar_url",
            ValidationReason::Format
        )))
    );
}

#[tokio::test]
async fn the_session_read_carries_the_company_status_and_skips_deleted_users() {
    let db = support::database().await;
    let repo = PgUserRepository::new(db.connection().clone());
    let company = support::company(db.connection(), "Acme").await;
    let mut user = stored_client(&repo, company, "ayse@example.com").await;
    support::exec(
        db.connection(),
        &format!("UPDATE companies SET status = 'SUSPENDED' WHERE id = '{company}'"),
    )
    .await;
    let session = repo.get_session(user.id()).await.unwrap();
    assert_eq!(
        (session.user, session.company_status),
        (
            user.clone(),
            Some(prosektor_domain::CompanyStatus::Suspended)
        )
    );
    let admin = User::new_admin(
        UserId::new_v7(),
        Email::parse("admin@example.com").unwrap(),
        support::password_hash("admin"),
        support::now(),
    );
    repo.create(&admin, &UserProfile::empty(admin.id()))
        .await
        .unwrap();
    assert_eq!(
        repo.get_session(admin.id()).await.unwrap().company_status,
        None
    );

    user.soft_delete(support::now()).unwrap();
    repo.save(&user, SessionVersion::INITIAL).await.unwrap();
    assert_eq!(
        repo.get_session(user.id()).await,
        Err(RepositoryError::NotFound)
    );
}
