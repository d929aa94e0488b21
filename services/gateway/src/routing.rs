//! Which service answers which public path. Pure, so it is tested alone.

use shop_client::ServiceName;

/// The service that owns `path`, or `None` when no service does (404).
///
/// Only `/api/*` is routed; `/internal/*` and everything else never is.
pub fn route(path: &str) -> Option<ServiceName> {
    use ServiceName::*;
    let rest = path.strip_prefix("/api/")?;
    let segments: Vec<&str> = rest.split('/').collect();
    match segments.as_slice() {
        ["auth" | "users", ..] => Some(Users),
        ["products" | "categories" | "cache", ..] => Some(Catalogue),
        // An order's shipment lives in fulfilment; the rest of the order in orders.
        ["orders", _, "shipment"] => Some(Fulfilment),
        ["cart" | "orders", ..] => Some(Orders),
        ["payments", ..] => Some(Payments),
        ["shipments" | "returns", ..] => Some(Fulfilment),
        ["admin", "packing-tasks" | "shipments" | "returns", ..] => Some(Fulfilment),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ServiceName::*;

    #[test]
    fn every_public_prefix_has_its_service() {
        let cases = [
            ("/api/auth/login", Some(Users)),
            ("/api/users/me/wallet", Some(Users)),
            ("/api/products", Some(Catalogue)),
            ("/api/products/abc/stock", Some(Catalogue)),
            ("/api/categories", Some(Catalogue)),
            ("/api/cache/stats", Some(Catalogue)),
            ("/api/cart/items/1", Some(Orders)),
            ("/api/orders", Some(Orders)),
            ("/api/orders/1/invoice", Some(Orders)),
            ("/api/orders/1/shipment", Some(Fulfilment)),
            ("/api/payments", Some(Payments)),
            ("/api/shipments/1", Some(Fulfilment)),
            ("/api/returns", Some(Fulfilment)),
            ("/api/admin/packing-tasks/1/packed", Some(Fulfilment)),
            ("/api/admin/returns/1/receive", Some(Fulfilment)),
        ];
        for (path, expected) in cases {
            assert_eq!(route(path), expected, "{path}");
        }
    }

    #[test]
    fn internal_and_unknown_paths_are_not_routed() {
        for path in [
            "/internal/reservations",
            "/api/internal/reservations",
            "/api",
            "/api/",
            "/api/unknown",
            "/api/admin/users",
            "/apiproducts",
            "/health",
        ] {
            assert_eq!(route(path), None, "{path}");
        }
    }
}
