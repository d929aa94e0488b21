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
    }
}
