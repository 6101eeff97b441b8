//! The demo ISP that `make run` seeds (`DEMO_DATA=1`): a few plans and customers, so a new
//! user sees a working system. Seeds once: a database that has plans is left alone.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::PgConnection;
use rust_decimal::Decimal;

use crate::db::models::{CustomerRow, NewCustomerRow, NewPlanRow};
use crate::db::schema::{customers, plans};
use crate::services::audit::{self, Actor, Change};

struct DemoPlan {
    code: &'static str,
    name: &'static str,
    down: i32,
    up: i32,
    price_cents: i64,
}

const PLANS: &[DemoPlan] = &[
    DemoPlan {
        code: "FIBER-100",
        name: "Fiber 100",
        down: 100,
        up: 20,
        price_cents: 2900,
    },
    DemoPlan {
        code: "FIBER-300",
        name: "Fiber 300",
        down: 300,
        up: 50,
        price_cents: 3900,
    },
    DemoPlan {
        code: "FIBER-1000",
        name: "Fiber Gigabit",
        down: 1000,
        up: 200,
        price_cents: 5900,
    },
    DemoPlan {
        code: "BIZ-500",
        name: "Business 500 SLA",
        down: 500,
        up: 500,
        price_cents: 14900,
    },
];

const CUSTOMERS: &[(&str, &str, Option<&str>, &str, &str)] = &[
    (
        "residential",
        "Ana Lima",
        None,
        "ana.lima@example.net",
        "+1 555 0101",
    ),
    (
        "residential",
        "Ben Okafor",
        None,
        "ben.okafor@example.net",
        "+1 555 0102",
    ),
    (
        "residential",
        "Chiara Rossi",
        None,
        "chiara.rossi@example.net",
        "+1 555 0103",
    ),
    (
        "residential",
        "Dmitri Ivanov",
        None,
        "dmitri@example.net",
        "+1 555 0104",
    ),
    (
        "residential",
        "Emma Schulz",
        None,
        "emma.schulz@example.net",
        "+1 555 0105",
    ),
    (
        "business",
        "Farid Haddad",
        Some("Haddad Logistics LLC"),
        "it@haddad-logistics.example",
        "+1 555 0201",
    ),
    (
        "business",
        "Grace Kim",
        Some("Kim & Partners Dental"),
        "office@kimdental.example",
        "+1 555 0202",
    ),
    (
        "residential",
        "Hugo Martin",
        None,
        "hugo.martin@example.net",
        "+1 555 0106",
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
) -> anyhow::Result<Option<Seeded>> {
    conn.transaction(|conn| {
        diesel::sql_query("SELECT pg_advisory_xact_lock(7301002)").execute(conn)?;
        let existing: i64 = plans::table.count().get_result(conn)?;
        if existing > 0 {
            return Ok(None);
        }
        let plan_rows: Vec<NewPlanRow> = PLANS
            .iter()
            .map(|p| NewPlanRow {
                code: p.code,
                name: p.name,
                kind: "internet",
                download_mbps: Some(p.down),
                upload_mbps: Some(p.up),
                monthly_price: Decimal::new(p.price_cents, 2),
                currency,
                active: true,
                created_at: now,
            })
            .collect();
        diesel::insert_into(plans::table)
            .values(&plan_rows)
            .execute(conn)?;
        let residential = class_id(conn, "residential")?;
        let business = class_id(conn, "business")?;
        let numbers: Vec<String> = (0..CUSTOMERS.len() as u64)
            .map(|i| crate::domain::account_number::for_serial(100_001 + i))
            .collect();
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
        Ok(Some(Seeded {
            plans: plan_rows.len(),
            customers: created.len(),
        }))
    })
}

/// The id of a seeded customer class.
fn class_id(conn: &mut PgConnection, code: &str) -> QueryResult<i64> {
    use crate::db::schema::customer_classes;
    customer_classes::table
        .filter(customer_classes::code.eq(code))
        .select(customer_classes::id)
        .first(conn)
}
