//! [`ProjectStatus`] and its state machine.

use crate::enums::string_enum;

string_enum! {
    /// Where a web project is in its life.
    ///
    /// | from | allowed to |
    /// | --- | --- |
    /// | `DRAFT` | `BUILDING`, `ARCHIVED` |
    /// | `BUILDING` | `LIVE`, `DRAFT`, `ARCHIVED` |
    /// | `LIVE` | `PAUSED`, `ARCHIVED` |
    /// | `PAUSED` | `LIVE`, `ARCHIVED` |
    /// | `ARCHIVED` | — (final) |
    pub enum ProjectStatus {
        /// Being set up; nothing built yet.
        Draft => "DRAFT",
        /// A site is being generated.
        Building => "BUILDING",
        /// Published.
        Live => "LIVE",
        /// Published before, temporarily offline.
        Paused => "PAUSED",
        /// Retired (final).
        Archived => "ARCHIVED",
    }
    field = "status";
    lifecycle = "web_project";
}

impl ProjectStatus {
    /// Whether the table above allows moving from `self` to `to`.
    pub const fn can_transition_to(self, to: Self) -> bool {
        matches!(
            (self, to),
            (Self::Draft, Self::Building)
                | (Self::Building, Self::Live | Self::Draft)
                | (Self::Live, Self::Paused)
                | (Self::Paused, Self::Live)
                | (
                    Self::Draft | Self::Building | Self::Live | Self::Paused,
                    Self::Archived
                )
        )
    }

    /// Whether the project counts as active: neither `DRAFT` nor `ARCHIVED` (the dashboard's
    /// "Active Projects", access pattern 2).
    pub const fn is_active(self) -> bool {
        !matches!(self, Self::Draft | Self::Archived)
    }

    /// Whether no transition leaves this status (`ARCHIVED`).
    pub const fn is_final(self) -> bool {
        matches!(self, Self::Archived)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allows_exactly_the_documented_edges() {
        use ProjectStatus::*;
        let allowed = [
            (Draft, Building),
            (Building, Live),
            (Building, Draft),
            (Live, Paused),
            (Paused, Live),
            (Draft, Archived),
            (Building, Archived),
            (Live, Archived),
            (Paused, Archived),
        ];
        for &from in ProjectStatus::ALL {
            for &to in ProjectStatus::ALL {
                assert_eq!(
                    from.can_transition_to(to),
                    allowed.contains(&(from, to)),
                    "{from} -> {to}"
                );
            }
            let has_exit = ProjectStatus::ALL
                .iter()
                .any(|&to| from.can_transition_to(to));
            assert_eq!(from.is_final(), !has_exit);
        }
    }

    #[test]
    fn active_means_not_draft_or_archived() {
        let active: Vec<_> = ProjectStatus::ALL
            .iter()
            .filter(|s| s.is_active())
            .map(|s| s.as_str())
            .collect();
        assert_eq!(active, ["BUILDING", "LIVE", "PAUSED"]);
    }
}
