//! Diesel table definitions, matching `migrations/`.

diesel::table! {
    packing_tasks (id) {
        id -> Uuid,
        order_id -> Uuid,
        user_id -> Uuid,
        status -> Text,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}
