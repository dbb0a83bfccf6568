-- What a personal access token may reach: read only or read and write, and every Healthspace
-- of its account or just one. Tokens made before scopes existed keep the full reach they had.
ALTER TABLE api_tokens ADD COLUMN access TEXT NOT NULL DEFAULT 'read_write'
    CHECK (access IN ('read_only', 'read_write'));
ALTER TABLE api_tokens ADD COLUMN healthspace_id TEXT REFERENCES healthspaces (id) ON DELETE CASCADE;
