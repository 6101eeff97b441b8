//! Customer classes: the credit policy their customers' orders are checked against.

use diesel::prelude::*;
use diesel::PgConnection;
use rust_decimal::Decimal;

use crate::db::models::CustomerClassRow;
use crate::db::schema::customer_classes;
use crate::domain::credit::{CreditPolicy, DepositRule};
use crate::domain::money::Currency;
use crate::error::{ApiError, ApiResult};
use crate::services::audit::{self, Change};
use crate::state::RequestContext;

/// Fields to change; `None` leaves a field as it is.
#[derive(Debug, Default)]
pub struct ClassPatch {
    pub name: Option<String>,
    pub credit_limit: Option<Decimal>,
    pub approval_threshold: Option<Decimal>,
    pub deposit_rule: Option<DepositRule>,
    pub payment_terms_days: Option<i32>,
    pub payment_methods: Option<Vec<String>>,
    pub dunning_ladder: Option<String>,
    pub bill_customer_request_suspensions: Option<bool>,
}

pub fn list_classes(conn: &mut PgConnection) -> ApiResult<Vec<CustomerClassRow>> {
    Ok(customer_classes::table
        .order(customer_classes::id.asc())
        .select(CustomerClassRow::as_select())
        .load(conn)?)
}

pub fn find_class(conn: &mut PgConnection, id: i64) -> ApiResult<CustomerClassRow> {
    customer_classes::table
        .find(id)
        .select(CustomerClassRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| ApiError::not_found("customer class"))
}

/// Splits a deposit rule into its three columns.
fn deposit_columns(rule: DepositRule) -> (&'static str, Option<Decimal>, Option<i32>) {
    match rule {
        DepositRule::None => ("none", None, None),
        DepositRule::Fixed(amount) => ("fixed", Some(amount), None),
        DepositRule::MonthsOfRecurring(months) => {
            ("months_of_recurring", None, Some(months as i32))
        }
    }
}

/// Reads the deposit rule back from its columns.
pub fn deposit_rule_of(row: &CustomerClassRow) -> DepositRule {
    match (
        row.deposit_rule.as_str(),
        row.deposit_amount,
        row.deposit_months,
    ) {
        ("fixed", Some(amount), _) => DepositRule::Fixed(amount),
        ("months_of_recurring", _, Some(months)) => {
            DepositRule::MonthsOfRecurring(months.max(0) as u32)
        }
        _ => DepositRule::None,
    }
}

/// The class as the credit check sees it.
pub fn policy_of(row: &CustomerClassRow) -> ApiResult<CreditPolicy> {
    Ok(CreditPolicy {
        currency: Currency::parse(&row.currency)
            .map_err(|e| ApiError::internal(anyhow::anyhow!("class {} currency {e}", row.id)))?,
        credit_limit: row.credit_limit,
        approval_threshold: row.approval_threshold,
        deposit_rule: deposit_rule_of(row),
    })
}

/// Applies `patch` if the class is still at `expected_version`; a stale version is a 409.
pub fn update_class(
    conn: &mut PgConnection,
    ctx: &RequestContext,
    id: i64,
    expected_version: Option<i32>,
    patch: ClassPatch,
) -> ApiResult<CustomerClassRow> {
    conn.transaction(|conn| {
        let before = customer_classes::table
            .find(id)
            .select(CustomerClassRow::as_select())
            .for_update()
            .first(conn)
            .optional()?
            .ok_or_else(|| ApiError::not_found("customer class"))?;
        ApiError::check_version("class", expected_version, before.version)?;
        let (rule, amount, months) = deposit_columns(
            patch
                .deposit_rule
                .unwrap_or_else(|| deposit_rule_of(&before)),
        );
        let after = diesel::update(customer_classes::table.find(id))
            .set((
                customer_classes::name.eq(patch.name.as_deref().unwrap_or(&before.name)),
                customer_classes::credit_limit
                    .eq(patch.credit_limit.unwrap_or(before.credit_limit)),
                customer_classes::approval_threshold.eq(patch
                    .approval_threshold
                    .unwrap_or(before.approval_threshold)),
                customer_classes::deposit_rule.eq(rule),
                customer_classes::deposit_amount.eq(amount),
                customer_classes::deposit_months.eq(months),
                customer_classes::payment_terms_days.eq(patch
                    .payment_terms_days
                    .unwrap_or(before.payment_terms_days)),
                customer_classes::payment_methods.eq(patch
                    .payment_methods
                    .clone()
                    .unwrap_or_else(|| before.payment_methods.clone())),
                customer_classes::dunning_ladder.eq(patch
                    .dunning_ladder
                    .as_deref()
                    .unwrap_or(&before.dunning_ladder)),
                customer_classes::bill_customer_request_suspensions.eq(patch
                    .bill_customer_request_suspensions
                    .unwrap_or(before.bill_customer_request_suspensions)),
                customer_classes::version.eq(before.version + 1),
                customer_classes::updated_at.eq(ctx.now),
            ))
            .returning(CustomerClassRow::as_returning())
            .get_result(conn)?;
        audit::record(
            conn,
            ctx,
            Change {
                action: "customer_class.updated",
                entity_type: "customer_class",
                entity_id: id.to_string(),
                before: Some(serde_json::to_value(&before).map_err(ApiError::internal)?),
                after: Some(serde_json::to_value(&after).map_err(ApiError::internal)?),
                customer_id: None,
            },
        )?;
        Ok(after)
    })
}
