CREATE INDEX orders_user_id_idx ON orders (user_id, id DESC);
DROP INDEX orders_user_id_created_at_idx;
DROP INDEX orders_status_created_at_idx;
DROP INDEX orders_created_at_idx;
