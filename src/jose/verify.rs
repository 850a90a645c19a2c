//! JWS signature verification (RFC 7515 §5.2) with an algorithm allow-list (RFC 8725 §3.1).

use std::rc::Rc;

use serde_json::{Map, Value};
#[cfg(feature = "wasm-crypto")]
use sha2::{Digest, Sha256};
#[cfg(all(feature = "wasm-crypto", feature = "more-algorithms"))]
use sha2::{Sha384, Sha512};

use crate::error::{Code, Error, Result};
use crate::jose::compact::{
    decode_payload, decode_signature, decode_text, parse_text, split_parts, split_unverified, Parts, RawJson, DEFAULT_MAX_TOKEN_BYTES,
};
use crate::jose::json::{Member, Members};
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
    /// The header and payload texts.
    pub json: RawJson,
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
    let p = prepare_jws(token, keys, rules)?;
    let input = token.as_bytes().get(..p.signing_input_len).unwrap_or_default();
    verify_signature(p.alg, p.key, input, &p.signature)?;
    Ok(p.into_verified())
}

/// A JWS whose header, key and signature shape passed every check that comes before the
/// signature itself (steps 1–4 of [`verify_jws`]). Whoever computes the signature check (this
/// crate's [`verify_signature`], or the platform's WebCrypto) then calls
/// [`PreparedJws::into_verified`] only if it verified.
#[derive(Debug)]
pub struct PreparedJws<'k> {
    /// The protected header.
    pub header: Map<String, Value>,
    /// The payload, not yet authentic.
    pub claims: Map<String, Value>,
    /// The allowed algorithm named by the header.
    pub alg: Algorithm,
    /// The key selected from the set.
    pub key: &'k PublicJwk,
    /// The key's position in the set (to cache a platform key object per key).
    pub key_index: usize,
    /// The signature bytes, of the exact length the algorithm and key call for.
    pub signature: Vec<u8>,
    /// Length of the signing input `header.payload` at the start of the token.
    pub signing_input_len: usize,
    /// The header and payload texts.
    pub json: RawJson,
}

impl PreparedJws<'_> {
    /// The verified JWS, once the signature checked out.
    pub fn into_verified(self) -> VerifiedJws {
        VerifiedJws { header: self.header, claims: self.claims, alg: self.alg, json: self.json }
    }
}

/// Steps 1–4 of [`verify_jws`], plus the signature's length: RSASSA signatures are exactly the
/// modulus length (RFC 8017 §8.2.2 step 1, §8.1.2 step 1), ES256 signatures exactly 64 bytes
/// (RFC 7518 §3.4). Checking the length here makes every signature backend see the same inputs.
pub fn prepare_jws<'k>(token: &str, keys: &'k JwkSet, rules: &SignatureRules) -> Result<PreparedJws<'k>> {
    prepare_header(token, keys, rules)?.with_payload()
}

/// [`prepare_jws`] without reading the payload yet, so the signature check can start first. The
/// errors, and their order, are those of [`prepare_jws`]: when a check fails, a malformed payload
/// is still reported first, as [`decode_unverified`](crate::jose::compact::decode_unverified) reads it before anything is judged.
pub fn prepare_header<'t, 'k>(token: &'t str, keys: &'k JwkSet, rules: &SignatureRules) -> Result<PreparedHeader<'t, 'k>> {
    let parts = split_unverified(token, rules.max_token_bytes)?;
    match header_checks(&parts.header, parts.signature, keys, rules) {
        Ok((alg, key_index, key, signature)) => Ok(PreparedHeader {
            header: parts.header,
            header_json: parts.header_json,
            alg,
            key,
            key_index,
            signature,
            signing_input_len: parts.signing_input_len,
            payload: parts.payload,
        }),
        Err(e) => {
            decode_payload(parts.payload)?;
            Err(e)
        }
    }
}

fn header_checks<'k>(header: &dyn Members, signature: &str, keys: &'k JwkSet, rules: &SignatureRules) -> Result<(Algorithm, usize, &'k PublicJwk, Vec<u8>)> {
    // The signature is decoded first (a malformed one is reported before any header rule), its
    // length checked once the key is known.
    let signature = decode_signature(signature)?;
    let alg = header_alg(header, rules)?;
    check_crit(header)?;
    let kid = match header.member("kid") {
        None => None,
        Some(Member::Str(k)) => Some(k),
        Some(_) => return Err(Error::new(Code::JwsInvalid, "the header's kid is not a string")),
    };
    let (key_index, key) = keys.select_indexed(alg, kid)?;
    Ok((alg, key_index, key, of_length(signature, key)?))
}

/// The signature, when it has the length `key`'s signatures have.
fn of_length(signature: Vec<u8>, key: &PublicJwk) -> Result<Vec<u8>> {
    if signature.len() == signature_len(key) {
        Ok(signature)
    } else {
        Err(Error::new(Code::JwsSignatureVerificationFailed, "the token's signature does not verify"))
    }
}

/// `e`, unless the payload part is malformed: that is reported first, as [`decode_unverified`](crate::jose::compact::decode_unverified)
/// reads the payload before anything is judged.
fn after_payload(payload: &str, e: Error) -> Error {
    match decode_text(payload, "payload").and_then(|text| parse_text(&text, "payload").map(drop)) {
        Err(malformed) => malformed,
        Ok(()) => e,
    }
}

/// [`prepare_header`] without building a `serde_json::Map` of the header: the same checks, in the
/// same order, with the same errors, on the header read in place (see [`crate::jose::json`]). Only
/// what comes later is kept: its text, `kid` and `typ`.
pub fn prepare_header_lean<'t, 'k>(token: &'t str, keys: &'k JwkSet, rules: &SignatureRules) -> Result<PreparedLean<'t, 'k>> {
    prepare_parts_lean(split_parts(token, rules.max_token_bytes)?, keys, rules)
}

fn prepare_parts_lean<'t, 'k>(parts: Parts<'t>, keys: &'k JwkSet, rules: &SignatureRules) -> Result<PreparedLean<'t, 'k>> {
    let header_json = decode_text(parts.header, "header")?;
    let header = parse_text(&header_json, "header")?;
    match header_checks(&header, parts.signature, keys, rules) {
        Ok((alg, key_index, key, signature)) => {
            let owned = |name: &str| header.member(name).and_then(|m| m.as_str()).map(Rc::from);
            Ok(PreparedLean {
                kid: owned("kid"),
                typ: owned("typ"),
                header_json: Rc::from(header_json.as_str()),
                alg,
                key,
                key_index,
                signature,
                signing_input_len: parts.signing_input_len,
                payload: parts.payload,
            })
        }
        Err(e) => Err(after_payload(parts.payload, e)),
    }
}

/// What [`prepare_header_lean`] concluded about one header part with one key set, to reuse for
/// the next token whose header part is the same text: tokens from one issuer usually share it
/// byte for byte, so only the signature (and later the payload) differ.
#[derive(Clone, Debug)]
pub struct HeaderMemo {
    segment: String,
    header_json: Rc<str>,
    kid: Option<Rc<str>>,
    typ: Option<Rc<str>>,
    alg: Algorithm,
    key_index: usize,
}

/// [`prepare_header_lean`], reusing `memo` when the token's header part is the text it holds, and
/// remembering this header otherwise. The caller must clear `memo` whenever the key set or the
/// rules change. The outcome is the same either way: the header's checks (`alg`, `crit`, `kid`,
/// key selection) depend only on the header, the key set and the rules, so for the same three
/// only the signature's decoding and length remain to check, in the order
/// [`prepare_header_lean`] checks them.
pub fn prepare_header_memo<'t, 'k>(
    token: &'t str,
    keys: &'k JwkSet,
    rules: &SignatureRules,
    memo: &mut Option<HeaderMemo>,
) -> Result<PreparedLean<'t, 'k>> {
    let parts = split_parts(token, rules.max_token_bytes)?;
    if let Some(m) = memo.as_ref().filter(|m| m.segment == parts.header) {
        if let Some(key) = keys.keys().get(m.key_index) {
            return match decode_signature(parts.signature).and_then(|s| of_length(s, key)) {
                Ok(signature) => Ok(PreparedLean {
                    header_json: m.header_json.clone(),
                    kid: m.kid.clone(),
                    typ: m.typ.clone(),
                    alg: m.alg,
                    key,
                    key_index: m.key_index,
                    signature,
                    signing_input_len: parts.signing_input_len,
                    payload: parts.payload,
                }),
                Err(e) => Err(after_payload(parts.payload, e)),
            };
        }
    }
    let p = prepare_parts_lean(parts, keys, rules)?;
    *memo = Some(HeaderMemo {
        segment: parts.header.to_owned(),
        header_json: p.header_json.clone(),
        kid: p.kid.clone(),
        typ: p.typ.clone(),
        alg: p.alg,
        key_index: p.key_index,
    });
    Ok(p)
}

/// A JWS whose header, key and signature length passed [`prepare_header_lean`]; the payload is
/// not read yet.
#[derive(Debug)]
pub struct PreparedLean<'t, 'k> {
    /// The header's text.
    pub header_json: Rc<str>,
    /// The header's `kid`, when it is a string.
    pub kid: Option<Rc<str>>,
    /// The header's `typ`, when it is a string (all the claim checks read of the header).
    pub typ: Option<Rc<str>>,
    /// The allowed algorithm named by the header.
    pub alg: Algorithm,
    /// The key selected from the set.
    pub key: &'k PublicJwk,
    /// The key's position in the set.
    pub key_index: usize,
    /// The signature bytes, of the right length.
    pub signature: Vec<u8>,
    /// Length of the signing input `header.payload` at the start of the token.
    pub signing_input_len: usize,
    /// The payload part, still base64url.
    pub payload: &'t str,
}

/// A JWS whose header, key and signature length passed [`prepare_header`]; the payload is not
/// read yet.
#[derive(Debug)]
pub struct PreparedHeader<'t, 'k> {
    /// The protected header.
    pub header: Map<String, Value>,
    /// Its text.
    pub header_json: String,
    /// The allowed algorithm named by the header.
    pub alg: Algorithm,
    /// The key selected from the set.
    pub key: &'k PublicJwk,
    /// The key's position in the set.
    pub key_index: usize,
    /// The signature bytes, of the right length.
    pub signature: Vec<u8>,
    /// Length of the signing input `header.payload` at the start of the token.
    pub signing_input_len: usize,
    /// The payload part, still base64url.
    pub payload: &'t str,
}

impl<'k> PreparedHeader<'_, 'k> {
    /// Read the payload: the whole [`PreparedJws`].
    pub fn with_payload(self) -> Result<PreparedJws<'k>> {
        let (claims, payload_json) = decode_payload(self.payload)?;
        Ok(PreparedJws {
            header: self.header,
            claims,
            alg: self.alg,
            key: self.key,
            key_index: self.key_index,
            signature: self.signature,
            signing_input_len: self.signing_input_len,
            json: RawJson { header: self.header_json, payload: payload_json },
        })
    }
}

/// The signature length a key produces: the modulus length in bytes for RSA, 64 for P-256.
pub fn signature_len(key: &PublicJwk) -> usize {
    match &key.material {
        KeyMaterial::Rsa(k) => k.size,
        KeyMaterial::P256(_) => 64,
    }
}

/// The header's `alg`, checked against the allow-list.
pub fn header_alg(header: &dyn Members, rules: &SignatureRules) -> Result<Algorithm> {
    let name = match header.member("alg") {
        Some(Member::Str(s)) => s,
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

fn check_crit(header: &dyn Members) -> Result<()> {
    match header.member("crit") {
        None => Ok(()),
        Some(Member::Array(a)) if !a.is_empty() => Err(Error::new(
            Code::JwsInvalid,
            format!(
                "the header marks {} as critical; no JWS extension is supported (RFC 7515 §4.1.11)",
                a.iter().map(|v| v.unwrap_or("?")).collect::<Vec<_>>().join(", ")
            ),
        )),
        Some(_) => Err(Error::new(Code::JwsInvalid, "the header's crit is not a non-empty array (RFC 7515 §4.1.11)")),
    }
}

/// Verify one signature with one key (this crate's own arithmetic: the `wasm-crypto` feature).
#[cfg(feature = "wasm-crypto")]
pub fn verify_signature(alg: Algorithm, key: &PublicJwk, signing_input: &[u8], signature: &[u8]) -> Result<()> {
    let failed = || Error::new(Code::JwsSignatureVerificationFailed, "the token's signature does not verify");
    let ok = match (&key.material, alg) {
        (KeyMaterial::Rsa(k), Algorithm::RS256) => {
            k.public_key().is_some_and(|key| key.verify(rsa::Pkcs1v15Sign::new::<Sha256>(), &Sha256::digest(signing_input), signature).is_ok())
        }
        #[cfg(feature = "more-algorithms")]
        (KeyMaterial::Rsa(k), Algorithm::RS384) => {
            k.public_key().is_some_and(|key| key.verify(rsa::Pkcs1v15Sign::new::<Sha384>(), &Sha384::digest(signing_input), signature).is_ok())
        }
        #[cfg(feature = "more-algorithms")]
        (KeyMaterial::Rsa(k), Algorithm::RS512) => {
            k.public_key().is_some_and(|key| key.verify(rsa::Pkcs1v15Sign::new::<Sha512>(), &Sha512::digest(signing_input), signature).is_ok())
        }
        #[cfg(feature = "more-algorithms")]
        (KeyMaterial::Rsa(k), Algorithm::PS256) => {
            k.public_key().is_some_and(|key| key.verify(rsa::Pss::<Sha256>::new(), &Sha256::digest(signing_input), signature).is_ok())
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

/// Without the `wasm-crypto` feature there is no signature arithmetic here: only the platform's
/// (the JavaScript layer hands it over), so this always fails, with ERR_FEATURE_NOT_BUILT.
#[cfg(not(feature = "wasm-crypto"))]
pub fn verify_signature(_alg: Algorithm, _key: &PublicJwk, _signing_input: &[u8], _signature: &[u8]) -> Result<()> {
    Err(Error::new(
        Code::FeatureNotBuilt,
        "this build checks signatures with the platform's crypto only (Cargo feature \"wasm-crypto\" left out), and the platform could not: use verify(), not verifySync(), where WebCrypto is asynchronous",
    ))
}
