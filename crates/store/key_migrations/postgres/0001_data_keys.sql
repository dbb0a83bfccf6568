-- The key store: each client's data key, wrapped (sealed) under the installation's master key
-- with the account id as associated data. It lives in a database of its own, apart from the
-- data the keys seal, so that its backups can be kept for a shorter time: once a key is deleted
-- and its last backup has expired, every copy of that client's data is unreadable.
CREATE TABLE data_keys (
    account_id    TEXT    NOT NULL PRIMARY KEY,
    wrapped       BYTEA   NOT NULL,
    -- Which master key wraps it (a short hash of that key), for rotation.
    master_key_id TEXT    NOT NULL,
    created_at    BIGINT  NOT NULL
);

CREATE INDEX data_keys_by_master_key ON data_keys (master_key_id, account_id);
