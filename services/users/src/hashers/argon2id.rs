//! Argon2id password hashing into memory the caller owns.
//!
//! Argon2 with the OWASP parameters (m = 19 MiB, t = 2, p = 1) needs 19 MiB
//! of working memory per hash. Allocating it per call, on whatever thread
//! happens to run the hash, leaves 19 MiB behind in that thread's malloc
//! arena; so these functions take the memory as an argument, and the pool in
//! [`crate::hashers`] gives each of its few threads one buffer for life.
//! CPU-bound: callers go through that pool, never an async task.

use argon2::{
    Algorithm, Argon2, Block, Params, Version,
    password_hash::{
        self,
        phc::{self, Output, ParamsString, PasswordHash, Salt},
    },
};
use subtle::ConstantTimeEq as _;

use crate::domain::new_user::Password;

/// The parameters new hashes get: argon2's defaults, the OWASP minimum for
/// Argon2id (m = 19456 KiB, t = 2, p = 1). Stored hashes carry their own
/// parameters, so changing these later still verifies the old ones.
pub const PARAMS: Params = Params::DEFAULT;

/// The working memory one hash with [`PARAMS`] needs, in 1 KiB blocks.
pub const MEMORY_BLOCKS: usize = PARAMS.block_count();

/// Why a hash could not be made or checked. Never "the password is wrong":
/// that is `Ok(false)` from [`verify`].
#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    #[error("no random salt: {0}")]
    Rng(String),
    #[error("argon2 failed: {0}")]
    Argon2(#[from] argon2::Error),
    #[error("not a usable Argon2 hash: {0}")]
    Params(#[from] password_hash::Error),
    #[error("not a PHC string: {0}")]
    Phc(#[from] phc::Error),
    #[error("the stored hash uses {0}, not Argon2")]
    NotArgon2(String),
    #[error("the stored hash needs {needed} KiB of memory; a hasher holds {held} KiB")]
    TooMuchMemory { needed: usize, held: usize },
}

/// The PHC string (`$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>`) of
/// `password` with a fresh random salt, computed in `memory`.
pub fn hash(password: &Password, memory: &mut [Block]) -> Result<String, PasswordError> {
    let salt = password_hash::try_generate_salt().map_err(|e| PasswordError::Rng(e.to_string()))?;
    let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
    context(Algorithm::Argon2id, Version::V0x13, PARAMS).hash_password_into_with_memory(
        password.expose().as_bytes(),
        &salt,
        &mut out,
        memory,
    )?;
    let phc = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&PARAMS)?,
        salt: Some(Salt::new(&salt)?),
        hash: Some(Output::new(&out)?),
    };
    Ok(phc.to_string())
}

/// Whether `candidate` is the password behind the stored PHC string: the
/// hash is recomputed with the stored algorithm, version, parameters and
/// salt, in `memory`, and compared in constant time.
pub fn verify(candidate: &str, phc: &str, memory: &mut [Block]) -> Result<bool, PasswordError> {
    let stored = PasswordHash::new(phc)?;
    let algorithm = Algorithm::new(stored.algorithm.as_str())
        .map_err(|_| PasswordError::NotArgon2(stored.algorithm.as_str().to_owned()))?;
    // A missing version means the current one, as the argon2 crate reads it:
    // whatever it verified before still verifies.
    let version = stored
        .version
        .map(Version::try_from)
        .transpose()?
        .unwrap_or_default();
    // Carries the stored output length too, so the recomputed hash is as long.
    let params = Params::try_from(&stored)?;
    if params.block_count() > memory.len() {
        return Err(PasswordError::TooMuchMemory {
            needed: params.block_count(),
            held: memory.len(),
        });
    }
    let (Some(salt), Some(expected)) = (&stored.salt, &stored.hash) else {
        return Err(phc::Error::MissingField.into());
    };
    let mut out = [0u8; Output::MAX_LENGTH];
    let out = out
        .get_mut(..expected.len())
        .ok_or(password_hash::Error::OutputSize)?;
    context(algorithm, version, params).hash_password_into_with_memory(
        candidate.as_bytes(),
        salt.as_ref(),
        out,
        memory,
    )?;
    Ok(bool::from(out.ct_eq(expected.as_bytes())))
}

fn context(algorithm: Algorithm, version: Version, params: Params) -> Argon2<'static> {
    Argon2::new(algorithm, version, params)
}

#[cfg(test)]
mod tests {
    use argon2::password_hash::{PasswordHasher as _, PasswordVerifier as _};

    use super::*;

    fn memory() -> Vec<Block> {
        vec![Block::new(); MEMORY_BLOCKS]
    }

    #[test]
    fn a_hash_is_argon2id_with_the_owasp_parameters_and_verifies_only_its_password() {
        let mut memory = memory();
        let password = Password::parse("correct horse battery").unwrap();
        let phc = hash(&password, &mut memory).unwrap();
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
        assert!(verify("correct horse battery", &phc, &mut memory).unwrap());
        assert!(!verify("wrong horse battery", &phc, &mut memory).unwrap());
        assert_ne!(phc, hash(&password, &mut memory).unwrap(), "salted");
    }

    #[test]
    fn hashes_made_by_the_argon2_crate_still_verify_and_the_other_way_round() {
        let mut memory = memory();
        let stored = Argon2::default()
            .hash_password(b"an existing password")
            .unwrap()
            .to_string();
        assert!(verify("an existing password", &stored, &mut memory).unwrap());
        assert!(!verify("another password", &stored, &mut memory).unwrap());

        let ours = hash(
            &Password::parse("a brand new password").unwrap(),
            &mut memory,
        )
        .unwrap();
        Argon2::default()
            .verify_password(b"a brand new password", ours.as_str())
            .unwrap();
    }

    #[test]
    fn other_stored_parameters_are_honoured() {
        let mut memory = memory();
        let cheaper = Params::new(8 * 1024, 1, 1, Some(24)).unwrap();
        let stored = Argon2::new(Algorithm::Argon2i, Version::V0x10, cheaper)
            .hash_password(b"an older password")
            .unwrap()
            .to_string();
        assert!(verify("an older password", &stored, &mut memory).unwrap());
        assert!(!verify("an older passworD", &stored, &mut memory).unwrap());
    }

    #[test]
    fn a_stored_hash_needing_more_memory_than_a_hasher_holds_is_an_error_not_a_match() {
        let mut memory = memory();
        let greedy = Params::new(64 * 1024, 1, 1, None).unwrap();
        let stored = Argon2::new(Algorithm::Argon2id, Version::V0x13, greedy)
            .hash_password(b"a greedy password")
            .unwrap()
            .to_string();
        assert!(matches!(
            verify("a greedy password", &stored, &mut memory),
            Err(PasswordError::TooMuchMemory { .. })
        ));
    }

    #[test]
    fn garbage_and_other_algorithms_are_errors() {
        let mut memory = memory();
        for bad in [
            "",
            "not a hash",
            "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ",
            "$scrypt$ln=16,r=8,p=1$aM15713r3Xsvxbi31lqr1Q$nFNh2CVHVjNldFVKDHDlm4CbdRSCdEBsjjJxD+iCs5E",
        ] {
            assert!(
                verify("whatever it is", bad, &mut memory).is_err(),
                "{bad:?}"
            );
        }
    }
}
