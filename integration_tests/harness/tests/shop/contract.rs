//! The merged OpenAPI document the gateway serves, as one contract: every
//! service's public operations, each named once, every schema it refers to
//! present and meaning one thing across the services.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::helpers::spawn_shop;

fn refs(value: &Value, found: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(target)) = map.get("$ref") {
                found.push(target.clone());
            }
            map.values().for_each(|v| refs(v, found));
        }
        Value::Array(items) => items.iter().for_each(|v| refs(v, found)),
        _ => {}
    }
}

#[tokio::test]
async fn the_merged_document_is_one_consistent_contract() {
    let shop = spawn_shop().await;
    let doc: Value = shop
        .http
        .get(shop.url("/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();

    assert_eq!(doc["openapi"], "3.1.0");
    let mut operation_ids = BTreeMap::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        assert!(!path.starts_with("/internal"), "an internal route: {path}");
        for (method, operation) in item.as_object().unwrap() {
            let id = operation["operationId"].as_str().unwrap().to_owned();
            let previous = operation_ids.insert(id.clone(), format!("{method} {path}"));
            assert!(
                previous.is_none(),
                "{id} names {previous:?} and {method} {path}"
            );
            assert!(operation["tags"].is_array(), "{method} {path}");
        }
    }
    for service in ["users", "catalogue", "orders", "payments", "fulfilment"] {
        assert!(
            doc["tags"]
                .as_array()
                .unwrap()
                .iter()
                .any(|t| t["name"] == service),
            "{service} is missing: {}",
            doc["tags"]
        );
    }

    // Every reference resolves, and no schema is left that nothing uses.
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    let mut found = Vec::new();
    refs(&doc, &mut found);
    for target in &found {
        let name = target.strip_prefix("#/components/schemas/").unwrap();
        assert!(schemas.contains_key(name), "{target} does not resolve");
    }
    for name in schemas.keys() {
        let target = format!("#/components/schemas/{name}");
        assert!(found.contains(&target), "{name} is never used");
    }

    // A schema two services both define means the same in both: the merged
    // document keeps one of them.
    let mut seen: BTreeMap<String, (&str, Value)> = BTreeMap::new();
    for (service, app) in [
        ("users", &shop.users),
        ("catalogue", &shop.catalogue),
        ("orders", &shop.orders),
        ("payments", shop.payments()),
        ("fulfilment", &shop.fulfilment),
    ] {
        let own: Value = app.get("/openapi.json").await.json().await.unwrap();
        for (name, schema) in own["components"]["schemas"].as_object().unwrap() {
            if let Some((other, earlier)) = seen.get(name) {
                assert_eq!(earlier, schema, "{name} differs in {other} and {service}");
            } else {
                seen.insert(name.clone(), (service, schema.clone()));
            }
        }
    }
}
