//! The recent-activity feed (the design document's "recent activity feed", SPEC §3): one row per
//! business event, written by triggers in the transaction of the change itself, so that every
//! writer (this build, an older build during a rollout, a bulk load) records it and a rolled-back
//! change records nothing.
//!
//! | event | written when |
//! | --- | --- |
//! | `INVOICE_ISSUED` | an invoice becomes `SENT` |
//! | `INVOICE_PAID` | an invoice becomes `PAID` (at its `paid_at`) |
//! | `INVOICE_VOIDED` | an invoice becomes `VOID` |
//! | `PROJECT_LIVE` | a project becomes `LIVE` (at its `updated_at`) |
//! | `RUN_SUCCEEDED`, `RUN_FAILED`, `RUN_CANCELLED` | a run finishes (at its `finished_at`) |
//!
//! A row inserted directly in one of those states (a bulk load) records its event too. Each event
//! snapshots what the feed shows (the invoice number and total, the project's name), so a page is
//! one range of one index with no join: `idx_activity_events_newest` for the admin's feed of every
//! company, `idx_activity_events_company` for one company's, both read backwards from a keyset
//! `(occurred_at, id)`. Events outlive their subject (a run removed by retention keeps its event).
//!
//! The feed starts with this migration: history before it is not reconstructed (voiding and going
//! live left no timestamp to reconstruct it from). `down` drops the feed; its rows are derived
//! from the business tables, which keep everything they describe.

crate::sql::sql_migration!();

const UP: &str = r#"
CREATE TABLE activity_events (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    company_id UUID NOT NULL REFERENCES companies (id),
    kind VARCHAR(20) NOT NULL
        CONSTRAINT activity_events_kind_valid CHECK (kind IN (
            'INVOICE_ISSUED', 'INVOICE_PAID', 'INVOICE_VOIDED', 'PROJECT_LIVE',
            'RUN_SUCCEEDED', 'RUN_FAILED', 'RUN_CANCELLED'
        )),
    subject_id UUID NOT NULL,
    project_id UUID,
    label VARCHAR(200) NOT NULL,
    amount NUMERIC(12, 2),
    occurred_at TIMESTAMPTZ NOT NULL,
    -- Invoice events carry the invoice's total; project and run events their project.
    CONSTRAINT activity_events_shape CHECK (
        CASE WHEN kind LIKE 'INVOICE\_%'
            THEN amount IS NOT NULL AND project_id IS NULL
            ELSE amount IS NULL AND project_id IS NOT NULL
        END
    )
);

CREATE INDEX idx_activity_events_newest ON activity_events (occurred_at, id);
CREATE INDEX idx_activity_events_company ON activity_events (company_id, occurred_at, id);

CREATE FUNCTION record_invoice_activity() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.status = OLD.status THEN
        RETURN NULL;
    END IF;
    INSERT INTO activity_events (company_id, kind, subject_id, label, amount, occurred_at)
    SELECT NEW.company_id, event.kind, NEW.id, NEW.invoice_no, NEW.amount_total, event.at
    FROM (VALUES
        ('SENT', 'INVOICE_ISSUED', now()),
        ('PAID', 'INVOICE_PAID', NEW.paid_at),
        ('VOID', 'INVOICE_VOIDED', now())
    ) AS event (status, kind, at)
    WHERE event.status = NEW.status;
    RETURN NULL;
END
$$;

CREATE FUNCTION record_project_activity() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.status = 'LIVE' AND (TG_OP = 'INSERT' OR OLD.status <> 'LIVE') THEN
        INSERT INTO activity_events (company_id, kind, subject_id, project_id, label, occurred_at)
        VALUES (NEW.company_id, 'PROJECT_LIVE', NEW.id, NEW.id, NEW.name, NEW.updated_at);
    END IF;
    RETURN NULL;
END
$$;

CREATE FUNCTION record_run_activity() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.status IN ('SUCCEEDED', 'FAILED', 'CANCELLED')
        AND (TG_OP = 'INSERT' OR OLD.status NOT IN ('SUCCEEDED', 'FAILED', 'CANCELLED')) THEN
        INSERT INTO activity_events (company_id, kind, subject_id, project_id, label, occurred_at)
        SELECT p.company_id, 'RUN_' || NEW.status, NEW.id, p.id, p.name,
               coalesce(NEW.finished_at, now())
        FROM web_projects p WHERE p.id = NEW.project_id;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER invoices_activity AFTER INSERT OR UPDATE OF status ON invoices
    FOR EACH ROW EXECUTE FUNCTION record_invoice_activity();
CREATE TRIGGER web_projects_activity AFTER INSERT OR UPDATE OF status ON web_projects
    FOR EACH ROW EXECUTE FUNCTION record_project_activity();
CREATE TRIGGER pipeline_runs_activity AFTER INSERT OR UPDATE OF status ON pipeline_runs
    FOR EACH ROW EXECUTE FUNCTION record_run_activity();
"#;

const DOWN: &str = r#"
DROP TRIGGER pipeline_runs_activity ON pipeline_runs;
DROP TRIGGER web_projects_activity ON web_projects;
DROP TRIGGER invoices_activity ON invoices;
DROP FUNCTION record_run_activity();
DROP FUNCTION record_project_activity();
DROP FUNCTION record_invoice_activity();
DROP TABLE activity_events;
"#;
