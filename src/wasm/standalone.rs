//! The standalone verifier (`createVerifier`), for APIs and edge workers: the Cargo feature
//! `verifier`. The signature arithmetic may be handed to the platform (see `verifyPrepareNow`), and
//! the requests for keys are made by the JavaScript layer (see `nextRequest`).

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;

use super::keys::KeyStore;
use super::{io, js_error, object_in_place, seconds_option};
use crate::jose::json::Members as _;
use crate::error::{Code, Error, Result};
use crate::verifier::{self, CacheTimes, TokenCache, Verifier};

/// For checking that a platform's signature check agrees with this crate's: the canonical public
/// JWK (JSON) when `jwk_json` is a usable key for `alg` and `signature_len` is the length that
/// key's signatures have (what `verifyPrepareNow` checks before handing a signature to the
/// platform); undefined otherwise.
#[wasm_bindgen(js_name = signatureCheckInput)]
pub fn signature_check_input(jwk_json: &str, alg: &str, signature_len: usize) -> Option<String> {
    let obj = crate::jose::json::parse_object(jwk_json.as_bytes()).ok()?;
    let key = crate::jose::jwk::PublicJwk::from_json(&obj).ok()?;
    let alg = crate::jose::Algorithm::from_name(alg)?;
    (key.usable_for(alg) && crate::jose::verify::signature_len(&key) == signature_len).then_some(key.public)
}

/// The module's memory, for the views `WasmVerifier::headAddress` describes.
#[wasm_bindgen(js_name = wasmMemory)]
pub fn wasm_memory() -> JsValue {
    wasm_bindgen::memory()
}

struct VerifierInner {
    verifier: RefCell<Verifier>,
    keys: Rc<KeyStore>,
    tokens: RefCell<(u64, TokenCache)>,
    /// Tokens whose signature the platform is checking, with their handles, in the order they
    /// were last touched (the last handle given, and the list: usually one or a few entries).
    pending: RefCell<(u32, std::collections::VecDeque<(u32, Pending)>)>,
    /// The last header's checks, for the key set of the generation it holds.
    header_memo: RefCell<(u64, Option<crate::jose::verify::HeaderMemo>)>,
    /// What the last prepared verification gives JavaScript, read there from wasm memory (so
    /// nothing is allocated on the JavaScript side): handle, key generation, key index,
    /// algorithm index, then address and length of the signature and of the signing input.
    head: core::cell::Cell<[u32; 8]>,
}

/// A token handed to the platform's signature check: its header, then (once `verifyClaims` ran
/// while the platform works) the judgement of its payload.
struct Pending {
    /// The token, kept only when the verified-token cache is on.
    token: Option<String>,
    /// The signature, then the signing input: JavaScript hands views of these bytes to the
    /// platform, which copies them at the call (WebCrypto's "get a copy of the bytes held by",
    /// node:crypto's synchronous verify). They stay here, unmoved, until the verification ends.
    bytes: Vec<u8>,
    /// Its description for JavaScript (see `VerifierInner::head`).
    head: [u32; 8],
    stage: Stage,
}

enum Stage {
    Header { header_json: Rc<str>, typ: Option<Rc<str>>, payload: String },
    /// A malformed payload (reported before the signature), or the claim checks' result.
    Judged(Judgement),
}

/// A malformed payload (the outer error), or the claim checks' result.
type Judgement = core::result::Result<Result<Judged>, Error>;

/// A payload whose claims passed, waiting for its signature check.
struct Judged {
    /// The result, `{ payload, protectedHeader }` (JSON).
    out: String,
    /// For the verified-token cache.
    times: CacheTimes,
    /// Whether `verifyClaims` already handed `out` to JavaScript (which keeps it until the
    /// signature verified), so `verifyFinish` need not send it again.
    given: bool,
}

impl VerifierInner {
    fn judge(&self, stage: Stage, now: u64) -> Judgement {
        match stage {
            Stage::Judged(j) => j,
            Stage::Header { header_json, typ, payload } => {
                let checked = self.verifier.borrow().finish_lean(&header_json, typ.as_deref(), &payload, now)?;
                Ok(checked.map(|(out, times)| Judged { out, times, given: false }))
            }
        }
    }
}

/// Most verifications that may wait on the platform's signature check at once; beyond it the
/// oldest is forgotten (its `verifyFinish` then fails with ERR_INTERNAL, never verifies).
const MAX_PENDING: usize = 4096;

impl VerifierInner {
    fn take_pending(&self, handle: u32) -> Option<Pending> {
        let mut pending = self.pending.borrow_mut();
        let i = pending.1.iter().position(|(h, _)| *h == handle)?;
        pending.1.remove(i).map(|(_, p)| p)
    }

    fn cached(&self, token: &str, now: u64) -> Option<String> {
        let mut t = self.tokens.borrow_mut();
        if t.0 != self.keys.generation.get() {
            t.1.clear();
            t.0 = self.keys.generation.get();
        }
        t.1.get(token, now).map(str::to_owned)
    }

    /// The request the cache policy wants before `token` can be verified: the discovery
    /// document when no jwksUri was given, else the JWKS when `fetch_before_verify` wants it
    /// (which counts it as the attempt for the cooldown). None when no I/O is wanted (a cached
    /// result, or keys fresh enough); with no keys and no fetch wanted (the cooldown), the last
    /// fetch's error.
    fn next_request(&self, token: &str, now: u64) -> Result<Option<crate::http::HttpRequest>> {
        if self.cached(token, now).is_some() {
            return Ok(None);
        }
        let v = self.verifier.borrow();
        if let Some(req) = v.discovery_request() {
            return Ok(Some(req));
        }
        let req = self.keys.cache.borrow_mut().as_mut().and_then(|c| verifier::fetch_before_verify(c, token, v.max_token_bytes(), now));
        match req {
            Some(req) => Ok(Some(req)),
            None => self.keys.error_if_empty().map(|()| None),
        }
    }

    /// The answer to the request `next_request` gave (or its failure): the discovery document
    /// (its error is the verification's), or the JWKS (a failure keeps the keys held, with a
    /// warning; with no keys, its error is the verification's).
    fn receive(&self, answer: Result<crate::http::HttpResponse>) -> Result<()> {
        let mut v = self.verifier.borrow_mut();
        if !v.needs_discovery() {
            drop(v);
            self.keys.settle(answer, false);
            return self.keys.error_if_empty();
        }
        v.process_discovery_response(&answer?)?;
        // Keep an imported cache for the same jwks_uri.
        let fresh = v.new_cache();
        let mut cache = self.keys.cache.borrow_mut();
        if cache.as_ref().map(|c| c.uri()) != fresh.as_ref().map(|c| c.uri()) {
            *cache = fresh;
        }
        Ok(())
    }

    /// A cached result as a string, or the handle (a number) of a verification whose signature
    /// the platform is to check, described in `head`. With `no_io`,
    /// `None` when the token needs I/O first (discovery, or a JWKS fetch the cache policy wants
    /// for it), so the requests of `nextRequest` must be made first.
    fn prepare_loaded(&self, token: &str, now: u64, no_io: bool) -> Result<Option<JsValue>> {
        if let Some(hit) = self.cached(token, now) {
            return Ok(Some(JsValue::from_str(&hit)));
        }
        if no_io && self.verifier.borrow().needs_discovery() {
            return Ok(None);
        }
        let v = self.verifier.borrow();
        let cache = self.keys.cache.borrow();
        let mut memo = self.header_memo.borrow_mut();
        if memo.0 != self.keys.generation.get() {
            *memo = (self.keys.generation.get(), None);
        }
        let p = match v.prepare_lean_with(cache.as_ref(), token, &mut memo.1) {
            Ok(p) => p,
            Err(e) => {
                // With no keys, the awaited path answers: it fetches, or gives the last fetch's error.
                let fetch = no_io
                    && cache.as_ref().is_none_or(|c| {
                        c.keys().is_none() || verifier::wants_fetch_before_verify(c, token, v.max_token_bytes(), now)
                    });
                return if fetch { Ok(None) } else { Err(e) };
            }
        };
        if no_io && cache.as_ref().is_none_or(|c| c.wants_fetch(p.kid.as_deref(), now)) {
            return Ok(None);
        }
        let alg = crate::jose::Algorithm::ALL.iter().position(|a| *a == p.alg).unwrap_or_default();
        let input = token.as_bytes().get(..p.signing_input_len).unwrap_or_default();
        let mut bytes = p.signature;
        bytes.extend_from_slice(input);
        let mut pending = self.pending.borrow_mut();
        pending.0 = pending.0.wrapping_add(1);
        let handle = pending.0;
        let at = bytes.as_ptr() as usize as u32;
        let sig_len = bytes.len() - input.len();
        let head = [
            handle,
            (self.keys.generation.get() & 0xffff_ffff) as u32,
            p.key_index as u32,
            alg as u32,
            at,
            sig_len as u32,
            at + sig_len as u32,
            input.len() as u32,
        ];
        self.head.set(head);
        let entry = Pending {
            token: self.tokens.borrow().1.enabled().then(|| token.to_owned()),
            bytes,
            head,
            stage: Stage::Header { header_json: p.header_json, typ: p.typ, payload: p.payload.to_owned() },
        };
        if pending.1.len() >= MAX_PENDING {
            pending.1.pop_front();
        }
        pending.1.push_back((handle, entry));
        Ok(Some(JsValue::from(handle)))
    }

    /// Read and judge a prepared token's payload while the platform checks its signature: the
    /// result (JSON) when the claims passed, for JavaScript to parse meanwhile and to return
    /// only once the signature verified.
    fn judge_pending(&self, handle: u32, now: u64) -> Option<String> {
        let p = self.take_pending(handle)?;
        let keep = p.token.is_some();
        let mut judged = self.judge(p.stage, now);
        let early = match &mut judged {
            Ok(Ok(j)) => {
                j.given = true;
                // The cache needs the text too; otherwise it leaves at once.
                Some(if keep { j.out.clone() } else { core::mem::take(&mut j.out) })
            }
            _ => None,
        };
        self.pending.borrow_mut().1.push_back((handle, Pending { token: p.token, bytes: p.bytes, head: p.head, stage: Stage::Judged(judged) }));
        early
    }

    /// The end of a prepared token, once the platform said whether its signature holds: a
    /// malformed payload first, then the signature, then the claims (the order of `verify`).
    /// The result (JSON), or `None` when `verifyClaims` already gave it.
    fn finish(&self, handle: u32, signature_ok: bool, now: u64) -> Result<Option<String>> {
        let p = self.take_pending(handle).ok_or_else(|| {
            Error::new(Code::Internal, "the verification was forgotten before its signature check ended (too many at once)")
        })?;
        let claims = self.judge(p.stage, now)?;
        if !signature_ok {
            return Err(Error::new(Code::JwsSignatureVerificationFailed, "the token's signature does not verify"));
        }
        let judged = claims?;
        if let Some(token) = p.token {
            let v = self.verifier.borrow();
            self.tokens.borrow_mut().1.put(&token, judged.times, judged.out.clone(), v.claim_rules());
        }
        Ok((!judged.given).then_some(judged.out))
    }

    #[cfg(feature = "wasm-crypto")]
    fn verify_loaded(&self, token: &str, now: u64) -> Result<String> {
        if let Some(hit) = self.cached(token, now) {
            return Ok(hit);
        }
        let v = self.verifier.borrow();
        let cache = self.keys.cache.borrow();
        let verified = v.verify_with(cache.as_ref(), token, now)?;
        let out = verified.to_json_string();
        self.tokens.borrow_mut().1.put(token, CacheTimes::of(&verified.claims), out.clone(), v.claim_rules());
        Ok(out)
    }
}

/// Verifies JWTs locally against the issuer's JWKS.
#[wasm_bindgen]
pub struct WasmVerifier {
    inner: Rc<VerifierInner>,
}

#[wasm_bindgen]
impl WasmVerifier {
    /// Validate the options (JSON; see `Verifier::from_options`, plus `jwksTimeout` in seconds).
    #[wasm_bindgen(constructor)]
    pub fn new(options_json: &str) -> core::result::Result<WasmVerifier, JsValue> {
        let run = || -> Result<WasmVerifier> {
            let raw = object_in_place(options_json, "the verifier options")?;
            let timeout_ms = (seconds_option(&raw, "jwksTimeout", 5.0, 600)? * 1000.0) as u32;
            let token_cache = seconds_option(&raw, "tokenCacheSize", 0.0, 1_000_000)? as usize;
            let verifier = Verifier::from_options(&raw)?;
            let keys = KeyStore::new(timeout_ms.max(1));
            *keys.cache.borrow_mut() = verifier.new_cache();
            Ok(WasmVerifier {
                inner: Rc::new(VerifierInner {
                    verifier: RefCell::new(verifier),
                    keys,
                    tokens: RefCell::new((0, TokenCache::new(token_cache))),
                    pending: RefCell::new((0, Default::default())),
                    header_memo: RefCell::new((0, None)),
                    head: Default::default(),
                }),
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
    pub fn next_request(&self, token: &str) -> core::result::Result<Option<String>, JsValue> {
        let req = self.inner.next_request(token, io::now()).map_err(js_error)?;
        Ok(req.map(|r| {
            let headers: serde_json::Map<String, serde_json::Value> = r.headers.into_iter().map(|(k, v)| (k, v.into())).collect();
            serde_json::json!({ "url": r.url, "headers": headers, "timeoutMs": self.inner.keys.timeout_ms() }).to_string()
        }))
    }

    /// The answer to the request `nextRequest` gave: its status, its headers as `name: value`
    /// lines, its body. Throws the verification's error when it brought no usable answer (a
    /// discovery document refused, or no keys).
    pub fn receive(&self, url: &str, status: u16, headers: &str, body: String) -> core::result::Result<(), JsValue> {
        self.inner.receive(crate::http::response_from_parts(url, status, headers, body)).map_err(js_error)
    }

    /// `receive` for that request failing: the JavaScript error's `name` and `message`.
    #[wasm_bindgen(js_name = receiveFailure)]
    pub fn receive_failure(&self, url: &str, name: &str, message: &str) -> core::result::Result<(), JsValue> {
        self.inner.receive(Err(crate::http::fetch_failure(url, name, message, self.inner.keys.timeout_ms()))).map_err(js_error)
    }

    /// A verification up to the platform's signature check, when it needs no I/O (the keys are
    /// loaded and the cache policy wants no fetch for this token): the cached result (a JSON
    /// string) or the handle of a prepared verification (see `prepare_loaded` and `headAddress`;
    /// then call `verifyFinish`); null when the requests of `nextRequest` must be made first.
    #[wasm_bindgen(js_name = verifyPrepareNow)]
    pub fn verify_prepare_now(&self, token: &str) -> core::result::Result<JsValue, JsValue> {
        Ok(self.inner.prepare_loaded(token, io::now(), true).map_err(js_error)?.unwrap_or(JsValue::NULL))
    }

    /// `verifyPrepareNow` with the keys already loaded, never null: without them, ERR_JWKS_NOT_LOADED.
    #[wasm_bindgen(js_name = verifyPrepareSync)]
    pub fn verify_prepare_sync(&self, token: &str) -> core::result::Result<JsValue, JsValue> {
        let prepared = self.inner.prepare_loaded(token, io::now(), false).map_err(|e| js_error(self.inner.keys.explain(e)))?;
        Ok(prepared.unwrap_or(JsValue::NULL))
    }

    /// The address in wasm memory of eight u32s describing the last prepared verification: its
    /// handle, key generation, key index, algorithm index (in `Algorithm::ALL`), then address and
    /// length of the signature and of the signing input, valid until `verifyFinish`.
    #[wasm_bindgen(js_name = headAddress)]
    pub fn head_address(&self) -> u32 {
        self.inner.head.as_ptr() as usize as u32
    }

    /// Describe the prepared verification `handle` at `headAddress` again (another one may have
    /// been prepared since, while JavaScript awaited): false when there is no such verification.
    pub fn describe(&self, handle: u32) -> bool {
        let pending = self.inner.pending.borrow();
        let Some((_, p)) = pending.1.iter().find(|(h, _)| *h == handle) else { return false };
        self.inner.head.set(p.head);
        true
    }

    /// Judge the payload of a prepared token (call it while the platform checks the signature):
    /// the result, JSON `{ payload, protectedHeader }`, when the claims passed, which must not be
    /// used unless `verifyFinish` then succeeds; undefined otherwise (`verifyFinish` says why).
    #[wasm_bindgen(js_name = verifyClaims)]
    pub fn verify_claims(&self, handle: u32) -> Option<String> {
        self.inner.judge_pending(handle, io::now())
    }

    /// The claim checks after the platform's signature check (`signatureOk`): the result, JSON
    /// `{ payload, protectedHeader }`, or undefined when `verifyClaims` returned it already; an
    /// error when the token is refused. With `signatureOk` undefined the prepared token is dropped.
    #[wasm_bindgen(js_name = verifyFinish)]
    pub fn verify_finish(&self, handle: u32, signature_ok: Option<bool>) -> core::result::Result<Option<String>, JsValue> {
        match signature_ok {
            Some(ok) => self.inner.finish(handle, ok, io::now()).map_err(js_error),
            None => {
                self.inner.take_pending(handle);
                Ok(None)
            }
        }
    }

    /// The public JWK (JSON) of key `index` of the key set of `generation`, for the platform to
    /// import; undefined when the keys changed since.
    #[wasm_bindgen(js_name = publicKey)]
    pub fn public_key(&self, generation: u32, index: usize) -> Option<String> {
        if u64::from(generation) != self.inner.keys.generation.get() & 0xffff_ffff {
            return None;
        }
        let cache = self.inner.keys.cache.borrow();
        cache.as_ref()?.keys()?.keys().get(index).map(|k| k.public.clone())
    }

    /// Verify with the keys already loaded, without any I/O, with this crate's own arithmetic
    /// (the JavaScript layer uses the prepared path with a backend instead).
    #[cfg(feature = "wasm-crypto")]
    #[wasm_bindgen(js_name = verifySync)]
    pub fn verify_sync(&self, token: &str) -> core::result::Result<String, JsValue> {
        self.inner.verify_loaded(token, io::now()).map_err(|e| js_error(self.inner.keys.explain(e)))
    }

    /// The JWKS cache as JSON, to keep between isolates (null before the first fetch).
    #[wasm_bindgen(js_name = exportJwksCache)]
    pub fn export_jwks_cache(&self) -> String {
        self.inner.keys.cache.borrow().as_ref().map(|c| c.export()).unwrap_or_else(|| "null".into())
    }

    /// Load a cache exported earlier.
    #[wasm_bindgen(js_name = importJwksCache)]
    pub fn import_jwks_cache(&self, json: &str) -> core::result::Result<(), JsValue> {
        let run = || -> Result<()> {
            let v = object_in_place(json, "the JWKS cache")?;
            let mut cache = self.inner.keys.cache.borrow_mut();
            if cache.is_none() {
                let uri = v.member("uri").and_then(|m| m.as_str()).ok_or_else(|| {
                    Error::new(Code::InvalidArgument, "the JWKS cache to import has no uri")
                })?;
                *cache = Some(crate::jose::cache::JwksCache::new(
                    uri,
                    crate::jose::cache::DEFAULT_MAX_AGE,
                    crate::jose::cache::DEFAULT_COOLDOWN,
                ));
            }
            let warnings = cache.as_mut().map(|c| c.import(&v)).transpose()?.unwrap_or_default();
            self.inner.keys.generation.set(self.inner.keys.generation.get() + 1);
            self.inner.keys.warnings.borrow_mut().extend(warnings);
            Ok(())
        };
        run().map_err(js_error)
    }

    /// The answer to the JWKS fetch the JavaScript layer made for `uri` while the module loaded
    /// (status, headers as `name: value` lines, body), taken as the first fetch of the keys;
    /// false when this verifier does not want it (another jwks_uri, keys already held). Throws what a verification that waited for it gets when it brought no keys.
    #[wasm_bindgen(js_name = adoptJwksResponse)]
    pub fn adopt_jwks_response(&self, uri: &str, status: u16, headers: &str, body: String) -> core::result::Result<bool, JsValue> {
        self.inner.keys.adopt(uri, crate::http::response_from_parts(uri, status, headers, body)).map_err(js_error)
    }

    /// `adoptJwksResponse` for that fetch failing: the JavaScript error's `name` and `message`.
    #[wasm_bindgen(js_name = adoptJwksFailure)]
    pub fn adopt_jwks_failure(&self, uri: &str, name: &str, message: &str) -> core::result::Result<bool, JsValue> {
        let e = crate::http::fetch_failure(uri, name, message, self.inner.keys.timeout_ms());
        self.inner.keys.adopt(uri, Err(e)).map_err(js_error)
    }

    /// Warnings since the last call (keys skipped, a JWKS refresh that failed), as a JSON array;
    /// undefined when there are none.
    #[wasm_bindgen(js_name = takeWarnings)]
    pub fn take_warnings(&self) -> Option<String> {
        let w = self.inner.keys.take_warnings();
        (!w.is_empty()).then(|| serde_json::Value::from(w).to_string())
    }
}
