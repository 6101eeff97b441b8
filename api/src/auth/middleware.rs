//! The access middleware: verifies the bearer token and applies `policy::POLICIES` to
//! every `/api/` request before it reaches a handler.

use std::future::{ready, Ready};

use actix_web::body::{BoxBody, EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{header, StatusCode};
use actix_web::middleware::Next;
use actix_web::{web, FromRequest, HttpMessage, HttpRequest, ResponseError};

use super::jwt::TokenError;
use super::policy::{self, Access, Decision};
use super::validity::TokenKey;
use super::{Principal, Subject};
use crate::error::ApiError;
use crate::state::AppState;

pub async fn enforce_policy(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody, BoxBody>>, actix_web::Error> {
    match authorize(&req).await {
        Ok(None) => next.call(req).await.map(|r| r.map_into_left_body()),
        Ok(Some(principal)) => {
            req.extensions_mut().insert(principal);
            next.call(req).await.map(|r| r.map_into_left_body())
        }
        Err(err) => {
            let response = err.error_response();
            Ok(req.into_response(response).map_into_right_body())
        }
    }
}

/// `Ok(None)`: no check applies (public, or not an API route); `Ok(Some)`: a verified caller
/// the route admits.
async fn authorize(req: &ServiceRequest) -> Result<Option<Principal>, ApiError> {
    // Match exactly as the router will: on the percent-decoded path (`/api/v1/%75sers` is
    // `/api/v1/users`) against the same resource map. Reading the raw request line here
    // would let an encoded path reach a handler unchecked.
    let path = req.match_info().as_str();
    let Some(pattern) = req.resource_map().match_pattern(path) else {
        return Ok(None);
    };
    // Only the `/api/v1` scope itself matched (no resource under it), or a non-API route
    // (the SPA's catch-all): the router answers 404 or serves the page.
    if !pattern.starts_with("/api/") || pattern == policy::API_PREFIX {
        return Ok(None);
    }
    if !policy::path_is_known(&pattern) {
        // An API resource registered without a policy is a programming error: deny by default.
        tracing::error!(route = %pattern, "route has no access policy; refusing");
        return Err(ApiError::forbidden("this route has no access policy"));
    }
    let Some(route) = policy::find(req.method().as_str(), &pattern) else {
        return Err(ApiError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            format!("{} is not allowed on {}", req.method(), path),
        ));
    };
    if route.access == Access::Public {
        return Ok(None);
    }
    let state = req
        .app_data::<web::Data<AppState>>()
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("application state missing")))?;
    let token = bearer_token(req.request())?;
    let principal = state
        .tokens
        .verify(token, state.clock.now())
        .map_err(|e| match e {
            TokenError::Expired => ApiError::unauthorized("token_expired", e.to_string()),
            TokenError::Invalid => ApiError::unauthorized("invalid_token", e.to_string()),
        })?;
    match policy::decide(route, principal.role, &principal.scopes) {
        Decision::Allow => {
            ensure_still_valid(state, &principal).await?;
            Ok(Some(principal))
        }
        Decision::WrongRole => Err(ApiError::forbidden(format!(
            "the {} role may not {} {}",
            principal.role,
            req.method(),
            pattern
        ))),
        Decision::MissingScope(scope) => Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "insufficient_scope",
            format!("this route needs the {scope} scope"),
        )),
    }
}

/// A token outlives nothing it stood for: a user deactivated, given another role or a new
/// password, or an API client deactivated, deleted or given a new secret, is refused at once
/// rather than when the token expires.
async fn ensure_still_valid(state: &AppState, principal: &Principal) -> Result<(), ApiError> {
    let key = TokenKey {
        subject: principal.subject.clone(),
        role: principal.role,
        issued_at: principal.issued_at,
    };
    let valid = match state.validity.lookup(&key) {
        Some(valid) => valid,
        None => {
            let epoch = state.validity.epoch();
            let valid = account_still_valid(state, principal).await?;
            state.validity.remember(key, valid, epoch);
            valid
        }
    };
    if valid {
        Ok(())
    } else {
        Err(ApiError::unauthorized(
            "session_revoked",
            "this account was deactivated or its role or credentials changed; log in again",
        ))
    }
}

async fn account_still_valid(state: &AppState, principal: &Principal) -> Result<bool, ApiError> {
    use crate::db::schema::{api_clients, users};
    use diesel::prelude::*;
    let subject = principal.subject.clone();
    let role = principal.role;
    let issued_at = principal.issued_at;
    // Tokens issued before the credentials last changed (password reset, secret rotation)
    // are refused; the comparison is in whole seconds, as the token's `iat` is.
    let issued_after = move |changed: Option<chrono::DateTime<chrono::Utc>>| {
        changed.is_none_or(|at| issued_at >= at.timestamp())
    };
    crate::db::run(&state.pool, move |conn| {
        Ok(match subject {
            Subject::User(id) => users::table
                .find(id)
                .select((users::role, users::active, users::credentials_changed_at))
                .first::<(String, bool, Option<chrono::DateTime<chrono::Utc>>)>(conn)
                .optional()?
                .is_some_and(|(current, active, changed)| {
                    active && current == role.as_str() && issued_after(changed)
                }),
            Subject::ApiClient(id) => api_clients::table
                .find(id)
                .select((api_clients::active, api_clients::credentials_changed_at))
                .first::<(bool, Option<chrono::DateTime<chrono::Utc>>)>(conn)
                .optional()?
                .is_some_and(|(active, changed)| active && issued_after(changed)),
            // No customer tokens are issued yet; the self-service portal brings its accounts.
            Subject::Customer(_) => true,
        })
    })
    .await
}

fn bearer_token(req: &HttpRequest) -> Result<&str, ApiError> {
    let value = req
        .headers()
        .get(header::AUTHORIZATION)
        .ok_or_else(|| ApiError::unauthorized("missing_token", "an access token is required"))?;
    let value = value
        .to_str()
        .map_err(|_| ApiError::unauthorized("invalid_token", "the access token is invalid"))?;
    match value.split_once(' ') {
        Some((scheme, token))
            if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() =>
        {
            Ok(token.trim())
        }
        _ => Err(ApiError::unauthorized(
            "invalid_token",
            "use the Authorization: Bearer <token> scheme",
        )),
    }
}

/// The verified caller, put there by `enforce_policy`.
impl FromRequest for Principal {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        ready(
            req.extensions().get::<Principal>().cloned().ok_or_else(|| {
                ApiError::unauthorized("missing_token", "an access token is required")
            }),
        )
    }
}
