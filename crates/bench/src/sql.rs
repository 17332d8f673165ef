//! The raw-SQL side of each pattern: the statements one API request makes the server send, taken
//! from the repositories themselves (their public queries and SQL constants), written as pgbench
//! scripts whose random keys are drawn exactly as the HTTP side draws them.

use chrono::NaiveDate;
use prosektor_application::services::VISITOR_WINDOW_DAYS;
use prosektor_application::{PageRequest, TenantScope};
use prosektor_domain::{CompanyId, DateRange, ProjectId};
use prosektor_persistence::replay::{activity, company, dashboard, project, stats, user};
use sea_orm::sea_query::{PostgresQueryBuilder, QueryBuilder};
use sea_orm::{DbBackend, QueryTrait, Statement, Value};
use uuid::Uuid;

use crate::keys::{ADMIN_KEY, KeySpace};
use crate::workload::{
    ACTIVITY_LIMIT, ANALYTICS_FROM, ANALYTICS_TO, AUTOCOMPLETE_LIMIT, INFIX_TERMS, PREFIX_TERMS,
    Pattern,
};

/// Stand-ins for the keys while a statement is built; [`render`] replaces them with the pgbench
/// expressions that compute the key of each transaction.
const USER: Uuid = Uuid::from_u128(1);
const COMPANY: Uuid = Uuid::from_u128(2);
const PROJECT: Uuid = Uuid::from_u128(3);
const ADMIN: Uuid = Uuid::from_u128(4);

/// The pgbench script of `pattern` over `keys`, with `today` as the server's day.
pub fn script(pattern: Pattern, keys: &KeySpace, today: NaiveDate) -> String {
    let mut lines = keys.pgbench_variables();
    let client = TenantScope::Company(CompanyId::from_uuid(COMPANY));
    let as_client = raw(user::SESSION_SQL, [USER.into()]);
    let as_admin = raw(user::SESSION_SQL, [ADMIN.into()]);
    let statements = match pattern {
        Pattern::Dashboard => {
            let window = DateRange::last_n_days(today, VISITOR_WINDOW_DAYS)
                .expect("the dashboard's window ends on a valid day");
            let company = CompanyId::from_uuid(COMPANY);
            let arguments = dashboard::dashboard_arguments(client, company, today, window);
            vec![as_client, raw(dashboard::DASHBOARD_SQL, arguments)]
        }
        Pattern::ActiveProjects => vec![
            as_client,
            raw(
                project::ACTIVE_PROJECTS_SQL,
                [
                    COMPANY.into(),
                    Value::ChronoDateTimeUtc(None),
                    Value::Uuid(None),
                    21_i64.into(),
                ],
            ),
        ],
        Pattern::Me => vec![as_client, raw(user::PROFILE_SQL, [USER.into()])],
        Pattern::SearchPrefix | Pattern::SearchInfix => {
            let terms = if pattern == Pattern::SearchPrefix {
                PREFIX_TERMS
            } else {
                INFIX_TERMS
            };
            lines.push(format!("\\set t random(0, {})", terms.len() - 1));
            // `$2` as the repository binds it: the term when it could be a tax id, else NULL.
            let tax_ids: Vec<Option<&str>> = terms
                .iter()
                .map(|term| company::may_be_tax_id(term).then_some(*term))
                .collect();
            let texts: Vec<Option<&str>> = terms.iter().copied().map(Some).collect();
            let term = format!("(ARRAY[{}])[:t + 1]", quoted_list(&texts));
            let tax_id = format!("(ARRAY[{}]::text[])[:t + 1]", quoted_list(&tax_ids));
            // `$1` escaped and `$3` as typed are the same text for these terms.
            let search = raw(
                company::SEARCH_SQL,
                [
                    "TERM".into(),
                    "TAX_ID".into(),
                    "TERM".into(),
                    Value::Int(None),
                    Value::String(None),
                    Value::Uuid(None),
                    21_i64.into(),
                ],
            );
            vec![
                as_admin,
                search.replace("'TERM'", &term).replace("'TAX_ID'", &tax_id),
            ]
        }
        Pattern::Autocomplete => {
            lines.push(format!("\\set t random(0, {})", PREFIX_TERMS.len() - 1));
            let texts: Vec<Option<&str>> = PREFIX_TERMS.iter().copied().map(Some).collect();
            let prefix = format!("(ARRAY[{}])[:t + 1]", quoted_list(&texts));
            let autocomplete = raw(
                company::AUTOCOMPLETE_SQL,
                ["PREFIX".into(), i64::from(AUTOCOMPLETE_LIMIT).into()],
            );
            vec![as_admin, autocomplete.replace("'PREFIX'", &prefix)]
        }
        Pattern::Activity => {
            let first = PageRequest::new(ACTIVITY_LIMIT, None).expect("a valid page size");
            let feed = activity::feed_page(client, &first).expect("the first page has no cursor");
            vec![as_client, render(&feed.build(DbBackend::Postgres))]
        }
        Pattern::Analytics => {
            let days = DateRange::new(ANALYTICS_FROM, ANALYTICS_TO)
                .expect("the analytics window is a valid range");
            let project = ProjectId::from_uuid(PROJECT);
            let arguments = stats::stats_range_arguments(client, project, days);
            vec![as_client, raw(stats::STATS_RANGE_SQL, arguments)]
        }
    };
    lines.extend(
        statements
            .into_iter()
            .map(|sql| format!("{};", one_line(&sql))),
    );
    lines.join("\n") + "\n"
}

/// A repository's SQL constant with `values` for `$1`, `$2`, ...
fn raw<const N: usize>(sql: &str, values: [Value; N]) -> String {
    render(&Statement::from_sql_and_values(
        DbBackend::Postgres,
        sql,
        values,
    ))
}

/// `statement`'s SQL with every `$n` replaced by its value, and every key stand-in by the
/// expression computing that key from the transaction's random variables.
fn render(statement: &Statement) -> String {
    let values = statement
        .values
        .as_ref()
        .map(|values| values.0.clone())
        .unwrap_or_default();
    let mut sql = statement.sql.clone();
    // Highest first, so that `$1` never matches the start of `$10`.
    for (index, value) in values.iter().enumerate().rev() {
        sql = sql.replace(&format!("${}", index + 1), &argument(value));
    }
    sql
}

fn argument(value: &Value) -> String {
    match value {
        Value::Uuid(Some(key)) if *key == USER => "md5('user' || :u)::uuid".into(),
        Value::Uuid(Some(key)) if *key == COMPANY => "md5('company' || :c)::uuid".into(),
        Value::Uuid(Some(key)) if *key == PROJECT => "md5('project' || :p)::uuid".into(),
        Value::Uuid(Some(key)) if *key == ADMIN => format!("md5('{ADMIN_KEY}')::uuid"),
        other => PostgresQueryBuilder.value_to_string(other),
    }
}

/// pgbench reads a statement per line.
fn one_line(sql: &str) -> String {
    sql.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `'a', NULL, 'b'`: SQL literals of `terms`.
fn quoted_list(terms: &[Option<&str>]) -> String {
    terms
        .iter()
        .map(|term| match term {
            Some(term) => format!("'{}'", term.replace('\'', "''")),
            None => "NULL".to_owned(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use prosektor_dataset::Scale;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 25).expect("a date")
    }

    #[test]
    fn the_dashboard_script_sends_what_the_request_sends() {
        let script = script(
            Pattern::Dashboard,
            &KeySpace::new(Scale::Medium.volumes()),
            today(),
        );
        let statements: Vec<&str> = script
            .lines()
            .filter(|line| !line.starts_with('\\'))
            .collect();
        assert_eq!(statements.len(), 2, "{script}");
        assert!(statements[0].contains(
            "FROM users u LEFT JOIN companies c ON c.id = u.company_id \
             WHERE u.id = md5('user' || :u)::uuid"
        ));
        // The figures, in the client's scope, as of today, visitors over the 30 days ending today.
        assert!(statements[1].contains("company_id = md5('company' || :c)::uuid"));
        assert!(statements[1].contains("c.id = md5('company' || :c)::uuid"));
        assert!(statements[1].contains("'2026-11-25'"));
        assert!(statements[1].contains("'2026-10-27'"), "{script}");
        assert!(
            statements.iter().all(|line| !line.contains('$')),
            "{script}"
        );
    }

    #[test]
    fn search_scripts_draw_their_term_from_the_same_list() {
        let script = script(
            Pattern::SearchInfix,
            &KeySpace::new(Scale::Small.volumes()),
            today(),
        );
        assert!(script.contains(&format!("\\set t random(0, {})", INFIX_TERMS.len() - 1)));
        assert!(script.contains("search_fold((ARRAY["), "{script}");
        assert!(script.contains(&format!("md5('{ADMIN_KEY}')::uuid")));
        // Only the digit terms can match a tax id; the others bind NULL there, as the repository does.
        assert!(
            script.contains(
                "(ARRAY[NULL, NULL, NULL, NULL, NULL, NULL, '00000777', '0001234']::text[])"
            ),
            "{script}"
        );
    }

    #[test]
    fn the_activity_script_reads_the_clients_first_page_through_the_repositorys_query() {
        let script = script(
            Pattern::Activity,
            &KeySpace::new(Scale::Small.volumes()),
            today(),
        );
        assert!(
            script.contains("FROM \"activity_events\" WHERE \"activity_events\".\"company_id\" = "),
            "{script}"
        );
        assert!(
            script.contains("ORDER BY \"activity_events\".\"occurred_at\" DESC"),
            "{script}"
        );
        assert!(script.contains("LIMIT 21;"), "{script}");
        assert!(!script.contains('$'), "{script}");
    }

    #[test]
    fn the_autocomplete_script_sends_the_repositorys_range_with_the_typed_prefixes() {
        let script = script(
            Pattern::Autocomplete,
            &KeySpace::new(Scale::Small.volumes()),
            today(),
        );
        assert!(script.contains(&format!("\\set t random(0, {})", PREFIX_TERMS.len() - 1)));
        assert!(
            script.contains("name_fold COLLATE \"C\" >= search_fold((ARRAY['Anadolu', "),
            "{script}"
        );
        assert!(script.contains("LIMIT 10;"), "{script}");
        assert!(!script.contains('$'), "{script}");
    }
}
