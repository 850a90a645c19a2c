//! The session's operations, each straight-line code over a [`Cx`] (see the module's docs), and
//! the token cache's two formats.

use serde_json::{Map, Value};

use super::{Area, Cx, FrameFailure, FrameKind, Run, AUTH0_NOT_USER, PROTOCOL_CLAIMS};
use crate::authorize::{self, AuthorizeParams, AuthorizeRandom, LoginTransaction};
use crate::driver::Op;
use crate::error::{Code, Error};
use super::cache::{self, CacheKey, CACHE_KEY_PREFIX};
use crate::logout::LogoutParams;

/// auth0-spa-js's audience for "none" in its entries and keys.
const A0_DEFAULT_AUDIENCE: &str = "default";
/// The cookie of auth0-spa-js's earlier versions, moved to the per-client name when seen.
const A0_OLD_IS_AUTHENTICATED: &str = "auth0.is.authenticated";
/// How long a tab that waited for the lock looks for the sibling's write (milliseconds), and how
/// often. Browsers propagate localStorage between tab processes asynchronously; presenting the
/// refresh token the sibling just spent would make the provider revoke the whole grant (reuse
/// detection, RFC 9700 §4.14.2).
const ADOPT_FOR_MS: u64 = 1000;
const ADOPT_EVERY_MS: u64 = 25;

/// `cacheMode` of `getTokenSilently`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CacheMode {
    /// The cache first (the default).
    On,
    /// Always ask the provider.
    Off,
    /// The cache only: nothing when it has no fresh token.
    CacheOnly,
}

impl CacheMode {
    /// From auth0-spa-js's names (`on`, `off`, `cache-only`).
    pub fn parse(s: Option<&str>) -> crate::Result<Self> {
        match s {
            None | Some("on") => Ok(CacheMode::On),
            Some("off") => Ok(CacheMode::Off),
            Some("cache-only") => Ok(CacheMode::CacheOnly),
            Some(other) => Err(Error::new(Code::InvalidArgument, format!("cacheMode must be 'on', 'off' or 'cache-only', not {other:?}"))),
        }
    }
}

/// A session call.
#[derive(Debug)]
pub enum SessionOp {
    /// `getTokenSilently`: the access token (or, `detailed`, the token response) for an
    /// audience and scope.
    Silent {
        /// The audience asked for.
        audience: Option<String>,
        /// The scope asked for.
        scope: Option<String>,
        /// `cacheMode`.
        cache_mode: CacheMode,
        /// `detailedResponse`.
        detailed: bool,
        /// `timeoutInSeconds` for the iframe.
        timeout: Option<u64>,
    },
    /// `checkSession`: `getTokenSilently` that ends quietly when nobody is logged in (with Auth0,
    /// nothing at all unless the `is.authenticated` cookie says a login happened).
    CheckSession {
        /// The audience asked for.
        audience: Option<String>,
        /// The scope asked for.
        scope: Option<String>,
        /// `timeoutInSeconds` for the iframe.
        timeout: Option<u64>,
        /// At a page load: only when a login happened (the `is.authenticated` cookie), and quietly.
        restore: bool,
    },
    /// `loginWithPopup`: the authorization in a popup, answered by `web_message`.
    Popup {
        /// `authorizationParams`.
        params: Map<String, Value>,
        /// `timeoutInSeconds`.
        timeout: Option<u64>,
    },
    /// Keep the tokens a login ended with: from a redirect (`transaction` holds the audience and
    /// scope asked for) or from a grant (passwordless, password, MFA, device: the configured ones
    /// unless the grant said).
    Remember {
        /// The verified token response.
        tokens: Map<String, Value>,
        /// The audience asked for.
        audience: Option<String>,
        /// The scope asked for (a redirect's transaction); None: the grant's `scope_requested`,
        /// else the configured scope.
        scope: Option<String>,
    },
    /// The user: `claims` false for the profile (`getUser`), true for every ID token claim
    /// with `__raw` (`getIdTokenClaims`); null when nobody is logged in.
    User {
        /// Which.
        claims: bool,
    },
    /// `loginWithRedirect`: the `/authorize` URL, the transaction kept for the callback.
    Login {
        /// `authorizationParams`.
        params: Map<String, Value>,
        /// `appState`, handed back by the callback.
        app_state: Value,
    },
    /// `handleRedirectCallback`.
    Callback {
        /// The callback URL.
        url: String,
    },
    /// Keep a magic link's transaction (the module's form) for the tab the link opens in.
    KeepLink {
        /// The transaction.
        transaction: Value,
        /// `appState`.
        app_state: Value,
    },
    /// `mfa.verify` with an out-of-band code: poll until approved, then keep the tokens.
    MfaPoll {
        /// The `mfa_token`.
        mfa_token: String,
        /// The challenge's `oob_code`.
        oob_code: String,
        /// The `binding_code` the person was shown, if any.
        binding_code: Option<String>,
        /// The audience the tokens are kept for.
        audience: Option<String>,
        /// Seconds between polls.
        interval: u64,
        /// Seconds until the challenge expires.
        expires_in: u64,
    },
    /// The device flow's `poll()` (RFC 8628 §3.4-3.5).
    DevicePoll {
        /// The `device_code`.
        device_code: String,
        /// The server's `interval`.
        interval: u64,
        /// The server's `expires_in`.
        expires_in: u64,
        /// The scope asked for (the key the tokens are kept under).
        scope_requested: Option<String>,
        /// The audience asked for.
        audience: Option<String>,
    },
    /// `logout`: revoke the refresh tokens held (when asked), clear the session, and the
    /// provider's logout URL (when the app navigates there).
    Logout {
        /// `logoutParams` (`returnTo`, `federated`).
        params: Map<String, Value>,
        /// `revokeRefreshToken`.
        revoke: bool,
        /// Whether the app navigates to the provider's logout (`openUrl` not false).
        navigate: bool,
    },
}

/// An ID token held by the session.
struct IdToken {
    id_token: String,
    claims: Map<String, Value>,
    user: Option<Value>,
}

fn str_of<'a>(m: &'a Map<String, Value>, k: &str) -> Option<&'a str> {
    m.get(k).and_then(Value::as_str)
}

fn expires_at(body: &Map<String, Value>) -> Option<u64> {
    body.get("expires_at").and_then(Value::as_f64).filter(|e| e.is_finite() && *e >= 0.0).map(|e| e as u64)
}

impl SessionOp {
    /// The error of this call when the app cancels it.
    pub(super) fn cancelled(&self) -> Error {
        match self {
            SessionOp::DevicePoll { .. } => super::poll::cancelled(true),
            SessionOp::MfaPoll { .. } => super::poll::cancelled(false),
            _ => Error::new(Code::InvalidArgument, "the call was cancelled"),
        }
    }

    pub(super) fn run(&self, cx: &mut Cx<'_>) -> Run<Value> {
        match self {
            SessionOp::Silent { audience, scope, cache_mode, detailed, timeout } => {
                let body = cx.silent(audience.as_deref(), scope.as_deref(), *cache_mode, *timeout)?;
                match body {
                    None => Ok(Value::Null),
                    Some(b) => cx.respond(&b, *detailed),
                }
            }
            SessionOp::CheckSession { audience, scope, timeout, restore } => {
                cx.check_session(audience.as_deref(), scope.as_deref(), *timeout, *restore)
            }
            SessionOp::Popup { params, timeout } => {
                let mut extra = params.clone();
                let audience = extra.remove("audience").and_then(|v| v.as_str().map(str::to_owned));
                let scope = extra.remove("scope").and_then(|v| v.as_str().map(str::to_owned));
                cx.authorize_in_window(FrameKind::Popup, audience.as_deref(), scope.as_deref(), extra, *timeout)?;
                Ok(Value::Null)
            }
            SessionOp::Remember { tokens, audience, scope } => cx.remember(tokens, audience.as_deref(), scope.as_deref()),
            SessionOp::User { claims } => cx.user(*claims),
            SessionOp::Logout { params, revoke, navigate } => cx.logout(params, *revoke, *navigate),
            SessionOp::Login { params, app_state } => cx.login(params, app_state),
            SessionOp::Callback { url } => cx.callback(url),
            SessionOp::KeepLink { transaction, app_state } => cx.keep_link_transaction(transaction, app_state),
            SessionOp::MfaPoll { mfa_token, oob_code, binding_code, audience, interval, expires_in } => {
                cx.mfa_poll(mfa_token, oob_code, binding_code.as_deref(), audience.as_deref(), *interval, *expires_in)
            }
            SessionOp::DevicePoll { device_code, interval, expires_in, scope_requested, audience } => {
                cx.device_poll(device_code, *interval, *expires_in, scope_requested.as_deref(), audience.as_deref())
            }
        }
    }
}

impl Cx<'_> {
    // ---- the manifest, entries and the ID token, in the formats of the mode ----

    /// The keys of this client's entries: with Auth0, auth0-spa-js's rule (the cache's keys when
    /// it can list them, else its key manifest); else this library's manifest.
    fn manifest(&mut self) -> Run<Vec<String>> {
        if self.cfg.auth0 && self.cfg.cache_lists_keys {
            let keys = self.keys()?.unwrap_or_default();
            return Ok(keys.into_iter().filter(|k| k.starts_with(CACHE_KEY_PREFIX)).collect());
        }
        let m = self.get(Area::Cache, &self.cfg.manifest_key())?;
        Ok(strings(m.as_ref().and_then(|m| m.get("keys"))))
    }

    /// The keys of token sets (with Auth0, not its ID token entry nor its manifest).
    fn token_keys(&mut self) -> Run<Vec<String>> {
        let (user, manifest) = (self.cfg.user_key(), self.cfg.manifest_key());
        let keys = self.manifest()?;
        Ok(if self.cfg.auth0 { keys.into_iter().filter(|k| *k != user && *k != manifest).collect() } else { keys })
    }

    fn set_manifest(&mut self, keys: Vec<String>) -> Run<()> {
        if self.cfg.auth0 && self.cfg.cache_lists_keys {
            return Ok(());
        }
        let mut unique: Vec<String> = Vec::new();
        for k in keys {
            if !unique.contains(&k) {
                unique.push(k);
            }
        }
        let key = self.cfg.manifest_key();
        if unique.is_empty() {
            self.remove(Area::Cache, &key)
        } else {
            let mut m = Map::new();
            m.insert("keys".into(), unique.into());
            self.set(Area::Cache, &key, &Value::Object(m), None)
        }
    }

    /// The token set under `key`, with this library's names (`expires_at`; `audience` absent for
    /// none). With Auth0, auth0-spa-js's `{ body, expiresAt }` (an expired entry it stripped to
    /// its refresh token is kept; what cannot be read is left alone: the key space is shared).
    /// Otherwise `{ body }`; an unreadable entry is removed.
    fn entry(&mut self, key: &str) -> Run<Option<Map<String, Value>>> {
        let v = self.get(Area::Cache, key)?;
        if self.cfg.auth0 {
            let Some(Value::Object(mut body)) = v.as_ref().and_then(|v| v.get("body")).cloned() else { return Ok(None) };
            let readable = body.get("access_token").is_some_and(Value::is_string) || body.get("refresh_token").is_some_and(Value::is_string);
            if !readable {
                return Ok(None);
            }
            if body.get("audience").and_then(Value::as_str) == Some(A0_DEFAULT_AUDIENCE) || body.get("audience").is_some_and(|a| !a.is_string()) {
                body.remove("audience");
            }
            match v.as_ref().and_then(|v| v.get("expiresAt")) {
                Some(e) => body.insert("expires_at".into(), e.clone()),
                None => body.remove("expires_at"),
            };
            return Ok(Some(body));
        }
        let body = v.as_ref().and_then(|v| v.get("body")).and_then(Value::as_object).filter(|b| b.get("access_token").is_some_and(Value::is_string));
        match body {
            Some(b) => Ok(Some(b.clone())),
            None => {
                if v.is_some() {
                    self.remove(Area::Cache, key)?;
                }
                Ok(None)
            }
        }
    }

    /// The entry that answers an audience and scope: the exact key, else one whose scope is a
    /// superset. `(key, entry)`; the key asked for when none is stored.
    fn find(&mut self, audience: Option<&str>, scope: Option<&str>) -> Run<(String, Option<Map<String, Value>>)> {
        let wanted = self.cfg.key(audience, scope);
        let stored: Vec<CacheKey> = self.manifest()?.iter().filter_map(|k| CacheKey::from_storage_key(k)).collect();
        let found = CacheKey::from_storage_key(&wanted).and_then(|w| cache::find_key(&stored, &w).map(CacheKey::storage_key));
        match found {
            Some(k) => {
                let e = self.entry(&k)?;
                Ok((k, e))
            }
            None => Ok((wanted, None)),
        }
    }

    fn fresh(&self, entry: &Map<String, Value>) -> bool {
        !cache::is_expired(expires_at(entry), self.now(), self.cfg.leeway)
    }

    /// Write `body` (this library's names) under `key`, in the format of the mode.
    fn write(&mut self, key: &str, body: &Map<String, Value>) -> Run<()> {
        if !self.cfg.auth0 {
            let mut v = Map::new();
            v.insert("body".into(), Value::Object(body.clone()));
            return self.set(Area::Cache, key, &Value::Object(v), None);
        }
        let mut rest = body.clone();
        let id_token = rest.remove("id_token");
        let claims = rest.remove("id_token_claims");
        let at = rest.remove("expires_at").and_then(|e| e.as_f64()).map(|e| e as u64);
        let audience = rest.remove("audience");
        rest.remove("scope_requested");
        let now = self.now();
        let expires_in = match rest.get("expires_in").and_then(Value::as_f64) {
            Some(n) => n as u64,
            None => at.unwrap_or(0).saturating_sub(now),
        };
        rest.insert("expires_in".into(), expires_in.into());
        rest.insert("audience".into(), audience.filter(Value::is_string).unwrap_or_else(|| A0_DEFAULT_AUDIENCE.into()));
        rest.insert("client_id".into(), self.cfg.client_id.clone().into());
        let mut entry = Map::new();
        entry.insert("body".into(), Value::Object(rest));
        entry.insert("expiresAt".into(), at.unwrap_or(now + expires_in).into());
        self.set(Area::Cache, key, &Value::Object(entry), None)?;
        if let (Some(Value::String(token)), Some(Value::Object(claims))) = (id_token, claims) {
            let user_key = self.cfg.user_key();
            self.set(Area::Cache, &user_key, &auth0_user_entry(&token, &claims), None)?;
            let mut keys = self.manifest()?;
            keys.push(user_key);
            self.set_manifest(keys)?;
        }
        Ok(())
    }

    /// Write an entry and list it, and the `is.authenticated` cookie.
    fn save(&mut self, key: &str, body: &Map<String, Value>) -> Run<()> {
        self.write(key, body)?;
        let mut keys = self.manifest()?;
        keys.push(key.to_owned());
        self.set_manifest(keys)?;
        let days = self.cfg.session_check_expiry_days;
        self.set(Area::Cookie, &self.cfg.is_authenticated_cookie(), &Value::Bool(true), Some(days))
    }

    /// The ID token and its verified claims. With Auth0, from auth0-spa-js's ID token entry
    /// (with the user it derived); else from the entry of the configured audience and scope, or
    /// the first entry that has one.
    fn id_token(&mut self) -> Run<Option<IdToken>> {
        if self.cfg.auth0 {
            let v = self.get(Area::Cache, &self.cfg.user_key())?;
            let Some(v) = v else { return Ok(None) };
            let decoded = v.get("decodedToken");
            let (Some(token), Some(Value::Object(claims))) = (v.get("id_token").and_then(Value::as_str), decoded.and_then(|d| d.get("claims"))) else {
                return Ok(None);
            };
            let mut claims = claims.clone();
            claims.remove("__raw");
            let user = decoded.and_then(|d| d.get("user")).filter(|u| u.is_object()).cloned();
            return Ok(Some(IdToken { id_token: token.to_owned(), claims, user }));
        }
        let read = |e: &Map<String, Value>| match (e.get("id_token_claims"), str_of(e, "id_token")) {
            (Some(Value::Object(c)), t) => Some(IdToken { id_token: t.unwrap_or_default().to_owned(), claims: c.clone(), user: None }),
            _ => None,
        };
        if let Some(t) = self.find(None, None)?.1.as_ref().and_then(read) {
            return Ok(Some(t));
        }
        for k in self.manifest()? {
            if let Some(t) = self.entry(&k)?.as_ref().and_then(read) {
                return Ok(Some(t));
            }
        }
        Ok(None)
    }

    /// Remove every entry of this client (and, with Auth0, its cookies), whatever is readable.
    fn clear_local(&mut self, keys: Option<Vec<String>>) -> Run<()> {
        let mut keys = match keys {
            Some(k) => k,
            None => match self.manifest() {
                Err(super::Halt::Fail(_)) => Vec::new(),
                r => r?,
            },
        };
        if self.cfg.auth0 {
            // auth0-spa-js removes the keys that name this client; so are the entries an earlier
            // version of this library kept under its own manifest.
            let legacy = self.cfg.own_manifest_key();
            let old = strings(self.try_get(Area::Cache, &legacy)?.as_ref().and_then(|m| m.get("keys")));
            let cid = self.cfg.client_id.clone();
            keys.retain(|k| k.contains(&cid));
            keys.push(self.cfg.user_key());
            keys.push(legacy);
            keys.extend(old);
        }
        for k in &keys {
            self.remove(Area::Cache, k)?;
        }
        self.remove(Area::Cache, &self.cfg.manifest_key())?;
        self.remove(Area::Cookie, &self.cfg.is_authenticated_cookie())?;
        if self.cfg.auth0 {
            self.remove(Area::Cookie, &format!("auth0.{}.organization_hint", self.cfg.client_id))?;
        }
        Ok(())
    }

    // ---- getTokenSilently ----

    /// The token set to answer with: from the cache while fresh, else refreshed under the lock
    /// (or from the iframe). None for `cache-only` with nothing fresh.
    fn silent(&mut self, audience: Option<&str>, scope: Option<&str>, mode: CacheMode, timeout: Option<u64>) -> Run<Option<Map<String, Value>>> {
        if mode != CacheMode::Off {
            let (_, entry) = self.find(audience, scope)?;
            if let Some(e) = entry.filter(|e| self.fresh(e)) {
                return Ok(Some(e));
            }
            if mode == CacheMode::CacheOnly {
                return Ok(None);
            }
        }
        let key = self.cfg.key(audience, scope);
        self.shared(key, |cx| cx.refresh(audience, scope, mode, timeout)).map(Some)
    }

    /// The refresh itself, under the cross-tab lock.
    fn refresh(&mut self, audience: Option<&str>, scope: Option<&str>, mode: CacheMode, timeout: Option<u64>) -> Run<Map<String, Value>> {
        let contended = self.lock()?;
        // Read again inside the lock: a sibling tab may have just refreshed.
        let (mut key, mut entry) = self.find(audience, scope)?;
        if let Some(e) = entry.as_ref().filter(|e| mode != CacheMode::Off && self.fresh(e)) {
            return Ok(e.clone());
        }
        if contended && self.cfg.cache_shared {
            let seen = entry.as_ref().and_then(|e| str_of(e, "refresh_token")).map(str::to_owned);
            let until = self.now_ms + ADOPT_FOR_MS;
            // Counted in looks as well as by the clock: a clock set back meanwhile must not keep
            // the lock (and every other tab) for as long as it went back.
            for _ in 0..ADOPT_FOR_MS / ADOPT_EVERY_MS {
                if self.now_ms >= until {
                    break;
                }
                let next = self.now_ms + ADOPT_EVERY_MS;
                self.sleep_until(next)?;
                let (k, now) = self.find(audience, scope)?;
                if let Some(e) = now.as_ref().filter(|e| self.fresh(e)) {
                    if mode != CacheMode::Off {
                        return Ok(e.clone());
                    }
                    entry = Some(e.clone());
                    break;
                }
                let rt = now.as_ref().and_then(|e| str_of(e, "refresh_token"));
                if rt.is_some() && rt != seen.as_deref() {
                    (key, entry) = (k, now);
                    break;
                }
            }
        }
        let rt = match entry.as_ref().and_then(|e| str_of(e, "refresh_token")) {
            Some(t) => Some(t.to_owned()),
            None => self.any_refresh_token(audience)?,
        };
        let Some(rt) = rt else {
            if !self.cfg.use_refresh_tokens || self.cfg.use_refresh_tokens_fallback {
                // prompt=none in a hidden iframe, answered by web_message (OIDC Core §3.1.2.1).
                let mut extra = Map::new();
                extra.insert("prompt".into(), "none".into());
                return match self.authorize_in_window(FrameKind::Iframe, audience, scope, extra, timeout) {
                    Err(super::Halt::Fail(e)) if self.cfg.auth0 && e.error.as_deref() == Some("login_required") => {
                        // auth0-spa-js ends the local session when the provider's has ended.
                        self.clear_local(None)?;
                        Err(e.into())
                    }
                    r => r,
                };
            }
            let aud = self.cfg.audience_for(audience).unwrap_or(A0_DEFAULT_AUDIENCE).to_owned();
            let mut e = Error::new(
                Code::MissingRefreshToken,
                format!("no refresh token for audience {aud}: log in again (loginWithRedirect), with useRefreshTokens for offline_access"),
            );
            e.audience = Some(aud);
            e.scope = Some(self.cfg.scope_for(scope));
            return Err(e.into());
        };
        let sub = self.id_token()?.and_then(|t| str_of(&t.claims, "sub").map(str::to_owned));
        // auth0-spa-js sends neither scope nor audience with a refresh token (the grant's own apply).
        let (rscope, raud) = if self.cfg.auth0 {
            (None, None)
        } else {
            (scope.map(|s| self.cfg.scope_for(Some(s))), audience.map(str::to_owned))
        };
        let token = rt.clone();
        let body = match self.run(Ok(Op::Refresh { refresh_token: token, scope: rscope, audience: raud, expected_sub: sub }))? {
            Ok(Value::Object(b)) => b,
            Ok(_) => return Err(Error::new(Code::Internal, "the refresh flow answered no object").into()),
            Err(e) => {
                // RFC 6749 §5.2 invalid_grant: the refresh token is spent or revoked; no tab may
                // present it again.
                if e.error.as_deref() == Some("invalid_grant") {
                    self.drop_refresh_token(&rt)?;
                }
                return Err(e.into());
            }
        };
        let used_scope = match scope {
            Some(s) => self.cfg.scope_for(Some(s)),
            None => entry.as_ref().and_then(|e| str_of(e, "scope")).map(str::to_owned).unwrap_or_else(|| self.cfg.scope_for(None)),
        };
        // auth0-spa-js keeps the result under the key asked for.
        let new_key = if entry.is_some() && !self.cfg.auth0 { key } else { self.cfg.key(audience, scope) };
        let mut merged = entry.clone().unwrap_or_default();
        for (k, v) in &body {
            merged.insert(k.clone(), v.clone());
        }
        // With Auth0, `scope` is the one asked for (the key's) and the granted one
        // `oauthTokenScope`, as auth0-spa-js keeps them.
        let granted = str_of(&body, "scope").map(str::to_owned);
        let kept_scope = if self.cfg.auth0 { self.cfg.scope_for(scope) } else { granted.clone().unwrap_or(used_scope) };
        merged.insert("scope".into(), kept_scope.into());
        if let Some(g) = granted {
            merged.insert("oauthTokenScope".into(), g.into());
        }
        match self.cfg.audience_for(audience) {
            Some(a) => merged.insert("audience".into(), a.into()),
            None => merged.remove("audience"),
        };
        let rotated = str_of(&body, "refresh_token").map(str::to_owned);
        if rotated.is_none() {
            merged.insert("refresh_token".into(), rt.clone().into());
        }
        self.save(&new_key, &merged)?;
        if let Some(new) = rotated.filter(|n| *n != rt) {
            // Rotation: the new refresh token replaces the old one in every entry that held it.
            for k in self.token_keys()? {
                if let Some(mut e) = self.entry(&k)?.filter(|e| str_of(e, "refresh_token") == Some(rt.as_str())) {
                    e.insert("refresh_token".into(), new.clone().into());
                    self.write(&k, &e)?;
                }
            }
        }
        Ok(merged)
    }

    /// A refresh token held for the audience under any scope.
    fn any_refresh_token(&mut self, audience: Option<&str>) -> Run<Option<String>> {
        let aud = self.cfg.audience_for(audience).unwrap_or(A0_DEFAULT_AUDIENCE).to_owned();
        for k in self.token_keys()? {
            if let Some(e) = self.entry(&k)? {
                let rt = str_of(&e, "refresh_token");
                if rt.is_some() && str_of(&e, "audience").unwrap_or(A0_DEFAULT_AUDIENCE) == aud {
                    return Ok(rt.map(str::to_owned));
                }
            }
        }
        Ok(None)
    }

    /// A spent refresh token is removed from every entry that holds it.
    fn drop_refresh_token(&mut self, token: &str) -> Run<()> {
        for k in self.token_keys()? {
            if let Some(mut e) = self.entry(&k)?.filter(|e| str_of(e, "refresh_token") == Some(token)) {
                e.remove("refresh_token");
                self.write(&k, &e)?;
            }
        }
        Ok(())
    }

    /// What `getTokenSilently` returns: the access token, or with `detailed` the token response.
    fn respond(&mut self, body: &Map<String, Value>, detailed: bool) -> Run<Value> {
        let access_token = body.get("access_token").cloned().unwrap_or(Value::Null);
        if !detailed {
            return Ok(access_token);
        }
        let id_token = match body.get("id_token") {
            Some(t) if t.is_string() => t.clone(),
            _ => self.id_token()?.map_or(Value::Null, |t| t.id_token.into()),
        };
        let mut m = Map::new();
        m.insert("access_token".into(), access_token);
        m.insert("id_token".into(), id_token);
        m.insert("token_type".into(), body.get("token_type").cloned().unwrap_or_else(|| "Bearer".into()));
        m.insert("scope".into(), body.get("oauthTokenScope").or_else(|| body.get("scope")).cloned().unwrap_or(Value::Null));
        let left = expires_at(body).unwrap_or(0).saturating_mul(1000).saturating_sub(self.now_ms) / 1000;
        m.insert("expires_in".into(), left.into());
        Ok(Value::Object(m))
    }

    /// An authorization request answered with `response_mode=web_message` in a hidden iframe or
    /// a popup; the answer then goes through the same state / iss / code exchange / ID token
    /// checks as a redirect, and the tokens are kept.
    fn authorize_in_window(
        &mut self,
        kind: FrameKind,
        audience: Option<&str>,
        scope: Option<&str>,
        mut params: Map<String, Value>,
        timeout: Option<u64>,
    ) -> Run<Map<String, Value>> {
        params.insert("response_mode".into(), "web_message".into());
        if let Some(a) = audience {
            params.insert("audience".into(), a.into());
        }
        params.insert("scope".into(), self.cfg.scope_for(scope).into());
        let random = AuthorizeRandom::from_bytes(self.random);
        let request = self.run(AuthorizeParams::from_json(&params).map(|params| Op::AuthorizeUrl { params, random }))??;
        let url = request.get("url").and_then(Value::as_str).unwrap_or_default().to_owned();
        let tx_json = request.get("transaction").cloned().unwrap_or(Value::Null);
        let endpoint = self.client.metadata().map(|m| m.authorization_endpoint.clone()).unwrap_or_default();
        let origin = crate::url::Url::parse(&endpoint).map(|u| u.origin()).unwrap_or_default();
        let seconds = timeout.unwrap_or(self.cfg.authorize_timeout);
        let what = if kind == FrameKind::Iframe { "silent authentication" } else { "the popup login" };
        let pairs = match self.frame(kind, url, origin, seconds)? {
            Ok(p) => p,
            Err(FrameFailure::Timeout) => {
                let mut e = Error::new(Code::Timeout, format!("the provider did not answer {what} within {seconds} s"));
                e.error = Some("timeout".into());
                e.error_description = Some("Timeout".into());
                return Err(e.into());
            }
            Err(FrameFailure::Closed) => return Err(Error::new(Code::PopupClosed, "the popup was closed before the login finished").into()),
            Err(FrameFailure::Blocked) => {
                return Err(Error::new(Code::PopupBlocked, "the popup was blocked: call loginWithPopup from a click handler").into())
            }
            Err(FrameFailure::NoDocument) => return Err(Error::new(Code::InvalidArgument, format!("{what} needs a browser page")).into()),
        };
        let transaction = LoginTransaction::from_json(&tx_json)?;
        let (tx_audience, tx_scope) = (transaction.audience.clone(), transaction.scope.clone());
        let tokens = self.run(authorize::from_pairs(pairs).map(|params| Op::Callback { params, transaction }))??;
        let Value::Object(tokens) = tokens else { return Err(Error::new(Code::Internal, "the callback flow answered no object").into()) };
        let key = CacheKey::new(&self.cfg.client_id, tx_audience.as_deref(), &tx_scope).storage_key();
        let body = login_body(tokens, &tx_scope, tx_audience.as_deref());
        self.save(&key, &body)?;
        Ok(body)
    }

    /// `checkSession`; `restore`: at a page load (`createAuthClient`), which asks the provider
    /// only when the `is.authenticated` cookie says a login happened, and never fails.
    fn check_session(&mut self, audience: Option<&str>, scope: Option<&str>, timeout: Option<u64>, restore: bool) -> Run<Value> {
        if restore && !self.cfg.auth0 {
            let marked = self.try_get(Area::Cookie, &self.cfg.is_authenticated_cookie())?.is_some_and(|v| v != Value::Bool(false));
            if !marked {
                return Ok(Value::Null);
            }
            return match self.silent(audience, scope, CacheMode::On, timeout) {
                Err(super::Halt::Fail(_)) | Ok(_) => Ok(Value::Null),
                Err(h) => Err(h),
            };
        }
        if self.cfg.auth0 {
            let name = self.cfg.is_authenticated_cookie();
            let set = self.try_get(Area::Cookie, &name)?.is_some_and(|v| v != Value::Bool(false));
            if !set {
                if !self.try_get(Area::Cookie, A0_OLD_IS_AUTHENTICATED)?.is_some_and(|v| v != Value::Bool(false)) {
                    return Ok(Value::Null);
                }
                // auth0-spa-js moves the cookie of its earlier versions to the per-client name.
                let days = self.cfg.session_check_expiry_days;
                self.set(Area::Cookie, &name, &Value::Bool(true), Some(days))?;
                self.remove(Area::Cookie, A0_OLD_IS_AUTHENTICATED)?;
            }
            // As auth0-spa-js: no error; the app asks again when it needs a token.
            return match self.silent(audience, scope, CacheMode::On, timeout) {
                Err(super::Halt::Fail(_)) | Ok(_) => Ok(Value::Null),
                Err(h) => Err(h),
            };
        }
        match self.silent(audience, scope, CacheMode::On, timeout) {
            Ok(_) => Ok(Value::Null),
            Err(super::Halt::Fail(e)) => {
                let quiet = matches!(e.code(), Code::LoginRequired | Code::ConsentRequired | Code::InteractionRequired | Code::MissingRefreshToken)
                    || e.error.as_deref() == Some("invalid_grant");
                if quiet {
                    Ok(Value::Null)
                } else {
                    Err(e.into())
                }
            }
            Err(h) => Err(h),
        }
    }

    /// Keep the tokens a login ended with; answers them (without `scope_requested`).
    pub(super) fn remember(&mut self, tokens: &Map<String, Value>, audience: Option<&str>, scope: Option<&str>) -> Run<Value> {
        let mut tokens = tokens.clone();
        let requested = tokens.remove("scope_requested").and_then(|s| s.as_str().map(str::to_owned));
        let (scope, audience) = match scope {
            Some(s) => (s.to_owned(), audience.map(str::to_owned)),
            None => (
                requested.unwrap_or_else(|| self.cfg.scope_for(None)),
                self.cfg.audience_for(audience).map(str::to_owned),
            ),
        };
        let key = CacheKey::new(&self.cfg.client_id, audience.as_deref(), &scope).storage_key();
        let body = login_body(tokens.clone(), &scope, audience.as_deref());
        self.save(&key, &body)?;
        Ok(Value::Object(tokens))
    }

    /// `getUser` (`claims` false): the profile, without the protocol claims; `getIdTokenClaims`
    /// (`claims` true): every claim and the raw token as `__raw`.
    fn user(&mut self, claims: bool) -> Run<Value> {
        let Some(t) = self.id_token()? else { return Ok(Value::Null) };
        if claims {
            let mut c = t.claims;
            c.insert("__raw".into(), t.id_token.into());
            return Ok(Value::Object(c));
        }
        if let Some(u) = t.user {
            return Ok(u);
        }
        let not_user = if self.cfg.auth0 { AUTH0_NOT_USER } else { PROTOCOL_CLAIMS };
        Ok(Value::Object(t.claims.into_iter().filter(|(k, _)| !not_user.contains(&k.as_str())).collect()))
    }

    /// `logout`: the refresh tokens held revoked first when asked (RFC 7009; a failure does not
    /// stop the logout), the session cleared whatever is readable, then the provider's logout URL.
    fn logout(&mut self, params: &Map<String, Value>, revoke: bool, navigate: bool) -> Run<Value> {
        let id_token = match self.id_token() {
            Err(super::Halt::Fail(_)) => None,
            r => r?.map(|t| t.id_token),
        };
        let keys = match self.manifest() {
            Err(super::Halt::Fail(_)) => Vec::new(),
            r => r?,
        };
        if revoke {
            let mut tokens: Vec<String> = Vec::new();
            let user = self.cfg.user_key();
            for k in &keys {
                if self.cfg.auth0 && *k == user {
                    continue;
                }
                let e = match self.entry(k) {
                    Err(super::Halt::Fail(_)) => None,
                    r => r?,
                };
                if let Some(rt) = e.as_ref().and_then(|e| str_of(e, "refresh_token")) {
                    if !tokens.iter().any(|t| t == rt) {
                        tokens.push(rt.to_owned());
                    }
                }
            }
            for t in tokens {
                // A failed revocation does not stop the logout.
                let _ = self.run(Ok(Op::Revoke { token: t, hint: Some("refresh_token".into()) }))?;
            }
        }
        self.clear_local(Some(keys))?;
        if !navigate {
            return Ok(Value::Null);
        }
        let p = LogoutParams {
            return_to: str_of(params, "returnTo").map(str::to_owned),
            federated: params.get("federated").and_then(Value::as_bool).unwrap_or(false),
            id_token_hint: id_token.filter(|t| !t.is_empty()),
        };
        Ok(self.run(Ok(Op::LogoutUrl(p)))??)
    }
}

/// The body a login leaves in the cache: the tokens, the scope asked for, the granted one as
/// `oauthTokenScope` (as auth0-spa-js keeps it), the audience.
fn login_body(mut tokens: Map<String, Value>, scope: &str, audience: Option<&str>) -> Map<String, Value> {
    if let Some(g) = tokens.get("scope").filter(|s| s.is_string()).cloned() {
        tokens.insert("oauthTokenScope".into(), g);
    }
    tokens.insert("scope".into(), scope.into());
    match audience {
        Some(a) => tokens.insert("audience".into(), a.into()),
        None => tokens.remove("audience"),
    };
    tokens
}

/// auth0-spa-js's ID token entry: the token and its `decodedToken` (the parts, the header, the
/// claims with `__raw`, the user: the claims without the protocol's).
fn auth0_user_entry(token: &str, claims: &Map<String, Value>) -> Value {
    let mut parts = token.splitn(3, '.');
    let (h, p, s) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let header = crate::jose::compact::decode_text(h, "header").ok().and_then(|t| crate::json::parse_value(t.as_bytes()).ok()).unwrap_or(Value::Null);
    let user: Map<String, Value> = claims.iter().filter(|(k, _)| !AUTH0_NOT_USER.contains(&k.as_str())).map(|(k, v)| (k.clone(), v.clone())).collect();
    let mut all = Map::new();
    all.insert("__raw".into(), token.into());
    for (k, v) in claims {
        all.insert(k.clone(), v.clone());
    }
    crate::json::object! {
        "id_token" => token,
        "decodedToken" => crate::json::object! {
            "encoded" => crate::json::object! { "header" => h, "payload" => p, "signature" => s },
            "header" => header,
            "claims" => all,
            "user" => user,
        },
    }
}

fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array).into_iter().flatten().filter_map(|k| k.as_str().map(str::to_owned)).collect()
}
