-- The promotion's terms as they were when the line was priced, so a later edit of the
-- promotion in the catalog changes neither a draft's quantity re-pricing nor what billing
-- will apply for how many cycles.
ALTER TABLE order_lines
    ADD COLUMN promotion_kind   TEXT CHECK (promotion_kind IN ('percent', 'amount')),
    ADD COLUMN promotion_value  NUMERIC(14, 4) CHECK (promotion_value > 0),
    -- Billing cycles the discount lasts; NULL: forever (or no promotion).
    ADD COLUMN promotion_cycles INTEGER CHECK (promotion_cycles > 0);

UPDATE order_lines l
SET promotion_kind = p.kind, promotion_value = p.value, promotion_cycles = p.cycles
FROM promotions p
WHERE p.id = l.promotion_id;

ALTER TABLE order_lines
    ADD CONSTRAINT order_lines_promotion_terms_check CHECK (
        (promotion_id IS NULL) = (promotion_kind IS NULL)
        AND (promotion_kind IS NULL) = (promotion_value IS NULL)
        AND (promotion_id IS NOT NULL OR promotion_cycles IS NULL)
    );
