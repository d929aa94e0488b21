-- Return lists (GET /api/returns), newest first: a buyer's own, every
-- return (admins), and those in one status (staff looking for parcels to
-- receive). The id breaks ties in the sort, so each index serves the
-- ORDER BY and the LIMIT without a sort step. By order, returns_order_id_idx
-- finds the few rows and sorting them is cheap.
CREATE INDEX returns_user_id_created_at_idx ON returns (user_id, created_at DESC, id DESC);
CREATE INDEX returns_created_at_idx ON returns (created_at DESC, id DESC);
CREATE INDEX returns_status_created_at_idx ON returns (status, created_at DESC, id DESC);
