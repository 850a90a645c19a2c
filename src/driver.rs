//! The client's flows as state machines, driven from outside (the manner of quinn's
//! `poll_transmit` / `handle_event`). A [`Client`] holds what flows share: the configuration, the
//! provider metadata once discovered, and the provider's signing keys. Each call of the API
//! starts a [`Flow`]; the host asks it for its next [`Step`] and performs that step:
//!
//! ```text
//! Send(HttpRequest)        -> the host makes the request, hands back the answer (response) or
//!                             the failure (failure)
//! CheckSignature(check)    -> the host asks its crypto (WebCrypto, node:crypto), hands back
//!                             true / false, or None when it cannot decide (signature)
//! Wait                     -> another flow of this client is fetching what this one needs:
//!                             poll again once that flow was handed an answer
//! Done(value) / Fail(err)  -> the end
//! ```
//!
//! The flow decides everything: what to fetch and when (discovery once, the JWKS by its cache
//! policy), what each answer means, which checks an ID token gets. Every request leaves through
//! the one `Send` step. Time comes in with every call; randomness with the call that needs it.
//!
//! ```
//! use oidc_wasm::driver::{Client, Op, Step};
//! use oidc_wasm::config::{ClientConfig, ClientOptions};
//! use oidc_wasm::http::HttpResponse;
//!
//! let cfg = ClientConfig::new(ClientOptions {
//!     issuer: Some("https://op.example".into()),
//!     client_id: Some("spa".into()),
//!     ..Default::default()
//! })?;
//! let mut client = Client::new(cfg, 60, 10_000);
//! let mut flow = client.start(Op::Discover);
//! let Step::Send(req) = flow.poll(&mut client, 1_700_000_000) else { unreachable!() };
//! assert_eq!(req.url, "https://op.example/.well-known/openid-configuration");
//! let doc = r#"{"issuer":"https://op.example","authorization_endpoint":"https://op.example/authorize",
//!   "token_endpoint":"https://op.example/token","jwks_uri":"https://op.example/jwks"}"#;
//! flow.response(&mut client, HttpResponse::new(200, doc), 1_700_000_000);
//! let Step::Done(meta) = flow.poll(&mut client, 1_700_000_000) else { unreachable!() };
//! assert_eq!(meta["issuer"], "https://op.example");
//! # Ok::<(), oidc_wasm::Error>(())
//! ```

use serde_json::{Map, Value};

use crate::authorize::{self, AuthorizeParams, AuthorizeRandom, CallbackParams, LoginTransaction};
use crate::config::ClientConfig;
use crate::discovery::{self, ProviderMetadata};
use crate::error::{Code, Error, Result};
use crate::http::{HttpRequest, HttpResponse};
use crate::jose::cache::{JwksCache, DEFAULT_COOLDOWN, DEFAULT_MAX_AGE};
use crate::jose::compact::DEFAULT_MAX_TOKEN_BYTES;
use crate::jose::verify::{Opened, VerifiedJws};
use crate::jose::Algorithm;
use crate::{device, logout, userinfo};
use crate::token::{self, TokenResponse};
use crate::verifier::{self, IdTokenContext};

/// What the host does next for a flow.
#[derive(Debug)]
pub enum Step {
    /// Make this request; hand its answer to [`Flow::response`], or its failure to
    /// [`Flow::failure`].
    Send(HttpRequest),
    /// Check this signature with the platform's crypto; hand the answer to [`Flow::signature`].
    CheckSignature(SignatureCheck),
    /// Another flow of this client is fetching what this one needs (the provider metadata, the
    /// signing keys): poll again once that flow was handed its answer.
    Wait,
    /// The flow's result (JSON).
    Done(Value),
    /// The flow failed.
    Fail(Error),
}

/// A signature for the platform to check: `signature` over `input` with the public key `jwk`
/// (a canonical public JWK, JSON) for algorithm `alg`. Everything else (the algorithm allowed,
/// the key chosen, the signature's length) was decided before.
#[derive(Debug, Clone)]
pub struct SignatureCheck {
    /// The algorithm.
    pub alg: Algorithm,
    /// The public JWK (JSON), for the platform to import.
    pub jwk: String,
    /// The signature bytes.
    pub signature: Vec<u8>,
    /// The signing input (`header.payload`).
    pub input: Vec<u8>,
}

/// What flows of one client share.
pub struct Client {
    config: ClientConfig,
    leeway: u64,
    timeout_ms: u32,
    platform_crypto: bool,
    metadata: Option<ProviderMetadata>,
    keys: Option<JwksCache>,
    /// The last JWKS fetch's failure, while no keys are held.
    keys_error: Option<Error>,
    /// The flow fetching the metadata, and the one fetching the keys, if any.
    discovering: Option<u64>,
    fetching_keys: Option<u64>,
    next_id: u64,
}

impl Client {
    /// A client for a validated configuration: `leeway` seconds of clock tolerance for ID tokens,
    /// `timeout_ms` for each request (carried by [`Client::timeout_ms`] for the host).
    pub fn new(config: ClientConfig, leeway: u64, timeout_ms: u32) -> Self {
        Client {
            config,
            leeway,
            timeout_ms,
            platform_crypto: false,
            metadata: None,
            keys: None,
            keys_error: None,
            discovering: None,
            fetching_keys: None,
            next_id: 0,
        }
    }

    /// Whether the host checks signatures (a [`Step::CheckSignature`] for each); otherwise this
    /// crate's own arithmetic does, within the flow.
    pub fn set_platform_crypto(&mut self, on: bool) {
        self.platform_crypto = on;
    }

    /// The configured scope, as the session's rules decide it ([`crate::spa::SessionConfig::scope_for`]).
    pub fn set_scope(&mut self, scope: String) {
        self.config.set_scope(scope);
    }

    /// The configuration.
    pub fn config(&self) -> &ClientConfig {
        &self.config
    }

    /// The time the host gives each request, in milliseconds.
    pub fn timeout_ms(&self) -> u32 {
        self.timeout_ms
    }

    /// The provider metadata, once a flow discovered it.
    pub fn metadata(&self) -> Option<&ProviderMetadata> {
        self.metadata.as_ref()
    }

    /// Start a flow.
    pub fn start(&mut self, op: Op) -> Flow {
        self.next_id += 1;
        Flow { id: self.next_id, op: Some(op), state: State::Ready }
    }

    /// The host dropped `flow` before its end: what it was fetching for the others is no longer
    /// coming, so a waiting flow fetches it itself.
    pub fn abandon(&mut self, flow: &Flow) {
        self.release(flow.id);
    }

    fn release(&mut self, id: u64) {
        if self.discovering == Some(id) {
            self.discovering = None;
        }
        if self.fetching_keys == Some(id) {
            self.fetching_keys = None;
        }
    }

    /// `ERR_JWKS_NOT_LOADED`, or the last fetch's own error when there was one.
    fn no_keys(&self) -> Error {
        match &self.keys_error {
            Some(e) if e.code() == Code::Network || e.code() == Code::Timeout => e.clone(),
            Some(e) => Error::new(e.code(), format!("no signing keys could be loaded: {}", e.message())).with_details_of(e.clone()),
            None => Error::new(Code::JwksNotLoaded, "the provider's signing keys could not be loaded"),
        }
    }
}

/// What an ID token is checked against besides the provider and the client.
#[derive(Debug, Default, Clone)]
pub struct IdChecks {
    /// The `nonce` sent (a login by redirect).
    pub nonce: Option<String>,
    /// The `max_age` sent.
    pub max_age: Option<u64>,
    /// The `organization` sent.
    pub organization: Option<String>,
    /// On a refresh, the session's `sub` (OIDC Core §12.2).
    pub expected_sub: Option<String>,
}

/// An operation of the client: what a flow does once the provider metadata is known.
pub enum Op {
    /// The provider metadata (OIDC Discovery §4), as JSON.
    Discover,
    /// The `/authorize` URL and the transaction to keep: `{ url, transaction }`.
    AuthorizeUrl {
        /// The call's parameters (over the configured ones).
        params: AuthorizeParams,
        /// 96 random bytes (state, nonce, PKCE verifier).
        random: AuthorizeRandom,
    },
    /// The callback: state checked, code exchanged, ID token verified (OIDC Core §3.1.3.7).
    Callback {
        /// The authorization response parameters.
        params: CallbackParams,
        /// The transaction kept since the authorization request.
        transaction: LoginTransaction,
    },
    /// The refresh-token grant (RFC 6749 §6).
    Refresh {
        /// The refresh token.
        refresh_token: String,
        /// `scope`, if narrower.
        scope: Option<String>,
        /// `audience` (Auth0).
        audience: Option<String>,
        /// The session's `sub`: a new ID token must be for it (OIDC Core §12.2).
        expected_sub: Option<String>,
    },
    /// Revoke a token (RFC 7009).
    Revoke {
        /// The token.
        token: String,
        /// `token_type_hint`.
        hint: Option<String>,
    },
    /// The logout URL.
    LogoutUrl(logout::LogoutParams),
    /// The userinfo claims (OIDC Core §5.3); `sub` must be `expected_sub`.
    Userinfo {
        /// The access token.
        access_token: String,
        /// The ID token's `sub`.
        expected_sub: String,
    },
    /// The client credentials grant (RFC 6749 §4.4).
    ClientCredentials {
        /// The client secret.
        secret: String,
        /// `audience`.
        audience: Option<String>,
    },
    /// RFC 8628 §3.1: start a device authorization.
    DeviceAuthorize {
        /// `scope` (the configured one when absent).
        scope: Option<String>,
        /// `audience` (the configured one when absent).
        audience: Option<String>,
    },
    /// RFC 8628 §3.4: one poll of the device token request.
    DeviceToken {
        /// The `device_code`.
        device_code: String,
    },
    /// Auth0: a call of the Authentication API that answers JSON (passwordless start, MFA
    /// authenticators, enrollment, challenge, dbconnections).
    Auth0(Auth0Call),
    /// Auth0: a token grant that ends a login (passwordless OTP, password, MFA).
    Auth0Grant(Auth0Grant),
}

/// Auth0 Authentication API calls that are not token requests.
pub enum Auth0Call {
    /// POST `/passwordless/start`.
    PasswordlessStart(crate::auth0::PasswordlessStart),
    /// GET `/mfa/authenticators`.
    MfaAuthenticators {
        /// The `mfa_token`.
        mfa_token: String,
    },
    /// POST `/mfa/associate`.
    MfaAssociate {
        /// The `mfa_token`.
        mfa_token: String,
        /// What to enroll.
        enroll: crate::auth0::MfaEnroll,
    },
    /// POST `/mfa/challenge`.
    MfaChallenge {
        /// The `mfa_token`.
        mfa_token: String,
        /// `challenge_type`.
        challenge_type: Option<String>,
        /// `authenticator_id`.
        authenticator_id: Option<String>,
    },
    /// DELETE `/mfa/authenticators/{id}`.
    MfaDelete {
        /// The `mfa_token`.
        mfa_token: String,
        /// The authenticator.
        authenticator_id: String,
    },
    /// POST `/dbconnections/signup`.
    Signup(crate::auth0::Signup),
    /// POST `/dbconnections/change_password`.
    ChangePassword {
        /// The database connection.
        connection: String,
        /// The email.
        email: String,
        /// The organization.
        organization: Option<String>,
    },
}

/// Auth0 token grants that end a login.
pub enum Auth0Grant {
    /// The passwordless OTP grant.
    PasswordlessOtp {
        /// `email` or `sms`.
        realm: String,
        /// The email or phone number.
        username: String,
        /// The code.
        otp: String,
        /// `scope` (the configured one when absent).
        scope: Option<String>,
        /// `audience` (the configured one when absent).
        audience: Option<String>,
    },
    /// The password (or password-realm) grant.
    Password {
        /// The user name or email.
        username: String,
        /// The password.
        password: String,
        /// The database connection, for password-realm.
        realm: Option<String>,
        /// `scope` (the configured one when absent).
        scope: Option<String>,
        /// `audience` (the configured one when absent).
        audience: Option<String>,
    },
    /// The MFA grants.
    Mfa {
        /// The `mfa_token`.
        mfa_token: String,
        /// The proof.
        proof: MfaProof,
    },
}

/// An MFA proof (owned; see [`crate::auth0::MfaProof`]).
pub enum MfaProof {
    /// A one-time password.
    Otp(String),
    /// An out-of-band code, with the binding code the user saw.
    Oob(String, Option<String>),
    /// A recovery code.
    RecoveryCode(String),
}

/// One call of the API in progress. See the module documentation.
pub struct Flow {
    id: u64,
    op: Option<Op>,
    state: State,
}

enum State {
    /// The next poll decides.
    Ready,
    /// The discovery request is out.
    Discovering,
    /// The operation's request is out.
    Sending,
    /// A token response whose ID token is to be verified; `fetching` while the JWKS request is out.
    Tokens { pending: Box<PendingIdToken>, fetching: bool },
    /// The platform is checking the ID token's signature.
    Checking(Box<Checking>),
    /// The result or error, for the next poll.
    Finished(Option<Result<Value>>),
}

/// A token response, and what its ID token is checked against.
struct PendingIdToken {
    tokens: TokenResponse,
    checks: IdChecks,
    /// The server's time when it answered (its `Date` header) and ours then, when it sent one.
    server_time: Option<(u64, u64)>,
    /// Members added to the result (`scope_requested`).
    extra: Vec<(&'static str, Value)>,
}

struct Checking {
    pending: PendingIdToken,
    /// The ID token, opened: verified only if the platform says its signature is.
    opened: Opened,
    check: SignatureCheck,
}

/// What the operation's answer gave.
enum Answer {
    Json(Value),
    Tokens(Box<PendingIdToken>),
}

impl Flow {
    /// The next step. Call it again after [`Step::Wait`]; after `Send` or `CheckSignature`, hand
    /// over the answer first.
    pub fn poll(&mut self, client: &mut Client, now: u64) -> Step {
        match self.advance(client, now) {
            Ok(step) => step,
            Err(e) => self.end(client, Err(e)),
        }
    }

    fn end(&mut self, client: &mut Client, result: Result<Value>) -> Step {
        client.release(self.id);
        self.state = State::Finished(None);
        match result {
            Ok(v) => Step::Done(v),
            Err(e) => Step::Fail(e),
        }
    }

    fn advance(&mut self, client: &mut Client, now: u64) -> Result<Step> {
        match core::mem::replace(&mut self.state, State::Ready) {
            State::Finished(Some(r)) => return Ok(self.end(client, r)),
            State::Finished(None) => return Err(Error::new(Code::Internal, "the flow has ended; start another")),
            State::Discovering | State::Sending | State::Tokens { fetching: true, .. } | State::Checking(_) => {
                return Err(Error::new(Code::Internal, "the flow is waiting for the answer to its last step"));
            }
            State::Tokens { pending, fetching: false } => return self.verify_id_token(client, pending, now),
            State::Ready => {}
        }
        let Some(meta) = client.metadata.clone() else {
            if client.discovering.is_some() {
                return Ok(Step::Wait);
            }
            client.discovering = Some(self.id);
            self.state = State::Discovering;
            return Ok(Step::Send(discovery::discovery_request(&client.config)));
        };
        let op = self.op.as_ref().ok_or_else(|| Error::new(Code::Internal, "the flow has no operation"))?;
        match op.request(client, &meta, now)? {
            Request::Send(req) => {
                self.state = State::Sending;
                Ok(Step::Send(req))
            }
            Request::Done(v) => Ok(self.end(client, Ok(v))),
        }
    }

    /// The answer to the request of the last [`Step::Send`].
    pub fn response(&mut self, client: &mut Client, response: HttpResponse, now: u64) {
        self.answer(client, Ok(response), now);
    }

    /// The request of the last [`Step::Send`] failed (network, timeout): its error (see
    /// [`crate::http::fetch_failure`]).
    pub fn failure(&mut self, client: &mut Client, error: Error, now: u64) {
        self.answer(client, Err(error), now);
    }

    fn answer(&mut self, client: &mut Client, answer: Result<HttpResponse>, now: u64) {
        let next = match core::mem::replace(&mut self.state, State::Ready) {
            State::Discovering => {
                client.discovering = None;
                answer.and_then(|r| discovery::process_discovery_response(&client.config, &r)).map(|m| {
                    if client.keys.as_ref().is_none_or(|k| k.uri() != m.jwks_uri) {
                        client.keys = Some(JwksCache::new(m.jwks_uri.clone(), DEFAULT_MAX_AGE, DEFAULT_COOLDOWN));
                        client.keys_error = None;
                    }
                    client.metadata = Some(m);
                    State::Ready
                })
            }
            State::Sending => {
                let op = self.op.take();
                match (op, answer) {
                    (Some(op), Ok(r)) => op.process(client, &r, now).map(|a| match a {
                        Answer::Json(v) => State::Finished(Some(Ok(v))),
                        Answer::Tokens(mut pending) => {
                            pending.server_time = r.header("date").and_then(crate::http::parse_http_date).map(|d| (d, now));
                            State::Tokens { pending, fetching: false }
                        }
                    }),
                    (_, Err(e)) => Err(e),
                    (None, Ok(_)) => Err(Error::new(Code::Internal, "the flow has no operation")),
                }
            }
            State::Tokens { pending, fetching: true } => {
                client.fetching_keys = None;
                let outcome = match client.keys.as_mut() {
                    Some(c) => answer.and_then(|r| c.process_jwks_response(&r, now)).map(|_warnings| ()),
                    None => Ok(()),
                };
                match outcome {
                    Ok(()) => client.keys_error = None,
                    // Stale-if-error: the keys held stay; with none, this error is the answer.
                    Err(e) => client.keys_error = Some(e),
                }
                Ok(State::Tokens { pending, fetching: false })
            }
            other => {
                self.state = other;
                return;
            }
        };
        self.state = match next {
            Ok(s) => s,
            Err(e) => State::Finished(Some(Err(e))),
        };
    }

    /// The platform's answer to the last [`Step::CheckSignature`]: whether the signature holds,
    /// or `None` when it could not decide (an algorithm or key it refused, an exception); then
    /// this crate's own arithmetic decides.
    pub fn signature(&mut self, client: &mut Client, verified: Option<bool>, now: u64) {
        let State::Checking(c) = core::mem::replace(&mut self.state, State::Ready) else {
            self.state = State::Finished(Some(Err(Error::new(Code::Internal, "no signature check was asked for"))));
            return;
        };
        let c = *c;
        let checked = match verified {
            Some(true) => Ok(()),
            Some(false) => Err(Error::new(Code::JwsSignatureVerificationFailed, "the token's signature does not verify")),
            None => crate::jose::verify::verify_signature(c.check.alg, &c.opened.key, &c.check.input, &c.check.signature),
        };
        let result = checked.and_then(|()| finish_id_token(client, &c.pending, c.opened.verified(), now));
        self.state = State::Finished(Some(result));
    }

    /// The ID token of a token response: keys fetched when the cache policy wants it (one flow
    /// at a time; the others wait), the checks before the signature, then the signature by the
    /// platform or by this crate.
    fn verify_id_token(&mut self, client: &mut Client, pending: Box<PendingIdToken>, now: u64) -> Result<Step> {
        let Some(id_token) = pending.tokens.id_token.as_deref() else {
            return Ok(self.end(client, Ok(output(&pending, None))));
        };
        if client.fetching_keys.is_some() {
            self.state = State::Tokens { pending, fetching: false };
            return Ok(Step::Wait);
        }
        let want = client.keys.as_mut().and_then(|c| verifier::fetch_before_verify(c, id_token, DEFAULT_MAX_TOKEN_BYTES, now));
        if let Some(req) = want {
            client.fetching_keys = Some(self.id);
            self.state = State::Tokens { pending, fetching: true };
            return Ok(Step::Send(req));
        }
        let meta = client.metadata.as_ref().ok_or_else(|| Error::new(Code::Internal, "no provider metadata"))?;
        let keys = client.keys.as_ref().and_then(JwksCache::keys).ok_or_else(|| client.no_keys())?;
        let ctx = context(client, meta, &pending);
        let p = verifier::prepare_id_token(id_token, keys, &ctx)?;
        let input = p.signing_input(id_token).to_vec();
        let check = SignatureCheck { alg: p.alg, jwk: p.key.public.clone(), signature: p.signature.clone(), input };
        if client.platform_crypto {
            self.state = State::Checking(Box::new(Checking { pending: *pending, opened: p, check: check.clone() }));
            return Ok(Step::CheckSignature(check));
        }
        crate::jose::verify::verify_signature(check.alg, &p.key, &check.input, &check.signature)?;
        let out = finish_id_token(client, &pending, p.verified(), now)?;
        Ok(self.end(client, Ok(out)))
    }
}

fn context<'a>(client: &'a Client, meta: &'a ProviderMetadata, p: &'a PendingIdToken) -> IdTokenContext<'a> {
    IdTokenContext {
        metadata: meta,
        client_id: client.config.client_id(),
        nonce: p.checks.nonce.as_deref(),
        max_age: p.checks.max_age,
        organization: p.checks.organization.as_deref(),
        expected_sub: p.checks.expected_sub.as_deref(),
        access_token: Some(p.tokens.access_token.as_str()),
        clock_tolerance: client.leeway,
    }
}

/// The claim checks after the signature, and the result: the token response with the verified
/// claims as `id_token_claims` (and `clock_skew` when the server's time was used).
fn finish_id_token(client: &Client, pending: &PendingIdToken, jws: VerifiedJws, now: u64) -> Result<Value> {
    let meta = client.metadata.as_ref().ok_or_else(|| Error::new(Code::Internal, "no provider metadata"))?;
    let id_token = pending.tokens.id_token.as_deref().unwrap_or_default();
    // The server's time now: its Date header plus what passed here since.
    let server_now = pending.server_time.map(|(date, then)| date.saturating_add(now.saturating_sub(then)));
    let (now, skew) = verifier::time_for_fresh_id_token(id_token, now, client.leeway, server_now);
    let verified = verifier::finish_id_token(jws, &context(client, meta, pending), now)?;
    Ok(output(pending, Some((verified.claims, skew))))
}

fn output(p: &PendingIdToken, claims: Option<(Map<String, Value>, i64)>) -> Value {
    let mut out = p.tokens.to_json();
    if let Value::Object(m) = &mut out {
        if let Some((claims, skew)) = claims {
            m.insert("id_token_claims".into(), Value::Object(claims));
            if skew != 0 {
                m.insert("clock_skew".into(), skew.into());
            }
        }
        for (k, v) in &p.extra {
            m.insert((*k).into(), v.clone());
        }
    }
    out
}

/// What an operation needs, once the metadata is known.
enum Request {
    Send(HttpRequest),
    Done(Value),
}

impl Op {
    fn request(&self, client: &Client, meta: &ProviderMetadata, now: u64) -> Result<Request> {
        let cfg = &client.config;
        let id = cfg.client_id();
        let send = |r: HttpRequest| Ok(Request::Send(r));
        match self {
            Op::Discover => Ok(Request::Done(meta.to_json())),
            Op::AuthorizeUrl { params, random } => {
                let req = authorize::authorization_request(cfg, meta, params, random, now)?;
                Ok(Request::Done(crate::json::object! { "url" => req.url, "transaction" => req.transaction.to_json() }))
            }
            Op::LogoutUrl(p) => Ok(Request::Done(Value::String(logout::logout_url(cfg, meta, p)?))),
            Op::Callback { params, transaction } => {
                let code = authorize::validate_callback(params, transaction, meta)?;
                send(token::authorization_code_grant_request(meta, id, &code, transaction))
            }
            Op::Refresh { refresh_token, scope, audience, .. } => {
                send(token::refresh_token_grant_request(meta, id, refresh_token, scope.as_deref(), audience.as_deref()))
            }
            Op::Revoke { token, hint } => send(logout::revocation_request(cfg, meta, token, hint.as_deref())?),
            Op::Userinfo { access_token, .. } => send(userinfo::userinfo_request(meta, access_token)?),
            Op::ClientCredentials { secret, audience } => {
                send(token::client_credentials_request(meta, id, secret, audience.as_deref()))
            }
            Op::DeviceAuthorize { scope, audience } => {
                let scope = scope_of(cfg, scope.as_deref());
                send(device::device_authorization_request(cfg, meta, &scope, audience_of(cfg, audience.as_deref())))
            }
            Op::DeviceToken { device_code } => send(token::device_token_request(meta, id, device_code)),
            Op::Auth0(call) => send(call.request(cfg, meta)?),
            Op::Auth0Grant(grant) => send(grant.request(cfg, meta)?),
        }
    }

    fn process(self, client: &Client, r: &HttpResponse, now: u64) -> Result<Answer> {
        let tokens = |checks: IdChecks, extra: Vec<(&'static str, Value)>| -> Result<Answer> {
            Ok(Answer::Tokens(Box::new(PendingIdToken { tokens: token::process_token_response(r, now)?, checks, extra, server_time: None })))
        };
        match self {
            Op::Callback { transaction, .. } => {
                let tokens = token::process_token_response(r, now)?;
                // OIDC Core §3.1.3.3: with the openid scope the ID token is REQUIRED.
                if tokens.id_token.is_none() {
                    return Err(Error::new(Code::ResponseInvalid, "the token response has no id_token (OIDC Core §3.1.3.3)"));
                }
                let checks = IdChecks {
                    nonce: Some(transaction.nonce.clone()),
                    max_age: transaction.max_age,
                    organization: transaction.organization.clone(),
                    expected_sub: None,
                };
                Ok(Answer::Tokens(Box::new(PendingIdToken { tokens, checks, extra: Vec::new(), server_time: None })))
            }
            Op::Refresh { expected_sub, .. } => tokens(IdChecks { expected_sub, ..Default::default() }, Vec::new()),
            Op::DeviceToken { .. } => tokens(IdChecks::default(), Vec::new()),
            Op::Auth0Grant(g) => {
                let extra = match &g {
                    Auth0Grant::PasswordlessOtp { scope, .. } | Auth0Grant::Password { scope, .. } => {
                        vec![("scope_requested", Value::String(scope_of(&client.config, scope.as_deref())))]
                    }
                    Auth0Grant::Mfa { .. } => vec![("scope_requested", Value::String(scope_of(&client.config, None)))],
                };
                tokens(IdChecks::default(), extra)
            }
            Op::ClientCredentials { .. } => Ok(Answer::Json(token::process_token_response(r, now)?.to_json())),
            Op::Revoke { .. } => logout::process_revocation_response(r).map(|()| Answer::Json(Value::Null)),
            Op::Userinfo { expected_sub, .. } => {
                Ok(Answer::Json(Value::Object(userinfo::process_userinfo_response(r, &expected_sub)?)))
            }
            Op::DeviceAuthorize { scope, .. } => {
                let d = device::process_device_authorization_response(r)?;
                Ok(Answer::Json(crate::json::object! {
                    "device_code" => d.device_code, "user_code" => d.user_code, "verification_uri" => d.verification_uri,
                    "verification_uri_complete" => d.verification_uri_complete, "expires_in" => d.expires_in,
                    "interval" => d.interval, "scope_requested" => scope_of(&client.config, scope.as_deref()),
                }))
            }
            Op::Auth0(_) => Ok(Answer::Json(crate::auth0::process_json_response(r)?)),
            Op::Discover | Op::AuthorizeUrl { .. } | Op::LogoutUrl(_) => {
                Err(Error::new(Code::Internal, "this operation sends no request"))
            }
        }
    }
}

/// The scope of a grant: the call's, else the configured one, with `openid`.
fn scope_of(cfg: &ClientConfig, scope: Option<&str>) -> String {
    authorize::effective_scope(scope.or(cfg.authorization_params().scope.as_deref()))
}

/// The audience of a grant: the call's, else the configured one.
fn audience_of<'a>(cfg: &'a ClientConfig, audience: Option<&'a str>) -> Option<&'a str> {
    audience.or(cfg.authorization_params().audience.as_deref())
}

impl Auth0Call {
    fn request(&self, cfg: &ClientConfig, meta: &ProviderMetadata) -> Result<HttpRequest> {
        use crate::auth0 as a;
        match self {
            Auth0Call::PasswordlessStart(p) => a::passwordless_start_request(cfg, meta, p),
            Auth0Call::MfaAuthenticators { mfa_token } => a::mfa_authenticators_request(meta, mfa_token),
            Auth0Call::MfaAssociate { mfa_token, enroll } => a::mfa_associate_request(cfg, meta, mfa_token, enroll),
            Auth0Call::MfaChallenge { mfa_token, challenge_type, authenticator_id } => {
                a::mfa_challenge_request(cfg, meta, mfa_token, challenge_type.as_deref(), authenticator_id.as_deref())
            }
            Auth0Call::MfaDelete { mfa_token, authenticator_id } => a::mfa_delete_authenticator_request(meta, mfa_token, authenticator_id),
            Auth0Call::Signup(s) => a::signup_request(cfg, meta, s),
            Auth0Call::ChangePassword { connection, email, organization } => {
                a::change_password_request(cfg, meta, connection, email, organization.as_deref())
            }
        }
    }
}

impl Auth0Grant {
    fn request(&self, cfg: &ClientConfig, meta: &ProviderMetadata) -> Result<HttpRequest> {
        use crate::auth0 as a;
        let id = cfg.client_id();
        match self {
            Auth0Grant::PasswordlessOtp { realm, username, otp, scope, audience } => {
                let scope = scope_of(cfg, scope.as_deref());
                a::passwordless_otp_grant_request(meta, id, realm, username, otp, &scope, audience_of(cfg, audience.as_deref()))
            }
            Auth0Grant::Password { username, password, realm, scope, audience } => {
                let scope = scope_of(cfg, scope.as_deref());
                a::password_grant_request(meta, id, username, password, realm.as_deref(), &scope, audience_of(cfg, audience.as_deref()))
            }
            Auth0Grant::Mfa { mfa_token, proof } => {
                let proof = match proof {
                    MfaProof::Otp(otp) => a::MfaProof::Otp(otp),
                    MfaProof::Oob(code, binding) => a::MfaProof::Oob { oob_code: code, binding_code: binding.as_deref() },
                    MfaProof::RecoveryCode(code) => a::MfaProof::RecoveryCode(code),
                };
                a::mfa_grant_request(meta, id, mfa_token, &proof)
            }
        }
    }
}
