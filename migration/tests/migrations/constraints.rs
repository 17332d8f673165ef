//! Every CHECK (and the uniqueness rules the domain relies on) rejects what it should, naming itself
//! in the error, on the fully migrated schema.

use prosektor_testkit::TestDatabase;

use crate::support::{exec, exec_err, scalar};

const COMPANY: &str = "0193b000-0000-7000-8000-000000000001";
const USER: &str = "0193b000-0000-7000-8000-000000000002";
const PROJECT: &str = "0193b000-0000-7000-8000-000000000003";
const RUN: &str = "0193b000-0000-7000-8000-000000000004";
const HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA";

/// (constraint that must fire, statement that breaks it)
fn violations() -> Vec<(&'static str, String)> {
    let user = |email: &str, hash: &str, role: &str, company: &str| {
        format!(
            "INSERT INTO users (email, password_hash, role, company_id) VALUES ('{email}', '{hash}', '{role}', {company})"
        )
    };
    let company = format!("'{COMPANY}'");
    let invoice = |no: &str,
                   sub: &str,
                   tax: &str,
                   total: &str,
                   status: &str,
                   issue: &str,
                   paid: &str| {
        format!(
            "INSERT INTO invoices (company_id, buyer_name, invoice_no, amount_subtotal, amount_tax, amount_total, status, issue_date, paid_at) \
             VALUES ('{COMPANY}', 'Anadolu OSGB', '{no}', {sub}, {tax}, {total}, '{status}', {issue}, {paid})"
        )
    };
    let run = |status: &str, attempt: i32, max: i32, heartbeat: &str| {
        format!(
            "INSERT INTO pipeline_runs (project_id, status, attempt, max_attempts, started_at, heartbeat_at) \
             VALUES ('{PROJECT}', '{status}', {attempt}, {max}, {heartbeat}, {heartbeat})"
        )
    };
    vec![
        (
            "companies_name_not_blank",
            "INSERT INTO companies (name) VALUES ('   ')".into(),
        ),
        (
            "companies_tax_id_format",
            "INSERT INTO companies (name, tax_id) VALUES ('X', '12345')".into(),
        ),
        (
            "companies_tax_id_format",
            "INSERT INTO companies (name, tax_id) VALUES ('X', '01234567890')".into(),
        ),
        (
            "companies_tax_id_key",
            "INSERT INTO companies (name, tax_id) VALUES ('X', '4540536920')".into(),
        ),
        (
            "companies_status_valid",
            "INSERT INTO companies (name, status) VALUES ('X', 'GONE')".into(),
        ),
        (
            "company_details_danger_class_valid",
            format!(
                "UPDATE company_details SET danger_class = 'SAFE' WHERE company_id = '{COMPANY}'"
            ),
        ),
        (
            "company_details_nace_code_format",
            format!("UPDATE company_details SET nace_code = '8690' WHERE company_id = '{COMPANY}'"),
        ),
        (
            "company_details_contact_phone_e164",
            format!(
                "UPDATE company_details SET contact_phone = '05321234567' WHERE company_id = '{COMPANY}'"
            ),
        ),
        (
            "users_email_normalised",
            user("Ayse@Example.com", HASH, "ADMIN", "NULL"),
        ),
        (
            "users_email_normalised",
            user("no-at-sign", HASH, "ADMIN", "NULL"),
        ),
        (
            "users_password_hash_argon2id",
            user("a@example.com", "plain-text", "ADMIN", "NULL"),
        ),
        (
            "users_role_company",
            user("a@example.com", HASH, "ROOT", "NULL"),
        ),
        (
            "users_role_company",
            user("a@example.com", HASH, "ADMIN", &company),
        ),
        (
            "users_role_company",
            user("a@example.com", HASH, "CLIENT", "NULL"),
        ),
        (
            "users_email_active_key",
            user("taken@example.com", HASH, "ADMIN", "NULL"),
        ),
        (
            "users_session_version_positive",
            format!("UPDATE users SET curr_session_version = 0 WHERE id = '{USER}'"),
        ),
        (
            "user_profiles_phone_e164",
            format!("UPDATE user_profiles SET phone = '+0123' WHERE user_id = '{USER}'"),
        ),
        (
            "user_profiles_avatar_https",
            format!(
                "UPDATE user_profiles SET avatar_url = 'http://x.example/a.png' WHERE user_id = '{USER}'"
            ),
        ),
        (
            "user_profiles_preferences_object",
            format!("UPDATE user_profiles SET preferences = '[1]' WHERE user_id = '{USER}'"),
        ),
        (
            "user_profiles_preferences_object",
            format!(
                "UPDATE user_profiles SET preferences = jsonb_build_object('k', repeat('x', 5000)) WHERE user_id = '{USER}'"
            ),
        ),
        (
            "invoice_counters_year_range",
            "INSERT INTO invoice_counters (year) VALUES (999)".into(),
        ),
        (
            "invoice_counters_last_seq_non_negative",
            "INSERT INTO invoice_counters (year, last_seq) VALUES (2024, -1)".into(),
        ),
        (
            "invoices_invoice_no_format",
            invoice("24-001", "1", "0", "1", "DRAFT", "NULL", "NULL"),
        ),
        (
            "invoices_invoice_no_format",
            invoice("2024-000", "1", "0", "1", "DRAFT", "NULL", "NULL"),
        ),
        (
            "invoices_invoice_no_format",
            invoice("2024-0001", "1", "0", "1", "DRAFT", "NULL", "NULL"),
        ),
        (
            "invoices_invoice_no_key",
            invoice("2024-001", "1", "0", "1", "DRAFT", "NULL", "NULL"),
        ),
        (
            "invoices_subtotal_non_negative",
            invoice("2024-100", "-1", "1", "0", "DRAFT", "NULL", "NULL"),
        ),
        (
            "invoices_tax_non_negative",
            invoice("2024-100", "1", "-1", "0", "DRAFT", "NULL", "NULL"),
        ),
        (
            "invoices_total_is_sum",
            invoice(
                "2024-100", "100.00", "20.00", "120.01", "DRAFT", "NULL", "NULL",
            ),
        ),
        (
            "invoices_status_valid",
            invoice("2024-100", "1", "0", "1", "OPEN", "NULL", "NULL"),
        ),
        (
            "invoices_issue_date_matches_status",
            invoice("2024-100", "1", "0", "1", "SENT", "NULL", "NULL"),
        ),
        (
            "invoices_issue_date_matches_status",
            invoice("2024-100", "1", "0", "1", "DRAFT", "'2024-01-01'", "NULL"),
        ),
        (
            "invoices_paid_at_iff_paid",
            invoice("2024-100", "1", "0", "1", "PAID", "'2024-01-01'", "NULL"),
        ),
        (
            "invoices_paid_at_iff_paid",
            invoice("2024-100", "1", "0", "1", "SENT", "'2024-01-01'", "now()"),
        ),
        (
            "invoices_buyer_name_not_blank",
            format!(
                "INSERT INTO invoices (company_id, buyer_name, invoice_no, amount_subtotal, amount_tax, amount_total) \
                 VALUES ('{COMPANY}', ' ', '2024-100', 1, 0, 1)"
            ),
        ),
        (
            "invoices_buyer_tax_id_format",
            format!(
                "INSERT INTO invoices (company_id, buyer_name, buyer_tax_id, invoice_no, amount_subtotal, amount_tax, amount_total) \
                 VALUES ('{COMPANY}', 'Anadolu OSGB', '123', '2024-100', 1, 0, 1)"
            ),
        ),
        (
            "web_projects_name_not_blank",
            format!("INSERT INTO web_projects (company_id, name) VALUES ('{COMPANY}', '')"),
        ),
        (
            "web_projects_domain_host_name",
            format!(
                "INSERT INTO web_projects (company_id, name, domain) VALUES ('{COMPANY}', 'X', 'Bad_Domain')"
            ),
        ),
        (
            "web_projects_domain_host_name",
            format!(
                "INSERT INTO web_projects (company_id, name, domain) VALUES ('{COMPANY}', 'X', 'localhost')"
            ),
        ),
        (
            "web_projects_domain_key",
            format!(
                "INSERT INTO web_projects (company_id, name, domain) VALUES ('{COMPANY}', 'X', 'taken.example.com')"
            ),
        ),
        (
            "web_projects_status_valid",
            format!(
                "INSERT INTO web_projects (company_id, name, status) VALUES ('{COMPANY}', 'X', 'DONE')"
            ),
        ),
        (
            "web_projects_updated_after_created",
            format!(
                "UPDATE web_projects SET updated_at = created_at - interval '1 day' WHERE id = '{PROJECT}'"
            ),
        ),
        ("pipeline_runs_status_valid", run("DONE", 0, 3, "NULL")),
        (
            "pipeline_runs_attempt_non_negative",
            run("CANCELLED", -1, 3, "NULL"),
        ),
        (
            "pipeline_runs_max_attempts_range",
            run("CANCELLED", 0, 0, "NULL"),
        ),
        (
            "pipeline_runs_max_attempts_range",
            run("CANCELLED", 0, 21, "NULL"),
        ),
        (
            "pipeline_runs_attempt_within_max",
            run("FAILED", 4, 3, "NULL"),
        ),
        (
            "pipeline_runs_running_has_heartbeat",
            run("RUNNING", 1, 3, "NULL"),
        ),
        (
            "pipeline_runs_one_active_per_project",
            run("QUEUED", 0, 3, "NULL"),
        ),
        (
            "pipeline_run_logs_seq_positive",
            format!(
                "INSERT INTO pipeline_run_logs (run_id, seq, level, message) VALUES ('{RUN}', 0, 'INFO', 'x')"
            ),
        ),
        (
            "pipeline_run_logs_level_valid",
            format!(
                "INSERT INTO pipeline_run_logs (run_id, seq, level, message) VALUES ('{RUN}', 1, 'LOUD', 'x')"
            ),
        ),
        (
            "pipeline_run_logs_message_length",
            format!(
                "INSERT INTO pipeline_run_logs (run_id, seq, level, message) VALUES ('{RUN}', 1, 'INFO', '')"
            ),
        ),
        (
            "pipeline_run_logs_pkey",
            format!(
                "INSERT INTO pipeline_run_logs (run_id, seq, level, message) VALUES ('{RUN}', 7, 'INFO', 'again')"
            ),
        ),
        (
            "daily_stats_visitors_non_negative",
            format!(
                "INSERT INTO daily_stats (project_id, date, visitors) VALUES ('{PROJECT}', '2024-01-02', -1)"
            ),
        ),
        (
            "daily_stats_page_views_non_negative",
            format!(
                "INSERT INTO daily_stats (project_id, date, page_views) VALUES ('{PROJECT}', '2024-01-02', -5)"
            ),
        ),
        (
            "daily_stats_breakdown_object",
            format!(
                "INSERT INTO daily_stats (project_id, date, meta_breakdown) VALUES ('{PROJECT}', '2024-01-02', '\"google\"')"
            ),
        ),
        (
            "daily_stats_breakdown_dimensions",
            format!(
                "INSERT INTO daily_stats (project_id, date, meta_breakdown) SELECT '{PROJECT}', '2024-01-03', \
                 jsonb_object_agg('d' || n, '{{\"k\": 1}}'::jsonb) FROM generate_series(1, 33) AS n"
            ),
        ),
        (
            "daily_stats_breakdown_keys",
            format!(
                "INSERT INTO daily_stats (project_id, date, meta_breakdown) SELECT '{PROJECT}', '2024-01-03', \
                 jsonb_build_object('source', jsonb_object_agg('k' || n, 1)) FROM generate_series(1, 257) AS n"
            ),
        ),
        (
            "throttle_counters_key_shape",
            "INSERT INTO throttle_counters (key, attempts, window_ends_at) VALUES ('alice@example.com', 1, now())".into(),
        ),
        (
            "throttle_counters_attempts_non_negative",
            format!(
                "INSERT INTO throttle_counters (key, attempts, window_ends_at) VALUES ('client:{}', -1, now())",
                "0".repeat(64)
            ),
        ),
        (
            "idempotency_keys_key_shape",
            idempotency_record("user:0193a000-0000-7000-8000-00000000000a", "has space", 201),
        ),
        (
            "idempotency_keys_scope_shape",
            idempotency_record("alice@example.com", "k", 201),
        ),
        (
            "idempotency_keys_status_success",
            idempotency_record("user:0193a000-0000-7000-8000-00000000000a", "k", 500),
        ),
        (
            "web_projects_ingest_key_hash_hex",
            format!("UPDATE web_projects SET ingest_key_hash = 'not-hex' WHERE id = '{PROJECT}'"),
        ),
        (
            "daily_stats_project_date_key",
            format!(
                "INSERT INTO daily_stats (project_id, date) VALUES ('{PROJECT}', '2024-01-01')"
            ),
        ),
    ]
}

#[tokio::test]
async fn every_constraint_rejects_what_it_should() {
    let database = TestDatabase::migrated().await.expect("test database");
    let db = database.connection();
    exec(db, &format!(
        "INSERT INTO companies (id, name, tax_id) VALUES ('{COMPANY}', 'Anadolu OSGB', '4540536920');
         INSERT INTO company_details (company_id) VALUES ('{COMPANY}');
         INSERT INTO users (id, email, password_hash, role, company_id) VALUES ('{USER}', 'taken@example.com', '{HASH}', 'CLIENT', '{COMPANY}');
         INSERT INTO user_profiles (user_id) VALUES ('{USER}');
         INSERT INTO invoices (company_id, buyer_name, invoice_no, amount_subtotal, amount_tax, amount_total) VALUES ('{COMPANY}', 'Anadolu OSGB', '2024-001', 1, 0, 1);
         INSERT INTO web_projects (id, company_id, name, domain) VALUES ('{PROJECT}', '{COMPANY}', 'Site', 'taken.example.com');
         INSERT INTO pipeline_runs (id, project_id) VALUES ('{RUN}', '{PROJECT}');
         INSERT INTO pipeline_run_logs (run_id, seq, level, message) VALUES ('{RUN}', 7, 'INFO', 'first');
         INSERT INTO daily_stats (project_id, date) VALUES ('{PROJECT}', '2024-01-01');"
    )).await;
    let rows_before: i64 = scalar(db, ROW_COUNT).await;

    let cases = violations();
    for (constraint, sql) in &cases {
        let error = exec_err(db, sql).await.to_string();
        assert!(
            error.contains(constraint),
            "expected {constraint} to reject:\n  {sql}\nbut got: {error}"
        );
    }
    assert_eq!(
        scalar::<i64>(db, ROW_COUNT).await,
        rows_before,
        "a rejected statement wrote nothing"
    );
    assert!(cases.len() >= 50, "{} cases", cases.len());
}

#[tokio::test]
async fn a_deleted_users_email_can_be_registered_again() {
    let database = TestDatabase::migrated().await.expect("test database");
    let db = database.connection();
    let insert = format!(
        "INSERT INTO users (email, password_hash, role) VALUES ('again@example.com', '{HASH}', 'ADMIN')"
    );
    exec(db, &insert).await;
    exec(
        db,
        "UPDATE users SET deleted_at = now() WHERE email = 'again@example.com'",
    )
    .await;
    exec(db, &insert).await;
    assert_eq!(
        scalar::<i64>(
            db,
            "SELECT count(*) FROM users WHERE email = 'again@example.com'"
        )
        .await,
        2
    );
}

const ROW_COUNT: &str = "SELECT (SELECT count(*) FROM companies) + (SELECT count(*) FROM users) \
    + (SELECT count(*) FROM invoices) + (SELECT count(*) FROM web_projects) + (SELECT count(*) FROM pipeline_runs) \
    + (SELECT count(*) FROM pipeline_run_logs) + (SELECT count(*) FROM daily_stats) + (SELECT count(*) FROM invoice_counters)";

/// An `idempotency_keys` insert with `scope`, `key` and `status`.
fn idempotency_record(scope: &str, key: &str, status: u16) -> String {
    format!(
        "INSERT INTO idempotency_keys (scope, key, fingerprint, status, headers, body, created_at) \
         VALUES ('{scope}', '{key}', '{}', {status}, '[]', '', now())",
        "c".repeat(64)
    )
}
