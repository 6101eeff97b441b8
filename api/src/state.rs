//! What every handler can reach: the pool, the clock, the token signer, the configuration.

use std::sync::Arc;

use actix_web::{web, FromRequest, HttpRequest};
use chrono::{DateTime, Utc};
use std::future::{ready, Ready};

use crate::auth::jwt::TokenSigner;
use crate::auth::validity::ValidityCache;
use crate::auth::Principal;
use crate::clock::SharedClock;
use crate::config::Config;
use crate::db::DbPool;
use crate::error::ApiError;
use crate::services::audit::Actor;

pub struct AppState {
    pub config: Arc<Config>,
    pub pool: DbPool,
    pub clock: SharedClock,
    pub tokens: TokenSigner,
    /// Keys the request digests of `Idempotency-Key` records (derived from `JWT_SECRET`).
    pub idempotency_key: Vec<u8>,
    /// Recent answers of the per-request account check; told when accounts change.
    pub validity: ValidityCache,
    /// Told when a request queued provisioning jobs, so a worker picks them up at once.
    pub provisioning_wakeup: Arc<tokio::sync::Notify>,
    /// Told when a bill run was queued, so the billing worker starts it at once.
    pub billing_wakeup: Arc<tokio::sync::Notify>,
}

impl AppState {
    /// Wakes a provisioning worker (call after the transaction that queued jobs committed).
    pub fn wake_provisioning(&self) {
        self.provisioning_wakeup.notify_one();
    }

    /// Wakes the bill-run worker.
    pub fn wake_billing(&self) {
        self.billing_wakeup.notify_one();
    }
}

pub type State = web::Data<AppState>;

/// The context of one request, handed to services: who acts, under which request id, at
/// what time (from the application clock, read once per request).
#[derive(Debug, Clone)]
pub struct RequestContext {
    pub actor: Actor,
    pub request_id: Option<String>,
    pub now: DateTime<Utc>,
    /// The client's IP address as seen by the server.
    pub address: String,
}

impl FromRequest for RequestContext {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        ready(context_of(req))
    }
}

fn context_of(req: &HttpRequest) -> Result<RequestContext, ApiError> {
    use actix_web::HttpMessage;
    let state = req
        .app_data::<State>()
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("application state missing")))?;
    let actor = match req.extensions().get::<Principal>() {
        Some(p) => Actor::Principal(p.clone()),
        None => Actor::Anonymous,
    };
    let request_id = req
        .extensions()
        .get::<tracing_actix_web::RequestId>()
        .map(|id| id.to_string());
    // The socket peer, not X-Forwarded-For: a header the client writes must not let it
    // choose which rate-limit bucket it lands in.
    let address = req
        .peer_addr()
        .map_or_else(|| "unknown".to_owned(), |a| a.ip().to_string());
    Ok(RequestContext {
        actor,
        request_id,
        now: state.clock.now(),
        address,
    })
}
