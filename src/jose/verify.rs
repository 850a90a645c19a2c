//! JWS signature verification (RFC 7515 §5.2) with an algorithm allow-list (RFC 8725 §3.1).

use std::rc::Rc;

use serde_json::{Map, Value};
#[cfg(feature = "wasm-crypto")]
use sha2::{Digest, Sha256};
#[cfg(all(feature = "wasm-crypto", feature = "more-algorithms"))]
use sha2::{Sha384, Sha512};

use crate::error::{Code, Error, Result};
use crate::jose::compact::{decode_payload, decode_signature, decode_text, parse_text, split_parts, Parts, RawJson, DEFAULT_MAX_TOKEN_BYTES};
use crate::json::{Member, Members};
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

// One pipeline, one type per stage (RFC 7515 §5.2):
//
//   token ──check_header──▶ Checked ──open──▶ Opened ──signature──▶ VerifiedJws ──claims──▶ VerifiedToken
//
// - [`check_header`]: the size, the three parts, the header read in place, `alg` against the
//   allow-list, `crit`, the key chosen by `kid` and `alg`, the signature decoded and its length
//   checked. Nothing of the payload is read yet, so the signature check can start at once.
// - [`Checked::open`]: the payload read (a malformed payload is reported before the signature's
//   outcome, whichever comes first in time).
// - [`Opened::verified`]: only once the signature verified, by this crate's
//   [`verify_signature`] or by the platform's crypto.
// - The claim rules ([`crate::verifier`]) turn a [`VerifiedJws`] into a `VerifiedToken`. The
//   standalone verifier judges the claims read in place instead of opening the payload
//   ([`crate::verifier::Verifier::finish_lean`]), with the same rules and errors.

/// A JWS whose signature verified. The claims are authentic but not yet checked.
#[derive(Clone, Debug)]
pub struct VerifiedJws {
    /// The header's `typ`, when it is a string (all the claim checks read of the header).
    pub typ: Option<Rc<str>>,
    /// The payload (JWT claims set).
    pub claims: Map<String, Value>,
    /// The algorithm that verified.
    pub alg: Algorithm,
    /// The header and payload texts.
    pub json: RawJson,
}

/// Verify a compact JWS against a key set: the whole pipeline, with this crate's signature
/// arithmetic.
///
/// 1. Strict parsing (RFC 7515 §7.1; size limit).
/// 2. `alg` must be present and allowed (RFC 7515 §4.1.1, RFC 8725 §3.1).
/// 3. `crit` is refused: no extension is understood here (RFC 7515 §4.1.11).
/// 4. The key comes from the set by `kid` / `alg` only; `jku`, `x5u`, `jwk` and `x5c` in the header
///    are never used to find a key (RFC 8725 §3.10 and §2.x: keys chosen by the attacker).
/// 5. The signature is verified over the ASCII `header.payload` (RFC 7515 §5.2 step 8).
pub fn verify_jws(token: &str, keys: &JwkSet, rules: &SignatureRules) -> Result<VerifiedJws> {
    let p = check_header(token, keys, rules, None)?.open()?;
    verify_signature(p.alg, &p.key, p.signing_input(token), &p.signature)?;
    Ok(p.verified())
}

/// Steps 1–4 of [`verify_jws`], plus the signature's length: RSASSA signatures are exactly the
/// modulus length (RFC 8017 §8.2.2 step 1, §8.1.2 step 1), ES256 signatures exactly 64 bytes
/// (RFC 7518 §3.4). Checking the length here makes every signature backend see the same inputs.
///
/// The header is read in place; only its text, `kid` and `typ` are kept. With `memo`, the outcome
/// for the last header part seen is reused when this token's header part is the same text (tokens
/// from one issuer usually share it byte for byte), and remembered otherwise: the header's checks
/// depend only on the header, the key set and the rules, so the caller must clear the memo
/// whenever the key set or the rules change. The outcome is the same with or without it.
///
/// When a check fails, a malformed payload is reported first, as [`decode_unverified`](crate::jose::compact::decode_unverified)
/// reads the payload before anything is judged.
pub fn check_header<'t, 'k>(token: &'t str, keys: &'k JwkSet, rules: &SignatureRules, memo: Option<&mut Option<HeaderMemo>>) -> Result<Checked<'t, 'k>> {
    let parts = split_parts(token, rules.max_token_bytes)?;
    let Some(memo) = memo else {
        return check_parts(parts, keys, rules);
    };
    if let Some(m) = memo.as_ref().filter(|m| m.segment == parts.header) {
        if let Some(key) = keys.keys().get(m.key_index) {
            return match decode_signature(parts.signature).and_then(|s| of_length(s, key)) {
                Ok(signature) => Ok(Checked {
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
    let c = check_parts(parts, keys, rules)?;
    *memo = Some(HeaderMemo {
        segment: parts.header.to_owned(),
        header_json: c.header_json.clone(),
        kid: c.kid.clone(),
        typ: c.typ.clone(),
        alg: c.alg,
        key_index: c.key_index,
    });
    Ok(c)
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

fn check_parts<'t, 'k>(parts: Parts<'t>, keys: &'k JwkSet, rules: &SignatureRules) -> Result<Checked<'t, 'k>> {
    let header_json = decode_text(parts.header, "header")?;
    let header = parse_text(&header_json, "header")?;
    match header_checks(&header, parts.signature, keys, rules) {
        Ok((alg, key_index, key, signature)) => {
            let owned = |name: &str| header.member(name).and_then(|m| m.as_str()).map(Rc::from);
            Ok(Checked {
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

/// What [`check_header`] concluded about one header part with one key set, to reuse for the next
/// token whose header part is the same text.
#[derive(Clone, Debug)]
pub struct HeaderMemo {
    segment: String,
    header_json: Rc<str>,
    kid: Option<Rc<str>>,
    typ: Option<Rc<str>>,
    alg: Algorithm,
    key_index: usize,
}

/// Stage 2: a JWS whose header, key and signature length passed [`check_header`]; the payload is
/// not read yet.
#[derive(Debug)]
pub struct Checked<'t, 'k> {
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
    /// The key's position in the set (to cache a platform key object per key).
    pub key_index: usize,
    /// The signature bytes, of the exact length the algorithm and key call for.
    pub signature: Vec<u8>,
    /// Length of the signing input `header.payload` at the start of the token.
    pub signing_input_len: usize,
    /// The payload part, still base64url.
    pub payload: &'t str,
}

impl Checked<'_, '_> {
    /// The signing input `header.payload` (RFC 7515 §5.2 step 8) of `token`, the token checked.
    pub fn signing_input<'a>(&self, token: &'a str) -> &'a [u8] {
        token.as_bytes().get(..self.signing_input_len).unwrap_or_default()
    }

    /// Stage 3: read the payload, a JSON object without duplicate members. The key is copied, so
    /// the opened JWS can wait for the platform's signature check apart from the key set.
    pub fn open(self) -> Result<Opened> {
        let (claims, payload_json) = decode_payload(self.payload)?;
        Ok(Opened {
            typ: self.typ,
            claims,
            alg: self.alg,
            key: self.key.clone(),
            key_index: self.key_index,
            signature: self.signature,
            signing_input_len: self.signing_input_len,
            json: RawJson { header: self.header_json.to_string(), payload: payload_json },
        })
    }
}

/// Stage 3: a [`Checked`] JWS with its payload read, **before** the signature check. Whoever
/// checks the signature (this crate's [`verify_signature`], or the platform's crypto) calls
/// [`Opened::verified`] only if it verified.
#[derive(Debug)]
pub struct Opened {
    /// The header's `typ`, when it is a string.
    pub typ: Option<Rc<str>>,
    /// The payload, not yet authentic.
    pub claims: Map<String, Value>,
    /// The allowed algorithm named by the header.
    pub alg: Algorithm,
    /// The key selected from the set.
    pub key: PublicJwk,
    /// The key's position in the set.
    pub key_index: usize,
    /// The signature bytes, of the right length.
    pub signature: Vec<u8>,
    /// Length of the signing input `header.payload` at the start of the token.
    pub signing_input_len: usize,
    /// The header and payload texts.
    pub json: RawJson,
}

impl Opened {
    /// The signing input `header.payload` of `token`, the token opened.
    pub fn signing_input<'a>(&self, token: &'a str) -> &'a [u8] {
        token.as_bytes().get(..self.signing_input_len).unwrap_or_default()
    }

    /// Stage 4, once the signature checked out.
    pub fn verified(self) -> VerifiedJws {
        VerifiedJws { typ: self.typ, claims: self.claims, alg: self.alg, json: self.json }
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
