//! Orders: from a draft an agent builds to an approved order.

use diesel::prelude::*;
use diesel::sql_types::BigInt;
use diesel::PgConnection;

use crate::db::schema::{customers, orders};
use crate::error::{ApiError, ApiResult};
use crate::services::audit::{self, Change};
use crate::state::RequestContext;

/// Where an order was taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    CallCenter,
    SelfService,
    InPerson,
    Api,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::CallCenter => "call_center",
            Channel::SelfService => "self_service",
            Channel::InPerson => "in_person",
            Channel::Api => "api",
        }
    }
}

/// The next order number, `ORD-000123`, from its own sequence (gaps allowed: orders are
/// not fiscal documents).
pub fn next_order_number(conn: &mut PgConnection) -> QueryResult<String> {
    let serial: i64 = diesel::select(diesel::dsl::sql::<BigInt>("nextval('order_number_serial')"))
        .get_result(conn)?;
    Ok(format!("ORD-{serial:06}"))
}

/// Opens an empty draft order for a customer, in the customer's currency. Runs on the
/// caller's connection so lead conversion can open one in its own transaction.
/// Returns the order id.
pub fn create_draft(
    conn: &mut PgConnection,
    ctx: &RequestContext,
    customer_id: i64,
    lead_id: Option<i64>,
    channel: Channel,
    notes: Option<&str>,
) -> ApiResult<i64> {
    let (currency, status): (String, String) = customers::table
        .find(customer_id)
        .select((customers::currency, customers::status))
        .first(conn)
        .optional()?
        .ok_or_else(|| ApiError::not_found("customer"))?;
    if status == "closed" {
        return Err(ApiError::conflict(
            "customer_closed",
            "a closed customer cannot place orders",
        ));
    }
    let number = next_order_number(conn)?;
    let id: i64 = diesel::insert_into(orders::table)
        .values((
            orders::number.eq(&number),
            orders::customer_id.eq(customer_id),
            orders::lead_id.eq(lead_id),
            orders::channel.eq(channel.as_str()),
            orders::currency.eq(&currency),
            orders::notes.eq(notes),
            orders::created_by.eq(ctx.actor.label()),
            orders::created_at.eq(ctx.now),
            orders::updated_at.eq(ctx.now),
        ))
        .returning(orders::id)
        .get_result(conn)?;
    audit::record(
        conn,
        ctx,
        Change {
            action: "order.created",
            entity_type: "order",
            entity_id: id.to_string(),
            before: None,
            after: Some(serde_json::json!({
                "number": number,
                "status": "draft",
                "channel": channel.as_str(),
                "lead_id": lead_id,
            })),
            customer_id: Some(customer_id),
        },
    )?;
    Ok(id)
}
