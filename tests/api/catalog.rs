//! The catalog: managers create products and re-price them with new versions, retire what
//! is no longer sold, run promotions and keep tax rates; staff and CRMs read it all.

use api::auth::Role;
use api::services::catalog;
use chrono::{Duration, NaiveDate};
use diesel::prelude::*;
use rust_decimal::Decimal;
use serde_json::{json, Value};

use crate::builders::{CustomerBuilder, ProductBuilder};
use crate::helpers::{spawn_app, t0, TestApp};

fn fiber_100() -> Value {
    json!({
        "code": "fiber-100",
        "kind": "plan",
        "service": "internet",
        "name": "Fiber 100",
        "tax_category": "telecom",
        "radius_group": "fiber_100",
        "currency": "USD",
        "monthly_price": "29",
        "one_time_price": "49.5",
        "download_mbps": 100,
        "upload_mbps": 20,
        "data_cap_gb": 500,
        "overage_per_gb": "0.5",
        "contract_months": 12,
        "early_termination_fee": "100"
    })
}

async fn create(app: &TestApp, token: &str, body: &Value) -> Value {
    let reply = app.post("/api/v1/products", Some(token), body).await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    reply.body
}

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

#[tokio::test]
async fn a_manager_creates_a_plan_with_its_first_version_and_agents_read_it() {
    let app = spawn_app().await;
    let manager = app.token_as(Role::Manager);
    let reply = app
        .post("/api/v1/products", Some(&manager), &fiber_100())
        .await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    let id = reply.body["id"].as_i64().unwrap();
    assert_eq!(
        reply.header("location"),
        Some(format!("/api/v1/products/{id}").as_str())
    );
    assert_eq!(reply.header("etag"), Some("\"1\""));
    let product = &reply.body;
    assert_eq!(product["code"], "FIBER-100", "codes are upper-cased");
    assert_eq!(product["status"], "active");
    let current = &product["current_version"];
    assert_eq!(current["version"], 1);
    assert_eq!(current["status"], "current");
    assert_eq!(current["monthly_price"], "29.00");
    assert_eq!(current["one_time_price"], "49.50");
    assert_eq!(current["overage_per_gb"], "0.50");
    assert_eq!(current["early_termination_fee"], "100.00");
    assert_eq!(current["data_cap_gb"], 500);
    assert_eq!(product["versions"].as_array().unwrap().len(), 1);
    assert_eq!(
        app.count(
            "audit_log",
            "action = 'product.created' AND entity_id = '1'"
        ),
        1
    );

    let agent = app.token_as(Role::Agent);
    let list = app.get("/api/v1/products", Some(&agent)).await;
    assert_eq!(list.status, 200, "{}", list.text);
    assert_eq!(list.items().len(), 1);
    assert_eq!(list.items()[0]["current_version"]["monthly_price"], "29.00");
    let one = app
        .get(&format!("/api/v1/products/{id}"), Some(&agent))
        .await;
    assert_eq!(one.status, 200);
    assert_eq!(one.body["radius_group"], "fiber_100");
    assert_eq!(one.header("etag"), Some("\"1\""));
    assert_eq!(
        app.get("/api/v1/products/999", Some(&agent)).await.status,
        404
    );
}

#[tokio::test]
async fn add_ons_and_one_time_products_have_their_own_shapes() {
    let app = spawn_app().await;
    let admin = app.token_as(Role::Admin);
    let ip = create(
        &app,
        &admin,
        &json!({"code": "STATIC-IP", "kind": "addon", "name": "Static IP", "tax_category": "telecom",
                "currency": "USD", "monthly_price": "5"}),
    )
    .await;
    assert_eq!(ip["service"], Value::Null);
    assert_eq!(ip["current_version"]["one_time_price"], "0.00");
    let install = create(
        &app,
        &admin,
        &json!({"code": "INSTALL", "kind": "one_time", "name": "Installation", "tax_category": "services",
                "currency": "USD", "monthly_price": "0", "one_time_price": "99"}),
    )
    .await;
    assert_eq!(install["current_version"]["one_time_price"], "99.00");
    let bad = app
        .post(
            "/api/v1/products",
            Some(&admin),
            &json!({"code": "ROUTER", "kind": "one_time", "service": "tv", "name": "Router",
                    "tax_category": "hardware", "currency": "USD", "monthly_price": "3",
                    "one_time_price": "129", "download_mbps": 100}),
        )
        .await;
    assert_eq!(bad.status, 422, "{}", bad.text);
    assert_eq!(
        bad.error_fields(),
        ["service", "monthly_price", "download_mbps"]
    );
}

#[tokio::test]
async fn bad_products_are_refused_field_by_field_and_nothing_is_written() {
    let app = spawn_app().await;
    let manager = app.token_as(Role::Manager);
    let reply = app
        .post(
            "/api/v1/products",
            Some(&manager),
            &json!({
                "code": "fiber 100!",
                "kind": "plan",
                "name": "  ",
                "tax_category": "Telecom",
                "radius_group": "has space",
                "currency": "usd",
                "monthly_price": "-1",
                "one_time_price": "0.12345",
                "download_mbps": 0,
                "upload_mbps": 20,
                "data_cap_gb": 100,
                "contract_months": 0,
                "early_termination_fee": "50",
                "valid_from": "2026-03-01T00:00:00Z"
            }),
        )
        .await;
    assert_eq!(reply.status, 422, "{}", reply.text);
    assert_eq!(reply.problem_code(), "validation_failed");
    assert_eq!(
        reply.error_fields(),
        [
            "code",
            "name",
            "tax_category",
            "radius_group",
            "service",
            "currency",
            "monthly_price",
            "one_time_price",
            "download_mbps",
            "overage_per_gb",
            "early_termination_fee",
            "valid_from"
        ]
    );
    assert_eq!(app.count("products", ""), 0);

    let mut priced = fiber_100();
    priced["monthly_price"] = json!("abc");
    let reply = app.post("/api/v1/products", Some(&manager), &priced).await;
    assert_eq!(reply.status, 422);
    assert_eq!(reply.error_fields(), ["monthly_price"]);
    let mut wrong_kind = fiber_100();
    wrong_kind["kind"] = json!("bundle");
    let reply = app
        .post("/api/v1/products", Some(&manager), &wrong_kind)
        .await;
    assert_eq!(reply.error_fields(), ["kind"]);

    create(&app, &manager, &fiber_100()).await;
    let again = app
        .post("/api/v1/products", Some(&manager), &fiber_100())
        .await;
    assert_eq!(again.status, 409);
    assert_eq!(again.problem_code(), "product_code_taken");
    assert_eq!(app.count("products", ""), 1);
    assert_eq!(app.count("product_versions", ""), 1);
}

#[tokio::test]
async fn a_price_change_is_a_new_version_and_the_old_one_is_kept() {
    let app = spawn_app().await;
    let manager = app.token_as(Role::Manager);
    let id = create(&app, &manager, &fiber_100()).await["id"]
        .as_i64()
        .unwrap();
    let path = format!("/api/v1/products/{id}/versions");
    let mut terms = fiber_100();
    for field in [
        "code",
        "kind",
        "service",
        "name",
        "tax_category",
        "radius_group",
    ] {
        terms.as_object_mut().unwrap().remove(field);
    }
    terms["monthly_price"] = json!("31");
    terms["apply_to_existing"] = json!(true);
    let reply = app.post(&path, Some(&manager), &terms).await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    assert_eq!(reply.body["version"], 2);
    assert_eq!(reply.body["status"], "current");
    assert_eq!(reply.body["valid_from"], "2026-03-02T09:00:00Z");
    assert_eq!(reply.body["apply_to_existing"], true);

    // A third version is scheduled for next month; the second stays current until then.
    let mut later = terms.clone();
    later["monthly_price"] = json!("33");
    later["valid_from"] = json!("2026-04-01T00:00:00Z");
    let reply = app.post(&path, Some(&manager), &later).await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    assert_eq!(reply.body["status"], "scheduled");

    let agent = app.token_as(Role::Agent);
    let product = app
        .get(&format!("/api/v1/products/{id}"), Some(&agent))
        .await;
    assert_eq!(product.body["current_version"]["version"], 2);
    assert_eq!(product.body["current_version"]["monthly_price"], "31.00");
    let history: Vec<(i64, &str, &str)> = product.body["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["version"].as_i64().unwrap(),
                v["status"].as_str().unwrap(),
                v["monthly_price"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        history,
        [
            (3, "scheduled", "33.00"),
            (2, "current", "31.00"),
            (1, "superseded", "29.00")
        ]
    );
    assert_eq!(
        app.count(
            "product_versions",
            &format!("product_id = {id} AND version = 1 AND monthly_price = 29")
        ),
        1,
        "version 1 is untouched"
    );
    assert_eq!(
        app.count("audit_log", "action = 'product.version_added'"),
        2
    );

    // The services pick the version valid at an instant.
    let mut conn = app.conn();
    let now = catalog::current_version(&mut conn, id, t0()).unwrap();
    assert_eq!((now.version, now.monthly_price), (2, d("31")));
    let april = t0() + Duration::days(31);
    assert_eq!(
        catalog::current_version(&mut conn, id, april)
            .unwrap()
            .version,
        3
    );
    app.clock.advance(Duration::days(31));
    let agent = app.token_as(Role::Agent);
    let list = app.get("/api/v1/products", Some(&agent)).await;
    assert_eq!(list.items()[0]["current_version"]["monthly_price"], "33.00");
}

#[tokio::test]
async fn a_version_cannot_start_in_the_past_before_the_latest_or_in_another_currency() {
    let app = spawn_app().await;
    let manager = app.token_as(Role::Manager);
    let id = create(&app, &manager, &fiber_100()).await["id"]
        .as_i64()
        .unwrap();
    let path = format!("/api/v1/products/{id}/versions");
    let base = json!({"monthly_price": "30", "download_mbps": 100, "upload_mbps": 20});
    let mut past = base.clone();
    past["valid_from"] = json!("2026-03-01T00:00:00Z");
    let reply = app.post(&path, Some(&manager), &past).await;
    assert_eq!(reply.status, 422, "{}", reply.text);
    assert_eq!(reply.error_fields(), ["valid_from"]);

    let mut scheduled = base.clone();
    scheduled["valid_from"] = json!("2026-05-01T00:00:00Z");
    assert_eq!(
        app.post(&path, Some(&manager), &scheduled).await.status,
        201
    );
    let mut before_it = base.clone();
    before_it["valid_from"] = json!("2026-04-01T00:00:00Z");
    let reply = app.post(&path, Some(&manager), &before_it).await;
    assert_eq!(reply.status, 422);
    assert!(
        reply.body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("before version 2"),
        "{}",
        reply.text
    );

    let mut euros = base.clone();
    euros["currency"] = json!("EUR");
    euros["valid_from"] = json!("2026-06-01T00:00:00Z");
    let reply = app.post(&path, Some(&manager), &euros).await;
    assert_eq!(reply.error_fields(), ["currency"]);

    let speedless = json!({"monthly_price": "30", "valid_from": "2026-06-01T00:00:00Z"});
    let reply = app.post(&path, Some(&manager), &speedless).await;
    assert_eq!(reply.error_fields(), ["download_mbps", "upload_mbps"]);
    assert_eq!(app.count("product_versions", ""), 2);
    assert_eq!(
        app.post("/api/v1/products/999/versions", Some(&manager), &base)
            .await
            .status,
        404
    );
}

#[tokio::test]
async fn descriptive_fields_change_with_if_match_and_prices_never_do() {
    let app = spawn_app().await;
    let manager = app.token_as(Role::Manager);
    let id = create(&app, &manager, &fiber_100()).await["id"]
        .as_i64()
        .unwrap();
    let path = format!("/api/v1/products/{id}");
    let reply = app
        .send(
            app.client
                .patch(app.url(&path))
                .bearer_auth(&manager)
                .header("If-Match", "\"1\"")
                .json(&json!({"name": "Fiber 100 Home", "description": "Our classic", "radius_group": null})),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.body["name"], "Fiber 100 Home");
    assert_eq!(reply.body["description"], "Our classic");
    assert_eq!(reply.body["radius_group"], Value::Null);
    assert_eq!(reply.body["version"], 2);
    assert_eq!(reply.header("etag"), Some("\"2\""));
    assert_eq!(reply.body["current_version"]["monthly_price"], "29.00");

    let stale = app
        .send(
            app.client
                .patch(app.url(&path))
                .bearer_auth(&manager)
                .header("If-Match", "\"1\"")
                .json(&json!({"name": "Lost update"})),
        )
        .await;
    assert_eq!(stale.status, 409);
    assert_eq!(stale.problem_code(), "version_conflict");

    let repriced = app
        .patch(&path, Some(&manager), &json!({"monthly_price": "1"}))
        .await;
    assert_eq!(repriced.status, 422);
    assert_eq!(repriced.body["errors"][0]["code"], "unknown_field");
    let bad = app
        .patch(&path, Some(&manager), &json!({"tax_category": "VAT!"}))
        .await;
    assert_eq!(bad.error_fields(), ["tax_category"]);
    let garbled = app
        .send(
            app.client
                .patch(app.url(&path))
                .bearer_auth(&manager)
                .header("If-Match", "soon")
                .json(&json!({"name": "X"})),
        )
        .await;
    assert_eq!(garbled.problem_code(), "invalid_if_match");
    assert_eq!(app.count("products", "name = 'Fiber 100 Home'"), 1);
    assert_eq!(app.count("audit_log", "action = 'product.updated'"), 1);
}

#[tokio::test]
async fn a_retired_product_stays_readable_but_is_no_longer_sold() {
    let app = spawn_app().await;
    let manager = app.token_as(Role::Manager);
    let id = create(&app, &manager, &fiber_100()).await["id"]
        .as_i64()
        .unwrap();
    let retire = format!("/api/v1/products/{id}/retire");
    let first = app.post(&retire, Some(&manager), &json!({})).await;
    assert_eq!(first.status, 200, "{}", first.text);
    assert_eq!(first.body["status"], "retired");
    assert_eq!(first.body["retired_at"], "2026-03-02T09:00:00Z");
    app.clock.advance(Duration::hours(1));
    let manager = app.token_as(Role::Manager);
    let again = app.post(&retire, Some(&manager), &json!({})).await;
    assert_eq!(again.status, 200);
    assert_eq!(
        again.body["retired_at"], "2026-03-02T09:00:00Z",
        "retiring twice keeps the first date"
    );
    assert_eq!(app.count("audit_log", "action = 'product.retired'"), 1);

    let agent = app.token_as(Role::Agent);
    assert_eq!(
        app.get("/api/v1/products", Some(&agent))
            .await
            .items()
            .len(),
        0
    );
    let all = app
        .get("/api/v1/products?include_retired=true", Some(&agent))
        .await;
    assert_eq!(all.items().len(), 1);
    let one = app
        .get(&format!("/api/v1/products/{id}"), Some(&agent))
        .await;
    assert_eq!(one.status, 200);
    assert_eq!(one.body["current_version"]["version"], 1);

    let err = catalog::current_version(&mut app.conn(), id, app.clock_now()).unwrap_err();
    assert_eq!(err.code(), "product_retired");
    let repriced = app
        .post(
            &format!("/api/v1/products/{id}/versions"),
            Some(&manager),
            &json!({"monthly_price": "1", "download_mbps": 1, "upload_mbps": 1}),
        )
        .await;
    assert_eq!(repriced.status, 409);
    assert_eq!(repriced.problem_code(), "product_retired");
}

#[tokio::test]
async fn only_a_product_nothing_refers_to_can_be_deleted() {
    let app = spawn_app().await;
    let manager = app.token_as(Role::Manager);
    let mistake = ProductBuilder::plan("MISTAKE", "1.00").create(&app);
    let reply = app
        .request(
            reqwest::Method::DELETE,
            &format!("/api/v1/products/{}", mistake.id),
            Some(&manager),
            None,
        )
        .await;
    assert_eq!(reply.status, 204, "{}", reply.text);
    assert_eq!(app.count("products", "code = 'MISTAKE'"), 0);
    assert_eq!(app.count("product_versions", ""), 0);
    assert_eq!(app.count("audit_log", "action = 'product.deleted'"), 1);

    // Ordered: an order line names one of its versions.
    let ordered = ProductBuilder::plan("ORDERED", "29.00").create(&app);
    let customer = CustomerBuilder::new("Ada Lovelace").create(&app);
    {
        let mut conn = app.conn();
        let order_id = api::services::orders::create_draft(
            &mut conn,
            &app.system_context(),
            customer.id,
            None,
            api::services::orders::Channel::CallCenter,
            None,
        )
        .unwrap();
        diesel::sql_query(format!(
            "INSERT INTO order_lines (order_id, customer_id, position, action, kind, product_version_id,
                                      description, quantity, created_at)
             VALUES ({order_id}, {}, 1, 'add', 'plan', {}, 'Ordered', 1, now())",
            customer.id, ordered.version_id
        ))
        .execute(&mut conn)
        .unwrap();
    }
    // Wanted: a lead is interested in it.
    let wanted = ProductBuilder::plan("WANTED", "29.00").create(&app);
    diesel::sql_query(format!(
        "INSERT INTO leads (name, email, source, interest_product_id, created_at, updated_at)
         VALUES ('Grace', 'grace@example.test', 'web', {}, now(), now())",
        wanted.id
    ))
    .execute(&mut app.conn())
    .unwrap();
    // Promoted: a promotion lists it.
    let promoted = ProductBuilder::plan("PROMOTED", "29.00").create(&app);
    let promo = app
        .post(
            "/api/v1/promotions",
            Some(&manager),
            &json!({"name": "Promo", "kind": "percent", "value": "10", "product_ids": [promoted.id]}),
        )
        .await;
    assert_eq!(promo.status, 201, "{}", promo.text);

    for (product, reason) in [
        (ordered.id, "order lines"),
        (wanted.id, "leads"),
        (promoted.id, "promotions"),
    ] {
        let reply = app
            .request(
                reqwest::Method::DELETE,
                &format!("/api/v1/products/{product}"),
                Some(&manager),
                None,
            )
            .await;
        assert_eq!(reply.status, 409, "{reason}: {}", reply.text);
        assert_eq!(reply.problem_code(), "product_in_use");
        assert!(reply.body["detail"].as_str().unwrap().contains(reason));
    }
    assert_eq!(app.count("products", ""), 3);
    let missing = app
        .request(
            reqwest::Method::DELETE,
            "/api/v1/products/999",
            Some(&manager),
            None,
        )
        .await;
    assert_eq!(missing.status, 404);
}

#[tokio::test]
async fn products_are_filtered_and_paged_by_id() {
    let app = spawn_app().await;
    let viewer = app.token_as(Role::Viewer);
    for code in ["P1", "P2", "P3"] {
        ProductBuilder::plan(code, "10.00").create(&app);
    }
    ProductBuilder::addon("IP", "5.00").create(&app);
    ProductBuilder::one_time("INSTALL", "99.00").create(&app);

    let plans = app
        .get("/api/v1/products?kind=plan&limit=2", Some(&viewer))
        .await;
    assert_eq!(plans.status, 200, "{}", plans.text);
    let codes = |r: &crate::helpers::Reply| -> Vec<String> {
        r.items()
            .iter()
            .map(|p| p["code"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(codes(&plans), ["P1", "P2"]);
    let cursor = plans.body["next_cursor"].as_str().unwrap();
    let rest = app
        .get(
            &format!("/api/v1/products?kind=plan&limit=2&cursor={cursor}"),
            Some(&viewer),
        )
        .await;
    assert_eq!(codes(&rest), ["P3"]);
    assert_eq!(rest.body["next_cursor"], Value::Null);
    let internet = app
        .get("/api/v1/products?service=internet", Some(&viewer))
        .await;
    assert_eq!(internet.items().len(), 3);
    let one_time = app
        .get("/api/v1/products?kind=one_time", Some(&viewer))
        .await;
    assert_eq!(codes(&one_time), ["INSTALL"]);
    for bad in [
        "/api/v1/products?kind=bundle",
        "/api/v1/products?colour=red",
        "/api/v1/products?cursor=garbage!",
        "/api/v1/products?limit=0",
    ] {
        let reply = app.get(bad, Some(&viewer)).await;
        assert_eq!(reply.status, 400, "{bad}: {}", reply.text);
    }
}

#[tokio::test]
async fn promotions_are_percent_or_amount_for_eligible_plans_and_add_ons() {
    let app = spawn_app().await;
    let manager = app.token_as(Role::Manager);
    let plan = ProductBuilder::plan("FIBER-100", "29.00").create(&app);
    let addon = ProductBuilder::addon("IP", "5.00").create(&app);
    let install = ProductBuilder::one_time("INSTALL", "99.00").create(&app);

    let reply = app
        .post(
            "/api/v1/promotions",
            Some(&manager),
            &json!({"code": "welcome3", "name": "Welcome", "kind": "percent", "value": "50",
                    "cycles": 3, "valid_to": "2026-06-01T00:00:00Z",
                    "product_ids": [addon.id, plan.id, plan.id]}),
        )
        .await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    let promo = reply.body;
    assert_eq!(promo["code"], "WELCOME3");
    assert_eq!(promo["value"], "50");
    assert_eq!(promo["currency"], Value::Null);
    assert_eq!(promo["valid_from"], "2026-03-02T09:00:00Z");
    assert_eq!(promo["product_ids"], json!([plan.id, addon.id]));
    assert_eq!(app.count("audit_log", "action = 'promotion.created'"), 1);

    let taken = app
        .post(
            "/api/v1/promotions",
            Some(&manager),
            &json!({"code": "WELCOME3", "name": "Again", "kind": "percent", "value": "10",
                    "product_ids": [plan.id]}),
        )
        .await;
    assert_eq!(taken.status, 409);
    assert_eq!(taken.problem_code(), "promotion_code_taken");

    let amount = app
        .post(
            "/api/v1/promotions",
            Some(&manager),
            &json!({"name": "Five off", "kind": "amount", "value": "5", "currency": "USD",
                    "product_ids": [plan.id]}),
        )
        .await;
    assert_eq!(amount.status, 201, "{}", amount.text);
    assert_eq!(amount.body["value"], "5.00");
    assert_eq!(amount.body["cycles"], Value::Null, "forever");

    let bad = app
        .post(
            "/api/v1/promotions",
            Some(&manager),
            &json!({"code": "no spaces", "name": "", "kind": "percent", "value": "150",
                    "currency": "USD", "cycles": 0,
                    "valid_from": "2026-04-01T00:00:00Z", "valid_to": "2026-03-01T00:00:00Z",
                    "product_ids": []}),
        )
        .await;
    assert_eq!(bad.status, 422, "{}", bad.text);
    assert_eq!(
        bad.error_fields(),
        [
            "code",
            "name",
            "value",
            "currency",
            "cycles",
            "valid_to",
            "product_ids"
        ]
    );
    let no_currency = app
        .post(
            "/api/v1/promotions",
            Some(&manager),
            &json!({"name": "X", "kind": "amount", "value": "5", "product_ids": [plan.id]}),
        )
        .await;
    assert_eq!(no_currency.error_fields(), ["currency"]);
    let one_time = app
        .post(
            "/api/v1/promotions",
            Some(&manager),
            &json!({"name": "X", "kind": "percent", "value": "5",
                    "product_ids": [plan.id, install.id, 999]}),
        )
        .await;
    assert_eq!(one_time.status, 422);
    assert_eq!(
        one_time.error_fields(),
        ["product_ids[1]", "product_ids[2]"]
    );
    assert_eq!(app.count("promotions", ""), 2);

    let agent = app.token_as(Role::Agent);
    let for_addon = app
        .get(
            &format!("/api/v1/promotions?product_id={}", addon.id),
            Some(&agent),
        )
        .await;
    assert_eq!(for_addon.items().len(), 1);
    let by_code = app
        .get("/api/v1/promotions?code=welcome3", Some(&agent))
        .await;
    assert_eq!(by_code.items()[0]["id"], promo["id"]);
}

#[tokio::test]
async fn a_promotion_is_ended_paused_or_re_targeted_but_its_discount_is_fixed() {
    let app = spawn_app().await;
    let manager = app.token_as(Role::Manager);
    let plan = ProductBuilder::plan("FIBER-100", "29.00").create(&app);
    let other = ProductBuilder::plan("FIBER-300", "39.00").create(&app);
    let id = app
        .post(
            "/api/v1/promotions",
            Some(&manager),
            &json!({"name": "Spring", "kind": "percent", "value": "20", "product_ids": [plan.id]}),
        )
        .await
        .body["id"]
        .as_i64()
        .unwrap();
    let path = format!("/api/v1/promotions/{id}");
    let read = app.get(&path, Some(&manager)).await;
    assert_eq!(read.header("etag"), Some("\"1\""));
    let reply = app
        .send(
            app.client
                .patch(app.url(&path))
                .bearer_auth(&manager)
                .header("If-Match", "\"1\"")
                .json(
                    &json!({"name": "Spring sale", "valid_to": "2026-04-01T00:00:00Z",
                              "active": false, "product_ids": [other.id, plan.id]}),
                ),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.body["name"], "Spring sale");
    assert_eq!(reply.body["valid_to"], "2026-04-01T00:00:00Z");
    assert_eq!(reply.body["active"], false);
    assert_eq!(reply.body["product_ids"], json!([plan.id, other.id]));
    assert_eq!(reply.body["version"], 2);

    let stale = app
        .send(
            app.client
                .patch(app.url(&path))
                .bearer_auth(&manager)
                .header("If-Match", "\"1\"")
                .json(&json!({"active": true})),
        )
        .await;
    assert_eq!(stale.problem_code(), "version_conflict");
    let reopened = app
        .patch(&path, Some(&manager), &json!({"valid_to": null}))
        .await;
    assert_eq!(reopened.status, 200);
    assert_eq!(reopened.body["valid_to"], Value::Null);
    let past = app
        .patch(
            &path,
            Some(&manager),
            &json!({"valid_to": "2026-03-01T00:00:00Z"}),
        )
        .await;
    assert_eq!(past.status, 422, "{}", past.text);
    assert_eq!(past.error_fields(), ["valid_to"]);
    let rediscount = app
        .patch(&path, Some(&manager), &json!({"value": "90"}))
        .await;
    assert_eq!(rediscount.body["errors"][0]["code"], "unknown_field");
    assert_eq!(app.count("promotions", "value = 20"), 1);
    assert_eq!(app.count("audit_log", "action = 'promotion.updated'"), 2);
}

#[tokio::test]
async fn order_taking_asks_whether_a_promotion_applies_and_hears_why_not() {
    let app = spawn_app().await;
    let manager = app.token_as(Role::Manager);
    let plan = ProductBuilder::plan("FIBER-100", "29.00").create(&app);
    let other = ProductBuilder::plan("FIBER-300", "39.00").create(&app);
    let post = |body: Value| {
        let app = &app;
        let manager = manager.clone();
        async move {
            let reply = app.post("/api/v1/promotions", Some(&manager), &body).await;
            assert_eq!(reply.status, 201, "{}", reply.text);
            reply.body["id"].as_i64().unwrap()
        }
    };
    let five_off = post(json!({"name": "Five off", "kind": "amount", "value": "5",
        "currency": "USD", "valid_to": "2026-04-01T00:00:00Z", "product_ids": [plan.id]}))
    .await;
    let paused = post(json!({"name": "Paused", "kind": "percent", "value": "5",
        "active": false, "product_ids": [plan.id]}))
    .await;
    let summer = post(json!({"name": "Summer", "kind": "percent", "value": "5",
        "valid_from": "2026-06-01T00:00:00Z", "product_ids": [plan.id]}))
    .await;

    let mut conn = app.conn();
    let now = t0();
    let found = catalog::applicable_promotion(&mut conn, five_off, plan.id, "USD", now).unwrap();
    assert_eq!(found.value, d("5"));
    let reason = |promotion, product, currency: &str, at| {
        let err = catalog::applicable_promotion(&mut app.conn(), promotion, product, currency, at)
            .unwrap_err();
        assert_eq!(err.status().as_u16(), 422);
        assert_eq!(err.code(), "promotion_not_applicable");
        err.to_problem().detail
    };
    assert!(reason(five_off, other.id, "USD", now).contains("does not apply to this product"));
    assert!(reason(five_off, plan.id, "EUR", now).contains("amount in USD"));
    assert!(reason(five_off, plan.id, "USD", now + Duration::days(40)).contains("ended"));
    assert!(reason(paused, plan.id, "USD", now).contains("not active"));
    assert!(reason(summer, plan.id, "USD", now).contains("starts"));
    assert_eq!(
        catalog::applicable_promotion(&mut conn, 999, plan.id, "USD", now)
            .unwrap_err()
            .code(),
        "not_found"
    );
}

#[tokio::test]
async fn tax_rates_never_overlap_and_a_rate_change_is_a_new_row() {
    let app = spawn_app().await;
    let manager = app.token_as(Role::Manager);
    let reply = app
        .post(
            "/api/v1/tax-rates",
            Some(&manager),
            &json!({"zone": "us-tx", "category": "telecom", "name": "Telecom tax",
                    "rate": "8.25", "valid_from": "2026-01-01"}),
        )
        .await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    assert_eq!(reply.body["zone"], "US-TX");
    assert_eq!(reply.body["rate"], "8.25");
    let id = reply.body["id"].as_i64().unwrap();

    // A second open rate for the same zone and category overlaps: a 409, never a 500.
    let overlapping = json!({"zone": "US-TX", "category": "telecom", "name": "New telecom tax",
                             "rate": "9", "valid_from": "2026-04-01"});
    let reply = app
        .post("/api/v1/tax-rates", Some(&manager), &overlapping)
        .await;
    assert_eq!(reply.status, 409, "{}", reply.text);
    assert_eq!(reply.problem_code(), "tax_rate_overlap");

    // End the old rate where the new one starts, then add it.
    let path = format!("/api/v1/tax-rates/{id}");
    let ended = app
        .send(
            app.client
                .patch(app.url(&path))
                .bearer_auth(&manager)
                .header("If-Match", "\"1\"")
                .json(&json!({"valid_to": "2026-04-01"})),
        )
        .await;
    assert_eq!(ended.status, 200, "{}", ended.text);
    assert_eq!(ended.body["valid_to"], "2026-04-01");
    assert_eq!(ended.header("etag"), Some("\"2\""));
    let reply = app
        .post("/api/v1/tax-rates", Some(&manager), &overlapping)
        .await;
    assert_eq!(reply.status, 201, "{}", reply.text);

    // Re-opening the old rate would run into the new one.
    let reopened = app
        .patch(&path, Some(&manager), &json!({"valid_to": null}))
        .await;
    assert_eq!(reopened.status, 409, "{}", reopened.text);
    assert_eq!(reopened.problem_code(), "tax_rate_overlap");

    let day = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
    let mut conn = app.conn();
    assert_eq!(
        catalog::tax_rate_on(&mut conn, "US-TX", "telecom", day(3, 31)).unwrap(),
        Some(d("8.25"))
    );
    assert_eq!(
        catalog::tax_rate_on(&mut conn, "US-TX", "telecom", day(4, 1)).unwrap(),
        Some(d("9"))
    );
    assert_eq!(
        catalog::tax_rate_on(&mut conn, "US-TX", "telecom", day(1, 1) - Duration::days(1)).unwrap(),
        None
    );
    assert_eq!(
        catalog::tax_rate_on(&mut conn, "US-TX", "hardware", day(4, 1)).unwrap(),
        None
    );

    let agent = app.token_as(Role::Agent);
    let on_april = app
        .get(
            "/api/v1/tax-rates?zone=us-tx&category=telecom&on=2026-04-15",
            Some(&agent),
        )
        .await;
    assert_eq!(on_april.status, 200, "{}", on_april.text);
    assert_eq!(on_april.items().len(), 1);
    assert_eq!(on_april.items()[0]["rate"], "9");
    let all = app.get("/api/v1/tax-rates?zone=US-TX", Some(&agent)).await;
    assert_eq!(all.items().len(), 2);
    assert_eq!(
        app.get(&path, Some(&agent)).await.body["name"],
        "Telecom tax"
    );
    assert_eq!(app.count("audit_log", "action LIKE 'tax_rate.%'"), 3);
}

#[tokio::test]
async fn bad_tax_rates_are_field_errors() {
    let app = spawn_app().await;
    let manager = app.token_as(Role::Manager);
    let reply = app
        .post(
            "/api/v1/tax-rates",
            Some(&manager),
            &json!({"zone": "-", "category": "VAT", "name": "", "rate": "100.5",
                    "valid_from": "2026-05-01", "valid_to": "2026-04-01"}),
        )
        .await;
    assert_eq!(reply.status, 422, "{}", reply.text);
    assert_eq!(
        reply.error_fields(),
        ["zone", "category", "name", "rate", "valid_to"]
    );
    let bad_date = app
        .post(
            "/api/v1/tax-rates",
            Some(&manager),
            &json!({"zone": "X", "category": "vat", "name": "VAT", "rate": "20",
                    "valid_from": "2026-02-30"}),
        )
        .await;
    assert_eq!(bad_date.error_fields(), ["valid_from"]);
    let ok = app
        .post(
            "/api/v1/tax-rates",
            Some(&manager),
            &json!({"zone": "X", "category": "vat", "name": "VAT", "rate": "0",
                    "valid_from": "2020-01-01"}),
        )
        .await;
    assert_eq!(ok.status, 201, "a zero rate is a rate: {}", ok.text);
    let path = format!("/api/v1/tax-rates/{}", ok.body["id"]);
    let past = app
        .patch(&path, Some(&manager), &json!({"valid_to": "2026-03-01"}))
        .await;
    assert_eq!(past.status, 422, "history is not rewritten: {}", past.text);
    assert_eq!(past.error_fields(), ["valid_to"]);
    let rerated = app
        .patch(&path, Some(&manager), &json!({"rate": "5"}))
        .await;
    assert_eq!(rerated.body["errors"][0]["code"], "unknown_field");
    assert_eq!(
        app.get("/api/v1/tax-rates?on=someday", Some(&manager))
            .await
            .status,
        400
    );
}

/// Every write of the catalog, with a body that would succeed for a manager.
fn writes(product: i64, promotion: i64, tax_rate: i64) -> Vec<(reqwest::Method, String, Value)> {
    use reqwest::Method;
    vec![
        (Method::POST, "/api/v1/products".into(), fiber_100()),
        (
            Method::PATCH,
            format!("/api/v1/products/{product}"),
            json!({"name": "Renamed"}),
        ),
        (
            Method::POST,
            format!("/api/v1/products/{product}/versions"),
            json!({"monthly_price": "1", "download_mbps": 1, "upload_mbps": 1}),
        ),
        (
            Method::POST,
            format!("/api/v1/products/{product}/retire"),
            json!({}),
        ),
        (
            Method::DELETE,
            format!("/api/v1/products/{product}"),
            Value::Null,
        ),
        (
            Method::POST,
            "/api/v1/promotions".into(),
            json!({"name": "P", "kind": "percent", "value": "5", "product_ids": [product]}),
        ),
        (
            Method::PATCH,
            format!("/api/v1/promotions/{promotion}"),
            json!({"active": false}),
        ),
        (
            Method::POST,
            "/api/v1/tax-rates".into(),
            json!({"zone": "Z", "category": "vat", "name": "VAT", "rate": "20", "valid_from": "2030-01-01"}),
        ),
        (
            Method::PATCH,
            format!("/api/v1/tax-rates/{tax_rate}"),
            json!({"name": "Renamed"}),
        ),
    ]
}

#[tokio::test]
async fn only_managers_and_admins_change_the_catalog() {
    let app = spawn_app().await;
    let plan = ProductBuilder::plan("FIBER-300", "39.00").create(&app);
    let manager = app.token_as(Role::Manager);
    let promotion = app
        .post(
            "/api/v1/promotions",
            Some(&manager),
            &json!({"name": "P", "kind": "percent", "value": "5", "product_ids": [plan.id]}),
        )
        .await
        .body["id"]
        .as_i64()
        .unwrap();
    let tax_rate = app
        .post(
            "/api/v1/tax-rates",
            Some(&manager),
            &json!({"zone": "Y", "category": "vat", "name": "VAT", "rate": "20", "valid_from": "2026-01-01"}),
        )
        .await
        .body["id"]
        .as_i64()
        .unwrap();
    let refused = [
        (Role::Agent, app.token_as(Role::Agent)),
        (Role::Finance, app.token_as(Role::Finance)),
        (Role::Viewer, app.token_as(Role::Viewer)),
        (Role::Customer, app.token_as(Role::Customer)),
        (Role::Integration, app.integration_token(&["catalog:read"])),
    ];
    let audit_before = app.count("audit_log", "");
    for (role, token) in &refused {
        for (method, path, body) in writes(plan.id, promotion, tax_rate) {
            let body = (!body.is_null()).then_some(body);
            let reply = app
                .request(method.clone(), &path, Some(token), body.as_ref())
                .await;
            assert_eq!(
                reply.status, 403,
                "{role} on {method} {path}: {}",
                reply.text
            );
            assert_eq!(reply.problem_code(), "forbidden");
        }
    }
    assert_eq!(
        app.count("audit_log", ""),
        audit_before,
        "nothing was written"
    );
    assert_eq!(app.count("products", "name = 'Renamed'"), 0);

    // The admin can do every one of them (the delete last: the product is in use by then).
    let admin = app.token_as(Role::Admin);
    for (method, path, body) in writes(plan.id, promotion, tax_rate) {
        let body = (!body.is_null()).then_some(body);
        let reply = app
            .request(method.clone(), &path, Some(&admin), body.as_ref())
            .await;
        assert!(
            reply.status < 300 || reply.body["code"] == "product_in_use",
            "admin on {method} {path}: {}",
            reply.text
        );
    }
}

#[tokio::test]
async fn staff_and_crms_with_the_catalog_scope_read_it_and_customers_do_not() {
    let app = spawn_app().await;
    let plan = ProductBuilder::plan("FIBER-100", "29.00").create(&app);
    let reads = [
        "/api/v1/products".to_owned(),
        format!("/api/v1/products/{}", plan.id),
        "/api/v1/promotions".to_owned(),
        "/api/v1/tax-rates".to_owned(),
    ];
    let crm = app.integration_token(&["catalog:read", "orders:write"]);
    let readers = [
        app.token_as(Role::Admin),
        app.token_as(Role::Agent),
        app.token_as(Role::Finance),
        app.token_as(Role::Viewer),
        crm,
    ];
    for token in &readers {
        for path in &reads {
            let reply = app.get(path, Some(token)).await;
            assert_eq!(reply.status, 200, "{path}: {}", reply.text);
        }
    }
    let unscoped = app.integration_token(&["leads:write"]);
    let reply = app.get("/api/v1/products", Some(&unscoped)).await;
    assert_eq!(reply.status, 403);
    assert_eq!(reply.problem_code(), "insufficient_scope");
    let customer = app.token_as(Role::Customer);
    for path in &reads {
        let reply = app.get(path, Some(&customer)).await;
        assert_eq!(reply.status, 403, "{path}: {}", reply.text);
    }
}

#[tokio::test]
async fn the_demo_catalog_reads_back_through_the_api() {
    let app = spawn_app().await;
    let seeded = api::services::demo::seed_demo(
        &mut app.conn(),
        "USD",
        app.clock_now(),
        &app.config.provisioning,
    )
    .unwrap()
    .expect("an empty database is seeded");
    assert_eq!(seeded.plans, 4);
    let agent = app.token_as(Role::Agent);
    let products = app.get("/api/v1/products", Some(&agent)).await;
    assert_eq!(products.items().len(), 7);
    let gigabit = products
        .items()
        .iter()
        .find(|p| p["code"] == "FIBER-1000")
        .unwrap();
    assert_eq!(gigabit["current_version"]["monthly_price"], "59.00");
    assert_eq!(gigabit["current_version"]["one_time_price"], "49.00");
    assert_eq!(gigabit["radius_group"], "fiber_1000");
    let promotions = app
        .get("/api/v1/promotions?code=WELCOME3", Some(&agent))
        .await;
    assert_eq!(
        promotions.items()[0]["product_ids"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    let today = app.clock_now().date_naive();
    let rates = app
        .get(
            &format!("/api/v1/tax-rates?zone=DEFAULT&on={today}"),
            Some(&agent),
        )
        .await;
    assert_eq!(rates.items().len(), 3);
    assert_eq!(
        catalog::tax_rate_on(&mut app.conn(), "DEFAULT", "telecom", today).unwrap(),
        Some(d("8.25"))
    );
}
