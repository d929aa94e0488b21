//! Tests that need more than one service: the whole shop, every service
//! real and each on its own fresh database, started by this crate
//! ([`shop_harness::spawn_shop`]), or payments with a real users service.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod catalogue_gateway;
mod contract;
mod fulfilment_flows;
mod fulfilment_returns;
mod helpers;
mod orders_admin;
mod orders_bad_input;
mod orders_cart;
mod orders_checkout;
mod orders_concurrency;
mod orders_events;
mod orders_recovery;
mod payments_cards;
mod payments_logs;
mod payments_wallet;
mod pictures_gateway;
mod returns_once;
