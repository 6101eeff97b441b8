//! The demo ISP's orders: one in each state an agent or a manager meets first — a draft
//! being built, a business order over its class's threshold waiting in the approval queue,
//! and a small order the credit check approved at once.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::PgConnection;

use crate::db::models::CustomerRow;
use crate::db::schema::products;
use crate::error::ApiError;
use crate::services::audit::Actor;
use crate::services::orders::{self, Channel, NewLine, NewOrder, PromotionRef};
use crate::state::RequestContext;

/// (customer email, channel, notes, lines as (product code, promotion code, quantity), submit)
type DemoOrder = (
    &'static str,
    Channel,
    &'static str,
    &'static [(&'static str, Option<&'static str>, u32)],
    bool,
);

const ORDERS: &[DemoOrder] = &[
    (
        "ana.lima@example.net",
        Channel::CallCenter,
        "Wants installation on a Saturday",
        &[("FIBER-300", Some("WELCOME3"), 1), ("INSTALL", None, 1)],
        false,
    ),
    (
        "it@haddad-logistics.example",
        Channel::InPerson,
        "Five depots, one line each",
        &[("BIZ-500", None, 5), ("STATIC-IP", None, 5)],
        true,
    ),
    (
        "ben.okafor@example.net",
        Channel::SelfService,
        "",
        &[("FIBER-100", None, 1), ("ROUTER-AX", None, 1)],
        true,
    ),
];

pub fn seed(
    conn: &mut PgConnection,
    now: DateTime<Utc>,
    customers: &[CustomerRow],
    provisioning: &crate::config::ProvisioningConfig,
) -> anyhow::Result<usize> {
    let ctx = RequestContext {
        actor: Actor::System,
        request_id: None,
        now,
        address: "demo".into(),
    };
    let mut made = 0;
    for (email, channel, notes, lines, submit) in ORDERS {
        let Some(customer) = customers
            .iter()
            .find(|c| c.email.as_deref() == Some(*email))
        else {
            continue;
        };
        let mut new_lines = Vec::new();
        for (code, promotion, quantity) in lines.iter() {
            let product_id: i64 = products::table
                .filter(products::code.eq(code))
                .select(products::id)
                .first(conn)?;
            new_lines.push(NewLine {
                product_id,
                promotion: promotion.map(|p| PromotionRef::Code(p.to_owned())),
                quantity: *quantity,
            });
        }
        let order = orders::create_order(
            conn,
            &ctx,
            NewOrder {
                customer_id: customer.id,
                channel: *channel,
                lead_id: None,
                notes: (!notes.is_empty()).then(|| notes.to_string()),
                lines: new_lines,
            },
        )
        .map_err(demo_error)?;
        if *submit {
            orders::submit(conn, &ctx, provisioning, order.order.id, None).map_err(demo_error)?;
        }
        made += 1;
    }
    Ok(made)
}

fn demo_error(e: ApiError) -> anyhow::Error {
    anyhow::anyhow!("demo order: {e}")
}
