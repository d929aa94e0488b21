-- Full-text search over name and description, reservations and restocks.
ALTER TABLE products
    ADD COLUMN search tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english', name), 'A') || setweight(to_tsvector('english', description), 'B')
    ) STORED;
CREATE INDEX products_search_idx ON products USING gin (search);
CREATE INDEX products_active_price_idx ON products (price_cents, id) WHERE active;
CREATE INDEX products_active_created_at_idx ON products (created_at DESC, id) WHERE active;
CREATE INDEX products_active_name_idx ON products (name, id) WHERE active;

-- A hold on stock for one checkout: all its lines or none of them.
CREATE TABLE reservations (
    id          uuid PRIMARY KEY,
    status      text NOT NULL CHECK (status IN ('active', 'committed', 'released', 'expired')),
    expires_at  timestamptz NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX reservations_active_expires_at_idx ON reservations (expires_at) WHERE status = 'active';

CREATE TABLE reservation_lines (
    reservation_id  uuid NOT NULL REFERENCES reservations (id),
    product_id      uuid NOT NULL REFERENCES products (id),
    quantity        integer NOT NULL CHECK (quantity > 0),
    PRIMARY KEY (reservation_id, product_id)
);

-- Returned goods put back on the shelf, once per restock id.
CREATE TABLE restocks (
    id          uuid PRIMARY KEY,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE restock_lines (
    restock_id  uuid NOT NULL REFERENCES restocks (id),
    product_id  uuid NOT NULL REFERENCES products (id),
    quantity    integer NOT NULL CHECK (quantity > 0),
    PRIMARY KEY (restock_id, product_id)
);
