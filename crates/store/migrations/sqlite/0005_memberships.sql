-- An account's role in a Healthspace. Cancelled ones are kept: who cancelled and when.
CREATE TABLE memberships (
    id             TEXT    NOT NULL PRIMARY KEY,
    healthspace_id TEXT    NOT NULL REFERENCES healthspaces (id),
    account_id     TEXT    NOT NULL REFERENCES accounts (id),
    role           TEXT    NOT NULL CHECK (role IN ('client', 'staff', 'admin')),
    state          TEXT    NOT NULL CHECK (state IN ('active', 'cancelled')),
    created_at     INTEGER NOT NULL,
    cancelled_at   INTEGER,
    cancelled_by   TEXT    REFERENCES accounts (id)
);

CREATE INDEX memberships_by_account ON memberships (account_id, state);
CREATE INDEX memberships_by_healthspace ON memberships (healthspace_id, id);

-- Invitations into a Healthspace with a role, by email; the token's hash only.
CREATE TABLE invitations (
    id             TEXT    NOT NULL PRIMARY KEY,
    token_hash     TEXT    NOT NULL UNIQUE,
    healthspace_id TEXT    NOT NULL REFERENCES healthspaces (id),
    email          TEXT    NOT NULL,
    role           TEXT    NOT NULL CHECK (role IN ('client', 'staff', 'admin')),
    birth_date     TEXT,
    invited_by     TEXT    NOT NULL REFERENCES accounts (id),
    created_at     INTEGER NOT NULL,
    expires_at     INTEGER NOT NULL,
    accepted_at    INTEGER,
    accepted_by    TEXT    REFERENCES accounts (id),
    revoked_at     INTEGER
);

CREATE INDEX invitations_by_healthspace ON invitations (healthspace_id, created_at);

-- Staff ↔ client inside one Healthspace: staff see a client's record only through one.
CREATE TABLE connections (
    id                TEXT    NOT NULL PRIMARY KEY,
    healthspace_id    TEXT    NOT NULL REFERENCES healthspaces (id),
    staff_account_id  TEXT    NOT NULL REFERENCES accounts (id),
    client_account_id TEXT    NOT NULL REFERENCES accounts (id),
    created_at        INTEGER NOT NULL,
    created_by        TEXT    NOT NULL REFERENCES accounts (id),
    ended_at          INTEGER,
    ended_by          TEXT    REFERENCES accounts (id)
);

CREATE INDEX connections_by_client ON connections (client_account_id, healthspace_id);
CREATE INDEX connections_by_staff ON connections (staff_account_id, healthspace_id);
