//! Billing end to end on a fixed clock: bill runs through the API and the worker, every
//! line of every invoice checked against amounts worked out by hand; idempotent and
//! resumable runs, concurrent runs and issuers, dry and draft runs, void, credit notes,
//! the ledger, PDFs and who may do what.

use std::time::{Duration, Instant};

use api::auth::Role;
use chrono::{NaiveDate, TimeZone, Utc};
use diesel::prelude::*;
use rust_decimal::Decimal;
use serde_json::{json, Value};

use crate::builders::{CustomerBuilder, ProductBuilder, PromotionBuilder, TaxRateBuilder};
use crate::helpers::{spawn_app_with, Reply, TestApp};

/// An app whose tokens outlive the months a scenario moves its clock through.
async fn spawn_billing_app() -> TestApp {
    spawn_app_with(|c| c.access_token_ttl_secs = 400 * 24 * 3600).await
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// Moves the fixed clock forward to 10:00 UTC of the day.
fn travel_to(app: &TestApp, y: i32, m: u32, d: u32) {
    let target = Utc.with_ymd_and_hms(y, m, d, 10, 0, 0).unwrap();
    let now = app.clock_now();
    assert!(target >= now, "the clock only moves forward");
    app.clock.advance(target - now);
}

async fn order(app: &TestApp, token: &str, customer_id: i64, lines: Value) -> Reply {
    let order = app
        .post(
            "/api/v1/orders",
            Some(token),
            &json!({"customer_id": customer_id, "channel": "call_center", "lines": lines}),
        )
        .await;
    assert_eq!(order.status, 201, "{}", order.text);
    let id = order.body["id"].as_i64().unwrap();
    let submitted = app
        .post(
            &format!("/api/v1/orders/{id}/submit"),
            Some(token),
            &json!({}),
        )
        .await;
    assert_eq!(submitted.status, 200, "{}", submitted.text);
    submitted
}

/// Waits until the customer's subscriptions are all live (the activation job ran).
async fn live_subscriptions(app: &TestApp, token: &str, customer_id: i64) -> Vec<Value> {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let reply = app
            .get(
                &format!("/api/v1/customers/{customer_id}/subscriptions"),
                Some(token),
            )
            .await;
        assert_eq!(reply.status, 200, "{}", reply.text);
        let subs = reply.items().clone();
        if !subs.is_empty() && subs.iter().all(|s| s["status"] == "active") {
            return subs;
        }
        assert!(Instant::now() < deadline, "not activated: {}", reply.text);
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Starts a bill run through the API and waits for the worker to finish it.
async fn bill_run(app: &TestApp, token: &str, run_on: NaiveDate, mode: &str) -> Value {
    let reply = app
        .post(
            "/api/v1/bill-runs",
            Some(token),
            &json!({"run_on": run_on, "mode": mode}),
        )
        .await;
    assert_eq!(reply.status, 202, "{}", reply.text);
    wait_run(app, token, reply.body["id"].as_i64().unwrap()).await
}

async fn wait_run(app: &TestApp, token: &str, id: i64) -> Value {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let run = app
            .get(&format!("/api/v1/bill-runs/{id}"), Some(token))
            .await;
        assert_eq!(run.status, 200, "{}", run.text);
        match run.body["status"].as_str().unwrap() {
            "completed" => return run.body,
            "failed" => panic!("bill run failed: {}", run.text),
            _ => {}
        }
        assert!(
            Instant::now() < deadline,
            "bill run did not finish: {}",
            run.text
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn invoices_of(app: &TestApp, token: &str, customer_id: i64) -> Vec<Value> {
    let list = app
        .get(
            &format!("/api/v1/invoices?customer_id={customer_id}&limit=200"),
            Some(token),
        )
        .await;
    assert_eq!(list.status, 200, "{}", list.text);
    let mut out = Vec::new();
    for summary in list.items().iter().rev() {
        let id = summary["id"].as_i64().unwrap();
        let full = app
            .get(&format!("/api/v1/invoices/{id}"), Some(token))
            .await;
        assert_eq!(full.status, 200, "{}", full.text);
        out.push(full.body);
    }
    out
}

/// The lines of an invoice as (kind, amount, tax, period start, period end).
fn lines(invoice: &Value) -> Vec<(String, String, String, String, String)> {
    invoice["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["kind"].as_str().unwrap().to_owned(),
                l["amount"].as_str().unwrap().to_owned(),
                l["tax_amount"].as_str().unwrap().to_owned(),
                l["period_start"].as_str().unwrap_or("").to_owned(),
                l["period_end"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect()
}

fn line(
    kind: &str,
    amount: &str,
    tax: &str,
    from: &str,
    to: &str,
) -> (String, String, String, String, String) {
    (
        kind.into(),
        amount.into(),
        tax.into(),
        from.into(),
        to.into(),
    )
}

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

/// The ledger's balance of a customer.
fn balance(app: &TestApp, customer_id: i64) -> Decimal {
    use api::db::schema::ledger_entries;
    ledger_entries::table
        .filter(ledger_entries::customer_id.eq(customer_id))
        .select(diesel::dsl::sum(ledger_entries::amount))
        .first::<Option<Decimal>>(&mut app.conn())
        .unwrap()
        .unwrap_or_default()
}

/// Issued (not void) invoices − credit notes, from the documents themselves.
fn documents_total(app: &TestApp, customer_id: i64) -> Decimal {
    use api::db::schema::{credit_notes, invoices};
    let invoiced: Option<Decimal> = invoices::table
        .filter(invoices::customer_id.eq(customer_id))
        .filter(invoices::status.ne_all(["draft", "void"]))
        .select(diesel::dsl::sum(invoices::total))
        .first(&mut app.conn())
        .unwrap();
    let credited: Option<Decimal> = credit_notes::table
        .filter(credit_notes::customer_id.eq(customer_id))
        .select(diesel::dsl::sum(credit_notes::total))
        .first(&mut app.conn())
        .unwrap();
    invoiced.unwrap_or_default() - credited.unwrap_or_default()
}

/// Signs up on the 17th with a setup fee and a two-month promotion, upgrades on the 3rd of
/// the next month, goes over the cap, is terminated inside the contract; every line of the
/// four invoices is checked against amounts worked out by hand (20% tax).
#[tokio::test]
async fn a_customer_s_whole_cycle_is_billed_to_the_cent() {
    let app = spawn_billing_app().await;
    TaxRateBuilder::new("telecom", "20").create(&app);
    let fiber100 = ProductBuilder::plan("FIBER-100", "31.00")
        .setup_fee("20.00")
        .contract(12, "100.00")
        .data_cap_gb(100)
        .create(&app)
        .id;
    let fiber500 = ProductBuilder::plan("FIBER-500", "61.00")
        .contract(12, "100.00")
        .data_cap_gb(200)
        .create(&app)
        .id;
    PromotionBuilder::amount("Welcome", "5.00")
        .code("WELCOME")
        .cycles(2)
        .for_product(fiber100)
        .create(&app);
    let agent = app.token_as(Role::Agent);
    let finance = app.token_as(Role::Finance);
    let admin = app.admin_token().await;
    let customer = CustomerBuilder::new("Ada Lovelace").create(&app);

    // 17 March: signs up (calendar cycle on the 1st), service goes live the same day.
    travel_to(&app, 2026, 3, 17);
    order(
        &app,
        &agent,
        customer.id,
        json!([{"action": "add", "product_id": fiber100, "promotion_code": "WELCOME"}]),
    )
    .await;
    let sub = live_subscriptions(&app, &agent, customer.id)
        .await
        .remove(0);
    let sub_id = sub["id"].as_i64().unwrap();
    let run = bill_run(&app, &finance, day(2026, 3, 17), "issue").await;
    assert_eq!(run["invoices_created"], 1, "{run}");
    let inv = invoices_of(&app, &finance, customer.id).await;
    assert_eq!(inv.len(), 1);
    // 15 of March's 31 days: 15.00; the promotion 5 × 15/31 = 2.4194 → −2.42 (tax −0.484 →
    // −0.48); the setup fee 20.00.
    assert_eq!(
        lines(&inv[0]),
        vec![
            line("recurring", "15.00", "3.00", "2026-03-17", "2026-04-01"),
            line("discount", "-2.42", "-0.48", "2026-03-17", "2026-04-01"),
            line("one_time", "20.00", "4.00", "", ""),
        ]
    );
    assert_eq!(inv[0]["subtotal"], "32.58");
    assert_eq!(inv[0]["tax_total"], "6.52");
    assert_eq!(inv[0]["total"], "39.10");
    assert_eq!(inv[0]["number"], "INV-2026-000001");
    assert_eq!(inv[0]["issue_date"], "2026-03-17");
    assert_eq!(inv[0]["status"], "issued");
    assert!(
        inv[0]["lines"][0]["explanation"]
            .as_str()
            .unwrap()
            .contains("31.00 USD × 15 / 31"),
        "{}",
        inv[0]["lines"][0]
    );

    // 1 April: April in advance, the first full promotion month.
    travel_to(&app, 2026, 4, 1);
    bill_run(&app, &finance, day(2026, 4, 1), "issue").await;
    let inv = invoices_of(&app, &finance, customer.id).await;
    assert_eq!(inv.len(), 2);
    assert_eq!(
        lines(&inv[1]),
        vec![
            line("recurring", "31.00", "6.20", "2026-04-01", "2026-05-01"),
            line("discount", "-5.00", "-1.00", "2026-04-01", "2026-05-01"),
        ]
    );
    assert_eq!(inv[1]["total"], "31.20");
    assert_eq!(inv[1]["number"], "INV-2026-000002");

    // 3 April: upgrade to FIBER-500 (61.00). April is paid: the 28 unused days of 30 are
    // credited at the price paid, 31 less the 5.00 promotion (26 × 28/30 = 24.2667), and
    // charged at the new one (61 × 28/30 = 56.9333).
    travel_to(&app, 2026, 4, 3);
    let changed = app
        .post(
            &format!("/api/v1/subscriptions/{sub_id}/change-plan"),
            Some(&agent),
            &json!({"product_id": fiber500}),
        )
        .await;
    assert_eq!(changed.status, 200, "{}", changed.text);
    // 20 April: 212.3 GB used this period against FIBER-500's 200 GB cap.
    travel_to(&app, 2026, 4, 20);
    let usage = app
        .post(
            "/api/v1/usage-records",
            Some(&admin),
            &json!({"records": [{"id": "u-1", "subscription_id": sub_id,
                                 "occurred_at": "2026-04-20T09:00:00Z",
                                 "input_octets": 12_300_000_000i64,
                                 "output_octets": 200_000_000_000i64}]}),
        )
        .await;
    assert_eq!(usage.status, 200, "{}", usage.text);

    // 1 May: May in advance at the new price, the April prorations, and April's usage in
    // arrears: 12.3 GB over → 13 GB × 0.50.
    travel_to(&app, 2026, 5, 1);
    bill_run(&app, &finance, day(2026, 5, 1), "issue").await;
    let inv = invoices_of(&app, &finance, customer.id).await;
    assert_eq!(inv.len(), 3);
    assert_eq!(
        lines(&inv[2]),
        vec![
            line("recurring", "61.00", "12.20", "2026-05-01", "2026-06-01"),
            line("usage", "6.50", "1.30", "2026-04-01", "2026-05-01"),
            line("proration", "-24.27", "-4.85", "2026-04-03", "2026-05-01"),
            line("proration", "56.93", "11.39", "2026-04-03", "2026-05-01"),
        ]
    );
    assert_eq!(inv[2]["subtotal"], "100.16");
    assert_eq!(inv[2]["tax_total"], "20.04");
    assert_eq!(inv[2]["total"], "120.20");

    // 10 May: terminated inside the 12-month contract: 22 unused days of May credited (61 ×
    // 22/31 = 43.2903) and the early-termination fee.
    travel_to(&app, 2026, 5, 10);
    let ended = app
        .post(
            &format!("/api/v1/subscriptions/{sub_id}/terminate"),
            Some(&agent),
            &json!({"reason": "moving abroad"}),
        )
        .await;
    assert_eq!(ended.status, 200, "{}", ended.text);
    travel_to(&app, 2026, 6, 1);
    bill_run(&app, &finance, day(2026, 6, 1), "issue").await;
    let inv = invoices_of(&app, &finance, customer.id).await;
    assert_eq!(inv.len(), 4);
    assert_eq!(
        lines(&inv[3]),
        vec![
            line("proration", "-43.29", "-8.66", "2026-05-10", "2026-06-01"),
            line("fee", "100.00", "20.00", "", ""),
        ]
    );
    assert_eq!(inv[3]["total"], "68.05");
    assert_eq!(inv[3]["number"], "INV-2026-000004");

    // Nothing more to bill; the balance is the ledger's sum and equals the documents.
    travel_to(&app, 2026, 7, 1);
    let run = bill_run(&app, &finance, day(2026, 7, 1), "issue").await;
    assert_eq!(run["invoices_created"], 0, "{run}");
    assert_eq!(balance(&app, customer.id), dec("258.55"));
    assert_eq!(documents_total(&app, customer.id), dec("258.55"));
}

/// `n` customers, each with one live FIBER plan (31.00, 20% tax) from `t0` (2 March).
async fn customers_with_plans(app: &TestApp, n: usize) -> Vec<i64> {
    TaxRateBuilder::new("telecom", "20").create(app);
    let plan = ProductBuilder::plan("FIBER", "31.00").create(app).id;
    let agent = app.token_as(Role::Agent);
    let mut ids = Vec::new();
    for i in 0..n {
        let c = CustomerBuilder::new(&format!("Customer {i}")).create(app);
        order(
            app,
            &agent,
            c.id,
            json!([{"action": "add", "product_id": plan}]),
        )
        .await;
        ids.push(c.id);
    }
    for id in &ids {
        live_subscriptions(app, &agent, *id).await;
    }
    ids
}

fn invoice_numbers(app: &TestApp) -> Vec<String> {
    use api::db::schema::invoices;
    invoices::table
        .filter(invoices::number.is_not_null())
        .select(invoices::number.assume_not_null())
        .order(invoices::number)
        .load(&mut app.conn())
        .unwrap()
}

fn assert_gapless(numbers: &[String], prefix: &str) {
    for (i, n) in numbers.iter().enumerate() {
        assert_eq!(n, &format!("{prefix}{:06}", i + 1), "{numbers:?}");
    }
}

#[tokio::test]
async fn a_run_twice_for_the_same_day_bills_nothing_twice_and_the_key_forbids_it() {
    let app = spawn_billing_app().await;
    let customers = customers_with_plans(&app, 7).await;
    let finance = app.token_as(Role::Finance);
    // The chunk size is 3 in tests: 7 customers cross two chunk boundaries.
    let first = bill_run(&app, &finance, day(2026, 3, 2), "issue").await;
    assert_eq!(first["invoices_created"], 7, "{first}");
    assert_eq!(first["subscriptions_done"], 7);
    assert_eq!(first["percent_done"], 100);
    assert_eq!(first["totals"][0]["currency"], "USD");
    // 30 of March's 31 days of 31.00 = 30.00 + 20% each.
    assert_eq!(first["totals"][0]["total"], "252.00", "{first}");
    let again = bill_run(&app, &finance, day(2026, 3, 2), "issue").await;
    assert_eq!(again["invoices_created"], 0, "{again}");
    assert_eq!(app.count("invoices", ""), 7);
    assert_gapless(&invoice_numbers(&app), "INV-2026-");
    // The database itself refuses a second line for a subscription's period.
    let dup = diesel::sql_query(
        "INSERT INTO invoice_lines (invoice_id, customer_id, subscription_id, position, kind, \
         description, period_start, period_end, quantity, unit_price, amount, tax_rate, tax_name, tax_amount) \
         SELECT invoice_id, customer_id, subscription_id, 9, kind, description, period_start, \
         period_end, quantity, unit_price, amount, tax_rate, tax_name, tax_amount \
         FROM invoice_lines WHERE kind = 'recurring' LIMIT 1",
    )
    .execute(&mut app.conn());
    assert!(
        matches!(
            dup,
            Err(diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::UniqueViolation,
                _
            ))
        ),
        "{dup:?}"
    );
    for c in customers {
        assert_eq!(balance(&app, c), dec("36.00"));
        assert_eq!(documents_total(&app, c), dec("36.00"));
    }
}

#[tokio::test]
async fn a_dry_run_previews_without_writing_and_a_draft_run_is_issued_in_one_action() {
    let app = spawn_billing_app().await;
    customers_with_plans(&app, 4).await;
    let finance = app.token_as(Role::Finance);
    // A dry run may look ahead: April in advance for everyone, nothing written.
    let dry = bill_run(&app, &finance, day(2026, 4, 1), "dry_run").await;
    assert_eq!(dry["invoices_created"], 4, "{dry}");
    assert_eq!(dry["sample"].as_array().unwrap().len(), 4);
    // March's rest (30/31 × 31 = 30.00) and April (31.00) each, with 20% tax.
    assert_eq!(dry["sample"][0]["total"], "73.20", "{dry}");
    assert_eq!(dry["totals"][0]["total"], "292.80");
    assert_eq!(app.count("invoices", ""), 0);
    assert_eq!(app.count("ledger_entries", ""), 0);
    assert_eq!(
        app.count("subscription_billing", "billed_through = '2026-03-02'"),
        4
    );
    // A draft or issue run cannot be made for a day still to come.
    let future = app
        .post(
            "/api/v1/bill-runs",
            Some(&finance),
            &json!({"run_on": "2026-04-01", "mode": "issue"}),
        )
        .await;
    assert_eq!(future.status, 422, "{}", future.text);
    assert_eq!(future.error_fields(), vec!["run_on"]);
    let bad = app
        .post(
            "/api/v1/bill-runs",
            Some(&finance),
            &json!({"run_on": "2026-03-02", "mode": "now"}),
        )
        .await;
    assert_eq!(bad.status, 422, "{}", bad.text);

    let draft = bill_run(&app, &finance, day(2026, 3, 2), "draft").await;
    assert_eq!(draft["invoices_created"], 4);
    assert_eq!(
        app.count("invoices", "status = 'draft' AND number IS NULL"),
        4
    );
    assert_eq!(app.count("ledger_entries", ""), 0, "drafts are not owed");
    // Drafts are already billed: another run finds nothing.
    let again = bill_run(&app, &finance, day(2026, 3, 2), "issue").await;
    assert_eq!(again["invoices_created"], 0);
    let run_id = draft["id"].as_i64().unwrap();
    let issued = app
        .post(
            &format!("/api/v1/bill-runs/{run_id}/issue"),
            Some(&finance),
            &json!({}),
        )
        .await;
    assert_eq!(issued.status, 202, "{}", issued.text);
    let done = wait_run(&app, &finance, run_id).await;
    assert!(done["drafts_issued_at"].is_string(), "{done}");
    assert_eq!(app.count("invoices", "status = 'issued'"), 4);
    assert_eq!(app.count("ledger_entries", "kind = 'invoice'"), 4);
    assert_eq!(app.count("events", "event_type = 'invoice.issued'"), 4);
    assert_gapless(&invoice_numbers(&app), "INV-2026-");
    let twice = app
        .post(
            &format!("/api/v1/bill-runs/{run_id}/issue"),
            Some(&finance),
            &json!({}),
        )
        .await;
    assert_eq!(twice.status, 409, "{}", twice.text);
    assert_eq!(twice.problem_code(), "already_issued");
}

/// Two bill runs for the same day worked at once by two workers on their own connections
/// (as two processes would): every subscription is billed exactly once.
#[tokio::test]
async fn two_runs_at_once_cannot_double_bill() {
    use api::services::billing::run;
    let app = spawn_billing_app().await;
    customers_with_plans(&app, 12).await;
    let now = app.clock_now();
    let mut conn = app.conn();
    let a = run::create(
        &mut conn,
        day(2026, 3, 2),
        run::Mode::Issue,
        "manual",
        "test",
        now,
    )
    .unwrap();
    let b = run::create(
        &mut conn,
        day(2026, 3, 2),
        run::Mode::Issue,
        "manual",
        "test",
        now,
    )
    .unwrap();
    drop(conn);
    let workers: Vec<_> = [a.id, b.id]
        .into_iter()
        .map(|id| {
            let pool = app.pool.clone();
            std::thread::spawn(move || {
                let mut conn = pool.get().unwrap();
                // Claim this run (the API's worker is idle: nothing woke it), then chunk by
                // chunk of one subscription, as small as it gets.
                diesel::sql_query("UPDATE bill_runs SET status = 'running' WHERE id = $1")
                    .bind::<diesel::sql_types::BigInt, _>(id)
                    .execute(&mut conn)
                    .unwrap();
                while run::step(&mut conn, id, now, 1).unwrap() {}
            })
        })
        .collect();
    for w in workers {
        w.join().unwrap();
    }
    assert_eq!(app.count("invoices", ""), 12);
    assert_eq!(app.count("invoice_lines", "kind = 'recurring'"), 12);
    assert_eq!(app.count("ledger_entries", ""), 12);
    assert_gapless(&invoice_numbers(&app), "INV-2026-");
    let runs = app.count("bill_runs", "status = 'completed'");
    assert_eq!(runs, 2);
}

/// A run that dies after some chunks leaves whole invoices only, and is taken over and
/// finished once its worker's lease runs out.
#[tokio::test]
async fn a_run_that_crashed_halfway_is_finished_without_billing_twice() {
    use api::services::billing::run;
    let app = spawn_billing_app().await;
    customers_with_plans(&app, 8).await;
    let now = app.clock_now();
    let mut conn = app.conn();
    let r = run::create(
        &mut conn,
        day(2026, 3, 2),
        run::Mode::Issue,
        "manual",
        "test",
        now,
    )
    .unwrap();
    let claimed = run::claim(&mut conn, now).unwrap().expect("claimed");
    assert_eq!(claimed.id, r.id);
    // Two chunks of three, then the worker "dies".
    assert!(run::step(&mut conn, r.id, now, 3).unwrap());
    assert!(run::step(&mut conn, r.id, now, 3).unwrap());
    drop(conn);
    assert_eq!(app.count("invoices", ""), 6);
    assert_eq!(app.count("bill_runs", "status = 'running'"), 1);
    // The lease runs out; the server's worker takes the run over.
    app.clock
        .advance(chrono::Duration::seconds(run::LEASE_SECS + 1));
    let finance = app.token_as(Role::Finance);
    let done = wait_run(&app, &finance, r.id).await;
    assert_eq!(done["invoices_created"], 8, "{done}");
    assert_eq!(app.count("invoices", ""), 8);
    assert_eq!(app.count("invoice_lines", ""), 8);
    assert_gapless(&invoice_numbers(&app), "INV-2026-");
}

/// The first invoice of one customer with one plan (30.00 + 6.00 tax, 2–31 March).
async fn one_invoice(app: &TestApp) -> (i64, Value) {
    let customer = customers_with_plans(app, 1).await[0];
    let finance = app.token_as(Role::Finance);
    bill_run(app, &finance, day(2026, 3, 2), "issue").await;
    let inv = invoices_of(app, &finance, customer).await.remove(0);
    (customer, inv)
}

#[tokio::test]
async fn void_takes_an_unpaid_invoice_back_and_keeps_its_number() {
    let app = spawn_billing_app().await;
    let (customer, inv) = one_invoice(&app).await;
    let finance = app.token_as(Role::Finance);
    let id = inv["id"].as_i64().unwrap();
    assert_eq!(inv["total"], "36.00");
    assert_eq!(balance(&app, customer), dec("36.00"));
    let no_reason = app
        .post(
            &format!("/api/v1/invoices/{id}/void"),
            Some(&finance),
            &json!({"reason": " "}),
        )
        .await;
    assert_eq!(no_reason.status, 422, "{}", no_reason.text);
    let stale = app
        .request(
            reqwest::Method::POST,
            &format!("/api/v1/invoices/{id}/void"),
            Some(&finance),
            Some(&json!({"reason": "sent to the wrong customer"})),
        )
        .await;
    assert_eq!(stale.status, 200, "{}", stale.text);
    assert_eq!(stale.body["status"], "void");
    assert_eq!(stale.body["number"], "INV-2026-000001");
    assert_eq!(stale.body["amount_due"], "0.00");
    assert_eq!(balance(&app, customer), Decimal::ZERO);
    assert_eq!(documents_total(&app, customer), Decimal::ZERO);
    assert_eq!(app.count("events", "event_type = 'invoice.voided'"), 1);
    assert_eq!(app.count("audit_log", "action = 'invoice.voided'"), 1);
    let again = app
        .post(
            &format!("/api/v1/invoices/{id}/void"),
            Some(&finance),
            &json!({"reason": "again"}),
        )
        .await;
    assert_eq!(again.status, 409);
    assert_eq!(again.problem_code(), "invoice_void");
    let credit = app
        .post(
            &format!("/api/v1/invoices/{id}/credit-notes"),
            Some(&finance),
            &json!({"mode": "full", "reason": "x"}),
        )
        .await;
    assert_eq!(credit.status, 409);
    assert_eq!(credit.problem_code(), "invoice_void");
}

#[tokio::test]
async fn credit_notes_by_line_by_amount_and_in_full_never_exceed_the_invoice() {
    let app = spawn_billing_app().await;
    let (customer, inv) = one_invoice(&app).await;
    let finance = app.token_as(Role::Finance);
    let id = inv["id"].as_i64().unwrap();
    let line_id = inv["lines"][0]["id"].as_i64().unwrap();
    let url = format!("/api/v1/invoices/{id}/credit-notes");

    // 10.00 of the line, net: 2.00 tax on top.
    let by_line = app
        .post(
            &url,
            Some(&finance),
            &json!({"mode": "lines", "reason": "outage 3 days",
              "lines": [{"invoice_line_id": line_id, "amount": "10.00"}]}),
        )
        .await;
    assert_eq!(by_line.status, 201, "{}", by_line.text);
    assert_eq!(by_line.body["number"], "CN-2026-000001");
    assert_eq!(by_line.body["total"], "12.00");
    assert_eq!(by_line.body["invoice_number"], "INV-2026-000001");
    // More than is left on the line is refused, naming the line.
    let too_much = app
        .post(
            &url,
            Some(&finance),
            &json!({"mode": "lines", "reason": "x",
              "lines": [{"invoice_line_id": line_id, "amount": "20.01"}]}),
        )
        .await;
    assert_eq!(too_much.status, 422, "{}", too_much.text);
    assert_eq!(too_much.error_fields(), vec!["lines[0]"]);
    let unknown = app
        .post(
            &url,
            Some(&finance),
            &json!({"mode": "lines", "reason": "x",
              "lines": [{"invoice_line_id": 999_999}]}),
        )
        .await;
    assert_eq!(unknown.status, 422, "{}", unknown.text);
    // A gross amount: 6.00 = 5.00 net + 1.00 tax.
    let by_amount = app
        .post(
            &url,
            Some(&finance),
            &json!({"mode": "amount", "reason": "goodwill", "amount": "6.00"}),
        )
        .await;
    assert_eq!(by_amount.status, 201, "{}", by_amount.text);
    assert_eq!(by_amount.body["total"], "6.00");
    assert_eq!(by_amount.body["subtotal"], "5.00");
    let over = app
        .post(
            &url,
            Some(&finance),
            &json!({"mode": "amount", "reason": "x", "amount": "18.01"}),
        )
        .await;
    assert_eq!(over.status, 422, "{}", over.text);
    // The rest in full: 36.00 − 12.00 − 6.00 = 18.00, and nothing is due any more.
    let full = app
        .post(
            &url,
            Some(&finance),
            &json!({"mode": "full", "reason": "cancelled"}),
        )
        .await;
    assert_eq!(full.status, 201, "{}", full.text);
    assert_eq!(full.body["number"], "CN-2026-000003");
    let after = app
        .get(&format!("/api/v1/invoices/{id}"), Some(&finance))
        .await;
    assert_eq!(after.body["amount_credited"], "36.00", "{}", after.text);
    assert_eq!(after.body["amount_due"], "0.00");
    assert_eq!(after.body["status"], "paid");
    assert_eq!(after.body["credit_notes"].as_array().unwrap().len(), 3);
    let nothing = app
        .post(
            &url,
            Some(&finance),
            &json!({"mode": "full", "reason": "again"}),
        )
        .await;
    assert_eq!(nothing.status, 409, "{}", nothing.text);
    // A credited invoice is not voided.
    let void = app
        .post(
            &format!("/api/v1/invoices/{id}/void"),
            Some(&finance),
            &json!({"reason": "x"}),
        )
        .await;
    assert_eq!(void.status, 409);
    // The ledger: +36.00 −12.00 −6.00 −18.00.
    assert_eq!(balance(&app, customer), Decimal::ZERO);
    assert_eq!(documents_total(&app, customer), Decimal::ZERO);
    assert_eq!(app.count("ledger_entries", "kind = 'credit_note'"), 3);
    assert_eq!(app.count("events", "event_type = 'credit_note.issued'"), 3);
    // The statement of account tells the same story, and so does its PDF.
    let st = app
        .get(
            &format!("/api/v1/customers/{customer}/statement?from=2026-03-01&to=2026-03-31"),
            Some(&finance),
        )
        .await;
    assert_eq!(st.status, 200, "{}", st.text);
    assert_eq!(st.body["opening_balance"], "0.00");
    assert_eq!(st.body["closing_balance"], "0.00");
    assert_eq!(st.body["entries"].as_array().unwrap().len(), 4);
    assert_eq!(st.body["entries"][0]["balance"], "36.00");
    let pdf = app
        .get(
            &format!("/api/v1/customers/{customer}/statement?format=pdf"),
            Some(&finance),
        )
        .await;
    assert_eq!(pdf.status, 200);
    assert_eq!(pdf.header("content-type"), Some("application/pdf"));
    assert!(pdf.text.starts_with("%PDF-"));
}

/// Numbers are taken under the series' lock in the issuing transaction: credit notes made
/// at once from many connections get consecutive numbers, without a gap or a duplicate.
#[tokio::test]
async fn concurrent_issuers_get_gapless_numbers() {
    use api::services::billing::invoices::{credit, CreditRequest};
    let app = spawn_billing_app().await;
    let customers = customers_with_plans(&app, 4).await;
    let finance = app.token_as(Role::Finance);
    bill_run(&app, &finance, day(2026, 3, 2), "issue").await;
    let mut ids = Vec::new();
    for c in &customers {
        ids.push(
            invoices_of(&app, &finance, *c).await[0]["id"]
                .as_i64()
                .unwrap(),
        );
    }
    let threads: Vec<_> = (0..16)
        .map(|i| {
            let pool = app.pool.clone();
            let ctx = app.system_context();
            let invoice = ids[i % ids.len()];
            std::thread::spawn(move || {
                let mut conn = pool.get().unwrap();
                credit(
                    &mut conn,
                    &ctx,
                    invoice,
                    None,
                    CreditRequest::Amount(dec("1.00")),
                    "goodwill",
                )
                .unwrap();
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    use api::db::schema::credit_notes;
    let mut numbers: Vec<String> = credit_notes::table
        .select(credit_notes::number)
        .load(&mut app.conn())
        .unwrap();
    numbers.sort();
    assert_eq!(numbers.len(), 16);
    assert_gapless(&numbers, "CN-2026-");
}

#[tokio::test]
async fn an_invoice_and_a_credit_note_render_as_pdf() {
    let app = spawn_billing_app().await;
    let (_, inv) = one_invoice(&app).await;
    let finance = app.token_as(Role::Finance);
    let id = inv["id"].as_i64().unwrap();
    diesel::sql_query(
        "INSERT INTO customer_addresses (customer_id, kind, line1, city, postal_code, country, created_at, updated_at) \
         SELECT customer_id, 'billing', '12 Harbour Road', 'Portsmouth', 'PO1 2AB', 'GB', now(), now() \
         FROM invoices LIMIT 1",
    )
    .execute(&mut app.conn())
    .unwrap();
    let pdf = app
        .get(&format!("/api/v1/invoices/{id}/pdf"), Some(&finance))
        .await;
    assert_eq!(pdf.status, 200, "{}", pdf.text);
    assert_eq!(pdf.header("content-type"), Some("application/pdf"));
    assert!(pdf.text.starts_with("%PDF-"));
    // What the PDF says: the number, the customer and their address, the lines, the total.
    let bytes = app
        .client
        .get(app.url(&format!("/api/v1/invoices/{id}/pdf")))
        .bearer_auth(&finance)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let doc = lopdf::Document::load_mem(&bytes).expect("a PDF");
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    let text = doc.extract_text(&pages).unwrap();
    for expected in [
        "INV-2026-000001",
        "Customer 0",
        "12 Harbour Road",
        "PO1 2AB Portsmouth",
        "FIBER",
        "30.00",
        "36.00",
    ] {
        assert!(text.contains(expected), "{expected} not in the PDF: {text}");
    }
    assert!(pdf
        .header("content-disposition")
        .unwrap()
        .contains("INV-2026-000001.pdf"));
    let cn = app
        .post(
            &format!("/api/v1/invoices/{id}/credit-notes"),
            Some(&finance),
            &json!({"mode": "full", "reason": "x"}),
        )
        .await;
    let cn_id = cn.body["id"].as_i64().unwrap();
    let pdf = app
        .get(&format!("/api/v1/credit-notes/{cn_id}/pdf"), Some(&finance))
        .await;
    assert_eq!(pdf.status, 200);
    assert!(pdf.text.starts_with("%PDF-"));
    let missing = app.get("/api/v1/invoices/999999/pdf", Some(&finance)).await;
    assert_eq!(missing.status, 404);
}

/// A pause the customer asked for is not billed (per the class): the billed days after it
/// are credited, and billing resumes from the day service is restored.
#[tokio::test]
async fn a_pause_at_the_customer_s_request_is_not_billed() {
    let app = spawn_billing_app().await;
    let customer = customers_with_plans(&app, 1).await[0];
    let finance = app.token_as(Role::Finance);
    let agent = app.token_as(Role::Agent);
    bill_run(&app, &finance, day(2026, 3, 2), "issue").await;
    let sub = live_subscriptions(&app, &agent, customer).await.remove(0);
    let sub_id = sub["id"].as_i64().unwrap();
    // 22 March: paused; the 10 billed days from the 22nd are credited (31 × 10/31).
    travel_to(&app, 2026, 3, 22);
    let paused = app
        .post(
            &format!("/api/v1/subscriptions/{sub_id}/suspend"),
            Some(&agent),
            &json!({"reason": "customer_request"}),
        )
        .await;
    assert_eq!(paused.status, 200, "{}", paused.text);
    // 1 April: nothing recurring while paused; the credit waits (it would make the invoice
    // negative on its own).
    travel_to(&app, 2026, 4, 1);
    let run = bill_run(&app, &finance, day(2026, 4, 1), "issue").await;
    assert_eq!(run["invoices_created"], 0, "{run}");
    // 11 April: restored; April is billed from the 11th (20 of 30 days = 20.67), with the
    // waiting credit.
    travel_to(&app, 2026, 4, 11);
    let restored = app
        .post(
            &format!("/api/v1/subscriptions/{sub_id}/restore"),
            Some(&agent),
            &json!({}),
        )
        .await;
    assert_eq!(restored.status, 200, "{}", restored.text);
    bill_run(&app, &finance, day(2026, 4, 11), "issue").await;
    let inv = invoices_of(&app, &finance, customer).await;
    assert_eq!(inv.len(), 2);
    assert_eq!(
        lines(&inv[1]),
        vec![
            line("recurring", "20.67", "4.13", "2026-04-11", "2026-05-01"),
            line("proration", "-10.00", "-2.00", "2026-03-22", "2026-04-01"),
        ]
    );
    assert_eq!(balance(&app, customer), documents_total(&app, customer));
}

/// The daily run: the worker queues one scheduled run per day (however often it looks) and
/// bills what is due.
#[tokio::test]
async fn the_daily_run_bills_what_is_due_once_a_day() {
    let app = spawn_app_with(|c| {
        c.access_token_ttl_secs = 400 * 24 * 3600;
        c.billing.schedule = Some("issue".into());
    })
    .await;
    let customer = customers_with_plans(&app, 1).await[0];
    let finance = app.token_as(Role::Finance);
    // Today's run happened at startup, before the customer; tomorrow's bills them.
    travel_to(&app, 2026, 3, 3);
    let deadline = Instant::now() + Duration::from_secs(20);
    while app.count("invoices", &format!("customer_id = {customer}")) == 0 {
        assert!(Instant::now() < deadline, "the daily run billed nothing");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let runs = app.get("/api/v1/bill-runs", Some(&finance)).await;
    assert_eq!(runs.status, 200);
    let scheduled: Vec<&Value> = runs
        .items()
        .iter()
        .filter(|r| r["trigger"] == "scheduled")
        .collect();
    assert_eq!(scheduled.len(), 2, "{}", runs.text);
    assert_eq!(scheduled[0]["run_on"], "2026-03-03");
    assert_eq!(scheduled[1]["run_on"], "2026-03-02");
    assert_eq!(app.count("invoices", ""), 1);
}

/// A class may bill pauses at the customer's request: then nothing is credited.
#[tokio::test]
async fn a_class_that_bills_pauses_credits_nothing() {
    let app = spawn_billing_app().await;
    let customer = customers_with_plans(&app, 1).await[0];
    let manager = app.token_as(Role::Manager);
    let classes = app.get("/api/v1/customer-classes", Some(&manager)).await;
    let residential = classes
        .items()
        .iter()
        .find(|c| c["code"] == "residential")
        .unwrap()
        .clone();
    assert_eq!(residential["bill_customer_request_suspensions"], false);
    let patched = app
        .patch(
            &format!("/api/v1/customer-classes/{}", residential["id"]),
            Some(&manager),
            &json!({"bill_customer_request_suspensions": true}),
        )
        .await;
    assert_eq!(patched.status, 200, "{}", patched.text);
    assert_eq!(patched.body["bill_customer_request_suspensions"], true);
    let finance = app.token_as(Role::Finance);
    let agent = app.token_as(Role::Agent);
    bill_run(&app, &finance, day(2026, 3, 2), "issue").await;
    let sub_id = live_subscriptions(&app, &agent, customer).await[0]["id"]
        .as_i64()
        .unwrap();
    travel_to(&app, 2026, 3, 22);
    let paused = app
        .post(
            &format!("/api/v1/subscriptions/{sub_id}/suspend"),
            Some(&agent),
            &json!({"reason": "customer_request"}),
        )
        .await;
    assert_eq!(paused.status, 200, "{}", paused.text);
    assert_eq!(app.count("pending_charges", "kind = 'proration'"), 0);
    travel_to(&app, 2026, 4, 1);
    bill_run(&app, &finance, day(2026, 4, 1), "issue").await;
    let inv = invoices_of(&app, &finance, customer).await;
    assert_eq!(
        lines(&inv[1]),
        vec![line(
            "recurring",
            "31.00",
            "6.20",
            "2026-04-01",
            "2026-05-01"
        )]
    );
}

// Found in review ---------------------------------------------------------------------------
// Each of these once showed a defect of the billing engine (found by a review); now they keep it fixed.

/// Like `wait_run`, but returns a failed run too (to assert on it).
async fn run_outcome(app: &TestApp, token: &str, run_on: NaiveDate, mode: &str) -> Value {
    let reply = app
        .post(
            "/api/v1/bill-runs",
            Some(token),
            &json!({"run_on": run_on, "mode": mode}),
        )
        .await;
    assert_eq!(reply.status, 202, "{}", reply.text);
    let id = reply.body["id"].as_i64().unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let run = app
            .get(&format!("/api/v1/bill-runs/{id}"), Some(token))
            .await;
        if run.body["status"] == "completed" || run.body["status"] == "failed" {
            return run.body;
        }
        assert!(Instant::now() < deadline, "run did not end: {}", run.text);
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// One customer on FIBER (31.00, 20% tax, calendar cycle on the 1st) from t0 (2 March),
/// with the promotion WELCOME (5.00 a month off, for `cycles` full periods or forever).
async fn promo_customer(app: &TestApp, cycles: Option<i32>) -> (i64, i64) {
    TaxRateBuilder::new("telecom", "20").create(app);
    let plan = ProductBuilder::plan("FIBER", "31.00").create(app).id;
    let mut promo = PromotionBuilder::amount("Welcome", "5.00")
        .code("WELCOME")
        .for_product(plan);
    if let Some(n) = cycles {
        promo = promo.cycles(n);
    }
    promo.create(app);
    let agent = app.token_as(Role::Agent);
    let c = CustomerBuilder::new("Grace Hopper").create(app);
    order(
        app,
        &agent,
        c.id,
        json!([{"action": "add", "product_id": plan, "promotion_code": "WELCOME"}]),
    )
    .await;
    let sub = live_subscriptions(app, &agent, c.id).await.remove(0);
    (c.id, sub["id"].as_i64().unwrap())
}

/// One customer on FIBER (31.00, 20% tax) with a 100 GB cap (0.50 per GB over) from t0.
async fn capped_customer(app: &TestApp) -> (i64, i64) {
    TaxRateBuilder::new("telecom", "20").create(app);
    let plan = ProductBuilder::plan("FIBER", "31.00")
        .data_cap_gb(100)
        .create(app)
        .id;
    let agent = app.token_as(Role::Agent);
    let c = CustomerBuilder::new("Capped").create(app);
    order(
        app,
        &agent,
        c.id,
        json!([{"action": "add", "product_id": plan}]),
    )
    .await;
    let sub = live_subscriptions(app, &agent, c.id).await.remove(0);
    (c.id, sub["id"].as_i64().unwrap())
}

/// The waiting charges of a customer, and their sum.
async fn waiting(app: &TestApp, token: &str, customer: i64) -> (Vec<Value>, Decimal) {
    let reply = app
        .get(
            &format!("/api/v1/customers/{customer}/pending-charges"),
            Some(token),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let items = reply.items().clone();
    let sum = items
        .iter()
        .map(|i| dec(i["amount"].as_str().unwrap()))
        .sum();
    (items, sum)
}

/// A change in the last promotional month must take back the discount given on the days
/// it credits; `settle` reads the promotion *after* the run used up its last cycle
/// (`promo_cycles_left = 0`) and credits the unused days at the full price.
#[tokio::test]
async fn a_change_in_the_last_promotion_month_does_not_over_credit() {
    let app = spawn_billing_app().await;
    let (customer, sub) = promo_customer(&app, Some(1)).await;
    let finance = app.token_as(Role::Finance);
    let agent = app.token_as(Role::Agent);
    bill_run(&app, &finance, day(2026, 3, 2), "issue").await;
    // 1 April: April at 31.00 − 5.00, the promotion's one full cycle.
    travel_to(&app, 2026, 4, 1);
    bill_run(&app, &finance, day(2026, 4, 1), "issue").await;
    let inv = invoices_of(&app, &finance, customer).await;
    assert_eq!(
        lines(&inv[1]),
        vec![
            line("recurring", "31.00", "6.20", "2026-04-01", "2026-05-01"),
            line("discount", "-5.00", "-1.00", "2026-04-01", "2026-05-01"),
        ]
    );
    // 10 April: terminated. April was paid at 26.00; 21 of its 30 days are unused:
    // 26 × 21/30 = 18.20 is owed back (31 × 21/30 = 21.70 credited, 5 × 21/30 = 3.50 of
    // the discount taken back).
    travel_to(&app, 2026, 4, 10);
    let ended = app
        .post(
            &format!("/api/v1/subscriptions/{sub}/terminate"),
            Some(&agent),
            &json!({"reason": "moving"}),
        )
        .await;
    assert_eq!(ended.status, 200, "{}", ended.text);
    let (items, sum) = waiting(&app, &finance, customer).await;
    assert_eq!(sum, dec("-18.20"), "over-credited: {items:#?}");
}

/// Restoring a subscription suspended for non-payment changes no price: it must leave
/// nothing to bill. `settle(Resume)` prices the new rate with `rate_of(after, None)`, which
/// applies the subscription's discount even when its promotion has run out.
#[tokio::test]
async fn a_restore_after_non_payment_gives_no_discount_after_the_promotion_ended() {
    let app = spawn_billing_app().await;
    let (customer, sub) = promo_customer(&app, Some(1)).await;
    let finance = app.token_as(Role::Finance);
    let manager = app.token_as(Role::Manager);
    bill_run(&app, &finance, day(2026, 3, 2), "issue").await;
    travel_to(&app, 2026, 4, 1);
    bill_run(&app, &finance, day(2026, 4, 1), "issue").await;
    // 1 May: the promotion is over, May at the full price.
    travel_to(&app, 2026, 5, 1);
    bill_run(&app, &finance, day(2026, 5, 1), "issue").await;
    let inv = invoices_of(&app, &finance, customer).await;
    assert_eq!(
        lines(&inv[2]),
        vec![line(
            "recurring",
            "31.00",
            "6.20",
            "2026-05-01",
            "2026-06-01"
        )]
    );
    travel_to(&app, 2026, 5, 5);
    let s = app
        .post(
            &format!("/api/v1/subscriptions/{sub}/suspend"),
            Some(&finance),
            &json!({"reason": "non_payment"}),
        )
        .await;
    assert_eq!(s.status, 200, "{}", s.text);
    travel_to(&app, 2026, 5, 10);
    let r = app
        .post(
            &format!("/api/v1/subscriptions/{sub}/restore"),
            Some(&manager),
            &json!({}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let (items, sum) = waiting(&app, &finance, customer).await;
    assert_eq!(
        sum,
        Decimal::ZERO,
        "a restore changed the price: {items:#?}"
    );
}

/// A pause credits the unused days and takes back their promotion; the credit cannot go
/// on an invoice of its own (no negative invoice), but the positive "promotion reversed"
/// half of the same adjustment is billed alone: the customer, owed 10.06 net, gets an
/// invoice to pay.
#[tokio::test]
async fn a_pause_does_not_bill_the_promotion_reversal_without_its_credit() {
    let app = spawn_billing_app().await;
    let (customer, sub) = promo_customer(&app, None).await;
    let finance = app.token_as(Role::Finance);
    let agent = app.token_as(Role::Agent);
    bill_run(&app, &finance, day(2026, 3, 2), "issue").await;
    travel_to(&app, 2026, 3, 22);
    let paused = app
        .post(
            &format!("/api/v1/subscriptions/{sub}/suspend"),
            Some(&agent),
            &json!({"reason": "customer_request"}),
        )
        .await;
    assert_eq!(paused.status, 200, "{}", paused.text);
    let (_, net) = waiting(&app, &finance, customer).await;
    assert!(net < Decimal::ZERO, "the pause is a net credit: {net}");
    travel_to(&app, 2026, 4, 1);
    let run = bill_run(&app, &finance, day(2026, 4, 1), "issue").await;
    let inv = invoices_of(&app, &finance, customer).await;
    assert_eq!(
        run["invoices_created"],
        0,
        "an invoice charging only the reversal: {:?}",
        inv.last().map(lines)
    );
}

/// A full credit note mirrors the invoice: the same net and the same tax. With a discount
/// line on the invoice, `Full` turns into a credit by amount, spread over the rates by
/// each rate's *positive* lines: tax is credited that was never charged.
#[tokio::test]
async fn a_full_credit_note_credits_the_tax_the_invoice_charged() {
    let app = spawn_billing_app().await;
    let (customer, _) = promo_customer(&app, None).await;
    let finance = app.token_as(Role::Finance);
    // A deposit, untaxed (no rate for the category).
    let dep = app
        .post(
            &format!("/api/v1/customers/{customer}/pending-charges"),
            Some(&finance),
            &json!({"kind": "deposit", "description": "Router deposit", "amount": "100.00",
                    "tax_category": "exempt"}),
        )
        .await;
    assert_eq!(dep.status, 201, "{}", dep.text);
    bill_run(&app, &finance, day(2026, 3, 2), "issue").await;
    let inv = invoices_of(&app, &finance, customer).await.remove(0);
    let id = inv["id"].as_i64().unwrap();
    let cn = app
        .post(
            &format!("/api/v1/invoices/{id}/credit-notes"),
            Some(&finance),
            &json!({"mode": "full", "reason": "cancelled"}),
        )
        .await;
    assert_eq!(cn.status, 201, "{}", cn.text);
    assert_eq!(cn.body["total"], inv["total"]);
    assert_eq!(
        (cn.body["subtotal"].clone(), cn.body["tax_total"].clone()),
        (inv["subtotal"].clone(), inv["tax_total"].clone()),
        "credit note {} vs invoice taxes {}",
        cn.body["lines"],
        inv["taxes"]
    );
}

/// Crediting a line in parts credits more tax than the line carried: each part's tax is
/// rounded up on its own (0.03 × 20% = 0.006 → 0.01), and the full credit after them goes
/// by amount. The credit notes together must equal the invoice, net and tax.
#[tokio::test]
async fn credits_in_parts_never_credit_more_tax_than_was_charged() {
    let app = spawn_billing_app().await;
    let (_, inv) = one_invoice(&app).await;
    let finance = app.token_as(Role::Finance);
    let id = inv["id"].as_i64().unwrap();
    let line_id = inv["lines"][0]["id"].as_i64().unwrap();
    let url = format!("/api/v1/invoices/{id}/credit-notes");
    for _ in 0..5 {
        let part = app
            .post(
                &url,
                Some(&finance),
                &json!({"mode": "lines", "reason": "outage",
                        "lines": [{"invoice_line_id": line_id, "amount": "0.03"}]}),
            )
            .await;
        assert_eq!(part.status, 201, "{}", part.text);
    }
    let full = app
        .post(
            &url,
            Some(&finance),
            &json!({"mode": "full", "reason": "cancelled"}),
        )
        .await;
    assert_eq!(full.status, 201, "{}", full.text);
    use api::db::schema::credit_notes;
    let (net, tax): (Option<Decimal>, Option<Decimal>) = credit_notes::table
        .filter(credit_notes::invoice_id.eq(id))
        .select((
            diesel::dsl::sum(credit_notes::subtotal),
            diesel::dsl::sum(credit_notes::tax_total),
        ))
        .first(&mut app.conn())
        .unwrap();
    assert_eq!(
        (net.unwrap(), tax.unwrap()),
        (dec("30.00"), dec("6.00")),
        "credited (net, tax) vs the invoice's 30.00 + 6.00"
    );
}

/// A credit for days already billed reverses the tax they were billed with. The credit's
/// tax date is the change day (`pending_charges.period_start` = the first credited day), so
/// across a rate change the customer gets back less tax than was charged on those days.
#[tokio::test]
async fn a_credit_reverses_the_tax_rate_the_days_were_charged_at() {
    let app = spawn_billing_app().await;
    {
        use api::db::schema::tax_rates;
        let now = app.clock_now();
        for (rate, from, to) in [
            ("20", day(2020, 1, 1), Some(day(2026, 4, 15))),
            ("10", day(2026, 4, 15), None),
        ] {
            diesel::insert_into(tax_rates::table)
                .values((
                    tax_rates::zone.eq("DEFAULT"),
                    tax_rates::category.eq("telecom"),
                    tax_rates::name.eq(format!("VAT {rate}%")),
                    tax_rates::rate.eq(dec(rate)),
                    tax_rates::valid_from.eq(from),
                    tax_rates::valid_to.eq(to),
                    tax_rates::created_at.eq(now),
                ))
                .execute(&mut app.conn())
                .unwrap();
        }
    }
    let plan = ProductBuilder::plan("FIBER", "31.00").create(&app).id;
    let agent = app.token_as(Role::Agent);
    let finance = app.token_as(Role::Finance);
    let c = CustomerBuilder::new("Rate Change").create(&app);
    order(
        &app,
        &agent,
        c.id,
        json!([{"action": "add", "product_id": plan}]),
    )
    .await;
    let sub = live_subscriptions(&app, &agent, c.id).await[0]["id"]
        .as_i64()
        .unwrap();
    bill_run(&app, &finance, day(2026, 3, 2), "issue").await;
    travel_to(&app, 2026, 4, 1);
    bill_run(&app, &finance, day(2026, 4, 1), "issue").await;
    // April billed on 1 April at 20%: 31.00 + 6.20.
    let inv = invoices_of(&app, &finance, c.id).await;
    assert_eq!(
        lines(&inv[1]),
        vec![line(
            "recurring",
            "31.00",
            "6.20",
            "2026-04-01",
            "2026-05-01"
        )]
    );
    // 20 April: terminated; 11 of April's days billed at 20% come back: 11.37 + 2.27.
    travel_to(&app, 2026, 4, 20);
    let ended = app
        .post(
            &format!("/api/v1/subscriptions/{sub}/terminate"),
            Some(&agent),
            &json!({"reason": "moving"}),
        )
        .await;
    assert_eq!(ended.status, 200, "{}", ended.text);
    // Something to put the credit on.
    let fee = app
        .post(
            &format!("/api/v1/customers/{}/pending-charges", c.id),
            Some(&finance),
            &json!({"kind": "other", "description": "Cable", "amount": "50.00",
                    "tax_category": "goods"}),
        )
        .await;
    assert_eq!(fee.status, 201, "{}", fee.text);
    travel_to(&app, 2026, 5, 1);
    bill_run(&app, &finance, day(2026, 5, 1), "issue").await;
    let inv = invoices_of(&app, &finance, c.id).await;
    let credit = lines(&inv[2])
        .into_iter()
        .find(|l| l.0 == "proration")
        .expect("the credit");
    assert_eq!(
        credit,
        line("proration", "-11.37", "-2.27", "2026-04-20", "2026-05-01")
    );
}

/// Usage that reaches billing after its period's usage was billed (a late RADIUS interim
/// update, a mediation batch) is never billed: `usage_from` has moved on and the run only
/// looks at the period `usage_from` names.
#[tokio::test]
async fn usage_that_arrives_after_its_period_was_billed_is_not_lost() {
    let app = spawn_billing_app().await;
    let (customer, sub) = capped_customer(&app).await;
    let finance = app.token_as(Role::Finance);
    let admin = app.admin_token().await;
    bill_run(&app, &finance, day(2026, 3, 2), "issue").await;
    // 1 April, 00:05: the daily run bills March's usage (none so far) and April.
    travel_to(&app, 2026, 4, 1);
    bill_run(&app, &finance, day(2026, 4, 1), "issue").await;
    // Later that day mediation delivers 150 GB used on 31 March.
    let usage = app
        .post(
            "/api/v1/usage-records",
            Some(&admin),
            &json!({"records": [{"id": "late-1", "subscription_id": sub,
                                 "occurred_at": "2026-03-31T23:50:00Z",
                                 "input_octets": 0i64,
                                 "output_octets": 150_000_000_000i64}]}),
        )
        .await;
    assert_eq!(usage.status, 200, "{}", usage.text);
    travel_to(&app, 2026, 5, 1);
    bill_run(&app, &finance, day(2026, 5, 1), "issue").await;
    let usage_lines: Vec<_> = invoices_of(&app, &finance, customer)
        .await
        .iter()
        .flat_map(lines)
        .filter(|l| l.0 == "usage")
        .collect();
    // 50 GB over the cap at 0.50.
    assert_eq!(
        usage_lines,
        vec![line("usage", "25.00", "5.00", "2026-03-01", "2026-04-01")]
    );
}

/// The migration starts billing for subscriptions live before billing existed with
/// `usage_due_on = NULL` (and `usage_from` = the activation day, not a period start): their
/// usage over the cap is never billed.
#[tokio::test]
async fn subscriptions_migrated_into_billing_have_their_usage_billed() {
    let app = spawn_billing_app().await;
    let (customer, sub) = capped_customer(&app).await;
    let finance = app.token_as(Role::Finance);
    let admin = app.admin_token().await;
    // As if the subscription had been live before the billing migration ran: its billing
    // state is what the migration's INSERT makes of it.
    let migration = include_str!("../../migrations/2026-11-25-000020_billing/up.sql");
    let start = migration
        .find("INSERT INTO subscription_billing")
        .expect("the migration's INSERT");
    let insert = &migration[start..start + migration[start..].find(';').unwrap()];
    // The migration runs on the day billing arrives: the test clock's day here.
    let insert = insert.replace("current_date", "'2026-03-02'::date");
    {
        let mut conn = app.conn();
        diesel::sql_query(format!(
            "DELETE FROM subscription_billing WHERE subscription_id = {sub}"
        ))
        .execute(&mut conn)
        .unwrap();
        diesel::sql_query(&insert).execute(&mut conn).unwrap();
    }
    assert_eq!(
        app.count("subscription_billing", &format!("subscription_id = {sub}")),
        1
    );
    travel_to(&app, 2026, 3, 25);
    let usage = app
        .post(
            "/api/v1/usage-records",
            Some(&admin),
            &json!({"records": [{"id": "m-1", "subscription_id": sub,
                                 "occurred_at": "2026-03-20T12:00:00Z",
                                 "input_octets": 0i64,
                                 "output_octets": 150_000_000_000i64}]}),
        )
        .await;
    assert_eq!(usage.status, 200, "{}", usage.text);
    travel_to(&app, 2026, 4, 1);
    bill_run(&app, &finance, day(2026, 4, 1), "issue").await;
    let usage_lines: Vec<_> = invoices_of(&app, &finance, customer)
        .await
        .iter()
        .flat_map(lines)
        .filter(|l| l.0 == "usage")
        .collect();
    assert_eq!(
        usage_lines,
        vec![line("usage", "25.00", "5.00", "2026-03-01", "2026-04-01")]
    );
}

/// A pause and a restore on the same day (an agent undoing a mistake) on the day a billed
/// period starts: the restore sets `billed_through` back to that day, the next run rates
/// the period again and hits the unique key; the chunk is "retried" five times and the
/// whole run fails: no other customer is billed, today or any later day.
#[tokio::test]
async fn one_customer_s_same_day_pause_and_restore_does_not_stop_the_run() {
    let app = spawn_billing_app().await;
    let customers = customers_with_plans(&app, 2).await;
    let finance = app.token_as(Role::Finance);
    let agent = app.token_as(Role::Agent);
    let manager = app.token_as(Role::Manager);
    bill_run(&app, &finance, day(2026, 3, 2), "issue").await;
    let sub = live_subscriptions(&app, &agent, customers[0]).await[0]["id"]
        .as_i64()
        .unwrap();
    // Still 2 March, the first day of the period just billed.
    let s = app
        .post(
            &format!("/api/v1/subscriptions/{sub}/suspend"),
            Some(&agent),
            &json!({"reason": "customer_request"}),
        )
        .await;
    assert_eq!(s.status, 200, "{}", s.text);
    let r = app
        .post(
            &format!("/api/v1/subscriptions/{sub}/restore"),
            Some(&manager),
            &json!({}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    travel_to(&app, 2026, 4, 1);
    let run = run_outcome(&app, &finance, day(2026, 4, 1), "issue").await;
    assert_eq!(run["status"], "completed", "{run}");
    assert_eq!(invoices_of(&app, &finance, customers[1]).await.len(), 2);
}

/// One customer's charges beyond what an invoice column holds (NUMERIC(14,4)) fail the
/// whole run (an internal error, not a per-customer error): every customer after them in
/// the chunk and in later chunks goes unbilled.
#[tokio::test]
async fn one_customer_s_huge_charges_do_not_stop_the_run() {
    let app = spawn_billing_app().await;
    let customers = customers_with_plans(&app, 2).await;
    let finance = app.token_as(Role::Finance);
    for i in 0..10 {
        let c = app
            .post(
                &format!("/api/v1/customers/{}/pending-charges", customers[0]),
                Some(&finance),
                &json!({"kind": "other", "description": format!("Equipment {i}"),
                        "amount": "1000000000"}),
            )
            .await;
        assert_eq!(c.status, 201, "{}", c.text);
    }
    let run = run_outcome(&app, &finance, day(2026, 3, 2), "issue").await;
    assert_eq!(run["status"], "completed", "{run}");
    assert_eq!(invoices_of(&app, &finance, customers[1]).await.len(), 1);
}

/// A statement for dates PostgreSQL cannot hold is a 400, not a 500.
#[tokio::test]
async fn a_statement_far_in_the_past_is_a_client_error() {
    let app = spawn_billing_app().await;
    let customer = CustomerBuilder::new("Old").create(&app);
    let finance = app.token_as(Role::Finance);
    let reply = app
        .get(
            &format!(
                "/api/v1/customers/{}/statement?from=-5000-01-01&to=-4999-06-01",
                customer.id
            ),
            Some(&finance),
        )
        .await;
    assert!(reply.status < 500, "{} {}", reply.status, reply.text);
}

/// A pause at the customer's request is not billed (per the class), but only the plan is
/// settled: its add-ons (which cannot be paused on their own and ride on the plan's
/// service) go on being billed in advance through the pause.
#[tokio::test]
async fn a_paused_plan_s_add_ons_are_not_billed_through_the_pause() {
    let app = spawn_billing_app().await;
    TaxRateBuilder::new("telecom", "20").create(&app);
    let plan = ProductBuilder::plan("FIBER", "31.00").create(&app).id;
    let tv = ProductBuilder::addon("TV-PLUS", "5.00").create(&app).id;
    let agent = app.token_as(Role::Agent);
    let finance = app.token_as(Role::Finance);
    let c = CustomerBuilder::new("Paused With TV").create(&app);
    order(
        &app,
        &agent,
        c.id,
        json!([{"action": "add", "product_id": plan}, {"action": "add", "product_id": tv}]),
    )
    .await;
    let subs = live_subscriptions(&app, &agent, c.id).await;
    let plan_sub = subs
        .iter()
        .find(|s| s["parent_id"].is_null())
        .expect("the plan")["id"]
        .as_i64()
        .unwrap();
    bill_run(&app, &finance, day(2026, 3, 2), "issue").await;
    travel_to(&app, 2026, 3, 22);
    let paused = app
        .post(
            &format!("/api/v1/subscriptions/{plan_sub}/suspend"),
            Some(&agent),
            &json!({"reason": "customer_request"}),
        )
        .await;
    assert_eq!(paused.status, 200, "{}", paused.text);
    travel_to(&app, 2026, 4, 1);
    bill_run(&app, &finance, day(2026, 4, 1), "issue").await;
    let april: Vec<_> = invoices_of(&app, &finance, c.id)
        .await
        .iter()
        .skip(1)
        .flat_map(lines)
        .filter(|l| l.0 == "recurring")
        .collect();
    assert_eq!(april, vec![], "billed while the plan is paused");
}

/// Voiding an invoice takes back its total, including the waiting credits it consumed
/// (a pause's credit here): those credits are neither returned to the waiting charges nor
/// anywhere else; the customer silently loses them.
#[tokio::test]
async fn voiding_an_invoice_gives_back_the_credits_it_consumed() {
    let app = spawn_billing_app().await;
    let customer = customers_with_plans(&app, 1).await[0];
    let finance = app.token_as(Role::Finance);
    let agent = app.token_as(Role::Agent);
    bill_run(&app, &finance, day(2026, 3, 2), "issue").await;
    let sub = live_subscriptions(&app, &agent, customer).await[0]["id"]
        .as_i64()
        .unwrap();
    travel_to(&app, 2026, 3, 22);
    let paused = app
        .post(
            &format!("/api/v1/subscriptions/{sub}/suspend"),
            Some(&agent),
            &json!({"reason": "customer_request"}),
        )
        .await;
    assert_eq!(paused.status, 200, "{}", paused.text);
    travel_to(&app, 2026, 4, 11);
    let restored = app
        .post(
            &format!("/api/v1/subscriptions/{sub}/restore"),
            Some(&agent),
            &json!({}),
        )
        .await;
    assert_eq!(restored.status, 200, "{}", restored.text);
    bill_run(&app, &finance, day(2026, 4, 11), "issue").await;
    let inv = invoices_of(&app, &finance, customer).await.remove(1);
    assert!(lines(&inv).contains(&line(
        "proration",
        "-10.00",
        "-2.00",
        "2026-03-22",
        "2026-04-01"
    )));
    let id = inv["id"].as_i64().unwrap();
    let void = app
        .post(
            &format!("/api/v1/invoices/{id}/void"),
            Some(&finance),
            &json!({"reason": "wrong address"}),
        )
        .await;
    assert_eq!(void.status, 200, "{}", void.text);
    let (items, sum) = waiting(&app, &finance, customer).await;
    assert_eq!(sum, dec("-10.00"), "the pause's credit is gone: {items:#?}");
}
