-- The timeline says who did what: events carry the actor, as the audit log does.
ALTER TABLE events ADD COLUMN actor TEXT;
CREATE INDEX events_customer_entity_idx ON events (customer_id, entity_type, id);

-- A customer's standing on a day: the balance is the sum of the ledger; the overdue part is
-- what remains of it after the debits not yet due, so payments and credits settle the
-- oldest debts first. Orders (credit check) and the 360° view both read it from here.
CREATE FUNCTION ledger_standing(cid BIGINT, today DATE, OUT balance NUMERIC, OUT overdue NUMERIC)
LANGUAGE sql STABLE AS $$
    SELECT coalesce(sum(amount), 0),
           greatest(0, coalesce(sum(amount), 0)
                       - coalesce(sum(amount) FILTER (WHERE amount > 0 AND due_on >= today), 0))
    FROM ledger_entries WHERE customer_id = cid;
$$;

-- One row per customer with everything the agent's search box matches on, kept current
-- by triggers on the tables it is built from. Later stages (invoices, PPPoE usernames)
-- add their keys to `customer_search_refresh`.
CREATE TABLE customer_search (
    customer_id     BIGINT PRIMARY KEY REFERENCES customers (id) ON DELETE CASCADE,
    -- Exact identifiers, lower-case: account number, e-mail addresses, invoice numbers,
    -- network usernames.
    keys            TEXT[] NOT NULL,
    -- Phone numbers as digits only, space-separated, for suffix/infix matches.
    phones          TEXT NOT NULL,
    -- Names, company, e-mails and addresses, lower-case, for words and typos.
    document        TEXT NOT NULL,
    tsv             TSVECTOR GENERATED ALWAYS AS (to_tsvector('simple', document)) STORED
);
CREATE INDEX customer_search_keys_idx ON customer_search USING gin (keys);
CREATE INDEX customer_search_tsv_idx ON customer_search USING gin (tsv);
CREATE INDEX customer_search_document_trgm_idx ON customer_search USING gin (document gin_trgm_ops);
CREATE INDEX customer_search_phones_trgm_idx ON customer_search USING gin (phones gin_trgm_ops);

CREATE FUNCTION customer_search_refresh(cid BIGINT) RETURNS void LANGUAGE sql AS $$
    INSERT INTO customer_search (customer_id, keys, phones, document)
    SELECT c.id,
           array_remove(ARRAY[lower(c.account_number), lower(c.email)]
               || coalesce((SELECT array_agg(lower(cc.email)) FROM customer_contacts cc
                            WHERE cc.customer_id = c.id AND cc.email IS NOT NULL), '{}'), NULL),
           concat_ws(' ', regexp_replace(coalesce(c.phone, ''), '[^0-9]', '', 'g'),
                     (SELECT string_agg(regexp_replace(cc.phone, '[^0-9]', '', 'g'), ' ')
                      FROM customer_contacts cc WHERE cc.customer_id = c.id AND cc.phone IS NOT NULL)),
           lower(concat_ws(' ', c.name, c.company_name, c.email, c.account_number,
                     (SELECT string_agg(concat_ws(' ', cc.name, cc.email), ' ')
                      FROM customer_contacts cc WHERE cc.customer_id = c.id),
                     (SELECT string_agg(concat_ws(' ', a.line1, a.line2, a.city, a.postal_code), ' ')
                      FROM customer_addresses a WHERE a.customer_id = c.id)))
    FROM customers c WHERE c.id = cid
    ON CONFLICT (customer_id) DO UPDATE
        SET keys = EXCLUDED.keys, phones = EXCLUDED.phones, document = EXCLUDED.document;
$$;

CREATE FUNCTION customer_search_on_customer() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM customer_search_refresh(NEW.id);
    RETURN NULL;
END $$;
CREATE TRIGGER customer_search_customers AFTER INSERT OR UPDATE OF account_number, name, company_name, email, phone
    ON customers FOR EACH ROW EXECUTE FUNCTION customer_search_on_customer();

CREATE FUNCTION customer_search_on_child() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM customer_search_refresh(OLD.customer_id);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND (TG_OP = 'INSERT' OR NEW.customer_id <> OLD.customer_id) THEN
        PERFORM customer_search_refresh(NEW.customer_id);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER customer_search_contacts AFTER INSERT OR UPDATE OR DELETE
    ON customer_contacts FOR EACH ROW EXECUTE FUNCTION customer_search_on_child();
CREATE TRIGGER customer_search_addresses AFTER INSERT OR UPDATE OR DELETE
    ON customer_addresses FOR EACH ROW EXECUTE FUNCTION customer_search_on_child();

SELECT customer_search_refresh(id) FROM customers;
