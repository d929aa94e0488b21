-- Every refund, whatever caused it, is one row here driven by one code path
-- (app/refund.rs): the goods back on sale, the money back, a credit note,
-- each once and retried until done. A cancellation's key is
-- `cancel:{order_id}` and it restocks under the order id; a return's is
-- `rma:{return_id}` and it restocks under the return id.
CREATE TABLE refunds (
    id                  uuid PRIMARY KEY,
    order_id            uuid NOT NULL REFERENCES orders (id),
    cause               text NOT NULL CHECK (cause IN ('cancellation', 'return')),
    key                 text NOT NULL UNIQUE,
    restock_id          uuid NOT NULL,
    return_id           uuid UNIQUE,
    return_number       text,
    amount_cents        bigint NOT NULL CHECK (amount_cents >= 0),
    lines               jsonb NOT NULL,
    progress            text NOT NULL DEFAULT 'restocking'
                        CHECK (progress IN ('restocking', 'paying_back', 'done')),
    credit_note_number  text,
    attempts            integer NOT NULL DEFAULT 0,
    next_attempt_at     timestamptz NOT NULL DEFAULT now(),
    last_error          text,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX refunds_order_id_idx ON refunds (order_id);
CREATE INDEX refunds_due_idx ON refunds (next_attempt_at) WHERE progress <> 'done';

-- Cancellations still owed money become refunds that restocked and credited
-- already and are paying back (the credit note keeps its key).
INSERT INTO refunds (id, order_id, cause, key, restock_id, amount_cents, lines, progress, credit_note_number)
SELECT gen_random_uuid(), o.id, 'cancellation', 'cancel:' || o.id, o.id, o.refund_due_cents, '[]', 'paying_back', cn.number
FROM orders o
LEFT JOIN credit_notes cn ON cn.idempotency_key = 'cancel:' || o.id
WHERE o.refund_due_cents > 0;

ALTER TABLE orders DROP COLUMN refund_due_cents;
