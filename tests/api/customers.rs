//! Customers: created by agents with addresses and billing preferences, edited with
//! optimistic locking, with contacts, addresses and a log of interactions.

use api::auth::Role;
use serde_json::{json, Value};

use crate::builders::CustomerBuilder;
use crate::helpers::{spawn_app, TestApp};

fn acme() -> Value {
    json!({
        "kind": "business",
        "name": "Farid Haddad",
        "company_name": "Acme Logistics LLC",
        "tax_id": "US-99-1234567",
        "email": "  Ops@Acme.Example ",
        "phone": "(555) 010-0101",
        "service_address": {
            "line1": "12 Harbour Road", "city": "Springfield", "region": "IL",
            "postal_code": "62701", "country": "us"
        },
        "billing": { "cycle": "calendar", "billing_day": 15, "autopay": true }
    })
}

async fn create(app: &TestApp, token: &str, body: &Value) -> Value {
    let reply = app.post("/api/v1/customers", Some(token), body).await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    reply.body
}

async fn patch_with(
    app: &TestApp,
    token: &str,
    path: &str,
    etag: &str,
    body: &Value,
) -> crate::helpers::Reply {
    app.send(
        app.client
            .patch(app.url(path))
            .bearer_auth(token)
            .header("If-Match", etag)
            .json(body),
    )
    .await
}

#[tokio::test]
async fn an_agent_opens_a_business_account_with_its_address_and_billing_preferences() {
    let app = spawn_app().await;
    let agent = app.token_as(Role::Agent);

    let reply = app.post("/api/v1/customers", Some(&agent), &acme()).await;

    assert_eq!(reply.status, 201, "{}", reply.text);
    let c = &reply.body;
    let id = c["id"].as_i64().unwrap();
    assert_eq!(
        reply.header("location"),
        Some(format!("/api/v1/customers/{id}").as_str())
    );
    assert_eq!(reply.header("etag"), Some("\"1\""));
    let number = c["account_number"].as_str().unwrap();
    assert!(api::domain::account_number::is_valid(number), "{number}");
    assert_eq!(c["email"], "ops@acme.example");
    assert_eq!(c["phone"], "+15550100101");
    assert_eq!(c["status"], "active");
    assert_eq!(c["class"]["code"], "business", "the kind picks the class");
    assert_eq!(
        c["billing"],
        json!({
            "cycle": "calendar", "billing_day": 15, "invoice_delivery": "email",
            "autopay": true, "currency": "USD", "tax_zone": "DEFAULT",
            "tax_exempt": false, "tax_exemption_ref": null
        })
    );
    assert_eq!(c["addresses"].as_array().unwrap().len(), 1);
    assert_eq!(c["addresses"][0]["kind"], "service");
    assert_eq!(c["addresses"][0]["country"], "US");
    // One transaction wrote the customer, its address, the audit row and its timeline event.
    assert_eq!(
        app.count("customer_addresses", &format!("customer_id = {id}")),
        1
    );
    assert_eq!(
        app.count(
            "events",
            &format!("customer_id = {id} AND event_type = 'customer.created'")
        ),
        1
    );
    assert_eq!(app.count("audit_log", "action = 'customer.created'"), 1);

    let read = app
        .get(&format!("/api/v1/customers/{id}"), Some(&agent))
        .await;
    assert_eq!(read.status, 200);
    assert_eq!(read.body["tax_id"], "US-99-1234567");
    assert_eq!(read.body["source_leads"], json!([]));
}

#[tokio::test]
async fn bad_input_is_refused_field_by_field_and_nothing_is_written() {
    let app = spawn_app().await;
    let agent = app.token_as(Role::Agent);
    let reply = app
        .post(
            "/api/v1/customers",
            Some(&agent),
            &json!({
                "kind": "residential",
                "name": " ",
                "email": "not-an-email",
                "phone": "call me maybe",
                "service_address": { "line1": "1 Main St", "city": "X", "country": "XX" },
                "billing": { "billing_day": 31, "currency": "dollars" }
            }),
        )
        .await;
    assert_eq!(reply.status, 422, "{}", reply.text);
    assert_eq!(
        reply.error_fields(),
        [
            "name",
            "email",
            "phone",
            "service_address.country",
            "billing.billing_day",
            "billing.currency"
        ]
    );

    // Rules that join fields are checked on what would be written.
    let reply = app
        .post(
            "/api/v1/customers",
            Some(&agent),
            &json!({
                "kind": "business",
                "name": "Grace Kim",
                "phone": "+1 555 010 0202",
                "billing": { "invoice_delivery": "email", "tax_exempt": true }
            }),
        )
        .await;
    assert_eq!(reply.status, 422, "{}", reply.text);
    assert_eq!(
        reply.error_fields(),
        [
            "company_name",
            "billing.invoice_delivery",
            "billing.tax_exemption_ref"
        ]
    );
    let reply = app
        .post(
            "/api/v1/customers",
            Some(&agent),
            &json!({ "kind": "residential", "name": "Ana", "class": "platinum" }),
        )
        .await;
    assert_eq!(reply.status, 422);
    assert_eq!(reply.error_fields(), ["class"]);
    assert_eq!(app.count("customers", ""), 0);
}

#[tokio::test]
async fn the_list_filters_by_kind_class_and_status_and_pages_by_cursor() {
    let app = spawn_app().await;
    let viewer = app.token_as(Role::Viewer);
    let a = CustomerBuilder::new("Ana Lima").create(&app);
    let b = CustomerBuilder::new("Kim")
        .business("Kim Dental")
        .create(&app);
    let c = CustomerBuilder::new("Ben").status("suspended").create(&app);
    let d = CustomerBuilder::new("Enterprise Co")
        .business("Big Co")
        .class("enterprise")
        .create(&app);

    let first = app.get("/api/v1/customers?limit=2", Some(&viewer)).await;
    assert_eq!(first.status, 200, "{}", first.text);
    let ids: Vec<i64> = first
        .items()
        .iter()
        .map(|c| c["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, [a.id, b.id]);
    let cursor = first.body["next_cursor"].as_str().unwrap();
    let second = app
        .get(
            &format!("/api/v1/customers?limit=2&cursor={cursor}"),
            Some(&viewer),
        )
        .await;
    let ids: Vec<i64> = second
        .items()
        .iter()
        .map(|c| c["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, [c.id, d.id]);
    assert!(second.body["next_cursor"].is_null());

    let business = app
        .get("/api/v1/customers?kind=business", Some(&viewer))
        .await;
    assert_eq!(business.items().len(), 2);
    let enterprise = app
        .get("/api/v1/customers?class=enterprise", Some(&viewer))
        .await;
    assert_eq!(enterprise.items()[0]["id"], d.id);
    assert_eq!(enterprise.items()[0]["class_code"], "enterprise");
    let suspended = app
        .get("/api/v1/customers?status=suspended", Some(&viewer))
        .await;
    assert_eq!(suspended.items().len(), 1);
    assert_eq!(suspended.items()[0]["account_number"], c.account_number);
    let bad = app
        .get("/api/v1/customers?status=sleeping", Some(&viewer))
        .await;
    assert_eq!(bad.status, 400);
    assert_eq!(bad.problem_code(), "invalid_query");
}

#[tokio::test]
async fn profile_and_billing_changes_need_the_current_version() {
    let app = spawn_app().await;
    let agent = app.token_as(Role::Agent);
    let created = create(&app, &agent, &acme()).await;
    let path = format!("/api/v1/customers/{}", created["id"]);

    let reply = patch_with(
        &app,
        &agent,
        &path,
        "\"1\"",
        &json!({
            "phone": "555-010-0999",
            "billing": { "cycle": "anniversary", "invoice_delivery": "portal",
                         "tax_exempt": true, "tax_exemption_ref": "EX-2026-17" }
        }),
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.header("etag"), Some("\"2\""));
    assert_eq!(reply.body["phone"], "+15550100999");
    assert_eq!(reply.body["billing"]["cycle"], "anniversary");
    assert!(reply.body["billing"]["billing_day"].is_null());
    assert_eq!(reply.body["billing"]["tax_exempt"], true);
    assert_eq!(reply.body["status"], "active");

    let stale = patch_with(
        &app,
        &agent,
        &path,
        "\"1\"",
        &json!({ "name": "Someone else" }),
    )
    .await;
    assert_eq!(stale.status, 409);
    assert_eq!(stale.problem_code(), "version_conflict");

    // Clearing the email while invoices go by email would break a rule: refused.
    let broken = patch_with(
        &app,
        &agent,
        &path,
        "\"2\"",
        &json!({ "email": null, "billing": { "invoice_delivery": "email" } }),
    )
    .await;
    assert_eq!(broken.status, 422, "{}", broken.text);
    assert_eq!(broken.error_fields(), ["billing.invoice_delivery"]);
    // Status is not a profile field.
    let status = patch_with(&app, &agent, &path, "\"2\"", &json!({ "status": "closed" })).await;
    assert_eq!(status.status, 422);
    assert_eq!(app.count("audit_log", "action = 'customer.updated'"), 1);
}

#[tokio::test]
async fn contacts_and_addresses_are_kept_and_the_last_service_address_stays() {
    let app = spawn_app().await;
    let agent = app.token_as(Role::Agent);
    let created = create(&app, &agent, &acme()).await;
    let id = created["id"].as_i64().unwrap();
    let first_address = created["addresses"][0]["id"].as_i64().unwrap();

    let contact = app
        .post(
            &format!("/api/v1/customers/{id}/contacts"),
            Some(&agent),
            &json!({ "name": "Lee IT", "role": "technical", "phone": "+44 20 7946 0018" }),
        )
        .await;
    assert_eq!(contact.status, 201, "{}", contact.text);
    assert_eq!(contact.body["phone"], "+442079460018");
    let contact_id = contact.body["id"].as_i64().unwrap();
    let nobody = app
        .post(
            &format!("/api/v1/customers/{id}/contacts"),
            Some(&agent),
            &json!({ "name": "Ghost", "role": "other" }),
        )
        .await;
    assert_eq!(nobody.status, 422);
    let changed = app
        .patch(
            &format!("/api/v1/customers/{id}/contacts/{contact_id}"),
            Some(&agent),
            &json!({ "email": "lee@acme.example", "phone": null }),
        )
        .await;
    assert_eq!(changed.status, 200, "{}", changed.text);
    assert!(changed.body["phone"].is_null());
    let listed = app
        .get(&format!("/api/v1/customers/{id}/contacts"), Some(&agent))
        .await;
    assert_eq!(listed.items().len(), 1);
    let removed = app
        .request(
            reqwest::Method::DELETE,
            &format!("/api/v1/customers/{id}/contacts/{contact_id}"),
            Some(&agent),
            None,
        )
        .await;
    assert_eq!(removed.status, 204);

    // The only service address cannot go, nor turn into a billing address.
    let address_path = format!("/api/v1/customers/{id}/addresses/{first_address}");
    let refused = app
        .request(reqwest::Method::DELETE, &address_path, Some(&agent), None)
        .await;
    assert_eq!(refused.status, 409);
    assert_eq!(refused.problem_code(), "last_service_address");
    let rekind = app
        .patch(&address_path, Some(&agent), &json!({ "kind": "billing" }))
        .await;
    assert_eq!(rekind.problem_code(), "last_service_address");

    // Once the new one is in, the old one can go.
    let moved = app
        .post(
            &format!("/api/v1/customers/{id}/addresses"),
            Some(&agent),
            &json!({ "kind": "service", "line1": "1 Dock St", "city": "Springfield", "country": "US" }),
        )
        .await;
    assert_eq!(moved.status, 201, "{}", moved.text);
    let gone = app
        .request(reqwest::Method::DELETE, &address_path, Some(&agent), None)
        .await;
    assert_eq!(gone.status, 204);
    let addresses = app
        .get(&format!("/api/v1/customers/{id}/addresses"), Some(&agent))
        .await;
    assert_eq!(addresses.items().len(), 1);
    assert_eq!(addresses.items()[0]["line1"], "1 Dock St");
    // Another customer's contact or address is not reachable through this one.
    let other = CustomerBuilder::new("Other").create(&app);
    let foreign = app
        .request(
            reqwest::Method::DELETE,
            &format!(
                "/api/v1/customers/{}/addresses/{}",
                other.id, moved.body["id"]
            ),
            Some(&agent),
            None,
        )
        .await;
    assert_eq!(foreign.status, 404);
    // Created, plus three contact and two address changes; refusals wrote nothing.
    assert_eq!(app.count("events", &format!("customer_id = {id}")), 6);
}

#[tokio::test]
async fn agents_log_interactions_which_list_newest_first() {
    let app = spawn_app().await;
    let (agent_user, _) = crate::helpers::UserBuilder::new(Role::Agent).create(&app);
    let agent = app.token_for(Role::Agent, agent_user.id);
    let customer = CustomerBuilder::new("Ana Lima").create(&app);
    let path = format!("/api/v1/customers/{}/interactions", customer.id);

    let call = app
        .post(
            &path,
            Some(&agent),
            &json!({
                "channel": "call", "direction": "inbound", "summary": "Asked about faster plans",
                "outcome": "Sent offer", "follow_up_on": "2026-03-09"
            }),
        )
        .await;
    assert_eq!(call.status, 201, "{}", call.text);
    assert_eq!(call.body["agent_id"], agent_user.id);
    assert_eq!(call.body["agent_name"], agent_user.name);
    app.clock.advance(chrono::Duration::minutes(5));
    for summary in ["Emailed the offer", "Customer accepted"] {
        let reply = app
            .post(
                &path,
                Some(&agent),
                &json!({ "channel": "email", "direction": "outbound", "summary": summary }),
            )
            .await;
        assert_eq!(reply.status, 201);
    }
    let backdated = app
        .post(
            &path,
            Some(&agent),
            &json!({ "channel": "visit", "direction": "outbound", "summary": "Site survey",
                     "occurred_at": "2026-03-01T10:00:00Z" }),
        )
        .await;
    assert_eq!(backdated.status, 201);

    let page = app.get(&format!("{path}?limit=3"), Some(&agent)).await;
    let summaries: Vec<&str> = page
        .items()
        .iter()
        .map(|i| i["summary"].as_str().unwrap())
        .collect();
    assert_eq!(
        summaries,
        [
            "Customer accepted",
            "Emailed the offer",
            "Asked about faster plans"
        ]
    );
    let cursor = page.body["next_cursor"].as_str().unwrap();
    let rest = app
        .get(&format!("{path}?limit=3&cursor={cursor}"), Some(&agent))
        .await;
    assert_eq!(rest.items().len(), 1);
    assert_eq!(rest.items()[0]["summary"], "Site survey");

    let past = app
        .post(
            &path,
            Some(&agent),
            &json!({ "channel": "call", "direction": "outbound", "summary": "x", "follow_up_on": "2026-03-01" }),
        )
        .await;
    assert_eq!(past.status, 422);
    assert_eq!(past.error_fields(), ["follow_up_on"]);
    let fax = app
        .post(
            &path,
            Some(&agent),
            &json!({ "channel": "fax", "direction": "inbound", "summary": "x" }),
        )
        .await;
    assert_eq!(fax.status, 422);
    assert_eq!(
        app.count(
            "events",
            &format!(
                "customer_id = {} AND event_type = 'interaction.created'",
                customer.id
            )
        ),
        4
    );
}

#[tokio::test]
async fn read_only_roles_portal_customers_and_unscoped_integrations_are_refused() {
    let app = spawn_app().await;
    let customer = CustomerBuilder::new("Ana Lima").create(&app);
    let one = format!("/api/v1/customers/{}", customer.id);
    let body = json!({ "kind": "residential", "name": "X", "phone": "+15550100111" });

    for role in [Role::Viewer, Role::Finance] {
        let token = app.token_as(role);
        assert_eq!(
            app.get(&one, Some(&token)).await.status,
            200,
            "{role} reads"
        );
        let write = app.post("/api/v1/customers", Some(&token), &body).await;
        assert_eq!(write.status, 403, "{role} writes");
        assert_eq!(write.problem_code(), "forbidden");
        let note = app
            .post(
                &format!("{one}/interactions"),
                Some(&token),
                &json!({ "channel": "note", "direction": "internal", "summary": "x" }),
            )
            .await;
        assert_eq!(note.status, 403);
    }
    // The self-service portal has its own endpoints; staff ones refuse a customer token,
    // even for the customer's own record.
    let portal = app.token_for(Role::Customer, customer.id);
    assert_eq!(app.get(&one, Some(&portal)).await.status, 403);
    assert_eq!(
        app.get("/api/v1/customers", Some(&portal)).await.status,
        403
    );

    let unscoped = app.integration_token(&["leads:read"]);
    let refused = app.get(&one, Some(&unscoped)).await;
    assert_eq!(refused.status, 403);
    assert_eq!(refused.problem_code(), "insufficient_scope");
    let reader = app.integration_token(&["customers:read"]);
    assert_eq!(app.get(&one, Some(&reader)).await.status, 200);
    assert_eq!(
        app.post("/api/v1/customers", Some(&reader), &body)
            .await
            .problem_code(),
        "insufficient_scope"
    );
    let writer = app.integration_token(&["customers:write"]);
    let created = app.post("/api/v1/customers", Some(&writer), &body).await;
    assert_eq!(created.status, 201, "{}", created.text);
    assert_eq!(
        created.body["billing"]["invoice_delivery"], "paper",
        "no email: paper"
    );
    assert_eq!(app.count("customers", ""), 2);
}
