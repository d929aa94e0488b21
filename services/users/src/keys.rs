//! The keys behind access tokens: the Ed25519 signing key and the public
//! keys of earlier ones, read from the environment or from files, and the
//! signing key generated once into a file that restarts and replicas share.
//!
//! Every failure here is a [`ConfigError`] naming the variable at fault:
//! a service that cannot load its key must not start and sign with another.

use std::{
    fs,
    io::{self, Write as _},
    os::unix::fs::OpenOptionsExt as _,
    path::Path,
};

use ed25519_dalek::{
    SigningKey, VerifyingKey,
    pkcs8::{DecodePrivateKey as _, DecodePublicKey as _, EncodePrivateKey as _},
};
use shop_kit::config::ConfigError;

use crate::config::{
    GENERATE_KEY, PREVIOUS_KEYS, PREVIOUS_KEYS_FILE, PRIVATE_KEY, PRIVATE_KEY_FILE, PreviousKeys,
    SigningKeySource, TokenSettings,
};

/// The key that signs, and the keys that still verify.
pub struct KeyRing {
    pub signing: SigningKey,
    /// Earlier keys' public halves, without the signing key's own.
    pub previous: Vec<VerifyingKey>,
}

/// Reads (or generates) every configured key. Blocking file I/O: async
/// callers run it on the blocking pool.
pub fn load(settings: &TokenSettings) -> Result<KeyRing, ConfigError> {
    let signing = match &settings.signing_key {
        SigningKeySource::Pem(pem) => parse_private(pem, PRIVATE_KEY, "the value")?,
        SigningKeySource::File { path, generate } => {
            let pem = if *generate {
                read_or_generate(path)?
            } else {
                read(path, PRIVATE_KEY_FILE)?
            };
            parse_private(&pem, PRIVATE_KEY_FILE, &path.display().to_string())?
        }
        SigningKeySource::Ephemeral => {
            tracing::warn!(
                "no {PRIVATE_KEY} or {PRIVATE_KEY_FILE}: generated a signing key for this process; \
                 tokens will not survive a restart and replicas will not accept each other's"
            );
            SigningKey::from_bytes(&rand::random::<[u8; 32]>())
        }
    };
    let mut previous = match &settings.previous_keys {
        PreviousKeys::None => Vec::new(),
        PreviousKeys::Pem(text) => parse_public_keys(text, PREVIOUS_KEYS)?,
        PreviousKeys::File(path) => {
            parse_public_keys(&read(path, PREVIOUS_KEYS_FILE)?, PREVIOUS_KEYS_FILE)?
        }
    };
    // Listing the signing key again (a rotation not finished yet) is harmless:
    // it is published once.
    let mut published = vec![signing.verifying_key()];
    previous.retain(|key| {
        let new = !published.contains(key);
        published.push(*key);
        new
    });
    Ok(KeyRing { signing, previous })
}

fn read(path: &Path, var: &str) -> Result<String, ConfigError> {
    fs::read_to_string(path)
        .map_err(|e| ConfigError::new(var, format!("cannot read {}: {e}", path.display())))
}

fn parse_private(pem: &str, var: &str, what: &str) -> Result<SigningKey, ConfigError> {
    SigningKey::from_pkcs8_pem(pem.trim()).map_err(|e| {
        ConfigError::new(
            var,
            format!("{what} is not an Ed25519 private key in PKCS#8 PEM (`openssl genpkey -algorithm ed25519`): {e}"),
        )
    })
}

/// The PEM in `path`; when there is no such file, a new key written there
/// first, atomically and without ever replacing a file that appeared
/// meanwhile: written to a private temporary file in the same directory,
/// then hard-linked to `path`, which fails if `path` exists. Of several
/// replicas starting together exactly one link succeeds, and every other
/// one reads the winner's complete file, so they all sign with one key.
pub fn read_or_generate(path: &Path) -> Result<String, ConfigError> {
    let error = |what: String| ConfigError::new(PRIVATE_KEY_FILE, what);
    match fs::read_to_string(path) {
        Ok(pem) => return Ok(pem),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(error(format!("cannot read {}: {e}", path.display()))),
    }
    let key = SigningKey::from_bytes(&rand::random::<[u8; 32]>());
    let pem = key
        .to_pkcs8_pem(ed25519_dalek::pkcs8::spki::der::pem::LineEnding::LF)
        .map_err(|e| error(format!("cannot encode a new key: {e}")))?;
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .ok_or_else(|| error(format!("{} names no file", path.display())))?;
    let temporary = dir.join(format!(
        ".{}.{}-{:016x}.tmp",
        name.to_string_lossy(),
        std::process::id(),
        rand::random::<u64>()
    ));
    let written = write_private(&temporary, pem.as_bytes());
    let linked = written.and_then(|()| fs::hard_link(&temporary, path));
    let _ = fs::remove_file(&temporary);
    match linked {
        Ok(()) => {
            // The new name must survive a crash as well as the content did.
            if let Ok(dir) = fs::File::open(dir) {
                let _ = dir.sync_all();
            }
            tracing::info!(path = %path.display(), "generated a new signing key ({GENERATE_KEY})");
            Ok(String::clone(&pem))
        }
        // Another replica got there first: its key is the one.
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => read(path, PRIVATE_KEY_FILE),
        Err(e) => Err(error(format!(
            "cannot create {} ({GENERATE_KEY}=true): {e}",
            path.display()
        ))),
    }
}

/// A new file only the owner may read (0600 whatever the umask allows more),
/// with `content` on disk before it returns.
fn write_private(path: &Path, content: &[u8]) -> io::Result<()> {
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(content)?;
    file.sync_all()
}

/// Every key in `text`: one or more PEM blocks, each a public key (SPKI,
/// `BEGIN PUBLIC KEY`) or a private key (PKCS#8, `BEGIN PRIVATE KEY`) of
/// which only the public half is kept.
pub fn parse_public_keys(text: &str, var: &str) -> Result<Vec<VerifyingKey>, ConfigError> {
    let blocks = pem_blocks(text).map_err(|reason| ConfigError::new(var, reason))?;
    if blocks.is_empty() {
        return Err(ConfigError::new(
            var,
            "holds no PEM block (expected one or more `-----BEGIN PUBLIC KEY-----`)",
        ));
    }
    blocks
        .into_iter()
        .enumerate()
        .map(|(n, (label, block))| {
            let n = n + 1;
            match label {
                "PUBLIC KEY" => VerifyingKey::from_public_key_pem(block).map_err(|e| {
                    ConfigError::new(var, format!("key {n} is not an Ed25519 public key: {e}"))
                }),
                "PRIVATE KEY" => SigningKey::from_pkcs8_pem(block)
                    .map(|key| key.verifying_key())
                    .map_err(|e| {
                        ConfigError::new(var, format!("key {n} is not an Ed25519 private key: {e}"))
                    }),
                other => Err(ConfigError::new(
                    var,
                    format!("key {n} is a {other:?} block; expected PUBLIC KEY or PRIVATE KEY"),
                )),
            }
        })
        .collect()
}

/// The `(label, whole block)` of every `-----BEGIN <label>-----` ...
/// `-----END <label>-----` in `text`; anything between blocks is ignored.
fn pem_blocks(text: &str) -> Result<Vec<(&str, &str)>, String> {
    const BEGIN: &str = "-----BEGIN ";
    let mut blocks = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(BEGIN) {
        let block = &rest[start..];
        let label_len = block[BEGIN.len()..]
            .find("-----")
            .ok_or("a BEGIN line is not closed by -----")?;
        let label = &block[BEGIN.len()..BEGIN.len() + label_len];
        let end_line = format!("-----END {label}-----");
        let end = block
            .find(&end_line)
            .ok_or_else(|| format!("a {label} block has no {end_line} line"))?
            + end_line.len();
        blocks.push((label, &block[..end]));
        rest = &block[end..];
    }
    Ok(blocks)
}

#[cfg(test)]
mod tests {
    use std::{
        os::unix::fs::PermissionsExt as _,
        path::PathBuf,
        sync::{Arc, Barrier},
    };

    use ed25519_dalek::pkcs8::{EncodePublicKey as _, spki::der::pem::LineEnding};

    use super::*;

    struct Scratch(PathBuf);

    impl Scratch {
        fn new() -> Self {
            let dir = std::env::temp_dir().join(format!("users-keys-{}", uuid::Uuid::now_v7()));
            fs::create_dir_all(&dir).unwrap();
            Self(dir)
        }
    }

    impl Drop for Scratch {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.0);
        }
    }

    fn settings(signing_key: SigningKeySource, previous_keys: PreviousKeys) -> TokenSettings {
        TokenSettings {
            signing_key,
            previous_keys,
            ttl: std::time::Duration::from_secs(900),
        }
    }

    fn public_pem(key: &SigningKey) -> String {
        key.verifying_key()
            .to_public_key_pem(LineEnding::LF)
            .unwrap()
    }

    fn private_pem(key: &SigningKey) -> String {
        key.to_pkcs8_pem(LineEnding::LF).unwrap().to_string()
    }

    #[test]
    fn a_generated_key_file_is_private_and_reused() {
        let scratch = Scratch::new();
        let path = scratch.0.join("jwt.pem");
        let source = SigningKeySource::File {
            path: path.clone(),
            generate: true,
        };

        let first = load(&settings(source.clone(), PreviousKeys::None)).unwrap();
        let again = load(&settings(source, PreviousKeys::None)).unwrap();

        assert_eq!(first.signing.to_bytes(), again.signing.to_bytes());
        let mode = fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "{mode:o}");
        assert_eq!(
            fs::read_dir(&scratch.0).unwrap().count(),
            1,
            "no temporary file left behind"
        );
    }

    #[test]
    fn replicas_generating_at_the_same_moment_end_with_one_key() {
        let scratch = Scratch::new();
        let path = Arc::new(scratch.0.join("jwt.pem"));
        let start = Arc::new(Barrier::new(8));
        let racers: Vec<_> = (0..8)
            .map(|_| {
                let (path, start) = (Arc::clone(&path), Arc::clone(&start));
                std::thread::spawn(move || {
                    start.wait();
                    read_or_generate(&path).unwrap()
                })
            })
            .collect();
        let pems: Vec<String> = racers.into_iter().map(|r| r.join().unwrap()).collect();

        assert!(pems.iter().all(|pem| *pem == pems[0]), "{pems:#?}");
        assert_eq!(fs::read_to_string(&*path).unwrap(), pems[0]);
        assert_eq!(fs::read_dir(&scratch.0).unwrap().count(), 1);
    }

    #[test]
    fn a_missing_file_without_generate_and_a_missing_directory_name_the_variable() {
        let scratch = Scratch::new();
        for generate in [false, true] {
            let source = SigningKeySource::File {
                path: scratch.0.join("no-such-dir/jwt.pem"),
                generate,
            };
            let error = load(&settings(source, PreviousKeys::None)).err().unwrap();
            assert_eq!(error.var, PRIVATE_KEY_FILE, "generate={generate}");
        }
    }

    #[test]
    fn a_file_that_is_not_a_key_names_the_variable_and_the_file() {
        let scratch = Scratch::new();
        let path = scratch.0.join("jwt.pem");
        fs::write(&path, "not a key").unwrap();
        for generate in [false, true] {
            let source = SigningKeySource::File {
                path: path.clone(),
                generate,
            };
            let error = load(&settings(source, PreviousKeys::None)).err().unwrap();
            assert_eq!(error.var, PRIVATE_KEY_FILE);
            assert!(error.reason.contains("jwt.pem"), "{error}");
        }
        let inline = load(&settings(
            SigningKeySource::Pem("not a key".into()),
            PreviousKeys::None,
        ))
        .err()
        .unwrap();
        assert_eq!(inline.var, PRIVATE_KEY);
        assert!(
            !inline.to_string().contains("not a key"),
            "never echo a secret"
        );
    }

    #[test]
    fn previous_keys_may_be_public_or_private_pems_and_the_current_key_is_not_repeated() {
        let current = SigningKey::from_bytes(&[1; 32]);
        let older = SigningKey::from_bytes(&[2; 32]);
        let oldest = SigningKey::from_bytes(&[3; 32]);
        let text = format!(
            "# rotated 2026-01\n{}\n{}{}",
            public_pem(&older),
            private_pem(&oldest),
            public_pem(&current)
        );

        let ring = load(&settings(
            SigningKeySource::Pem(private_pem(&current)),
            PreviousKeys::Pem(text),
        ))
        .unwrap();

        assert_eq!(
            ring.previous,
            vec![older.verifying_key(), oldest.verifying_key()]
        );
    }

    #[test]
    fn bad_previous_keys_name_the_variable() {
        let current = SigningKeySource::Pem(private_pem(&SigningKey::from_bytes(&[1; 32])));
        for bad in [
            "no pem here",
            "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n",
            "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
            "-----BEGIN PUBLIC KEY-----\nAAAA\n",
        ] {
            let error = load(&settings(current.clone(), PreviousKeys::Pem(bad.into())))
                .err()
                .unwrap();
            assert_eq!(error.var, PREVIOUS_KEYS, "{bad:?}");
        }
        let scratch = Scratch::new();
        let error = load(&settings(
            current,
            PreviousKeys::File(scratch.0.join("missing.pem")),
        ))
        .err()
        .unwrap();
        assert_eq!(error.var, PREVIOUS_KEYS_FILE);
    }
}
