//! Logins, token refresh and logout, client credentials, and every way a token can be bad.

use api::auth::Role;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::Duration;
use serde_json::json;

use crate::helpers::{
    spawn_app, spawn_app_with, UserBuilder, ADMIN_EMAIL, ADMIN_PASSWORD, JWT_SECRET,
};

#[tokio::test]
async fn login_gives_tokens_that_identify_the_user() {
    let app = spawn_app().await;
    let reply = app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.body["token_type"], "Bearer");
    assert_eq!(reply.body["expires_in"], 900);
    assert!(reply.body["refresh_token"]
        .as_str()
        .unwrap()
        .starts_with("rt_"));
    let token = reply.body["access_token"].as_str().unwrap();
    let me = app.get("/api/v1/auth/me", Some(token)).await;
    assert_eq!(me.status, 200);
    assert_eq!(me.body["email"], ADMIN_EMAIL);
    assert_eq!(me.body["role"], "admin");
    assert_eq!(me.body["kind"], "user");
    // The email is matched case-insensitively.
    let reply = app.login(&ADMIN_EMAIL.to_uppercase(), ADMIN_PASSWORD).await;
    assert_eq!(reply.status, 200);
    // Refresh tokens are stored as digests only.
    assert_eq!(app.count("refresh_tokens", "length(token_digest) = 32"), 2);
}

#[tokio::test]
async fn a_failed_login_does_not_reveal_whether_the_email_exists() {
    let app = spawn_app().await;
    let wrong_password = app.login(ADMIN_EMAIL, "not-the-password").await;
    let unknown_email = app.login("nobody@isp.test", "not-the-password").await;
    assert_eq!(wrong_password.status, 401);
    assert_eq!(unknown_email.status, 401);
    assert_eq!(wrong_password.problem_code(), "invalid_credentials");
    assert_eq!(wrong_password.body, unknown_email.body);
}

#[tokio::test]
async fn an_inactive_user_cannot_log_in() {
    let app = spawn_app().await;
    let (user, password) = UserBuilder::new(Role::Agent).create(&app);
    let token = app.admin_token().await;
    let reply = app
        .patch(
            &format!("/api/v1/users/{}", user.id),
            Some(&token),
            &json!({"active": false}),
        )
        .await;
    assert_eq!(reply.status, 200);
    let reply = app.login(&user.email, &password).await;
    assert_eq!(reply.status, 401);
    assert_eq!(reply.problem_code(), "invalid_credentials");
}

#[tokio::test]
async fn repeated_failures_lock_the_account_for_the_window() {
    let app = spawn_app().await;
    for _ in 0..5 {
        assert_eq!(app.login(ADMIN_EMAIL, "wrong-password").await.status, 401);
    }
    // Even the right password is refused while the account is locked.
    let reply = app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_eq!(reply.status, 429);
    assert_eq!(reply.problem_code(), "rate_limited");
    let retry: i64 = reply.header("retry-after").unwrap().parse().unwrap();
    assert!(retry > 0 && retry <= 900, "retry-after {retry}");
    // Another account from the same address is not locked by it.
    let (agent, password) = UserBuilder::new(Role::Agent).create(&app);
    assert_eq!(app.login(&agent.email, &password).await.status, 200);
    // Once the window has passed, the account opens again.
    app.clock.advance(Duration::minutes(16));
    assert_eq!(app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await.status, 200);
}

#[tokio::test]
async fn repeated_failures_from_one_address_are_limited_across_accounts() {
    let app = spawn_app_with(|c| c.login_max_failures_per_address = 3).await;
    for i in 0..3 {
        let reply = app
            .login(&format!("guess{i}@isp.test"), "wrong-password")
            .await;
        assert_eq!(reply.status, 401);
    }
    let reply = app.login("guess-next@isp.test", "wrong-password").await;
    assert_eq!(reply.status, 429);
    assert_eq!(reply.problem_code(), "rate_limited");
}

#[tokio::test]
async fn refresh_rotates_and_a_reused_token_ends_the_session() {
    let app = spawn_app().await;
    let login = app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let first = login.body["refresh_token"].as_str().unwrap().to_owned();

    let reply = app.refresh(&first).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let second = reply.body["refresh_token"].as_str().unwrap().to_owned();
    assert_ne!(first, second);
    let access = reply.body["access_token"].as_str().unwrap();
    assert_eq!(app.get("/api/v1/auth/me", Some(access)).await.status, 200);

    // Replaying the first token is refused and revokes the whole session.
    let replay = app.refresh(&first).await;
    assert_eq!(replay.status, 401);
    assert_eq!(replay.problem_code(), "invalid_refresh_token");
    let after = app.refresh(&second).await;
    assert_eq!(
        after.status, 401,
        "the rotated token must die with its session"
    );
    assert_eq!(
        app.count("audit_log", "action = 'session.reuse_detected'"),
        1
    );
}

#[tokio::test]
async fn refresh_tokens_expire() {
    let app = spawn_app().await;
    let login = app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let token = login.body["refresh_token"].as_str().unwrap().to_owned();
    app.clock
        .advance(Duration::seconds(app.config.refresh_token_ttl_secs + 1));
    let reply = app.refresh(&token).await;
    assert_eq!(reply.status, 401);
    let reply = app.refresh("rt_made_up").await;
    assert_eq!(reply.status, 401);
}

#[tokio::test]
async fn logout_revokes_the_refresh_token_even_after_the_access_token_expired() {
    let app = spawn_app().await;
    let login = app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let refresh = login.body["refresh_token"].as_str().unwrap();
    app.clock.advance(Duration::minutes(30));
    let reply = app
        .post(
            "/api/v1/auth/logout",
            None,
            &json!({"refresh_token": refresh}),
        )
        .await;
    assert_eq!(reply.status, 204, "{}", reply.text);
    let reply = app.refresh(refresh).await;
    assert_eq!(reply.status, 401);
    assert_eq!(app.count("refresh_tokens", "revoked_at IS NULL"), 0);
    assert_eq!(
        app.count("audit_log", "action = 'session.ended' AND actor = 'user:1'"),
        1
    );
    // Logging out twice, or with a made-up token, is not an error.
    let again = app
        .post(
            "/api/v1/auth/logout",
            None,
            &json!({"refresh_token": refresh}),
        )
        .await;
    assert_eq!(again.status, 204);
}

#[tokio::test]
async fn a_burst_of_parallel_guesses_gets_no_more_tries_than_the_limit() {
    let app = spawn_app().await;
    let attempts = (0..12).map(|_| app.login(ADMIN_EMAIL, "wrong-password-guess"));
    let replies = futures_util::future::join_all(attempts).await;
    let refused = replies.iter().filter(|r| r.status == 401).count();
    let limited = replies.iter().filter(|r| r.status == 429).count();
    assert_eq!(refused + limited, 12);
    assert_eq!(refused, 5, "exactly the per-account limit was tried");
}

#[tokio::test]
async fn expired_access_tokens_are_401() {
    let app = spawn_app().await;
    let token = app.admin_token().await;
    app.clock.advance(Duration::seconds(899));
    assert_eq!(app.get("/api/v1/auth/me", Some(&token)).await.status, 200);
    app.clock.advance(Duration::seconds(1));
    let reply = app.get("/api/v1/auth/me", Some(&token)).await;
    assert_eq!(reply.status, 401);
    assert_eq!(reply.problem_code(), "token_expired");
    assert_eq!(reply.header("www-authenticate"), Some("Bearer"));
}

fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

fn hs256(secret: &[u8], message: &str) -> String {
    use sha2::Sha256;
    // HMAC-SHA256 by hand (RFC 2104), so the test does not trust the code under test.
    let mut key = [0u8; 64];
    if secret.len() > 64 {
        use sha2::Digest;
        key[..32].copy_from_slice(&Sha256::digest(secret));
    } else {
        key[..secret.len()].copy_from_slice(secret);
    }
    use sha2::Digest;
    let ipad: Vec<u8> = key.iter().map(|b| b ^ 0x36).collect();
    let opad: Vec<u8> = key.iter().map(|b| b ^ 0x5c).collect();
    let inner = Sha256::new()
        .chain_update(&ipad)
        .chain_update(message.as_bytes())
        .finalize();
    let outer = Sha256::new()
        .chain_update(&opad)
        .chain_update(inner)
        .finalize();
    b64(&outer)
}

#[tokio::test]
async fn forged_tokens_are_rejected() {
    let app = spawn_app().await;
    let now = app.clock_now().timestamp();
    let claims = json!({
        "sub": "user:1", "role": "admin", "iss": "ispbill", "aud": "ispbill-api",
        "iat": now, "exp": now + 600, "jti": "x"
    });
    let payload = b64(claims.to_string().as_bytes());
    let header = |alg: &str| b64(json!({"alg": alg, "typ": "JWT"}).to_string().as_bytes());

    // Control: a correctly signed token with the same claims is accepted, so the
    // rejections below are about the forgery and nothing else.
    let signing_input = format!("{}.{payload}", header("HS256"));
    let good = format!(
        "{signing_input}.{}",
        hs256(JWT_SECRET.as_bytes(), &signing_input)
    );
    assert_eq!(app.get("/api/v1/auth/me", Some(&good)).await.status, 200);

    let none = format!("{}.{payload}.", header("none"));
    let unsigned = format!("{}.{payload}", header("HS256"));
    let confusion_input = format!("{}.{payload}", header("RS256"));
    // HS/RS confusion: an "RS256" token signed with HMAC over a key the attacker knows.
    let confusion = format!(
        "{confusion_input}.{}",
        hs256(JWT_SECRET.as_bytes(), &confusion_input)
    );
    let wrong_key = format!(
        "{signing_input}.{}",
        hs256(b"some-other-secret", &signing_input)
    );
    let tampered = {
        let promoted = b64(claims.to_string().replace("user:1", "user:2").as_bytes());
        let sig = good.rsplit('.').next().unwrap();
        format!("{}.{promoted}.{sig}", header("HS256"))
    };
    for (name, token) in [
        ("alg none", none),
        ("unsigned", unsigned),
        ("RS256 confusion", confusion),
        ("wrong key", wrong_key),
        ("tampered", tampered),
        ("garbage", "not.a.jwt".to_owned()),
    ] {
        let reply = app.get("/api/v1/auth/me", Some(&token)).await;
        assert_eq!(reply.status, 401, "{name} accepted");
        assert_eq!(reply.problem_code(), "invalid_token", "{name}");
    }
    let reply = app
        .send(
            app.client
                .get(app.url("/api/v1/auth/me"))
                .header("authorization", "Basic YTpi"),
        )
        .await;
    assert_eq!(reply.status, 401);
    assert_eq!(
        app.get("/api/v1/auth/me", None).await.problem_code(),
        "missing_token"
    );
}

#[tokio::test]
async fn a_valid_token_without_the_role_is_403() {
    let app = spawn_app().await;
    let (agent, password) = UserBuilder::new(Role::Agent).create(&app);
    let token = app.login_token(&agent.email, &password).await;
    let reply = app.get("/api/v1/users", Some(&token)).await;
    assert_eq!(reply.status, 403);
    assert_eq!(reply.problem_code(), "forbidden");
}

#[tokio::test]
async fn deactivating_or_re_roling_a_user_stops_their_access_token_at_once() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let (agent, password) = UserBuilder::new(Role::Agent).create(&app);
    let (finance, finance_password) = UserBuilder::new(Role::Finance).create(&app);
    let agent_token = app.login_token(&agent.email, &password).await;
    let finance_token = app.login_token(&finance.email, &finance_password).await;
    assert_eq!(
        app.get("/api/v1/auth/me", Some(&agent_token)).await.status,
        200
    );

    app.patch(
        &format!("/api/v1/users/{}", agent.id),
        Some(&admin),
        &json!({"active": false}),
    )
    .await;
    let reply = app.get("/api/v1/auth/me", Some(&agent_token)).await;
    assert_eq!(reply.status, 401);
    assert_eq!(reply.problem_code(), "session_revoked");

    // A token that says "finance" is no good once the user is a viewer.
    app.patch(
        &format!("/api/v1/users/{}", finance.id),
        Some(&admin),
        &json!({"role": "viewer"}),
    )
    .await;
    assert_eq!(
        app.get("/api/v1/auth/me", Some(&finance_token))
            .await
            .status,
        401
    );
}

#[tokio::test]
async fn a_deleted_api_clients_token_stops_working_at_once() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let created = app
        .post(
            "/api/v1/api-clients",
            Some(&admin),
            &json!({"name": "Old CRM"}),
        )
        .await;
    let id = created.body["id"].as_i64().unwrap();
    let grant = json!({
        "grant_type": "client_credentials",
        "client_id": created.body["client_id"],
        "client_secret": created.body["client_secret"],
    });
    let token = app.post("/api/v1/auth/token", None, &grant).await.body["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(app.get("/api/v1/auth/me", Some(&token)).await.status, 200);
    app.request(
        reqwest::Method::DELETE,
        &format!("/api/v1/api-clients/{id}"),
        Some(&admin),
        None,
    )
    .await;
    let reply = app.get("/api/v1/auth/me", Some(&token)).await;
    assert_eq!(reply.status, 401);
    assert_eq!(reply.problem_code(), "session_revoked");
}
