//! Black-box tests: the real application over HTTP, on its own real PostgreSQL database.

mod access;
mod api_clients;
mod audit;
mod auth;
mod billing;
mod builders;
mod catalog;
mod customer_360;
mod customer_classes;
mod customers;
mod errors;
mod helpers;
mod idempotency;
mod leads;
mod nas;
mod operations;
mod orders;
mod provisioning;
mod radius;
mod radius_server;
mod schema;
mod startup;
mod story;
mod usage;
mod users;
