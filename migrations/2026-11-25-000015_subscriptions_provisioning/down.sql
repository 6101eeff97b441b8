DROP INDEX IF EXISTS radius.radacct_open_user_idx;
DROP INDEX IF EXISTS radius.radusergroup_username_priority_idx;
DROP TABLE provisioning_jobs;
ALTER TABLE order_lines DROP CONSTRAINT order_lines_subscription_fk;
DROP INDEX IF EXISTS order_lines_subscription_idx;
DROP TABLE subscriptions;
ALTER TABLE products DROP COLUMN ip_pool_id;
DROP TABLE ip_pools;
