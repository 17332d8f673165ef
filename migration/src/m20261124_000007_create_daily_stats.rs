//! `daily_stats`: one row per project and day (analytics, access pattern 5).
//!
//! The design document asks for both `UNIQUE(project_id, date)` and an index on
//! `(project_id, date DESC)`. One B-tree serves both: the unique constraint's index
//! (`daily_stats_project_date_key`) is read backwards as cheaply as forwards, so a second index would
//! only cost writes and memory (SPEC §3).

crate::sql::sql_migration!();

const UP: &str = r#"
CREATE TABLE daily_stats (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    project_id UUID NOT NULL REFERENCES web_projects (id),
    date DATE NOT NULL,
    visitors INT NOT NULL DEFAULT 0
        CONSTRAINT daily_stats_visitors_non_negative CHECK (visitors >= 0),
    page_views INT NOT NULL DEFAULT 0
        CONSTRAINT daily_stats_page_views_non_negative CHECK (page_views >= 0),
    -- Dynamic breakdowns such as {"source": {"google": 10, "direct": 5}}.
    meta_breakdown JSONB
        CONSTRAINT daily_stats_breakdown_object
        CHECK (meta_breakdown IS NULL OR jsonb_typeof(meta_breakdown) = 'object'),
    CONSTRAINT daily_stats_project_date_key UNIQUE (project_id, date)
);
"#;

const DOWN: &str = "DROP TABLE daily_stats;";
