//! Usage rules: billing periods, data caps, counter deltas.
//!
//! - A subscription's billing period starts on its anchor day (1–31) at 00:00 UTC; in a
//!   month shorter than the anchor day it starts on the month's last day (anchor 31: Jan 31,
//!   Feb 28 or 29, Mar 31, Apr 30, …). A period ends where the next one starts.
//! - Usage belongs to the period that contains the moment it was observed, so a session that
//!   spans two periods gives each period what was reported within it.
//! - A data cap of N GB is N × 10⁹ octets (decimal gigabytes, as plans are sold); the cap is
//!   reached when input + output octets in the period are at least that.
//! - Accounting counters are running totals per session: the usage since the last
//!   observation is the difference. A total lower than the last one seen is a counter reset,
//!   and the new total is the usage since the reset; usage is never negative.
//!
//! The same period rule lives in SQL (`usage_period_start`, migration 000016), where the
//! poller and the cap check use it; a test compares the two.

use chrono::{DateTime, Datelike, Days, Months, NaiveDate, NaiveTime, Utc};

/// Octets in a (decimal) gigabyte.
pub const OCTETS_PER_GB: i64 = 1_000_000_000;

/// A billing anchor day, 1–31.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AnchorDay(u32);

impl AnchorDay {
    pub fn parse(day: i32) -> Result<Self, &'static str> {
        if (1..=31).contains(&day) {
            Ok(AnchorDay(day as u32))
        } else {
            Err("the billing anchor day must be between 1 and 31")
        }
    }

    pub fn get(self) -> u32 {
        self.0
    }

    /// The anchor's date in the month of `first` (a first of month): the anchor day, or the
    /// month's last day when the month is shorter.
    fn in_month(self, first: NaiveDate) -> NaiveDate {
        let last = first
            .checked_add_months(Months::new(1))
            .and_then(|next| next.pred_opt())
            .unwrap_or(first);
        first.with_day(self.0.min(last.day())).unwrap_or(last)
    }
}

/// One billing period: `start` inclusive, `end` exclusive (the next period's start).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub start: NaiveDate,
    pub end: NaiveDate,
}

impl Period {
    /// The period that contains `day`.
    pub fn containing(day: NaiveDate, anchor: AnchorDay) -> Period {
        let first = day.with_day(1).unwrap_or(day);
        let this_month = anchor.in_month(first);
        let start = if day >= this_month {
            this_month
        } else {
            let prev = first.checked_sub_months(Months::new(1)).unwrap_or(first);
            anchor.in_month(prev)
        };
        Period {
            start,
            end: next_start(start, anchor),
        }
    }

    /// The period starting on `start`, if `start` is one of the anchor's period starts.
    pub fn starting(start: NaiveDate, anchor: AnchorDay) -> Option<Period> {
        let period = Period::containing(start, anchor);
        (period.start == start).then_some(period)
    }

    pub fn start_at(&self) -> DateTime<Utc> {
        self.start.and_time(NaiveTime::MIN).and_utc()
    }

    pub fn end_at(&self) -> DateTime<Utc> {
        self.end.and_time(NaiveTime::MIN).and_utc()
    }

    /// Every day of the period, in order.
    pub fn days(&self) -> impl Iterator<Item = NaiveDate> + '_ {
        self.start.iter_days().take_while(move |d| *d < self.end)
    }
}

fn next_start(start: NaiveDate, anchor: AnchorDay) -> NaiveDate {
    let first = start.with_day(1).unwrap_or(start);
    let next_first = first
        .checked_add_months(Months::new(1))
        .unwrap_or_else(|| first + Days::new(31));
    anchor.in_month(next_first)
}

/// A data cap in octets.
pub fn cap_octets(cap_gb: i32) -> i64 {
    i64::from(cap_gb).saturating_mul(OCTETS_PER_GB)
}

/// Whether `used` octets reach a cap of `cap_gb` GB.
pub fn cap_reached(used: i64, cap_gb: i32) -> bool {
    used >= cap_octets(cap_gb)
}

/// Share of the cap used, in percent with one decimal, rounded down (so 100.0 means the cap
/// is reached).
pub fn percent_used(used: i64, cap: i64) -> rust_decimal::Decimal {
    if cap <= 0 {
        return rust_decimal::Decimal::ZERO;
    }
    let tenths = (i128::from(used.max(0)) * 1000) / i128::from(cap);
    rust_decimal::Decimal::from_i128_with_scale(tenths, 1)
}

/// The usage between two readings of a running counter: the difference, or, when the
/// counter went down (a reset), the new reading itself. `None` when it did not move.
pub fn counter_delta(last: i64, now: i64) -> CounterDelta {
    if now >= last {
        CounterDelta {
            octets: now - last,
            reset: false,
        }
    } else {
        CounterDelta {
            octets: now.max(0),
            reset: true,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CounterDelta {
    pub octets: i64,
    pub reset: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn anchor(day: i32) -> AnchorDay {
        AnchorDay::parse(day).unwrap()
    }

    #[test]
    fn a_mid_month_anchor_runs_from_that_day_to_the_same_day_next_month() {
        let p = Period::containing(d(2026, 3, 20), anchor(15));
        assert_eq!((p.start, p.end), (d(2026, 3, 15), d(2026, 4, 15)));
        let p = Period::containing(d(2026, 3, 14), anchor(15));
        assert_eq!((p.start, p.end), (d(2026, 2, 15), d(2026, 3, 15)));
        let p = Period::containing(d(2026, 3, 15), anchor(15));
        assert_eq!(p.start, d(2026, 3, 15), "the anchor day opens its period");
    }

    #[test]
    fn the_first_is_the_calendar_month() {
        let p = Period::containing(d(2026, 12, 31), anchor(1));
        assert_eq!((p.start, p.end), (d(2026, 12, 1), d(2027, 1, 1)));
        assert_eq!(p.days().count(), 31);
    }

    #[test]
    fn days_29_to_31_clamp_to_the_last_day_of_shorter_months() {
        // Anchor 31: Jan 31 → Feb 28 → Mar 31 → Apr 30.
        let p = Period::containing(d(2026, 2, 10), anchor(31));
        assert_eq!((p.start, p.end), (d(2026, 1, 31), d(2026, 2, 28)));
        let p = Period::containing(d(2026, 3, 2), anchor(31));
        assert_eq!((p.start, p.end), (d(2026, 2, 28), d(2026, 3, 31)));
        let p = Period::containing(d(2026, 4, 30), anchor(31));
        assert_eq!((p.start, p.end), (d(2026, 4, 30), d(2026, 5, 31)));
        // Leap years give February its 29th.
        let p = Period::containing(d(2024, 3, 1), anchor(30));
        assert_eq!((p.start, p.end), (d(2024, 2, 29), d(2024, 3, 30)));
        let p = Period::containing(d(2024, 2, 29), anchor(29));
        assert_eq!((p.start, p.end), (d(2024, 2, 29), d(2024, 3, 29)));
        let p = Period::containing(d(2026, 2, 28), anchor(29));
        assert_eq!((p.start, p.end), (d(2026, 2, 28), d(2026, 3, 29)));
    }

    #[test]
    fn periods_tile_the_calendar_without_gaps_or_overlaps() {
        for a in 1..=31 {
            let a = anchor(a);
            let mut day = d(2023, 12, 1);
            let mut period = Period::containing(day, a);
            while day < d(2026, 3, 1) {
                let here = Period::containing(day, a);
                assert!(
                    here.start <= day && day < here.end,
                    "{day} outside {here:?}"
                );
                if here != period {
                    assert_eq!(here.start, period.end, "gap or overlap at {day} ({a:?})");
                    period = here;
                }
                day = day.succ_opt().unwrap();
            }
        }
    }

    #[test]
    fn only_a_period_start_starts_a_period() {
        assert!(Period::starting(d(2026, 2, 28), anchor(31)).is_some());
        assert!(Period::starting(d(2026, 2, 27), anchor(31)).is_none());
        assert!(Period::starting(d(2026, 3, 1), anchor(1)).is_some());
    }

    #[test]
    fn the_anchor_day_is_one_to_thirty_one() {
        assert!(AnchorDay::parse(0).is_err());
        assert!(AnchorDay::parse(32).is_err());
        assert_eq!(AnchorDay::parse(31).unwrap().get(), 31);
    }

    #[test]
    fn a_cap_is_in_decimal_gigabytes_and_reached_at_equality() {
        assert_eq!(cap_octets(50), 50_000_000_000);
        assert!(!cap_reached(49_999_999_999, 50));
        assert!(cap_reached(50_000_000_000, 50));
        assert_eq!(
            percent_used(25_000_000_000, cap_octets(50)).to_string(),
            "50.0"
        );
        assert_eq!(percent_used(1, 3).to_string(), "33.3");
        assert_eq!(percent_used(3, 3).to_string(), "100.0");
    }

    #[test]
    fn a_counter_that_goes_down_was_reset_and_counts_from_zero() {
        assert_eq!(
            counter_delta(100, 250),
            CounterDelta {
                octets: 150,
                reset: false
            }
        );
        assert_eq!(
            counter_delta(5_000, 40),
            CounterDelta {
                octets: 40,
                reset: true
            }
        );
        assert_eq!(counter_delta(7, 7).octets, 0);
    }
}
