-- Carts: a guest cart has no user; a user has at most one cart.
CREATE TABLE carts (
    id          uuid PRIMARY KEY,
    user_id     uuid UNIQUE,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE cart_items (
    id                uuid PRIMARY KEY,
    cart_id           uuid NOT NULL REFERENCES carts (id) ON DELETE CASCADE,
    product_id        uuid NOT NULL,
    quantity          integer NOT NULL CHECK (quantity BETWEEN 1 AND 99),
    -- The price when the item was added, to flag price changes at checkout.
    unit_price_cents  bigint NOT NULL CHECK (unit_price_cents > 0),
    added_at          timestamptz NOT NULL DEFAULT now(),
    UNIQUE (cart_id, product_id)
);
