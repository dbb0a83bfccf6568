-- Whether a Healthspace's clients need a second factor too (staff, admins and owners always do).
ALTER TABLE healthspaces ADD COLUMN clients_two_step BIGINT NOT NULL DEFAULT 0;

-- A browser remembered at a login's second step skips that step until this time; the login
-- throttle's trust in the same browser alone never does. The browser and system it was
-- remembered on are what "Active sessions" shows of it.
ALTER TABLE trusted_devices ADD COLUMN second_factor_until BIGINT;
ALTER TABLE trusted_devices ADD COLUMN remembered_browser TEXT;
ALTER TABLE trusted_devices ADD COLUMN remembered_os TEXT;
