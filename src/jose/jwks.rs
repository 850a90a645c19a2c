//! JWK Sets (RFC 7517 §5) and key selection for a JWS header.

use crate::error::{Code, Error, Result};
use crate::json::{self, Json, Members as _, Object};
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

    /// Read a JWK Set document (JSON text). Member names that appear twice in an object are
    /// refused, which RFC 7517 §4 allows ("MUST either reject ... or use a JSON parser that
    /// returns only the lexically last duplicate member name"). Errors: `ERR_JWKS_INVALID`
    /// (with the parser's words) when the text is not such a JSON object; see
    /// [`JwkSet::from_object`] for the rest.
    pub fn parse(text: &[u8]) -> Result<(JwkSet, Vec<String>)> {
        let doc = json::parse_object(text)
            .map_err(|e| Error::new(Code::JwksInvalid, format!("the JWK Set is not a valid JSON object: {e}")))?;
        Self::from_object(&doc)
    }

    /// Read a JWK Set document. Keys that do not parse (unsupported type, weak, off-curve) are
    /// skipped, and each skip is described in the returned warnings: one odd key does not make the
    /// others unusable (RFC 7517 §5: implementations SHOULD ignore JWKs they do not understand).
    /// Errors: `ERR_JWKS_INVALID` when the document has no `keys` array.
    pub fn from_object(doc: &Object<'_>) -> Result<(JwkSet, Vec<String>)> {
        let Some(Json::Array(keys)) = doc.get("keys") else {
            return Err(Error::new(Code::JwksInvalid, "the JWK Set is not a JSON object with a keys array (RFC 7517 §5)"));
        };
        let mut out = Vec::with_capacity(keys.len());
        let mut warnings = Vec::new();
        for (i, k) in keys.iter().enumerate() {
            let parsed = match k {
                Json::Object(obj) => PublicJwk::from_json(obj),
                _ => Err(Error::new(Code::JwkInvalid, "it is not a JSON object")),
            };
            match parsed {
                Ok(key) => out.push(key),
                Err(e) => {
                    let kid = match k {
                        Json::Object(obj) => obj.member("kid").and_then(|m| m.as_str()).map(|s| format!(" (kid {s:?})")),
                        _ => None,
                    };
                    warnings.push(format!("JWK #{i}{} skipped: {}", kid.unwrap_or_default(), e.message()));
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
