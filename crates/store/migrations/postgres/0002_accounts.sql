-- One account per person, whatever their roles.
CREATE TABLE accounts (
    id                TEXT    NOT NULL PRIMARY KEY,
    email             TEXT    NOT NULL UNIQUE,
    full_name         TEXT    NOT NULL,
    birth_date        TEXT    NOT NULL,
    password_hash     TEXT    NOT NULL,
    language          TEXT    NOT NULL CHECK (language IN ('nl', 'en')),
    phone             TEXT,
    photo_id          TEXT,
    email_verified_at BIGINT,
    created_at        BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL
);

-- Single-use links sent by email; only the token's hash is kept.
CREATE TABLE account_tokens (
    token_hash TEXT    NOT NULL PRIMARY KEY,
    account_id TEXT    NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    purpose    TEXT    NOT NULL CHECK (purpose IN ('verify_email', 'reset_password', 'change_email')),
    new_email  TEXT,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at    BIGINT
);

CREATE INDEX account_tokens_by_account ON account_tokens (account_id, purpose);

-- Server-side sessions; the cookie holds a token whose hash is kept here.
CREATE TABLE sessions (
    id               TEXT    NOT NULL PRIMARY KEY,
    token_hash       TEXT    NOT NULL UNIQUE,
    account_id       TEXT    NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    csrf_token       TEXT    NOT NULL,
    ip               TEXT    NOT NULL,
    browser          TEXT    NOT NULL,
    browser_version  TEXT    NOT NULL,
    os               TEXT    NOT NULL,
    device_type      TEXT    NOT NULL CHECK (device_type IN ('computer', 'phone', 'other')),
    browser_language TEXT    NOT NULL,
    created_at       BIGINT NOT NULL,
    last_seen_at     BIGINT NOT NULL,
    expires_at       BIGINT NOT NULL
);

CREATE INDEX sessions_by_account ON sessions (account_id);

-- Failed logins per account, IP address or trusted device (see docs/login-throttling.md).
CREATE TABLE login_failures (
    counter_key     TEXT    NOT NULL PRIMARY KEY,
    failures        BIGINT NOT NULL,
    last_failure_at BIGINT NOT NULL
);

-- Browsers that logged in to an account before.
CREATE TABLE trusted_devices (
    token_hash TEXT    NOT NULL PRIMARY KEY,
    account_id TEXT    NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);

CREATE INDEX trusted_devices_by_account ON trusted_devices (account_id);

-- Fixed-window request counters for registration, reset and resend requests.
CREATE TABLE rate_limits (
    counter_key  TEXT    NOT NULL PRIMARY KEY,
    window_start BIGINT NOT NULL,
    hits         BIGINT NOT NULL
);

-- Personal access tokens for the API.
CREATE TABLE api_tokens (
    id           TEXT    NOT NULL PRIMARY KEY,
    token_hash   TEXT    NOT NULL UNIQUE,
    account_id   TEXT    NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    name         TEXT    NOT NULL,
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL,
    last_used_at BIGINT,
    revoked_at   BIGINT
);

CREATE INDEX api_tokens_by_account ON api_tokens (account_id);

-- Emails a mail server has accepted, so a retried job never sends one twice.
CREATE TABLE mail_deliveries (
    mail_id     TEXT    NOT NULL PRIMARY KEY,
    accepted_at BIGINT NOT NULL
);
