-- Customer classes carry the credit policy their customers' orders are checked against.
CREATE TABLE customer_classes (
    id                  BIGSERIAL PRIMARY KEY,
    code                TEXT NOT NULL UNIQUE CHECK (code ~ '^[a-z][a-z0-9_]*$'),
    name                TEXT NOT NULL CHECK (name <> ''),
    currency            CHAR(3) NOT NULL,
    credit_limit        NUMERIC(14, 4) NOT NULL CHECK (credit_limit >= 0),
    approval_threshold  NUMERIC(14, 4) NOT NULL CHECK (approval_threshold >= 0),
    deposit_rule        TEXT NOT NULL CHECK (deposit_rule IN ('none', 'fixed', 'months_of_recurring')),
    deposit_amount      NUMERIC(14, 4),
    deposit_months      INTEGER,
    payment_terms_days  INTEGER NOT NULL CHECK (payment_terms_days BETWEEN 0 AND 365),
    payment_methods     TEXT[] NOT NULL,
    dunning_ladder      TEXT NOT NULL,
    version             INTEGER NOT NULL DEFAULT 1,
    created_at          TIMESTAMPTZ NOT NULL,
    updated_at          TIMESTAMPTZ NOT NULL,
    CHECK (
        (deposit_rule = 'none' AND deposit_amount IS NULL AND deposit_months IS NULL)
        OR (deposit_rule = 'fixed' AND deposit_amount > 0 AND deposit_months IS NULL)
        OR (deposit_rule = 'months_of_recurring' AND deposit_months BETWEEN 1 AND 24 AND deposit_amount IS NULL)
    ),
    CHECK (payment_methods <@ ARRAY['card', 'direct_debit', 'bank_transfer', 'cash', 'cheque', 'prepaid_deposit']::TEXT[]
           AND cardinality(payment_methods) > 0)
);

INSERT INTO customer_classes
    (code, name, currency, credit_limit, approval_threshold, deposit_rule, deposit_amount,
     deposit_months, payment_terms_days, payment_methods, dunning_ladder, created_at, updated_at)
VALUES
    ('residential', 'Residential', 'USD', 150, 300, 'none', NULL, NULL, 14,
     ARRAY['card', 'direct_debit', 'prepaid_deposit'], 'residential_standard', now(), now()),
    ('business', 'Business', 'USD', 2000, 1500, 'months_of_recurring', NULL, 1, 30,
     ARRAY['card', 'direct_debit', 'bank_transfer'], 'business_standard', now(), now()),
    ('enterprise', 'Enterprise', 'USD', 25000, 10000, 'none', NULL, NULL, 45,
     ARRAY['direct_debit', 'bank_transfer'], 'enterprise_managed', now(), now());

ALTER TABLE customers ADD COLUMN class_id BIGINT REFERENCES customer_classes (id);
UPDATE customers SET class_id = (SELECT id FROM customer_classes WHERE code = CASE customers.kind
    WHEN 'business' THEN 'business' ELSE 'residential' END);
ALTER TABLE customers ALTER COLUMN class_id SET NOT NULL;
CREATE INDEX customers_class_idx ON customers (class_id);
