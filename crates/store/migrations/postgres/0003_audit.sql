-- The audit log: append-only, hash-chained (see carespace_core::audit).
CREATE TABLE audit_log (
    seq               BIGINT NOT NULL PRIMARY KEY,
    id                TEXT    NOT NULL UNIQUE,
    at                BIGINT NOT NULL,
    actor_account_id  TEXT,
    actor_role        TEXT,
    on_behalf_of      TEXT,
    action            TEXT    NOT NULL,
    object_type       TEXT    NOT NULL,
    object_id         TEXT,
    client_account_id TEXT,
    healthspace_id    TEXT,
    ip                TEXT,
    session_id        TEXT,
    outcome           TEXT    NOT NULL CHECK (outcome IN ('success', 'denied')),
    prev_hash         TEXT    NOT NULL,
    hash              TEXT    NOT NULL
);

CREATE INDEX audit_log_by_actor ON audit_log (actor_account_id, at);
CREATE INDEX audit_log_by_client ON audit_log (client_account_id, at);
CREATE INDEX audit_log_by_healthspace ON audit_log (healthspace_id, at);

-- The end of the chain. Appending updates this one row first, which makes concurrent appenders
-- wait for each other on every database.
CREATE TABLE audit_head (
    id        BIGINT NOT NULL PRIMARY KEY CHECK (id = 1),
    last_seq  BIGINT NOT NULL,
    last_hash TEXT    NOT NULL
);

INSERT INTO audit_head (id, last_seq, last_hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE FUNCTION audit_log_is_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
FOR EACH ROW EXECUTE FUNCTION audit_log_is_append_only();
