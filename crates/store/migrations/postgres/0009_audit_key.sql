-- The audit chain gets a key (see carespace_core::audit): entries from `keyed_from` on carry an
-- HMAC-SHA256 under a key kept outside the database. The entries before it were written without
-- one; `seal` (an HMAC of that boundary and the unkeyed part's last hash) binds them, and
-- `key_check` tells a wrong key from the right one at start. All three are set by the
-- application the first time it runs with a key, as the database never sees the key.
ALTER TABLE audit_head ADD COLUMN keyed_from BIGINT;
ALTER TABLE audit_head ADD COLUMN seal TEXT;
ALTER TABLE audit_head ADD COLUMN key_check TEXT;

-- Which program or browser sent the request, and which personal access token acted.
ALTER TABLE audit_log ADD COLUMN user_agent TEXT;
ALTER TABLE audit_log ADD COLUMN api_token_id TEXT;

-- The viewer reads a Healthspace's newest entries first, and reads are logged too, so the log
-- grows with use: the index holds the viewer's order exactly, so a page stops after its rows.
DROP INDEX audit_log_by_healthspace;
CREATE INDEX audit_log_by_healthspace ON audit_log (healthspace_id, at, seq);
