-- Categories and products: the catalogue's first tables.
CREATE TABLE categories (
    id          uuid PRIMARY KEY,
    slug        text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    name        text NOT NULL CHECK (length(btrim(name)) > 0),
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE products (
    id              uuid PRIMARY KEY,
    sku             text NOT NULL UNIQUE CHECK (length(btrim(sku)) > 0),
    name            text NOT NULL CHECK (length(btrim(name)) > 0),
    description     text NOT NULL DEFAULT '',
    price_cents     bigint NOT NULL CHECK (price_cents > 0),
    category_id     uuid NOT NULL REFERENCES categories (id),
    image_url       text,
    stock_on_hand   integer NOT NULL DEFAULT 0 CHECK (stock_on_hand >= 0),
    stock_reserved  integer NOT NULL DEFAULT 0 CHECK (stock_reserved >= 0 AND stock_reserved <= stock_on_hand),
    active          boolean NOT NULL DEFAULT true,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX products_category_id_idx ON products (category_id);
