-- Platform operators run the installation (carespace admin grant-operator).
ALTER TABLE accounts ADD COLUMN operator_since INTEGER;

-- Care providers.
CREATE TABLE organisations (
    id              TEXT    NOT NULL PRIMARY KEY,
    name            TEXT    NOT NULL,
    address         TEXT    NOT NULL DEFAULT '',
    billing_address TEXT    NOT NULL DEFAULT '',
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);

-- Owners by email address; the account is linked once someone verifies that address.
CREATE TABLE organisation_owners (
    organisation_id TEXT    NOT NULL REFERENCES organisations (id),
    email           TEXT    NOT NULL,
    account_id      TEXT    REFERENCES accounts (id),
    added_at        INTEGER NOT NULL,
    PRIMARY KEY (organisation_id, email)
);

CREATE INDEX organisation_owners_by_account ON organisation_owners (account_id);
CREATE INDEX organisation_owners_by_email ON organisation_owners (email);

CREATE TABLE healthspaces (
    id              TEXT    NOT NULL PRIMARY KEY,
    organisation_id TEXT    NOT NULL REFERENCES organisations (id),
    name            TEXT    NOT NULL,
    alias           TEXT    NOT NULL UNIQUE,
    state           TEXT    NOT NULL CHECK (state IN ('inactive', 'active')),
    address         TEXT    NOT NULL DEFAULT '',
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);

CREATE INDEX healthspaces_by_organisation ON healthspaces (organisation_id, name);

-- Every alias ever given to a Healthspace: an alias is never given out twice, and an old one
-- leads to its Healthspace's new address.
CREATE TABLE healthspace_aliases (
    alias          TEXT    NOT NULL PRIMARY KEY,
    healthspace_id TEXT    NOT NULL REFERENCES healthspaces (id),
    claimed_at     INTEGER NOT NULL
);
