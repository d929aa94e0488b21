//! Rows and their queries; each function takes `&mut AsyncPgConnection` so it
//! composes inside a transaction. Status moves filter on the domain's
//! [`Lifecycle::sources`](crate::domain::status::Lifecycle::sources).

pub mod fulfilment;
pub mod packing_task;
pub mod rma;
pub mod shipment;
