//! Idempotency-Key: a retried POST gets the first answer and creates nothing new.

use serde_json::{json, Value};

use crate::helpers::{spawn_app, Reply, TestApp};

async fn create_user(app: &TestApp, token: &str, key: Option<&str>, body: &Value) -> Reply {
    let mut req = app
        .client
        .post(app.url("/api/v1/users"))
        .bearer_auth(token)
        .json(body);
    if let Some(key) = key {
        req = req.header("Idempotency-Key", key);
    }
    app.send(req).await
}

fn user(email: &str) -> Value {
    json!({"email": email, "name": "Retry Test", "role": "agent", "password": "twelve-chars-at-least"})
}

#[tokio::test]
async fn a_retry_with_the_same_key_replays_the_first_response() {
    let app = spawn_app().await;
    let token = app.admin_token().await;
    let first = create_user(
        &app,
        &token,
        Some("create-agent-1"),
        &user("retry@isp.test"),
    )
    .await;
    assert_eq!(first.status, 201, "{}", first.text);
    assert!(first.header("idempotent-replayed").is_none());
    let second = create_user(
        &app,
        &token,
        Some("create-agent-1"),
        &user("retry@isp.test"),
    )
    .await;
    assert_eq!(
        second.status, 201,
        "a replay, not a 409 email_taken: {}",
        second.text
    );
    assert_eq!(second.header("idempotent-replayed"), Some("true"));
    assert_eq!(second.body, first.body);
    assert_eq!(second.header("location"), first.header("location"));
    assert_eq!(app.count("users", "email = 'retry@isp.test'"), 1);
    assert_eq!(app.count("audit_log", "action = 'user.created'"), 1);
}

#[tokio::test]
async fn the_same_key_with_another_body_is_refused() {
    let app = spawn_app().await;
    let token = app.admin_token().await;
    let first = create_user(&app, &token, Some("k-2"), &user("one@isp.test")).await;
    assert_eq!(first.status, 201);
    let other = create_user(&app, &token, Some("k-2"), &user("two@isp.test")).await;
    assert_eq!(other.status, 422);
    assert_eq!(other.problem_code(), "idempotency_key_reused");
    assert_eq!(app.count("users", "email = 'two@isp.test'"), 0);
}

#[tokio::test]
async fn failed_requests_are_not_stored_and_can_be_corrected() {
    let app = spawn_app().await;
    let token = app.admin_token().await;
    let bad = create_user(
        &app,
        &token,
        Some("k-3"),
        &json!({"email": "x", "name": "X", "role": "agent", "password": "short"}),
    )
    .await;
    assert_eq!(bad.status, 422);
    let fixed = create_user(&app, &token, Some("k-3"), &user("fixed@isp.test")).await;
    assert_eq!(fixed.status, 201, "{}", fixed.text);
    assert_eq!(app.count("idempotency_keys", "response_status = 201"), 1);
}

#[tokio::test]
async fn keys_belong_to_their_caller_and_expire() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let first = create_user(&app, &admin, Some("shared-key"), &user("a1@isp.test")).await;
    assert_eq!(first.status, 201);
    // Another admin using the same key string is a different request.
    let (other, password) = crate::helpers::UserBuilder::new(api::auth::Role::Admin).create(&app);
    let other_token = app.login_token(&other.email, &password).await;
    let second = create_user(&app, &other_token, Some("shared-key"), &user("a2@isp.test")).await;
    assert_eq!(second.status, 201, "{}", second.text);
    assert!(second.header("idempotent-replayed").is_none());

    // After 24 hours the key is free again.
    app.clock.advance(chrono::Duration::hours(25));
    let admin = app.admin_token().await;
    let reuse = create_user(&app, &admin, Some("shared-key"), &user("a3@isp.test")).await;
    assert_eq!(reuse.status, 201, "{}", reuse.text);
    assert!(reuse.header("idempotent-replayed").is_none());
}

#[tokio::test]
async fn malformed_keys_are_400_and_secret_bearing_routes_ignore_the_header() {
    let app = spawn_app().await;
    let token = app.admin_token().await;
    let bad = create_user(&app, &token, Some("has spaces"), &user("k@isp.test")).await;
    assert_eq!(bad.status, 400);
    assert_eq!(bad.problem_code(), "invalid_idempotency_key");

    // A client secret is shown once; it is never stored to be replayed.
    for _ in 0..2 {
        let reply = app
            .send(
                app.client
                    .post(app.url("/api/v1/api-clients"))
                    .bearer_auth(&token)
                    .header("Idempotency-Key", "client-1")
                    .json(&json!({"name": "CRM"})),
            )
            .await;
        assert_eq!(reply.status, 201);
        assert!(reply.header("idempotent-replayed").is_none());
    }
    assert_eq!(app.count("api_clients", ""), 2);
    assert_eq!(app.count("idempotency_keys", ""), 0);
}

#[tokio::test]
async fn housekeeping_deletes_expired_records_and_old_failures() {
    let app = spawn_app().await;
    let token = app.admin_token().await;
    create_user(&app, &token, Some("old-key"), &user("old@isp.test")).await;
    app.login("nobody@isp.test", "wrong-password").await;
    let window = app.config.login_window_secs;
    let now = app.clock_now();
    let pruned = api::services::maintenance::prune(&mut app.conn(), now, window).unwrap();
    assert_eq!(pruned.idempotency_keys, 0, "nothing is old yet");
    assert_eq!(pruned.login_failures, 0);

    let later = now + chrono::Duration::hours(25);
    let pruned = api::services::maintenance::prune(&mut app.conn(), later, window).unwrap();
    assert_eq!(pruned.idempotency_keys, 1);
    assert_eq!(pruned.login_failures, 1);
    assert_eq!(app.count("idempotency_keys", ""), 0);
    assert_eq!(app.count("login_failures", ""), 0);
}
