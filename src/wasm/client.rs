//! The OpenID Connect client (`WasmClient`) and the SPA session helpers (Cargo feature `client`).

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;

use super::keys::KeyStore;
use super::{io, js_error, object, parse_json, seconds_option};
use crate::authorize::{self, AuthorizeParams, AuthorizeRandom, LoginTransaction};
use crate::config::{ClientConfig, ClientOptions};
use crate::discovery::{self, ProviderMetadata};
use crate::error::{Code, Error, Result};
use crate::jose::claims::DEFAULT_CLOCK_TOLERANCE;
use crate::pkce::CodeVerifier;
use crate::token;
use crate::verifier::{self, IdTokenContext};


/// Default HTTP timeout.
const DEFAULT_TIMEOUT_MS: u32 = 10_000;

struct Inner {
    config: ClientConfig,
    metadata: RefCell<Option<ProviderMetadata>>,
    keys: Rc<KeyStore>,
    timeout_ms: u32,
    leeway: u64,
    /// The platform's signature check, set by the JavaScript layer:
    /// `(alg, publicJwkJson, signature, signingInput) => Promise<boolean | undefined>`.
    platform: RefCell<Option<js_sys::Function>>,
}

/// An OpenID Connect client for one provider and one client id.
#[wasm_bindgen]
pub struct WasmClient {
    inner: Rc<Inner>,
}

#[wasm_bindgen]
impl WasmClient {
    /// Validate the options (JSON of `ClientOptions` plus `httpTimeoutInSeconds`).
    #[wasm_bindgen(constructor)]
    pub fn new(options_json: &str) -> core::result::Result<WasmClient, JsValue> {
        let run = || -> Result<WasmClient> {
            let raw = object(options_json, "the client options")?;
            let timeout_ms = (seconds_option(&raw, "httpTimeoutInSeconds", DEFAULT_TIMEOUT_MS as f64 / 1000.0, 600)? * 1000.0) as u32;
            if timeout_ms == 0 {
                return Err(Error::new(Code::ConfigInvalidOption, "httpTimeoutInSeconds must be above 0"));
            }
            let leeway = seconds_option(&raw, "leeway", DEFAULT_CLOCK_TOLERANCE as f64, 3600)? as u64;
            let config = ClientConfig::new(ClientOptions::from_json(&raw)?)?;
            let keys = KeyStore::new(timeout_ms);
            Ok(WasmClient {
                inner: Rc::new(Inner { config, metadata: RefCell::new(None), keys, timeout_ms, leeway, platform: RefCell::new(None) }),
            })
        };
        run().map_err(js_error)
    }

    /// Hand ID token signature checks to the platform (see `Inner::platform`); when it answers
    /// undefined, this crate's own arithmetic decides.
    #[wasm_bindgen(js_name = setSignatureBackend)]
    pub fn set_signature_backend(&self, check: js_sys::Function) {
        *self.inner.platform.borrow_mut() = Some(check);
    }

    /// The configured issuer.
    #[wasm_bindgen(getter)]
    pub fn issuer(&self) -> String {
        self.inner.config.issuer().to_owned()
    }

    /// The configured client id.
    #[wasm_bindgen(getter, js_name = clientId)]
    pub fn client_id(&self) -> String {
        self.inner.config.client_id().to_owned()
    }

    /// Fetch and check the provider metadata (once; later calls reuse it). Resolves to its JSON.
    pub async fn discover(&self) -> core::result::Result<String, JsValue> {
        let inner = self.inner.clone();
        metadata(&inner).await.map(|m| m.to_json().to_string()).map_err(js_error)
    }

    /// Build the `/authorize` URL. Resolves to JSON `{ url, transaction }`; keep the transaction
    /// until the callback.
    #[wasm_bindgen(js_name = authorizationUrl)]
    pub async fn authorization_url(&self, params_json: String) -> core::result::Result<String, JsValue> {
        let inner = self.inner.clone();
        let run = async move {
            let params = AuthorizeParams::from_json(&object(&params_json, "authorizationParams")?)?;
            let meta = metadata(&inner).await?;
            let random = AuthorizeRandom::from_bytes(&io::random::<96>()?);
            let req = authorize::authorization_request(&inner.config, &meta, &params, &random, io::now())?;
            Ok::<_, Error>(serde_json::json!({ "url": req.url, "transaction": req.transaction.to_json() }).to_string())
        };
        run.await.map_err(js_error)
    }

    /// Validate a callback URL against its transaction, exchange the code and validate the ID
    /// token (signature against the provider's JWKS and OIDC Core §3.1.3.7). Resolves to the token
    /// response JSON with `expires_at` and the verified `id_token_claims`.
    #[wasm_bindgen(js_name = handleCallback)]
    pub async fn handle_callback(&self, url: String, transaction_json: String) -> core::result::Result<String, JsValue> {
        let inner = self.inner.clone();
        let run = async move {
            let transaction = LoginTransaction::from_json(&parse_json(&transaction_json, "the login transaction")?)?;
            let meta = metadata(&inner).await?;
            let params = authorize::parse_callback_url(&url)?;
            let code = authorize::validate_callback(&params, &transaction, &meta)?;
            let req = token::authorization_code_grant_request(&meta, inner.config.client_id(), &code, &transaction);
            let resp = io::send(&req, inner.timeout_ms).await?;
            let tokens = token::process_token_response(&resp, io::now())?;
            // OIDC Core §3.1.3.3: with the openid scope the ID token is REQUIRED.
            if tokens.id_token.is_none() {
                return Err(Error::new(Code::ResponseInvalid, "the token response has no id_token (OIDC Core §3.1.3.3)"));
            }
            let checks = IdChecks {
                nonce: Some(transaction.nonce.as_str()),
                max_age: transaction.max_age,
                organization: transaction.organization.as_deref(),
                expected_sub: None,
            };
            let out = with_verified_id_token(&inner, &meta, &tokens, &checks).await?;
            Ok::<_, Error>(out.to_string())
        };
        run.await.map_err(js_error)
    }
}

/// What an ID token is checked against besides the provider and the client.
struct IdChecks<'a> {
    nonce: Option<&'a str>,
    max_age: Option<u64>,
    organization: Option<&'a str>,
    expected_sub: Option<&'a str>,
}

/// The token response as JSON, with the ID token (when present) validated and its claims
/// added as `id_token_claims`.
/// The platform's answer on one signature: `None` when it could not decide (no such algorithm,
/// a key it refused, an exception).
async fn platform_check(
    check: &js_sys::Function,
    alg: crate::jose::Algorithm,
    key: &crate::jose::jwk::PublicJwk,
    signature: &[u8],
    input: &[u8],
) -> Option<bool> {
    let args = js_sys::Array::of4(
        &JsValue::from_str(alg.name()),
        &JsValue::from_str(&key.public),
        &js_sys::Uint8Array::from(signature).into(),
        &js_sys::Uint8Array::from(input).into(),
    );
    let promise = check.apply(&JsValue::UNDEFINED, &args).ok()?;
    let answer = wasm_bindgen_futures::JsFuture::from(js_sys::Promise::resolve(&promise)).await.ok()?;
    answer.as_bool()
}

async fn with_verified_id_token(
    inner: &Inner,
    meta: &ProviderMetadata,
    tokens: &token::TokenResponse,
    checks: &IdChecks<'_>,
) -> Result<serde_json::Value> {
    let mut out = tokens.to_json();
    let Some(id_token) = tokens.id_token.as_deref() else { return Ok(out) };
    inner.keys.prepare(id_token, crate::jose::compact::DEFAULT_MAX_TOKEN_BYTES).await?;
    let ctx = IdTokenContext {
        metadata: meta,
        client_id: inner.config.client_id(),
        nonce: checks.nonce,
        max_age: checks.max_age,
        organization: checks.organization,
        expected_sub: checks.expected_sub,
        access_token: Some(tokens.access_token.as_str()),
        clock_tolerance: inner.leeway,
    };
    let (now, skew) = verifier::time_for_fresh_id_token(id_token, io::now(), inner.leeway);
    // Everything before the signature, with the keys borrowed only here (a fetch may replace them
    // while the platform works).
    let (jws, key, signature, input_len) = {
        let cache = inner.keys.cache.borrow();
        let keys = cache
            .as_ref()
            .and_then(|c| c.keys())
            .ok_or_else(|| Error::new(Code::JwksNotLoaded, "the provider's signing keys could not be loaded"))?;
        let p = verifier::prepare_id_token(id_token, keys, &ctx)?;
        let (key, signature, input_len) = (p.key.clone(), p.signature.clone(), p.signing_input_len);
        (p.into_verified(), key, signature, input_len)
    };
    let input = id_token.as_bytes().get(..input_len).unwrap_or_default();
    let platform = inner.platform.borrow().clone();
    let decided = match platform {
        Some(check) => platform_check(&check, jws.alg, &key, &signature, input).await,
        None => None,
    };
    match decided {
        Some(true) => {}
        Some(false) => {
            return Err(Error::new(Code::JwsSignatureVerificationFailed, "the token's signature does not verify"));
        }
        None => crate::jose::verify::verify_signature(jws.alg, &key, input, &signature)?,
    }
    let verified = (verifier::finish_id_token(jws, &ctx, now)?, skew);
    if let serde_json::Value::Object(m) = &mut out {
        m.insert("id_token_claims".into(), serde_json::Value::Object(verified.0.claims));
        if verified.1 != 0 {
            m.insert("clock_skew".into(), verified.1.into());
        }
    }
    Ok(out)
}

#[wasm_bindgen]
impl WasmClient {
    /// The refresh-token grant (RFC 6749 §6). Resolves to the token response JSON (a new ID token,
    /// when one comes, is validated and must be for `expected_sub`, OIDC Core §12.2).
    pub async fn refresh(
        &self,
        refresh_token: String,
        scope: Option<String>,
        audience: Option<String>,
        expected_sub: Option<String>,
    ) -> core::result::Result<String, JsValue> {
        let inner = self.inner.clone();
        let run = async move {
            let meta = metadata(&inner).await?;
            let req = crate::session::refresh_token_grant_request(
                &meta,
                inner.config.client_id(),
                &refresh_token,
                scope.as_deref(),
                audience.as_deref(),
            );
            let resp = io::send(&req, inner.timeout_ms).await?;
            let tokens = token::process_token_response(&resp, io::now())?;
            let checks = IdChecks { nonce: None, max_age: None, organization: None, expected_sub: expected_sub.as_deref() };
            Ok::<_, Error>(with_verified_id_token(&inner, &meta, &tokens, &checks).await?.to_string())
        };
        run.await.map_err(js_error)
    }

    /// Revoke a token (RFC 7009).
    pub async fn revoke(&self, token: String, token_type_hint: Option<String>) -> core::result::Result<(), JsValue> {
        let inner = self.inner.clone();
        let run = async move {
            let meta = metadata(&inner).await?;
            let req = crate::session::revocation_request(&inner.config, &meta, &token, token_type_hint.as_deref())?;
            let resp = io::send(&req, inner.timeout_ms).await?;
            crate::session::process_revocation_response(&resp)
        };
        run.await.map_err(js_error)
    }

    /// The logout URL (JSON params `{ returnTo, federated, id_token_hint }`).
    #[wasm_bindgen(js_name = logoutUrl)]
    pub async fn logout_url(&self, params_json: String) -> core::result::Result<String, JsValue> {
        let inner = self.inner.clone();
        let run = async move {
            let p = object(&params_json, "logoutParams")?;
            let s = |k: &str| p.get(k).and_then(serde_json::Value::as_str).map(str::to_owned);
            let params = crate::session::LogoutParams {
                return_to: s("returnTo"),
                federated: p.get("federated").and_then(serde_json::Value::as_bool).unwrap_or(false),
                id_token_hint: s("id_token_hint"),
            };
            let meta = metadata(&inner).await?;
            crate::session::logout_url(&inner.config, &meta, &params)
        };
        run.await.map_err(js_error)
    }
}

#[cfg(feature = "auth0")]
fn str_of<'a>(p: &'a serde_json::Map<String, serde_json::Value>, k: &str) -> Option<&'a str> {
    p.get(k).and_then(serde_json::Value::as_str)
}

#[cfg(feature = "auth0")]
fn obj_of(p: &serde_json::Map<String, serde_json::Value>, k: &str) -> Option<serde_json::Map<String, serde_json::Value>> {
    p.get(k).and_then(serde_json::Value::as_object).cloned()
}

#[cfg(feature = "auth0")]
#[wasm_bindgen]
impl WasmClient {
    /// Auth0 Authentication API calls that are not token requests: `passwordless_start`,
    /// `mfa_authenticators`, `mfa_associate`, `mfa_challenge`, `mfa_delete`, `signup`,
    /// `change_password`. `params_json` holds the request's parameters (wire names). Resolves to
    /// the response JSON.
    #[wasm_bindgen(js_name = auth0Call)]
    pub async fn auth0_call(&self, op: String, params_json: String) -> core::result::Result<String, JsValue> {
        use crate::auth0 as a;
        let inner = self.inner.clone();
        let run = async move {
            let p = object(&params_json, "the parameters")?;
            let meta = metadata(&inner).await?;
            let cfg = &inner.config;
            let token = str_of(&p, "mfa_token").unwrap_or_default();
            let req = match op.as_str() {
                "passwordless_start" => a::passwordless_start_request(cfg, &meta, &a::PasswordlessStart {
                    connection: str_of(&p, "connection").unwrap_or_default().to_owned(),
                    email: str_of(&p, "email").map(str::to_owned),
                    phone_number: str_of(&p, "phone_number").map(str::to_owned),
                    send: str_of(&p, "send").map(str::to_owned),
                    auth_params: obj_of(&p, "authParams"),
                })?,
                "mfa_authenticators" => a::mfa_authenticators_request(&meta, token)?,
                "mfa_associate" => a::mfa_associate_request(cfg, &meta, token, &a::MfaEnroll {
                    authenticator_type: str_of(&p, "authenticator_type").unwrap_or_default().to_owned(),
                    oob_channel: str_of(&p, "oob_channel").map(str::to_owned),
                    phone_number: str_of(&p, "phone_number").map(str::to_owned),
                    email: str_of(&p, "email").map(str::to_owned),
                })?,
                "mfa_challenge" => {
                    a::mfa_challenge_request(cfg, &meta, token, str_of(&p, "challenge_type"), str_of(&p, "authenticator_id"))?
                }
                "mfa_delete" => a::mfa_delete_authenticator_request(&meta, token, str_of(&p, "authenticator_id").unwrap_or_default())?,
                "signup" => {
                    let mut profile = p.clone();
                    for k in ["connection", "email", "password", "user_metadata", "client_id"] {
                        profile.remove(k);
                    }
                    a::signup_request(cfg, &meta, &a::Signup {
                        connection: str_of(&p, "connection").unwrap_or_default().to_owned(),
                        email: str_of(&p, "email").unwrap_or_default().to_owned(),
                        password: str_of(&p, "password").unwrap_or_default().to_owned(),
                        profile,
                        user_metadata: obj_of(&p, "user_metadata"),
                    })?
                }
                "change_password" => a::change_password_request(
                    cfg,
                    &meta,
                    str_of(&p, "connection").unwrap_or_default(),
                    str_of(&p, "email").unwrap_or_default(),
                    str_of(&p, "organization"),
                )?,
                other => return Err(Error::new(Code::InvalidArgument, format!("unknown operation {other:?}"))),
            };
            let resp = io::send(&req, inner.timeout_ms).await?;
            Ok::<_, Error>(a::process_json_response(&resp)?.to_string())
        };
        run.await.map_err(js_error)
    }

    /// Auth0 token grants that end a login: `passwordless_otp`, `password` (password-realm when
    /// `realm` is given), `mfa_otp`, `mfa_oob`, `mfa_recovery_code`. The ID token is validated
    /// (signature and claims) and its claims added as `id_token_claims`.
    #[wasm_bindgen(js_name = auth0Grant)]
    pub async fn auth0_grant(&self, op: String, params_json: String) -> core::result::Result<String, JsValue> {
        use crate::auth0 as a;
        let inner = self.inner.clone();
        let run = async move {
            let p = object(&params_json, "the parameters")?;
            let meta = metadata(&inner).await?;
            let id = inner.config.client_id();
            let scope = crate::authorize::effective_scope(
                str_of(&p, "scope").or(inner.config.authorization_params().scope.as_deref()),
            );
            let audience = str_of(&p, "audience").or(inner.config.authorization_params().audience.as_deref());
            let s = |k: &str| str_of(&p, k).unwrap_or_default();
            let req = match op.as_str() {
                "passwordless_otp" => a::passwordless_otp_grant_request(&meta, id, s("realm"), s("username"), s("otp"), &scope, audience)?,
                "password" => a::password_grant_request(&meta, id, s("username"), s("password"), str_of(&p, "realm"), &scope, audience)?,
                "mfa_otp" => a::mfa_grant_request(&meta, id, s("mfa_token"), &a::MfaProof::Otp(s("otp")))?,
                "mfa_oob" => a::mfa_grant_request(&meta, id, s("mfa_token"), &a::MfaProof::Oob {
                    oob_code: s("oob_code"),
                    binding_code: str_of(&p, "binding_code"),
                })?,
                "mfa_recovery_code" => a::mfa_grant_request(&meta, id, s("mfa_token"), &a::MfaProof::RecoveryCode(s("recovery_code")))?,
                other => return Err(Error::new(Code::InvalidArgument, format!("unknown grant {other:?}"))),
            };
            let resp = io::send(&req, inner.timeout_ms).await?;
            let tokens = token::process_token_response(&resp, io::now())?;
            let checks = IdChecks { nonce: None, max_age: None, organization: None, expected_sub: None };
            let mut out = with_verified_id_token(&inner, &meta, &tokens, &checks).await?;
            if let serde_json::Value::Object(m) = &mut out {
                m.insert("scope_requested".into(), scope.into());
            }
            Ok::<_, Error>(out.to_string())
        };
        run.await.map_err(js_error)
    }
}

#[cfg(feature = "device")]
#[wasm_bindgen]
impl WasmClient {
    /// RFC 8628 §3.1-3.2: start a device authorization. Resolves to its JSON.
    #[wasm_bindgen(js_name = deviceAuthorize)]
    pub async fn device_authorize(&self, scope: Option<String>, audience: Option<String>) -> core::result::Result<String, JsValue> {
        let inner = self.inner.clone();
        let run = async move {
            let meta = metadata(&inner).await?;
            let scope = crate::authorize::effective_scope(scope.as_deref().or(inner.config.authorization_params().scope.as_deref()));
            let audience = audience.or_else(|| inner.config.authorization_params().audience.clone());
            let req = crate::session::device_authorization_request(&inner.config, &meta, &scope, audience.as_deref());
            let d = crate::session::process_device_authorization_response(&io::send(&req, inner.timeout_ms).await?)?;
            Ok::<_, Error>(
                serde_json::json!({
                    "device_code": d.device_code, "user_code": d.user_code, "verification_uri": d.verification_uri,
                    "verification_uri_complete": d.verification_uri_complete, "expires_in": d.expires_in,
                    "interval": d.interval, "scope_requested": scope,
                })
                .to_string(),
            )
        };
        run.await.map_err(js_error)
    }

    /// RFC 8628 §3.4: one poll of the device token request. Errors carry `error`
    /// (`authorization_pending`, `slow_down`, `expired_token`, `access_denied`); `pollAfter`
    /// says what to do next.
    #[wasm_bindgen(js_name = deviceToken)]
    pub async fn device_token(&self, device_code: String) -> core::result::Result<String, JsValue> {
        let inner = self.inner.clone();
        let run = async move {
            let meta = metadata(&inner).await?;
            let req = crate::session::device_token_request(&meta, inner.config.client_id(), &device_code);
            let tokens = token::process_token_response(&io::send(&req, inner.timeout_ms).await?, io::now())?;
            let checks = IdChecks { nonce: None, max_age: None, organization: None, expected_sub: None };
            Ok::<_, Error>(with_verified_id_token(&inner, &meta, &tokens, &checks).await?.to_string())
        };
        run.await.map_err(js_error)
    }
}

#[wasm_bindgen]
impl WasmClient {
    /// OIDC Core §5.3: the userinfo claims; `sub` must be `expected_sub`.
    pub async fn userinfo(&self, access_token: String, expected_sub: String) -> core::result::Result<String, JsValue> {
        let inner = self.inner.clone();
        let run = async move {
            let meta = metadata(&inner).await?;
            let req = crate::session::userinfo_request(&meta, &access_token)?;
            let claims = crate::session::process_userinfo_response(&io::send(&req, inner.timeout_ms).await?, &expected_sub)?;
            Ok::<_, Error>(serde_json::Value::Object(claims).to_string())
        };
        run.await.map_err(js_error)
    }

    /// RFC 6749 §4.4: the client credentials grant (a confidential client's secret).
    #[wasm_bindgen(js_name = clientCredentials)]
    pub async fn client_credentials(&self, client_secret: String, audience: Option<String>) -> core::result::Result<String, JsValue> {
        let inner = self.inner.clone();
        let run = async move {
            let meta = metadata(&inner).await?;
            let req = crate::session::client_credentials_request(&meta, inner.config.client_id(), &client_secret, audience.as_deref());
            Ok::<_, Error>(token::process_token_response(&io::send(&req, inner.timeout_ms).await?, io::now())?.to_json().to_string())
        };
        run.await.map_err(js_error)
    }
}

/// RFC 8628 §3.5: the seconds to wait before the next device poll after an error with this
/// OAuth `error`, or undefined to stop.
#[cfg(feature = "device")]
#[wasm_bindgen(js_name = devicePollAfter)]
pub fn device_poll_after(error: Option<String>, interval: f64) -> Option<f64> {
    let e = Error::oauth(error.as_deref().unwrap_or(""), None, None);
    crate::session::device_poll_next(&e, interval.max(0.0) as u64).map(|v| v as f64)
}

/// The cache key for a client, audience and scope.
#[wasm_bindgen(js_name = cacheKey)]
pub fn cache_key(client_id: &str, audience: Option<String>, scope: &str) -> String {
    crate::session::CacheKey::new(client_id, audience.as_deref(), scope).storage_key()
}

/// Among stored cache keys (JSON array), the one that answers a request (exact, else a scope
/// superset), or undefined.
#[wasm_bindgen(js_name = findCacheKey)]
pub fn find_cache_key(stored_json: &str, wanted: &str) -> Option<String> {
    // Read as any value (a typed read would bring serde's float formatting into the module);
    // what is not a string is not a cache key.
    let stored: serde_json::Value = serde_json::from_str(stored_json).unwrap_or_default();
    let keys: Vec<crate::session::CacheKey> = stored
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|k| k.as_str().and_then(crate::session::CacheKey::from_storage_key))
        .collect();
    let wanted = crate::session::CacheKey::from_storage_key(wanted)?;
    crate::session::find_key(&keys, &wanted).map(|k| k.storage_key())
}

/// Whether a token expiring at `expires_at` counts as expired now, `leeway` seconds early.
#[wasm_bindgen(js_name = isExpired)]
pub fn is_expired(expires_at: Option<f64>, leeway: f64) -> bool {
    crate::session::is_expired(expires_at.map(|e| e as u64), io::now(), leeway.max(0.0) as u64)
}

async fn metadata(inner: &Inner) -> Result<ProviderMetadata> {
    if let Some(m) = inner.metadata.borrow().as_ref() {
        return Ok(m.clone());
    }
    let resp = io::send(&discovery::discovery_request(&inner.config), inner.timeout_ms).await?;
    let m = discovery::process_discovery_response(&inner.config, &resp)?;
    *inner.metadata.borrow_mut() = Some(m.clone());
    let mut cache = inner.keys.cache.borrow_mut();
    if cache.is_none() {
        *cache = Some(crate::jose::cache::JwksCache::new(
            m.jwks_uri.clone(),
            crate::jose::cache::DEFAULT_MAX_AGE,
            crate::jose::cache::DEFAULT_COOLDOWN,
        ));
    }
    Ok(m)
}

/// The authorization response parameters of a callback URL, as JSON (`code`, `state`, `error`,
/// `error_description`, `iss`): lets the caller find the transaction by `state`.
#[wasm_bindgen(js_name = parseCallbackUrl)]
pub fn parse_callback_url(url: &str) -> core::result::Result<String, JsValue> {
    let p = authorize::parse_callback_url(url).map_err(js_error)?;
    Ok(serde_json::json!({
        "code": p.code, "state": p.state, "error": p.error,
        "error_description": p.error_description, "error_uri": p.error_uri, "iss": p.iss,
    })
    .to_string())
}

/// A fresh PKCE pair (RFC 7636): JSON `{ code_verifier, code_challenge, code_challenge_method }`.
#[wasm_bindgen(js_name = createPkcePair)]
pub fn create_pkce_pair() -> core::result::Result<String, JsValue> {
    let v = CodeVerifier::from_random(&io::random::<32>().map_err(js_error)?);
    Ok(serde_json::json!({
        "code_verifier": v.expose_secret(), "code_challenge": v.s256_challenge(), "code_challenge_method": "S256",
    })
    .to_string())
}

/// The S256 challenge of a verifier (RFC 7636 §4.2).
#[wasm_bindgen(js_name = pkceChallenge)]
pub fn pkce_challenge(code_verifier: String) -> core::result::Result<String, JsValue> {
    Ok(CodeVerifier::from_string(code_verifier).map_err(js_error)?.s256_challenge())
}
