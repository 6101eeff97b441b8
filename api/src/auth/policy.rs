//! Who may call what: the one table of every API route and the roles it admits.
//!
//! The access middleware enforces this table before any handler runs, and refuses routes
//! that are missing from it (deny by default). The OpenAPI document is annotated from it,
//! and a test checks that every documented operation has exactly one entry here.

use super::Role::{self, *};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// No token needed.
    Public,
    /// Any valid token.
    Authenticated,
    /// A valid token whose role is one of these.
    Roles(&'static [Role]),
}

#[derive(Debug, Clone, Copy)]
pub struct RoutePolicy {
    pub method: &'static str,
    /// The route pattern exactly as registered, e.g. `/api/v1/users/{id}`.
    pub path: &'static str,
    pub access: Access,
    /// The scope an `integration` token must carry; other roles are not scoped.
    pub scope: Option<&'static str>,
}

const fn route(method: &'static str, path: &'static str, access: Access) -> RoutePolicy {
    RoutePolicy {
        method,
        path,
        access,
        scope: None,
    }
}

/// A route an `integration` token reaches only with `scope`.
const fn scoped(
    method: &'static str,
    path: &'static str,
    access: Access,
    scope: &'static str,
) -> RoutePolicy {
    RoutePolicy {
        method,
        path,
        access,
        scope: Some(scope),
    }
}

/// The scope every API route lives under.
pub const API_PREFIX: &str = "/api/v1";

const ADMIN: Access = Access::Roles(&[Admin]);
const STAFF: Access = Access::Roles(&[Admin, Manager, Agent, Finance, Viewer]);
const MANAGERS: Access = Access::Roles(&[Admin, Manager]);
/// Staff, and integrations holding the route's scope (a CRM reads customers and the
/// catalog).
const STAFF_AND_INTEGRATIONS: Access =
    Access::Roles(&[Admin, Manager, Agent, Finance, Viewer, Integration]);

/// Customer, lead and order routes: staff (and scoped integrations) read; agents and up
/// write.
const CRM_WRITE: Access = Access::Roles(&[Admin, Manager, Agent, Integration]);

/// Suspending and restoring service: the CRM roles and finance (non-payment).
const SERVICE_WRITE: Access = Access::Roles(&[Admin, Manager, Agent, Finance, Integration]);

/// Reading a subscriber's network password: the people who give it to the customer.
const CREDENTIALS: Access = Access::Roles(&[Admin, Manager, Agent]);
/// Billing staff: bill runs, issuing, voiding, crediting, charges.
const BILLING: Access = Access::Roles(&[Admin, Manager, Finance]);
/// Mediation systems (with `usage:write`) and admins record usage.
const USAGE_WRITERS: Access = Access::Roles(&[Admin, Integration]);

/// Every API route. Keep it sorted by area, then path.
pub const POLICIES: &[RoutePolicy] = &[
    // auth
    route("POST", "/api/v1/auth/login", Access::Public),
    route("POST", "/api/v1/auth/refresh", Access::Public),
    route("POST", "/api/v1/auth/token", Access::Public),
    route("POST", "/api/v1/auth/logout", Access::Public),
    route("GET", "/api/v1/auth/me", Access::Authenticated),
    // staff users
    route("GET", "/api/v1/users", ADMIN),
    route("POST", "/api/v1/users", ADMIN),
    route("GET", "/api/v1/users/{id}", ADMIN),
    route("PATCH", "/api/v1/users/{id}", ADMIN),
    // API clients
    route("GET", "/api/v1/api-clients", ADMIN),
    route("POST", "/api/v1/api-clients", ADMIN),
    route("GET", "/api/v1/api-clients/{id}", ADMIN),
    route("PATCH", "/api/v1/api-clients/{id}", ADMIN),
    route("DELETE", "/api/v1/api-clients/{id}", ADMIN),
    route("POST", "/api/v1/api-clients/{id}/rotate-secret", ADMIN),
    // customer classes and their credit policy
    route("GET", "/api/v1/customer-classes", STAFF),
    route("GET", "/api/v1/customer-classes/{id}", STAFF),
    route("PATCH", "/api/v1/customer-classes/{id}", MANAGERS),
    // the 360° view, the timeline and the agent's search box
    scoped(
        "GET",
        "/api/v1/customers/{id}/overview",
        STAFF_AND_INTEGRATIONS,
        "customers:read",
    ),
    scoped(
        "GET",
        "/api/v1/customers/{id}/timeline",
        STAFF_AND_INTEGRATIONS,
        "customers:read",
    ),
    scoped(
        "GET",
        "/api/v1/search",
        STAFF_AND_INTEGRATIONS,
        "customers:read",
    ),
    // catalog: products and their versions, promotions, tax rates
    scoped(
        "GET",
        "/api/v1/products",
        STAFF_AND_INTEGRATIONS,
        "catalog:read",
    ),
    route("POST", "/api/v1/products", MANAGERS),
    scoped(
        "GET",
        "/api/v1/products/{id}",
        STAFF_AND_INTEGRATIONS,
        "catalog:read",
    ),
    route("PATCH", "/api/v1/products/{id}", MANAGERS),
    route("DELETE", "/api/v1/products/{id}", MANAGERS),
    route("POST", "/api/v1/products/{id}/retire", MANAGERS),
    route("POST", "/api/v1/products/{id}/versions", MANAGERS),
    scoped(
        "GET",
        "/api/v1/promotions",
        STAFF_AND_INTEGRATIONS,
        "catalog:read",
    ),
    route("POST", "/api/v1/promotions", MANAGERS),
    scoped(
        "GET",
        "/api/v1/promotions/{id}",
        STAFF_AND_INTEGRATIONS,
        "catalog:read",
    ),
    route("PATCH", "/api/v1/promotions/{id}", MANAGERS),
    scoped(
        "GET",
        "/api/v1/tax-rates",
        STAFF_AND_INTEGRATIONS,
        "catalog:read",
    ),
    route("POST", "/api/v1/tax-rates", MANAGERS),
    scoped(
        "GET",
        "/api/v1/tax-rates/{id}",
        STAFF_AND_INTEGRATIONS,
        "catalog:read",
    ),
    route("PATCH", "/api/v1/tax-rates/{id}", MANAGERS),
    // customers: staff read, agents and up write; integrations by scope
    scoped(
        "GET",
        "/api/v1/customers",
        STAFF_AND_INTEGRATIONS,
        "customers:read",
    ),
    scoped("POST", "/api/v1/customers", CRM_WRITE, "customers:write"),
    scoped(
        "GET",
        "/api/v1/customers/{id}",
        STAFF_AND_INTEGRATIONS,
        "customers:read",
    ),
    scoped(
        "PATCH",
        "/api/v1/customers/{id}",
        CRM_WRITE,
        "customers:write",
    ),
    scoped(
        "GET",
        "/api/v1/customers/{id}/addresses",
        STAFF_AND_INTEGRATIONS,
        "customers:read",
    ),
    scoped(
        "POST",
        "/api/v1/customers/{id}/addresses",
        CRM_WRITE,
        "customers:write",
    ),
    scoped(
        "PATCH",
        "/api/v1/customers/{id}/addresses/{address_id}",
        CRM_WRITE,
        "customers:write",
    ),
    scoped(
        "DELETE",
        "/api/v1/customers/{id}/addresses/{address_id}",
        CRM_WRITE,
        "customers:write",
    ),
    scoped(
        "GET",
        "/api/v1/customers/{id}/contacts",
        STAFF_AND_INTEGRATIONS,
        "customers:read",
    ),
    scoped(
        "POST",
        "/api/v1/customers/{id}/contacts",
        CRM_WRITE,
        "customers:write",
    ),
    scoped(
        "PATCH",
        "/api/v1/customers/{id}/contacts/{contact_id}",
        CRM_WRITE,
        "customers:write",
    ),
    scoped(
        "DELETE",
        "/api/v1/customers/{id}/contacts/{contact_id}",
        CRM_WRITE,
        "customers:write",
    ),
    scoped(
        "GET",
        "/api/v1/customers/{id}/interactions",
        STAFF_AND_INTEGRATIONS,
        "customers:read",
    ),
    scoped(
        "POST",
        "/api/v1/customers/{id}/interactions",
        CRM_WRITE,
        "customers:write",
    ),
    // leads, and the public portal form (rate-limited per client address)
    scoped("GET", "/api/v1/leads", STAFF_AND_INTEGRATIONS, "leads:read"),
    scoped("POST", "/api/v1/leads", CRM_WRITE, "leads:write"),
    scoped(
        "GET",
        "/api/v1/leads/{id}",
        STAFF_AND_INTEGRATIONS,
        "leads:read",
    ),
    scoped("PATCH", "/api/v1/leads/{id}", CRM_WRITE, "leads:write"),
    scoped(
        "POST",
        "/api/v1/leads/{id}/convert",
        CRM_WRITE,
        "leads:write",
    ),
    scoped(
        "GET",
        "/api/v1/leads/{id}/duplicates",
        STAFF_AND_INTEGRATIONS,
        "leads:read",
    ),
    scoped(
        "GET",
        "/api/v1/leads/{id}/interactions",
        STAFF_AND_INTEGRATIONS,
        "leads:read",
    ),
    scoped(
        "POST",
        "/api/v1/leads/{id}/interactions",
        CRM_WRITE,
        "leads:write",
    ),
    scoped("POST", "/api/v1/leads/{id}/merge", CRM_WRITE, "leads:write"),
    route("POST", "/api/v1/portal/leads", Access::Public),
    // orders: staff read, agents and up write, managers decide; CRMs with orders:* scopes
    scoped(
        "GET",
        "/api/v1/orders",
        STAFF_AND_INTEGRATIONS,
        "orders:read",
    ),
    scoped("POST", "/api/v1/orders", CRM_WRITE, "orders:write"),
    scoped(
        "GET",
        "/api/v1/orders/{id}",
        STAFF_AND_INTEGRATIONS,
        "orders:read",
    ),
    scoped("PATCH", "/api/v1/orders/{id}", CRM_WRITE, "orders:write"),
    route("POST", "/api/v1/orders/{id}/approve", MANAGERS),
    scoped(
        "POST",
        "/api/v1/orders/{id}/cancel",
        CRM_WRITE,
        "orders:write",
    ),
    scoped(
        "POST",
        "/api/v1/orders/{id}/lines",
        CRM_WRITE,
        "orders:write",
    ),
    scoped(
        "PATCH",
        "/api/v1/orders/{id}/lines/{line_id}",
        CRM_WRITE,
        "orders:write",
    ),
    scoped(
        "DELETE",
        "/api/v1/orders/{id}/lines/{line_id}",
        CRM_WRITE,
        "orders:write",
    ),
    route("POST", "/api/v1/orders/{id}/reject", MANAGERS),
    scoped(
        "GET",
        "/api/v1/orders/{id}/sellable-products",
        STAFF_AND_INTEGRATIONS,
        "orders:read",
    ),
    scoped(
        "POST",
        "/api/v1/orders/{id}/submit",
        CRM_WRITE,
        "orders:write",
    ),
    // subscriptions, provisioning jobs, address pools
    scoped(
        "GET",
        "/api/v1/customers/{id}/subscriptions",
        STAFF_AND_INTEGRATIONS,
        "customers:read",
    ),
    scoped(
        "GET",
        "/api/v1/subscriptions/{id}",
        STAFF_AND_INTEGRATIONS,
        "customers:read",
    ),
    scoped(
        "POST",
        "/api/v1/subscriptions/{id}/suspend",
        SERVICE_WRITE,
        "subscriptions:write",
    ),
    scoped(
        "POST",
        "/api/v1/subscriptions/{id}/restore",
        SERVICE_WRITE,
        "subscriptions:write",
    ),
    scoped(
        "POST",
        "/api/v1/subscriptions/{id}/change-plan",
        CRM_WRITE,
        "subscriptions:write",
    ),
    scoped(
        "POST",
        "/api/v1/subscriptions/{id}/terminate",
        CRM_WRITE,
        "subscriptions:write",
    ),
    route("GET", "/api/v1/subscriptions/{id}/credentials", CREDENTIALS),
    scoped(
        "GET",
        "/api/v1/subscriptions/{id}/sessions",
        STAFF_AND_INTEGRATIONS,
        "customers:read",
    ),
    route("GET", "/api/v1/provisioning-jobs", STAFF),
    route("GET", "/api/v1/provisioning-jobs/{id}", STAFF),
    route("POST", "/api/v1/provisioning-jobs/{id}/retry", MANAGERS),
    route("GET", "/api/v1/ip-pools", MANAGERS),
    route("POST", "/api/v1/ip-pools", ADMIN),
    route("DELETE", "/api/v1/ip-pools/{id}", ADMIN),
    // the network: NASes (their secret is write-only)
    route("GET", "/api/v1/nas", MANAGERS),
    route("POST", "/api/v1/nas", ADMIN),
    route("GET", "/api/v1/nas/{id}", MANAGERS),
    route("PATCH", "/api/v1/nas/{id}", ADMIN),
    route("DELETE", "/api/v1/nas/{id}", ADMIN),
    // usage: mediation systems write records, staff read a subscription's usage, managers
    // see accounting no subscription claims
    scoped(
        "GET",
        "/api/v1/subscriptions/{id}/usage",
        STAFF_AND_INTEGRATIONS,
        "customers:read",
    ),
    route("GET", "/api/v1/usage/unmatched", MANAGERS),
    scoped(
        "POST",
        "/api/v1/usage-records",
        USAGE_WRITERS,
        "usage:write",
    ),
    // billing: bill runs (finance), invoices, credit notes, the ledger, statements, charges
    route("POST", "/api/v1/bill-runs", BILLING),
    route("GET", "/api/v1/bill-runs", BILLING),
    route("GET", "/api/v1/bill-runs/{id}", BILLING),
    route("POST", "/api/v1/bill-runs/{id}/issue", BILLING),
    route("GET", "/api/v1/bill-runs/{id}/errors", BILLING),
    scoped(
        "GET",
        "/api/v1/invoices",
        STAFF_AND_INTEGRATIONS,
        "billing:read",
    ),
    scoped(
        "GET",
        "/api/v1/invoices/{id}",
        STAFF_AND_INTEGRATIONS,
        "billing:read",
    ),
    scoped(
        "GET",
        "/api/v1/invoices/{id}/pdf",
        STAFF_AND_INTEGRATIONS,
        "billing:read",
    ),
    route("POST", "/api/v1/invoices/{id}/issue", BILLING),
    route("POST", "/api/v1/invoices/{id}/void", BILLING),
    route("POST", "/api/v1/invoices/{id}/credit-notes", BILLING),
    scoped(
        "GET",
        "/api/v1/credit-notes",
        STAFF_AND_INTEGRATIONS,
        "billing:read",
    ),
    scoped(
        "GET",
        "/api/v1/credit-notes/{id}",
        STAFF_AND_INTEGRATIONS,
        "billing:read",
    ),
    scoped(
        "GET",
        "/api/v1/credit-notes/{id}/pdf",
        STAFF_AND_INTEGRATIONS,
        "billing:read",
    ),
    scoped(
        "GET",
        "/api/v1/customers/{id}/ledger",
        STAFF_AND_INTEGRATIONS,
        "billing:read",
    ),
    scoped(
        "GET",
        "/api/v1/customers/{id}/statement",
        STAFF_AND_INTEGRATIONS,
        "billing:read",
    ),
    scoped(
        "GET",
        "/api/v1/customers/{id}/pending-charges",
        STAFF_AND_INTEGRATIONS,
        "billing:read",
    ),
    route("POST", "/api/v1/customers/{id}/pending-charges", BILLING),
    // audit
    route("GET", "/api/v1/audit-log", ADMIN),
    // the OpenAPI document itself
    route("GET", "/api/v1/openapi.json", Access::Public),
];

/// POST routes that ignore `Idempotency-Key`: logins and token grants (retrying them is
/// harmless and their answers are credentials), and answers that carry a secret shown once,
/// which must never be stored to be replayed.
pub const NOT_IDEMPOTENT: &[&str] = &[
    "/api/v1/auth/login",
    "/api/v1/auth/refresh",
    "/api/v1/auth/token",
    "/api/v1/auth/logout",
    "/api/v1/api-clients",
    "/api/v1/api-clients/{id}/rotate-secret",
];

/// Whether a POST route honours `Idempotency-Key`.
pub fn is_idempotent(method: &str, path: &str) -> bool {
    method.eq_ignore_ascii_case("POST")
        && find(method, path).is_some()
        && !NOT_IDEMPOTENT.contains(&path)
}

/// Routes in `POLICIES` that are deliberately not operations of the OpenAPI document.
pub const UNDOCUMENTED: &[&str] = &["/api/v1/openapi.json"];

/// Scopes an API client can be granted. An `integration` token only reaches a route whose
/// policy names a scope it carries.
pub const SCOPES: &[&str] = &[
    "customers:read",
    "customers:write",
    "leads:read",
    "leads:write",
    "orders:read",
    "orders:write",
    "usage:write",
    "subscriptions:write",
    "billing:read",
    "payments:read",
    "catalog:read",
];

pub fn find(method: &str, path: &str) -> Option<&'static RoutePolicy> {
    POLICIES
        .iter()
        .find(|p| p.method.eq_ignore_ascii_case(method) && p.path == path)
}

pub fn path_is_known(path: &str) -> bool {
    POLICIES.iter().any(|p| p.path == path)
}

/// The outcome of checking a verified caller against a route's policy.
#[derive(Debug, PartialEq, Eq)]
pub enum Decision {
    Allow,
    WrongRole,
    MissingScope(&'static str),
}

pub fn decide(policy: &RoutePolicy, role: Role, scopes: &[String]) -> Decision {
    let role_ok = match policy.access {
        Access::Public | Access::Authenticated => true,
        Access::Roles(roles) => roles.contains(&role),
    };
    if !role_ok {
        return Decision::WrongRole;
    }
    match (role, policy.scope) {
        (Role::Integration, Some(scope)) if !scopes.iter().any(|s| s == scope) => {
            Decision::MissingScope(scope)
        }
        _ => Decision::Allow,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_route_appears_once() {
        let mut seen = HashSet::new();
        for p in POLICIES {
            assert!(
                seen.insert((p.method, p.path)),
                "duplicate policy for {} {}",
                p.method,
                p.path
            );
            assert!(
                p.path.starts_with("/api/v1/"),
                "{} is outside /api/v1",
                p.path
            );
        }
    }

    #[test]
    fn scopes_in_policies_are_known() {
        for p in POLICIES {
            if let Some(scope) = p.scope {
                assert!(SCOPES.contains(&scope), "unknown scope {scope}");
            }
        }
    }

    #[test]
    fn roles_and_scopes_decide() {
        let scoped = RoutePolicy {
            method: "GET",
            path: "/api/v1/x",
            access: Access::Roles(&[Admin, Integration]),
            scope: Some("customers:read"),
        };
        assert_eq!(decide(&scoped, Admin, &[]), Decision::Allow);
        assert_eq!(decide(&scoped, Agent, &[]), Decision::WrongRole);
        assert_eq!(
            decide(&scoped, Integration, &["leads:write".into()]),
            Decision::MissingScope("customers:read")
        );
        assert_eq!(
            decide(&scoped, Integration, &["customers:read".into()]),
            Decision::Allow
        );
        let any = find("GET", "/api/v1/auth/me").unwrap();
        assert_eq!(decide(any, Customer, &[]), Decision::Allow);
        let users = find("get", "/api/v1/users").unwrap();
        assert_eq!(decide(users, Manager, &[]), Decision::WrongRole);
    }
}
