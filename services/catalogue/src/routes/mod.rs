//! The catalogue's HTTP edge: each resource module owns its routes, parses
//! what clients send, calls a use case (or, for a plain read, the database)
//! and maps the outcome to a response. `reservations`, `restocks` and
//! `prices` are `/internal/*`: never routed by the gateway, and every call
//! must carry `X-Internal-Token`.

use actix_web::web;
use utoipa::OpenApi;

pub mod cache_stats;
pub mod categories;
pub mod images;
pub mod media;
pub mod prices;
pub mod products;
pub mod reservations;
pub mod restocks;

/// The catalogue's OpenAPI document.
#[derive(OpenApi)]
#[openapi(
    info(title = "catalogue"),
    paths(
        categories::list_categories,
        categories::create_category,
        products::list_products,
        products::get_product,
        products::create_product,
        products::replace_product,
        products::patch_product,
        products::delete_product,
        products::set_stock,
        images::upload_image,
        images::get_image,
        images::patch_image,
        images::delete_image,
        media::media,
        cache_stats::cache_stats,
        reservations::create_reservation,
        reservations::get_reservation,
        reservations::commit_reservation,
        reservations::release_reservation,
        restocks::restock_products,
        prices::product_prices,
    ),
    components(schemas(
        shop_client::wire::catalogue::CategoryResponse,
        shop_client::wire::catalogue::ProductSort,
        shop_client::wire::catalogue::ProductImage,
        shop_client::wire::ProblemDetails
    ))
)]
pub struct ApiDoc;

/// The header every `/internal/*` route needs (a 401 without it).
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Header)]
#[allow(dead_code)] // documents the header `shop_kit::auth::InternalCaller` reads
pub struct InternalToken {
    /// The shared secret (`INTERNAL_API_TOKEN`).
    #[param(rename = "X-Internal-Token")]
    x_internal_token: String,
}

/// Registers every route.
pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.configure(categories::config)
        .configure(products::config)
        .configure(images::config)
        .configure(media::config)
        .configure(cache_stats::config)
        .configure(reservations::config)
        .configure(restocks::config)
        .configure(prices::config);
}

#[cfg(test)]
mod tests {
    use serde_json::Value;
    use utoipa::OpenApi as _;

    fn document() -> Value {
        shop_kit::openapi::finish(&super::ApiDoc::openapi(), "catalogue")
    }

    #[test]
    fn every_public_operation_has_a_summary_its_parameters_and_who_may_call_it() {
        let doc = document();
        let mut operations = 0;
        for (path, item) in doc["paths"].as_object().unwrap() {
            if !path.starts_with("/api/") {
                continue;
            }
            for (method, op) in item.as_object().unwrap() {
                operations += 1;
                let name = format!("{method} {path}");
                assert!(
                    op["summary"].as_str().is_some_and(|s| !s.is_empty()),
                    "{name}"
                );
                let declared: Vec<&str> = op["parameters"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter(|p| p["in"] == "path")
                    .filter_map(|p| p["name"].as_str())
                    .collect();
                let in_path: Vec<&str> = path
                    .split('/')
                    .filter_map(|s| s.strip_prefix('{')?.strip_suffix('}'))
                    .collect();
                assert_eq!(declared, in_path, "{name}");
                let role = if method == "get" && path != "/api/cache/stats" {
                    "none"
                } else {
                    "admin"
                };
                assert_eq!(op["x-required-role"], role, "{name}");
            }
        }
        assert_eq!(operations, 14);
    }

    #[test]
    fn list_parameters_carry_their_bounds_and_the_sort_its_values() {
        let doc = document();
        let params = &doc["paths"]["/api/products"]["get"]["parameters"];
        let param = |name: &str| {
            params
                .as_array()
                .unwrap()
                .iter()
                .find(|p| p["name"] == name)
                .unwrap_or_else(|| panic!("{name}"))
                .clone()
        };
        assert_eq!(param("limit")["in"], "query");
        assert_eq!(param("limit")["schema"]["minimum"], 1);
        assert_eq!(param("limit")["schema"]["maximum"], 100);
        assert_eq!(param("limit")["schema"]["default"], 20);
        assert_eq!(param("offset")["schema"]["minimum"], 0);
        assert_eq!(param("min_price_cents")["schema"]["minimum"], 0);
        assert_eq!(
            doc["components"]["schemas"]["ProductSort"]["enum"],
            serde_json::json!(["price", "-price", "name", "newest"])
        );
    }
}
