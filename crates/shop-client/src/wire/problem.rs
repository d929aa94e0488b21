//! The RFC 9457 problem+json body every non-2xx response carries.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::ErrorCode;

/// An `application/problem+json` body.
///
/// `code` is the stable, snake_case machine-readable reason (`out_of_stock`,
/// `validation_failed`, ...); clients branch on it, never on `title` or `detail`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ProblemDetails {
    /// A URI naming the problem type: `urn:shop:problem:<code>`.
    #[serde(rename = "type")]
    pub type_uri: String,
    /// A short human summary of the problem type.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// A human explanation of this occurrence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// The stable machine-readable reason.
    pub code: ErrorCode,
    /// The `X-Request-Id` of the failed request, for support and log search.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// For `validation_failed`: the offending fields and what is wrong with each.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fields: Option<BTreeMap<String, String>>,
    /// For errors about another service (gateway 503/504): which one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    /// For errors about lines of a request (`out_of_stock`): which lines, and why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lines: Option<Vec<serde_json::Value>>,
}

impl ProblemDetails {
    /// The media type of a problem body.
    pub const CONTENT_TYPE: &'static str = "application/problem+json";

    /// A problem with the given status, stable code and title.
    pub fn new(status: u16, code: ErrorCode, title: impl Into<String>) -> Self {
        Self {
            type_uri: format!("urn:shop:problem:{code}"),
            title: title.into(),
            status,
            detail: None,
            code,
            request_id: None,
            fields: None,
            service: None,
            lines: None,
        }
    }
}
