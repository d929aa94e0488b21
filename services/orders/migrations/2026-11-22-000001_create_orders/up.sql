-- Orders, their lines, checkout idempotency keys, invoices, credit notes and
-- the outbox. Money is integer cents; ids are UUID v7.

CREATE TABLE orders (
    id                uuid PRIMARY KEY,
    user_id           uuid NOT NULL,
    status            text NOT NULL CHECK (status IN (
                          'pending', 'reserved', 'paid', 'packing', 'shipped', 'delivered',
                          'rejected', 'payment_failed', 'failed', 'cancelled',
                          'partially_refunded', 'refunded')),
    total_cents       bigint NOT NULL CHECK (total_cents > 0),
    refunded_cents    bigint NOT NULL DEFAULT 0 CHECK (refunded_cents >= 0 AND refunded_cents <= total_cents),
    currency          text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    payment_method    text NOT NULL CHECK (payment_method IN ('card', 'wallet')),
    payment_id        uuid,
    failure_code      text,
    shipping_address  jsonb NOT NULL,
    -- While a checkout or the recovery worker drives this order, nobody else may.
    lease_until       timestamptz,
    -- Money owed back after a cancellation, until payments confirms the refund.
    refund_due_cents  bigint NOT NULL DEFAULT 0 CHECK (refund_due_cents >= 0),
    delivered_at      timestamptz,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX orders_user_id_idx ON orders (user_id, id DESC);
-- The recovery worker's scan: only orders a checkout left in the middle.
CREATE INDEX orders_unfinished_idx ON orders (updated_at) WHERE status IN ('pending', 'reserved');
CREATE INDEX orders_refund_due_idx ON orders (updated_at) WHERE refund_due_cents > 0;

CREATE TABLE order_lines (
    order_id          uuid NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    product_id        uuid NOT NULL,
    sku               text NOT NULL,
    name              text NOT NULL,
    quantity          integer NOT NULL CHECK (quantity BETWEEN 1 AND 99),
    unit_price_cents  bigint NOT NULL CHECK (unit_price_cents > 0),
    PRIMARY KEY (order_id, product_id)
);

-- One checkout per (user, key). The response is stored once the checkout
-- reaches an outcome, so a replay answers exactly what the first call did.
CREATE TABLE checkout_keys (
    user_id          uuid NOT NULL,
    key              text NOT NULL,
    request_hash     text NOT NULL,
    order_id         uuid NOT NULL UNIQUE REFERENCES orders (id),
    response_status  smallint,
    response_body    jsonb,
    created_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, key)
);

-- Invoices and credit notes are numbered from shop-kit's document_counters.
CREATE TABLE invoices (
    id           uuid PRIMARY KEY,
    order_id     uuid NOT NULL UNIQUE REFERENCES orders (id),
    number       text NOT NULL UNIQUE,
    total_cents  bigint NOT NULL CHECK (total_cents > 0),
    currency     text NOT NULL,
    issued_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE credit_notes (
    id               uuid PRIMARY KEY,
    order_id         uuid NOT NULL REFERENCES orders (id),
    invoice_id       uuid NOT NULL REFERENCES invoices (id),
    number           text NOT NULL UNIQUE,
    amount_cents     bigint NOT NULL CHECK (amount_cents > 0),
    reason           text NOT NULL,
    idempotency_key  text NOT NULL UNIQUE,
    created_at       timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX credit_notes_order_id_idx ON credit_notes (order_id);

-- Events for other services go to shop-kit's outbox table.

-- Events received from other services: a second delivery has no second effect.
CREATE TABLE processed_events (
    event_id     uuid PRIMARY KEY,
    order_id     uuid NOT NULL,
    received_at  timestamptz NOT NULL DEFAULT now()
);

-- What a cart line showed when it was added, for when the catalogue cannot be asked.
ALTER TABLE cart_items
    ADD COLUMN sku   text NOT NULL DEFAULT '',
    ADD COLUMN name  text NOT NULL DEFAULT '';
CREATE INDEX carts_guest_updated_at_idx ON carts (updated_at) WHERE user_id IS NULL;
