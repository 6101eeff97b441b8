//! The demo ISP's catalog: four internet plans, a static-IP add-on, installation and a
//! router, a welcome promotion, and the tax rates of its one zone.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel::PgConnection;
use rust_decimal::Decimal;

use crate::db::schema::{product_versions, products, promotion_products, promotions, tax_rates};

struct DemoProduct {
    code: &'static str,
    kind: &'static str,
    name: &'static str,
    tax_category: &'static str,
    /// Download/upload Mbit/s for plans.
    speed: Option<(i32, i32)>,
    monthly_cents: i64,
    one_time_cents: i64,
    contract_months: i32,
    etf_cents: i64,
}

const PRODUCTS: &[DemoProduct] = &[
    DemoProduct {
        code: "FIBER-100",
        kind: "plan",
        name: "Fiber 100",
        tax_category: "telecom",
        speed: Some((100, 20)),
        monthly_cents: 2900,
        one_time_cents: 0,
        contract_months: 0,
        etf_cents: 0,
    },
    DemoProduct {
        code: "FIBER-300",
        kind: "plan",
        name: "Fiber 300",
        tax_category: "telecom",
        speed: Some((300, 50)),
        monthly_cents: 3900,
        one_time_cents: 4900,
        contract_months: 12,
        etf_cents: 10000,
    },
    DemoProduct {
        code: "FIBER-1000",
        kind: "plan",
        name: "Fiber Gigabit",
        tax_category: "telecom",
        speed: Some((1000, 200)),
        monthly_cents: 5900,
        one_time_cents: 4900,
        contract_months: 12,
        etf_cents: 15000,
    },
    DemoProduct {
        code: "BIZ-500",
        kind: "plan",
        name: "Business 500 SLA",
        tax_category: "telecom",
        speed: Some((500, 500)),
        monthly_cents: 14900,
        one_time_cents: 19900,
        contract_months: 24,
        etf_cents: 60000,
    },
    DemoProduct {
        code: "STATIC-IP",
        kind: "addon",
        name: "Static IPv4 address",
        tax_category: "telecom",
        speed: None,
        monthly_cents: 500,
        one_time_cents: 0,
        contract_months: 0,
        etf_cents: 0,
    },
    DemoProduct {
        code: "INSTALL",
        kind: "one_time",
        name: "Professional installation",
        tax_category: "services",
        speed: None,
        monthly_cents: 0,
        one_time_cents: 9900,
        contract_months: 0,
        etf_cents: 0,
    },
    DemoProduct {
        code: "ROUTER-AX",
        kind: "one_time",
        name: "Wi-Fi 6 router",
        tax_category: "hardware",
        speed: None,
        monthly_cents: 0,
        one_time_cents: 12900,
        contract_months: 0,
        etf_cents: 0,
    },
];

/// Seeds the catalog; returns how many plans it made.
pub fn seed(conn: &mut PgConnection, currency: &str, now: DateTime<Utc>) -> QueryResult<usize> {
    let mut plan_ids = Vec::new();
    for p in PRODUCTS {
        let id: i64 = diesel::insert_into(products::table)
            .values((
                products::code.eq(p.code),
                products::kind.eq(p.kind),
                products::service.eq((p.kind == "plan").then_some("internet")),
                products::name.eq(p.name),
                products::tax_category.eq(p.tax_category),
                products::radius_group
                    .eq((p.kind == "plan").then(|| p.code.to_ascii_lowercase().replace('-', "_"))),
                products::created_at.eq(now),
                products::updated_at.eq(now),
            ))
            .returning(products::id)
            .get_result(conn)?;
        if p.kind == "plan" {
            plan_ids.push(id);
        }
        diesel::insert_into(product_versions::table)
            .values((
                product_versions::product_id.eq(id),
                product_versions::version.eq(1),
                product_versions::currency.eq(currency),
                product_versions::monthly_price.eq(Decimal::new(p.monthly_cents, 2)),
                product_versions::one_time_price.eq(Decimal::new(p.one_time_cents, 2)),
                product_versions::download_mbps.eq(p.speed.map(|s| s.0)),
                product_versions::upload_mbps.eq(p.speed.map(|s| s.1)),
                product_versions::contract_months.eq(p.contract_months),
                product_versions::early_termination_fee.eq(Decimal::new(p.etf_cents, 2)),
                product_versions::valid_from.eq(now),
                product_versions::created_at.eq(now),
            ))
            .execute(conn)?;
    }
    let promotion: i64 = diesel::insert_into(promotions::table)
        .values((
            promotions::code.eq("WELCOME3"),
            promotions::name.eq("Welcome: 50% off for 3 months"),
            promotions::kind.eq("percent"),
            promotions::value.eq(Decimal::from(50)),
            promotions::cycles.eq(3),
            promotions::valid_from.eq(now),
            promotions::created_at.eq(now),
            promotions::updated_at.eq(now),
        ))
        .returning(promotions::id)
        .get_result(conn)?;
    let eligible: Vec<_> = plan_ids
        .iter()
        .take(3)
        .map(|&product| {
            (
                promotion_products::promotion_id.eq(promotion),
                promotion_products::product_id.eq(product),
            )
        })
        .collect();
    diesel::insert_into(promotion_products::table)
        .values(&eligible)
        .execute(conn)?;
    let since = NaiveDate::from_ymd_opt(2020, 1, 1).expect("a valid date");
    for (category, name, rate) in [
        ("telecom", "Telecom services tax", Decimal::new(825, 2)),
        ("services", "Sales tax (services)", Decimal::new(600, 2)),
        ("hardware", "Sales tax (goods)", Decimal::new(725, 2)),
    ] {
        diesel::insert_into(tax_rates::table)
            .values((
                tax_rates::zone.eq("DEFAULT"),
                tax_rates::category.eq(category),
                tax_rates::name.eq(name),
                tax_rates::rate.eq(rate),
                tax_rates::valid_from.eq(since),
                tax_rates::created_at.eq(now),
            ))
            .execute(conn)?;
    }
    Ok(plan_ids.len())
}
