//! The use cases, one module per workflow. They speak domain types and
//! return what happened as a type; the routes decide the HTTP.

pub mod charge;
pub mod refund;
