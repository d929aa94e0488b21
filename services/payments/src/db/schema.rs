//! Diesel table definitions, matching `migrations/`.

diesel::table! {
    payments (id) {
        id -> Uuid,
        order_id -> Uuid,
        user_id -> Uuid,
        amount_cents -> Int8,
        currency -> Text,
        status -> Text,
        method -> Text,
        card_brand -> Nullable<Text>,
        card_last4 -> Nullable<Text>,
        refunded_cents -> Int8,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        attempts -> Int4,
        decline_code -> Nullable<Text>,
        provider_ref -> Nullable<Text>,
    }
}

diesel::table! {
    refunds (id) {
        id -> Uuid,
        payment_id -> Uuid,
        amount_cents -> Int8,
        idempotency_key -> Text,
        reason -> Text,
        status -> Text,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::joinable!(refunds -> payments (payment_id));
diesel::allow_tables_to_appear_in_same_query!(payments, refunds);
