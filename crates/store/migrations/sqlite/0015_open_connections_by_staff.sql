-- "My clients" pages a staff member's open connections in a Healthspace, newest first.
CREATE INDEX connections_open_by_staff
    ON connections (healthspace_id, staff_account_id, created_at, id) WHERE ended_at IS NULL;
