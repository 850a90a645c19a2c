//! The WebAssembly bindings: the only code that names wasm-bindgen, web-sys or js-sys. It
//! converts values and delegates to the core; it makes no protocol decision. Values cross as
//! JSON strings (the JavaScript shim parses them); errors cross as plain objects with `code`,
//! `kind`, `message` and the server's `error` / `error_description`, which the shim turns into
//! `AuthError`.

mod io;

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;

use crate::authorize::{self, AuthorizeParams, AuthorizeRandom, LoginTransaction};
use crate::config::{ClientConfig, ClientOptions};
use crate::discovery::{self, ProviderMetadata};
use crate::error::{Code, Error, Result};
use crate::jose::compact;
use crate::pkce::CodeVerifier;
use crate::token;

fn js_error(e: Error) -> JsValue {
    js_sys::JSON::parse(&e.to_json().to_string()).unwrap_or_else(|_| JsValue::from_str(e.message()))
}

fn parse_json<T: serde::de::DeserializeOwned>(s: &str, what: &str) -> Result<T> {
    serde_json::from_str(s).map_err(|e| Error::new(Code::InvalidArgument, format!("{what} is not valid: {e}")))
}

fn object(s: &str, what: &str) -> Result<serde_json::Map<String, serde_json::Value>> {
    if s.is_empty() {
        return Ok(Default::default());
    }
    parse_json(s, what)
}

/// Default HTTP timeout.
const DEFAULT_TIMEOUT_MS: u32 = 10_000;

struct Inner {
    config: ClientConfig,
    metadata: RefCell<Option<ProviderMetadata>>,
    timeout_ms: u32,
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
            let timeout_ms = match raw.get("httpTimeoutInSeconds") {
                None | Some(serde_json::Value::Null) => DEFAULT_TIMEOUT_MS,
                Some(v) => match v.as_f64() {
                    Some(s) if s > 0.0 && s <= 600.0 => (s * 1000.0) as u32,
                    _ => {
                        return Err(Error::new(
                            Code::ConfigInvalidOption,
                            "httpTimeoutInSeconds must be a number of seconds above 0 and at most 600",
                        ))
                    }
                },
            };
            let options: ClientOptions = serde_json::from_value(serde_json::Value::Object(raw))
                .map_err(|e| Error::new(Code::ConfigInvalidOption, format!("the client options are not valid: {e}")))?;
            let config = ClientConfig::new(options)?;
            Ok(WasmClient { inner: Rc::new(Inner { config, metadata: RefCell::new(None), timeout_ms }) })
        };
        run().map_err(js_error)
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

    /// Validate a callback URL against its transaction and exchange the code. Resolves to the
    /// token response JSON (with `expires_at`).
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
            Ok::<_, Error>(tokens.to_json().to_string())
        };
        run.await.map_err(js_error)
    }
}

async fn metadata(inner: &Inner) -> Result<ProviderMetadata> {
    if let Some(m) = inner.metadata.borrow().as_ref() {
        return Ok(m.clone());
    }
    let resp = io::send(&discovery::discovery_request(&inner.config), inner.timeout_ms).await?;
    let m = discovery::process_discovery_response(&inner.config, &resp)?;
    *inner.metadata.borrow_mut() = Some(m.clone());
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

/// Decode a JWT **without verifying it**: JSON `{ header, claims }`. Nothing in it can be trusted.
#[wasm_bindgen(js_name = decodeJwtUnverified)]
pub fn decode_jwt_unverified(token: &str) -> core::result::Result<String, JsValue> {
    let j = compact::decode_unverified(token, compact::DEFAULT_MAX_TOKEN_BYTES).map_err(js_error)?;
    Ok(serde_json::json!({ "header": j.header, "claims": j.claims }).to_string())
}

/// Every error code with its kind, as JSON `{ code: kind }`.
#[wasm_bindgen(js_name = errorCodes)]
pub fn error_codes() -> String {
    let m: serde_json::Map<String, serde_json::Value> =
        Code::ALL.iter().map(|c| (c.as_str().to_owned(), c.kind().as_str().into())).collect();
    serde_json::Value::Object(m).to_string()
}
