-- Accounts: the users service's first table.
CREATE TABLE users (
    id             uuid PRIMARY KEY,
    -- Stored lowercased, so uniqueness is case-insensitive.
    email          text NOT NULL UNIQUE CHECK (email = lower(email) AND position('@' IN email) > 1),
    name           text NOT NULL CHECK (length(btrim(name)) > 0),
    password_hash  text NOT NULL CHECK (password_hash LIKE '$argon2id$%'),
    role           text NOT NULL DEFAULT 'customer' CHECK (role IN ('customer', 'admin')),
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now()
);
