//! `invoices` (high integrity: exact `NUMERIC(12,2)` money, never deleted) and `invoice_counters`, the
//! per-year sequence that makes invoice numbers gapless: the adapter increments a year's row in the
//! same transaction as the insert, so a rolled-back insert also rolls back its number.
//!
//! `issue_date` is not in the design document's DDL but its Index Strategy indexes it (SPEC §3): it is
//! set when the invoice is sent. The design document's `(company_id, status)` index is the leading
//! part of `idx_invoices_dashboard`, which therefore serves both; `INCLUDE (amount_total)` lets the
//! dashboard sum (access pattern 1) run as an index-only scan.

crate::sql::sql_migration!();

const UP: &str = r#"
CREATE TABLE invoice_counters (
    year INT PRIMARY KEY
        CONSTRAINT invoice_counters_year_range CHECK (year BETWEEN 1000 AND 9999),
    last_seq INT NOT NULL DEFAULT 0
        CONSTRAINT invoice_counters_last_seq_non_negative CHECK (last_seq >= 0)
);

CREATE TABLE invoices (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    company_id UUID NOT NULL REFERENCES companies (id),
    -- YYYY-NNN: at least three digits, zero-padded only up to three.
    invoice_no VARCHAR(50) NOT NULL
        CONSTRAINT invoices_invoice_no_key UNIQUE
        CONSTRAINT invoices_invoice_no_format
        CHECK (invoice_no ~ '^[0-9]{4}-(00[1-9]|0[1-9][0-9]|[1-9][0-9]{2,})$'),
    amount_subtotal NUMERIC(12, 2) NOT NULL
        CONSTRAINT invoices_subtotal_non_negative CHECK (amount_subtotal >= 0),
    amount_tax NUMERIC(12, 2) NOT NULL
        CONSTRAINT invoices_tax_non_negative CHECK (amount_tax >= 0),
    amount_total NUMERIC(12, 2) NOT NULL,
    status VARCHAR(20) NOT NULL DEFAULT 'DRAFT'
        CONSTRAINT invoices_status_valid CHECK (status IN ('DRAFT', 'SENT', 'PAID', 'VOID')),
    due_date DATE,
    issue_date DATE,
    paid_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT invoices_total_is_sum CHECK (amount_total = amount_subtotal + amount_tax),
    -- Drafts are not issued yet; sent and paid invoices are; a void one may have been either.
    CONSTRAINT invoices_issue_date_matches_status CHECK (
        CASE status
            WHEN 'DRAFT' THEN issue_date IS NULL
            WHEN 'SENT' THEN issue_date IS NOT NULL
            WHEN 'PAID' THEN issue_date IS NOT NULL
            ELSE TRUE
        END
    ),
    CONSTRAINT invoices_paid_at_iff_paid CHECK ((status = 'PAID') = (paid_at IS NOT NULL))
);

CREATE INDEX idx_invoices_dashboard ON invoices (company_id, status, due_date) INCLUDE (amount_total);
CREATE INDEX idx_invoices_issue_date ON invoices (issue_date DESC);
"#;

const DOWN: &str = "DROP TABLE invoices; DROP TABLE invoice_counters;";
