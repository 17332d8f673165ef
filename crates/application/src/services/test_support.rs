//! Fixtures shared by the services' unit tests: users and actors of each kind, a fixed clock and
//! fixed ids.

use std::sync::Arc;

use chrono::{DateTime, TimeZone, Utc};
use prosektor_domain::{CompanyId, Email, PasswordHash, User, UserId};
use uuid::Uuid;

use super::actor::Actor;
use super::error::{ServiceError, ServiceResult};
use crate::ports::clock::Clock;
use crate::ports::ids::IdGenerator;
use crate::ports::paging::Page;

/// The company of the client actors.
pub(crate) fn own_company() -> CompanyId {
    CompanyId::from_uuid(Uuid::from_u128(0xC0))
}

/// A company the client actors do not belong to.
pub(crate) fn other_company() -> CompanyId {
    CompanyId::from_uuid(Uuid::from_u128(0xC1))
}

/// The id every [`FixedIds`] hands out.
pub(crate) const NEW_ID: Uuid = Uuid::from_u128(0x1D);

/// What [`FixedClock`] says it is: 2024-07-15 10:30 UTC.
pub(crate) fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 7, 15, 10, 30, 0).unwrap()
}

/// An argon2id-looking PHC string ending in `tag`.
pub(crate) fn hash(tag: &str) -> PasswordHash {
    PasswordHash::parse(&format!("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA${tag}")).unwrap()
}

/// A platform admin.
pub(crate) fn admin_user() -> User {
    User::new_admin(
        UserId::new_v7(),
        Email::parse("admin@prosektor.example.com").unwrap(),
        hash("admin"),
        now(),
    )
}

/// A client user of `company`.
pub(crate) fn client_user(company: CompanyId) -> User {
    User::new_client(
        UserId::new_v7(),
        Email::parse("client@osgb.example.com").unwrap(),
        hash("client"),
        company,
        now(),
    )
}

/// An admin actor.
pub(crate) fn admin() -> Actor {
    Actor::from(&admin_user())
}

/// A client of [`own_company`].
pub(crate) fn client() -> Actor {
    Actor::from(&client_user(own_company()))
}

/// The three kinds of actor of the permission matrix, named for failure messages.
pub(crate) fn actor_kinds() -> [(&'static str, Actor); 3] {
    [
        ("admin", admin()),
        ("own client", client()),
        ("other client", Actor::from(&client_user(other_company()))),
    ]
}

/// A clock stopped at [`now`].
#[derive(Debug)]
pub(crate) struct FixedClock;

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        now()
    }
}

/// Always [`NEW_ID`].
#[derive(Debug)]
pub(crate) struct FixedIds;

impl IdGenerator for FixedIds {
    fn new_id(&self) -> Uuid {
        NEW_ID
    }
}

/// [`FixedClock`] behind the port.
pub(crate) fn clock() -> Arc<dyn Clock> {
    Arc::new(FixedClock)
}

/// [`FixedIds`] behind the port.
pub(crate) fn ids() -> Arc<dyn IdGenerator> {
    Arc::new(FixedIds)
}

/// How an action ended, for permission matrices.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// It succeeded.
    Allowed,
    /// `ServiceError::Forbidden`.
    Forbidden,
    /// `ServiceError::NotFound`.
    NotFound,
}

/// Runs every action of `matrix` as each of [`actor_kinds`] (admin, own client, other client, in
/// the order of each row's outcomes) and checks how it ended. `attempt(action, actor, allowed)`
/// sets up its mocks, expecting writes only when `allowed`, and runs the action; the resources
/// it acts on belong to [`own_company`].
pub(crate) async fn check_matrix<A: std::fmt::Debug + Copy>(
    matrix: &[(A, [Outcome; 3])],
    attempt: impl AsyncFn(A, &Actor, bool) -> ServiceResult<()>,
) {
    for &(action, expected) in matrix {
        for ((kind, actor), expected) in actor_kinds().into_iter().zip(expected) {
            let result = attempt(action, &actor, expected == Outcome::Allowed).await;
            let outcome = match result {
                Ok(()) => Some(Outcome::Allowed),
                Err(ServiceError::Forbidden) => Some(Outcome::Forbidden),
                Err(ServiceError::NotFound) => Some(Outcome::NotFound),
                Err(_) => None,
            };
            assert_eq!(outcome, Some(expected), "{action:?} by {kind}: {result:?}");
        }
    }
}

/// An empty page.
pub(crate) fn empty_page<T>() -> Page<T> {
    Page {
        items: vec![],
        next_cursor: None,
    }
}
