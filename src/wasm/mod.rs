//! The WebAssembly bindings: the only code that names wasm-bindgen or js-sys. It converts values
//! and steps, and delegates to the core; it makes no protocol decision and no request (the
//! JavaScript layer performs the steps the core names). Values cross as
//! JSON strings (the JavaScript shim parses them); errors cross as plain objects with `code`,
//! `kind`, `message` and the server's `error` / `error_description`, which the shim turns into
//! `AuthError`.
//!
//! `client` (the OidcClient and the SPA session helpers) and `standalone` (the Verifier) are
//! separate Cargo features, so a module that only verifies tokens carries no login code.

#[cfg(feature = "client")]
mod client;
#[cfg(feature = "wasm-crypto")]
mod crypto;
mod io;
#[cfg(feature = "verifier")]
mod standalone;

#[cfg(feature = "client")]
pub use client::*;
#[cfg(feature = "verifier")]
pub use standalone::WasmVerifier;
#[cfg(feature = "wasm-crypto")]
pub use crypto::{import_key, verify, verify_signature_wasm};

use wasm_bindgen::prelude::*;

use crate::error::{Code, Error, Result};

fn js_error(e: Error) -> JsValue {
    js_sys::JSON::parse(&e.to_json().to_string()).unwrap_or_else(|_| JsValue::from_str(e.message()))
}

/// A JSON text from JavaScript, read as any value. Callers check its shape themselves: a typed
/// read (`from_str::<SomeType>`) would bring serde's float formatting, for its "invalid type:
/// floating point" message, into the module (about 25 KB).
#[cfg(feature = "client")]
fn parse_json(s: &str, what: &str) -> Result<serde_json::Value> {
    serde_json::from_str(s).map_err(|e| Error::new(Code::InvalidArgument, format!("{what} is not valid: {e}")))
}

#[cfg(feature = "client")]
fn object(s: &str, what: &str) -> Result<serde_json::Map<String, serde_json::Value>> {
    if s.is_empty() {
        return Ok(Default::default());
    }
    match parse_json(s, what)? {
        serde_json::Value::Object(m) => Ok(m),
        _ => Err(Error::new(Code::InvalidArgument, format!("{what} is not valid: not a JSON object"))),
    }
}

/// A JSON object from JavaScript read in place ([`crate::jose::json`]: no map built, strings
/// borrowed), for the Verifier's options, a JWK, an exported JWKS cache. Unlike a
/// `serde_json::Value`, a member name that appears twice is refused.
#[cfg(feature = "verifier")]
fn object_in_place<'a>(s: &'a str, what: &str) -> Result<crate::jose::json::Object<'a>> {
    if s.is_empty() {
        return Ok(Default::default());
    }
    crate::jose::json::parse_object(s.as_bytes()).map_err(|e| Error::new(Code::InvalidArgument, format!("{what} is not valid: {e}")))
}

/// A number option from 0 to `max` (a whole number: the message formats no float, which keeps
/// float formatting out of the module).
fn seconds_option(raw: &impl crate::jose::json::Members, name: &str, default: f64, max: u32) -> Result<f64> {
    use crate::jose::json::Member;
    match raw.member(name) {
        None | Some(Member::Null) => Ok(default),
        Some(Member::Number(_, s)) if s >= 0.0 && s <= f64::from(max) => Ok(s),
        Some(_) => Err(Error::new(Code::ConfigInvalidOption, format!("{name} must be a number from 0 to {max}"))),
    }
}

/// Decode a JWT **without verifying it**: JSON `{ header, claims }`. Nothing in it can be trusted.
#[cfg(any(feature = "client", feature = "verifier"))]
#[wasm_bindgen(js_name = decodeJwtUnverified)]
pub fn decode_jwt_unverified(token: &str) -> core::result::Result<String, JsValue> {
    let j = crate::jose::compact::decode_unverified(token, crate::jose::compact::DEFAULT_MAX_TOKEN_BYTES).map_err(js_error)?;
    Ok(serde_json::json!({ "header": j.header, "claims": j.claims }).to_string())
}

/// Every error code with its kind, as JSON `{ code: kind }`.
#[cfg(any(feature = "client", feature = "verifier"))]
#[wasm_bindgen(js_name = errorCodes)]
pub fn error_codes() -> String {
    let m: serde_json::Map<String, serde_json::Value> =
        Code::ALL.iter().map(|c| (c.as_str().to_owned(), c.kind().as_str().into())).collect();
    serde_json::Value::Object(m).to_string()
}
