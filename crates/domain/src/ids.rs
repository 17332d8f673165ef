//! Typed identifiers: one UUID newtype per entity, so a [`CompanyId`] can never be passed where a
//! [`UserId`] is expected.
//!
//! The application generates ids through its `IdGenerator` port (UUID v7, time-ordered);
//! [`CompanyId::new_v7`] and friends are a convenience for tests and tools.

use std::fmt;

use uuid::Uuid;

macro_rules! uuid_id {
    ($($(#[$meta:meta])* $name:ident;)+) => {$(
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
        #[cfg_attr(feature = "serde", serde(transparent))]
        pub struct $name(Uuid);

        impl $name {
            /// Wraps an existing UUID.
            pub const fn from_uuid(uuid: Uuid) -> Self {
                Self(uuid)
            }

            /// The wrapped UUID.
            pub const fn as_uuid(&self) -> Uuid {
                self.0
            }

            /// A fresh time-ordered (v7) id. Production code takes ids from the `IdGenerator` port.
            pub fn new_v7() -> Self {
                Self(Uuid::now_v7())
            }
        }

        impl From<Uuid> for $name {
            fn from(uuid: Uuid) -> Self {
                Self(uuid)
            }
        }

        impl From<$name> for Uuid {
            fn from(id: $name) -> Self {
                id.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&self.0, f)
            }
        }
    )+};
}

uuid_id! {
    /// Identifies a [`Company`](crate::Company), the tenant.
    CompanyId;
    /// Identifies a [`User`](crate::User) (and its one-to-one [`UserProfile`](crate::UserProfile)).
    UserId;
    /// Identifies an [`Invoice`](crate::Invoice).
    InvoiceId;
    /// Identifies a [`WebProject`](crate::WebProject).
    ProjectId;
    /// Identifies a [`PipelineRun`](crate::PipelineRun).
    RunId;
    /// Identifies a [`DailyStats`](crate::DailyStats) row.
    StatsId;
    /// Identifies an [`Activity`](crate::Activity), one event of the activity feed.
    ActivityId;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_through_uuid_and_displays_it() {
        let uuid = Uuid::now_v7();
        let id = CompanyId::from_uuid(uuid);
        assert_eq!(id.as_uuid(), uuid);
        assert_eq!(Uuid::from(id), uuid);
        assert_eq!(CompanyId::from(uuid), id);
        assert_eq!(id.to_string(), uuid.to_string());
    }

    #[test]
    fn v7_ids_are_time_ordered() {
        let first = RunId::new_v7();
        let second = RunId::new_v7();
        assert_eq!(first.as_uuid().get_version_num(), 7);
        assert!(first < second);
    }
}
