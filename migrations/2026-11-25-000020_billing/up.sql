-- Billing: what each subscription has been billed up to, invoices and their lines, credit
-- notes, gapless number series and bill runs. The rules are in `domain/billing.rs`; the
-- bill run in `services/billing`.

-- A customer class decides whether a suspension at the customer's request is billed.
ALTER TABLE customer_classes
    ADD COLUMN bill_customer_request_suspensions BOOLEAN NOT NULL DEFAULT false;

-- Adjustments made by the subscription commands (plan change, pause, termination) wait
-- here with the one-time charges for the next invoice: they may be credits (negative),
-- belong to a period and carry the rule that produced them.
ALTER TABLE pending_charges DROP CONSTRAINT pending_charges_kind_check;
ALTER TABLE pending_charges DROP CONSTRAINT pending_charges_amount_check;
ALTER TABLE pending_charges
    ADD CONSTRAINT pending_charges_kind_check CHECK (kind IN (
        'early_termination_fee', 'reconnection_fee', 'late_fee', 'deposit', 'installation',
        'other', 'one_time', 'proration', 'discount')),
    ADD CONSTRAINT pending_charges_amount_check CHECK (amount <> 0),
    ADD COLUMN period_start DATE,
    ADD COLUMN period_end   DATE,
    ADD COLUMN tax_category TEXT NOT NULL DEFAULT 'standard',
    ADD COLUMN rule         JSONB,
    ADD COLUMN invoice_id   BIGINT,
    -- The day whose tax rate applies: a credit is taxed at the rate its days were billed at.
    ADD COLUMN tax_on       DATE;

-- Where billing stands for one subscription. `billed_through`: recurring charges are billed
-- for every day before it (NULL: nothing recurring to bill, e.g. terminated or paused at the
-- customer's request). `usage_from`: the first billing period whose usage is not yet billed;
-- `usage_due_on`: the day that period ends, when its usage can be billed (NULL: none left).
CREATE TABLE subscription_billing (
    subscription_id     BIGINT PRIMARY KEY REFERENCES subscriptions (id),
    customer_id         BIGINT NOT NULL REFERENCES customers (id),
    billed_through      DATE,
    usage_from          DATE,
    usage_due_on        DATE,
    -- Full periods the promotion still discounts; NULL: the discount has no end.
    promo_cycles_left   INTEGER CHECK (promo_cycles_left >= 0),
    -- The monthly discount the last billed period carried: what a credit of its days takes
    -- back.
    billed_discount     NUMERIC(14, 4) NOT NULL DEFAULT 0,
    -- Paused at the customer's request (and not billed): recurring charges wait.
    paused              BOOLEAN NOT NULL DEFAULT false,
    -- The usage total of the last period whose usage was billed, as it was then: usage that
    -- arrives later for that period is billed by the next run.
    usage_billed_octets BIGINT NOT NULL DEFAULT 0,
    -- Bumped by every write: a bill run writes its result only over the state it read.
    version             INTEGER NOT NULL DEFAULT 1,
    updated_at          TIMESTAMPTZ NOT NULL
) WITH (fillfactor = 70);
CREATE INDEX subscription_billing_customer_idx ON subscription_billing (customer_id);

-- Live subscriptions from before billing existed start billing on the day it arrives (the
-- periods before were billed elsewhere), usage from the period that day falls in.
INSERT INTO subscription_billing (subscription_id, customer_id, billed_through, usage_from,
                                  usage_due_on, promo_cycles_left, paused, updated_at)
SELECT s.id, s.customer_id,
       CASE WHEN s.status IN ('active', 'suspended') THEN greatest(s.started_at::date, current_date) END,
       usage_period_start(greatest(s.started_at::date, current_date), s.billing_anchor_day),
       CASE WHEN s.status IN ('active', 'suspended') THEN
           usage_period_end(usage_period_start(greatest(s.started_at::date, current_date),
                                               s.billing_anchor_day), s.billing_anchor_day) END,
       ol.promotion_cycles,
       s.status = 'suspended' AND s.suspend_reason = 'customer_request',
       now()
FROM subscriptions s
JOIN order_lines ol ON ol.id = s.order_line_id
WHERE s.started_at IS NOT NULL;

-- Gapless numbers: one counter per series and year, taken under the row's lock in the
-- transaction that issues the document, so a rollback gives the numbers back.
CREATE TABLE number_series (
    series      TEXT NOT NULL CHECK (series IN ('INV', 'CN')),
    year        INTEGER NOT NULL,
    last_number BIGINT NOT NULL CHECK (last_number >= 0),
    PRIMARY KEY (series, year)
);

CREATE TABLE bill_runs (
    id              BIGSERIAL PRIMARY KEY,
    run_on          DATE NOT NULL,
    mode            TEXT NOT NULL CHECK (mode IN ('dry_run', 'draft', 'issue')),
    trigger         TEXT NOT NULL CHECK (trigger IN ('manual', 'scheduled')),
    status          TEXT NOT NULL CHECK (status IN ('queued', 'running', 'issuing', 'completed', 'failed')),
    requested_by    TEXT NOT NULL,
    -- Subscriptions due when the run started, and how far it has come.
    subscriptions_total BIGINT NOT NULL DEFAULT 0,
    subscriptions_done  BIGINT NOT NULL DEFAULT 0,
    customers_done      BIGINT NOT NULL DEFAULT 0,
    invoices_created    BIGINT NOT NULL DEFAULT 0,
    lines_created       BIGINT NOT NULL DEFAULT 0,
    error_count         BIGINT NOT NULL DEFAULT 0,
    -- Per currency: {"EUR": {"subtotal": "…", "tax": "…", "total": "…"}}.
    totals          JSONB NOT NULL DEFAULT '{}',
    -- A dry run's first invoices, as the API shows them.
    sample          JSONB,
    -- The last customer whose invoice is written: a resumed run starts after it.
    cursor_customer BIGINT NOT NULL DEFAULT 0,
    locked_until    TIMESTAMPTZ,
    last_error      TEXT,
    drafts_issued_at TIMESTAMPTZ,
    created_at      TIMESTAMPTZ NOT NULL,
    started_at      TIMESTAMPTZ,
    finished_at     TIMESTAMPTZ
);
CREATE INDEX bill_runs_queue_idx ON bill_runs (created_at) WHERE status IN ('queued', 'running', 'issuing');
-- The daily run happens once per day, however many replicas schedule it.
CREATE UNIQUE INDEX bill_runs_scheduled_key ON bill_runs (run_on) WHERE trigger = 'scheduled';

CREATE TABLE bill_run_errors (
    id          BIGSERIAL PRIMARY KEY,
    bill_run_id BIGINT NOT NULL REFERENCES bill_runs (id),
    customer_id BIGINT NOT NULL,
    code        TEXT NOT NULL,
    message     TEXT NOT NULL,
    at          TIMESTAMPTZ NOT NULL
);
CREATE INDEX bill_run_errors_run_idx ON bill_run_errors (bill_run_id, id);

-- Invoices. Totals are sums of the rounded lines. An issued invoice is never updated except
-- for what payments, credit notes and void change: status, amounts paid and credited.
CREATE TABLE invoices (
    id              BIGSERIAL PRIMARY KEY,
    customer_id     BIGINT NOT NULL,
    bill_run_id     BIGINT,
    number          TEXT UNIQUE,
    status          TEXT NOT NULL CHECK (status IN ('draft', 'issued', 'partially_paid', 'paid', 'void')),
    currency        CHAR(3) NOT NULL,
    period_start    DATE,
    period_end      DATE,
    issue_date      DATE,
    due_date        DATE,
    subtotal        NUMERIC(14, 4) NOT NULL,
    tax_total       NUMERIC(14, 4) NOT NULL,
    total           NUMERIC(14, 4) NOT NULL,
    amount_paid     NUMERIC(14, 4) NOT NULL DEFAULT 0,
    amount_credited NUMERIC(14, 4) NOT NULL DEFAULT 0,
    void_reason     TEXT,
    voided_at       TIMESTAMPTZ,
    created_at      TIMESTAMPTZ NOT NULL,
    issued_at       TIMESTAMPTZ,
    version         INTEGER NOT NULL DEFAULT 1,
    CHECK ((status = 'draft') = (number IS NULL)),
    CHECK (total = subtotal + tax_total)
);
CREATE INDEX invoices_customer_idx ON invoices (customer_id, id);
CREATE INDEX invoices_bill_run_idx ON invoices (bill_run_id) WHERE bill_run_id IS NOT NULL;
CREATE INDEX invoices_open_idx ON invoices (due_date) WHERE status IN ('issued', 'partially_paid');

-- Invoice lines. No foreign key to `invoices`: lines are written only together with their
-- invoice, in its transaction, by the bill run's COPY, and never deleted; a key would cost
-- the bill run ~9 s per 3M lines. `amount` and `tax_amount` are rounded once (domain/money);
-- `unit_price` and `quantity` keep the precise figures, `rule` says how the line came about.
CREATE TABLE invoice_lines (
    id              BIGSERIAL PRIMARY KEY,
    invoice_id      BIGINT NOT NULL,
    customer_id     BIGINT NOT NULL,
    subscription_id BIGINT,
    position        INTEGER NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('recurring', 'proration', 'usage', 'one_time', 'discount', 'fee')),
    description     TEXT NOT NULL,
    period_start    DATE,
    period_end      DATE,
    quantity        NUMERIC(14, 4) NOT NULL,
    unit_price      NUMERIC(14, 4) NOT NULL,
    amount          NUMERIC(14, 4) NOT NULL,
    tax_rate        NUMERIC(7, 4) NOT NULL,
    tax_name        TEXT NOT NULL,
    tax_amount      NUMERIC(14, 4) NOT NULL,
    rule            JSONB
);
CREATE INDEX invoice_lines_invoice_idx ON invoice_lines (invoice_id);
-- A subscription's period is billed once: the key that makes bill runs idempotent.
-- (Usage that arrives after its period was billed goes on a later invoice as a
-- `late_usage_over_cap` line, outside the key.)
CREATE UNIQUE INDEX invoice_lines_period_key ON invoice_lines (subscription_id, kind, period_start)
    WHERE kind = 'recurring' OR (kind = 'usage' AND rule ->> 'rule' = 'usage_over_cap');

CREATE TABLE credit_notes (
    id          BIGSERIAL PRIMARY KEY,
    number      TEXT NOT NULL UNIQUE,
    customer_id BIGINT NOT NULL REFERENCES customers (id),
    invoice_id  BIGINT NOT NULL REFERENCES invoices (id),
    reason      TEXT NOT NULL CHECK (reason <> ''),
    currency    CHAR(3) NOT NULL,
    subtotal    NUMERIC(14, 4) NOT NULL,
    tax_total   NUMERIC(14, 4) NOT NULL,
    total       NUMERIC(14, 4) NOT NULL CHECK (total > 0),
    issue_date  DATE NOT NULL,
    created_by  TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX credit_notes_invoice_idx ON credit_notes (invoice_id);
CREATE INDEX credit_notes_customer_idx ON credit_notes (customer_id, id);

CREATE TABLE credit_note_lines (
    id              BIGSERIAL PRIMARY KEY,
    credit_note_id  BIGINT NOT NULL REFERENCES credit_notes (id),
    invoice_line_id BIGINT,
    position        INTEGER NOT NULL,
    description     TEXT NOT NULL,
    amount          NUMERIC(14, 4) NOT NULL CHECK (amount > 0),
    tax_rate        NUMERIC(7, 4) NOT NULL,
    tax_name        TEXT NOT NULL,
    tax_amount      NUMERIC(14, 4) NOT NULL
);
CREATE INDEX credit_note_lines_note_idx ON credit_note_lines (credit_note_id);
CREATE INDEX credit_note_lines_invoice_line_idx ON credit_note_lines (invoice_line_id);

CREATE INDEX ledger_entries_reference_idx ON ledger_entries (reference_type, reference_id);
