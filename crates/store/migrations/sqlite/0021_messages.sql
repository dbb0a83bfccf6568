-- Messages: conversations inside a Healthspace, between a client and staff connected to them
-- ('care'), or between staff of the Healthspace ('staff'). Message texts and attachment names
-- are sealed under the client's data key (care) or the Healthspace's key (staff), both kept in
-- the separate key store; ids, times and counts stay in clear to run the service.

CREATE TABLE conversations (
    id                TEXT    NOT NULL PRIMARY KEY,
    healthspace_id    TEXT    NOT NULL REFERENCES healthspaces (id),
    kind              TEXT    NOT NULL CHECK (kind IN ('care', 'staff')),
    -- The client of a care conversation, whose data key seals it.
    client_account_id TEXT    REFERENCES accounts (id),
    started_by        TEXT    NOT NULL REFERENCES accounts (id),
    created_at        INTEGER NOT NULL,
    last_message_at   INTEGER NOT NULL,
    CHECK ((kind = 'care') = (client_account_id IS NOT NULL))
);

CREATE INDEX conversations_by_client ON conversations (client_account_id, last_message_at);

-- Who takes part, with what they have not read yet. Whether a participant may still open the
-- conversation is decided by their membership and connection now, never stored here.
CREATE TABLE conversation_participants (
    conversation_id TEXT    NOT NULL REFERENCES conversations (id),
    account_id      TEXT    NOT NULL REFERENCES accounts (id),
    -- The conversation's, kept here too so an inbox pages on one index.
    last_message_at INTEGER NOT NULL,
    unread          INTEGER NOT NULL DEFAULT 0 CHECK (unread >= 0),
    -- When they last read it: the read receipt others see.
    read_at         INTEGER,
    -- When an email notice is due, should they still not have read it; none pending when empty.
    notice_due_at   INTEGER,
    -- The last email notice about this conversation, so at most one comes per period.
    noticed_at      INTEGER,
    PRIMARY KEY (conversation_id, account_id)
);

CREATE INDEX conversation_participants_inbox
    ON conversation_participants (account_id, last_message_at, conversation_id);
CREATE INDEX conversation_participants_notice_due
    ON conversation_participants (notice_due_at) WHERE notice_due_at IS NOT NULL;

CREATE TABLE messages (
    id                TEXT    NOT NULL PRIMARY KEY,
    conversation_id   TEXT    NOT NULL REFERENCES conversations (id),
    sender_account_id TEXT    NOT NULL REFERENCES accounts (id),
    -- The sealed text; emptied when the sender removes the message.
    body              BLOB,
    sent_at           INTEGER NOT NULL,
    removed_at        INTEGER,
    CHECK ((removed_at IS NULL) = (body IS NOT NULL))
);

CREATE INDEX messages_by_conversation ON messages (conversation_id, sent_at, id);

-- A message's files, in the order they were attached, through the same file pipeline as the
-- record's documents.
CREATE TABLE message_attachments (
    message_id TEXT    NOT NULL REFERENCES messages (id),
    position   INTEGER NOT NULL CHECK (position >= 0),
    file_id    TEXT    NOT NULL REFERENCES stored_files (id),
    -- The sealed name it was uploaded under.
    file_name  BLOB    NOT NULL,
    PRIMARY KEY (message_id, position)
);

CREATE UNIQUE INDEX message_attachments_file ON message_attachments (file_id);

-- Whether the account gets an email when a message waits unread (My account).
ALTER TABLE accounts ADD COLUMN message_notices INTEGER NOT NULL DEFAULT 1;
