//! Subscriptions: made from an approved order, then suspended, restored, moved to another
//! plan or terminated. Each change is one transaction holding the new state, its audit
//! entry and timeline event, and the provisioning job that carries it to the network.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable};
use diesel::PgConnection;
use ipnet::IpNet;
use rust_decimal::Decimal;
use serde_json::json;

use crate::config::ProvisioningConfig;
use crate::db::orders::{OrderLineRow, OrderRow};
use crate::db::schema::{
    customer_addresses, customers, order_lines, orders, pending_charges, product_versions,
    products, provisioning_jobs, subscriptions,
};
use crate::db::subscriptions::{NewSubscriptionRow, SubscriptionRow};
use crate::domain::order::Status as OrderStatus;
use crate::domain::subscription::{
    self as rules, apply as apply_command, Command, DowngradePolicy, Status, SuspendReason,
};
use crate::error::{ApiError, ApiResult};
use crate::services::audit::{self, Actor, Change};
use crate::services::billing;
use crate::services::provisioning::{self, Action};
use crate::state::RequestContext;

/// A subscription with what the screens show beside it.
#[derive(Debug, Clone)]
pub struct SubscriptionDetail {
    pub row: SubscriptionRow,
    pub product_code: String,
    pub product_name: String,
    pub plan_version: i32,
    pub download_mbps: Option<i32>,
    pub upload_mbps: Option<i32>,
    pub data_cap_gb: Option<i32>,
    pub contract_months: i32,
    pub early_termination_fee_terms: Decimal,
    /// A scheduled downgrade: the product and version it moves to.
    pub pending_product: Option<(i64, String, i32)>,
    /// Provisioning jobs not yet done (pending or running) and failed ones.
    pub open_jobs: i64,
    pub failed_jobs: i64,
}

type DetailColumns = (
    String,
    String,
    i32,
    Option<i32>,
    Option<i32>,
    Option<i32>,
    i32,
    Decimal,
);

fn details(
    conn: &mut PgConnection,
    rows: Vec<SubscriptionRow>,
) -> ApiResult<Vec<SubscriptionDetail>> {
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    #[derive(QueryableByName)]
    struct Counts {
        #[diesel(sql_type = BigInt)]
        subscription_id: i64,
        #[diesel(sql_type = BigInt)]
        open: i64,
        #[diesel(sql_type = BigInt)]
        failed: i64,
    }
    let counts: Vec<Counts> = diesel::sql_query(
        "SELECT subscription_id, \
                count(*) FILTER (WHERE status IN ('pending', 'running')) AS open, \
                count(*) FILTER (WHERE status = 'failed') AS failed \
         FROM provisioning_jobs WHERE subscription_id = ANY ($1) GROUP BY subscription_id",
    )
    .bind::<diesel::sql_types::Array<BigInt>, _>(&ids)
    .load(conn)?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let facts: DetailColumns = product_versions::table
            .inner_join(products::table)
            .filter(product_versions::id.eq(row.product_version_id))
            .select((
                products::code,
                products::name,
                product_versions::version,
                product_versions::download_mbps,
                product_versions::upload_mbps,
                product_versions::data_cap_gb,
                product_versions::contract_months,
                product_versions::early_termination_fee,
            ))
            .first(conn)?;
        let pending_product = match row.pending_version_id {
            Some(v) => Some(
                product_versions::table
                    .inner_join(products::table)
                    .filter(product_versions::id.eq(v))
                    .select((products::id, products::name, product_versions::version))
                    .first::<(i64, String, i32)>(conn)?,
            ),
            None => None,
        };
        let c = counts.iter().find(|c| c.subscription_id == row.id);
        out.push(SubscriptionDetail {
            product_code: facts.0,
            product_name: facts.1,
            plan_version: facts.2,
            download_mbps: facts.3,
            upload_mbps: facts.4,
            data_cap_gb: facts.5,
            contract_months: facts.6,
            early_termination_fee_terms: facts.7,
            pending_product,
            open_jobs: c.map_or(0, |c| c.open),
            failed_jobs: c.map_or(0, |c| c.failed),
            row,
        });
    }
    Ok(out)
}

pub fn find(conn: &mut PgConnection, id: i64) -> ApiResult<SubscriptionDetail> {
    let row = subscriptions::table
        .find(id)
        .select(SubscriptionRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| ApiError::not_found("subscription"))?;
    Ok(details(conn, vec![row])?.remove(0))
}

/// A customer's subscriptions: live ones first (by id), then terminated ones.
pub fn list_for_customer(
    conn: &mut PgConnection,
    customer_id: i64,
) -> ApiResult<Vec<SubscriptionDetail>> {
    let exists: bool =
        diesel::select(diesel::dsl::exists(customers::table.find(customer_id))).get_result(conn)?;
    if !exists {
        return Err(ApiError::not_found("customer"));
    }
    let rows = subscriptions::table
        .filter(subscriptions::customer_id.eq(customer_id))
        .order((subscriptions::status.eq("terminated"), subscriptions::id))
        .select(SubscriptionRow::as_select())
        .load(conn)?;
    details(conn, rows)
}

fn lock(
    conn: &mut PgConnection,
    id: i64,
    expected_version: Option<i32>,
) -> ApiResult<SubscriptionRow> {
    let row = subscriptions::table
        .find(id)
        .select(SubscriptionRow::as_select())
        .for_update()
        .first(conn)
        .optional()?
        .ok_or_else(|| ApiError::not_found("subscription"))?;
    ApiError::check_version("subscription", expected_version, row.version)?;
    Ok(row)
}

fn status_of(row: &SubscriptionRow) -> ApiResult<Status> {
    Status::parse(&row.status).ok_or_else(|| {
        ApiError::internal(anyhow::anyhow!(
            "subscription {} has unknown status {}",
            row.id,
            row.status
        ))
    })
}

fn check_command(row: &SubscriptionRow, command: Command) -> ApiResult<Status> {
    apply_command(status_of(row)?, command)
        .map_err(|e| ApiError::conflict("invalid_transition", e.to_string()))
}

/// What the audit log and timeline keep of a subscription (never its password).
fn recorded(row: &SubscriptionRow) -> serde_json::Value {
    json!({
        "id": row.id,
        "kind": row.kind,
        "status": row.status,
        "product_id": row.product_id,
        "product_version_id": row.product_version_id,
        "username": row.username,
        "radius_group": row.radius_group,
        "static_ip": row.static_ip.map(|ip| ip.addr().to_string()),
        "suspend_reason": row.suspend_reason,
        "pending_version_id": row.pending_version_id,
        "pending_change_on": row.pending_change_on,
        "early_termination_fee": row.early_termination_fee,
    })
}

/// Who made a change and when: a request, or the system (a worker).
struct Stamp<'a> {
    actor: &'a Actor,
    request_id: Option<&'a str>,
    at: DateTime<Utc>,
}

impl<'a> Stamp<'a> {
    fn of(ctx: &'a RequestContext) -> Self {
        Stamp {
            actor: &ctx.actor,
            request_id: ctx.request_id.as_deref(),
            at: ctx.now,
        }
    }

    fn system(at: DateTime<Utc>) -> Self {
        Stamp {
            actor: &Actor::System,
            request_id: None,
            at,
        }
    }
}

fn record(
    conn: &mut PgConnection,
    stamp: Stamp<'_>,
    action: &str,
    before: Option<&SubscriptionRow>,
    after: &SubscriptionRow,
    extra: serde_json::Value,
) -> QueryResult<()> {
    let mut after_json = recorded(after);
    if let (Some(map), serde_json::Value::Object(more)) = (after_json.as_object_mut(), extra) {
        map.extend(more);
    }
    audit::record_as(
        conn,
        stamp.actor,
        stamp.request_id,
        stamp.at,
        Change {
            action,
            entity_type: "subscription",
            entity_id: after.id.to_string(),
            before: before.map(recorded),
            after: Some(after_json),
            customer_id: Some(after.customer_id),
        },
    )
}

// ----------------------------------------------------------------------------------------
// From an approved order.

fn generate_password() -> String {
    rules::password_from(rand::random::<u8>)
}

fn free_username(conn: &mut PgConnection, account_number: &str) -> QueryResult<String> {
    let mut nth = 1;
    loop {
        let candidate = rules::username_candidate(account_number, nth);
        let taken: bool = diesel::select(diesel::dsl::exists(
            subscriptions::table.filter(subscriptions::username.eq(&candidate)),
        ))
        .get_result(conn)?;
        if !taken {
            return Ok(candidate);
        }
        nth += 1;
    }
}

#[derive(QueryableByName)]
struct FreeAddress {
    #[diesel(sql_type = Nullable<diesel::sql_types::Inet>)]
    address: Option<IpNet>,
}

/// The lowest free address of a pool, under the pool's row lock so two approvals never
/// pick the same one (the unique index on `static_ip` is the backstop).
fn allocate_address(conn: &mut PgConnection, pool_id: i64) -> ApiResult<IpNet> {
    let name: String = crate::db::schema::ip_pools::table
        .find(pool_id)
        .select(crate::db::schema::ip_pools::name)
        .for_update()
        .first(conn)?;
    let free: FreeAddress = diesel::sql_query(
        "SELECT (SELECT a FROM (SELECT p.first_address + g AS a \
                 FROM generate_series(0, p.last_address - p.first_address) g) c \
                 WHERE NOT EXISTS (SELECT 1 FROM subscriptions s WHERE s.static_ip = set_masklen(c.a, 32)) \
                 ORDER BY a LIMIT 1) AS address \
         FROM ip_pools p WHERE p.id = $1",
    )
    .bind::<BigInt, _>(pool_id)
    .get_result(conn)?;
    let address = free.address.ok_or_else(|| {
        ApiError::conflict(
            "ip_pool_exhausted",
            format!("the address pool {name} has no free address left"),
        )
    })?;
    // Stored as a host address (/32).
    Ok(IpNet::from(address.addr()))
}

struct LineProduct {
    product_id: i64,
    code: String,
    radius_group: Option<String>,
    ip_pool_id: Option<i64>,
    version: i32,
}

/// Turns an order that was just approved into subscriptions (one per plan or add-on line)
/// with their activation jobs, and moves the order to provisioning (or straight to
/// completed when it has nothing to provision). In the approval's transaction.
pub fn fulfil(
    conn: &mut PgConnection,
    ctx: &RequestContext,
    config: &ProvisioningConfig,
    order: &OrderRow,
) -> ApiResult<OrderRow> {
    let lines: Vec<OrderLineRow> = order_lines::table
        .filter(order_lines::order_id.eq(order.id))
        .filter(order_lines::action.eq("add"))
        .filter(order_lines::kind.eq_any(["plan", "addon"]))
        .order(order_lines::position)
        .select(OrderLineRow::as_select())
        .load(conn)?;
    // The customer's row is locked: two of its orders approved at once would otherwise pick
    // the same username, or miss each other's plan for their add-ons.
    let (account_number, billing_day): (String, Option<i32>) = customers::table
        .find(order.customer_id)
        .select((customers::account_number, customers::billing_day))
        .for_update()
        .first(conn)?;
    let service_address: Option<i64> = customer_addresses::table
        .filter(customer_addresses::customer_id.eq(order.customer_id))
        .filter(customer_addresses::kind.eq("service"))
        .order(customer_addresses::id)
        .select(customer_addresses::id)
        .first(conn)
        .optional()?;
    let anchor = rules::billing_anchor(billing_day, ctx.now.date_naive()) as i32;
    let actor = ctx.actor.label();
    let mut plan_of_order: Option<i64> = None;
    let mut created = 0;
    // Plans first, so add-ons on the same order ride on them.
    let mut ordered: Vec<&OrderLineRow> = lines.iter().filter(|l| l.kind == "plan").collect();
    ordered.extend(lines.iter().filter(|l| l.kind == "addon"));
    for line in ordered {
        let Some(version_id) = line.product_version_id else {
            continue;
        };
        let p: LineProduct = product_versions::table
            .inner_join(products::table)
            .filter(product_versions::id.eq(version_id))
            .select((
                products::id,
                products::code,
                products::radius_group,
                products::ip_pool_id,
                product_versions::version,
            ))
            .first::<(i64, String, Option<String>, Option<i64>, i32)>(conn)
            .map(
                |(product_id, code, radius_group, ip_pool_id, version)| LineProduct {
                    product_id,
                    code,
                    radius_group,
                    ip_pool_id,
                    version,
                },
            )?;
        let is_plan = line.kind == "plan";
        let (username, password, group) = if is_plan {
            (
                Some(free_username(conn, &account_number)?),
                Some(generate_password()),
                Some(rules::plan_group(
                    p.radius_group.as_deref(),
                    &p.code,
                    p.version,
                )),
            )
        } else {
            (None, None, None)
        };
        let parent_id = if is_plan {
            None
        } else {
            match plan_of_order {
                Some(id) => Some(id),
                None => subscriptions::table
                    .filter(subscriptions::customer_id.eq(order.customer_id))
                    .filter(subscriptions::kind.eq("plan"))
                    .filter(subscriptions::status.ne("terminated"))
                    .order(subscriptions::id.desc())
                    .select(subscriptions::id)
                    .first(conn)
                    .optional()?,
            }
        };
        if !is_plan && parent_id.is_none() {
            return Err(ApiError::conflict(
                "addon_needs_plan",
                format!(
                    "the add-on {} rides on a plan, but neither this order nor the customer \
                     has one; add a plan to the order",
                    p.code
                ),
            ));
        }
        let static_ip = match p.ip_pool_id {
            Some(pool) => Some(allocate_address(conn, pool)?),
            None => None,
        };
        let row: SubscriptionRow = diesel::insert_into(subscriptions::table)
            .values(NewSubscriptionRow {
                customer_id: order.customer_id,
                order_id: order.id,
                order_line_id: line.id,
                kind: &line.kind,
                parent_id,
                product_id: p.product_id,
                product_version_id: version_id,
                status: Status::Pending.as_str(),
                quantity: line.quantity,
                currency: &order.currency,
                unit_monthly: line.unit_monthly,
                discount_monthly: line.discount_monthly,
                billing_anchor_day: anchor,
                username: username.as_deref(),
                password: password.as_deref(),
                radius_group: group.as_deref(),
                static_ip,
                ip_pool_id: p.ip_pool_id,
                service_address_id: service_address,
                created_at: ctx.now,
                updated_at: ctx.now,
            })
            .returning(SubscriptionRow::as_returning())
            .get_result(conn)?;
        if is_plan && plan_of_order.is_none() {
            plan_of_order = Some(row.id);
        }
        provisioning::enqueue(
            conn,
            config,
            &actor,
            ctx.now,
            row.id,
            Action::Activate,
            json!({}),
        )?;
        record(
            conn,
            Stamp::of(ctx),
            "subscription.created",
            None,
            &row,
            json!({"order_number": order.number, "product_code": p.code}),
        )?;
        created += 1;
    }
    queue_one_time_charges(conn, ctx, order)?;
    let mut after = move_order(conn, ctx, order, OrderStatus::Provisioning)?;
    if created == 0 {
        after = move_order(conn, ctx, &after, OrderStatus::Completed)?;
    }
    Ok(after)
}

/// The order's one-time amounts (setup fees, equipment) wait for the customer's next
/// invoice, taxed by their product's category.
fn queue_one_time_charges(
    conn: &mut PgConnection,
    ctx: &RequestContext,
    order: &OrderRow,
) -> ApiResult<()> {
    let lines: Vec<(i64, String, Decimal, String)> = order_lines::table
        .inner_join(product_versions::table.inner_join(products::table))
        .filter(order_lines::order_id.eq(order.id))
        .filter(order_lines::action.eq("add"))
        .filter(order_lines::one_time_amount.gt(Decimal::ZERO))
        .order(order_lines::position)
        .select((
            order_lines::id,
            order_lines::description,
            order_lines::one_time_amount,
            products::tax_category,
        ))
        .load(conn)?;
    for (_, description, amount, category) in lines {
        billing::add_pending_charge(
            conn,
            order.customer_id,
            None,
            "one_time",
            &format!("{description} (order {})", order.number),
            amount,
            &order.currency,
            &category,
            ctx.now.date_naive(),
            ctx.now,
        )?;
    }
    Ok(())
}

fn move_order(
    conn: &mut PgConnection,
    ctx: &RequestContext,
    order: &OrderRow,
    to: OrderStatus,
) -> ApiResult<OrderRow> {
    move_order_as(
        conn,
        &ctx.actor,
        ctx.request_id.as_deref(),
        ctx.now,
        order,
        to,
    )
}

fn move_order_as(
    conn: &mut PgConnection,
    actor: &Actor,
    request_id: Option<&str>,
    now: DateTime<Utc>,
    order: &OrderRow,
    to: OrderStatus,
) -> ApiResult<OrderRow> {
    let from = OrderStatus::parse(&order.status)
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("order status {}", order.status)))?;
    crate::domain::order::transition(from, to)
        .map_err(|e| ApiError::conflict("invalid_transition", e.to_string()))?;
    let after: OrderRow = diesel::update(orders::table.find(order.id))
        .set((
            orders::status.eq(to.as_str()),
            orders::version.eq(order.version + 1),
            orders::updated_at.eq(now),
        ))
        .returning(OrderRow::as_returning())
        .get_result(conn)?;
    audit::record_as(
        conn,
        actor,
        request_id,
        now,
        Change {
            action: match to {
                OrderStatus::Provisioning => "order.provisioning",
                _ => "order.completed",
            },
            entity_type: "order",
            entity_id: order.id.to_string(),
            before: Some(json!({"status": from.as_str()})),
            after: Some(json!({"number": order.number, "status": to.as_str()})),
            customer_id: Some(order.customer_id),
        },
    )?;
    Ok(after)
}

/// The activation job ran: the subscription is live from now, its contract and billing
/// anchor start today; the order is completed once none of its subscriptions is pending.
pub fn mark_active(
    conn: &mut PgConnection,
    _config: &ProvisioningConfig,
    sub: &SubscriptionRow,
    now: DateTime<Utc>,
) -> ApiResult<SubscriptionRow> {
    let today = now.date_naive();
    let (contract_months,): (i32,) = product_versions::table
        .find(sub.product_version_id)
        .select((product_versions::contract_months,))
        .first(conn)?;
    let (cycle, billing_day): (String, Option<i32>) = customers::table
        .find(sub.customer_id)
        .select((customers::billing_cycle, customers::billing_day))
        .first(conn)?;
    let anchor = if cycle == "anniversary" {
        today.day() as i32
    } else {
        rules::billing_anchor(billing_day, today) as i32
    };
    let after: SubscriptionRow = diesel::update(subscriptions::table.find(sub.id))
        .set((
            subscriptions::status.eq(Status::Active.as_str()),
            subscriptions::started_at.eq(now),
            subscriptions::contract_end_on
                .eq(rules::contract_end(today, contract_months.max(0) as u32)),
            subscriptions::billing_anchor_day.eq(anchor),
            subscriptions::version.eq(sub.version + 1),
            subscriptions::updated_at.eq(now),
        ))
        .returning(SubscriptionRow::as_returning())
        .get_result(conn)?;
    billing::start(conn, &after, today, now)?;
    record(
        conn,
        Stamp::system(now),
        "subscription.activated",
        Some(sub),
        &after,
        json!({}),
    )?;
    settle_order(conn, Stamp::system(now), sub.order_id)?;
    Ok(after)
}

/// Completes an order in provisioning once none of its subscriptions is pending (each is
/// active, or was terminated before it went live). The order row is locked first, so two
/// workers activating the order's last two subscriptions at once cannot both miss it: the
/// second waits for the first and then sees its commit.
fn settle_order(conn: &mut PgConnection, stamp: Stamp<'_>, order_id: i64) -> ApiResult<()> {
    let order: OrderRow = orders::table
        .find(order_id)
        .select(OrderRow::as_select())
        .for_update()
        .first(conn)?;
    if order.status != OrderStatus::Provisioning.as_str() {
        return Ok(());
    }
    let still_pending: bool = diesel::select(diesel::dsl::exists(
        subscriptions::table
            .filter(subscriptions::order_id.eq(order_id))
            .filter(subscriptions::status.eq("pending")),
    ))
    .get_result(conn)?;
    if !still_pending {
        move_order_as(
            conn,
            stamp.actor,
            stamp.request_id,
            stamp.at,
            &order,
            OrderStatus::Completed,
        )?;
    }
    Ok(())
}

// ----------------------------------------------------------------------------------------
// Staff commands.

fn enqueue(
    conn: &mut PgConnection,
    ctx: &RequestContext,
    config: &ProvisioningConfig,
    id: i64,
    action: Action,
    payload: serde_json::Value,
) -> QueryResult<()> {
    provisioning::enqueue(
        conn,
        config,
        &ctx.actor.label(),
        ctx.now,
        id,
        action,
        payload,
    )
    .map(|_| ())
}

fn only_plans(row: &SubscriptionRow, what: &str) -> ApiResult<()> {
    if row.kind == "plan" {
        Ok(())
    } else {
        Err(ApiError::conflict(
            "addon_follows_plan",
            format!("an add-on cannot be {what} on its own; act on its plan"),
        ))
    }
}

pub fn suspend(
    conn: &mut PgConnection,
    ctx: &RequestContext,
    config: &ProvisioningConfig,
    id: i64,
    expected_version: Option<i32>,
    reason: SuspendReason,
    note: Option<String>,
) -> ApiResult<SubscriptionDetail> {
    conn.transaction(|conn| {
        let before = lock(conn, id, expected_version)?;
        only_plans(&before, "suspended")?;
        let to = check_command(&before, Command::Suspend)?;
        let after: SubscriptionRow = diesel::update(subscriptions::table.find(id))
            .set((
                subscriptions::status.eq(to.as_str()),
                subscriptions::suspend_reason.eq(reason.as_str()),
                subscriptions::suspended_at.eq(ctx.now),
                subscriptions::version.eq(before.version + 1),
                subscriptions::updated_at.eq(ctx.now),
            ))
            .returning(SubscriptionRow::as_returning())
            .get_result(conn)?;
        if reason == SuspendReason::CustomerRequest
            && !billing::bills_customer_request_suspensions(conn, before.customer_id)?
        {
            settle_with_addons(
                conn,
                &before,
                &after,
                ctx.now,
                billing::Change::Pause,
                "Paused at the customer's request",
            )?;
        }
        let mode = config.suspend_mode.as_str();
        enqueue(
            conn,
            ctx,
            config,
            id,
            Action::Suspend,
            json!({"mode": mode, "reason": reason.as_str()}),
        )?;
        record(
            conn,
            Stamp::of(ctx),
            "subscription.suspended",
            Some(&before),
            &after,
            json!({"reason": reason.as_str(), "note": note, "mode": mode}),
        )?;
        Ok(details(conn, vec![after])?.remove(0))
    })
}

pub fn restore(
    conn: &mut PgConnection,
    ctx: &RequestContext,
    config: &ProvisioningConfig,
    id: i64,
    expected_version: Option<i32>,
    note: Option<String>,
    lift_any: bool,
) -> ApiResult<SubscriptionDetail> {
    conn.transaction(|conn| {
        let before = lock(conn, id, expected_version)?;
        only_plans(&before, "restored")?;
        let to = check_command(&before, Command::Restore)?;
        if !lift_any && before.suspend_reason.as_deref() != Some(SuspendReason::NonPayment.as_str())
        {
            return Err(ApiError::forbidden(format!(
                "the service was suspended for {}; only agents and managers lift that",
                before
                    .suspend_reason
                    .as_deref()
                    .unwrap_or("another reason")
                    .replace('_', " ")
            )));
        }
        let after: SubscriptionRow = diesel::update(subscriptions::table.find(id))
            .set((
                subscriptions::status.eq(to.as_str()),
                subscriptions::suspend_reason.eq(None::<String>),
                subscriptions::suspended_at.eq(None::<DateTime<Utc>>),
                subscriptions::version.eq(before.version + 1),
                subscriptions::updated_at.eq(ctx.now),
            ))
            .returning(SubscriptionRow::as_returning())
            .get_result(conn)?;
        settle_with_addons(
            conn,
            &before,
            &after,
            ctx.now,
            billing::Change::Resume,
            "Restored",
        )?;
        // Undo the overlay the suspension actually put on.
        let mode: Option<serde_json::Value> = provisioning_jobs::table
            .filter(provisioning_jobs::subscription_id.eq(id))
            .filter(provisioning_jobs::action.eq("suspend"))
            .order(provisioning_jobs::id.desc())
            .select(provisioning_jobs::payload)
            .first(conn)
            .optional()?;
        let mode = mode
            .and_then(|p| p.get("mode").and_then(|m| m.as_str()).map(str::to_owned))
            .unwrap_or_else(|| config.suspend_mode.as_str().to_owned());
        enqueue(
            conn,
            ctx,
            config,
            id,
            Action::Restore,
            json!({"mode": mode}),
        )?;
        record(
            conn,
            Stamp::of(ctx),
            "subscription.restored",
            Some(&before),
            &after,
            json!({"note": note, "previous_reason": before.suspend_reason}),
        )?;
        Ok(details(conn, vec![after])?.remove(0))
    })
}

/// Settles a pause or its end for a plan and the add-ons riding on it (they are paused
/// with it).
fn settle_with_addons(
    conn: &mut PgConnection,
    before: &SubscriptionRow,
    after: &SubscriptionRow,
    now: DateTime<Utc>,
    change: billing::Change,
    what: &str,
) -> ApiResult<()> {
    let day = now.date_naive();
    billing::settle(conn, before, after, day, change, what, now)?;
    let addons: Vec<SubscriptionRow> = subscriptions::table
        .filter(subscriptions::parent_id.eq(before.id))
        .filter(subscriptions::status.ne("terminated"))
        .select(SubscriptionRow::as_select())
        .load(conn)?;
    for addon in &addons {
        billing::settle(conn, addon, addon, day, change, what, now)?;
    }
    Ok(())
}

/// The outcome of a plan change request.
#[derive(Debug, Clone)]
pub struct PlanChange {
    pub subscription: SubscriptionDetail,
    pub kind: rules::ChangeKind,
    pub effective_on: NaiveDate,
}

/// The static address a plan keeps, gets or gives up when it moves to a product with (or
/// without) an address pool; `true` when it changes, so the session must reconnect.
fn address_on_move(
    conn: &mut PgConnection,
    before: &SubscriptionRow,
    product_id: i64,
) -> ApiResult<(Option<IpNet>, Option<i64>, bool)> {
    let pool: Option<i64> = products::table
        .find(product_id)
        .select(products::ip_pool_id)
        .first(conn)?;
    match pool {
        Some(p) if before.ip_pool_id == Some(p) && before.static_ip.is_some() => {
            Ok((before.static_ip, Some(p), false))
        }
        Some(p) => Ok((Some(allocate_address(conn, p)?), Some(p), true)),
        None => Ok((None, None, before.static_ip.is_some())),
    }
}

/// The plan version a subscription moves to.
struct Target<'a> {
    product_id: i64,
    version_id: i64,
    group: &'a str,
    monthly: Decimal,
}

/// Puts the subscription on the target version now (its price, group and address; the old
/// promotion does not follow, a scheduled change is done); `true` when the session must
/// reconnect for a new address.
fn move_to(
    conn: &mut PgConnection,
    before: &SubscriptionRow,
    target: Target<'_>,
    now: DateTime<Utc>,
) -> ApiResult<(SubscriptionRow, bool)> {
    let (static_ip, ip_pool_id, reconnect) = address_on_move(conn, before, target.product_id)?;
    let row = diesel::update(subscriptions::table.find(before.id))
        .set((
            subscriptions::product_id.eq(target.product_id),
            subscriptions::product_version_id.eq(target.version_id),
            subscriptions::radius_group.eq(target.group),
            subscriptions::static_ip.eq(static_ip),
            subscriptions::ip_pool_id.eq(ip_pool_id),
            subscriptions::unit_monthly.eq(target.monthly),
            subscriptions::discount_monthly.eq(Decimal::ZERO),
            subscriptions::pending_version_id.eq(None::<i64>),
            subscriptions::pending_change_on.eq(None::<NaiveDate>),
            subscriptions::version.eq(before.version + 1),
            subscriptions::updated_at.eq(now),
        ))
        .returning(SubscriptionRow::as_returning())
        .get_result(conn)?;
    billing::settle(
        conn,
        before,
        &row,
        now.date_naive(),
        billing::Change::Price,
        "Plan change",
        now,
    )?;
    Ok((row, reconnect))
}

/// A request to move a plan to another.
pub struct PlanChangeRequest {
    pub product_id: i64,
    /// When a downgrade takes effect, if not the ISP's policy.
    pub policy: Option<DowngradePolicy>,
    pub note: Option<String>,
}

type TargetPlan = (String, Option<String>, String, Option<DateTime<Utc>>);

pub fn change_plan(
    conn: &mut PgConnection,
    ctx: &RequestContext,
    config: &ProvisioningConfig,
    id: i64,
    expected_version: Option<i32>,
    request: PlanChangeRequest,
) -> ApiResult<PlanChange> {
    let PlanChangeRequest {
        product_id,
        policy: policy_override,
        note,
    } = request;
    conn.transaction(|conn| {
        let before = lock(conn, id, expected_version)?;
        only_plans(&before, "moved to another plan")?;
        check_command(&before, Command::ChangePlan)?;
        if product_id == before.product_id {
            return Err(ApiError::conflict(
                "same_plan",
                "the subscription is already on this plan",
            ));
        }
        let product: Option<TargetPlan> = products::table
            .find(product_id)
            .select((
                products::kind,
                products::radius_group,
                products::code,
                products::retired_at,
            ))
            .first(conn)
            .optional()?;
        let Some((kind, radius_group, code, retired_at)) = product else {
            return Err(ApiError::validation(vec![crate::error::FieldError::new(
                "product_id",
                "not_found",
                "no such product",
            )]));
        };
        if kind != "plan" || retired_at.is_some_and(|r| r <= ctx.now) {
            return Err(ApiError::validation(vec![crate::error::FieldError::new(
                "product_id",
                "invalid",
                "must be a plan that is not retired",
            )]));
        }
        let version: Option<(i64, i32, Decimal)> = product_versions::table
            .filter(product_versions::product_id.eq(product_id))
            .filter(product_versions::currency.eq(&before.currency))
            .filter(product_versions::valid_from.le(ctx.now))
            .order(product_versions::version.desc())
            .select((
                product_versions::id,
                product_versions::version,
                product_versions::monthly_price,
            ))
            .first(conn)
            .optional()?;
        let Some((version_id, version_number, monthly_price)) = version else {
            return Err(ApiError::validation(vec![crate::error::FieldError::new(
                "product_id",
                "invalid",
                format!("the plan has no current price in {}", before.currency),
            )]));
        };
        let kind = rules::change_kind(before.unit_monthly, monthly_price);
        let today = ctx.now.date_naive();
        let effective_on = rules::change_effective_on(
            kind,
            policy_override.unwrap_or(config.downgrade_policy),
            before.billing_anchor_day as u32,
            today,
        );
        let group = rules::plan_group(radius_group.as_deref(), &code, version_number);
        let after: SubscriptionRow = if effective_on <= today {
            let target = Target {
                product_id,
                version_id,
                group: &group,
                monthly: monthly_price,
            };
            let (row, reconnect) = move_to(conn, &before, target, ctx.now)?;
            enqueue(
                conn,
                ctx,
                config,
                id,
                Action::ChangePlan,
                json!({"from_version_id": before.product_version_id, "to_version_id": version_id,
                       "reconnect": reconnect}),
            )?;
            row
        } else {
            diesel::update(subscriptions::table.find(id))
                .set((
                    subscriptions::pending_version_id.eq(version_id),
                    subscriptions::pending_change_on.eq(effective_on),
                    subscriptions::version.eq(before.version + 1),
                    subscriptions::updated_at.eq(ctx.now),
                ))
                .returning(SubscriptionRow::as_returning())
                .get_result(conn)?
        };
        record(
            conn,
            Stamp::of(ctx),
            if effective_on <= today {
                "subscription.plan_changed"
            } else {
                "subscription.plan_change_scheduled"
            },
            Some(&before),
            &after,
            json!({
                "change": kind.as_str(),
                "effective_on": effective_on,
                "to_product_code": code,
                "note": note,
            }),
        )?;
        Ok(PlanChange {
            subscription: details(conn, vec![after])?.remove(0),
            kind,
            effective_on,
        })
    })
}

/// Carries out downgrades scheduled for today or earlier; returns how many. Any number of
/// processes may run it: each row is taken under `SKIP LOCKED`.
pub fn apply_due_changes(
    conn: &mut PgConnection,
    config: &ProvisioningConfig,
    now: DateTime<Utc>,
) -> ApiResult<usize> {
    let today = now.date_naive();
    conn.transaction(|conn| {
        let due: Vec<SubscriptionRow> = subscriptions::table
            .filter(subscriptions::pending_change_on.le(today))
            .filter(subscriptions::status.eq_any(["active", "suspended"]))
            .select(SubscriptionRow::as_select())
            .limit(100)
            .for_update()
            .skip_locked()
            .load(conn)?;
        for before in &due {
            let Some(version_id) = before.pending_version_id else {
                continue;
            };
            let (product_id, code, radius_group, version, monthly): (i64, String, Option<String>, i32, Decimal) =
                product_versions::table
                    .inner_join(products::table)
                    .filter(product_versions::id.eq(version_id))
                    .select((
                        products::id,
                        products::code,
                        products::radius_group,
                        product_versions::version,
                        product_versions::monthly_price,
                    ))
                    .first(conn)?;
            let group = rules::plan_group(radius_group.as_deref(), &code, version);
            let target = Target {
                product_id,
                version_id,
                group: &group,
                monthly,
            };
            let (after, reconnect) = move_to(conn, before, target, now)?;
            provisioning::enqueue(
                conn,
                config,
                "system",
                now,
                before.id,
                Action::ChangePlan,
                json!({"from_version_id": before.product_version_id, "to_version_id": version_id,
                       "scheduled": true, "reconnect": reconnect}),
            )?;
            record(
                conn,
                Stamp::system(now),
                "subscription.plan_changed",
                Some(before),
                &after,
                json!({"change": "downgrade", "effective_on": before.pending_change_on, "to_product_code": code}),
            )?;
        }
        Ok(due.len())
    })
}

/// The outcome of a termination.
#[derive(Debug, Clone)]
pub struct Termination {
    pub subscription: SubscriptionDetail,
    /// Owed because the contract had not ended (zero when none, or waived).
    pub early_termination_fee: Decimal,
}

pub fn terminate(
    conn: &mut PgConnection,
    ctx: &RequestContext,
    config: &ProvisioningConfig,
    id: i64,
    expected_version: Option<i32>,
    reason: String,
    waive_fee: bool,
) -> ApiResult<Termination> {
    conn.transaction(|conn| {
        let before = lock(conn, id, expected_version)?;
        let to = check_command(&before, Command::Terminate)?;
        let today = ctx.now.date_naive();
        let (terms_fee,): (Decimal,) = product_versions::table
            .find(before.product_version_id)
            .select((product_versions::early_termination_fee,))
            .first(conn)?;
        let fee = rules::early_termination_fee(before.contract_end_on, terms_fee, today, waive_fee);
        let after = end(conn, ctx, &before, to, &reason, fee)?;
        if fee > Decimal::ZERO {
            let (code, tax_category): (String, String) = products::table
                .find(before.product_id)
                .select((products::code, products::tax_category))
                .first(conn)?;
            diesel::insert_into(pending_charges::table)
                .values((
                    pending_charges::customer_id.eq(before.customer_id),
                    pending_charges::subscription_id.eq(Some(before.id)),
                    pending_charges::kind.eq("early_termination_fee"),
                    pending_charges::description.eq(format!(
                        "Early termination fee: {code}, contract until {}",
                        before
                            .contract_end_on
                            .map_or_else(String::new, |d| d.to_string())
                    )),
                    pending_charges::amount.eq(fee),
                    pending_charges::currency.eq(&before.currency),
                    pending_charges::charge_on.eq(today),
                    pending_charges::tax_category.eq(&tax_category),
                    pending_charges::rule.eq(Some(json!({"rule": "one_time", "kind": "early_termination_fee",
                        "contract_end_on": before.contract_end_on}))),
                    pending_charges::created_at.eq(ctx.now),
                ))
                .execute(conn)?;
        }
        enqueue(
            conn,
            ctx,
            config,
            id,
            Action::Terminate,
            json!({"static_ip": before.static_ip.map(|ip| ip.addr().to_string())}),
        )?;
        record(
            conn,
            Stamp::of(ctx),
            "subscription.terminated",
            Some(&before),
            &after,
            json!({"reason": reason, "fee_waived": waive_fee && terms_fee > Decimal::ZERO && before.contract_end_on.is_some_and(|e| today <= e)}),
        )?;
        // A plan's add-ons end with it (the plan's job removes the user altogether).
        if before.kind == "plan" {
            let addons: Vec<SubscriptionRow> = subscriptions::table
                .filter(subscriptions::parent_id.eq(id))
                .filter(subscriptions::status.ne("terminated"))
                .select(SubscriptionRow::as_select())
                .for_update()
                .load(conn)?;
            for addon in addons {
                let ended = end(conn, ctx, &addon, Status::Terminated, &reason, Decimal::ZERO)?;
                record(
                    conn,
                    Stamp::of(ctx),
                    "subscription.terminated",
                    Some(&addon),
                    &ended,
                    json!({"reason": reason, "with_plan": id}),
                )?;
            }
        }
        // A subscription ended before it went live no longer holds its order open.
        if before.status == Status::Pending.as_str() {
            settle_order(conn, Stamp::of(ctx), before.order_id)?;
        }
        Ok(Termination {
            subscription: details(conn, vec![after])?.remove(0),
            early_termination_fee: fee,
        })
    })
}

fn end(
    conn: &mut PgConnection,
    ctx: &RequestContext,
    before: &SubscriptionRow,
    to: Status,
    reason: &str,
    fee: Decimal,
) -> ApiResult<SubscriptionRow> {
    let after = ended(conn, ctx, before, to, reason, fee)?;
    billing::settle(
        conn,
        before,
        &after,
        ctx.now.date_naive(),
        billing::Change::Stop,
        "Terminated",
        ctx.now,
    )?;
    Ok(after)
}

fn ended(
    conn: &mut PgConnection,
    ctx: &RequestContext,
    before: &SubscriptionRow,
    to: Status,
    reason: &str,
    fee: Decimal,
) -> ApiResult<SubscriptionRow> {
    Ok(diesel::update(subscriptions::table.find(before.id))
        .set((
            subscriptions::status.eq(to.as_str()),
            subscriptions::ended_at.eq(ctx.now),
            subscriptions::termination_reason.eq(reason),
            subscriptions::early_termination_fee.eq((fee > Decimal::ZERO).then_some(fee)),
            subscriptions::suspend_reason.eq(None::<String>),
            // The static address stays reserved until the termination job has removed it
            // from FreeRADIUS and disconnected the sessions holding it.
            subscriptions::pending_version_id.eq(None::<i64>),
            subscriptions::pending_change_on.eq(None::<NaiveDate>),
            subscriptions::version.eq(before.version + 1),
            subscriptions::updated_at.eq(ctx.now),
        ))
        .returning(SubscriptionRow::as_returning())
        .get_result(conn)?)
}

/// The network credentials, for the agent to read to the customer; the reading is audited.
pub fn reveal_credentials(
    conn: &mut PgConnection,
    ctx: &RequestContext,
    id: i64,
) -> ApiResult<(String, String)> {
    conn.transaction(|conn| {
        let row = subscriptions::table
            .find(id)
            .select(SubscriptionRow::as_select())
            .first(conn)
            .optional()?
            .ok_or_else(|| ApiError::not_found("subscription"))?;
        let (Some(username), Some(password)) = (row.username.clone(), row.password.clone()) else {
            return Err(ApiError::conflict(
                "no_network_identity",
                "this subscription has no network credentials (add-ons use their plan's)",
            ));
        };
        audit::record(
            conn,
            ctx,
            Change {
                action: "subscription.credentials_viewed",
                entity_type: "subscription",
                entity_id: id.to_string(),
                before: None,
                after: Some(json!({"username": username})),
                customer_id: Some(row.customer_id),
            },
        )?;
        Ok((username, password))
    })
}
