ALTER TABLE customers DROP COLUMN class_id;
DROP TABLE customer_classes;
