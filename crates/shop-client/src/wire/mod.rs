//! Wire types shared by the servers and their clients (serde only).

pub mod catalogue;
pub mod codes;
pub mod events;
pub mod fulfilment;
mod health;
pub mod names;
pub mod orders;
mod page;
pub mod payments;
mod problem;
pub mod rules;
pub mod users;

pub use codes::ErrorCode;
pub use health::{CheckResult, CheckStatus, HealthReport, HealthStatus};
pub use names::UnknownName;
pub use page::Page;
pub use problem::ProblemDetails;
