//! A [`Verifier`] with everything it keeps between calls, as a machine the host drives: its
//! signing keys (the JWKS cache, the last fetch's failure, warnings, a generation bumped whenever
//! the keys change), its verified-token cache, the last header's checks, and the verifications
//! waiting for the platform's signature check. The host names no rule: it asks
//! [`VerifierDriver::next_request`] what to fetch and hands the answer to
//! [`VerifierDriver::receive`]; it asks [`VerifierDriver::prepare`] for a verification up to the
//! signature, has the signature checked (WebCrypto, node:crypto, or this crate's arithmetic), and
//! ends it with [`VerifierDriver::finish`].
//!
//! ```text
//! next_request(token) -> Some(request)   the host fetches it, then receive(answer)
//! prepare(token)      -> Cached(result)  done
//!                     -> Signature(sig)  the host checks `sig.signature` over `sig.input` with key
//!                                        `sig.key_index` of generation `sig.generation`;
//!                                        judge(handle) meanwhile, then finish(handle, ok)
//!                     -> NeedsIo         make the requests of next_request first
//! ```

use std::collections::VecDeque;
use std::rc::Rc;

use crate::error::{Code, Error, Result};
use crate::http::{HttpRequest, HttpResponse};
use crate::jose::cache::JwksCache;
use crate::json::{Members as _, Object};
use crate::jose::verify::HeaderMemo;
use crate::jose::Algorithm;
use crate::verifier::{self, CacheTimes, TokenCache, Verifier};

/// Most verifications that may wait on the platform's signature check at once; beyond it the
/// oldest is forgotten (its `finish` then fails with ERR_INTERNAL, never verifies).
pub const MAX_PENDING: usize = 4096;

/// A verification up to the signature: what the host checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignatureToCheck {
    /// The handle for [`VerifierDriver::judge`] and [`VerifierDriver::finish`].
    pub handle: u32,
    /// The key set's generation (see [`VerifierDriver::public_key`]).
    pub generation: u64,
    /// The key's position in the set.
    pub key_index: usize,
    /// The algorithm.
    pub alg: Algorithm,
}

/// What [`VerifierDriver::prepare`] gives.
#[derive(Debug)]
pub enum Prepared {
    /// The verified-token cache's result (JSON `{ payload, protectedHeader }`).
    Cached(String),
    /// A signature for the host to check; the bytes are at [`VerifierDriver::signature_bytes`].
    Signature(SignatureToCheck),
    /// The token needs I/O first (discovery, or a JWKS fetch the cache policy wants for it):
    /// make the requests of [`VerifierDriver::next_request`].
    NeedsIo,
}

/// A token handed to the platform's signature check: its header, then (once `judge` ran while
/// the platform works) the judgement of its payload.
struct Pending {
    /// The token, kept only when the verified-token cache is on.
    token: Option<String>,
    /// The signature, then the signing input. They stay here, unmoved (the host may read them in
    /// place), until the verification ends.
    bytes: Vec<u8>,
    signature_len: usize,
    check: SignatureToCheck,
    stage: Stage,
}

enum Stage {
    Header { header_json: Rc<str>, typ: Option<Rc<str>>, payload: String },
    /// A malformed payload (the outer error), or the claim checks' result.
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
    /// Whether `judge` already handed `out` to the host (which keeps it until the signature
    /// verified), so `finish` need not give it again.
    given: bool,
}

/// See the module documentation.
pub struct VerifierDriver {
    verifier: Verifier,
    keys: Option<JwksCache>,
    /// The last JWKS fetch's failure, until one succeeds.
    keys_error: Option<Error>,
    warnings: Vec<String>,
    /// Bumped whenever the keys change.
    generation: u64,
    /// The verified-token cache, and the generation it was filled with.
    tokens: (u64, TokenCache),
    /// The last handle given, and the verifications waiting (usually one or a few).
    pending: (u32, VecDeque<(u32, Pending)>),
    /// The last header's checks, for the key set of the generation it holds.
    header_memo: (u64, Option<HeaderMemo>),
}

impl VerifierDriver {
    /// A verifier with a verified-token cache of `token_cache_size` entries (0: none).
    pub fn new(verifier: Verifier, token_cache_size: usize) -> Self {
        let keys = verifier.new_cache();
        VerifierDriver {
            verifier,
            keys,
            keys_error: None,
            warnings: Vec::new(),
            generation: 0,
            tokens: (0, TokenCache::new(token_cache_size)),
            pending: (0, VecDeque::new()),
            header_memo: (0, None),
        }
    }

    /// The key set's generation: bumped whenever the keys change.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    fn cached(&mut self, token: &str, now: u64) -> Option<String> {
        if self.tokens.0 != self.generation {
            self.tokens.1.clear();
            self.tokens.0 = self.generation;
        }
        self.tokens.1.get(token, now).map(str::to_owned)
    }

    /// The request to make before `token` can be verified: the discovery document when no
    /// `jwksUri` was given, else the JWKS when the cache policy wants it (which counts it as the
    /// attempt for the cooldown). None when no I/O is wanted (a cached result, or keys fresh
    /// enough); with no keys and no fetch wanted (the cooldown), the last fetch's error.
    pub fn next_request(&mut self, token: &str, now: u64) -> Result<Option<HttpRequest>> {
        if self.cached(token, now).is_some() {
            return Ok(None);
        }
        if let Some(req) = self.verifier.discovery_request() {
            return Ok(Some(req));
        }
        let max = self.verifier.max_token_bytes();
        match self.keys.as_mut().and_then(|c| verifier::fetch_before_verify(c, token, max, now)) {
            Some(req) => Ok(Some(req)),
            None => self.error_if_empty().map(|()| None),
        }
    }

    /// The answer to the request [`VerifierDriver::next_request`] gave, or its failure: the
    /// discovery document (its error is the verification's), or the JWKS (a failure keeps the
    /// keys held, with a warning; with no keys, its error is the verification's).
    pub fn receive(&mut self, answer: Result<HttpResponse>, now: u64) -> Result<()> {
        if !self.verifier.needs_discovery() {
            self.settle(answer, false, now);
            return self.error_if_empty();
        }
        self.verifier.process_discovery_response(&answer?)?;
        // Keep an imported cache for the same jwks_uri.
        let fresh = self.verifier.new_cache();
        if self.keys.as_ref().map(JwksCache::uri) != fresh.as_ref().map(JwksCache::uri) {
            self.keys = fresh;
        }
        Ok(())
    }

    /// Take the answer to a JWKS fetch the host made before this verifier existed (GET `uri`
    /// with the request [`JwksCache::jwks_request`] describes) as its first fetch, for an empty
    /// cache of that `uri` (else it is left alone and the verifier fetches when a verification
    /// needs keys: `Ok(false)`). The error is what a verification that waited for it gets.
    pub fn adopt(&mut self, uri: &str, answer: Result<HttpResponse>, now: u64) -> Result<bool> {
        match &self.keys {
            Some(c) if c.uri() == uri && c.keys().is_none() => {}
            _ => return Ok(false),
        }
        self.settle(answer, true, now);
        self.error_if_empty().map(|()| true)
    }

    /// The outcome of one JWKS fetch: its answer replaces the keys, or its failure is kept
    /// (stale-if-error, with a warning when keys are held). An `adopted` fetch counts as the
    /// cache's attempt only once it succeeded.
    fn settle(&mut self, answer: Result<HttpResponse>, adopted: bool, now: u64) {
        let outcome = match self.keys.as_mut() {
            Some(c) => answer.and_then(|resp| c.process_jwks_response(&resp, now)).inspect(|_| {
                if adopted {
                    c.count_attempt(now);
                }
            }),
            None => Ok(Vec::new()),
        };
        match outcome {
            Ok(w) => {
                self.generation += 1;
                self.warnings.extend(w);
                self.keys_error = None;
            }
            Err(e) => {
                if self.keys.as_ref().is_some_and(|c| c.keys().is_some()) {
                    self.warnings.push(format!("JWKS refresh failed, verifying with the keys held: {e}"));
                }
                self.keys_error = Some(e);
            }
        }
    }

    /// With no keys held: the last fetch's error, if there was one.
    fn error_if_empty(&self) -> Result<()> {
        let empty = self.keys.as_ref().is_none_or(|c| c.keys().is_none());
        match (empty, &self.keys_error) {
            (true, Some(e)) if e.code() == Code::Network || e.code() == Code::Timeout => Err(e.clone()),
            (true, Some(e)) => Err(Error::new(e.code(), format!("no signing keys could be loaded: {}", e.message())).with_details_of(e.clone())),
            _ => Ok(()),
        }
    }

    /// `ERR_JWKS_NOT_LOADED` from a verification that makes no fetch (`verifySync`), with the
    /// last fetch's failure when there was one: "not loaded yet" alone would hide it.
    pub fn explain(&self, e: Error) -> Error {
        match &self.keys_error {
            Some(last) if e.code() == Code::JwksNotLoaded => Error::new(
                Code::JwksNotLoaded,
                format!(
                    "no signing keys are loaded: the last JWKS fetch failed ({}); verify() fetches again once jwksCooldown has passed, or call importJwksCache()",
                    last.message()
                ),
            ),
            _ => e,
        }
    }

    /// A verification up to the signature check. With `no_io`, [`Prepared::NeedsIo`] when the
    /// token needs I/O first; without, the keys held are used as they are (`verifySync`;
    /// `ERR_JWKS_NOT_LOADED` with none).
    pub fn prepare(&mut self, token: &str, now: u64, no_io: bool) -> Result<Prepared> {
        if let Some(hit) = self.cached(token, now) {
            return Ok(Prepared::Cached(hit));
        }
        if no_io && self.verifier.needs_discovery() {
            return Ok(Prepared::NeedsIo);
        }
        if self.header_memo.0 != self.generation {
            self.header_memo = (self.generation, None);
        }
        let cache = self.keys.as_ref();
        let p = match self.verifier.check_with(cache, token, Some(&mut self.header_memo.1)) {
            Ok(p) => p,
            Err(e) => {
                // With no keys, the awaited path answers: it fetches, or gives the last fetch's error.
                let max = self.verifier.max_token_bytes();
                let fetch = no_io
                    && cache.is_none_or(|c| c.keys().is_none() || verifier::wants_fetch_before_verify(c, token, max, now));
                return if fetch { Ok(Prepared::NeedsIo) } else { Err(self.explain(e)) };
            }
        };
        if no_io && cache.is_none_or(|c| c.wants_fetch(p.kid.as_deref(), now)) {
            return Ok(Prepared::NeedsIo);
        }
        let input = p.signing_input(token);
        let signature_len = p.signature.len();
        let mut bytes = p.signature;
        bytes.extend_from_slice(input);
        self.pending.0 = self.pending.0.wrapping_add(1);
        let check = SignatureToCheck { handle: self.pending.0, generation: self.generation, key_index: p.key_index, alg: p.alg };
        let entry = Pending {
            token: self.tokens.1.enabled().then(|| token.to_owned()),
            bytes,
            signature_len,
            check,
            stage: Stage::Header { header_json: p.header_json, typ: p.typ, payload: p.payload.to_owned() },
        };
        if self.pending.1.len() >= MAX_PENDING {
            self.pending.1.pop_front();
        }
        self.pending.1.push_back((check.handle, entry));
        Ok(Prepared::Signature(check))
    }

    /// A waiting verification: its check, its signature and its signing input (these bytes stay
    /// where they are until it ends).
    pub fn signature_bytes(&self, handle: u32) -> Option<(SignatureToCheck, &[u8], &[u8])> {
        let (_, p) = self.pending.1.iter().find(|(h, _)| *h == handle)?;
        let (sig, input) = p.bytes.split_at_checked(p.signature_len)?;
        Some((p.check, sig, input))
    }

    fn take_pending(&mut self, handle: u32) -> Option<Pending> {
        let i = self.pending.1.iter().position(|(h, _)| *h == handle)?;
        self.pending.1.remove(i).map(|(_, p)| p)
    }

    fn judge_stage(&self, stage: Stage, now: u64) -> Judgement {
        match stage {
            Stage::Judged(j) => j,
            Stage::Header { header_json, typ, payload } => {
                let checked = self.verifier.finish_lean(&header_json, typ.as_deref(), &payload, now)?;
                Ok(checked.map(|(out, times)| Judged { out, times, given: false }))
            }
        }
    }

    /// Read and judge a waiting verification's payload while the platform checks its signature:
    /// the result (JSON) when the claims passed, which must not be used unless
    /// [`VerifierDriver::finish`] then succeeds.
    pub fn judge(&mut self, handle: u32, now: u64) -> Option<String> {
        let i = self.pending.1.iter().position(|(h, _)| *h == handle)?;
        let stage = match self.pending.1.get_mut(i) {
            Some((_, p)) => core::mem::replace(&mut p.stage, Stage::Judged(Err(Error::new(Code::Internal, "judged twice")))),
            None => return None,
        };
        let keep = self.pending.1.get(i).is_some_and(|(_, p)| p.token.is_some());
        let mut judged = self.judge_stage(stage, now);
        let early = match &mut judged {
            Ok(Ok(j)) => {
                j.given = true;
                // The cache needs the text too; otherwise it leaves at once.
                Some(if keep { j.out.clone() } else { core::mem::take(&mut j.out) })
            }
            _ => None,
        };
        if let Some((_, p)) = self.pending.1.get_mut(i) {
            p.stage = Stage::Judged(judged);
        }
        early
    }

    /// The end of a waiting verification, once the signature check said `signature_ok`: a
    /// malformed payload first, then the signature, then the claims (the order of `verify`). The
    /// result (JSON), or `None` when [`VerifierDriver::judge`] already gave it.
    pub fn finish(&mut self, handle: u32, signature_ok: bool, now: u64) -> Result<Option<String>> {
        let p = self.take_pending(handle).ok_or_else(|| {
            Error::new(Code::Internal, "the verification was forgotten before its signature check ended (too many at once)")
        })?;
        let claims = self.judge_stage(p.stage, now)?;
        if !signature_ok {
            return Err(Error::new(Code::JwsSignatureVerificationFailed, "the token's signature does not verify"));
        }
        let judged = claims?;
        if let Some(token) = p.token {
            // Keys replaced meanwhile: the cache was filled with another key set.
            if self.tokens.0 == p.check.generation && p.check.generation == self.generation {
                self.tokens.1.put(&token, judged.times, judged.out.clone(), self.verifier.claim_rules());
            }
        }
        Ok((!judged.given).then_some(judged.out))
    }

    /// Drop a waiting verification (its signature cannot be checked).
    pub fn abandon(&mut self, handle: u32) {
        self.take_pending(handle);
    }

    /// The public JWK (JSON) of key `index` of the key set of `generation`, for the platform to
    /// import; None when the keys changed since.
    pub fn public_key(&self, generation: u64, index: usize) -> Option<&str> {
        if generation != self.generation {
            return None;
        }
        self.keys.as_ref()?.keys()?.keys().get(index).map(|k| k.public.as_str())
    }

    /// Verify with the keys held and this crate's own arithmetic, without any I/O.
    pub fn verify_now(&mut self, token: &str, now: u64) -> Result<String> {
        if let Some(hit) = self.cached(token, now) {
            return Ok(hit);
        }
        let verified = self.verifier.verify_with(self.keys.as_ref(), token, now).map_err(|e| self.explain(e))?;
        let out = verified.to_json_string();
        self.tokens.1.put(token, CacheTimes::of(&verified.claims), out.clone(), self.verifier.claim_rules());
        Ok(out)
    }

    /// The JWKS cache as JSON, to keep between isolates (`null` before the first fetch).
    pub fn export(&self) -> String {
        self.keys.as_ref().map(JwksCache::export).unwrap_or_else(|| "null".into())
    }

    /// Load a cache exported earlier.
    pub fn import(&mut self, v: &Object<'_>) -> Result<()> {
        if self.keys.is_none() {
            let uri = v
                .member("uri")
                .and_then(|m| m.as_str())
                .ok_or_else(|| Error::new(Code::InvalidArgument, "the JWKS cache to import has no uri"))?;
            self.keys = Some(JwksCache::new(uri, crate::jose::cache::DEFAULT_MAX_AGE, crate::jose::cache::DEFAULT_COOLDOWN));
        }
        let warnings = self.keys.as_mut().map(|c| c.import(v)).transpose()?.unwrap_or_default();
        self.generation += 1;
        self.warnings.extend(warnings);
        Ok(())
    }

    /// Warnings since the last call (keys skipped, a JWKS refresh that failed).
    pub fn take_warnings(&mut self) -> Vec<String> {
        core::mem::take(&mut self.warnings)
    }
}
