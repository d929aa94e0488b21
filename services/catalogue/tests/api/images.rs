//! Product pictures against both kinds of store: a local folder, and a real
//! S3-compatible server (moto, at `TEST_S3_ENDPOINT`; `make test` starts
//! one). What is stored is listed independently of the catalogue: the
//! folder walked, the bucket listed over S3's own API.

use std::{io::Cursor, path::Path, time::Duration};

use catalogue::media::link::LinkSigner;
use image::{ImageBuffer, ImageFormat, Rgb, Rgba};
use reqwest::header;
use serde_json::{Value, json};
use shop_kit::testing::TcpProxy;
use uuid::Uuid;

use super::helpers::{CatalogueApp, spawn_catalogue};

const SECRET: &str = "images-test-url-secret";

/// Where a test's catalogue keeps its pictures.
enum Store {
    Local,
    S3 { endpoint: String, bucket: String },
}

fn s3_endpoint() -> String {
    std::env::var("TEST_S3_ENDPOINT").expect(
        "TEST_S3_ENDPOINT names no S3-compatible server: run the tests with `make test`, which starts one",
    )
}

impl Store {
    /// A new bucket on the test S3 server, reached at `endpoint` (the
    /// server's own address, or a proxy to it).
    async fn s3() -> Self {
        let endpoint = s3_endpoint();
        let bucket = format!("shop-{}", Uuid::now_v7().simple());
        // moto answers S3's API without checking signatures.
        let created = reqwest::Client::new()
            .put(format!("{endpoint}/{bucket}"))
            .send()
            .await
            .unwrap();
        assert!(created.status().is_success(), "{}", created.status());
        Store::S3 { endpoint, bucket }
    }

    fn env(&self, endpoint: Option<&str>) -> Vec<(String, String)> {
        let mut env = vec![("MEDIA_URL_SECRET".to_owned(), SECRET.to_owned())];
        if let Store::S3 {
            endpoint: real,
            bucket,
        } = self
        {
            for (k, v) in [
                ("MEDIA_STORE_URL", format!("s3://{bucket}/shop")),
                ("AWS_ENDPOINT", endpoint.unwrap_or(real).to_owned()),
                ("AWS_ALLOW_HTTP", "true".to_owned()),
                ("AWS_ACCESS_KEY_ID", "test-access-key".to_owned()),
                ("AWS_SECRET_ACCESS_KEY", "test-secret-key".to_owned()),
                ("AWS_REGION", "us-east-1".to_owned()),
            ] {
                env.push((k.to_owned(), v));
            }
        }
        env
    }

    async fn spawn(&self, endpoint: Option<&str>) -> CatalogueApp {
        let env = self.env(endpoint);
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        spawn_catalogue(&env).await
    }

    /// Every object stored, by key under the store's prefix.
    async fn objects(&self, app: &CatalogueApp) -> Vec<String> {
        match self {
            Store::Local => {
                let mut keys = Vec::new();
                walk(&app.media, &app.media, &mut keys);
                keys.sort();
                keys
            }
            Store::S3 { endpoint, bucket } => {
                let listing = reqwest::get(format!("{endpoint}/{bucket}?list-type=2&prefix=shop/"))
                    .await
                    .unwrap()
                    .text()
                    .await
                    .unwrap();
                let mut keys: Vec<String> = listing
                    .split("<Key>")
                    .skip(1)
                    .filter_map(|part| part.split_once("</Key>"))
                    .map(|(key, _)| key.trim_start_matches("shop/").to_owned())
                    .collect();
                keys.sort();
                keys
            }
        }
    }
}

fn walk(root: &Path, dir: &Path, keys: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            walk(root, &path, keys);
        } else {
            keys.push(
                path.strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned(),
            );
        }
    }
}

fn png(width: u32, height: u32) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    ImageBuffer::from_fn(width, height, |x, y| {
        Rgb([(x % 251) as u8, (y % 241) as u8, 120])
    })
    .write_to(&mut out, ImageFormat::Png)
    .unwrap();
    out.into_inner()
}

/// A PNG with transparency (stored as WebP, which keeps it).
fn png_with_alpha(width: u32, height: u32) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    ImageBuffer::from_pixel(width, height, Rgba([200u8, 40, 40, 100]))
        .write_to(&mut out, ImageFormat::Png)
        .unwrap();
    out.into_inner()
}

fn jpeg(width: u32, height: u32) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    ImageBuffer::from_fn(width, height, |x, y| {
        Rgb([(x % 256) as u8, 90, (y % 256) as u8])
    })
    .write_to(&mut out, ImageFormat::Jpeg)
    .unwrap();
    out.into_inner()
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &byte in bytes {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

fn chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut out = (data.len() as u32).to_be_bytes().to_vec();
    let mut body = kind.to_vec();
    body.extend_from_slice(data);
    out.extend_from_slice(&body);
    out.extend_from_slice(&crc32(&body).to_be_bytes());
    out
}

/// A well-formed PNG that declares `size` x `size` pixels in a few bytes.
fn png_declaring(size: u32) -> Vec<u8> {
    let mut ihdr = size.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&size.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    out.extend(chunk(b"IHDR", &ihdr));
    // A zlib stream of nothing much.
    out.extend(chunk(
        b"IDAT",
        &[0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01],
    ));
    out.extend(chunk(b"IEND", &[]));
    out
}

async fn product(app: &CatalogueApp) -> Value {
    app.category("kitchen").await;
    app.product("PIC-1", "Pictured Mug", 1500, "kitchen", 5)
        .await
}

fn multipart(file: Vec<u8>, name: &str, mime: &str, alt: Option<&str>) -> reqwest::multipart::Form {
    let part = reqwest::multipart::Part::bytes(file)
        .file_name(name.to_owned())
        .mime_str(mime)
        .unwrap();
    let form = reqwest::multipart::Form::new().part("file", part);
    match alt {
        Some(alt) => form.text("alt", alt.to_owned()),
        None => form,
    }
}

async fn upload_form(
    app: &CatalogueApp,
    product: &str,
    token: &str,
    form: reqwest::multipart::Form,
) -> reqwest::Response {
    app.http
        .post(app.url(&format!("/api/products/{product}/images")))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .unwrap()
}

async fn upload_raw(
    app: &CatalogueApp,
    product: &str,
    body: Vec<u8>,
    mime: &str,
) -> reqwest::Response {
    app.http
        .post(app.url(&format!("/api/products/{product}/images?alt=side%20view")))
        .bearer_auth(app.admin())
        .header(header::CONTENT_TYPE, mime)
        .body(body)
        .send()
        .await
        .unwrap()
}

/// The absolute URL of a link the catalogue handed out.
fn absolute(app: &CatalogueApp, link: &str) -> String {
    if link.starts_with('/') {
        app.url(link)
    } else {
        link.to_owned()
    }
}

/// Fetches a picture link: its type and its dimensions.
async fn fetch(app: &CatalogueApp, link: &str) -> (String, (u32, u32)) {
    let response = reqwest::get(absolute(app, link)).await.unwrap();
    assert_eq!(response.status(), 200, "{link}");
    let mime = response.headers()[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .to_owned();
    let bytes = response.bytes().await.unwrap();
    let picture = image::load_from_memory(&bytes).unwrap();
    (mime, (picture.width(), picture.height()))
}

async fn images_of(app: &CatalogueApp, product: &str) -> Vec<Value> {
    let (_, body) = app.read(&format!("/api/products/{product}")).await;
    body["images"].as_array().unwrap().clone()
}

async fn upload_list_fetch_reorder_delete(store: Store) {
    let app = store.spawn(None).await;
    let product = product(&app).await;
    let id = product["id"].as_str().unwrap();
    assert_eq!(product["images"], json!([]));

    let response = upload_form(
        &app,
        id,
        &app.admin(),
        multipart(png(1600, 900), "front.png", "image/png", Some("The front")),
    )
    .await;
    assert_eq!(response.status(), 201);
    let location = response.headers()[header::LOCATION]
        .to_str()
        .unwrap()
        .to_owned();
    let first: Value = response.json().await.unwrap();
    assert_eq!(
        location,
        format!(
            "/api/products/{id}/images/{}",
            first["id"].as_str().unwrap()
        )
    );
    assert_eq!(
        (first["width"].as_i64(), first["height"].as_i64()),
        (Some(1024), Some(576))
    );
    assert_eq!(
        (first["alt"].as_str(), first["position"].as_i64()),
        (Some("The front"), Some(0))
    );

    let response = upload_raw(&app, id, jpeg(500, 400), "image/jpeg").await;
    assert_eq!(response.status(), 201);
    let second: Value = response.json().await.unwrap();
    assert_eq!(
        (second["width"].as_i64(), second["height"].as_i64()),
        (Some(500), Some(400))
    );
    assert_eq!(
        (second["alt"].as_str(), second["position"].as_i64()),
        (Some("side view"), Some(1))
    );

    // The product lists both, in order, with links that answer.
    let images = images_of(&app, id).await;
    assert_eq!(images.len(), 2);
    assert_eq!(images[0]["id"], first["id"]);
    assert_eq!(images[1]["id"], second["id"]);
    let (_, body) = app.read(&format!("/api/products/{id}")).await;
    assert_eq!(body["image_url"], images[0]["url"]);
    let list = app.read("/api/products").await.1;
    assert_eq!(list["items"][0]["images"].as_array().unwrap().len(), 2);
    for (image, large, thumb) in [
        (&images[0], (1024, 576), (320, 180)),
        (&images[1], (500, 400), (320, 256)),
    ] {
        let (mime, size) = fetch(&app, image["url"].as_str().unwrap()).await;
        assert_eq!((mime.as_str(), size), ("image/jpeg", large));
        let (mime, size) = fetch(&app, image["thumb_url"].as_str().unwrap()).await;
        assert_eq!((mime.as_str(), size), ("image/jpeg", thumb));
    }
    assert_eq!(store.objects(&app).await.len(), 4);

    // Reordered: the JPEG first.
    let second_id = second["id"].as_str().unwrap();
    let response = app
        .send(
            "PATCH",
            &format!("/api/products/{id}/images/{second_id}"),
            Some(&app.admin()),
            Some(json!({"position": 0, "alt": "Seen from the side"})),
        )
        .await;
    assert_eq!(response.status(), 200);
    let moved: Value = response.json().await.unwrap();
    assert_eq!(
        (moved["position"].as_i64(), moved["alt"].as_str()),
        (Some(0), Some("Seen from the side"))
    );
    let images = images_of(&app, id).await;
    let order: Vec<&Value> = images.iter().map(|i| &i["id"]).collect();
    assert_eq!(order, [&second["id"], &first["id"]]);
    assert_eq!(images[1]["position"], 1);

    // Deleted, twice: the objects are gone, the other picture closes up.
    let first_id = first["id"].as_str().unwrap();
    for _ in 0..2 {
        let response = app
            .send(
                "DELETE",
                &format!("/api/products/{id}/images/{first_id}"),
                Some(&app.admin()),
                None,
            )
            .await;
        assert_eq!(response.status(), 204);
    }
    let left = store.objects(&app).await;
    assert_eq!(left.len(), 2, "{left:?}");
    assert!(
        left.iter()
            .all(|key| key.contains(second_id) && !key.contains(first_id)),
        "{left:?}"
    );
    let images = images_of(&app, id).await;
    assert_eq!(images.len(), 1);
    assert_eq!(
        (&images[0]["id"], images[0]["position"].as_i64()),
        (&second["id"], Some(0))
    );
    let response = app
        .send(
            "GET",
            &format!("/api/products/{id}/images/{first_id}"),
            None,
            None,
        )
        .await;
    assert_eq!(response.status(), 404);
}

async fn bad_uploads_store_nothing(store: Store) {
    let app = store.spawn(None).await;
    let product = product(&app).await;
    let id = product["id"].as_str().unwrap();
    let before = store.objects(&app).await;
    let whole = jpeg(400, 300);
    let mut large = b"\x89PNG\r\n\x1a\n".to_vec();
    large.resize(8 << 20, 7);
    let cases: Vec<(&str, reqwest::multipart::Form, u16, &str)> = vec![
        (
            "text named .png",
            multipart(
                b"just some notes, not a picture".to_vec(),
                "photo.png",
                "image/png",
                None,
            ),
            415,
            "image_unsupported",
        ),
        (
            "truncated JPEG",
            multipart(
                whole[..whole.len() / 2].to_vec(),
                "cut.jpg",
                "image/jpeg",
                None,
            ),
            422,
            "image_invalid",
        ),
        (
            "8 MiB",
            multipart(large, "huge.png", "image/png", None),
            413,
            "body_too_large",
        ),
        (
            "30000x30000 PNG",
            multipart(png_declaring(30_000), "bomb.png", "image/png", None),
            422,
            "image_too_large",
        ),
        (
            "no file",
            reqwest::multipart::Form::new().text("alt", "nothing"),
            422,
            "validation_failed",
        ),
    ];
    for (name, form, status, code) in cases {
        let response = upload_form(&app, id, &app.admin(), form).await;
        assert_eq!(response.status(), status, "{name}");
        let problem: Value = response.json().await.unwrap();
        assert_eq!(problem["code"], code, "{name}: {problem}");
        assert!(
            problem["detail"].as_str().is_some_and(|d| !d.is_empty()),
            "{name}"
        );
    }
    let response = upload_raw(&app, id, png_declaring(30_000), "image/jpeg").await;
    assert_eq!(response.status(), 422);

    // Not an admin, or no such product.
    let response = upload_form(
        &app,
        id,
        &app.customer(),
        multipart(png(50, 50), "a.png", "image/png", None),
    )
    .await;
    assert_eq!(response.status(), 403);
    let response = app
        .http
        .post(app.url(&format!("/api/products/{id}/images")))
        .body(png(50, 50))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    let unknown = Uuid::now_v7();
    let response = upload_form(
        &app,
        &unknown.to_string(),
        &app.admin(),
        multipart(png(50, 50), "a.png", "image/png", None),
    )
    .await;
    assert_eq!(response.status(), 404);

    assert_eq!(store.objects(&app).await, before);
    assert_eq!(images_of(&app, id).await, Vec::<Value>::new());
}

#[tokio::test]
async fn pictures_are_stored_listed_served_reordered_and_deleted_in_a_folder() {
    upload_list_fetch_reorder_delete(Store::Local).await;
}

#[tokio::test]
async fn pictures_are_stored_listed_served_reordered_and_deleted_in_s3() {
    upload_list_fetch_reorder_delete(Store::s3().await).await;
}

#[tokio::test]
async fn bad_uploads_are_refused_and_store_nothing_in_a_folder() {
    bad_uploads_store_nothing(Store::Local).await;
}

#[tokio::test]
async fn bad_uploads_are_refused_and_store_nothing_in_s3() {
    bad_uploads_store_nothing(Store::s3().await).await;
}

#[tokio::test]
async fn s3_links_are_the_stores_own_presigned_urls() {
    let store = Store::s3().await;
    let app = store.spawn(None).await;
    let product = product(&app).await;
    let id = product["id"].as_str().unwrap();
    let response = upload_raw(&app, id, png_with_alpha(64, 64), "image/png").await;
    assert_eq!(response.status(), 201, "{}", response.text().await.unwrap());
    let image: Value = response.json().await.unwrap();
    let (mime, size) = fetch(&app, image["url"].as_str().unwrap()).await;
    assert_eq!((mime.as_str(), size), ("image/webp", (64, 64)));
    let url = url::Url::parse(image["url"].as_str().unwrap()).unwrap();
    assert!(url.as_str().starts_with(&s3_endpoint()), "{url}");
    let query: std::collections::HashMap<_, _> = url.query_pairs().into_owned().collect();
    assert_eq!(query["X-Amz-Algorithm"], "AWS4-HMAC-SHA256");
    assert_eq!(query["X-Amz-Expires"], "86400");
    assert!(query.contains_key("X-Amz-Signature"));
}

#[tokio::test]
async fn a_changed_or_expired_local_link_is_forbidden_and_a_valid_one_is_served_as_asked() {
    let app = Store::Local.spawn(None).await;
    let product = product(&app).await;
    let id = product["id"].as_str().unwrap();
    let image: Value = upload_raw(&app, id, jpeg(300, 200), "image/jpeg")
        .await
        .json()
        .await
        .unwrap();
    let link = image["url"].as_str().unwrap();
    let (path, query) = link.split_once('?').unwrap();
    let key = path.strip_prefix("/media/").unwrap();
    let get = |url: String| {
        let http = app.http.clone();
        async move { http.get(url).send().await.unwrap() }
    };

    let response = get(app.url(link)).await;
    assert_eq!(response.status(), 200);
    let etag = response.headers()[header::ETAG]
        .to_str()
        .unwrap()
        .to_owned();
    let cache_control = response.headers()[header::CACHE_CONTROL]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        cache_control.starts_with("public, max-age="),
        "{cache_control}"
    );
    let whole = response.bytes().await.unwrap();

    // One character changed anywhere that is signed: 403.
    let sig_at = link.find("sig=").unwrap() + 6;
    let mut changed = link.as_bytes().to_vec();
    changed[sig_at] = if changed[sig_at] == b'A' { b'B' } else { b'A' };
    let expires_at = link.find("expires=").unwrap() + 9;
    let mut later = link.as_bytes().to_vec();
    later[expires_at] = if later[expires_at] == b'9' {
        b'8'
    } else {
        b'9'
    };
    let mut lettered = link.as_bytes().to_vec();
    lettered[expires_at] = b'x';
    let thumb_key = key.replace("large", "thumb");
    for bad in [
        String::from_utf8(changed).unwrap(),
        String::from_utf8(later).unwrap(),
        String::from_utf8(lettered).unwrap(),
        link.replace("expires=", "expiry="),
        format!("/media/{thumb_key}?{query}"),
        format!("/media/{key}"),
    ] {
        let response = get(app.url(&bad)).await;
        assert_eq!(response.status(), 403, "{bad}");
        let problem: Value = response.json().await.unwrap();
        assert_eq!(problem["code"], "link_invalid", "{bad}");
    }

    // Signed properly, but past its expiry.
    let signer = LinkSigner::new(SECRET, Duration::from_secs(86_400));
    let past = chrono::Utc::now().timestamp() - 10;
    let expired = format!(
        "/media/{key}?expires={past}&sig={}",
        signer.signature(key, past)
    );
    let response = get(app.url(&expired)).await;
    assert_eq!(response.status(), 403);
    let problem: Value = response.json().await.unwrap();
    assert_eq!(problem["code"], "link_expired");
    // The same signer, a future expiry: served (the test signs as the catalogue does).
    let future = chrono::Utc::now().timestamp() + 60;
    let fresh = format!(
        "/media/{key}?expires={future}&sig={}",
        signer.signature(key, future)
    );
    assert_eq!(get(app.url(&fresh)).await.status(), 200);

    // Ranges and revalidation.
    let response = app
        .http
        .get(app.url(link))
        .header(header::RANGE, "bytes=0-9")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 206);
    assert_eq!(
        response.headers()[header::CONTENT_RANGE].to_str().unwrap(),
        format!("bytes 0-9/{}", whole.len())
    );
    assert_eq!(response.bytes().await.unwrap(), whole.slice(0..10));
    let response = app
        .http
        .get(app.url(link))
        .header(header::RANGE, "bytes=-5")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 206);
    assert_eq!(
        response.bytes().await.unwrap(),
        whole.slice(whole.len() - 5..)
    );
    let response = app
        .http
        .get(app.url(link))
        .header(header::RANGE, format!("bytes={}-", whole.len() + 10))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 416);
    let response = app
        .http
        .get(app.url(link))
        .header(header::IF_NONE_MATCH, &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 304);
    assert_eq!(response.headers()[header::ETAG].to_str().unwrap(), etag);

    // Keys the catalogue never made are not served, signed or not.
    let other = format!("products/{id}/{}/large.jpg", Uuid::now_v7());
    let forged = format!(
        "/media/{other}?expires={future}&sig={}",
        signer.signature(&other, future)
    );
    assert_eq!(get(app.url(&forged)).await.status(), 404);
    let traversal = format!("/media/products/{id}/../../etc/passwd?expires={future}&sig=x");
    assert!(get(app.url(&traversal)).await.status().is_client_error());
}

#[tokio::test]
async fn a_store_outage_fails_uploads_with_503_and_leaves_product_reads_whole() {
    let store = Store::s3().await;
    let Store::S3 { endpoint, .. } = &store else {
        unreachable!()
    };
    let upstream = url::Url::parse(endpoint).unwrap();
    let proxy = TcpProxy::to(&format!(
        "{}:{}",
        upstream.host_str().unwrap(),
        upstream.port().unwrap()
    ))
    .await;
    let through = format!("http://127.0.0.1:{}", proxy.port());
    let app = store.spawn(Some(&through)).await;
    let product = product(&app).await;
    let id = product["id"].as_str().unwrap();
    assert_eq!(
        upload_raw(&app, id, png(64, 48), "image/png")
            .await
            .status(),
        201
    );

    proxy.cut();
    let started = std::time::Instant::now();
    let response = upload_raw(&app, id, png(64, 48), "image/png").await;
    assert_eq!(response.status(), 503);
    assert!(response.headers().contains_key(header::RETRY_AFTER));
    let problem: Value = response.json().await.unwrap();
    assert_eq!(problem["code"], "storage_unavailable");
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "{:?}",
        started.elapsed()
    );
    let image = images_of(&app, id).await[0]["id"].clone();
    let response = app
        .send(
            "DELETE",
            &format!("/api/products/{id}/images/{}", image.as_str().unwrap()),
            Some(&app.admin()),
            None,
        )
        .await;
    assert_eq!(response.status(), 503);

    // Reads never touch the store: the product still shows its one picture.
    let fresh = app
        .http
        .get(app.url(&format!("/api/products/{id}")))
        .header(header::CACHE_CONTROL, "no-cache")
        .send()
        .await
        .unwrap();
    assert_eq!(fresh.status(), 200);
    let body: Value = fresh.json().await.unwrap();
    assert_eq!(body["images"].as_array().unwrap().len(), 1);
    assert!(body["images"][0]["url"].is_string());
    assert_eq!(
        app.read("/api/products").await.1["items"][0]["images"][0]["id"],
        image
    );

    proxy.restore();
    assert_eq!(
        upload_raw(&app, id, png(64, 48), "image/png")
            .await
            .status(),
        201
    );
    assert_eq!(images_of(&app, id).await.len(), 2);
}

#[tokio::test]
async fn concurrent_uploads_to_one_product_get_distinct_positions() {
    let app = Store::Local.spawn(None).await;
    let product = product(&app).await;
    let id = product["id"].as_str().unwrap().to_owned();
    let uploads = (0..6).map(|i| {
        let (app, id) = (&app, id.clone());
        async move {
            upload_raw(app, &id, png(40 + i, 30), "image/png")
                .await
                .status()
        }
    });
    let statuses = futures_util::future::join_all(uploads).await;
    assert!(statuses.iter().all(|s| *s == 201), "{statuses:?}");
    let positions: Vec<i64> = images_of(&app, &id)
        .await
        .iter()
        .map(|i| i["position"].as_i64().unwrap())
        .collect();
    assert_eq!(positions, [0, 1, 2, 3, 4, 5]);
}
