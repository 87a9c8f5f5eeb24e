//! Key derivation, authenticated encryption and keyed hashing.
//!
//! Argon2id turns the master password into the *password key*; a random
//! *vault key* is stored only wrapped by the unlock key; every stored field is
//! sealed with AES-256-GCM under a subkey of the vault key, with associated
//! data that binds it to its vault, item, kind and field.

use argon2::{Algorithm, Argon2, Params, Version};
use ring::aead::{Aad, LessSafeKey, Nonce, UnboundKey, AES_256_GCM, NONCE_LEN};
use ring::hkdf;
use ring::hmac;
use ring::rand::{SecureRandom, SystemRandom};
use serde::{Deserialize, Serialize};
use std::time::{Duration, Instant};
use unicode_normalization::UnicodeNormalization;
use zeroize::Zeroizing;

/// Version byte in front of every sealed blob, also bound into its AAD.
pub const FORMAT_VERSION: u8 = 1;
pub const KEY_LEN: usize = 32;
pub const SALT_LEN: usize = 16;
const TAG_LEN: usize = 16;

#[derive(Debug, thiserror::Error)]
pub enum CryptoError {
    #[error("the password is wrong")]
    WrongPassword,
    #[error("the key derivation parameters are below the allowed floor (m >= 19 MiB, t >= 2, p >= 1): {0}")]
    WeakParams(String),
    #[error("the key derivation parameters are invalid: {0}")]
    InvalidParams(String),
    #[error("a stored ciphertext failed authentication")]
    Open,
    #[error("the system random number generator failed")]
    Random,
}

/// A 32-byte key that is wiped from memory when dropped.
#[derive(Clone)]
pub struct SecretKey(Zeroizing<[u8; KEY_LEN]>);

impl SecretKey {
    pub fn random() -> Result<Self, CryptoError> {
        let mut k = Zeroizing::new([0u8; KEY_LEN]);
        random_fill(k.as_mut())?;
        Ok(Self(k))
    }
    pub fn from_bytes(bytes: &[u8]) -> Option<Self> {
        let mut k = Zeroizing::new([0u8; KEY_LEN]);
        if bytes.len() != KEY_LEN {
            return None;
        }
        k.copy_from_slice(bytes);
        Some(Self(k))
    }
    pub fn expose(&self) -> &[u8; KEY_LEN] {
        &self.0
    }
}

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretKey(..)")
    }
}

pub fn random_fill(buf: &mut [u8]) -> Result<(), CryptoError> {
    SystemRandom::new().fill(buf).map_err(|_| CryptoError::Random)
}

pub fn random_bytes<const N: usize>() -> Result<[u8; N], CryptoError> {
    let mut b = [0u8; N];
    random_fill(&mut b)?;
    Ok(b)
}

/// Argon2id cost parameters, stored in the vault header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct KdfParams {
    pub memory_kib: u32,
    pub iterations: u32,
    pub parallelism: u32,
}

impl KdfParams {
    /// OWASP's floor for Argon2id; no vault may be weaker.
    pub const FLOOR: KdfParams = KdfParams {
        memory_kib: 19 * 1024,
        iterations: 2,
        parallelism: 1,
    };
    /// Default memory and lanes; iterations are calibrated per machine.
    pub const DEFAULT_MEMORY_KIB: u32 = 256 * 1024;
    pub const DEFAULT_PARALLELISM: u32 = 4;
    pub const MIN_DEFAULT_ITERATIONS: u32 = 3;

    pub fn check(&self) -> Result<(), CryptoError> {
        let f = Self::FLOOR;
        if self.memory_kib < f.memory_kib
            || self.iterations < f.iterations
            || self.parallelism < f.parallelism
        {
            return Err(CryptoError::WeakParams(format!(
                "m = {} KiB, t = {}, p = {}",
                self.memory_kib, self.iterations, self.parallelism
            )));
        }
        // Stay within what a desktop can allocate and what argon2 accepts.
        if self.memory_kib > 4 * 1024 * 1024 || self.parallelism > 64 || self.iterations > 1000 {
            return Err(CryptoError::InvalidParams(format!(
                "m = {} KiB, t = {}, p = {} (limits: m <= 4 GiB, t <= 1000, p <= 64)",
                self.memory_kib, self.iterations, self.parallelism
            )));
        }
        Ok(())
    }

    /// Picks the iteration count so that one derivation takes about `target`
    /// on this machine, never fewer than three.
    pub fn calibrate(memory_kib: u32, parallelism: u32, target: Duration) -> Result<Self, CryptoError> {
        let probe = KdfParams {
            memory_kib,
            iterations: 1,
            parallelism,
        };
        probe.check_shape()?;
        let salt = [0u8; SALT_LEN];
        let start = Instant::now();
        derive_password_key(b"calibration", &salt, &probe)?;
        let one = start.elapsed().as_secs_f64().max(1e-3);
        let t = (target.as_secs_f64() / one).round() as u32;
        let params = KdfParams {
            memory_kib,
            iterations: t.clamp(Self::MIN_DEFAULT_ITERATIONS, 1000),
            parallelism,
        };
        params.check()?;
        Ok(params)
    }

    fn check_shape(&self) -> Result<(), CryptoError> {
        KdfParams {
            iterations: self.iterations.max(Self::FLOOR.iterations),
            ..*self
        }
        .check()
    }

    fn argon2(&self) -> Result<Argon2<'static>, CryptoError> {
        let params = Params::new(self.memory_kib, self.iterations, self.parallelism, Some(KEY_LEN))
            .map_err(|e| CryptoError::InvalidParams(e.to_string()))?;
        Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
    }
}

/// Unicode NFKC, so the same password typed on another keyboard or OS opens
/// the vault.
pub fn normalize_password(password: &str) -> Zeroizing<String> {
    Zeroizing::new(password.nfkc().collect())
}

/// Argon2id(password, salt) -> 32-byte password key.
pub fn derive_password_key(
    password: &[u8],
    salt: &[u8],
    params: &KdfParams,
) -> Result<SecretKey, CryptoError> {
    let mut out = Zeroizing::new([0u8; KEY_LEN]);
    params
        .argon2()?
        .hash_password_into(password, salt, out.as_mut())
        .map_err(|e| CryptoError::InvalidParams(e.to_string()))?;
    Ok(SecretKey(out))
}

/// The unlock key: the password key alone, or combined with the device secret
/// kept in the OS keyring (two-secret derivation).
pub fn unlock_key(
    password_key: &SecretKey,
    device_secret: Option<&SecretKey>,
) -> Result<SecretKey, CryptoError> {
    match device_secret {
        None => Ok(password_key.clone()),
        Some(ds) => {
            let mut ikm = Zeroizing::new([0u8; 2 * KEY_LEN]);
            ikm[..KEY_LEN].copy_from_slice(password_key.expose());
            ikm[KEY_LEN..].copy_from_slice(ds.expose());
            hkdf_expand(&ikm[..], b"tessera/unlock-key/v1")
        }
    }
}

struct Len32;
impl hkdf::KeyType for Len32 {
    fn len(&self) -> usize {
        KEY_LEN
    }
}

/// HKDF-SHA256 with an empty salt, one 32-byte output per `info` label.
pub fn hkdf_expand(ikm: &[u8], info: &[u8]) -> Result<SecretKey, CryptoError> {
    let prk = hkdf::Salt::new(hkdf::HKDF_SHA256, &[]).extract(ikm);
    let info = [info];
    let okm = prk.expand(&info, Len32).map_err(|_| CryptoError::Random)?;
    let mut out = Zeroizing::new([0u8; KEY_LEN]);
    okm.fill(out.as_mut()).map_err(|_| CryptoError::Random)?;
    Ok(SecretKey(out))
}

/// Associated data for a sealed field: every part is length-prefixed so no two
/// contexts can collide.
pub fn aad(vault_id: &[u8], item_id: &[u8], kind: &str, field: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(64 + kind.len() + field.len());
    for part in [vault_id, item_id, kind.as_bytes(), field.as_bytes()] {
        out.extend_from_slice(&(part.len() as u32).to_be_bytes());
        out.extend_from_slice(part);
    }
    out.push(FORMAT_VERSION);
    out
}

/// AES-256-GCM with a random 96-bit nonce. Blob layout:
/// `version (1) || nonce (12) || ciphertext || tag (16)`.
pub struct Sealer {
    key: LessSafeKey,
}

impl Sealer {
    pub fn new(key: &SecretKey) -> Result<Self, CryptoError> {
        let unbound = UnboundKey::new(&AES_256_GCM, key.expose()).map_err(|_| CryptoError::Random)?;
        Ok(Self {
            key: LessSafeKey::new(unbound),
        })
    }

    pub fn seal(&self, plaintext: &[u8], aad: &[u8]) -> Result<Vec<u8>, CryptoError> {
        let nonce_bytes: [u8; NONCE_LEN] = random_bytes()?;
        let mut out = Vec::with_capacity(1 + NONCE_LEN + plaintext.len() + TAG_LEN);
        out.push(FORMAT_VERSION);
        out.extend_from_slice(&nonce_bytes);
        out.extend_from_slice(plaintext);
        let body = &mut out[1 + NONCE_LEN..];
        let tag = self
            .key
            .seal_in_place_separate_tag(Nonce::assume_unique_for_key(nonce_bytes), Aad::from(aad), body)
            .map_err(|_| CryptoError::Random)?;
        out.extend_from_slice(tag.as_ref());
        Ok(out)
    }

    /// Opens a blob; the plaintext is wiped when the returned buffer drops.
    pub fn open(&self, blob: &[u8], aad: &[u8]) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
        if blob.len() < 1 + NONCE_LEN + TAG_LEN || blob[0] != FORMAT_VERSION {
            return Err(CryptoError::Open);
        }
        let mut nonce = [0u8; NONCE_LEN];
        nonce.copy_from_slice(&blob[1..1 + NONCE_LEN]);
        let mut buf = Zeroizing::new(blob[1 + NONCE_LEN..].to_vec());
        let len = self
            .key
            .open_in_place(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(aad),
                buf.as_mut_slice(),
            )
            .map_err(|_| CryptoError::Open)?
            .len();
        buf.truncate(len);
        Ok(buf)
    }
}

/// HMAC-SHA256 under a derived key: blind name index and audit chain.
pub struct Mac {
    key: hmac::Key,
}

impl Mac {
    pub fn new(key: &SecretKey) -> Self {
        Self {
            key: hmac::Key::new(hmac::HMAC_SHA256, key.expose()),
        }
    }
    fn message(parts: &[&[u8]]) -> Vec<u8> {
        let mut msg = Vec::with_capacity(parts.iter().map(|p| p.len() + 4).sum());
        for p in parts {
            msg.extend_from_slice(&(p.len() as u32).to_be_bytes());
            msg.extend_from_slice(p);
        }
        msg
    }
    pub fn tag(&self, parts: &[&[u8]]) -> Vec<u8> {
        hmac::sign(&self.key, &Self::message(parts)).as_ref().to_vec()
    }
    /// Constant-time check of a tag made by [`Mac::tag`].
    pub fn verify(&self, parts: &[&[u8]], tag: &[u8]) -> bool {
        hmac::verify(&self.key, &Self::message(parts), tag).is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn sealer() -> Sealer {
        Sealer::new(&SecretKey::random().unwrap()).unwrap()
    }

    #[test]
    fn seal_open_round_trip_and_aad_binding() {
        let s = sealer();
        let a = aad(b"v", b"item-1", "api_key", "value/1");
        let blob = s.seal(b"sk_live_abc", &a).unwrap();
        assert_eq!(&*s.open(&blob, &a).unwrap(), b"sk_live_abc");
        for other in [
            aad(b"w", b"item-1", "api_key", "value/1"),
            aad(b"v", b"item-2", "api_key", "value/1"),
            aad(b"v", b"item-1", "token", "value/1"),
            aad(b"v", b"item-1", "api_key", "value/2"),
            aad(b"v", b"item-1", "api_key", "meta"),
        ] {
            assert!(matches!(s.open(&blob, &other), Err(CryptoError::Open)));
        }
    }

    #[test]
    fn every_flipped_bit_is_detected() {
        let s = sealer();
        let a = aad(b"v", b"i", "secret", "value/1");
        let blob = s.seal(b"hello world", &a).unwrap();
        for i in 0..blob.len() {
            for bit in 0..8 {
                let mut b = blob.clone();
                b[i] ^= 1 << bit;
                assert!(s.open(&b, &a).is_err(), "flip at byte {i} bit {bit}");
            }
        }
        assert!(s.open(&blob[..blob.len() - 1], &a).is_err());
    }

    #[test]
    fn aad_parts_cannot_shift() {
        assert_ne!(aad(b"ab", b"c", "k", "f"), aad(b"a", b"bc", "k", "f"));
    }

    #[test]
    fn params_below_floor_are_refused() {
        for p in [
            KdfParams {
                memory_kib: 19 * 1024 - 1,
                iterations: 2,
                parallelism: 1,
            },
            KdfParams {
                memory_kib: 19 * 1024,
                iterations: 1,
                parallelism: 1,
            },
            KdfParams {
                memory_kib: 19 * 1024,
                iterations: 2,
                parallelism: 0,
            },
        ] {
            assert!(matches!(p.check(), Err(CryptoError::WeakParams(_))));
        }
        assert!(KdfParams::FLOOR.check().is_ok());
    }

    /// RFC 9106 §5.3 test vector for Argon2id (with secret and associated
    /// data), checked through the same crate to pin version and variant.
    #[test]
    fn argon2id_rfc9106_vector() {
        let params = argon2::ParamsBuilder::new()
            .m_cost(32)
            .t_cost(3)
            .p_cost(4)
            .output_len(32)
            .data(argon2::AssociatedData::new(&[4u8; 12]).unwrap())
            .build()
            .unwrap();
        let a = Argon2::new_with_secret(&[3u8; 8], Algorithm::Argon2id, Version::V0x13, params).unwrap();
        let mut out = [0u8; 32];
        a.hash_password_into(&[1u8; 32], &[2u8; 16], &mut out).unwrap();
        let hex: String = out.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(
            hex,
            "0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659"
        );
    }

    #[test]
    fn nfkc_makes_equivalent_passwords_equal() {
        // "Å" as one code point, and as A + combining ring; and a full-width "Ａ".
        assert_eq!(*normalize_password("\u{00C5}"), *normalize_password("A\u{030A}"));
        assert_eq!(*normalize_password("\u{FF21}bc"), "Abc");
    }

    #[test]
    fn device_secret_changes_the_unlock_key() {
        let pk = SecretKey::random().unwrap();
        let ds = SecretKey::random().unwrap();
        let a = unlock_key(&pk, None).unwrap();
        let b = unlock_key(&pk, Some(&ds)).unwrap();
        assert_eq!(a.expose(), pk.expose());
        assert_ne!(a.expose(), b.expose());
    }

    proptest! {
        #[test]
        fn round_trip_any_plaintext(data in proptest::collection::vec(any::<u8>(), 0..512),
                                    field in "[a-z/0-9]{1,12}") {
            let s = sealer();
            let a = aad(b"vault", b"item", "secret", &field);
            let blob = s.seal(&data, &a).unwrap();
            prop_assert_eq!(&*s.open(&blob, &a).unwrap(), &data);
            // A nonce is fresh each time, so equal plaintexts never look equal.
            prop_assert_ne!(blob, s.seal(&data, &a).unwrap());
        }
    }
}
