ALTER TABLE cart_items DROP COLUMN sku, DROP COLUMN name;
DROP INDEX carts_guest_updated_at_idx;
DROP TABLE processed_events;
DROP TABLE credit_notes;
DROP TABLE invoices;
DROP TABLE checkout_keys;
DROP TABLE order_lines;
DROP TABLE orders;
