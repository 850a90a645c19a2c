//! The I/O the core leaves out, done with the host's web APIs: `fetch`, the clock and the random
//! source. These exist in browsers, Node, Deno and workerd alike, looked up on `globalThis`.

#[cfg(feature = "client")]
use js_sys::Promise;
#[cfg(feature = "client")]
use js_sys::Uint8Array;
use wasm_bindgen::prelude::*;
#[cfg(feature = "client")]
use wasm_bindgen::JsCast;
#[cfg(feature = "client")]
use wasm_bindgen_futures::JsFuture;

use crate::error::{Code, Error, Result};
#[cfg(feature = "client")]
use crate::http::HttpRequest;
use crate::http::{HttpResponse, MAX_RESPONSE_BYTES};

#[wasm_bindgen]
extern "C" {
    #[cfg(feature = "client")]
    #[wasm_bindgen(js_name = fetch)]
    fn global_fetch(request: &web_sys::Request) -> Promise;

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

#[cfg(feature = "client")]
/// Send a request with `fetch`, with a timeout, and read the whole answer.
pub async fn send(request: &HttpRequest, timeout_ms: u32) -> Result<HttpResponse> {
    let init = web_sys::RequestInit::new();
    init.set_method(request.method.as_str());
    let headers = web_sys::Headers::new().map_err(|_| internal("Headers"))?;
    for (k, v) in &request.headers {
        headers
            .append(k, v)
            .map_err(|_| Error::new(Code::InvalidArgument, format!("the header {k} has a value fetch refuses")))?;
    }
    init.set_headers_headers(&headers);
    if let Some(body) = &request.body {
        init.set_body(&JsValue::from_str(body));
    }
    init.set_signal(Some(&web_sys::AbortSignal::timeout_with_u32(timeout_ms)));
    let req = web_sys::Request::new_with_str_and_init(&request.url, &init)
        .map_err(|e| Error::new(Code::InvalidArgument, format!("fetch refuses the request to {}: {}", request.url, describe(&e))))?;
    receive(global_fetch(&req), &request.url, timeout_ms).await
}

#[cfg(feature = "client")]
/// Read the whole answer of a `fetch` already made (`pending`, a promise of a Response) to `url`.
async fn receive(pending: Promise, url: &str, timeout_ms: u32) -> Result<HttpResponse> {
    let resp = JsFuture::from(pending).await.map_err(|e| network_error(url, &e, timeout_ms))?;
    let resp: web_sys::Response = resp.dyn_into().map_err(|_| internal("fetch did not resolve to a Response"))?;
    let mut out = HttpResponse::new(resp.status(), String::new());
    let entries = resp.headers().entries();
    while let Ok(next) = entries.next() {
        if next.done() {
            break;
        }
        let pair = js_sys::Array::from(&next.value());
        if let (Some(k), Some(v)) = (pair.get(0).as_string(), pair.get(1).as_string()) {
            out.headers.push((k, v));
        }
    }
    check_length(&out, url)?;
    let text = resp.text().map_err(|_| internal("Response.text"))?;
    let body = JsFuture::from(text).await.map_err(|e| network_error(url, &e, timeout_ms))?;
    out.body = body.as_string().unwrap_or_default();
    Ok(out)
}

/// The answer to `url` of a fetch the JavaScript layer made and read itself: its status, its
/// headers as `name: value` lines, its body. Held to the same limit as `send`'s.
#[cfg(feature = "verifier")]
pub fn response_from_parts(url: &str, status: u16, headers: &str, body: String) -> Result<HttpResponse> {
    let mut out = HttpResponse::new(status, body);
    out.headers = headers
        .lines()
        .filter_map(|line| line.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect();
    check_length(&out, url)?;
    Ok(out)
}

/// A `Content-Length` above the limit is refused (by `send` before it reads the body).
fn check_length(response: &HttpResponse, url: &str) -> Result<()> {
    match response.header("content-length").and_then(|l| l.parse::<usize>().ok()) {
        Some(len) if len > MAX_RESPONSE_BYTES => Err(Error::new(
            Code::ResponseTooLarge,
            format!("{url} answered {len} bytes, more than the limit of {MAX_RESPONSE_BYTES}"),
        )),
        _ => Ok(()),
    }
}

#[cfg(feature = "client")]
fn network_error(url: &str, e: &JsValue, timeout_ms: u32) -> Error {
    let name = js_sys::Reflect::get(e, &JsValue::from_str("name")).ok().and_then(|n| n.as_string()).unwrap_or_default();
    fetch_failure(url, &name, &describe(e), timeout_ms)
}

/// The error for a fetch of `url` that failed with the JavaScript error `name` and `message`.
pub fn fetch_failure(url: &str, name: &str, message: &str, timeout_ms: u32) -> Error {
    if name == "TimeoutError" || name == "AbortError" {
        Error::new(
            Code::Timeout,
            format!(
                "{url} did not answer within {timeout_ms} ms; check the network or raise the timeout (jwksTimeout for a Verifier, httpTimeoutInSeconds for the client)"
            ),
        )
    } else {
        Error::new(
            Code::Network,
            format!("the request to {url} failed ({message}); check that the server is up and allows this origin (CORS)"),
        )
    }
}

#[cfg(feature = "client")]
fn describe(e: &JsValue) -> String {
    e.dyn_ref::<js_sys::Error>().map(|e| String::from(e.message())).or_else(|| e.as_string()).unwrap_or_else(|| "unknown error".into())
}

#[cfg(feature = "client")]
fn internal(what: &str) -> Error {
    Error::new(Code::Internal, format!("the runtime's fetch API misbehaved ({what})"))
}
