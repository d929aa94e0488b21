-- What happened to each charge, and refunds (money going back, once per key).
ALTER TABLE payments
    ADD COLUMN attempts      integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    ADD COLUMN decline_code  text,
    ADD COLUMN provider_ref  text;

CREATE INDEX payments_status_updated_at_idx ON payments (status, updated_at);

CREATE TABLE refunds (
    id               uuid PRIMARY KEY,
    payment_id       uuid NOT NULL REFERENCES payments (id),
    amount_cents     bigint NOT NULL CHECK (amount_cents > 0),
    idempotency_key  text NOT NULL UNIQUE,
    reason           text NOT NULL,
    status           text NOT NULL CHECK (status IN ('pending', 'succeeded')),
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX refunds_payment_id_idx ON refunds (payment_id);
