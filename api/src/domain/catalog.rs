//! The catalog's rules: what a product's terms may be, how price versions follow each
//! other, and when a promotion applies.
//!
//! - A product is a `plan` (it delivers a service: internet, voice or tv, at speeds > 0), an
//!   `addon` (a monthly extra such as a static IP) or a `one_time` product (installation, a
//!   router): a one-time product has a price and nothing recurring.
//! - Prices are never edited. A price change is a new version numbered previous + 1, valid
//!   from an instant that is neither in the past nor before the previous version's. The
//!   current version at an instant is the highest-numbered one already valid then, so a
//!   scheduled version takes over by itself when its time comes.
//! - Amounts are non-negative, below 10^10 and have at most four decimal places (the
//!   precision of the NUMERIC(14, 4) columns; more would be rounded silently).
//! - A data cap needs an overage price per GB; an early-termination fee needs a contract.
//! - A promotion applies to a product when it is active, valid at the instant, lists the
//!   product, and (for a fixed amount) is in the order's currency.

use std::fmt;

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;

use super::money::Currency;

/// The largest amount the NUMERIC(14, 4) columns hold, exclusive: 10^10.
pub const MAX_AMOUNT: Decimal = Decimal::from_parts(1_410_065_408, 2, 0, false, 0);

/// Decimal places the catalog's NUMERIC columns keep.
const MAX_SCALE: u32 = 4;

/// A field that failed a rule, with the reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    pub field: &'static str,
    pub code: &'static str,
    pub message: String,
}

fn violation(field: &'static str, code: &'static str, message: impl Into<String>) -> Violation {
    Violation {
        field,
        code,
        message: message.into(),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProductKind {
    Plan,
    Addon,
    OneTime,
}

impl ProductKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ProductKind::Plan => "plan",
            ProductKind::Addon => "addon",
            ProductKind::OneTime => "one_time",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "plan" => Some(ProductKind::Plan),
            "addon" => Some(ProductKind::Addon),
            "one_time" => Some(ProductKind::OneTime),
            _ => None,
        }
    }
}

/// `^[A-Z0-9][A-Z0-9_-]{0,39}$` after trimming and upper-casing: product and promotion codes
/// (`FIBER-100`, `WELCOME3`).
pub fn parse_code(input: &str) -> Result<String, &'static str> {
    let code = input.trim().to_ascii_uppercase();
    let ok = !code.is_empty()
        && code.len() <= 40
        && code.starts_with(|c: char| c.is_ascii_uppercase() || c.is_ascii_digit())
        && code
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_' || c == '-');
    if ok {
        Ok(code)
    } else {
        Err("1–40 letters, digits, _ or -, starting with a letter or digit")
    }
}

/// `^[A-Z0-9][A-Z0-9_-]{0,31}$` after trimming and upper-casing: tax zones (`DEFAULT`, `US-TX`).
pub fn parse_zone(input: &str) -> Result<String, &'static str> {
    let zone = input.trim().to_ascii_uppercase();
    match parse_code(&zone) {
        Ok(z) if z.len() <= 32 => Ok(z),
        _ => Err("1–32 letters, digits, _ or -, starting with a letter or digit"),
    }
}

/// `^[a-z][a-z0-9_]{0,31}$`: tax categories (`telecom`, `hardware`).
pub fn parse_tax_category(input: &str) -> Result<String, &'static str> {
    let category = input.trim();
    let ok = !category.is_empty()
        && category.len() <= 32
        && category.starts_with(|c: char| c.is_ascii_lowercase())
        && category
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if ok {
        Ok(category.to_owned())
    } else {
        Err("1–32 lower-case letters, digits or _, starting with a letter")
    }
}

/// `^[A-Za-z0-9_.-]{1,64}$`: the FreeRADIUS group a plan's subscribers are put in.
pub fn parse_radius_group(input: &str) -> Result<String, &'static str> {
    let group = input.trim();
    let ok = !group.is_empty()
        && group.len() <= 64
        && group
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
    if ok {
        Ok(group.to_owned())
    } else {
        Err("1–64 letters, digits, _, . or -")
    }
}

/// Checks an amount: non-negative, below 10^10, at most four decimal places.
pub fn check_amount(field: &'static str, amount: Decimal) -> Option<Violation> {
    if amount < Decimal::ZERO {
        Some(violation(field, "invalid", "must not be negative"))
    } else if amount >= MAX_AMOUNT {
        Some(violation(
            field,
            "too_large",
            "must be below 10,000,000,000",
        ))
    } else if amount.normalize().scale() > MAX_SCALE {
        Some(violation(field, "invalid", "at most 4 decimal places"))
    } else {
        None
    }
}

/// The prices and technical terms of one product version.
#[derive(Debug, Clone, PartialEq)]
pub struct Terms {
    pub currency: String,
    pub monthly_price: Decimal,
    /// The setup fee of a plan or add-on; the price of a one-time product.
    pub one_time_price: Decimal,
    pub download_mbps: Option<i32>,
    pub upload_mbps: Option<i32>,
    /// `None`: unlimited.
    pub data_cap_gb: Option<i32>,
    pub overage_per_gb: Option<Decimal>,
    pub contract_months: i32,
    pub early_termination_fee: Decimal,
}

/// Every rule `terms` break for a product of `kind`, in field order.
pub fn check_terms(kind: ProductKind, terms: &Terms) -> Vec<Violation> {
    let mut out = Vec::new();
    if let Err(message) = Currency::parse(&terms.currency) {
        out.push(violation("currency", "invalid", message));
    }
    out.extend(check_amount("monthly_price", terms.monthly_price));
    out.extend(check_amount("one_time_price", terms.one_time_price));
    if kind == ProductKind::OneTime && !terms.monthly_price.is_zero() {
        out.push(violation(
            "monthly_price",
            "invalid",
            "a one-time product has no monthly price",
        ));
    }
    for (field, speed) in [
        ("download_mbps", terms.download_mbps),
        ("upload_mbps", terms.upload_mbps),
    ] {
        match (kind, speed) {
            (ProductKind::Plan, None) => {
                out.push(violation(field, "required", "a plan needs its speeds"))
            }
            (ProductKind::OneTime, Some(_)) => out.push(violation(
                field,
                "invalid",
                "a one-time product has no speed",
            )),
            (_, Some(s)) if s <= 0 => out.push(violation(field, "invalid", "must be above 0")),
            _ => {}
        }
    }
    match (terms.data_cap_gb, terms.overage_per_gb) {
        (Some(_), _) if kind != ProductKind::Plan => out.push(violation(
            "data_cap_gb",
            "invalid",
            "only plans have a data cap",
        )),
        (Some(cap), _) if cap <= 0 => {
            out.push(violation("data_cap_gb", "invalid", "must be above 0"))
        }
        (Some(_), None) => out.push(violation(
            "overage_per_gb",
            "required",
            "a data cap needs an overage price per GB",
        )),
        (None, Some(_)) => out.push(violation(
            "overage_per_gb",
            "invalid",
            "only a plan with a data cap has an overage price",
        )),
        _ => {}
    }
    if let Some(overage) = terms.overage_per_gb {
        out.extend(check_amount("overage_per_gb", overage));
    }
    if !(0..=120).contains(&terms.contract_months) {
        out.push(violation(
            "contract_months",
            "invalid",
            "must be between 0 and 120",
        ));
    } else if kind == ProductKind::OneTime && terms.contract_months != 0 {
        out.push(violation(
            "contract_months",
            "invalid",
            "a one-time product has no contract",
        ));
    }
    out.extend(check_amount(
        "early_termination_fee",
        terms.early_termination_fee,
    ));
    if terms.contract_months == 0 && !terms.early_termination_fee.is_zero() {
        out.push(violation(
            "early_termination_fee",
            "invalid",
            "an early-termination fee needs a contract (contract_months > 0)",
        ));
    }
    out
}

/// The latest version of a product, as a new one must follow it.
#[derive(Debug, Clone, PartialEq)]
pub struct LatestVersion {
    pub version: i32,
    pub currency: String,
    pub valid_from: DateTime<Utc>,
}

/// Checks when a new version may start and returns its number: not in the past, not
/// before the latest version (which would then never apply), in the product's currency.
pub fn next_version(
    latest: &LatestVersion,
    currency: &str,
    valid_from: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<i32, Vec<Violation>> {
    let mut out = Vec::new();
    if currency != latest.currency {
        out.push(violation(
            "currency",
            "invalid",
            format!(
                "the product is priced in {}; a version cannot change the currency",
                latest.currency
            ),
        ));
    }
    if valid_from < now {
        out.push(violation(
            "valid_from",
            "invalid",
            "must not be in the past",
        ));
    } else if valid_from < latest.valid_from {
        out.push(violation(
            "valid_from",
            "invalid",
            format!(
                "must not be before version {} starts ({})",
                latest.version,
                latest.valid_from.to_rfc3339()
            ),
        ));
    }
    if out.is_empty() {
        Ok(latest.version + 1)
    } else {
        Err(out)
    }
}

/// The current version at `at` among `(version, valid_from)` pairs: the highest-numbered
/// one already valid; `None` when none has started yet.
pub fn current_version(versions: &[(i32, DateTime<Utc>)], at: DateTime<Utc>) -> Option<i32> {
    versions
        .iter()
        .filter(|(_, from)| *from <= at)
        .map(|(v, _)| *v)
        .max()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromotionKind {
    Percent,
    Amount,
}

impl PromotionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PromotionKind::Percent => "percent",
            PromotionKind::Amount => "amount",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "percent" => Some(PromotionKind::Percent),
            "amount" => Some(PromotionKind::Amount),
            _ => None,
        }
    }
}

/// The discount of a promotion: a percentage in (0, 100], or an amount > 0 per month in a
/// currency; for `cycles` billing cycles (`None`: forever).
pub fn check_promotion_value(
    kind: PromotionKind,
    value: Decimal,
    currency: Option<&str>,
    cycles: Option<i32>,
) -> Vec<Violation> {
    let mut out = Vec::new();
    if value <= Decimal::ZERO {
        out.push(violation("value", "invalid", "must be above 0"));
    } else if kind == PromotionKind::Percent && value > Decimal::ONE_HUNDRED {
        out.push(violation("value", "invalid", "a percentage is at most 100"));
    } else {
        out.extend(check_amount("value", value));
    }
    match (kind, currency) {
        (PromotionKind::Percent, Some(_)) => out.push(violation(
            "currency",
            "invalid",
            "a percentage has no currency",
        )),
        (PromotionKind::Amount, None) => out.push(violation(
            "currency",
            "required",
            "an amount needs its currency",
        )),
        (PromotionKind::Amount, Some(c)) => {
            if let Err(message) = Currency::parse(c) {
                out.push(violation("currency", "invalid", message));
            }
        }
        (PromotionKind::Percent, None) => {}
    }
    if cycles.is_some_and(|c| !(1..=120).contains(&c)) {
        out.push(violation(
            "cycles",
            "invalid",
            "must be between 1 and 120, or null for forever",
        ));
    }
    out
}

/// The facts about a promotion that decide whether it applies.
#[derive(Debug, Clone)]
pub struct PromotionFacts<'a> {
    pub active: bool,
    pub valid_from: DateTime<Utc>,
    pub valid_to: Option<DateTime<Utc>>,
    /// For amount promotions.
    pub currency: Option<&'a str>,
    /// Whether the product is among its eligible ones.
    pub product_eligible: bool,
}

/// Why a promotion does not apply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotApplicable {
    Inactive,
    NotYetValid(DateTime<Utc>),
    Expired(DateTime<Utc>),
    ProductNotEligible,
    CurrencyMismatch { promotion: String, order: String },
}

impl fmt::Display for NotApplicable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NotApplicable::Inactive => f.write_str("the promotion is not active"),
            NotApplicable::NotYetValid(from) => {
                write!(f, "the promotion starts on {}", from.to_rfc3339())
            }
            NotApplicable::Expired(to) => write!(f, "the promotion ended on {}", to.to_rfc3339()),
            NotApplicable::ProductNotEligible => {
                f.write_str("the promotion does not apply to this product")
            }
            NotApplicable::CurrencyMismatch { promotion, order } => write!(
                f,
                "the promotion is an amount in {promotion}; the order is in {order}"
            ),
        }
    }
}

/// Whether a promotion applies to a product sold in `currency` at `at`; the first reason
/// it does not, in the order an agent would want to hear them.
pub fn promotion_applies(
    promo: &PromotionFacts<'_>,
    currency: &str,
    at: DateTime<Utc>,
) -> Result<(), NotApplicable> {
    if !promo.active {
        return Err(NotApplicable::Inactive);
    }
    if at < promo.valid_from {
        return Err(NotApplicable::NotYetValid(promo.valid_from));
    }
    if let Some(to) = promo.valid_to.filter(|to| at >= *to) {
        return Err(NotApplicable::Expired(to));
    }
    if !promo.product_eligible {
        return Err(NotApplicable::ProductNotEligible);
    }
    match promo.currency {
        Some(c) if c != currency => Err(NotApplicable::CurrencyMismatch {
            promotion: c.to_owned(),
            order: currency.to_owned(),
        }),
        _ => Ok(()),
    }
}

/// A tax rate is a percentage in [0, 100] with at most four decimal places.
pub fn check_tax_rate(rate: Decimal) -> Option<Violation> {
    if rate < Decimal::ZERO || rate > Decimal::ONE_HUNDRED {
        Some(violation("rate", "invalid", "must be between 0 and 100"))
    } else if rate.normalize().scale() > MAX_SCALE {
        Some(violation("rate", "invalid", "at most 4 decimal places"))
    } else {
        None
    }
}

/// A validity period `[from, to)`: `to`, when given, is after `from`.
pub fn check_period<T: PartialOrd>(
    to_field: &'static str,
    from: T,
    to: Option<T>,
) -> Option<Violation> {
    match to {
        Some(to) if to <= from => Some(violation(to_field, "invalid", "must be after valid_from")),
        _ => None,
    }
}

/// The day a tax rate is looked up for, for an instant: the UTC date.
pub fn tax_date(at: DateTime<Utc>) -> NaiveDate {
    at.date_naive()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn at(day: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, day, 9, 0, 0).unwrap()
    }

    fn plan_terms() -> Terms {
        Terms {
            currency: "USD".into(),
            monthly_price: d("29.00"),
            one_time_price: d("49.00"),
            download_mbps: Some(100),
            upload_mbps: Some(20),
            data_cap_gb: None,
            overage_per_gb: None,
            contract_months: 12,
            early_termination_fee: d("100"),
        }
    }

    fn fields(v: &[Violation]) -> Vec<&'static str> {
        v.iter().map(|v| v.field).collect()
    }

    #[test]
    fn the_amount_bound_is_ten_billion() {
        assert_eq!(MAX_AMOUNT, Decimal::from(10_000_000_000_i64));
    }

    #[test]
    fn codes_are_upper_cased_and_checked() {
        assert_eq!(parse_code(" fiber-100 ").unwrap(), "FIBER-100");
        assert!(parse_code("-LEADING").is_err());
        assert!(parse_code("HAS SPACE").is_err());
        assert!(parse_code(&"A".repeat(41)).is_err());
        assert!(parse_code("").is_err());
        assert_eq!(parse_zone("us-tx").unwrap(), "US-TX");
        assert!(parse_zone(&"Z".repeat(33)).is_err());
        assert_eq!(parse_tax_category("telecom").unwrap(), "telecom");
        assert!(parse_tax_category("Telecom").is_err());
        assert!(parse_tax_category("1abc").is_err());
        assert!(parse_radius_group("fiber_100.v2").is_ok());
        assert!(parse_radius_group("fiber 100").is_err());
    }

    #[test]
    fn a_well_formed_plan_passes() {
        assert_eq!(check_terms(ProductKind::Plan, &plan_terms()), vec![]);
    }

    #[test]
    fn a_plan_needs_positive_speeds_and_sane_prices() {
        let terms = Terms {
            currency: "usd".into(),
            monthly_price: d("-1"),
            one_time_price: d("0.00001"),
            download_mbps: None,
            upload_mbps: Some(0),
            contract_months: 121,
            ..plan_terms()
        };
        assert_eq!(
            fields(&check_terms(ProductKind::Plan, &terms)),
            [
                "currency",
                "monthly_price",
                "one_time_price",
                "download_mbps",
                "upload_mbps",
                "contract_months"
            ]
        );
    }

    #[test]
    fn a_cap_needs_an_overage_price_and_only_plans_have_caps() {
        let capped = Terms {
            data_cap_gb: Some(500),
            ..plan_terms()
        };
        assert_eq!(
            fields(&check_terms(ProductKind::Plan, &capped)),
            ["overage_per_gb"]
        );
        let priced = Terms {
            overage_per_gb: Some(d("0.50")),
            ..capped.clone()
        };
        assert!(check_terms(ProductKind::Plan, &priced).is_empty());
        let stray = Terms {
            overage_per_gb: Some(d("0.50")),
            ..plan_terms()
        };
        assert_eq!(
            fields(&check_terms(ProductKind::Plan, &stray)),
            ["overage_per_gb"]
        );
        let addon = Terms {
            download_mbps: None,
            upload_mbps: None,
            ..priced
        };
        assert_eq!(
            fields(&check_terms(ProductKind::Addon, &addon)),
            ["data_cap_gb"]
        );
    }

    #[test]
    fn a_one_time_product_has_nothing_recurring() {
        let router = Terms {
            monthly_price: d("5"),
            download_mbps: None,
            upload_mbps: Some(10),
            contract_months: 12,
            early_termination_fee: d("0"),
            ..plan_terms()
        };
        assert_eq!(
            fields(&check_terms(ProductKind::OneTime, &router)),
            ["monthly_price", "upload_mbps", "contract_months"]
        );
    }

    #[test]
    fn an_early_termination_fee_needs_a_contract() {
        let terms = Terms {
            contract_months: 0,
            ..plan_terms()
        };
        assert_eq!(
            fields(&check_terms(ProductKind::Plan, &terms)),
            ["early_termination_fee"]
        );
    }

    #[test]
    fn versions_follow_each_other_in_time_and_currency() {
        let latest = LatestVersion {
            version: 2,
            currency: "USD".into(),
            valid_from: at(10),
        };
        assert_eq!(next_version(&latest, "USD", at(10), at(5)), Ok(3));
        assert_eq!(next_version(&latest, "USD", at(20), at(5)), Ok(3));
        let past = next_version(&latest, "USD", at(4), at(5)).unwrap_err();
        assert_eq!(past[0].message, "must not be in the past");
        let before_latest = next_version(&latest, "USD", at(6), at(5)).unwrap_err();
        assert!(before_latest[0].message.contains("before version 2"));
        let other_currency = next_version(&latest, "EUR", at(12), at(5)).unwrap_err();
        assert_eq!(fields(&other_currency), ["currency"]);
    }

    #[test]
    fn the_current_version_is_the_highest_already_valid() {
        let versions = [(1, at(1)), (2, at(10)), (3, at(20))];
        assert_eq!(current_version(&versions, at(1)), Some(1));
        assert_eq!(current_version(&versions, at(15)), Some(2));
        assert_eq!(current_version(&versions, at(25)), Some(3));
        assert_eq!(current_version(&[(1, at(10))], at(5)), None);
    }

    #[test]
    fn promotion_values_depend_on_their_kind() {
        use PromotionKind::*;
        assert!(check_promotion_value(Percent, d("100"), None, Some(3)).is_empty());
        assert!(check_promotion_value(Amount, d("10"), Some("USD"), None).is_empty());
        assert_eq!(
            fields(&check_promotion_value(
                Percent,
                d("100.01"),
                Some("USD"),
                Some(0)
            )),
            ["value", "currency", "cycles"]
        );
        assert_eq!(
            fields(&check_promotion_value(Amount, d("0"), None, None)),
            ["value", "currency"]
        );
        assert_eq!(
            fields(&check_promotion_value(Amount, d("5"), Some("usd"), None)),
            ["currency"]
        );
    }

    #[test]
    fn a_promotion_applies_only_when_every_condition_holds() {
        let promo = PromotionFacts {
            active: true,
            valid_from: at(1),
            valid_to: Some(at(20)),
            currency: Some("USD"),
            product_eligible: true,
        };
        assert_eq!(promotion_applies(&promo, "USD", at(1)), Ok(()));
        assert_eq!(
            promotion_applies(&promo, "USD", at(20)),
            Err(NotApplicable::Expired(at(20)))
        );
        let early = PromotionFacts {
            valid_from: at(10),
            ..promo.clone()
        };
        assert_eq!(
            promotion_applies(&early, "USD", at(5)),
            Err(NotApplicable::NotYetValid(at(10)))
        );
        let off = PromotionFacts {
            active: false,
            ..promo.clone()
        };
        assert_eq!(
            promotion_applies(&off, "USD", at(5)),
            Err(NotApplicable::Inactive)
        );
        let other = PromotionFacts {
            product_eligible: false,
            ..promo.clone()
        };
        assert_eq!(
            promotion_applies(&other, "USD", at(5)),
            Err(NotApplicable::ProductNotEligible)
        );
        let err = promotion_applies(&promo, "EUR", at(5)).unwrap_err();
        assert_eq!(
            err.to_string(),
            "the promotion is an amount in USD; the order is in EUR"
        );
        let percent = PromotionFacts {
            currency: None,
            ..promo
        };
        assert_eq!(promotion_applies(&percent, "EUR", at(5)), Ok(()));
    }

    #[test]
    fn tax_rates_are_percentages_and_periods_are_ordered() {
        assert!(check_tax_rate(d("0")).is_none());
        assert!(check_tax_rate(d("100")).is_none());
        assert!(check_tax_rate(d("8.2500")).is_none());
        assert!(check_tax_rate(d("-0.01")).is_some());
        assert!(check_tax_rate(d("100.01")).is_some());
        assert!(check_tax_rate(d("8.12345")).is_some());
        let day = |d| NaiveDate::from_ymd_opt(2026, 1, d).unwrap();
        assert!(check_period("valid_to", day(1), Some(day(2))).is_none());
        assert!(check_period("valid_to", day(1), None).is_none());
        assert_eq!(
            check_period("valid_to", day(2), Some(day(2)))
                .unwrap()
                .field,
            "valid_to"
        );
    }
}
