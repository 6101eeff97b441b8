//! Access tokens: HS256 JWTs, short-lived, checked against our `Clock`.
//!
//! Only HS256 is accepted. A token whose header names another algorithm (`none`, RS256 —
//! the HS/RS confusion attack — or anything else) is rejected before its signature is
//! looked at, and expiry is checked against the application clock rather than the wall
//! clock so tests can move time.

use chrono::{DateTime, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use super::{Principal, Role, Subject};

pub const ISSUER: &str = "ispbill";
pub const AUDIENCE: &str = "ispbill-api";

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Claims {
    pub sub: String,
    pub role: Role,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub scope: String,
    pub iss: String,
    pub aud: String,
    pub iat: i64,
    pub exp: i64,
    pub jti: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    #[error("the access token has expired")]
    Expired,
    #[error("the access token is invalid")]
    Invalid,
}

#[derive(Clone)]
pub struct TokenSigner {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    pub ttl_secs: i64,
}

impl TokenSigner {
    pub fn new(secret: &str, ttl_secs: i64) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.algorithms = vec![Algorithm::HS256];
        // Expiry is checked against the application clock in `verify`.
        validation.validate_exp = false;
        validation.required_spec_claims = ["exp", "iat", "sub", "iss", "aud"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        TokenSigner {
            encoding: EncodingKey::from_secret(secret.as_bytes()),
            decoding: DecodingKey::from_secret(secret.as_bytes()),
            validation,
            ttl_secs,
        }
    }

    pub fn issue(&self, principal: &Principal, now: DateTime<Utc>) -> anyhow::Result<String> {
        let claims = Claims {
            sub: principal.subject.to_claim(),
            role: principal.role,
            scope: principal.scopes.join(" "),
            iss: ISSUER.to_owned(),
            aud: AUDIENCE.to_owned(),
            iat: now.timestamp(),
            exp: now.timestamp() + self.ttl_secs,
            jti: uuid::Uuid::new_v4().to_string(),
        };
        Ok(jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &self.encoding,
        )?)
    }

    pub fn verify(&self, token: &str, now: DateTime<Utc>) -> Result<Principal, TokenError> {
        let data = jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .map_err(|_| TokenError::Invalid)?;
        let claims = data.claims;
        if claims.exp <= now.timestamp() {
            return Err(TokenError::Expired);
        }
        let subject = Subject::from_claim(&claims.sub).ok_or(TokenError::Invalid)?;
        let consistent = match subject {
            Subject::User(_) => claims.role.is_staff(),
            Subject::ApiClient(_) => claims.role == Role::Integration,
            Subject::Customer(_) => claims.role == Role::Customer,
        };
        if !consistent {
            return Err(TokenError::Invalid);
        }
        Ok(Principal {
            subject,
            role: claims.role,
            scopes: claims.scope.split_whitespace().map(str::to_owned).collect(),
            issued_at: claims.iat,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine;
    use chrono::TimeZone;

    fn signer() -> TokenSigner {
        TokenSigner::new("test-secret-test-secret-test-secret!", 900)
    }

    fn admin() -> Principal {
        Principal {
            subject: Subject::User(7),
            role: Role::Admin,
            scopes: vec![],
            issued_at: t0().timestamp(),
        }
    }

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 1, 1, 12, 0, 0).unwrap()
    }

    #[test]
    fn a_token_verifies_until_it_expires() {
        let s = signer();
        let token = s.issue(&admin(), t0()).unwrap();
        assert_eq!(s.verify(&token, t0()).unwrap(), admin());
        let later = t0() + chrono::Duration::seconds(899);
        assert!(s.verify(&token, later).is_ok());
        let expired = t0() + chrono::Duration::seconds(900);
        assert_eq!(s.verify(&token, expired), Err(TokenError::Expired));
    }

    #[test]
    fn tampered_and_foreign_tokens_are_invalid() {
        let s = signer();
        let token = s.issue(&admin(), t0()).unwrap();
        let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
        let payload = URL_SAFE_NO_PAD.decode(&parts[1]).unwrap();
        let forged = String::from_utf8(payload)
            .unwrap()
            .replace("\"admin\"", "\"viewer\"");
        parts[1] = URL_SAFE_NO_PAD.encode(forged);
        assert_eq!(s.verify(&parts.join("."), t0()), Err(TokenError::Invalid));

        let other = TokenSigner::new("another-secret-another-secret-another", 900);
        let foreign = other.issue(&admin(), t0()).unwrap();
        assert_eq!(s.verify(&foreign, t0()), Err(TokenError::Invalid));
    }

    #[test]
    fn alg_none_is_rejected() {
        let s = signer();
        let token = s.issue(&admin(), t0()).unwrap();
        let payload = token.split('.').nth(1).unwrap();
        let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
        assert_eq!(
            s.verify(&format!("{header}.{payload}."), t0()),
            Err(TokenError::Invalid)
        );
    }

    #[test]
    fn a_role_that_does_not_fit_the_subject_is_rejected() {
        let s = signer();
        let token = s
            .issue(
                &Principal {
                    subject: Subject::ApiClient(1),
                    role: Role::Admin,
                    scopes: vec![],
                    issued_at: 0,
                },
                t0(),
            )
            .unwrap();
        assert_eq!(s.verify(&token, t0()), Err(TokenError::Invalid));
    }
}
