//! The callback URL parser and the strict URL parser on arbitrary text, and HTTP responses
//! (JSON bodies, token endpoint responses) with the status taken from the first byte. Any `Err`
//! is fine; a panic is a bug.

#![no_main]

use libfuzzer_sys::fuzz_target;
use oidc_wasm::authorize::{parse_callback_url, AuthorizeParams, LoginTransaction};
use oidc_wasm::http::HttpResponse;
use oidc_wasm::token::process_token_response;
use oidc_wasm::url::Url;
use serde_json::Value;

const NOW: u64 = 1_700_000_000;

fuzz_target!(|data: &[u8]| {
    let s = String::from_utf8_lossy(data);

    let _ = parse_callback_url(&s);
    if let Ok(u) = Url::parse(&s) {
        assert_eq!(u.as_str(), s);
        let _ = (u.scheme(), u.host(), u.port(), u.path(), u.query(), u.fragment());
        let _ = u.origin();
        let _ = u.is_loopback();
        let _ = u.is_secure_or_loopback();
        let _ = u.query_pairs();
        let _ = u.fragment_pairs();
        let _ = u.with_query_pairs([]);
        let _ = u.with_query_pairs([("state", "a b&c"), ("x", "é")]);
    }

    let _ = HttpResponse::new(200, s.as_ref()).json_object();

    // Status from the first byte: the common ones often, any of 0..=765 otherwise.
    let Some((&b, rest)) = data.split_first() else { return };
    let status = match b {
        0..=63 => 200,
        64..=95 => 400,
        96..=111 => 401,
        112..=119 => 500,
        _ => u16::from(b) * 3,
    };
    let body = String::from_utf8_lossy(rest);
    let resp = HttpResponse::new(status, body.as_ref()).with_header("Content-Type", "application/json");
    let _ = resp.oauth_error();
    let _ = process_token_response(&resp, NOW);
    let _ = process_token_response(&resp, u64::MAX);
    if let Ok(obj) = resp.json_object() {
        let _ = AuthorizeParams::from_json(&obj);
        let _ = LoginTransaction::from_json(&Value::Object(obj));
    }
});
