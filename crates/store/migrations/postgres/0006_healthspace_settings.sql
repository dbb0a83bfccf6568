-- What admins and owners set for a Healthspace ("Beheer > Instellingen", seed 003): texts on its
-- own pages, its logo and colours, and whether staff may connect themselves to clients.
ALTER TABLE healthspaces ADD COLUMN welcome_html TEXT NOT NULL DEFAULT '';
ALTER TABLE healthspaces ADD COLUMN opening_hours TEXT NOT NULL DEFAULT '';
ALTER TABLE healthspaces ADD COLUMN logo_id TEXT;
-- Empty means the product's own colours; otherwise #rrggbb, checked against WCAG AA.
ALTER TABLE healthspaces ADD COLUMN brand_primary TEXT NOT NULL DEFAULT '';
ALTER TABLE healthspaces ADD COLUMN brand_primary_text TEXT NOT NULL DEFAULT '';
ALTER TABLE healthspaces ADD COLUMN staff_connect_self BIGINT NOT NULL DEFAULT 0;


-- Invitations waiting for an account, found by its verified address.
CREATE INDEX invitations_by_email ON invitations (email, expires_at);
