//! The index proof of SPEC §6: on realistic volumes (`prosektor_dataset::Scale::Medium`: 10k companies, 50k users, 1M
//! invoices, 30k projects, 3.65M daily_stats rows), the SQL each repository sends for the design
//! document's five access patterns, and for the queries its Index Strategy promises beside them
//! (autocomplete, the recent-activity feed of every company and of one, a lookup by email that
//! includes deleted users), uses its index, with a custom plan and with the generic plan that
//! PostgreSQL may switch a prepared statement to after five executions. No sequential scan anywhere.
//!
//! The statements are the repositories' own constants (or, for the login lookup, the query the
//! repository builds), so a change to a repository's SQL is checked here too.

use prosektor_application::{PageRequest, TenantScope};
use prosektor_domain::{CompanyId, Email};
use sea_orm::{ConnectionTrait, DbBackend, QueryTrait, Statement, TransactionTrait};
use serde_json::Value;
use uuid::Uuid;

use crate::cursor::Keyset;
use crate::repositories::activity::{NEWEST, feed_page};

use crate::repositories::company::{AUTOCOMPLETE_SQL, SEARCH_SQL};
use crate::repositories::dashboard::DASHBOARD_SQL;
use crate::repositories::project::ACTIVE_PROJECTS_SQL;
use crate::repositories::stats::STATS_RANGE_SQL;
use crate::repositories::user::login_lookup;

/// One access pattern: its SQL, arguments for `EXECUTE`, and the indexes its plan may use (one of
/// them at least).
struct Pattern {
    name: &'static str,
    sql: String,
    arguments: &'static str,
    indexes: &'static [&'static str],
}

/// The SQL of the activity feed's page in `scope`: the first, or one after a cursor.
fn feed(scope: TenantScope, after_cursor: bool) -> String {
    let cursor = after_cursor.then(|| {
        Keyset {
            key: "2025-06-01T00:00:00.000000Z".into(),
            id: Uuid::nil(),
        }
        .encode(NEWEST.0)
    });
    let page = PageRequest::new(20, cursor).expect("a page request");
    feed_page(scope, &page)
        .expect("the feed's own cursor")
        .build(DbBackend::Postgres)
        .sql
}

fn patterns() -> Vec<Pattern> {
    let email = Email::parse("user5@osgb5.example").expect("valid email");
    let login = login_lookup(&email).build(DbBackend::Postgres).sql;
    let company = TenantScope::Company(CompanyId::from_uuid(Uuid::nil()));
    vec![
        Pattern {
            name: "1 dashboard (client's scope)",
            sql: DASHBOARD_SQL.into(),
            arguments: "md5('company5')::uuid, date '2025-06-01', date '2025-05-03', \
                        date '2025-06-01', md5('company5')::uuid",
            indexes: &["idx_invoices_dashboard"],
        },
        Pattern {
            name: "2 active projects",
            sql: ACTIVE_PROJECTS_SQL.into(),
            arguments: "md5('company5')::uuid, NULL, NULL, 21",
            indexes: &["idx_web_projects_active"],
        },
        Pattern {
            name: "3 login lookup",
            sql: login,
            arguments: "'user5@osgb5.example'",
            // Both indexes on `email` find the address's few rows: the planner may take either.
            indexes: &["users_email_active_key", "idx_users_email"],
        },
        Pattern {
            name: "user by email, deleted included",
            sql: "SELECT * FROM users WHERE email = $1".into(),
            arguments: "'user5@osgb5.example'",
            indexes: &["idx_users_email"],
        },
        Pattern {
            name: "4 company search (common prefix)",
            sql: SEARCH_SQL.into(),
            arguments: "'anadolu', NULL, 'anadolu', NULL, NULL, NULL, 21",
            indexes: &["idx_companies_name_fold_prefix"],
        },
        Pattern {
            name: "4 company search (name)",
            sql: SEARCH_SQL.into(),
            arguments: "'sisli saglik', NULL, 'sisli saglik', NULL, NULL, NULL, 21",
            indexes: &["idx_companies_name_fold_trgm"],
        },
        Pattern {
            name: "4 company search (tax id)",
            sql: SEARCH_SQL.into(),
            arguments: "'00000123', '00000123', '00000123', NULL, NULL, NULL, 21",
            indexes: &["idx_companies_tax_id_trgm"],
        },
        Pattern {
            name: "4 company search (next page among the other matches)",
            sql: SEARCH_SQL.into(),
            arguments: "'sisli saglik', NULL, 'sisli saglik', 1, 'Marmara', md5('x')::uuid, 21",
            indexes: &["idx_companies_name_fold_trgm"],
        },
        Pattern {
            name: "company autocomplete",
            sql: AUTOCOMPLETE_SQL.into(),
            arguments: "'anadolu', 10",
            indexes: &["idx_companies_name_fold_prefix"],
        },
        Pattern {
            name: "activity feed, every company (first page)",
            sql: feed(TenantScope::All, false),
            arguments: "21",
            indexes: &["idx_activity_events_newest"],
        },
        Pattern {
            name: "activity feed, every company (next page)",
            sql: feed(TenantScope::All, true),
            arguments: "timestamptz '2025-06-01', md5('x')::uuid, 21",
            indexes: &["idx_activity_events_newest"],
        },
        Pattern {
            name: "activity feed, one company (next page)",
            sql: feed(company, true),
            arguments: "md5('company5')::uuid, timestamptz '2025-06-01', md5('x')::uuid, 21",
            indexes: &["idx_activity_events_company"],
        },
        Pattern {
            name: "5 analytics range (client's scope)",
            sql: STATS_RANGE_SQL.into(),
            arguments: "md5('project5')::uuid, date '2025-03-01', date '2025-03-30', \
                        md5('company5')::uuid",
            indexes: &["daily_stats_project_date_key"],
        },
    ]
}

/// Every `(Node Type, Index Name)` of a JSON plan.
fn nodes(plan: &Value, found: &mut Vec<(String, Option<String>)>) {
    if let Some(node) = plan.get("Node Type").and_then(Value::as_str) {
        let index = plan
            .get("Index Name")
            .and_then(Value::as_str)
            .map(str::to_owned);
        found.push((node.to_owned(), index));
    }
    for child in plan
        .get("Plans")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        nodes(child, found);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "loads a million invoices (about two minutes): run by `make proof`, in CI after `make test`"]
async fn every_access_pattern_uses_its_index_at_realistic_volumes() {
    let database = prosektor_testkit::TestDatabase::migrated()
        .await
        .expect("test database");
    let db = database.connection();
    prosektor_dataset::load(db, prosektor_dataset::Scale::Medium, &mut |_| {})
        .await
        .expect("load the volumes");

    for pattern in patterns() {
        for mode in ["force_custom_plan", "force_generic_plan"] {
            let transaction = db.begin().await.expect("begin");
            transaction
                .execute_unprepared(&format!(
                    "SET LOCAL plan_cache_mode = {mode}; PREPARE pattern AS {}",
                    pattern.sql
                ))
                .await
                .unwrap_or_else(|error| panic!("{}: prepare: {error}", pattern.name));
            let explain = format!(
                "EXPLAIN (FORMAT JSON) EXECUTE pattern({})",
                pattern.arguments
            );
            let row = transaction
                .query_one_raw(Statement::from_string(DbBackend::Postgres, explain))
                .await
                .unwrap_or_else(|error| panic!("{}: explain: {error}", pattern.name))
                .expect("a plan");
            let plan: Value = row.try_get_by_index(0).expect("JSON plan");
            transaction
                .execute_unprepared("DEALLOCATE pattern")
                .await
                .expect("deallocate");
            transaction.commit().await.expect("commit");

            let mut found = Vec::new();
            nodes(&plan[0]["Plan"], &mut found);
            eprintln!("{} ({mode}): {found:?}", pattern.name);
            assert!(
                found.iter().all(|(node, _)| node != "Seq Scan"),
                "{} ({mode}) scans a table sequentially: {found:?}",
                pattern.name
            );
            assert!(
                found.iter().any(|(_, index)| index
                    .as_deref()
                    .is_some_and(|name| pattern.indexes.contains(&name))),
                "{} ({mode}) uses none of {:?}: {found:?}",
                pattern.name,
                pattern.indexes
            );
        }
    }
}
