ALTER TABLE order_lines
    DROP CONSTRAINT order_lines_promotion_terms_check,
    DROP COLUMN promotion_cycles,
    DROP COLUMN promotion_value,
    DROP COLUMN promotion_kind;
