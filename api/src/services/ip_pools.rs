//! Pools of static IPv4 addresses. A product names its pool; fulfilment hands out the
//! lowest free address (see `subscriptions::fulfil`); termination gives it back.

use std::net::Ipv4Addr;

use diesel::prelude::*;
use diesel::PgConnection;
use ipnet::IpNet;
use serde_json::json;

use crate::db::schema::{ip_pools, products, subscriptions};
use crate::db::subscriptions::IpPoolRow;
use crate::error::{ApiError, ApiResult};
use crate::services::audit::{self, Change};
use crate::state::RequestContext;

pub struct NewPool {
    pub name: String,
    pub network: IpNet,
    pub first: Ipv4Addr,
    pub last: Ipv4Addr,
    pub description: Option<String>,
}

/// Addresses from first to last.
pub fn size(row: &IpPoolRow) -> i64 {
    match (row.first_address.addr(), row.last_address.addr()) {
        (std::net::IpAddr::V4(a), std::net::IpAddr::V4(b)) => {
            i64::from(u32::from(b)) - i64::from(u32::from(a)) + 1
        }
        _ => 0,
    }
}

fn used(conn: &mut PgConnection, id: i64) -> QueryResult<i64> {
    subscriptions::table
        .filter(subscriptions::ip_pool_id.eq(id))
        .filter(subscriptions::static_ip.is_not_null())
        .count()
        .get_result(conn)
}

pub fn list(conn: &mut PgConnection) -> ApiResult<Vec<(IpPoolRow, i64)>> {
    let rows: Vec<IpPoolRow> = ip_pools::table
        .order(ip_pools::name)
        .select(IpPoolRow::as_select())
        .load(conn)?;
    rows.into_iter()
        .map(|r| {
            let n = used(conn, r.id)?;
            Ok((r, n))
        })
        .collect()
}

pub fn create(
    conn: &mut PgConnection,
    ctx: &RequestContext,
    new: NewPool,
) -> ApiResult<(IpPoolRow, i64)> {
    conn.transaction(|conn| {
        let row: IpPoolRow = diesel::insert_into(ip_pools::table)
            .values((
                ip_pools::name.eq(&new.name),
                ip_pools::network.eq(new.network.trunc()),
                ip_pools::first_address.eq(IpNet::from(std::net::IpAddr::V4(new.first))),
                ip_pools::last_address.eq(IpNet::from(std::net::IpAddr::V4(new.last))),
                ip_pools::description.eq(&new.description),
                ip_pools::created_at.eq(ctx.now),
                ip_pools::updated_at.eq(ctx.now),
            ))
            .returning(IpPoolRow::as_returning())
            .get_result(conn)
            .map_err(|e| match e {
                diesel::result::Error::DatabaseError(
                    diesel::result::DatabaseErrorKind::UniqueViolation,
                    _,
                ) => ApiError::conflict("ip_pool_name_taken", "a pool with this name exists"),
                other => other.into(),
            })?;
        audit::record(
            conn,
            ctx,
            Change {
                action: "ip_pool.created",
                entity_type: "ip_pool",
                entity_id: row.id.to_string(),
                before: None,
                after: Some(json!({
                    "name": row.name,
                    "network": row.network.to_string(),
                    "first_address": row.first_address.addr().to_string(),
                    "last_address": row.last_address.addr().to_string(),
                })),
                customer_id: None,
            },
        )?;
        Ok((row, 0))
    })
}

pub fn delete(conn: &mut PgConnection, ctx: &RequestContext, id: i64) -> ApiResult<()> {
    conn.transaction(|conn| {
        let row: IpPoolRow = ip_pools::table
            .find(id)
            .select(IpPoolRow::as_select())
            .for_update()
            .first(conn)
            .optional()?
            .ok_or_else(|| ApiError::not_found("address pool"))?;
        let by_products: i64 = products::table
            .filter(products::ip_pool_id.eq(id))
            .count()
            .get_result(conn)?;
        let by_subscriptions: i64 = subscriptions::table
            .filter(subscriptions::ip_pool_id.eq(id))
            .count()
            .get_result(conn)?;
        if by_products + by_subscriptions > 0 {
            return Err(ApiError::conflict(
                "ip_pool_in_use",
                format!(
                    "the pool is used by {by_products} product(s) and {by_subscriptions} subscription(s)"
                ),
            ));
        }
        diesel::delete(ip_pools::table.find(id)).execute(conn)?;
        audit::record(
            conn,
            ctx,
            Change {
                action: "ip_pool.deleted",
                entity_type: "ip_pool",
                entity_id: id.to_string(),
                before: Some(json!({"name": row.name, "network": row.network.to_string()})),
                after: None,
                customer_id: None,
            },
        )?;
        Ok(())
    })
}
