//! This crate's own signature arithmetic (rsa, p256: the Cargo feature `wasm-crypto`) for the
//! JavaScript layer, as a signature backend like WebCrypto: import a key, verify with it. The npm
//! package builds it as a module of its own (`oidc_wasm_crypto`), loaded only where it is needed:
//! `verifySync` where the platform's crypto is asynchronous, `crypto: 'wasm'`, a runtime without
//! WebCrypto, or a key the platform refuses. Every decision (algorithm, key, signature length,
//! claims) was made before, by the main module: this checks one signature.

use std::cell::RefCell;

use wasm_bindgen::prelude::*;

use super::js_error;
use crate::error::{Code, Error, Result};
use crate::jose::jwk::PublicJwk;
use crate::jose::Algorithm;

/// Keys imported, by handle; the oldest is dropped beyond this many (its handle then answers
/// undefined, and the JavaScript layer imports the key again).
const MAX_KEYS: usize = 256;

/// The last handle given, and the keys held with their handles.
struct Keys {
    last: u32,
    held: Vec<(u32, Algorithm, PublicJwk)>,
}

thread_local! {
    static KEYS: RefCell<Keys> = const { RefCell::new(Keys { last: 0, held: Vec::new() }) };
}

fn parse(jwk_json: &str, alg: &str) -> Result<(Algorithm, PublicJwk)> {
    let obj = crate::json::parse_object(jwk_json.as_bytes())
        .map_err(|e| Error::new(Code::InvalidArgument, format!("the JWK is not valid: {e}")))?;
    let key = PublicJwk::from_json(&obj)?;
    let alg = Algorithm::from_name(alg).ok_or_else(|| Error::new(Code::JoseAlgNotAllowed, format!("{alg:?} is not a supported algorithm")))?;
    if !key.usable_for(alg) {
        return Err(Error::new(Code::JwkInvalid, format!("the key cannot be used for {}", alg.name())));
    }
    Ok((alg, key))
}

/// Import a public JWK (JSON) for `alg`: a handle for `verify`. Throws `ERR_JWK_INVALID` (or
/// another code) for a key this crate refuses, as WebCrypto's `importKey` would.
#[wasm_bindgen(js_name = importKey)]
pub fn import_key(jwk_json: &str, alg: &str) -> core::result::Result<u32, JsValue> {
    let (alg, key) = parse(jwk_json, alg).map_err(js_error)?;
    Ok(KEYS.with(|k| {
        let mut k = k.borrow_mut();
        k.last = k.last.wrapping_add(1);
        let handle = k.last;
        if k.held.len() >= MAX_KEYS {
            k.held.remove(0);
        }
        k.held.push((handle, alg, key));
        handle
    }))
}

/// Whether `signature` over `input` verifies with the key of `handle`; undefined when that key
/// was dropped (import it again).
#[wasm_bindgen]
pub fn verify(handle: u32, signature: &[u8], input: &[u8]) -> Option<bool> {
    KEYS.with(|k| {
        let k = k.borrow();
        let (_, alg, key) = k.held.iter().find(|(h, _, _)| *h == handle)?;
        Some(crate::jose::verify::verify_signature(*alg, key, input, signature).is_ok())
    })
}

/// This crate's own check of `signature` over `message` with a JWK (JSON) at once: whether it
/// verifies. A key that does not parse is an error.
#[wasm_bindgen(js_name = verifySignatureWasm)]
pub fn verify_signature_wasm(jwk_json: &str, alg: &str, message: &[u8], signature: &[u8]) -> core::result::Result<bool, JsValue> {
    let (alg, key) = parse(jwk_json, alg).map_err(js_error)?;
    Ok(crate::jose::verify::verify_signature(alg, &key, message, signature).is_ok())
}
