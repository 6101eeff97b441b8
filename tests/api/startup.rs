//! What the server does when it starts: migrations, the bootstrap admin, the demo ISP.

use std::sync::Arc;

use api::clock::FixedClock;

use crate::helpers::{t0, test_config, TestDb};

#[tokio::test]
async fn a_fresh_database_gets_an_admin_with_a_generated_password_once() {
    let db = TestDb::new();
    let mut config = test_config(&db);
    config.admin_password = None;
    config.admin_email = "Boss@ISP.test".into();
    let (app, report) = api::Application::build(config.clone(), Arc::new(FixedClock::at(t0())))
        .await
        .unwrap();
    let admin = report.admin.expect("an admin was created");
    assert_eq!(admin.email, "boss@isp.test");
    let password = admin.generated_password.expect("a generated password");
    assert!(password.len() >= 20);
    let handle = app.handle();
    let port = app.port();
    tokio::spawn(app.run_until_stopped());
    let reply = reqwest::Client::new()
        .post(format!("http://127.0.0.1:{port}/api/v1/auth/login"))
        .json(&serde_json::json!({"email": "boss@isp.test", "password": password}))
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), 200);
    handle.stop(true).await;

    // A second start finds the admin and creates nothing.
    let (_app, report) = api::Application::build(config, Arc::new(FixedClock::at(t0())))
        .await
        .unwrap();
    assert!(report.admin.is_none());
}

#[tokio::test]
async fn demo_data_seeds_plans_and_customers_with_their_events_once() {
    let db = TestDb::new();
    let mut config = test_config(&db);
    config.demo_data = true;
    let (app, report) = api::Application::build(config.clone(), Arc::new(FixedClock::at(t0())))
        .await
        .unwrap();
    let seeded = report.demo.expect("demo data seeded");
    assert!(seeded.plans >= 3);
    assert!(seeded.customers >= 5);
    let pool = app.pool().clone();
    drop(app);
    let count = |sql: &str| -> i64 {
        use diesel::prelude::*;
        #[derive(QueryableByName)]
        struct N {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        diesel::sql_query(sql)
            .get_result::<N>(&mut pool.get().unwrap())
            .unwrap()
            .n
    };
    assert_eq!(
        count("SELECT count(*) AS n FROM products WHERE kind = 'plan'"),
        seeded.plans as i64
    );
    assert_eq!(
        count("SELECT count(*) AS n FROM events WHERE event_type = 'customer.created'"),
        seeded.customers as i64
    );
    assert_eq!(
        count("SELECT count(*) AS n FROM customers c WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.customer_id = c.id)"),
        0
    );
    // Opening balances: one customer owes money not yet due, another is past due.
    assert_eq!(
        count("SELECT count(*) AS n FROM ledger_entries e JOIN customers c ON c.id = e.customer_id WHERE e.due_on < c.created_at::date"),
        1
    );
    assert_eq!(
        count("SELECT count(*) AS n FROM ledger_entries e JOIN customers c ON c.id = e.customer_id WHERE e.due_on > c.created_at::date"),
        1
    );
    {
        use api::db::schema::customers;
        use diesel::prelude::*;
        let numbers: Vec<String> = customers::table
            .select(customers::account_number)
            .load(&mut pool.get().unwrap())
            .unwrap();
        assert!(
            numbers
                .iter()
                .all(|n| api::domain::account_number::is_valid(n)),
            "{numbers:?}"
        );
    }
    let (_app, report) = api::Application::build(config, Arc::new(FixedClock::at(t0())))
        .await
        .unwrap();
    assert!(report.demo.is_none(), "seeding twice");
}

#[tokio::test]
async fn without_demo_data_the_catalog_is_empty() {
    let db = TestDb::new();
    let config = test_config(&db);
    let (_app, report) = api::Application::build(config, Arc::new(FixedClock::at(t0())))
        .await
        .unwrap();
    assert!(report.demo.is_none());
    assert!(report.admin.is_some());
}
