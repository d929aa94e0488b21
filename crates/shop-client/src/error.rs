//! The typed error every client call returns.

use std::collections::BTreeMap;

use crate::wire::{ErrorCode, ProblemDetails, catalogue::ShortLine};

/// Why a call to another service did not produce the expected answer.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The service answered with a problem+json error.
    #[error("{service} answered {status} ({code})", status = .problem.status, code = .problem.code)]
    Problem {
        service: &'static str,
        problem: Box<ProblemDetails>,
    },
    /// The service answered a non-2xx status without a problem body.
    #[error("{service} answered {status} without a problem body")]
    UnexpectedStatus { service: &'static str, status: u16 },
    /// The service could not be reached (refused, DNS, reset).
    #[error("{service} is unreachable")]
    Unreachable {
        service: &'static str,
        #[source]
        source: reqwest_middleware::Error,
    },
    /// The service did not answer within the client's timeout.
    #[error("{service} timed out")]
    Timeout { service: &'static str },
    /// The service answered 2xx but the body was not what the contract says.
    #[error("{service} sent a body that does not decode")]
    Decode {
        service: &'static str,
        #[source]
        source: reqwest::Error,
    },
    /// The request could not be built (bad path or base URL).
    #[error("invalid request to {service}: {reason}")]
    InvalidRequest {
        service: &'static str,
        reason: String,
    },
}

impl ClientError {
    /// The problem's code, when the service answered with one (the typed
    /// clients decode refusals from it; nothing else should branch on it).
    pub(crate) fn code(&self) -> Option<&ErrorCode> {
        match self {
            Self::Problem { problem, .. } => Some(&problem.code),
            _ => None,
        }
    }

    /// The problem's `fields`, or none.
    pub(crate) fn fields(&self) -> BTreeMap<String, String> {
        match self {
            Self::Problem { problem, .. } => problem.fields.clone().unwrap_or_default(),
            _ => BTreeMap::new(),
        }
    }

    /// The problem's `lines`, as the lines of an `out_of_stock` answer.
    pub(crate) fn lines(&self) -> Vec<ShortLine> {
        match self {
            Self::Problem { problem, .. } => problem
                .lines
                .iter()
                .flatten()
                .filter_map(|line| serde_json::from_value(line.clone()).ok())
                .collect(),
            _ => Vec::new(),
        }
    }

    /// `Ok(None)` for a 404 `not_found`, the error itself otherwise: for
    /// lookups where "there is none" is an answer, not a failure.
    pub(crate) fn none_if_not_found<T>(self) -> Result<Option<T>, Self> {
        match self.code() {
            Some(ErrorCode::NotFound) => Ok(None),
            _ => Err(self),
        }
    }

    /// The HTTP status the service answered, when it answered at all.
    fn status(&self) -> Option<u16> {
        match self {
            Self::Problem { problem, .. } => Some(problem.status),
            Self::UnexpectedStatus { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// True when the service could not be asked at all or did not answer in
    /// time: the outcome of the call is unknown to the caller.
    pub fn is_unavailable(&self) -> bool {
        matches!(self, Self::Unreachable { .. } | Self::Timeout { .. })
            || matches!(self.status(), Some(502..=504))
    }

    /// True only when the request certainly never reached the service (the
    /// connection was refused or could not be made): a side effect is ruled
    /// out. A timeout or a reset leaves the outcome unknown.
    pub fn never_sent(&self) -> bool {
        matches!(self, Self::Unreachable { source: reqwest_middleware::Error::Reqwest(e), .. } if e.is_connect())
    }

    /// Which service the call was for.
    pub fn service(&self) -> &'static str {
        match self {
            Self::Problem { service, .. }
            | Self::UnexpectedStatus { service, .. }
            | Self::Unreachable { service, .. }
            | Self::Timeout { service }
            | Self::Decode { service, .. }
            | Self::InvalidRequest { service, .. } => service,
        }
    }
}
