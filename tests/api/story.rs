//! The front half of the lifecycle through the API alone, as a third-party CRM drives it:
//! a lead, its conversion, an order that needs a manager, the manager's approval, and the
//! 360° view and timeline that show it all.

use api::auth::Role;
use serde_json::json;

use crate::builders::ProductBuilder;
use crate::helpers::spawn_app;

#[tokio::test]
async fn a_crm_takes_a_lead_to_an_approved_order_through_the_api() {
    let app = spawn_app().await;
    let plan = ProductBuilder::plan("STORY-500", "400.00").create(&app);
    let crm = app.integration_token(&[
        "leads:read",
        "leads:write",
        "customers:read",
        "customers:write",
        "orders:read",
        "orders:write",
    ]);

    // The CRM captures a lead and converts it, with a draft order.
    let lead = app
        .post(
            "/api/v1/leads",
            Some(&crm),
            &json!({
                "name": "Story Customer",
                "email": "Story.Customer@Example.net",
                "phone": "+1 555 019 0003",
                "source": "api",
                "address_line1": "5 Api Avenue",
                "city": "Springfield",
                "postal_code": "62713",
                "country": "US",
            }),
        )
        .await;
    assert_eq!(lead.status, 201, "{}", lead.text);
    let lead_id = lead.body["id"].as_i64().unwrap();
    let converted = app
        .post(
            &format!("/api/v1/leads/{lead_id}/convert"),
            Some(&crm),
            &json!({ "create_order": true }),
        )
        .await;
    assert_eq!(converted.status, 201, "{}", converted.text);
    let customer_id = converted.body["customer"]["id"].as_i64().unwrap();
    let order_id = converted.body["order_id"].as_i64().expect("a draft order");

    // ... fills the order and submits it: above the residential approval threshold.
    let line = app
        .post(
            &format!("/api/v1/orders/{order_id}/lines"),
            Some(&crm),
            &json!({ "action": "add", "product_id": plan.id, "quantity": 1 }),
        )
        .await;
    assert_eq!(line.status, 201, "{}", line.text);
    let submitted = app
        .post(
            &format!("/api/v1/orders/{order_id}/submit"),
            Some(&crm),
            &json!({}),
        )
        .await;
    assert_eq!(submitted.status, 200, "{}", submitted.text);
    assert_eq!(submitted.body["status"], "pending_approval");
    assert_eq!(submitted.body["credit_check"]["outcome"], "needs_approval");
    let number = submitted.body["number"].as_str().unwrap().to_owned();

    // The CRM may not approve its own order; a manager does, with a reason.
    let refused = app
        .post(
            &format!("/api/v1/orders/{order_id}/approve"),
            Some(&crm),
            &json!({ "reason": "self-approval" }),
        )
        .await;
    assert_eq!(refused.status, 403);
    let manager = app.token_as(Role::Manager);
    let approved = app
        .post(
            &format!("/api/v1/orders/{order_id}/approve"),
            Some(&manager),
            &json!({ "reason": "Known business, references checked" }),
        )
        .await;
    assert_eq!(approved.status, 200, "{}", approved.text);
    // Approval fulfils the order: its lines are subscriptions being provisioned.
    assert_eq!(approved.body["status"], "provisioning");

    // The CRM finds the customer by e-mail and reads the 360° view and the timeline.
    let found = app
        .get("/api/v1/search?q=story.customer%40example.net", Some(&crm))
        .await;
    assert_eq!(found.items()[0]["id"], customer_id);
    let overview = app
        .get(
            &format!("/api/v1/customers/{customer_id}/overview"),
            Some(&crm),
        )
        .await;
    assert_eq!(overview.status, 200, "{}", overview.text);
    let o = &overview.body;
    assert_eq!(o["customer"]["email"], "story.customer@example.net");
    assert_eq!(o["customer"]["phone"], "+15550190003");
    // The approved order became a service on the network; once it is live the order is
    // completed and leaves the open orders.
    let service = &o["active_services"][0];
    assert_eq!(service["kind"], "plan", "{}", overview.text);
    assert!(service["username"].is_string());
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let order = loop {
        let order = app
            .get(&format!("/api/v1/orders/{order_id}"), Some(&crm))
            .await;
        if order.body["status"] == "completed" {
            break order;
        }
        assert!(std::time::Instant::now() < deadline, "{}", order.text);
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    };
    assert_eq!(order.body["number"], number.as_str());
    assert_eq!(
        order.body["totals"]["monthly_total"], "400.00",
        "{}",
        order.text
    );
    let overview = app
        .get(
            &format!("/api/v1/customers/{customer_id}/overview"),
            Some(&crm),
        )
        .await;
    let o = &overview.body;
    assert_eq!(o["open_orders"], json!([]));
    assert_eq!(o["active_services"][0]["status"], "active");
    assert_eq!(o["source_leads"][0]["id"], lead_id);
    assert_eq!(o["addresses"][0]["line1"], "5 Api Avenue");
    let timeline = app
        .get(
            &format!("/api/v1/customers/{customer_id}/timeline?limit=200"),
            Some(&crm),
        )
        .await;
    let story: Vec<&str> = timeline
        .items()
        .iter()
        .map(|e| e["event_type"].as_str().unwrap())
        .collect();
    for expected in [
        "customer.created",
        "order.created",
        "order.submitted",
        "order.pending_approval",
        "order.approved",
        "subscription.created",
        "order.provisioning",
        "subscription.activated",
        "order.completed",
    ] {
        assert!(
            story.contains(&expected),
            "{expected} missing from {story:?}"
        );
    }
    let at = |kind: &str| story.iter().position(|k| *k == kind).unwrap();
    assert!(at("order.approved") < at("order.created"), "newest first");
    let approval = timeline
        .items()
        .iter()
        .find(|e| e["event_type"] == "order.approved")
        .unwrap();
    assert!(approval["actor"].as_str().unwrap().starts_with("user:"));
    assert_eq!(approval["actor_name"], "Test manager");
    let conversion = timeline
        .items()
        .iter()
        .find(|e| e["event_type"] == "customer.created")
        .unwrap();
    assert_eq!(conversion["actor_name"], "Test client");
}
