//! The history walked for real: up one migration at a time with data written at each step (through
//! the legacy company columns while the sync is active, too), every value checked at the top, then
//! down one step at a time to zero and up again.

use std::time::Duration;

use prosektor_migration::{BackfillSettings, Migrator, MigratorTrait, run_backfills};
use prosektor_testkit::TestDatabase;
use rust_decimal::Decimal;
use sea_orm::DatabaseConnection;

use crate::support::{exec, exec_err, has_column, row, scalar, tables};

const HISTORY: [&str; 30] = [
    "m20261124_000001_create_search_support",
    "m20261124_000002_create_companies",
    "m20261124_000003_create_users",
    "m20261124_000004_create_invoices",
    "m20261124_000005_create_web_projects",
    "m20261124_000006_create_pipeline_runs",
    "m20261124_000007_create_daily_stats",
    "m20261124_000008_add_profile_middle_name",
    "m20261124_000009_expand_company_details",
    "m20261124_000010_contract_company_details",
    "m20261125_000011_create_breakdown_merge",
    "m20261125_000012_add_project_ingest_key",
    "m20261125_000013_add_run_scheduling",
    "m20261125_000014_create_run_artifacts",
    "m20261125_000015_add_company_name_fold",
    "m20261201_000016_add_breakdown_caps",
    "m20261201_000017_create_throttle_counters",
    "m20261201_000018_add_row_versions",
    "m20261201_000019_create_idempotency_keys",
    "m20261201_000020_create_service_instances",
    "m20261201_000021_expand_company_version_scope",
    "m20261201_000022_add_invoice_buyer_snapshot",
    "m20261201_000023_contract_invoice_buyer_fill",
    "m20261201_000024_contract_invoice_buyer_not_null",
    "m20261201_000025_create_company_name_prefix_index",
    "m20261201_000026_create_user_email_index",
    "m20261201_000027_create_activity_events",
    "m20261201_000028_add_run_log_time_bound",
    "m20261201_000029_expand_run_log_partitions",
    "m20261202_000030_add_user_wrote_at",
];

const ALL_TABLES: [&str; 16] = [
    "activity_events",
    "companies",
    "company_details",
    "daily_stats",
    "idempotency_keys",
    "invoice_counters",
    "invoices",
    "pipeline_run_logs",
    "pipeline_run_logs_kept",
    "pipeline_run_pages",
    "pipeline_runs",
    "service_instances",
    "throttle_counters",
    "user_profiles",
    "users",
    "web_projects",
];

const COMPANY_A: &str = "0193a000-0000-7000-8000-00000000000a";
const COMPANY_B: &str = "0193a000-0000-7000-8000-00000000000b";
const COMPANY_C: &str = "0193a000-0000-7000-8000-00000000000c";
const CLIENT: &str = "0193a000-0000-7000-8000-0000000000c1";
const PROJECT: &str = "0193a000-0000-7000-8000-0000000000f1";
const RUN: &str = "0193a000-0000-7000-8000-0000000000e1";
const HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA";

/// Applies the next migration and checks it is the one `HISTORY` expects at `index`.
async fn up_to(db: &DatabaseConnection, index: usize) {
    Migrator::up(db, Some(1))
        .await
        .expect("migrate one step up");
    let applied = Migrator::get_applied_migrations(db).await.expect("applied");
    let names: Vec<String> = applied.iter().map(|m| m.name().to_owned()).collect();
    assert_eq!(names, HISTORY[..=index], "history after step {index}");
}

#[tokio::test]
async fn walking_up_step_by_step_keeps_every_row_and_value() {
    let database = TestDatabase::empty().await.expect("test database");
    let db = database.connection();

    up_to(db, 0).await;
    let folded: String = scalar(db, "SELECT search_fold('ŞİŞLİ Çağrı ÖZGÜR ıIiİ')").await;
    assert_eq!(folded, "sisli cagri ozgur iiii");

    up_to(db, 1).await;
    exec(db, &format!(
        "INSERT INTO companies (id, name, tax_id, status, address, city, danger_class, nace_code, contact_email, contact_phone) \
         VALUES ('{COMPANY_A}', 'Anadolu OSGB', '4540536920', 'ACTIVE', 'Atatürk Cad. 1', 'İstanbul', 'VERY_DANGEROUS', '86.90', 'info@anadolu.example', '+905321234567')"
    )).await;

    up_to(db, 2).await;
    exec(db, &format!(
        "INSERT INTO users (email, password_hash, role) VALUES ('admin@prosektor.example', '{HASH}', 'ADMIN');
         INSERT INTO users (id, email, password_hash, role, company_id) VALUES ('{CLIENT}', 'ayse@anadolu.example', '{HASH}', 'CLIENT', '{COMPANY_A}');
         INSERT INTO user_profiles (user_id, first_name, last_name, phone, avatar_url, preferences)
         VALUES ('{CLIENT}', 'Ayşe', 'Yılmaz', '+905551112233', 'https://cdn.example/a.png', '{{\"theme\": \"dark\", \"locale\": \"tr\"}}');"
    )).await;

    up_to(db, 3).await;
    exec(db, &format!(
        "INSERT INTO invoice_counters (year, last_seq) VALUES (2024, 2);
         INSERT INTO invoices (company_id, invoice_no, amount_subtotal, amount_tax, amount_total, status, due_date, issue_date, paid_at)
         VALUES ('{COMPANY_A}', '2024-001', 1000.00, 200.00, 1200.00, 'PAID', '2024-02-01', '2024-01-02', '2024-01-20T10:00:00Z'),
                ('{COMPANY_A}', '2024-002', 0.10, 0.02, 0.12, 'DRAFT', NULL, NULL, NULL);"
    )).await;

    up_to(db, 4).await;
    exec(db, &format!(
        "INSERT INTO web_projects (id, company_id, name, domain, status) VALUES ('{PROJECT}', '{COMPANY_A}', 'Kurumsal Site', 'anadolu-osgb.com.tr', 'LIVE')"
    )).await;

    up_to(db, 5).await;
    exec(db, &format!(
        "INSERT INTO pipeline_runs (id, project_id, status, attempt, input, started_at, heartbeat_at, finished_at)
         VALUES ('{RUN}', '{PROJECT}', 'SUCCEEDED', 1, '{{\"pages\": 4}}', now(), now(), now());
         INSERT INTO pipeline_run_logs (run_id, seq, level, message) VALUES ('{RUN}', 1, 'INFO', 'gather'), ('{RUN}', 2, 'INFO', 'publish');"
    )).await;

    up_to(db, 6).await;
    exec(db, &format!(
        "INSERT INTO daily_stats (project_id, date, visitors, page_views, meta_breakdown)
         VALUES ('{PROJECT}', '2024-03-01', 15, 42, '{{\"source\": {{\"google\": 10, \"direct\": 5}}}}')"
    )).await;

    up_to(db, 7).await;
    exec(
        db,
        &format!("UPDATE user_profiles SET middle_name = 'Nur' WHERE user_id = '{CLIENT}'"),
    )
    .await;

    up_to(db, 8).await;
    // The backfill copies A, which existed before, in batches outside the migration.
    run_backfills(
        db,
        &|migration| HISTORY[..=8].contains(&migration),
        BackfillSettings {
            batch_size: 1,
            pause: Duration::ZERO,
        },
        &mut |_| {},
    )
    .await
    .expect("the details backfill");
    let copied: String = scalar(db, &format!(
        "SELECT concat_ws('|', address, city, contact_phone) FROM company_details WHERE company_id = '{COMPANY_A}'"
    )).await;
    assert_eq!(copied, "Atatürk Cad. 1|İstanbul|+905321234567");
    // An older server still writes the legacy columns (B, and A's city);
    // a newer one writes company_details (C, and A's phone). Both sides must see every write.
    exec(db, &format!(
        "INSERT INTO companies (id, name, address, city, danger_class, nace_code, contact_email, contact_phone)
         VALUES ('{COMPANY_B}', 'Ege İSG', 'Kordon 5', 'İzmir', 'DANGEROUS', '71.12.01', 'ege@isg.example', '+902321112233');
         UPDATE companies SET city = 'Kocaeli' WHERE id = '{COMPANY_A}';
         INSERT INTO companies (id, name) VALUES ('{COMPANY_C}', 'Trakya Sağlık');
         INSERT INTO company_details (company_id, city, danger_class) VALUES ('{COMPANY_C}', 'Edirne', 'LESS_DANGEROUS')
           ON CONFLICT (company_id) DO UPDATE SET city = EXCLUDED.city, danger_class = EXCLUDED.danger_class;
         UPDATE company_details SET contact_phone = '+905329998877' WHERE company_id = '{COMPANY_A}';"
    )).await;
    for (company, expected) in [
        (COMPANY_A, "Kocaeli|+905329998877"),
        (COMPANY_B, "İzmir|+902321112233"),
        (COMPANY_C, "Edirne|"),
    ] {
        let legacy: String = scalar(db, &format!(
            "SELECT concat_ws('|', city, coalesce(contact_phone, '')) FROM companies WHERE id = '{company}'"
        )).await;
        let details: String = scalar(db, &format!(
            "SELECT concat_ws('|', city, coalesce(contact_phone, '')) FROM company_details WHERE company_id = '{company}'"
        )).await;
        assert_eq!(
            (legacy.as_str(), details.as_str()),
            (expected, expected),
            "sync of {company}"
        );
    }

    up_to(db, 9).await;
    assert!(!has_column(db, "companies", "address").await);
    assert!(!has_column(db, "companies", "contact_phone").await);

    up_to(db, 10).await;
    let merged: String = scalar(
        db,
        r#"SELECT stats_breakdown_add('{"source": {"google": 10}}', '{"source": {"google": 1, "direct": 5}}')::text"#,
    )
    .await;
    assert_eq!(merged, r#"{"source": {"direct": 5, "google": 11}}"#);

    up_to(db, 11).await;
    let hash = "ab".repeat(32);
    exec(
        db,
        &format!("UPDATE web_projects SET ingest_key_hash = '{hash}' WHERE id = '{PROJECT}'"),
    )
    .await;
    let stored: String = scalar(
        db,
        &format!("SELECT ingest_key_hash FROM web_projects WHERE id = '{PROJECT}'"),
    )
    .await;
    assert_eq!(stored, hash);

    up_to(db, 12).await;
    // The run written before this step got a `run_after` (the migration's time, not null) and no
    // worker; a queued run waits until its `run_after`.
    let scheduled: String = scalar(
        db,
        &format!("SELECT concat_ws('|', run_after IS NOT NULL, worker IS NULL) FROM pipeline_runs WHERE id = '{RUN}'"),
    )
    .await;
    assert_eq!(scheduled, "t|t");
    let waiting: String = scalar(
        db,
        &format!(
            "INSERT INTO pipeline_runs (project_id, run_after) VALUES ('{PROJECT}', '2030-01-01T00:00:00Z') RETURNING (run_after AT TIME ZONE 'UTC')::text"
        ),
    )
    .await;
    assert_eq!(waiting, "2030-01-01 00:00:00");
    exec(db, "DELETE FROM pipeline_runs WHERE status = 'QUEUED'").await;

    up_to(db, 13).await;
    // Existing projects have no published site; a run's pages go with the run, and the published
    // run cannot be deleted.
    exec(db, &format!(
        "INSERT INTO pipeline_run_pages (run_id, path, title, body) VALUES ('{RUN}', 'index.html', 'Ana Sayfa', '<!DOCTYPE html>');
         UPDATE web_projects SET published_run_id = '{RUN}' WHERE id = '{PROJECT}';"
    )).await;
    let published: String = scalar(db, &format!(
        "SELECT concat_ws('|', p.published_run_id = '{RUN}', g.title) FROM web_projects p JOIN pipeline_run_pages g ON g.run_id = p.published_run_id WHERE p.id = '{PROJECT}'"
    )).await;
    assert_eq!(published, "t|Ana Sayfa");
    let refused = exec_err(db, &format!("DELETE FROM pipeline_runs WHERE id = '{RUN}'")).await;
    assert!(
        refused.to_string().contains("published_run_id"),
        "{refused}"
    );
    exec(
        db,
        &format!("UPDATE web_projects SET published_run_id = NULL WHERE id = '{PROJECT}'"),
    )
    .await;
    exec(db, "DELETE FROM pipeline_run_pages").await;

    up_to(db, 14).await;
    let folded: String = scalar(
        db,
        &format!("SELECT name_fold FROM companies WHERE id = '{COMPANY_A}'"),
    )
    .await;
    assert_eq!(folded, "anadolu osgb");

    up_to(db, 15).await;
    // The stored day is within the caps (validated); a day past them cannot be stored.
    let refused = exec_err(
        db,
        "UPDATE daily_stats SET meta_breakdown = jsonb_build_object('source', \
         (SELECT jsonb_object_agg('k' || n, 1) FROM generate_series(1, 257) AS n))",
    )
    .await;
    assert!(
        refused.to_string().contains("daily_stats_breakdown_keys"),
        "{refused}"
    );

    up_to(db, 16).await;
    exec(
        db,
        &format!(
            "INSERT INTO throttle_counters (key, attempts, window_ends_at) VALUES ('account:{}', 3, now())",
            "a".repeat(64)
        ),
    )
    .await;

    up_to(db, 17).await;
    // Existing rows start at version 1, and every update adds one, whoever makes it.
    exec(
        db,
        &format!("UPDATE companies SET name = name WHERE id = '{COMPANY_A}'"),
    )
    .await;
    let versions: String = scalar(
        db,
        &format!(
            "SELECT concat_ws('|', (SELECT version FROM companies WHERE id = '{COMPANY_A}'), \
             (SELECT version FROM company_details WHERE company_id = '{COMPANY_A}'), \
             (SELECT version FROM web_projects WHERE id = '{PROJECT}'))"
        ),
    )
    .await;
    assert_eq!(versions, "2|1|1");

    up_to(db, 18).await;
    exec(
        db,
        &format!(
            "INSERT INTO idempotency_keys (scope, key, fingerprint, status, headers, body, created_at) \
             VALUES ('user:{COMPANY_A}', 'order-1', '{}', 201, '[]', '\\x7b7d', now())",
            "b".repeat(64)
        ),
    )
    .await;

    up_to(db, 19).await;
    exec(
        db,
        "INSERT INTO service_instances (id, kind, version, knows_through) \
         VALUES ('prosektor-1-a', 'server', '0.1.0', 'm20261201_000020_create_service_instances')",
    )
    .await;
    let unknown_kind = exec_err(
        db,
        "INSERT INTO service_instances (id, kind, version, knows_through) VALUES ('x', 'cron', '0', 'm')",
    )
    .await;
    assert!(
        unknown_kind
            .to_string()
            .contains("service_instances_kind_valid")
    );

    up_to(db, 20).await;
    let version = async || -> i64 {
        scalar(
            db,
            &format!("SELECT version FROM companies WHERE id = '{COMPANY_A}'"),
        )
        .await
    };
    let before = version().await;
    exec(
        db,
        &format!("UPDATE companies SET created_at = created_at WHERE id = '{COMPANY_A}'"),
    )
    .await;
    assert_eq!(
        version().await,
        before,
        "only the company's own columns count"
    );
    exec(
        db,
        &format!("UPDATE companies SET status = status WHERE id = '{COMPANY_A}'"),
    )
    .await;
    assert_eq!(version().await, before + 1);

    up_to(db, 21).await;
    let without_buyer = "SELECT count(*) FROM invoices WHERE buyer_name IS NULL";
    assert_eq!(
        scalar::<i64>(db, without_buyer).await,
        2,
        "the migration fills nothing"
    );
    run_backfills(
        db,
        &|migration| HISTORY[..=21].contains(&migration),
        BackfillSettings {
            batch_size: 1,
            pause: Duration::ZERO,
        },
        &mut |_| {},
    )
    .await
    .expect("the buyer backfill");
    // An older server inserts an invoice without a snapshot: the trigger takes one.
    exec(db, &format!(
        "INSERT INTO invoices (company_id, invoice_no, amount_subtotal, amount_tax, amount_total, status)
         VALUES ('{COMPANY_A}', '2024-003', 1.00, 0.20, 1.20, 'DRAFT')"
    )).await;
    let snapshots: String = scalar(db, &format!(
        "SELECT string_agg(DISTINCT concat_ws('|', i.buyer_name, i.buyer_tax_id, i.buyer_address), ',')
         FROM invoices i WHERE i.company_id = '{COMPANY_A}'"
    )).await;
    assert_eq!(snapshots, "Anadolu OSGB|4540536920|Atatürk Cad. 1");
    exec(
        db,
        &format!("UPDATE companies SET name = 'Anadolu Sağlık OSGB' WHERE id = '{COMPANY_A}'"),
    )
    .await;
    let kept: String = scalar(
        db,
        "SELECT string_agg(DISTINCT buyer_name, ',') FROM invoices",
    )
    .await;
    assert_eq!(
        kept, "Anadolu OSGB",
        "renaming the company rewrites no invoice"
    );
    exec(
        db,
        &format!("UPDATE companies SET name = 'Anadolu OSGB' WHERE id = '{COMPANY_A}'"),
    )
    .await;

    up_to(db, 22).await;
    let unsnapshotted = exec_err(db, &format!(
        "INSERT INTO invoices (company_id, invoice_no, amount_subtotal, amount_tax, amount_total, status)
         VALUES ('{COMPANY_A}', '2024-004', 1.00, 0.20, 1.20, 'DRAFT')"
    )).await;
    assert!(
        unsnapshotted
            .to_string()
            .contains("invoices_buyer_name_present")
    );

    up_to(db, 23).await;
    let nullable: String = scalar(
        db,
        "SELECT is_nullable FROM information_schema.columns WHERE table_name = 'invoices' AND column_name = 'buyer_name'",
    )
    .await;
    assert_eq!(nullable, "NO");

    up_to(db, 24).await;
    let prefix_index_valid: bool = scalar(
        db,
        "SELECT indisvalid FROM pg_index WHERE indexrelid = 'idx_companies_name_fold_prefix'::regclass",
    )
    .await;
    assert!(prefix_index_valid, "built concurrently, and valid");

    up_to(db, 25).await;
    let email_index_valid: bool = scalar(
        db,
        "SELECT indisvalid FROM pg_index WHERE indexrelid = 'idx_users_email'::regclass",
    )
    .await;
    assert!(email_index_valid, "built concurrently, and valid");

    up_to(db, 26).await;
    let history: i64 = scalar(db, "SELECT count(*) FROM activity_events").await;
    assert_eq!(history, 0, "the feed starts with its migration");
    exec(
        db,
        "UPDATE invoices SET status = 'VOID' WHERE invoice_no = '2024-003'",
    )
    .await;
    let voided: String = scalar(
        db,
        "SELECT concat_ws('|', kind, label, amount) FROM activity_events",
    )
    .await;
    assert_eq!(voided, "INVOICE_VOIDED|2024-003|1.20");

    up_to(db, 27).await;
    let bound: bool = scalar(
        db,
        "SELECT convalidated FROM pg_constraint WHERE conname = 'pipeline_run_logs_before_partitions'",
    )
    .await;
    assert!(bound, "validated while writes go on");

    up_to(db, 28).await;
    let partitioned: String = scalar(
        db,
        "SELECT relkind::text FROM pg_class WHERE relname = 'pipeline_run_logs'",
    )
    .await;
    assert_eq!(partitioned, "p");
    // A server of the previous release appends as it always did. Lines before the bound (two
    // days ahead) go to the legacy partition, with the lines that were there; later ones to
    // their day's partition.
    exec(db, &format!(
        "INSERT INTO pipeline_run_logs (run_id, seq, level, message) VALUES ('{RUN}', 3, 'INFO', 'again');
         INSERT INTO pipeline_run_logs (run_id, seq, at, level, message)
             VALUES ('{RUN}', 4, now() + interval '3 days', 'INFO', 'later')"
    )).await;
    let homes: String = scalar(db, &format!(
        "SELECT string_agg(concat_ws(':', seq, tableoid::regclass::text ~ '^pipeline_run_logs_p[0-9]{{8}}$', \
         tableoid::regclass::text = 'pipeline_run_logs_legacy'), ',' ORDER BY seq) \
         FROM pipeline_run_logs WHERE run_id = '{RUN}'"
    )).await;
    assert_eq!(homes, "1:f:t,2:f:t,3:f:t,4:t:f");
    let ahead: i64 = scalar(
        db,
        "SELECT count(*) FROM pg_inherits WHERE inhparent = 'pipeline_run_logs'::regclass",
    )
    .await;
    assert!(ahead >= 7, "the legacy partition and a week ahead: {ahead}");
    exec(
        db,
        &format!("DELETE FROM pipeline_run_logs WHERE run_id = '{RUN}' AND seq > 2"),
    )
    .await;

    assert_everything_is_there(db).await;
}

async fn assert_everything_is_there(db: &DatabaseConnection) {
    assert_eq!(tables(db).await, ALL_TABLES);
    let details: String = scalar(db, &format!(
        "SELECT concat_ws('|', c.name, c.tax_id, c.status, d.address, d.city, d.danger_class, d.nace_code, d.contact_email, d.contact_phone)
         FROM companies c JOIN company_details d ON d.company_id = c.id WHERE c.id = '{COMPANY_A}'"
    )).await;
    assert_eq!(
        details,
        "Anadolu OSGB|4540536920|ACTIVE|Atatürk Cad. 1|Kocaeli|VERY_DANGEROUS|86.90|info@anadolu.example|+905329998877"
    );
    let b: String = scalar(db, &format!(
        "SELECT concat_ws('|', address, city, danger_class, nace_code, contact_email) FROM company_details WHERE company_id = '{COMPANY_B}'"
    )).await;
    assert_eq!(b, "Kordon 5|İzmir|DANGEROUS|71.12.01|ege@isg.example");
    assert_eq!(
        scalar::<i64>(db, "SELECT count(*) FROM company_details").await,
        3
    );

    let users: String = scalar(db,
        "SELECT string_agg(concat_ws('|', email, role, curr_session_version, deleted_at IS NULL), ',' ORDER BY email) FROM users"
    ).await;
    assert_eq!(
        users,
        "admin@prosektor.example|ADMIN|1|t,ayse@anadolu.example|CLIENT|1|t"
    );
    let profile = row(db, &format!(
        "SELECT first_name, middle_name, last_name, phone, avatar_url, preferences->>'theme' AS theme FROM user_profiles WHERE user_id = '{CLIENT}'"
    )).await;
    let profile: Vec<String> = (0..6)
        .map(|i| profile.try_get_by_index(i).expect("profile column"))
        .collect();
    assert_eq!(
        profile,
        [
            "Ayşe",
            "Nur",
            "Yılmaz",
            "+905551112233",
            "https://cdn.example/a.png",
            "dark"
        ]
    );

    let invoice = row(db, "SELECT amount_subtotal, amount_tax, amount_total FROM invoices WHERE invoice_no = '2024-002'").await;
    let amounts: Vec<Decimal> = (0..3)
        .map(|i| invoice.try_get_by_index(i).expect("amount"))
        .collect();
    assert_eq!(
        amounts,
        [Decimal::new(10, 2), Decimal::new(2, 2), Decimal::new(12, 2)]
    );
    let paid: String = scalar(db,
        "SELECT concat_ws('|', status, amount_total, due_date, issue_date, paid_at AT TIME ZONE 'UTC') FROM invoices WHERE invoice_no = '2024-001'"
    ).await;
    assert_eq!(
        paid,
        "PAID|1200.00|2024-02-01|2024-01-02|2024-01-20 10:00:00"
    );
    assert_eq!(
        scalar::<i32>(
            db,
            "SELECT last_seq FROM invoice_counters WHERE year = 2024"
        )
        .await,
        2
    );

    let project: String = scalar(
        db,
        &format!(
            "SELECT concat_ws('|', name, domain, status) FROM web_projects WHERE id = '{PROJECT}'"
        ),
    )
    .await;
    assert_eq!(project, "Kurumsal Site|anadolu-osgb.com.tr|LIVE");
    let logs: String = scalar(db, &format!("SELECT string_agg(message, ',' ORDER BY seq) FROM pipeline_run_logs WHERE run_id = '{RUN}'")).await;
    assert_eq!(logs, "gather,publish");
    let run: String = scalar(db, &format!("SELECT concat_ws('|', status, attempt, input->>'pages') FROM pipeline_runs WHERE id = '{RUN}'")).await;
    assert_eq!(run, "SUCCEEDED|1|4");
    let stats: String = scalar(db,
        "SELECT concat_ws('|', date, visitors, page_views, meta_breakdown->'source'->>'google') FROM daily_stats"
    ).await;
    assert_eq!(stats, "2024-03-01|15|42|10");
}

#[tokio::test]
async fn every_migration_reverses_and_the_history_replays() {
    let database = TestDatabase::empty().await.expect("test database");
    let db = database.connection();
    Migrator::up(db, None).await.expect("migrate up");
    // Lines in a daily partition, in the legacy one and kept aside, and a line of a run deleted
    // since (which the plain table cannot hold): `down` keeps every line of every run.
    exec(db, &format!(
        "INSERT INTO companies (id, name) VALUES ('{COMPANY_C}', 'Karadeniz OSGB');
         INSERT INTO web_projects (id, company_id, name) VALUES ('{PROJECT}', '{COMPANY_C}', 'Site');
         INSERT INTO pipeline_runs (id, project_id, status, attempt, started_at, heartbeat_at, finished_at)
             VALUES ('{RUN}', '{PROJECT}', 'SUCCEEDED', 1, now(), now(), now());
         INSERT INTO pipeline_run_logs (run_id, seq, at, level, message) VALUES
             ('{RUN}', 1, '2000-01-01', 'INFO', 'old'), ('{RUN}', 2, now(), 'INFO', 'new'),
             (gen_random_uuid(), 1, now(), 'INFO', 'orphan');
         INSERT INTO pipeline_run_logs_kept (run_id, seq, at, level, message)
             VALUES ('{RUN}', 3, now(), 'INFO', 'kept');"
    )).await;
    // The users' write marks (migration 30), then the run log partitions (29).
    Migrator::down(db, Some(2))
        .await
        .expect("down run log partitions");
    let restored: String = scalar(
        db,
        "SELECT string_agg(concat_ws(':', seq, message), ',' ORDER BY run_id, seq) FROM pipeline_run_logs",
    )
    .await;
    assert_eq!(restored, "1:old,2:new,3:kept");
    let plain: String = scalar(
        db,
        "SELECT string_agg(conname::text, ',' ORDER BY conname) FROM pg_constraint \
         WHERE conrelid = 'pipeline_run_logs'::regclass",
    )
    .await;
    assert_eq!(
        plain,
        "pipeline_run_logs_level_valid,pipeline_run_logs_message_length,pipeline_run_logs_pkey,\
         pipeline_run_logs_run_id_fkey,pipeline_run_logs_seq_positive"
    );
    exec(
        db,
        "DELETE FROM activity_events; DELETE FROM pipeline_runs; DELETE FROM web_projects; \
         DELETE FROM companies;",
    )
    .await;
    Migrator::down(db, Some(1))
        .await
        .expect("down run log time bound");
    Migrator::down(db, Some(1))
        .await
        .expect("down activity events");
    let feed: bool = scalar(
        db,
        "SELECT to_regclass('activity_events') IS NOT NULL \
         OR EXISTS (SELECT 1 FROM pg_trigger WHERE tgname LIKE '%\\_activity') \
         OR EXISTS (SELECT 1 FROM pg_proc WHERE proname LIKE 'record\\_%\\_activity')",
    )
    .await;
    assert!(!feed, "the feed, its triggers and their functions are gone");
    Migrator::down(db, Some(1))
        .await
        .expect("down user email index");
    let email_index: bool = scalar(db, "SELECT to_regclass('idx_users_email') IS NOT NULL").await;
    assert!(!email_index);
    Migrator::down(db, Some(1))
        .await
        .expect("down name prefix index");
    let prefix_index: bool = scalar(
        db,
        "SELECT to_regclass('idx_companies_name_fold_prefix') IS NOT NULL",
    )
    .await;
    assert!(!prefix_index);
    exec(
        db,
        &format!("INSERT INTO companies (id, name) VALUES ('{COMPANY_A}', 'Anadolu OSGB')"),
    )
    .await;
    Migrator::down(db, Some(1))
        .await
        .expect("down buyer not null");
    Migrator::down(db, Some(1)).await.expect("down buyer fill");
    // The fill is back for older servers' inserts.
    exec(db, &format!(
        "INSERT INTO invoices (company_id, invoice_no, amount_subtotal, amount_tax, amount_total, status)
         VALUES ('{COMPANY_A}', '2024-001', 1.00, 0.20, 1.20, 'DRAFT')"
    )).await;
    let filled: String = scalar(db, "SELECT buyer_name FROM invoices").await;
    assert_eq!(filled, "Anadolu OSGB");
    Migrator::down(db, Some(1))
        .await
        .expect("down buyer snapshot");
    assert!(!has_column(db, "invoices", "buyer_name").await);
    exec(db, "DELETE FROM invoices; DELETE FROM companies;").await;
    Migrator::down(db, Some(1))
        .await
        .expect("down company version scope");
    let scoped: bool = scalar(
        db,
        "SELECT pg_get_triggerdef(oid) LIKE '%UPDATE OF%' FROM pg_trigger WHERE tgname = 'companies_bump_version'",
    )
    .await;
    assert!(!scoped);
    Migrator::down(db, Some(1))
        .await
        .expect("down service instances");
    assert!(!tables(db).await.contains(&"service_instances".to_owned()));
    Migrator::down(db, Some(1))
        .await
        .expect("down idempotency keys");
    assert!(!tables(db).await.contains(&"idempotency_keys".to_owned()));
    Migrator::down(db, Some(1))
        .await
        .expect("down row versions");
    assert!(!has_column(db, "invoices", "version").await);
    assert!(!has_column(db, "companies", "version").await);
    Migrator::down(db, Some(1))
        .await
        .expect("down throttle counters");
    assert!(!tables(db).await.contains(&"throttle_counters".to_owned()));
    Migrator::down(db, Some(1))
        .await
        .expect("down breakdown caps");
    let caps_exist: bool = scalar(
        db,
        "SELECT EXISTS (SELECT 1 FROM pg_proc WHERE proname = 'stats_breakdown_widest')",
    )
    .await;
    assert!(!caps_exist);
    Migrator::down(db, Some(1)).await.expect("down name fold");
    assert!(!has_column(db, "companies", "name_fold").await);
    let name_index: String = scalar(
        db,
        "SELECT indexdef FROM pg_indexes WHERE indexname = 'idx_companies_name_fold_trgm'",
    )
    .await;
    assert!(name_index.contains("search_fold"), "{name_index}");
    Migrator::down(db, Some(1))
        .await
        .expect("down run artifacts");
    assert!(!has_column(db, "web_projects", "published_run_id").await);
    assert!(!tables(db).await.contains(&"pipeline_run_pages".to_owned()));
    let finished_index: bool = scalar(
        db,
        "SELECT EXISTS (SELECT 1 FROM pg_indexes WHERE indexname = 'idx_pipeline_runs_finished')",
    )
    .await;
    assert!(!finished_index);
    Migrator::down(db, Some(1))
        .await
        .expect("down run scheduling");
    assert!(!has_column(db, "pipeline_runs", "run_after").await);
    assert!(!has_column(db, "pipeline_runs", "worker").await);
    let queue_index: String = scalar(
        db,
        "SELECT indexdef FROM pg_indexes WHERE indexname = 'idx_pipeline_runs_queue'",
    )
    .await;
    assert!(
        queue_index.ends_with("(created_at) WHERE ((status)::text = 'QUEUED'::text)"),
        "{queue_index}"
    );
    Migrator::down(db, Some(1)).await.expect("down ingest key");
    assert!(!has_column(db, "web_projects", "ingest_key_hash").await);
    Migrator::down(db, Some(1))
        .await
        .expect("down breakdown merge");
    let merge_exists: bool = scalar(
        db,
        "SELECT EXISTS (SELECT 1 FROM pg_proc WHERE proname = 'stats_breakdown_add')",
    )
    .await;
    assert!(!merge_exists);
    exec(db, &format!(
        "INSERT INTO companies (id, name) VALUES ('{COMPANY_A}', 'Anadolu OSGB');
         INSERT INTO company_details (company_id, address, city, contact_phone) VALUES ('{COMPANY_A}', 'Atatürk Cad. 1', 'Bursa', '+905321234567');"
    )).await;

    // Contract down: the legacy columns come back holding the details, and the sync is live again.
    Migrator::down(db, Some(1)).await.expect("down contract");
    let legacy: String = scalar(db, &format!("SELECT concat_ws('|', address, city, contact_phone) FROM companies WHERE id = '{COMPANY_A}'")).await;
    assert_eq!(legacy, "Atatürk Cad. 1|Bursa|+905321234567");
    exec(
        db,
        &format!("UPDATE companies SET city = 'Bolu' WHERE id = '{COMPANY_A}'"),
    )
    .await;
    let synced: String = scalar(
        db,
        &format!("SELECT city FROM company_details WHERE company_id = '{COMPANY_A}'"),
    )
    .await;
    assert_eq!(synced, "Bolu");

    // Expand down: the details table goes, the legacy columns keep the data.
    Migrator::down(db, Some(1)).await.expect("down expand");
    assert!(!tables(db).await.contains(&"company_details".to_owned()));
    let kept: String = scalar(
        db,
        &format!("SELECT city FROM companies WHERE id = '{COMPANY_A}'"),
    )
    .await;
    assert_eq!(kept, "Bolu");

    let before_expand = HISTORY
        .iter()
        .position(|name| name.ends_with("expand_company_details"))
        .expect("the details expand");
    for remaining in (0..before_expand).rev() {
        Migrator::down(db, Some(1)).await.expect("one step down");
        let applied = Migrator::get_applied_migrations(db)
            .await
            .expect("applied")
            .len();
        assert_eq!(applied, remaining, "applied migrations after stepping down");
    }
    assert!(tables(db).await.is_empty(), "every table is gone at zero");
    let fold_exists: bool = scalar(
        db,
        "SELECT EXISTS (SELECT 1 FROM pg_proc WHERE proname = 'search_fold')",
    )
    .await;
    assert!(!fold_exists);

    Migrator::up(db, None).await.expect("replay the history");
    assert_eq!(tables(db).await, ALL_TABLES);
    exec(db, "INSERT INTO companies (name) VALUES ('Yeniden OSGB')").await;
}
