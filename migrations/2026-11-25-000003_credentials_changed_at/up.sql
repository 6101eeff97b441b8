-- When a user's password or an API client's secret last changed: access tokens issued
-- before it are refused, so a reset takes effect at once, not when old tokens expire.
ALTER TABLE users ADD COLUMN credentials_changed_at TIMESTAMPTZ;
ALTER TABLE api_clients ADD COLUMN credentials_changed_at TIMESTAMPTZ;
