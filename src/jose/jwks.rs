//! JWK Sets (RFC 7517 §5) and key selection for a JWS header.

use serde_json::Value;

use crate::error::{Code, Error, Result};
use crate::jose::jwk::PublicJwk;
use crate::jose::Algorithm;

/// The usable public keys of a JWK Set.
#[derive(Clone, Debug, Default)]
pub struct JwkSet {
    keys: Vec<PublicJwk>,
}

impl JwkSet {
    /// A set of already parsed keys.
    pub fn new(keys: Vec<PublicJwk>) -> Self {
        JwkSet { keys }
    }

    /// Read a JWK Set document. Keys that do not parse (unsupported type, weak, off-curve) are
    /// skipped, and each skip is described in the returned warnings: one odd key does not make the
    /// others unusable (RFC 7517 §5: implementations SHOULD ignore JWKs they do not understand).
    /// Errors: `ERR_JWKS_INVALID` when the document is not an object with a `keys` array.
    pub fn from_json(doc: &Value) -> Result<(JwkSet, Vec<String>)> {
        let keys = doc
            .get("keys")
            .and_then(Value::as_array)
            .ok_or_else(|| Error::new(Code::JwksInvalid, "the JWK Set is not a JSON object with a keys array (RFC 7517 §5)"))?;
        let mut out = Vec::with_capacity(keys.len());
        let mut warnings = Vec::new();
        for (i, k) in keys.iter().enumerate() {
            let parsed = match k {
                Value::Object(obj) => PublicJwk::from_json(obj),
                _ => Err(Error::new(Code::JwkInvalid, "it is not a JSON object")),
            };
            match parsed {
                Ok(key) => out.push(key),
                Err(e) => {
                    let kid = k.get("kid").and_then(Value::as_str).map(|s| format!(" (kid {s:?})")).unwrap_or_default();
                    warnings.push(format!("JWK #{i}{kid} skipped: {}", e.message()));
                }
            }
        }
        Ok((JwkSet { keys: out }, warnings))
    }

    /// The keys.
    pub fn keys(&self) -> &[PublicJwk] {
        &self.keys
    }

    /// Whether the set holds a key with this `kid`.
    pub fn has_kid(&self, kid: &str) -> bool {
        self.keys.iter().any(|k| k.kid.as_deref() == Some(kid))
    }

    /// The one key that may verify a token with this `alg` and `kid` (RFC 7515 §4.1.4, §6):
    /// by `kid` when the token has one, else by algorithm and key type. Without a `kid`, exactly one
    /// candidate is required: several is `ERR_JWKS_MULTIPLE_MATCHING_KEYS` rather than trying each.
    /// None is `ERR_JWKS_NO_MATCHING_KEY`.
    pub fn select(&self, alg: Algorithm, kid: Option<&str>) -> Result<&PublicJwk> {
        self.select_indexed(alg, kid).map(|(_, k)| k)
    }

    /// [`JwkSet::select`], with the key's position in the set.
    pub fn select_indexed(&self, alg: Algorithm, kid: Option<&str>) -> Result<(usize, &PublicJwk)> {
        let mut candidates = self
            .keys
            .iter()
            .enumerate()
            .filter(|(_, k)| k.usable_for(alg) && kid.is_none_or(|kid| k.kid.as_deref() == Some(kid)));
        match (candidates.next(), candidates.next()) {
            (Some(k), None) => Ok(k),
            (None, _) => Err(Error::new(
                Code::JwksNoMatchingKey,
                match kid {
                    Some(kid) => format!("no {} key with kid {kid:?} in the key set", alg.name()),
                    None => format!("no {} key in the key set", alg.name()),
                },
            )),
            (Some(_), Some(_)) => Err(Error::new(
                Code::JwksMultipleMatchingKeys,
                match kid {
                    Some(kid) => format!("several {} keys have kid {kid:?}", alg.name()),
                    None => format!("the token has no kid and several {} keys could verify it", alg.name()),
                },
            )),
        }
    }
}
