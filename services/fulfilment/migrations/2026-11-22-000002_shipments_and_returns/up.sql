-- Courier bookings, shipments and returns (RMAs).

ALTER TABLE packing_tasks
    -- Chosen before the courier is first asked: the booking's idempotency key.
    ADD COLUMN shipment_id       uuid,
    ADD COLUMN booking_attempts  integer NOT NULL DEFAULT 0,
    ADD COLUMN courier_error     text,
    ADD COLUMN next_booking_at   timestamptz,
    ADD COLUMN packed_at         timestamptz;
CREATE INDEX packing_tasks_booking_due_idx ON packing_tasks (next_booking_at) WHERE status = 'packed';

CREATE TABLE shipments (
    id               uuid PRIMARY KEY,
    order_id         uuid NOT NULL UNIQUE REFERENCES fulfilments (order_id),
    packing_task_id  uuid NOT NULL UNIQUE REFERENCES packing_tasks (id),
    user_id          uuid NOT NULL,
    courier          text NOT NULL,
    tracking_number  text NOT NULL UNIQUE,
    status           text NOT NULL CHECK (status IN ('booked', 'in_transit', 'delivered')),
    booked_at        timestamptz NOT NULL DEFAULT now(),
    in_transit_at    timestamptz,
    delivered_at     timestamptz,
    updated_at       timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE returns (
    id               uuid PRIMARY KEY,
    number           text NOT NULL UNIQUE,
    order_id         uuid NOT NULL REFERENCES fulfilments (order_id),
    user_id          uuid NOT NULL,
    reason           text NOT NULL,
    status           text NOT NULL CHECK (status IN ('requested', 'received', 'refunded')),
    refund_cents     bigint NOT NULL CHECK (refund_cents > 0),
    restocked_at     timestamptz,
    refunded_at      timestamptz,
    last_error       text,
    attempts         integer NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz,
    received_at      timestamptz,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX returns_order_id_idx ON returns (order_id);
CREATE INDEX returns_unfinished_idx ON returns (next_attempt_at) WHERE status = 'received';

CREATE TABLE return_lines (
    return_id         uuid NOT NULL REFERENCES returns (id) ON DELETE CASCADE,
    product_id        uuid NOT NULL,
    quantity          integer NOT NULL CHECK (quantity > 0),
    unit_price_cents  bigint NOT NULL CHECK (unit_price_cents > 0),
    PRIMARY KEY (return_id, product_id)
);

-- RMA numbers come from shop-kit's document_counters.

-- Events for orders (packing, shipped, delivered, returns) go to shop-kit's outbox table.
