//! `Idempotency-Key` on POST requests, the way Stripe does it: the first response to a
//! (caller, key) pair is stored and replayed, byte for byte, to every retry of the same
//! request for 24 hours. The same key with a different request is refused with 422; a retry
//! that arrives while the first is still running gets 409. Only successful (2xx) responses
//! are stored: a request that failed validation or conflicted can be corrected and retried
//! under the same key.
//!
//! Keys are scoped to the authenticated caller, so two API clients can never collide. Routes
//! listed in `policy::NOT_IDEMPOTENT` ignore the header.

use actix_web::body::{self, BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{web, HttpMessage, HttpResponse, ResponseError};
use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use diesel::PgConnection;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::auth::{policy, Principal};
use crate::db::{self, schema::idempotency_keys};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

pub const HEADER: &str = "idempotency-key";
pub const REPLAYED_HEADER: &str = "idempotent-replayed";
/// How long a stored response is replayed.
pub const RETENTION_HOURS: i64 = 24;
/// Response headers worth replaying; the rest (date, request id) belong to each response.
const REPLAYED_HEADERS: &[&str] = &["content-type", "location"];

pub async fn guard(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let Some(key) = req.headers().get(HEADER).cloned() else {
        return next.call(req).await.map(|r| r.map_into_boxed_body());
    };
    let applies = req.method() == Method::POST
        && req
            .resource_map()
            .match_pattern(req.match_info().as_str())
            .is_some_and(|pattern| policy::is_idempotent("POST", &pattern));
    let principal = req
        .extensions()
        .get::<Principal>()
        .map(|p| p.subject.to_claim());
    let (true, Some(principal)) = (applies, principal) else {
        return next.call(req).await.map(|r| r.map_into_boxed_body());
    };
    let Some(state) = req.app_data::<web::Data<AppState>>().cloned() else {
        return next.call(req).await.map(|r| r.map_into_boxed_body());
    };
    let key = match parse_key(&key) {
        Ok(key) => key,
        Err(err) => return Ok(req.into_response(err.error_response())),
    };
    let body = match req.extract::<web::Bytes>().await {
        Ok(body) => body,
        Err(err) => return Ok(req.into_response(err.error_response())),
    };
    req.set_payload(body.clone().into());
    // The decoded path, as routed: `/api/v1/%75sers` retries `/api/v1/users`.
    let path = req.match_info().as_str().to_owned();
    let digest = request_digest(
        &state.idempotency_key,
        req.method().as_str(),
        &path,
        req.query_string(),
        &body,
    );
    let now = state.clock.now();
    let claim = Claim {
        principal,
        key,
        method: req.method().to_string(),
        path,
        digest,
    };
    let begun = {
        let claim = claim.clone();
        db::run(&state.pool, move |conn| begin(conn, &claim, now)).await
    };
    match begun {
        Err(err) => Ok(req.into_response(err.error_response())),
        Ok(Begin::Replay(stored)) => Ok(req.into_response(stored.into_response())),
        Ok(Begin::Mismatch) => Ok(req.into_response(
            ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "idempotency_key_reused",
                "this Idempotency-Key was used with a different request",
            )
            .error_response(),
        )),
        Ok(Begin::InProgress) => Ok(req.into_response(
            ApiError::conflict(
                "idempotency_request_in_progress",
                "a request with this Idempotency-Key is still being processed; retry shortly",
            )
            .error_response(),
        )),
        Ok(Begin::Proceed(id)) => {
            // The handler and the recording of its answer run as their own task: if the
            // client goes away mid-request, the change it asked for may still commit, and its
            // answer must still be stored, so a retry gets it instead of a second change.
            let task = actix_web::rt::spawn(async move {
                let res = match next.call(req).await {
                    Ok(res) => res,
                    Err(err) => {
                        forget(&state, id).await;
                        return Err(err);
                    }
                };
                if !res.status().is_success() {
                    forget(&state, id).await;
                    return Ok(res.map_into_boxed_body());
                }
                let (http_req, response) = res.into_parts();
                let (head, response_body) = response.into_parts();
                let bytes = match body::to_bytes(response_body).await {
                    Ok(bytes) => bytes,
                    Err(err) => {
                        forget(&state, id).await;
                        let cause = anyhow::anyhow!("reading the response body: {}", err.into());
                        return Err(ApiError::internal(cause).into());
                    }
                };
                let stored = StoredResponse {
                    status: head.status().as_u16(),
                    headers: REPLAYED_HEADERS
                        .iter()
                        .filter_map(|name| {
                            head.headers()
                                .get(*name)
                                .and_then(|v| v.to_str().ok())
                                .map(|v| ((*name).to_owned(), v.to_owned()))
                        })
                        .collect(),
                    body: bytes.to_vec(),
                };
                let completed_at = state.clock.now();
                if let Err(err) = db::run(&state.pool, move |conn| {
                    complete(conn, id, &stored, completed_at)
                })
                .await
                {
                    // The key stays "in progress" until it expires: retries get 409 rather
                    // than a second execution.
                    tracing::error!(error = ?err, "could not store the idempotent response");
                }
                Ok(ServiceResponse::new(
                    http_req,
                    head.set_body(BoxBody::new(bytes)),
                ))
            });
            task.await
                .map_err(|e| ApiError::internal(anyhow::anyhow!("idempotent request task: {e}")))?
        }
    }
}

async fn forget(state: &web::Data<AppState>, id: i64) {
    let result = db::run(&state.pool, move |conn| {
        diesel::delete(idempotency_keys::table.find(id)).execute(conn)?;
        Ok(())
    })
    .await;
    if let Err(err) = result {
        tracing::error!(error = ?err, "could not release an idempotency key");
    }
}

fn parse_key(value: &HeaderValue) -> ApiResult<String> {
    let key = value.to_str().unwrap_or_default();
    if key.is_empty() || key.len() > 255 || !key.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(ApiError::bad_request(
            "invalid_idempotency_key",
            "Idempotency-Key must be 1–255 visible ASCII characters",
        ));
    }
    Ok(key.to_owned())
}

/// An HMAC of the request under a server key, not a plain hash: bodies may hold secrets
/// (a new user's password), and a plain SHA-256 of a body whose other fields are known would
/// let anyone with a copy of the table guess the secret at hash speed.
pub fn request_digest(key: &[u8], method: &str, path: &str, query: &str, body: &[u8]) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes keys of any length");
    for part in [method.as_bytes(), path.as_bytes(), query.as_bytes()] {
        mac.update(&(part.len() as u64).to_be_bytes());
        mac.update(part);
    }
    mac.update(body);
    mac.finalize().into_bytes().to_vec()
}

#[derive(Debug, Clone)]
struct Claim {
    principal: String,
    key: String,
    method: String,
    path: String,
    digest: Vec<u8>,
}

#[derive(Debug, Clone)]
struct StoredResponse {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl StoredResponse {
    fn into_response(self) -> HttpResponse {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::OK);
        let mut response = HttpResponse::build(status);
        for (name, value) in &self.headers {
            if let (Ok(name), Ok(value)) = (
                HeaderName::try_from(name.as_str()),
                HeaderValue::from_str(value),
            ) {
                response.insert_header((name, value));
            }
        }
        response.insert_header((REPLAYED_HEADER, "true"));
        response.body(self.body)
    }
}

enum Begin {
    /// First time: handle the request, then `complete` row `id`.
    Proceed(i64),
    Replay(StoredResponse),
    Mismatch,
    InProgress,
}

type ExistingRow = (
    i64,
    String,
    String,
    Vec<u8>,
    Option<i16>,
    Option<serde_json::Value>,
    Option<Vec<u8>>,
    DateTime<Utc>,
);

fn begin(conn: &mut PgConnection, claim: &Claim, now: DateTime<Utc>) -> ApiResult<Begin> {
    conn.transaction(|conn| {
        let existing: Option<ExistingRow> = idempotency_keys::table
            .filter(idempotency_keys::principal.eq(&claim.principal))
            .filter(idempotency_keys::idempotency_key.eq(&claim.key))
            .select((
                idempotency_keys::id,
                idempotency_keys::method,
                idempotency_keys::path,
                idempotency_keys::request_digest,
                idempotency_keys::response_status,
                idempotency_keys::response_headers,
                idempotency_keys::response_body,
                idempotency_keys::created_at,
            ))
            .for_update()
            .first(conn)
            .optional()?;
        if let Some((id, method, path, digest, status, headers, body, created_at)) = existing {
            // An unfinished row (its process died mid-request) is never taken over: the change
            // may have committed, so the key answers 409 until it expires.
            let expired = created_at < now - Duration::hours(RETENTION_HOURS);
            if !expired {
                if method != claim.method || path != claim.path || digest != claim.digest {
                    return Ok(Begin::Mismatch);
                }
                let Some(status) = status else {
                    return Ok(Begin::InProgress);
                };
                let headers: Vec<(String, String)> = headers
                    .and_then(|h| serde_json::from_value(h).ok())
                    .unwrap_or_default();
                return Ok(Begin::Replay(StoredResponse {
                    status: status as u16,
                    headers,
                    body: body.unwrap_or_default(),
                }));
            }
            diesel::delete(idempotency_keys::table.find(id)).execute(conn)?;
        }
        // A concurrent first request may insert between our read and our write; the unique
        // key makes one of them fail, and that one is told to retry.
        let inserted: Option<i64> = diesel::insert_into(idempotency_keys::table)
            .values((
                idempotency_keys::principal.eq(&claim.principal),
                idempotency_keys::idempotency_key.eq(&claim.key),
                idempotency_keys::method.eq(&claim.method),
                idempotency_keys::path.eq(&claim.path),
                idempotency_keys::request_digest.eq(&claim.digest),
                idempotency_keys::created_at.eq(now),
            ))
            .on_conflict_do_nothing()
            .returning(idempotency_keys::id)
            .get_result(conn)
            .optional()?;
        Ok(match inserted {
            Some(id) => Begin::Proceed(id),
            None => Begin::InProgress,
        })
    })
}

fn complete(
    conn: &mut PgConnection,
    id: i64,
    stored: &StoredResponse,
    at: DateTime<Utc>,
) -> ApiResult<()> {
    let headers = serde_json::to_value(&stored.headers).map_err(ApiError::internal)?;
    diesel::update(idempotency_keys::table.find(id))
        .set((
            idempotency_keys::response_status.eq(stored.status as i16),
            idempotency_keys::response_headers.eq(headers),
            idempotency_keys::response_body.eq(&stored.body),
            idempotency_keys::completed_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_digest_separates_its_parts_and_depends_on_the_key() {
        let a = request_digest(b"k", "POST", "/a", "b=1", b"{}");
        assert_eq!(a, request_digest(b"k", "POST", "/a", "b=1", b"{}"));
        assert_ne!(a, request_digest(b"k", "POST", "/ab", "=1", b"{}"));
        assert_ne!(a, request_digest(b"k", "POST", "/a", "b=1", b"{ }"));
        assert_ne!(a, request_digest(b"other", "POST", "/a", "b=1", b"{}"));
    }

    #[test]
    fn keys_are_checked() {
        assert!(parse_key(&HeaderValue::from_static("order-123")).is_ok());
        assert!(parse_key(&HeaderValue::from_static("")).is_err());
        assert!(parse_key(&HeaderValue::from_static("has space")).is_err());
        let long = "k".repeat(256);
        assert!(parse_key(&HeaderValue::from_str(&long).unwrap()).is_err());
    }
}
