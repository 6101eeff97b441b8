//! The OpenAPI document. Handlers describe themselves with `#[utoipa::path]`; this module
//! adds what is the same everywhere, from one source each:
//! - security and the roles of each operation, from `auth::policy`;
//! - the error responses every operation can give (401/403 when protected, 400/413/415/422
//!   when it takes a body, 400 when it takes parameters, 500 always);
//! - the `application/problem+json` media type of every error response.

use actix_web::App;
use utoipa::openapi::path::{Operation, ParameterBuilder, ParameterIn};
use utoipa::openapi::schema::{ObjectBuilder, Type};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme};
use utoipa::openapi::Required;
use utoipa::openapi::{Content, OpenApi as OpenApiDoc, Ref, RefOr, Response};
use utoipa::OpenApi;
use utoipa_actix_web::AppExt;

use crate::auth::policy::{self, Access};
use crate::error::{FieldError, Problem, PROBLEM_CONTENT_TYPE};
use crate::routes;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "ispbill API",
        description = "ISP billing and customer lifecycle: lead → order → provisioning → billing → collection.\n\n\
            All errors are `application/problem+json` (RFC 9457) with a stable `code`. \
            Authenticate with `Authorization: Bearer <token>` from `/api/v1/auth/login` (staff) or \
            `/api/v1/auth/token` (API clients). Lists use cursor pagination (`limit`, `cursor`, `next_cursor`).",
        license(name = "AGPL-3.0-or-later"),
    ),
    components(schemas(Problem, FieldError)),
    tags(
        (name = "auth", description = "Logins, tokens, sessions"),
        (name = "users", description = "Staff users"),
        (name = "api-clients", description = "Third-party systems calling the API"),
        (name = "customer-classes", description = "Customer classes and their credit policy"),
        (name = "catalog", description = "Products and their price versions, promotions, tax rates"),
        (name = "customers", description = "Customers: profile, billing preferences, contacts, addresses, interactions"),
        (name = "leads", description = "Leads: capture, pipeline, duplicates, merge, conversion"),
        (name = "portal", description = "Public forms of the self-service portal"),
        (name = "orders", description = "Orders: draft, credit check, approval"),
        (name = "network", description = "NASes (where subscribers connect, and where Disconnect/CoA go) and static address pools"),
        (name = "subscriptions", description = "Services on the network: suspend, restore, change plan, terminate; provisioning jobs; sessions"),
        (name = "usage", description = "Usage: accounting from FreeRADIUS and other mediation systems, per subscription and billing period"),
        (name = "billing", description = "Billing: bill runs, invoices, credit notes, the ledger, statements and one-time charges"),
        (name = "audit", description = "Who changed what"),
        (name = "operations", description = "Health and readiness"),
    )
)]
struct ApiDoc;

const BEARER: &str = "bearer";

/// The document's fixed part: info, tags, shared schemas.
pub fn document_base() -> OpenApiDoc {
    ApiDoc::openapi()
}

/// The complete document, exactly as the server serves it.
pub fn document() -> OpenApiDoc {
    let (_, doc) = App::new()
        .into_utoipa_app()
        .openapi(document_base())
        .configure(routes::configure)
        .split_for_parts();
    annotate(doc)
}

/// Adds security, roles and the shared error responses; see the module doc.
pub fn annotate(mut doc: OpenApiDoc) -> OpenApiDoc {
    let components = doc.components.get_or_insert_with(Default::default);
    components.add_security_scheme(
        BEARER,
        SecurityScheme::Http(
            HttpBuilder::new()
                .scheme(HttpAuthScheme::Bearer)
                .bearer_format("JWT")
                .build(),
        ),
    );
    for (path, item) in doc.paths.paths.iter_mut() {
        let operations = [
            ("GET", &mut item.get),
            ("POST", &mut item.post),
            ("PUT", &mut item.put),
            ("PATCH", &mut item.patch),
            ("DELETE", &mut item.delete),
        ];
        for (method, operation) in operations {
            if let Some(op) = operation {
                annotate_operation(path, method, op);
            }
        }
    }
    doc
}

fn annotate_operation(path: &str, method: &str, op: &mut Operation) {
    if let Some(route) = policy::find(method, path) {
        let access = match route.access {
            Access::Public => "public: no token needed".to_owned(),
            Access::Authenticated => "any authenticated caller".to_owned(),
            Access::Roles(roles) => {
                let names: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
                format!("roles {}", names.join(", "))
            }
        };
        let scope = route
            .scope
            .map(|s| format!(" (integration tokens need the `{s}` scope)"))
            .unwrap_or_default();
        let description = op.description.take().unwrap_or_default();
        op.description = Some(
            format!("{description}\n\n**Access:** {access}{scope}.")
                .trim()
                .to_owned(),
        );
        if route.access != Access::Public {
            op.security = Some(vec![SecurityRequirement::new(BEARER, Vec::<String>::new())]);
            add_error(
                op,
                "401",
                "`missing_token`, `invalid_token`, `token_expired`, `session_revoked`",
            );
            add_error(
                op,
                "403",
                "`forbidden`: the caller's role may not use this route",
            );
        }
    }
    if policy::is_idempotent(method, path) {
        let parameter = ParameterBuilder::new()
            .name("Idempotency-Key")
            .parameter_in(ParameterIn::Header)
            .required(Required::False)
            .description(Some(
                "Makes a retry safe: the first successful response is replayed for 24 hours to \
                 every request with the same key and body (with `Idempotent-Replayed: true`).",
            ))
            .schema(Some(
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .max_length(Some(255)),
            ))
            .build();
        op.parameters
            .get_or_insert_with(Vec::new)
            .push(RefOr::T(parameter));
        add_error(
            op,
            "409",
            "`idempotency_request_in_progress`: the first request with this key is still running",
        );
        add_error(
            op,
            "422",
            "`idempotency_key_reused`: the key was used with another request",
        );
    }
    if op.request_body.is_some() {
        add_error(op, "400", "`malformed_json`: the body is not JSON");
        add_error(op, "413", "`payload_too_large`");
        add_error(op, "415", "`unsupported_media_type`");
        add_error(
            op,
            "422",
            "`validation_failed`: see `errors` for each field",
        );
    }
    if op.parameters.as_ref().is_some_and(|p| !p.is_empty()) {
        add_error(op, "400", "`invalid_path_parameter`, `invalid_query`");
    }
    add_error(
        op,
        "500",
        "`internal_error`: logged with the request id; retry later",
    );
    for response in op.responses.responses.values_mut() {
        if let RefOr::T(response) = response {
            move_problem_to_problem_json(response);
        }
    }
}

/// Adds an error response, or appends the description to the one the handler declared.
fn add_error(op: &mut Operation, status: &str, description: &str) {
    match op.responses.responses.get_mut(status) {
        Some(RefOr::T(existing)) => {
            if !existing.description.contains(description) {
                existing.description = format!("{}; {description}", existing.description);
            }
        }
        Some(RefOr::Ref(_)) => {}
        None => {
            let mut response = Response::new(description);
            response.content.insert(
                PROBLEM_CONTENT_TYPE.to_owned(),
                RefOr::T(Content::new(Some(Ref::from_schema_name("Problem")))),
            );
            op.responses
                .responses
                .insert(status.to_owned(), RefOr::T(response));
        }
    }
}

/// utoipa writes `application/json` for every body; errors are `application/problem+json`.
fn move_problem_to_problem_json(response: &mut Response) {
    let is_problem = |content: &RefOr<Content>| match content {
        RefOr::T(c) => {
            matches!(&c.schema, Some(RefOr::Ref(r)) if r.ref_location.ends_with("/Problem"))
        }
        RefOr::Ref(_) => false,
    };
    if response
        .content
        .get("application/json")
        .is_some_and(is_problem)
    {
        if let Some(content) = response.content.shift_remove("application/json") {
            response
                .content
                .insert(PROBLEM_CONTENT_TYPE.to_owned(), content);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn operations(doc: &OpenApiDoc) -> Vec<(String, &'static str, Operation)> {
        let mut out = Vec::new();
        for (path, item) in &doc.paths.paths {
            for (method, op) in [
                ("GET", &item.get),
                ("POST", &item.post),
                ("PUT", &item.put),
                ("PATCH", &item.patch),
                ("DELETE", &item.delete),
            ] {
                if let Some(op) = op {
                    out.push((path.clone(), method, op.clone()));
                }
            }
        }
        out
    }

    #[test]
    fn every_api_operation_has_a_policy_and_every_policy_an_operation() {
        let doc = document();
        let documented: HashSet<(String, &str)> = operations(&doc)
            .into_iter()
            .filter(|(path, _, _)| path.starts_with("/api/"))
            .map(|(path, method, _)| (path, method))
            .collect();
        for (path, method) in &documented {
            assert!(
                policy::find(method, path).is_some(),
                "{method} {path} has no access policy"
            );
        }
        for p in policy::POLICIES {
            if policy::UNDOCUMENTED.contains(&p.path) {
                continue;
            }
            assert!(
                documented.contains(&(p.path.to_owned(), p.method)),
                "policy {} {} names no documented route",
                p.method,
                p.path
            );
        }
    }

    #[test]
    fn protected_operations_declare_bearer_auth_and_their_errors() {
        let doc = document();
        for (path, method, op) in operations(&doc) {
            assert!(
                op.responses.responses.contains_key("500"),
                "{method} {path} lacks 500"
            );
            let Some(route) = policy::find(method, &path) else {
                continue;
            };
            if route.access == Access::Public {
                assert!(op.security.is_none(), "{method} {path} is public");
            } else {
                assert!(op.security.is_some(), "{method} {path} lacks security");
                for status in ["401", "403"] {
                    assert!(
                        op.responses.responses.contains_key(status),
                        "{method} {path} lacks {status}"
                    );
                }
            }
            for (status, response) in &op.responses.responses {
                if status.starts_with('4') || status.starts_with('5') {
                    let RefOr::T(response) = response else {
                        continue;
                    };
                    assert!(
                        response.content.is_empty()
                            || response.content.contains_key(PROBLEM_CONTENT_TYPE),
                        "{method} {path} {status} is not problem+json"
                    );
                }
            }
        }
    }
}
