DROP TABLE restock_lines;
DROP TABLE restocks;
DROP TABLE reservation_lines;
DROP TABLE reservations;
DROP INDEX products_active_name_idx;
DROP INDEX products_active_created_at_idx;
DROP INDEX products_active_price_idx;
DROP INDEX products_search_idx;
ALTER TABLE products DROP COLUMN search;
