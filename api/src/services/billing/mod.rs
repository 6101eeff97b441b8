//! Billing: where each subscription's billing stands (`subscription_billing`), the charges
//! that wait for the next invoice (`pending_charges`), bill runs (`run`), invoices and credit
//! notes (`invoices`). The rules are in `domain::billing`; this module reads and writes.
//!
//! The subscription commands call in here inside their own transaction:
//! - `start` when a subscription goes live: billing runs from that day;
//! - `settle` when its rate changes (plan change, pause at the customer's request, restore,
//!   termination): the days already billed are credited and charged again at the new rate,
//!   the days not yet billed are charged at the old one (`domain::billing::settle`).

pub mod invoices;
pub mod run;

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel::PgConnection;
use rust_decimal::Decimal;
use serde_json::json;

use crate::db::schema::{
    customer_classes, customers, order_lines, pending_charges, products, subscription_billing,
};
use crate::db::subscriptions::SubscriptionRow;
use crate::domain::billing::{self as rules, Rate};
use crate::domain::subscription::{next_period_start, period_start};
use crate::error::ApiResult;

/// Starts billing a subscription that went live on `day`.
pub fn start(
    conn: &mut PgConnection,
    sub: &SubscriptionRow,
    day: NaiveDate,
    now: DateTime<Utc>,
) -> ApiResult<()> {
    let cycles: Option<i32> = order_lines::table
        .find(sub.order_line_id)
        .select(order_lines::promotion_cycles)
        .first(conn)
        .optional()?
        .flatten();
    let anchor = sub.billing_anchor_day as u32;
    diesel::insert_into(subscription_billing::table)
        .values((
            subscription_billing::subscription_id.eq(sub.id),
            subscription_billing::customer_id.eq(sub.customer_id),
            subscription_billing::billed_through.eq(Some(day)),
            subscription_billing::usage_from.eq(Some(period_start(anchor, day))),
            subscription_billing::usage_due_on.eq(Some(next_period_start(anchor, day))),
            subscription_billing::promo_cycles_left.eq(cycles),
            subscription_billing::updated_at.eq(now),
        ))
        .on_conflict_do_nothing()
        .execute(conn)?;
    Ok(())
}

/// The billing state row, locked.
#[derive(Debug, Clone, Queryable)]
struct BillingState {
    billed_through: Option<NaiveDate>,
    promo_cycles_left: Option<i32>,
    billed_discount: Decimal,
    paused: bool,
}

fn lock_state(conn: &mut PgConnection, subscription_id: i64) -> QueryResult<Option<BillingState>> {
    subscription_billing::table
        .find(subscription_id)
        .select((
            subscription_billing::billed_through,
            subscription_billing::promo_cycles_left,
            subscription_billing::billed_discount,
            subscription_billing::paused,
        ))
        .for_update()
        .first(conn)
        .optional()
}

/// What a day of the subscription costs now (its promotion only while cycles are left).
pub fn rate_of(sub: &SubscriptionRow, promo_cycles_left: Option<i32>) -> Rate {
    Rate {
        monthly: sub.unit_monthly * Decimal::from(sub.quantity),
        discount: if promo_cycles_left.is_none_or(|n| n > 0) {
            sub.discount_monthly
        } else {
            Decimal::ZERO
        },
    }
}

/// What a rate change does to billing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// The price changes (plan change); billing goes on.
    Price,
    /// Paused at the customer's request: the days from now on are not billed until `Resume`.
    Pause,
    /// The end of a `Pause`: billing resumes from the day.
    Resume,
    /// Terminated: nothing more recurring is billed.
    Stop,
}

/// Settles a rate change of `before` on `day` (see the module's doc); `after` is the
/// subscription with its new price.
pub fn settle(
    conn: &mut PgConnection,
    before: &SubscriptionRow,
    after: &SubscriptionRow,
    day: NaiveDate,
    change: Change,
    what: &str,
    now: DateTime<Utc>,
) -> ApiResult<()> {
    let Some(state) = lock_state(conn, before.id)? else {
        // Never went live: nothing was billed and nothing is owed.
        return Ok(());
    };
    let Some(through) = state.billed_through else {
        return Ok(());
    };
    let anchor = before.billing_anchor_day as u32;
    // Days already billed were billed with the discount their period carried; days not yet
    // billed cost what the subscription costs now.
    let current = rate_of(before, state.promo_cycles_left);
    let billed = Rate {
        monthly: current.monthly,
        discount: state.billed_discount,
    };
    let (old, new) = match (change, state.paused) {
        // Nothing to settle: a restore after a billed suspension, a pause of a pause.
        (Change::Resume, false) | (Change::Pause, true) => return Ok(()),
        // The paused days were credited (or never billed); the days from the restore up to
        // what was billed before the pause are charged again.
        (Change::Resume, true) => (Rate::NONE, rate_of(after, state.promo_cycles_left)),
        (_, true) => (Rate::NONE, Rate::NONE),
        (Change::Price, false) => (
            if day < through { billed } else { current },
            rate_of(after, None),
        ),
        (Change::Pause | Change::Stop, false) => {
            (if day < through { billed } else { current }, Rate::NONE)
        }
    };
    let (adjustments, new_through) = rules::settle(anchor, through, day, old, new, what);
    let category: String = products::table
        .find(before.product_id)
        .select(products::tax_category)
        .first(conn)?;
    for a in &adjustments {
        // A credit of billed days is taxed at the rate those days were billed at (their
        // period's first day, or the first day billed in it).
        let tax_on = if a.amount < Decimal::ZERO {
            let started = before.started_at.map(|t| t.date_naive());
            Some(started.map_or(a.period.start, |s| a.period.start.max(s)))
        } else {
            Some(a.from)
        };
        diesel::insert_into(pending_charges::table)
            .values((
                pending_charges::customer_id.eq(before.customer_id),
                pending_charges::subscription_id.eq(Some(before.id)),
                pending_charges::kind.eq("proration"),
                pending_charges::description.eq(&a.description),
                pending_charges::amount.eq(a.amount),
                pending_charges::currency.eq(&before.currency),
                pending_charges::charge_on.eq(day),
                pending_charges::period_start.eq(Some(a.from)),
                pending_charges::period_end.eq(Some(a.to)),
                pending_charges::tax_on.eq(tax_on),
                pending_charges::tax_category.eq(&category),
                pending_charges::rule.eq(Some(&a.rule)),
                pending_charges::created_at.eq(now),
            ))
            .execute(conn)?;
    }
    let (through, paused) = match change {
        Change::Stop => (None, false),
        Change::Pause => (Some(new_through), true),
        Change::Resume | Change::Price => (Some(new_through), false),
    };
    let target = subscription_billing::table.find(before.id);
    let common = (
        subscription_billing::billed_through.eq(through),
        subscription_billing::paused.eq(paused),
        subscription_billing::version.eq(subscription_billing::version + 1),
        subscription_billing::updated_at.eq(now),
    );
    if change == Change::Price {
        // A plan change ends the old promotion (the new price has none).
        diesel::update(target)
            .set((
                common,
                subscription_billing::promo_cycles_left.eq(Some(0)),
                subscription_billing::billed_discount.eq(Decimal::ZERO),
            ))
            .execute(conn)?;
    } else {
        diesel::update(target).set(common).execute(conn)?;
    }
    Ok(())
}

/// Whether the customer's class bills a suspension at the customer's request.
pub fn bills_customer_request_suspensions(
    conn: &mut PgConnection,
    customer_id: i64,
) -> QueryResult<bool> {
    customers::table
        .inner_join(customer_classes::table)
        .filter(customers::id.eq(customer_id))
        .select(customer_classes::bill_customer_request_suspensions)
        .first(conn)
}

/// Queues one-time charges for the next invoice (setup fees, equipment, fees).
#[allow(clippy::too_many_arguments)]
pub fn add_pending_charge(
    conn: &mut PgConnection,
    customer_id: i64,
    subscription_id: Option<i64>,
    kind: &str,
    description: &str,
    amount: Decimal,
    currency: &str,
    tax_category: &str,
    charge_on: NaiveDate,
    now: DateTime<Utc>,
) -> QueryResult<i64> {
    diesel::insert_into(pending_charges::table)
        .values((
            pending_charges::customer_id.eq(customer_id),
            pending_charges::subscription_id.eq(subscription_id),
            pending_charges::kind.eq(kind),
            pending_charges::description.eq(description),
            pending_charges::amount.eq(amount),
            pending_charges::currency.eq(currency),
            pending_charges::charge_on.eq(charge_on),
            pending_charges::tax_category.eq(tax_category),
            pending_charges::rule.eq(Some(json!({"rule": "one_time", "kind": kind}))),
            pending_charges::created_at.eq(now),
        ))
        .returning(pending_charges::id)
        .get_result(conn)
}
