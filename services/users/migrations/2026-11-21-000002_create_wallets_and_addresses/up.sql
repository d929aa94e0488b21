-- Wallets: a balance that can never go negative, and the ledger that explains it.
CREATE TABLE wallets (
    user_id        uuid PRIMARY KEY REFERENCES users (id),
    balance_cents  bigint NOT NULL DEFAULT 0 CHECK (balance_cents >= 0),
    updated_at     timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE wallet_entries (
    id                   uuid PRIMARY KEY,
    user_id              uuid NOT NULL REFERENCES wallets (user_id),
    -- Positive for credits, negative for debits.
    amount_cents         bigint NOT NULL CHECK (amount_cents <> 0),
    balance_after_cents  bigint NOT NULL CHECK (balance_after_cents >= 0),
    reason               text NOT NULL,
    -- A retried movement with the same key is answered from here, never applied twice.
    idempotency_key      text UNIQUE,
    -- What the key was first used for: reusing it for anything else is refused.
    request_fingerprint  text,
    created_at           timestamptz NOT NULL DEFAULT now(),
    CHECK ((idempotency_key IS NULL) = (request_fingerprint IS NULL))
);

CREATE INDEX wallet_entries_user_id_created_at_idx ON wallet_entries (user_id, created_at DESC);

CREATE TABLE addresses (
    id           uuid PRIMARY KEY,
    user_id      uuid NOT NULL REFERENCES users (id),
    name         text NOT NULL,
    line1        text NOT NULL,
    line2        text,
    city         text NOT NULL,
    postal_code  text NOT NULL,
    country      text NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
    created_at   timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX addresses_user_id_idx ON addresses (user_id, created_at);
