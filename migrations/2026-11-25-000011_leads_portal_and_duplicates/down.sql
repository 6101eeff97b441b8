DROP INDEX customer_addresses_trgm_idx;
DROP INDEX customers_phone_idx;
DROP INDEX leads_client_address_idx;
ALTER TABLE leads DROP COLUMN client_address;
