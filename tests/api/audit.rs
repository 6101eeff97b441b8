//! The audit log: written with every change, in its transaction, and searchable.

use serde_json::json;

use crate::helpers::spawn_app;

#[tokio::test]
async fn a_change_is_audited_with_actor_before_after_and_request_id() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let created = app
        .post(
            "/api/v1/users",
            Some(&admin),
            &json!({"email": "fin@isp.test", "name": "Fin", "role": "finance", "password": "twelve-chars-at-least"}),
        )
        .await;
    let id = created.body["id"].as_i64().unwrap();
    let request_id = created.header("x-request-id").unwrap().to_owned();
    let updated = app
        .patch(
            &format!("/api/v1/users/{id}"),
            Some(&admin),
            &json!({"name": "Finn"}),
        )
        .await;
    assert_eq!(updated.status, 200);

    let reply = app
        .get(
            &format!("/api/v1/audit-log?entity_type=user&entity_id={id}"),
            Some(&admin),
        )
        .await;
    assert_eq!(reply.status, 200);
    let items = reply.items();
    assert_eq!(items.len(), 2, "{}", reply.text);
    // Newest first.
    assert_eq!(items[0]["action"], "user.updated");
    assert_eq!(items[0]["before"]["name"], "Fin");
    assert_eq!(items[0]["after"]["name"], "Finn");
    assert_eq!(items[1]["action"], "user.created");
    assert!(items[1]["before"].is_null());
    assert_eq!(items[1]["actor"], "user:1");
    assert_eq!(items[1]["actor_role"], "admin");
    assert_eq!(items[1]["request_id"], request_id.as_str());

    let by_request = app
        .get(
            &format!("/api/v1/audit-log?request_id={request_id}"),
            Some(&admin),
        )
        .await;
    assert_eq!(by_request.items().len(), 1);
}

#[tokio::test]
async fn the_audit_log_pages_with_a_stable_cursor_and_filters() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    for i in 0..5 {
        let reply = app
            .post(
                "/api/v1/api-clients",
                Some(&admin),
                &json!({"name": format!("client {i}")}),
            )
            .await;
        assert_eq!(reply.status, 201);
    }
    let path = "/api/v1/audit-log?action=api_client.created&limit=2";
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let url = match &cursor {
            Some(c) => format!("{path}&cursor={c}"),
            None => path.to_owned(),
        };
        let reply = app.get(&url, Some(&admin)).await;
        assert_eq!(reply.status, 200, "{}", reply.text);
        for item in reply.items() {
            seen.push(item["id"].as_i64().unwrap());
        }
        match reply.body["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    assert_eq!(seen.len(), 5);
    assert!(
        seen.windows(2).all(|w| w[0] > w[1]),
        "newest first: {seen:?}"
    );

    // Time filters use the application clock's timestamps.
    let now = app.clock_now();
    let later = (now + chrono::Duration::hours(1)).to_rfc3339();
    let reply = app
        .get(
            &format!("/api/v1/audit-log?from={}", urlencode(&later)),
            Some(&admin),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.items().len(), 0);
    let reply = app
        .get(
            &format!(
                "/api/v1/audit-log?to={}&action=api_client.created",
                urlencode(&later)
            ),
            Some(&admin),
        )
        .await;
    assert_eq!(reply.items().len(), 5);
    let reply = app
        .get("/api/v1/audit-log?from=yesterday", Some(&admin))
        .await;
    assert_eq!(reply.status, 400);
}

fn urlencode(s: &str) -> String {
    s.replace('+', "%2B").replace(':', "%3A")
}

#[tokio::test]
async fn a_failed_change_leaves_no_audit_entry() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let before = app.count("audit_log", "");
    let reply = app
        .patch("/api/v1/users/1", Some(&admin), &json!({"active": false}))
        .await;
    assert_eq!(reply.status, 409);
    assert_eq!(app.count("audit_log", ""), before);
    assert_eq!(app.count("users", "id = 1 AND active"), 1);
}
