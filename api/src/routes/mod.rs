//! HTTP routes: thin handlers that parse, call a service, and shape the response. Who may
//! call each route is declared in `auth::policy`, not here.

pub mod api_clients;
pub mod audit_log;
pub mod auth;
pub mod billing;
pub mod catalog;
pub mod customer_360;
pub mod customer_classes;
pub mod customers;
pub mod documents;
pub mod leads;
pub mod nas;
pub mod orders;
pub mod search;
pub mod subscriptions;
pub mod system;
pub mod usage;
pub mod users;

use actix_web::http::header;
use actix_web::HttpRequest;
use serde::{Deserialize, Deserializer};
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::error::{ApiError, ApiResult, FieldError};

/// Registers every documented route.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(system::healthz)
        .service(crate::metrics::metrics_endpoint)
        .service(system::readyz)
        .service(
            utoipa_actix_web::scope("/api/v1")
                .configure(auth::configure)
                .configure(users::configure)
                .configure(api_clients::configure)
                .configure(customer_classes::configure)
                .configure(customer_360::configure)
                .configure(search::configure)
                .configure(catalog::configure)
                .configure(customers::configure)
                .configure(leads::configure)
                .configure(orders::configure)
                .configure(nas::configure)
                .configure(subscriptions::configure)
                .configure(usage::configure)
                .configure(billing::configure)
                .configure(documents::configure)
                .configure(audit_log::configure),
        );
}

/// `?limit=&cursor=` of every list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Items per page, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Collects field errors while parsing a request into service input.
#[derive(Default)]
pub struct FieldErrors(Vec<FieldError>);

impl FieldErrors {
    /// Runs a checking parse; on failure remembers the field and returns `None`.
    pub fn check<T>(&mut self, field: &str, result: Result<T, &'static str>) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(message) => {
                self.0.push(FieldError::new(field, "invalid", message));
                None
            }
        }
    }

    pub fn add(&mut self, field: &str, code: &str, message: impl Into<String>) {
        self.0.push(FieldError::new(field, code, message));
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `Ok(())` when nothing failed.
    pub fn finish(self) -> Result<(), ApiError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(ApiError::validation(self.0))
        }
    }
}

/// The version a client read, from `If-Match` (`"3"` or `W/"3"`); `None` when absent.
pub fn if_match(req: &HttpRequest, what: &str) -> ApiResult<Option<i32>> {
    let Some(value) = req.headers().get(header::IF_MATCH) else {
        return Ok(None);
    };
    let raw = value.to_str().unwrap_or_default().trim();
    let raw = raw.strip_prefix("W/").unwrap_or(raw).trim_matches('"');
    raw.parse::<i32>().map(Some).map_err(|_| {
        ApiError::bad_request(
            "invalid_if_match",
            format!("If-Match must be the ETag of the {what} you read, e.g. \"3\""),
        )
    })
}

/// The `ETag` header of a versioned record.
pub fn etag(version: i32) -> (header::HeaderName, String) {
    (header::ETAG, format!("\"{version}\""))
}

/// For `Option<Option<T>>` fields of a PATCH: absent → `None` (leave it), `null` →
/// `Some(None)` (clear it), a value → `Some(Some(v))`. Use with `#[serde(default)]`.
pub fn nullable<'de, T, D>(de: D) -> Result<Option<Option<T>>, D::Error>
where
    T: Deserialize<'de>,
    D: Deserializer<'de>,
{
    Option::<T>::deserialize(de).map(Some)
}
