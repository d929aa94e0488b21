-- A fulfilment per paid order (from the `order.paid` event, once per order),
-- and orders cancelled before their event arrived.
CREATE TABLE fulfilments (
    order_id          uuid PRIMARY KEY,
    user_id           uuid NOT NULL,
    event_id          uuid NOT NULL,
    lines             jsonb NOT NULL,
    shipping_address  jsonb NOT NULL,
    total_cents       bigint NOT NULL CHECK (total_cents > 0),
    currency          text NOT NULL,
    paid_at           timestamptz NOT NULL,
    created_at        timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE fulfilment_cancellations (
    order_id      uuid PRIMARY KEY,
    cancelled_at  timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE packing_tasks DROP CONSTRAINT packing_tasks_status_check;
ALTER TABLE packing_tasks ADD CONSTRAINT packing_tasks_status_check
    CHECK (status IN ('pending', 'packed', 'shipped', 'cancelled'));
ALTER TABLE packing_tasks ADD CONSTRAINT packing_tasks_order_id_fkey
    FOREIGN KEY (order_id) REFERENCES fulfilments (order_id);
