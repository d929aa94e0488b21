//! A product as an admin submits it, checked field by field.

use std::collections::BTreeMap;

use shop_client::wire::catalogue::{ProductPatch, ProductRequest};
use shop_kit::input;

/// Every editable field of a product, valid.
#[derive(Debug, Clone, PartialEq)]
pub struct ProductFields {
    pub sku: String,
    pub name: String,
    pub description: String,
    pub price_cents: i64,
    /// A category slug; whether it exists is the database's to say.
    pub category: String,
    pub image_url: Option<String>,
}

type Errors = BTreeMap<String, String>;

/// Whether `raw` has the shape of a sku: 1 to 64 letters, digits, '-' or '_'.
pub fn is_sku(raw: &str) -> bool {
    !raw.is_empty()
        && raw.len() <= 64
        && raw
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn sku(raw: &str, errors: &mut Errors) -> String {
    let sku = raw.trim().to_owned();
    if !is_sku(&sku) {
        errors.insert(
            "sku".into(),
            "must be 1 to 64 letters, digits, '-' or '_'".into(),
        );
    }
    sku
}

/// Checks `raw` by `rule`, noting why under `field` when it is refused.
fn text(field: &str, raw: &str, rule: input::TextRule, errors: &mut Errors) -> String {
    rule.parse(raw).unwrap_or_else(|reason| {
        errors.insert(field.into(), reason);
        String::new()
    })
}

fn name(raw: &str, errors: &mut Errors) -> String {
    text("name", raw, input::line(200), errors)
}

fn description(raw: &str, errors: &mut Errors) -> String {
    text("description", raw, input::paragraph(5000), errors)
}

fn price(cents: i64, errors: &mut Errors) -> i64 {
    if !(1..=100_000_000).contains(&cents) {
        errors.insert(
            "price_cents".into(),
            "must be a positive number of cents (at most 1,000,000.00)".into(),
        );
    }
    cents
}

fn category(raw: &str, errors: &mut Errors) -> String {
    text("category", raw, input::line(64), errors).to_ascii_lowercase()
}

fn image_url(raw: Option<&str>, errors: &mut Errors) -> Option<String> {
    let url = text("image_url", raw?, input::line(2000).optional(), errors);
    if url.is_empty() {
        return None;
    }
    if !(url.starts_with("https://") || url.starts_with("http://") || url.starts_with('/')) {
        errors.insert(
            "image_url".into(),
            "must be an http(s) URL or an absolute path".into(),
        );
    }
    Some(url)
}

impl ProductFields {
    /// Parses a full product (create and replace).
    pub fn parse(request: &ProductRequest) -> Result<Self, Errors> {
        let mut errors = Errors::new();
        let fields = Self {
            sku: sku(&request.sku, &mut errors),
            name: name(&request.name, &mut errors),
            description: description(&request.description, &mut errors),
            price_cents: price(request.price_cents, &mut errors),
            category: category(&request.category, &mut errors),
            image_url: image_url(request.image_url.as_deref(), &mut errors),
        };
        if let Some(stock) = request.stock_on_hand {
            if stock < 0 {
                errors.insert("stock_on_hand".into(), "must not be negative".into());
            }
        }
        if errors.is_empty() {
            Ok(fields)
        } else {
            Err(errors)
        }
    }

    /// These fields with a patch applied, checked again.
    pub fn patched(&self, patch: &ProductPatch) -> Result<Self, Errors> {
        let mut errors = Errors::new();
        let fields = Self {
            sku: patch
                .sku
                .as_deref()
                .map_or_else(|| self.sku.clone(), |s| sku(s, &mut errors)),
            name: patch
                .name
                .as_deref()
                .map_or_else(|| self.name.clone(), |n| name(n, &mut errors)),
            description: patch
                .description
                .as_deref()
                .map_or_else(|| self.description.clone(), |d| description(d, &mut errors)),
            price_cents: patch
                .price_cents
                .map_or(self.price_cents, |p| price(p, &mut errors)),
            category: patch
                .category
                .as_deref()
                .map_or_else(|| self.category.clone(), |c| category(c, &mut errors)),
            image_url: match patch.image_url.as_deref() {
                Some(url) => image_url(Some(url), &mut errors),
                None => self.image_url.clone(),
            },
        };
        if errors.is_empty() {
            Ok(fields)
        } else {
            Err(errors)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request() -> ProductRequest {
        ProductRequest {
            sku: "MUG-1".into(),
            name: "Mug".into(),
            description: String::new(),
            price_cents: 1200,
            category: "kitchen".into(),
            image_url: None,
            stock_on_hand: Some(3),
        }
    }

    #[test]
    fn a_valid_product_parses() {
        assert_eq!(ProductFields::parse(&request()).unwrap().sku, "MUG-1");
    }

    #[test]
    fn bad_fields_are_named() {
        let mut bad = request();
        bad.price_cents = 0;
        bad.name = "  ".into();
        bad.sku = "has space".into();
        bad.description = "nul\u{0}byte".into();
        bad.category = "kit\u{0}chen".into();
        let errors = ProductFields::parse(&bad).unwrap_err();
        assert_eq!(
            errors.keys().collect::<Vec<_>>(),
            ["category", "description", "name", "price_cents", "sku"]
        );
    }

    #[test]
    fn a_patch_changes_only_what_it_names() {
        let fields = ProductFields::parse(&request()).unwrap();
        let patched = fields
            .patched(&ProductPatch {
                price_cents: Some(999),
                ..Default::default()
            })
            .unwrap();
        assert_eq!(patched.price_cents, 999);
        assert_eq!(patched.name, "Mug");
        assert!(
            fields
                .patched(&ProductPatch {
                    price_cents: Some(-1),
                    ..Default::default()
                })
                .is_err()
        );
    }
}
