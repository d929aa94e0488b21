//! Pure rules of the gateway, no I/O: which service owns a path, who may
//! call it, which headers cross the proxy, the browser session's cookies
//! and CSRF token, and the browser app's pages and assets.

pub mod headers;
pub mod routing;
pub mod session;
pub mod site;
