//! Seeds a database with a large ISP for `make bench`: customers with contacts, addresses,
//! orders, leads, interactions, ledger entries and timeline events, written set-based in
//! PostgreSQL (one statement per table). Usage: `bench_seed <DATABASE_URL> <customers>`.
//! Names and numbers are deterministic, so every run measures the same data.

use anyhow::Context;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::{Array, Text};

const FIRST: &str = "'Ana','Ben','Chiara','Dmitri','Emma','Farid','Grace','Hugo','Ines','Jonas',\
'Kira','Luca','Maya','Noah','Olga','Pedro','Qi','Rosa','Sven','Tara','Umar','Vera','Wim','Xena',\
'Yusuf','Zoe','Aiden','Bianca','Carlos','Dana','Elif','Femi','Greta','Hana','Ivan','Jia',\
'Karim','Lena','Mateo','Nina','Oscar','Priya','Rafael','Sofia','Tomas','Uma','Viktor','Wen',\
'Yara','Zane'";
const LAST: &str = "'Lima','Okafor','Rossi','Ivanov','Schulz','Haddad','Kim','Martin','Silva',\
'Berg','Novak','Costa','Tanaka','Smith','Jones','Garcia','Muller','Dubois','Kowalski','Nguyen',\
'Chen','Patel','Singh','Ahmed','Khan','Lopez','Brown','Wilson','Taylor','Moreau','Fischer',\
'Weber','Rahman','Ali','Sato','Park','Lee','Wang','Zhang','Ortiz','Ramos','Cruz','Reyes',\
'Santos','Pereira','Almeida','Jensen','Hansen','Larsen','Nielsen','Olsen','Lund','Holm',\
'Moller','Eriksson','Johansson','Virtanen','Korhonen','Nieminen','Makela'";
const STREETS: &str = "'Harbour Road','Station Street','Mill Lane','Church Street','High Street',\
'Park Avenue','Oak Drive','River Walk','Market Square','Victoria Road','Kings Way','Elm Close'";
const CITIES: &str = "'Portsmouth','Bristol','Leeds','York','Bath','Derby','Exeter','Hull'";

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let url = args
        .next()
        .context("usage: bench_seed <DATABASE_URL> <customers>")?;
    let count: u64 = args
        .next()
        .context("usage: bench_seed <DATABASE_URL> <customers>")?
        .parse()
        .context("customers must be a number")?;
    let mut conn = PgConnection::establish(&url)?;
    let started = std::time::Instant::now();
    let serial_start: i64 = diesel::select(diesel::dsl::sql::<diesel::sql_types::BigInt>(
        "nextval('customer_account_serial')",
    ))
    .get_result(&mut conn)?;
    let numbers: Vec<String> = (0..count)
        .map(|i| api::domain::account_number::for_serial(serial_start as u64 + i))
        .collect();
    conn.batch_execute(&format!(
        "SELECT setval('customer_account_serial', {})",
        serial_start as u64 + count
    ))?;
    // The search index is rebuilt once at the end: per-row triggers on 300k inserts cost
    // ten times more than one pass.
    conn.batch_execute(
        "ALTER TABLE customers DISABLE TRIGGER customer_search_customers; \
         ALTER TABLE customer_contacts DISABLE TRIGGER customer_search_contacts; \
         ALTER TABLE customer_addresses DISABLE TRIGGER customer_search_addresses;",
    )?;
    diesel::sql_query(format!(
        "INSERT INTO customers (account_number, kind, name, company_name, email, phone, status, \
           class_id, currency, billing_cycle, billing_day, created_at, updated_at) \
         SELECT acct, CASE WHEN i % 10 = 0 THEN 'business' ELSE 'residential' END, \
           f.v || ' ' || l.v, CASE WHEN i % 10 = 0 THEN l.v || ' Holdings ' || i END, \
           lower(f.v || '.' || l.v || i || '@example.net'), \
           '+1555' || lpad(i::text, 7, '0'), \
           CASE WHEN i % 50 = 0 THEN 'suspended' ELSE 'active' END, \
           (SELECT id FROM customer_classes WHERE code = CASE WHEN i % 10 = 0 THEN 'business' ELSE 'residential' END), \
           'USD', 'calendar', 1 + i % 28, now() - i * interval '1 minute', now() \
         FROM unnest($1::text[]) WITH ORDINALITY AS t(acct, i) \
         CROSS JOIN LATERAL (SELECT (ARRAY[{FIRST}])[1 + (i * 7) % 50] AS v) f \
         CROSS JOIN LATERAL (SELECT (ARRAY[{LAST}])[1 + (i * 13) % 60] AS v) l"
    ))
    .bind::<Array<Text>, _>(&numbers)
    .execute(&mut conn)?;
    conn.batch_execute(&format!(
        "CREATE TEMP TABLE seeded AS SELECT id FROM customers ORDER BY id DESC LIMIT {count}; \
         INSERT INTO customer_addresses (customer_id, kind, line1, city, postal_code, country, created_at, updated_at) \
           SELECT id, 'service', (1 + id % 200) || ' ' || (ARRAY[{STREETS}])[1 + id % 12], \
                  (ARRAY[{CITIES}])[1 + id % 8], 'PO' || (id % 90 + 10) || ' ' || (id % 9) || 'AB', 'GB', now(), now() \
           FROM seeded; \
         INSERT INTO customer_contacts (customer_id, name, role, email, phone, created_at, updated_at) \
           SELECT id, 'Billing contact ' || id, 'billing', 'billing' || id || '@example.org', \
                  '+1666' || lpad(id::text, 7, '0'), now(), now() \
           FROM seeded WHERE id % 3 = 0; \
         INSERT INTO leads (status, name, email, source, customer_id, converted_at, created_at, updated_at) \
           SELECT 'won', c.name, c.email, 'web', c.id, now(), now(), now() \
           FROM customers c JOIN seeded USING (id) WHERE c.id % 2 = 0; \
         INSERT INTO interactions (customer_id, channel, direction, summary, outcome, occurred_at, created_at) \
           SELECT id, (ARRAY['call','email','visit','note'])[1 + (id + n) % 4], 'inbound', \
                  'Contact ' || n || ' about the service', 'resolved', now() - n * interval '1 day', now() \
           FROM seeded CROSS JOIN generate_series(1, 3) n; \
         INSERT INTO orders (number, customer_id, status, channel, currency, monthly_subtotal, monthly_tax, \
                             one_time_subtotal, one_time_tax, created_by, created_at, updated_at) \
           SELECT 'ORD-B' || id, id, (ARRAY['approved','completed','draft'])[1 + id % 3], 'call_center', 'USD', \
                  39, 3.22, 49, 2.94, 'system', now(), now() \
           FROM seeded; \
         INSERT INTO ledger_entries (customer_id, kind, amount, currency, due_on, occurred_at, created_at) \
           SELECT id, 'invoice', 42.22, 'USD', current_date - 20, now(), now() FROM seeded \
           UNION ALL \
           SELECT id, 'payment', -42.22, 'USD', NULL, now(), now() FROM seeded WHERE id % 7 <> 0; \
         INSERT INTO events (event_type, customer_id, entity_type, entity_id, payload, occurred_at, actor) \
           SELECT e.t, id, e.k, id::text, '{{}}', now(), 'system' \
           FROM seeded CROSS JOIN (VALUES ('customer.created', 'customer'), ('order.created', 'order'), \
                ('order.submitted', 'order'), ('interaction.created', 'interaction')) e(t, k); \
         SELECT count(customer_search_refresh(id)) FROM seeded; \
         ALTER TABLE customers ENABLE TRIGGER customer_search_customers; \
         ALTER TABLE customer_contacts ENABLE TRIGGER customer_search_contacts; \
         ALTER TABLE customer_addresses ENABLE TRIGGER customer_search_addresses; \
         ANALYZE;"
    ))?;
    // Flush the GIN indexes' pending lists and refresh statistics, as autovacuum would.
    conn.batch_execute("VACUUM ANALYZE customer_search")?;
    println!(
        "seeded {count} customers in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
