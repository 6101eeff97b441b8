//! Configuration, read once from environment variables into one typed struct.
//!
//! Every variable has a default fit for a developer's machine, except `JWT_SECRET` in
//! production: a server that signs tokens with a well-known key is worse than one that
//! does not start.

use std::env;
use std::path::PathBuf;

use thiserror::Error;

use crate::domain::subscription::{DowngradePolicy, SuspendMode};

/// Where the server runs; production refuses development defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Environment {
    Development,
    Production,
}

#[derive(Debug, Clone)]
pub struct Config {
    pub environment: Environment,
    /// PostgreSQL URL, e.g. `postgres://postgres@127.0.0.1:5432/ispbill`.
    pub database_url: String,
    /// Address to bind: `127.0.0.1` in development, `0.0.0.0` in production.
    pub host: String,
    /// Port to listen on; `0` picks a free one (tests).
    pub port: u16,
    /// HMAC key for access tokens (HS256).
    pub jwt_secret: String,
    /// Lifetime of an access token, in seconds.
    pub access_token_ttl_secs: i64,
    /// Lifetime of a refresh token, in seconds.
    pub refresh_token_ttl_secs: i64,
    /// The bootstrap admin, created at startup when no active admin exists.
    pub admin_email: String,
    /// When unset a random password is generated and printed once.
    pub admin_password: Option<String>,
    /// Seed the demo ISP (plans, customers) when the database has none.
    pub demo_data: bool,
    /// Connections in the r2d2 pool.
    pub db_pool_size: u32,
    /// How long the answer of the per-request account check is remembered (0: never).
    pub auth_check_cache_ms: u64,
    /// HTTP worker threads.
    pub workers: usize,
    /// `tracing` filter, e.g. `info` or `api=debug,actix_web=info`.
    pub log_level: String,
    /// `json` for one JSON object per line, `pretty` for people.
    pub log_format: LogFormat,
    /// Largest accepted JSON body, in bytes.
    pub max_body_bytes: usize,
    /// The built SPA to serve at `/`; not served when the folder is absent.
    pub static_dir: Option<PathBuf>,
    /// Failed logins per account allowed inside the window before it is locked for the window.
    pub login_max_failures_per_account: i64,
    /// Failed logins per client address allowed inside the window.
    pub login_max_failures_per_address: i64,
    /// The rate-limit window, in seconds.
    pub login_window_secs: i64,
    /// `DEFAULT_CALLING_CODE`: the country calling code of phone numbers entered without
    /// `+` (digits, default `1`).
    pub default_calling_code: String,
    /// `PORTAL_LEADS_PER_HOUR`: leads the public portal form takes from one client address
    /// per hour (default 10).
    pub portal_leads_per_hour: i64,
    /// Provisioning: the job worker and what it writes to FreeRADIUS.
    pub provisioning: ProvisioningConfig,
    /// `USAGE_POLL_MS`: how often the usage poller reads FreeRADIUS accounting (default
    /// 10000).
    pub usage_poll_ms: u64,
    /// `USAGE_POLL_OVERLAP_SECS`: how far before its watermark each pass re-reads accounting
    /// rows, so rows written late are not missed (default 300).
    pub usage_poll_overlap_secs: i64,
    /// `USAGE_CAP_ACTION`: what a reached data cap does: `none`, `notify` (a timeline event)
    /// or `throttle` (the event and a provisioning job; default `notify`).
    pub usage_cap_action: CapAction,
    /// Billing: the bill-run worker, the daily run, and the ISP on its documents.
    pub billing: BillingConfig,
}

/// Bill runs and documents.
#[derive(Debug, Clone)]
pub struct BillingConfig {
    /// `BILLING_POLL_MS`: how often the worker looks for queued bill runs (default 2000); a
    /// run queued through the API starts at once.
    pub poll_ms: u64,
    /// `BILLING_SCHEDULE`: `issue` (default), `draft` or `off`: the daily run that bills
    /// every subscription whose period starts by today, in that mode.
    pub schedule: Option<String>,
    /// `BILLING_SCHEDULE_HOUR`: the hour (UTC, 0–23) from which the daily run is queued
    /// (default 1): late accounting of the period that ended at midnight is in by then.
    pub schedule_hour: u32,
    /// `BILLING_CHUNK`: subscriptions per chunk of a bill run, one transaction each
    /// (default 10000).
    pub chunk: i64,
    /// The ISP as invoices show it.
    pub company: Company,
}

/// The seller on invoices, credit notes and statements.
#[derive(Debug, Clone, Default)]
pub struct Company {
    /// `COMPANY_NAME` (default `ispbill demo ISP`).
    pub name: String,
    /// `COMPANY_ADDRESS`: address lines separated by `|`.
    pub address_lines: Vec<String>,
    /// `COMPANY_TAX_ID`.
    pub tax_id: Option<String>,
    /// `COMPANY_EMAIL`.
    pub email: Option<String>,
    /// `COMPANY_LOGO`: path of a PNG or JPEG logo.
    pub logo_path: Option<PathBuf>,
    /// `PAYMENT_INSTRUCTIONS`: lines separated by `|` (bank, IBAN, the reference to quote).
    pub payment_instructions: Vec<String>,
}

/// How provisioning jobs run and what the FreeRADIUS adapter writes.
#[derive(Debug, Clone)]
pub struct ProvisioningConfig {
    /// `PROVISIONING_WORKERS`: jobs run at once in this process (default 2; 0 runs none,
    /// for a process that only serves the API).
    pub workers: usize,
    /// `PROVISIONING_POLL_MS`: how often an idle worker looks for due jobs (default 1000);
    /// jobs created by this process wake it at once.
    pub poll_ms: u64,
    /// `PROVISIONING_MAX_ATTEMPTS`: tries before a job is marked failed (default 8).
    pub max_attempts: i32,
    /// `PROVISIONING_BACKOFF_SECS`: wait after the first failure, doubled each time up to an
    /// hour (default 10).
    pub backoff_secs: u64,
    /// `SUSPEND_MODE`: `reject` (Access-Reject with a message, sessions disconnected) or
    /// `walled_garden` (a captive pool and low rate, sessions changed by CoA).
    pub suspend_mode: SuspendMode,
    /// `SUSPEND_MESSAGE`: the Reply-Message of a suspended subscriber's Access-Reject.
    pub suspend_message: String,
    /// `WALLED_GARDEN_POOL`, `WALLED_GARDEN_RATE`: Framed-Pool and Mikrotik-Rate-Limit of the
    /// walled garden (defaults `walled-garden`, `256k/256k`).
    pub walled_garden_pool: String,
    pub walled_garden_rate: String,
    /// `THROTTLE_RATE`: Mikrotik-Rate-Limit of a subscriber over their data cap (`1M/1M`).
    pub throttle_rate: String,
    /// `RADIUS_FRAMED_POOL`: the address pool plans hand out (none: the NAS decides).
    pub framed_pool: Option<String>,
    /// `RADIUS_INTERIM_INTERVAL`: Acct-Interim-Interval sent to every subscriber, in seconds
    /// (default 300).
    pub interim_interval: u32,
    /// `COA_TIMEOUT_MS` and `COA_ATTEMPTS`: how long to wait for a NAS's answer to a
    /// Disconnect/CoA request, and how often to send it within one job attempt (1000, 3).
    pub coa_timeout_ms: u64,
    pub coa_attempts: u32,
    /// `DOWNGRADE_POLICY`: `next_cycle` (default) or `immediate`.
    pub downgrade_policy: DowngradePolicy,
}

/// What a subscription reaching its data cap triggers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CapAction {
    None,
    Notify,
    Throttle,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Json,
    Pretty,
}

#[derive(Debug, Error, PartialEq, Eq)]
pub enum ConfigError {
    #[error("{0} must be set in production (ISPBILL_ENV=production)")]
    Missing(&'static str),
    #[error("{name} has an invalid value {value:?}: {reason}")]
    Invalid {
        name: &'static str,
        value: String,
        reason: &'static str,
    },
}

impl Config {
    /// Reads the configuration from the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| env::var(name).ok().filter(|v| !v.is_empty()))
    }

    /// Reads the configuration through `lookup`, so tests need not touch the process
    /// environment.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let environment = match lookup("ISPBILL_ENV").as_deref() {
            None | Some("development") | Some("dev") => Environment::Development,
            Some("production") | Some("prod") => Environment::Production,
            Some(other) => {
                return Err(ConfigError::Invalid {
                    name: "ISPBILL_ENV",
                    value: other.to_owned(),
                    reason: "expected development or production",
                })
            }
        };
        let jwt_secret = match (lookup("JWT_SECRET"), environment) {
            (Some(secret), _) if secret.len() < 32 => {
                return Err(ConfigError::Invalid {
                    name: "JWT_SECRET",
                    value: "<redacted>".into(),
                    reason: "must be at least 32 bytes",
                })
            }
            (Some(secret), _) => secret,
            (None, Environment::Production) => return Err(ConfigError::Missing("JWT_SECRET")),
            // A fresh random key per process: a constant one in the source would let anyone
            // who can reach a development server forge an admin token. Sessions survive a
            // restart anyway, since the SPA refreshes with its (database-backed) refresh token.
            (None, Environment::Development) => crate::auth::secrets::generate("dev"),
        };
        let database_url = match (lookup("DATABASE_URL"), environment) {
            (Some(url), _) => url,
            (None, Environment::Production) => return Err(ConfigError::Missing("DATABASE_URL")),
            (None, Environment::Development) => {
                "postgres://postgres@127.0.0.1:5432/ispbill".to_owned()
            }
        };
        let log_format = match lookup("LOG_FORMAT").as_deref() {
            None => match environment {
                Environment::Production => LogFormat::Json,
                Environment::Development => LogFormat::Pretty,
            },
            Some("json") => LogFormat::Json,
            Some("pretty") => LogFormat::Pretty,
            Some(other) => {
                return Err(ConfigError::Invalid {
                    name: "LOG_FORMAT",
                    value: other.to_owned(),
                    reason: "expected json or pretty",
                })
            }
        };
        let usage_cap_action = match lookup("USAGE_CAP_ACTION").as_deref() {
            None | Some("notify") => CapAction::Notify,
            Some("none") => CapAction::None,
            Some("throttle") => CapAction::Throttle,
            Some(other) => {
                return Err(ConfigError::Invalid {
                    name: "USAGE_CAP_ACTION",
                    value: other.to_owned(),
                    reason: "expected none, notify or throttle",
                })
            }
        };
        let config = Config {
            environment,
            database_url,
            host: lookup("HOST").unwrap_or_else(|| match environment {
                // Development listens on loopback only; containers set HOST=0.0.0.0.
                Environment::Development => "127.0.0.1".to_owned(),
                Environment::Production => "0.0.0.0".to_owned(),
            }),
            port: parse(&lookup, "PORT", 8080)?,
            jwt_secret,
            access_token_ttl_secs: parse(&lookup, "ACCESS_TOKEN_TTL_SECS", 900)?,
            refresh_token_ttl_secs: parse(&lookup, "REFRESH_TOKEN_TTL_SECS", 14 * 24 * 3600)?,
            admin_email: lookup("ADMIN_EMAIL").unwrap_or_else(|| "admin@ispbill.local".to_owned()),
            admin_password: lookup("ADMIN_PASSWORD"),
            demo_data: parse_bool(&lookup, "DEMO_DATA", false)?,
            db_pool_size: parse(&lookup, "DB_POOL_SIZE", 8)?,
            auth_check_cache_ms: parse(&lookup, "AUTH_CHECK_CACHE_MS", 1000)?,
            workers: parse(
                &lookup,
                "WORKERS",
                std::thread::available_parallelism().map_or(2, |n| n.get()),
            )?,
            log_level: lookup("LOG_LEVEL").unwrap_or_else(|| "info".to_owned()),
            log_format,
            max_body_bytes: parse(&lookup, "MAX_BODY_BYTES", 256 * 1024)?,
            static_dir: Some(
                lookup("STATIC_DIR")
                    .map(PathBuf::from)
                    .unwrap_or_else(|| PathBuf::from("frontend/dist")),
            ),
            login_max_failures_per_account: parse(&lookup, "LOGIN_MAX_FAILURES_PER_ACCOUNT", 5)?,
            login_max_failures_per_address: parse(&lookup, "LOGIN_MAX_FAILURES_PER_ADDRESS", 20)?,
            login_window_secs: parse(&lookup, "LOGIN_WINDOW_SECS", 15 * 60)?,
            default_calling_code: lookup("DEFAULT_CALLING_CODE")
                .map(|c| c.trim_start_matches('+').to_owned())
                .unwrap_or_else(|| "1".to_owned()),
            portal_leads_per_hour: parse(&lookup, "PORTAL_LEADS_PER_HOUR", 10)?,
            provisioning: ProvisioningConfig {
                workers: parse(&lookup, "PROVISIONING_WORKERS", 2)?,
                poll_ms: parse(&lookup, "PROVISIONING_POLL_MS", 1000)?,
                max_attempts: parse(&lookup, "PROVISIONING_MAX_ATTEMPTS", 8)?,
                backoff_secs: parse(&lookup, "PROVISIONING_BACKOFF_SECS", 10)?,
                suspend_mode: match lookup("SUSPEND_MODE") {
                    None => SuspendMode::Reject,
                    Some(v) => SuspendMode::parse(&v).ok_or(ConfigError::Invalid {
                        name: "SUSPEND_MODE",
                        value: v,
                        reason: "expected reject or walled_garden",
                    })?,
                },
                suspend_message: lookup("SUSPEND_MESSAGE").unwrap_or_else(|| {
                    "Service suspended: please contact customer care".to_owned()
                }),
                walled_garden_pool: lookup("WALLED_GARDEN_POOL")
                    .unwrap_or_else(|| "walled-garden".to_owned()),
                walled_garden_rate: lookup("WALLED_GARDEN_RATE")
                    .unwrap_or_else(|| "256k/256k".to_owned()),
                throttle_rate: lookup("THROTTLE_RATE").unwrap_or_else(|| "1M/1M".to_owned()),
                framed_pool: lookup("RADIUS_FRAMED_POOL"),
                interim_interval: parse(&lookup, "RADIUS_INTERIM_INTERVAL", 300)?,
                coa_timeout_ms: parse(&lookup, "COA_TIMEOUT_MS", 1000)?,
                coa_attempts: parse(&lookup, "COA_ATTEMPTS", 3)?,
                downgrade_policy: match lookup("DOWNGRADE_POLICY") {
                    None => DowngradePolicy::NextCycle,
                    Some(v) => DowngradePolicy::parse(&v).ok_or(ConfigError::Invalid {
                        name: "DOWNGRADE_POLICY",
                        value: v,
                        reason: "expected next_cycle or immediate",
                    })?,
                },
            },
            usage_poll_ms: parse(&lookup, "USAGE_POLL_MS", 10_000)?,
            usage_poll_overlap_secs: parse(&lookup, "USAGE_POLL_OVERLAP_SECS", 300)?,
            usage_cap_action,
            billing: BillingConfig {
                poll_ms: parse(&lookup, "BILLING_POLL_MS", 2000)?,
                chunk: parse(&lookup, "BILLING_CHUNK", 10_000)?,
                schedule_hour: match parse(&lookup, "BILLING_SCHEDULE_HOUR", 1u32)? {
                    h if h < 24 => h,
                    h => {
                        return Err(ConfigError::Invalid {
                            name: "BILLING_SCHEDULE_HOUR",
                            value: h.to_string(),
                            reason: "expected an hour from 0 to 23",
                        })
                    }
                },
                schedule: match lookup("BILLING_SCHEDULE").as_deref() {
                    None | Some("issue") => Some("issue".to_owned()),
                    Some("draft") => Some("draft".to_owned()),
                    Some("off") => None,
                    Some(other) => {
                        return Err(ConfigError::Invalid {
                            name: "BILLING_SCHEDULE",
                            value: other.to_owned(),
                            reason: "expected issue, draft or off",
                        })
                    }
                },
                company: Company {
                    name: lookup("COMPANY_NAME").unwrap_or_else(|| "ispbill demo ISP".to_owned()),
                    address_lines: split_lines(lookup("COMPANY_ADDRESS")),
                    tax_id: lookup("COMPANY_TAX_ID"),
                    email: lookup("COMPANY_EMAIL"),
                    logo_path: lookup("COMPANY_LOGO").map(PathBuf::from),
                    payment_instructions: split_lines(lookup("PAYMENT_INSTRUCTIONS")),
                },
            },
        };
        config.check_ranges()?;
        Ok(config)
    }

    /// Zero or negative sizes and durations would panic deep inside a library or silently
    /// disable a protection; refuse them at startup with the variable's name.
    fn check_ranges(&self) -> Result<(), ConfigError> {
        let p = &self.provisioning;
        let positive: [(&'static str, i64); 18] = [
            ("BILLING_CHUNK", self.billing.chunk),
            ("BILLING_POLL_MS", self.billing.poll_ms as i64),
            ("PROVISIONING_POLL_MS", p.poll_ms as i64),
            ("PROVISIONING_MAX_ATTEMPTS", i64::from(p.max_attempts)),
            ("PROVISIONING_BACKOFF_SECS", p.backoff_secs as i64),
            ("RADIUS_INTERIM_INTERVAL", i64::from(p.interim_interval)),
            ("COA_TIMEOUT_MS", p.coa_timeout_ms as i64),
            ("COA_ATTEMPTS", i64::from(p.coa_attempts)),
            ("DB_POOL_SIZE", i64::from(self.db_pool_size)),
            ("WORKERS", self.workers as i64),
            ("ACCESS_TOKEN_TTL_SECS", self.access_token_ttl_secs),
            ("REFRESH_TOKEN_TTL_SECS", self.refresh_token_ttl_secs),
            ("MAX_BODY_BYTES", self.max_body_bytes as i64),
            (
                "LOGIN_MAX_FAILURES_PER_ACCOUNT",
                self.login_max_failures_per_account,
            ),
            (
                "LOGIN_MAX_FAILURES_PER_ADDRESS",
                self.login_max_failures_per_address,
            ),
            ("LOGIN_WINDOW_SECS", self.login_window_secs),
            ("USAGE_POLL_MS", self.usage_poll_ms as i64),
            ("USAGE_POLL_OVERLAP_SECS", self.usage_poll_overlap_secs),
        ];
        for (name, value) in positive {
            if value <= 0 {
                return Err(ConfigError::Invalid {
                    name,
                    value: value.to_string(),
                    reason: "must be greater than zero",
                });
            }
        }
        Ok(())
    }
}

/// `a|b|c` as lines, blank ones dropped.
fn split_lines(value: Option<String>) -> Vec<String> {
    value
        .map(|v| {
            v.split('|')
                .map(|l| l.trim().to_owned())
                .filter(|l| !l.is_empty())
                .collect()
        })
        .unwrap_or_default()
}

fn parse<T: std::str::FromStr>(
    lookup: &impl Fn(&str) -> Option<String>,
    name: &'static str,
    default: T,
) -> Result<T, ConfigError> {
    match lookup(name) {
        None => Ok(default),
        Some(value) => value.trim().parse().map_err(|_| ConfigError::Invalid {
            name,
            value,
            reason: "not a valid number",
        }),
    }
}

fn parse_bool(
    lookup: &impl Fn(&str) -> Option<String>,
    name: &'static str,
    default: bool,
) -> Result<bool, ConfigError> {
    match lookup(name).as_deref() {
        None => Ok(default),
        Some("1" | "true" | "yes" | "on") => Ok(true),
        Some("0" | "false" | "no" | "off") => Ok(false),
        Some(other) => Err(ConfigError::Invalid {
            name,
            value: other.to_owned(),
            reason: "expected 1/0, true/false",
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(|name| map.get(name).cloned())
    }

    #[test]
    fn development_has_working_defaults() {
        let c = config(&[]).unwrap();
        assert_eq!(c.port, 8080);
        assert_eq!(c.environment, Environment::Development);
        assert!(!c.demo_data);
        assert_eq!(c.db_pool_size, 8);
        assert_eq!(c.log_format, LogFormat::Pretty);
        assert_eq!(c.host, "127.0.0.1");
    }

    #[test]
    fn without_a_secret_each_development_process_signs_with_its_own_key() {
        let a = config(&[]).unwrap().jwt_secret;
        let b = config(&[]).unwrap().jwt_secret;
        assert_ne!(a, b);
        assert!(a.len() >= 32);
    }

    #[test]
    fn zero_sizes_are_refused() {
        for name in [
            "DB_POOL_SIZE",
            "WORKERS",
            "ACCESS_TOKEN_TTL_SECS",
            "LOGIN_WINDOW_SECS",
        ] {
            assert!(
                matches!(config(&[(name, "0")]), Err(ConfigError::Invalid { name: n, .. }) if n == name),
                "{name}=0 accepted"
            );
        }
    }

    #[test]
    fn production_without_jwt_secret_is_an_error() {
        let err = config(&[
            ("ISPBILL_ENV", "production"),
            ("DATABASE_URL", "postgres://x"),
        ])
        .unwrap_err();
        assert_eq!(err, ConfigError::Missing("JWT_SECRET"));
    }

    #[test]
    fn production_with_secret_starts() {
        let c = config(&[
            ("ISPBILL_ENV", "production"),
            ("DATABASE_URL", "postgres://x"),
            ("JWT_SECRET", "0123456789abcdef0123456789abcdef"),
        ])
        .unwrap();
        assert_eq!(c.log_format, LogFormat::Json);
        assert_eq!(c.host, "0.0.0.0");
    }

    #[test]
    fn short_secrets_and_bad_numbers_are_rejected() {
        assert!(matches!(
            config(&[("JWT_SECRET", "short")]),
            Err(ConfigError::Invalid {
                name: "JWT_SECRET",
                ..
            })
        ));
        assert!(matches!(
            config(&[("PORT", "eighty")]),
            Err(ConfigError::Invalid { name: "PORT", .. })
        ));
        assert!(matches!(
            config(&[("DEMO_DATA", "maybe")]),
            Err(ConfigError::Invalid {
                name: "DEMO_DATA",
                ..
            })
        ));
    }

    #[test]
    fn usage_settings_are_read_and_checked() {
        let c = config(&[]).unwrap();
        assert_eq!(c.usage_poll_ms, 10_000);
        assert_eq!(c.usage_cap_action, CapAction::Notify);
        let c = config(&[("USAGE_CAP_ACTION", "throttle"), ("USAGE_POLL_MS", "500")]).unwrap();
        assert_eq!(c.usage_cap_action, CapAction::Throttle);
        assert_eq!(c.usage_poll_ms, 500);
        assert!(matches!(
            config(&[("USAGE_CAP_ACTION", "shout")]),
            Err(ConfigError::Invalid {
                name: "USAGE_CAP_ACTION",
                ..
            })
        ));
        assert!(config(&[("USAGE_POLL_MS", "0")]).is_err());
    }

    #[test]
    fn demo_data_and_port_are_read() {
        let c = config(&[("DEMO_DATA", "1"), ("PORT", "9000"), ("DB_POOL_SIZE", "4")]).unwrap();
        assert!(c.demo_data);
        assert_eq!(c.port, 9000);
        assert_eq!(c.db_pool_size, 4);
    }
}
