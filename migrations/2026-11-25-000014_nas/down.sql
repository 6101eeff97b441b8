DROP INDEX radius.nas_nasname_key;
ALTER TABLE radius.nas DROP COLUMN coa_port, DROP COLUMN created_at, DROP COLUMN updated_at;
