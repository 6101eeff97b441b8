DROP TABLE audit_log;
DROP TABLE events;
DROP TABLE customers;
DROP TABLE plans;
DROP TABLE login_failures;
DROP TABLE api_clients;
DROP TABLE refresh_tokens;
DROP TABLE users;
