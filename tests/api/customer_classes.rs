//! Customer classes: seeded, readable by staff, changed by managers with optimistic locking.

use api::auth::Role;
use serde_json::json;

use crate::helpers::spawn_app;

#[tokio::test]
async fn the_three_seeded_classes_carry_their_credit_policy() {
    let app = spawn_app().await;
    let agent = app.token_as(Role::Agent);
    let reply = app.get("/api/v1/customer-classes", Some(&agent)).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let codes: Vec<&str> = reply
        .items()
        .iter()
        .map(|c| c["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["residential", "business", "enterprise"]);
    let residential = &reply.body["items"][0];
    assert_eq!(residential["credit_limit"], "150.00");
    assert_eq!(residential["deposit"], json!({"kind": "none"}));
    assert_eq!(
        reply.body["items"][1]["deposit"],
        json!({"kind": "months_of_recurring", "months": 1})
    );
    assert_eq!(
        residential["payment_methods"],
        json!(["card", "direct_debit", "prepaid_deposit"])
    );
}

#[tokio::test]
async fn a_manager_changes_a_class_and_a_stale_version_is_refused() {
    let app = spawn_app().await;
    let manager = app.token_as(Role::Manager);
    let read = app.get("/api/v1/customer-classes/1", Some(&manager)).await;
    let etag = read.header("etag").unwrap().to_owned();
    assert_eq!(etag, "\"1\"");

    let change = json!({"credit_limit": "200", "deposit": {"kind": "fixed", "amount": "75.5"}});
    let reply = app
        .send(
            app.client
                .patch(app.url("/api/v1/customer-classes/1"))
                .bearer_auth(&manager)
                .header("If-Match", &etag)
                .json(&change),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.body["credit_limit"], "200.00");
    assert_eq!(
        reply.body["deposit"],
        json!({"kind": "fixed", "amount": "75.50"})
    );
    assert_eq!(reply.body["version"], 2);
    assert_eq!(reply.header("etag"), Some("\"2\""));

    // A second writer still holding version 1 loses, and writes nothing.
    let stale = app
        .send(
            app.client
                .patch(app.url("/api/v1/customer-classes/1"))
                .bearer_auth(&manager)
                .header("If-Match", &etag)
                .json(&json!({"credit_limit": "999"})),
        )
        .await;
    assert_eq!(stale.status, 409);
    assert_eq!(stale.problem_code(), "version_conflict");
    assert_eq!(
        app.count("customer_classes", "id = 1 AND credit_limit = 200"),
        1
    );
    assert_eq!(
        app.count("audit_log", "action = 'customer_class.updated'"),
        1
    );
    let garbled = app
        .send(
            app.client
                .patch(app.url("/api/v1/customer-classes/1"))
                .bearer_auth(&manager)
                .header("If-Match", "yesterday")
                .json(&json!({"credit_limit": "5"})),
        )
        .await;
    assert_eq!(garbled.status, 400);
    assert_eq!(garbled.problem_code(), "invalid_if_match");
}

#[tokio::test]
async fn bad_policy_values_are_field_errors() {
    let app = spawn_app().await;
    let manager = app.token_as(Role::Manager);
    let reply = app
        .patch(
            "/api/v1/customer-classes/1",
            Some(&manager),
            &json!({
                "credit_limit": "-1",
                "deposit": {"kind": "months_of_recurring", "months": 0},
                "payment_terms_days": 400,
                "payment_methods": [],
                "dunning_ladder": "Not A Code"
            }),
        )
        .await;
    assert_eq!(reply.status, 422, "{}", reply.text);
    let fields = reply.error_fields();
    assert_eq!(
        fields,
        [
            "credit_limit",
            "deposit.months",
            "payment_terms_days",
            "payment_methods",
            "dunning_ladder"
        ]
    );
    let reply = app
        .patch(
            "/api/v1/customer-classes/1",
            Some(&manager),
            &json!({"payment_methods": ["barter"]}),
        )
        .await;
    assert_eq!(reply.status, 422);
    assert_eq!(reply.body["errors"][0]["field"], "payment_methods[0]");
    let reply = app
        .patch(
            "/api/v1/customer-classes/1",
            Some(&manager),
            &json!({"credit_limit": 1.5}),
        )
        .await;
    assert_eq!(
        reply.status, 200,
        "a JSON number is read exactly too: {}",
        reply.text
    );
    assert_eq!(reply.body["credit_limit"], "1.50");
    assert_eq!(
        app.get("/api/v1/customer-classes/99", Some(&manager))
            .await
            .status,
        404
    );
}
