-- Wrong dates of birth entered for an invitation: at three it can no longer be accepted, and
-- the Healthspace sends a new one.
ALTER TABLE invitations ADD COLUMN failed_checks INTEGER NOT NULL DEFAULT 0;
