//! The API's enums: each mirrors a domain enum with the same wire names, so generated clients get
//! real enums, and converts both ways without a fallible step.

use prosektor_domain::{
    ActivityKind, CompanyStatus, DangerClass, InvoiceStatus, Locale, LogLevel, ProjectStatus, Role,
    RunStatus, Theme,
};

/// Declares an API enum mirroring domain enum `$domain` variant for variant.
macro_rules! api_enum {
    ($(#[$meta:meta])* $name:ident mirrors $domain:ident, $case:literal {
        $($(#[$variant_meta:meta])* $variant:ident),+ $(,)?
    }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, poem_openapi::Enum, serde::Serialize)]
        #[oai(rename_all = $case)]
        #[serde(rename_all = $case)]
        pub enum $name {
            $($(#[$variant_meta])* $variant),+
        }

        impl From<$domain> for $name {
            fn from(value: $domain) -> Self {
                match value {
                    $($domain::$variant => Self::$variant),+
                }
            }
        }

        impl From<$name> for $domain {
            fn from(value: $name) -> Self {
                match value {
                    $($name::$variant => Self::$variant),+
                }
            }
        }

        #[cfg(test)]
        impl $name {
            /// Every variant, for the test that serde and the document name them alike.
            pub(crate) const ALL: &'static [Self] = &[$(Self::$variant),+];
        }
    };
}

api_enum! {
    /// A user's role.
    RoleDto mirrors Role, "SCREAMING_SNAKE_CASE" {
        /// Platform staff: every company, no company of their own.
        Admin,
        /// A company's user: only that company's data.
        Client,
    }
}

api_enum! {
    /// Colour scheme preference.
    ThemeDto mirrors Theme, "lowercase" {
        /// Light.
        Light,
        /// Dark.
        Dark,
        /// Follow the operating system.
        System,
    }
}

api_enum! {
    /// Language preference.
    LocaleDto mirrors Locale, "lowercase" {
        /// Turkish.
        Tr,
        /// English.
        En,
    }
}

api_enum! {
    /// A company's lifecycle status.
    CompanyStatusDto mirrors CompanyStatus, "SCREAMING_SNAKE_CASE" {
        /// A prospect.
        Lead,
        /// A paying customer.
        Active,
        /// Temporarily suspended.
        Suspended,
        /// Gone.
        Churned,
    }
}

api_enum! {
    /// Workplace danger class (az tehlikeli / tehlikeli / çok tehlikeli).
    DangerClassDto mirrors DangerClass, "SCREAMING_SNAKE_CASE" {
        /// Az tehlikeli.
        LessDangerous,
        /// Tehlikeli.
        Dangerous,
        /// Çok tehlikeli.
        VeryDangerous,
    }
}

api_enum! {
    /// An invoice's status: `DRAFT -> SENT -> PAID`, `DRAFT|SENT -> VOID`.
    InvoiceStatusDto mirrors InvoiceStatus, "SCREAMING_SNAKE_CASE" {
        /// Editable, not yet issued.
        Draft,
        /// Issued, awaiting payment.
        Sent,
        /// Paid (final).
        Paid,
        /// Cancelled (final).
        Void,
    }
}

api_enum! {
    /// A web project's status; "active" means neither `DRAFT` nor `ARCHIVED`.
    ProjectStatusDto mirrors ProjectStatus, "SCREAMING_SNAKE_CASE" {
        /// Being set up.
        Draft,
        /// Being built.
        Building,
        /// Published.
        Live,
        /// Taken offline for now.
        Paused,
        /// Retired (final).
        Archived,
    }
}

api_enum! {
    /// A pipeline run's status.
    RunStatusDto mirrors RunStatus, "SCREAMING_SNAKE_CASE" {
        /// Waiting for a worker.
        Queued,
        /// Being executed.
        Running,
        /// Finished successfully.
        Succeeded,
        /// Finished with an error.
        Failed,
        /// Cancelled.
        Cancelled,
    }
}

api_enum! {
    /// A log line's level.
    LogLevelDto mirrors LogLevel, "SCREAMING_SNAKE_CASE" {
        /// Detail.
        Debug,
        /// Progress.
        Info,
        /// Something odd.
        Warn,
        /// A failure.
        Error,
    }
}

api_enum! {
    /// What happened, in the activity feed.
    ActivityKindDto mirrors ActivityKind, "SCREAMING_SNAKE_CASE" {
        /// An invoice was sent.
        InvoiceIssued,
        /// An invoice was paid.
        InvoicePaid,
        /// An invoice was voided.
        InvoiceVoided,
        /// A project's site was published.
        ProjectLive,
        /// A generation run finished with a site.
        RunSucceeded,
        /// A generation run failed for good.
        RunFailed,
        /// A generation run was cancelled.
        RunCancelled,
    }
}

#[cfg(test)]
mod tests {
    use poem_openapi::types::ToJSON;
    use serde::Serialize;

    use super::*;

    /// Asserts that serde writes every variant of `all` as the document names it.
    fn named_alike<T: ToJSON + Serialize + std::fmt::Debug>(all: &[T]) {
        for variant in all {
            assert_eq!(
                serde_json::to_value(variant).ok(),
                variant.to_json(),
                "{variant:?}"
            );
        }
    }

    #[test]
    fn serde_writes_every_variant_as_the_document_names_it() {
        named_alike(RoleDto::ALL);
        named_alike(ThemeDto::ALL);
        named_alike(LocaleDto::ALL);
        named_alike(CompanyStatusDto::ALL);
        named_alike(DangerClassDto::ALL);
        named_alike(InvoiceStatusDto::ALL);
        named_alike(ProjectStatusDto::ALL);
        named_alike(RunStatusDto::ALL);
        named_alike(LogLevelDto::ALL);
        named_alike(ActivityKindDto::ALL);
    }
}
