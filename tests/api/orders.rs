//! Orders: an agent builds a draft from the catalog with live totals, submits it to the
//! credit check, and a manager approves or rejects what the check sends to the queue.

use api::auth::Role;
use chrono::{Duration, NaiveDate};
use diesel::prelude::*;
use serde_json::{json, Value};

use crate::builders::{
    add_product_version, ledger_entry, retire_product, CustomerBuilder, ProductBuilder,
    PromotionBuilder, TaxRateBuilder,
};
use crate::helpers::{spawn_app, Reply, TestApp};

/// The demo-like catalog most tests sell from.
struct Catalog {
    fiber: i64,
    router: i64,
    biz: i64,
    welcome: i64,
}

fn catalog(app: &TestApp) -> Catalog {
    TaxRateBuilder::new("telecom", "8.25").create(app);
    TaxRateBuilder::new("hardware", "7.25").create(app);
    let fiber = ProductBuilder::plan("FIBER-300", "39.00")
        .setup_fee("49.00")
        .create(app)
        .id;
    let router = ProductBuilder::one_time("ROUTER-AX", "129.00")
        .tax_category("hardware")
        .create(app)
        .id;
    let biz = ProductBuilder::plan("BIZ-500", "149.00")
        .setup_fee("199.00")
        .create(app)
        .id;
    let welcome = PromotionBuilder::percent("Welcome: 50% off for 3 months", "50")
        .code("WELCOME3")
        .cycles(3)
        .for_product(fiber)
        .create(app);
    Catalog {
        fiber,
        router,
        biz,
        welcome,
    }
}

async fn new_order(app: &TestApp, token: &str, customer_id: i64) -> Reply {
    let reply = app
        .post(
            "/api/v1/orders",
            Some(token),
            &json!({"customer_id": customer_id, "channel": "call_center"}),
        )
        .await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    reply
}

async fn add_line(app: &TestApp, token: &str, order_id: i64, line: Value) -> Reply {
    app.post(
        &format!("/api/v1/orders/{order_id}/lines"),
        Some(token),
        &line,
    )
    .await
}

fn id_of(reply: &Reply) -> i64 {
    reply.body["id"].as_i64().unwrap()
}

/// The customer's timeline, oldest first: (event type, order id).
fn events_of(app: &TestApp, customer_id: i64) -> Vec<(String, String)> {
    use api::db::schema::events;
    events::table
        .filter(events::customer_id.eq(customer_id))
        .order(events::id.asc())
        .select((events::event_type, events::entity_id))
        .load(&mut app.conn())
        .unwrap()
}

async fn with_if_match(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    token: &str,
    version: &str,
    body: Option<Value>,
) -> Reply {
    let mut req = app
        .client
        .request(method, app.url(path))
        .bearer_auth(token)
        .header("If-Match", version);
    if let Some(b) = body {
        req = req.json(&b);
    }
    app.send(req).await
}

#[tokio::test]
async fn an_agent_builds_a_draft_and_the_totals_follow_every_line() {
    let app = spawn_app().await;
    let c = catalog(&app);
    let customer = CustomerBuilder::new("Ana Lima").create(&app);
    let agent = app.token_as(Role::Agent);

    let draft = new_order(&app, &agent, customer.id).await;
    let order = id_of(&draft);
    assert_eq!(draft.body["status"], "draft");
    assert_eq!(draft.body["currency"], "USD");
    assert!(draft.body["number"].as_str().unwrap().starts_with("ORD-"));
    assert_eq!(draft.header("etag"), Some("\"1\""));
    assert_eq!(
        draft.header("location"),
        Some(format!("/api/v1/orders/{order}").as_str())
    );

    // The plan at half price for three months, by the code the customer quotes.
    let reply = add_line(
        &app,
        &agent,
        order,
        json!({"action": "add", "product_id": c.fiber, "promotion_code": "welcome3", "quantity": 1}),
    )
    .await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    let line = &reply.body["lines"][0];
    assert_eq!(line["kind"], "plan");
    assert_eq!(line["description"], "Test FIBER-300");
    assert_eq!(line["unit_monthly"], "39.00");
    assert_eq!(line["discount_monthly"], "19.50");
    assert_eq!(line["monthly_amount"], "19.50");
    assert_eq!(line["tax_rate"], "8.25");
    // 19.50 × 8.25% = 1.60875 → 1.61; 49.00 × 8.25% = 4.0425 → 4.04
    assert_eq!(line["monthly_tax"], "1.61");
    assert_eq!(line["one_time_amount"], "49.00");
    assert_eq!(line["one_time_tax"], "4.04");
    assert_eq!(line["promotion_id"], c.welcome);
    assert_eq!(line["promotion_cycles"], 3);
    assert_eq!(reply.header("etag"), Some("\"2\""));

    let reply = add_line(
        &app,
        &agent,
        order,
        json!({"action": "add", "product_id": c.router}),
    )
    .await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    // 129.00 × 7.25% = 9.3525 → 9.35
    assert_eq!(reply.body["lines"][1]["one_time_tax"], "9.35");
    assert_eq!(
        reply.body["totals"],
        json!({
            "one_time_subtotal": "178.00", "one_time_tax": "13.39", "one_time_total": "191.39",
            "monthly_subtotal": "19.50", "monthly_tax": "1.61", "monthly_total": "21.11",
            "first_invoice_total": "212.50"
        })
    );
    let router_line = reply.body["lines"][1]["id"].as_i64().unwrap();

    // Two routers: the line and the totals are recomputed from the frozen unit price.
    let reply = app
        .patch(
            &format!("/api/v1/orders/{order}/lines/{router_line}"),
            Some(&agent),
            &json!({"quantity": 2}),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    // 258.00 × 7.25% = 18.705 → 18.71
    assert_eq!(reply.body["lines"][1]["one_time_tax"], "18.71");
    assert_eq!(reply.body["totals"]["one_time_subtotal"], "307.00");
    assert_eq!(reply.body["totals"]["one_time_tax"], "22.75");

    // Dropping the promotion puts the plan back at full price.
    let plan_line = reply.body["lines"][0]["id"].as_i64().unwrap();
    let reply = app
        .patch(
            &format!("/api/v1/orders/{order}/lines/{plan_line}"),
            Some(&agent),
            &json!({"promotion_id": null}),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.body["lines"][0]["monthly_amount"], "39.00");
    assert_eq!(reply.body["lines"][0]["promotion_id"], Value::Null);

    let reply = app
        .request(
            reqwest::Method::DELETE,
            &format!("/api/v1/orders/{order}/lines/{router_line}"),
            Some(&agent),
            None,
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.body["lines"].as_array().unwrap().len(), 1);
    assert_eq!(reply.body["totals"]["one_time_total"], "53.04");
    assert_eq!(reply.body["totals"]["monthly_total"], "42.22");
    assert_eq!(reply.body["version"], 6);

    // What the database holds agrees with what the API said.
    assert_eq!(
        app.count(
            "orders",
            &format!("id = {order} AND monthly_subtotal = 39 AND monthly_tax = 3.22 AND one_time_subtotal = 49 AND version = 6")
        ),
        1
    );
    let read = app
        .get(&format!("/api/v1/orders/{order}"), Some(&agent))
        .await;
    assert_eq!(read.header("etag"), Some("\"6\""));
    assert_eq!(read.body["customer_name"], "Ana Lima");
    assert_eq!(read.body["credit_check"], Value::Null);
    let kinds: Vec<String> = events_of(&app, customer.id)
        .into_iter()
        .map(|e| e.0)
        .collect();
    assert_eq!(
        kinds,
        [
            "order.created",
            "order.line_added",
            "order.line_added",
            "order.line_changed",
            "order.line_changed",
            "order.line_removed"
        ]
    );
}

#[tokio::test]
async fn a_draft_can_be_opened_with_its_lines_and_bad_lines_are_named() {
    let app = spawn_app().await;
    let c = catalog(&app);
    let customer = CustomerBuilder::new("Ben Okafor").create(&app);
    let agent = app.token_as(Role::Agent);
    let reply = app
        .post(
            "/api/v1/orders",
            Some(&agent),
            &json!({"customer_id": customer.id, "channel": "in_person", "notes": "Moving in on the 5th",
                    "lines": [{"action": "add", "product_id": c.fiber}, {"action": "add", "product_id": c.router, "quantity": 2}]}),
        )
        .await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    assert_eq!(reply.body["lines"].as_array().unwrap().len(), 2);
    assert_eq!(reply.body["totals"]["monthly_subtotal"], "39.00");
    assert_eq!(reply.body["totals"]["one_time_subtotal"], "307.00");
    assert_eq!(reply.body["version"], 1);
    assert_eq!(reply.body["channel"], "in_person");

    let reply = app
        .post(
            "/api/v1/orders",
            Some(&agent),
            &json!({"customer_id": customer.id, "channel": "api",
                    "lines": [{"action": "add", "product_id": c.fiber}, {"action": "add", "quantity": 0}]}),
        )
        .await;
    assert_eq!(reply.status, 422, "{}", reply.text);
    assert_eq!(
        reply.error_fields(),
        ["lines[1].quantity", "lines[1].product_id"]
    );
    let reply = app
        .post(
            "/api/v1/orders",
            Some(&agent),
            &json!({"customer_id": customer.id, "channel": "api", "lines": [{"action": "add", "product_id": 999}]}),
        )
        .await;
    assert_eq!(reply.status, 422);
    assert_eq!(reply.error_fields(), ["lines[0].product_id"]);
    let reply = app
        .post(
            "/api/v1/orders",
            Some(&agent),
            &json!({"customer_id": customer.id, "channel": "fax"}),
        )
        .await;
    assert_eq!(reply.status, 422);
    assert_eq!(reply.error_fields(), ["channel"]);
    let reply = app
        .post(
            "/api/v1/orders",
            Some(&agent),
            &json!({"customer_id": customer.id, "channel": "api", "notes": "nul \u{0} byte",
                    "lines": [{"action": "add", "product_id": c.fiber, "promotion_code": "WEL COME"}]}),
        )
        .await;
    // A NUL character is refused before anything else looks at the request.
    assert_eq!(reply.status, 422, "{}", reply.text);
    assert_eq!(reply.error_fields(), ["notes"]);
    let reply = app
        .post(
            "/api/v1/orders",
            Some(&agent),
            &json!({"customer_id": customer.id, "channel": "api", "notes": "bell \u{7}",
                    "lines": [{"action": "add", "product_id": c.fiber, "promotion_code": "WEL COME"}]}),
        )
        .await;
    assert_eq!(reply.status, 422, "{}", reply.text);
    assert_eq!(reply.error_fields(), ["notes", "lines[0].promotion_code"]);
    let reply = app
        .post(
            "/api/v1/orders",
            Some(&agent),
            &json!({"customer_id": 4242, "channel": "api"}),
        )
        .await;
    assert_eq!(reply.status, 404);
    // Nothing half-made was left behind.
    assert_eq!(app.count("orders", ""), 1);
    let closed = CustomerBuilder::new("Gone").status("closed").create(&app);
    let reply = app
        .post(
            "/api/v1/orders",
            Some(&agent),
            &json!({"customer_id": closed.id, "channel": "api"}),
        )
        .await;
    assert_eq!(reply.status, 409);
    assert_eq!(reply.problem_code(), "customer_closed");
}

#[tokio::test]
async fn the_catalog_decides_what_can_be_sold_and_at_what_price() {
    let app = spawn_app().await;
    let c = catalog(&app);
    let customer = CustomerBuilder::new("Chiara Rossi").create(&app);
    let agent = app.token_as(Role::Agent);
    let order = id_of(&new_order(&app, &agent, customer.id).await);
    let now = app.clock_now();

    // A new price already valid is used; one valid from next month is not yet.
    add_product_version(&app, c.fiber, 2, "USD", "41.00", now - Duration::hours(1));
    add_product_version(&app, c.fiber, 3, "USD", "45.00", now + Duration::days(30));
    let reply = add_line(
        &app,
        &agent,
        order,
        json!({"action": "add", "product_id": c.fiber}),
    )
    .await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    assert_eq!(reply.body["lines"][0]["unit_monthly"], "41.00");
    assert_eq!(reply.body["lines"][0]["unit_one_time"], "0.00");

    // Retired products cannot be sold.
    let old = ProductBuilder::plan("DSL-16", "19.00").create(&app).id;
    retire_product(&app, old);
    let reply = add_line(
        &app,
        &agent,
        order,
        json!({"action": "add", "product_id": old}),
    )
    .await;
    assert_eq!(reply.status, 422);
    assert_eq!(reply.problem_code(), "product_retired");

    // A product priced only in another currency.
    let euro = ProductBuilder::plan("EURO-50", "25.00").create(&app).id;
    add_product_version(&app, euro, 2, "EUR", "25.00", now - Duration::minutes(1));
    let reply = add_line(
        &app,
        &agent,
        order,
        json!({"action": "add", "product_id": euro}),
    )
    .await;
    assert_eq!(reply.status, 422);
    assert_eq!(reply.problem_code(), "currency_mismatch");

    // Promotions: for the products they name, while active and within their dates.
    let cases = [
        json!({"action": "add", "product_id": c.router, "promotion_id": c.welcome}),
        json!({"action": "add", "product_id": c.fiber, "promotion_code": "NOPE"}),
        json!({"action": "add", "product_id": c.fiber, "promotion_id": PromotionBuilder::percent("Paused", "10").inactive().for_product(c.fiber).create(&app)}),
        json!({"action": "add", "product_id": c.fiber, "promotion_id": PromotionBuilder::percent("Summer", "10").valid(now - Duration::days(60), Some(now - Duration::days(1))).for_product(c.fiber).create(&app)}),
        json!({"action": "add", "product_id": c.fiber, "promotion_id": PromotionBuilder::percent("Next year", "10").valid(now + Duration::days(300), None).for_product(c.fiber).create(&app)}),
    ];
    for case in cases {
        let reply = add_line(&app, &agent, order, case.clone()).await;
        assert_eq!(reply.status, 422, "{case}: {}", reply.text);
        assert_eq!(reply.problem_code(), "promotion_not_applicable", "{case}");
    }
    // A fixed discount per unit, capped at the price.
    let five_off = PromotionBuilder::amount("5 off per IP", "5.00")
        .for_product(c.biz)
        .create(&app);
    let reply = add_line(
        &app,
        &agent,
        order,
        json!({"action": "add", "product_id": c.biz, "promotion_id": five_off, "quantity": 2}),
    )
    .await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    assert_eq!(reply.body["lines"][1]["monthly_amount"], "288.00");
    assert_eq!(reply.body["lines"][1]["discount_monthly"], "10.00");

    // change and remove need a subscription, which provisioning brings.
    for action in ["change", "remove"] {
        let reply = add_line(
            &app,
            &agent,
            order,
            json!({"action": action, "subscription_id": 1, "product_id": c.fiber}),
        )
        .await;
        assert_eq!(reply.status, 422, "{}", reply.text);
        assert_eq!(reply.problem_code(), "subscription_required");
        assert!(reply.body["detail"]
            .as_str()
            .unwrap()
            .contains("/change-plan"));
    }
    let reply = add_line(&app, &agent, order, json!({"action": "add", "product_id": c.fiber, "promotion_id": c.welcome, "promotion_code": "WELCOME3"})).await;
    assert_eq!(reply.error_fields(), ["promotion_code"]);
    assert_eq!(app.count("order_lines", &format!("order_id = {order}")), 2);

    // The agent's pick list: what can be sold now, priced for this customer.
    let reply = app
        .get(
            &format!("/api/v1/orders/{order}/sellable-products"),
            Some(&agent),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let codes: Vec<&str> = reply
        .items()
        .iter()
        .map(|p| p["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["FIBER-300", "ROUTER-AX", "BIZ-500"]);
    let fiber = &reply.items()[0];
    assert_eq!(fiber["monthly_price"], "41.00");
    assert_eq!(fiber["version"], 2);
    assert_eq!(fiber["tax_rate"], "8.25");
    let promos: Vec<&str> = fiber["promotions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(promos, ["Welcome: 50% off for 3 months"]);
    assert_eq!(reply.items()[1]["tax_rate"], "7.25");
}

#[tokio::test]
async fn a_small_order_is_approved_at_once_and_then_frozen() {
    let app = spawn_app().await;
    let c = catalog(&app);
    let customer = CustomerBuilder::new("Dmitri Ivanov").create(&app);
    let agent = app.token_as(Role::Agent);
    let order = id_of(&new_order(&app, &agent, customer.id).await);

    let empty = app
        .post(
            &format!("/api/v1/orders/{order}/submit"),
            Some(&agent),
            &json!({}),
        )
        .await;
    assert_eq!(empty.status, 422);
    assert_eq!(empty.problem_code(), "order_empty");

    add_line(
        &app,
        &agent,
        order,
        json!({"action": "add", "product_id": c.fiber, "promotion_code": "WELCOME3"}),
    )
    .await;
    let reply = app
        .post(
            &format!("/api/v1/orders/{order}/submit"),
            Some(&agent),
            &json!({}),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    // Approved, and at once fulfilled: its plan is being provisioned.
    assert_eq!(reply.body["status"], "provisioning");
    let check = &reply.body["credit_check"];
    assert_eq!(check["outcome"], "approved");
    assert_eq!(check["reasons"], json!([]));
    assert_eq!(check["deposit"], Value::Null);
    assert_eq!(check["customer_class"], "residential");
    assert!(reply.body["decision_reason"]
        .as_str()
        .unwrap()
        .contains("automatically"));
    assert_eq!(reply.body["decided_by"], Value::Null);
    assert!(reply.body["decided_at"].is_string());
    assert!(reply.body["submitted_at"].is_string());

    // Once submitted the order is not a draft any more.
    let reply = add_line(
        &app,
        &agent,
        order,
        json!({"action": "add", "product_id": c.router}),
    )
    .await;
    assert_eq!(reply.status, 409);
    assert_eq!(reply.problem_code(), "order_not_editable");
    let reply = app
        .patch(
            &format!("/api/v1/orders/{order}"),
            Some(&agent),
            &json!({"notes": "late"}),
        )
        .await;
    assert_eq!(reply.problem_code(), "order_not_editable");
    let reply = app
        .post(
            &format!("/api/v1/orders/{order}/submit"),
            Some(&agent),
            &json!({}),
        )
        .await;
    assert_eq!(reply.status, 409);
    assert_eq!(reply.problem_code(), "invalid_transition");
    // Provisioning, or already completed if the worker activated the plan meanwhile.
    let detail = reply.body["detail"].as_str().unwrap();
    assert!(
        detail.contains("from provisioning to submitted")
            || detail.contains("from completed to submitted"),
        "{detail}"
    );

    let kinds: Vec<String> = events_of(&app, customer.id)
        .into_iter()
        .map(|e| e.0)
        .collect();
    assert_eq!(
        kinds[..6],
        [
            "order.created",
            "order.line_added",
            "order.submitted",
            "order.approved",
            "subscription.created",
            "order.provisioning",
        ]
    );
    // Once it is being provisioned the order cannot be cancelled: the service it made is
    // ended by terminating the subscription.
    let reply = app
        .post(
            &format!("/api/v1/orders/{order}/cancel"),
            Some(&agent),
            &json!({"reason": "Customer changed their mind"}),
        )
        .await;
    assert_eq!(reply.status, 409, "{}", reply.text);
    assert_eq!(reply.problem_code(), "invalid_transition");
}

#[tokio::test]
async fn a_big_business_order_waits_for_a_manager_who_approves_it_with_a_reason() {
    let app = spawn_app().await;
    let c = catalog(&app);
    let customer = CustomerBuilder::new("Farid Haddad")
        .business("Haddad Logistics LLC")
        .create(&app);
    let agent = app.token_as(Role::Agent);
    let order = id_of(&new_order(&app, &agent, customer.id).await);
    let reply = add_line(
        &app,
        &agent,
        order,
        json!({"action": "add", "product_id": c.biz, "quantity": 10}),
    )
    .await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    // 1490.00 + 122.93 tax a month; 1990.00 + 164.18 tax once.
    assert_eq!(reply.body["totals"]["monthly_total"], "1612.93");
    assert_eq!(reply.body["totals"]["first_invoice_total"], "3767.11");

    let reply = app
        .post(
            &format!("/api/v1/orders/{order}/submit"),
            Some(&agent),
            &json!({}),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.body["status"], "pending_approval");
    let check = &reply.body["credit_check"];
    assert_eq!(check["outcome"], "needs_approval");
    assert_eq!(check["customer_class"], "business");
    assert_eq!(check["reasons"].as_array().unwrap().len(), 1);
    assert_eq!(check["reasons"][0]["code"], "above_approval_threshold");
    assert_eq!(check["reasons"][0]["amount"], "3767.11");
    assert_eq!(check["reasons"][0]["limit"], "1500.00");
    assert_eq!(
        check["reasons"][0]["message"],
        "The order comes to 3767.11 USD, above the 1500.00 USD a manager must approve."
    );
    // The business class asks one month of recurring charges as a deposit: a one-time,
    // untaxed line.
    assert_eq!(check["deposit"], "1612.93");
    let deposit = &reply.body["lines"][1];
    assert_eq!(deposit["kind"], "deposit");
    assert_eq!(deposit["description"], "Deposit");
    assert_eq!(deposit["one_time_amount"], "1612.93");
    assert_eq!(deposit["one_time_tax"], "0.00");
    assert_eq!(deposit["product_id"], Value::Null);
    assert_eq!(reply.body["totals"]["one_time_subtotal"], "3602.93");

    // The approval queue shows it.
    let manager_user = crate::helpers::UserBuilder::new(Role::Manager)
        .create(&app)
        .0;
    let manager = app.token_for(Role::Manager, manager_user.id);
    let queue = app
        .get("/api/v1/orders?status=pending_approval", Some(&manager))
        .await;
    assert_eq!(queue.status, 200, "{}", queue.text);
    assert_eq!(queue.items().len(), 1);
    assert_eq!(queue.items()[0]["customer_name"], "Haddad Logistics LLC");
    assert_eq!(queue.items()[0]["credit_outcome"], "needs_approval");
    assert_eq!(queue.items()[0]["line_count"], 2);

    // Agents cannot decide; managers must say why.
    for action in ["approve", "reject"] {
        let reply = app
            .post(
                &format!("/api/v1/orders/{order}/{action}"),
                Some(&agent),
                &json!({"reason": "I think it is fine"}),
            )
            .await;
        assert_eq!(reply.status, 403, "{action}");
        assert_eq!(reply.problem_code(), "forbidden");
    }
    let reply = app
        .post(
            &format!("/api/v1/orders/{order}/approve"),
            Some(&manager),
            &json!({"reason": "  "}),
        )
        .await;
    assert_eq!(reply.status, 422);
    assert_eq!(reply.error_fields(), ["reason"]);
    let reply = app
        .post(
            &format!("/api/v1/orders/{order}/approve"),
            Some(&manager),
            &json!({}),
        )
        .await;
    assert_eq!(reply.error_fields(), ["reason"]);

    let reply = app
        .post(
            &format!("/api/v1/orders/{order}/approve"),
            Some(&manager),
            &json!({"reason": "Long-standing client; deposit covers the risk"}),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.body["status"], "provisioning");
    assert_eq!(reply.body["decided_by"], manager_user.id);
    assert_eq!(
        reply.body["decision_reason"],
        "Long-standing client; deposit covers the risk"
    );
    // The credit check stays as it was made.
    assert_eq!(reply.body["credit_check"]["outcome"], "needs_approval");
    let again = app
        .post(
            &format!("/api/v1/orders/{order}/reject"),
            Some(&manager),
            &json!({"reason": "changed my mind"}),
        )
        .await;
    assert_eq!(again.status, 409);
    assert_eq!(again.problem_code(), "invalid_transition");

    // The events table tells the whole story, each step on the customer's timeline.
    let events = events_of(&app, customer.id);
    let kinds: Vec<&str> = events.iter().map(|e| e.0.as_str()).collect();
    assert_eq!(
        kinds[..7],
        [
            "order.created",
            "order.line_added",
            "order.submitted",
            "order.pending_approval",
            "order.approved",
            // Approval fulfils the order (the activation follows from the worker).
            "subscription.created",
            "order.provisioning",
        ]
    );
    assert!(events
        .iter()
        .filter(|e| e.0.starts_with("order."))
        .all(|e| e.1 == order.to_string()));
    {
        use api::db::schema::events;
        let payload: Value = events::table
            .filter(events::event_type.eq("order.approved"))
            .select(events::payload)
            .first(&mut app.conn())
            .unwrap();
        assert_eq!(
            payload["reason"],
            "Long-standing client; deposit covers the risk"
        );
        assert_eq!(payload["decided_by"], format!("user:{}", manager_user.id));
        let pending: Value = events::table
            .filter(events::event_type.eq("order.pending_approval"))
            .select(events::payload)
            .first(&mut app.conn())
            .unwrap();
        assert_eq!(
            pending["credit_check"]["reasons"][0]["code"],
            "above_approval_threshold"
        );
    }
    assert_eq!(
        app.count(
            "audit_log",
            &format!("entity_type = 'order' AND entity_id = '{order}' AND action = 'order.approved' AND actor = 'user:{}'", manager_user.id)
        ),
        1
    );
    assert_eq!(queue_len(&app, &manager).await, 0);
}

async fn queue_len(app: &TestApp, token: &str) -> usize {
    app.get("/api/v1/orders?status=pending_approval", Some(token))
        .await
        .items()
        .len()
}

#[tokio::test]
async fn an_overdue_balance_sends_the_order_to_a_manager_who_rejects_it() {
    let app = spawn_app().await;
    let c = catalog(&app);
    let customer = CustomerBuilder::new("Emma Schulz").create(&app);
    // An invoice of 45 due a month ago and paid only in part; another not due yet.
    ledger_entry(
        &app,
        customer.id,
        "invoice",
        "45.00",
        NaiveDate::from_ymd_opt(2026, 2, 1),
    );
    ledger_entry(&app, customer.id, "payment", "-20.00", None);
    ledger_entry(
        &app,
        customer.id,
        "invoice",
        "30.00",
        NaiveDate::from_ymd_opt(2026, 3, 15),
    );
    let agent = app.token_as(Role::Agent);
    let order = id_of(&new_order(&app, &agent, customer.id).await);
    add_line(
        &app,
        &agent,
        order,
        json!({"action": "add", "product_id": c.fiber}),
    )
    .await;
    let reply = app
        .post(
            &format!("/api/v1/orders/{order}/submit"),
            Some(&agent),
            &json!({}),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.body["status"], "pending_approval");
    let check = &reply.body["credit_check"];
    assert_eq!(check["balance"], "55.00");
    assert_eq!(check["overdue"], "25.00");
    assert_eq!(check["reasons"][0]["code"], "overdue_balance");
    assert_eq!(
        check["reasons"][0]["message"],
        "The customer has an overdue balance of 25.00 USD."
    );
    // Residential: no deposit.
    assert_eq!(reply.body["lines"].as_array().unwrap().len(), 1);

    let admin = app.admin_token().await;
    let reply = app
        .post(
            &format!("/api/v1/orders/{order}/reject"),
            Some(&admin),
            &json!({"reason": "Settle the overdue invoice first"}),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.body["status"], "rejected");
    assert_eq!(
        reply.body["decision_reason"],
        "Settle the overdue invoice first"
    );
    let reply = app
        .post(
            &format!("/api/v1/orders/{order}/cancel"),
            Some(&agent),
            &json!({"reason": "tidy up"}),
        )
        .await;
    assert_eq!(reply.status, 409);
    assert_eq!(reply.problem_code(), "invalid_transition");
    assert!(reply.body["detail"]
        .as_str()
        .unwrap()
        .contains("from rejected to cancelled"));
    let kinds: Vec<String> = events_of(&app, customer.id)
        .into_iter()
        .map(|e| e.0)
        .collect();
    assert_eq!(kinds.last().unwrap(), "order.rejected");
}

#[tokio::test]
async fn exempt_customers_pay_no_tax() {
    let app = spawn_app().await;
    let c = catalog(&app);
    let customer = CustomerBuilder::new("City Library").create(&app);
    {
        use api::db::schema::customers;
        diesel::update(customers::table.find(customer.id))
            .set((
                customers::tax_exempt.eq(true),
                customers::tax_exemption_ref.eq("EX-2026-001"),
            ))
            .execute(&mut app.conn())
            .unwrap();
    }
    let agent = app.token_as(Role::Agent);
    let order = id_of(&new_order(&app, &agent, customer.id).await);
    let reply = add_line(
        &app,
        &agent,
        order,
        json!({"action": "add", "product_id": c.fiber}),
    )
    .await;
    assert_eq!(reply.body["lines"][0]["tax_rate"], "0");
    assert_eq!(reply.body["totals"]["monthly_tax"], "0.00");
    assert_eq!(reply.body["totals"]["one_time_tax"], "0.00");
    assert_eq!(reply.body["totals"]["first_invoice_total"], "88.00");
}

#[tokio::test]
async fn two_writers_with_the_same_version_the_second_gets_409() {
    let app = spawn_app().await;
    let c = catalog(&app);
    let customer = CustomerBuilder::new("Hugo Martin").create(&app);
    let agent = app.token_as(Role::Agent);
    let other_agent = app.token_as(Role::Agent);
    let order = id_of(&new_order(&app, &agent, customer.id).await);
    let path = format!("/api/v1/orders/{order}");

    let first = with_if_match(
        &app,
        reqwest::Method::PATCH,
        &path,
        &agent,
        "\"1\"",
        Some(json!({"notes": "Gate code 1234"})),
    )
    .await;
    assert_eq!(first.status, 200, "{}", first.text);
    assert_eq!(first.header("etag"), Some("\"2\""));
    let second = with_if_match(
        &app,
        reqwest::Method::PATCH,
        &path,
        &other_agent,
        "\"1\"",
        Some(json!({"notes": "Call before visiting"})),
    )
    .await;
    assert_eq!(second.status, 409);
    assert_eq!(second.problem_code(), "version_conflict");
    assert_eq!(
        app.count(
            "orders",
            &format!("id = {order} AND notes = 'Gate code 1234' AND version = 2")
        ),
        1
    );

    // Both agents add a line at once, each holding version 2: exactly one wins.
    let lines = format!("{path}/lines");
    let (a, b) = tokio::join!(
        with_if_match(
            &app,
            reqwest::Method::POST,
            &lines,
            &agent,
            "\"2\"",
            Some(json!({"action": "add", "product_id": c.fiber}))
        ),
        with_if_match(
            &app,
            reqwest::Method::POST,
            &lines,
            &other_agent,
            "\"2\"",
            Some(json!({"action": "add", "product_id": c.router}))
        ),
    );
    let mut statuses = [a.status, b.status];
    statuses.sort();
    assert_eq!(statuses, [201, 409], "{} / {}", a.text, b.text);
    assert_eq!(app.count("order_lines", &format!("order_id = {order}")), 1);
    assert_eq!(
        app.count("orders", &format!("id = {order} AND version = 3")),
        1
    );

    // Submitting with a stale version is refused too; a garbled one is a 400.
    let stale = with_if_match(
        &app,
        reqwest::Method::POST,
        &format!("{path}/submit"),
        &agent,
        "\"2\"",
        None,
    )
    .await;
    assert_eq!(stale.problem_code(), "version_conflict");
    let garbled = with_if_match(
        &app,
        reqwest::Method::POST,
        &format!("{path}/submit"),
        &agent,
        "soon",
        None,
    )
    .await;
    assert_eq!(garbled.status, 400);
    assert_eq!(garbled.problem_code(), "invalid_if_match");
    let ok = with_if_match(
        &app,
        reqwest::Method::POST,
        &format!("{path}/submit"),
        &agent,
        "W/\"3\"",
        None,
    )
    .await;
    assert_eq!(ok.status, 200, "{}", ok.text);
}

#[tokio::test]
async fn who_may_read_write_and_decide() {
    let app = spawn_app().await;
    let c = catalog(&app);
    let customer = CustomerBuilder::new("Grace Kim")
        .business("Kim & Partners Dental")
        .create(&app);
    let agent = app.token_as(Role::Agent);
    let order = id_of(&new_order(&app, &agent, customer.id).await);
    add_line(
        &app,
        &agent,
        order,
        json!({"action": "add", "product_id": c.biz, "quantity": 10}),
    )
    .await;
    app.post(
        &format!("/api/v1/orders/{order}/submit"),
        Some(&agent),
        &json!({}),
    )
    .await;

    let create = json!({"customer_id": customer.id, "channel": "call_center"});
    for role in [Role::Viewer, Role::Finance] {
        let token = app.token_as(role);
        assert_eq!(
            app.get(&format!("/api/v1/orders/{order}"), Some(&token))
                .await
                .status,
            200,
            "{role} reads"
        );
        assert_eq!(
            app.get("/api/v1/orders", Some(&token)).await.status,
            200,
            "{role} lists"
        );
        let reply = app.post("/api/v1/orders", Some(&token), &create).await;
        assert_eq!(reply.status, 403, "{role} creates");
        let reply = app
            .post(
                &format!("/api/v1/orders/{order}/cancel"),
                Some(&token),
                &json!({"reason": "x"}),
            )
            .await;
        assert_eq!(reply.status, 403, "{role} cancels");
        let reply = app
            .post(
                &format!("/api/v1/orders/{order}/approve"),
                Some(&token),
                &json!({"reason": "x"}),
            )
            .await;
        assert_eq!(reply.status, 403, "{role} approves");
    }
    let customer_token = app.token_as(Role::Customer);
    assert_eq!(
        app.get(&format!("/api/v1/orders/{order}"), Some(&customer_token))
            .await
            .status,
        403
    );
    // Still waiting, untouched by any refused call.
    assert_eq!(
        app.count(
            "orders",
            &format!("id = {order} AND status = 'pending_approval'")
        ),
        1
    );
    assert_eq!(app.count("orders", ""), 1);
}

#[tokio::test]
async fn a_crm_places_an_order_through_the_api_alone() {
    let app = spawn_app().await;
    let c = catalog(&app);
    let customer = CustomerBuilder::new("Farid Haddad")
        .business("Haddad Logistics LLC")
        .create(&app);
    let admin = app.admin_token().await;
    // The ISP's admin registers the CRM once.
    let client = app
        .post(
            "/api/v1/api-clients",
            Some(&admin),
            &json!({"name": "Acme CRM", "scopes": ["orders:read", "orders:write"]}),
        )
        .await;
    assert_eq!(client.status, 201, "{}", client.text);
    let grant = |scope: &str| json!({"grant_type": "client_credentials", "client_id": client.body["client_id"], "client_secret": client.body["client_secret"], "scope": scope});
    let token_reply = app
        .post(
            "/api/v1/auth/token",
            None,
            &grant("orders:read orders:write"),
        )
        .await;
    assert_eq!(token_reply.status, 200, "{}", token_reply.text);
    let crm = token_reply.body["access_token"]
        .as_str()
        .unwrap()
        .to_owned();

    // A read-only token cannot place orders.
    let read_only = app
        .post("/api/v1/auth/token", None, &grant("orders:read"))
        .await
        .body["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let refused = app
        .post(
            "/api/v1/orders",
            Some(&read_only),
            &json!({"customer_id": customer.id, "channel": "api"}),
        )
        .await;
    assert_eq!(refused.status, 403);
    assert_eq!(refused.problem_code(), "insufficient_scope");

    let draft = app
        .send(
            app.client
                .post(app.url("/api/v1/orders"))
                .bearer_auth(&crm)
                .header("Idempotency-Key", "crm-order-1")
                .json(&json!({"customer_id": customer.id, "channel": "api", "notes": "From Acme CRM deal 991"})),
        )
        .await;
    assert_eq!(draft.status, 201, "{}", draft.text);
    assert_eq!(
        draft.body["created_by"],
        format!("api_client:{}", client.body["id"])
    );
    let order = id_of(&draft);
    let products = app
        .get(
            &format!("/api/v1/orders/{order}/sellable-products"),
            Some(&crm),
        )
        .await;
    let biz = products
        .items()
        .iter()
        .find(|p| p["code"] == "BIZ-500")
        .expect("BIZ-500 is sellable");
    assert_eq!(biz["product_id"], c.biz);
    let reply = add_line(
        &app,
        &crm,
        order,
        json!({"action": "add", "product_id": biz["product_id"], "quantity": 10}),
    )
    .await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    let etag = reply.header("etag").unwrap().to_owned();
    let reply = with_if_match(
        &app,
        reqwest::Method::POST,
        &format!("/api/v1/orders/{order}/submit"),
        &crm,
        &etag,
        None,
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.body["status"], "pending_approval");
    // The CRM cannot approve its own order.
    let reply = app
        .post(
            &format!("/api/v1/orders/{order}/approve"),
            Some(&crm),
            &json!({"reason": "ok"}),
        )
        .await;
    assert_eq!(reply.status, 403);
    let read = app
        .get(&format!("/api/v1/orders/{order}"), Some(&crm))
        .await;
    assert_eq!(
        read.body["credit_check"]["reasons"][0]["code"],
        "above_approval_threshold"
    );
    let mine = app
        .get(
            &format!(
                "/api/v1/orders?customer_id={}&status=pending_approval,approved",
                customer.id
            ),
            Some(&crm),
        )
        .await;
    assert_eq!(mine.items().len(), 1);
}

#[tokio::test]
async fn the_list_filters_by_status_and_customer_and_pages_newest_first() {
    let app = spawn_app().await;
    let c = catalog(&app);
    let ana = CustomerBuilder::new("Ana").create(&app);
    let ben = CustomerBuilder::new("Ben").create(&app);
    let agent = app.token_as(Role::Agent);
    let mut ids = Vec::new();
    for customer in [ana.id, ben.id, ana.id] {
        ids.push(id_of(&new_order(&app, &agent, customer).await));
    }
    add_line(
        &app,
        &agent,
        ids[0],
        json!({"action": "add", "product_id": c.fiber}),
    )
    .await;
    app.post(
        &format!("/api/v1/orders/{}/submit", ids[0]),
        Some(&agent),
        &json!({}),
    )
    .await;

    let list = |q: String| {
        let agent = agent.clone();
        let app = &app;
        async move {
            let reply = app.get(&format!("/api/v1/orders{q}"), Some(&agent)).await;
            assert_eq!(reply.status, 200, "{q}: {}", reply.text);
            reply
        }
    };
    let all: Vec<i64> = list(String::new())
        .await
        .items()
        .iter()
        .map(|o| o["id"].as_i64().unwrap())
        .collect();
    assert_eq!(all, [ids[2], ids[1], ids[0]]);
    let drafts = list("?status=draft".into()).await;
    assert_eq!(drafts.items().len(), 2);
    assert_eq!(
        list("?status=draft&status=provisioning&status=completed".into())
            .await
            .items()
            .len(),
        3
    );
    assert_eq!(
        list("?status=provisioning,completed,cancelled".into())
            .await
            .items()
            .len(),
        1
    );
    assert_eq!(
        list(format!("?customer_id={}", ana.id)).await.items().len(),
        2
    );
    assert_eq!(
        list(format!("?customer_id={}&status=draft", ana.id))
            .await
            .items()
            .len(),
        1
    );

    let page = list("?limit=2".into()).await;
    assert_eq!(page.items().len(), 2);
    let cursor = page.body["next_cursor"].as_str().unwrap().to_owned();
    let rest = list(format!("?limit=2&cursor={cursor}")).await;
    assert_eq!(rest.items()[0]["id"], ids[0]);
    assert_eq!(rest.body["next_cursor"], Value::Null);

    for bad in [
        "?status=shipped",
        "?colour=red",
        "?limit=0",
        "?cursor=zzz",
        "?customer_id=x",
    ] {
        let reply = app.get(&format!("/api/v1/orders{bad}"), Some(&agent)).await;
        assert_eq!(reply.status, 400, "{bad}");
    }
    assert_eq!(
        app.get("/api/v1/orders/999", Some(&agent)).await.status,
        404
    );
    let reply = app
        .request(
            reqwest::Method::DELETE,
            &format!("/api/v1/orders/{}/lines/999", ids[1]),
            Some(&agent),
            None,
        )
        .await;
    assert_eq!(reply.status, 404);
}

#[tokio::test]
async fn the_demo_isp_has_an_order_in_each_state_a_new_user_meets() {
    let app = crate::helpers::spawn_app_with(|c| c.demo_data = true).await;
    assert_eq!(
        app.count(
            "orders o JOIN customers c ON c.id = o.customer_id",
            "c.email = 'ana.lima@example.net' AND o.status = 'draft'"
        ),
        1
    );
    assert_eq!(app.count("orders", "status = 'draft'"), 1);
    // The auto-approved order went on to provisioning (and completes once its plan is live).
    assert_eq!(
        app.count("orders", "status IN ('provisioning', 'completed')"),
        1
    );
    assert_eq!(app.count("subscriptions", "TRUE"), 1);
    assert_eq!(app.count("orders", "status = 'pending_approval'"), 1);
    // The business order is over its class's threshold and carries the deposit.
    assert_eq!(
        app.count(
            "orders o JOIN customers c ON c.id = o.customer_id JOIN order_lines l ON l.order_id = o.id",
            "o.status = 'pending_approval' AND c.kind = 'business' AND l.kind = 'deposit'"
        ),
        1
    );
    let manager = app.token_as(Role::Manager);
    let queue = app
        .get("/api/v1/orders?status=pending_approval", Some(&manager))
        .await;
    assert_eq!(
        queue.items()[0]["credit_reasons"][0],
        // 5 × (149.00 + 5.00) a month + 8.25% tax = 833.52; 5 × 199.00 setup + tax = 1077.09
        "The order comes to 1910.61 USD, above the 1500.00 USD a manager must approve."
    );
}

#[tokio::test]
async fn a_line_keeps_the_promotion_terms_it_was_sold_with() {
    let app = spawn_app().await;
    let c = catalog(&app);
    let customer = CustomerBuilder::new("Ana Lima").create(&app);
    let agent = app.token_as(Role::Agent);
    let order = id_of(&new_order(&app, &agent, customer.id).await);
    let reply = add_line(
        &app,
        &agent,
        order,
        json!({"action": "add", "product_id": c.fiber, "promotion_code": "WELCOME3"}),
    )
    .await;
    let line = reply.body["lines"][0]["id"].as_i64().unwrap();
    // The marketing team makes the welcome offer less generous afterwards.
    {
        use api::db::schema::promotions;
        diesel::update(promotions::table.find(c.welcome))
            .set((
                promotions::value.eq(rust_decimal::Decimal::from(10)),
                promotions::cycles.eq(1),
            ))
            .execute(&mut app.conn())
            .unwrap();
    }
    let reply = app
        .patch(
            &format!("/api/v1/orders/{order}/lines/{line}"),
            Some(&agent),
            &json!({"quantity": 2}),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    // Still half of 2 × 39.00, for three cycles, as quoted to the customer.
    assert_eq!(reply.body["lines"][0]["monthly_amount"], "39.00");
    assert_eq!(reply.body["lines"][0]["promotion_cycles"], 3);
    assert_eq!(
        app.count(
            "order_lines",
            &format!("id = {line} AND promotion_kind = 'percent' AND promotion_value = 50 AND promotion_cycles = 3")
        ),
        1
    );
    // Applying it again takes the terms of today.
    let reply = app
        .patch(
            &format!("/api/v1/orders/{order}/lines/{line}"),
            Some(&agent),
            &json!({"promotion_code": "WELCOME3"}),
        )
        .await;
    assert_eq!(reply.body["lines"][0]["monthly_amount"], "70.20");
    assert_eq!(reply.body["lines"][0]["promotion_cycles"], 1);
}
