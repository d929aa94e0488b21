//! Diesel table definitions, matching `migrations/`.

diesel::table! {
    categories (id) {
        id -> Uuid,
        slug -> Text,
        name -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    products (id) {
        id -> Uuid,
        sku -> Text,
        name -> Text,
        description -> Text,
        price_cents -> Int8,
        category_id -> Uuid,
        image_url -> Nullable<Text>,
        stock_on_hand -> Int4,
        stock_reserved -> Int4,
        active -> Bool,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::joinable!(products -> categories (category_id));

diesel::table! {
    product_images (id) {
        id -> Uuid,
        product_id -> Uuid,
        position -> Int4,
        alt -> Text,
        width -> Int4,
        height -> Int4,
        large_key -> Text,
        thumb_key -> Text,
        created_at -> Timestamptz,
    }
}

diesel::joinable!(product_images -> products (product_id));

diesel::table! {
    reservations (id) {
        id -> Uuid,
        status -> Text,
        expires_at -> Timestamptz,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    reservation_lines (reservation_id, product_id) {
        reservation_id -> Uuid,
        product_id -> Uuid,
        quantity -> Int4,
    }
}

diesel::table! {
    restocks (id) {
        id -> Uuid,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    restock_lines (restock_id, product_id) {
        restock_id -> Uuid,
        product_id -> Uuid,
        quantity -> Int4,
    }
}

diesel::joinable!(reservation_lines -> reservations (reservation_id));
diesel::joinable!(reservation_lines -> products (product_id));
diesel::joinable!(restock_lines -> restocks (restock_id));
diesel::joinable!(restock_lines -> products (product_id));
diesel::allow_tables_to_appear_in_same_query!(
    categories,
    products,
    product_images,
    reservations,
    reservation_lines,
    restocks,
    restock_lines
);
