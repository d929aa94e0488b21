//! Pure rules of the gateway, no I/O: which service owns a path, who may
//! call it, and which headers cross the proxy.

pub mod headers;
pub mod routing;
