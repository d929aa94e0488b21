-- Pictures of a product, in the order shoppers see them. The objects live
-- in the media store under the two keys; the row is what makes them part of
-- the product.
CREATE TABLE product_images (
    id uuid PRIMARY KEY,
    product_id uuid NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    position integer NOT NULL CHECK (position >= 0),
    alt text NOT NULL DEFAULT '',
    width integer NOT NULL CHECK (width > 0),
    height integer NOT NULL CHECK (height > 0),
    large_key text NOT NULL,
    thumb_key text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    -- Deferred: a reorder renumbers every image of the product in one transaction.
    CONSTRAINT product_images_position UNIQUE (product_id, position) DEFERRABLE INITIALLY DEFERRED
);

-- The demo data used to name pictures that never existed; uploads replace them.
UPDATE products SET image_url = NULL WHERE image_url LIKE '/images/%';
