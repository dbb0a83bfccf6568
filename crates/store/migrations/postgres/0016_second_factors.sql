-- Second factors: an authenticator app per account (TOTP), single-use recovery codes, and the
-- second step a login waits in between its password and its code.
CREATE TABLE second_factors (
    id           TEXT    NOT NULL PRIMARY KEY,
    account_id   TEXT    NOT NULL REFERENCES accounts (id),
    kind         TEXT    NOT NULL CHECK (kind IN ('totp')),
    -- The authenticator secret, base32.
    secret       TEXT    NOT NULL,
    created_at   BIGINT NOT NULL,
    -- Set by the first code the person types; until then it does not count.
    confirmed_at BIGINT,
    -- The last time step accepted: a code is accepted once.
    last_step    BIGINT,
    last_used_at BIGINT
);

-- One authenticator app per account, being set up or in use.
CREATE UNIQUE INDEX second_factors_one_per_kind ON second_factors (account_id, kind);

CREATE TABLE recovery_codes (
    code_hash  TEXT    NOT NULL PRIMARY KEY,
    account_id TEXT    NOT NULL REFERENCES accounts (id),
    created_at BIGINT NOT NULL,
    used_at    BIGINT
);

CREATE INDEX recovery_codes_by_account ON recovery_codes (account_id);

-- A login whose password was right, waiting for its second factor; the browser holds the token.
CREATE TABLE login_challenges (
    token_hash TEXT    NOT NULL PRIMARY KEY,
    account_id TEXT    NOT NULL REFERENCES accounts (id),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    failures   BIGINT NOT NULL DEFAULT 0
);

CREATE INDEX login_challenges_by_expiry ON login_challenges (expires_at);
