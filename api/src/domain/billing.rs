//! Billing: what a subscription owes for a run date, and how an invoice adds up. Pure: the
//! bill run (`services::billing`) reads the values, calls these rules and writes the result.
//!
//! Rules:
//! - **Periods.** A subscription's billing period runs from its anchor day in one month to
//!   the anchor day in the next (`domain::subscription::period_start`): the customer's
//!   calendar cycle day (1–28), or the activation day for anniversary billing, where an
//!   anchor of 29–31 falls on the last day of shorter months (so an anniversary on the 31st
//!   bills 28 February – 30 March, 31 March – 29 April …).
//! - **Recurring charges are billed in advance.** `billed_through` is the first day not yet
//!   billed. A run on day D bills every period (or the rest of one) that starts on or before
//!   D. A subscription that starts mid-period pays the remaining days of that period, day-
//!   based (`domain::proration`), as a `recurring` line for those days.
//! - **Promotions** are a monthly discount, a `discount` line beside each recurring line and
//!   prorated the same way. A promotion of N cycles discounts N *full* periods; the partial
//!   first period is discounted without using a cycle.
//! - **Usage is billed in arrears.** When a period has ended, the bytes over the plan's cap
//!   are charged per GB (10^9 bytes) at the plan's overage price; **every GB or part of one
//!   counts** (the excess is rounded up to a whole GB). The cap and price of the plan at
//!   billing time apply.
//! - **Changes settle** (`settle`). A plan change, a pause at the customer's request or a
//!   termination on day X: days already billed from X on are credited at the old rate and
//!   charged at the new one (0 for a pause or termination), each as its own `proration` line
//!   over the same days of the same period; days before X not yet billed are charged at the
//!   old rate and billing continues from X. A day is therefore always paid at the rate in
//!   effect on that day.
//! - **Order of application:** charges, then discounts, then tax: tax is worked out per line
//!   on the line's rounded net amount, at the rate valid on the line's date (its period's
//!   first day, or the charge's day) for the customer's tax zone and the product's tax
//!   category; an exempt customer pays none; no rate defined means untaxed.
//! - **Rounding** (`domain::money`): each line's amount and tax are rounded once to the
//!   currency's minor unit, half away from zero; totals are sums of rounded lines.
//! - **No negative invoice.** Credits waiting for the next invoice go on it only as far as
//!   they keep its total at or above zero, in the order they arose; the rest waits for a
//!   later invoice. Only a credit note takes money off an issued invoice.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde_json::{json, Value};

use super::money::{round_to_minor_unit, Currency};
use super::proration::{prorate, Period};
use super::subscription::{next_period_start, period_start};

/// How many periods one run bills for a subscription at most (a subscription years behind
/// is caught up over several runs rather than in one enormous invoice).
pub const MAX_PERIODS_PER_RUN: usize = 24;

/// Bytes in a GB, for caps and overage.
pub const BYTES_PER_GB: i64 = 1_000_000_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKind {
    Recurring,
    Proration,
    Usage,
    OneTime,
    Discount,
    Fee,
}

impl LineKind {
    pub fn as_str(&self) -> &'static str {
        match self {
            LineKind::Recurring => "recurring",
            LineKind::Proration => "proration",
            LineKind::Usage => "usage",
            LineKind::OneTime => "one_time",
            LineKind::Discount => "discount",
            LineKind::Fee => "fee",
        }
    }

    /// The line kind of a waiting charge (`pending_charges.kind`).
    pub fn of_pending(kind: &str) -> LineKind {
        match kind {
            "proration" => LineKind::Proration,
            "discount" => LineKind::Discount,
            "late_fee" | "reconnection_fee" | "early_termination_fee" => LineKind::Fee,
            _ => LineKind::OneTime,
        }
    }
}

/// A tax rate of a zone and category, valid on `[valid_from, valid_to)`; `rate` in percent.
#[derive(Debug, Clone, PartialEq)]
pub struct TaxRate {
    pub zone: String,
    pub category: String,
    pub name: String,
    pub rate: Decimal,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
}

/// Every tax rate, looked up in memory during a run.
#[derive(Debug, Clone, Default)]
pub struct TaxTable {
    rates: Vec<TaxRate>,
}

impl TaxTable {
    pub fn new(rates: Vec<TaxRate>) -> Self {
        TaxTable { rates }
    }

    pub fn on(&self, zone: &str, category: &str, day: NaiveDate) -> Option<&TaxRate> {
        self.rates.iter().find(|r| {
            r.zone == zone
                && r.category == category
                && r.valid_from <= day
                && r.valid_to.is_none_or(|to| day < to)
        })
    }
}

/// Whose tax applies.
#[derive(Debug, Clone, Copy)]
pub struct TaxPayer<'a> {
    pub zone: &'a str,
    pub exempt: bool,
}

/// A rated charge, precise, before rounding.
#[derive(Debug, Clone, PartialEq)]
pub struct Charge {
    pub kind: LineKind,
    pub subscription_id: Option<i64>,
    pub description: String,
    pub period: Option<(NaiveDate, NaiveDate)>,
    pub quantity: Decimal,
    pub unit_price: Decimal,
    pub amount: Decimal,
    pub tax_category: String,
    /// The day whose tax rate applies.
    pub tax_date: NaiveDate,
    /// How the charge came about, for the "why is my bill this amount" view.
    pub rule: Value,
}

/// An invoice line: the charge rounded, with its tax.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub kind: LineKind,
    pub subscription_id: Option<i64>,
    pub description: String,
    pub period: Option<(NaiveDate, NaiveDate)>,
    pub quantity: Decimal,
    pub unit_price: Decimal,
    pub amount: Decimal,
    pub tax_rate: Decimal,
    pub tax_name: String,
    pub tax_amount: Decimal,
    pub rule: Value,
}

/// Rounds the charges into lines and taxes them (the rule at the top).
pub fn to_lines(
    charges: Vec<Charge>,
    payer: TaxPayer<'_>,
    taxes: &TaxTable,
    currency: Currency,
) -> Vec<Line> {
    charges
        .into_iter()
        .map(|c| {
            let amount = round_to_minor_unit(c.amount, currency);
            let (tax_rate, tax_name) = if payer.exempt {
                (Decimal::ZERO, "Exempt".to_string())
            } else {
                match taxes.on(payer.zone, &c.tax_category, c.tax_date) {
                    Some(rate) => (rate.rate, rate.name.clone()),
                    None => (Decimal::ZERO, "No tax".to_string()),
                }
            };
            let tax_amount =
                round_to_minor_unit(amount * tax_rate / Decimal::ONE_HUNDRED, currency);
            Line {
                kind: c.kind,
                subscription_id: c.subscription_id,
                description: c.description,
                period: c.period,
                quantity: c.quantity,
                unit_price: c.unit_price,
                amount,
                tax_rate,
                tax_name,
                tax_amount,
                rule: c.rule,
            }
        })
        .collect()
}

/// The tax of one rate on a document.
#[derive(Debug, Clone, PartialEq)]
pub struct TaxSummary {
    pub name: String,
    pub rate: Decimal,
    pub base: Decimal,
    pub tax: Decimal,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Totals {
    pub subtotal: Decimal,
    pub tax_total: Decimal,
    pub total: Decimal,
    pub by_rate: Vec<TaxSummary>,
}

/// Sums of the rounded lines, and the tax per rate (in the order rates first appear).
pub fn totals<'a>(lines: impl IntoIterator<Item = (&'a str, Decimal, Decimal, Decimal)>) -> Totals {
    let mut t = Totals::default();
    for (name, rate, amount, tax) in lines {
        t.subtotal += amount;
        t.tax_total += tax;
        match t
            .by_rate
            .iter_mut()
            .find(|s| s.name == name && s.rate == rate)
        {
            Some(s) => {
                s.base += amount;
                s.tax += tax;
            }
            None => t.by_rate.push(TaxSummary {
                name: name.to_string(),
                rate,
                base: amount,
                tax,
            }),
        }
    }
    t.total = t.subtotal + t.tax_total;
    t
}

pub fn line_totals(lines: &[Line]) -> Totals {
    totals(
        lines
            .iter()
            .map(|l| (l.tax_name.as_str(), l.tax_rate, l.amount, l.tax_amount)),
    )
}

/// What billing knows of a subscription.
#[derive(Debug, Clone, PartialEq)]
pub struct Terms {
    pub subscription_id: i64,
    pub description: String,
    pub anchor_day: u32,
    /// Monthly price for the whole quantity, and the monthly discount of its promotion.
    pub monthly: Decimal,
    pub discount: Decimal,
    pub promo_cycles_left: Option<i32>,
    pub tax_category: String,
    pub billed_through: Option<NaiveDate>,
    pub usage_from: Option<NaiveDate>,
    pub usage_due_on: Option<NaiveDate>,
    /// The day service ended (terminated), after which no usage period starts.
    pub ended_on: Option<NaiveDate>,
    pub cap_gb: Option<i32>,
    pub overage_per_gb: Option<Decimal>,
    /// The usage total of the last period whose usage was billed, when it was billed.
    pub usage_billed_octets: i64,
}

/// What a run bills of one subscription, and where its billing stands afterwards.
#[derive(Debug, Clone, PartialEq)]
pub struct Rated {
    pub charges: Vec<Charge>,
    /// The monthly discount of the last period billed (what a later credit takes back), or
    /// `None` when no period was billed.
    pub billed_discount: Option<Decimal>,
    pub billed_through: Option<NaiveDate>,
    pub usage_from: Option<NaiveDate>,
    pub usage_due_on: Option<NaiveDate>,
    pub promo_cycles_left: Option<i32>,
    pub usage_billed_octets: i64,
}

/// Whole GB over the cap, every GB or part of one counting (no overflow near `i64::MAX`).
fn gb_over(octets: i64, cap_gb: i32) -> i64 {
    let over = octets.saturating_sub(i64::from(cap_gb.max(0)).saturating_mul(BYTES_PER_GB));
    if over <= 0 {
        0
    } else {
        (over - 1) / BYTES_PER_GB + 1
    }
}

/// The period containing `day` for an anchor.
pub fn period_of(anchor_day: u32, day: NaiveDate) -> Period {
    Period {
        start: period_start(anchor_day, day),
        end: next_period_start(anchor_day, day),
    }
}

fn period_text(from: NaiveDate, to: NaiveDate) -> String {
    format!("{} – {}", from, to.pred_opt().unwrap_or(to))
}

/// The charge for `[from, to)` inside `period`, such that adjacent parts of one period sum
/// to the whole exactly (the part that reaches the period's end is the remainder).
fn part(amount: Decimal, period: Period, from: NaiveDate, to: NaiveDate) -> Decimal {
    if from <= period.start && to >= period.end {
        amount
    } else if to >= period.end {
        amount - prorate(amount, period, period.start, from)
    } else {
        prorate(amount, period, from, to)
    }
}

fn day_rule(kind: &str, period: Period, from: NaiveDate, to: NaiveDate, monthly: Decimal) -> Value {
    json!({
        "rule": kind,
        "period_start": period.start,
        "period_end": period.end,
        "from": from,
        "to": to,
        "days": (to - from).num_days(),
        "period_days": period.days(),
        "monthly": monthly.normalize().to_string(),
    })
}

/// Recurring charges (and their discounts) and usage over the cap that a run on `run_on`
/// bills for one subscription.
pub fn rate(terms: &Terms, usage: &[(NaiveDate, i64)], run_on: NaiveDate) -> Rated {
    let mut charges = Vec::new();
    let mut billed_discount = None;
    let mut promo = terms.promo_cycles_left;
    let mut billed_through = terms.billed_through;
    if let Some(mut cursor) = terms.billed_through {
        let mut periods = 0;
        while cursor <= run_on && periods < MAX_PERIODS_PER_RUN {
            let period = period_of(terms.anchor_day, cursor);
            let full = cursor == period.start;
            let amount = part(terms.monthly, period, cursor, period.end);
            let days = (period.end - cursor).num_days();
            let quantity = if full {
                Decimal::ONE
            } else {
                (Decimal::from(days) / Decimal::from(period.days())).round_dp(4)
            };
            charges.push(Charge {
                kind: LineKind::Recurring,
                subscription_id: Some(terms.subscription_id),
                description: terms.description.clone(),
                period: Some((cursor, period.end)),
                quantity,
                unit_price: terms.monthly,
                amount,
                tax_category: terms.tax_category.clone(),
                tax_date: cursor,
                rule: day_rule(
                    if full {
                        "full_period"
                    } else {
                        "remaining_days"
                    },
                    period,
                    cursor,
                    period.end,
                    terms.monthly,
                ),
            });
            let discounted = terms.discount > Decimal::ZERO && promo.is_none_or(|n| n > 0);
            billed_discount = Some(if discounted {
                terms.discount
            } else {
                Decimal::ZERO
            });
            if discounted {
                let off = part(terms.discount, period, cursor, period.end);
                let mut rule = day_rule("promotion", period, cursor, period.end, terms.discount);
                if full {
                    promo = promo.map(|n| n - 1);
                }
                rule["cycles_left_after"] = json!(promo);
                charges.push(Charge {
                    kind: LineKind::Discount,
                    subscription_id: Some(terms.subscription_id),
                    description: format!("Promotion: {}", terms.description),
                    period: Some((cursor, period.end)),
                    quantity,
                    unit_price: -terms.discount,
                    amount: -off,
                    tax_category: terms.tax_category.clone(),
                    tax_date: cursor,
                    rule,
                });
            }
            cursor = period.end;
            periods += 1;
        }
        billed_through = Some(cursor);
    }

    let (mut usage_from, mut usage_due_on) = (terms.usage_from, terms.usage_due_on);
    let mut billed_octets = terms.usage_billed_octets;
    // Usage that arrived after the last period's usage was billed: the GB it adds over the
    // cap.
    if let (Some(from), Some(cap), Some(price)) = (usage_from, terms.cap_gb, terms.overage_per_gb) {
        if let Some(prev) = from.pred_opt().map(|d| period_start(terms.anchor_day, d)) {
            let total = usage
                .iter()
                .find(|(s, _)| *s == prev)
                .map_or(0, |(_, o)| *o);
            if total > billed_octets {
                let extra = gb_over(total, cap) - gb_over(billed_octets, cap);
                if extra > 0 {
                    let quantity = Decimal::from(extra);
                    charges.push(Charge {
                        kind: LineKind::Usage,
                        subscription_id: Some(terms.subscription_id),
                        description: format!(
                            "Data over the {cap} GB cap, recorded late: {}",
                            terms.description
                        ),
                        period: Some((prev, from)),
                        quantity,
                        unit_price: price,
                        amount: quantity * price,
                        tax_category: terms.tax_category.clone(),
                        tax_date: prev,
                        rule: json!({
                            "rule": "late_usage_over_cap",
                            "period_start": prev,
                            "period_end": from,
                            "octets": total,
                            "octets_billed_before": billed_octets,
                            "cap_gb": cap,
                            "billed_gb": extra,
                            "per_gb": price.normalize().to_string(),
                        }),
                    });
                }
                billed_octets = total;
            }
        }
    }
    let mut usage_periods = 0;
    while let (Some(from), Some(due)) = (usage_from, usage_due_on) {
        if due > run_on || usage_periods >= MAX_PERIODS_PER_RUN {
            break;
        }
        usage_periods += 1;
        let octets = usage
            .iter()
            .find(|(start, _)| *start == from)
            .map_or(0, |(_, o)| *o);
        billed_octets = octets;
        if let (Some(cap), Some(price)) = (terms.cap_gb, terms.overage_per_gb) {
            let cap_octets = i64::from(cap.max(0)).saturating_mul(BYTES_PER_GB);
            if octets > cap_octets {
                let over = octets - cap_octets;
                let gb = gb_over(octets, cap);
                let quantity = Decimal::from(gb);
                charges.push(Charge {
                    kind: LineKind::Usage,
                    subscription_id: Some(terms.subscription_id),
                    description: format!("Data over the {cap} GB cap: {}", terms.description),
                    period: Some((from, due)),
                    quantity,
                    unit_price: price,
                    amount: quantity * price,
                    tax_category: terms.tax_category.clone(),
                    tax_date: from,
                    rule: json!({
                        "rule": "usage_over_cap",
                        "period_start": from,
                        "period_end": due,
                        "octets": octets,
                        "cap_gb": cap,
                        "over_octets": over,
                        "billed_gb": gb,
                        "per_gb": price.normalize().to_string(),
                        "rounding": "every GB or part of one",
                    }),
                });
            }
        }
        usage_from = Some(due);
        usage_due_on = match terms.ended_on {
            Some(end) if due >= end => None,
            _ => Some(next_period_start(terms.anchor_day, due)),
        };
    }
    Rated {
        charges,
        billed_discount,
        billed_through,
        usage_from,
        usage_due_on,
        promo_cycles_left: promo,
        usage_billed_octets: billed_octets,
    }
}

/// A subscription's price at a moment: what a day of service costs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    pub monthly: Decimal,
    pub discount: Decimal,
}

impl Rate {
    pub const NONE: Rate = Rate {
        monthly: Decimal::ZERO,
        discount: Decimal::ZERO,
    };
}

/// An adjustment `settle` makes, billed on the next invoice.
#[derive(Debug, Clone, PartialEq)]
pub struct Adjustment {
    pub kind: LineKind,
    pub period: Period,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub amount: Decimal,
    pub description: String,
    pub rule: Value,
}

/// The periods' parts covering `[from, to)`.
fn segments(
    anchor_day: u32,
    from: NaiveDate,
    to: NaiveDate,
) -> Vec<(Period, NaiveDate, NaiveDate)> {
    let mut out = Vec::new();
    let mut cursor = from;
    while cursor < to {
        let period = period_of(anchor_day, cursor);
        let end = period.end.min(to);
        out.push((period, cursor, end));
        cursor = end;
    }
    out
}

/// Settles a change of rate on `day` (the rule at the top): the adjustments, and the new
/// `billed_through`. Each rate is net of its promotion (one line per rate and segment, so a
/// credit and the promotion it carried never come apart).
pub fn settle(
    anchor_day: u32,
    billed_through: NaiveDate,
    day: NaiveDate,
    old: Rate,
    new: Rate,
    what: &str,
) -> (Vec<Adjustment>, NaiveDate) {
    let mut out = Vec::new();
    let forward = day >= billed_through;
    let (from, to, through) = if forward {
        (billed_through, day, day)
    } else {
        (day, billed_through, billed_through)
    };
    for (period, f, t) in segments(anchor_day, from, to) {
        // (rate, sign, rule, text) per part of the segment.
        let parts: Vec<(Rate, bool, &str, &str)> = if forward {
            vec![(old, true, "days_before_change", "days before the change")]
        } else {
            vec![
                (old, false, "credit_unused_days", "credit for unused days"),
                (
                    new,
                    true,
                    "charge_remaining_days",
                    "new price for the remaining days",
                ),
            ]
        };
        for (rate, positive, rule, text) in parts {
            let amount = part(rate.monthly, period, f, t) - part(rate.discount, period, f, t);
            if amount.is_zero() {
                continue;
            }
            let mut r = day_rule(rule, period, f, t, rate.monthly);
            if !rate.discount.is_zero() {
                r["discount"] = json!(rate.discount.normalize().to_string());
            }
            out.push(Adjustment {
                kind: LineKind::Proration,
                period,
                from: f,
                to: t,
                amount: if positive { amount } else { -amount },
                description: format!("{what}: {text} ({})", period_text(f, t)),
                rule: r,
            });
        }
    }
    (out, through)
}

/// Which waiting credits go on an invoice (the "no negative invoice" rule): `amounts` are
/// the waiting charges in the order they arose, `base` the rest of the invoice. Returns
/// whether each is taken.
pub fn take_credits(base: Decimal, amounts: &[Decimal]) -> Vec<bool> {
    let mut total = base
        + amounts
            .iter()
            .filter(|a| **a > Decimal::ZERO)
            .sum::<Decimal>();
    amounts
        .iter()
        .map(|a| {
            if *a >= Decimal::ZERO {
                true
            } else if total + *a >= Decimal::ZERO {
                total += *a;
                true
            } else {
                false
            }
        })
        .collect()
}

/// A credit of `gross` (tax included) spread over an invoice's tax rates in proportion to
/// what is left to credit at each (`groups`: rate in percent and gross left). Each share is
/// rounded once; the last rate takes the remainder so the shares add up to `gross` exactly;
/// each share splits into net and tax at its rate (net rounded, tax the rest). `None` when
/// `gross` is more than is left.
pub fn allocate_credit(
    gross: Decimal,
    groups: &[(Decimal, Decimal)],
    currency: Currency,
) -> Option<Vec<(Decimal, Decimal)>> {
    let left: Decimal = groups.iter().map(|g| g.1).sum();
    if gross <= Decimal::ZERO || gross > left || groups.is_empty() {
        return None;
    }
    let mut out = Vec::with_capacity(groups.len());
    let mut given = Decimal::ZERO;
    for (i, (rate, group_left)) in groups.iter().enumerate() {
        let share = if i + 1 == groups.len() {
            gross - given
        } else {
            round_to_minor_unit(gross * *group_left / left, currency)
        };
        given += share;
        let net = round_to_minor_unit(
            share * Decimal::ONE_HUNDRED / (Decimal::ONE_HUNDRED + *rate),
            currency,
        );
        out.push((net, share - net));
    }
    Some(out)
}

/// The rule of a line in words, for the "why is my bill this amount" view.
pub fn explain(rule: &Value, currency: &str) -> String {
    let text = |k: &str| {
        rule.get(k)
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    let num = |k: &str| rule.get(k).and_then(Value::as_i64).unwrap_or(0);
    let money = |k: &str| {
        text(k)
            .parse::<Decimal>()
            .map(|d| super::money::for_display(d, currency).to_string())
            .unwrap_or_default()
    };
    let span = || {
        let to = rule
            .get("to")
            .and_then(Value::as_str)
            .and_then(|d| d.parse::<NaiveDate>().ok())
            .and_then(|d| d.pred_opt())
            .map(|d| d.to_string())
            .unwrap_or_default();
        format!("{} – {}", text("from"), to)
    };
    let less = || {
        if rule.get("discount").is_some() {
            format!(" less the promotion's {} {currency}", money("discount"))
        } else {
            String::new()
        }
    };
    let days = || {
        format!(
            "{} of the period's {} days ({})",
            num("days"),
            num("period_days"),
            span()
        )
    };
    match rule.get("rule").and_then(Value::as_str).unwrap_or("") {
        "full_period" => format!("The monthly price {} {currency} for the whole period {}, billed in advance.", money("monthly"), span()),
        "remaining_days" => format!(
            "The service started during the period: the monthly price {} {currency} × {} / {} for {}.",
            money("monthly"), num("days"), num("period_days"), days()
        ),
        "promotion" => {
            let left = match rule.get("cycles_left_after").and_then(Value::as_i64) {
                Some(n) => format!(" {n} discounted month(s) left after this one."),
                None => " The promotion has no end.".to_string(),
            };
            if num("days") == num("period_days") {
                format!("Promotion: {} {currency} off the monthly price.{left}", money("monthly"))
            } else {
                format!("Promotion: {} {currency} off a month, for {}.{left}", money("monthly"), days())
            }
        }
        "usage_over_cap" => {
            let gb = |k: &str| Decimal::from(num(k)) / Decimal::from(BYTES_PER_GB);
            format!(
                "Used {} GB in {} – {} against a {} GB cap: {} GB over, billed as {} GB (every GB or part of one) at {} {currency} per GB.",
                gb("octets").round_dp(3).normalize(), text("period_start"),
                text("period_end").parse::<NaiveDate>().ok().and_then(|d| d.pred_opt()).map(|d| d.to_string()).unwrap_or_default(),
                num("cap_gb"), gb("over_octets").round_dp(3).normalize(), num("billed_gb"), money("per_gb")
            )
        }
        "days_before_change" => format!("The old monthly price {} {currency}{} for the days before the change: {}.", money("monthly"), less(), days()),
        "credit_unused_days" => format!("Credit: the old monthly price {} {currency}{} for the days already billed and not used: {}.", money("monthly"), less(), days()),
        "charge_remaining_days" => format!("The new monthly price {} {currency}{} for the rest of the period: {}.", money("monthly"), less(), days()),
        "late_usage_over_cap" => format!(
            "Usage recorded after {} – {} was billed: the period's total rose to {} GB, {} GB more over the {} GB cap at {} {currency} per GB.",
            text("period_start"),
            text("period_end").parse::<NaiveDate>().ok().and_then(|d| d.pred_opt()).map(|d| d.to_string()).unwrap_or_default(),
            (Decimal::from(num("octets")) / Decimal::from(BYTES_PER_GB)).round_dp(3).normalize(),
            num("billed_gb"), num("cap_gb"), money("per_gb")
        ),
        "one_time" => match text("kind").as_str() {
            "early_termination_fee" => "Early termination fee: the service ended inside its minimum contract.".to_string(),
            "late_fee" => "Late fee.".to_string(),
            "reconnection_fee" => "Reconnection fee.".to_string(),
            "deposit" => "Deposit.".to_string(),
            _ => "One-time charge.".to_string(),
        },
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests;
