//! The test harness: every test gets the real application on a free port, against its own
//! PostgreSQL database cloned from a migrated template (milliseconds, not a migration run).

use std::sync::{Arc, OnceLock};

use api::auth::jwt::TokenSigner;
use api::auth::{Principal, Role, Subject};
use api::clock::FixedClock;
use api::config::Config;
use api::db::models::UserRow;
use api::db::DbPool;
use api::state::RequestContext;
use chrono::{DateTime, TimeZone, Utc};
use diesel::prelude::*;
use diesel::PgConnection;
use serde_json::Value;
use sha2::{Digest, Sha256};

pub const JWT_SECRET: &str = "integration-tests-secret-0123456789abcdef";
pub const ADMIN_EMAIL: &str = "admin@isp.test";
pub const ADMIN_PASSWORD: &str = "admin-password-for-tests";

/// The server that hosts the test databases; `TEST_DATABASE_URL` points at its maintenance db.
fn admin_url() -> String {
    std::env::var("TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

fn url_for(db: &str) -> String {
    let admin = admin_url();
    let base = admin.rsplit_once('/').map_or(admin.as_str(), |(b, _)| b);
    format!("{base}/{db}")
}

/// The template's name changes with the migrations, so a changed schema gets a new one.
fn template_name() -> &'static str {
    static NAME: OnceLock<String> = OnceLock::new();
    NAME.get_or_init(|| {
        let mut hasher = Sha256::new();
        let mut entries: Vec<_> = walk(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations"));
        entries.sort();
        for path in entries {
            hasher.update(path.as_bytes());
            hasher.update(std::fs::read(&path).expect("read migration"));
        }
        let digest = hasher.finalize();
        let hex: String = digest.iter().take(6).map(|b| format!("{b:02x}")).collect();
        let name = format!("ispbill_tpl_{hex}");
        ensure_template(&name);
        name
    })
}

fn walk(dir: &str) -> Vec<String> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).expect("migrations dir") {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            out.extend(walk(path.to_str().expect("utf-8 path")));
        } else {
            out.push(path.to_string_lossy().into_owned());
        }
    }
    out
}

fn ensure_template(name: &str) {
    let mut admin = PgConnection::establish(&admin_url())
        .unwrap_or_else(|e| panic!("cannot reach PostgreSQL at {}: {e}", admin_url()));
    // One builder at a time, across test processes too.
    diesel::sql_query("SELECT pg_advisory_lock(7301999)")
        .execute(&mut admin)
        .unwrap();
    if !database_exists(&mut admin, name) {
        let building = format!("{name}_build");
        diesel::sql_query(format!("DROP DATABASE IF EXISTS {building} WITH (FORCE)"))
            .execute(&mut admin)
            .unwrap();
        diesel::sql_query(format!("CREATE DATABASE {building}"))
            .execute(&mut admin)
            .unwrap();
        {
            let mut conn = PgConnection::establish(&url_for(&building)).unwrap();
            api::db::run_migrations(&mut conn).unwrap();
        }
        diesel::sql_query(format!("ALTER DATABASE {building} RENAME TO {name}"))
            .execute(&mut admin)
            .unwrap();
    }
    diesel::sql_query("SELECT pg_advisory_unlock(7301999)")
        .execute(&mut admin)
        .unwrap();
}

fn database_exists(conn: &mut PgConnection, name: &str) -> bool {
    #[derive(QueryableByName)]
    struct Found {
        #[diesel(sql_type = diesel::sql_types::Bool)]
        found: bool,
    }
    diesel::sql_query("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1) AS found")
        .bind::<diesel::sql_types::Text, _>(name)
        .get_result::<Found>(conn)
        .unwrap()
        .found
}

/// A fresh database for one test, dropped when the test ends.
pub struct TestDb {
    pub name: String,
    pub url: String,
}

impl TestDb {
    pub fn new() -> Self {
        let template = template_name();
        let name = format!("ispbill_t_{}", uuid::Uuid::new_v4().simple());
        let mut admin = PgConnection::establish(&admin_url()).unwrap();
        diesel::sql_query(format!("CREATE DATABASE {name} TEMPLATE {template}"))
            .execute(&mut admin)
            .unwrap();
        TestDb {
            url: url_for(&name),
            name,
        }
    }

    pub fn drop_now(&self) {
        if let Ok(mut admin) = PgConnection::establish(&admin_url()) {
            let _ = diesel::sql_query(format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ))
            .execute(&mut admin);
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        self.drop_now();
    }
}

pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap()
}

pub fn test_config(db: &TestDb) -> Config {
    let mut config = Config::from_lookup(|_| None).expect("default config");
    config.database_url = db.url.clone();
    config.host = "127.0.0.1".into();
    config.port = 0;
    config.workers = 1;
    config.db_pool_size = 4;
    config.jwt_secret = JWT_SECRET.into();
    config.admin_email = ADMIN_EMAIL.into();
    config.admin_password = Some(ADMIN_PASSWORD.into());
    config.static_dir = None;
    // Provisioning answers within a test's patience: a NAS that does not answer is given
    // up on quickly, and an idle worker looks again soon (the clock may have moved).
    config.provisioning.poll_ms = 100;
    config.provisioning.coa_timeout_ms = 300;
    config.provisioning.coa_attempts = 2;
    // Bill runs happen when a test asks for one; the daily run has its own test. Small
    // chunks make every run cross chunk boundaries.
    config.billing.schedule = None;
    config.billing.poll_ms = 100;
    config.billing.chunk = 3;
    config
}

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub pool: DbPool,
    pub clock: FixedClock,
    pub config: Config,
    handle: actix_web::dev::ServerHandle,
    pub db: TestDb,
}

/// Starts the application on its own database with a fixed clock at `t0()`.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

pub async fn spawn_app_with(adjust: impl FnOnce(&mut Config)) -> TestApp {
    let db = TestDb::new();
    let mut config = test_config(&db);
    adjust(&mut config);
    let clock = FixedClock::at(t0());
    let (app, _report) = api::Application::build(config.clone(), Arc::new(clock.clone()))
        .await
        .expect("application starts");
    let address = format!("http://127.0.0.1:{}", app.port());
    let pool = app.pool().clone();
    let handle = app.handle();
    tokio::spawn(app.run_until_stopped());
    TestApp {
        address,
        client: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap(),
        pool,
        clock,
        config,
        handle,
        db,
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        let handle = self.handle.clone();
        // Stop without waiting; the database is force-dropped right after.
        drop(handle.stop(false));
    }
}

/// A response with its body read, for assertions.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
    pub text: String,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The `items` of a list response.
    pub fn items(&self) -> &Vec<Value> {
        self.body["items"]
            .as_array()
            .unwrap_or_else(|| panic!("no items in {}", self.text))
    }

    /// The `field` of every field error of a problem, in order.
    pub fn error_fields(&self) -> Vec<&str> {
        self.body["errors"]
            .as_array()
            .unwrap_or_else(|| panic!("no field errors in {}", self.text))
            .iter()
            .map(|e| e["field"].as_str().unwrap())
            .collect()
    }

    /// Asserts the problem shape and returns its `code`.
    pub fn problem_code(&self) -> &str {
        assert_eq!(
            self.header("content-type"),
            Some("application/problem+json"),
            "not a problem response: {} {}",
            self.status,
            self.text
        );
        for field in ["type", "title", "detail", "code"] {
            assert!(
                self.body[field].is_string(),
                "problem lacks {field}: {}",
                self.text
            );
        }
        assert_eq!(self.body["status"], self.status, "problem status differs");
        self.body["code"].as_str().unwrap()
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub async fn send(&self, request: reqwest::RequestBuilder) -> Reply {
        let response = request.send().await.expect("request sent");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let text = response.text().await.unwrap_or_default();
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        Reply {
            status,
            headers,
            body,
            text,
        }
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Reply {
        let mut req = self.client.get(self.url(path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        self.send(req).await
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: &Value) -> Reply {
        self.request(reqwest::Method::POST, path, token, Some(body))
            .await
    }

    pub async fn patch(&self, path: &str, token: Option<&str>, body: &Value) -> Reply {
        self.request(reqwest::Method::PATCH, path, token, Some(body))
            .await
    }

    pub async fn request(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> Reply {
        let mut req = self.client.request(method, self.url(path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(b);
        }
        self.send(req).await
    }

    pub async fn login(&self, email: &str, password: &str) -> Reply {
        self.post(
            "/api/v1/auth/login",
            None,
            &serde_json::json!({ "email": email, "password": password }),
        )
        .await
    }

    /// `POST /api/v1/auth/refresh` with a refresh token.
    pub async fn refresh(&self, refresh_token: &str) -> Reply {
        self.post(
            "/api/v1/auth/refresh",
            None,
            &serde_json::json!({ "refresh_token": refresh_token }),
        )
        .await
    }

    /// An access token through the real login, which must succeed.
    pub async fn login_token(&self, email: &str, password: &str) -> String {
        let reply = self.login(email, password).await;
        assert_eq!(reply.status, 200, "login of {email} failed: {}", reply.text);
        reply.body["access_token"].as_str().unwrap().to_owned()
    }

    /// An access token for the bootstrap admin, through the real login.
    pub async fn admin_token(&self) -> String {
        self.login_token(ADMIN_EMAIL, ADMIN_PASSWORD).await
    }

    /// A token for any role, signed with the server's key (as the server would sign it).
    pub fn token_for(&self, role: Role, subject_id: i64) -> String {
        let subject = match role {
            Role::Integration => Subject::ApiClient(subject_id),
            Role::Customer => Subject::Customer(subject_id),
            _ => Subject::User(subject_id),
        };
        TokenSigner::new(JWT_SECRET, self.config.access_token_ttl_secs)
            .issue(
                &Principal {
                    subject,
                    role,
                    scopes: vec![],
                    issued_at: 0,
                },
                self.clock_now(),
            )
            .unwrap()
    }

    /// A token of a new API client granted these scopes.
    pub fn integration_token(&self, scopes: &[&str]) -> String {
        let (client, _) = api::services::api_clients::create_api_client(
            &mut self.conn(),
            &self.system_context(),
            None,
            api::services::api_clients::NewApiClient {
                name: api::domain::identity::DisplayName::parse("Test client").unwrap(),
                scopes: scopes.iter().map(|s| s.to_string()).collect(),
            },
        )
        .unwrap();
        TokenSigner::new(JWT_SECRET, 900)
            .issue(
                &Principal {
                    subject: Subject::ApiClient(client.id),
                    role: Role::Integration,
                    scopes: scopes.iter().map(|s| s.to_string()).collect(),
                    issued_at: 0,
                },
                self.clock_now(),
            )
            .unwrap()
    }

    /// A token for a real caller of `role`: a new staff user, a new API client, or (for
    /// `customer`, whose portal accounts do not exist yet) a customer subject.
    pub fn token_as(&self, role: Role) -> String {
        match role {
            // Every scope, so that only the role decides.
            Role::Integration => self.integration_token(api::auth::policy::SCOPES),
            Role::Customer => self.token_for(role, 999_999),
            staff => {
                let (user, _) = UserBuilder::new(staff).create(self);
                self.token_for(role, user.id)
            }
        }
    }

    pub fn clock_now(&self) -> DateTime<Utc> {
        use api::clock::Clock;
        self.clock.now()
    }

    pub fn conn(&self) -> api::db::DbConn {
        self.pool.get().expect("db connection")
    }

    /// A service-level context for builders: the system acting at the test clock's time.
    pub fn system_context(&self) -> RequestContext {
        RequestContext {
            actor: api::services::audit::Actor::System,
            request_id: None,
            now: self.clock_now(),
            address: "test".into(),
        }
    }

    pub fn count(&self, sql_table: &str, condition: &str) -> i64 {
        #[derive(QueryableByName)]
        struct Count {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        let where_clause = if condition.is_empty() {
            String::new()
        } else {
            format!(" WHERE {condition}")
        };
        diesel::sql_query(format!(
            "SELECT count(*) AS n FROM {sql_table}{where_clause}"
        ))
        .get_result::<Count>(&mut self.conn())
        .unwrap()
        .n
    }
}

/// Builds a staff user straight through the service layer.
pub struct UserBuilder {
    email: String,
    name: String,
    role: Role,
    password: String,
}

impl UserBuilder {
    pub fn new(role: Role) -> Self {
        let tag = uuid::Uuid::new_v4().simple().to_string();
        UserBuilder {
            email: format!("{}-{}@isp.test", role.as_str(), &tag[..8]),
            name: format!("Test {}", role.as_str()),
            role,
            password: "a-long-enough-password".into(),
        }
    }

    pub fn create(self, app: &TestApp) -> (UserRow, String) {
        use api::domain::identity::{DisplayName, EmailAddress};
        let ctx = app.system_context();
        let row = api::services::users::create_user(
            &mut app.conn(),
            &ctx,
            api::services::users::NewUser {
                email: EmailAddress::parse(&self.email).unwrap(),
                name: DisplayName::parse(&self.name).unwrap(),
                role: self.role,
                password: self.password.clone(),
            },
        )
        .expect("user created");
        (row, self.password)
    }
}
