//! Run artifacts (SPEC §4–§5): `pipeline_run_pages`, the pages of the site a run generated (one row
//! per page, replaced as a whole when a run publishes again, so publishing is idempotent), and
//! `web_projects.published_run_id`, the run whose site is the project's latest published one.
//!
//! Pages go with their run (`ON DELETE CASCADE`). `published_run_id` keeps the default
//! `NO ACTION`: deleting the published run is an error, a safety net under retention, which never
//! selects it. `idx_web_projects_published_run` serves that check and retention's "is it
//! published?"; `idx_pipeline_runs_finished` serves retention's scan for old finished runs.

crate::sql::sql_migration!();

const UP: &str = r#"
CREATE TABLE pipeline_run_pages (
    run_id UUID NOT NULL REFERENCES pipeline_runs (id) ON DELETE CASCADE,
    path VARCHAR(64) NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (run_id, path)
);
ALTER TABLE web_projects ADD COLUMN published_run_id UUID REFERENCES pipeline_runs (id);
CREATE INDEX idx_web_projects_published_run ON web_projects (published_run_id)
    WHERE published_run_id IS NOT NULL;
CREATE INDEX idx_pipeline_runs_finished ON pipeline_runs (finished_at)
    WHERE finished_at IS NOT NULL;
"#;

const DOWN: &str = r#"
DROP INDEX idx_pipeline_runs_finished;
ALTER TABLE web_projects DROP COLUMN published_run_id;
DROP TABLE pipeline_run_pages;
"#;
