use crate::helpers::spawn_app;

#[tokio::test]
async fn healthz_answers_and_carries_a_request_id() {
    let app = spawn_app().await;
    let reply = app.get("/healthz", None).await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.body["status"], "ok");
    let id = reply.header("x-request-id").expect("x-request-id header");
    assert_eq!(id.len(), 36, "a UUID: {id}");
}

#[tokio::test]
async fn readyz_follows_the_database() {
    let app = spawn_app().await;
    let reply = app.get("/readyz", None).await;
    assert_eq!(reply.status, 200);

    // Take the database away under the running server.
    app.db.drop_now();
    let reply = app.get("/readyz", None).await;
    assert_eq!(reply.status, 503);
    assert_eq!(reply.problem_code(), "unavailable");
}

#[tokio::test]
async fn metrics_count_requests_by_route_pattern() {
    let app = spawn_app().await;
    let token = app.admin_token().await;
    app.get("/api/v1/users/1", Some(&token)).await;
    app.get("/api/v1/users/999", Some(&token)).await;
    let reply = app.get("/metrics", None).await;
    assert_eq!(reply.status, 200);
    assert!(
        reply.text.contains(
            r#"http_requests_total{method="GET",route="/api/v1/users/{id}",status="200"} 1"#
        ),
        "{}",
        reply.text
    );
    assert!(reply
        .text
        .contains(r#"route="/api/v1/users/{id}",status="404"} 1"#));
    assert!(reply.text.contains(
        r#"http_request_duration_seconds_count{method="POST",route="/api/v1/auth/login"} 1"#
    ));
}

#[tokio::test]
async fn the_openapi_document_and_docs_are_served() {
    let app = spawn_app().await;
    let reply = app.get("/api/v1/openapi.json", None).await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.body["openapi"], "3.1.0");
    assert!(reply.body["paths"]["/api/v1/auth/login"]["post"].is_object());
    let committed: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/openapi/openapi.json"))
            .unwrap(),
    )
    .unwrap();
    assert!(
        reply.body == committed,
        "openapi/openapi.json differs from the served document: run `make openapi`"
    );
    let docs = app.get("/docs/", None).await;
    assert_eq!(docs.status, 200);
    assert!(
        docs.text.contains("swagger"),
        "{}",
        &docs.text[..200.min(docs.text.len())]
    );
}

#[tokio::test]
async fn a_graceful_stop_lets_the_request_in_flight_finish() {
    use diesel::connection::SimpleConnection;
    use diesel::Connection;

    let db = crate::helpers::TestDb::new();
    let config = crate::helpers::test_config(&db);
    let (app, _) = api::Application::build(
        config,
        std::sync::Arc::new(api::clock::FixedClock::at(crate::helpers::t0())),
    )
    .await
    .unwrap();
    let base = format!("http://127.0.0.1:{}", app.port());
    let handle = app.handle();
    let server = tokio::spawn(app.run_until_stopped());
    let client = reqwest::Client::new();
    let login: serde_json::Value = client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&serde_json::json!({"email": crate::helpers::ADMIN_EMAIL, "password": crate::helpers::ADMIN_PASSWORD}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = login["access_token"].as_str().unwrap().to_owned();

    // Hold the admin's row so the next update has to wait inside the server.
    let mut blocker = diesel::PgConnection::establish(&db.url).unwrap();
    blocker
        .batch_execute("BEGIN; SELECT 1 FROM users WHERE id = 1 FOR UPDATE;")
        .unwrap();
    let in_flight = tokio::spawn({
        let client = client.clone();
        let url = format!("{base}/api/v1/users/1");
        async move {
            client
                .patch(url)
                .bearer_auth(token)
                .json(&serde_json::json!({"name": "Renamed in flight"}))
                .send()
                .await
        }
    });
    // Another connection watches: activity views are a snapshot per transaction.
    let mut observer = diesel::PgConnection::establish(&db.url).unwrap();
    wait_until_a_query_waits_for_a_lock(&mut observer).await;

    let stopping = tokio::spawn(async move { handle.stop(true).await });
    blocker.batch_execute("COMMIT;").unwrap();

    let response = in_flight
        .await
        .unwrap()
        .expect("the request in flight was answered");
    assert_eq!(response.status(), 200);
    stopping.await.unwrap();
    server.await.unwrap().unwrap();
    assert!(
        reqwest::get(format!("{base}/healthz")).await.is_err(),
        "still serving after the stop"
    );
    assert_eq!(count_renamed(&mut observer), 1);
}

async fn wait_until_a_query_waits_for_a_lock(conn: &mut diesel::PgConnection) {
    use diesel::RunQueryDsl;
    #[derive(diesel::QueryableByName)]
    struct Waiting {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    for _ in 0..500 {
        let waiting = diesel::sql_query(
            "SELECT count(*) AS n FROM pg_stat_activity \
             WHERE datname = current_database() AND wait_event_type = 'Lock'",
        )
        .get_result::<Waiting>(conn)
        .unwrap();
        if waiting.n > 0 {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    panic!("the update never reached the lock");
}

fn count_renamed(conn: &mut diesel::PgConnection) -> i64 {
    use diesel::RunQueryDsl;
    #[derive(diesel::QueryableByName)]
    struct N {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    diesel::sql_query("SELECT count(*) AS n FROM users WHERE name = 'Renamed in flight'")
        .get_result::<N>(conn)
        .unwrap()
        .n
}

#[tokio::test]
async fn the_spa_is_served_for_its_routes_but_never_for_api_paths() {
    let dir = std::env::temp_dir().join(format!("ispbill-spa-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("index.html"),
        "<!doctype html><title>ispbill spa</title>",
    )
    .unwrap();
    let static_dir = dir.clone();
    let app = crate::helpers::spawn_app_with(move |c| c.static_dir = Some(static_dir)).await;

    for route in ["/", "/login", "/customers/42"] {
        let reply = app.get(route, None).await;
        assert_eq!(reply.status, 200, "{route}");
        assert!(
            reply.text.contains("ispbill spa"),
            "{route}: {}",
            reply.text
        );
    }
    let reply = app.get("/api/v1/no-such-route", None).await;
    assert_eq!(reply.status, 404);
    assert_eq!(reply.problem_code(), "route_not_found");
    let reply = app.get("/api/v2/users", None).await;
    assert_eq!(reply.status, 404);
    assert_eq!(reply.problem_code(), "route_not_found");
    let reply = app.get("/api/v1/%75sers", None).await;
    assert_eq!(reply.status, 401, "{}", reply.text);
    std::fs::remove_dir_all(dir).unwrap();
}
