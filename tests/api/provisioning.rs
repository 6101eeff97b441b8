//! Provisioning against the real FreeRADIUS: an approved order becomes a subscriber that
//! FreeRADIUS accepts with the plan's attributes; suspension makes it reject the subscriber
//! and the open session is disconnected at the NAS; restore, plan changes and termination
//! change what FreeRADIUS answers; a NAS that does not answer is retried and then waits
//! for staff.

use std::time::{Duration, Instant};

use api::auth::Role;
use diesel::prelude::*;
use serde_json::{json, Value};

use crate::builders::{CustomerBuilder, ProductBuilder};
use crate::helpers::{spawn_app, spawn_app_with, Reply, TestApp};
use crate::radius_server::RadiusServer;

/// Registers the test FreeRADIUS's NAS (it answers Disconnect/CoA on `coa_port`).
async fn add_nas(app: &TestApp, coa_port: u16) -> i64 {
    let admin = app.admin_token().await;
    let reply = app
        .post(
            "/api/v1/nas",
            Some(&admin),
            &json!({"address": "127.0.0.1", "name": "bras-1", "secret": "testing123",
                    "coa_port": coa_port}),
        )
        .await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    reply.body["id"].as_i64().unwrap()
}

/// Creates an order for these products, submits it (a small order is approved at once)
/// and returns the order as answered.
async fn approved_order(app: &TestApp, token: &str, customer_id: i64, products: &[i64]) -> Reply {
    let lines: Vec<Value> = products
        .iter()
        .map(|p| json!({"action": "add", "product_id": p}))
        .collect();
    let order = app
        .post(
            "/api/v1/orders",
            Some(token),
            &json!({"customer_id": customer_id, "channel": "call_center", "lines": lines}),
        )
        .await;
    assert_eq!(order.status, 201, "{}", order.text);
    let id = order.body["id"].as_i64().unwrap();
    let submitted = app
        .post(
            &format!("/api/v1/orders/{id}/submit"),
            Some(token),
            &json!({}),
        )
        .await;
    assert_eq!(submitted.status, 200, "{}", submitted.text);
    submitted
}

async fn subscriptions_of(app: &TestApp, token: &str, customer_id: i64) -> Vec<Value> {
    let reply = app
        .get(
            &format!("/api/v1/customers/{customer_id}/subscriptions"),
            Some(token),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    reply.items().clone()
}

/// Waits until the subscription has no provisioning job pending or running (the workers
/// are woken by the request that queued them), and returns it.
async fn settled(app: &TestApp, token: &str, id: i64) -> Value {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let reply = app
            .get(&format!("/api/v1/subscriptions/{id}"), Some(token))
            .await;
        assert_eq!(reply.status, 200, "{}", reply.text);
        if reply.body["open_jobs"] == 0 {
            return reply.body;
        }
        assert!(
            Instant::now() < deadline,
            "jobs of subscription {id} did not finish: {}",
            reply.text
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn jobs_of(app: &TestApp, token: &str, subscription_id: i64) -> Vec<Value> {
    let reply = app
        .get(
            &format!("/api/v1/provisioning-jobs?subscription_id={subscription_id}"),
            Some(token),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    reply.items().clone()
}

async fn command(app: &TestApp, token: &str, id: i64, what: &str, body: Value) -> Reply {
    app.post(
        &format!("/api/v1/subscriptions/{id}/{what}"),
        Some(token),
        &body,
    )
    .await
}

fn auth(radius: &RadiusServer, user: &str, password: &str) -> String {
    radius.send(
        "auth",
        &format!("User-Name = \"{user}\", User-Password = \"{password}\""),
    )
}

fn start_session(radius: &RadiusServer, user: &str, session: &str) {
    let reply = radius.send(
        "acct",
        &format!(
            "User-Name = \"{user}\", Acct-Status-Type = Start, Acct-Session-Id = \"{session}\", \
             NAS-IP-Address = 127.0.0.1, Framed-IP-Address = 100.64.0.10"
        ),
    );
    assert!(reply.contains("Received Accounting-Response"), "{reply}");
}

fn open_sessions(app: &TestApp, user: &str) -> i64 {
    app.count(
        "radius.radacct",
        &format!("username = '{user}' AND acctstoptime IS NULL"),
    )
}

/// A customer with an active plan subscription: (customer id, subscription, password).
async fn active_subscriber(app: &TestApp, plan: i64) -> (i64, Value, String) {
    let agent = app.token_as(Role::Agent);
    let customer = CustomerBuilder::new("Grace Hopper").create(app);
    approved_order(app, &agent, customer.id, &[plan]).await;
    let subs = subscriptions_of(app, &agent, customer.id).await;
    let id = subs[0]["id"].as_i64().unwrap();
    let sub = settled(app, &agent, id).await;
    assert_eq!(sub["status"], "active", "{sub}");
    let creds = app
        .get(
            &format!("/api/v1/subscriptions/{id}/credentials"),
            Some(&agent),
        )
        .await;
    assert_eq!(creds.status, 200, "{}", creds.text);
    let password = creds.body["password"].as_str().unwrap().to_owned();
    (customer.id, sub, password)
}

#[tokio::test]
async fn an_approved_order_becomes_a_subscriber_that_freeradius_accepts_with_its_plan() {
    let app = spawn_app().await;
    let radius = RadiusServer::start(&app.db.url);
    add_nas(&app, radius.coa_port).await;
    let plan = ProductBuilder::plan("FIBER-100", "39.00")
        .speeds(100, 20)
        .contract(12, "150.00")
        .create(&app)
        .id;
    let addon = ProductBuilder::addon("TV-BASIC", "9.00").create(&app).id;
    let agent = app.token_as(Role::Agent);
    let customer = CustomerBuilder::new("Ada Lovelace").create(&app);

    let order = approved_order(&app, &agent, customer.id, &[plan, addon]).await;
    // Approval fulfils the order at once: one subscription per plan or add-on line.
    assert_eq!(order.body["status"], "provisioning", "{}", order.text);
    let order_id = order.body["id"].as_i64().unwrap();
    let subs = subscriptions_of(&app, &agent, customer.id).await;
    assert_eq!(subs.len(), 2, "{subs:?}");
    let (plan_sub, addon_sub) = (&subs[0], &subs[1]);
    assert_eq!(plan_sub["kind"], "plan");
    assert_eq!(addon_sub["kind"], "addon");
    assert_eq!(addon_sub["parent_id"], plan_sub["id"]);
    assert_eq!(addon_sub["username"], Value::Null);
    let username = plan_sub["username"].as_str().unwrap().to_owned();
    assert_eq!(username, customer.account_number);
    assert_eq!(plan_sub["radius_group"], "fiber-100-v1");
    assert_eq!(plan_sub["monthly_price"], "39.00");
    // The password is never in the subscription itself.
    assert!(plan_sub.get("password").is_none(), "{plan_sub}");

    let plan_id = plan_sub["id"].as_i64().unwrap();
    let activated = settled(&app, &agent, plan_id).await;
    assert_eq!(activated["status"], "active", "{activated}");
    assert!(activated["started_at"].is_string());
    // The contract runs twelve months from activation (the test clock's 2 March 2026).
    assert_eq!(activated["contract_end_on"], "2027-03-01");
    settled(&app, &agent, addon_sub["id"].as_i64().unwrap()).await;
    let order = app
        .get(&format!("/api/v1/orders/{order_id}"), Some(&agent))
        .await;
    assert_eq!(order.body["status"], "completed", "{}", order.text);

    let creds = app
        .get(
            &format!("/api/v1/subscriptions/{plan_id}/credentials"),
            Some(&agent),
        )
        .await;
    assert_eq!(creds.status, 200, "{}", creds.text);
    assert_eq!(creds.body["username"], username.as_str());
    let password = creds.body["password"].as_str().unwrap().to_owned();
    assert_eq!(password.len(), 12);
    // Finance and viewers do not read passwords.
    for role in [Role::Finance, Role::Viewer] {
        let denied = app
            .get(
                &format!("/api/v1/subscriptions/{plan_id}/credentials"),
                Some(&app.token_as(role)),
            )
            .await;
        assert_eq!(denied.status, 403, "{role:?}");
    }

    let accepted = auth(&radius, &username, &password);
    assert!(accepted.contains("Received Access-Accept"), "{accepted}");
    assert!(
        accepted.contains("Mikrotik-Rate-Limit = \"20M/100M\""),
        "{accepted}"
    );
    assert!(
        accepted.contains("Acct-Interim-Interval = 300"),
        "{accepted}"
    );
    let wrong = auth(&radius, &username, "not-the-password");
    assert!(wrong.contains("Received Access-Reject"), "{wrong}");
    // FreeRADIUS logged both attempts, but no password, right or wrong, is kept.
    assert_eq!(
        app.count("radius.radpostauth", &format!("username = '{username}'")),
        2
    );
    assert_eq!(app.count("radius.radpostauth", "pass IS NOT NULL"), 0);

    // The 360° view lists both services.
    let overview = app
        .get(
            &format!("/api/v1/customers/{}/overview", customer.id),
            Some(&agent),
        )
        .await;
    let services = overview.body["active_services"].as_array().unwrap();
    assert_eq!(services.len(), 2, "{}", overview.text);
    assert_eq!(services[0]["username"], username.as_str());
    assert_eq!(services[0]["status"], "active");

    // The timeline tells the story, with the password nowhere in it.
    let timeline = app
        .get(
            &format!("/api/v1/customers/{}/timeline?limit=50", customer.id),
            Some(&agent),
        )
        .await;
    let kinds: Vec<&str> = timeline
        .items()
        .iter()
        .map(|e| e["event_type"].as_str().unwrap_or_default())
        .collect();
    for kind in [
        "order.approved",
        "subscription.created",
        "order.provisioning",
        "subscription.activated",
        "order.completed",
        "subscription.credentials_viewed",
    ] {
        assert!(kinds.contains(&kind), "{kind} missing from {kinds:?}");
    }
    assert!(!timeline.text.contains(&password));
    assert_eq!(
        app.count("audit_log", &format!("after::text LIKE '%{password}%'")),
        0
    );
}

#[tokio::test]
async fn suspension_rejects_the_subscriber_and_kicks_its_session_restore_lets_it_back() {
    let app = spawn_app().await;
    let radius = RadiusServer::start(&app.db.url);
    add_nas(&app, radius.coa_port).await;
    let plan = ProductBuilder::plan("FIBER-300", "49.00")
        .speeds(300, 50)
        .create(&app)
        .id;
    let (_, sub, password) = active_subscriber(&app, plan).await;
    let id = sub["id"].as_i64().unwrap();
    let user = sub["username"].as_str().unwrap().to_owned();
    start_session(&radius, &user, "sess-1");
    assert_eq!(open_sessions(&app, &user), 1);

    let finance = app.token_as(Role::Finance);
    let bad = command(&app, &finance, id, "suspend", json!({"reason": "bored"})).await;
    assert_eq!(bad.status, 422, "{}", bad.text);
    assert_eq!(bad.error_fields(), vec!["reason"]);
    let viewer = command(
        &app,
        &app.token_as(Role::Viewer),
        id,
        "suspend",
        json!({"reason": "non_payment"}),
    )
    .await;
    assert_eq!(viewer.status, 403);

    let suspended = command(
        &app,
        &finance,
        id,
        "suspend",
        json!({"reason": "non_payment", "note": "60 days overdue"}),
    )
    .await;
    assert_eq!(suspended.status, 200, "{}", suspended.text);
    assert_eq!(suspended.body["status"], "suspended");
    assert_eq!(suspended.body["suspend_reason"], "non_payment");
    let sub = settled(&app, &finance, id).await;
    assert_eq!(sub["failed_jobs"], 0, "{sub}");

    // The NAS was told: the Disconnect-Request was ACKed and the session closed.
    let jobs = jobs_of(&app, &finance, id).await;
    let suspend_job = jobs.iter().find(|j| j["action"] == "suspend").unwrap();
    assert_eq!(suspend_job["status"], "done", "{suspend_job}");
    let log = suspend_job["log"].to_string();
    assert!(
        log.contains("Disconnect-Request for session sess-1") && log.contains("ACK"),
        "{log}"
    );
    assert_eq!(open_sessions(&app, &user), 0);
    let rejected = auth(&radius, &user, &password);
    assert!(rejected.contains("Received Access-Reject"), "{rejected}");
    assert!(
        rejected.contains("Reply-Message = \"Service suspended"),
        "{rejected}"
    );

    // Suspending twice is refused; finance suspends for non-payment only.
    let agent = app.token_as(Role::Agent);
    let again = command(&app, &agent, id, "suspend", json!({"reason": "fraud"})).await;
    assert_eq!(again.status, 409);
    assert_eq!(again.problem_code(), "invalid_transition");
    let fraud = command(&app, &finance, id, "suspend", json!({"reason": "fraud"})).await;
    assert_eq!(fraud.status, 403, "{}", fraud.text);
    // Restoring brings the plan back.
    let restored = command(&app, &finance, id, "restore", json!({"note": "paid"})).await;
    assert_eq!(restored.status, 200, "{}", restored.text);
    assert_eq!(restored.body["status"], "active");
    assert_eq!(restored.body["suspend_reason"], Value::Null);
    settled(&app, &finance, id).await;
    let accepted = auth(&radius, &user, &password);
    assert!(accepted.contains("Received Access-Accept"), "{accepted}");
    assert!(
        accepted.contains("Mikrotik-Rate-Limit = \"50M/300M\""),
        "{accepted}"
    );

    // A suspension with no open session: the job notes it and is done at once. The
    // customer asked for it, so finance cannot lift it; the agent can.
    command(
        &app,
        &agent,
        id,
        "suspend",
        json!({"reason": "customer_request"}),
    )
    .await;
    settled(&app, &agent, id).await;
    let jobs = jobs_of(&app, &agent, id).await;
    assert_eq!(jobs[0]["action"], "suspend");
    assert_eq!(jobs[0]["status"], "done");
    assert!(jobs[0]["log"].to_string().contains("has no open session"));
    let lift = command(&app, &finance, id, "restore", json!({})).await;
    assert_eq!(lift.status, 403, "{}", lift.text);
    let lift = command(&app, &agent, id, "restore", json!({})).await;
    assert_eq!(lift.status, 200, "{}", lift.text);
}

#[tokio::test]
async fn a_walled_garden_suspension_answers_with_the_garden_and_changes_the_session_by_coa() {
    let app = spawn_app_with(|c| {
        c.provisioning.suspend_mode = api::domain::subscription::SuspendMode::WalledGarden;
    })
    .await;
    let radius = RadiusServer::start(&app.db.url);
    add_nas(&app, radius.coa_port).await;
    let pool = app
        .post(
            "/api/v1/ip-pools",
            Some(&app.admin_token().await),
            &json!({"name": "garden-test", "network": "192.0.2.0/28"}),
        )
        .await;
    assert_eq!(pool.status, 201, "{}", pool.text);
    let plan = ProductBuilder::plan("FIBER-50", "29.00")
        .speeds(50, 10)
        .ip_pool(pool.body["id"].as_i64().unwrap())
        .create(&app)
        .id;
    let (_, sub, password) = active_subscriber(&app, plan).await;
    let id = sub["id"].as_i64().unwrap();
    let user = sub["username"].as_str().unwrap().to_owned();
    start_session(&radius, &user, "wg-1");
    let agent = app.token_as(Role::Agent);
    command(
        &app,
        &agent,
        id,
        "suspend",
        json!({"reason": "non_payment"}),
    )
    .await;
    settled(&app, &agent, id).await;
    let jobs = jobs_of(&app, &agent, id).await;
    let log = jobs[0]["log"].to_string();
    assert!(
        log.contains("CoA-Request for session wg-1") && log.contains("ACK"),
        "{log}"
    );
    // A CoA changes the session; it stays open.
    assert_eq!(open_sessions(&app, &user), 1);
    let garden = auth(&radius, &user, &password);
    assert!(garden.contains("Received Access-Accept"), "{garden}");
    assert!(
        garden.contains("Framed-Pool = \"walled-garden\""),
        "{garden}"
    );
    assert!(
        garden.contains("Mikrotik-Rate-Limit = \"256k/256k\""),
        "{garden}"
    );
    // The static address would keep the subscriber out of the garden's pool: not sent.
    assert!(!garden.contains("Framed-IP-Address"), "{garden}");

    command(&app, &agent, id, "restore", json!({})).await;
    settled(&app, &agent, id).await;
    let jobs = jobs_of(&app, &agent, id).await;
    assert_eq!(jobs[0]["action"], "restore");
    // Back on its static address, the session must reconnect: a Disconnect, not a CoA.
    assert!(
        jobs[0]["log"]
            .to_string()
            .contains("Disconnect-Request for session wg-1"),
        "{}",
        jobs[0]
    );
    assert_eq!(open_sessions(&app, &user), 0);
    let back = auth(&radius, &user, &password);
    assert!(back.contains("Mikrotik-Rate-Limit = \"10M/50M\""), "{back}");
    assert!(back.contains("Framed-IP-Address = 192.0.2.1"), "{back}");
    assert!(!back.contains("walled-garden"), "{back}");
}

#[tokio::test]
async fn an_upgrade_changes_the_attributes_now_and_a_downgrade_at_the_next_period() {
    let app = spawn_app().await;
    let radius = RadiusServer::start(&app.db.url);
    add_nas(&app, radius.coa_port).await;
    let basic = ProductBuilder::plan("BASIC-50", "29.00")
        .speeds(50, 10)
        .create(&app)
        .id;
    let fast = ProductBuilder::plan("FAST-500", "59.00")
        .speeds(500, 100)
        .create(&app)
        .id;
    let (_, sub, password) = active_subscriber(&app, basic).await;
    let id = sub["id"].as_i64().unwrap();
    let user = sub["username"].as_str().unwrap().to_owned();
    start_session(&radius, &user, "up-1");
    let agent = app.token_as(Role::Agent);

    let same = command(
        &app,
        &agent,
        id,
        "change-plan",
        json!({"product_id": basic}),
    )
    .await;
    assert_eq!(same.status, 409);
    assert_eq!(same.problem_code(), "same_plan");
    let unknown = command(
        &app,
        &agent,
        id,
        "change-plan",
        json!({"product_id": 999999}),
    )
    .await;
    assert_eq!(unknown.status, 422, "{}", unknown.text);
    let policy = command(
        &app,
        &agent,
        id,
        "change-plan",
        json!({"product_id": fast, "downgrade": "immediate"}),
    )
    .await;
    assert_eq!(policy.status, 403, "agents do not choose the policy");

    let up = command(&app, &agent, id, "change-plan", json!({"product_id": fast})).await;
    assert_eq!(up.status, 200, "{}", up.text);
    assert_eq!(up.body["change"], "upgrade");
    assert_eq!(up.body["effective_on"], "2026-03-02");
    assert_eq!(up.body["subscription"]["product_code"], "FAST-500");
    assert_eq!(up.body["subscription"]["radius_group"], "fast-500-v1");
    settled(&app, &agent, id).await;
    let jobs = jobs_of(&app, &agent, id).await;
    assert_eq!(jobs[0]["action"], "change_plan");
    assert!(
        jobs[0]["log"]
            .to_string()
            .contains("CoA-Request for session up-1"),
        "{}",
        jobs[0]
    );
    let fast_reply = auth(&radius, &user, &password);
    assert!(
        fast_reply.contains("Mikrotik-Rate-Limit = \"100M/500M\""),
        "{fast_reply}"
    );

    // Back down: it waits for the next billing period (anchor day 1 → 1 April).
    let down = command(
        &app,
        &agent,
        id,
        "change-plan",
        json!({"product_id": basic}),
    )
    .await;
    assert_eq!(down.status, 200, "{}", down.text);
    assert_eq!(down.body["change"], "downgrade");
    assert_eq!(down.body["effective_on"], "2026-04-01");
    assert_eq!(down.body["subscription"]["product_code"], "FAST-500");
    assert_eq!(
        down.body["subscription"]["pending_change"]["product_id"],
        basic
    );
    let still_fast = auth(&radius, &user, &password);
    assert!(still_fast.contains("100M/500M"), "{still_fast}");

    // On the day, the worker carries it out.
    app.clock.advance(chrono::Duration::days(30));
    let agent = app.token_as(Role::Agent);
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let now = app
            .get(&format!("/api/v1/subscriptions/{id}"), Some(&agent))
            .await;
        if now.body["product_code"] == "BASIC-50" && now.body["open_jobs"] == 0 {
            assert_eq!(now.body["pending_change"], Value::Null);
            break;
        }
        assert!(
            Instant::now() < deadline,
            "downgrade not applied: {}",
            now.text
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let slow = auth(&radius, &user, &password);
    assert!(slow.contains("Mikrotik-Rate-Limit = \"10M/50M\""), "{slow}");
}

#[tokio::test]
async fn termination_inside_the_contract_charges_the_fee_and_freeradius_forgets_the_user() {
    let app = spawn_app().await;
    let radius = RadiusServer::start(&app.db.url);
    add_nas(&app, radius.coa_port).await;
    let admin = app.admin_token().await;
    let pool = app
        .post(
            "/api/v1/ip-pools",
            Some(&admin),
            &json!({"name": "static-1", "network": "203.0.113.0/29"}),
        )
        .await;
    assert_eq!(pool.status, 201, "{}", pool.text);
    assert_eq!(pool.body["first_address"], "203.0.113.1");
    assert_eq!(pool.body["last_address"], "203.0.113.6");
    assert_eq!(pool.body["size"], 6);
    let pool_id = pool.body["id"].as_i64().unwrap();
    let plan = ProductBuilder::plan("BIZ-1G", "149.00")
        .speeds(1000, 1000)
        .contract(24, "300.00")
        .ip_pool(pool_id)
        .create(&app)
        .id;
    let (customer_id, sub, password) = active_subscriber(&app, plan).await;
    let id = sub["id"].as_i64().unwrap();
    let user = sub["username"].as_str().unwrap().to_owned();
    assert_eq!(sub["static_ip"], "203.0.113.1");
    let accepted = auth(&radius, &user, &password);
    assert!(
        accepted.contains("Framed-IP-Address = 203.0.113.1"),
        "{accepted}"
    );
    start_session(&radius, &user, "t-1");
    let agent = app.token_as(Role::Agent);
    // The agent's search box finds the customer by the static address.
    let found = app.get("/api/v1/search?q=203.0.113.1", Some(&agent)).await;
    assert_eq!(found.status, 200, "{}", found.text);
    assert_eq!(found.items()[0]["id"], customer_id, "{}", found.text);

    let waive = command(
        &app,
        &agent,
        id,
        "terminate",
        json!({"reason": "moving abroad", "waive_fee": true}),
    )
    .await;
    assert_eq!(waive.status, 403, "agents do not waive fees");
    let no_reason = command(&app, &agent, id, "terminate", json!({"reason": " "})).await;
    assert_eq!(no_reason.status, 422);
    let done = command(
        &app,
        &agent,
        id,
        "terminate",
        json!({"reason": "moving abroad"}),
    )
    .await;
    assert_eq!(done.status, 200, "{}", done.text);
    assert_eq!(done.body["early_termination_fee"], "300.00");
    assert_eq!(done.body["subscription"]["status"], "terminated");
    // The address stays reserved until FreeRADIUS has forgotten the user.
    assert_eq!(done.body["subscription"]["static_ip"], "203.0.113.1");
    assert_eq!(
        app.count(
            "pending_charges",
            &format!(
                "customer_id = {customer_id} AND kind = 'early_termination_fee' AND amount = 300"
            )
        ),
        1
    );
    let ended = settled(&app, &agent, id).await;
    assert_eq!(ended["static_ip"], Value::Null, "back in the pool");
    assert_eq!(
        open_sessions(&app, &user),
        0,
        "the session was disconnected"
    );
    for table in ["radcheck", "radreply", "radusergroup"] {
        assert_eq!(
            app.count(&format!("radius.{table}"), &format!("username = '{user}'")),
            0,
            "{table}"
        );
    }
    let rejected = auth(&radius, &user, &password);
    assert!(rejected.contains("Received Access-Reject"), "{rejected}");
    let again = command(&app, &agent, id, "restore", json!({})).await;
    assert_eq!(again.status, 409);

    // The address went back to the pool: the next subscriber gets it.
    let (_, next, _) = active_subscriber(&app, plan).await;
    assert_eq!(next["static_ip"], "203.0.113.1");
    let next_id = next["id"].as_i64().unwrap();
    // A manager may waive the fee.
    let manager = app.token_as(Role::Manager);
    let waived = command(
        &app,
        &manager,
        next_id,
        "terminate",
        json!({"reason": "service never worked", "waive_fee": true}),
    )
    .await;
    assert_eq!(waived.status, 200, "{}", waived.text);
    assert_eq!(waived.body["early_termination_fee"], "0.00");
    let in_use = app
        .request(
            reqwest::Method::DELETE,
            &format!("/api/v1/ip-pools/{pool_id}"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(in_use.status, 409);
    assert_eq!(in_use.problem_code(), "ip_pool_in_use");
}

#[tokio::test]
async fn a_nas_that_does_not_answer_is_retried_with_backoff_then_waits_for_staff() {
    let app = spawn_app_with(|c| c.provisioning.max_attempts = 2).await;
    let radius = RadiusServer::start(&app.db.url);
    // Registered with a CoA port nobody listens on.
    let silent_port = {
        let socket = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        socket.local_addr().unwrap().port()
    };
    let nas = add_nas(&app, silent_port).await;
    let plan = ProductBuilder::plan("FIBER-10", "19.00").create(&app).id;
    let (customer_id, sub, password) = active_subscriber(&app, plan).await;
    let id = sub["id"].as_i64().unwrap();
    let user = sub["username"].as_str().unwrap().to_owned();
    start_session(&radius, &user, "lost-1");
    let finance = app.token_as(Role::Finance);
    let suspend = json!({"reason": "non_payment"});
    command(&app, &finance, id, "suspend", suspend.clone()).await;

    // The first attempt fails and is scheduled PROVISIONING_BACKOFF_SECS (10 s) after it.
    let job = wait_job(&app, id, |j| j["attempts"] == 1 && j["status"] == "pending").await;
    assert!(
        job["last_error"].as_str().unwrap().contains("no answer"),
        "{job}"
    );
    assert!(
        job["next_attempt_at"]
            .as_str()
            .unwrap()
            .starts_with("2026-03-02T09:00:10"),
        "{job}"
    );
    // FreeRADIUS already rejects the user: the database phase committed.
    assert!(auth(&radius, &user, &password).contains("Access-Reject"));

    app.clock.advance(chrono::Duration::seconds(11));
    let failed = wait_job(&app, id, |j| {
        j["action"] == "suspend" && j["status"] == "failed"
    })
    .await;
    assert_eq!(failed["attempts"], 2);
    let failed_list = app
        .get("/api/v1/provisioning-jobs?status=failed", Some(&finance))
        .await;
    assert_eq!(failed_list.items().len(), 1);
    assert_eq!(
        app.count(
            "events",
            &format!("customer_id = {customer_id} AND event_type = 'provisioning.failed'")
        ),
        1
    );
    let sub_now = app
        .get(&format!("/api/v1/subscriptions/{id}"), Some(&finance))
        .await;
    assert_eq!(sub_now.body["failed_jobs"], 1);

    // Staff fix the NAS and retry; agents may not retry.
    let failed_id = failed["id"].as_i64().unwrap();
    let agent_retry = app
        .post(
            &format!("/api/v1/provisioning-jobs/{failed_id}/retry"),
            Some(&app.token_as(Role::Agent)),
            &json!({}),
        )
        .await;
    assert_eq!(agent_retry.status, 403);
    let admin = app.admin_token().await;
    let nas_path = format!("/api/v1/nas/{nas}");
    let set_port = |port: u16| {
        let body = json!({"coa_port": port});
        let (app, path, admin) = (&app, nas_path.clone(), admin.clone());
        async move { app.patch(&path, Some(&admin), &body).await }
    };
    assert_eq!(set_port(radius.coa_port).await.status, 200);
    let manager = app.token_as(Role::Manager);
    let retried = app
        .post(
            &format!("/api/v1/provisioning-jobs/{failed_id}/retry"),
            Some(&manager),
            &json!({}),
        )
        .await;
    assert_eq!(retried.status, 200, "{}", retried.text);
    assert_eq!(retried.body["status"], "pending");
    let sub = settled(&app, &manager, id).await;
    assert_eq!(sub["failed_jobs"], 0);
    let done = jobs_of(&app, &manager, id).await;
    assert_eq!(done[0]["id"], failed["id"]);
    assert_eq!(done[0]["status"], "done");
    assert!(done[0]["log"].to_string().contains("ACK"), "{}", done[0]);
    assert_eq!(open_sessions(&app, &user), 0);
    let not_failed = app
        .post(
            &format!("/api/v1/provisioning-jobs/{failed_id}/retry"),
            Some(&manager),
            &json!({}),
        )
        .await;
    assert_eq!(not_failed.status, 409);
    assert_eq!(not_failed.problem_code(), "job_not_failed");

    // A failed job does not hold back what comes after it: the customer who pays is
    // restored even though the NAS is silent again, and the stale suspension can no longer
    // be retried (it would undo the restore).
    command(&app, &finance, id, "restore", json!({})).await;
    settled(&app, &finance, id).await;
    start_session(&radius, &user, "lost-2");
    assert_eq!(set_port(silent_port).await.status, 200);
    command(&app, &finance, id, "suspend", suspend).await;
    wait_job(&app, id, |j| {
        j["action"] == "suspend" && j["attempts"] == 1 && j["status"] == "pending"
    })
    .await;
    app.clock.advance(chrono::Duration::seconds(11));
    let finance = app.token_as(Role::Finance);
    let failed = wait_job(&app, id, |j| {
        j["action"] == "suspend" && j["status"] == "failed"
    })
    .await;
    let restored = command(&app, &finance, id, "restore", json!({})).await;
    assert_eq!(restored.status, 200, "{}", restored.text);
    let after = settled(&app, &finance, id).await;
    assert_eq!(after["failed_jobs"], 1);
    let latest = &jobs_of(&app, &finance, id).await[0];
    assert_eq!(latest["action"], "restore");
    assert_eq!(latest["status"], "done");
    assert!(auth(&radius, &user, &password).contains("Access-Accept"));
    let superseded = app
        .post(
            &format!("/api/v1/provisioning-jobs/{}/retry", failed["id"]),
            Some(&manager),
            &json!({}),
        )
        .await;
    assert_eq!(superseded.status, 409);
    assert_eq!(superseded.problem_code(), "job_superseded");
}

/// Waits for the subscription's newest job matching `ready`.
async fn wait_job(app: &TestApp, id: i64, ready: impl Fn(&Value) -> bool) -> Value {
    let token = app.token_as(Role::Manager);
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let jobs = jobs_of(app, &token, id).await;
        if let Some(job) = jobs.iter().find(|j| ready(j)) {
            return job.clone();
        }
        assert!(Instant::now() < deadline, "no job ready: {jobs:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn rerunning_a_done_job_changes_nothing() {
    let app = spawn_app().await;
    let plan = ProductBuilder::plan("FIBER-20", "19.00").create(&app).id;
    let (_, sub, _) = active_subscriber(&app, plan).await;
    let id = sub["id"].as_i64().unwrap();
    let snapshot = |app: &TestApp| -> String {
        #[derive(QueryableByName)]
        struct Dump {
            #[diesel(sql_type = diesel::sql_types::Text)]
            dump: String,
        }
        diesel::sql_query(
            "SELECT concat_ws('|', \
               (SELECT string_agg(concat_ws(',', username, attribute, op, value), ';' ORDER BY username, attribute) FROM radius.radcheck), \
               (SELECT string_agg(concat_ws(',', username, groupname, priority), ';' ORDER BY username, priority) FROM radius.radusergroup), \
               (SELECT string_agg(concat_ws(',', groupname, attribute, op, value), ';' ORDER BY groupname, attribute) FROM radius.radgroupreply), \
               (SELECT string_agg(concat_ws(',', username, attribute, value), ';' ORDER BY username, attribute) FROM radius.radreply), \
               (SELECT string_agg(concat_ws(',', id, status, version), ';' ORDER BY id) FROM subscriptions)) AS dump",
        )
        .get_result::<Dump>(&mut app.conn())
        .unwrap()
        .dump
    };
    let before = snapshot(&app);
    assert!(before.contains("Cleartext-Password"), "{before}");
    // Run the done activation job again.
    diesel::sql_query("UPDATE provisioning_jobs SET status = 'pending', finished_at = NULL")
        .execute(&mut app.conn())
        .unwrap();
    let job = wait_job(&app, id, |j| j["status"] == "done" && j["attempts"] == 2).await;
    assert_eq!(job["action"], "activate");
    assert_eq!(snapshot(&app), before);
}

#[tokio::test]
async fn workers_share_the_queue_without_running_a_job_twice_and_keep_each_subscription_in_order() {
    use api::services::provisioning;
    let app = spawn_app_with(|c| c.provisioning.workers = 0).await;
    let plan = ProductBuilder::plan("FIBER-30", "19.00").create(&app).id;
    let agent = app.token_as(Role::Agent);
    // Five customers, each with a subscription and its activation job queued.
    let mut subs = Vec::new();
    for i in 0..5 {
        let customer = CustomerBuilder::new(&format!("Queue Customer {i}")).create(&app);
        approved_order(&app, &agent, customer.id, &[plan]).await;
        subs.push(
            subscriptions_of(&app, &agent, customer.id).await[0]["id"]
                .as_i64()
                .unwrap(),
        );
    }
    // Nine more jobs each: 50 in all, ten per subscription.
    {
        let mut conn = app.conn();
        for sub in &subs {
            for n in 0..9 {
                provisioning::enqueue(
                    &mut conn,
                    &app.config.provisioning,
                    "test",
                    app.clock_now(),
                    *sub,
                    if n % 2 == 0 {
                        provisioning::Action::Suspend
                    } else {
                        provisioning::Action::Restore
                    },
                    json!({"mode": "reject"}),
                )
                .unwrap();
            }
        }
    }
    let completed = std::sync::Arc::new(std::sync::Mutex::new(Vec::<(i64, i64)>::new()));
    let mut workers = Vec::new();
    for _ in 0..4 {
        let pool = app.pool.clone();
        let config = app.config.provisioning.clone();
        let completed = completed.clone();
        let now = app.clock_now();
        workers.push(tokio::spawn(async move {
            let mut idle_rounds = 0;
            while idle_rounds < 20 {
                let claimed = {
                    let pool = pool.clone();
                    tokio::task::spawn_blocking(move || {
                        provisioning::claim(&mut pool.get().unwrap(), now).unwrap()
                    })
                    .await
                    .unwrap()
                };
                match claimed {
                    Some(job) => {
                        idle_rounds = 0;
                        // Claimed only once the subscription's earlier job was done, so
                        // the order of claims is the order the jobs ran in.
                        completed
                            .lock()
                            .unwrap()
                            .push((job.subscription_id, job.id));
                        let done = provisioning::run(&pool, &config, job, now).await.unwrap();
                        assert_eq!(done.status, "done", "{:?}", done.log);
                    }
                    None => {
                        idle_rounds += 1;
                        tokio::task::yield_now().await;
                    }
                }
            }
        }));
    }
    for w in workers {
        w.await.unwrap();
    }
    let completed = completed.lock().unwrap().clone();
    assert_eq!(completed.len(), 50, "{completed:?}");
    let mut ids: Vec<i64> = completed.iter().map(|c| c.1).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 50, "a job ran twice");
    for sub in subs {
        let order: Vec<i64> = completed
            .iter()
            .filter(|c| c.0 == sub)
            .map(|c| c.1)
            .collect();
        let mut sorted = order.clone();
        sorted.sort();
        assert_eq!(order, sorted, "jobs of subscription {sub} ran out of order");
    }
    assert_eq!(
        app.count("provisioning_jobs", "status <> 'done' OR attempts <> 1"),
        0
    );
}

#[tokio::test]
async fn a_product_names_its_address_pool_through_the_catalog() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let manager = app.token_as(Role::Manager);
    let agent = app.token_as(Role::Agent);
    let pool = app
        .post(
            "/api/v1/ip-pools",
            Some(&admin),
            &json!({"name": "biz-static", "network": "198.51.100.0/24",
                    "first_address": "198.51.100.10", "last_address": "198.51.100.20"}),
        )
        .await;
    assert_eq!(pool.status, 201, "{}", pool.text);
    assert_eq!(pool.body["size"], 11);
    let pool_id = pool.body["id"].as_i64().unwrap();
    // Managers read pools, only admins change them; bad networks are named.
    let denied = app
        .post(
            "/api/v1/ip-pools",
            Some(&manager),
            &json!({"name": "x", "network": "10.0.0.0/24"}),
        )
        .await;
    assert_eq!(denied.status, 403);
    assert_eq!(app.get("/api/v1/ip-pools", Some(&agent)).await.status, 403);
    let listed = app.get("/api/v1/ip-pools", Some(&manager)).await;
    assert_eq!(listed.items()[0]["used"], 0);
    let bad = app
        .post(
            "/api/v1/ip-pools",
            Some(&admin),
            &json!({"name": "bad pool", "network": "2001:db8::/64",
                    "first_address": "10.0.0.1"}),
        )
        .await;
    assert_eq!(bad.status, 422, "{}", bad.text);
    assert_eq!(bad.error_fields(), vec!["name", "network", "first_address"]);
    let taken = app
        .post(
            "/api/v1/ip-pools",
            Some(&admin),
            &json!({"name": "biz-static", "network": "192.0.2.0/24"}),
        )
        .await;
    assert_eq!(taken.status, 409);
    assert_eq!(taken.problem_code(), "ip_pool_name_taken");

    let plan = |code: &str, pool: Value, kind: &str| {
        json!({"code": code, "kind": kind, "service": if kind == "plan" { json!("internet") } else { Value::Null },
               "name": code, "tax_category": "telecom", "currency": "USD", "monthly_price": "99.00",
               "download_mbps": 500, "upload_mbps": 500, "ip_pool_id": pool})
    };
    let missing = app
        .post(
            "/api/v1/products",
            Some(&manager),
            &plan("BIZ-X", json!(424242), "plan"),
        )
        .await;
    assert_eq!(missing.status, 422, "{}", missing.text);
    assert_eq!(missing.error_fields(), vec!["ip_pool_id"]);
    let one_time = app
        .post(
            "/api/v1/products",
            Some(&manager),
            &json!({"code": "INSTALL", "kind": "one_time", "name": "Install", "tax_category": "services",
                    "currency": "USD", "monthly_price": "0", "one_time_price": "50.00", "ip_pool_id": pool_id}),
        )
        .await;
    assert_eq!(one_time.status, 422, "{}", one_time.text);
    let created = app
        .post(
            "/api/v1/products",
            Some(&manager),
            &plan("BIZ-500", json!(pool_id), "plan"),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    assert_eq!(created.body["ip_pool_id"], pool_id);
    let product = created.body["id"].as_i64().unwrap();

    // A subscriber of that plan gets the pool's first address.
    let customer = CustomerBuilder::new("Static Business").create(&app);
    approved_order(&app, &agent, customer.id, &[product]).await;
    let subs = subscriptions_of(&app, &agent, customer.id).await;
    assert_eq!(subs[0]["static_ip"], "198.51.100.10");
    let listed = app.get("/api/v1/ip-pools", Some(&manager)).await;
    assert_eq!(listed.items()[0]["used"], 1);

    // The pool can be taken off the product; the address already given stays.
    let version = created.body["version"].as_i64().unwrap();
    let cleared = app
        .client
        .patch(app.url(&format!("/api/v1/products/{product}")))
        .bearer_auth(&manager)
        .header("If-Match", format!("\"{version}\""))
        .json(&json!({"ip_pool_id": null}))
        .send()
        .await
        .unwrap();
    assert_eq!(cleared.status(), 200);
    let cleared: Value = cleared.json().await.unwrap();
    assert_eq!(cleared["ip_pool_id"], Value::Null);
    let sub = app
        .get(
            &format!("/api/v1/subscriptions/{}", subs[0]["id"]),
            Some(&agent),
        )
        .await;
    assert_eq!(sub.body["static_ip"], "198.51.100.10");
}

#[tokio::test]
async fn a_throttled_subscriber_gets_the_throttle_rate_by_coa_until_unthrottled() {
    use api::services::provisioning::{self, Action};
    let app = spawn_app().await;
    let radius = RadiusServer::start(&app.db.url);
    add_nas(&app, radius.coa_port).await;
    let plan = ProductBuilder::plan("CAPPED-100", "25.00")
        .speeds(100, 20)
        .data_cap_gb(100)
        .create(&app)
        .id;
    let (_, sub, password) = active_subscriber(&app, plan).await;
    let id = sub["id"].as_i64().unwrap();
    let user = sub["username"].as_str().unwrap().to_owned();
    start_session(&radius, &user, "cap-1");
    let manager = app.token_as(Role::Manager);
    // What the usage poller queues when the cap is reached.
    let queue = |action: Action| {
        provisioning::enqueue(
            &mut app.conn(),
            &app.config.provisioning,
            "usage",
            app.clock_now(),
            id,
            action,
            json!({"reason": "data_cap"}),
        )
        .unwrap();
    };
    queue(Action::Throttle);
    let job = wait_job(&app, id, |j| {
        j["action"] == "throttle" && j["status"] == "done"
    })
    .await;
    assert!(
        job["log"]
            .to_string()
            .contains("CoA-Request for session cap-1"),
        "{job}"
    );
    let throttled = auth(&radius, &user, &password);
    assert!(
        throttled.contains("Mikrotik-Rate-Limit = \"1M/1M\""),
        "{throttled}"
    );
    // A suspension outranks the throttle; restoring returns to the throttle, not the plan.
    command(&app, &manager, id, "suspend", json!({"reason": "fraud"})).await;
    settled(&app, &manager, id).await;
    assert!(auth(&radius, &user, &password).contains("Access-Reject"));
    command(&app, &manager, id, "restore", json!({})).await;
    settled(&app, &manager, id).await;
    assert!(auth(&radius, &user, &password).contains("1M/1M"));

    queue(Action::Unthrottle);
    wait_job(&app, id, |j| {
        j["action"] == "unthrottle" && j["status"] == "done"
    })
    .await;
    let back = auth(&radius, &user, &password);
    assert!(
        back.contains("Mikrotik-Rate-Limit = \"20M/100M\""),
        "{back}"
    );
}

#[tokio::test]
async fn orders_that_cannot_be_provisioned_are_refused_and_ended_ones_complete() {
    let app = spawn_app_with(|c| c.provisioning.workers = 0).await;
    let agent = app.token_as(Role::Agent);
    let plan = ProductBuilder::plan("HOME-100", "30.00").create(&app).id;
    let tv = ProductBuilder::addon("TV-PLUS", "5.00").create(&app).id;
    // An add-on with no plan to ride on: the approval is refused, nothing is written.
    let customer = CustomerBuilder::new("No Plan Yet").create(&app);
    let order = app
        .post(
            "/api/v1/orders",
            Some(&agent),
            &json!({"customer_id": customer.id, "channel": "call_center",
                    "lines": [{"action": "add", "product_id": tv}]}),
        )
        .await;
    let order_id = order.body["id"].as_i64().unwrap();
    let refused = app
        .post(
            &format!("/api/v1/orders/{order_id}/submit"),
            Some(&agent),
            &json!({}),
        )
        .await;
    assert_eq!(refused.status, 409, "{}", refused.text);
    assert_eq!(refused.problem_code(), "addon_needs_plan");
    assert_eq!(app.count("subscriptions", "TRUE"), 0);
    let still = app
        .get(&format!("/api/v1/orders/{order_id}"), Some(&agent))
        .await;
    assert_eq!(still.body["status"], "draft");

    // Terminated before it went live (no worker runs here): the order completes anyway.
    let order = approved_order(&app, &agent, customer.id, &[plan, tv]).await;
    assert_eq!(order.body["status"], "provisioning");
    let subs = subscriptions_of(&app, &agent, customer.id).await;
    assert!(subs.iter().all(|s| s["status"] == "pending"));
    let ended = command(
        &app,
        &agent,
        subs[0]["id"].as_i64().unwrap(),
        "terminate",
        json!({"reason": "changed their mind before installation"}),
    )
    .await;
    assert_eq!(ended.status, 200, "{}", ended.text);
    let order_now = app
        .get(
            &format!("/api/v1/orders/{}", order.body["id"]),
            Some(&agent),
        )
        .await;
    assert_eq!(order_now.body["status"], "completed", "{}", order_now.text);
    let subs = subscriptions_of(&app, &agent, customer.id).await;
    assert!(subs.iter().all(|s| s["status"] == "terminated"), "{subs:?}");
}

#[tokio::test]
async fn moving_to_a_plan_with_a_pool_gives_an_address_and_reconnects_the_session() {
    let app = spawn_app().await;
    let radius = RadiusServer::start(&app.db.url);
    add_nas(&app, radius.coa_port).await;
    let admin = app.admin_token().await;
    let pool = app
        .post(
            "/api/v1/ip-pools",
            Some(&admin),
            &json!({"name": "move-test", "network": "198.18.0.0/30"}),
        )
        .await;
    let pool_id = pool.body["id"].as_i64().unwrap();
    let home = ProductBuilder::plan("HOME-50", "30.00").create(&app).id;
    let business = ProductBuilder::plan("BUSINESS-50", "80.00")
        .ip_pool(pool_id)
        .create(&app)
        .id;
    let (_, sub, password) = active_subscriber(&app, home).await;
    let id = sub["id"].as_i64().unwrap();
    let user = sub["username"].as_str().unwrap().to_owned();
    assert_eq!(sub["static_ip"], Value::Null);
    start_session(&radius, &user, "mv-1");
    let agent = app.token_as(Role::Agent);
    let up = command(
        &app,
        &agent,
        id,
        "change-plan",
        json!({"product_id": business}),
    )
    .await;
    assert_eq!(up.status, 200, "{}", up.text);
    assert_eq!(up.body["subscription"]["static_ip"], "198.18.0.1");
    settled(&app, &agent, id).await;
    let jobs = jobs_of(&app, &agent, id).await;
    assert!(
        jobs[0]["log"]
            .to_string()
            .contains("Disconnect-Request for session mv-1"),
        "{}",
        jobs[0]
    );
    assert!(auth(&radius, &user, &password).contains("Framed-IP-Address = 198.18.0.1"));

    // And back (a downgrade, applied now by a manager): the address is given up.
    let manager = app.token_as(Role::Manager);
    let down = command(
        &app,
        &manager,
        id,
        "change-plan",
        json!({"product_id": home, "downgrade": "immediate"}),
    )
    .await;
    assert_eq!(down.status, 200, "{}", down.text);
    assert_eq!(down.body["change"], "downgrade");
    assert_eq!(down.body["subscription"]["static_ip"], Value::Null);
    settled(&app, &manager, id).await;
    assert!(!auth(&radius, &user, &password).contains("Framed-IP-Address"));

    // Two plans cannot share a RADIUS group: each writes the group's attributes.
    let manager_token = app.token_as(Role::Manager);
    let clash = app
        .post(
            "/api/v1/products",
            Some(&manager_token),
            &json!({"code": "OTHER", "kind": "plan", "service": "internet", "name": "Other",
                    "tax_category": "telecom", "currency": "USD", "monthly_price": "10.00",
                    "download_mbps": 10, "upload_mbps": 10, "radius_group": "home-50"}),
        )
        .await;
    assert_eq!(clash.status, 409, "{}", clash.text);
    assert_eq!(clash.problem_code(), "radius_group_taken");
}
