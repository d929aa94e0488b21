//! Diesel table definitions, matching `migrations/` (`outbox` and
//! `document_counters` are defined in `shop_kit`).

diesel::table! {
    packing_tasks (id) {
        id -> Uuid,
        order_id -> Uuid,
        user_id -> Uuid,
        status -> Text,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        shipment_id -> Nullable<Uuid>,
        booking_attempts -> Int4,
        courier_error -> Nullable<Text>,
        next_booking_at -> Nullable<Timestamptz>,
        packed_at -> Nullable<Timestamptz>,
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

diesel::table! {
    shipments (id) {
        id -> Uuid,
        order_id -> Uuid,
        packing_task_id -> Uuid,
        user_id -> Uuid,
        courier -> Text,
        tracking_number -> Text,
        status -> Text,
        booked_at -> Timestamptz,
        in_transit_at -> Nullable<Timestamptz>,
        delivered_at -> Nullable<Timestamptz>,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    returns (id) {
        id -> Uuid,
        number -> Text,
        order_id -> Uuid,
        user_id -> Uuid,
        reason -> Text,
        status -> Text,
        refund_cents -> Int8,
        restocked_at -> Nullable<Timestamptz>,
        refunded_at -> Nullable<Timestamptz>,
        received_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    return_lines (return_id, product_id) {
        return_id -> Uuid,
        product_id -> Uuid,
        quantity -> Int4,
        unit_price_cents -> Int8,
    }
}

diesel::joinable!(packing_tasks -> fulfilments (order_id));
diesel::joinable!(return_lines -> returns (return_id));
diesel::allow_tables_to_appear_in_same_query!(
    packing_tasks,
    fulfilments,
    shipments,
    returns,
    return_lines,
);
