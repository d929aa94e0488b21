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
diesel::allow_tables_to_appear_in_same_query!(categories, products);
