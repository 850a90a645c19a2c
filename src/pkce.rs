//! Proof Key for Code Exchange (RFC 7636), `S256` only, and the other per-login random values
//! (`state`, `nonce`).
//!
//! Randomness is an input: callers pass 32 bytes from a CSPRNG (`crypto.getRandomValues` in the
//! wasm layer).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use sha2::{Digest, Sha256};

use crate::error::{Code, Error, Result};

/// Number of random bytes behind a verifier, a state or a nonce. RFC 7636 §4.1 recommends a
/// 32-octet sequence, giving a 43-character base64url verifier (256 bits of entropy).
pub const RANDOM_BYTES: usize = 32;

/// A PKCE `code_verifier` (RFC 7636 §4.1). A secret: its `Debug` is redacted and it is not
/// `Clone`, so it is not copied around by accident.
#[derive(PartialEq, Eq)]
pub struct CodeVerifier(String);

impl core::fmt::Debug for CodeVerifier {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("CodeVerifier(<redacted>)")
    }
}

impl CodeVerifier {
    /// RFC 7636 §4.1: base64url (no padding) of 32 random octets.
    pub fn from_random(random: &[u8; RANDOM_BYTES]) -> Self {
        CodeVerifier(URL_SAFE_NO_PAD.encode(random))
    }

    /// A verifier kept from earlier (for example in a login transaction). RFC 7636 §4.1:
    /// 43 to 128 characters of `[A-Z] / [a-z] / [0-9] / "-" / "." / "_" / "~"`.
    pub fn from_string(s: String) -> Result<Self> {
        let ok_len = (43..=128).contains(&s.len());
        let ok_chars = s.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b));
        if ok_len && ok_chars {
            Ok(CodeVerifier(s))
        } else {
            Err(Error::new(
                Code::InvalidArgument,
                "code_verifier must be 43 to 128 characters of A-Z a-z 0-9 - . _ ~ (RFC 7636 §4.1)",
            ))
        }
    }

    /// RFC 7636 §4.2: `code_challenge = BASE64URL-ENCODE(SHA256(ASCII(code_verifier)))`.
    pub fn s256_challenge(&self) -> String {
        URL_SAFE_NO_PAD.encode(Sha256::digest(self.0.as_bytes()))
    }

    /// The verifier itself, to send in the token request or to store in a transaction.
    pub fn expose_secret(&self) -> &str {
        &self.0
    }
}

/// A random, URL-safe value for `state` or `nonce`: base64url of 32 random bytes.
pub fn random_token(random: &[u8; RANDOM_BYTES]) -> String {
    URL_SAFE_NO_PAD.encode(random)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verifier_shape_and_redaction() {
        let v = CodeVerifier::from_random(&[7u8; 32]);
        assert_eq!(v.expose_secret().len(), 43);
        assert_eq!(format!("{v:?}"), "CodeVerifier(<redacted>)");
        assert!(CodeVerifier::from_string("short".into()).is_err());
        assert!(CodeVerifier::from_string("a".repeat(129)).is_err());
        assert!(CodeVerifier::from_string(format!("{}+", "a".repeat(43))).is_err());
        assert!(CodeVerifier::from_string("a~._-".repeat(9)).is_ok());
    }
}
