//! The 360° view, the timeline and the search box, as an agent on the phone uses them.

use api::auth::Role;
use chrono::Duration;
use serde_json::Value;

use crate::builders::CustomerBuilder;
use crate::helpers::{spawn_app, TestApp};

/// Runs setup statements (several, separated by `;`).
fn exec(app: &TestApp, sql: &str) {
    use diesel::connection::SimpleConnection;
    app.conn()
        .batch_execute(sql)
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

fn draft_order(app: &TestApp, customer_id: i64) -> i64 {
    api::services::orders::create_draft(
        &mut app.conn(),
        &app.system_context(),
        customer_id,
        None,
        api::services::orders::Channel::CallCenter,
        None,
    )
    .unwrap()
}

#[tokio::test]
async fn the_overview_has_everything_about_the_customer_in_one_call() {
    let app = spawn_app().await;
    let token = app.token_as(Role::Agent);
    let customer = CustomerBuilder::new("Ana Lima")
        .email("ana@example.net")
        .create(&app);
    let other = CustomerBuilder::new("Someone Else").create(&app);
    let id = customer.id;
    let today = app.clock_now().date_naive();
    let yesterday = today - Duration::days(1);
    let later = today + Duration::days(10);
    // 50 overdue, 20 paid, 30 not yet due: owes 60, of which 30 is overdue.
    exec(
        &app,
        &format!(
            "INSERT INTO ledger_entries (customer_id, kind, amount, currency, due_on, occurred_at, created_at) VALUES \
             ({id}, 'invoice', 50, 'USD', '{yesterday}', now(), now()), \
             ({id}, 'payment', -20, 'USD', NULL, now(), now()), \
             ({id}, 'invoice', 30.005, 'USD', '{later}', now(), now()), \
             ({}, 'invoice', 999, 'USD', '{yesterday}', now(), now())",
            other.id
        ),
    );
    exec(
        &app,
        &format!(
            "INSERT INTO customer_contacts (customer_id, name, role, email, phone, created_at, updated_at) \
             VALUES ({id}, 'Rui Lima', 'billing', 'rui@example.net', '+15550100999', now(), now()); \
             INSERT INTO customer_addresses (customer_id, kind, line1, city, postal_code, country, created_at, updated_at) \
             VALUES ({id}, 'service', '12 Harbour Road', 'Portsmouth', 'PO1 2AB', 'GB', now(), now())"
        ),
    );
    for n in 1..=6 {
        exec(
            &app,
            &format!(
                "INSERT INTO interactions (customer_id, channel, direction, summary, occurred_at, created_at) \
                 VALUES ({id}, 'call', 'inbound', 'call {n}', now() + interval '{n} minutes', now())"
            ),
        );
    }
    exec(
        &app,
        &format!(
            "INSERT INTO leads (status, name, email, source, customer_id, converted_at, created_at, updated_at) \
             VALUES ('won', 'Ana Lima', 'ana@example.net', 'web', {id}, now(), now(), now())"
        ),
    );
    let open = draft_order(&app, id);
    let cancelled = draft_order(&app, id);
    exec(
        &app,
        &format!("UPDATE orders SET status = 'cancelled' WHERE id = {cancelled}"),
    );

    let reply = app
        .get(&format!("/api/v1/customers/{id}/overview"), Some(&token))
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let o = &reply.body;
    assert_eq!(o["customer"]["name"], "Ana Lima");
    assert_eq!(
        o["customer"]["account_number"],
        customer.account_number.as_str()
    );
    assert_eq!(o["customer"]["billing"]["currency"], "USD");
    assert_eq!(o["class"]["code"], "residential");
    assert_eq!(o["class"]["credit_limit"], "150.00");
    assert_eq!(
        o["balance"]["amount"], "60.01",
        "the ledger sum, shown to the cent"
    );
    assert_eq!(o["balance"]["overdue"], "30.00");
    assert_eq!(o["balance"]["currency"], "USD");
    assert_eq!(o["active_services"], Value::Array(vec![]));
    assert_eq!(o["contacts"][0]["email"], "rui@example.net");
    assert_eq!(o["addresses"][0]["city"], "Portsmouth");
    let orders = o["open_orders"].as_array().unwrap();
    assert_eq!(orders.len(), 1, "the cancelled order is not open");
    assert_eq!(orders[0]["id"], open);
    assert_eq!(orders[0]["monthly_total"], "0.00");
    assert_eq!(o["source_leads"][0]["source"], "web");
    let last: Vec<&str> = o["last_interactions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["summary"].as_str().unwrap())
        .collect();
    assert_eq!(last, ["call 6", "call 5", "call 4", "call 3", "call 2"]);
    assert_eq!(o["counts"]["orders"], 2);
    assert_eq!(o["counts"]["open_orders"], 1);
    assert_eq!(o["counts"]["interactions"], 6);
    assert_eq!(o["counts"]["leads"], 1);
    assert_eq!(o["counts"]["timeline"], 2, "the two order.created events");
}

#[tokio::test]
async fn an_unknown_customer_has_no_overview_nor_timeline() {
    let app = spawn_app().await;
    let token = app.token_as(Role::Viewer);
    for path in [
        "/api/v1/customers/987654/overview",
        "/api/v1/customers/987654/timeline",
    ] {
        let reply = app.get(path, Some(&token)).await;
        assert_eq!(reply.status, 404, "{path}");
        assert_eq!(reply.problem_code(), "not_found");
    }
}

#[tokio::test]
async fn integrations_need_the_customers_read_scope() {
    let app = spawn_app().await;
    let customer = CustomerBuilder::new("Scoped").create(&app);
    let path = format!("/api/v1/customers/{}/overview", customer.id);
    let without = app.integration_token(&["leads:write"]);
    let reply = app.get(&path, Some(&without)).await;
    assert_eq!(reply.status, 403);
    assert_eq!(reply.problem_code(), "insufficient_scope");
    let with = app.integration_token(&["customers:read"]);
    assert_eq!(app.get(&path, Some(&with)).await.status, 200);
    let customer_token = app.token_as(Role::Customer);
    assert_eq!(app.get(&path, Some(&customer_token)).await.status, 403);
}

#[tokio::test]
async fn the_timeline_is_newest_first_filterable_and_paged() {
    let app = spawn_app().await;
    let token = app.token_as(Role::Agent);
    let customer = CustomerBuilder::new("Timeline Tess").create(&app);
    let id = customer.id;
    let ctx = app.system_context();
    let mut conn = app.conn();
    for n in 0..3 {
        api::services::audit::record(
            &mut conn,
            &ctx,
            api::services::audit::Change {
                action: "interaction.created",
                entity_type: "interaction",
                entity_id: n.to_string(),
                before: None,
                after: Some(serde_json::json!({ "summary": format!("note {n}") })),
                customer_id: Some(id),
            },
        )
        .unwrap();
    }
    let order = draft_order(&app, id);

    let all = app
        .get(&format!("/api/v1/customers/{id}/timeline"), Some(&token))
        .await;
    assert_eq!(all.status, 200, "{}", all.text);
    let types: Vec<&str> = all
        .items()
        .iter()
        .map(|e| e["event_type"].as_str().unwrap())
        .collect();
    assert_eq!(
        types,
        [
            "order.created",
            "interaction.created",
            "interaction.created",
            "interaction.created"
        ]
    );
    assert_eq!(all.items()[0]["entity_id"], order.to_string());
    assert_eq!(all.items()[0]["actor"], "system");
    assert!(all.items()[0]["actor_name"].is_null());

    let only = app
        .get(
            &format!("/api/v1/customers/{id}/timeline?kind=interaction&limit=2"),
            Some(&token),
        )
        .await;
    assert_eq!(only.items().len(), 2);
    assert_eq!(only.items()[0]["payload"]["summary"], "note 2");
    let cursor = only.body["next_cursor"].as_str().expect("a next page");
    let rest = app
        .get(
            &format!("/api/v1/customers/{id}/timeline?kind=interaction&limit=2&cursor={cursor}"),
            Some(&token),
        )
        .await;
    assert_eq!(rest.items().len(), 1);
    assert_eq!(rest.items()[0]["payload"]["summary"], "note 0");
    assert!(rest.body["next_cursor"].is_null());

    let both = app
        .get(
            &format!("/api/v1/customers/{id}/timeline?kind=order,lead"),
            Some(&token),
        )
        .await;
    assert_eq!(both.items().len(), 1);

    let bad = app
        .get(
            &format!("/api/v1/customers/{id}/timeline?kind=order;drop"),
            Some(&token),
        )
        .await;
    assert_eq!(bad.status, 400);
    assert_eq!(bad.problem_code(), "invalid_query");
}

async fn search(app: &TestApp, token: &str, q: &str) -> Vec<Value> {
    let reply = app
        .request(
            reqwest::Method::GET,
            &format!("/api/v1/search?q={}", url_escape(q)),
            Some(token),
            None,
        )
        .await;
    assert_eq!(reply.status, 200, "{q}: {}", reply.text);
    reply.items().clone()
}

fn url_escape(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn ids(hits: &[Value]) -> Vec<i64> {
    hits.iter().map(|h| h["id"].as_i64().unwrap()).collect()
}

#[tokio::test]
async fn one_box_finds_a_customer_by_anything_the_caller_says() {
    let app = spawn_app().await;
    let token = app.token_as(Role::Agent);
    let ana = CustomerBuilder::new("Ana Lima")
        .email("ana.lima@example.net")
        .create(&app);
    let anabel = CustomerBuilder::new("Anabel Costa").create(&app);
    let firm = CustomerBuilder::new("Farid Haddad")
        .business("Haddad Logistics LLC")
        .create(&app);
    exec(
        &app,
        &format!(
            "UPDATE customers SET phone = '+15550100101' WHERE id = {}; \
             INSERT INTO customer_contacts (customer_id, name, role, email, phone, created_at, updated_at) \
             VALUES ({}, 'Mira Haddad', 'billing', 'billing@haddad.example', '+15550100777', now(), now()); \
             INSERT INTO customer_addresses (customer_id, kind, line1, city, postal_code, country, created_at, updated_at) \
             VALUES ({}, 'service', '12 Harbour Road', 'Portsmouth', 'PO1 2AB', 'GB', now(), now())",
            ana.id, firm.id, firm.id
        ),
    );

    // Name, as words and as prefixes.
    let hits = search(&app, &token, "ana lima").await;
    assert_eq!(ids(&hits), [ana.id]);
    assert_eq!(hits[0]["matched"], "words");
    let hits = search(&app, &token, "Ana").await;
    assert_eq!(ids(&hits).len(), 2, "Ana Lima and Anabel Costa");
    assert!(ids(&hits).contains(&anabel.id));
    // Company, contact name, address, postcode.
    assert_eq!(
        ids(&search(&app, &token, "haddad logistics").await),
        [firm.id]
    );
    assert_eq!(ids(&search(&app, &token, "Mira").await), [firm.id]);
    assert_eq!(ids(&search(&app, &token, "harbour road").await), [firm.id]);
    // Exact identifiers come first and say so.
    let hits = search(&app, &token, &ana.account_number).await;
    assert_eq!(ids(&hits)[0], ana.id);
    assert_eq!(hits[0]["matched"], "identifier");
    assert_eq!(
        ids(&search(&app, &token, "ANA.LIMA@example.net").await),
        [ana.id]
    );
    assert_eq!(
        ids(&search(&app, &token, "billing@haddad.example").await),
        [firm.id]
    );
    // Phones however they are written, also a contact's, also without the country code.
    for spelling in ["+1 555 010 0101", "(555) 010-0101", "5550100101"] {
        let hits = search(&app, &token, spelling).await;
        assert_eq!(ids(&hits), [ana.id], "{spelling}");
        assert_eq!(hits[0]["matched"], "phone");
    }
    assert_eq!(ids(&search(&app, &token, "555 010 0777").await), [firm.id]);
    // A typo still finds the customer.
    let hits = search(&app, &token, "farid hadad").await;
    assert_eq!(ids(&hits).first(), Some(&firm.id));
    // Nothing matches nonsense.
    assert!(search(&app, &token, "zzqxw").await.is_empty());
}

#[tokio::test]
async fn search_flags_a_misheard_account_number_and_refuses_a_one_letter_query() {
    let app = spawn_app().await;
    let token = app.token_as(Role::Viewer);
    let customer = CustomerBuilder::new("Check Digit").create(&app);
    let mut wrong = customer.account_number.clone();
    let last = wrong.pop().unwrap().to_digit(10).unwrap();
    wrong.push(char::from_digit((last + 1) % 10, 10).unwrap());
    let reply = app
        .get(&format!("/api/v1/search?q={wrong}"), Some(&token))
        .await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.body["hint"], "account_number_check_failed");
    assert!(reply.items().is_empty());
    let right = app
        .get(
            &format!("/api/v1/search?q={}", customer.account_number),
            Some(&token),
        )
        .await;
    assert!(right.body["hint"].is_null());
    assert_eq!(right.items()[0]["id"], customer.id);

    let short = app.get("/api/v1/search?q=a", Some(&token)).await;
    assert_eq!(short.status, 422);
    assert_eq!(short.error_fields(), ["q"]);
    let missing = app.get("/api/v1/search", Some(&token)).await;
    assert_eq!(missing.status, 400);
    let limit = app.get("/api/v1/search?q=ab&limit=51", Some(&token)).await;
    assert_eq!(limit.status, 400);
    assert_eq!(limit.problem_code(), "invalid_query");
}

#[tokio::test]
async fn the_360_balance_and_the_credit_checks_standing_follow_the_same_rule() {
    use rust_decimal::Decimal;
    let app = spawn_app().await;
    let token = app.token_as(Role::Viewer);
    let today = app.clock_now().date_naive();
    let day = |offset: i64| Some(today + Duration::days(offset));
    let d = |s: &str| s.parse::<Decimal>().unwrap();
    // (amount, due date): debits past due, not yet due, without a due date, credits,
    // overpayment, partial payments.
    let scenarios: Vec<Vec<(Decimal, Option<chrono::NaiveDate>)>> = vec![
        vec![],
        vec![(d("50"), day(-1))],
        vec![(d("50"), day(-1)), (d("-20"), None), (d("30"), day(10))],
        vec![(d("50"), day(-40)), (d("-80"), None)],
        vec![
            (d("10.005"), None),
            (d("25"), day(0)),
            (d("12.50"), day(-1)),
        ],
        vec![
            (d("99.99"), day(-3)),
            (d("-99.99"), day(-2)),
            (d("5"), day(-1)),
        ],
    ];
    for (n, entries) in scenarios.iter().enumerate() {
        let customer = CustomerBuilder::new(&format!("Standing {n}")).create(&app);
        for (amount, due) in entries {
            let due = due.map_or("NULL".to_owned(), |d| format!("'{d}'"));
            exec(
                &app,
                &format!(
                    "INSERT INTO ledger_entries (customer_id, kind, amount, currency, due_on, occurred_at, created_at) \
                     VALUES ({}, 'adjustment', {amount}, 'USD', {due}, now(), now())",
                    customer.id
                ),
            );
        }
        let (balance, overdue) = api::domain::order::standing(entries, today);
        let usd = |x: Decimal| api::domain::money::for_display(x, "USD").to_string();
        let reply = app
            .get(
                &format!("/api/v1/customers/{}/overview", customer.id),
                Some(&token),
            )
            .await;
        assert_eq!(
            reply.body["balance"]["amount"],
            usd(balance),
            "scenario {n}"
        );
        assert_eq!(
            reply.body["balance"]["overdue"],
            usd(overdue),
            "scenario {n}"
        );
    }
}
