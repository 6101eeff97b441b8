DROP TABLE pending_charges;
DROP TRIGGER customer_search_subscriptions ON subscriptions;
CREATE OR REPLACE FUNCTION customer_overview(cid BIGINT, today DATE) RETURNS TEXT
LANGUAGE plpgsql STABLE AS $fn$
DECLARE
    open_statuses CONSTANT TEXT[] := ARRAY['draft', 'submitted', 'pending_approval', 'approved', 'provisioning'];
BEGIN
    RETURN (
SELECT json_build_object(
  'customer', json_build_object(
     'id', c.id, 'account_number', c.account_number, 'kind', c.kind, 'name', c.name,
     'company_name', c.company_name, 'tax_id', c.tax_id, 'email', c.email, 'phone', c.phone,
     'status', c.status, 'version', c.version, 'created_at', c.created_at,
     'billing', json_build_object(
        'cycle', c.billing_cycle, 'day', c.billing_day, 'invoice_delivery', c.invoice_delivery,
        'autopay', c.autopay, 'currency', c.currency, 'tax_zone', c.tax_zone,
        'tax_exempt', c.tax_exempt)),
  'class', json_build_object('id', k.id, 'code', k.code, 'name', k.name,
     'currency', k.currency, 'credit_limit', k.credit_limit::text, 'payment_terms_days', k.payment_terms_days),
  'balance', (SELECT json_build_object('amount', s.balance::text, 'overdue', s.overdue::text, 'currency', c.currency)
              FROM ledger_standing(c.id, today) s),
  'active_services', '[]'::json,
  'contacts', coalesce((SELECT json_agg(json_build_object(
        'id', x.id, 'name', x.name, 'role', x.role, 'email', x.email, 'phone', x.phone) ORDER BY x.id)
     FROM customer_contacts x WHERE x.customer_id = c.id), '[]'),
  'addresses', coalesce((SELECT json_agg(json_build_object(
        'id', a.id, 'kind', a.kind, 'line1', a.line1, 'line2', a.line2, 'city', a.city,
        'region', a.region, 'postal_code', a.postal_code, 'country', a.country) ORDER BY a.id)
     FROM customer_addresses a WHERE a.customer_id = c.id), '[]'),
  'open_orders', coalesce((SELECT json_agg(o ORDER BY o.id DESC) FROM (
        SELECT id, number, status, channel, currency,
               (monthly_subtotal + monthly_tax)::text AS monthly_total,
               (one_time_subtotal + one_time_tax)::text AS one_time_total, created_at
        FROM orders WHERE customer_id = c.id AND status = ANY (open_statuses)
        ORDER BY id DESC LIMIT 10) o), '[]'),
  'source_leads', coalesce((SELECT json_agg(l ORDER BY l.id DESC) FROM (
        SELECT id, name, source, status, created_at, converted_at
        FROM leads WHERE customer_id = c.id ORDER BY id DESC LIMIT 10) l), '[]'),
  'last_interactions', coalesce((SELECT json_agg(i ORDER BY i.occurred_at DESC, i.id DESC) FROM (
        SELECT x.id, x.channel, x.direction, x.summary, x.outcome, x.follow_up_on,
               x.occurred_at, u.name AS agent
        FROM interactions x LEFT JOIN users u ON u.id = x.agent_id
        WHERE x.customer_id = c.id ORDER BY x.occurred_at DESC, x.id DESC LIMIT 5) i), '[]'),
  'counts', json_build_object(
     'orders', (SELECT count(*) FROM orders WHERE customer_id = c.id),
     'open_orders', (SELECT count(*) FROM orders WHERE customer_id = c.id AND status = ANY (open_statuses)),
     'interactions', (SELECT count(*) FROM interactions WHERE customer_id = c.id),
     'leads', (SELECT count(*) FROM leads WHERE customer_id = c.id),
     'timeline', (SELECT count(*) FROM events WHERE customer_id = c.id))
)::text
FROM customers c JOIN customer_classes k ON k.id = c.class_id
WHERE c.id = cid
    );
END $fn$;

CREATE OR REPLACE FUNCTION customer_search_refresh(cid BIGINT) RETURNS void LANGUAGE sql AS $$
    INSERT INTO customer_search (customer_id, keys, phones, document, names)
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
                      FROM customer_addresses a WHERE a.customer_id = c.id))),
           lower(concat_ws(' ', c.name, c.company_name,
                     (SELECT string_agg(cc.name, ' ') FROM customer_contacts cc WHERE cc.customer_id = c.id)))
    FROM customers c WHERE c.id = cid
    ON CONFLICT (customer_id) DO UPDATE
        SET keys = EXCLUDED.keys, phones = EXCLUDED.phones, document = EXCLUDED.document,
            names = EXCLUDED.names;
$$;
