//! Leads: capture (agents, integrations, the public portal form), the status machine of
//! `domain::lead`, duplicate detection, merging, and conversion into a customer.
//!
//! Duplicates are found by the same normalised email, the same E.164 phone, or a similar
//! address (pg_trgm `similarity()` of `lower(line1 || ' ' || postal_code)` at least 0.6),
//! against other open leads and against existing customers (their email and phone, their
//! contacts' and their addresses).

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Text};
use diesel::PgConnection;
use serde::Serialize;

use crate::db::leads::LeadRow;
use crate::db::models::CustomerRow;
use crate::db::schema::{interactions, leads, products, users};
use crate::domain::lead::{self, LeadStatus, TransitionError};
use crate::error::{ApiError, ApiResult, FieldError};
use crate::services::audit::{self, Change};
use crate::services::customers::{
    self, AddressInput, BillingInput, ClassRef, InteractionOf, InteractionWithAgent, NewCustomer,
    NewInteraction,
};
use crate::services::orders::{self, Channel};
use crate::state::RequestContext;

/// The minimum trigram similarity of two addresses to call them the same place.
pub const ADDRESS_SIMILARITY: f32 = 0.6;

/// A lead's address; every part optional (a lead may only know a street and a postal code).
#[derive(Debug, Clone, Default)]
pub struct LeadAddress {
    pub line1: Option<String>,
    pub line2: Option<String>,
    pub city: Option<String>,
    pub region: Option<String>,
    pub postal_code: Option<String>,
    pub country: Option<String>,
}

/// A new lead, each field already checked.
#[derive(Debug, Clone)]
pub struct NewLead {
    pub kind: &'static str,
    pub name: String,
    pub company_name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub address: LeadAddress,
    pub source: &'static str,
    pub interest_product_id: Option<i64>,
    /// `None`: the calling staff user, if any.
    pub owner_id: Option<i64>,
    pub serviceability_note: Option<String>,
    /// A first note (the portal form's message), logged as an inbound interaction.
    pub note: Option<String>,
}

/// Lead fields to change; `Some(None)` clears a nullable one.
#[derive(Debug, Clone, Default)]
pub struct LeadPatch {
    pub kind: Option<&'static str>,
    pub name: Option<String>,
    pub company_name: Option<Option<String>>,
    pub email: Option<Option<String>>,
    pub phone: Option<Option<String>>,
    pub address_line1: Option<Option<String>>,
    pub address_line2: Option<Option<String>>,
    pub city: Option<Option<String>>,
    pub region: Option<Option<String>>,
    pub postal_code: Option<Option<String>>,
    pub country: Option<Option<String>>,
    pub source: Option<&'static str>,
    pub interest_product_id: Option<Option<i64>>,
    pub owner_id: Option<Option<i64>>,
    pub serviceability_note: Option<Option<String>>,
    pub status: Option<LeadStatus>,
    pub lost_reason: Option<String>,
}

/// The HTTP answer to a refused status change.
pub fn transition_error(err: TransitionError) -> ApiError {
    match err {
        TransitionError::Converted => ApiError::conflict("lead_converted", err.to_string()),
        TransitionError::Merged => ApiError::conflict("lead_merged", err.to_string()),
        TransitionError::ReasonRequired => ApiError::validation(vec![FieldError::new(
            "lost_reason",
            "required",
            err.to_string(),
        )]),
        TransitionError::WonOnlyByConversion | TransitionError::Illegal { .. } => {
            ApiError::conflict("invalid_transition", err.to_string())
        }
    }
}

fn status_of(row: &LeadRow) -> ApiResult<LeadStatus> {
    LeadStatus::parse(&row.status)
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("lead {} status {}", row.id, row.status)))
}

/// Refuses any change to a converted or merged lead.
fn ensure_editable(row: &LeadRow) -> ApiResult<()> {
    if row.customer_id.is_some() {
        return Err(transition_error(TransitionError::Converted));
    }
    if row.merged_into_id.is_some() {
        return Err(transition_error(TransitionError::Merged));
    }
    Ok(())
}

fn check_references(
    conn: &mut PgConnection,
    interest_product_id: Option<i64>,
    owner_id: Option<i64>,
    errors: &mut Vec<FieldError>,
) -> ApiResult<()> {
    if let Some(product_id) = interest_product_id {
        let sellable: i64 = products::table
            .filter(products::id.eq(product_id))
            .filter(products::kind.eq_any(["plan", "addon"]))
            .filter(products::retired_at.is_null())
            .count()
            .get_result(conn)?;
        if sellable == 0 {
            errors.push(FieldError::new(
                "interest_product_id",
                "invalid",
                "must be an active plan or add-on",
            ));
        }
    }
    if let Some(owner_id) = owner_id {
        let staff: i64 = users::table
            .filter(users::id.eq(owner_id))
            .filter(users::active.eq(true))
            .count()
            .get_result(conn)?;
        if staff == 0 {
            errors.push(FieldError::new(
                "owner_id",
                "invalid",
                "must be an active staff user",
            ));
        }
    }
    Ok(())
}

fn lock_lead(conn: &mut PgConnection, id: i64) -> ApiResult<LeadRow> {
    leads::table
        .find(id)
        .select(LeadRow::as_select())
        .for_update()
        .first(conn)
        .optional()?
        .ok_or_else(|| ApiError::not_found("lead"))
}

pub fn find_lead(conn: &mut PgConnection, id: i64) -> ApiResult<LeadRow> {
    leads::table
        .find(id)
        .select(LeadRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| ApiError::not_found("lead"))
}

fn insert_lead(
    conn: &mut PgConnection,
    ctx: &RequestContext,
    new: &NewLead,
    client_address: Option<&str>,
) -> ApiResult<LeadRow> {
    if new.email.is_none() && new.phone.is_none() {
        return Err(ApiError::validation(vec![
            FieldError::new("email", "required", "a lead needs an email or a phone"),
            FieldError::new("phone", "required", "a lead needs an email or a phone"),
        ]));
    }
    let owner_id = new.owner_id.or_else(|| customers::staff_user_id(ctx));
    let mut errors = Vec::new();
    check_references(conn, new.interest_product_id, new.owner_id, &mut errors)?;
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let row: LeadRow = diesel::insert_into(leads::table)
        .values((
            leads::kind.eq(new.kind),
            leads::name.eq(&new.name),
            leads::company_name.eq(new.company_name.as_deref()),
            leads::email.eq(new.email.as_deref()),
            leads::phone.eq(new.phone.as_deref()),
            leads::address_line1.eq(new.address.line1.as_deref()),
            leads::address_line2.eq(new.address.line2.as_deref()),
            leads::city.eq(new.address.city.as_deref()),
            leads::region.eq(new.address.region.as_deref()),
            leads::postal_code.eq(new.address.postal_code.as_deref()),
            leads::country.eq(new.address.country.as_deref()),
            leads::source.eq(new.source),
            leads::interest_product_id.eq(new.interest_product_id),
            leads::owner_id.eq(owner_id),
            leads::serviceability_note.eq(new.serviceability_note.as_deref()),
            leads::client_address.eq(client_address),
            leads::created_at.eq(ctx.now),
            leads::updated_at.eq(ctx.now),
        ))
        .returning(LeadRow::as_returning())
        .get_result(conn)?;
    audit::record(
        conn,
        ctx,
        Change {
            action: "lead.created",
            entity_type: "lead",
            entity_id: row.id.to_string(),
            before: None,
            after: Some(audit::snapshot(&row)?),
            customer_id: None,
        },
    )?;
    if let Some(note) = &new.note {
        customers::insert_interaction(
            conn,
            ctx,
            InteractionOf::Lead(row.id),
            None,
            &NewInteraction {
                channel: "note",
                direction: "inbound",
                summary: note.clone(),
                outcome: None,
                follow_up_on: None,
                occurred_at: None,
            },
        )?;
    }
    Ok(row)
}

/// Captures a lead (staff or an integration).
pub fn create_lead(
    conn: &mut PgConnection,
    ctx: &RequestContext,
    new: NewLead,
) -> ApiResult<LeadRow> {
    conn.transaction(|conn| insert_lead(conn, ctx, &new, None))
}

/// Captures a lead from the public portal form: at most `per_hour` from one client address
/// in any hour, beyond which the answer is 429 `rate_limited`.
pub fn create_portal_lead(
    conn: &mut PgConnection,
    ctx: &RequestContext,
    new: NewLead,
    per_hour: i64,
) -> ApiResult<LeadRow> {
    conn.transaction(|conn| {
        // Serialise the count and the insert per address, so a burst cannot slip through.
        diesel::sql_query("SELECT pg_advisory_xact_lock(7301011, hashtext($1))")
            .bind::<Text, _>(&ctx.address)
            .execute(conn)?;
        let window_start = ctx.now - chrono::Duration::hours(1);
        let recent: Vec<chrono::DateTime<chrono::Utc>> = leads::table
            .filter(leads::client_address.eq(&ctx.address))
            .filter(leads::created_at.gt(window_start))
            .order(leads::created_at.asc())
            .select(leads::created_at)
            .load(conn)?;
        if recent.len() as i64 >= per_hour {
            let oldest = recent.first().copied().unwrap_or(ctx.now);
            let retry = (oldest + chrono::Duration::hours(1) - ctx.now).num_seconds();
            return Err(ApiError::rate_limited(retry));
        }
        insert_lead(conn, ctx, &new, Some(&ctx.address))
    })
}

/// Filters of the lead list.
#[derive(Debug, Clone, Default)]
pub struct LeadFilter {
    pub status: Option<String>,
    pub owner_id: Option<i64>,
    pub source: Option<String>,
    /// Part of the name, email or phone.
    pub q: Option<String>,
    /// Only leads with an id below this (the cursor), newest first.
    pub before_id: Option<i64>,
}

/// Leads, newest first, `limit + 1` rows.
pub fn list_leads(
    conn: &mut PgConnection,
    filter: &LeadFilter,
    limit: i64,
) -> ApiResult<Vec<LeadRow>> {
    let mut query = leads::table
        .select(LeadRow::as_select())
        .order(leads::id.desc())
        .limit(limit + 1)
        .into_boxed();
    if let Some(status) = &filter.status {
        query = query.filter(leads::status.eq(status.clone()));
    }
    if let Some(owner) = filter.owner_id {
        query = query.filter(leads::owner_id.eq(owner));
    }
    if let Some(source) = &filter.source {
        query = query.filter(leads::source.eq(source.clone()));
    }
    if let Some(q) = filter.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        let escaped = q
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        let pattern = format!("%{escaped}%");
        let digits: String = q.chars().filter(char::is_ascii_digit).collect();
        // Phones are searched only with at least three digits; fewer would match them all.
        query = if digits.len() >= 3 {
            query.filter(
                leads::name
                    .ilike(pattern.clone())
                    .or(leads::email.ilike(pattern))
                    .or(leads::phone.like(format!("%{digits}%"))),
            )
        } else {
            query.filter(
                leads::name
                    .ilike(pattern.clone())
                    .or(leads::email.ilike(pattern)),
            )
        };
    }
    if let Some(before) = filter.before_id {
        query = query.filter(leads::id.lt(before));
    }
    Ok(query.load(conn)?)
}

/// Another lead or a customer that looks like the same person or place.
#[derive(Debug, Clone, Serialize)]
pub struct Duplicate {
    /// `lead` or `customer`.
    pub kind: &'static str,
    pub id: i64,
    pub name: String,
    pub status: String,
    /// Why: `email`, `phone`, `address`.
    pub reasons: Vec<&'static str>,
}

#[derive(QueryableByName)]
struct DuplicateRow {
    #[diesel(sql_type = Text)]
    kind: String,
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Text)]
    status: String,
    #[diesel(sql_type = Bool)]
    by_email: bool,
    #[diesel(sql_type = Bool)]
    by_phone: bool,
    #[diesel(sql_type = Bool)]
    by_address: bool,
}

/// The `%` operator lets the trigram indexes find candidates (at pg_trgm's default 0.3
/// threshold); `similarity()` then applies ours.
const DUPLICATES_SQL: &str = r#"
WITH me AS (
    SELECT id, email, phone, customer_id,
           address_line1 IS NOT NULL AS has_address,
           lower(coalesce(address_line1, '') || ' ' || coalesce(postal_code, '')) AS address
    FROM leads WHERE id = $1
)
SELECT 'lead' AS kind, l.id, l.name, l.status,
       coalesce(l.email = me.email, false) AS by_email,
       coalesce(l.phone = me.phone, false) AS by_phone,
       (me.has_address AND l.address_line1 IS NOT NULL
        AND similarity(lower(coalesce(l.address_line1, '') || ' ' || coalesce(l.postal_code, '')), me.address) >= $2) AS by_address
FROM leads l, me
WHERE l.id <> me.id
  AND l.status IN ('new', 'contacted', 'qualified')
  AND (l.email = me.email OR l.phone = me.phone
       OR (me.has_address
           AND lower(coalesce(l.address_line1, '') || ' ' || coalesce(l.postal_code, '')) % me.address
           AND similarity(lower(coalesce(l.address_line1, '') || ' ' || coalesce(l.postal_code, '')), me.address) >= $2))
UNION ALL
SELECT 'customer' AS kind, c.id, coalesce(c.company_name, c.name) AS name, c.status,
       (coalesce(lower(c.email) = me.email, false)
        OR EXISTS (SELECT 1 FROM customer_contacts cc WHERE cc.customer_id = c.id AND cc.email = me.email)) AS by_email,
       (coalesce(c.phone = me.phone, false)
        OR EXISTS (SELECT 1 FROM customer_contacts cc WHERE cc.customer_id = c.id AND cc.phone = me.phone)) AS by_phone,
       (me.has_address AND EXISTS (
            SELECT 1 FROM customer_addresses a WHERE a.customer_id = c.id
              AND similarity(lower(a.line1 || ' ' || coalesce(a.postal_code, '')), me.address) >= $2)) AS by_address
FROM customers c, me
WHERE c.id IN (
        SELECT cu.id FROM customers cu WHERE lower(cu.email) = me.email OR cu.phone = me.phone
        UNION SELECT cc.customer_id FROM customer_contacts cc WHERE cc.email = me.email OR cc.phone = me.phone
        UNION SELECT a.customer_id FROM customer_addresses a
              WHERE me.has_address
                AND lower(a.line1 || ' ' || coalesce(a.postal_code, '')) % me.address
                AND similarity(lower(a.line1 || ' ' || coalesce(a.postal_code, '')), me.address) >= $2)
  AND c.id IS DISTINCT FROM me.customer_id
ORDER BY kind DESC, id
LIMIT 20
"#;

/// Open leads and customers that look like this lead (its own customer excluded).
pub fn duplicates_of(conn: &mut PgConnection, lead_id: i64) -> ApiResult<Vec<Duplicate>> {
    let rows: Vec<DuplicateRow> = diesel::sql_query(DUPLICATES_SQL)
        .bind::<BigInt, _>(lead_id)
        .bind::<diesel::sql_types::Float4, _>(ADDRESS_SIMILARITY)
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let mut reasons = Vec::new();
            if r.by_email {
                reasons.push("email");
            }
            if r.by_phone {
                reasons.push("phone");
            }
            if r.by_address {
                reasons.push("address");
            }
            Duplicate {
                kind: if r.kind == "lead" { "lead" } else { "customer" },
                id: r.id,
                name: r.name,
                status: r.status,
                reasons,
            }
        })
        .collect())
}

/// Applies `patch` if the lead is still at `expected_version`.
pub fn update_lead(
    conn: &mut PgConnection,
    ctx: &RequestContext,
    id: i64,
    expected_version: Option<i32>,
    patch: LeadPatch,
) -> ApiResult<LeadRow> {
    conn.transaction(|conn| {
        let before = lock_lead(conn, id)?;
        ensure_editable(&before)?;
        ApiError::check_version("lead", expected_version, before.version)?;
        let from = status_of(&before)?;
        let to = patch.status.unwrap_or(from);
        let reason = patch
            .lost_reason
            .clone()
            .or_else(|| (to == from).then(|| before.lost_reason.clone()).flatten());
        lead::transition(from, false, to, reason.as_deref()).map_err(transition_error)?;
        let lost_reason = (to == LeadStatus::Lost).then_some(reason).flatten();
        let pick = |p: &Option<Option<String>>, b: &Option<String>| p.clone().unwrap_or(b.clone());
        let email = pick(&patch.email, &before.email);
        let phone = pick(&patch.phone, &before.phone);
        let mut errors = Vec::new();
        if email.is_none() && phone.is_none() {
            errors.push(FieldError::new(
                "email",
                "required",
                "a lead needs an email or a phone",
            ));
        }
        let kind = patch.kind.unwrap_or(before.kind.as_str()).to_owned();
        let company_name = pick(&patch.company_name, &before.company_name);
        let interest = patch
            .interest_product_id
            .unwrap_or(before.interest_product_id);
        let owner = patch.owner_id.unwrap_or(before.owner_id);
        check_references(
            conn,
            patch.interest_product_id.flatten(),
            patch.owner_id.flatten(),
            &mut errors,
        )?;
        if !errors.is_empty() {
            return Err(ApiError::validation(errors));
        }
        let after: LeadRow = diesel::update(leads::table.find(id))
            .set((
                (
                    leads::status.eq(to.as_str()),
                    leads::lost_reason.eq(lost_reason.as_deref()),
                    leads::kind.eq(&kind),
                    leads::name.eq(patch.name.as_deref().unwrap_or(&before.name)),
                    leads::company_name.eq(company_name.as_deref()),
                    leads::email.eq(email.as_deref()),
                    leads::phone.eq(phone.as_deref()),
                    leads::address_line1.eq(pick(&patch.address_line1, &before.address_line1)),
                    leads::address_line2.eq(pick(&patch.address_line2, &before.address_line2)),
                    leads::city.eq(pick(&patch.city, &before.city)),
                    leads::region.eq(pick(&patch.region, &before.region)),
                ),
                (
                    leads::postal_code.eq(pick(&patch.postal_code, &before.postal_code)),
                    leads::country.eq(pick(&patch.country, &before.country)),
                    leads::source.eq(patch.source.unwrap_or(&before.source)),
                    leads::interest_product_id.eq(interest),
                    leads::owner_id.eq(owner),
                    leads::serviceability_note.eq(pick(
                        &patch.serviceability_note,
                        &before.serviceability_note,
                    )),
                    leads::version.eq(before.version + 1),
                    leads::updated_at.eq(ctx.now),
                ),
            ))
            .returning(LeadRow::as_returning())
            .get_result(conn)?;
        audit::record(
            conn,
            ctx,
            Change {
                action: if from == to {
                    "lead.updated"
                } else {
                    "lead.status_changed"
                },
                entity_type: "lead",
                entity_id: id.to_string(),
                before: Some(audit::snapshot(&before)?),
                after: Some(audit::snapshot(&after)?),
                customer_id: None,
            },
        )?;
        Ok(after)
    })
}

/// Merges `duplicate_id` into `id`: `id` keeps its values and takes the duplicate's where
/// its own are empty (the address as a whole), the duplicate's interactions move over, and
/// the duplicate becomes `lost` (reason `duplicate`) with `merged_into_id`. Both leads are
/// locked in id order, so two opposite merges cannot deadlock.
pub fn merge_leads(
    conn: &mut PgConnection,
    ctx: &RequestContext,
    id: i64,
    duplicate_id: i64,
) -> ApiResult<LeadRow> {
    if id == duplicate_id {
        return Err(ApiError::validation(vec![FieldError::new(
            "duplicate_id",
            "invalid",
            "a lead cannot be merged into itself",
        )]));
    }
    conn.transaction(|conn| {
        let mut locked: Vec<LeadRow> = leads::table
            .filter(leads::id.eq_any([id, duplicate_id]))
            .order(leads::id.asc())
            .select(LeadRow::as_select())
            .for_update()
            .load(conn)?;
        let position = |lead_id: i64, rows: &[LeadRow]| rows.iter().position(|r| r.id == lead_id);
        let keeper = match position(id, &locked) {
            Some(i) => locked.remove(i),
            None => return Err(ApiError::not_found("lead")),
        };
        let duplicate = match position(duplicate_id, &locked) {
            Some(i) => locked.remove(i),
            None => {
                return Err(ApiError::validation(vec![FieldError::new(
                    "duplicate_id",
                    "not_found",
                    "no such lead",
                )]))
            }
        };
        for lead in [&keeper, &duplicate] {
            ensure_editable(lead)?;
            if !status_of(lead)?.is_open() {
                return Err(ApiError::conflict(
                    "invalid_transition",
                    format!(
                        "lead {} is {}; only open leads are merged",
                        lead.id, lead.status
                    ),
                ));
            }
        }
        let take_address = keeper.address_line1.is_none() && duplicate.address_line1.is_some();
        let or = |k: &Option<String>, d: &Option<String>| k.clone().or_else(|| d.clone());
        let addr = |k: &Option<String>, d: &Option<String>| {
            if take_address {
                d.clone()
            } else {
                k.clone()
            }
        };
        let after: LeadRow = diesel::update(leads::table.find(id))
            .set((
                (
                    leads::company_name.eq(or(&keeper.company_name, &duplicate.company_name)),
                    leads::email.eq(or(&keeper.email, &duplicate.email)),
                    leads::phone.eq(or(&keeper.phone, &duplicate.phone)),
                    leads::address_line1.eq(addr(&keeper.address_line1, &duplicate.address_line1)),
                    leads::address_line2.eq(addr(&keeper.address_line2, &duplicate.address_line2)),
                    leads::city.eq(addr(&keeper.city, &duplicate.city)),
                    leads::region.eq(addr(&keeper.region, &duplicate.region)),
                    leads::postal_code.eq(addr(&keeper.postal_code, &duplicate.postal_code)),
                    leads::country.eq(addr(&keeper.country, &duplicate.country)),
                ),
                (
                    leads::interest_product_id
                        .eq(keeper.interest_product_id.or(duplicate.interest_product_id)),
                    leads::owner_id.eq(keeper.owner_id.or(duplicate.owner_id)),
                    leads::serviceability_note.eq(or(
                        &keeper.serviceability_note,
                        &duplicate.serviceability_note,
                    )),
                    leads::version.eq(keeper.version + 1),
                    leads::updated_at.eq(ctx.now),
                ),
            ))
            .returning(LeadRow::as_returning())
            .get_result(conn)?;
        let moved =
            diesel::update(interactions::table.filter(interactions::lead_id.eq(duplicate_id)))
                .set(interactions::lead_id.eq(id))
                .execute(conn)?;
        let merged: LeadRow = diesel::update(leads::table.find(duplicate_id))
            .set((
                leads::status.eq("lost"),
                leads::lost_reason.eq("duplicate"),
                leads::merged_into_id.eq(id),
                leads::version.eq(duplicate.version + 1),
                leads::updated_at.eq(ctx.now),
            ))
            .returning(LeadRow::as_returning())
            .get_result(conn)?;
        let mut after_json = audit::snapshot(&after)?;
        after_json["merged_lead_id"] = duplicate_id.into();
        after_json["moved_interactions"] = moved.into();
        audit::record(
            conn,
            ctx,
            Change {
                action: "lead.merged",
                entity_type: "lead",
                entity_id: id.to_string(),
                before: Some(audit::snapshot(&keeper)?),
                after: Some(after_json),
                customer_id: None,
            },
        )?;
        audit::record(
            conn,
            ctx,
            Change {
                action: "lead.merged_away",
                entity_type: "lead",
                entity_id: duplicate_id.to_string(),
                before: Some(audit::snapshot(&duplicate)?),
                after: Some(audit::snapshot(&merged)?),
                customer_id: None,
            },
        )?;
        Ok(after)
    })
}

/// What a conversion may set beyond what the lead knows.
#[derive(Debug, Clone, Default)]
pub struct Conversion {
    pub class: Option<ClassRef>,
    pub billing: BillingInput,
    /// Defaults to the lead's address.
    pub billing_address: Option<AddressInput>,
    /// Opens a draft order on this channel.
    pub create_order: Option<Channel>,
    pub order_notes: Option<String>,
}

/// Converts an open lead into a customer in one transaction: the customer (with the lead's
/// address as service and billing address when it is complete), the lead `won` and linked,
/// its interactions shown on the customer, and optionally a draft order. Returns the
/// customer and the order id.
pub fn convert_lead(
    conn: &mut PgConnection,
    ctx: &RequestContext,
    id: i64,
    conversion: Conversion,
) -> ApiResult<(CustomerRow, Option<i64>)> {
    conn.transaction(|conn| {
        let lead_row = lock_lead(conn, id)?;
        lead::conversion(status_of(&lead_row)?, lead_row.merged_into_id.is_some())
            .map_err(transition_error)?;
        let service_address = match (&lead_row.address_line1, &lead_row.city, &lead_row.country) {
            (Some(line1), Some(city), Some(country)) => Some(AddressInput {
                kind: "service",
                line1: line1.clone(),
                line2: lead_row.address_line2.clone(),
                city: city.clone(),
                region: lead_row.region.clone(),
                postal_code: lead_row.postal_code.clone(),
                country: country.clone(),
            }),
            _ => None,
        };
        let billing_address = conversion.billing_address.clone().or_else(|| {
            service_address.clone().map(|a| AddressInput {
                kind: "billing",
                ..a
            })
        });
        let customer = customers::create_customer(
            conn,
            ctx,
            NewCustomer {
                kind: if lead_row.kind == "business" {
                    "business"
                } else {
                    "residential"
                },
                name: lead_row.name.clone(),
                company_name: lead_row.company_name.clone(),
                tax_id: None,
                class: conversion.class.clone(),
                email: lead_row.email.clone(),
                phone: lead_row.phone.clone(),
                service_address,
                billing_address,
                billing: conversion.billing.clone(),
            },
        )?;
        let after: LeadRow = diesel::update(leads::table.find(id))
            .set((
                leads::status.eq("won"),
                leads::lost_reason.eq(None::<String>),
                leads::customer_id.eq(customer.id),
                leads::converted_at.eq(ctx.now),
                leads::version.eq(lead_row.version + 1),
                leads::updated_at.eq(ctx.now),
            ))
            .returning(LeadRow::as_returning())
            .get_result(conn)?;
        diesel::update(interactions::table.filter(interactions::lead_id.eq(id)))
            .set(interactions::customer_id.eq(customer.id))
            .execute(conn)?;
        audit::record(
            conn,
            ctx,
            Change {
                action: "lead.converted",
                entity_type: "lead",
                entity_id: id.to_string(),
                before: Some(audit::snapshot(&lead_row)?),
                after: Some(audit::snapshot(&after)?),
                customer_id: Some(customer.id),
            },
        )?;
        let order_id = match conversion.create_order {
            Some(channel) => Some(orders::create_draft(
                conn,
                ctx,
                customer.id,
                Some(id),
                channel,
                conversion.order_notes.as_deref(),
            )?),
            None => None,
        };
        Ok((customer, order_id))
    })
}

/// Logs an interaction (a note, a call) on an open or lost lead.
pub fn log_lead_interaction(
    conn: &mut PgConnection,
    ctx: &RequestContext,
    lead_id: i64,
    new: NewInteraction,
) -> ApiResult<InteractionWithAgent> {
    conn.transaction(|conn| {
        let lead_row = lock_lead(conn, lead_id)?;
        ensure_editable(&lead_row)?;
        let row =
            customers::insert_interaction(conn, ctx, InteractionOf::Lead(lead_id), None, &new)?;
        let agent = customers::agent_name(conn, row.agent_id)?;
        Ok((row, agent))
    })
}
