//! API clients and the client-credentials grant.

use serde_json::json;

use crate::helpers::{spawn_app, TestApp};

async fn create_client(app: &TestApp, token: &str, scopes: &[&str]) -> (i64, String, String) {
    let reply = app
        .post(
            "/api/v1/api-clients",
            Some(token),
            &json!({"name": "Acme CRM", "scopes": scopes}),
        )
        .await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    (
        reply.body["id"].as_i64().unwrap(),
        reply.body["client_id"].as_str().unwrap().to_owned(),
        reply.body["client_secret"].as_str().unwrap().to_owned(),
    )
}

#[tokio::test]
async fn a_client_gets_a_scoped_integration_token() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let (id, client_id, secret) =
        create_client(&app, &admin, &["leads:write", "customers:read"]).await;

    // The form the OAuth 2.0 spec uses.
    let reply = app
        .send(app.client.post(app.url("/api/v1/auth/token")).form(&[
            ("grant_type", "client_credentials"),
            ("client_id", client_id.as_str()),
            ("client_secret", secret.as_str()),
            ("scope", "leads:write"),
        ]))
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.body["scope"], "leads:write");
    let token = reply.body["access_token"].as_str().unwrap();
    let me = app.get("/api/v1/auth/me", Some(token)).await;
    assert_eq!(me.body["kind"], "api_client");
    assert_eq!(me.body["id"], id);
    assert_eq!(me.body["role"], "integration");
    assert_eq!(me.body["scopes"], json!(["leads:write"]));
    // An integration token is not an admin.
    assert_eq!(app.get("/api/v1/users", Some(token)).await.status, 403);

    // JSON with HTTP Basic, no scope asked: every granted scope.
    let reply = app
        .send(
            app.client
                .post(app.url("/api/v1/auth/token"))
                .basic_auth(&client_id, Some(&secret))
                .json(&json!({"grant_type": "client_credentials"})),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.body["scope"], "leads:write customers:read");
}

#[tokio::test]
async fn bad_client_credentials_and_scopes_are_refused() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let (id, client_id, secret) = create_client(&app, &admin, &["leads:write"]).await;
    let grant = |secret: &str, scope: Option<&str>| {
        let mut body = json!({"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret});
        if let Some(s) = scope {
            body["scope"] = json!(s);
        }
        body
    };
    let reply = app
        .post("/api/v1/auth/token", None, &grant("cs_wrong", None))
        .await;
    assert_eq!(reply.status, 401);
    assert_eq!(reply.problem_code(), "invalid_client");
    let reply = app
        .post(
            "/api/v1/auth/token",
            None,
            &grant(&secret, Some("customers:write")),
        )
        .await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.problem_code(), "invalid_scope");
    let mut wrong_grant = grant(&secret, None);
    wrong_grant["grant_type"] = json!("password");
    let reply = app.post("/api/v1/auth/token", None, &wrong_grant).await;
    assert_eq!(reply.problem_code(), "unsupported_grant_type");

    // Rotation kills the old secret and the tokens it got; deactivation kills the client.
    let old_token = app
        .post("/api/v1/auth/token", None, &grant(&secret, None))
        .await
        .body["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        app.get("/api/v1/auth/me", Some(&old_token)).await.status,
        200
    );
    app.clock.advance(chrono::Duration::seconds(1));
    let rotated = app
        .post(
            &format!("/api/v1/api-clients/{id}/rotate-secret"),
            Some(&admin),
            &json!({}),
        )
        .await;
    assert_eq!(rotated.status, 200);
    let new_secret = rotated.body["client_secret"].as_str().unwrap().to_owned();
    assert_eq!(
        app.post("/api/v1/auth/token", None, &grant(&secret, None))
            .await
            .status,
        401
    );
    assert_eq!(
        app.post("/api/v1/auth/token", None, &grant(&new_secret, None))
            .await
            .status,
        200
    );
    let reply = app
        .patch(
            &format!("/api/v1/api-clients/{id}"),
            Some(&admin),
            &json!({"active": false}),
        )
        .await;
    assert_eq!(reply.status, 200);
    assert_eq!(
        app.post("/api/v1/auth/token", None, &grant(&new_secret, None))
            .await
            .status,
        401
    );
}

#[tokio::test]
async fn secrets_are_shown_once_and_stored_as_digests() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let (id, _, secret) = create_client(&app, &admin, &[]).await;
    let reply = app
        .get(&format!("/api/v1/api-clients/{id}"), Some(&admin))
        .await;
    assert_eq!(reply.status, 200);
    assert!(reply.body.get("client_secret").is_none());
    assert!(!reply.text.contains(&secret));
    let list = app.get("/api/v1/api-clients", Some(&admin)).await;
    assert!(!list.text.contains(&secret));
    assert_eq!(list.items().len(), 1);
    // Neither the audit log nor the table holds the secret.
    assert_eq!(
        app.count("audit_log", &format!("after::text LIKE '%{secret}%'")),
        0
    );
    assert_eq!(app.count("api_clients", "length(secret_digest) = 32"), 1);
}

#[tokio::test]
async fn unknown_scopes_are_a_validation_error_and_deletion_is_final() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let reply = app
        .post(
            "/api/v1/api-clients",
            Some(&admin),
            &json!({"name": "X", "scopes": ["everything"]}),
        )
        .await;
    assert_eq!(reply.status, 422);
    assert_eq!(reply.body["errors"][0]["field"], "scopes[0]");
    assert_eq!(app.count("api_clients", ""), 0);

    let (id, client_id, secret) = create_client(&app, &admin, &[]).await;
    let reply = app
        .request(
            reqwest::Method::DELETE,
            &format!("/api/v1/api-clients/{id}"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(reply.status, 204);
    assert_eq!(
        app.get(&format!("/api/v1/api-clients/{id}"), Some(&admin))
            .await
            .status,
        404
    );
    let reply = app
        .post(
            "/api/v1/auth/token",
            None,
            &json!({"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}),
        )
        .await;
    assert_eq!(reply.status, 401);
    assert_eq!(app.count("audit_log", "action = 'api_client.deleted'"), 1);
}
