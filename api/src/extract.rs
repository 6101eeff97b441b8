//! Request extractors and the configuration that makes every malformed request end in the
//! project's problem shape instead of actix's plain-text defaults.

use std::future::Future;
use std::pin::Pin;

use actix_web::body::{BoxBody, EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::error::{PathError, QueryPayloadError, UrlencodedError};
use actix_web::http::{header, StatusCode};
use actix_web::{web, FromRequest, HttpRequest, HttpResponse};
use futures_util::StreamExt;
use serde::de::DeserializeOwned;

use crate::error::{problem_response, ApiError, FieldError, PROBLEM_CONTENT_TYPE};

/// Largest JSON body accepted, set from `Config::max_body_bytes`.
#[derive(Clone, Copy)]
pub struct BodyLimit(pub usize);

/// A JSON body, parsed strictly: wrong content type → 415, too large → 413, not JSON →
/// 400 `malformed_json`, wrong shape (missing field, wrong type, unknown field) → 422
/// `validation_failed` naming the field.
pub struct Json<T>(pub T);

impl<T> Json<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T: DeserializeOwned + 'static> FromRequest for Json<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut actix_web::dev::Payload) -> Self::Future {
        let limit = body_limit(req);
        let body = read_json::<T>(req, payload, limit);
        Box::pin(async move { body.await.map(Json) })
    }
}

/// Largest body of a bulk route (`BulkJson`): 1,000 usage records with ids of 200
/// characters fit, with room to spare.
pub const BULK_BODY_BYTES: usize = 2 * 1024 * 1024;

/// A JSON body like `Json`, for routes that take batches: its limit is `BULK_BODY_BYTES`
/// (or the configured limit, when larger).
pub struct BulkJson<T>(pub T);

impl<T> BulkJson<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T: DeserializeOwned + 'static> FromRequest for BulkJson<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut actix_web::dev::Payload) -> Self::Future {
        let limit = body_limit(req).max(BULK_BODY_BYTES);
        let body = read_json::<T>(req, payload, limit);
        Box::pin(async move { body.await.map(BulkJson) })
    }
}

fn body_limit(req: &HttpRequest) -> usize {
    req.app_data::<BodyLimit>()
        .map(|l| l.0)
        .unwrap_or(256 * 1024)
}

/// Reads and parses a JSON body of at most `limit` bytes.
fn read_json<T: DeserializeOwned + 'static>(
    req: &HttpRequest,
    payload: &mut actix_web::dev::Payload,
    limit: usize,
) -> Pin<Box<dyn Future<Output = Result<T, ApiError>>>> {
    let is_json = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<mime::Mime>().ok())
        .is_some_and(|m| m.subtype() == mime::JSON || m.suffix() == Some(mime::JSON));
    let declared_too_large = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok())
        .is_some_and(|len| len > limit);
    let mut payload = payload.take();
    Box::pin(async move {
        if !is_json {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "the body must be JSON (Content-Type: application/json)",
            ));
        }
        if declared_too_large {
            return Err(payload_too_large(limit));
        }
        let mut body = web::BytesMut::new();
        while let Some(chunk) = payload.next().await {
            let chunk = chunk.map_err(|e| {
                ApiError::bad_request("unreadable_body", format!("could not read body: {e}"))
            })?;
            if body.len() + chunk.len() > limit {
                return Err(payload_too_large(limit));
            }
            body.extend_from_slice(&chunk);
        }
        parse_json(&body)
    })
}

fn payload_too_large(limit: usize) -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
        format!("the body is larger than {limit} bytes"),
    )
}

/// Whether a JSON text holds the escape `\u0000` (a NUL character in a string), and not
/// merely a backslash followed by the text `u0000`.
fn has_nul_escape(body: &[u8]) -> bool {
    body.windows(6).enumerate().any(|(i, w)| {
        w == b"\\u0000" && body[..i].iter().rev().take_while(|b| **b == b'\\').count() % 2 == 0
    })
}

/// The paths (`lines[0].notes`, as serde_path_to_error writes them) of strings holding a
/// NUL character; a key holding one is named by its object's path.
fn nul_paths(value: &serde_json::Value, path: String, out: &mut Vec<String>) {
    use serde_json::Value;
    match value {
        Value::String(s) if s.contains('\0') => out.push(path),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                nul_paths(item, format!("{path}[{i}]"), out);
            }
        }
        Value::Object(map) => {
            for (key, item) in map {
                if key.contains('\0') {
                    out.push(path.clone());
                    continue;
                }
                let child = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                nul_paths(item, child, out);
            }
        }
        _ => {}
    }
}

/// Parses `body` as `T`, telling syntax errors (400) from shape errors (422, with the path).
/// PostgreSQL cannot store the NUL character in text, so a string holding one is refused
/// here (422) rather than failing deep in a query.
pub fn parse_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    if has_nul_escape(body) {
        if let Ok(value) = serde_json::from_slice::<serde_json::Value>(body) {
            let mut fields = Vec::new();
            nul_paths(&value, String::new(), &mut fields);
            return Err(ApiError::validation(
                fields
                    .into_iter()
                    .map(|field| {
                        FieldError::new(
                            field,
                            "invalid",
                            "text may not contain the NUL character (\\u0000)",
                        )
                    })
                    .collect(),
            ));
        }
    }
    let de = &mut serde_json::Deserializer::from_slice(body);
    match serde_path_to_error::deserialize::<_, T>(de) {
        Ok(value) => Ok(value),
        Err(err) => {
            let path = err.path().to_string();
            let inner = err.into_inner();
            match inner.classify() {
                serde_json::error::Category::Data => {
                    let field = if path == "." { String::new() } else { path };
                    let message = strip_position(&inner.to_string());
                    let code = if message.starts_with("unknown field") {
                        "unknown_field"
                    } else if message.starts_with("missing field") {
                        "required"
                    } else {
                        "invalid_type"
                    };
                    let field = match (code, field.as_str()) {
                        // serde names the missing field only in its message.
                        ("required", "") => {
                            message.split('`').nth(1).unwrap_or_default().to_owned()
                        }
                        ("unknown_field", _) => {
                            let name = message.split('`').nth(1).unwrap_or_default();
                            if field.is_empty() {
                                name.to_owned()
                            } else {
                                field
                            }
                        }
                        _ => field,
                    };
                    Err(ApiError::validation(vec![FieldError::new(
                        field, code, message,
                    )]))
                }
                _ => Err(ApiError::bad_request(
                    "malformed_json",
                    format!(
                        "the body is not valid JSON: {}",
                        strip_position(&inner.to_string())
                    ),
                )),
            }
        }
    }
}

fn strip_position(message: &str) -> String {
    match message.find(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}

pub fn path_config() -> web::PathConfig {
    web::PathConfig::default().error_handler(|err: PathError, _req| {
        ApiError::bad_request(
            "invalid_path_parameter",
            format!("a path parameter is invalid: {err}"),
        )
        .into()
    })
}

pub fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(|err: QueryPayloadError, _req| {
        let message = match &err {
            QueryPayloadError::Deserialize(e) => e.to_string(),
            other => other.to_string(),
        };
        ApiError::bad_request(
            "invalid_query",
            format!("the query string is invalid: {message}"),
        )
        .into()
    })
}

pub fn form_config(limit: usize) -> web::FormConfig {
    web::FormConfig::default()
        .limit(limit)
        .error_handler(|err: UrlencodedError, _req| {
            match err {
                UrlencodedError::Overflow { .. } | UrlencodedError::UnknownLength => {
                    payload_too_large(0)
                }
                UrlencodedError::ContentType => ApiError::new(
                    StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    "unsupported_media_type",
                    "the body must be application/x-www-form-urlencoded or application/json",
                ),
                other => {
                    ApiError::bad_request("invalid_form", format!("the form is invalid: {other}"))
                }
            }
            .into()
        })
}

/// Answers requests no route matched: 405 when the path exists with other methods, else 404.
pub async fn no_route(req: HttpRequest) -> HttpResponse {
    use actix_web::ResponseError;
    route_error(&req).error_response()
}

pub fn route_error(req: &HttpRequest) -> ApiError {
    // A resource with this path exists (under another method) unless the only match is the
    // API scope's prefix or the SPA's catch-all at the root.
    let pattern = req.resource_map().match_pattern(req.match_info().as_str());
    let resource_exists =
        pattern.is_some_and(|p| !p.is_empty() && p != crate::auth::policy::API_PREFIX);
    if resource_exists {
        ApiError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            format!("{} is not allowed on {}", req.method(), req.path()),
        )
    } else {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "route_not_found",
            format!("no route for {} {}", req.method(), req.path()),
        )
    }
}

/// Middleware that refuses a query string holding a NUL character (`%00`): PostgreSQL
/// cannot store or compare it, so it would otherwise fail deep in a query as a 500.
pub async fn refuse_nul_in_query<B: MessageBody + 'static>(
    req: ServiceRequest,
    next: actix_web::middleware::Next<B>,
) -> Result<ServiceResponse<EitherBody<B, BoxBody>>, actix_web::Error> {
    if req.query_string().contains("%00") {
        let err = ApiError::bad_request(
            "invalid_query",
            "the query string may not contain the NUL character (%00)",
        );
        return Ok(req.error_response(err).map_into_right_body());
    }
    next.call(req)
        .await
        .map(ServiceResponse::map_into_left_body)
}

/// Middleware that rewrites any error response not already in the problem shape (one made
/// inside actix itself, say) into it.
pub async fn ensure_problem_body<B: MessageBody + 'static>(
    req: ServiceRequest,
    next: actix_web::middleware::Next<B>,
) -> Result<ServiceResponse<EitherBody<B, BoxBody>>, actix_web::Error> {
    let res = next.call(req).await?;
    let status = res.status();
    let already_problem = res
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(PROBLEM_CONTENT_TYPE.as_bytes()));
    if !(status.is_client_error() || status.is_server_error()) || already_problem {
        return Ok(res.map_into_left_body());
    }
    let code = match status {
        StatusCode::NOT_FOUND => "not_found",
        StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
        StatusCode::PAYLOAD_TOO_LARGE => "payload_too_large",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
        StatusCode::UNAUTHORIZED => "unauthorized",
        StatusCode::FORBIDDEN => "forbidden",
        s if s.is_server_error() => "internal_error",
        _ => "bad_request",
    };
    let problem = ApiError::new(
        status,
        code,
        status.canonical_reason().unwrap_or("error").to_lowercase(),
    )
    .to_problem();
    let (req, old) = res.into_parts();
    let mut new: HttpResponse = problem_response(status, &problem, None);
    // Keep what the original said besides its body: Allow, Retry-After, x-request-id, …
    for (name, value) in old.headers() {
        if name != header::CONTENT_TYPE
            && name != header::CONTENT_LENGTH
            && !new.headers().contains_key(name)
        {
            new.headers_mut().insert(name.clone(), value.clone());
        }
    }
    Ok(ServiceResponse::new(req, new).map_into_right_body())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_nul_escape_is_told_from_an_escaped_backslash() {
        assert!(has_nul_escape(br#"{"name":"a\u0000b"}"#));
        assert!(has_nul_escape(br#"{"name":"\\\u0000"}"#));
        assert!(!has_nul_escape(br#"{"name":"\\u0000"}"#));
        assert!(!has_nul_escape(br#"{"name":"u0000"}"#));
    }

    #[test]
    fn every_string_holding_a_nul_is_named_by_its_path() {
        let value = serde_json::json!({
            "name": "ok",
            "notes": "a\u{0}b",
            "lines": [{"code": "fine"}, {"code": "\u{0}"}],
        });
        let mut paths = Vec::new();
        nul_paths(&value, String::new(), &mut paths);
        assert_eq!(paths, ["lines[1].code", "notes"]);
    }
}
