DROP INDEX ledger_entries_reference_idx;
DROP TABLE credit_note_lines;
DROP TABLE credit_notes;
DROP TABLE invoice_lines;
DROP TABLE invoices;
DROP TABLE bill_run_errors;
DROP TABLE bill_runs;
DROP TABLE number_series;
DROP TABLE subscription_billing;
ALTER TABLE pending_charges DROP CONSTRAINT pending_charges_kind_check;
ALTER TABLE pending_charges DROP CONSTRAINT pending_charges_amount_check;
DELETE FROM pending_charges WHERE kind IN ('proration', 'discount', 'deposit', 'installation', 'one_time') OR amount <= 0;
ALTER TABLE pending_charges
    DROP COLUMN period_start, DROP COLUMN period_end, DROP COLUMN tax_category,
    DROP COLUMN rule, DROP COLUMN invoice_id, DROP COLUMN tax_on,
    ADD CONSTRAINT pending_charges_kind_check CHECK (kind IN ('early_termination_fee', 'reconnection_fee', 'late_fee', 'other')),
    ADD CONSTRAINT pending_charges_amount_check CHECK (amount > 0);
ALTER TABLE customer_classes DROP COLUMN bill_customer_request_suspensions;
