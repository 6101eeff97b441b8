//! Demo leads in every status (two of them duplicates of each other, one won and linked to
//! a demo customer), and the demo customers' addresses, contacts and a few interactions.
//! Written through the services, so every row has its audit entry and timeline event.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::PgConnection;

use crate::db::models::CustomerRow;
use crate::db::schema::{interactions, leads, products, users};
use crate::domain::lead::LeadStatus;
use crate::error::ApiError;
use crate::services::audit::{self, Actor, Change};
use crate::services::customers::{self, AddressInput, ContactInput, NewInteraction};
use crate::services::leads::{self as lead_service, LeadAddress, LeadPatch, NewLead};
use crate::state::RequestContext;

/// Streets of the demo customers, in the order of `super::CUSTOMERS`.
const STREETS: &[(&str, &str)] = &[
    ("14 Maple Avenue", "62701"),
    ("230 Lakeview Drive", "62702"),
    ("7 Via Roma Court", "62703"),
    ("91 Birch Street", "62704"),
    ("5 Linden Way", "62701"),
    ("1200 Industrial Parkway", "62707"),
    ("88 Main Street, Suite 4", "62701"),
    ("3 Cedar Close", "62702"),
];

struct DemoLead {
    name: &'static str,
    kind: &'static str,
    company: Option<&'static str>,
    email: Option<&'static str>,
    phone: Option<&'static str>,
    street: Option<(&'static str, &'static str)>,
    source: &'static str,
    status: LeadStatus,
    lost_reason: Option<&'static str>,
    note: Option<&'static str>,
}

const LEADS: &[DemoLead] = &[
    DemoLead {
        name: "Ivy Chen",
        kind: "residential",
        company: None,
        email: Some("ivy.chen@example.net"),
        phone: None,
        street: Some(("48 Orchard Lane", "62702")),
        source: "web",
        status: LeadStatus::New,
        lost_reason: None,
        note: Some("Asked on the website whether fiber reaches Orchard Lane"),
    },
    DemoLead {
        name: "I. Chen",
        kind: "residential",
        company: None,
        email: Some("ivy.chen@example.net"),
        phone: Some("+15550100301"),
        street: Some(("48 Orchard Ln", "62702")),
        source: "portal",
        status: LeadStatus::New,
        lost_reason: None,
        note: Some("Portal form: please call me back in the evening"),
    },
    DemoLead {
        name: "Jonas Berg",
        kind: "residential",
        company: None,
        email: Some("jonas.berg@example.net"),
        phone: Some("+15550100302"),
        street: Some(("17 Willow Road", "62704")),
        source: "phone",
        status: LeadStatus::Contacted,
        lost_reason: None,
        note: Some("Called: works from home, wants 300 Mbit/s; will compare offers"),
    },
    DemoLead {
        name: "Keiko Sato",
        kind: "business",
        company: Some("Sato Design Studio"),
        email: Some("keiko@satodesign.example"),
        phone: Some("+15550100303"),
        street: Some(("410 Market Street", "62701")),
        source: "referral",
        status: LeadStatus::Qualified,
        lost_reason: None,
        note: Some("Site survey done: building is on net, needs a static IP"),
    },
    DemoLead {
        name: "Liam Walsh",
        kind: "residential",
        company: None,
        email: None,
        phone: Some("+15550100304"),
        street: Some(("2 Quarry Hill", "62799")),
        source: "event",
        status: LeadStatus::Lost,
        lost_reason: Some("No coverage at the address"),
        note: None,
    },
];

fn street_of(index: usize) -> AddressInput {
    let (line1, postal) = STREETS[index % STREETS.len()];
    AddressInput {
        kind: "service",
        line1: line1.to_owned(),
        line2: None,
        city: "Springfield".to_owned(),
        region: Some("IL".to_owned()),
        postal_code: Some(postal.to_owned()),
        country: "US".to_owned(),
    }
}

/// Seeds the leads and the customers' details; returns the number of leads.
pub fn seed(
    conn: &mut PgConnection,
    now: DateTime<Utc>,
    customers_seeded: &[CustomerRow],
) -> anyhow::Result<usize> {
    let ctx = RequestContext {
        actor: Actor::System,
        request_id: None,
        now,
        address: "demo".to_owned(),
    };
    let owner: Option<i64> = users::table
        .filter(users::role.eq("admin"))
        .order(users::id.asc())
        .select(users::id)
        .first(conn)
        .optional()?;
    let plan: Option<i64> = products::table
        .filter(products::kind.eq("plan"))
        .filter(products::retired_at.is_null())
        .order(products::id.asc())
        .select(products::id)
        .first(conn)
        .optional()?;
    let fail = |e: ApiError| anyhow::anyhow!("demo seed: {e}");

    for (i, customer) in customers_seeded.iter().enumerate() {
        let service = street_of(i);
        customers::add_address(conn, &ctx, customer.id, service.clone()).map_err(fail)?;
        if customer.kind == "business" {
            customers::add_address(
                conn,
                &ctx,
                customer.id,
                AddressInput {
                    kind: "billing",
                    line1: "PO Box 4410".to_owned(),
                    ..service
                },
            )
            .map_err(fail)?;
            customers::add_contact(
                conn,
                &ctx,
                customer.id,
                ContactInput {
                    name: "Accounts payable".to_owned(),
                    role: "billing",
                    email: customer
                        .email
                        .as_deref()
                        .and_then(|e| e.split_once('@'))
                        .map(|(_, domain)| format!("billing@{domain}")),
                    phone: None,
                },
            )
            .map_err(fail)?;
        }
        let note = match i {
            0 => Some((
                "call",
                "inbound",
                "Asked why the last bill was higher; explained the promo ended",
            )),
            1 => Some(("email", "outbound", "Sent the router setup guide")),
            5 => Some((
                "visit",
                "outbound",
                "Technician checked the office wiring; all good",
            )),
            _ => None,
        };
        if let Some((channel, direction, summary)) = note {
            customers::log_interaction(
                conn,
                &ctx,
                customer.id,
                NewInteraction {
                    channel,
                    direction,
                    summary: summary.to_owned(),
                    outcome: None,
                    follow_up_on: None,
                    occurred_at: None,
                },
            )
            .map_err(fail)?;
        }
    }

    let mut count = 0;
    for demo in LEADS {
        let lead = lead_service::create_lead(
            conn,
            &ctx,
            NewLead {
                kind: demo.kind,
                name: demo.name.to_owned(),
                company_name: demo.company.map(str::to_owned),
                email: demo.email.map(str::to_owned),
                phone: demo.phone.map(str::to_owned),
                address: LeadAddress {
                    line1: demo.street.map(|s| s.0.to_owned()),
                    city: demo.street.map(|_| "Springfield".to_owned()),
                    postal_code: demo.street.map(|s| s.1.to_owned()),
                    country: demo.street.map(|_| "US".to_owned()),
                    ..LeadAddress::default()
                },
                source: demo.source,
                interest_product_id: plan,
                owner_id: owner,
                serviceability_note: None,
                note: demo.note.map(str::to_owned),
            },
        )
        .map_err(fail)?;
        if demo.status != LeadStatus::New {
            if demo.status == LeadStatus::Qualified {
                // Through contacted first, as an agent would.
                lead_service::update_lead(
                    conn,
                    &ctx,
                    lead.id,
                    None,
                    LeadPatch {
                        status: Some(LeadStatus::Contacted),
                        ..LeadPatch::default()
                    },
                )
                .map_err(fail)?;
            }
            lead_service::update_lead(
                conn,
                &ctx,
                lead.id,
                None,
                LeadPatch {
                    status: Some(demo.status),
                    lost_reason: demo.lost_reason.map(str::to_owned),
                    ..LeadPatch::default()
                },
            )
            .map_err(fail)?;
        }
        count += 1;
    }

    // The first demo customer came from a lead: a won lead, linked both ways. It is linked
    // rather than converted so the demo keeps its customers as they are.
    if let Some(customer) = customers_seeded.first() {
        let lead = lead_service::create_lead(
            conn,
            &ctx,
            NewLead {
                kind: "residential",
                name: customer.name.clone(),
                company_name: None,
                email: customer.email.clone(),
                phone: customer.phone.clone(),
                address: LeadAddress::default(),
                source: "phone",
                interest_product_id: plan,
                owner_id: owner,
                serviceability_note: None,
                note: Some("Moving into town next month; wants service from day one".to_owned()),
            },
        )
        .map_err(fail)?;
        let won = diesel::update(leads::table.find(lead.id))
            .set((
                leads::status.eq("won"),
                leads::customer_id.eq(customer.id),
                leads::converted_at.eq(now),
                leads::version.eq(lead.version + 1),
                leads::updated_at.eq(now),
            ))
            .returning(crate::db::leads::LeadRow::as_returning())
            .get_result(conn)?;
        diesel::update(interactions::table.filter(interactions::lead_id.eq(lead.id)))
            .set(interactions::customer_id.eq(customer.id))
            .execute(conn)?;
        audit::record(
            conn,
            &ctx,
            Change {
                action: "lead.converted",
                entity_type: "lead",
                entity_id: lead.id.to_string(),
                before: Some(serde_json::to_value(&lead)?),
                after: Some(serde_json::to_value(&won)?),
                customer_id: Some(customer.id),
            },
        )?;
        count += 1;
    }
    Ok(count)
}
