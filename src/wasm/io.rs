//! The host's clock and random source, from the web APIs every runtime we support has
//! (`Date.now()`, `crypto.getRandomValues`). Requests are made by the JavaScript layer: the core
//! names them (see `crate::driver`).

#[cfg(feature = "client")]
use js_sys::Uint8Array;
use wasm_bindgen::prelude::*;

#[cfg(feature = "client")]
use crate::error::{Code, Error, Result};

#[wasm_bindgen]
extern "C" {
    #[cfg(feature = "client")]
    #[wasm_bindgen(js_namespace = crypto, js_name = getRandomValues, catch)]
    fn get_random_values(buf: &Uint8Array) -> core::result::Result<JsValue, JsValue>;

    #[wasm_bindgen(js_namespace = Date, js_name = now)]
    fn date_now() -> f64;
}

/// Seconds since the Unix epoch, from `Date.now()`.
pub fn now() -> u64 {
    (date_now() / 1000.0) as u64
}

/// Milliseconds since the Unix epoch, from `Date.now()`.
#[cfg(feature = "client")]
pub fn now_ms() -> u64 {
    date_now() as u64
}

/// `N` bytes from `crypto.getRandomValues`.
#[cfg(feature = "client")]
pub fn random<const N: usize>() -> Result<[u8; N]> {
    let arr = Uint8Array::new_with_length(N as u32);
    get_random_values(&arr).map_err(|_| {
        Error::new(Code::Internal, "crypto.getRandomValues is not available in this runtime; a CSPRNG is required")
    })?;
    let mut out = [0u8; N];
    arr.copy_to(&mut out);
    Ok(out)
}
