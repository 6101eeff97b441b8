DROP TABLE order_lines;
DROP TABLE orders;
DROP SEQUENCE order_number_serial;
DROP TABLE interactions;
DROP TABLE leads;
DROP TABLE ledger_entries;
DROP TABLE customer_addresses;
DROP TABLE customer_contacts;
DROP INDEX customers_email_idx;
ALTER TABLE customers
    DROP CONSTRAINT customers_billing_cycle_day_check,
    DROP CONSTRAINT customers_business_check,
    DROP CONSTRAINT customers_exemption_check,
    DROP COLUMN tax_id,
    DROP COLUMN billing_cycle,
    DROP COLUMN billing_day,
    DROP COLUMN invoice_delivery,
    DROP COLUMN autopay,
    DROP COLUMN currency,
    DROP COLUMN tax_zone,
    DROP COLUMN tax_exempt,
    DROP COLUMN tax_exemption_ref,
    DROP COLUMN version;
DROP SEQUENCE customer_account_serial;

CREATE TABLE plans (
    id              BIGSERIAL PRIMARY KEY,
    code            TEXT NOT NULL UNIQUE,
    name            TEXT NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('internet', 'voice', 'tv')),
    download_mbps   INTEGER CHECK (download_mbps > 0),
    upload_mbps     INTEGER CHECK (upload_mbps > 0),
    monthly_price   NUMERIC(14, 4) NOT NULL CHECK (monthly_price >= 0),
    currency        CHAR(3) NOT NULL,
    active          BOOLEAN NOT NULL DEFAULT TRUE,
    created_at      TIMESTAMPTZ NOT NULL
);
INSERT INTO plans (code, name, kind, download_mbps, upload_mbps, monthly_price, currency, active, created_at)
SELECT p.code, p.name, p.service, v.download_mbps, v.upload_mbps, v.monthly_price, v.currency,
       p.retired_at IS NULL, p.created_at
FROM products p
JOIN LATERAL (SELECT * FROM product_versions pv WHERE pv.product_id = p.id ORDER BY version DESC LIMIT 1) v ON TRUE
WHERE p.kind = 'plan';

DROP TABLE tax_rates;
DROP TABLE promotion_products;
DROP TABLE promotions;
DROP TABLE product_versions;
DROP FUNCTION product_versions_immutable();
DROP TABLE products;
