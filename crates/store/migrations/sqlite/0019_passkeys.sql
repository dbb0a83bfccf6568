-- Passkeys (WebAuthn): an account may have several, each named, as a second factor or to log
-- in with alone; and the ceremonies a browser is in the middle of with the server.
CREATE TABLE passkeys (
    id            TEXT    NOT NULL PRIMARY KEY,
    account_id    TEXT    NOT NULL REFERENCES accounts (id),
    name          TEXT    NOT NULL,
    -- The credential's id as base64url: one credential belongs to one account.
    credential_id TEXT    NOT NULL,
    -- The credential (public key, signature counter) as the WebAuthn library serialises it.
    credential    TEXT    NOT NULL,
    created_at    INTEGER NOT NULL,
    last_used_at  INTEGER
);

CREATE UNIQUE INDEX passkeys_credential ON passkeys (credential_id);
CREATE INDEX passkeys_by_account ON passkeys (account_id);

-- A ceremony waiting for the browser's answer: its state stays here, never in the browser,
-- which holds only the random token whose hash keys it.
CREATE TABLE passkey_ceremonies (
    token_hash TEXT    NOT NULL PRIMARY KEY,
    kind       TEXT    NOT NULL CHECK (kind IN ('register', 'second_step', 'passwordless', 'confirm')),
    -- The account it is for; empty for a passwordless login, which learns it from the answer.
    account_id TEXT    REFERENCES accounts (id),
    -- The name a passkey being registered gets.
    name       TEXT,
    state      TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);

CREATE INDEX passkey_ceremonies_by_account ON passkey_ceremonies (account_id);
CREATE INDEX passkey_ceremonies_by_expiry ON passkey_ceremonies (expires_at);
