//! Staff user administration.

use api::auth::Role;
use diesel::RunQueryDsl;
use serde_json::json;

use crate::helpers::{spawn_app, UserBuilder};

#[tokio::test]
async fn an_admin_creates_a_user_who_can_then_log_in() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let reply = app
        .post(
            "/api/v1/users",
            Some(&admin),
            &json!({"email": " Agent.Smith@ISP.test ", "name": "Agent Smith", "role": "agent", "password": "twelve-chars-at-least"}),
        )
        .await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    assert_eq!(reply.body["email"], "agent.smith@isp.test");
    assert_eq!(reply.body["role"], "agent");
    assert!(reply.body.get("password_hash").is_none());
    let id = reply.body["id"].as_i64().unwrap();
    assert_eq!(
        reply.header("location"),
        Some(format!("/api/v1/users/{id}").as_str())
    );
    assert_eq!(
        app.count(
            "users",
            &format!("id = {id} AND password_hash LIKE '$argon2id$%'")
        ),
        1
    );

    let login = app
        .login("agent.smith@isp.test", "twelve-chars-at-least")
        .await;
    assert_eq!(login.status, 200);
}

#[tokio::test]
async fn invalid_users_get_every_field_error_and_nothing_is_written() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let users_before = app.count("users", "");
    let audit_before = app.count("audit_log", "");
    let reply = app
        .post(
            "/api/v1/users",
            Some(&admin),
            &json!({"email": "not-an-email", "name": "  ", "role": "integration", "password": "short"}),
        )
        .await;
    assert_eq!(reply.status, 422);
    assert_eq!(reply.problem_code(), "validation_failed");
    let fields = reply.error_fields();
    assert_eq!(fields, ["email", "name", "role", "password"]);
    assert_eq!(app.count("users", ""), users_before);
    assert_eq!(app.count("audit_log", ""), audit_before);
}

#[tokio::test]
async fn a_duplicate_email_is_a_conflict_and_leaves_no_trace() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let (existing, _) = UserBuilder::new(Role::Finance).create(&app);
    let audit_before = app.count("audit_log", "action = 'user.created'");
    let reply = app
        .post(
            "/api/v1/users",
            Some(&admin),
            &json!({"email": existing.email.to_uppercase(), "name": "Copy", "role": "viewer", "password": "twelve-chars-at-least"}),
        )
        .await;
    assert_eq!(reply.status, 409);
    assert_eq!(reply.problem_code(), "email_taken");
    assert_eq!(
        app.count("audit_log", "action = 'user.created'"),
        audit_before
    );
}

#[tokio::test]
async fn changing_a_password_ends_the_users_sessions() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let (user, password) = UserBuilder::new(Role::Agent).create(&app);
    let login = app.login(&user.email, &password).await;
    let refresh = login.body["refresh_token"].as_str().unwrap().to_owned();
    let access = login.body["access_token"].as_str().unwrap().to_owned();
    app.clock.advance(chrono::Duration::seconds(1));

    let reply = app
        .patch(
            &format!("/api/v1/users/{}", user.id),
            Some(&admin),
            &json!({"password": "a-brand-new-password", "role": "finance"}),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.body["role"], "finance");
    // The access token from before the change is refused at once, not in 15 minutes.
    let reply = app.get("/api/v1/auth/me", Some(&access)).await;
    assert_eq!(reply.status, 401);
    assert_eq!(reply.problem_code(), "session_revoked");
    let reply = app.refresh(&refresh).await;
    assert_eq!(reply.status, 401);
    assert_eq!(app.login(&user.email, &password).await.status, 401);
    assert_eq!(
        app.login(&user.email, "a-brand-new-password").await.status,
        200
    );
    // The audit entry records that the password changed, never the hash.
    assert_eq!(
        app.count(
            "audit_log",
            "action = 'user.updated' AND after->>'password' = '(changed)'"
        ),
        1
    );
    assert_eq!(
        app.count(
            "audit_log",
            "after::text LIKE '%argon2%' OR before::text LIKE '%argon2%'"
        ),
        0
    );
}

#[tokio::test]
async fn the_last_admin_cannot_be_removed() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let me = app.get("/api/v1/auth/me", Some(&admin)).await;
    let id = me.body["id"].as_i64().unwrap();
    let reply = app
        .patch(
            &format!("/api/v1/users/{id}"),
            Some(&admin),
            &json!({"active": false}),
        )
        .await;
    assert_eq!(reply.status, 409);
    assert_eq!(reply.problem_code(), "last_admin");
    let reply = app
        .patch(
            &format!("/api/v1/users/{id}"),
            Some(&admin),
            &json!({"role": "viewer"}),
        )
        .await;
    assert_eq!(reply.problem_code(), "last_admin");

    // With a second admin, the first may step down.
    UserBuilder::new(Role::Admin).create(&app);
    let reply = app
        .patch(
            &format!("/api/v1/users/{id}"),
            Some(&admin),
            &json!({"role": "viewer"}),
        )
        .await;
    assert_eq!(reply.status, 200);
}

#[tokio::test]
async fn users_are_listed_in_pages() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    for _ in 0..4 {
        UserBuilder::new(Role::Viewer).create(&app);
    }
    let first = app.get("/api/v1/users?limit=2", Some(&admin)).await;
    assert_eq!(first.status, 200);
    assert_eq!(first.items().len(), 2);
    let cursor = first.body["next_cursor"].as_str().unwrap();
    let second = app
        .get(
            &format!("/api/v1/users?limit=2&cursor={cursor}"),
            Some(&admin),
        )
        .await;
    let cursor = second.body["next_cursor"].as_str().unwrap();
    let third = app
        .get(
            &format!("/api/v1/users?limit=2&cursor={cursor}"),
            Some(&admin),
        )
        .await;
    assert_eq!(third.items().len(), 1);
    assert!(third.body["next_cursor"].is_null());
    let ids: Vec<i64> = [&first, &second, &third]
        .iter()
        .flat_map(|r| r.items().iter().map(|u| u["id"].as_i64().unwrap()))
        .collect();
    let distinct: std::collections::HashSet<i64> = ids.iter().copied().collect();
    assert_eq!(distinct.len(), ids.len(), "no user appears twice: {ids:?}");
    let n = ids.len();
    assert_eq!(n, 5);
}

#[tokio::test]
async fn when_recording_the_change_fails_the_change_is_rolled_back() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    // Make every audit insert fail, as a full disk or a broken constraint would.
    diesel::sql_query(
        "CREATE FUNCTION refuse_audit() RETURNS trigger LANGUAGE plpgsql AS \
         $$ BEGIN RAISE EXCEPTION 'audit unavailable'; END $$",
    )
    .execute(&mut app.conn())
    .unwrap();
    diesel::sql_query("CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION refuse_audit()")
        .execute(&mut app.conn())
        .unwrap();
    let users_before = app.count("users", "");
    let reply = app
        .post(
            "/api/v1/users",
            Some(&admin),
            &json!({"email": "half@isp.test", "name": "Half", "role": "agent", "password": "twelve-chars-at-least"}),
        )
        .await;
    assert_eq!(reply.status, 500);
    assert_eq!(reply.problem_code(), "internal_error");
    assert!(
        !reply.text.contains("audit unavailable"),
        "the cause is not sent: {}",
        reply.text
    );
    assert_eq!(
        app.count("users", ""),
        users_before,
        "the user was written without its audit record"
    );
    let reply = app
        .patch("/api/v1/users/1", Some(&admin), &json!({"name": "Renamed"}))
        .await;
    assert_eq!(reply.status, 500);
    assert_eq!(app.count("users", "id = 1 AND name = 'Renamed'"), 0);
}
