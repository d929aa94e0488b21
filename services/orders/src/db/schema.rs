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
        sku -> Text,
        name -> Text,
    }
}

diesel::table! {
    orders (id) {
        id -> Uuid,
        user_id -> Uuid,
        status -> Text,
        total_cents -> Int8,
        refunded_cents -> Int8,
        currency -> Text,
        payment_method -> Text,
        payment_id -> Nullable<Uuid>,
        failure_code -> Nullable<Text>,
        shipping_address -> Jsonb,
        lease_until -> Nullable<Timestamptz>,
        delivered_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    order_lines (order_id, product_id) {
        order_id -> Uuid,
        product_id -> Uuid,
        sku -> Text,
        name -> Text,
        quantity -> Int4,
        unit_price_cents -> Int8,
    }
}

diesel::table! {
    checkout_keys (user_id, key) {
        user_id -> Uuid,
        key -> Text,
        request_hash -> Text,
        order_id -> Uuid,
        response_status -> Nullable<Int2>,
        response_body -> Nullable<Jsonb>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    invoices (id) {
        id -> Uuid,
        order_id -> Uuid,
        number -> Text,
        total_cents -> Int8,
        currency -> Text,
        issued_at -> Timestamptz,
    }
}

diesel::table! {
    credit_notes (id) {
        id -> Uuid,
        order_id -> Uuid,
        invoice_id -> Uuid,
        number -> Text,
        amount_cents -> Int8,
        reason -> Text,
        idempotency_key -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    processed_events (event_id) {
        event_id -> Uuid,
        order_id -> Uuid,
        received_at -> Timestamptz,
    }
}

diesel::table! {
    refunds (id) {
        id -> Uuid,
        order_id -> Uuid,
        cause -> Text,
        key -> Text,
        restock_id -> Uuid,
        return_id -> Nullable<Uuid>,
        return_number -> Nullable<Text>,
        amount_cents -> Int8,
        lines -> Jsonb,
        progress -> Text,
        credit_note_number -> Nullable<Text>,
        attempts -> Int4,
        next_attempt_at -> Timestamptz,
        last_error -> Nullable<Text>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::joinable!(cart_items -> carts (cart_id));
diesel::joinable!(order_lines -> orders (order_id));
diesel::joinable!(invoices -> orders (order_id));
diesel::joinable!(refunds -> orders (order_id));
diesel::allow_tables_to_appear_in_same_query!(
    carts,
    cart_items,
    orders,
    order_lines,
    checkout_keys,
    invoices,
    credit_notes,
    refunds,
);
