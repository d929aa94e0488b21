//! Diesel table definitions, matching `migrations/`.

diesel::table! {
    users (id) {
        id -> Uuid,
        email -> Text,
        name -> Text,
        password_hash -> Text,
        role -> Text,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    wallets (user_id) {
        user_id -> Uuid,
        balance_cents -> Int8,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    wallet_entries (id) {
        id -> Uuid,
        user_id -> Uuid,
        amount_cents -> Int8,
        balance_after_cents -> Int8,
        reason -> Text,
        idempotency_key -> Nullable<Text>,
        request_fingerprint -> Nullable<Text>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    addresses (id) {
        id -> Uuid,
        user_id -> Uuid,
        name -> Text,
        line1 -> Text,
        line2 -> Nullable<Text>,
        city -> Text,
        postal_code -> Text,
        country -> Text,
        created_at -> Timestamptz,
    }
}

diesel::joinable!(wallets -> users (user_id));
diesel::joinable!(addresses -> users (user_id));
diesel::allow_tables_to_appear_in_same_query!(users, wallets, wallet_entries, addresses);
