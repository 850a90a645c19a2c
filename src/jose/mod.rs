//! JOSE for verification: JWS compact serialization (RFC 7515), public JWKs and JWK Sets
//! (RFC 7517, RFC 7518 §6), signature verification (RFC 7518 §3) and JWT claim checks
//! (RFC 7519, RFC 8725, RFC 9068, OIDC Core §3.1.3.7).

pub mod claims;
pub mod cache;
pub mod compact;
pub mod jwk;
pub mod jwks;
pub mod verify;

use jwk::KeyMaterial;

/// The signature algorithms this library verifies (RFC 7518 §3.1). `none` and the HMAC
/// algorithms are deliberately absent: a verifier here only ever holds public keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Algorithm {
    /// RSASSA-PKCS1-v1_5 with SHA-256.
    RS256,
    /// RSASSA-PKCS1-v1_5 with SHA-384.
    RS384,
    /// RSASSA-PKCS1-v1_5 with SHA-512.
    RS512,
    /// RSASSA-PSS with SHA-256 and MGF1 with SHA-256.
    PS256,
    /// ECDSA with P-256 and SHA-256.
    ES256,
}

impl Algorithm {
    /// Every supported algorithm.
    pub const ALL: [Algorithm; 5] = [Algorithm::RS256, Algorithm::RS384, Algorithm::RS512, Algorithm::PS256, Algorithm::ES256];

    /// The `alg` name.
    pub fn name(self) -> &'static str {
        match self {
            Algorithm::RS256 => "RS256",
            Algorithm::RS384 => "RS384",
            Algorithm::RS512 => "RS512",
            Algorithm::PS256 => "PS256",
            Algorithm::ES256 => "ES256",
        }
    }

    /// The algorithm with this exact (case-sensitive, RFC 7515 §4.1.1) name, if supported.
    pub fn from_name(name: &str) -> Option<Algorithm> {
        Algorithm::ALL.into_iter().find(|a| a.name() == name && a.is_built())
    }

    /// Whether this build verifies the algorithm: RS384, RS512 and PS256 need the Cargo feature
    /// `more-algorithms` (on by default).
    pub fn is_built(self) -> bool {
        cfg!(feature = "more-algorithms") || matches!(self, Algorithm::RS256 | Algorithm::ES256)
    }

    /// Whether a key of this type can be used with the algorithm.
    pub fn fits(self, key: &KeyMaterial) -> bool {
        matches!(
            (self, key),
            (Algorithm::RS256 | Algorithm::RS384 | Algorithm::RS512 | Algorithm::PS256, KeyMaterial::Rsa(_))
                | (Algorithm::ES256, KeyMaterial::P256(_))
        )
    }
}
