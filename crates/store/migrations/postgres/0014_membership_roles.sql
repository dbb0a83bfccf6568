-- The roles a membership held over time, so that a month's seats count each member by the role
-- held on the month's last day: one row per stretch, from when it started until the next change
-- (open-ended for the role held now). An admin changes a member's role in place.
CREATE TABLE membership_roles (
    id            TEXT    NOT NULL PRIMARY KEY,
    membership_id TEXT    NOT NULL REFERENCES memberships (id),
    role          TEXT    NOT NULL CHECK (role IN ('client', 'staff', 'admin')),
    started_at    BIGINT NOT NULL,
    ended_at      BIGINT,
    changed_by    TEXT    REFERENCES accounts (id)
);

-- The seats report joins a Healthspace's memberships to their stretches.
CREATE INDEX membership_roles_by_membership ON membership_roles (membership_id, started_at);

-- One role held at a time.
CREATE UNIQUE INDEX membership_roles_current ON membership_roles (membership_id)
    WHERE ended_at IS NULL;

-- Every membership so far held one role from its start (its id serves as the stretch's id).
INSERT INTO membership_roles (id, membership_id, role, started_at)
SELECT id, id, role, created_at FROM memberships;
