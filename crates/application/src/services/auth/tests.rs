//! Unit tests of [`AuthService`]'s decisions: credentials never say what was wrong and cost the
//! same, sessions die with their version, and self-service changes save conditionally.

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use mockall::predicate::eq;
use prosektor_domain::{
    CompanyStatus, DomainError, SessionVersion, User, UserParts, ValidationReason,
};

use super::*;
use crate::mocks::{MockPasswordHasher, MockThrottle, MockTokenCodec, MockUserRepository};
use crate::ports::password::HasherError;
use crate::ports::scope::TenantScope;
use crate::ports::throttle::ThrottleDecision;
use crate::ports::token::{InvalidToken, TokenClaims};
use crate::ports::user::SessionRecord;
use crate::services::test_support::{admin_user, client_user, clock, hash, now, own_company};

const PASSWORD: &str = "correct horse battery";

/// The address every test logs in from.
fn client() -> IpAddr {
    "198.51.100.7".parse().unwrap()
}

fn service(users: MockUserRepository, hasher: MockPasswordHasher) -> AuthService {
    with_throttle(users, hasher, allowing())
}

fn with_throttle(
    users: MockUserRepository,
    hasher: MockPasswordHasher,
    throttle: MockThrottle,
) -> AuthService {
    AuthService::new(
        Arc::new(users),
        Arc::new(hasher),
        Arc::new(MockTokenCodec::new()),
        Arc::new(throttle),
        clock(),
        Limits::default(),
    )
}

/// A service whose only port in use is `tokens`.
fn with_tokens(tokens: MockTokenCodec) -> AuthService {
    AuthService::new(
        Arc::new(MockUserRepository::new()),
        Arc::new(MockPasswordHasher::new()),
        Arc::new(tokens),
        Arc::new(allowing()),
        clock(),
        Limits::default(),
    )
}

/// A throttle that allows every attempt and takes back whatever it is given.
fn allowing() -> MockThrottle {
    let mut throttle = MockThrottle::new();
    throttle
        .expect_reserve()
        .returning(|_, _| Ok(ThrottleDecision::Allowed));
    throttle.expect_release().returning(|_, _| Ok(()));
    throttle.expect_clear().returning(|_| Ok(()));
    throttle
}

/// `users` also answering the session read of `user` (after a successful login), with its
/// company in `status`.
fn with_session(users: &mut MockUserRepository, user: &User, status: Option<CompanyStatus>) {
    let record = SessionRecord {
        user: user.clone(),
        company_status: status,
    };
    users
        .expect_get_session()
        .with(eq(user.id()))
        .returning(move |_| Ok(record.clone()));
}

fn with_version(user: User, version: i32) -> User {
    User::from_parts(UserParts {
        session_version: SessionVersion::new(version).unwrap(),
        ..UserParts::from(user)
    })
    .unwrap()
}

fn version(n: i32) -> SessionVersion {
    SessionVersion::new(n).unwrap()
}

#[tokio::test]
async fn login_normalises_the_email_and_returns_the_user_for_the_right_password() {
    let user = client_user(own_company());
    let mut users = MockUserRepository::new();
    let found = user.clone();
    users
        .expect_find_active_by_email()
        .withf(|email| email.as_str() == "client@osgb.example.com")
        .times(1)
        .returning(move |_| Ok(Some(found.clone())));
    with_session(&mut users, &user, Some(CompanyStatus::Active));
    let mut hasher = MockPasswordHasher::new();
    hasher.expect_dummy_hash().times(0);
    hasher
        .expect_verify()
        .withf(|password, stored| password.expose() == PASSWORD && *stored == hash("client"))
        .times(1)
        .returning(|_, _| Ok(true));

    let logged_in = service(users, hasher)
        .login("  Client@OSGB.example.COM ", PASSWORD, client())
        .await;
    assert_eq!(logged_in, Ok(user));
}

#[tokio::test]
async fn login_with_a_wrong_password_is_invalid_credentials() {
    let user = client_user(own_company());
    let mut users = MockUserRepository::new();
    users
        .expect_find_active_by_email()
        .returning(move |_| Ok(Some(user.clone())));
    let mut hasher = MockPasswordHasher::new();
    hasher.expect_dummy_hash().times(0);
    hasher
        .expect_verify()
        .withf(|_, stored| *stored == hash("client"))
        .times(1)
        .returning(|_, _| Ok(false));

    let refused = service(users, hasher)
        .login("client@osgb.example.com", PASSWORD, client())
        .await;
    assert_eq!(refused, Err(ServiceError::InvalidCredentials));
}

#[tokio::test]
async fn login_with_an_unknown_email_verifies_against_the_dummy_hash_exactly_once() {
    let mut users = MockUserRepository::new();
    users
        .expect_find_active_by_email()
        .times(1)
        .returning(|_| Ok(None));
    let mut hasher = MockPasswordHasher::new();
    hasher
        .expect_dummy_hash()
        .times(1)
        .returning(|| hash("dummy"));
    // Even a "match" against the dummy hash must not log anyone in.
    hasher
        .expect_verify()
        .withf(|_, stored| *stored == hash("dummy"))
        .times(1)
        .returning(|_, _| Ok(true));

    let refused = service(users, hasher)
        .login("nobody@example.com", PASSWORD, client())
        .await;
    assert_eq!(refused, Err(ServiceError::InvalidCredentials));
}

#[tokio::test]
async fn login_of_a_deleted_user_costs_a_dummy_verification_and_fails() {
    let mut deleted = client_user(own_company());
    deleted.soft_delete(chrono::Utc::now()).unwrap();
    let mut users = MockUserRepository::new();
    users
        .expect_find_active_by_email()
        .returning(move |_| Ok(Some(deleted.clone())));
    let mut hasher = MockPasswordHasher::new();
    hasher
        .expect_dummy_hash()
        .times(1)
        .returning(|| hash("dummy"));
    hasher
        .expect_verify()
        .withf(|_, stored| *stored == hash("dummy"))
        .times(1)
        .returning(|_, _| Ok(true));

    let refused = service(users, hasher)
        .login("client@osgb.example.com", PASSWORD, client())
        .await;
    assert_eq!(refused, Err(ServiceError::InvalidCredentials));
}

#[tokio::test]
async fn malformed_credentials_are_refused_without_touching_storage() {
    for (email, password) in [("not-an-email", PASSWORD), ("a@example.com", "short")] {
        let mut users = MockUserRepository::new();
        users.expect_find_active_by_email().times(0);
        let mut hasher = MockPasswordHasher::new();
        hasher.expect_verify().times(0);
        let refused = service(users, hasher)
            .login(email, password, client())
            .await;
        assert_eq!(refused, Err(ServiceError::InvalidCredentials), "{email}");
    }
}

#[tokio::test]
async fn login_failures_of_storage_are_unavailable_and_of_the_hasher_internal() {
    let mut users = MockUserRepository::new();
    users
        .expect_find_active_by_email()
        .returning(|_| Err(RepositoryError::Unavailable("db down".into())));
    let refused = service(users, MockPasswordHasher::new())
        .login("a@example.com", PASSWORD, client())
        .await;
    assert_eq!(refused, Err(ServiceError::Unavailable("db down".into())));

    let mut users = MockUserRepository::new();
    users.expect_find_active_by_email().returning(|_| Ok(None));
    let mut hasher = MockPasswordHasher::new();
    hasher.expect_dummy_hash().returning(|| hash("dummy"));
    hasher
        .expect_verify()
        .returning(|_, _| Err(HasherError("out of memory".into())));
    let refused = service(users, hasher)
        .login("a@example.com", PASSWORD, client())
        .await;
    assert_eq!(
        refused,
        Err(ServiceError::Internal(
            "password hashing failed: out of memory".into()
        ))
    );
}

fn users_returning(result: Result<User, RepositoryError>) -> MockUserRepository {
    sessions_returning(result.map(|user| SessionRecord {
        user,
        company_status: Some(CompanyStatus::Active),
    }))
}

fn sessions_returning(result: Result<SessionRecord, RepositoryError>) -> MockUserRepository {
    let mut users = MockUserRepository::new();
    users
        .expect_get_session()
        .times(1)
        .returning(move |_| result.clone());
    users
}

#[tokio::test]
async fn authenticate_accepts_only_the_current_session_version() {
    let user = with_version(client_user(own_company()), 3);
    let auth = service(users_returning(Ok(user.clone())), MockPasswordHasher::new());
    let session = auth.authenticate(user.id(), version(3)).await.unwrap();
    assert_eq!(session.user, user);
    assert_eq!(session.actor.scope(), TenantScope::Company(own_company()));
    assert_eq!(session.actor.access(), ClientAccess::Full);

    for stale in [2, 4] {
        let auth = service(users_returning(Ok(user.clone())), MockPasswordHasher::new());
        let refused = auth.authenticate(user.id(), version(stale)).await;
        assert_eq!(refused, Err(ServiceError::Unauthenticated), "v{stale}");
    }
}

#[tokio::test]
async fn authenticate_refuses_missing_and_deleted_users() {
    let user = client_user(own_company());
    let auth = service(
        users_returning(Err(RepositoryError::NotFound)),
        MockPasswordHasher::new(),
    );
    let refused = auth.authenticate(user.id(), version(1)).await;
    assert_eq!(refused, Err(ServiceError::Unauthenticated));

    let mut deleted = user.clone();
    deleted.soft_delete(chrono::Utc::now()).unwrap();
    let current = deleted.session_version();
    let auth = service(users_returning(Ok(deleted)), MockPasswordHasher::new());
    let refused = auth.authenticate(user.id(), current).await;
    assert_eq!(refused, Err(ServiceError::Unauthenticated));

    let auth = service(
        users_returning(Err(RepositoryError::Unavailable("db down".into()))),
        MockPasswordHasher::new(),
    );
    let failed = auth.authenticate(user.id(), version(1)).await;
    assert_eq!(failed, Err(ServiceError::Unavailable("db down".into())));
}

/// A repository that finds `user` in the actor's own scope.
fn users_finding_self(user: &User) -> MockUserRepository {
    let mut users = MockUserRepository::new();
    let found = user.clone();
    users
        .expect_get()
        .with(
            eq(TenantScope::Company(own_company())),
            eq(user.id()),
            eq(false),
        )
        .times(1)
        .returning(move |_, _, _| Ok(found.clone()));
    users
}

#[tokio::test]
async fn logging_out_everywhere_with_the_current_token_bumps_the_session() {
    let user = with_version(client_user(own_company()), 4);
    let mut users = users_returning(Ok(user.clone()));
    users.expect_save().never();
    let bumped = with_version(user.clone(), 5);
    users
        .expect_log_out_everywhere()
        .with(eq(user.id()))
        .times(1)
        .returning(move |_| Ok(bumped.clone()));
    let auth = service(users, MockPasswordHasher::new());
    assert_eq!(auth.log_out_everywhere(user.id(), version(4)).await, Ok(()));
}

#[tokio::test]
async fn a_token_already_logged_out_succeeds_without_ending_newer_sessions() {
    let user = with_version(client_user(own_company()), 6);
    let mut users = users_returning(Ok(user.clone()));
    users.expect_log_out_everywhere().never();
    let auth = service(users, MockPasswordHasher::new());
    assert_eq!(auth.log_out_everywhere(user.id(), version(5)).await, Ok(()));

    let auth = service(users_returning(Ok(user.clone())), MockPasswordHasher::new());
    assert_eq!(
        auth.log_out_everywhere(user.id(), version(7)).await,
        Err(ServiceError::Unauthenticated),
        "a version never issued"
    );
    let auth = service(
        users_returning(Err(RepositoryError::NotFound)),
        MockPasswordHasher::new(),
    );
    assert_eq!(
        auth.log_out_everywhere(user.id(), version(6)).await,
        Err(ServiceError::Unauthenticated)
    );
}

#[tokio::test]
async fn change_password_verifies_the_current_one_first() {
    let user = client_user(own_company());
    let mut users = users_finding_self(&user);
    users.expect_save().times(0);
    let mut hasher = MockPasswordHasher::new();
    hasher
        .expect_verify()
        .withf(|current, stored| current.expose() == "wrong password" && *stored == hash("client"))
        .times(1)
        .returning(|_, _| Ok(false));
    hasher.expect_hash().times(0);
    let refused = service(users, hasher)
        .change_password(
            &Actor::from(&user),
            "wrong password",
            "new password 123",
            client(),
        )
        .await;
    assert_eq!(refused, Err(ServiceError::InvalidCredentials));
}

#[tokio::test]
async fn change_password_stores_the_new_hash_and_a_new_session_version() {
    let user = client_user(own_company());
    let mut users = users_finding_self(&user);
    users
        .expect_save()
        .withf(|saved, expected| {
            *saved.password_hash() == hash("new")
                && saved.session_version() == version(2)
                && *expected == version(1)
        })
        .times(1)
        .returning(|_, _| Ok(()));
    let mut hasher = MockPasswordHasher::new();
    hasher.expect_verify().times(1).returning(|_, _| Ok(true));
    hasher
        .expect_hash()
        .withf(|new| new.expose() == "new password 123")
        .times(1)
        .returning(|_| Ok(hash("new")));
    let changed = service(users, hasher)
        .change_password(&Actor::from(&user), PASSWORD, "new password 123", client())
        .await
        .unwrap();
    assert_eq!(
        (changed.id(), changed.session_version()),
        (user.id(), version(2))
    );
}

#[tokio::test]
async fn a_new_password_breaking_the_policy_is_refused_before_any_work() {
    let mut users = MockUserRepository::new();
    users.expect_get().times(0);
    let refused = service(users, MockPasswordHasher::new())
        .change_password(
            &Actor::from(&client_user(own_company())),
            PASSWORD,
            "short",
            client(),
        )
        .await;
    assert_eq!(
        refused,
        Err(ServiceError::Domain(DomainError::invalid(
            "password",
            ValidationReason::TooShort { min: 10 }
        )))
    );
}

#[tokio::test]
async fn a_company_s_status_decides_its_clients_access_and_admins_are_never_closed() {
    let user = client_user(own_company());
    let record = |status| SessionRecord {
        user: user.clone(),
        company_status: Some(status),
    };
    let auth = service(
        sessions_returning(Ok(record(CompanyStatus::Suspended))),
        MockPasswordHasher::new(),
    );
    let session = auth.authenticate(user.id(), version(1)).await.unwrap();
    assert_eq!(session.actor.access(), ClientAccess::ReadOnly);

    let auth = service(
        sessions_returning(Ok(record(CompanyStatus::Churned))),
        MockPasswordHasher::new(),
    );
    let refused = auth.authenticate(user.id(), version(1)).await;
    assert_eq!(refused, Err(ServiceError::CompanyClosed));

    let admin = admin_user();
    let auth = service(
        sessions_returning(Ok(SessionRecord {
            user: admin.clone(),
            company_status: None,
        })),
        MockPasswordHasher::new(),
    );
    let session = auth.authenticate(admin.id(), version(1)).await.unwrap();
    assert_eq!(session.actor.access(), ClientAccess::Full);
}

#[tokio::test]
async fn the_right_password_of_a_churned_company_s_client_is_refused_as_closed() {
    let user = client_user(own_company());
    let mut users = MockUserRepository::new();
    let found = user.clone();
    users
        .expect_find_active_by_email()
        .returning(move |_| Ok(Some(found.clone())));
    with_session(&mut users, &user, Some(CompanyStatus::Churned));
    let mut hasher = MockPasswordHasher::new();
    hasher.expect_verify().returning(|_, _| Ok(true));
    let refused = service(users, hasher)
        .login("client@osgb.example.com", PASSWORD, client())
        .await;
    assert_eq!(refused, Err(ServiceError::CompanyClosed));
}

#[tokio::test]
async fn a_limited_login_answers_too_many_attempts_before_any_lookup_or_hash() {
    let mut throttle = MockThrottle::new();
    throttle
        .expect_reserve()
        .withf(|attempts, at| {
            let keys: Vec<_> = attempts.iter().map(|(key, _)| key.clone()).collect();
            let email = prosektor_domain::Email::parse("client@osgb.example.com").unwrap();
            keys == [ThrottleKey::client(client()), ThrottleKey::account(&email)]
                && attempts[0].1 == Limits::default().per_client
                && attempts[1].1 == Limits::default().per_account
                && *at == crate::services::test_support::now()
        })
        .times(1)
        .returning(|_, _| {
            Ok(ThrottleDecision::Limited {
                retry_after: Duration::from_millis(90_500),
            })
        });
    let mut users = MockUserRepository::new();
    users.expect_find_active_by_email().times(0);
    let mut hasher = MockPasswordHasher::new();
    hasher.expect_verify().times(0);
    hasher.expect_dummy_hash().times(0);
    let refused = with_throttle(users, hasher, throttle)
        .login("Client@OSGB.example.com", PASSWORD, client())
        .await;
    // 90.5 s left: rounded up, so that a client waiting as told is never early.
    assert_eq!(
        refused,
        Err(ServiceError::TooManyAttempts {
            retry_after_secs: 91
        })
    );
}

#[tokio::test]
async fn only_failures_count_the_right_password_gives_the_attempt_back() {
    let user = client_user(own_company());
    let email = user.email().clone();
    let mut users = MockUserRepository::new();
    let found = user.clone();
    users
        .expect_find_active_by_email()
        .returning(move |_| Ok(Some(found.clone())));
    with_session(&mut users, &user, Some(CompanyStatus::Active));
    let mut throttle = MockThrottle::new();
    throttle
        .expect_reserve()
        .times(1)
        .returning(|_, _| Ok(ThrottleDecision::Allowed));
    throttle
        .expect_clear()
        .with(eq(ThrottleKey::account(&email)))
        .times(1)
        .returning(|_| Ok(()));
    throttle
        .expect_release()
        .withf(|keys, _| keys == [ThrottleKey::client(client())])
        .times(1)
        .returning(|_, _| Ok(()));
    let mut hasher = MockPasswordHasher::new();
    hasher.expect_verify().returning(|_, _| Ok(true));
    let logged_in = with_throttle(users, hasher, throttle)
        .login("client@osgb.example.com", PASSWORD, client())
        .await;
    assert_eq!(logged_in, Ok(user));
}

#[tokio::test]
async fn a_failure_keeps_its_attempt_counted() {
    let mut users = MockUserRepository::new();
    users.expect_find_active_by_email().returning(|_| Ok(None));
    let mut throttle = MockThrottle::new();
    throttle
        .expect_reserve()
        .times(1)
        .returning(|_, _| Ok(ThrottleDecision::Allowed));
    throttle.expect_clear().times(0);
    throttle.expect_release().times(0);
    let mut hasher = MockPasswordHasher::new();
    hasher.expect_dummy_hash().returning(|| hash("dummy"));
    hasher.expect_verify().returning(|_, _| Ok(false));
    let refused = with_throttle(users, hasher, throttle)
        .login("nobody@example.com", PASSWORD, client())
        .await;
    assert_eq!(refused, Err(ServiceError::InvalidCredentials));
}

#[tokio::test]
async fn a_limited_password_check_is_refused_without_verifying() {
    let user = client_user(own_company());
    let users = users_finding_self(&user);
    let mut throttle = MockThrottle::new();
    throttle.expect_reserve().times(1).returning(|_, _| {
        Ok(ThrottleDecision::Limited {
            retry_after: Duration::from_secs(30),
        })
    });
    let mut hasher = MockPasswordHasher::new();
    hasher.expect_verify().times(0);
    let refused = with_throttle(users, hasher, throttle)
        .change_password(&Actor::from(&user), PASSWORD, "new password 123", client())
        .await;
    assert_eq!(
        refused,
        Err(ServiceError::TooManyAttempts {
            retry_after_secs: 30
        })
    );
}

#[test]
fn tokens_are_issued_for_the_current_session_at_the_clock_s_time() {
    let user = with_version(client_user(own_company()), 4);
    let mut tokens = MockTokenCodec::new();
    tokens
        .expect_issue()
        .with(eq(user.id()), eq(version(4)), eq(now()))
        .return_const("signed".to_owned());
    let service = with_tokens(tokens);
    assert_eq!(service.issue_token(&user), "signed");
}

#[test]
fn a_token_verifies_at_the_clock_s_time_and_any_refusal_is_unauthenticated() {
    let user = client_user(own_company());
    let claims = TokenClaims {
        user_id: user.id(),
        session_version: version(1),
        expires_at: now(),
    };
    let mut tokens = MockTokenCodec::new();
    tokens
        .expect_verify()
        .withf(|token, at| token == "good" && *at == now())
        .return_const(Ok(claims));
    tokens
        .expect_verify()
        .withf(|token, _| token != "good")
        .return_const(Err(InvalidToken));
    let service = with_tokens(tokens);
    assert_eq!(service.verify_token("good"), Ok(claims));
    assert_eq!(
        service.verify_token("forged"),
        Err(ServiceError::Unauthenticated)
    );
}
