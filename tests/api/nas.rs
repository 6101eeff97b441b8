//! NAS administration: FreeRADIUS's own `radius.nas` rows, with a write-only secret.

use api::auth::Role;
use serde_json::json;

use crate::helpers::spawn_app;

#[tokio::test]
async fn an_admin_manages_nases_and_the_secret_never_comes_back() {
    let app = spawn_app().await;
    let admin = app.token_as(Role::Admin);
    let secret = "very-secret-radius-key";
    let created = app
        .post(
            "/api/v1/nas",
            Some(&admin),
            &json!({ "address": "10.0.0.1", "name": "BRAS North", "kind": "mikrotik", "secret": secret }),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    assert_eq!(created.body["address"], "10.0.0.1");
    assert_eq!(created.body["coa_port"], 3799);
    assert_eq!(created.body["secret_set"], true);
    assert!(!created.text.contains(secret));
    let id = created.body["id"].as_i64().unwrap();

    // FreeRADIUS reads the same row, secret included.
    assert_eq!(
        app.count(
            "radius.nas",
            &format!("nasname = '10.0.0.1' AND secret = '{secret}' AND type = 'mikrotik'")
        ),
        1
    );

    let manager = app.token_as(Role::Manager);
    let listed = app.get("/api/v1/nas", Some(&manager)).await;
    assert_eq!(listed.items().len(), 1);
    assert!(!listed.text.contains(secret));

    let rotated = "another-secret-key";
    let changed = app
        .patch(
            &format!("/api/v1/nas/{id}"),
            Some(&admin),
            &json!({ "secret": rotated, "coa_port": 1700, "description": "rack 4" }),
        )
        .await;
    assert_eq!(changed.status, 200, "{}", changed.text);
    assert_eq!(changed.body["coa_port"], 1700);
    assert!(!changed.text.contains(rotated));
    assert_eq!(
        app.count("radius.nas", &format!("id = {id} AND secret = '{rotated}'")),
        1
    );
    // The audit log says the secret changed, never what it is.
    assert_eq!(
        app.count(
            "audit_log",
            &format!(
                "entity_type = 'nas' AND (before::text LIKE '%{secret}%' OR after::text LIKE '%{secret}%' \
                 OR before::text LIKE '%{rotated}%' OR after::text LIKE '%{rotated}%')"
            )
        ),
        0
    );
    assert_eq!(
        app.count(
            "audit_log",
            "action = 'nas.updated' AND (after->>'secret_changed')::boolean"
        ),
        1
    );

    let duplicate = app
        .post(
            "/api/v1/nas",
            Some(&admin),
            &json!({ "address": "10.0.0.1", "name": "Again", "secret": secret }),
        )
        .await;
    assert_eq!(duplicate.status, 409);
    assert_eq!(duplicate.problem_code(), "nas_address_taken");

    let deleted = app
        .request(
            reqwest::Method::DELETE,
            &format!("/api/v1/nas/{id}"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(deleted.status, 204);
    assert_eq!(app.count("radius.nas", ""), 0);
}

#[tokio::test]
async fn bad_nases_get_field_errors_and_managers_cannot_change_them() {
    let app = spawn_app().await;
    let admin = app.token_as(Role::Admin);
    let bad = app
        .post(
            "/api/v1/nas",
            Some(&admin),
            &json!({ "address": "10.0.0.300", "name": "", "kind": "Bad Kind", "secret": "short", "coa_port": 70000 }),
        )
        .await;
    assert_eq!(bad.status, 422, "{}", bad.text);
    let mut fields = bad.error_fields();
    fields.sort_unstable();
    assert_eq!(fields, ["address", "coa_port", "kind", "name", "secret"]);
    assert_eq!(app.count("radius.nas", ""), 0);

    let manager = app.token_as(Role::Manager);
    let refused = app
        .post(
            "/api/v1/nas",
            Some(&manager),
            &json!({ "address": "10.0.0.2", "name": "BRAS", "secret": "long-enough-secret" }),
        )
        .await;
    assert_eq!(refused.status, 403);
    let agent = app.token_as(Role::Agent);
    assert_eq!(app.get("/api/v1/nas", Some(&agent)).await.status, 403);
}
