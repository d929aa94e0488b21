-- The columns the old return steps used; received returns are due at once,
-- so the old worker picks them up. (The `return.received` events written on
-- the way up stay in the outbox; orders applies each return once either way.)
ALTER TABLE returns
    ADD COLUMN last_error       text,
    ADD COLUMN attempts         integer NOT NULL DEFAULT 0,
    ADD COLUMN next_attempt_at  timestamptz;
UPDATE returns SET next_attempt_at = now() WHERE status = 'received';
CREATE INDEX returns_unfinished_idx ON returns (next_attempt_at) WHERE status = 'received';
