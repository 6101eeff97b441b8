//! Rules about the whole schema, checked against the migrated database.

use diesel::prelude::*;
use diesel::PgConnection;
use diesel_migrations::MigrationHarness;

use crate::helpers::TestDb;

#[derive(QueryableByName, Debug)]
struct Row {
    #[diesel(sql_type = diesel::sql_types::Text)]
    name: String,
}

#[test]
fn every_migration_reverts_and_reapplies_cleanly() {
    let db = TestDb::new();
    let mut conn = PgConnection::establish(&db.url).unwrap();
    let reverted = conn.revert_all_migrations(api::db::MIGRATIONS).unwrap();
    assert!(!reverted.is_empty());
    let left: Vec<Row> = diesel::sql_query(
        "SELECT table_name::text AS name FROM information_schema.tables \
         WHERE table_schema = 'public' AND table_name <> '__diesel_schema_migrations'",
    )
    .load(&mut conn)
    .unwrap();
    assert!(left.is_empty(), "down.sql left tables behind: {left:?}");
    api::db::run_migrations(&mut conn).unwrap();
    let applied: Vec<Row> = diesel::sql_query(
        "SELECT table_name::text AS name FROM information_schema.tables WHERE table_schema = 'public'",
    )
    .load(&mut conn)
    .unwrap();
    assert!(applied.iter().any(|r| r.name == "audit_log"));
}

#[test]
fn every_foreign_key_is_indexed() {
    let db = TestDb::new();
    let mut conn = PgConnection::establish(&db.url).unwrap();
    // A foreign key without an index makes every delete of the parent scan the child.
    let unindexed: Vec<Row> = diesel::sql_query(
        "SELECT c.conrelid::regclass::text || '.' || a.attname AS name \
         FROM pg_constraint c \
         JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1] \
         WHERE c.contype = 'f' AND NOT EXISTS ( \
           SELECT 1 FROM pg_index i WHERE i.indrelid = c.conrelid AND i.indkey[0] = c.conkey[1])",
    )
    .load(&mut conn)
    .unwrap();
    let allowed = ["api_clients.created_by"];
    let missing: Vec<&str> = unindexed
        .iter()
        .map(|r| r.name.as_str())
        .filter(|n| !allowed.contains(n))
        .collect();
    assert!(
        missing.is_empty(),
        "foreign keys without an index: {missing:?}"
    );
}

#[test]
fn every_table_that_points_at_a_customer_calls_it_customer_id() {
    let db = TestDb::new();
    let mut conn = PgConnection::establish(&db.url).unwrap();
    // customer_id is the distribution key should the data outgrow one PostgreSQL.
    let wrong: Vec<Row> = diesel::sql_query(
        "SELECT c.conrelid::regclass::text || '.' || a.attname AS name \
         FROM pg_constraint c \
         JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey) \
         WHERE c.contype = 'f' AND c.confrelid = 'customers'::regclass AND a.attname <> 'customer_id'",
    )
    .load(&mut conn)
    .unwrap();
    assert!(wrong.is_empty(), "{wrong:?}");
}

#[tokio::test]
async fn a_product_version_cannot_be_changed_once_written() {
    let app = crate::helpers::spawn_app().await;
    let product = crate::builders::ProductBuilder::plan("IMMUTABLE-1", "29.00").create(&app);
    let changed = diesel::sql_query(format!(
        "UPDATE product_versions SET monthly_price = 19 WHERE id = {}",
        product.version_id
    ))
    .execute(&mut app.conn());
    let err = changed.expect_err("the database refuses to re-price a version");
    assert!(err.to_string().contains("immutable"), "{err}");
}

#[tokio::test]
async fn account_numbers_come_from_a_sequence_and_carry_a_check_digit() {
    let app = crate::helpers::spawn_app().await;
    let first = crate::builders::CustomerBuilder::new("Ada").create(&app);
    let second = crate::builders::CustomerBuilder::new("Bo")
        .business("Bo Ltd")
        .create(&app);
    for n in [&first.account_number, &second.account_number] {
        assert!(api::domain::account_number::is_valid(n), "{n}");
    }
    assert_ne!(first.account_number, second.account_number);
    assert!(first.id < second.id);
}

#[tokio::test]
async fn a_draft_order_is_numbered_in_the_customers_currency_and_on_their_timeline() {
    let app = crate::helpers::spawn_app().await;
    let customer = crate::builders::CustomerBuilder::new("Cy").create(&app);
    let ctx = app.system_context();
    let mut conn = app.conn();
    let first = api::services::orders::create_draft(
        &mut conn,
        &ctx,
        customer.id,
        None,
        api::services::orders::Channel::CallCenter,
        None,
    )
    .unwrap();
    let second = api::services::orders::create_draft(
        &mut conn,
        &ctx,
        customer.id,
        None,
        api::services::orders::Channel::Api,
        Some("by the CRM"),
    )
    .unwrap();
    assert_ne!(first, second);
    assert_eq!(
        app.count(
            "orders",
            &format!("customer_id = {} AND status = 'draft' AND currency = 'USD' AND number LIKE 'ORD-%'", customer.id)
        ),
        2
    );
    assert_eq!(
        app.count(
            "events",
            &format!(
                "customer_id = {} AND event_type = 'order.created'",
                customer.id
            )
        ),
        2
    );
    let closed = crate::builders::CustomerBuilder::new("Gone")
        .status("closed")
        .create(&app);
    let refused = api::services::orders::create_draft(
        &mut conn,
        &ctx,
        closed.id,
        None,
        api::services::orders::Channel::Api,
        None,
    );
    assert_eq!(refused.unwrap_err().code(), "customer_closed");
}
