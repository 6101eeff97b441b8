//! Services: one module per area. Each public function is one transaction that loads,
//! decides (with domain/), writes, and records what happened through `audit::record`.

pub mod api_clients;
pub mod audit;
pub mod billing;
pub mod bootstrap;
pub mod catalog;
pub mod customer_360;
pub mod customer_classes;
pub mod customers;
pub mod demo;
pub mod ip_pools;
pub mod leads;
pub mod maintenance;
pub mod nas;
pub mod orders;
pub mod provisioning;
pub mod search;
pub mod sessions;
pub mod subscriptions;
pub mod usage;
pub mod users;
