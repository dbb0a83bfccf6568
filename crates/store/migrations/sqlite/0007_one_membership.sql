-- One membership per account and Healthspace, with one role; one open connection per staff and
-- client; one open invitation per address and Healthspace. Earlier data may hold duplicates:
-- they are merged first, and each merge is noted so the application can audit-log it.

-- A membership row that was merged into another one of the same account and Healthspace.
CREATE TABLE membership_merges (
    membership_id  TEXT    NOT NULL PRIMARY KEY,
    kept_id        TEXT    NOT NULL REFERENCES memberships (id),
    healthspace_id TEXT    NOT NULL REFERENCES healthspaces (id),
    account_id     TEXT    NOT NULL REFERENCES accounts (id),
    removed_role   TEXT    NOT NULL CHECK (removed_role IN ('client', 'staff', 'admin')),
    merged_at      INTEGER NOT NULL,
    -- Set once the merge is in the audit log.
    audited_at     INTEGER
);

-- The oldest active row of each account and Healthspace is kept.
INSERT INTO membership_merges (membership_id, kept_id, healthspace_id, account_id, removed_role,
                               merged_at)
SELECT m.id,
       (SELECT MIN(k.id) FROM memberships k
         WHERE k.healthspace_id = m.healthspace_id AND k.account_id = m.account_id
           AND k.state = 'active'),
       m.healthspace_id, m.account_id, m.role,
       CAST(strftime('%s', 'now') AS INTEGER) * 1000
  FROM memberships m
 WHERE m.state = 'active'
   AND m.id <> (SELECT MIN(k.id) FROM memberships k
                 WHERE k.healthspace_id = m.healthspace_id AND k.account_id = m.account_id
                   AND k.state = 'active');

-- The kept row takes the highest role of the merged ones: an admin does all that staff do.
UPDATE memberships
   SET role = (SELECT CASE MAX(CASE x.role WHEN 'admin' THEN 3 WHEN 'staff' THEN 2 ELSE 1 END)
                      WHEN 3 THEN 'admin' WHEN 2 THEN 'staff' ELSE 'client' END
                 FROM memberships x
                WHERE x.healthspace_id = memberships.healthspace_id
                  AND x.account_id = memberships.account_id AND x.state = 'active')
 WHERE id IN (SELECT kept_id FROM membership_merges);

DELETE FROM memberships WHERE id IN (SELECT membership_id FROM membership_merges);

-- Someone who is staff or admin now is no longer anyone's client there.
UPDATE connections
   SET ended_at = CAST(strftime('%s', 'now') AS INTEGER) * 1000
 WHERE ended_at IS NULL
   AND EXISTS (SELECT 1 FROM membership_merges g JOIN memberships k ON k.id = g.kept_id
                WHERE g.account_id = connections.client_account_id
                  AND g.healthspace_id = connections.healthspace_id
                  AND k.role <> 'client');

-- Duplicate open connections end, the oldest stays.
UPDATE connections
   SET ended_at = CAST(strftime('%s', 'now') AS INTEGER) * 1000
 WHERE ended_at IS NULL
   AND id <> (SELECT MIN(c.id) FROM connections c
               WHERE c.healthspace_id = connections.healthspace_id
                 AND c.staff_account_id = connections.staff_account_id
                 AND c.client_account_id = connections.client_account_id
                 AND c.ended_at IS NULL);

-- Of several open invitations to one address, the newest stays open.
UPDATE invitations
   SET revoked_at = CAST(strftime('%s', 'now') AS INTEGER) * 1000
 WHERE accepted_at IS NULL AND revoked_at IS NULL
   AND id <> (SELECT MAX(i.id) FROM invitations i
               WHERE i.healthspace_id = invitations.healthspace_id
                 AND i.email = invitations.email
                 AND i.accepted_at IS NULL AND i.revoked_at IS NULL);

CREATE UNIQUE INDEX memberships_one_active
    ON memberships (healthspace_id, account_id) WHERE state = 'active';
CREATE UNIQUE INDEX connections_one_open
    ON connections (healthspace_id, staff_account_id, client_account_id) WHERE ended_at IS NULL;
CREATE UNIQUE INDEX invitations_one_open
    ON invitations (healthspace_id, email) WHERE accepted_at IS NULL AND revoked_at IS NULL;
