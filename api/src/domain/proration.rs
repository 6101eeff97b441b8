//! Proration, day-based on the actual days of the billing period (groundwork for billing).
//!
//! Rules:
//! - A period is the half-open day range `[start, end)`: the first day of one billing period
//!   to the first day of the next (`domain::subscription::period_start` and
//!   `next_period_start`), so February has 28 or 29 days and March 31.
//! - The charge for days `[from, to)` of a period is `amount × days(from, to) / days(period)`,
//!   kept precise (`Decimal`, no rounding here: rounding happens once, on the invoice line,
//!   by the rule in `domain::money`).
//! - Splitting a period at a day gives two parts that sum to the whole amount exactly: the
//!   part after the split is the amount minus the part before, so no fraction of a cent is
//!   lost or billed twice.
//! - A mid-period plan change credits the old plan's remaining days and charges the new
//!   plan's for the same days, as two separate amounts over the same day range.

use chrono::NaiveDate;
use rust_decimal::Decimal;

/// A billing period: `[start, end)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub start: NaiveDate,
    pub end: NaiveDate,
}

impl Period {
    /// `None` unless the period has at least one day.
    pub fn new(start: NaiveDate, end: NaiveDate) -> Option<Period> {
        (start < end).then_some(Period { start, end })
    }

    pub fn days(&self) -> i64 {
        (self.end - self.start).num_days()
    }

    /// The day clamped into the period (`end` stays the end).
    fn clamp(&self, day: NaiveDate) -> NaiveDate {
        day.clamp(self.start, self.end)
    }
}

/// The charge for the days `[from, to)` of the period (clamped to it), precise.
pub fn prorate(amount: Decimal, period: Period, from: NaiveDate, to: NaiveDate) -> Decimal {
    let (from, to) = (period.clamp(from), period.clamp(to));
    if to <= from {
        return Decimal::ZERO;
    }
    let days = (to - from).num_days();
    if days == period.days() {
        return amount;
    }
    amount * Decimal::from(days) / Decimal::from(period.days())
}

/// The amount split at `day`: the part for `[start, day)` and the part for `[day, end)`,
/// summing to `amount` exactly.
pub fn split(amount: Decimal, period: Period, day: NaiveDate) -> (Decimal, Decimal) {
    let before = prorate(amount, period, period.start, day);
    (before, amount - before)
}

/// A plan change on `day`: the credit for the old plan's unused days (negative) and the
/// charge for the new plan's remaining days, both over `[day, end)`.
pub fn change(old: Decimal, new: Decimal, period: Period, day: NaiveDate) -> (Decimal, Decimal) {
    let (_, old_rest) = split(old, period, day);
    let (_, new_rest) = split(new, period, day);
    (-old_rest, new_rest)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::subscription::{next_period_start, period_start};
    use chrono::Duration;
    use proptest::prelude::*;
    use std::str::FromStr;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn a_start_mid_period_pays_the_remaining_days() {
        // March has 31 days; from the 17th: 15 days of 31.
        let march = Period::new(d(2026, 3, 1), d(2026, 4, 1)).unwrap();
        let rest = prorate(dec("31.00"), march, d(2026, 3, 17), march.end);
        assert_eq!(rest, dec("15"));
        // February 2026 has 28 days: 14 of them are half.
        let feb = Period::new(d(2026, 2, 1), d(2026, 3, 1)).unwrap();
        assert_eq!(
            prorate(dec("50.00"), feb, d(2026, 2, 15), feb.end),
            dec("25")
        );
        // Outside the period: nothing; the whole period: the whole amount.
        assert_eq!(
            prorate(dec("50"), feb, d(2026, 3, 5), d(2026, 3, 9)),
            Decimal::ZERO
        );
        assert_eq!(
            prorate(dec("50"), feb, d(2026, 1, 1), d(2026, 5, 1)),
            dec("50")
        );
    }

    #[test]
    fn an_upgrade_credits_the_old_plan_and_charges_the_new_for_the_same_days() {
        let march = Period::new(d(2026, 3, 1), d(2026, 4, 1)).unwrap();
        let (credit, charge) = change(dec("31.00"), dec("62.00"), march, d(2026, 3, 3));
        assert_eq!(credit, dec("-29"));
        assert_eq!(charge, dec("58"));
    }

    fn any_period() -> impl Strategy<Value = (Period, u32)> {
        (2024i32..2031, 1u32..=12, 1u32..=31, 1u32..=31).prop_map(|(y, m, day, anchor)| {
            let some_day = d(y, m, 1) + Duration::days(i64::from(day) - 1);
            let start = period_start(anchor, some_day);
            let end = next_period_start(anchor, some_day);
            (Period::new(start, end).unwrap(), day)
        })
    }

    fn any_amount() -> impl Strategy<Value = Decimal> {
        (0i64..100_000_000, 0u32..=4).prop_map(|(units, scale)| Decimal::new(units, scale))
    }

    proptest! {
        #[test]
        fn the_two_parts_of_a_split_period_sum_to_the_whole(
            (period, offset) in any_period(),
            amount in any_amount(),
        ) {
            let day = period.start + Duration::days(i64::from(offset) % (period.days() + 1));
            let (before, after) = split(amount, period, day);
            prop_assert_eq!(before + after, amount);
            prop_assert!(before >= Decimal::ZERO && after >= Decimal::ZERO);
        }

        #[test]
        fn every_day_of_a_period_is_billed_once(
            (period, _) in any_period(),
            amount in any_amount(),
        ) {
            // Billing day by day never charges more than the period, and the days' charges
            // are all equal.
            let mut total = Decimal::ZERO;
            let mut day = period.start;
            let one = prorate(amount, period, period.start, period.start + Duration::days(1));
            while day < period.end {
                let next = day + Duration::days(1);
                let charge = prorate(amount, period, day, next);
                prop_assert_eq!(charge, one);
                total += charge;
                day = next;
            }
            // Equal up to the last of Decimal's 28 significant digits (a relative error far
            // below a millionth of a cent): the remainder rule of `split` is what makes
            // real invoices exact.
            let tolerance = (amount + Decimal::ONE) * Decimal::new(1, 24);
            prop_assert!((total - amount).abs() <= tolerance, "{} vs {}", total, amount);
        }

        #[test]
        fn a_change_on_a_day_nets_to_the_price_difference_for_the_rest(
            (period, offset) in any_period(),
            old in any_amount(),
            new in any_amount(),
        ) {
            let day = period.start + Duration::days(i64::from(offset) % period.days());
            let (credit, charge) = change(old, new, period, day);
            let (_, old_rest) = split(old, period, day);
            prop_assert_eq!(credit, -old_rest);
            prop_assert_eq!(credit + charge, split(new, period, day).1 - old_rest);
            prop_assert!(credit <= Decimal::ZERO && charge >= Decimal::ZERO);
        }
    }
}
