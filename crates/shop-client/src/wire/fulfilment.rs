//! Fulfilment wire types.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// What `POST /internal/fulfilments` and its cancel answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct FulfilmentResponse {
    pub order_id: Uuid,
    /// `None` when the order was cancelled before it reached fulfilment.
    pub packing_task_id: Option<Uuid>,
    /// The packing task's status: `pending`, `packed`, `shipped` or `cancelled`.
    pub status: String,
}
