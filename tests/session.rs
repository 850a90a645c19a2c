//! The SPA session (src/spa) as tabs of one browser drive it: each tab runs its session flow step
//! by step against one shared storage, one cross-tab lock and one provider, interleaved one
//! step at a time, in the manner of quinn's paired-endpoint tests. The provider rotates refresh
//! tokens and revokes the whole grant when a spent one is presented again (RFC 9700 §4.14.2), so
//! a tab that reuses a token is caught. ID tokens are signed here (ES256).

mod support;

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use oidc_wasm::config::{ClientConfig, ClientOptions};
use oidc_wasm::driver::{self, Client};
use oidc_wasm::http::{HttpRequest, HttpResponse};
use oidc_wasm::spa::{Area, CacheMode, FrameFailure, FrameKind, Session, SessionConfig, SessionFlow, SessionOp, Step};
use oidc_wasm::url::Url;
use oidc_wasm::{Code, Error};
use serde_json::{json, Map, Value};

const ISSUER: &str = "https://op.example";
const T0: u64 = 1_700_000_000_000;

/// The provider: discovery, keys, a token endpoint with rotation and reuse detection, revocation,
/// and what a hidden iframe would answer.
struct Provider {
    /// Refresh token -> (grant, still usable).
    refresh_tokens: BTreeMap<String, (u32, bool)>,
    revoked_grants: Vec<u32>,
    issued: u32,
    refreshes: u32,
    revocations: Vec<String>,
    /// The provider's clock, relative to the tabs' (milliseconds).
    skew_ms: i64,
    /// `Some(error)`: the iframe answers this error; None: a code.
    frame_error: Option<&'static str>,
    /// Nonces of authorization requests, by state.
    nonces: BTreeMap<String, String>,
    sub: &'static str,
    /// A refreshed ID token is issued for this `sub` instead (a provider that lies).
    refresh_sub: Option<&'static str>,
    /// Polls (device code, MFA out-of-band) answered before the person approves: each
    /// `authorization_pending`, the first `slow_down` when asked.
    pending: u32,
    slow_down: bool,
    polls: Vec<u64>,
}

impl Provider {
    fn new() -> Self {
        Provider {
            refresh_tokens: BTreeMap::new(),
            revoked_grants: Vec::new(),
            issued: 0,
            refreshes: 0,
            revocations: Vec::new(),
            skew_ms: 0,
            frame_error: None,
            nonces: BTreeMap::new(),
            sub: "alice",
            refresh_sub: None,
            pending: 0,
            slow_down: false,
            polls: Vec::new(),
        }
    }

    fn now(&self, tab_ms: u64) -> u64 {
        ((tab_ms as i64 + self.skew_ms) / 1000) as u64
    }

    fn id_token(&self, now: u64, sub: &str, nonce: Option<&str>) -> String {
        let mut c = json!({ "iss": ISSUER, "aud": "spa", "sub": sub, "iat": now, "exp": now + 600, "name": "Alice" });
        if let Some(n) = nonce {
            c["nonce"] = n.into();
        }
        support::es256(1, "k1", c)
    }

    /// A new token set of grant `grant`.
    fn tokens(&mut self, grant: u32, now: u64, sub: &str, nonce: Option<&str>) -> Value {
        self.issued += 1;
        let rt = format!("rt-{}", self.issued);
        self.refresh_tokens.insert(rt.clone(), (grant, true));
        json!({ "access_token": format!("at-{}", self.issued), "token_type": "Bearer", "expires_in": 3600,
            "refresh_token": rt, "scope": "openid profile email offline_access", "id_token": self.id_token(now, sub, nonce) })
    }

    fn answer(&mut self, req: &HttpRequest, tab_ms: u64) -> HttpResponse {
        let now = self.now(tab_ms);
        let form: BTreeMap<String, String> =
            Url::parse(&format!("https://x/?{}", req.body.clone().unwrap_or_default())).unwrap().query_pairs().into_iter().collect();
        let err = |e: &str| HttpResponse::new(400, json!({ "error": e }).to_string());
        match req.url.as_str() {
            "https://op.example/.well-known/openid-configuration" => HttpResponse::new(
                200,
                json!({ "issuer": ISSUER, "authorization_endpoint": "https://op.example/authorize",
                    "token_endpoint": "https://op.example/token", "jwks_uri": "https://op.example/jwks",
                    "revocation_endpoint": "https://op.example/revoke", "end_session_endpoint": "https://op.example/logout",
                    "id_token_signing_alg_values_supported": ["ES256"] })
                .to_string(),
            ),
            "https://op.example/jwks" => support::jwks(&[(1, "k1")]),
            "https://op.example/revoke" => {
                self.revocations.push(form["token"].clone());
                HttpResponse::new(200, "")
            }
            "https://op.example/token" if form["grant_type"] == "refresh_token" => {
                self.refreshes += 1;
                let rt = &form["refresh_token"];
                let Some(&(grant, live)) = self.refresh_tokens.get(rt) else { return err("invalid_grant") };
                if self.revoked_grants.contains(&grant) {
                    return err("invalid_grant");
                }
                if !live {
                    // Reuse detection: the whole grant is revoked.
                    self.revoked_grants.push(grant);
                    return err("invalid_grant");
                }
                self.refresh_tokens.insert(rt.clone(), (grant, false));
                let sub = self.refresh_sub.unwrap_or(self.sub);
                let t = self.tokens(grant, now, sub, None);
                HttpResponse::new(200, t.to_string())
            }
            "https://op.example/token" if form["grant_type"] == "authorization_code" => {
                let nonce = self.nonces.get(&form["code"]).cloned();
                let t = self.tokens(99, now, self.sub, nonce.as_deref());
                HttpResponse::new(200, t.to_string())
            }
            "https://op.example/token"
                if form["grant_type"] == "urn:ietf:params:oauth:grant-type:device_code"
                    || form["grant_type"] == "http://auth0.com/oauth/grant-type/mfa-oob" =>
            {
                self.polls.push(tab_ms);
                if self.slow_down {
                    self.slow_down = false;
                    return err("slow_down");
                }
                if self.pending > 0 {
                    self.pending -= 1;
                    return err("authorization_pending");
                }
                let t = self.tokens(7, now, self.sub, None);
                HttpResponse::new(200, t.to_string())
            }
            other => panic!("unexpected request to {other} ({:?})", form.get("grant_type")),
        }
    }

    /// The redirect back to the app for this `/authorize` URL (the user logged in, or `error`).
    fn redirect(&mut self, url: &str, error: Option<&str>) -> String {
        let q: BTreeMap<String, String> = Url::parse(url).unwrap().query_pairs().into_iter().collect();
        let state = &q["state"];
        match error {
            Some(e) => format!("https://app.example/cb?error={e}&error_description=denied&state={state}"),
            None => {
                let code = format!("code-{state}");
                self.nonces.insert(code.clone(), q["nonce"].clone());
                format!("https://app.example/cb?code={code}&state={state}")
            }
        }
    }

    /// What the iframe posts back for this `/authorize` URL.
    fn frame(&mut self, url: &str) -> Vec<(String, String)> {
        let q: BTreeMap<String, String> = Url::parse(url).unwrap().query_pairs().into_iter().collect();
        assert_eq!(q["response_mode"], "web_message");
        let state = q["state"].clone();
        match self.frame_error {
            Some(e) => vec![("error".into(), e.into()), ("state".into(), state)],
            None => {
                let code = format!("code-{state}");
                self.nonces.insert(code.clone(), q["nonce"].clone());
                vec![("code".into(), code), ("state".into(), state)]
            }
        }
    }
}

/// One browser: the storage and cookies its tabs share, the lock, the clock.
struct World {
    cache: BTreeMap<String, String>,
    cookies: BTreeMap<String, String>,
    local_storage: BTreeMap<String, String>,
    lock: Option<usize>,
    lock_queue: Vec<usize>,
    now_ms: u64,
    provider: Provider,
    /// A storage write fails (a full quota) when its key starts with this.
    fail_writes: Option<&'static str>,
    frames: u32,
    /// How long a tab's write to the cache takes to reach the other tabs (browsers propagate
    /// localStorage between tab processes asynchronously): (key, value, writer, visible at).
    propagation_ms: u64,
    in_flight: Vec<(String, Option<String>, usize, u64)>,
}

enum TabState {
    Ready,
    /// Another flow of its session is fetching what this one needs.
    Waiting,
    WaitingLock,
    Sleeping(u64),
    Ended(Result<Value, Error>),
}

/// A caller in a tab: its flow, and the client and session of its tab (shared with the other
/// callers of that tab).
struct Tab {
    /// The tab's sessionStorage (its own; localStorage and cookies are the browser's).
    session_storage: Rc<RefCell<BTreeMap<String, String>>>,
    client: Rc<RefCell<Client>>,
    session: Rc<RefCell<Session>>,
    flow: Option<SessionFlow>,
    state: TabState,
}

fn config(auth0: bool, options: Value) -> SessionConfig {
    SessionConfig::from_json("spa", auth0, options.as_object().unwrap()).unwrap()
}

fn new_client() -> Client {
    let o = json!({ "issuer": ISSUER, "clientId": "spa", "authorizationParams": { "redirect_uri": "https://app.example/cb" } });
    Client::new(ClientConfig::new(ClientOptions::from_json(o.as_object().unwrap()).unwrap()).unwrap(), 60, 10_000)
}

impl Tab {
    fn new(cfg: SessionConfig) -> Self {
        let mut client = new_client();
        client.set_scope(cfg.scope_for(None));
        Tab {
            session_storage: Rc::default(),
            client: Rc::new(RefCell::new(client)),
            session: Rc::new(RefCell::new(Session::new(cfg))),
            flow: None,
            state: TabState::Ended(Ok(Value::Null)),
        }
    }

    /// Another caller in the same tab.
    fn sibling(&self) -> Self {
        Tab {
            session_storage: self.session_storage.clone(),
            client: self.client.clone(),
            session: self.session.clone(),
            flow: None,
            state: TabState::Ended(Ok(Value::Null)),
        }
    }

    fn start(&mut self, op: SessionOp, now_ms: u64) {
        // Fresh randomness for each flow (state, nonce, verifier differ from login to login).
        static NEXT: std::sync::atomic::AtomicU8 = std::sync::atomic::AtomicU8::new(1);
        let r = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        self.flow = Some(self.session.borrow_mut().start(op, now_ms, [r; 96]));
        self.state = TabState::Ready;
    }

    fn result(&self) -> &Result<Value, Error> {
        match &self.state {
            TabState::Ended(r) => r,
            _ => panic!("the tab's flow has not ended"),
        }
    }
}

impl World {
    fn new() -> Self {
        World {
            cache: BTreeMap::new(),
            cookies: BTreeMap::new(),
            local_storage: BTreeMap::new(),
            lock: None,
            lock_queue: Vec::new(),
            now_ms: T0,
            provider: Provider::new(),
            fail_writes: None,
            frames: 0,
            propagation_ms: 0,
            in_flight: Vec::new(),
        }
    }

    /// One step of tab `i`.
    fn step(&mut self, tabs: &mut [Tab], i: usize) {
        let now = self.now_ms;
        let tab = &mut tabs[i];
        let flow = tab.flow.as_mut().unwrap();
        let step = flow.poll(&mut tab.session.borrow_mut(), &mut tab.client.borrow_mut(), now);
        match step {
            Step::Client(driver::Step::Send(req)) => {
                let r = self.provider.answer(&req, now);
                flow.response(&mut tab.client.borrow_mut(), r, now);
            }
            Step::Client(driver::Step::Wait) => tab.state = TabState::Waiting,
            Step::Client(other) => panic!("unexpected client step {other:?}"),
            Step::Get { area, key } => {
                // A tab sees its own writes at once, the others' once they arrived.
                let own = self.in_flight.iter().rev().find(|(k, _, w, _)| *k == key && *w == i && area == Area::Cache);
                let v = match own {
                    Some((_, v, _, _)) => v.clone(),
                    None if area == Area::SessionStorage => tab.session_storage.borrow().get(&key).cloned(),
                    None => self.area(area).get(&key).cloned(),
                };
                flow.value(v, now);
            }
            Step::Keys => {
                let keys = self.cache.keys().cloned().collect();
                flow.keys(Some(keys), now);
            }
            Step::Set { area, key, value, .. } => {
                if self.fail_writes.is_some_and(|p| key.starts_with(p)) {
                    flow.storage_failed("QuotaExceededError".into(), now);
                } else if area == Area::Cache && self.propagation_ms > 0 {
                    self.in_flight.push((key, Some(value), i, now + self.propagation_ms));
                    flow.done(now);
                } else if area == Area::SessionStorage {
                    tab.session_storage.borrow_mut().insert(key, value);
                    flow.done(now);
                } else {
                    self.area(area).insert(key, value);
                    flow.done(now);
                }
            }
            Step::Remove { area, key } => {
                if area == Area::Cache && self.propagation_ms > 0 {
                    self.in_flight.push((key, None, i, now + self.propagation_ms));
                } else if area == Area::SessionStorage {
                    tab.session_storage.borrow_mut().remove(&key);
                } else {
                    self.area(area).remove(&key);
                }
                flow.done(now);
            }
            Step::Lock { .. } => match self.lock {
                None => {
                    self.lock = Some(i);
                    flow.locked(false, now);
                }
                Some(_) => {
                    self.lock_queue.push(i);
                    tab.state = TabState::WaitingLock;
                }
            },
            Step::Unlock { .. } => {
                assert_eq!(self.lock, Some(i), "a tab released a lock it did not hold");
                self.lock = None;
                flow.done(now);
                if !self.lock_queue.is_empty() {
                    let next = self.lock_queue.remove(0);
                    self.lock = Some(next);
                    tabs[next].flow.as_mut().unwrap().locked(true, now);
                    tabs[next].state = TabState::Ready;
                }
            }
            Step::Sleep { until_ms } => tab.state = TabState::Sleeping(until_ms),
            Step::Frame { kind, url, origin, timeout } => {
                assert_eq!(kind, FrameKind::Iframe);
                assert_eq!(origin, "https://op.example");
                assert_eq!(timeout, 60);
                self.frames += 1;
                let pairs = self.provider.frame(&url);
                flow.framed(pairs, now);
            }
            Step::Done(v) => tab.state = TabState::Ended(Ok(v)),
            Step::Fail(e) => {
                assert_ne!(self.lock, Some(i), "a flow ended holding the lock");
                tab.state = TabState::Ended(Err(e));
            }
        }
    }

    /// The writes whose time has come reach every tab.
    fn arrive(&mut self) {
        let now = self.now_ms;
        let (arrived, pending): (Vec<_>, Vec<_>) = std::mem::take(&mut self.in_flight).into_iter().partition(|w| w.3 <= now);
        self.in_flight = pending;
        for (k, v, _, _) in arrived {
            match v {
                Some(v) => self.cache.insert(k, v),
                None => self.cache.remove(&k),
            };
        }
    }

    fn area(&mut self, area: Area) -> &mut BTreeMap<String, String> {
        match area {
            Area::Cache => &mut self.cache,
            Area::Cookie => &mut self.cookies,
            Area::LocalStorage => &mut self.local_storage,
            Area::SessionStorage => unreachable!("sessionStorage is the tab's"),
        }
    }

    /// Run every tab's flow to its end, one step of each in turn; time moves only when every
    /// tab sleeps or waits.
    fn run(&mut self, tabs: &mut [Tab]) {
        for _ in 0..100_000 {
            self.arrive();
            let mut progressed = false;
            for i in 0..tabs.len() {
                if matches!(tabs[i].state, TabState::Ready) {
                    self.step(tabs, i);
                    progressed |= !matches!(tabs[i].state, TabState::Waiting);
                }
            }
            if progressed {
                // Something happened: the waiting callers look again.
                for t in tabs.iter_mut() {
                    if matches!(t.state, TabState::Waiting) {
                        t.state = TabState::Ready;
                    }
                }
                continue;
            }
            let next = tabs.iter().filter_map(|t| if let TabState::Sleeping(u) = t.state { Some(u) } else { None }).min();
            match next {
                Some(u) => {
                    self.now_ms = self.now_ms.max(u);
                    for t in tabs.iter_mut() {
                        if matches!(t.state, TabState::Sleeping(u) if u <= self.now_ms) {
                            t.flow.as_mut().unwrap().done(self.now_ms);
                            t.state = TabState::Ready;
                        }
                    }
                }
                None if tabs.iter().all(|t| matches!(t.state, TabState::Ended(_))) => {
                    // Let every write arrive.
                    self.now_ms += self.propagation_ms;
                    self.arrive();
                    return;
                }
                None => panic!("the tabs are deadlocked (a caller waits for a flow that never ends)"),
            }
        }
        panic!("the flows did not end");
    }

    /// Run one flow in one tab.
    fn run_one(&mut self, tab: &mut Tab, op: SessionOp) -> Result<Value, Error> {
        tab.start(op, self.now_ms);
        let tabs = std::slice::from_mut(tab);
        self.run(tabs);
        tabs[0].result().clone()
    }

    /// A signed-in session, as a login leaves it: tokens of a new grant, `expires_at` as given.
    fn signed_in(&mut self, tab: &mut Tab, expires_at: u64) -> String {
        let now = self.now_ms / 1000;
        let mut t = self.provider.tokens(1, now, "alice", None);
        let claims = json!({ "iss": ISSUER, "aud": "spa", "sub": "alice", "iat": now, "exp": now + 600, "name": "Alice" });
        t["expires_at"] = expires_at.into();
        t["id_token_claims"] = claims;
        let rt = t["refresh_token"].as_str().unwrap().to_owned();
        self.run_one(tab, SessionOp::Remember { tokens: t.as_object().unwrap().clone(), audience: None, scope: None }).unwrap();
        rt
    }

    fn entry(&self, key: &str) -> Value {
        serde_json::from_str(self.cache.get(key).unwrap_or_else(|| panic!("no entry {key}"))).unwrap()
    }
}

fn silent(mode: CacheMode) -> SessionOp {
    SessionOp::Silent { audience: None, scope: None, cache_mode: mode, detailed: false, timeout: None }
}

const KEY: &str = "@@auth0spajs@@::spa::default::openid profile email offline_access";

fn rt_options() -> Value {
    json!({ "useRefreshTokens": true, "cacheShared": true })
}

#[test]
fn two_tabs_with_expired_tokens_refresh_once_and_share_the_rotated_token() {
    let mut w = World::new();
    let mut tabs = [Tab::new(config(false, rt_options())), Tab::new(config(false, rt_options()))];
    let rt0 = w.signed_in(&mut tabs[0], T0 / 1000 - 10);
    for t in tabs.iter_mut() {
        t.start(silent(CacheMode::On), w.now_ms);
    }
    w.run(&mut tabs);
    let (a, b) = (tabs[0].result().clone().unwrap(), tabs[1].result().clone().unwrap());
    assert_eq!(a, b, "both tabs answer with the one refreshed token");
    assert_eq!(w.provider.refreshes, 1, "one refresh for both tabs");
    assert!(w.provider.revoked_grants.is_empty(), "no refresh token was presented twice");
    let e = w.entry(KEY);
    assert_ne!(e["body"]["refresh_token"], rt0, "the rotated refresh token replaced the spent one");
    assert_eq!(e["body"]["access_token"], a);
    assert_eq!(w.lock, None);
}

#[test]
fn a_tab_that_waited_for_the_lock_adopts_its_siblings_write_that_is_still_on_its_way() {
    let mut w = World::new();
    let mut tabs = [Tab::new(config(false, rt_options())), Tab::new(config(false, rt_options()))];
    let rt0 = w.signed_in(&mut tabs[0], T0 / 1000 - 10);
    w.propagation_ms = 300;
    for t in tabs.iter_mut() {
        t.start(silent(CacheMode::On), w.now_ms);
    }
    w.run(&mut tabs);
    assert_eq!(tabs[0].result(), tabs[1].result());
    assert_eq!(w.provider.refreshes, 1);
    assert!(w.provider.revoked_grants.is_empty(), "{rt0} was presented twice: the provider revoked the grant");
    // A tab that does not wait for the write presents the spent token, and the grant is lost:
    // what the wait prevents.
    let mut w = World::new();
    let cfg = config(false, json!({ "useRefreshTokens": true, "cacheShared": false }));
    let mut tabs = [Tab::new(cfg.clone()), Tab::new(cfg)];
    w.signed_in(&mut tabs[0], T0 / 1000 - 10);
    w.propagation_ms = 300;
    for t in tabs.iter_mut() {
        t.start(silent(CacheMode::On), w.now_ms);
    }
    w.run(&mut tabs);
    assert_eq!(w.provider.revoked_grants, vec![1]);
}

#[test]
fn a_tab_that_must_refresh_anyway_uses_the_token_its_sibling_rotated() {
    let mut w = World::new();
    let mut tabs = [Tab::new(config(false, rt_options())), Tab::new(config(false, rt_options()))];
    w.signed_in(&mut tabs[0], T0 / 1000 - 10);
    tabs[0].start(silent(CacheMode::On), w.now_ms);
    while w.lock != Some(0) {
        w.step(&mut tabs, 0);
    }
    // While the first tab refreshes, the second asks for a token from the provider whatever the
    // cache holds: it waits for the lock, sees the rotated token arrive, and presents that one.
    tabs[1].start(silent(CacheMode::Off), w.now_ms);
    w.run(&mut tabs);
    let (a, b) = (tabs[0].result().clone().unwrap(), tabs[1].result().clone().unwrap());
    assert_ne!(a, b);
    assert_eq!(w.provider.refreshes, 2);
    assert!(w.provider.revoked_grants.is_empty(), "the sibling's spent refresh token was not presented again");
}

#[test]
fn a_fresh_token_is_answered_from_the_cache_without_the_lock() {
    let mut w = World::new();
    let mut tab = Tab::new(config(false, rt_options()));
    w.signed_in(&mut tab, T0 / 1000 + 3600);
    let at = w.run_one(&mut tab, silent(CacheMode::On)).unwrap();
    assert_eq!(at, "at-1");
    assert_eq!(w.provider.refreshes, 0);
    // Within `leeway` (60 s) of its expiry a token counts as expired.
    w.now_ms = T0 + (3600 - 30) * 1000;
    let at = w.run_one(&mut tab, silent(CacheMode::On)).unwrap();
    assert_eq!(at, "at-2");
    // cache-only answers nothing rather than refreshing.
    w.now_ms += 7200 * 1000;
    assert_eq!(w.run_one(&mut tab, silent(CacheMode::CacheOnly)).unwrap(), Value::Null);
    assert_eq!(w.provider.refreshes, 1);
}

#[test]
fn a_spent_refresh_token_is_dropped_everywhere_and_then_reported_missing() {
    let mut w = World::new();
    let mut tab = Tab::new(config(false, rt_options()));
    let rt0 = w.signed_in(&mut tab, T0 / 1000 - 10);
    // Another device spent it already.
    w.provider.refresh_tokens.insert(rt0.clone(), (1, false));
    let e = w.run_one(&mut tab, silent(CacheMode::On)).unwrap_err();
    assert_eq!(e.error.as_deref(), Some("invalid_grant"));
    assert!(w.entry(KEY)["body"].get("refresh_token").is_none(), "the spent refresh token is kept nowhere");
    let e = w.run_one(&mut tab, silent(CacheMode::On)).unwrap_err();
    assert_eq!(e.code(), Code::MissingRefreshToken);
    assert_eq!(e.audience.as_deref(), Some("default"));
    assert_eq!(e.scope.as_deref(), Some("openid profile email offline_access"));
    assert_eq!(w.provider.refreshes, 1, "the spent token was presented once only");
}

#[test]
fn without_a_refresh_token_the_iframe_answers_and_its_tokens_are_kept() {
    let mut w = World::new();
    let mut tab = Tab::new(config(false, json!({})));
    let at = w.run_one(&mut tab, silent(CacheMode::On)).unwrap();
    assert_eq!(w.frames, 1);
    assert_eq!(at, "at-1");
    let e = w.entry("@@auth0spajs@@::spa::default::openid profile email");
    assert_eq!(e["body"]["id_token_claims"]["sub"], "alice");
    assert_eq!(e["body"]["oauthTokenScope"], "openid profile email offline_access");
    // The next call is answered by the cache.
    assert_eq!(w.run_one(&mut tab, silent(CacheMode::On)).unwrap(), "at-1");
    assert_eq!(w.frames, 1);
    let user = w.run_one(&mut tab, SessionOp::User { claims: false }).unwrap();
    assert_eq!(user, json!({ "sub": "alice", "name": "Alice" }));
}

#[test]
fn auth0_login_required_in_the_iframe_ends_the_local_session() {
    let mut w = World::new();
    let mut tab = Tab::new(config(true, json!({})));
    let now = w.now_ms / 1000;
    let mut t = w.provider.tokens(1, now, "alice", None);
    t.as_object_mut().unwrap().remove("refresh_token");
    t["expires_at"] = (now - 5).into();
    t["id_token_claims"] = json!({ "sub": "alice", "iss": ISSUER });
    w.run_one(&mut tab, SessionOp::Remember { tokens: t.as_object().unwrap().clone(), audience: None, scope: None }).unwrap();
    assert_eq!(w.cookies.get("auth0.spa.is.authenticated").map(String::as_str), Some("true"));
    assert!(w.cache.contains_key("@@auth0spajs@@::spa::@@user@@"));
    w.provider.frame_error = Some("login_required");
    let e = w.run_one(&mut tab, silent(CacheMode::On)).unwrap_err();
    assert_eq!(e.code(), Code::LoginRequired);
    assert!(w.cache.is_empty(), "the local session was cleared: {:?}", w.cache.keys());
    assert!(!w.cookies.contains_key("auth0.spa.is.authenticated"));
    // checkSession then does nothing at all: no cookie, no iframe.
    let frames = w.frames;
    assert_eq!(w.run_one(&mut tab, SessionOp::CheckSession { audience: None, scope: None, timeout: None, restore: false }).unwrap(), Value::Null);
    assert_eq!(w.frames, frames);
}

#[test]
fn auth0_entries_are_auth0_spa_js_entries() {
    let mut w = World::new();
    let mut tab = Tab::new(config(true, json!({ "useRefreshTokens": true, "cacheListsKeys": true, "cacheShared": true })));
    w.signed_in(&mut tab, T0 / 1000 + 3600);
    let e = w.entry(KEY);
    assert_eq!(e["expiresAt"], T0 / 1000 + 3600);
    assert_eq!(e["body"]["client_id"], "spa");
    assert_eq!(e["body"]["audience"], "default");
    assert!(e["body"].get("id_token").is_none(), "the ID token lives in the user entry");
    let u = w.entry("@@auth0spajs@@::spa::@@user@@");
    assert_eq!(u["decodedToken"]["user"], json!({ "sub": "alice", "name": "Alice" }));
    assert_eq!(u["decodedToken"]["header"]["alg"], "ES256");
    assert_eq!(u["decodedToken"]["claims"]["__raw"], u["id_token"]);
    // A cache that lists its keys needs no manifest.
    assert!(!w.cache.contains_key("@@auth0spajs@@::spa"));
    let claims = w.run_one(&mut tab, SessionOp::User { claims: true }).unwrap();
    assert_eq!(claims["iss"], ISSUER);
    assert_eq!(claims["__raw"], u["id_token"]);
    // Expired: refreshed with the refresh token, kept under the same key.
    w.now_ms += 7200 * 1000;
    let out = w
        .run_one(&mut tab, SessionOp::Silent { audience: None, scope: None, cache_mode: CacheMode::On, detailed: true, timeout: None })
        .unwrap();
    assert_eq!(out["access_token"], "at-2");
    assert_eq!(out["expires_in"], 3600);
    assert_eq!(out["scope"], "openid profile email offline_access");
    assert_eq!(w.entry(KEY)["body"]["refresh_token"], "rt-2");
}

#[test]
fn a_refreshed_id_token_for_someone_else_is_refused_and_nothing_is_kept() {
    let mut w = World::new();
    let mut tab = Tab::new(config(false, rt_options()));
    w.signed_in(&mut tab, T0 / 1000 - 10);
    let before = w.entry(KEY);
    w.provider.refresh_sub = Some("mallory");
    let e = w.run_one(&mut tab, silent(CacheMode::On)).unwrap_err();
    assert_eq!(e.code(), Code::JwtClaimValidationFailed);
    assert_eq!(e.claim.as_deref(), Some("sub"));
    assert_eq!(w.entry(KEY), before);
}

#[test]
fn a_provider_clock_ten_minutes_off_is_tolerated() {
    for skew in [-600_000i64, 600_000] {
        let mut w = World::new();
        w.provider.skew_ms = skew;
        let mut tab = Tab::new(config(false, rt_options()));
        w.signed_in(&mut tab, T0 / 1000 - 10);
        let at = w.run_one(&mut tab, silent(CacheMode::On)).unwrap();
        assert_eq!(at, "at-2", "skew {skew}");
        // expires_at counts from the tab's clock: the token is fresh for the tab.
        assert_eq!(w.run_one(&mut tab, silent(CacheMode::On)).unwrap(), "at-2");
        assert_eq!(w.provider.refreshes, 1);
    }
}

#[test]
fn corrupt_storage_is_dropped_and_never_fatal() {
    let mut w = World::new();
    let mut tab = Tab::new(config(false, rt_options()));
    w.signed_in(&mut tab, T0 / 1000 + 3600);
    w.cache.insert(KEY.into(), "{not json".into());
    let e = w.run_one(&mut tab, silent(CacheMode::On)).unwrap_err();
    assert_eq!(e.code(), Code::MissingRefreshToken);
    assert!(!w.cache.contains_key(KEY), "the unreadable entry was removed");
    // A manifest that is not one reads as empty.
    w.signed_in(&mut tab, T0 / 1000 + 3600);
    w.cache.insert("@@oidc-wasm@@::spa::@@manifest@@".into(), "[1,2]".into());
    assert_eq!(w.run_one(&mut tab, SessionOp::User { claims: false }).unwrap(), Value::Null);
    // Logout still clears what it can find, and the URL is built.
    let url = w.run_one(&mut tab, SessionOp::Logout { params: Map::new(), revoke: false, navigate: true }).unwrap();
    assert!(url.as_str().unwrap().starts_with("https://op.example/logout?"));
    assert!(!w.cache.contains_key("@@oidc-wasm@@::spa::@@manifest@@"));
}

#[test]
fn a_full_storage_fails_with_its_code_and_releases_the_lock() {
    let mut w = World::new();
    let mut tab = Tab::new(config(false, rt_options()));
    w.signed_in(&mut tab, T0 / 1000 - 10);
    w.fail_writes = Some("@@auth0spajs@@");
    let e = w.run_one(&mut tab, silent(CacheMode::On)).unwrap_err();
    assert_eq!(e.code(), Code::Storage);
    assert!(e.message().contains("QuotaExceededError"));
    assert_eq!(w.lock, None, "the lock was released");
}

#[test]
fn logout_revokes_each_refresh_token_once_clears_the_session_and_names_the_url() {
    let mut w = World::new();
    let mut tab = Tab::new(config(false, rt_options()));
    let rt = w.signed_in(&mut tab, T0 / 1000 + 3600);
    let mut params = Map::new();
    params.insert("returnTo".into(), "https://app.example/".into());
    let url = w.run_one(&mut tab, SessionOp::Logout { params, revoke: true, navigate: true }).unwrap();
    assert_eq!(w.provider.revocations, vec![rt]);
    assert!(w.cache.is_empty(), "{:?}", w.cache.keys());
    let url = url.as_str().unwrap();
    assert!(url.contains("id_token_hint=") && url.contains("post_logout_redirect_uri=https%3A%2F%2Fapp.example%2F"), "{url}");
    assert_eq!(w.run_one(&mut tab, SessionOp::User { claims: false }).unwrap(), Value::Null);
}

#[test]
fn the_frame_failing_names_what_happened() {
    // The host reports what it saw; the session decides the error.
    let cfg = config(false, json!({}));
    let o = json!({ "issuer": ISSUER, "clientId": "spa", "authorizationParams": { "redirect_uri": "https://app.example/cb" } });
    for (why, code) in [
        (FrameFailure::Timeout, Code::Timeout),
        (FrameFailure::NoDocument, Code::InvalidArgument),
        (FrameFailure::Closed, Code::PopupClosed),
        (FrameFailure::Blocked, Code::PopupBlocked),
    ] {
        let mut w = World::new();
        let mut client = Client::new(ClientConfig::new(ClientOptions::from_json(o.as_object().unwrap()).unwrap()).unwrap(), 60, 10_000);
        let mut session = Session::new(cfg.clone());
        let mut flow: SessionFlow = session.start(SessionOp::Popup { params: Map::new(), timeout: Some(5) }, T0, [9; 96]);
        let e = loop {
            match flow.poll(&mut session, &mut client, T0) {
                Step::Client(driver::Step::Send(r)) => {
                    let a = w.provider.answer(&r, T0);
                    flow.response(&mut client, a, T0);
                }
                Step::Frame { kind, timeout, .. } => {
                    assert_eq!((kind, timeout), (FrameKind::Popup, 5));
                    flow.frame_failed(why, T0);
                }
                Step::Fail(e) => break e,
                other => panic!("unexpected {other:?}"),
            }
        };
        assert_eq!(e.code(), code);
    }
}

#[test]
fn concurrent_calls_in_one_tab_make_one_request_and_share_its_outcome() {
    let mut w = World::new();
    let first = Tab::new(config(false, rt_options()));
    let mut tabs: Vec<Tab> = (0..5).map(|_| first.sibling()).collect();
    w.signed_in(&mut tabs[0], T0 / 1000 + 3600);
    // The cache bypassed by five callers at once: one refresh, one token for all.
    for t in tabs.iter_mut() {
        t.start(SessionOp::Silent { audience: None, scope: None, cache_mode: CacheMode::Off, detailed: false, timeout: None }, w.now_ms);
    }
    w.run(&mut tabs);
    assert_eq!(w.provider.refreshes, 1);
    let first = tabs[0].result().clone().unwrap();
    assert!(tabs.iter().all(|t| t.result().clone().unwrap() == first));
    // A failure is shared too: the refresh token revoked, every caller gets invalid_grant from one request.
    w.provider.revoked_grants.push(1);
    for t in tabs.iter_mut() {
        t.start(SessionOp::Silent { audience: None, scope: None, cache_mode: CacheMode::Off, detailed: false, timeout: None }, w.now_ms);
    }
    w.run(&mut tabs);
    assert_eq!(w.provider.refreshes, 2);
    assert!(tabs.iter().all(|t| t.result().as_ref().unwrap_err().error.as_deref() == Some("invalid_grant")));
}

fn login_op() -> SessionOp {
    let mut app_state = Map::new();
    app_state.insert("returnTo".into(), "/profile".into());
    SessionOp::Login { params: Map::new(), app_state: Value::Object(app_state) }
}

#[test]
fn a_login_by_redirect_keeps_its_transaction_for_one_callback_then_the_tokens() {
    for auth0 in [false, true] {
        let mut w = World::new();
        let mut tab = Tab::new(config(auth0, rt_options()));
        let url = w.run_one(&mut tab, login_op()).unwrap();
        let url = url.as_str().unwrap();
        assert!(url.contains("scope=openid+profile+email+offline_access"), "{url}");
        assert_eq!(url.contains("response_mode=query"), auth0, "auth0-spa-js asks for response_mode=query");
        if auth0 {
            let tx: Value = serde_json::from_str(&tab.session_storage.borrow()["a0.spajs.txs.spa"]).unwrap();
            assert_eq!(tx["audience"], "default");
            assert_eq!(tx["response_type"], "code");
        } else {
            assert!(tab.session_storage.borrow().contains_key("oidc-wasm.tx.spa"));
        }
        let cb = w.provider.redirect(url, None);
        let out = w.run_one(&mut tab, SessionOp::Callback { url: cb.clone() }).unwrap();
        assert_eq!(out["appState"]["returnTo"], "/profile");
        assert_eq!(w.run_one(&mut tab, SessionOp::User { claims: false }).unwrap()["sub"], "alice");
        // One use only: the same callback again finds no transaction.
        let e = w.run_one(&mut tab, SessionOp::Callback { url: cb }).unwrap_err();
        assert_eq!(e.code(), Code::CallbackStateMismatch);
        assert_eq!(e.error.as_deref(), Some(if auth0 { "missing_transaction" } else { "state_mismatch" }).filter(|_| auth0));
    }
}

#[test]
fn a_provider_error_at_the_callback_comes_back_with_the_app_state() {
    let mut w = World::new();
    let mut tab = Tab::new(config(false, json!({})));
    let url = w.run_one(&mut tab, login_op()).unwrap();
    let cb = w.provider.redirect(url.as_str().unwrap(), Some("access_denied"));
    let out = w.run_one(&mut tab, SessionOp::Callback { url: cb }).unwrap();
    assert_eq!(out["failure"]["error"], "access_denied");
    assert_eq!(out["failure"]["code"], "ERR_OAUTH_ERROR");
    assert_eq!(out["appState"]["returnTo"], "/profile");
    assert!(out["state"].is_string());
    assert!(w.cache.is_empty());
}

#[test]
fn transactions_older_than_an_hour_are_purged_when_another_login_starts() {
    let mut w = World::new();
    let mut tab = Tab::new(config(false, json!({})));
    let old = w.run_one(&mut tab, login_op()).unwrap();
    w.now_ms += (oidc_wasm::spa::TRANSACTION_TTL + 1) * 1000;
    w.run_one(&mut tab, login_op()).unwrap();
    let list: Vec<String> = serde_json::from_str(&tab.session_storage.borrow()["oidc-wasm.tx.spa"]).unwrap();
    assert_eq!(list.len(), 1, "the hour-old transaction was dropped");
    let cb = w.provider.redirect(old.as_str().unwrap(), None);
    assert_eq!(w.run_one(&mut tab, SessionOp::Callback { url: cb }).unwrap_err().code(), Code::CallbackStateMismatch);
}

#[test]
fn a_magic_links_transaction_waits_in_local_storage_for_the_tab_the_link_opens() {
    let mut w = World::new();
    let mut first = Tab::new(config(true, json!({})));
    // The link's authorization request, built as passwordless.start builds it.
    let mut client = new_client();
    let mut f = client.start(driver::Op::AuthorizeUrl {
        params: oidc_wasm::authorize::AuthorizeParams::default(),
        random: oidc_wasm::authorize::AuthorizeRandom::from_bytes(&[5; 96]),
    });
    let out = loop {
        match f.poll(&mut client, T0 / 1000) {
            driver::Step::Send(r) => {
                let a = w.provider.answer(&r, T0);
                f.response(&mut client, a, T0 / 1000);
            }
            driver::Step::Done(v) => break v,
            other => panic!("{other:?}"),
        }
    };
    w.run_one(&mut first, SessionOp::KeepLink { transaction: out["transaction"].clone(), app_state: json!("link") }).unwrap();
    assert!(first.session_storage.borrow().is_empty());
    let mut second = Tab::new(config(true, json!({})));
    let cb = w.provider.redirect(out["url"].as_str().unwrap(), None);
    let done = w.run_one(&mut second, SessionOp::Callback { url: cb }).unwrap();
    assert_eq!(done["appState"], "link");
    assert_eq!(done["response_type"], "code");
    assert!(!w.local_storage.contains_key(&format!("oidc-wasm.tx.spa.{}", out["transaction"]["state"].as_str().unwrap())));
}

#[test]
fn a_device_login_polls_at_the_interval_slows_down_when_told_and_keeps_the_tokens() {
    let mut w = World::new();
    let mut tab = Tab::new(config(false, json!({})));
    w.provider.pending = 2;
    w.provider.slow_down = true;
    let op = SessionOp::DevicePoll {
        device_code: "dc".into(),
        interval: 5,
        expires_in: 600,
        scope_requested: Some("openid profile email".into()),
        audience: None,
    };
    let tokens = w.run_one(&mut tab, op).unwrap();
    assert_eq!(tokens["access_token"], "at-1");
    let gaps: Vec<u64> = w.provider.polls.windows(2).map(|p| (p[1] - p[0]) / 1000).collect();
    assert_eq!(w.provider.polls[0] - T0, 5000, "the first poll after one interval");
    assert_eq!(gaps, vec![10, 10, 10], "slow_down added 5 s for good (RFC 8628 §3.5)");
    assert_eq!(w.run_one(&mut tab, SessionOp::User { claims: false }).unwrap()["sub"], "alice");
    // A code that outlives its expiry: ERR_TIMEOUT with expired_token, and no request after it.
    let mut w = World::new();
    w.provider.pending = 1000;
    let op = SessionOp::DevicePoll { device_code: "dc".into(), interval: 5, expires_in: 30, scope_requested: None, audience: None };
    let e = w.run_one(&mut tab, op).unwrap_err();
    assert_eq!((e.code(), e.error.as_deref()), (Code::Timeout, Some("expired_token")));
    assert!(w.provider.polls.iter().all(|t| *t <= T0 + 30_000));
}

#[test]
fn an_out_of_band_mfa_proof_is_polled_until_approved_and_a_cancel_ends_it() {
    let mut w = World::new();
    let mut tab = Tab::new(config(true, json!({})));
    w.provider.pending = 3;
    let op = || SessionOp::MfaPoll {
        mfa_token: "mt".into(),
        oob_code: "oob".into(),
        binding_code: None,
        audience: None,
        interval: 5,
        expires_in: 300,
    };
    let tokens = w.run_one(&mut tab, op()).unwrap();
    assert_eq!(tokens["access_token"], "at-1");
    assert_eq!(w.provider.polls.len(), 4);
    assert!(w.cookies.contains_key("auth0.spa.is.authenticated"), "the login ended like any other");
    // Cancelled while waiting between polls: the call ends with its own code, nothing more is sent.
    w.provider.pending = 1000;
    let before = w.provider.polls.len();
    tab.start(op(), w.now_ms);
    let mut tabs = [tab];
    for _ in 0..20 {
        if matches!(tabs[0].state, TabState::Sleeping(_)) {
            break;
        }
        w.step(&mut tabs, 0);
    }
    assert!(matches!(tabs[0].state, TabState::Sleeping(_)));
    tabs[0].flow.as_mut().unwrap().cancel();
    tabs[0].state = TabState::Ready;
    w.run(&mut tabs);
    let e = tabs[0].result().clone().unwrap_err();
    assert_eq!((e.code(), e.error.as_deref()), (Code::MfaCancelled, Some("cancelled")));
    assert_eq!(w.provider.polls.len(), before + 1);
}

#[test]
fn callers_waiting_for_a_refresh_that_is_abandoned_are_told_not_left_waiting() {
    let mut w = World::new();
    let first = Tab::new(config(false, rt_options()));
    let mut tabs: Vec<Tab> = (0..3).map(|_| first.sibling()).collect();
    w.signed_in(&mut tabs[0], T0 / 1000 - 10);
    for t in tabs.iter_mut() {
        t.start(silent(CacheMode::On), w.now_ms);
    }
    // The first caller leads the refresh; the others wait for it. Then its page drops it.
    for _ in 0..6 {
        for i in 0..tabs.len() {
            if matches!(tabs[i].state, TabState::Ready | TabState::Waiting) {
                tabs[i].state = TabState::Ready;
                w.step(&mut tabs, i);
            }
        }
    }
    assert!(matches!(tabs[1].state, TabState::Waiting) && matches!(tabs[2].state, TabState::Waiting));
    let leader = &mut tabs[0];
    leader.flow.as_mut().unwrap().abandon(&mut leader.session.borrow_mut(), &mut leader.client.borrow_mut());
    leader.state = TabState::Ended(Ok(Value::Null));
    w.lock = None;
    for t in tabs.iter_mut().skip(1) {
        t.state = TabState::Ready;
    }
    w.run(&mut tabs[1..]);
    for t in &tabs[1..] {
        assert_eq!(t.result().as_ref().unwrap_err().code(), Code::Internal);
    }
    // The next call leads a refresh of its own.
    let mut next = first.sibling();
    assert_eq!(w.run_one(&mut next, silent(CacheMode::On)).unwrap(), "at-2");
}

#[test]
fn a_page_load_restores_a_session_only_after_a_login() {
    // Another provider, no refresh token: the hidden iframe restores the session.
    let mut w = World::new();
    let mut tab = Tab::new(config(false, json!({})));
    let restore = || SessionOp::CheckSession { audience: None, scope: None, timeout: None, restore: true };
    // Nobody logged in here: no request at all, and no error.
    assert_eq!(w.run_one(&mut tab, restore()).unwrap(), Value::Null);
    assert_eq!(w.frames, 0);
    // After a login the cookie says so; a reload (an empty memory cache) asks the provider again.
    let url = w.run_one(&mut tab, login_op()).unwrap();
    let cb = w.provider.redirect(url.as_str().unwrap(), None);
    w.run_one(&mut tab, SessionOp::Callback { url: cb }).unwrap();
    assert_eq!(w.cookies.get("oidc-wasm.spa.is.authenticated").map(String::as_str), Some("true"));
    w.cache.clear();
    let mut reloaded = Tab::new(config(false, json!({})));
    assert_eq!(w.run_one(&mut reloaded, restore()).unwrap(), Value::Null);
    assert_eq!(w.frames, 1);
    assert_eq!(w.run_one(&mut reloaded, SessionOp::User { claims: false }).unwrap()["sub"], "alice");
    // The provider's session ended: quietly signed out. A logout removes the cookie.
    w.provider.frame_error = Some("login_required");
    w.cache.clear();
    assert_eq!(w.run_one(&mut reloaded, restore()).unwrap(), Value::Null);
    w.run_one(&mut reloaded, SessionOp::Logout { params: Map::new(), revoke: false, navigate: false }).unwrap();
    assert!(!w.cookies.contains_key("oidc-wasm.spa.is.authenticated"));
}

#[test]
fn a_clock_set_back_while_a_tab_looks_for_its_siblings_write_does_not_keep_the_lock_longer() {
    // The tab waited for the lock (another tab held it) and looks for that tab's write for about
    // a second, every 25 ms. Its clock is set back two minutes at each look: it still gives up
    // after that second's worth of looks, and refreshes itself, instead of holding the lock (and
    // every other tab) for as long as its clock went back.
    let mut w = World::new();
    let mut tab = Tab::new(config(false, rt_options()));
    // Expired a day ago: still expired when the clock is set back.
    w.signed_in(&mut tab, T0 / 1000 - 86_400);
    tab.start(silent(CacheMode::On), w.now_ms);
    let (mut sleeps, mut now) = (0, w.now_ms);
    let out = loop {
        let flow = tab.flow.as_mut().unwrap();
        let step = flow.poll(&mut tab.session.borrow_mut(), &mut tab.client.borrow_mut(), now);
        match step {
            Step::Get { area, key } => flow.value(w.area(area).get(&key).cloned(), now),
            Step::Keys => flow.keys(Some(w.cache.keys().cloned().collect()), now),
            Step::Set { area, key, value, .. } => {
                w.area(area).insert(key, value);
                flow.done(now);
            }
            Step::Lock { .. } => flow.locked(true, now),
            Step::Unlock { .. } => flow.done(now),
            Step::Sleep { until_ms } => {
                sleeps += 1;
                assert!(sleeps <= 40, "the tab kept looking after {sleeps} looks: its clock went back");
                // The timer fires; the clock is then set back.
                flow.done(until_ms);
                now = until_ms - 120_000;
            }
            Step::Client(driver::Step::Send(req)) => {
                let r = w.provider.answer(&req, now);
                flow.response(&mut tab.client.borrow_mut(), r, now);
            }
            Step::Done(v) => break v,
            other => panic!("unexpected {other:?}"),
        }
    };
    assert_eq!(sleeps, 40);
    assert_eq!(out, "at-2", "then it refreshed");
}
