//! The access table, route by route: every role it does not name gets 403, every protected
//! route refuses a missing token with 401, and the roles it names get through.

use api::auth::policy::{Access, POLICIES, SCOPES};
use api::auth::Role;
use reqwest::Method;
use serde_json::json;

use crate::helpers::spawn_app;

/// The route pattern with every `{param}` replaced by `1`.
fn with_ids(pattern: &str) -> String {
    let mut path = String::new();
    let mut in_param = false;
    for c in pattern.chars() {
        match c {
            '{' => {
                in_param = true;
                path.push('1');
            }
            '}' => in_param = false,
            _ if in_param => {}
            _ => path.push(c),
        }
    }
    path
}

#[tokio::test]
async fn every_route_admits_exactly_the_roles_of_its_policy() {
    let app = spawn_app().await;
    // The integration carries every scope: scopes are checked by their own test.
    let tokens: Vec<(Role, String)> = Role::ALL
        .iter()
        .map(|r| match r {
            Role::Integration => (*r, app.integration_token(SCOPES)),
            _ => (*r, app.token_as(*r)),
        })
        .collect();
    let mut checked = 0;
    for policy in POLICIES {
        let path = with_ids(policy.path);
        let method = Method::from_bytes(policy.method.as_bytes()).unwrap();
        let body = (method != Method::GET && method != Method::DELETE).then(|| json!({}));
        if policy.access == Access::Public {
            continue;
        }
        let reply = app
            .request(method.clone(), &path, None, body.as_ref())
            .await;
        assert_eq!(
            reply.status, 401,
            "{} {path} without a token",
            policy.method
        );

        for (role, token) in &tokens {
            let role = *role;
            let allowed = match policy.access {
                Access::Roles(roles) => roles.contains(&role),
                _ => true,
            };
            // Deleting for real would change what later iterations see.
            if allowed && method == Method::DELETE {
                continue;
            }
            let reply = app
                .request(method.clone(), &path, Some(token), body.as_ref())
                .await;
            if allowed {
                assert!(
                    reply.status != 401 && reply.status != 403,
                    "{role} refused on {} {path}: {}",
                    policy.method,
                    reply.text
                );
            } else {
                assert_eq!(
                    reply.status, 403,
                    "{role} let through on {} {path}: {}",
                    policy.method, reply.text
                );
                assert_eq!(reply.problem_code(), "forbidden");
            }
            checked += 1;
        }
    }
    assert!(checked > 50, "only {checked} checks ran");
}

#[tokio::test]
async fn spelling_a_path_differently_does_not_skip_the_policy() {
    let app = spawn_app().await;
    let viewer = app.token_as(Role::Viewer);
    for path in [
        "/api/v1/%75sers",
        "/%61pi/v1/users",
        "/api/v1/user%73",
        "/api/%76%31/users",
        "/api/v1/users/",
        "//api/v1/users",
        "/API/v1/users",
    ] {
        let anonymous = app.get(path, None).await;
        assert!(
            anonymous.status == 401 || anonymous.status == 404,
            "GET {path} without a token: {} {}",
            anonymous.status,
            anonymous.text
        );
        let reply = app.get(path, Some(&viewer)).await;
        assert!(
            reply.status == 403 || reply.status == 404,
            "GET {path} as viewer: {} {}",
            reply.status,
            reply.text
        );
        let created = app
            .post(path, None, &json!({"email": "x@isp.test", "name": "X", "role": "admin", "password": "twelve-chars-at-least"}))
            .await;
        assert!(
            created.status == 401 || created.status == 404,
            "POST {path}: {}",
            created.text
        );
    }
    assert_eq!(app.count("users", "email = 'x@isp.test'"), 0);
}
