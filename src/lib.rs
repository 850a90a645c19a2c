//! # oidc-wasm
//!
//! The client side of OAuth 2.0 / OpenID Connect as a sans-I/O core: every protocol step is a
//! pair of functions, one that builds an [`http::HttpRequest`] and one that checks the
//! [`http::HttpResponse`]. The core never does I/O, never reads a clock and never draws random
//! numbers: time (`now`, seconds since the Unix epoch) and randomness are arguments. Whole flows
//! are state machines ([`driver`]) that name their next step (send this request, check this
//! signature); the `wasm` module (on `wasm32` only) converts those steps for the JavaScript layer,
//! which performs them.
//!
//! A login with the authorization-code flow and PKCE:
//!
//! ```
//! use oidc_wasm::{authorize, config, discovery, http::HttpResponse, token};
//!
//! let cfg = config::ClientConfig::new(config::ClientOptions {
//!     issuer: Some("https://op.example".into()),
//!     client_id: Some("spa".into()),
//!     ..Default::default()
//! })?;
//! // 1. Discovery (OIDC Discovery §4).
//! let req = discovery::discovery_request(&cfg);
//! assert_eq!(req.url, "https://op.example/.well-known/openid-configuration");
//! let doc = r#"{"issuer":"https://op.example","authorization_endpoint":"https://op.example/authorize",
//!   "token_endpoint":"https://op.example/token","jwks_uri":"https://op.example/jwks"}"#;
//! let meta = discovery::process_discovery_response(&cfg, &HttpResponse::new(200, doc))?;
//! // 2. The /authorize URL; keep the transaction (state, nonce, code_verifier) until the callback.
//! let params = authorize::AuthorizeParams { redirect_uri: Some("https://app.example/cb".into()), ..Default::default() };
//! let random = authorize::AuthorizeRandom::from_bytes(&[7u8; 96]);
//! let login = authorize::authorization_request(&cfg, &meta, &params, &random, 1_700_000_000)?;
//! assert!(login.url.starts_with("https://op.example/authorize?client_id=spa&response_type=code"));
//! // 3. The callback: state checked, code extracted.
//! let cb = format!("https://app.example/cb?code=abc&state={}", login.transaction.state);
//! let code = authorize::validate_callback(&authorize::parse_callback_url(&cb)?, &login.transaction, &meta)?;
//! // 4. The code exchange.
//! let req = token::authorization_code_grant_request(&meta, cfg.client_id(), &code, &login.transaction);
//! assert_eq!(req.url, "https://op.example/token");
//! let body = r#"{"access_token":"at","token_type":"Bearer","expires_in":60,"id_token":"x.y.z"}"#;
//! let tokens = token::process_token_response(&HttpResponse::new(200, body), 1_700_000_000)?;
//! assert_eq!(tokens.expires_at, Some(1_700_000_060));
//! # Ok::<(), oidc_wasm::Error>(())
//! ```
//!
//! Modules: [`error`] (the one error type and its stable codes), [`http`] (requests and responses
//! as data), [`url`] (strict URL parsing), [`config`] (validated client configuration),
//! [`discovery`], [`pkce`], [`authorize`] (the request and the callback), [`token`] (the token
//! endpoint), [`jose`] (JWS, JWK, JWKS cache, claim rules), [`verifier`] (local JWT verification),
//! [`driver`] (the client's flows as state machines: the host performs each step they name),
//! [`management`] (the Auth0 Management API v2: its operations, calls with retries, pagination).

#![forbid(unsafe_code)]
#![warn(missing_docs)]
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing))]

pub mod auth0;
pub mod authorize;
pub mod config;
pub mod device;
pub mod discovery;
pub mod driver;
pub mod error;
pub mod http;
pub mod jose;
pub mod json;
pub mod logout;
pub mod management;
pub mod params;
pub mod pkce;
pub mod spa;
pub mod token;
pub mod url;
pub mod userinfo;
pub mod verifier;
pub mod verifier_driver;

/// The WebAssembly bindings (wasm32 only). Public for the wasm-bindgen tests; JavaScript users
/// use the npm package instead.
#[cfg(target_arch = "wasm32")]
#[doc(hidden)]
// A build with neither `client` nor `verifier` exports only the helpers (decodeJwtUnverified,
// errorCodes): the I/O glue goes unused.
#[cfg_attr(not(any(feature = "client", feature = "verifier")), allow(dead_code))]
pub mod wasm;

pub use error::{Code, Error, Kind, Result};
