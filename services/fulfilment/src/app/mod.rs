//! The fulfilment service's use cases, one module per workflow. No HTTP
//! types: each takes and returns domain and wire types, or a `Problem`.

pub mod events;
pub mod intake;
pub mod packing;
pub mod returns;
pub mod shipments;
pub mod worker;
