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

diesel::table! {
    fulfilments (order_id) {
        order_id -> Uuid,
        user_id -> Uuid,
        event_id -> Uuid,
        lines -> Jsonb,
        shipping_address -> Jsonb,
        total_cents -> Int8,
        currency -> Text,
        paid_at -> Timestamptz,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    fulfilment_cancellations (order_id) {
        order_id -> Uuid,
        cancelled_at -> Timestamptz,
    }
}

diesel::joinable!(packing_tasks -> fulfilments (order_id));
diesel::allow_tables_to_appear_in_same_query!(packing_tasks, fulfilments);
