-- What the retention purge looks rows up by (see store::retention).
CREATE INDEX login_failures_by_last_failure ON login_failures (last_failure_at);
CREATE INDEX rate_limits_by_window ON rate_limits (window_start);
CREATE INDEX sessions_by_expiry ON sessions (expires_at);
CREATE INDEX sessions_by_last_seen ON sessions (last_seen_at);
CREATE INDEX trusted_devices_by_expiry ON trusted_devices (expires_at);
CREATE INDEX account_tokens_by_expiry ON account_tokens (expires_at);
CREATE INDEX accounts_by_created ON accounts (created_at);
