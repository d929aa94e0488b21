//! Rows and their queries; each function takes `&mut AsyncPgConnection` so it
//! composes inside a transaction.

pub mod fulfilment;
pub mod rma;
pub mod shipment;
