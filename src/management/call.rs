//! A Management API call as a state machine the host drives (as [`crate::driver`]'s flows):
//!
//! ```text
//! Send(HttpRequest)   -> the host makes the request, hands back the answer (response) or the
//!                        failure (failure)
//! Token               -> the host asks the caller's own source (getToken) and hands back the
//!                        token (token), or its failure (token_failed)
//! Wait                -> another call of this client is getting the token: poll again once it
//!                        was handed its answer
//! Sleep { until_ms }  -> the host sets a timer, and polls again from that time on
//! Done(value) / Fail(err)
//! ```
//!
//! The client holds the token source. Client credentials (RFC 6749 §4.4, for a worker that keeps
//! a secret; refused in a browser page) are cached until their expiry minus the leeway, and only
//! one grant is in flight: the other calls wait for it. A 401 with a cached token drops it and
//! gets a new one, once. The operation is checked against the API's table before anything is
//! sent; 429 and 5xx answers are retried by [`RetryPolicy`] until the call's deadline.

use serde_json::Value;

use super::retry::{RetryPolicy, RANDOM_BYTES};
use super::{Api, Params};
use crate::error::{Code, Error, Result};
use crate::http::{HttpRequest, HttpResponse, Method};

/// Where a client's access tokens for the API come from.
pub enum TokenSource {
    /// A token the caller gave (it has the scopes it needs; nothing here renews it).
    Given(String),
    /// The caller's own source (its `getToken`), asked by the host at each call ([`Step::Token`]).
    Host,
    /// The client credentials grant with this client's id and secret (never in a browser page).
    ClientCredentials {
        /// `client_id`.
        client_id: String,
        /// `client_secret`.
        client_secret: String,
    },
}

impl core::fmt::Debug for TokenSource {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            TokenSource::Given(_) => "Given(<redacted>)",
            TokenSource::Host => "Host",
            TokenSource::ClientCredentials { .. } => "ClientCredentials(<redacted>)",
        })
    }
}

/// Seconds before its expiry that a cached token is no longer used (as the SPA's `leeway`).
pub const DEFAULT_LEEWAY: u64 = 60;

/// What calls of one client share: the API, the token source and its cache.
pub struct ManagementClient {
    api: Api,
    source: TokenSource,
    policy: RetryPolicy,
    leeway: u64,
    /// The client credentials token and when it stops being used (ms).
    cached: Option<(String, u64)>,
    /// The call whose token grant is out, if any.
    fetching: Option<u64>,
    next_id: u64,
}

impl ManagementClient {
    /// A client of `api` with its token source. `in_browser_page`: the host runs in a browser page
    /// (not a worker or a server), which cannot keep a client secret: client credentials are then
    /// refused (`ERR_CLIENT_SECRET_IN_BROWSER`).
    pub fn new(api: Api, source: TokenSource, in_browser_page: bool) -> Result<Self> {
        match &source {
            TokenSource::ClientCredentials { .. } if in_browser_page => {
                return Err(Error::new(
                    Code::ClientSecretInBrowser,
                    "a client secret cannot be kept in a browser page: get the Management API token on a server (or pass token / getToken)",
                ));
            }
            TokenSource::ClientCredentials { client_id, client_secret } if client_id.is_empty() || client_secret.is_empty() => {
                return Err(Error::new(Code::ConfigInvalidOption, "clientId and clientSecret must both be given"));
            }
            TokenSource::Given(t) if t.is_empty() => return Err(Error::new(Code::ConfigInvalidOption, "token must not be empty")),
            _ => {}
        }
        Ok(ManagementClient { api, source, policy: RetryPolicy::default(), leeway: DEFAULT_LEEWAY, cached: None, fetching: None, next_id: 0 })
    }

    /// The API.
    pub fn api(&self) -> &Api {
        &self.api
    }

    /// Set the retry policy (its `max_retries` bounded by [`super::retry::MAX_RETRIES`]).
    pub fn set_retry_policy(&mut self, policy: RetryPolicy) {
        self.policy = policy.bounded();
    }

    /// Seconds before its expiry that a cached token is renewed.
    pub fn set_leeway(&mut self, seconds: u64) {
        self.leeway = seconds;
    }

    /// Start the call `method` `template` with `params`. `deadline_ms`: no retry is scheduled
    /// past it. `random`: [`RANDOM_BYTES`] bytes from a CSPRNG, the retries' jitter.
    pub fn start(&mut self, method: Method, template: &str, params: Params, deadline_ms: Option<u64>, random: &[u8]) -> Call {
        self.next_id += 1;
        let mut r = [0x80u8; RANDOM_BYTES];
        for (d, s) in r.iter_mut().zip(random) {
            *d = *s;
        }
        Call {
            id: self.next_id,
            method,
            template: template.to_owned(),
            params,
            deadline_ms,
            random: r,
            retries: 0,
            renewed: false,
            token: None,
            checked: false,
            state: State::Ready,
        }
    }

    /// The host dropped `call` before its end: a token grant it had out is no longer coming.
    pub fn abandon(&mut self, call: &Call) {
        if self.fetching == Some(call.id) {
            self.fetching = None;
        }
    }

    fn client_credentials_request(&self) -> Option<HttpRequest> {
        let TokenSource::ClientCredentials { client_id, client_secret } = &self.source else { return None };
        Some(crate::token::client_credentials_grant(&self.api.token_endpoint(), client_id, client_secret, Some(&self.api.audience())))
    }
}

/// What the host does next for a call.
#[derive(Debug)]
pub enum Step {
    /// Make this request; hand its answer to [`Call::response`], its failure to [`Call::failure`].
    Send(HttpRequest),
    /// Ask the caller's token source; hand the token to [`Call::token`].
    Token,
    /// Another call is getting the token: poll again once it was handed its answer.
    Wait,
    /// Poll again at this time (milliseconds since the Unix epoch).
    Sleep {
        /// When.
        until_ms: u64,
    },
    /// The API's answer (JSON; null for an empty body).
    Done(Value),
    /// The call failed.
    Fail(Error),
}

/// One call of the API in progress. See the module documentation.
pub struct Call {
    id: u64,
    method: Method,
    template: String,
    params: Params,
    deadline_ms: Option<u64>,
    random: [u8; RANDOM_BYTES],
    retries: u32,
    /// A 401 made the client get a new token already.
    renewed: bool,
    /// The token this call sends.
    token: Option<String>,
    /// The operation was checked against the table.
    checked: bool,
    state: State,
}

enum State {
    Ready,
    /// The host is asking the caller's token source.
    Token,
    /// The token grant is out.
    Granting,
    /// The API request is out.
    Sending,
    /// Backing off until this time (ms).
    Sleeping(u64),
    Finished(Option<Result<Value>>),
}

impl Call {
    /// How many times the request was sent again.
    pub fn retries(&self) -> u32 {
        self.retries
    }

    /// The next step, at `now_ms` (milliseconds since the Unix epoch).
    pub fn poll(&mut self, client: &mut ManagementClient, now_ms: u64) -> Step {
        match self.advance(client, now_ms) {
            Ok(step) => step,
            Err(e) => self.end(client, Err(e)),
        }
    }

    fn end(&mut self, client: &mut ManagementClient, result: Result<Value>) -> Step {
        client.abandon(self);
        self.state = State::Finished(None);
        match result {
            Ok(v) => Step::Done(v),
            Err(e) => Step::Fail(e),
        }
    }

    fn advance(&mut self, client: &mut ManagementClient, now_ms: u64) -> Result<Step> {
        match core::mem::replace(&mut self.state, State::Ready) {
            State::Finished(Some(r)) => return Ok(self.end(client, r)),
            State::Finished(None) => return Err(Error::new(Code::Internal, "the call has ended; start another")),
            State::Token | State::Granting | State::Sending => {
                return Err(Error::new(Code::Internal, "the call is waiting for the answer to its last step"));
            }
            State::Sleeping(until) if now_ms < until => {
                self.state = State::Sleeping(until);
                return Ok(Step::Sleep { until_ms: until });
            }
            State::Sleeping(_) | State::Ready => {}
        }
        if !self.checked {
            // Everything about the operation is checked before a token is asked for.
            super::check_operation(self.method, &self.template)?;
            super::fill_template(&self.template, &self.params.path)?;
            super::query_string(&self.params.query)?;
            self.checked = true;
        }
        let token = match (&self.token, &client.source) {
            (Some(t), _) => t.clone(),
            (None, TokenSource::Given(t)) => t.clone(),
            (None, TokenSource::Host) => {
                self.state = State::Token;
                return Ok(Step::Token);
            }
            (None, TokenSource::ClientCredentials { .. }) => match &client.cached {
                Some((t, until)) if now_ms < *until => t.clone(),
                _ if client.fetching.is_some() => return Ok(Step::Wait),
                _ => {
                    let req = client.client_credentials_request().ok_or_else(|| Error::new(Code::Internal, "no client credentials"))?;
                    client.fetching = Some(self.id);
                    self.state = State::Granting;
                    return Ok(Step::Send(req));
                }
            },
        };
        let req = client.api.request(self.method, &self.template, &self.params, &token)?;
        self.token = Some(token);
        self.state = State::Sending;
        Ok(Step::Send(req))
    }

    /// The answer to the request of the last [`Step::Send`], received at `now_ms`.
    pub fn response(&mut self, client: &mut ManagementClient, response: HttpResponse, now_ms: u64) {
        self.state = match core::mem::replace(&mut self.state, State::Ready) {
            State::Granting => {
                client.fetching = None;
                match crate::token::process_token_response(&response, now_ms / 1000) {
                    Ok(t) => {
                        // Without expires_in the token serves this call only.
                        if let Some(exp) = t.expires_at {
                            let until = exp.saturating_sub(client.leeway).saturating_mul(1000);
                            client.cached = Some((t.access_token.clone(), until));
                        }
                        self.token = Some(t.access_token);
                        State::Ready
                    }
                    Err(e) => State::Finished(Some(Err(e))),
                }
            }
            State::Sending => self.answered(client, &response, now_ms),
            other => other,
        };
    }

    fn answered(&mut self, client: &mut ManagementClient, response: &HttpResponse, now_ms: u64) -> State {
        if (200..300).contains(&response.status) {
            return State::Finished(Some(super::process_response(response)));
        }
        if response.status == 401 && !self.renewed && matches!(client.source, TokenSource::ClientCredentials { .. }) {
            // The cached token was revoked or its signing key rotated: one new grant.
            if client.cached.as_ref().map(|(t, _)| t) == self.token.as_ref() {
                client.cached = None;
            }
            self.token = None;
            self.renewed = true;
            return State::Ready;
        }
        let i = 2 * self.retries as usize;
        let jitter = match (self.random.get(i), self.random.get(i + 1)) {
            (Some(a), Some(b)) => u16::from_le_bytes([*a, *b]),
            _ => 0x8000,
        };
        match client.policy.next_attempt(response, self.retries, now_ms, self.deadline_ms, jitter) {
            Some(at) => {
                self.retries += 1;
                State::Sleeping(at)
            }
            None => State::Finished(Some(Err(super::api_error(response)))),
        }
    }

    /// The request of the last [`Step::Send`] failed (network, timeout): its error.
    pub fn failure(&mut self, client: &mut ManagementClient, error: Error) {
        if let State::Granting | State::Sending = self.state {
            client.abandon(self);
            self.state = State::Finished(Some(Err(error)));
        }
    }

    /// The caller's token source answered the last [`Step::Token`].
    pub fn token(&mut self, token: Result<String>) {
        if !matches!(self.state, State::Token) {
            return;
        }
        self.state = match token {
            Ok(t) if !t.is_empty() => {
                self.token = Some(t);
                State::Ready
            }
            Ok(_) => State::Finished(Some(Err(Error::new(Code::InvalidArgument, "getToken gave no token")))),
            Err(e) => State::Finished(Some(Err(e))),
        };
    }
}
