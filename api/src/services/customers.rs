//! Customers: their profile, billing preferences, contacts and addresses.

use diesel::prelude::*;
use diesel::sql_types::BigInt;
use diesel::PgConnection;

use crate::domain::account_number;

/// The next account number: a serial from the `customer_account_serial` sequence with a
/// Luhn check digit, so a digit misheard on the phone is caught before any lookup.
pub fn next_account_number(conn: &mut PgConnection) -> QueryResult<String> {
    let serial: i64 = diesel::select(diesel::dsl::sql::<BigInt>(
        "nextval('customer_account_serial')",
    ))
    .get_result(conn)?;
    Ok(account_number::for_serial(serial as u64))
}
