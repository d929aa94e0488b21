-- Order lists, newest first: every order (admins, optionally by creation
-- time), by status, and by buyer. The id breaks ties in the sort, so each
-- index serves the ORDER BY and the LIMIT without a sort step.
CREATE INDEX orders_created_at_idx ON orders (created_at DESC, id DESC);
CREATE INDEX orders_status_created_at_idx ON orders (status, created_at DESC, id DESC);
-- Replaces (user_id, id DESC): lists now sort by creation time, and this one
-- serves every lookup by buyer the old one did.
CREATE INDEX orders_user_id_created_at_idx ON orders (user_id, created_at DESC, id DESC);
DROP INDEX orders_user_id_idx;
