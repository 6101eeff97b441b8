//! Black-box tests: the real application over HTTP, on its own real PostgreSQL database.

mod access;
mod api_clients;
mod audit;
mod auth;
mod builders;
mod customer_classes;
mod errors;
mod helpers;
mod idempotency;
mod operations;
mod orders;
mod schema;
mod startup;
mod users;
