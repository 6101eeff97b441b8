//! Leads: capture, the pipeline (new → contacted → qualified → won | lost), notes,
//! duplicates and merging, conversion into a customer; and the public portal form.

use actix_web::{get, patch, post, web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;

use super::customers::{
    api_enum, interaction_page, validated, AddressKind, BillingPreferencesRequest, Check,
    ClassSelector, CreateInteractionRequest, Customer, CustomerKind, Interaction, InteractionPage,
    InteractionQuery,
};
use super::{etag, if_match, nullable, FieldErrors};
use crate::db::leads::LeadRow;
use crate::db::{self};
use crate::domain::lead::LeadStatus as Status;
use crate::error::{ApiResult, Problem};
use crate::extract::Json;
use crate::pagination;
use crate::services::customers::{self as customer_service, ClassRef, InteractionOf};
use crate::services::leads::{
    self as service, Conversion, Duplicate, LeadAddress, LeadFilter, LeadPatch, NewLead,
};
use crate::services::orders::Channel;
use crate::state::{RequestContext, State};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_leads)
        .service(create_lead)
        .service(get_lead)
        .service(update_lead)
        .service(list_lead_interactions)
        .service(log_lead_interaction)
        .service(list_duplicates)
        .service(merge_lead)
        .service(convert_lead)
        .service(submit_portal_lead);
}

api_enum!(LeadStatus { New => "new", Contacted => "contacted", Qualified => "qualified", Won => "won", Lost => "lost" });
api_enum!(LeadSource {
    Phone => "phone", Web => "web", Portal => "portal", Api => "api", Referral => "referral",
    WalkIn => "walk_in", Partner => "partner", Event => "event", Other => "other"
});
api_enum!(DuplicateKind { Lead => "lead", Customer => "customer" });
api_enum!(DuplicateReason { Email => "email", Phone => "phone", Address => "address" });
api_enum!(OrderChannel { CallCenter => "call_center", SelfService => "self_service", InPerson => "in_person", Api => "api" });

impl LeadStatus {
    fn domain(self) -> Status {
        Status::parse(self.as_str()).unwrap_or(Status::New)
    }
}

/// Another open lead or a customer that looks like the same prospect.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct LeadDuplicate {
    pub kind: DuplicateKind,
    pub id: i64,
    pub name: String,
    pub status: String,
    /// What matched: the same email, the same phone, a similar address.
    pub reasons: Vec<DuplicateReason>,
}

impl From<Duplicate> for LeadDuplicate {
    fn from(d: Duplicate) -> Self {
        LeadDuplicate {
            kind: DuplicateKind::from_db(d.kind),
            id: d.id,
            name: d.name,
            status: d.status,
            reasons: d
                .reasons
                .into_iter()
                .map(DuplicateReason::from_db)
                .collect(),
        }
    }
}

/// A prospect.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Lead {
    pub id: i64,
    pub status: LeadStatus,
    /// Why it was lost (`duplicate` when merged into another lead).
    pub lost_reason: Option<String>,
    pub kind: CustomerKind,
    pub name: String,
    pub company_name: Option<String>,
    pub email: Option<String>,
    /// E.164.
    pub phone: Option<String>,
    pub address_line1: Option<String>,
    pub address_line2: Option<String>,
    pub city: Option<String>,
    pub region: Option<String>,
    pub postal_code: Option<String>,
    pub country: Option<String>,
    pub source: LeadSource,
    /// The plan or add-on the prospect is interested in.
    pub interest_product_id: Option<i64>,
    /// The staff user who works the lead.
    pub owner_id: Option<i64>,
    pub serviceability_note: Option<String>,
    /// The customer it was converted into.
    pub customer_id: Option<i64>,
    pub converted_at: Option<DateTime<Utc>>,
    /// The lead it was merged into.
    pub merged_into_id: Option<i64>,
    /// Increases with every change; send it back as `If-Match` to update.
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// On `GET /leads/{id}` only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub possible_duplicates: Option<Vec<LeadDuplicate>>,
}

impl From<LeadRow> for Lead {
    fn from(r: LeadRow) -> Self {
        Lead {
            id: r.id,
            status: LeadStatus::from_db(&r.status),
            lost_reason: r.lost_reason,
            kind: CustomerKind::from_db(&r.kind),
            name: r.name,
            company_name: r.company_name,
            email: r.email,
            phone: r.phone,
            address_line1: r.address_line1,
            address_line2: r.address_line2,
            city: r.city,
            region: r.region,
            postal_code: r.postal_code,
            country: r.country,
            source: LeadSource::from_db(&r.source),
            interest_product_id: r.interest_product_id,
            owner_id: r.owner_id,
            serviceability_note: r.serviceability_note,
            customer_id: r.customer_id,
            converted_at: r.converted_at,
            merged_into_id: r.merged_into_id,
            version: r.version,
            created_at: r.created_at,
            updated_at: r.updated_at,
            possible_duplicates: None,
        }
    }
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct LeadPage {
    pub items: Vec<Lead>,
    /// Pass as `cursor` to get the next page; null on the last page.
    pub next_cursor: Option<String>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct DuplicateList {
    pub items: Vec<LeadDuplicate>,
}

/// A new lead: a name and an email or a phone at least.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateLeadRequest {
    /// Default `residential`.
    pub kind: Option<CustomerKind>,
    #[schema(example = "Ana Lima")]
    pub name: String,
    pub company_name: Option<String>,
    #[schema(format = Email)]
    pub email: Option<String>,
    #[schema(example = "(555) 010-0101")]
    pub phone: Option<String>,
    pub address_line1: Option<String>,
    pub address_line2: Option<String>,
    pub city: Option<String>,
    pub region: Option<String>,
    pub postal_code: Option<String>,
    /// ISO 3166-1 alpha-2.
    pub country: Option<String>,
    pub source: LeadSource,
    /// An active plan or add-on.
    pub interest_product_id: Option<i64>,
    /// Defaults to the calling staff user.
    pub owner_id: Option<i64>,
    pub serviceability_note: Option<String>,
    /// A first note, logged as an interaction.
    pub note: Option<String>,
}

/// Fields to change; absent fields stay, `null` clears an optional one. `status` moves the
/// lead through its pipeline (`lost` needs `lost_reason`; `won` only by converting).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateLeadRequest {
    pub kind: Option<CustomerKind>,
    pub name: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub company_name: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub email: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub phone: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub address_line1: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub address_line2: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub city: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub region: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub postal_code: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub country: Option<Option<String>>,
    pub source: Option<LeadSource>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<i64>)]
    pub interest_product_id: Option<Option<i64>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<i64>)]
    pub owner_id: Option<Option<i64>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub serviceability_note: Option<Option<String>>,
    pub status: Option<LeadStatus>,
    pub lost_reason: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct LeadListQuery {
    /// Items per page, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    #[param(inline)]
    pub status: Option<LeadStatus>,
    /// Owner's user id.
    pub owner: Option<i64>,
    #[param(inline)]
    pub source: Option<LeadSource>,
    /// Part of the name or email, or digits of the phone.
    pub q: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MergeLeadRequest {
    /// The lead to merge into this one; it becomes `lost` (`duplicate`).
    pub duplicate_id: i64,
}

/// What to set when converting; everything else comes from the lead.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConvertLeadRequest {
    /// Defaults to the class named like the lead's kind.
    pub class: Option<ClassSelector>,
    pub billing: Option<BillingPreferencesRequest>,
    /// Defaults to the lead's address (also used as the service address).
    pub billing_address: Option<super::customers::AddressRequest>,
    /// Open a draft order for the new customer.
    #[serde(default)]
    pub create_order: bool,
    /// The draft order's channel; default `call_center` for staff, `api` for integrations.
    pub channel: Option<OrderChannel>,
    pub order_notes: Option<String>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ConversionResult {
    pub customer: Customer,
    /// The draft order, when one was asked for.
    pub order_id: Option<i64>,
}

/// The public portal's "check availability / call me back" form.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PortalLeadRequest {
    pub name: String,
    #[schema(format = Email)]
    pub email: Option<String>,
    pub phone: Option<String>,
    pub address_line1: Option<String>,
    pub city: Option<String>,
    pub postal_code: Option<String>,
    pub interest_product_id: Option<i64>,
    #[schema(max_length = 2000)]
    pub message: Option<String>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct PortalLeadReceipt {
    /// Always true: we will be in touch.
    pub received: bool,
}

fn lead_response(row: LeadRow) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header(etag(row.version))
        .json(Lead::from(row))
}

fn address_of(check: &mut Check<'_>, body: &CreateLeadRequest) -> LeadAddress {
    LeadAddress {
        line1: check.optional_line("address_line1", body.address_line1.as_deref(), 200),
        line2: check.optional_line("address_line2", body.address_line2.as_deref(), 200),
        city: check.optional_line("city", body.city.as_deref(), 100),
        region: check.optional_line("region", body.region.as_deref(), 100),
        postal_code: check.postal_code("postal_code", body.postal_code.as_deref()),
        country: body
            .country
            .as_deref()
            .filter(|c| !c.trim().is_empty())
            .and_then(|c| check.country("country", c)),
    }
}

/// List leads, newest first.
#[utoipa::path(
    tag = "leads",
    params(LeadListQuery),
    responses(
        (status = 200, description = "A page of leads", body = LeadPage),
        (status = 400, description = "`invalid_query`, `invalid_cursor`", body = Problem),
    )
)]
#[get("/leads")]
pub async fn list_leads(
    state: State,
    query: web::Query<LeadListQuery>,
) -> ApiResult<web::Json<LeadPage>> {
    let query = query.into_inner();
    let limit = pagination::limit(query.limit)?;
    let filter = LeadFilter {
        status: query.status.map(|s| s.as_str().to_owned()),
        owner_id: query.owner,
        source: query.source.map(|s| s.as_str().to_owned()),
        q: query.q,
        before_id: pagination::decode_cursor(query.cursor.as_deref())?,
    };
    let rows = db::run(&state.pool, move |conn| {
        service::list_leads(conn, &filter, limit)
    })
    .await?;
    let (rows, next_cursor) = pagination::page(rows, limit, |l| l.id);
    Ok(web::Json(LeadPage {
        items: rows.into_iter().map(Lead::from).collect(),
        next_cursor,
    }))
}

/// Capture a lead. The owner defaults to the calling staff user.
#[utoipa::path(
    tag = "leads",
    request_body = CreateLeadRequest,
    responses(
        (status = 201, description = "Created", body = Lead),
        (status = 422, description = "`validation_failed`", body = Problem),
    )
)]
#[post("/leads")]
pub async fn create_lead(
    state: State,
    ctx: RequestContext,
    body: Json<CreateLeadRequest>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    let mut errors = FieldErrors::default();
    let mut check = Check {
        errors: &mut errors,
        calling_code: &state.config.default_calling_code,
    };
    let name = check.name("name", &body.name);
    let company_name = check.optional_line("company_name", body.company_name.as_deref(), 200);
    let email = check.optional_email("email", body.email.as_deref());
    let phone = check.optional_phone("phone", body.phone.as_deref());
    let address = address_of(&mut check, &body);
    let note = check.optional_line(
        "serviceability_note",
        body.serviceability_note.as_deref(),
        2000,
    );
    let first_note = check.optional_line("note", body.note.as_deref(), 4000);
    errors.finish()?;
    let new = NewLead {
        kind: body.kind.unwrap_or(CustomerKind::Residential).as_str(),
        name: validated(name)?,
        company_name,
        email,
        phone,
        address,
        source: body.source.as_str(),
        interest_product_id: body.interest_product_id,
        owner_id: body.owner_id,
        serviceability_note: note,
        note: first_note,
    };
    let row = db::run(&state.pool, move |conn| {
        service::create_lead(conn, &ctx, new)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/leads/{}", row.id)))
        .insert_header(etag(row.version))
        .json(Lead::from(row)))
}

/// Get a lead with its possible duplicates, and its version as the `ETag`.
#[utoipa::path(
    tag = "leads",
    params(("id" = i64, Path, description = "Lead id")),
    responses(
        (status = 200, description = "The lead", body = Lead),
        (status = 404, description = "`not_found`", body = Problem),
    )
)]
#[get("/leads/{id}")]
pub async fn get_lead(state: State, id: web::Path<i64>) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let (row, duplicates) = db::run(&state.pool, move |conn| {
        let row = service::find_lead(conn, id)?;
        let duplicates = service::duplicates_of(conn, id)?;
        Ok((row, duplicates))
    })
    .await?;
    let version = row.version;
    let mut lead = Lead::from(row);
    lead.possible_duplicates = Some(duplicates.into_iter().map(LeadDuplicate::from).collect());
    Ok(HttpResponse::Ok().insert_header(etag(version)).json(lead))
}

/// Change a lead's fields or move it through the pipeline.
///
/// Send the `ETag` you read as `If-Match`. A converted lead is read-only (409
/// `lead_converted`), so is one merged into another (409 `lead_merged`); a move the pipeline
/// does not allow is 409 `invalid_transition`.
#[utoipa::path(
    tag = "leads",
    params(
        ("id" = i64, Path, description = "Lead id"),
        ("If-Match" = Option<String>, Header, description = "The lead's ETag, e.g. `\"3\"`"),
    ),
    request_body = UpdateLeadRequest,
    responses(
        (status = 200, description = "Updated", body = Lead),
        (status = 400, description = "`invalid_if_match`", body = Problem),
        (status = 404, description = "`not_found`", body = Problem),
        (status = 409, description = "`version_conflict`, `lead_converted`, `lead_merged`, `invalid_transition`", body = Problem),
        (status = 422, description = "`validation_failed`", body = Problem),
    )
)]
#[patch("/leads/{id}")]
pub async fn update_lead(
    state: State,
    ctx: RequestContext,
    req: HttpRequest,
    id: web::Path<i64>,
    body: Json<UpdateLeadRequest>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let expected_version = if_match(&req, "lead")?;
    let b = body.into_inner();
    let mut errors = FieldErrors::default();
    let mut check = Check {
        errors: &mut errors,
        calling_code: &state.config.default_calling_code,
    };
    let name = b.name.as_deref().map(|n| check.name("name", n));
    let line = |check: &mut Check<'_>, field: &str, v: &Option<Option<String>>, max| {
        v.as_ref()
            .map(|v| check.optional_line(field, v.as_deref(), max))
    };
    let company_name = line(&mut check, "company_name", &b.company_name, 200);
    let address_line1 = line(&mut check, "address_line1", &b.address_line1, 200);
    let address_line2 = line(&mut check, "address_line2", &b.address_line2, 200);
    let city = line(&mut check, "city", &b.city, 100);
    let region = line(&mut check, "region", &b.region, 100);
    let serviceability_note = line(
        &mut check,
        "serviceability_note",
        &b.serviceability_note,
        2000,
    );
    let email = b
        .email
        .as_ref()
        .map(|e| check.optional_email("email", e.as_deref()));
    let phone = b
        .phone
        .as_ref()
        .map(|p| check.optional_phone("phone", p.as_deref()));
    let postal_code = b
        .postal_code
        .as_ref()
        .map(|p| check.postal_code("postal_code", p.as_deref()));
    let country = b.country.as_ref().map(|c| {
        c.as_deref()
            .filter(|c| !c.trim().is_empty())
            .and_then(|c| check.country("country", c))
    });
    let lost_reason = b
        .lost_reason
        .as_deref()
        .filter(|r| !r.trim().is_empty())
        .and_then(|r| check.line("lost_reason", r, 200));
    errors.finish()?;
    let patch = LeadPatch {
        kind: b.kind.map(CustomerKind::as_str),
        name: name.map(validated).transpose()?,
        company_name,
        email,
        phone,
        address_line1,
        address_line2,
        city,
        region,
        postal_code,
        country,
        source: b.source.map(LeadSource::as_str),
        interest_product_id: b.interest_product_id,
        owner_id: b.owner_id,
        serviceability_note,
        status: b.status.map(LeadStatus::domain),
        lost_reason,
    };
    let row = db::run(&state.pool, move |conn| {
        service::update_lead(conn, &ctx, id, expected_version, patch)
    })
    .await?;
    Ok(lead_response(row))
}

/// A lead's notes and interactions, newest first.
#[utoipa::path(
    tag = "leads",
    params(("id" = i64, Path, description = "Lead id"), InteractionQuery),
    responses(
        (status = 200, description = "A page of interactions", body = InteractionPage),
        (status = 400, description = "`invalid_query`, `invalid_cursor`", body = Problem),
        (status = 404, description = "`not_found`", body = Problem),
    )
)]
#[get("/leads/{id}/interactions")]
pub async fn list_lead_interactions(
    state: State,
    id: web::Path<i64>,
    query: web::Query<InteractionQuery>,
) -> ApiResult<web::Json<InteractionPage>> {
    interaction_page(
        &state,
        InteractionOf::Lead(id.into_inner()),
        query.into_inner(),
    )
    .await
}

/// Add a note or log a call, email or visit on a lead.
#[utoipa::path(
    tag = "leads",
    params(("id" = i64, Path, description = "Lead id")),
    request_body = CreateInteractionRequest,
    responses(
        (status = 201, description = "Logged", body = Interaction),
        (status = 404, description = "`not_found`", body = Problem),
        (status = 409, description = "`lead_converted`, `lead_merged`", body = Problem),
        (status = 422, description = "`validation_failed`", body = Problem),
    )
)]
#[post("/leads/{id}/interactions")]
pub async fn log_lead_interaction(
    state: State,
    ctx: RequestContext,
    id: web::Path<i64>,
    body: Json<CreateInteractionRequest>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let mut errors = FieldErrors::default();
    let new = Check {
        errors: &mut errors,
        calling_code: &state.config.default_calling_code,
    }
    .interaction(body.into_inner());
    errors.finish()?;
    let new = validated(new)?;
    let row = db::run(&state.pool, move |conn| {
        service::log_lead_interaction(conn, &ctx, id, new)
    })
    .await?;
    Ok(HttpResponse::Created().json(Interaction::from(row)))
}

/// Open leads and customers that look like this lead: the same email, the same phone, or
/// an address at least 60% similar (trigram similarity of street and postal code).
#[utoipa::path(
    tag = "leads",
    params(("id" = i64, Path, description = "Lead id")),
    responses(
        (status = 200, description = "Possible duplicates", body = DuplicateList),
        (status = 404, description = "`not_found`", body = Problem),
    )
)]
#[get("/leads/{id}/duplicates")]
pub async fn list_duplicates(
    state: State,
    id: web::Path<i64>,
) -> ApiResult<web::Json<DuplicateList>> {
    let id = id.into_inner();
    let items = db::run(&state.pool, move |conn| {
        service::find_lead(conn, id)?;
        service::duplicates_of(conn, id)
    })
    .await?;
    Ok(web::Json(DuplicateList {
        items: items.into_iter().map(LeadDuplicate::from).collect(),
    }))
}

/// Merge a duplicate lead into this one.
///
/// This lead keeps its values and takes the duplicate's where its own are empty; the
/// duplicate's interactions move here; the duplicate becomes `lost` (reason `duplicate`)
/// with `merged_into_id`. Both must be open.
#[utoipa::path(
    tag = "leads",
    params(("id" = i64, Path, description = "The lead that stays")),
    request_body = MergeLeadRequest,
    responses(
        (status = 200, description = "The merged lead", body = Lead),
        (status = 404, description = "`not_found`", body = Problem),
        (status = 409, description = "`lead_converted`, `lead_merged`, `invalid_transition`", body = Problem),
        (status = 422, description = "`validation_failed`", body = Problem),
    )
)]
#[post("/leads/{id}/merge")]
pub async fn merge_lead(
    state: State,
    ctx: RequestContext,
    id: web::Path<i64>,
    body: Json<MergeLeadRequest>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let duplicate_id = body.into_inner().duplicate_id;
    let row = db::run(&state.pool, move |conn| {
        service::merge_leads(conn, &ctx, id, duplicate_id)
    })
    .await?;
    Ok(lead_response(row))
}

/// Convert an open lead into a customer.
///
/// In one transaction: the customer is created from the lead (its address becomes the
/// service address and, unless another is given, the billing address), the lead becomes
/// `won` and links to it both ways, its interactions show on the customer, and with
/// `create_order` a draft order is opened. A second conversion is 409 `lead_converted`; a
/// lost lead cannot be converted (409 `invalid_transition`).
#[utoipa::path(
    tag = "leads",
    params(("id" = i64, Path, description = "Lead id")),
    request_body = ConvertLeadRequest,
    responses(
        (status = 201, description = "Converted", body = ConversionResult),
        (status = 404, description = "`not_found`", body = Problem),
        (status = 409, description = "`lead_converted`, `lead_merged`, `invalid_transition`", body = Problem),
        (status = 422, description = "`validation_failed`", body = Problem),
    )
)]
#[post("/leads/{id}/convert")]
pub async fn convert_lead(
    state: State,
    ctx: RequestContext,
    id: web::Path<i64>,
    body: Json<ConvertLeadRequest>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let b = body.into_inner();
    let mut errors = FieldErrors::default();
    let mut check = Check {
        errors: &mut errors,
        calling_code: &state.config.default_calling_code,
    };
    let billing = check.billing(&b.billing.unwrap_or_default());
    let billing_address = b
        .billing_address
        .as_ref()
        .map(|a| check.address("billing_address.", AddressKind::Billing, a));
    let order_notes = check.optional_line("order_notes", b.order_notes.as_deref(), 2000);
    errors.finish()?;
    let is_integration = matches!(ctx.actor.role(), Some(crate::auth::Role::Integration));
    let channel = match b.channel {
        Some(OrderChannel::CallCenter) => Channel::CallCenter,
        Some(OrderChannel::SelfService) => Channel::SelfService,
        Some(OrderChannel::InPerson) => Channel::InPerson,
        Some(OrderChannel::Api) => Channel::Api,
        None if is_integration => Channel::Api,
        None => Channel::CallCenter,
    };
    let conversion = Conversion {
        class: b.class.map(ClassRef::from),
        billing,
        billing_address: billing_address.map(validated).transpose()?,
        create_order: b.create_order.then_some(channel),
        order_notes,
    };
    let (detail, order_id) = db::run(&state.pool, move |conn| {
        let (customer, order_id) = service::convert_lead(conn, &ctx, id, conversion)?;
        Ok((
            customer_service::customer_detail(conn, customer.id)?,
            order_id,
        ))
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((
            "Location",
            format!("/api/v1/customers/{}", detail.customer.id),
        ))
        .json(ConversionResult {
            customer: Customer::from(detail),
            order_id,
        }))
}

/// The public portal form: a prospect leaves a name, an email or phone, an address and a
/// message. No token needed; at most `PORTAL_LEADS_PER_HOUR` (default 10) per client address
/// per hour, beyond which the answer is 429 `rate_limited` with `Retry-After`.
#[utoipa::path(
    tag = "portal",
    request_body = PortalLeadRequest,
    responses(
        (status = 202, description = "Received", body = PortalLeadReceipt),
        (status = 422, description = "`validation_failed`", body = Problem),
        (status = 429, description = "`rate_limited`", body = Problem),
    )
)]
#[post("/portal/leads")]
pub async fn submit_portal_lead(
    state: State,
    ctx: RequestContext,
    body: Json<PortalLeadRequest>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    let mut errors = FieldErrors::default();
    let mut check = Check {
        errors: &mut errors,
        calling_code: &state.config.default_calling_code,
    };
    let name = check.name("name", &b.name);
    let email = check.optional_email("email", b.email.as_deref());
    let phone = check.optional_phone("phone", b.phone.as_deref());
    let line1 = check.optional_line("address_line1", b.address_line1.as_deref(), 200);
    let city = check.optional_line("city", b.city.as_deref(), 100);
    let postal_code = check.postal_code("postal_code", b.postal_code.as_deref());
    let message = check.optional_line("message", b.message.as_deref(), 2000);
    errors.finish()?;
    let new = NewLead {
        kind: "residential",
        name: validated(name)?,
        company_name: None,
        email,
        phone,
        address: LeadAddress {
            line1,
            city,
            postal_code,
            ..LeadAddress::default()
        },
        source: "portal",
        interest_product_id: b.interest_product_id,
        owner_id: None,
        serviceability_note: None,
        note: message,
    };
    let per_hour = state.config.portal_leads_per_hour;
    db::run(&state.pool, move |conn| {
        service::create_portal_lead(conn, &ctx, new, per_hour)
    })
    .await?;
    Ok(HttpResponse::Accepted().json(PortalLeadReceipt { received: true }))
}
