//! The SPA session driver (`spa::SessionFlow`) under arbitrary host answers: up to six session
//! calls, in one tab or two, interleaved step by step, each step answered from the input: storage
//! reads, writes and removals that succeed or fail, the cross-tab lock (contended or not), the
//! provider's answers (honest, rotated or not, refused, garbage, a failed request, an ID token
//! for someone else), the platform's signature answers, windows that answer or fail, and jumps of
//! the clock. The stored session it starts from is written by the session itself, then possibly
//! damaged (corrupt entry, corrupt or missing manifest).
//!
//! Checked besides "no panic":
//! - **no spent refresh token is presented again**: once the provider rotated a refresh token and
//!   the session stored the new one (a cache write holding it succeeded), the old one is never
//!   sent in a refresh grant again; nor is one the provider refused with `invalid_grant`;
//! - **no refresh token is lost**: a `getTokenSilently` that ends with a token after a refresh
//!   whose answer carried a rotated refresh token stored that new token (a cache write holding it
//!   succeeded);
//! - the lock is released by its holder only, before the flow ends, and nobody waits forever;
//! - no flow ends with `ERR_INTERNAL` (the host here answers every step as asked).
//!
//! Both storage rules assume the host's cache works: after a failed cache read, write or removal
//! they are no longer checked (the session can neither keep nor drop what storage refuses). A refresh
//! answer whose ID token is refused is discarded whole, with its refresh token (OIDC Core §12.2):
//! the session never stored the new token, so the old one is not counted as spent.

#![no_main]

use std::collections::{BTreeMap, BTreeSet};
use std::sync::LazyLock;

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine as _;
use libfuzzer_sys::fuzz_target;
use oidc_wasm::config::{ClientConfig, ClientOptions};
use oidc_wasm::driver::{self, Client};
use oidc_wasm::http::{HttpRequest, HttpResponse};
use oidc_wasm::spa::{Area, CacheMode, FrameFailure, Session, SessionConfig, SessionFlow, SessionOp, Step};
use oidc_wasm::url::Url;
use oidc_wasm::{Code, Error};
use serde_json::{json, Map, Value};

const ISSUER: &str = "https://op.example";
const T0: u64 = 1_700_000_000_000;
/// Polls of all flows together: a run stops there while input remains (each poll replays its flow
/// from the start, so the cost of a run grows with the square of its length); with the input used
/// up (every answer honest), a run that gets there has a flow that never ends.
const MAX_STEPS: usize = 2_000;
const MAX_FLOWS: usize = 6;
const VECTORS: &str = include_str!("../../tests/vectors/jws-rfc.json");

/// The RFC 7515 A.3 P-256 key as the provider's JWKS (kid `k1`).
static JWKS: LazyLock<String> = LazyLock::new(|| {
    let v: Value = serde_json::from_str(VECTORS).expect("tests/vectors/jws-rfc.json is JSON");
    let mut jwk = v["vectors"]
        .as_array()
        .expect("vectors array")
        .iter()
        .find(|t| t["name"] == "RFC 7515 A.3")
        .expect("the A.3 vector")["jwk"]
        .clone();
    let o = jwk.as_object_mut().expect("a JWK");
    o.remove("d");
    o.insert("kid".into(), "k1".into());
    o.insert("alg".into(), "ES256".into());
    o.insert("use".into(), "sig".into());
    json!({ "keys": [jwk] }).to_string()
});

/// `SESSION_TRACE=1`: print each step and its answer (to read a reproducer).
static TRACE: LazyLock<bool> = LazyLock::new(|| std::env::var_os("SESSION_TRACE").is_some());

/// The input, read a byte at a time; zeros (the honest, quiet answer) once it is used up.
struct Input<'a> {
    data: &'a [u8],
    pos: usize,
}

impl Input<'_> {
    fn byte(&mut self) -> u8 {
        let b = self.data.get(self.pos).copied().unwrap_or(0);
        self.pos += 1;
        b
    }
    fn bit(&mut self) -> bool {
        self.byte() & 1 == 1
    }
    fn exhausted(&self) -> bool {
        self.pos >= self.data.len()
    }
}

/// The provider: refresh tokens it issued (and whether each is still usable), the nonces of its
/// codes, and what it was asked.
#[derive(Default)]
struct Provider {
    issued: u32,
    live: BTreeMap<String, bool>,
    nonces: BTreeMap<String, String>,
    codes: u32,
}

impl Provider {
    fn id_token(now: u64, sub: &str, nonce: Option<&str>) -> String {
        let header = B64.encode(json!({ "alg": "ES256", "kid": "k1", "typ": "JWT" }).to_string());
        let mut c = json!({ "iss": ISSUER, "aud": "spa", "sub": sub, "iat": now, "exp": now + 600, "name": "Alice" });
        if let Some(n) = nonce {
            c["nonce"] = n.into();
        }
        // The platform is asked about the signature (its answer is the input's); the bytes only
        // need the right length.
        format!("{header}.{}.{}", B64.encode(c.to_string()), B64.encode([7u8; 64]))
    }

    /// A new token set: `rotate` a new refresh token, `id` an ID token.
    fn tokens(&mut self, now: u64, rotate: bool, id: Option<(&str, Option<&str>)>, expires_in: Value) -> (Value, Option<String>) {
        self.issued += 1;
        let mut t = json!({ "access_token": format!("at-{}", self.issued), "token_type": "Bearer", "expires_in": expires_in,
            "scope": "openid profile email offline_access" });
        let mut rt = None;
        if rotate {
            let r = format!("rt-{}", self.issued);
            self.live.insert(r.clone(), true);
            t["refresh_token"] = r.clone().into();
            rt = Some(r);
        }
        if let Some((sub, nonce)) = id {
            t["id_token"] = Provider::id_token(now, sub, nonce).into();
        }
        (t, rt)
    }
}

enum State {
    Ready,
    /// Another flow of its session is fetching what this one needs.
    Waiting,
    WaitingLock,
    Sleeping(u64),
    Ended,
}

struct Slot {
    tab: usize,
    flow: SessionFlow,
    state: State,
    /// `getTokenSilently`.
    silent: bool,
    /// The rotated refresh token its last refresh was answered with.
    rotated: Option<String>,
}

struct World {
    shared: bool,
    platform_crypto: bool,
    /// The token cache: one shared by the tabs, or each its own (memory).
    caches: [BTreeMap<String, String>; 2],
    cookies: BTreeMap<String, String>,
    local_storage: BTreeMap<String, String>,
    session_storage: [BTreeMap<String, String>; 2],
    /// The flow holding the lock, and those waiting for it.
    lock: Option<usize>,
    queue: Vec<usize>,
    now_ms: u64,
    provider: Provider,
    /// A cache read, write or removal failed: the storage rules are no longer checked.
    storage_failed: bool,
    /// Rotations answered, not yet seen stored: new -> old.
    rotations: BTreeMap<String, String>,
    /// Refresh tokens stored after a rotation (new ones that reached the cache).
    stored: BTreeSet<String>,
    /// Refresh tokens that must not be presented again.
    spent: BTreeSet<String>,
    last_login_url: Option<String>,
}

fn config(input: &mut Input<'_>) -> (SessionConfig, bool, bool) {
    let b = input.byte();
    let auth0 = b & 1 != 0;
    let mut o = Map::new();
    // Refresh tokens most of the time: they are what the rules are about.
    o.insert("useRefreshTokens".into(), (b & 6 != 6).into());
    o.insert("useRefreshTokensFallback".into(), (b & 8 != 0).into());
    o.insert("cacheListsKeys".into(), (b & 16 != 0).into());
    o.insert("cacheShared".into(), (b & 32 == 0).into());
    let platform_crypto = b & 64 == 0;
    let two_tabs = b & 128 != 0;
    (SessionConfig::from_json("spa", auth0, &o).expect("session options"), platform_crypto, two_tabs)
}

fn new_client(cfg: &SessionConfig, platform_crypto: bool) -> Client {
    let o = json!({ "issuer": ISSUER, "clientId": "spa", "authorizationParams": { "redirect_uri": "https://app.example/cb" } });
    let mut c = Client::new(ClientConfig::new(ClientOptions::from_json(o.as_object().unwrap()).unwrap()).unwrap(), 60, 10_000);
    c.set_scope(cfg.scope_for(None));
    c.set_platform_crypto(platform_crypto);
    c
}

fn form(req: &HttpRequest) -> BTreeMap<String, String> {
    Url::parse(&format!("https://x/?{}", req.body.clone().unwrap_or_default()))
        .map(|u| u.query_pairs().into_iter().collect())
        .unwrap_or_default()
}

fn query(url: &str) -> BTreeMap<String, String> {
    Url::parse(url).map(|u| u.query_pairs().into_iter().collect()).unwrap_or_default()
}

fn oauth_error(status: u16, e: &str) -> HttpResponse {
    HttpResponse::new(status, json!({ "error": e, "error_description": "no" }).to_string())
}

/// One of a few broken answers.
fn garbage(c: u8) -> HttpResponse {
    match c % 6 {
        0 => HttpResponse::new(500, "<html>down</html>"),
        1 => HttpResponse::new(200, "[]"),
        2 => HttpResponse::new(200, "{}"),
        3 => HttpResponse::new(200, r#"{"access_token":"","token_type":"Bearer"}"#),
        4 => HttpResponse::new(429, "").with_header("Retry-After", "3"),
        _ => HttpResponse::new(200, "{\"access_token\":\"x\",\"token_type\":\"Bearer\",\"expires_in\":\"soon\""),
    }
}

fn network() -> Error {
    oidc_wasm::http::fetch_failure("https://op.example", "TypeError", "Failed to fetch", 10_000)
}

impl World {
    fn cache(&mut self, tab: usize) -> &mut BTreeMap<String, String> {
        &mut self.caches[if self.shared { 0 } else { tab }]
    }

    fn area(&mut self, area: Area, tab: usize) -> &mut BTreeMap<String, String> {
        match area {
            Area::Cache => self.cache(tab),
            Area::Cookie => &mut self.cookies,
            Area::LocalStorage => &mut self.local_storage,
            Area::SessionStorage => &mut self.session_storage[tab],
        }
    }

    /// The provider's answer to a request, chosen by the input: `Err` for a failed request.
    fn answer(&mut self, req: &HttpRequest, slot: &mut Slot, input: &mut Input<'_>) -> Result<HttpResponse, Error> {
        let now = self.now_ms / 1000;
        let c = input.byte();
        // An ID token only where it can pass: the platform checks signatures here; the crate's
        // own arithmetic would refuse these bytes.
        let with_id = self.platform_crypto;
        let url = req.url.as_str();
        if url.ends_with("/.well-known/openid-configuration") {
            return match c {
                0..=239 => Ok(HttpResponse::new(
                    200,
                    json!({ "issuer": ISSUER, "authorization_endpoint": "https://op.example/authorize",
                        "token_endpoint": "https://op.example/token", "jwks_uri": "https://op.example/jwks",
                        "revocation_endpoint": "https://op.example/revoke", "end_session_endpoint": "https://op.example/logout",
                        "id_token_signing_alg_values_supported": ["ES256"] })
                    .to_string(),
                )),
                240..=247 => Err(network()),
                _ => Ok(garbage(c)),
            };
        }
        if url == "https://op.example/jwks" {
            return match c {
                0..=239 => Ok(HttpResponse::new(200, JWKS.as_str())),
                240..=243 => Err(network()),
                244..=247 => Ok(HttpResponse::new(200, r#"{"keys":[]}"#)),
                _ => Ok(garbage(c)),
            };
        }
        if url == "https://op.example/revoke" {
            return match c {
                0..=199 => Ok(HttpResponse::new(200, "")),
                200..=219 => Err(network()),
                _ => Ok(oauth_error(400, "unsupported_token_type")),
            };
        }
        if url != "https://op.example/token" {
            return Ok(HttpResponse::new(404, "not found"));
        }
        let f = form(req);
        let expires_in = match input.byte() {
            0..=199 => json!(3600),
            200..=219 => json!(30),
            220..=229 => json!(0),
            230..=239 => json!("120"),
            _ => Value::Null,
        };
        match f.get("grant_type").map(String::as_str) {
            Some("refresh_token") => {
                let rt = f.get("refresh_token").cloned().unwrap_or_default();
                let known = self.provider.live.get(&rt).copied();
                match c {
                    // Honest: rotation (a reused or unknown token is refused, RFC 9700 §4.14.2).
                    0..=159 | 160..=179 => {
                        if known != Some(true) {
                            return Ok(oauth_error(400, "invalid_grant"));
                        }
                        let rotate = c < 160;
                        if rotate {
                            self.provider.live.insert(rt.clone(), false);
                        }
                        let (t, new) = self.provider.tokens(now, rotate, with_id.then_some(("alice", None)), expires_in);
                        if let Some(new) = new {
                            self.rotations.insert(new.clone(), rt);
                            slot.rotated = Some(new);
                        }
                        Ok(HttpResponse::new(200, t.to_string()))
                    }
                    // Rotated, and the new ID token is for someone else or the answer is broken:
                    // the provider spent the old token all the same.
                    180..=189 => {
                        self.provider.live.insert(rt, false);
                        let (t, _) = self.provider.tokens(now, true, Some(("mallory", None)), expires_in);
                        Ok(HttpResponse::new(200, t.to_string()))
                    }
                    190..=199 => Ok(oauth_error(400, "invalid_grant")),
                    200..=204 => Ok(HttpResponse::new(200, json!({ "error": "invalid_grant" }).to_string())),
                    205..=209 => Ok(oauth_error(403, "unauthorized_client")),
                    // The same refresh token back (no rotation, said explicitly).
                    210..=219 => {
                        let (mut t, _) = self.provider.tokens(now, false, with_id.then_some(("alice", None)), expires_in);
                        t["refresh_token"] = rt.into();
                        Ok(HttpResponse::new(200, t.to_string()))
                    }
                    220..=229 => Err(network()),
                    _ => Ok(garbage(c)),
                }
            }
            Some("authorization_code") => {
                let nonce = f.get("code").and_then(|code| self.provider.nonces.get(code)).cloned();
                match c {
                    0..=219 => {
                        let (t, _) = self.provider.tokens(now, true, Some(("alice", nonce.as_deref())), expires_in);
                        Ok(HttpResponse::new(200, t.to_string()))
                    }
                    220..=229 => Ok(oauth_error(400, "invalid_grant")),
                    230..=239 => Err(network()),
                    _ => Ok(garbage(c)),
                }
            }
            Some(_) => match c {
                // Device code (RFC 8628 §3.5) and the like.
                0..=99 => {
                    let (t, _) = self.provider.tokens(now, true, with_id.then_some(("alice", None)), expires_in);
                    Ok(HttpResponse::new(200, t.to_string()))
                }
                100..=179 => Ok(oauth_error(400, "authorization_pending")),
                180..=199 => Ok(oauth_error(400, "slow_down")),
                200..=209 => Ok(oauth_error(400, "expired_token")),
                210..=219 => Err(network()),
                _ => Ok(garbage(c)),
            },
            None => Ok(oauth_error(400, "unsupported_grant_type")),
        }
    }

    /// What a window posts back for this `/authorize` URL.
    fn frame(&mut self, url: &str, input: &mut Input<'_>) -> Result<Vec<(String, String)>, FrameFailure> {
        let q = query(url);
        let state = q.get("state").cloned().unwrap_or_default();
        match input.byte() {
            0..=199 => {
                self.provider.codes += 1;
                let code = format!("code-{}", self.provider.codes);
                self.provider.nonces.insert(code.clone(), q.get("nonce").cloned().unwrap_or_default());
                Ok(vec![("code".into(), code), ("state".into(), state)])
            }
            200..=214 => Ok(vec![("error".into(), "login_required".into()), ("state".into(), state)]),
            215..=219 => Ok(vec![("code".into(), "c".into()), ("state".into(), "other".into())]),
            220..=224 => Ok(Vec::new()),
            225..=234 => Err(FrameFailure::Timeout),
            235..=239 => Err(FrameFailure::Closed),
            240..=244 => Err(FrameFailure::Blocked),
            _ => Err(FrameFailure::NoDocument),
        }
    }

    /// The redirect back from the provider for the last login (or a stray callback).
    fn callback_url(&mut self, input: &mut Input<'_>) -> String {
        let c = input.byte();
        let Some(url) = self.last_login_url.clone().filter(|_| c < 240) else {
            return "https://app.example/cb?code=stray&state=unknown".into();
        };
        let q = query(&url);
        let state = q.get("state").cloned().unwrap_or_default();
        if c >= 200 {
            return format!("https://app.example/cb?error=access_denied&error_description=no&state={state}");
        }
        self.provider.codes += 1;
        let code = format!("code-{}", self.provider.codes);
        self.provider.nonces.insert(code.clone(), q.get("nonce").cloned().unwrap_or_default());
        format!("https://app.example/cb?code={code}&state={state}")
    }

    /// The tokens a login hands to `Remember`.
    fn login_tokens(&mut self, expires_at: u64) -> Map<String, Value> {
        let now = self.now_ms / 1000;
        let (mut t, _) = self.provider.tokens(now, true, Some(("alice", None)), json!(3600));
        t["expires_at"] = expires_at.into();
        t["id_token_claims"] = json!({ "iss": ISSUER, "aud": "spa", "sub": "alice", "iat": now, "exp": now + 600, "name": "Alice" });
        t.as_object().cloned().unwrap_or_default()
    }

    fn op(&mut self, input: &mut Input<'_>) -> SessionOp {
        let b = input.byte();
        let silent = |mode| SessionOp::Silent { audience: None, scope: None, cache_mode: mode, detailed: b & 0x80 != 0, timeout: None };
        match b & 0x0f {
            0..=3 => silent(CacheMode::On),
            4 => silent(CacheMode::Off),
            5 => silent(CacheMode::CacheOnly),
            6 => SessionOp::Silent {
                audience: input.bit().then(|| "api".into()),
                scope: input.bit().then(|| "read".into()),
                cache_mode: if input.bit() { CacheMode::On } else { CacheMode::Off },
                detailed: false,
                timeout: None,
            },
            7 => SessionOp::CheckSession { audience: None, scope: None, timeout: None, restore: b & 0x10 != 0 },
            8 => SessionOp::User { claims: b & 0x10 != 0 },
            9 => SessionOp::Logout { params: Map::new(), revoke: b & 0x10 != 0, navigate: b & 0x20 != 0 },
            10 => {
                let at = self.now_ms / 1000 + if b & 0x10 != 0 { 3600 } else { 0 };
                SessionOp::Remember { tokens: self.login_tokens(at), audience: None, scope: None }
            }
            11 => SessionOp::Login { params: Map::new(), app_state: Value::Null },
            12 => SessionOp::Callback { url: self.callback_url(input) },
            13 => SessionOp::DevicePoll {
                device_code: "dc".into(),
                interval: 1 + u64::from(input.byte() % 5),
                expires_in: 30,
                scope_requested: None,
                audience: None,
            },
            14 => SessionOp::Popup { params: Map::new(), timeout: Some(5) },
            _ => silent(CacheMode::On),
        }
    }

    /// A cache read, write or removal that failed.
    fn failed_write(&mut self, area: Area) {
        if area == Area::Cache {
            self.storage_failed = true;
        }
    }

    /// A cache write that succeeded: a rotated refresh token in it is stored, its old one spent.
    fn written(&mut self, value: &str) {
        let found: Vec<String> = self.rotations.keys().filter(|new| value.contains(&format!("\"{new}\""))).cloned().collect();
        for new in found {
            if let Some(old) = self.rotations.remove(&new) {
                self.spent.insert(old);
            }
            self.stored.insert(new);
        }
    }

    /// One step of flow `i`.
    fn step(&mut self, slots: &mut [Slot], tabs: &mut [(Session, Client)], i: usize, input: &mut Input<'_>) {
        let now = self.now_ms;
        let tab = slots[i].tab;
        let (session, client) = &mut tabs[tab];
        let step = slots[i].flow.poll(session, client, now);
        if *TRACE {
            eprintln!("flow {i} (tab {tab}) at {now}: {step:?}");
        }
        let slot = &mut slots[i];
        match step {
            Step::Client(driver::Step::Send(req)) => {
                let f = form(&req);
                if f.get("grant_type").map(String::as_str) == Some("refresh_token") && !self.storage_failed {
                    let rt = f.get("refresh_token").cloned().unwrap_or_default();
                    assert!(!self.spent.contains(&rt), "the spent refresh token {rt} was presented again");
                }
                let answer = self.answer(&req, slot, input);
                if *TRACE {
                    eprintln!("    -> {answer:?}");
                }
                match answer {
                    Ok(r) => {
                        let refused = f.get("grant_type").map(String::as_str) == Some("refresh_token")
                            && r.oauth_error().is_some_and(|e| e.error.as_deref() == Some("invalid_grant"));
                        if refused {
                            // The session drops it everywhere (RFC 6749 §5.2).
                            self.spent.insert(f.get("refresh_token").cloned().unwrap_or_default());
                        }
                        slot.flow.response(client, r, now);
                    }
                    Err(e) => slot.flow.failure(client, e, now),
                }
            }
            Step::Client(driver::Step::CheckSignature(_)) => {
                let verified = match input.byte() {
                    0..=229 => Some(true),
                    230..=242 => Some(false),
                    _ => None,
                };
                slot.flow.signature(client, verified, now);
            }
            Step::Client(driver::Step::Wait) => slot.state = State::Waiting,
            Step::Client(other) => panic!("a session flow handed over a client step it should have handled: {other:?}"),
            Step::Get { area, key } => {
                if input.byte() >= 248 {
                    // A refresh token the session read no longer can be neither replaced nor dropped.
                    self.failed_write(area);
                    slot.flow.storage_failed("SecurityError".into(), now);
                } else {
                    let v = self.area(area, tab).get(&key).cloned();
                    slot.flow.value(v, now);
                }
            }
            Step::Keys => {
                if input.byte() >= 250 {
                    self.failed_write(Area::Cache);
                    slot.flow.storage_failed("the cache threw".into(), now);
                } else {
                    let keys = self.cache(tab).keys().cloned().collect();
                    slot.flow.keys(Some(keys), now);
                }
            }
            Step::Set { area, key, value, .. } => {
                if input.byte() >= 245 {
                    self.failed_write(area);
                    slot.flow.storage_failed("QuotaExceededError".into(), now);
                } else {
                    if area == Area::Cache {
                        self.written(&value);
                    }
                    self.area(area, tab).insert(key, value);
                    slot.flow.done(now);
                }
            }
            Step::Remove { area, key } => {
                if input.byte() >= 250 {
                    self.failed_write(area);
                    slot.flow.storage_failed("the cache threw".into(), now);
                } else {
                    self.area(area, tab).remove(&key);
                    slot.flow.done(now);
                }
            }
            Step::Lock { .. } => {
                let c = input.byte();
                match self.lock {
                    _ if c >= 250 => slot.flow.storage_failed("the lock could not be taken".into(), now),
                    None => {
                        self.lock = Some(i);
                        // Another tab (not modelled) may have held it first.
                        slot.flow.locked(c >= 200, now);
                    }
                    Some(holder) => {
                        assert_ne!(holder, i, "a flow asked for the lock it holds");
                        self.queue.push(i);
                        slot.state = State::WaitingLock;
                    }
                }
            }
            Step::Unlock { .. } => {
                assert_eq!(self.lock, Some(i), "a flow released a lock it does not hold");
                self.lock = None;
                slot.flow.done(now);
                if !self.queue.is_empty() {
                    let next = self.queue.remove(0);
                    self.lock = Some(next);
                    slots[next].flow.locked(true, now);
                    slots[next].state = State::Ready;
                }
            }
            Step::Sleep { until_ms } => slot.state = State::Sleeping(until_ms),
            Step::Frame { url, .. } => match self.frame(&url, input) {
                Ok(pairs) => slot.flow.framed(pairs, now),
                Err(why) => slot.flow.frame_failed(why, now),
            },
            Step::Done(v) => {
                assert_ne!(self.lock, Some(i), "a flow ended holding the lock");
                if let Some(url) = v.as_str().filter(|u| u.starts_with("https://op.example/authorize?")) {
                    self.last_login_url = Some(url.to_owned());
                }
                if let (true, Some(new), false) = (slot.silent, &slot.rotated, self.storage_failed) {
                    assert!(self.stored.contains(new), "getTokenSilently ended without storing the rotated refresh token {new}");
                }
                slot.state = State::Ended;
            }
            Step::Fail(e) => {
                assert_ne!(self.lock, Some(i), "a flow ended holding the lock");
                assert_ne!(e.code(), Code::Internal, "{e:?}");
                slot.state = State::Ended;
            }
        }
    }
}

/// Run `op` in tab `tab` alone with every answer honest (the session as a login leaves it).
fn setup_flow(w: &mut World, tabs: &mut [(Session, Client)], tab: usize, op: SessionOp) {
    let flow = tabs[tab].0.start(op, w.now_ms, [1; 96]);
    let mut slots = [Slot { tab, flow, state: State::Ready, silent: false, rotated: None }];
    let mut honest = Input { data: &[], pos: 0 };
    for _ in 0..1000 {
        match slots[0].state {
            State::Ready => w.step(&mut slots, tabs, 0, &mut honest),
            State::Ended => return,
            _ => panic!("the setup flow stopped"),
        }
    }
    panic!("the setup flow did not end");
}

fuzz_target!(|data: &[u8]| {
    let mut input = Input { data, pos: 0 };
    let (cfg, platform_crypto, two_tabs) = config(&mut input);
    let mut w = World {
        shared: cfg.cache_shared,
        platform_crypto,
        caches: Default::default(),
        cookies: BTreeMap::new(),
        local_storage: BTreeMap::new(),
        session_storage: Default::default(),
        lock: None,
        queue: Vec::new(),
        now_ms: T0,
        provider: Provider::default(),
        storage_failed: false,
        rotations: BTreeMap::new(),
        stored: BTreeSet::new(),
        spent: BTreeSet::new(),
        last_login_url: None,
    };
    let mut tabs: Vec<(Session, Client)> =
        (0..if two_tabs { 2 } else { 1 }).map(|_| (Session::new(cfg.clone()), new_client(&cfg, platform_crypto))).collect();

    // The stored session to start from: none, fresh or expired, then perhaps damaged.
    let s = input.byte();
    if s & 3 != 0 {
        let at = T0 / 1000 + if s & 3 == 1 { 3600 } else { 0 };
        let tokens = w.login_tokens(at);
        setup_flow(&mut w, &mut tabs, 0, SessionOp::Remember { tokens, audience: None, scope: None });
        let key = cfg.key(None, None);
        let manifest = if cfg.auth0 { "@@auth0spajs@@::spa".to_owned() } else { "@@oidc-wasm@@::spa::@@manifest@@".to_owned() };
        let cache = w.cache(0);
        match (s >> 2) & 7 {
            1 => drop(cache.insert(key, "{not json".into())),
            2 => drop(cache.insert(key, r#"{"body":"x","expiresAt":"y"}"#.into())),
            3 => drop(cache.insert(manifest, "[1,2]".into())),
            4 => drop(cache.remove(&manifest)),
            5 => drop(cache.insert("@@auth0spajs@@::spa::@@user@@".into(), "null".into())),
            _ => {}
        }
        if s & 0x20 != 0 {
            w.cookies.clear();
        }
    }

    let mut slots: Vec<Slot> = Vec::new();
    let mut started = 0u8;
    let mut start = |w: &mut World, slots: &mut Vec<Slot>, tabs: &mut Vec<(Session, Client)>, input: &mut Input<'_>| {
        let tab = if tabs.len() > 1 { usize::from(input.bit()) } else { 0 };
        let op = w.op(input);
        let silent = matches!(op, SessionOp::Silent { .. });
        started += 1;
        let flow = tabs[tab].0.start(op, w.now_ms, [started.wrapping_mul(37); 96]);
        slots.push(Slot { tab, flow, state: State::Ready, silent, rotated: None });
    };
    start(&mut w, &mut slots, &mut tabs, &mut input);

    let mut stalled = false;
    for _ in 0..MAX_STEPS {
        // The clock: mostly still; sometimes a jump, forward or back.
        w.now_ms = match input.byte() {
            0..=219 => w.now_ms,
            220..=229 => w.now_ms + 1_000,
            230..=237 => w.now_ms + 61_000,
            238..=243 => w.now_ms + 3_600_000,
            244..=249 => w.now_ms.saturating_sub(120_000),
            _ => w.now_ms + 86_400_000,
        };
        let a = input.byte();
        if (200..=215).contains(&a) && slots.len() < MAX_FLOWS {
            start(&mut w, &mut slots, &mut tabs, &mut input);
            continue;
        }
        let ready: Vec<usize> = (0..slots.len()).filter(|&i| matches!(slots[i].state, State::Ready)).collect();
        if let Some(&i) = ready.get(usize::from(a) % ready.len().max(1)) {
            w.step(&mut slots, &mut tabs, i, &mut input);
            if let State::Waiting = slots[i].state {
                // Polled again once another flow moved on.
            } else {
                stalled = false;
                for s in slots.iter_mut() {
                    if matches!(s.state, State::Waiting) {
                        s.state = State::Ready;
                    }
                }
            }
            continue;
        }
        // Nobody ready: wake the sleepers at the earliest time, or the waiters once.
        let next = slots.iter().filter_map(|s| if let State::Sleeping(u) = s.state { Some(u) } else { None }).min();
        if let Some(u) = next {
            w.now_ms = w.now_ms.max(u);
            let now = w.now_ms;
            for s in slots.iter_mut() {
                if matches!(s.state, State::Sleeping(u) if u <= now) {
                    s.flow.done(now);
                    s.state = State::Ready;
                }
            }
            continue;
        }
        if slots.iter().all(|s| matches!(s.state, State::Ended)) {
            assert_eq!(w.lock, None, "every flow ended, the lock is still held");
            // The next call, while there is input for it.
            if slots.len() < MAX_FLOWS && !input.exhausted() {
                start(&mut w, &mut slots, &mut tabs, &mut input);
                continue;
            }
            return;
        }
        assert!(!stalled, "the flows wait for each other forever");
        stalled = true;
        for s in slots.iter_mut() {
            if matches!(s.state, State::Waiting) {
                s.state = State::Ready;
            }
        }
    }
    assert!(!input.exhausted(), "the flows did not end within {MAX_STEPS} steps");
});
