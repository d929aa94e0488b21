-- Payments: one per order, whatever the caller retries.
CREATE TABLE payments (
    id              uuid PRIMARY KEY,
    order_id        uuid NOT NULL UNIQUE,
    user_id         uuid NOT NULL,
    amount_cents    bigint NOT NULL CHECK (amount_cents > 0),
    currency        text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    status          text NOT NULL CHECK (status IN ('pending', 'succeeded', 'declined', 'failed', 'refunded', 'partially_refunded')),
    method          text NOT NULL CHECK (method IN ('card', 'wallet')),
    -- Only the brand and the last four digits of a card are ever stored.
    card_brand      text,
    card_last4      text CHECK (card_last4 ~ '^[0-9]{4}$'),
    refunded_cents  bigint NOT NULL DEFAULT 0 CHECK (refunded_cents >= 0 AND refunded_cents <= amount_cents),
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX payments_user_id_idx ON payments (user_id);
