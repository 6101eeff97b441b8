//! Authentication and authorisation: who is calling (`Principal`), as what (`Role`), and
//! what each route allows (`policy`).

pub mod jwt;
pub mod middleware;
pub mod password;
pub mod policy;
pub mod secrets;
pub mod validity;

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::ApiError;

/// What a caller may be. Staff users hold one of the first five; API clients are
/// `integration`; subscribers in the portal are `customer`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    Manager,
    Agent,
    Finance,
    Viewer,
    Integration,
    Customer,
}

impl Role {
    pub const ALL: [Role; 7] = [
        Role::Admin,
        Role::Manager,
        Role::Agent,
        Role::Finance,
        Role::Viewer,
        Role::Integration,
        Role::Customer,
    ];
    /// Roles a staff user account may hold.
    pub const STAFF: [Role; 5] = [
        Role::Admin,
        Role::Manager,
        Role::Agent,
        Role::Finance,
        Role::Viewer,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Manager => "manager",
            Role::Agent => "agent",
            Role::Finance => "finance",
            Role::Viewer => "viewer",
            Role::Integration => "integration",
            Role::Customer => "customer",
        }
    }

    pub fn is_staff(self) -> bool {
        Self::STAFF.contains(&self)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        Role::ALL.into_iter().find(|r| r.as_str() == s).ok_or(())
    }
}

/// Who the caller is, as proven by a verified access token.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Subject {
    User(i64),
    ApiClient(i64),
    Customer(i64),
}

impl Subject {
    /// The token's `sub` claim and the audit log's actor: `user:1`, `api_client:2`, `customer:3`.
    pub fn to_claim(&self) -> String {
        match self {
            Subject::User(id) => format!("user:{id}"),
            Subject::ApiClient(id) => format!("api_client:{id}"),
            Subject::Customer(id) => format!("customer:{id}"),
        }
    }

    pub fn from_claim(claim: &str) -> Option<Subject> {
        let (kind, id) = claim.split_once(':')?;
        let id: i64 = id.parse().ok()?;
        match kind {
            "user" => Some(Subject::User(id)),
            "api_client" => Some(Subject::ApiClient(id)),
            "customer" => Some(Subject::Customer(id)),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub subject: Subject,
    pub role: Role,
    pub scopes: Vec<String>,
    /// When the token was issued (Unix seconds); 0 for a principal not read from a token.
    pub issued_at: i64,
}

impl Principal {
    pub fn user_id(&self) -> Result<i64, ApiError> {
        match self.subject {
            Subject::User(id) => Ok(id),
            _ => Err(ApiError::forbidden("this action needs a staff user")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subjects_round_trip_through_claims() {
        for s in [
            Subject::User(1),
            Subject::ApiClient(22),
            Subject::Customer(333),
        ] {
            assert_eq!(Subject::from_claim(&s.to_claim()), Some(s));
        }
        assert_eq!(Subject::from_claim("robot:1"), None);
        assert_eq!(Subject::from_claim("user:x"), None);
    }

    #[test]
    fn roles_parse_from_their_names() {
        for r in Role::ALL {
            assert_eq!(r.as_str().parse::<Role>(), Ok(r));
        }
        assert!("root".parse::<Role>().is_err());
    }
}
