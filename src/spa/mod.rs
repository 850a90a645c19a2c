//! The single-page-app session as a state machine: the token cache and its two storage formats,
//! `getTokenSilently` (cache, cross-tab lock, a sibling tab's refresh adopted, refresh token or
//! hidden iframe, rotation, a spent refresh token dropped), what a login leaves in the cache, the
//! user's claims, and logout. The host (pkg/spa.js) performs each [`Step`]: storage reads and
//! writes, the lock, timers, the iframe or popup, and the requests and signature checks of the
//! client's own flows ([`crate::driver`]); it decides nothing.
//!
//! A flow is written as straight-line code over a [`Cx`] and replayed from its start at every
//! poll with the answers recorded so far: a call whose answer is recorded returns it, the first
//! call without one becomes the next step. Nested client flows are kept across replays.
//!
//! Storage formats. With `domain` (Auth0 mode) the entries are auth0-spa-js 2.28's (so a signed-in
//! user survives a swap of the import either way): `{ body, expiresAt }` under
//! `@@auth0spajs@@::<clientId>::<audience>::<scope>`, the ID token in `...::@@user@@` with the
//! `decodedToken` it derives, its key manifest `@@auth0spajs@@::<clientId>` when the cache cannot
//! list its keys, and the `auth0.<clientId>.is.authenticated` cookie. With `issuer`, `{ body }`
//! under the same keys and a manifest `@@oidc-wasm@@::<clientId>::@@manifest@@`.

pub mod cache;
mod flows;
mod poll;
mod transaction;

use serde_json::{Map, Value};

use crate::authorize::DEFAULT_SCOPE;
use crate::driver::{self, Client, Flow, Op};
use crate::error::{Code, Error, Result};
use cache::CacheKey;

pub use flows::{CacheMode, SessionOp};
pub use poll::{MFA_POLL_EXPIRES_IN, MFA_POLL_INTERVAL};
pub use transaction::TRANSACTION_TTL;

/// Where a stored value lives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Area {
    /// The token cache (the app's cache, or memory, localStorage or sessionStorage).
    Cache,
    /// A cookie (auth0-spa-js's `is.authenticated`, `organization_hint`, and its transaction
    /// with `useCookiesForTransactions`).
    Cookie,
    /// sessionStorage (a login's transaction).
    SessionStorage,
    /// localStorage (a magic link's transaction).
    LocalStorage,
}

impl Area {
    /// Its name for the host.
    pub fn name(self) -> &'static str {
        match self {
            Area::Cache => "cache",
            Area::Cookie => "cookie",
            Area::SessionStorage => "sessionStorage",
            Area::LocalStorage => "localStorage",
        }
    }
}

/// How a window-based authorization is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FrameKind {
    /// A hidden iframe (`prompt=none`, silent authentication).
    Iframe,
    /// A popup window.
    Popup,
}

/// What went wrong with a window-based authorization, as the host saw it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FrameFailure {
    /// No answer within the timeout.
    Timeout,
    /// The popup was closed by the user.
    Closed,
    /// The popup could not be opened.
    Blocked,
    /// There is no page to show a window in (a worker, a server).
    NoDocument,
}

/// What the host does next for a session flow.
#[derive(Debug)]
pub enum Step {
    /// A step of a nested client flow: `Send`, `CheckSignature` or `Wait` (see
    /// [`driver::Step`]); answer with [`SessionFlow::response`], [`SessionFlow::failure`],
    /// [`SessionFlow::signature`].
    Client(driver::Step),
    /// Read `key`: answer [`SessionFlow::value`] (the JSON text of what is stored, or None).
    Get {
        /// The area.
        area: Area,
        /// The key.
        key: String,
    },
    /// List the cache's keys: answer [`SessionFlow::keys`].
    Keys,
    /// Store `value` (JSON text) under `key` (`days`: a cookie's lifetime): answer
    /// [`SessionFlow::done`].
    Set {
        /// The area.
        area: Area,
        /// The key.
        key: String,
        /// JSON text.
        value: String,
        /// For a cookie, its lifetime in days.
        days: Option<u32>,
    },
    /// Remove `key`: answer [`SessionFlow::done`].
    Remove {
        /// The area.
        area: Area,
        /// The key.
        key: String,
    },
    /// Take the cross-tab lock `name` (Web Locks, or a localStorage mutex): answer
    /// [`SessionFlow::locked`] saying whether another tab held it first.
    Lock {
        /// The lock's name.
        name: String,
    },
    /// Release the lock `name`: answer [`SessionFlow::done`].
    Unlock {
        /// The lock's name.
        name: String,
    },
    /// Wait until this time (milliseconds since the Unix epoch): answer [`SessionFlow::done`].
    Sleep {
        /// When to go on.
        until_ms: u64,
    },
    /// Open `url` in a hidden iframe or a popup and hand back the authorization response that
    /// the window posts (`response_mode=web_message`), accepted only from `origin` and from that
    /// window: answer [`SessionFlow::framed`] with its pairs, or [`SessionFlow::frame_failed`].
    Frame {
        /// Iframe or popup.
        kind: FrameKind,
        /// The `/authorize` URL.
        url: String,
        /// The provider's origin: messages from any other are ignored.
        origin: String,
        /// Seconds to wait for the answer.
        timeout: u64,
    },
    /// The result (JSON).
    Done(Value),
    /// The flow failed.
    Fail(Error),
}

/// The session's options, checked once.
#[derive(Clone, Debug)]
pub struct SessionConfig {
    /// The client id.
    pub client_id: String,
    /// Auth0 mode (`domain`): auth0-spa-js's formats, scope rules and logout.
    pub auth0: bool,
    /// The configured scope (`authorizationParams.scope`, else `openid profile email`).
    pub scope: String,
    /// The configured audience.
    pub audience: Option<String>,
    /// `useRefreshTokens`.
    pub use_refresh_tokens: bool,
    /// `useRefreshTokensFallback`: the iframe when no refresh token is held.
    pub use_refresh_tokens_fallback: bool,
    /// Seconds an access token counts as expired early (`leeway`).
    pub leeway: u64,
    /// `authorizeTimeoutInSeconds`: how long an iframe or popup may take (60 s by default).
    pub authorize_timeout: u64,
    /// `sessionCheckExpiryDays`: the `is.authenticated` cookie's lifetime.
    pub session_check_expiry_days: u32,
    /// The cache can list its keys (`allKeys`).
    pub cache_lists_keys: bool,
    /// The cache is shared with other tabs (not the in-memory default): a sibling's refresh can
    /// be adopted from it.
    pub cache_shared: bool,
    /// `useCookiesForTransactions` (Auth0): a redirect login's transaction in a cookie.
    pub cookie_transactions: bool,
}

/// The claims a profile leaves out: the protocol's (OIDC Core §2, §5.1 and the session's).
pub const PROTOCOL_CLAIMS: &[&str] = &[
    "iss", "aud", "exp", "nbf", "iat", "jti", "azp", "nonce", "auth_time", "at_hash", "c_hash", "acr", "amr", "sub_jwk",
    "cnf", "sid", "org_id", "org_name",
];

/// The claims auth0-spa-js leaves out of `decodedToken.user` (its `jwt.ts`).
pub const AUTH0_NOT_USER: &[&str] = &[
    "iss", "aud", "exp", "nbf", "iat", "jti", "azp", "nonce", "auth_time", "at_hash", "c_hash", "acr", "amr", "sub_jwk",
    "cnf", "sip_from_tag", "sip_date", "sip_callid", "sip_cseq_num", "sip_via_branch", "orig", "dest", "mky", "events",
    "toe", "txn", "rph", "sid", "vot", "vtm",
];

/// `openid` first, then the scopes of `scope` in order, each once (OIDC Core §3.1.2.1: the
/// scope MUST contain `openid`).
pub fn with_openid(scope: &str) -> String {
    let mut out: Vec<&str> = vec!["openid"];
    for s in scope.split_ascii_whitespace() {
        if !out.contains(&s) {
            out.push(s);
        }
    }
    out.join(" ")
}

impl SessionConfig {
    /// The options as the host passes them (JSON names of auth0-spa-js); `scope` and `audience`
    /// are the configured `authorizationParams`.
    pub fn from_json(client_id: &str, auth0: bool, o: &Map<String, Value>) -> Result<Self> {
        let flag = |k: &str| o.get(k).and_then(Value::as_bool).unwrap_or(false);
        let num = |k: &str| o.get(k).and_then(Value::as_f64).filter(|n| n.is_finite() && *n >= 0.0);
        let params = o.get("authorizationParams").and_then(Value::as_object);
        let scope = params.and_then(|p| p.get("scope")).and_then(Value::as_str).unwrap_or(DEFAULT_SCOPE).to_owned();
        let audience = params.and_then(|p| p.get("audience")).and_then(Value::as_str).map(str::to_owned);
        let days = num("sessionCheckExpiryDays").map(|d| d as u32).filter(|d| *d > 0).unwrap_or(1);
        Ok(SessionConfig {
            client_id: client_id.to_owned(),
            auth0,
            scope,
            audience,
            use_refresh_tokens: flag("useRefreshTokens"),
            use_refresh_tokens_fallback: flag("useRefreshTokensFallback"),
            leeway: num("leeway").map_or(60, |n| n as u64),
            authorize_timeout: num("authorizeTimeoutInSeconds").map_or(60, |n| n as u64).max(1),
            session_check_expiry_days: days,
            cache_lists_keys: flag("cacheListsKeys"),
            cache_shared: flag("cacheShared"),
            cookie_transactions: flag("useCookiesForTransactions"),
        })
    }

    /// The scope to ask for: `openid`, the configured scope and `offline_access` with
    /// `useRefreshTokens` (auth0-spa-js's `injectDefaultScopes`). With Auth0 a call's own scope is
    /// added to those (its `scopesToRequest`); with any other provider it replaces the configured
    /// one.
    pub fn scope_for(&self, scope: Option<&str>) -> String {
        let rt = if self.use_refresh_tokens { " offline_access" } else { "" };
        match scope {
            Some(s) if !self.auth0 && !s.is_empty() => with_openid(&format!("{s}{rt}")),
            _ if self.auth0 => with_openid(&format!("{}{rt} {}", self.scope, scope.unwrap_or(""))),
            _ => with_openid(&format!("{}{rt}", self.scope)),
        }
    }

    /// The audience of a call: its own, else the configured one.
    pub fn audience_for<'a>(&'a self, audience: Option<&'a str>) -> Option<&'a str> {
        audience.or(self.audience.as_deref())
    }

    /// The cache key of an audience and a call's scope.
    pub fn key(&self, audience: Option<&str>, scope: Option<&str>) -> String {
        CacheKey::new(&self.client_id, self.audience_for(audience), &self.scope_for(scope)).storage_key()
    }

    /// The name of the cross-tab lock around a refresh.
    pub fn lock_name(&self) -> String {
        format!("oidc-wasm.refresh.{}", self.client_id)
    }

    fn manifest_key(&self) -> String {
        if self.auth0 {
            format!("{}::{}", cache::CACHE_KEY_PREFIX, self.client_id)
        } else {
            self.own_manifest_key()
        }
    }

    fn own_manifest_key(&self) -> String {
        format!("@@oidc-wasm@@::{}::@@manifest@@", self.client_id)
    }

    fn user_key(&self) -> String {
        format!("{}::{}::@@user@@", cache::CACHE_KEY_PREFIX, self.client_id)
    }

    /// The cookie that says a login happened within `sessionCheckExpiryDays` (auth0-spa-js's
    /// name with Auth0), so a page load restores the session only when there is one to restore.
    fn is_authenticated_cookie(&self) -> String {
        let prefix = if self.auth0 { "auth0" } else { "oidc-wasm" };
        format!("{prefix}.{}.is.authenticated", self.client_id)
    }
}

/// What the session flows of one client share: the options, and the refreshes in flight (so
/// that concurrent calls for one audience and scope make one request, as auth0-spa-js does).
pub struct Session {
    cfg: SessionConfig,
    inflight: Inflight,
}

/// A token set, or why there is none.
type Outcome = Result<Map<String, Value>>;

#[derive(Default)]
struct Inflight {
    next_id: u64,
    /// A refresh in flight: its key, its flow, how many flows wait for its outcome.
    leading: Vec<(String, u64, usize)>,
    /// Outcomes of ended refreshes not yet taken by every flow that waited: (flow, outcome, takers left).
    outcomes: Vec<(u64, Outcome, usize)>,
}

impl Inflight {
    fn publish(&mut self, id: u64, outcome: Outcome) {
        if let Some(i) = self.leading.iter().position(|l| l.1 == id) {
            let (_, _, waiting) = self.leading.remove(i);
            if waiting > 0 {
                self.outcomes.push((id, outcome, waiting));
            }
        }
    }

    fn take(&mut self, leader: u64) -> Option<Outcome> {
        let i = self.outcomes.iter().position(|o| o.0 == leader)?;
        let o = self.outcomes.get_mut(i)?;
        o.2 -= 1;
        let out = o.1.clone();
        if o.2 == 0 {
            let _ = self.outcomes.remove(i);
        }
        Some(out)
    }
}

impl Session {
    /// A session with these options.
    pub fn new(cfg: SessionConfig) -> Self {
        Session { cfg, inflight: Inflight::default() }
    }

    /// The options.
    pub fn config(&self) -> &SessionConfig {
        &self.cfg
    }

    /// Start a flow for `op` at `now_ms`, with 96 random bytes (for an authorization request it
    /// may make).
    pub fn start(&mut self, op: SessionOp, now_ms: u64, random: [u8; 96]) -> SessionFlow {
        self.inflight.next_id += 1;
        SessionFlow {
            id: self.inflight.next_id,
            op,
            started_ms: now_ms,
            log: Vec::new(),
            nested: Vec::new(),
            waiting: false,
            finished: false,
            random,
            role: None,
            cancelled: false,
        }
    }
}

/// A flow's part in a refresh shared with others of its session.
#[derive(Clone, Debug)]
enum Role {
    /// It makes the refresh.
    Lead,
    /// It waits for this flow's outcome.
    Follow(u64),
    /// It took the outcome.
    Took(Outcome),
}

/// A recorded answer of the host, with the time it came in (milliseconds).
#[derive(Clone, Debug)]
enum Answer {
    Value(Option<String>),
    Keys(Option<Vec<String>>),
    Done,
    Locked(bool),
    Framed(Vec<(String, String)>),
    FrameFailed(FrameFailure),
    StorageFailed(String),
}

/// A nested client flow and, once ended, its result and when it ended (milliseconds).
struct Nested {
    flow: Flow,
    result: Option<(Result<Value>, u64)>,
}

/// Why a replay stopped.
enum Halt {
    /// The next step.
    Step(Step),
    /// The flow's error.
    Fail(Error),
}

impl From<Error> for Halt {
    fn from(e: Error) -> Self {
        Halt::Fail(e)
    }
}

type Run<T> = core::result::Result<T, Halt>;

/// One session call in progress.
pub struct SessionFlow {
    id: u64,
    op: SessionOp,
    started_ms: u64,
    log: Vec<(Answer, u64)>,
    nested: Vec<Nested>,
    /// The step last returned, kept until answered.
    waiting: bool,
    finished: bool,
    random: [u8; 96],
    role: Option<Role>,
    cancelled: bool,
}

impl SessionFlow {
    /// The app cancelled the call (its AbortSignal): the next poll ends it with the call's
    /// cancellation error; an answer still on its way is dropped.
    pub fn cancel(&mut self) {
        self.cancelled = true;
        self.waiting = false;
    }

    /// The next step. After a step other than `Client(Wait)`, `Done` and `Fail`, hand its answer
    /// in first.
    pub fn poll(&mut self, session: &mut Session, client: &mut Client, now_ms: u64) -> Step {
        if self.finished {
            return Step::Fail(Error::new(Code::Internal, "the session flow has ended; start another"));
        }
        if self.cancelled {
            self.abandon(session, client);
            return Step::Fail(self.op.cancelled());
        }
        if self.waiting {
            return Step::Fail(Error::new(Code::Internal, "the session flow is waiting for the answer to its last step"));
        }
        let Session { cfg, inflight } = session;
        let mut cx = Cx {
            cfg,
            client,
            log: &self.log,
            pos: 0,
            nested: &mut self.nested,
            nested_pos: 0,
            now_ms: self.started_ms,
            random: &self.random,
            live_ms: now_ms,
            lock: None,
            id: self.id,
            role: &mut self.role,
            inflight,
            outcome: None,
        };
        let result = self.op.run(&mut cx);
        // A lock still held is released before the end.
        let held = cx.lock.take();
        let outcome = cx.outcome.take();
        let step = match result {
            Err(Halt::Step(s)) => s,
            end => match held {
                Some(name) if !cx.released() => Step::Unlock { name },
                _ => match end {
                    Ok(v) => Step::Done(v),
                    Err(Halt::Fail(e)) => Step::Fail(e),
                    Err(Halt::Step(s)) => s,
                },
            },
        };
        match &step {
            Step::Done(_) | Step::Fail(_) => {
                self.finished = true;
                if let Some(o) = outcome {
                    session.inflight.publish(self.id, o);
                }
                for n in &self.nested {
                    if n.result.is_none() {
                        client.abandon(&n.flow);
                    }
                }
            }
            Step::Client(driver::Step::Wait) => {}
            _ => self.waiting = true,
        }
        step
    }

    fn record(&mut self, a: Answer, now_ms: u64) {
        self.waiting = false;
        self.log.push((a, now_ms));
    }

    /// The value read (JSON text), or None when nothing is stored.
    pub fn value(&mut self, v: Option<String>, now_ms: u64) {
        self.record(Answer::Value(v), now_ms);
    }

    /// The cache's keys (None: the cache cannot list them).
    pub fn keys(&mut self, keys: Option<Vec<String>>, now_ms: u64) {
        self.record(Answer::Keys(keys), now_ms);
    }

    /// The last `Set`, `Remove`, `Unlock` or `Sleep` step was performed.
    pub fn done(&mut self, now_ms: u64) {
        self.record(Answer::Done, now_ms);
    }

    /// A storage step failed (a quota, a cache that threw): its message.
    pub fn storage_failed(&mut self, message: String, now_ms: u64) {
        self.record(Answer::StorageFailed(message), now_ms);
    }

    /// The lock is held; `contended`: another tab held it first.
    pub fn locked(&mut self, contended: bool, now_ms: u64) {
        self.record(Answer::Locked(contended), now_ms);
    }

    /// The window's authorization response, as name/value pairs.
    pub fn framed(&mut self, pairs: Vec<(String, String)>, now_ms: u64) {
        self.record(Answer::Framed(pairs), now_ms);
    }

    /// The window gave no answer.
    pub fn frame_failed(&mut self, why: FrameFailure, now_ms: u64) {
        self.record(Answer::FrameFailed(why), now_ms);
    }

    fn frontier(&mut self) -> Option<&mut Flow> {
        self.waiting = false;
        self.nested.last_mut().filter(|n| n.result.is_none()).map(|n| &mut n.flow)
    }

    /// The answer to a nested flow's `Send`.
    pub fn response(&mut self, client: &mut Client, response: crate::http::HttpResponse, now_ms: u64) {
        if let Some(f) = self.frontier() {
            f.response(client, response, now_ms / 1000);
        }
    }

    /// A nested flow's request failed.
    pub fn failure(&mut self, client: &mut Client, error: Error, now_ms: u64) {
        if let Some(f) = self.frontier() {
            f.failure(client, error, now_ms / 1000);
        }
    }

    /// The platform's answer to a nested flow's `CheckSignature`.
    pub fn signature(&mut self, client: &mut Client, verified: Option<bool>, now_ms: u64) {
        if let Some(f) = self.frontier() {
            f.signature(client, verified, now_ms / 1000);
        }
    }

    /// The host dropped the flow before its end.
    pub fn abandon(&mut self, session: &mut Session, client: &mut Client) {
        if !self.finished {
            // Flows waiting for this one's refresh are told it is not coming.
            session.inflight.publish(
                self.id,
                Err(Error::new(Code::Internal, "the call this one waited for was abandoned before its end: call again")),
            );
        }
        for n in &self.nested {
            if n.result.is_none() {
                client.abandon(&n.flow);
            }
        }
        self.finished = true;
    }
}

/// What a replay of a flow sees: the configuration, the client, and the answers so far.
pub(crate) struct Cx<'a> {
    cfg: &'a SessionConfig,
    client: &'a mut Client,
    log: &'a [(Answer, u64)],
    pos: usize,
    nested: &'a mut Vec<Nested>,
    nested_pos: usize,
    /// The time of the last answer consumed (the flow's start before any).
    now_ms: u64,
    /// The time of this poll (for nested flows polled now).
    live_ms: u64,
    random: &'a [u8; 96],
    /// The lock taken and not yet released.
    lock: Option<String>,
    id: u64,
    role: &'a mut Option<Role>,
    inflight: &'a mut Inflight,
    /// A refresh's outcome, for the flows that waited for it.
    outcome: Option<Outcome>,
}

impl Cx<'_> {
    /// Seconds since the Unix epoch, as of the last answer.
    fn now(&self) -> u64 {
        self.now_ms / 1000
    }

    fn released(&self) -> bool {
        // The wrapper's Unlock was answered: it is the last answer, after every other.
        matches!(self.log.get(self.pos), Some((Answer::Done, _))) && self.pos + 1 == self.log.len()
    }

    /// The recorded answer of the next I/O call, or `step` as the next step.
    fn io(&mut self, step: Step) -> Run<Answer> {
        match self.log.get(self.pos) {
            Some((a, t)) => {
                self.pos += 1;
                self.now_ms = *t;
                Ok(a.clone())
            }
            None => Err(Halt::Step(step)),
        }
    }

    fn storage_error(message: &str) -> Error {
        Error::new(Code::Storage, format!("the token cache failed: {message}"))
    }

    /// The JSON stored under `key`: None when absent, `null` when it is not JSON.
    fn get(&mut self, area: Area, key: &str) -> Run<Option<Value>> {
        match self.io(Step::Get { area, key: key.to_owned() })? {
            // What is stored but is not JSON reads as `null`: present, and unusable.
            Answer::Value(v) => Ok(v.map(|s| crate::json::parse_value(s.as_bytes()).unwrap_or(Value::Null))),
            Answer::StorageFailed(m) => Err(Self::storage_error(&m).into()),
            _ => Err(out_of_order()),
        }
    }

    /// `get`, with a failure read as nothing stored (clearing never depends on storage being
    /// readable).
    fn try_get(&mut self, area: Area, key: &str) -> Run<Option<Value>> {
        match self.get(area, key) {
            Err(Halt::Fail(_)) => Ok(None),
            r => r,
        }
    }

    fn keys(&mut self) -> Run<Option<Vec<String>>> {
        match self.io(Step::Keys)? {
            Answer::Keys(k) => Ok(k),
            Answer::StorageFailed(m) => Err(Self::storage_error(&m).into()),
            _ => Err(out_of_order()),
        }
    }

    fn set(&mut self, area: Area, key: &str, value: &Value, days: Option<u32>) -> Run<()> {
        match self.io(Step::Set { area, key: key.to_owned(), value: crate::json::to_text(value), days })? {
            Answer::Done => Ok(()),
            Answer::StorageFailed(m) => Err(Self::storage_error(&m).into()),
            _ => Err(out_of_order()),
        }
    }

    /// Remove `key`; a failure is ignored (the next read drops what it cannot use).
    fn remove(&mut self, area: Area, key: &str) -> Run<()> {
        match self.io(Step::Remove { area, key: key.to_owned() })? {
            Answer::Done | Answer::StorageFailed(_) => Ok(()),
            _ => Err(out_of_order()),
        }
    }

    /// Take the cross-tab lock: whether another tab held it first.
    fn lock(&mut self) -> Run<bool> {
        let name = self.cfg.lock_name();
        match self.io(Step::Lock { name: name.clone() })? {
            Answer::Locked(c) => {
                self.lock = Some(name);
                Ok(c)
            }
            Answer::StorageFailed(m) => Err(Error::new(Code::Storage, format!("the cross-tab lock could not be taken: {m}")).into()),
            _ => Err(out_of_order()),
        }
    }

    fn sleep_until(&mut self, until_ms: u64) -> Run<()> {
        match self.io(Step::Sleep { until_ms })? {
            Answer::Done => Ok(()),
            _ => Err(out_of_order()),
        }
    }

    fn frame(&mut self, kind: FrameKind, url: String, origin: String, timeout: u64) -> Run<core::result::Result<Vec<(String, String)>, FrameFailure>> {
        match self.io(Step::Frame { kind, url, origin, timeout })? {
            Answer::Framed(p) => Ok(Ok(p)),
            Answer::FrameFailed(f) => Ok(Err(f)),
            _ => Err(out_of_order()),
        }
    }

    /// A refresh for `key`, made once for every flow of the session that asks at the same time:
    /// the first runs `refresh`, the others wait for its outcome.
    fn shared(&mut self, key: String, refresh: impl FnOnce(&mut Self) -> Run<Map<String, Value>>) -> Run<Map<String, Value>> {
        if self.role.is_none() {
            let leader = self.inflight.leading.iter_mut().find(|l| l.0 == key);
            *self.role = Some(match leader {
                Some(l) => {
                    l.2 += 1;
                    Role::Follow(l.1)
                }
                None => {
                    self.inflight.leading.push((key, self.id, 0));
                    Role::Lead
                }
            });
        }
        match self.role.clone() {
            Some(Role::Follow(leader)) => match self.inflight.take(leader) {
                Some(o) => {
                    *self.role = Some(Role::Took(o.clone()));
                    Ok(o?)
                }
                None => Err(Halt::Step(Step::Client(driver::Step::Wait))),
            },
            Some(Role::Took(o)) => Ok(o?),
            _ => {
                let r = refresh(self);
                match &r {
                    Ok(b) => self.outcome = Some(Ok(b.clone())),
                    Err(Halt::Fail(e)) => self.outcome = Some(Err(e.clone())),
                    Err(Halt::Step(_)) => {}
                }
                r
            }
        }
    }

    /// Run a client flow for `op` to its end: its result (the flow's own error included). `op`
    /// is used the first time only (later replays find the flow started).
    fn run(&mut self, op: Result<Op>) -> Run<Result<Value>> {
        let i = self.nested_pos;
        self.nested_pos += 1;
        if i == self.nested.len() {
            let flow = self.client.start(op?);
            self.nested.push(Nested { flow, result: None });
        }
        let n = self.nested.get_mut(i).ok_or_else(out_of_order)?;
        // The flow's time moves to when the nested flow ended (its answer came in), on every
        // replay alike.
        if let Some((r, at)) = &n.result {
            self.now_ms = self.now_ms.max(*at);
            return Ok(r.clone());
        }
        let r = match n.flow.poll(self.client, self.live_ms / 1000) {
            driver::Step::Done(v) => Ok(v),
            driver::Step::Fail(e) => Err(e),
            s => return Err(Halt::Step(Step::Client(s))),
        };
        n.result = Some((r.clone(), self.live_ms));
        self.now_ms = self.now_ms.max(self.live_ms);
        Ok(r)
    }
}

fn out_of_order() -> Halt {
    Halt::Fail(Error::new(Code::Internal, "the host answered a session step with the wrong kind of answer"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(auth0: bool, rt: bool) -> SessionConfig {
        let mut o = Map::new();
        o.insert("useRefreshTokens".into(), rt.into());
        SessionConfig::from_json("c", auth0, &o).unwrap()
    }

    #[test]
    fn scopes() {
        assert_eq!(with_openid("profile openid  email profile"), "openid profile email");
        assert_eq!(cfg(false, false).scope_for(None), "openid profile email");
        assert_eq!(cfg(false, true).scope_for(None), "openid profile email offline_access");
        // Another provider: a call's scope replaces the configured one; Auth0 adds it.
        assert_eq!(cfg(false, true).scope_for(Some("read")), "openid read offline_access");
        assert_eq!(cfg(true, true).scope_for(Some("read")), "openid profile email offline_access read");
        assert_eq!(cfg(true, false).scope_for(None), "openid profile email");
        assert_eq!(cfg(false, false).key(None, None), "@@auth0spajs@@::c::default::openid profile email");
    }
}
