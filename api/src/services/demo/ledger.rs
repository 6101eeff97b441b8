//! Opening balances, as an ISP brings them over from its previous billing system: one
//! customer owes a little that is not yet due, another is past due, so the 360° page and
//! the credit check show both.

use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use diesel::PgConnection;
use rust_decimal::Decimal;

use crate::db::models::CustomerRow;
use crate::db::schema::ledger_entries;

pub fn seed(
    conn: &mut PgConnection,
    now: DateTime<Utc>,
    customers: &[CustomerRow],
) -> QueryResult<()> {
    let today = now.date_naive();
    // (customer index, amount in cents, due in days: negative is past due)
    let balances: [(usize, i64, i64); 2] = [(1, 4_350, 10), (3, 12_780, -21)];
    for (index, cents, due_in) in balances {
        let Some(customer) = customers.get(index) else {
            continue;
        };
        diesel::insert_into(ledger_entries::table)
            .values((
                ledger_entries::customer_id.eq(customer.id),
                ledger_entries::kind.eq("adjustment"),
                ledger_entries::amount.eq(Decimal::new(cents, 2)),
                ledger_entries::currency.eq(&customer.currency),
                ledger_entries::due_on.eq(today + Duration::days(due_in)),
                ledger_entries::reference_type.eq("migration"),
                ledger_entries::description.eq("Opening balance from the previous billing system"),
                ledger_entries::occurred_at.eq(now),
                ledger_entries::created_at.eq(now),
            ))
            .execute(conn)?;
    }
    Ok(())
}
