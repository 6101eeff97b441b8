//! Pure rules, one module per stage. Nothing here touches a database, the network or the
//! clock: functions take values and return decisions, and are tested without I/O.

pub mod account_number;
pub mod billing;
pub mod catalog;
pub mod contact;
pub mod credit;
pub mod identity;
pub mod lead;
pub mod money;
pub mod order;
pub mod proration;
pub mod search;
pub mod subscription;
pub mod usage;
