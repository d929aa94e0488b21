-- shop-kit's own tables, migrated with every service's (before them):
-- the transactional outbox (shop_kit::outbox) and gapless document counters
-- (shop_kit::numbering). IF NOT EXISTS: databases migrated before these
-- tables moved here already have them, from the services' own migrations.

CREATE TABLE IF NOT EXISTS outbox (
    id               uuid PRIMARY KEY,
    event_type       text NOT NULL,
    aggregate_id     uuid NOT NULL,
    payload          jsonb NOT NULL,
    status           text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'dead')),
    attempts         integer NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz NOT NULL DEFAULT now(),
    last_error       text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    delivered_at     timestamptz
);
CREATE INDEX IF NOT EXISTS outbox_due_idx ON outbox (next_attempt_at) WHERE status = 'pending';

-- The counter row of a kind and year is bumped in the transaction that
-- writes the document, so a rollback gives the number back.
CREATE TABLE IF NOT EXISTS document_counters (
    kind         text NOT NULL,
    year         integer NOT NULL,
    last_number  integer NOT NULL,
    PRIMARY KEY (kind, year)
);
