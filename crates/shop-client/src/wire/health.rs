//! The health report every service answers on `/health` and `/health/ready`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Overall status: `ok` and `degraded` answer 200, `down` answers 503.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum HealthStatus {
    Ok,
    Degraded,
    Down,
}

/// The outcome of one dependency check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CheckStatus {
    Up,
    Down,
}

/// One dependency check with its latency.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CheckResult {
    pub status: CheckStatus,
    pub latency_ms: u64,
    /// Why the check failed (never internals such as credentials).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// `{"status","service","version","checks":{...}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct HealthReport {
    pub status: HealthStatus,
    pub service: String,
    pub version: String,
    pub checks: BTreeMap<String, CheckResult>,
}
