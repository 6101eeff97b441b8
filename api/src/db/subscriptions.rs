//! Rows of subscriptions, provisioning jobs and address pools.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use ipnet::IpNet;
use rust_decimal::Decimal;

use super::schema::{ip_pools, provisioning_jobs, subscriptions};

/// A subscription as stored. The network password is in the row (FreeRADIUS needs it in
/// clear) but never in `Debug` output.
#[derive(Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = subscriptions)]
pub struct SubscriptionRow {
    pub id: i64,
    pub customer_id: i64,
    pub order_id: i64,
    pub order_line_id: i64,
    pub kind: String,
    pub parent_id: Option<i64>,
    pub product_id: i64,
    pub product_version_id: i64,
    pub status: String,
    pub quantity: i32,
    pub currency: String,
    pub unit_monthly: Decimal,
    pub discount_monthly: Decimal,
    pub started_at: Option<DateTime<Utc>>,
    pub ended_at: Option<DateTime<Utc>>,
    pub contract_end_on: Option<NaiveDate>,
    pub billing_anchor_day: i32,
    pub username: Option<String>,
    pub password: Option<String>,
    pub radius_group: Option<String>,
    pub static_ip: Option<IpNet>,
    pub ip_pool_id: Option<i64>,
    pub service_address_id: Option<i64>,
    pub suspend_reason: Option<String>,
    pub suspended_at: Option<DateTime<Utc>>,
    pub pending_version_id: Option<i64>,
    pub pending_change_on: Option<NaiveDate>,
    pub termination_reason: Option<String>,
    pub early_termination_fee: Option<Decimal>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl std::fmt::Debug for SubscriptionRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SubscriptionRow")
            .field("id", &self.id)
            .field("customer_id", &self.customer_id)
            .field("status", &self.status)
            .field("username", &self.username)
            .field("radius_group", &self.radius_group)
            .finish_non_exhaustive()
    }
}

#[derive(Insertable)]
#[diesel(table_name = subscriptions)]
pub struct NewSubscriptionRow<'a> {
    pub customer_id: i64,
    pub order_id: i64,
    pub order_line_id: i64,
    pub kind: &'a str,
    pub parent_id: Option<i64>,
    pub product_id: i64,
    pub product_version_id: i64,
    pub status: &'a str,
    pub quantity: i32,
    pub currency: &'a str,
    pub unit_monthly: Decimal,
    pub discount_monthly: Decimal,
    pub billing_anchor_day: i32,
    pub username: Option<&'a str>,
    pub password: Option<&'a str>,
    pub radius_group: Option<&'a str>,
    pub static_ip: Option<IpNet>,
    pub ip_pool_id: Option<i64>,
    pub service_address_id: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = provisioning_jobs)]
pub struct JobRow {
    pub id: i64,
    pub subscription_id: i64,
    pub action: String,
    pub status: String,
    pub payload: serde_json::Value,
    pub attempts: i32,
    pub max_attempts: i32,
    pub next_attempt_at: DateTime<Utc>,
    pub locked_until: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    pub log: serde_json::Value,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

#[derive(Insertable)]
#[diesel(table_name = provisioning_jobs)]
pub struct NewJobRow<'a> {
    pub subscription_id: i64,
    pub action: &'a str,
    pub payload: serde_json::Value,
    pub max_attempts: i32,
    pub next_attempt_at: DateTime<Utc>,
    pub created_by: &'a str,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = ip_pools)]
pub struct IpPoolRow {
    pub id: i64,
    pub name: String,
    pub network: IpNet,
    pub first_address: IpNet,
    pub last_address: IpNet,
    pub description: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}
