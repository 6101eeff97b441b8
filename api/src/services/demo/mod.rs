//! The demo ISP that `make run` seeds (`DEMO_DATA=1`): a few plans and customers, so a new
//! user sees a working system. Seeds once: a database that has products is left alone.

mod catalog;
mod leads;
mod ledger;
mod orders;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::PgConnection;

use crate::db::models::{CustomerRow, NewCustomerRow};
use crate::db::schema::{customers, products};
use crate::services::audit::{self, Actor, Change};

const CUSTOMERS: &[(&str, &str, Option<&str>, &str, &str)] = &[
    (
        "residential",
        "Ana Lima",
        None,
        "ana.lima@example.net",
        "+15550100101",
    ),
    (
        "residential",
        "Ben Okafor",
        None,
        "ben.okafor@example.net",
        "+15550100102",
    ),
    (
        "residential",
        "Chiara Rossi",
        None,
        "chiara.rossi@example.net",
        "+15550100103",
    ),
    (
        "residential",
        "Dmitri Ivanov",
        None,
        "dmitri@example.net",
        "+15550100104",
    ),
    (
        "residential",
        "Emma Schulz",
        None,
        "emma.schulz@example.net",
        "+15550100105",
    ),
    (
        "business",
        "Farid Haddad",
        Some("Haddad Logistics LLC"),
        "it@haddad-logistics.example",
        "+15550100201",
    ),
    (
        "business",
        "Grace Kim",
        Some("Kim & Partners Dental"),
        "office@kimdental.example",
        "+15550100202",
    ),
    (
        "residential",
        "Hugo Martin",
        None,
        "hugo.martin@example.net",
        "+15550100106",
    ),
];

pub struct Seeded {
    pub plans: usize,
    pub customers: usize,
}

pub fn seed_demo(
    conn: &mut PgConnection,
    currency: &str,
    now: DateTime<Utc>,
    provisioning: &crate::config::ProvisioningConfig,
) -> anyhow::Result<Option<Seeded>> {
    conn.transaction(|conn| {
        diesel::sql_query("SELECT pg_advisory_xact_lock(7301002)").execute(conn)?;
        let existing: i64 = products::table.count().get_result(conn)?;
        if existing > 0 {
            return Ok(None);
        }
        let plans = catalog::seed(conn, currency, now)?;
        let residential = class_id(conn, "residential")?;
        let business = class_id(conn, "business")?;
        let numbers = (0..CUSTOMERS.len())
            .map(|_| crate::services::customers::next_account_number(conn))
            .collect::<QueryResult<Vec<String>>>()?;
        let customer_rows: Vec<NewCustomerRow> = CUSTOMERS
            .iter()
            .zip(&numbers)
            .map(
                |((kind, name, company, email, phone), number)| NewCustomerRow {
                    account_number: number,
                    kind,
                    name,
                    company_name: *company,
                    email: Some(email),
                    phone: Some(phone),
                    status: "active",
                    created_at: now,
                    updated_at: now,
                    class_id: if *kind == "business" {
                        business
                    } else {
                        residential
                    },
                    tax_id: None,
                    billing_cycle: "calendar",
                    billing_day: Some(1),
                    invoice_delivery: "email",
                    autopay: false,
                    currency,
                    tax_zone: "DEFAULT",
                    tax_exempt: false,
                    tax_exemption_ref: None,
                },
            )
            .collect();
        let created: Vec<CustomerRow> = diesel::insert_into(customers::table)
            .values(&customer_rows)
            .returning(CustomerRow::as_returning())
            .get_results(conn)?;
        for customer in &created {
            audit::record_as(
                conn,
                &Actor::System,
                None,
                now,
                Change {
                    action: "customer.created",
                    entity_type: "customer",
                    entity_id: customer.id.to_string(),
                    before: None,
                    after: Some(serde_json::to_value(customer)?),
                    customer_id: Some(customer.id),
                },
            )?;
        }
        leads::seed(conn, now, &created)?;
        network(conn, now)?;
        orders::seed(conn, now, &created, provisioning)?;
        ledger::seed(conn, now, &created)?;
        Ok(Some(Seeded {
            plans,
            customers: created.len(),
        }))
    })
}

/// The demo ISP's network: one BRAS (a NAS on loopback, for trying Disconnect/CoA against
/// a local FreeRADIUS) and a pool of static addresses from the documentation range.
fn network(conn: &mut PgConnection, now: DateTime<Utc>) -> QueryResult<()> {
    use crate::db::schema::{ip_pools, nas};
    diesel::insert_into(nas::table)
        .values((
            nas::nasname.eq("127.0.0.1"),
            nas::shortname.eq("demo-bras"),
            nas::kind.eq("mikrotik"),
            nas::secret.eq(crate::auth::secrets::generate("nas")),
            nas::description.eq("Demo BRAS on loopback"),
            nas::created_at.eq(now),
            nas::updated_at.eq(now),
        ))
        .on_conflict_do_nothing()
        .execute(conn)?;
    let network: ipnet::IpNet = "203.0.113.0/24".parse().expect("a network");
    let first: ipnet::IpNet = "203.0.113.10/32".parse().expect("an address");
    let last: ipnet::IpNet = "203.0.113.250/32".parse().expect("an address");
    diesel::insert_into(ip_pools::table)
        .values((
            ip_pools::name.eq("business-static"),
            ip_pools::network.eq(network),
            ip_pools::first_address.eq(first),
            ip_pools::last_address.eq(last),
            ip_pools::description.eq("Static addresses for business plans"),
            ip_pools::created_at.eq(now),
            ip_pools::updated_at.eq(now),
        ))
        .on_conflict_do_nothing()
        .execute(conn)?;
    // Business plans come with a static address.
    diesel::sql_query(
        "UPDATE products SET ip_pool_id = (SELECT id FROM ip_pools WHERE name = 'business-static') \
         WHERE code = 'BIZ-500'",
    )
    .execute(conn)?;
    Ok(())
}

/// The id of a seeded customer class.
fn class_id(conn: &mut PgConnection, code: &str) -> QueryResult<i64> {
    use crate::db::schema::customer_classes;
    customer_classes::table
        .filter(customer_classes::code.eq(code))
        .select(customer_classes::id)
        .first(conn)
}
