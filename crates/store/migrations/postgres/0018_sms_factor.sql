-- Text-message (SMS) codes as a second factor: the number they go to, and the codes sent.
CREATE TABLE sms_factors (
    id           TEXT    NOT NULL PRIMARY KEY,
    account_id   TEXT    NOT NULL REFERENCES accounts (id),
    -- International form, +31612345678.
    phone        TEXT    NOT NULL,
    created_at   BIGINT NOT NULL,
    -- Set by the first code sent to the number; until then it does not count.
    confirmed_at BIGINT,
    last_used_at BIGINT
);

-- One number in use per account; a new one waits beside it until it is confirmed.
CREATE UNIQUE INDEX sms_factors_one_confirmed ON sms_factors (account_id)
    WHERE confirmed_at IS NOT NULL;
CREATE UNIQUE INDEX sms_factors_one_waiting ON sms_factors (account_id)
    WHERE confirmed_at IS NULL;

CREATE TABLE sms_codes (
    id         TEXT    NOT NULL PRIMARY KEY,
    account_id TEXT    NOT NULL REFERENCES accounts (id),
    factor_id  TEXT    NOT NULL REFERENCES sms_factors (id) ON DELETE CASCADE,
    purpose    TEXT    NOT NULL CHECK (purpose IN ('confirm_number', 'login', 'confirm_action')),
    -- SHA-256 of the id and the code.
    code_hash  TEXT    NOT NULL,
    sent_at    BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    tries      BIGINT NOT NULL DEFAULT 0,
    used_at    BIGINT,
    -- The gateway refused it: it never arrived and does not work, but counts as a send.
    failed_at  BIGINT
);

-- Sends per account in the last hour, and the newest code of a purpose.
CREATE INDEX sms_codes_by_account ON sms_codes (account_id, sent_at);
-- Codes older than the hour of sends are purged.
CREATE INDEX sms_codes_by_sending ON sms_codes (sent_at);
