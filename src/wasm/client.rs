//! The OpenID Connect client (`WasmClient`) and the SPA session helpers (Cargo feature `client`).
//! Each call starts a flow of the core ([`crate::driver`]) and returns it as a `WasmFlow`, whose
//! steps the JavaScript layer performs (`next`, then `receive` / `receiveFailure` /
//! `signatureChecked`); nothing here fetches or awaits.

use std::cell::RefCell;
use std::rc::Rc;

use serde_json::{Map, Value};
use wasm_bindgen::prelude::*;

use super::{io, js_error, object, parse_json, seconds_option, Head};
use crate::authorize::{self, AuthorizeParams, AuthorizeRandom, LoginTransaction};
use crate::config::{ClientConfig, ClientOptions};
use crate::driver::{Client, Flow, Op, Step};
use crate::spa::{self, Session, SessionConfig, SessionFlow, SessionOp};
use crate::error::{Code, Error, Result};
use crate::jose::claims::DEFAULT_CLOCK_TOLERANCE;
use crate::pkce::CodeVerifier;

/// Default HTTP timeout.
const DEFAULT_TIMEOUT_MS: u32 = 10_000;

/// An OpenID Connect client for one provider and one client id.
#[wasm_bindgen]
pub struct WasmClient {
    core: Rc<RefCell<Client>>,
    session: Option<Rc<RefCell<Session>>>,
}

type JsResult<T> = core::result::Result<T, JsValue>;

#[wasm_bindgen]
impl WasmClient {
    /// Validate the options (JSON of `ClientOptions` plus `httpTimeoutInSeconds` and `leeway`).
    #[wasm_bindgen(constructor)]
    pub fn new(options_json: &str) -> JsResult<WasmClient> {
        let run = || -> Result<WasmClient> {
            let raw = object(options_json, "the client options")?;
            let timeout_ms = (seconds_option(&raw, "httpTimeoutInSeconds", DEFAULT_TIMEOUT_MS as f64 / 1000.0, 600)? * 1000.0) as u32;
            if timeout_ms == 0 {
                return Err(Error::new(Code::ConfigInvalidOption, "httpTimeoutInSeconds must be above 0"));
            }
            let leeway = seconds_option(&raw, "leeway", DEFAULT_CLOCK_TOLERANCE as f64, 3600)? as u64;
            let config = ClientConfig::new(ClientOptions::from_json(&raw)?)?;
            Ok(WasmClient { core: Rc::new(RefCell::new(Client::new(config, leeway, timeout_ms))), session: None })
        };
        run().map_err(js_error)
    }

    /// Whether ID token signatures are checked by the platform (a `CheckSignature` step for each);
    /// otherwise by this crate's own arithmetic.
    #[wasm_bindgen(js_name = usePlatformCrypto)]
    pub fn use_platform_crypto(&self, on: bool) {
        self.core.borrow_mut().set_platform_crypto(on);
    }

    /// The configured issuer.
    #[wasm_bindgen(getter)]
    pub fn issuer(&self) -> String {
        self.core.borrow().config().issuer().to_owned()
    }

    /// The configured client id.
    #[wasm_bindgen(getter, js_name = clientId)]
    pub fn client_id(&self) -> String {
        self.core.borrow().config().client_id().to_owned()
    }

    fn flow(&self, op: Op) -> WasmFlow {
        let flow = self.core.borrow_mut().start(op);
        WasmFlow { core: self.core.clone(), inner: Inner::Client(flow), step: None, session_step: None, text: String::new() }
    }

    /// The provider metadata (fetched once; later flows reuse it): JSON.
    pub fn discover(&self) -> WasmFlow {
        self.flow(Op::Discover)
    }

    /// The `/authorize` URL: JSON `{ url, transaction }`; keep the transaction until the callback.
    #[wasm_bindgen(js_name = authorizationUrl)]
    pub fn authorization_url(&self, params_json: &str) -> JsResult<WasmFlow> {
        let run = || -> Result<WasmFlow> {
            let params = AuthorizeParams::from_json(&object(params_json, "authorizationParams")?)?;
            let random = AuthorizeRandom::from_bytes(&io::random::<96>()?);
            Ok(self.flow(Op::AuthorizeUrl { params, random }))
        };
        run().map_err(js_error)
    }

    /// The callback: its URL against its transaction, the code exchanged, the ID token verified
    /// (signature against the provider's JWKS and OIDC Core §3.1.3.7). The token response JSON
    /// with `expires_at` and the verified `id_token_claims`.
    #[wasm_bindgen(js_name = handleCallback)]
    pub fn handle_callback(&self, url: &str, transaction_json: &str) -> JsResult<WasmFlow> {
        let run = || -> Result<WasmFlow> {
            let transaction = LoginTransaction::from_json(&parse_json(transaction_json, "the login transaction")?)?;
            let params = authorize::parse_callback_url(url)?;
            Ok(self.flow(Op::Callback { params, transaction }))
        };
        run().map_err(js_error)
    }

    /// `handleCallback` for an authorization response that arrived as parameters, not as a URL
    /// (`response_mode=web_message`): its name/value pairs, form-encoded
    /// (`application/x-www-form-urlencoded`, as `URLSearchParams` writes them).
    #[wasm_bindgen(js_name = handleCallbackParams)]
    pub fn handle_callback_params(&self, pairs: &str, transaction_json: &str) -> JsResult<WasmFlow> {
        let run = || -> Result<WasmFlow> {
            let transaction = LoginTransaction::from_json(&parse_json(transaction_json, "the login transaction")?)?;
            let params = authorize::from_pairs(form_urlencoded::parse(pairs.as_bytes()).into_owned().collect())?;
            Ok(self.flow(Op::Callback { params, transaction }))
        };
        run().map_err(js_error)
    }

    /// The refresh-token grant (RFC 6749 §6): the token response JSON (a new ID token is verified
    /// and must be for `expected_sub`, OIDC Core §12.2).
    pub fn refresh(&self, refresh_token: String, scope: Option<String>, audience: Option<String>, expected_sub: Option<String>) -> WasmFlow {
        self.flow(Op::Refresh { refresh_token, scope, audience, expected_sub })
    }

    /// Revoke a token (RFC 7009).
    pub fn revoke(&self, token: String, token_type_hint: Option<String>) -> WasmFlow {
        self.flow(Op::Revoke { token, hint: token_type_hint })
    }

    /// The logout URL (JSON params `{ returnTo, federated, id_token_hint }`): a JSON string.
    #[wasm_bindgen(js_name = logoutUrl)]
    pub fn logout_url(&self, params_json: &str) -> JsResult<WasmFlow> {
        let run = || -> Result<WasmFlow> {
            let p = object(params_json, "logoutParams")?;
            Ok(self.flow(Op::LogoutUrl(crate::logout::LogoutParams {
                return_to: str_of(&p, "returnTo").map(str::to_owned),
                federated: p.get("federated").and_then(Value::as_bool).unwrap_or(false),
                id_token_hint: str_of(&p, "id_token_hint").map(str::to_owned),
            })))
        };
        run().map_err(js_error)
    }

    /// OIDC Core §5.3: the userinfo claims; `sub` must be `expected_sub`.
    pub fn userinfo(&self, access_token: String, expected_sub: String) -> WasmFlow {
        self.flow(Op::Userinfo { access_token, expected_sub })
    }

    /// RFC 6749 §4.4: the client credentials grant (a confidential client's secret).
    #[wasm_bindgen(js_name = clientCredentials)]
    pub fn client_credentials(&self, client_secret: String, audience: Option<String>) -> WasmFlow {
        self.flow(Op::ClientCredentials { secret: client_secret, audience })
    }
}

/// The single-page-app session ([`crate::spa`]): each call a session flow whose steps (storage,
/// lock, timer, iframe or popup, and the client's requests) the host performs.
#[wasm_bindgen]
impl WasmClient {
    /// Set the session's options (JSON: `useRefreshTokens`, `useRefreshTokensFallback`, `leeway`,
    /// `authorizeTimeoutInSeconds`, `sessionCheckExpiryDays`, `authorizationParams`, and what the
    /// host knows of its cache: `cacheListsKeys`, `cacheShared`); `auth0` for auth0-spa-js's
    /// formats. The configured scope becomes the session's.
    #[wasm_bindgen(js_name = configureSession)]
    pub fn configure_session(&mut self, options_json: &str, auth0: bool) -> JsResult<()> {
        let o = object(options_json, "the session options").map_err(js_error)?;
        let cfg = SessionConfig::from_json(self.core.borrow().config().client_id(), auth0, &o).map_err(js_error)?;
        self.core.borrow_mut().set_scope(cfg.scope_for(None));
        self.session = Some(Rc::new(RefCell::new(Session::new(cfg))));
        Ok(())
    }

    /// The scope a call asks for (`openid`, `offline_access` with refresh tokens, the configured
    /// scope as the provider's rules say).
    #[wasm_bindgen(js_name = sessionScope)]
    pub fn session_scope(&self, scope: Option<String>) -> JsResult<String> {
        Ok(self.session()?.borrow().config().scope_for(scope.as_deref().filter(|s| !s.is_empty())))
    }

    fn session(&self) -> JsResult<Rc<RefCell<Session>>> {
        self.session.clone().ok_or_else(|| js_error(Error::new(Code::Internal, "configureSession was not called")))
    }

    fn session_flow(&self, op: SessionOp) -> JsResult<WasmFlow> {
        let session = self.session()?;
        let random = io::random::<96>().map_err(js_error)?;
        let flow = session.borrow_mut().start(op, io::now_ms(), random);
        Ok(WasmFlow { core: self.core.clone(), inner: Inner::Session(flow, session), step: None, session_step: None, text: String::new() })
    }

    /// `getTokenSilently`: the access token, or with `detailed` the token response (JSON).
    #[wasm_bindgen(js_name = silentToken)]
    pub fn silent_token(
        &self,
        audience: Option<String>,
        scope: Option<String>,
        cache_mode: Option<String>,
        detailed: bool,
        timeout: Option<f64>,
    ) -> JsResult<WasmFlow> {
        let cache_mode = spa::CacheMode::parse(cache_mode.as_deref()).map_err(js_error)?;
        let timeout = timeout.filter(|t| t.is_finite() && *t > 0.0).map(|t| t as u64);
        self.session_flow(SessionOp::Silent { audience, scope: scope.filter(|s| !s.is_empty()), cache_mode, detailed, timeout })
    }

    /// `checkSession`; `restore` at a page load (only after a login, quietly).
    #[wasm_bindgen(js_name = checkSession)]
    pub fn check_session(&self, audience: Option<String>, scope: Option<String>, timeout: Option<f64>, restore: bool) -> JsResult<WasmFlow> {
        let timeout = timeout.filter(|t| t.is_finite() && *t > 0.0).map(|t| t as u64);
        self.session_flow(SessionOp::CheckSession { audience, scope: scope.filter(|s| !s.is_empty()), timeout, restore })
    }

    /// `loginWithPopup`: the authorization in a popup (`authorizationParams` JSON).
    #[wasm_bindgen(js_name = popupLogin)]
    pub fn popup_login(&self, params_json: &str, timeout: Option<f64>) -> JsResult<WasmFlow> {
        let params = object(params_json, "authorizationParams").map_err(js_error)?;
        let timeout = timeout.filter(|t| t.is_finite() && *t > 0.0).map(|t| t as u64);
        self.session_flow(SessionOp::Popup { params, timeout })
    }

    /// Keep the tokens a login ended with (JSON); `scope` given: a redirect's transaction's.
    pub fn remember(&self, tokens_json: &str, audience: Option<String>, scope: Option<String>) -> JsResult<WasmFlow> {
        let tokens = object(tokens_json, "the tokens").map_err(js_error)?;
        self.session_flow(SessionOp::Remember { tokens, audience, scope })
    }

    /// The user's profile (`claims` false) or every ID token claim with `__raw`; null when
    /// nobody is logged in.
    #[wasm_bindgen(js_name = sessionUser)]
    pub fn session_user(&self, claims: bool) -> JsResult<WasmFlow> {
        self.session_flow(SessionOp::User { claims })
    }

    /// `loginWithRedirect`: the `/authorize` URL (a JSON string), its transaction kept.
    #[wasm_bindgen(js_name = sessionLogin)]
    pub fn session_login(&self, params_json: &str, app_state_json: Option<String>) -> JsResult<WasmFlow> {
        let params = object(params_json, "authorizationParams").map_err(js_error)?;
        let app_state = match app_state_json {
            Some(t) => parse_json(&t, "appState").map_err(js_error)?,
            None => Value::Null,
        };
        self.session_flow(SessionOp::Login { params, app_state })
    }

    /// `handleRedirectCallback`: `{ appState }`, or `{ failure, appState, state }` for the
    /// provider's error.
    #[wasm_bindgen(js_name = sessionCallback)]
    pub fn session_callback(&self, url: String) -> JsResult<WasmFlow> {
        self.session_flow(SessionOp::Callback { url })
    }

    /// Keep a magic link's transaction for the tab the link opens in.
    #[wasm_bindgen(js_name = keepLink)]
    pub fn keep_link(&self, transaction_json: &str, app_state_json: Option<String>) -> JsResult<WasmFlow> {
        let transaction = parse_json(transaction_json, "the transaction").map_err(js_error)?;
        let app_state = match app_state_json {
            Some(t) => parse_json(&t, "appState").map_err(js_error)?,
            None => Value::Null,
        };
        self.session_flow(SessionOp::KeepLink { transaction, app_state })
    }

    /// `mfa.verify` with an out-of-band code: polls until approved (`interval` seconds apart, 5
    /// by default; `slow_down` adds 5; ERR_TIMEOUT after `expires_in`, 300 by default), then
    /// keeps the tokens.
    #[wasm_bindgen(js_name = mfaPoll)]
    pub fn mfa_poll(
        &self,
        mfa_token: String,
        oob_code: String,
        binding_code: Option<String>,
        audience: Option<String>,
        interval: Option<f64>,
        expires_in: Option<f64>,
    ) -> JsResult<WasmFlow> {
        let seconds = |v: Option<f64>, default: u64| v.filter(|v| v.is_finite()).map_or(default, |v| v.max(0.0) as u64);
        let interval = seconds(interval, spa::MFA_POLL_INTERVAL);
        let expires_in = seconds(expires_in, spa::MFA_POLL_EXPIRES_IN);
        self.session_flow(SessionOp::MfaPoll { mfa_token, oob_code, binding_code, audience, interval, expires_in })
    }

    /// The device flow's poll (RFC 8628 §3.4-3.5), then the tokens kept.
    #[wasm_bindgen(js_name = devicePoll)]
    pub fn device_poll(
        &self,
        device_code: String,
        interval: f64,
        expires_in: f64,
        scope_requested: Option<String>,
        audience: Option<String>,
    ) -> JsResult<WasmFlow> {
        let (interval, expires_in) = (interval.max(0.0) as u64, expires_in.max(0.0) as u64);
        self.session_flow(SessionOp::DevicePoll { device_code, interval, expires_in, scope_requested, audience })
    }

    /// `logout`: revoke (when asked), clear, and the logout URL when `navigate`.
    #[wasm_bindgen(js_name = sessionLogout)]
    pub fn session_logout(&self, params_json: &str, revoke: bool, navigate: bool) -> JsResult<WasmFlow> {
        let params = object(params_json, "logoutParams").map_err(js_error)?;
        self.session_flow(SessionOp::Logout { params, revoke, navigate })
    }
}

fn str_of<'a>(p: &'a Map<String, Value>, k: &str) -> Option<&'a str> {
    p.get(k).and_then(Value::as_str)
}

#[cfg(feature = "auth0")]
fn string_of(p: &Map<String, Value>, k: &str) -> Option<String> {
    str_of(p, k).map(str::to_owned)
}

#[cfg(feature = "auth0")]
fn obj_of(p: &Map<String, Value>, k: &str) -> Option<Map<String, Value>> {
    p.get(k).and_then(Value::as_object).cloned()
}

/// Auth0's Authentication API: one export per operation; `params_json` holds the request's
/// parameters (wire names).
#[cfg(feature = "auth0")]
#[wasm_bindgen]
impl WasmClient {
    fn auth0(&self, params_json: &str, op: impl FnOnce(&Map<String, Value>) -> Op) -> JsResult<WasmFlow> {
        let p = object(params_json, "the parameters").map_err(js_error)?;
        Ok(self.flow(op(&p)))
    }

    /// POST `/passwordless/start` (`connection`, `email` | `phone_number`, `send`, `authParams`).
    #[wasm_bindgen(js_name = passwordlessStart)]
    pub fn passwordless_start(&self, params_json: &str) -> JsResult<WasmFlow> {
        use crate::driver::Auth0Call;
        self.auth0(params_json, |p| {
            Op::Auth0(Auth0Call::PasswordlessStart(crate::auth0::PasswordlessStart {
                connection: string_of(p, "connection").unwrap_or_default(),
                email: string_of(p, "email"),
                phone_number: string_of(p, "phone_number"),
                send: string_of(p, "send"),
                auth_params: obj_of(p, "authParams"),
            }))
        })
    }

    /// GET `/mfa/authenticators` with the `mfa_token`.
    #[wasm_bindgen(js_name = mfaAuthenticators)]
    pub fn mfa_authenticators(&self, mfa_token: String) -> WasmFlow {
        self.flow(Op::Auth0(crate::driver::Auth0Call::MfaAuthenticators { mfa_token }))
    }

    /// POST `/mfa/associate` (`mfa_token`, `authenticator_type`, `oob_channel`, `phone_number`, `email`).
    #[wasm_bindgen(js_name = mfaAssociate)]
    pub fn mfa_associate(&self, params_json: &str) -> JsResult<WasmFlow> {
        self.auth0(params_json, |p| {
            Op::Auth0(crate::driver::Auth0Call::MfaAssociate {
                mfa_token: string_of(p, "mfa_token").unwrap_or_default(),
                enroll: crate::auth0::MfaEnroll {
                    authenticator_type: string_of(p, "authenticator_type").unwrap_or_default(),
                    oob_channel: string_of(p, "oob_channel"),
                    phone_number: string_of(p, "phone_number"),
                    email: string_of(p, "email"),
                },
            })
        })
    }

    /// POST `/mfa/challenge` (`mfa_token`, `challenge_type`, `authenticator_id`).
    #[wasm_bindgen(js_name = mfaChallenge)]
    pub fn mfa_challenge(&self, params_json: &str) -> JsResult<WasmFlow> {
        self.auth0(params_json, |p| {
            Op::Auth0(crate::driver::Auth0Call::MfaChallenge {
                mfa_token: string_of(p, "mfa_token").unwrap_or_default(),
                challenge_type: string_of(p, "challenge_type"),
                authenticator_id: string_of(p, "authenticator_id"),
            })
        })
    }

    /// DELETE `/mfa/authenticators/{authenticator_id}` with the `mfa_token`.
    #[wasm_bindgen(js_name = mfaDelete)]
    pub fn mfa_delete(&self, mfa_token: String, authenticator_id: String) -> WasmFlow {
        self.flow(Op::Auth0(crate::driver::Auth0Call::MfaDelete { mfa_token, authenticator_id }))
    }

    /// POST `/dbconnections/signup` (`connection`, `email`, `password`, `user_metadata`, profile members).
    pub fn signup(&self, params_json: &str) -> JsResult<WasmFlow> {
        self.auth0(params_json, |p| {
            let mut profile = p.clone();
            for k in ["connection", "email", "password", "user_metadata", "client_id"] {
                profile.remove(k);
            }
            Op::Auth0(crate::driver::Auth0Call::Signup(crate::auth0::Signup {
                connection: string_of(p, "connection").unwrap_or_default(),
                email: string_of(p, "email").unwrap_or_default(),
                password: string_of(p, "password").unwrap_or_default(),
                profile,
                user_metadata: obj_of(p, "user_metadata"),
            }))
        })
    }

    /// POST `/dbconnections/change_password` (`connection`, `email`, `organization`).
    #[wasm_bindgen(js_name = changePassword)]
    pub fn change_password(&self, params_json: &str) -> JsResult<WasmFlow> {
        self.auth0(params_json, |p| {
            Op::Auth0(crate::driver::Auth0Call::ChangePassword {
                connection: string_of(p, "connection").unwrap_or_default(),
                email: string_of(p, "email").unwrap_or_default(),
                organization: string_of(p, "organization"),
            })
        })
    }

    /// The passwordless OTP grant (`realm`, `username`, `otp`, `scope`, `audience`); ends a login.
    #[wasm_bindgen(js_name = passwordlessOtp)]
    pub fn passwordless_otp(&self, params_json: &str) -> JsResult<WasmFlow> {
        self.auth0(params_json, |p| {
            Op::Auth0Grant(crate::driver::Auth0Grant::PasswordlessOtp {
                realm: string_of(p, "realm").unwrap_or_default(),
                username: string_of(p, "username").unwrap_or_default(),
                otp: string_of(p, "otp").unwrap_or_default(),
                scope: string_of(p, "scope"),
                audience: string_of(p, "audience"),
            })
        })
    }

    /// The password grant, password-realm when `realm` is given (`username`, `password`, `realm`,
    /// `scope`, `audience`); ends a login.
    #[wasm_bindgen(js_name = passwordGrant)]
    pub fn password_grant(&self, params_json: &str) -> JsResult<WasmFlow> {
        self.auth0(params_json, |p| {
            Op::Auth0Grant(crate::driver::Auth0Grant::Password {
                username: string_of(p, "username").unwrap_or_default(),
                password: string_of(p, "password").unwrap_or_default(),
                realm: string_of(p, "realm"),
                scope: string_of(p, "scope"),
                audience: string_of(p, "audience"),
            })
        })
    }

    /// An MFA grant (`mfa_token` with `otp`, `oob_code` and `binding_code`, or `recovery_code`);
    /// ends a login.
    #[wasm_bindgen(js_name = mfaGrant)]
    pub fn mfa_grant(&self, params_json: &str) -> JsResult<WasmFlow> {
        use crate::driver::MfaProof;
        self.auth0(params_json, |p| {
            let proof = if let Some(otp) = string_of(p, "otp") {
                MfaProof::Otp(otp)
            } else if let Some(code) = string_of(p, "recovery_code") {
                MfaProof::RecoveryCode(code)
            } else {
                MfaProof::Oob(string_of(p, "oob_code").unwrap_or_default(), string_of(p, "binding_code"))
            };
            Op::Auth0Grant(crate::driver::Auth0Grant::Mfa { mfa_token: string_of(p, "mfa_token").unwrap_or_default(), proof })
        })
    }
}

#[cfg(feature = "device")]
#[wasm_bindgen]
impl WasmClient {
    /// RFC 8628 §3.1-3.2: start a device authorization: its JSON, with `scope_requested`.
    #[wasm_bindgen(js_name = deviceAuthorize)]
    pub fn device_authorize(&self, scope: Option<String>, audience: Option<String>) -> WasmFlow {
        self.flow(Op::DeviceAuthorize { scope, audience })
    }

    /// RFC 8628 §3.4: one poll of the device token request. Errors carry `error`
    /// (`authorization_pending`, `slow_down`, `expired_token`, `access_denied`); `devicePollAfter`
    /// says what to do next.
    #[wasm_bindgen(js_name = deviceToken)]
    pub fn device_token(&self, device_code: String) -> WasmFlow {
        self.flow(Op::DeviceToken { device_code })
    }
}

/// What `WasmFlow::next` asks of the host.
#[derive(Clone, Copy)]
#[repr(u32)]
enum Kind {
    Done = 0,
    Send = 1,
    CheckSignature = 2,
    Wait = 3,
    Get = 4,
    Keys = 5,
    Set = 6,
    Remove = 7,
    Lock = 8,
    Unlock = 9,
    Sleep = 10,
    Frame = 11,
}

enum Inner {
    Client(Flow),
    Session(SessionFlow, Rc<RefCell<Session>>),
}

/// One call of the client in progress: a flow of the core. The host loops on `next` and performs
/// each step it names, until `Done` (the result in `output`) or an error thrown by `next`.
#[wasm_bindgen]
pub struct WasmFlow {
    core: Rc<RefCell<Client>>,
    inner: Inner,
    /// The last step of the client flow (or of the session's nested one), or the session's end.
    step: Option<Step>,
    /// The last step of the session that is its own (storage, lock, timer, window).
    session_step: Option<spa::Step>,
    /// The step's JSON text, which [`FLOW_HEAD`] points at.
    text: String,
}

std::thread_local! {
    /// The last step of a flow, for JavaScript to read in place right after `next` (see [`Head`]).
    static FLOW_HEAD: core::cell::Cell<Head> = const { core::cell::Cell::new(Head { tag: 0, generation: 0, key_index: 0, alg: 0, signature: [0; 2], input: [0; 2], text: [0; 2] }) };
}

/// The address of the [`Head`] that describes a flow's step after each `next`.
#[wasm_bindgen(js_name = flowHead)]
pub fn flow_head() -> u32 {
    FLOW_HEAD.with(|h| h.as_ptr() as usize as u32)
}

#[wasm_bindgen]
impl WasmFlow {
    /// The next step, also described at `flowHead()` (see [`Head`]: read it before any other
    /// call into the module): 0 done (the result, JSON, in the head's text; none: undefined),
    /// 1 send (the request in the text: `{ method, url, headers: [[name, value]...], body?,
    /// timeoutMs }`; then `receive` or `receiveFailure`), 2 check a signature (the algorithm's
    /// index, the signature, the signing input, the public JWK as the text; then
    /// `signatureChecked`), 3 wait (another flow of this client is fetching what this one needs:
    /// call `next` again once it was handed its answer). A session flow (src/spa) also asks,
    /// with the step's detail (JSON) as the text and then `answer` or `failed`: 4 read, 5 list
    /// the cache's keys, 6 write, 7 remove, 8 take the cross-tab lock, 9 release it, 10 wait
    /// until, 11 an iframe or popup. Throws the flow's error.
    #[wasm_bindgen(js_name = next)]
    pub fn next_step(&mut self) -> JsResult<u32> {
        self.session_step = None;
        let polled = match &mut self.inner {
            Inner::Client(flow) => Ok(flow.poll(&mut self.core.borrow_mut(), io::now())),
            Inner::Session(flow, session) => match flow.poll(&mut session.borrow_mut(), &mut self.core.borrow_mut(), io::now_ms()) {
                spa::Step::Client(s) => Ok(s),
                spa::Step::Done(v) => Ok(Step::Done(v)),
                spa::Step::Fail(e) => Ok(Step::Fail(e)),
                other => Err(other),
            },
        };
        let step = match polled {
            Ok(step) => step,
            Err(other) => {
                let kind = match &other {
                    spa::Step::Get { .. } => Kind::Get,
                    spa::Step::Keys => Kind::Keys,
                    spa::Step::Set { .. } => Kind::Set,
                    spa::Step::Remove { .. } => Kind::Remove,
                    spa::Step::Lock { .. } => Kind::Lock,
                    spa::Step::Unlock { .. } => Kind::Unlock,
                    spa::Step::Sleep { .. } => Kind::Sleep,
                    _ => Kind::Frame,
                };
                self.text = detail(&other);
                self.step = None;
                self.session_step = Some(other);
                return Ok(self.publish(kind, Head::default()));
            }
        };
        let mut head = Head::default();
        let kind = match &step {
            Step::Done(v) => {
                self.text = crate::json::to_text(v);
                Kind::Done
            }
            Step::Send(r) => {
                self.text = self.request_json(r);
                Kind::Send
            }
            Step::CheckSignature(c) => {
                self.text = c.jwk.clone();
                head.alg = Head::alg_index(c.alg);
                Kind::CheckSignature
            }
            Step::Wait => {
                self.text.clear();
                Kind::Wait
            }
            Step::Fail(e) => return Err(js_error(e.clone())),
        };
        self.step = Some(step);
        if let Some(Step::CheckSignature(c)) = &self.step {
            head.signature = Head::range(&c.signature);
            head.input = Head::range(&c.input);
        }
        Ok(self.publish(kind, head))
    }

    /// Describe the step at [`FLOW_HEAD`]: its kind, `head`'s numbers and ranges, and the text.
    fn publish(&self, kind: Kind, mut head: Head) -> u32 {
        head.tag = kind as u32;
        head.text = Head::range(self.text.as_bytes());
        FLOW_HEAD.with(|h| h.set(head));
        kind as u32
    }

    /// The request to make, JSON `{ method, url, headers: [[name, value]...], body?, timeoutMs }`.
    fn request_json(&self, r: &crate::http::HttpRequest) -> String {
        let mut m = Map::new();
        m.insert("method".into(), r.method.as_str().into());
        m.insert("url".into(), r.url.as_str().into());
        m.insert("headers".into(), r.headers.iter().map(|(k, v)| Value::from(vec![k.as_str(), v.as_str()])).collect());
        if let Some(b) = &r.body {
            m.insert("body".into(), b.as_str().into());
        }
        m.insert("timeoutMs".into(), self.core.borrow().timeout_ms().into());
        crate::json::to_text(&Value::Object(m))
    }

    /// The answer to the request: its status, its headers as `name: value` lines, its body.
    pub fn receive(&mut self, status: u16, headers: &str, body: String) {
        let url = self.url();
        match crate::http::response_from_parts(&url, status, headers, body) {
            Ok(r) => {
                let mut core = self.core.borrow_mut();
                match &mut self.inner {
                    Inner::Client(f) => f.response(&mut core, r, io::now()),
                    Inner::Session(f, _) => f.response(&mut core, r, io::now_ms()),
                }
            }
            Err(e) => self.fail(e),
        }
    }

    /// The request failed: the JavaScript error's `name` and `message`.
    #[wasm_bindgen(js_name = receiveFailure)]
    pub fn receive_failure(&mut self, name: &str, message: &str) {
        let url = self.url();
        let e = crate::http::fetch_failure(&url, name, message, self.core.borrow().timeout_ms());
        self.fail(e);
    }

    fn fail(&mut self, e: Error) {
        let mut core = self.core.borrow_mut();
        match &mut self.inner {
            Inner::Client(f) => f.failure(&mut core, e, io::now()),
            Inner::Session(f, _) => f.failure(&mut core, e, io::now_ms()),
        }
    }

    fn url(&self) -> String {
        match &self.step {
            Some(Step::Send(r)) => r.url.clone(),
            _ => String::new(),
        }
    }

    /// The platform's answer: whether the signature holds; undefined when it could not decide
    /// (this crate's own arithmetic then does).
    #[wasm_bindgen(js_name = signatureChecked)]
    pub fn signature_checked(&mut self, ok: Option<bool>) {
        let mut core = self.core.borrow_mut();
        match &mut self.inner {
            Inner::Client(f) => f.signature(&mut core, ok, io::now()),
            Inner::Session(f, _) => f.signature(&mut core, ok, io::now_ms()),
        }
    }

    /// The answer to a session step: 4 read, the value's JSON text (undefined: nothing stored);
    /// 5 list, the keys as a JSON array (undefined: the cache cannot list them); 6, 7, 9, 10,
    /// undefined once performed; 8 lock, `contended` or `free`; 11 window, the authorization
    /// response form-encoded (as `URLSearchParams` writes it).
    pub fn answer(&mut self, text: Option<String>) {
        let now = io::now_ms();
        let Inner::Session(f, _) = &mut self.inner else { return };
        match self.session_step.take() {
            Some(spa::Step::Get { .. }) => f.value(text, now),
            Some(spa::Step::Keys) => {
                let keys = text.map(|k| {
                    let v = crate::json::parse_value(k.as_bytes()).unwrap_or_default();
                    v.as_array().into_iter().flatten().filter_map(|k| k.as_str().map(str::to_owned)).collect()
                });
                f.keys(keys, now);
            }
            Some(spa::Step::Lock { .. }) => f.locked(text.as_deref() == Some("contended"), now),
            Some(spa::Step::Frame { .. }) => {
                f.framed(form_urlencoded::parse(text.unwrap_or_default().as_bytes()).into_owned().collect(), now)
            }
            Some(_) => f.done(now),
            None => {}
        }
    }

    /// The app cancelled the call (its AbortSignal): `next` then throws the call's cancellation
    /// error; an answer still on its way is not handed in.
    pub fn cancel(&mut self) {
        if let Inner::Session(f, _) = &mut self.inner {
            f.cancel();
        }
        self.session_step = None;
    }

    /// A session step failed: for storage, what the storage said; for a window, what happened
    /// (`timeout`, `closed`, `blocked`, `nodocument`).
    pub fn failed(&mut self, why: String) {
        let now = io::now_ms();
        let Inner::Session(f, _) = &mut self.inner else { return };
        match self.session_step.take() {
            Some(spa::Step::Frame { .. }) => f.frame_failed(
                match why.as_str() {
                    "closed" => spa::FrameFailure::Closed,
                    "blocked" => spa::FrameFailure::Blocked,
                    "nodocument" => spa::FrameFailure::NoDocument,
                    _ => spa::FrameFailure::Timeout,
                },
                now,
            ),
            Some(_) => f.storage_failed(why, now),
            None => {}
        }
    }

}

/// A session step (4 and up), as JSON: `{ area, key, value?, days? }` for storage, `{ name }` for
/// the lock, `{ until }` (milliseconds since the Unix epoch) for a wait, `{ kind: 'iframe' |
/// 'popup', url, origin, timeout }` for a window.
fn detail(step: &spa::Step) -> String {
    use crate::json::object;
    let v = match step {
        spa::Step::Get { area, key } | spa::Step::Remove { area, key } => object! { "area" => area.name(), "key" => key.as_str() },
        spa::Step::Set { area, key, value, days } => {
            object! { "area" => area.name(), "key" => key.as_str(), "value" => value.as_str(), "days" => *days }
        }
        spa::Step::Lock { name } | spa::Step::Unlock { name } => object! { "name" => name.as_str() },
        spa::Step::Sleep { until_ms } => object! { "until" => *until_ms },
        spa::Step::Frame { kind, url, origin, timeout } => {
            let kind = if *kind == spa::FrameKind::Iframe { "iframe" } else { "popup" };
            object! { "kind" => kind, "url" => url.as_str(), "origin" => origin.as_str(), "timeout" => *timeout }
        }
        _ => object! {},
    };
    crate::json::to_text(&v)
}

impl Drop for WasmFlow {
    fn drop(&mut self) {
        // What this flow was fetching for the others is no longer coming.
        if let Ok(mut core) = self.core.try_borrow_mut() {
            match &mut self.inner {
                Inner::Client(f) => core.abandon(f),
                Inner::Session(f, session) => {
                    if let Ok(mut session) = session.try_borrow_mut() {
                        f.abandon(&mut session, &mut core);
                    }
                }
            }
        }
    }
}

/// The authorization response parameters of a callback URL, as JSON (`code`, `state`, `error`,
/// `error_description`, `iss`): lets the caller find the transaction by `state`.
#[wasm_bindgen(js_name = parseCallbackUrl)]
pub fn parse_callback_url(url: &str) -> JsResult<String> {
    let p = authorize::parse_callback_url(url).map_err(js_error)?;
    Ok(crate::json::to_text(&crate::json::object! {
        "code" => p.code, "state" => p.state, "error" => p.error,
        "error_description" => p.error_description, "error_uri" => p.error_uri, "iss" => p.iss,
    }))
}

/// A fresh PKCE pair (RFC 7636): JSON `{ code_verifier, code_challenge, code_challenge_method }`.
#[wasm_bindgen(js_name = createPkcePair)]
pub fn create_pkce_pair() -> JsResult<String> {
    let v = CodeVerifier::from_random(&io::random::<32>().map_err(js_error)?);
    Ok(crate::json::to_text(&crate::json::object! {
        "code_verifier" => v.expose_secret(), "code_challenge" => v.s256_challenge(), "code_challenge_method" => "S256",
    }))
}

/// The S256 challenge of a verifier (RFC 7636 §4.2).
#[wasm_bindgen(js_name = pkceChallenge)]
pub fn pkce_challenge(code_verifier: String) -> JsResult<String> {
    Ok(CodeVerifier::from_string(code_verifier).map_err(js_error)?.s256_challenge())
}
