//! Leads: captured by agents, integrations and the portal form; moved through their
//! pipeline; checked for duplicates and merged; converted into customers.

use api::auth::Role;
use diesel::prelude::*;
use serde_json::{json, Value};

use crate::builders::{CustomerBuilder, ProductBuilder};
use crate::helpers::{spawn_app, spawn_app_with, Reply, TestApp, UserBuilder};

async fn new_lead(app: &TestApp, token: &str, body: Value) -> Value {
    let reply = app.post("/api/v1/leads", Some(token), &body).await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    reply.body
}

async fn patch_lead(
    app: &TestApp,
    token: &str,
    id: &Value,
    etag: Option<&str>,
    body: Value,
) -> Reply {
    let mut req = app
        .client
        .patch(app.url(&format!("/api/v1/leads/{id}")))
        .bearer_auth(token)
        .json(&body);
    if let Some(etag) = etag {
        req = req.header("If-Match", etag);
    }
    app.send(req).await
}

#[tokio::test]
async fn an_agent_captures_a_lead_which_they_own() {
    let app = spawn_app().await;
    let (agent_user, _) = UserBuilder::new(Role::Agent).create(&app);
    let agent = app.token_for(Role::Agent, agent_user.id);
    let plan = ProductBuilder::plan("FIBER-300", "49.00").create(&app);
    let install = ProductBuilder::one_time("INSTALL", "99.00").create(&app);

    let lead = new_lead(
        &app,
        &agent,
        json!({
            "name": "Ana Lima", "email": "Ana@Example.NET", "phone": "(555) 010-0101",
            "address_line1": "12 Harbour Road", "city": "Springfield", "postal_code": "62701",
            "country": "us", "source": "phone", "interest_product_id": plan.id,
            "note": "Wants fiber before the school year"
        }),
    )
    .await;
    assert_eq!(lead["status"], "new");
    assert_eq!(lead["email"], "ana@example.net");
    assert_eq!(lead["phone"], "+15550100101");
    assert_eq!(lead["country"], "US");
    assert_eq!(lead["owner_id"], agent_user.id, "the caller owns it");
    let notes = app
        .get(
            &format!("/api/v1/leads/{}/interactions", lead["id"]),
            Some(&agent),
        )
        .await;
    assert_eq!(
        notes.items()[0]["summary"],
        "Wants fiber before the school year"
    );
    assert_eq!(app.count("audit_log", "action = 'lead.created'"), 1);

    // Interest must be something still on sale, and a lead must be reachable.
    for (product, field) in [
        (install.id, "interest_product_id"),
        (987_654, "interest_product_id"),
    ] {
        let reply = app
            .post(
                "/api/v1/leads",
                Some(&agent),
                &json!({ "name": "Ben", "phone": "+15550100102", "source": "web", "interest_product_id": product }),
            )
            .await;
        assert_eq!(reply.status, 422, "{}", reply.text);
        assert_eq!(reply.error_fields(), [field]);
    }
    let unreachable = app
        .post(
            "/api/v1/leads",
            Some(&agent),
            &json!({ "name": "Ben", "source": "web" }),
        )
        .await;
    assert_eq!(unreachable.error_fields(), ["email", "phone"]);
    let garbage = app
        .post(
            "/api/v1/leads",
            Some(&agent),
            &json!({ "name": "Ben", "phone": "12", "source": "carrier_pigeon" }),
        )
        .await;
    assert_eq!(garbage.status, 422);
    assert_eq!(app.count("leads", ""), 1);
}

#[tokio::test]
async fn the_pipeline_moves_forward_and_refuses_what_it_does_not_allow() {
    let app = spawn_app().await;
    let agent = app.token_as(Role::Agent);
    let lead = new_lead(
        &app,
        &agent,
        json!({ "name": "Ben", "phone": "+15550100102", "source": "web" }),
    )
    .await;
    let id = &lead["id"];

    let contacted = patch_lead(
        &app,
        &agent,
        id,
        Some("\"1\""),
        json!({ "status": "contacted" }),
    )
    .await;
    assert_eq!(contacted.status, 200, "{}", contacted.text);
    assert_eq!(contacted.header("etag"), Some("\"2\""));
    let stale = patch_lead(
        &app,
        &agent,
        id,
        Some("\"1\""),
        json!({ "status": "qualified" }),
    )
    .await;
    assert_eq!(stale.problem_code(), "version_conflict");
    let back_to_new = patch_lead(&app, &agent, id, None, json!({ "status": "new" })).await;
    assert_eq!(back_to_new.status, 409);
    assert_eq!(back_to_new.problem_code(), "invalid_transition");
    let won = patch_lead(&app, &agent, id, None, json!({ "status": "won" })).await;
    assert_eq!(
        won.problem_code(),
        "invalid_transition",
        "won only by conversion"
    );
    let no_reason = patch_lead(&app, &agent, id, None, json!({ "status": "lost" })).await;
    assert_eq!(no_reason.status, 422);
    assert_eq!(no_reason.error_fields(), ["lost_reason"]);
    let lost = patch_lead(
        &app,
        &agent,
        id,
        None,
        json!({ "status": "lost", "lost_reason": "Too expensive" }),
    )
    .await;
    assert_eq!(lost.status, 200, "{}", lost.text);
    assert_eq!(lost.body["lost_reason"], "Too expensive");
    // The prospect calls back: the lead is reopened, its reason cleared.
    let reopened = patch_lead(&app, &agent, id, None, json!({ "status": "contacted" })).await;
    assert_eq!(reopened.status, 200, "{}", reopened.text);
    assert!(reopened.body["lost_reason"].is_null());
    let cleared = patch_lead(&app, &agent, id, None, json!({ "phone": null })).await;
    assert_eq!(cleared.status, 422, "a lead keeps a way to reach it");
    assert_eq!(app.count("audit_log", "action = 'lead.status_changed'"), 3);

    let listed = app
        .get(
            "/api/v1/leads?status=contacted&source=web&q=555010",
            Some(&agent),
        )
        .await;
    assert_eq!(listed.items().len(), 1, "{}", listed.text);
    // By name, with no digits to search phones by.
    let by_name = app
        .get(
            &format!(
                "/api/v1/leads?q={}",
                listed.items()[0]["name"]
                    .as_str()
                    .unwrap()
                    .replace(' ', "%20")
            ),
            Some(&agent),
        )
        .await;
    assert_eq!(by_name.status, 200, "{}", by_name.text);
    assert_eq!(by_name.items().len(), 1);
    let none = app
        .get("/api/v1/leads?status=qualified", Some(&agent))
        .await;
    assert!(none.items().is_empty());
}

#[tokio::test]
async fn duplicates_are_found_by_email_phone_and_address_among_leads_and_customers() {
    let app = spawn_app().await;
    let agent = app.token_as(Role::Agent);
    let lead = new_lead(
        &app,
        &agent,
        json!({
            "name": "Ana Lima", "email": "ana@example.net", "phone": "+1 555 010 0101",
            "address_line1": "12 Harbour Road", "postal_code": "62701", "source": "phone"
        }),
    )
    .await;
    let same_phone = new_lead(
        &app,
        &agent,
        json!({ "name": "A. Lima", "phone": "(555) 010-0101", "source": "web" }),
    )
    .await;
    let same_place = new_lead(
        &app,
        &agent,
        json!({ "name": "Ana L", "email": "al@other.example", "address_line1": "12 Harbour Rd", "postal_code": "62701", "source": "event" }),
    )
    .await;
    let elsewhere = new_lead(
        &app,
        &agent,
        json!({ "name": "Zed", "email": "zed@example.org", "address_line1": "99 Mountain View", "postal_code": "10001", "source": "web" }),
    )
    .await;
    let lost = new_lead(
        &app,
        &agent,
        json!({ "name": "Ana", "email": "ana@example.net", "source": "web" }),
    )
    .await;
    patch_lead(
        &app,
        &agent,
        &lost["id"],
        None,
        json!({ "status": "lost", "lost_reason": "no coverage" }),
    )
    .await;
    let customer = CustomerBuilder::new("Ana Lima (existing)").create(&app);
    let added = app
        .post(
            &format!("/api/v1/customers/{}/contacts", customer.id),
            Some(&agent),
            &json!({ "name": "Ana", "role": "primary", "email": "ana@example.net" }),
        )
        .await;
    assert_eq!(added.status, 201);

    let reply = app
        .get(&format!("/api/v1/leads/{}", lead["id"]), Some(&agent))
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let found: Vec<(String, i64, Vec<String>)> = reply.body["possible_duplicates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["kind"].as_str().unwrap().to_owned(),
                d["id"].as_i64().unwrap(),
                d["reasons"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|r| r.as_str().unwrap().to_owned())
                    .collect(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            (
                "lead".to_owned(),
                same_phone["id"].as_i64().unwrap(),
                vec!["phone".to_owned()]
            ),
            (
                "lead".to_owned(),
                same_place["id"].as_i64().unwrap(),
                vec!["address".to_owned()]
            ),
            ("customer".to_owned(), customer.id, vec!["email".to_owned()]),
        ],
        "neither the lost lead nor the lead elsewhere ({}) is a duplicate",
        elsewhere["id"]
    );
    let listed = app
        .get(
            &format!("/api/v1/leads/{}/duplicates", lead["id"]),
            Some(&agent),
        )
        .await;
    assert_eq!(listed.items().len(), 3);
    let list = app.get("/api/v1/leads", Some(&agent)).await;
    assert!(list.items()[0].get("possible_duplicates").is_none());
}

#[tokio::test]
async fn merging_keeps_one_lead_fills_its_gaps_and_closes_the_other() {
    let app = spawn_app().await;
    let agent = app.token_as(Role::Agent);
    let keeper = new_lead(
        &app,
        &agent,
        json!({ "name": "Ana Lima", "phone": "+15550100101", "source": "phone" }),
    )
    .await;
    let duplicate = new_lead(
        &app,
        &agent,
        json!({
            "name": "Ana L.", "phone": "+15550100101", "email": "ana@example.net",
            "address_line1": "12 Harbour Road", "city": "Springfield", "country": "US",
            "source": "web", "note": "Asked online too"
        }),
    )
    .await;
    let (k, d) = (
        keeper["id"].as_i64().unwrap(),
        duplicate["id"].as_i64().unwrap(),
    );

    let merged = app
        .post(
            &format!("/api/v1/leads/{k}/merge"),
            Some(&agent),
            &json!({ "duplicate_id": d }),
        )
        .await;
    assert_eq!(merged.status, 200, "{}", merged.text);
    assert_eq!(merged.body["name"], "Ana Lima", "the keeper's values stay");
    assert_eq!(
        merged.body["email"], "ana@example.net",
        "its gaps are filled"
    );
    assert_eq!(merged.body["address_line1"], "12 Harbour Road");
    let notes = app
        .get(&format!("/api/v1/leads/{k}/interactions"), Some(&agent))
        .await;
    assert_eq!(notes.items()[0]["summary"], "Asked online too");

    let gone = app.get(&format!("/api/v1/leads/{d}"), Some(&agent)).await;
    assert_eq!(gone.body["status"], "lost");
    assert_eq!(gone.body["lost_reason"], "duplicate");
    assert_eq!(gone.body["merged_into_id"], k);
    let edit = patch_lead(
        &app,
        &agent,
        &json!(d),
        None,
        json!({ "status": "contacted" }),
    )
    .await;
    assert_eq!(edit.status, 409);
    assert_eq!(edit.problem_code(), "lead_merged");
    let again = app
        .post(
            &format!("/api/v1/leads/{k}/merge"),
            Some(&agent),
            &json!({ "duplicate_id": d }),
        )
        .await;
    assert_eq!(again.problem_code(), "lead_merged");
    let itself = app
        .post(
            &format!("/api/v1/leads/{k}/merge"),
            Some(&agent),
            &json!({ "duplicate_id": k }),
        )
        .await;
    assert_eq!(itself.status, 422);
    assert_eq!(
        app.count(
            "audit_log",
            &format!(
                "action = 'lead.merged' AND entity_id = '{k}' AND after->>'merged_lead_id' = '{d}'"
            )
        ),
        1
    );
    assert_eq!(
        app.count(
            "audit_log",
            &format!("action = 'lead.merged_away' AND entity_id = '{d}'")
        ),
        1
    );
}

#[tokio::test]
async fn converting_a_lead_creates_the_customer_and_a_draft_order_in_one_go() {
    let app = spawn_app().await;
    let agent = app.token_as(Role::Agent);
    let lead = new_lead(
        &app,
        &agent,
        json!({
            "kind": "business", "name": "Grace Kim", "company_name": "Kim & Partners Dental",
            "email": "office@kimdental.example", "phone": "+15550100202",
            "address_line1": "5 Elm St", "city": "Springfield", "postal_code": "62704",
            "country": "US", "source": "referral", "note": "Two chairs, needs static IP"
        }),
    )
    .await;
    let id = lead["id"].as_i64().unwrap();

    let reply = app
        .post(
            &format!("/api/v1/leads/{id}/convert"),
            Some(&agent),
            &json!({ "billing": { "billing_day": 5 }, "create_order": true }),
        )
        .await;

    assert_eq!(reply.status, 201, "{}", reply.text);
    let customer = &reply.body["customer"];
    let customer_id = customer["id"].as_i64().unwrap();
    assert_eq!(customer["company_name"], "Kim & Partners Dental");
    assert_eq!(customer["class"]["code"], "business");
    assert_eq!(customer["billing"]["billing_day"], 5);
    let kinds: Vec<&str> = customer["addresses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["service", "billing"]);
    assert_eq!(customer["source_leads"][0]["id"], id);
    let order_id = reply.body["order_id"].as_i64().unwrap();
    {
        use api::db::schema::orders;
        let (status, lead_id, channel): (String, Option<i64>, String) = orders::table
            .find(order_id)
            .select((orders::status, orders::lead_id, orders::channel))
            .first(&mut app.conn())
            .unwrap();
        assert_eq!(
            (status.as_str(), lead_id, channel.as_str()),
            ("draft", Some(id), "call_center")
        );
    }

    let won = app.get(&format!("/api/v1/leads/{id}"), Some(&agent)).await;
    assert_eq!(won.body["status"], "won");
    assert_eq!(won.body["customer_id"], customer_id);
    assert!(won.body["converted_at"].is_string());
    assert_eq!(
        won.body["possible_duplicates"],
        json!([]),
        "not its own duplicate"
    );
    // The lead's notes are now on the customer too.
    let history = app
        .get(
            &format!("/api/v1/customers/{customer_id}/interactions"),
            Some(&agent),
        )
        .await;
    assert_eq!(history.items()[0]["summary"], "Two chairs, needs static IP");
    assert_eq!(
        app.count("events", &format!("customer_id = {customer_id} AND event_type IN ('customer.created', 'lead.converted', 'order.created')")),
        3
    );

    // A converted lead is read-only.
    let second = app
        .post(
            &format!("/api/v1/leads/{id}/convert"),
            Some(&agent),
            &json!({}),
        )
        .await;
    assert_eq!(second.status, 409);
    assert_eq!(second.problem_code(), "lead_converted");
    let edit = patch_lead(&app, &agent, &json!(id), None, json!({ "name": "X" })).await;
    assert_eq!(edit.problem_code(), "lead_converted");
    let note = app
        .post(
            &format!("/api/v1/leads/{id}/interactions"),
            Some(&agent),
            &json!({ "channel": "note", "direction": "internal", "summary": "x" }),
        )
        .await;
    assert_eq!(note.problem_code(), "lead_converted");
    assert_eq!(app.count("customers", ""), 1);
}

#[tokio::test]
async fn a_lost_lead_is_not_converted_and_a_failed_conversion_leaves_nothing() {
    let app = spawn_app().await;
    let agent = app.token_as(Role::Agent);
    let lost = new_lead(
        &app,
        &agent,
        json!({ "name": "Ben", "phone": "+15550100102", "source": "web" }),
    )
    .await;
    patch_lead(
        &app,
        &agent,
        &lost["id"],
        None,
        json!({ "status": "lost", "lost_reason": "moved away" }),
    )
    .await;
    let reply = app
        .post(
            &format!("/api/v1/leads/{}/convert", lost["id"]),
            Some(&agent),
            &json!({}),
        )
        .await;
    assert_eq!(reply.status, 409);
    assert_eq!(reply.problem_code(), "invalid_transition");

    // A business lead without a company name cannot become a customer; the lead stays open.
    let business = new_lead(
        &app,
        &agent,
        json!({ "kind": "business", "name": "Kim", "phone": "+15550100202", "source": "event" }),
    )
    .await;
    let reply = app
        .post(
            &format!("/api/v1/leads/{}/convert", business["id"]),
            Some(&agent),
            &json!({}),
        )
        .await;
    assert_eq!(reply.status, 422, "{}", reply.text);
    assert_eq!(reply.error_fields(), ["company_name"]);
    assert_eq!(app.count("customers", ""), 0);
    assert_eq!(app.count("leads", "status = 'new'"), 1);
}

#[tokio::test]
async fn the_portal_form_takes_a_few_leads_per_address_then_says_slow_down() {
    let app = spawn_app_with(|c| c.portal_leads_per_hour = 3).await;
    let form = json!({
        "name": "Prospect", "email": "p@example.net", "address_line1": "1 Main St",
        "postal_code": "62701", "message": "Is fiber available here?"
    });
    for _ in 0..3 {
        let reply = app.post("/api/v1/portal/leads", None, &form).await;
        assert_eq!(reply.status, 202, "{}", reply.text);
        assert_eq!(reply.body, json!({ "received": true }));
    }
    let limited = app.post("/api/v1/portal/leads", None, &form).await;
    assert_eq!(limited.status, 429);
    assert_eq!(limited.problem_code(), "rate_limited");
    let retry: i64 = limited.header("retry-after").unwrap().parse().unwrap();
    assert!(retry > 0 && retry <= 3600, "retry-after {retry}");
    assert_eq!(
        app.count(
            "leads",
            "source = 'portal' AND owner_id IS NULL AND client_address IS NOT NULL"
        ),
        3
    );
    assert_eq!(
        app.count("interactions", "summary = 'Is fiber available here?'"),
        3
    );

    // An hour later the address may send again.
    app.clock.advance(chrono::Duration::minutes(61));
    assert_eq!(
        app.post("/api/v1/portal/leads", None, &form).await.status,
        202
    );
    let bad = app
        .post(
            "/api/v1/portal/leads",
            None,
            &json!({ "name": "X", "source": "api" }),
        )
        .await;
    assert_eq!(bad.status, 422, "the source is not the caller's to choose");
}

#[tokio::test]
async fn only_sellers_write_leads_and_integrations_need_their_scope() {
    let app = spawn_app().await;
    let body = json!({ "name": "Ben", "phone": "+15550100102", "source": "api" });
    for role in [Role::Viewer, Role::Finance, Role::Customer] {
        let token = app.token_as(role);
        let reply = app.post("/api/v1/leads", Some(&token), &body).await;
        assert_eq!(reply.status, 403, "{role}");
        assert_eq!(reply.problem_code(), "forbidden");
    }
    let customer = app.token_as(Role::Customer);
    assert_eq!(app.get("/api/v1/leads", Some(&customer)).await.status, 403);
    let viewer = app.token_as(Role::Viewer);
    assert_eq!(app.get("/api/v1/leads", Some(&viewer)).await.status, 200);

    let reader = app.integration_token(&["leads:read"]);
    assert_eq!(
        app.post("/api/v1/leads", Some(&reader), &body)
            .await
            .problem_code(),
        "insufficient_scope"
    );
    let crm = app.integration_token(&["leads:write", "leads:read"]);
    let created = app.post("/api/v1/leads", Some(&crm), &body).await;
    assert_eq!(created.status, 201, "{}", created.text);
    assert!(
        created.body["owner_id"].is_null(),
        "an API client owns no leads"
    );
    let converted = app
        .post(
            &format!("/api/v1/leads/{}/convert", created.body["id"]),
            Some(&crm),
            &json!({ "create_order": true }),
        )
        .await;
    assert_eq!(converted.status, 201, "{}", converted.text);
    assert_eq!(app.count("orders", "channel = 'api'"), 1);
}

#[tokio::test]
async fn the_demo_has_leads_in_every_status_and_a_duplicate_to_merge() {
    let app = spawn_app_with(|c| c.demo_data = true).await;
    let admin = app.admin_token().await;
    let leads = app.get("/api/v1/leads", Some(&admin)).await;
    let mut statuses: Vec<&str> = leads
        .items()
        .iter()
        .map(|l| l["status"].as_str().unwrap())
        .collect();
    statuses.sort();
    statuses.dedup();
    assert_eq!(statuses, ["contacted", "lost", "new", "qualified", "won"]);
    let with_duplicates = leads
        .items()
        .iter()
        .filter(|l| l["status"] == "new")
        .map(|l| l["id"].as_i64().unwrap())
        .collect::<Vec<_>>();
    let detail = app
        .get(
            &format!("/api/v1/leads/{}", with_duplicates[0]),
            Some(&admin),
        )
        .await;
    assert!(
        !detail.body["possible_duplicates"]
            .as_array()
            .unwrap()
            .is_empty(),
        "{}",
        detail.text
    );
    let won = leads.items().iter().find(|l| l["status"] == "won").unwrap();
    let customer = app
        .get(
            &format!("/api/v1/customers/{}", won["customer_id"]),
            Some(&admin),
        )
        .await;
    assert_eq!(customer.body["source_leads"][0]["id"], won["id"]);
    assert!(!customer.body["addresses"].as_array().unwrap().is_empty());
    assert_eq!(
        app.count("customers c", "NOT EXISTS (SELECT 1 FROM customer_addresses a WHERE a.customer_id = c.id AND a.kind = 'service')"),
        0
    );
}
