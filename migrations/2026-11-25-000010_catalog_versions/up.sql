-- Optimistic locking for the catalog's editable records: several managers edit products,
-- promotions and tax rates, and a stale edit must be refused (409 `version_conflict`)
-- rather than silently undo another's change. The prices themselves are never edited:
-- they live in immutable product versions.
ALTER TABLE products ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE promotions ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE tax_rates ADD COLUMN version INTEGER NOT NULL DEFAULT 1;

