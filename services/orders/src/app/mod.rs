//! The orders service's use cases, one module per workflow. No HTTP types:
//! each takes and returns domain and wire types, or a `Problem`.

pub mod cancel;
pub mod cart;
pub mod checkout;
pub mod events;
pub mod recovery;
pub mod refund;
pub mod status_updates;
