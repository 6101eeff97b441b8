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
        }
    }

    pub fn addon(code: &str, monthly: &str) -> Self {
        ProductBuilder {
            kind: "addon",
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
                product_versions::download_mbps.eq(plan.then_some(100)),
                product_versions::upload_mbps.eq(plan.then_some(20)),
                product_versions::valid_from.eq(now),
                product_versions::created_at.eq(now),
            ))
            .returning(product_versions::id)
            .get_result(&mut conn)
            .expect("product version inserted");
        BuiltProduct { id, version_id }
    }
}
