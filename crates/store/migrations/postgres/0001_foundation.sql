-- Facts about this installation, such as when demo data was loaded.
CREATE TABLE installation (
    key        TEXT    NOT NULL PRIMARY KEY,
    value      TEXT    NOT NULL,
    updated_at BIGINT NOT NULL
);

-- The job queue and transactional outbox: side effects are written here in the same
-- transaction as the change that causes them, and a worker carries them out.
CREATE TABLE jobs (
    id              TEXT    NOT NULL PRIMARY KEY,
    kind            TEXT    NOT NULL,
    payload         TEXT    NOT NULL,
    idempotency_key TEXT    UNIQUE,
    state           TEXT    NOT NULL CHECK (state IN ('pending', 'running', 'done', 'failed')),
    attempts        BIGINT NOT NULL DEFAULT 0,
    max_attempts    BIGINT NOT NULL,
    run_at          BIGINT NOT NULL,
    locked_by       TEXT,
    locked_until    BIGINT,
    last_error      TEXT,
    created_at      BIGINT NOT NULL,
    finished_at     BIGINT
);

CREATE INDEX jobs_by_state_and_due_time ON jobs (state, run_at);
