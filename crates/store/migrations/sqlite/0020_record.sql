-- The record: what a client keeps (documents and links), with whom each is shared, and the
-- events of their care. Titles, notes, links, file names and file contents are sealed under the
-- client's data key (kept in the separate key store), so this database holds no plaintext of
-- them; ids, times and states stay in clear to run the service.

-- A stored file: its random id names the object in the file store (never a name a user chose,
-- never the hash of its content, which would show that two clients hold the same file).
CREATE TABLE stored_files (
    id               TEXT    NOT NULL PRIMARY KEY,
    -- Whose data key seals its contents.
    owner_account_id TEXT    NOT NULL REFERENCES accounts (id),
    -- The type its content was found to be, as a media type.
    content_type     TEXT    NOT NULL,
    -- Bytes as uploaded (the stored object is larger by the sealing's overhead).
    size             INTEGER NOT NULL CHECK (size >= 0),
    created_at       INTEGER NOT NULL
);

CREATE INDEX stored_files_by_owner ON stored_files (owner_account_id);

CREATE TABLE record_items (
    id         TEXT    NOT NULL PRIMARY KEY,
    account_id TEXT    NOT NULL REFERENCES accounts (id),
    kind       TEXT    NOT NULL CHECK (kind IN ('document', 'link')),
    title      BLOB    NOT NULL,
    note       BLOB,
    -- A link's address (links only).
    url        BLOB,
    -- A document's file and the name it was uploaded under (documents only).
    file_id    TEXT    REFERENCES stored_files (id),
    file_name  BLOB,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    CHECK ((kind = 'document') = (file_id IS NOT NULL)),
    CHECK ((kind = 'link') = (url IS NOT NULL))
);

CREATE INDEX record_items_by_account ON record_items (account_id, created_at, id);
CREATE UNIQUE INDEX record_items_file ON record_items (file_id);

-- An item shared with the connected staff of one Healthspace; no row is private.
CREATE TABLE record_shares (
    item_id        TEXT    NOT NULL REFERENCES record_items (id) ON DELETE CASCADE,
    healthspace_id TEXT    NOT NULL REFERENCES healthspaces (id),
    shared_at      INTEGER NOT NULL,
    PRIMARY KEY (item_id, healthspace_id)
);

CREATE INDEX record_shares_by_healthspace ON record_shares (healthspace_id, shared_at, item_id);

-- What happened in a client's care, written by the use case that caused it.
CREATE TABLE record_events (
    id               TEXT    NOT NULL PRIMARY KEY,
    account_id       TEXT    NOT NULL REFERENCES accounts (id),
    healthspace_id   TEXT    NOT NULL REFERENCES healthspaces (id),
    kind             TEXT    NOT NULL CHECK (kind IN ('document_shared', 'membership_started',
                                                      'membership_ended', 'connection_made',
                                                      'connection_ended')),
    at               INTEGER NOT NULL,
    duration_ms      INTEGER CHECK (duration_ms >= 0),
    -- Who did it (the client, a staff member, an admin); none when the system did.
    by_account_id    TEXT    REFERENCES accounts (id),
    -- The staff member a connection event is about.
    staff_account_id TEXT    REFERENCES accounts (id),
    -- The item a "document shared" event is about; kept when the item is deleted.
    item_id          TEXT
);

CREATE INDEX record_events_by_account ON record_events (account_id, at, id);
CREATE INDEX record_events_by_healthspace ON record_events (healthspace_id, account_id, at, id);
