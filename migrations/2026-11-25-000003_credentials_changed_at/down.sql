ALTER TABLE api_clients DROP COLUMN credentials_changed_at;
ALTER TABLE users DROP COLUMN credentials_changed_at;
