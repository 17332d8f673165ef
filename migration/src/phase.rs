//! The phase of each migration in a rolling upgrade, read from its name so that a build can judge
//! migrations of newer releases, which it knows only as rows of `seaql_migrations`.

/// When a migration may run while servers of the previous release still serve.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Adds what the new release needs and keeps what the previous release uses: applied at
    /// start-up (`serve`, `worker`) and by `migrate`, while servers of the previous release run.
    Expand,
    /// Removes or forbids what only the previous release relied on: applied by
    /// `migrate --contract` alone, once no live instance of an older build remains.
    Contract,
}

impl Phase {
    /// The phase of the migration named `name` (`mYYYYMMDD_NNNNNN_<verb>_<noun>`): a migration
    /// whose verb is `contract` contracts; every other verb (`create`, `add`, `expand`) expands.
    #[must_use]
    pub fn of(name: &str) -> Self {
        match name.split('_').nth(2) {
            Some("contract") => Self::Contract,
            _ => Self::Expand,
        }
    }
}

#[cfg(test)]
mod tests {
    use sea_orm_migration::MigratorTrait;

    use super::Phase;
    use crate::Migrator;

    #[test]
    fn the_verb_of_a_name_decides_its_phase() {
        assert_eq!(
            Phase::of("m20261124_000010_contract_company_details"),
            Phase::Contract
        );
        assert_eq!(
            Phase::of("m20261124_000009_expand_company_details"),
            Phase::Expand
        );
        assert_eq!(
            Phase::of("m20261124_000002_create_companies"),
            Phase::Expand
        );
        assert_eq!(Phase::of("not a migration name"), Phase::Expand);
    }

    #[test]
    fn every_migration_is_named_with_a_known_verb() {
        for migration in Migrator::migrations() {
            let verb = migration.name().split('_').nth(2);
            assert!(
                matches!(verb, Some("create" | "add" | "expand" | "contract")),
                "{}: name it mYYYYMMDD_NNNNNN_<create|add|expand|contract>_<noun>",
                migration.name()
            );
        }
    }
}
