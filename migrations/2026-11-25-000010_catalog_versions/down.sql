ALTER TABLE tax_rates DROP COLUMN version;
ALTER TABLE promotions DROP COLUMN version;
ALTER TABLE products DROP COLUMN version;
