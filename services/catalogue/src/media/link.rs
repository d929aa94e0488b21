//! Signed, expiring links to objects in the local store, answered by the
//! catalogue's `/media/...` route (cloud stores sign their own):
//! `/media/{key}?expires={unix seconds}&sig={HMAC-SHA256 of key and expiry,
//! base64url}` under `MEDIA_URL_SECRET`.
//!
//! Expiries fall on a grid of half the lifetime, so a link signed now is
//! valid for between half and all of `MEDIA_URL_TTL_SECS`, and every render
//! within one half gives the same link (and the same product `ETag`).

use std::time::Duration;

use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD};
use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// Why a link is refused (both are a 403).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum LinkError {
    #[error("the link's signature does not match")]
    Tampered,
    #[error("the link has expired")]
    Expired,
}

/// Signs and checks links.
#[derive(Clone)]
pub struct LinkSigner {
    secret: Vec<u8>,
    ttl_secs: i64,
}

impl std::fmt::Debug for LinkSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LinkSigner")
            .field("ttl_secs", &self.ttl_secs)
            .finish_non_exhaustive()
    }
}

impl LinkSigner {
    pub fn new(secret: &str, ttl: Duration) -> Self {
        Self {
            secret: secret.as_bytes().to_vec(),
            ttl_secs: i64::try_from(ttl.as_secs()).unwrap_or(i64::MAX).max(2),
        }
    }

    fn mac(&self, key: &str, expires: i64) -> HmacSha256 {
        // HMAC takes a key of any length.
        let mut mac = HmacSha256::new_from_slice(&self.secret)
            .unwrap_or_else(|_| unreachable!("HMAC accepts every key length"));
        mac.update(key.as_bytes());
        mac.update(b"\n");
        mac.update(expires.to_string().as_bytes());
        mac
    }

    /// When a link signed at `now` (unix seconds) expires.
    pub fn expiry(&self, now: i64) -> i64 {
        let step = self.ttl_secs / 2;
        (now / step + 2) * step
    }

    /// The signature of `key` until `expires`.
    pub fn signature(&self, key: &str, expires: i64) -> String {
        URL_SAFE_NO_PAD.encode(self.mac(key, expires).finalize().into_bytes())
    }

    /// The link to `key`, signed at `now`.
    pub fn link(&self, key: &str, now: i64) -> String {
        let expires = self.expiry(now);
        format!(
            "/media/{key}?expires={expires}&sig={}",
            self.signature(key, expires)
        )
    }

    /// Whether `sig` signs `key` until `expires`, and that is not past `now`.
    pub fn verify(&self, key: &str, expires: i64, sig: &str, now: i64) -> Result<(), LinkError> {
        let sig = URL_SAFE_NO_PAD
            .decode(sig)
            .map_err(|_| LinkError::Tampered)?;
        self.mac(key, expires)
            .verify_slice(&sig)
            .map_err(|_| LinkError::Tampered)?;
        if expires < now {
            return Err(LinkError::Expired);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "products/a/b/large.jpg";

    fn signer() -> LinkSigner {
        LinkSigner::new("a-secret-of-some-length", Duration::from_secs(3600))
    }

    fn parts(link: &str) -> (i64, String) {
        let query = link.split_once('?').unwrap().1;
        let (expires, sig) = query.split_once('&').unwrap();
        (
            expires.strip_prefix("expires=").unwrap().parse().unwrap(),
            sig.strip_prefix("sig=").unwrap().to_owned(),
        )
    }

    #[test]
    fn a_link_lasts_between_half_and_all_of_its_lifetime_and_is_stable_meanwhile() {
        let signer = signer();
        for now in [1_000_000, 1_000_001, 1_001_799, 1_001_800, 1_003_599] {
            let lasts = signer.expiry(now) - now;
            assert!((1800..=3600).contains(&lasts), "{now}: {lasts}");
        }
        assert_eq!(signer.link(KEY, 1_800_000), signer.link(KEY, 1_801_799));
    }

    #[test]
    fn a_valid_link_passes_until_it_expires() {
        let signer = signer();
        let (expires, sig) = parts(&signer.link(KEY, 1_000_000));
        assert_eq!(signer.verify(KEY, expires, &sig, 1_000_000), Ok(()));
        assert_eq!(signer.verify(KEY, expires, &sig, expires), Ok(()));
        assert_eq!(
            signer.verify(KEY, expires, &sig, expires + 1),
            Err(LinkError::Expired)
        );
    }

    #[test]
    fn any_change_is_tampering() {
        let signer = signer();
        let (expires, sig) = parts(&signer.link(KEY, 1_000_000));
        let mut changed = sig.clone().into_bytes();
        changed[3] = if changed[3] == b'A' { b'B' } else { b'A' };
        let changed = String::from_utf8(changed).unwrap();
        for (key, expires, sig) in [
            (KEY, expires, changed.as_str()),
            (KEY, expires + 1, sig.as_str()),
            ("products/a/b/thumb.jpg", expires, sig.as_str()),
            (KEY, expires, "not base64!"),
            (KEY, expires, ""),
        ] {
            assert_eq!(
                signer.verify(key, expires, sig, 1_000_000),
                Err(LinkError::Tampered),
                "{key} {expires} {sig}"
            );
        }
        let other = LinkSigner::new("another-secret-entirely", Duration::from_secs(3600));
        assert_eq!(
            other.verify(KEY, expires, &sig, 1_000_000),
            Err(LinkError::Tampered)
        );
    }
}
