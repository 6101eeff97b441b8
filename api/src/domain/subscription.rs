//! Subscriptions: the rules of their life cycle, pure and tested without a database.
//!
//! - Status: pending → active (the activation job ran) → suspended ⇄ active; any but
//!   terminated → terminated. Nothing leaves terminated.
//! - A plan change is an upgrade when the new monthly price is higher (applied now), a
//!   downgrade when lower (applied at the start of the next billing period, or now under the
//!   `immediate` policy), a sidegrade when equal (now). Only an active subscription changes.
//! - The contract ends `contract_months` after the activation day, on the day before the
//!   same day of month (clamped to the month's last day); a termination on or before that
//!   day owes the plan version's early-termination fee unless a manager waives it.
//! - The billing period starts on the anchor day of each month: the customer's calendar day
//!   (1–28), or the activation day for anniversary billing. An anchor of 29–31 falls on the
//!   month's last day in shorter months.
//! - Failed provisioning attempts wait `base × 2^(attempt−1)`, at most an hour.

use std::fmt;

use chrono::{Datelike, Months, NaiveDate};
use rust_decimal::Decimal;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    Pending,
    Active,
    Suspended,
    Terminated,
}

impl Status {
    pub const ALL: [Status; 4] = [
        Status::Pending,
        Status::Active,
        Status::Suspended,
        Status::Terminated,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Active => "active",
            Status::Suspended => "suspended",
            Status::Terminated => "terminated",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|st| st.as_str() == s)
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What staff (or billing) can do to a subscription.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    Activate,
    Suspend,
    Restore,
    ChangePlan,
    Terminate,
}

impl Command {
    pub fn as_str(self) -> &'static str {
        match self {
            Command::Activate => "activate",
            Command::Suspend => "suspend",
            Command::Restore => "restore",
            Command::ChangePlan => "change_plan",
            Command::Terminate => "terminate",
        }
    }
}

/// A command the subscription's status does not allow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotAllowed {
    pub status: Status,
    pub command: Command,
}

impl fmt::Display for NotAllowed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "a {} subscription cannot {}",
            self.status,
            match self.command {
                Command::Activate => "be activated",
                Command::Suspend => "be suspended",
                Command::Restore => "be restored",
                Command::ChangePlan => "change plan",
                Command::Terminate => "be terminated",
            }
        )
    }
}

/// The status a command leads to from `from`, or why it is not allowed.
pub fn apply(from: Status, command: Command) -> Result<Status, NotAllowed> {
    use Command as C;
    use Status as S;
    let to = match (from, command) {
        (S::Pending | S::Active, C::Activate) => S::Active,
        (S::Active, C::Suspend) => S::Suspended,
        (S::Suspended, C::Restore) => S::Active,
        (S::Active, C::ChangePlan) => S::Active,
        (S::Pending | S::Active | S::Suspended, C::Terminate) => S::Terminated,
        _ => {
            return Err(NotAllowed {
                status: from,
                command,
            })
        }
    };
    Ok(to)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SuspendReason {
    NonPayment,
    CustomerRequest,
    Fraud,
}

impl SuspendReason {
    pub const ALL: [SuspendReason; 3] = [
        SuspendReason::NonPayment,
        SuspendReason::CustomerRequest,
        SuspendReason::Fraud,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SuspendReason::NonPayment => "non_payment",
            SuspendReason::CustomerRequest => "customer_request",
            SuspendReason::Fraud => "fraud",
        }
    }

    pub fn parse(s: &str) -> Option<SuspendReason> {
        SuspendReason::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// How a suspended subscriber is treated by the network.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SuspendMode {
    /// Access-Reject with a Reply-Message; open sessions get a Disconnect-Request.
    Reject,
    /// Accepted into the walled-garden pool at a low rate; open sessions get a CoA.
    WalledGarden,
}

impl SuspendMode {
    pub fn parse(s: &str) -> Option<SuspendMode> {
        match s {
            "reject" => Some(SuspendMode::Reject),
            "walled_garden" => Some(SuspendMode::WalledGarden),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            SuspendMode::Reject => "reject",
            SuspendMode::WalledGarden => "walled_garden",
        }
    }

    /// The RADIUS group added at priority 0 while suspended.
    pub fn overlay_group(self) -> &'static str {
        match self {
            SuspendMode::Reject => "suspended",
            SuspendMode::WalledGarden => "walled_garden",
        }
    }
}

/// When a downgrade takes effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DowngradePolicy {
    NextCycle,
    Immediate,
}

impl DowngradePolicy {
    pub fn parse(s: &str) -> Option<DowngradePolicy> {
        match s {
            "next_cycle" => Some(DowngradePolicy::NextCycle),
            "immediate" => Some(DowngradePolicy::Immediate),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeKind {
    Upgrade,
    Downgrade,
    Sidegrade,
}

impl ChangeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Upgrade => "upgrade",
            ChangeKind::Downgrade => "downgrade",
            ChangeKind::Sidegrade => "sidegrade",
        }
    }
}

/// Upgrade, downgrade or sidegrade, by the monthly price before and after.
pub fn change_kind(current_monthly: Decimal, new_monthly: Decimal) -> ChangeKind {
    match new_monthly.cmp(&current_monthly) {
        std::cmp::Ordering::Greater => ChangeKind::Upgrade,
        std::cmp::Ordering::Less => ChangeKind::Downgrade,
        std::cmp::Ordering::Equal => ChangeKind::Sidegrade,
    }
}

/// The day a plan change takes effect: today, unless it is a downgrade under the
/// next-cycle policy, which waits for the next period's first day.
pub fn change_effective_on(
    kind: ChangeKind,
    policy: DowngradePolicy,
    anchor_day: u32,
    today: NaiveDate,
) -> NaiveDate {
    match (kind, policy) {
        (ChangeKind::Downgrade, DowngradePolicy::NextCycle) => next_period_start(anchor_day, today),
        _ => today,
    }
}

/// The anchor day in a given month: the day itself, or the month's last day when shorter.
pub fn anchor_in_month(anchor_day: u32, year: i32, month: u32) -> NaiveDate {
    let last = last_day_of_month(year, month);
    NaiveDate::from_ymd_opt(year, month, anchor_day.clamp(1, 31).min(last))
        .expect("a day inside the month")
}

fn last_day_of_month(year: i32, month: u32) -> u32 {
    let first = NaiveDate::from_ymd_opt(year, month, 1).expect("a valid month");
    let next = first + Months::new(1);
    (next - first).num_days() as u32
}

/// The first day of the billing period that contains `day`.
pub fn period_start(anchor_day: u32, day: NaiveDate) -> NaiveDate {
    let this_month = anchor_in_month(anchor_day, day.year(), day.month());
    if this_month <= day {
        this_month
    } else {
        let previous = day.with_day(1).expect("first of month") - Months::new(1);
        anchor_in_month(anchor_day, previous.year(), previous.month())
    }
}

/// The first day of the billing period after the one that contains `day`.
pub fn next_period_start(anchor_day: u32, day: NaiveDate) -> NaiveDate {
    let start = period_start(anchor_day, day);
    let next = start.with_day(1).expect("first of month") + Months::new(1);
    anchor_in_month(anchor_day, next.year(), next.month())
}

/// The billing anchor of a new subscription: the customer's calendar day, or the activation
/// day for anniversary billing.
pub fn billing_anchor(calendar_day: Option<i32>, activated_on: NaiveDate) -> u32 {
    match calendar_day {
        Some(day) if (1..=28).contains(&day) => day as u32,
        _ => activated_on.day(),
    }
}

/// The contract's last day, or `None` without a minimum term.
pub fn contract_end(activated_on: NaiveDate, contract_months: u32) -> Option<NaiveDate> {
    if contract_months == 0 {
        return None;
    }
    let end = activated_on.checked_add_months(Months::new(contract_months))?;
    // The same day of month `contract_months` later, clamped; the contract ends the day before.
    end.pred_opt()
}

/// The early-termination fee owed when terminating on `day`.
pub fn early_termination_fee(
    contract_end_on: Option<NaiveDate>,
    fee: Decimal,
    day: NaiveDate,
    waived: bool,
) -> Decimal {
    match contract_end_on {
        Some(end) if day <= end && !waived => fee,
        _ => Decimal::ZERO,
    }
}

/// Seconds to wait after failed attempt number `attempt` (1-based).
pub fn retry_delay_secs(base_secs: u64, attempt: u32) -> u64 {
    const MAX: u64 = 3600;
    let exponent = attempt.saturating_sub(1).min(20);
    base_secs.saturating_mul(1u64 << exponent).min(MAX)
}

/// A network username from the account number: the account number itself for the first
/// plan, then `-2`, `-3`… for more.
pub fn username_candidate(account_number: &str, nth: u32) -> String {
    let base = account_number.to_ascii_lowercase();
    if nth <= 1 {
        base
    } else {
        format!("{base}-{nth}")
    }
}

/// Characters of generated passwords: no 0/O, 1/l/I, so they can be read out on the phone.
const PASSWORD_ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
pub const PASSWORD_LEN: usize = 12;

/// A password of `PASSWORD_LEN` characters from `random` (one byte per character, by
/// rejection so every character is equally likely).
pub fn password_from(mut random: impl FnMut() -> u8) -> String {
    let n = PASSWORD_ALPHABET.len();
    let limit = 256 - (256 % n);
    let mut out = String::with_capacity(PASSWORD_LEN);
    while out.len() < PASSWORD_LEN {
        let byte = usize::from(random());
        if byte < limit {
            out.push(char::from(PASSWORD_ALPHABET[byte % n]));
        }
    }
    out
}

/// The `Mikrotik-Rate-Limit` value for a plan: `upload/download` (the router's rx/tx).
pub fn rate_limit(download_mbps: Option<i32>, upload_mbps: Option<i32>) -> Option<String> {
    match (download_mbps, upload_mbps) {
        (Some(down), Some(up)) => Some(format!("{up}M/{down}M")),
        (Some(down), None) => Some(format!("{down}M/{down}M")),
        _ => None,
    }
}

/// The RADIUS group of one plan version: the product's group (or its code) and the version,
/// so a new version with other speeds never changes what existing subscribers get.
pub fn plan_group(radius_group: Option<&str>, code: &str, version: i32) -> String {
    let base = radius_group.map_or_else(|| code.to_ascii_lowercase(), str::to_owned);
    format!("{base}-v{version}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn the_status_table_is_whole() {
        use Command as C;
        use Status as S;
        let allowed = [
            (S::Pending, C::Activate, S::Active),
            (S::Active, C::Activate, S::Active),
            (S::Active, C::Suspend, S::Suspended),
            (S::Suspended, C::Restore, S::Active),
            (S::Active, C::ChangePlan, S::Active),
            (S::Pending, C::Terminate, S::Terminated),
            (S::Active, C::Terminate, S::Terminated),
            (S::Suspended, C::Terminate, S::Terminated),
        ];
        for from in Status::ALL {
            for command in [
                C::Activate,
                C::Suspend,
                C::Restore,
                C::ChangePlan,
                C::Terminate,
            ] {
                let expected = allowed
                    .iter()
                    .find(|(f, c, _)| *f == from && *c == command)
                    .map(|(_, _, to)| *to);
                assert_eq!(
                    apply(from, command).ok(),
                    expected,
                    "{from} {}",
                    command.as_str()
                );
            }
        }
        let refused = apply(S::Terminated, C::Restore).unwrap_err();
        assert_eq!(
            refused.to_string(),
            "a terminated subscription cannot be restored"
        );
    }

    #[test]
    fn periods_follow_the_anchor_and_clamp_short_months() {
        assert_eq!(period_start(15, d(2026, 3, 20)), d(2026, 3, 15));
        assert_eq!(period_start(15, d(2026, 3, 14)), d(2026, 2, 15));
        assert_eq!(period_start(1, d(2026, 1, 1)), d(2026, 1, 1));
        assert_eq!(next_period_start(1, d(2026, 12, 31)), d(2027, 1, 1));
        // Anchor 31: February's period starts on the 28th (29th in a leap year).
        assert_eq!(period_start(31, d(2026, 3, 1)), d(2026, 2, 28));
        assert_eq!(period_start(31, d(2028, 3, 1)), d(2028, 2, 29));
        assert_eq!(next_period_start(31, d(2026, 2, 28)), d(2026, 3, 31));
        assert_eq!(period_start(31, d(2026, 3, 30)), d(2026, 2, 28));
        assert_eq!(period_start(30, d(2026, 4, 30)), d(2026, 4, 30));
    }

    #[test]
    fn every_day_belongs_to_exactly_one_period() {
        for anchor in 1..=31 {
            let mut day = d(2026, 1, 1);
            while day < d(2028, 12, 31) {
                let start = period_start(anchor, day);
                let next = next_period_start(anchor, day);
                assert!(start <= day && day < next, "anchor {anchor} day {day}");
                // The next period starts where this one ends.
                assert_eq!(period_start(anchor, next), next);
                assert_eq!(period_start(anchor, next.pred_opt().unwrap()), start);
                day = day.succ_opt().unwrap();
            }
        }
    }

    #[test]
    fn contracts_end_the_day_before_the_same_day_months_later() {
        assert_eq!(contract_end(d(2026, 1, 15), 12), Some(d(2027, 1, 14)));
        assert_eq!(contract_end(d(2026, 1, 31), 1), Some(d(2026, 2, 27)));
        assert_eq!(contract_end(d(2026, 1, 15), 0), None);
    }

    #[test]
    fn the_fee_is_owed_inside_the_contract_unless_waived() {
        let fee = Decimal::from_str("150.00").unwrap();
        let end = Some(d(2027, 1, 14));
        assert_eq!(early_termination_fee(end, fee, d(2027, 1, 14), false), fee);
        assert_eq!(
            early_termination_fee(end, fee, d(2027, 1, 15), false),
            Decimal::ZERO
        );
        assert_eq!(
            early_termination_fee(end, fee, d(2026, 6, 1), true),
            Decimal::ZERO
        );
        assert_eq!(
            early_termination_fee(None, fee, d(2026, 6, 1), false),
            Decimal::ZERO
        );
    }

    #[test]
    fn downgrades_wait_for_the_next_period_under_that_policy() {
        let today = d(2026, 3, 20);
        let cheaper = change_kind(Decimal::from(50), Decimal::from(30));
        assert_eq!(cheaper, ChangeKind::Downgrade);
        assert_eq!(
            change_effective_on(cheaper, DowngradePolicy::NextCycle, 1, today),
            d(2026, 4, 1)
        );
        assert_eq!(
            change_effective_on(cheaper, DowngradePolicy::Immediate, 1, today),
            today
        );
        let dearer = change_kind(Decimal::from(30), Decimal::from(50));
        assert_eq!(
            change_effective_on(dearer, DowngradePolicy::NextCycle, 1, today),
            today
        );
        assert_eq!(
            change_kind(Decimal::from(30), Decimal::from(30)),
            ChangeKind::Sidegrade
        );
    }

    #[test]
    fn retries_back_off_exponentially_up_to_an_hour() {
        assert_eq!(retry_delay_secs(10, 1), 10);
        assert_eq!(retry_delay_secs(10, 2), 20);
        assert_eq!(retry_delay_secs(10, 4), 80);
        assert_eq!(retry_delay_secs(10, 12), 3600);
        assert_eq!(retry_delay_secs(10, 200), 3600);
    }

    #[test]
    fn anchors_come_from_the_calendar_day_or_the_activation_day() {
        assert_eq!(billing_anchor(Some(5), d(2026, 3, 20)), 5);
        assert_eq!(billing_anchor(None, d(2026, 3, 31)), 31);
    }

    #[test]
    fn passwords_use_the_readable_alphabet_only() {
        let mut n = 0u8;
        let password = password_from(|| {
            n = n.wrapping_add(37);
            n
        });
        assert_eq!(password.len(), PASSWORD_LEN);
        assert!(password.bytes().all(|b| PASSWORD_ALPHABET.contains(&b)));
        assert!(!password.contains(['0', 'O', '1', 'l', 'I']));
        // Bytes past the last whole multiple of the alphabet are skipped, not folded.
        let limit = 256 - (256 % PASSWORD_ALPHABET.len());
        let mut bytes = std::iter::repeat_n(255u8, 3).chain(std::iter::repeat(0u8));
        let skipped = password_from(|| bytes.next().unwrap());
        assert!(limit <= 255);
        assert_eq!(skipped, "a".repeat(PASSWORD_LEN));
    }

    #[test]
    fn network_names_and_rates() {
        assert_eq!(username_candidate("1000016", 1), "1000016");
        assert_eq!(username_candidate("1000016", 2), "1000016-2");
        assert_eq!(rate_limit(Some(100), Some(20)).as_deref(), Some("20M/100M"));
        assert_eq!(rate_limit(None, None), None);
        assert_eq!(
            plan_group(Some("fiber_100"), "FIBER-100", 2),
            "fiber_100-v2"
        );
        assert_eq!(plan_group(None, "FIBER-100", 1), "fiber-100-v1");
    }
}
