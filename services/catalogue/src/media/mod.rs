//! Where product pictures are kept, and the links handed out to them.
//!
//! One [`object_store`] behind `MEDIA_STORE_URL`: `file:///...` (a folder;
//! the default), `s3://bucket/prefix` (AWS S3 or anything speaking its API;
//! credentials, region and `AWS_ENDPOINT` from the usual `AWS_*` variables),
//! `az://container/prefix` (Azure Blob, `AZURE_*`) or `gs://bucket/prefix`
//! (GCS, `GOOGLE_*`). Objects are named `products/{product}/{image}/{variant}.{ext}`
//! under the URL's prefix; an image's objects never change (a new picture is a
//! new image), so their links can be cached for as long as they last.
//!
//! Links: a cloud store's own presigned URL (S3 SigV4, Azure SAS, GCS V4
//! signature, made by its [`Signer`] without a round trip); for the local
//! store, a catalogue route signed here ([`link`]). Both last
//! `MEDIA_URL_TTL_SECS`, which the settings keep well above the product
//! cache's TTL, so no cached product carries an expired link.

use std::{sync::Arc, time::Duration};

use bytes::Bytes;
use object_store::{
    Attribute, Attributes, BackoffConfig, ClientOptions, GetOptions, GetRange, GetResult,
    ObjectStore, ObjectStoreExt as _, ObjectStoreScheme, PutOptions, RetryConfig,
    aws::AmazonS3Builder, azure::MicrosoftAzureBuilder, gcp::GoogleCloudStorageBuilder,
    local::LocalFileSystem, path::Path, signer::Signer,
};
use shop_kit::config::{ConfigError, Env};
use url::Url;
use uuid::Uuid;

use crate::domain::image::StoredFormat;

pub mod link;

use link::LinkSigner;

/// The two variants of every image, as their objects are named.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VariantName {
    Large,
    Thumb,
}

impl VariantName {
    fn as_str(self) -> &'static str {
        match self {
            Self::Large => "large",
            Self::Thumb => "thumb",
        }
    }
}

/// The key (relative to the store's prefix) of one variant of an image.
pub fn object_key(
    product: Uuid,
    image: Uuid,
    variant: VariantName,
    format: StoredFormat,
) -> String {
    format!(
        "products/{product}/{image}/{}.{}",
        variant.as_str(),
        format.extension()
    )
}

/// The format of a key this module made, or `None` for anything else: the
/// local route serves nothing but such keys.
pub fn parse_key(key: &str) -> Option<StoredFormat> {
    let mut parts = key.split('/');
    let (Some("products"), Some(product), Some(image), Some(file), None) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return None;
    };
    let canonical = |id: &str| Uuid::parse_str(id).is_ok_and(|u| u.hyphenated().to_string() == id);
    let (variant, extension) = file.split_once('.')?;
    (canonical(product) && canonical(image) && matches!(variant, "large" | "thumb"))
        .then(|| StoredFormat::from_extension(extension))
        .flatten()
}

/// The store and how links to it are made.
pub struct Media {
    store: Arc<dyn ObjectStore>,
    /// The cloud store's signer; `None` for the local store.
    signer: Option<Arc<dyn Signer>>,
    /// Signs links to the local store's route.
    links: LinkSigner,
    prefix: Path,
    ttl: Duration,
    local: bool,
}

impl std::fmt::Debug for Media {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Media")
            .field("store", &self.store.to_string())
            .field("prefix", &self.prefix)
            .finish_non_exhaustive()
    }
}

/// How long one call to a cloud store may take, and how often it is retried:
/// an outage is a quick 503 to the uploader, not minutes of waiting.
fn client_options() -> (ClientOptions, RetryConfig) {
    let options = ClientOptions::new()
        .with_connect_timeout(Duration::from_secs(3))
        .with_timeout(Duration::from_secs(30));
    let retry = RetryConfig {
        backoff: BackoffConfig {
            init_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(1),
            base: 2.0,
        },
        max_retries: 2,
        retry_timeout: Duration::from_secs(10),
    };
    (options, retry)
}

/// `builder` given every `prefix*` variable it knows (as its own `from_env`
/// would read them from the process); one it does not know stops the start.
fn configured<B, K>(
    env: &Env,
    prefix: &str,
    builder: B,
    with: fn(B, K, String) -> B,
) -> Result<B, ConfigError>
where
    K: std::str::FromStr,
{
    env.prefixed(prefix)
        .into_iter()
        .try_fold(builder, |builder, (name, value)| {
            match name.to_ascii_lowercase().parse::<K>() {
                Ok(key) => Ok(with(builder, key, value.to_owned())),
                // Other tools share these prefixes (AWS_PROFILE, GOOGLE_CLOUD_PROJECT...).
                Err(_) => Ok(builder),
            }
        })
}

impl Media {
    /// The store `url` names (`MEDIA_STORE_URL`), configured by the
    /// provider's variables in `env` (`AWS_*`, `AZURE_*`, `GOOGLE_*`), links
    /// lasting `ttl` and local ones signed with `secret`.
    pub fn open(url: &Url, env: &Env, secret: &str, ttl: Duration) -> Result<Self, ConfigError> {
        const VAR: &str = "MEDIA_STORE_URL";
        let bad = |e: &dyn std::fmt::Display| ConfigError::new(VAR, e.to_string());
        let (scheme, prefix) = ObjectStoreScheme::parse(url).map_err(|e| bad(&e))?;
        let (options, retry) = client_options();
        let (store, signer, prefix): (Arc<dyn ObjectStore>, Option<Arc<dyn Signer>>, Path) =
            match scheme {
                ObjectStoreScheme::Local => {
                    let folder = url
                        .to_file_path()
                        .map_err(|()| bad(&"not a local folder"))?;
                    std::fs::create_dir_all(&folder)
                        .map_err(|e| bad(&format!("cannot create {}: {e}", folder.display())))?;
                    let store = LocalFileSystem::new_with_prefix(&folder)
                        .map_err(|e| bad(&e))?
                        .with_automatic_cleanup(true);
                    (Arc::new(store), None, Path::default())
                }
                ObjectStoreScheme::AmazonS3 => {
                    let store = Arc::new(
                        // The store's variables win over these defaults.
                        configured(
                            env,
                            "AWS_",
                            AmazonS3Builder::new()
                                .with_client_options(options)
                                .with_retry(retry),
                            AmazonS3Builder::with_config,
                        )?
                        .with_url(url.as_str())
                        .build()
                        .map_err(|e| bad(&e))?,
                    );
                    (store.clone(), Some(store), prefix)
                }
                ObjectStoreScheme::MicrosoftAzure => {
                    let store = Arc::new(
                        // The store's variables win over these defaults.
                        configured(
                            env,
                            "AZURE_",
                            MicrosoftAzureBuilder::new()
                                .with_client_options(options)
                                .with_retry(retry),
                            MicrosoftAzureBuilder::with_config,
                        )?
                        .with_url(url.as_str())
                        .build()
                        .map_err(|e| bad(&e))?,
                    );
                    (store.clone(), Some(store), prefix)
                }
                ObjectStoreScheme::GoogleCloudStorage => {
                    let store = Arc::new(
                        // The store's variables win over these defaults.
                        configured(
                            env,
                            "GOOGLE_",
                            GoogleCloudStorageBuilder::new()
                                .with_client_options(options)
                                .with_retry(retry),
                            GoogleCloudStorageBuilder::with_config,
                        )?
                        .with_url(url.as_str())
                        .build()
                        .map_err(|e| bad(&e))?,
                    );
                    (store.clone(), Some(store), prefix)
                }
                _ => {
                    return Err(bad(&"must be a file://, s3://, az:// or gs:// URL"));
                }
            };
        Ok(Self {
            local: signer.is_none(),
            store,
            signer,
            links: LinkSigner::new(secret, ttl),
            prefix,
            ttl,
        })
    }

    /// Whether objects are served by the catalogue's own route.
    pub fn is_local(&self) -> bool {
        self.local
    }

    /// The local links' signer (the route checks with it).
    pub fn links(&self) -> &LinkSigner {
        &self.links
    }

    fn path(&self, key: &str) -> Path {
        self.prefix.parts().chain(Path::from(key).parts()).collect()
    }

    /// Stores `bytes` under `key`.
    pub async fn put(
        &self,
        key: &str,
        bytes: Vec<u8>,
        format: StoredFormat,
    ) -> Result<(), object_store::Error> {
        let mut options = PutOptions::default();
        // The local store keeps no attributes; its route types by the name.
        if !self.local {
            options.attributes = Attributes::from_iter([
                (Attribute::ContentType, format.content_type()),
                (
                    Attribute::CacheControl,
                    "public, max-age=31536000, immutable",
                ),
            ]);
        }
        self.store
            .put_opts(&self.path(key), Bytes::from(bytes).into(), options)
            .await
            .map(drop)
    }

    /// Removes `key`; one that is already gone is no error.
    pub async fn delete(&self, key: &str) -> Result<(), object_store::Error> {
        match self.store.delete(&self.path(key)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// `key`'s bytes (those in `range`, when given) and size.
    pub async fn get(
        &self,
        key: &str,
        range: Option<std::ops::Range<u64>>,
    ) -> Result<GetResult, object_store::Error> {
        let options = GetOptions {
            range: range.map(GetRange::Bounded),
            ..GetOptions::default()
        };
        self.store.get_opts(&self.path(key), options).await
    }

    /// The size of `key`'s object.
    pub async fn size(&self, key: &str) -> Result<u64, object_store::Error> {
        Ok(self.store.head(&self.path(key)).await?.size)
    }

    /// A link to `key` that lasts, signed now; `None` (and a log line) when the
    /// cloud store cannot sign (its credentials cannot be had).
    pub async fn url(&self, key: &str) -> Option<String> {
        let Some(signer) = &self.signer else {
            return Some(self.links.link(key, chrono::Utc::now().timestamp()));
        };
        match signer
            .signed_url(object_store::signer::Method::GET, &self.path(key), self.ttl)
            .await
        {
            Ok(url) => Some(url.to_string()),
            Err(error) => {
                tracing::warn!(%error, key, "cannot sign a link to a product image; it is shown without one");
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_keys_made_here_are_recognised() {
        let (p, i) = (Uuid::now_v7(), Uuid::now_v7());
        let key = object_key(p, i, VariantName::Thumb, StoredFormat::WebP);
        assert_eq!(parse_key(&key), Some(StoredFormat::WebP));
        for bad in [
            format!("products/{p}/{i}/other.jpg"),
            format!("products/{p}/{i}/large.png"),
            format!("products/{p}/{i}/large.jpg/x"),
            format!("products/{}/{i}/large.jpg", p.simple()),
            format!("other/{p}/{i}/large.jpg"),
            format!("products/{p}/../large.jpg"),
            "products".to_owned(),
            String::new(),
        ] {
            assert_eq!(parse_key(&bad), None, "{bad}");
        }
    }

    #[test]
    fn bad_store_urls_name_the_variable() {
        for url in ["ftp://host/x", "http://example.com/x", "memory:///"] {
            let error = Media::open(
                &Url::parse(url).unwrap(),
                &Env::default(),
                "secret-secret-secret",
                Duration::from_secs(60),
            )
            .unwrap_err();
            assert!(
                error.to_string().contains("MEDIA_STORE_URL"),
                "{url}: {error}"
            );
        }
    }
}
