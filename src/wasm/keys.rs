//! The JWKS cache of a Verifier, with the fetches its cache policy asks for: made by the
//! JavaScript layer, which hands the answers over (`settle` through `WasmVerifier::receive`, and
//! `adopt`). The login client's keys are the core's (`crate::driver`).

use std::cell::RefCell;
use std::rc::Rc;

use super::io;
use crate::error::{Code, Error, Result};
use crate::jose::cache::JwksCache;

/// A JWKS cache with its in-flight fetch and the warnings it produced.
pub struct KeyStore {
    pub cache: RefCell<Option<JwksCache>>,
    last_error: RefCell<Option<Error>>,
    pub warnings: RefCell<Vec<String>>,
    /// Bumped whenever a fetch replaced the keys.
    pub generation: std::cell::Cell<u64>,
    timeout_ms: u32,
}

impl KeyStore {
    pub fn new(timeout_ms: u32) -> Rc<Self> {
        Rc::new(KeyStore {
            cache: RefCell::new(None),
            last_error: RefCell::new(None),
            warnings: RefCell::new(Vec::new()),
            generation: std::cell::Cell::new(0),
            timeout_ms,
        })
    }

    /// Take the answer to a JWKS fetch the JavaScript layer made and read while the module
    /// loaded (GET `uri` with the request `JwksCache::jwks_request` describes) as this store's
    /// first fetch, for an empty cache of that `uri` (else it is left
    /// alone and the store fetches when a verification needs keys: `Ok(false)`). The error is
    /// what a verification that waited for it gets: the fetch's own, as after `prepare`.
    pub fn adopt(&self, uri: &str, result: Result<crate::http::HttpResponse>) -> Result<bool> {
        match self.cache.borrow().as_ref() {
            Some(c) if c.uri() == uri && c.keys().is_none() => {}
            _ => return Ok(false),
        }
        self.settle(result, true);
        self.error_if_empty().map(|()| true)
    }

    /// The outcome of one JWKS fetch: its answer replaces the keys, or its failure is kept
    /// (stale-if-error, with a warning when keys are held). An `adopted` fetch (see `adopt`)
    /// counts as the cache's attempt only once it succeeded.
    pub(super) fn settle(&self, result: Result<crate::http::HttpResponse>, adopted: bool) {
        let now = io::now();
        let outcome = match self.cache.borrow_mut().as_mut() {
            Some(c) => result.and_then(|resp| c.process_jwks_response(&resp, now)).inspect(|_| {
                if adopted {
                    c.count_attempt(now);
                }
            }),
            None => Ok(Vec::new()),
        };
        match outcome {
            Ok(w) => {
                self.generation.set(self.generation.get() + 1);
                self.warnings.borrow_mut().extend(w);
                *self.last_error.borrow_mut() = None;
            }
            Err(e) => {
                let held = self.cache.borrow().as_ref().is_some_and(|c| c.keys().is_some());
                if held {
                    self.warnings.borrow_mut().push(format!("JWKS refresh failed, verifying with the keys held: {e}"));
                }
                *self.last_error.borrow_mut() = Some(e);
            }
        }
    }

    /// The fetch timeout, in milliseconds.
    pub fn timeout_ms(&self) -> u32 {
        self.timeout_ms
    }

    /// `ERR_JWKS_NOT_LOADED` from a verification that makes no fetch (`verifySync`), with the
    /// last fetch's failure when there was one: "not loaded yet" alone would hide it.
    pub fn explain(&self, e: Error) -> Error {
        match self.last_error.borrow().as_ref() {
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

    pub(super) fn error_if_empty(&self) -> Result<()> {
        let empty = self.cache.borrow().as_ref().is_none_or(|c| c.keys().is_none());
        match (empty, self.last_error.borrow().as_ref()) {
            (true, Some(e)) => {
                let mut e = e.clone();
                if e.code() != Code::Network && e.code() != Code::Timeout {
                    e = Error::new(e.code(), format!("no signing keys could be loaded: {}", e.message()));
                }
                Err(e)
            }
            _ => Ok(()),
        }
    }

    pub fn take_warnings(&self) -> Vec<String> {
        std::mem::take(&mut *self.warnings.borrow_mut())
    }
}
