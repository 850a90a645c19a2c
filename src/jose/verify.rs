//! JWS signature verification (RFC 7515 §5.2) with an algorithm allow-list (RFC 8725 §3.1).

use serde_json::{Map, Value};
use sha2::{Digest, Sha256, Sha384, Sha512};

use crate::error::{Code, Error, Result};
use crate::jose::compact::{decode_unverified, DEFAULT_MAX_TOKEN_BYTES};
use crate::jose::jwk::{KeyMaterial, PublicJwk};
use crate::jose::jwks::JwkSet;
use crate::jose::Algorithm;

/// What a signature check allows.
#[derive(Clone, Debug)]
pub struct SignatureRules {
    /// The algorithms accepted. Anything else, `none` and every HMAC algorithm included, is
    /// `ERR_JOSE_ALG_NOT_ALLOWED`.
    pub algorithms: Vec<Algorithm>,
    /// Largest token accepted, in bytes.
    pub max_token_bytes: usize,
}

impl Default for SignatureRules {
    /// RS256 and ES256, 16 KiB.
    fn default() -> Self {
        SignatureRules { algorithms: vec![Algorithm::RS256, Algorithm::ES256], max_token_bytes: DEFAULT_MAX_TOKEN_BYTES }
    }
}

/// A JWS whose signature verified. The claims are authentic but not yet checked.
#[derive(Clone, Debug)]
pub struct VerifiedJws {
    /// The protected header.
    pub header: Map<String, Value>,
    /// The payload (JWT claims set).
    pub claims: Map<String, Value>,
    /// The algorithm that verified.
    pub alg: Algorithm,
}

/// Verify a compact JWS against a key set.
///
/// 1. Strict parsing (RFC 7515 §7.1; size limit).
/// 2. `alg` must be present and allowed (RFC 7515 §4.1.1, RFC 8725 §3.1).
/// 3. `crit` is refused: no extension is understood here (RFC 7515 §4.1.11).
/// 4. The key comes from the set by `kid` / `alg` only; `jku`, `x5u`, `jwk` and `x5c` in the header
///    are never used to find a key (RFC 8725 §3.10 and §2.x: keys chosen by the attacker).
/// 5. The signature is verified over the ASCII `header.payload` (RFC 7515 §5.2 step 8).
pub fn verify_jws(token: &str, keys: &JwkSet, rules: &SignatureRules) -> Result<VerifiedJws> {
    let jws = decode_unverified(token, rules.max_token_bytes)?;
    let alg = header_alg(&jws.header, rules)?;
    check_crit(&jws.header)?;
    let kid = match jws.header.get("kid") {
        None => None,
        Some(Value::String(k)) => Some(k.as_str()),
        Some(_) => return Err(Error::new(Code::JwsInvalid, "the header's kid is not a string")),
    };
    let key = keys.select(alg, kid)?;
    let input = token.as_bytes().get(..jws.signing_input_len).unwrap_or_default();
    verify_signature(alg, key, input, &jws.signature)?;
    Ok(VerifiedJws { header: jws.header, claims: jws.claims, alg })
}

/// The header's `alg`, checked against the allow-list.
pub fn header_alg(header: &Map<String, Value>, rules: &SignatureRules) -> Result<Algorithm> {
    let name = match header.get("alg") {
        Some(Value::String(s)) => s.as_str(),
        _ => return Err(Error::new(Code::JwsInvalid, "the JWS header has no alg (RFC 7515 §4.1.1)")),
    };
    match Algorithm::from_name(name) {
        Some(a) if rules.algorithms.contains(&a) => Ok(a),
        _ => Err(Error::new(
            Code::JoseAlgNotAllowed,
            format!(
                "the token's alg {name:?} is not allowed; allowed: {}",
                rules.algorithms.iter().map(|a| a.name()).collect::<Vec<_>>().join(", ")
            ),
        )),
    }
}

fn check_crit(header: &Map<String, Value>) -> Result<()> {
    match header.get("crit") {
        None => Ok(()),
        Some(Value::Array(a)) if !a.is_empty() => Err(Error::new(
            Code::JwsInvalid,
            format!(
                "the header marks {} as critical; no JWS extension is supported (RFC 7515 §4.1.11)",
                a.iter().map(|v| v.as_str().unwrap_or("?")).collect::<Vec<_>>().join(", ")
            ),
        )),
        Some(_) => Err(Error::new(Code::JwsInvalid, "the header's crit is not a non-empty array (RFC 7515 §4.1.11)")),
    }
}

/// Verify one signature with one key.
pub fn verify_signature(alg: Algorithm, key: &PublicJwk, signing_input: &[u8], signature: &[u8]) -> Result<()> {
    let failed = || Error::new(Code::JwsSignatureVerificationFailed, "the token's signature does not verify");
    let ok = match (&key.material, alg) {
        (KeyMaterial::Rsa(k), Algorithm::RS256) => {
            k.verify(rsa::Pkcs1v15Sign::new::<Sha256>(), &Sha256::digest(signing_input), signature).is_ok()
        }
        (KeyMaterial::Rsa(k), Algorithm::RS384) => {
            k.verify(rsa::Pkcs1v15Sign::new::<Sha384>(), &Sha384::digest(signing_input), signature).is_ok()
        }
        (KeyMaterial::Rsa(k), Algorithm::RS512) => {
            k.verify(rsa::Pkcs1v15Sign::new::<Sha512>(), &Sha512::digest(signing_input), signature).is_ok()
        }
        (KeyMaterial::Rsa(k), Algorithm::PS256) => {
            k.verify(rsa::Pss::<Sha256>::new(), &Sha256::digest(signing_input), signature).is_ok()
        }
        (KeyMaterial::P256(k), Algorithm::ES256) => {
            use p256::ecdsa::signature::Verifier as _;
            // RFC 7518 §3.4: R || S, 32 bytes each; DER is not accepted.
            signature.len() == 64
                && p256::ecdsa::Signature::from_slice(signature).is_ok_and(|sig| k.verify(signing_input, &sig).is_ok())
        }
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(failed())
    }
}
