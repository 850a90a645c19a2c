//! A login by redirect and its callback: the transaction (state, nonce, PKCE verifier) kept in
//! the browser between the two, used once, purged after an hour.
//!
//! With `issuer`, each transaction is kept under its `state` (two logins in two tabs do not
//! clash): `oidc-wasm.tx.<clientId>.<state>` = `{ transaction, appState }`, listed in
//! `oidc-wasm.tx.<clientId>`, in sessionStorage; a magic link's in localStorage (it opens in
//! another tab). With `domain`, a redirect login's transaction is auth0-spa-js's: one,
//! `a0.spajs.txs.<clientId>`, in sessionStorage or (`useCookiesForTransactions`) a cookie for a
//! day, so a login started by either library ends in the other.

use serde_json::{Map, Value};

use super::{Area, Cx, Halt, Run};
use crate::authorize::{self, AuthorizeParams, AuthorizeRandom, CallbackParams};
use crate::driver::Op;
use crate::error::{Code, Error};

/// How long a transaction is kept (seconds): a login not ended within an hour is started again.
pub const TRANSACTION_TTL: u64 = 3600;
/// auth0-spa-js's audience for "none".
const A0_DEFAULT_AUDIENCE: &str = "default";

/// A transaction found for a callback.
struct Found {
    transaction: Value,
    app_state: Value,
}

impl Cx<'_> {
    fn list_key(&self) -> String {
        format!("oidc-wasm.tx.{}", self.cfg.client_id)
    }

    fn a0_key(&self) -> String {
        format!("a0.spajs.txs.{}", self.cfg.client_id)
    }

    fn a0_area(&self) -> Area {
        if self.cfg.cookie_transactions {
            Area::Cookie
        } else {
            Area::SessionStorage
        }
    }

    /// Drop the transactions of `area` older than [`TRANSACTION_TTL`]; the states kept.
    fn purge(&mut self, area: Area) -> Run<Vec<String>> {
        let list_key = self.list_key();
        let states: Vec<String> = self
            .try_get(area, &list_key)?
            .and_then(|v| v.as_array().cloned())
            .unwrap_or_default()
            .into_iter()
            .filter_map(|s| s.as_str().map(str::to_owned))
            .collect();
        let oldest = self.now().saturating_sub(TRANSACTION_TTL);
        let mut keep = Vec::new();
        for st in states {
            let key = format!("{list_key}.{st}");
            let created = self.try_get(area, &key)?.and_then(|t| t.pointer("/transaction/created_at").and_then(Value::as_f64));
            if created.is_some_and(|c| c > oldest as f64) {
                keep.push(st);
            } else {
                self.remove(area, &key)?;
            }
        }
        self.set(area, &list_key, &Value::from(keep.clone()), None)?;
        Ok(keep)
    }

    /// Keep `transaction` (the module's form) until its callback.
    fn keep_transaction(&mut self, transaction: &Value, app_state: &Value, link: bool) -> Run<()> {
        if self.cfg.auth0 && !link {
            let t = |k: &str| transaction.get(k).cloned().unwrap_or(Value::Null);
            let mut tx = Map::new();
            for k in ["nonce", "scope", "code_verifier", "redirect_uri", "state", "max_age", "created_at"] {
                tx.insert(k.into(), t(k));
            }
            // As JSON.stringify writes auth0-spa-js's: what is undefined is left out.
            if tx.get("max_age").is_some_and(Value::is_null) {
                tx.remove("max_age");
            }
            tx.insert("audience".into(), transaction.get("audience").filter(|a| a.is_string()).cloned().unwrap_or_else(|| A0_DEFAULT_AUDIENCE.into()));
            if let Some(o) = transaction.get("organization").filter(|o| o.is_string()) {
                tx.insert("organization".into(), o.clone());
            }
            if !app_state.is_null() {
                tx.insert("appState".into(), app_state.clone());
            }
            tx.insert("response_type".into(), "code".into());
            let (area, key) = (self.a0_area(), self.a0_key());
            return self.set(area, &key, &Value::Object(tx), Some(1));
        }
        let area = if link { Area::LocalStorage } else { Area::SessionStorage };
        let state = transaction.get("state").and_then(Value::as_str).unwrap_or_default().to_owned();
        let mut states = self.purge(area)?;
        let key = format!("{}.{state}", self.list_key());
        let mut entry = Map::new();
        entry.insert("transaction".into(), transaction.clone());
        if !app_state.is_null() {
            entry.insert("appState".into(), app_state.clone());
        }
        self.set(area, &key, &Value::Object(entry), None)?;
        states.push(state);
        let list_key = self.list_key();
        self.set(area, &list_key, &Value::from(states), None)
    }

    /// The transaction of `state`, removed wherever it was kept: one use only. A magic link's own
    /// (by state) wins over an Auth0 redirect login's.
    fn take_transaction(&mut self, state: Option<&str>) -> Run<Option<Found>> {
        let a0 = if self.cfg.auth0 { self.take_a0_transaction()? } else { None };
        let key = format!("{}.{}", self.list_key(), state.unwrap_or(""));
        let mut found = None;
        for area in [Area::SessionStorage, Area::LocalStorage] {
            let v = self.try_get(area, &key)?;
            self.remove(area, &key)?;
            if found.is_none() {
                if let Some(t) = v.as_ref().and_then(|v| v.get("transaction")).filter(|t| t.is_object()) {
                    let app_state = v.as_ref().and_then(|v| v.get("appState")).cloned().unwrap_or(Value::Null);
                    found = Some(Found { transaction: t.clone(), app_state });
                }
            }
        }
        Ok(found.or(a0))
    }

    fn take_a0_transaction(&mut self) -> Run<Option<Found>> {
        let (area, key) = (self.a0_area(), self.a0_key());
        let tx = self.try_get(area, &key)?;
        self.remove(area, &key)?;
        let Some(tx) = tx.filter(|t| t.get("code_verifier").is_some_and(|v| v.is_string() && v.as_str() != Some(""))) else {
            return Ok(None);
        };
        let g = |k: &str| tx.get(k).cloned().unwrap_or(Value::Null);
        let mut t = Map::new();
        t.insert("state".into(), tx.get("state").cloned().unwrap_or_else(|| "".into()));
        for k in ["nonce", "code_verifier", "scope", "max_age", "organization"] {
            t.insert(k.into(), g(k));
        }
        let redirect = tx.get("redirect_uri").cloned().or_else(|| self.client.config().authorization_params().redirect_uri.clone().map(Value::from));
        t.insert("redirect_uri".into(), redirect.unwrap_or(Value::Null));
        let audience = tx.get("audience").filter(|a| a.as_str() != Some(A0_DEFAULT_AUDIENCE)).cloned().unwrap_or(Value::Null);
        t.insert("audience".into(), audience);
        t.insert("created_at".into(), tx.get("created_at").cloned().unwrap_or_else(|| self.now().into()));
        Ok(Some(Found { transaction: Value::Object(t), app_state: g("appState") }))
    }

    /// `loginWithRedirect`: the `/authorize` URL (the scope by the session's rules; with Auth0,
    /// `response_mode=query` as auth0-spa-js asks), its transaction kept.
    pub(super) fn login(&mut self, params: &Map<String, Value>, app_state: &Value) -> Run<Value> {
        let mut p = params.clone();
        let scope = p.get("scope").and_then(Value::as_str).map(str::to_owned);
        p.insert("scope".into(), self.cfg.scope_for(scope.as_deref()).into());
        if self.cfg.auth0 {
            p.insert("response_mode".into(), "query".into());
        }
        let random = AuthorizeRandom::from_bytes(self.random);
        let out = self.run(AuthorizeParams::from_json(&p).map(|params| Op::AuthorizeUrl { params, random }))??;
        self.keep_transaction(out.get("transaction").unwrap_or(&Value::Null), app_state, false)?;
        Ok(out.get("url").cloned().unwrap_or(Value::Null))
    }

    /// `handleRedirectCallback`: the transaction of the callback's `state` taken (one use), the
    /// code exchanged and the ID token verified, the tokens kept. `{ appState }`, or the
    /// provider's error with the transaction's `appState` and `state` (`{ failure, appState,
    /// state }`, for the host's AuthenticationError).
    pub(super) fn callback(&mut self, url: &str) -> Run<Value> {
        let params = authorize::parse_callback_url(url)?;
        let Some(found) = self.take_transaction(params.state.as_deref())? else {
            let mut e = Error::new(
                Code::CallbackStateMismatch,
                "no login in progress matches this callback (already handled, expired, or started elsewhere): log in again",
            );
            // The provider's error when it sent one; else, with Auth0, auth0-spa-js's.
            if params.error.is_some() {
                e.error = params.error.clone();
                e.error_description = params.error_description.clone();
            } else if self.cfg.auth0 {
                e.error = Some("missing_transaction".into());
                e.error_description = Some("Invalid state".into());
            }
            return Err(e.into());
        };
        let transaction = authorize::LoginTransaction::from_json(&found.transaction)?;
        let (audience, scope) = (transaction.audience.clone(), transaction.scope.clone());
        let p: CallbackParams = params.clone();
        let tokens = match self.run(Ok(Op::Callback { params: p, transaction }))? {
            Ok(Value::Object(t)) => t,
            Ok(_) => return Err(Error::new(Code::Internal, "the callback flow answered no object").into()),
            Err(e) if params.error.is_some() && e.error == params.error => {
                let mut out = Map::new();
                out.insert("failure".into(), e.to_json());
                out.insert("appState".into(), found.app_state);
                out.insert("state".into(), params.state.map_or(Value::Null, Value::from));
                return Ok(Value::Object(out));
            }
            Err(mut e) => {
                if e.code() == Code::CallbackStateMismatch && e.error.is_none() {
                    e.error = Some("state_mismatch".into());
                    e.error_description = Some("Invalid state".into());
                }
                return Err(Halt::Fail(e));
            }
        };
        self.remember(&tokens, audience.as_deref(), Some(&scope))?;
        let mut out = Map::new();
        out.insert("appState".into(), found.app_state);
        if self.cfg.auth0 {
            out.insert("response_type".into(), "code".into());
        }
        Ok(Value::Object(out))
    }

    /// Keep a magic link's transaction (in localStorage: the link opens in another tab).
    pub(super) fn keep_link_transaction(&mut self, transaction: &Value, app_state: &Value) -> Run<Value> {
        self.keep_transaction(transaction, app_state, true)?;
        Ok(Value::Null)
    }
}
