//! Every malformed request gets the problem shape with the right status and a stable code.

use reqwest::Method;
use serde_json::json;

use crate::helpers::spawn_app;

#[tokio::test]
async fn malformed_json_is_400() {
    let app = spawn_app().await;
    let reply = app
        .send(
            app.client
                .post(app.url("/api/v1/auth/login"))
                .header("content-type", "application/json")
                .body(r#"{"email": "a@b.c", "password": "#),
        )
        .await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.problem_code(), "malformed_json");
}

#[tokio::test]
async fn wrong_types_missing_and_unknown_fields_are_422_with_the_field() {
    let app = spawn_app().await;
    let cases = [
        (
            json!({"email": 5, "password": "x"}),
            "email",
            "invalid_type",
        ),
        (json!({"email": "a@b.c"}), "password", "required"),
        (
            json!({"email": "a@b.c", "password": "x", "admin": true}),
            "admin",
            "unknown_field",
        ),
    ];
    for (body, field, code) in cases {
        let reply = app.post("/api/v1/auth/login", None, &body).await;
        assert_eq!(reply.status, 422, "{body}: {}", reply.text);
        assert_eq!(reply.problem_code(), "validation_failed");
        assert_eq!(reply.body["errors"][0]["field"], field, "{}", reply.text);
        assert_eq!(reply.body["errors"][0]["code"], code, "{}", reply.text);
    }
}

#[tokio::test]
async fn nested_field_errors_name_the_path() {
    let app = spawn_app().await;
    let token = app.admin_token().await;
    let reply = app
        .post(
            "/api/v1/api-clients",
            Some(&token),
            &json!({"name": "CRM", "scopes": ["leads:write", 7]}),
        )
        .await;
    assert_eq!(reply.status, 422);
    assert_eq!(reply.body["errors"][0]["field"], "scopes[1]");
}

#[tokio::test]
async fn oversized_bodies_are_413() {
    let app = spawn_app().await;
    let big = "x".repeat(app.config.max_body_bytes + 1);
    let reply = app
        .post(
            "/api/v1/auth/login",
            None,
            &json!({"email": big, "password": "x"}),
        )
        .await;
    assert_eq!(reply.status, 413);
    assert_eq!(reply.problem_code(), "payload_too_large");
}

#[tokio::test]
async fn a_body_that_is_not_json_is_415() {
    let app = spawn_app().await;
    let reply = app
        .send(
            app.client
                .post(app.url("/api/v1/auth/login"))
                .header("content-type", "text/plain")
                .body("email=a"),
        )
        .await;
    assert_eq!(reply.status, 415);
    assert_eq!(reply.problem_code(), "unsupported_media_type");
}

#[tokio::test]
async fn bad_path_and_query_parameters_are_400() {
    let app = spawn_app().await;
    let token = app.admin_token().await;
    let reply = app.get("/api/v1/users/not-a-number", Some(&token)).await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.problem_code(), "invalid_path_parameter");
    let reply = app.get("/api/v1/users?limit=lots", Some(&token)).await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.problem_code(), "invalid_query");
    let reply = app.get("/api/v1/users?limit=0", Some(&token)).await;
    assert_eq!(reply.status, 400);
    let reply = app.get("/api/v1/users?cursor=garbage", Some(&token)).await;
    assert_eq!(reply.problem_code(), "invalid_cursor");
}

#[tokio::test]
async fn unknown_routes_are_404_and_wrong_methods_405() {
    let app = spawn_app().await;
    let reply = app.get("/api/v1/no-such-thing", None).await;
    assert_eq!(reply.status, 404);
    assert_eq!(reply.problem_code(), "route_not_found");
    let reply = app.get("/no-such-page-either", None).await;
    assert_eq!(reply.status, 404);
    assert_eq!(reply.problem_code(), "route_not_found");

    let reply = app
        .request(Method::DELETE, "/api/v1/auth/login", None, None)
        .await;
    assert_eq!(reply.status, 405);
    assert_eq!(reply.problem_code(), "method_not_allowed");
    let reply = app.request(Method::PUT, "/healthz", None, None).await;
    assert_eq!(reply.status, 405);
    assert_eq!(reply.problem_code(), "method_not_allowed");
}

#[tokio::test]
async fn not_found_resources_are_404_problems() {
    let app = spawn_app().await;
    let token = app.admin_token().await;
    let reply = app.get("/api/v1/users/424242", Some(&token)).await;
    assert_eq!(reply.status, 404);
    assert_eq!(reply.problem_code(), "not_found");
}

#[tokio::test]
async fn an_oversized_chunked_body_without_a_length_is_413_too() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = spawn_app().await;
    let address = app.address.trim_start_matches("http://").to_owned();
    let mut stream = tokio::net::TcpStream::connect(&address).await.unwrap();
    let head = format!(
        "POST /api/v1/auth/login HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\n\
         Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let chunk = vec![b' '; 64 * 1024];
    let mut sent = 0;
    // Keep sending until the server has seen more than the limit (it may stop reading).
    while sent <= app.config.max_body_bytes + chunk.len() {
        let frame = [format!("{:x}\r\n", chunk.len()).as_bytes(), &chunk, b"\r\n"].concat();
        if stream.write_all(&frame).await.is_err() {
            break;
        }
        sent += chunk.len();
    }
    let _ = stream.write_all(b"0\r\n\r\n").await;
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response).await;
    let response = String::from_utf8_lossy(&response);
    assert!(
        response.starts_with("HTTP/1.1 413"),
        "{}",
        &response[..response.len().min(300)]
    );
    assert!(response.contains("payload_too_large"), "{response}");
}

#[tokio::test]
async fn a_nul_character_is_refused_at_the_edge_not_by_the_database() {
    let app = crate::helpers::spawn_app().await;
    let token = app.token_as(api::auth::Role::Admin);
    for path in [
        "/api/v1/leads?q=a%00b",
        "/api/v1/audit-log?entity_id=%00",
        "/api/v1/search?q=an%00a",
    ] {
        let reply = app.get(path, Some(&token)).await;
        assert_eq!(reply.status, 400, "{path}: {}", reply.text);
        assert_eq!(reply.problem_code(), "invalid_query");
    }
    let reply = app
        .post(
            "/api/v1/leads",
            Some(&token),
            &serde_json::json!({ "name": "Nul\u{0}Name", "email": "nul@example.net", "source": "phone" }),
        )
        .await;
    assert_eq!(reply.status, 422, "{}", reply.text);
    assert_eq!(reply.problem_code(), "validation_failed");
    assert_eq!(reply.error_fields(), ["name"]);
    assert_eq!(app.count("leads", ""), 0);
}
