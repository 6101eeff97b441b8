//! Builders for the rows tests start from, written straight to the database so a test
//! about orders does not depend on the customer or catalog endpoints.

// Each test file uses its own subset of the builders.
#![allow(dead_code)]
use diesel::prelude::*;
use rust_decimal::Decimal;

use api::db::schema::{customer_classes, customers, product_versions, products};

use crate::helpers::TestApp;

/// A customer of a seeded class, with a generated account number.
pub struct CustomerBuilder {
    name: String,
    kind: &'static str,
    class: &'static str,
    company: Option<String>,
    email: Option<String>,
    status: &'static str,
}

pub struct BuiltCustomer {
    pub id: i64,
    pub account_number: String,
}

impl CustomerBuilder {
    pub fn new(name: &str) -> Self {
        CustomerBuilder {
            name: name.to_owned(),
            kind: "residential",
            class: "residential",
            company: None,
            email: None,
            status: "active",
        }
    }

    /// A business customer of the `business` class.
    pub fn business(mut self, company: &str) -> Self {
        self.kind = "business";
        self.class = "business";
        self.company = Some(company.to_owned());
        self
    }

    pub fn class(mut self, code: &'static str) -> Self {
        self.class = code;
        self
    }

    pub fn email(mut self, email: &str) -> Self {
        self.email = Some(email.to_owned());
        self
    }

    pub fn status(mut self, status: &'static str) -> Self {
        self.status = status;
        self
    }

    pub fn create(self, app: &TestApp) -> BuiltCustomer {
        let mut conn = app.conn();
        let now = app.clock_now();
        let class_id: i64 = customer_classes::table
            .filter(customer_classes::code.eq(self.class))
            .select(customer_classes::id)
            .first(&mut conn)
            .expect("seeded class");
        let account_number =
            api::services::customers::next_account_number(&mut conn).expect("account number");
        let id = diesel::insert_into(customers::table)
            .values((
                customers::account_number.eq(&account_number),
                customers::kind.eq(self.kind),
                customers::name.eq(&self.name),
                customers::company_name.eq(self.company.as_deref()),
                customers::email.eq(self.email.as_deref()),
                customers::status.eq(self.status),
                customers::class_id.eq(class_id),
                customers::currency.eq("USD"),
                customers::created_at.eq(now),
                customers::updated_at.eq(now),
            ))
            .returning(customers::id)
            .get_result(&mut conn)
            .expect("customer inserted");
        BuiltCustomer { id, account_number }
    }
}

/// A product with one version.
pub struct ProductBuilder {
    code: String,
    kind: &'static str,
    tax_category: &'static str,
    monthly: Decimal,
    one_time: Decimal,
    speeds: Option<(i32, i32)>,
    contract: (i32, Decimal),
    data_cap_gb: Option<i32>,
    ip_pool_id: Option<i64>,
}

pub struct BuiltProduct {
    pub id: i64,
    pub version_id: i64,
}

impl ProductBuilder {
    /// An internet plan at this monthly price (e.g. "29.00").
    pub fn plan(code: &str, monthly: &str) -> Self {
        ProductBuilder {
            code: code.to_owned(),
            kind: "plan",
            tax_category: "telecom",
            monthly: monthly.parse().expect("a decimal"),
            one_time: Decimal::ZERO,
            speeds: Some((100, 20)),
            contract: (0, Decimal::ZERO),
            data_cap_gb: None,
            ip_pool_id: None,
        }
    }

    /// Download and upload in Mbit/s (plans default to 100/20).
    pub fn speeds(mut self, download: i32, upload: i32) -> Self {
        self.speeds = Some((download, upload));
        self
    }

    /// A minimum term and the fee for leaving inside it.
    pub fn contract(mut self, months: i32, early_termination_fee: &str) -> Self {
        self.contract = (months, early_termination_fee.parse().expect("a decimal"));
        self
    }

    pub fn data_cap_gb(mut self, gb: i32) -> Self {
        self.data_cap_gb = Some(gb);
        self
    }

    /// Subscriptions get a static address from this pool.
    pub fn ip_pool(mut self, pool_id: i64) -> Self {
        self.ip_pool_id = Some(pool_id);
        self
    }

    pub fn addon(code: &str, monthly: &str) -> Self {
        ProductBuilder {
            kind: "addon",
            speeds: None,
            ..ProductBuilder::plan(code, monthly)
        }
    }

    /// A one-time product at this price.
    pub fn one_time(code: &str, price: &str) -> Self {
        ProductBuilder {
            code: code.to_owned(),
            kind: "one_time",
            tax_category: "services",
            monthly: Decimal::ZERO,
            one_time: price.parse().expect("a decimal"),
            speeds: None,
            contract: (0, Decimal::ZERO),
            data_cap_gb: None,
            ip_pool_id: None,
        }
    }

    pub fn setup_fee(mut self, fee: &str) -> Self {
        self.one_time = fee.parse().expect("a decimal");
        self
    }

    pub fn tax_category(mut self, category: &'static str) -> Self {
        self.tax_category = category;
        self
    }

    pub fn create(self, app: &TestApp) -> BuiltProduct {
        let mut conn = app.conn();
        let now = app.clock_now();
        let plan = self.kind == "plan";
        let id: i64 = diesel::insert_into(products::table)
            .values((
                products::code.eq(&self.code),
                products::kind.eq(self.kind),
                products::service.eq(plan.then_some("internet")),
                products::name.eq(format!("Test {}", self.code)),
                products::tax_category.eq(self.tax_category),
                products::ip_pool_id.eq(self.ip_pool_id),
                products::created_at.eq(now),
                products::updated_at.eq(now),
            ))
            .returning(products::id)
            .get_result(&mut conn)
            .expect("product inserted");
        let version_id: i64 = diesel::insert_into(product_versions::table)
            .values((
                product_versions::product_id.eq(id),
                product_versions::version.eq(1),
                product_versions::currency.eq("USD"),
                product_versions::monthly_price.eq(self.monthly),
                product_versions::one_time_price.eq(self.one_time),
                product_versions::download_mbps.eq(self.speeds.map(|s| s.0)),
                product_versions::upload_mbps.eq(self.speeds.map(|s| s.1)),
                product_versions::contract_months.eq(self.contract.0),
                product_versions::early_termination_fee.eq(self.contract.1),
                product_versions::data_cap_gb.eq(self.data_cap_gb),
                // A cap is priced beyond it.
                product_versions::overage_per_gb.eq(self.data_cap_gb.map(|_| Decimal::new(50, 2))),
                product_versions::valid_from.eq(now),
                product_versions::created_at.eq(now),
            ))
            .returning(product_versions::id)
            .get_result(&mut conn)
            .expect("product version inserted");
        BuiltProduct { id, version_id }
    }
}

// Orders: promotions, tax rates, further product versions, ledger entries -----------------

/// A promotion, active from the test clock's now, eligible for the products given.
pub struct PromotionBuilder {
    code: Option<String>,
    name: String,
    kind: &'static str,
    value: Decimal,
    currency: Option<String>,
    cycles: Option<i32>,
    valid_from: Option<chrono::DateTime<chrono::Utc>>,
    valid_to: Option<chrono::DateTime<chrono::Utc>>,
    active: bool,
    products: Vec<i64>,
}

impl PromotionBuilder {
    /// `percent` off the monthly charge (e.g. "50").
    pub fn percent(name: &str, percent: &str) -> Self {
        PromotionBuilder {
            code: None,
            name: name.to_owned(),
            kind: "percent",
            value: percent.parse().expect("a decimal"),
            currency: None,
            cycles: None,
            valid_from: None,
            valid_to: None,
            active: true,
            products: Vec::new(),
        }
    }

    /// A fixed amount per unit and month, in USD.
    pub fn amount(name: &str, amount: &str) -> Self {
        PromotionBuilder {
            kind: "amount",
            currency: Some("USD".into()),
            ..PromotionBuilder::percent(name, amount)
        }
    }

    pub fn code(mut self, code: &str) -> Self {
        self.code = Some(code.to_owned());
        self
    }

    pub fn cycles(mut self, cycles: i32) -> Self {
        self.cycles = Some(cycles);
        self
    }

    pub fn valid(
        mut self,
        from: chrono::DateTime<chrono::Utc>,
        to: Option<chrono::DateTime<chrono::Utc>>,
    ) -> Self {
        self.valid_from = Some(from);
        self.valid_to = to;
        self
    }

    pub fn inactive(mut self) -> Self {
        self.active = false;
        self
    }

    pub fn for_product(mut self, product_id: i64) -> Self {
        self.products.push(product_id);
        self
    }

    pub fn create(self, app: &TestApp) -> i64 {
        use api::db::schema::{promotion_products, promotions};
        let mut conn = app.conn();
        let now = app.clock_now();
        let id: i64 = diesel::insert_into(promotions::table)
            .values((
                promotions::code.eq(self.code.as_deref()),
                promotions::name.eq(&self.name),
                promotions::kind.eq(self.kind),
                promotions::value.eq(self.value),
                promotions::currency.eq(self.currency.as_deref()),
                promotions::cycles.eq(self.cycles),
                promotions::valid_from.eq(self.valid_from.unwrap_or(now)),
                promotions::valid_to.eq(self.valid_to),
                promotions::active.eq(self.active),
                promotions::created_at.eq(now),
                promotions::updated_at.eq(now),
            ))
            .returning(promotions::id)
            .get_result(&mut conn)
            .expect("promotion inserted");
        for product in self.products {
            diesel::insert_into(promotion_products::table)
                .values((
                    promotion_products::promotion_id.eq(id),
                    promotion_products::product_id.eq(product),
                ))
                .execute(&mut conn)
                .expect("eligible product");
        }
        id
    }
}

/// A tax rate of the `DEFAULT` zone, open-ended from 2020-01-01.
pub struct TaxRateBuilder {
    zone: String,
    category: String,
    rate: Decimal,
}

impl TaxRateBuilder {
    pub fn new(category: &str, rate: &str) -> Self {
        TaxRateBuilder {
            zone: "DEFAULT".into(),
            category: category.to_owned(),
            rate: rate.parse().expect("a decimal"),
        }
    }

    pub fn zone(mut self, zone: &str) -> Self {
        self.zone = zone.to_owned();
        self
    }

    pub fn create(self, app: &TestApp) -> i64 {
        use api::db::schema::tax_rates;
        diesel::insert_into(tax_rates::table)
            .values((
                tax_rates::zone.eq(&self.zone),
                tax_rates::category.eq(&self.category),
                tax_rates::name.eq(format!("Tax {}", self.category)),
                tax_rates::rate.eq(self.rate),
                tax_rates::valid_from.eq(chrono::NaiveDate::from_ymd_opt(2020, 1, 1).unwrap()),
                tax_rates::created_at.eq(app.clock_now()),
            ))
            .returning(tax_rates::id)
            .get_result(&mut app.conn())
            .expect("tax rate inserted")
    }
}

/// A further version of a product (a new price from `valid_from`, in a currency).
pub fn add_product_version(
    app: &TestApp,
    product_id: i64,
    version: i32,
    currency: &str,
    monthly: &str,
    valid_from: chrono::DateTime<chrono::Utc>,
) -> i64 {
    let now = app.clock_now();
    diesel::insert_into(product_versions::table)
        .values((
            product_versions::product_id.eq(product_id),
            product_versions::version.eq(version),
            product_versions::currency.eq(currency),
            product_versions::monthly_price.eq(monthly.parse::<Decimal>().expect("a decimal")),
            product_versions::one_time_price.eq(Decimal::ZERO),
            product_versions::valid_from.eq(valid_from),
            product_versions::created_at.eq(now),
        ))
        .returning(product_versions::id)
        .get_result(&mut app.conn())
        .expect("product version inserted")
}

/// Retires a product: no new sales from now on.
pub fn retire_product(app: &TestApp, product_id: i64) {
    diesel::update(products::table.find(product_id))
        .set(products::retired_at.eq(app.clock_now()))
        .execute(&mut app.conn())
        .expect("product retired");
}

/// A ledger entry of a customer: positive amounts are owed (an invoice), negative are paid.
pub fn ledger_entry(
    app: &TestApp,
    customer_id: i64,
    kind: &str,
    amount: &str,
    due_on: Option<chrono::NaiveDate>,
) {
    use api::db::schema::ledger_entries;
    let now = app.clock_now();
    diesel::insert_into(ledger_entries::table)
        .values((
            ledger_entries::customer_id.eq(customer_id),
            ledger_entries::kind.eq(kind),
            ledger_entries::amount.eq(amount.parse::<Decimal>().expect("a decimal")),
            ledger_entries::currency.eq("USD"),
            ledger_entries::due_on.eq(due_on),
            ledger_entries::occurred_at.eq(now),
            ledger_entries::created_at.eq(now),
        ))
        .execute(&mut app.conn())
        .expect("ledger entry inserted");
}
