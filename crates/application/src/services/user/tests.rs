//! Unit tests of [`UserService`]'s decisions: administration is admin-only, self-service is
//! everyone's, nobody deletes themselves, and the role/company rule is checked before hashing.

use std::sync::Arc;

use prosektor_domain::{
    Company, CompanyName, DomainError, Locale, PersonName, Phone, Preferences, Theme,
};

use super::*;
use crate::mocks::{MockCompanyRepository, MockPasswordHasher, MockUserRepository};
use crate::ports::error::{Conflict, RepositoryError};
use crate::services::test_support::{
    NEW_ID, Outcome, admin, check_matrix, client, client_user, clock, empty_page, hash, ids, now,
    own_company,
};

fn service(
    users: MockUserRepository,
    companies: MockCompanyRepository,
    hasher: MockPasswordHasher,
) -> UserService {
    UserService::new(
        Arc::new(users),
        Arc::new(companies),
        Arc::new(hasher),
        clock(),
        ids(),
    )
}

fn companies_finding_own() -> MockCompanyRepository {
    let mut companies = MockCompanyRepository::new();
    companies.expect_get().returning(|_, id| {
        if id == own_company() {
            Ok(Company::new(
                id,
                CompanyName::parse("Acme").unwrap(),
                None,
                now(),
            ))
        } else {
            Err(RepositoryError::NotFound)
        }
    });
    companies
}

fn new_client() -> NewUser {
    NewUser {
        email: Email::parse("new@osgb.example.com").unwrap(),
        password: PlainPassword::new("a long enough password").unwrap(),
        role: Role::Client,
        company_id: Some(own_company()),
        profile: ProfilePatch {
            middle_name: Some(PersonName::parse("Can").ok()),
            preferences: Preferences {
                locale: Some(Locale::En),
                ..Preferences::default()
            },
            ..ProfilePatch::default()
        },
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Action {
    Create,
    Get,
    List,
    ChangeRole,
    SoftDelete,
    Restore,
    UpdateMe,
}

async fn attempt(action: Action, actor: &Actor, allowed: bool) -> ServiceResult<()> {
    let mut target = client_user(own_company());
    if action == Action::Restore {
        target.soft_delete(now()).unwrap();
    }
    let id = target.id();
    let mut users = MockUserRepository::new();
    users
        .expect_get()
        .returning(move |_, _, _| Ok(target.clone()));
    users
        .expect_get_profile()
        .returning(|id| Ok(UserProfile::empty(id)));
    users.expect_list().returning(|_, _, _| Ok(empty_page()));
    let writes = |of: &[Action]| usize::from(allowed && of.contains(&action));
    users
        .expect_create()
        .times(writes(&[Action::Create]))
        .returning(|_, _| Ok(()));
    users
        .expect_save()
        .times(writes(&[
            Action::ChangeRole,
            Action::SoftDelete,
            Action::Restore,
        ]))
        .returning(|_, _| Ok(()));
    users
        .expect_update_profile()
        .times(writes(&[Action::UpdateMe]))
        .returning(|id, _, _| Ok(UserProfile::empty(id)));
    let mut hasher = MockPasswordHasher::new();
    hasher
        .expect_hash()
        .times(writes(&[Action::Create]))
        .returning(|_| Ok(hash("new")));
    let users = service(users, companies_finding_own(), hasher);
    match action {
        Action::Create => users.create_user(actor, new_client()).await.map(drop),
        Action::Get => users.get(actor, id).await.map(drop),
        Action::List => users
            .list(actor, &UserFilter::default(), &PageRequest::first())
            .await
            .map(drop),
        Action::ChangeRole => users
            .change_role(actor, id, Role::Admin, None)
            .await
            .map(drop),
        Action::SoftDelete => users.soft_delete(actor, id).await.map(drop),
        Action::Restore => users.restore(actor, id).await.map(drop),
        Action::UpdateMe => users
            .update_me(actor, ProfilePatch::default(), None)
            .await
            .map(drop),
    }
}

#[tokio::test]
async fn permission_matrix() {
    use Outcome::{Allowed as A, Forbidden as F};
    let matrix = [
        (Action::Create, [A, F, F]),
        (Action::Get, [A, F, F]),
        (Action::List, [A, F, F]),
        (Action::ChangeRole, [A, F, F]),
        (Action::SoftDelete, [A, F, F]),
        (Action::Restore, [A, F, F]),
        (Action::UpdateMe, [A, A, A]),
    ];
    check_matrix(&matrix, attempt).await;
}

#[tokio::test]
async fn create_user_hashes_and_stores_user_and_profile() {
    let mut users = MockUserRepository::new();
    users
        .expect_create()
        .withf(|user, profile| {
            user.id() == UserId::from_uuid(NEW_ID)
                && user.email().as_str() == "new@osgb.example.com"
                && *user.password_hash() == hash("new")
                && (user.role(), user.company_id()) == (Role::Client, Some(own_company()))
                && user.created_at() == now()
                && profile.user_id == user.id()
                && profile.middle_name.as_ref().map(PersonName::as_str) == Some("Can")
                && profile.preferences.locale == Some(Locale::En)
        })
        .times(1)
        .returning(|_, _| Ok(()));
    let mut hasher = MockPasswordHasher::new();
    hasher
        .expect_hash()
        .withf(|password| password.expose() == "a long enough password")
        .times(1)
        .returning(|_| Ok(hash("new")));
    let account = service(users, companies_finding_own(), hasher)
        .create_user(&admin(), new_client())
        .await
        .unwrap();
    assert_eq!(account.user.id(), UserId::from_uuid(NEW_ID));
    assert_eq!(account.profile.user_id, account.user.id());
}

#[tokio::test]
async fn create_user_checks_role_and_company_before_hashing() {
    let cases = [
        (
            Role::Client,
            None,
            ServiceError::Domain(DomainError::RoleCompanyMismatch),
        ),
        (
            Role::Admin,
            Some(own_company()),
            ServiceError::Domain(DomainError::RoleCompanyMismatch),
        ),
        (
            Role::Client,
            Some(CompanyId::new_v7()),
            ServiceError::NotFound,
        ),
    ];
    for (role, company_id, expected) in cases {
        let mut hasher = MockPasswordHasher::new();
        hasher.expect_hash().times(0);
        let mut users = MockUserRepository::new();
        users.expect_create().times(0);
        let new = NewUser {
            role,
            company_id,
            ..new_client()
        };
        let refused = service(users, companies_finding_own(), hasher)
            .create_user(&admin(), new)
            .await;
        assert_eq!(refused, Err(expected), "{role} {company_id:?}");
    }
}

#[tokio::test]
async fn a_taken_email_is_a_conflict() {
    let mut users = MockUserRepository::new();
    users
        .expect_create()
        .returning(|_, _| Err(RepositoryError::Conflict(Conflict::EmailTaken)));
    let mut hasher = MockPasswordHasher::new();
    hasher.expect_hash().returning(|_| Ok(hash("new")));
    let refused = service(users, companies_finding_own(), hasher)
        .create_user(&admin(), new_client())
        .await;
    assert_eq!(refused, Err(ServiceError::Conflict(Conflict::EmailTaken)));
}

#[tokio::test]
async fn nobody_deletes_themselves_or_changes_their_own_role() {
    let me = admin();
    let untouched = || {
        let mut users = MockUserRepository::new();
        users.expect_get().times(0);
        users.expect_save().times(0);
        service(
            users,
            MockCompanyRepository::new(),
            MockPasswordHasher::new(),
        )
    };
    let deleted = untouched().soft_delete(&me, me.id()).await;
    assert_eq!(deleted, Err(ServiceError::Forbidden));
    for role in [Role::Admin, Role::Client] {
        let company = (role == Role::Client).then(own_company);
        let changed = untouched().change_role(&me, me.id(), role, company).await;
        assert_eq!(changed, Err(ServiceError::Forbidden));
    }
}

#[tokio::test]
async fn role_changes_and_deletion_save_against_the_version_read() {
    let target = client_user(own_company());
    let id = target.id();
    let mut users = MockUserRepository::new();
    users
        .expect_get()
        .withf(move |scope, asked, include_deleted| {
            *scope == TenantScope::All && *asked == id && !include_deleted
        })
        .returning(move |_, _, _| Ok(target.clone()));
    users
        .expect_save()
        .withf(|saved, expected| {
            saved.role() == Role::Admin
                && saved.company_id().is_none()
                && saved.session_version().get() == 2
                && expected.get() == 1
        })
        .times(1)
        .returning(|_, _| Ok(()));
    let users = service(
        users,
        MockCompanyRepository::new(),
        MockPasswordHasher::new(),
    );
    let promoted = users.change_role(&admin(), id, Role::Admin, None).await;
    assert_eq!(promoted.map(|user| user.role()), Ok(Role::Admin));
}

#[tokio::test]
async fn restore_looks_among_deleted_users_and_refuses_a_live_one() {
    let live = client_user(own_company());
    let id = live.id();
    let mut users = MockUserRepository::new();
    users
        .expect_get()
        .withf(|_, _, include_deleted| *include_deleted)
        .times(1)
        .returning(move |_, _, _| Ok(live.clone()));
    users.expect_save().times(0);
    let refused = service(
        users,
        MockCompanyRepository::new(),
        MockPasswordHasher::new(),
    )
    .restore(&admin(), id)
    .await;
    assert_eq!(refused, Err(ServiceError::Domain(DomainError::NotDeleted)));
}

#[tokio::test]
async fn update_me_hands_the_named_changes_of_the_actors_own_profile_to_storage() {
    let me = client();
    let changes = ProfilePatch {
        middle_name: Some(PersonName::parse("Deniz").ok()),
        phone: Some(None),
        preferences: Preferences {
            notifications: Some(false),
            locale: Some(Locale::Tr),
            theme: None,
        },
        ..ProfilePatch::default()
    };
    let stored = UserProfile {
        middle_name: Some(PersonName::parse("Deniz").unwrap()),
        phone: Some(Phone::parse("0532 123 45 67").unwrap()),
        preferences: Preferences {
            theme: Some(Theme::Dark),
            notifications: Some(false),
            locale: Some(Locale::Tr),
        },
        ..UserProfile::empty(me.id())
    };
    let mut users = MockUserRepository::new();
    users.expect_get_profile().never();
    let (id, named, answer) = (me.id(), changes.clone(), stored.clone());
    users
        .expect_update_profile()
        .withf(move |asked, patch, if_match| {
            *asked == id && *patch == named && *if_match == Some(RowVersion::FIRST)
        })
        .times(1)
        .returning(move |_, _, _| Ok(answer.clone()));
    let updated = service(
        users,
        MockCompanyRepository::new(),
        MockPasswordHasher::new(),
    )
    .update_me(&me, changes, Some(RowVersion::FIRST))
    .await;
    assert_eq!(updated, Ok(stored));
}

#[tokio::test]
async fn me_reads_only_the_profile_of_the_authenticated_user() {
    let me = client_user(own_company());
    let id = me.id();
    let mut users = MockUserRepository::new();
    users.expect_get().never();
    users
        .expect_get_profile()
        .withf(move |asked| *asked == id)
        .times(1)
        .returning(|id| Ok(UserProfile::empty(id)));
    let service = service(users, companies_finding_own(), MockPasswordHasher::new());
    let account = service.me(me.clone()).await.unwrap();
    assert_eq!(account.user, me);
    assert_eq!(account.profile, UserProfile::empty(id));
}
