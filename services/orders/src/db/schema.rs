//! Diesel table definitions, matching `migrations/`.

diesel::table! {
    carts (id) {
        id -> Uuid,
        user_id -> Nullable<Uuid>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    cart_items (id) {
        id -> Uuid,
        cart_id -> Uuid,
        product_id -> Uuid,
        quantity -> Int4,
        unit_price_cents -> Int8,
        added_at -> Timestamptz,
    }
}

diesel::joinable!(cart_items -> carts (cart_id));
diesel::allow_tables_to_appear_in_same_query!(carts, cart_items);
