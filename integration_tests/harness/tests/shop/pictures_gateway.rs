//! Product pictures through the gateway: an upload larger than the
//! gateway's usual body limit passes (uploads have their own), one past it
//! is refused there, and the signed links in product JSON are served through
//! the gateway's `/media/*` to anyone holding them, and to no one else.

use std::io::Cursor;

use image::{ImageBuffer, ImageFormat, Rgb};
use serde_json::{Value, json};

use crate::helpers::{read, spawn_shop};

/// A PNG of noise (it does not compress): about 3 bytes a pixel.
fn noise_png(width: u32, height: u32) -> Vec<u8> {
    let mut state = 0x2545_f491_u32;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        state.to_le_bytes()[0]
    };
    let picture = ImageBuffer::from_fn(width, height, |_, _| Rgb([next(), next(), next()]));
    let mut out = Cursor::new(Vec::new());
    picture.write_to(&mut out, ImageFormat::Png).unwrap();
    out.into_inner()
}

fn form(bytes: Vec<u8>) -> reqwest::multipart::Form {
    let part = reqwest::multipart::Part::bytes(bytes)
        .file_name("noise.png")
        .mime_str("image/png")
        .unwrap();
    reqwest::multipart::Form::new().part("file", part)
}

#[tokio::test]
async fn pictures_go_up_and_come_back_through_the_gateway() {
    let shop = spawn_shop().await;
    let product = shop.product(1200, 3).await;
    let admin = shop.admin();
    let upload = |bytes: Vec<u8>| {
        shop.http
            .post(shop.url(&format!("/api/products/{product}/images")))
            .bearer_auth(&admin)
            .multipart(form(bytes))
            .send()
    };

    // Past the gateway's 1 MiB body limit, within its upload limit.
    let picture = noise_png(800, 700);
    assert!(picture.len() > 1 << 20, "{}", picture.len());
    let (status, image) = read(upload(picture).await.unwrap()).await;
    assert_eq!(status, 201, "{image}");

    // Past the upload limit: the gateway refuses it, the catalogue never sees it.
    let (status, problem) = read(upload(vec![0x89; 7 << 20]).await.unwrap()).await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (413, Some("body_too_large"))
    );
    // Other routes keep the usual limit.
    let big =
        json!({"sku": "BIG-1", "name": "x".repeat(2 << 20), "price_cents": 1, "category": "test"});
    let (status, _) = shop
        .call("POST", "/api/products", Some(&admin), Some(big))
        .await;
    assert_eq!(status, 413);

    // Anyone reads the product and fetches its picture through the gateway.
    let response = shop
        .http
        .get(shop.url(&format!("/api/products/{product}")))
        .send()
        .await
        .unwrap();
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["images"][0]["id"], image["id"]);
    for link in [&body["images"][0]["url"], &body["images"][0]["thumb_url"]] {
        let link = link.as_str().unwrap();
        assert!(link.starts_with("/media/"), "{link}");
        let response = shop.http.get(shop.url(link)).send().await.unwrap();
        assert_eq!(response.status(), 200, "{link}");
        assert_eq!(response.headers()["content-type"], "image/jpeg");
        let bytes = response.bytes().await.unwrap();
        assert!(image::load_from_memory(&bytes).is_ok());
        // One character more in the signature: refused.
        let tampered = link.replace("sig=", "sig=A");
        let response = shop.http.get(shop.url(&tampered)).send().await.unwrap();
        assert_eq!(response.status(), 403, "{tampered}");
    }
    // Writing to /media is nobody's business.
    let link = body["images"][0]["url"].as_str().unwrap();
    let response = shop.http.delete(shop.url(link)).send().await.unwrap();
    assert_eq!(response.status(), 401);
    let response = shop
        .http
        .delete(shop.url(link))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 405);
    assert_eq!(response.headers()["allow"], "GET");
}
