-- The scheduler service: what each job did, and the facts a person needs about a post the
-- network could not confirm.

CREATE TABLE job_runs (
    id           INTEGER PRIMARY KEY,
    job          TEXT NOT NULL,
    started_at   TEXT NOT NULL,
    finished_at  TEXT,
    status       TEXT NOT NULL DEFAULT 'running'
                 CHECK (status IN ('running','ok','error','abandoned')),
    pid          INTEGER,
    detail       TEXT,
    error        TEXT
);
CREATE INDEX job_runs_job ON job_runs(job, id);
CREATE INDEX job_runs_started ON job_runs(started_at);

-- Why a publication waits for a person, what the network said, and who settled it.
ALTER TABLE publications ADD COLUMN facts TEXT;
ALTER TABLE publications ADD COLUMN permalink TEXT;
ALTER TABLE publications ADD COLUMN resolved_by TEXT;
-- The network the post goes to as items record it (a sandbox account: the one it simulates),
-- so the post and its comments are found through the items' (network, ...) indexes.
ALTER TABLE publications ADD COLUMN network TEXT;
CREATE INDEX publications_draft ON publications(draft_id) WHERE draft_id IS NOT NULL;
CREATE INDEX publications_occurrence ON publications(occurrence);

-- A series paused from the dashboard remembers who paused it.
ALTER TABLE series ADD COLUMN paused_by TEXT;

-- Drafts: who edited last, and why the last publication failed (shown in the editor).
ALTER TABLE drafts ADD COLUMN updated_by TEXT;
