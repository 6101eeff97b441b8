-- Leads from the public portal form remember the client address they came from, so the
-- form can be limited per address; duplicate detection gets the indexes it searches by.

ALTER TABLE leads ADD COLUMN client_address TEXT;
CREATE INDEX leads_client_address_idx ON leads (client_address, created_at)
    WHERE client_address IS NOT NULL;

-- Duplicate detection compares a lead's phone and address with existing customers'.
CREATE INDEX customers_phone_idx ON customers (phone);
CREATE INDEX customer_addresses_trgm_idx ON customer_addresses
    USING gin ((lower(line1 || ' ' || coalesce(postal_code, ''))) gin_trgm_ops);
