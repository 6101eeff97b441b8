-- Lead to approved order: the versioned catalog (products, versions, promotions, tax
-- rates), the customer's billing profile, contacts, addresses, interactions and ledger,
-- leads, and orders with their lines.

CREATE EXTENSION IF NOT EXISTS btree_gist;

-- Catalog ---------------------------------------------------------------------------------

-- A product is what is sold; its prices and technical terms live in versions. A version is
-- never changed once written: a new price is a new version, which new orders use (and, when
-- `apply_to_existing`, existing subscriptions from their next cycle). A product in use is
-- retired, never deleted.
CREATE TABLE products (
    id              BIGSERIAL PRIMARY KEY,
    code            TEXT NOT NULL UNIQUE CHECK (code ~ '^[A-Z0-9][A-Z0-9_-]{0,39}$'),
    kind            TEXT NOT NULL CHECK (kind IN ('plan', 'addon', 'one_time')),
    -- The service a plan delivers; NULL for add-ons and one-time products.
    service         TEXT CHECK (service IN ('internet', 'voice', 'tv')),
    name            TEXT NOT NULL CHECK (name <> ''),
    description     TEXT,
    tax_category    TEXT NOT NULL CHECK (tax_category ~ '^[a-z][a-z0-9_]{0,31}$'),
    -- The FreeRADIUS group a subscriber of this plan is put in.
    radius_group    TEXT CHECK (radius_group ~ '^[A-Za-z0-9_.-]{1,64}$'),
    retired_at      TIMESTAMPTZ,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL,
    CHECK ((kind = 'plan') = (service IS NOT NULL))
);

CREATE TABLE product_versions (
    id                      BIGSERIAL PRIMARY KEY,
    product_id              BIGINT NOT NULL REFERENCES products (id),
    version                 INTEGER NOT NULL CHECK (version > 0),
    currency                CHAR(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    -- Recurring price per month; 0 for one-time products.
    monthly_price           NUMERIC(14, 4) NOT NULL CHECK (monthly_price >= 0),
    -- Setup fee of a plan or add-on; the price of a one-time product.
    one_time_price          NUMERIC(14, 4) NOT NULL CHECK (one_time_price >= 0),
    download_mbps           INTEGER CHECK (download_mbps > 0),
    upload_mbps             INTEGER CHECK (upload_mbps > 0),
    -- NULL: unlimited.
    data_cap_gb             INTEGER CHECK (data_cap_gb > 0),
    overage_per_gb          NUMERIC(14, 4) CHECK (overage_per_gb >= 0),
    contract_months         INTEGER NOT NULL DEFAULT 0 CHECK (contract_months BETWEEN 0 AND 120),
    early_termination_fee   NUMERIC(14, 4) NOT NULL DEFAULT 0 CHECK (early_termination_fee >= 0),
    apply_to_existing       BOOLEAN NOT NULL DEFAULT FALSE,
    valid_from              TIMESTAMPTZ NOT NULL,
    created_at              TIMESTAMPTZ NOT NULL,
    UNIQUE (product_id, version),
    CHECK (data_cap_gb IS NULL OR overage_per_gb IS NOT NULL)
);

-- Versions are immutable: the database refuses to change one, whatever the code does.
CREATE FUNCTION product_versions_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'product versions are immutable; add a new version instead'
        USING ERRCODE = 'integrity_constraint_violation';
END $$;
CREATE TRIGGER product_versions_no_update BEFORE UPDATE ON product_versions
    FOR EACH ROW EXECUTE FUNCTION product_versions_immutable();

CREATE TABLE promotions (
    id              BIGSERIAL PRIMARY KEY,
    -- The code a customer quotes; NULL for promotions agents apply without one.
    code            TEXT UNIQUE CHECK (code ~ '^[A-Z0-9][A-Z0-9_-]{0,39}$'),
    name            TEXT NOT NULL CHECK (name <> ''),
    kind            TEXT NOT NULL CHECK (kind IN ('percent', 'amount')),
    -- A percentage (0–100] or an amount per month in `currency`.
    value           NUMERIC(14, 4) NOT NULL CHECK (value > 0),
    currency        CHAR(3) CHECK (currency ~ '^[A-Z]{3}$'),
    -- Billing cycles it applies to; NULL: forever.
    cycles          INTEGER CHECK (cycles > 0),
    valid_from      TIMESTAMPTZ NOT NULL,
    valid_to        TIMESTAMPTZ,
    active          BOOLEAN NOT NULL DEFAULT TRUE,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL,
    CHECK (valid_to IS NULL OR valid_to > valid_from),
    CHECK ((kind = 'percent' AND value <= 100 AND currency IS NULL)
        OR (kind = 'amount' AND currency IS NOT NULL))
);

CREATE TABLE promotion_products (
    promotion_id    BIGINT NOT NULL REFERENCES promotions (id) ON DELETE CASCADE,
    product_id      BIGINT NOT NULL REFERENCES products (id),
    PRIMARY KEY (promotion_id, product_id)
);
CREATE INDEX promotion_products_product_idx ON promotion_products (product_id);

-- Tax rates by zone and category over time; one rate per zone, category and day.
CREATE TABLE tax_rates (
    id              BIGSERIAL PRIMARY KEY,
    zone            TEXT NOT NULL CHECK (zone ~ '^[A-Z0-9][A-Z0-9_-]{0,31}$'),
    category        TEXT NOT NULL CHECK (category ~ '^[a-z][a-z0-9_]{0,31}$'),
    name            TEXT NOT NULL CHECK (name <> ''),
    -- Percent, e.g. 8.2500.
    rate            NUMERIC(7, 4) NOT NULL CHECK (rate >= 0 AND rate <= 100),
    valid_from      DATE NOT NULL,
    -- Exclusive; NULL: open-ended.
    valid_to        DATE,
    created_at      TIMESTAMPTZ NOT NULL,
    CHECK (valid_to IS NULL OR valid_to > valid_from),
    EXCLUDE USING gist (zone WITH =, category WITH =, daterange(valid_from, valid_to) WITH &&)
);

-- The skeleton's flat plans become products with a first version.
INSERT INTO products (code, kind, service, name, tax_category, radius_group, retired_at, created_at, updated_at)
SELECT upper(code), 'plan', kind, name, 'telecom', lower(regexp_replace(code, '[^A-Za-z0-9]+', '_', 'g')),
       CASE WHEN active THEN NULL ELSE created_at END, created_at, created_at
FROM plans;
INSERT INTO product_versions (product_id, version, currency, monthly_price, one_time_price,
                              download_mbps, upload_mbps, valid_from, created_at)
SELECT p.id, 1, pl.currency, pl.monthly_price, 0, pl.download_mbps, pl.upload_mbps, pl.created_at, pl.created_at
FROM plans pl JOIN products p ON p.code = upper(pl.code);
DROP TABLE plans;

-- Customers -------------------------------------------------------------------------------

CREATE SEQUENCE customer_account_serial START 100001;
SELECT setval('customer_account_serial', GREATEST(100000, (SELECT count(*) FROM customers) + 100000));

ALTER TABLE customers
    ADD COLUMN tax_id              TEXT,
    ADD COLUMN billing_cycle       TEXT NOT NULL DEFAULT 'calendar' CHECK (billing_cycle IN ('calendar', 'anniversary')),
    ADD COLUMN billing_day         INTEGER DEFAULT 1 CHECK (billing_day BETWEEN 1 AND 28),
    ADD COLUMN invoice_delivery    TEXT NOT NULL DEFAULT 'email' CHECK (invoice_delivery IN ('email', 'paper', 'portal')),
    ADD COLUMN autopay             BOOLEAN NOT NULL DEFAULT FALSE,
    ADD COLUMN currency            CHAR(3) NOT NULL DEFAULT 'USD' CHECK (currency ~ '^[A-Z]{3}$'),
    ADD COLUMN tax_zone            TEXT NOT NULL DEFAULT 'DEFAULT',
    ADD COLUMN tax_exempt          BOOLEAN NOT NULL DEFAULT FALSE,
    ADD COLUMN tax_exemption_ref   TEXT,
    ADD COLUMN version             INTEGER NOT NULL DEFAULT 1,
    ADD CONSTRAINT customers_billing_cycle_day_check CHECK ((billing_cycle = 'calendar') = (billing_day IS NOT NULL)),
    ADD CONSTRAINT customers_business_check CHECK (kind = 'residential' OR company_name IS NOT NULL),
    ADD CONSTRAINT customers_exemption_check CHECK (NOT tax_exempt OR tax_exemption_ref IS NOT NULL);
ALTER TABLE customers ALTER COLUMN currency DROP DEFAULT;
CREATE INDEX customers_email_idx ON customers (lower(email));

CREATE TABLE customer_contacts (
    id              BIGSERIAL PRIMARY KEY,
    customer_id     BIGINT NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    name            TEXT NOT NULL CHECK (name <> ''),
    role            TEXT NOT NULL CHECK (role IN ('primary', 'billing', 'technical', 'other')),
    email           TEXT CHECK (email = lower(email)),
    -- E.164, e.g. +15550101.
    phone           TEXT CHECK (phone ~ '^\+[1-9][0-9]{6,14}$'),
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL,
    CHECK (email IS NOT NULL OR phone IS NOT NULL)
);
CREATE INDEX customer_contacts_customer_idx ON customer_contacts (customer_id);
CREATE INDEX customer_contacts_email_idx ON customer_contacts (email);
CREATE INDEX customer_contacts_phone_idx ON customer_contacts (phone);

CREATE TABLE customer_addresses (
    id              BIGSERIAL PRIMARY KEY,
    customer_id     BIGINT NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    kind            TEXT NOT NULL CHECK (kind IN ('service', 'billing')),
    line1           TEXT NOT NULL CHECK (line1 <> ''),
    line2           TEXT,
    city            TEXT NOT NULL CHECK (city <> ''),
    region          TEXT,
    postal_code     TEXT,
    -- ISO 3166-1 alpha-2.
    country         CHAR(2) NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX customer_addresses_customer_idx ON customer_addresses (customer_id);

-- Every amount a customer owes or is owed: invoices, credit notes, payments, refunds, fees,
-- write-offs. Positive amounts increase what the customer owes. The balance is the sum.
CREATE TABLE ledger_entries (
    id              BIGSERIAL PRIMARY KEY,
    customer_id     BIGINT NOT NULL REFERENCES customers (id),
    kind            TEXT NOT NULL CHECK (kind IN ('invoice', 'credit_note', 'payment', 'refund', 'fee', 'write_off', 'adjustment')),
    amount          NUMERIC(14, 4) NOT NULL,
    currency        CHAR(3) NOT NULL,
    -- When a debit falls due; a debit past it and not settled is overdue.
    due_on          DATE,
    reference_type  TEXT,
    reference_id    TEXT,
    description     TEXT,
    occurred_at     TIMESTAMPTZ NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX ledger_entries_customer_idx ON ledger_entries (customer_id, occurred_at);

-- Leads -----------------------------------------------------------------------------------

CREATE TABLE leads (
    id                  BIGSERIAL PRIMARY KEY,
    status              TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'contacted', 'qualified', 'won', 'lost')),
    lost_reason         TEXT,
    kind                TEXT NOT NULL DEFAULT 'residential' CHECK (kind IN ('residential', 'business')),
    name                TEXT NOT NULL CHECK (name <> ''),
    company_name        TEXT,
    email               TEXT CHECK (email = lower(email)),
    phone               TEXT CHECK (phone ~ '^\+[1-9][0-9]{6,14}$'),
    address_line1       TEXT,
    address_line2       TEXT,
    city                TEXT,
    region              TEXT,
    postal_code         TEXT,
    country             CHAR(2) CHECK (country ~ '^[A-Z]{2}$'),
    source              TEXT NOT NULL CHECK (source IN ('phone', 'web', 'portal', 'api', 'referral', 'walk_in', 'partner', 'event', 'other')),
    interest_product_id BIGINT REFERENCES products (id),
    owner_id            BIGINT REFERENCES users (id) ON DELETE SET NULL,
    serviceability_note TEXT,
    -- Set when the lead is converted; the customer it became.
    customer_id         BIGINT REFERENCES customers (id),
    converted_at        TIMESTAMPTZ,
    -- Set when the lead was merged into another one (it is then `lost`, a duplicate).
    merged_into_id      BIGINT REFERENCES leads (id),
    version             INTEGER NOT NULL DEFAULT 1,
    created_at          TIMESTAMPTZ NOT NULL,
    updated_at          TIMESTAMPTZ NOT NULL,
    CHECK (email IS NOT NULL OR phone IS NOT NULL),
    CHECK ((status = 'lost') = (lost_reason IS NOT NULL)),
    CHECK ((customer_id IS NOT NULL) = (status = 'won')),
    CHECK ((customer_id IS NULL) = (converted_at IS NULL)),
    CHECK (merged_into_id IS NULL OR status = 'lost')
);
CREATE INDEX leads_status_idx ON leads (status, id);
CREATE INDEX leads_owner_idx ON leads (owner_id, id);
CREATE INDEX leads_customer_idx ON leads (customer_id);
CREATE INDEX leads_interest_idx ON leads (interest_product_id);
CREATE INDEX leads_merged_into_idx ON leads (merged_into_id);
CREATE INDEX leads_email_idx ON leads (email);
CREATE INDEX leads_phone_idx ON leads (phone);
CREATE INDEX leads_address_trgm_idx ON leads
    USING gin ((lower(coalesce(address_line1, '') || ' ' || coalesce(postal_code, ''))) gin_trgm_ops);

-- Calls, emails, visits and notes, on a customer or a lead.
CREATE TABLE interactions (
    id              BIGSERIAL PRIMARY KEY,
    customer_id     BIGINT REFERENCES customers (id),
    lead_id         BIGINT REFERENCES leads (id),
    channel         TEXT NOT NULL CHECK (channel IN ('call', 'email', 'visit', 'chat', 'sms', 'note')),
    direction       TEXT NOT NULL CHECK (direction IN ('inbound', 'outbound', 'internal')),
    summary         TEXT NOT NULL CHECK (summary <> ''),
    outcome         TEXT,
    follow_up_on    DATE,
    agent_id        BIGINT REFERENCES users (id) ON DELETE SET NULL,
    occurred_at     TIMESTAMPTZ NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    CHECK (customer_id IS NOT NULL OR lead_id IS NOT NULL)
);
CREATE INDEX interactions_customer_idx ON interactions (customer_id, occurred_at DESC, id DESC);
CREATE INDEX interactions_agent_idx ON interactions (agent_id);
CREATE INDEX interactions_lead_idx ON interactions (lead_id, occurred_at DESC, id DESC);

-- Orders ----------------------------------------------------------------------------------

CREATE SEQUENCE order_number_serial START 1;

CREATE TABLE orders (
    id                  BIGSERIAL PRIMARY KEY,
    number              TEXT NOT NULL UNIQUE,
    customer_id         BIGINT NOT NULL REFERENCES customers (id),
    lead_id             BIGINT REFERENCES leads (id),
    status              TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'submitted', 'pending_approval', 'approved', 'rejected', 'provisioning', 'completed', 'cancelled')),
    channel             TEXT NOT NULL CHECK (channel IN ('call_center', 'self_service', 'in_person', 'api')),
    currency            CHAR(3) NOT NULL,
    notes               TEXT,
    -- Totals of the lines, each line already rounded to the currency's minor unit.
    one_time_subtotal   NUMERIC(14, 4) NOT NULL DEFAULT 0,
    one_time_tax        NUMERIC(14, 4) NOT NULL DEFAULT 0,
    monthly_subtotal    NUMERIC(14, 4) NOT NULL DEFAULT 0,
    monthly_tax         NUMERIC(14, 4) NOT NULL DEFAULT 0,
    -- The credit check made at submission: outcome and reasons.
    credit_check        JSONB,
    decision_reason     TEXT,
    decided_by          BIGINT REFERENCES users (id) ON DELETE SET NULL,
    decided_at          TIMESTAMPTZ,
    submitted_at        TIMESTAMPTZ,
    cancelled_at        TIMESTAMPTZ,
    created_by          TEXT NOT NULL,
    version             INTEGER NOT NULL DEFAULT 1,
    created_at          TIMESTAMPTZ NOT NULL,
    updated_at          TIMESTAMPTZ NOT NULL
);
CREATE INDEX orders_customer_idx ON orders (customer_id, id);
CREATE INDEX orders_status_idx ON orders (status, id);
CREATE INDEX orders_lead_idx ON orders (lead_id);
CREATE INDEX orders_decided_by_idx ON orders (decided_by);

CREATE TABLE order_lines (
    id                  BIGSERIAL PRIMARY KEY,
    order_id            BIGINT NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    customer_id         BIGINT NOT NULL REFERENCES customers (id),
    position            INTEGER NOT NULL,
    action              TEXT NOT NULL CHECK (action IN ('add', 'change', 'remove')),
    -- `deposit` lines are added by the credit check, not by the agent.
    kind                TEXT NOT NULL CHECK (kind IN ('plan', 'addon', 'one_time', 'deposit')),
    product_version_id  BIGINT REFERENCES product_versions (id),
    promotion_id        BIGINT REFERENCES promotions (id),
    -- The subscription a change or remove line acts on (subscriptions arrive with provisioning).
    subscription_id     BIGINT,
    description         TEXT NOT NULL,
    quantity            INTEGER NOT NULL CHECK (quantity BETWEEN 1 AND 1000),
    unit_monthly        NUMERIC(14, 4) NOT NULL DEFAULT 0,
    unit_one_time       NUMERIC(14, 4) NOT NULL DEFAULT 0,
    discount_monthly    NUMERIC(14, 4) NOT NULL DEFAULT 0,
    tax_rate            NUMERIC(7, 4) NOT NULL DEFAULT 0,
    -- Rounded amounts of the line, before tax, and its tax.
    monthly_amount      NUMERIC(14, 4) NOT NULL DEFAULT 0,
    monthly_tax         NUMERIC(14, 4) NOT NULL DEFAULT 0,
    one_time_amount     NUMERIC(14, 4) NOT NULL DEFAULT 0,
    one_time_tax        NUMERIC(14, 4) NOT NULL DEFAULT 0,
    created_at          TIMESTAMPTZ NOT NULL,
    UNIQUE (order_id, position),
    CHECK ((kind = 'deposit') = (product_version_id IS NULL))
);
CREATE INDEX order_lines_customer_idx ON order_lines (customer_id);
CREATE INDEX order_lines_version_idx ON order_lines (product_version_id);
CREATE INDEX order_lines_promotion_idx ON order_lines (promotion_id);
