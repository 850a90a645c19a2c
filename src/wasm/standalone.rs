//! The standalone verifier (`createVerifier`), for APIs and edge workers: the Cargo feature
//! `verifier`. A converter over the core's machine ([`crate::verifier_driver`]): the requests for
//! keys are made by the JavaScript layer (see `nextRequest`), and the signature arithmetic is
//! handed to a backend there (see `verifyPrepareNow`).

use std::cell::{Cell, RefCell};

use wasm_bindgen::prelude::*;

use super::{io, js_error, object_in_place, seconds_option, Head};
use crate::error::Result;
use crate::verifier::Verifier;
use crate::verifier_driver::{Prepared, VerifierDriver};

/// For checking that a platform's signature check agrees with this crate's: the canonical public
/// JWK (JSON) when `jwk_json` is a usable key for `alg` and `signature_len` is the length that
/// key's signatures have (what `verifyPrepareNow` checks before handing a signature to the
/// platform); undefined otherwise.
#[wasm_bindgen(js_name = signatureCheckInput)]
pub fn signature_check_input(jwk_json: &str, alg: &str, signature_len: usize) -> Option<String> {
    let obj = crate::json::parse_object(jwk_json.as_bytes()).ok()?;
    let key = crate::jose::jwk::PublicJwk::from_json(&obj).ok()?;
    let alg = crate::jose::Algorithm::from_name(alg)?;
    (key.usable_for(alg) && crate::jose::verify::signature_len(&key) == signature_len).then_some(key.public)
}

/// RFC 6750 §2.1: the token of an `Authorization: Bearer <token>` header value; else
/// `ERR_BEARER_TOKEN_MISSING`.
#[wasm_bindgen(js_name = bearerToken)]
pub fn bearer_token(authorization: &str) -> core::result::Result<String, JsValue> {
    crate::verifier::bearer_token(authorization).map(str::to_owned).map_err(js_error)
}


/// Verifies JWTs locally against the issuer's JWKS.
#[wasm_bindgen]
pub struct WasmVerifier {
    inner: RefCell<VerifierDriver>,
    /// The last prepared verification, for JavaScript to read from wasm memory (see [`Head`]).
    head: Cell<Head>,
    timeout_ms: u32,
}

type JsResult<T> = core::result::Result<T, JsValue>;

impl WasmVerifier {
    /// Describe waiting verification `handle` at `head`; false when there is none.
    fn set_head(&self, handle: u32) -> bool {
        let inner = self.inner.borrow();
        let Some((c, sig, input)) = inner.signature_bytes(handle) else { return false };
        self.head.set(Head {
            tag: c.handle,
            generation: (c.generation & 0xffff_ffff) as u32,
            key_index: c.key_index as u32,
            alg: Head::alg_index(c.alg),
            signature: Head::range(sig),
            input: Head::range(input),
            text: [0, 0],
        });
        true
    }

    /// A prepared verification for JavaScript: the cached result (a string), the handle (a
    /// number) described at `headAddress`, or null when I/O is needed first.
    fn prepared(&self, p: Prepared) -> JsValue {
        match p {
            Prepared::Cached(hit) => JsValue::from_str(&hit),
            Prepared::Signature(c) => {
                self.set_head(c.handle);
                JsValue::from(c.handle)
            }
            Prepared::NeedsIo => JsValue::NULL,
        }
    }
}

#[wasm_bindgen]
impl WasmVerifier {
    /// Validate the options (JSON; see `Verifier::from_options`, plus `jwksTimeout` in seconds
    /// and `tokenCacheSize`).
    #[wasm_bindgen(constructor)]
    pub fn new(options_json: &str) -> JsResult<WasmVerifier> {
        let run = || -> Result<WasmVerifier> {
            let raw = object_in_place(options_json, "the verifier options")?;
            let timeout_ms = (seconds_option(&raw, "jwksTimeout", 5.0, 600)? * 1000.0) as u32;
            let token_cache = seconds_option(&raw, "tokenCacheSize", 0.0, 1_000_000)? as usize;
            let verifier = Verifier::from_options(&raw)?;
            Ok(WasmVerifier {
                inner: RefCell::new(VerifierDriver::new(verifier, token_cache)),
                head: Cell::default(),
                timeout_ms: timeout_ms.max(1),
            })
        };
        run().map_err(js_error)
    }

    /// The request to make before `token` can be verified (see `receive`), as JSON
    /// `{ url, headers, timeoutMs }` (a GET): the discovery document, or the JWKS when the cache
    /// policy wants it; undefined when no I/O is wanted. With no keys and no fetch wanted (within
    /// the cooldown after a failed fetch), that fetch's error. JavaScript makes the request, one
    /// at a time per verifier, and hands the answer to `receive` or `receiveFailure`.
    #[wasm_bindgen(js_name = nextRequest)]
    pub fn next_request(&self, token: &str) -> JsResult<Option<String>> {
        let req = self.inner.borrow_mut().next_request(token, io::now()).map_err(js_error)?;
        Ok(req.map(|r| {
            let headers: serde_json::Map<String, serde_json::Value> = r.headers.into_iter().map(|(k, v)| (k, v.into())).collect();
            crate::json::to_text(&crate::json::object! { "url" => r.url, "headers" => headers, "timeoutMs" => self.timeout_ms })
        }))
    }

    /// The answer to the request `nextRequest` gave: its status, its headers as `name: value`
    /// lines, its body. Throws the verification's error when it brought no usable answer (a
    /// discovery document refused, or no keys).
    pub fn receive(&self, url: &str, status: u16, headers: &str, body: String) -> JsResult<()> {
        let answer = crate::http::response_from_parts(url, status, headers, body);
        self.inner.borrow_mut().receive(answer, io::now()).map_err(js_error)
    }

    /// `receive` for that request failing: the JavaScript error's `name` and `message`.
    #[wasm_bindgen(js_name = receiveFailure)]
    pub fn receive_failure(&self, url: &str, name: &str, message: &str) -> JsResult<()> {
        let e = crate::http::fetch_failure(url, name, message, self.timeout_ms);
        self.inner.borrow_mut().receive(Err(e), io::now()).map_err(js_error)
    }

    /// A verification up to the platform's signature check, when it needs no I/O (the keys are
    /// loaded and the cache policy wants no fetch for this token): the cached result (a JSON
    /// string) or the handle of a prepared verification (described at `headAddress`; then call
    /// `verifyFinish`); null when the requests of `nextRequest` must be made first.
    #[wasm_bindgen(js_name = verifyPrepareNow)]
    pub fn verify_prepare_now(&self, token: &str) -> JsResult<JsValue> {
        let p = self.inner.borrow_mut().prepare(token, io::now(), true).map_err(js_error)?;
        Ok(self.prepared(p))
    }

    /// `verifyPrepareNow` with the keys already loaded, never null: without them, ERR_JWKS_NOT_LOADED.
    #[wasm_bindgen(js_name = verifyPrepareSync)]
    pub fn verify_prepare_sync(&self, token: &str) -> JsResult<JsValue> {
        let p = self.inner.borrow_mut().prepare(token, io::now(), false).map_err(js_error)?;
        Ok(self.prepared(p))
    }

    /// The address in wasm memory of the [`Head`] describing the last prepared verification: its
    /// handle, key generation, key index, algorithm index (in `Algorithm::ALL`), then address and
    /// length of the signature and of the signing input, valid until `verifyFinish`.
    #[wasm_bindgen(js_name = headAddress)]
    pub fn head_address(&self) -> u32 {
        self.head.as_ptr() as usize as u32
    }

    /// Describe the prepared verification `handle` at `headAddress` again (another one may have
    /// been prepared since, while JavaScript awaited): false when there is no such verification.
    pub fn describe(&self, handle: u32) -> bool {
        self.set_head(handle)
    }

    /// Judge the payload of a prepared token (call it while the platform checks the signature):
    /// the result, JSON `{ payload, protectedHeader }`, when the claims passed, which must not be
    /// used unless `verifyFinish` then succeeds; undefined otherwise (`verifyFinish` says why).
    #[wasm_bindgen(js_name = verifyClaims)]
    pub fn verify_claims(&self, handle: u32) -> Option<String> {
        self.inner.borrow_mut().judge(handle, io::now())
    }

    /// The claim checks after the platform's signature check (`signatureOk`): the result, JSON
    /// `{ payload, protectedHeader }`, or undefined when `verifyClaims` returned it already; an
    /// error when the token is refused. With `signatureOk` undefined the prepared token is dropped.
    #[wasm_bindgen(js_name = verifyFinish)]
    pub fn verify_finish(&self, handle: u32, signature_ok: Option<bool>) -> JsResult<Option<String>> {
        let mut inner = self.inner.borrow_mut();
        match signature_ok {
            Some(ok) => inner.finish(handle, ok, io::now()).map_err(js_error),
            None => {
                inner.abandon(handle);
                Ok(None)
            }
        }
    }

    /// The public JWK (JSON) of key `index` of the key set of `generation`, for the platform to
    /// import; undefined when the keys changed since.
    #[wasm_bindgen(js_name = publicKey)]
    pub fn public_key(&self, generation: u32, index: usize) -> Option<String> {
        let inner = self.inner.borrow();
        if u64::from(generation) != inner.generation() & 0xffff_ffff {
            return None;
        }
        inner.public_key(inner.generation(), index).map(str::to_owned)
    }

    /// Verify with the keys already loaded, without any I/O, with this crate's own arithmetic
    /// (the JavaScript layer uses the prepared path with a backend instead).
    #[cfg(feature = "wasm-crypto")]
    #[wasm_bindgen(js_name = verifySync)]
    pub fn verify_sync(&self, token: &str) -> JsResult<String> {
        self.inner.borrow_mut().verify_now(token, io::now()).map_err(js_error)
    }

    /// The JWKS cache as JSON, to keep between isolates (null before the first fetch).
    #[wasm_bindgen(js_name = exportJwksCache)]
    pub fn export_jwks_cache(&self) -> String {
        self.inner.borrow().export()
    }

    /// Load a cache exported earlier.
    #[wasm_bindgen(js_name = importJwksCache)]
    pub fn import_jwks_cache(&self, json: &str) -> JsResult<()> {
        let run = || -> Result<()> { self.inner.borrow_mut().import(&object_in_place(json, "the JWKS cache")?) };
        run().map_err(js_error)
    }

    /// The answer to the JWKS fetch the JavaScript layer made for `uri` while the module loaded
    /// (status, headers as `name: value` lines, body), taken as the first fetch of the keys;
    /// false when this verifier does not want it (another jwks_uri, keys already held). Throws
    /// what a verification that waited for it gets when it brought no keys.
    #[wasm_bindgen(js_name = adoptJwksResponse)]
    pub fn adopt_jwks_response(&self, uri: &str, status: u16, headers: &str, body: String) -> JsResult<bool> {
        let answer = crate::http::response_from_parts(uri, status, headers, body);
        self.inner.borrow_mut().adopt(uri, answer, io::now()).map_err(js_error)
    }

    /// `adoptJwksResponse` for that fetch failing: the JavaScript error's `name` and `message`.
    #[wasm_bindgen(js_name = adoptJwksFailure)]
    pub fn adopt_jwks_failure(&self, uri: &str, name: &str, message: &str) -> JsResult<bool> {
        let e = crate::http::fetch_failure(uri, name, message, self.timeout_ms);
        self.inner.borrow_mut().adopt(uri, Err(e), io::now()).map_err(js_error)
    }

    /// Warnings since the last call (keys skipped, a JWKS refresh that failed), as a JSON array;
    /// undefined when there are none.
    #[wasm_bindgen(js_name = takeWarnings)]
    pub fn take_warnings(&self) -> Option<String> {
        let w = self.inner.borrow_mut().take_warnings();
        (!w.is_empty()).then(|| crate::json::to_text(&serde_json::Value::from(w)))
    }
}
