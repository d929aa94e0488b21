//! Catalogue wire types.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::rules::whole;
use crate::{named_enum, object_only};

// utoipa does not see `named_enum!`'s `serde(rename)`: every variant
// repeats its wire name for the schema.

named_enum! {
    /// Where a stock reservation stands.
    pub enum ReservationStatus ("reservation status") {
        /// The stock is held until it expires.
        #[schema(rename = "active")]
        Active => "active",
        /// Sold.
        #[schema(rename = "committed")]
        Committed => "committed",
        /// Put back on sale.
        #[schema(rename = "released")]
        Released => "released",
        /// Not committed in time; put back on sale.
        #[schema(rename = "expired")]
        Expired => "expired",
    }
}

named_enum! {
    /// How `GET /api/products` orders its page (`?sort=`).
    pub enum ProductSort ("product sort") {
        /// Cheapest first.
        #[schema(rename = "price")]
        PriceAsc => "price",
        /// Dearest first.
        #[schema(rename = "-price")]
        PriceDesc => "-price",
        /// By name, A to Z.
        #[schema(rename = "name")]
        Name => "name",
        /// Newest first (the default).
        #[schema(rename = "newest")]
        Newest => "newest",
    }
}

/// A product category.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CategoryResponse {
    pub id: Uuid,
    /// URL-safe name used in filters (`?category=books`): lowercase words of
    /// letters and digits joined by `-`.
    pub slug: String,
    pub name: String,
}

/// `POST /api/categories` (admin).
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(remote = "Self")] // Deserialize: `object_only!` below
pub struct CreateCategoryRequest {
    #[schema(schema_with = schemas::slug)]
    pub slug: String,
    #[schema(schema_with = schemas::category_name)]
    pub name: String,
}

/// What a shopper is told about stock instead of the count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StockHint {
    InStock,
    LowStock,
    OutOfStock,
}

/// A product. The stock counts and `active` are only shown to admins (and
/// are left out, not null, for everyone else).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ProductResponse {
    pub id: Uuid,
    pub sku: String,
    pub name: String,
    pub description: String,
    pub price_cents: i64,
    /// The store currency (ISO 4217), the same for every product.
    pub currency: String,
    /// The category's slug.
    pub category: String,
    /// The first picture's `url` (or, when the product has none, the URL an
    /// admin set); left out when there is neither. Kept for older clients:
    /// `images` has every picture.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub image_url: Option<String>,
    /// The product's pictures, in the order to show them.
    #[serde(default)]
    pub images: Vec<ProductImage>,
    pub stock_hint: StockHint,
    /// Admins only: units on hand.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false, minimum = 0)]
    pub stock_on_hand: Option<i32>,
    /// Admins only: units held by checkouts in progress.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false, minimum = 0)]
    pub stock_reserved: Option<i32>,
    /// Admins only: false once the product is taken off sale.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub active: Option<bool>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A picture of a product. Its links are signed and expire (after
/// `MEDIA_URL_TTL_SECS`, 24 h by default): fetch the product again for new
/// ones. Either link is null when the media store cannot sign one just now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ProductImage {
    pub id: Uuid,
    /// The picture, at most 1024 pixels wide (JPEG, or WebP when it has
    /// transparency); a path on this host (`/media/...`) or the object
    /// store's own presigned URL.
    pub url: Option<String>,
    /// The same picture at most 320 pixels wide, for lists.
    pub thumb_url: Option<String>,
    /// Of `url`'s picture, in pixels.
    pub width: i32,
    pub height: i32,
    /// The text a screen reader says instead (may be empty).
    pub alt: String,
    /// 0 for the first picture.
    #[schema(minimum = 0)]
    pub position: i32,
}

/// `PATCH /api/products/{id}/images/{image_id}` (admin): the fields present
/// (and not null) change.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(remote = "Self")] // Deserialize: `object_only!` below
pub struct ImagePatch {
    #[serde(default)]
    #[schema(schema_with = schemas::alt_or_null)]
    pub alt: Option<String>,
    /// Where the picture goes, 0 first; past the last place is the last place.
    #[serde(default, deserialize_with = "whole::option")]
    #[schema(minimum = 0, maximum = 1000)]
    pub position: Option<i32>,
}

/// `POST /api/products` and `PUT /api/products/{id}` (admin).
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(remote = "Self")] // Deserialize: `object_only!` below
pub struct ProductRequest {
    #[schema(schema_with = schemas::sku)]
    pub sku: String,
    #[schema(schema_with = schemas::product_name)]
    pub name: String,
    #[serde(default)]
    #[schema(schema_with = schemas::description)]
    pub description: String,
    /// 1 to 100,000,000 (1,000,000.00 in the store currency).
    #[serde(deserialize_with = "whole::deserialize")]
    #[schema(minimum = 1, maximum = 100_000_000)]
    pub price_cents: i64,
    #[schema(schema_with = schemas::category)]
    pub category: String,
    #[serde(default)]
    #[schema(schema_with = schemas::image_url)]
    pub image_url: Option<String>,
    /// Only on creation (default 0); later changes go through
    /// `PUT /api/products/{id}/stock`. Checked, then ignored, on replace.
    #[serde(default, deserialize_with = "whole::option")]
    #[schema(minimum = 0, maximum = 2_147_483_647)]
    pub stock_on_hand: Option<i32>,
}

/// `PATCH /api/products/{id}` (admin): only the fields present (and not
/// null) change, each checked as in `ProductRequest`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(remote = "Self")] // Deserialize: `object_only!` below
pub struct ProductPatch {
    #[serde(default)]
    #[schema(schema_with = schemas::sku_or_null)]
    pub sku: Option<String>,
    #[serde(default)]
    #[schema(schema_with = schemas::product_name_or_null)]
    pub name: Option<String>,
    #[serde(default)]
    #[schema(schema_with = schemas::description_or_null)]
    pub description: Option<String>,
    /// 1 to 100,000,000.
    #[serde(default, deserialize_with = "whole::option")]
    #[schema(minimum = 1, maximum = 100_000_000)]
    pub price_cents: Option<i64>,
    #[serde(default)]
    #[schema(schema_with = schemas::category_or_null)]
    pub category: Option<String>,
    #[serde(default)]
    #[schema(schema_with = schemas::image_url_patch)]
    pub image_url: Option<String>,
    /// `false` takes the product off sale, `true` puts it back.
    #[serde(default)]
    pub active: Option<bool>,
}

/// `PUT /api/products/{id}/stock` (admin).
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(remote = "Self")] // Deserialize: `object_only!` below
pub struct SetStockRequest {
    /// Units on hand, 0 to 1,000,000 (and never below what is reserved).
    #[serde(deserialize_with = "whole::deserialize")]
    #[schema(minimum = 0, maximum = 1_000_000)]
    pub stock_on_hand: i32,
}

/// One line of a reservation or restock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(remote = "Self")] // Deserialize: `object_only!` below
pub struct StockLine {
    pub product_id: Uuid,
    /// 1 to 1000 units.
    #[serde(deserialize_with = "whole::deserialize")]
    #[schema(minimum = 1, maximum = 1000)]
    pub quantity: i32,
}

/// `POST /internal/reservations`: all lines or none.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(remote = "Self")] // Deserialize: `object_only!` below
pub struct ReservationRequest {
    /// Chosen by the caller (orders uses the order id), so a retry is idempotent.
    pub reservation_id: Uuid,
    /// 1 to 100 lines, each product once.
    #[schema(min_items = 1, max_items = 100)]
    pub items: Vec<StockLine>,
    /// 1 to 86400; default 900 (`RESERVATION_TTL_SECS`).
    #[serde(default, deserialize_with = "whole::option")]
    #[schema(minimum = 1, maximum = 86_400)]
    pub ttl_seconds: Option<i64>,
}

/// A reservation and where it stands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ReservationResponse {
    pub reservation_id: Uuid,
    pub status: ReservationStatus,
    pub expires_at: DateTime<Utc>,
    pub items: Vec<StockLine>,
}

/// A line a reservation could not get (in the `lines` of a 409 `out_of_stock`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ShortLine {
    pub product_id: Uuid,
    pub requested: i32,
    pub available: i32,
}

/// `POST /internal/restocks`: returned goods back on the shelf, once per id.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(remote = "Self")] // Deserialize: `object_only!` below
pub struct RestockRequest {
    pub restock_id: Uuid,
    /// 1 to 100 lines, each product once.
    #[schema(min_items = 1, max_items = 100)]
    pub items: Vec<StockLine>,
}

/// What `POST /internal/restocks` did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RestockResponse {
    pub restock_id: Uuid,
    /// False when this restock id was applied before (nothing changed now).
    pub applied: bool,
}

/// `GET /internal/products?ids=...`: current prices for checkout.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PriceResponse {
    pub id: Uuid,
    pub sku: String,
    pub name: String,
    pub price_cents: i64,
    pub active: bool,
    pub available: i32,
}

/// `GET /api/cache/stats` (admin).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CacheStatsResponse {
    /// Since this instance started.
    pub hits: u64,
    pub misses: u64,
    /// `hits / (hits + misses)`, 0 before the first read.
    #[schema(minimum = 0, maximum = 1)]
    pub hit_ratio: f64,
    /// Keys under this deployment's prefix.
    pub keys: u64,
    pub redis_used_memory_bytes: u64,
    pub redis_up: bool,
    /// Of `hits`, those this instance answered from its own memory.
    pub memory_hits: u64,
    /// What this instance keeps in memory (products, list pages and SKUs).
    pub memory_entries: u64,
    pub memory_bytes: u64,
    /// Whether this instance hears every replica's invalidations (its
    /// memory is used only then).
    pub memory_subscribed: bool,
}

/// The Redis channel (after the deployment's key prefix) on which every
/// catalogue replica announces what a write changed, for the in-process
/// caches of the catalogue and the gateway.
pub const INVALIDATION_CHANNEL: &str = "catalogue:invalidations";

/// One message on [`INVALIDATION_CHANNEL`]: these products changed, and,
/// when `lists`, what list pages show changed too.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CacheInvalidation {
    pub products: Vec<Uuid>,
    pub lists: bool,
}

object_only!(
    CreateCategoryRequest,
    ImagePatch,
    ProductRequest,
    ProductPatch,
    SetStockRequest,
    StockLine,
    ReservationRequest,
    RestockRequest,
);

/// The JSON Schemas of the catalogue's text fields, built on
/// [`rules`](crate::wire::rules): each says exactly what the server accepts.
pub mod schemas {
    use utoipa::openapi::Object;

    use crate::wire::rules::{CONTROL, SPACE, string, text_pattern};

    /// One line, 1 to `max` characters, with its own description.
    pub fn line(max_chars: usize, nullable: bool, description: &str) -> Object {
        string(nullable, text_pattern(max_chars, true, false), description).build()
    }

    /// One line of up to `max` characters, or blank.
    pub fn optional_line(max_chars: usize, description: &str) -> Object {
        string(false, text_pattern(max_chars, false, false), description).build()
    }

    fn sku_pattern() -> String {
        format!("^[{SPACE}]*[A-Za-z0-9_-]{{1,64}}[{SPACE}]*$")
    }

    const SKU: &str = "The stock-keeping unit, unique: 1 to 64 letters, digits, `-` or `_` (trimmed); a taken one is a 409 `already_exists`";
    const PRODUCT_NAME: &str = "1 to 200 characters once trimmed, on one line";
    const DESCRIPTION: &str = "Up to 5000 characters once trimmed; line breaks and tabs allowed, other control characters not";
    const CATEGORY: &str = "An existing category's slug (any case); one that does not exist is a 422 naming `category`";
    const IMAGE_URL: &str = "An `http://` or `https://` URL or an absolute path (`/...`), up to 2000 characters once trimmed";

    /// `ProductRequest.sku`.
    pub fn sku() -> Object {
        string(false, sku_pattern(), SKU).build()
    }

    /// `ProductPatch.sku`.
    pub fn sku_or_null() -> Object {
        string(true, sku_pattern(), SKU).build()
    }

    /// `ProductRequest.name`.
    pub fn product_name() -> Object {
        line(200, false, PRODUCT_NAME)
    }

    /// `ProductPatch.name`.
    pub fn product_name_or_null() -> Object {
        line(200, true, PRODUCT_NAME)
    }

    /// `ProductRequest.description` (default empty).
    pub fn description() -> Object {
        string(false, text_pattern(5000, false, true), DESCRIPTION)
            .default(Some("".into()))
            .build()
    }

    /// `ProductPatch.description`.
    pub fn description_or_null() -> Object {
        string(true, text_pattern(5000, false, true), DESCRIPTION).build()
    }

    /// `ProductRequest.category`.
    pub fn category() -> Object {
        string(false, text_pattern(64, true, false), CATEGORY)
            .examples(["kitchen"])
            .build()
    }

    /// `ProductPatch.category`.
    pub fn category_or_null() -> Object {
        string(true, text_pattern(64, true, false), CATEGORY)
            .examples(["kitchen"])
            .build()
    }

    /// The URL part of an image URL: after the scheme or the leading `/`,
    /// what brings it to at most 2000 characters, ending in no space.
    fn image_url_pattern() -> String {
        let rest = |prefix: &str| {
            let room = 2000 - prefix.len() - 1;
            format!("{prefix}(?:[^{CONTROL}]{{0,{room}}}[^{CONTROL}{SPACE}])?")
        };
        format!(
            "^[{SPACE}]*(?:{}|{}|{})?[{SPACE}]*$",
            rest("/"),
            rest("http://"),
            rest("https://")
        )
    }

    /// `ProductRequest.image_url`: null, absent or blank is no image.
    pub fn image_url() -> Object {
        let description = format!("{IMAGE_URL}; null, absent or blank is no image");
        string(true, image_url_pattern(), &description)
            .default(Some(serde_json::Value::Null))
            .build()
    }

    /// `ProductPatch.image_url`: blank removes the image, null keeps it.
    pub fn image_url_patch() -> Object {
        let description = format!("{IMAGE_URL}; blank removes the image, null leaves it");
        string(true, image_url_pattern(), &description).build()
    }

    /// `CreateCategoryRequest.slug`: trimmed and lowercased, then
    /// lowercase words of letters and digits joined by `-`, at most 64.
    pub fn slug() -> Object {
        let pattern = format!(
            "^[{SPACE}]*(?=[A-Za-z0-9-]{{1,64}}[{SPACE}]*$)[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*[{SPACE}]*$"
        );
        string(false, pattern, "Words of ASCII letters and digits joined by single `-`, at most 64 characters once trimmed; stored lowercased; a taken one is a 409 `already_exists`").build()
    }

    const ALT: &str = "What the picture shows, for those who cannot see it: up to 500 characters once trimmed, on one line; blank is none";

    /// The `alt` of an upload (a form field or `?alt=`).
    pub fn alt() -> Object {
        optional_line(500, ALT)
    }

    /// `ImagePatch.alt`.
    pub fn alt_or_null() -> Object {
        string(true, text_pattern(500, false, false), ALT).build()
    }

    /// `CreateCategoryRequest.name`.
    pub fn category_name() -> Object {
        line(100, false, "1 to 100 characters once trimmed, on one line")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_bodies_are_objects_not_arrays_of_their_fields() {
        let patch: ProductPatch = serde_json::from_str(r#"{"price_cents": 100.0}"#).unwrap();
        assert_eq!(patch.price_cents, Some(100));
        for array in ["[null, null]", "[]"] {
            let error = serde_json::from_str::<ProductPatch>(array).unwrap_err();
            assert!(
                error.to_string().contains("expected a JSON object"),
                "{error}"
            );
        }
        let nested = serde_json::from_str::<RestockRequest>(
            r#"{"restock_id": "01a23160-46d4-739b-9d00-1c4dc7f85d32", "items": [["01a23160-46d4-739b-9d00-1c4dc7f85d32", 1]]}"#,
        );
        assert!(nested.is_err());
        let line = StockLine {
            product_id: Uuid::nil(),
            quantity: 2,
        };
        let json = serde_json::to_value(&line).unwrap();
        assert_eq!(json["quantity"], 2);
        assert_eq!(serde_json::from_value::<StockLine>(json).unwrap(), line);
    }

    #[test]
    fn enums_are_documented_by_their_wire_names() {
        use utoipa::PartialSchema;
        let documented = |schema| serde_json::to_value(schema).unwrap()["enum"].clone();
        let sorts: Vec<&str> = ProductSort::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(documented(ProductSort::schema()), serde_json::json!(sorts));
        let statuses: Vec<&str> = ReservationStatus::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(
            documented(ReservationStatus::schema()),
            serde_json::json!(statuses)
        );
        let hints = serde_json::to_value([
            StockHint::InStock,
            StockHint::LowStock,
            StockHint::OutOfStock,
        ])
        .unwrap();
        assert_eq!(documented(StockHint::schema()), hints);
    }
}
