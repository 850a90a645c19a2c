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

/// The allocator (instead of dlmalloc): chosen by measurement, see docs/size.md.
#[cfg(not(target_feature = "atomics"))]
#[global_allocator]
static TALC: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

use crate::error::{Code, Error, Result};

/// What crosses to JavaScript through wasm memory: this one struct, ten u32s that JavaScript
/// reads in place (a `Uint32Array` over the module's memory at its address), so a step or a
/// prepared verification costs no call per field and no copy on the way out. Every other value
/// crosses as a call's argument or result.
///
/// | u32 | a flow's step (`WasmFlow::next`, at `flowHead()`) | a prepared verification (`WasmVerifier`, at `headAddress()`) |
/// |---|---|---|
/// | 0 | the step's kind (see `WasmFlow::next`) | the verification's handle |
/// | 1 | 0 | the key set's generation (low 32 bits) |
/// | 2 | 0 | the key's index in the set |
/// | 3 | the algorithm's index in `algorithmNames()` (kind 2) | the same |
/// | 4, 5 | the signature: address, length (kind 2) | the same |
/// | 6, 7 | the signing input: address, length (kind 2) | the same |
/// | 8, 9 | a UTF-8 JSON text: address, length (0 for none): the result (kind 0), the request (1), the public JWK (2), the step's detail (4 and up) | 0 |
///
/// The ranges stay valid until the next call into the flow (a flow's step) or until
/// `verifyFinish` (a verification); JavaScript reads them before awaiting anything, and copies
/// what it keeps (the memory may grow, which detaches its views).
#[cfg(any(feature = "client", feature = "verifier"))]
#[derive(Clone, Copy, Default)]
#[repr(C)]
struct Head {
    tag: u32,
    generation: u32,
    key_index: u32,
    alg: u32,
    signature: [u32; 2],
    input: [u32; 2],
    text: [u32; 2],
}

#[cfg(any(feature = "client", feature = "verifier"))]
impl Head {
    /// The address and length of `bytes` in the module's memory.
    fn range(bytes: &[u8]) -> [u32; 2] {
        [bytes.as_ptr() as usize as u32, bytes.len() as u32]
    }

    /// The index of `alg` in `algorithmNames()`.
    fn alg_index(alg: crate::jose::Algorithm) -> u32 {
        crate::jose::Algorithm::ALL.iter().position(|a| *a == alg).unwrap_or_default() as u32
    }
}

/// The module's memory, for the views a [`Head`] describes.
#[cfg(any(feature = "client", feature = "verifier"))]
#[wasm_bindgen(js_name = wasmMemory)]
pub fn wasm_memory() -> JsValue {
    wasm_bindgen::memory()
}

/// The algorithm names in the order a [`Head`] numbers them (`Algorithm::ALL`), as a JSON array.
#[cfg(any(feature = "client", feature = "verifier"))]
#[wasm_bindgen(js_name = algorithmNames)]
pub fn algorithm_names() -> String {
    // The names need no escaping: joined by hand, which costs the module less than a serializer.
    let mut out = String::from("[");
    for (i, a) in crate::jose::Algorithm::ALL.iter().enumerate() {
        out.push_str(if i == 0 { "\"" } else { ",\"" });
        out.push_str(a.name());
        out.push('"');
    }
    out.push(']');
    out
}

fn js_error(e: Error) -> JsValue {
    js_sys::JSON::parse(&crate::json::to_text(&e.to_json())).unwrap_or_else(|_| JsValue::from_str(e.message()))
}

/// A JSON text from JavaScript, read as any value. Callers check its shape themselves: a typed
/// read (`from_str::<SomeType>`) would bring serde's float formatting, for its "invalid type:
/// floating point" message, into the module (about 25 KB).
#[cfg(feature = "client")]
fn parse_json(s: &str, what: &str) -> Result<serde_json::Value> {
    crate::json::parse_value(s.as_bytes()).map_err(|e| Error::new(Code::InvalidArgument, format!("{what} is not valid: {e}")))
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

/// A JSON object from JavaScript read in place ([`crate::json`]: no map built, strings
/// borrowed), for the Verifier's options, a JWK, an exported JWKS cache. Unlike a
/// `serde_json::Value`, a member name that appears twice is refused.
#[cfg(feature = "verifier")]
fn object_in_place<'a>(s: &'a str, what: &str) -> Result<crate::json::Object<'a>> {
    if s.is_empty() {
        return Ok(Default::default());
    }
    crate::json::parse_object(s.as_bytes()).map_err(|e| Error::new(Code::InvalidArgument, format!("{what} is not valid: {e}")))
}

/// A number option from 0 to `max` (a whole number: the message formats no float, which keeps
/// float formatting out of the module).
fn seconds_option(raw: &impl crate::json::Members, name: &str, default: f64, max: u32) -> Result<f64> {
    use crate::json::Member;
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
    Ok(crate::json::to_text(&crate::json::object! { "header" => j.header, "claims" => j.claims }))
}

/// Every error code with its kind, as JSON `{ code: kind }`.
#[cfg(any(feature = "client", feature = "verifier"))]
#[wasm_bindgen(js_name = errorCodes)]
pub fn error_codes() -> String {
    let m: serde_json::Map<String, serde_json::Value> =
        Code::ALL.iter().map(|c| (c.as_str().to_owned(), c.kind().as_str().into())).collect();
    crate::json::to_text(&serde_json::Value::Object(m))
}
