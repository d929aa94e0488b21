-- Orders gives every refund back now: a received return is announced to it
-- (`return.received`) and it restocks, refunds and credits the return once.
-- Fulfilment no longer retries return steps, so their bookkeeping goes; and
-- no return the old code left half-way is stranded: each is handed to orders
-- through the outbox. Orders uses the keys the old steps used (restock id =
-- return id, refund key `rma:{id}`), so a step already done is not redone.

-- A UUID v7 (time-ordered, like every id the code makes), one per row.
CREATE FUNCTION pg_temp.uuid_v7() RETURNS uuid VOLATILE LANGUAGE sql AS $$
    SELECT encode(
        set_bit(set_bit(
            overlay(uuid_send(gen_random_uuid())
                    PLACING substring(int8send((extract(epoch FROM clock_timestamp()) * 1000)::bigint) FROM 3)
                    FROM 1 FOR 6),
            52, 1), 53, 1),
        'hex')::uuid
$$;

-- What `return.received` carries (shop_client::wire::orders::ReturnReceivedEvent).
CREATE FUNCTION pg_temp.return_received(event_id uuid, rma returns) RETURNS jsonb STABLE LANGUAGE sql AS $$
    SELECT jsonb_build_object(
        'event_id', event_id,
        'return_id', rma.id,
        'number', rma.number,
        'order_id', rma.order_id,
        'lines', (SELECT coalesce(jsonb_agg(jsonb_build_object(
                             'product_id', l.product_id,
                             'quantity', l.quantity,
                             'unit_price_cents', l.unit_price_cents) ORDER BY l.product_id), '[]'::jsonb)
                  FROM return_lines l WHERE l.return_id = rma.id),
        'refund_cents', rma.refund_cents)
$$;

-- Received, not finished by the old steps: orders takes it from here.
WITH unfinished AS (
    SELECT pg_temp.uuid_v7() AS event_id, r AS rma FROM returns r WHERE r.status = 'received'
)
INSERT INTO outbox (id, event_type, aggregate_id, payload)
SELECT event_id, 'return.received', (rma).id, pg_temp.return_received(event_id, rma)
FROM unfinished;

-- Refunded by the old steps, but the credit note (the old `return.refunded`
-- event to orders) not delivered: the same event becomes `return.received`,
-- and orders' one refund path issues the note (the rest it finds done).
UPDATE outbox o
SET event_type = 'return.received',
    aggregate_id = r.id,
    payload = pg_temp.return_received(o.id, r),
    status = 'pending',
    attempts = 0,
    next_attempt_at = now(),
    last_error = NULL
FROM returns r
WHERE o.event_type = 'return.refunded'
  AND o.status IN ('pending', 'dead')
  AND o.payload ->> 'idempotency_key' = 'rma:' || r.id::text;

DROP FUNCTION pg_temp.return_received(uuid, returns);
DROP FUNCTION pg_temp.uuid_v7();

DROP INDEX returns_unfinished_idx;
ALTER TABLE returns
    DROP COLUMN attempts,
    DROP COLUMN next_attempt_at,
    DROP COLUMN last_error;
