//! The response parsers of every protocol step on one arbitrary HTTP response: the token
//! endpoint's (RFC 6749 §5.1, §5.2), discovery (OIDC Discovery §4) for four configured issuers,
//! a JWKS fetch into a cache that already holds keys, userinfo (OIDC Core §5.3.2), the device
//! authorization response (RFC 8628 §3.2), revocation (RFC 7009 §2.2) and the JSON answers of
//! Auth0's endpoints.
//!
//! Input: the first byte picks the status (0-63: 200, 64-95: 400, 96-111: 401, 112-119: 429,
//! 120-127: 500, else 3 × byte); the rest is `header lines NUL body` (through
//! `http::response_from_parts`, as the host hands a response over), or the body alone when it
//! has no NUL. Any `Err` is fine; a panic or a broken invariant is a bug.

#![no_main]

#[path = "common.rs"]
mod common;

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use oidc_wasm::config::{ClientConfig, ClientOptions};
use oidc_wasm::device::process_device_authorization_response;
use oidc_wasm::discovery::{process_discovery_response, process_discovery_response_for_issuer};
use oidc_wasm::http::{parse_http_date, response_from_parts, HttpResponse, MAX_RESPONSE_BYTES};
use oidc_wasm::jose::cache::{Freshness, JwksCache, CACHE_CONTROL_BOUNDS, DEFAULT_COOLDOWN, DEFAULT_MAX_AGE};
use oidc_wasm::json::parse_object;
use oidc_wasm::logout::process_revocation_response;
use oidc_wasm::token::process_token_response;
use oidc_wasm::url::Url;
use oidc_wasm::userinfo::process_userinfo_response;
use oidc_wasm::{Code, Error};
use serde_json::Value;

const NOW: u64 = 1_700_000_000;
const JWKS_URI: &str = "https://op.example/jwks";

/// The RFC 7515 A.2 (RSA) and A.3 (P-256) public keys as a JWKS answer.
static GOOD_JWKS: LazyLock<HttpResponse> =
    LazyLock::new(|| HttpResponse::new(200, serde_json::json!({ "keys": common::rfc7515_keys() }).to_string()));

/// The configurations discovery is checked for: an issuer, the same with a trailing slash, an
/// Auth0 domain (its issuer `https://op.example/`, a trailing slash allowed to differ) and a
/// loopback http issuer (http endpoints allowed on loopback only).
static CONFIGS: LazyLock<Vec<ClientConfig>> = LazyLock::new(|| {
    let issuer = |i: &str| ClientOptions { issuer: Some(i.into()), client_id: Some("spa".into()), ..Default::default() };
    let domain = ClientOptions { domain: Some("op.example".into()), client_id: Some("spa".into()), ..Default::default() };
    [issuer("https://op.example"), issuer("https://op.example/"), domain, issuer("http://127.0.0.1:4400")]
        .into_iter()
        .map(|o| ClientConfig::new(o).expect("a valid configuration"))
        .collect()
});

fn status_of(b: u8) -> u16 {
    match b {
        0..=63 => 200,
        64..=95 => 400,
        96..=111 => 401,
        112..=119 => 429,
        120..=127 => 500,
        _ => u16::from(b) * 3,
    }
}

/// An error of a non-200 answer names its status.
fn has_status(e: &Error, status: u16) {
    assert_eq!(e.status, Some(status), "{e:?}");
}

fn token(r: &HttpResponse) {
    for now in [NOW, u64::MAX] {
        match process_token_response(r, now) {
            Ok(t) => {
                assert_eq!(r.status, 200);
                // RFC 6749 §5.1: access_token and token_type REQUIRED; RFC 6749 §7.1: Bearer only.
                assert!(!t.access_token.is_empty());
                assert!(t.token_type.eq_ignore_ascii_case("bearer"), "{:?}", t.token_type);
                assert_eq!(t.raw.get("access_token").and_then(Value::as_str), Some(t.access_token.as_str()));
                assert!(!matches!(t.raw.get("error"), Some(Value::String(_))), "an error body taken for tokens");
                assert_eq!(t.expires_at, t.expires_in.map(|e| now.saturating_add(e)));
                for o in [&t.refresh_token, &t.id_token, &t.scope] {
                    assert!(o.as_deref().is_none_or(|s| !s.is_empty()));
                }
                assert_eq!(t.raw.get("refresh_token").and_then(Value::as_str), t.refresh_token.as_deref());
                let j = t.to_json();
                assert_eq!(j["access_token"], Value::from(t.access_token.as_str()));
                assert_eq!(j.get("expires_at").and_then(Value::as_u64), t.expires_at);
                let _ = format!("{t:?}");
            }
            Err(e) if r.status != 200 => has_status(&e, r.status),
            // An error body sent with 200 is the server's error, never tokens.
            Err(e) if e.error.is_some() => assert_eq!(e.status, Some(200)),
            Err(_) => {}
        }
    }
}

fn discovery(r: &HttpResponse) {
    for (i, cfg) in CONFIGS.iter().enumerate() {
        let got = process_discovery_response(cfg, r);
        if let Ok(m) = &got {
            assert_eq!(r.status, 200);
            // OIDC Discovery §4.3: the issuer is the configured one (with a domain, up to a
            // trailing slash).
            let expected = cfg.issuer();
            assert!(
                m.issuer == expected || (cfg.issuer_from_domain() && m.issuer.trim_end_matches('/') == expected.trim_end_matches('/')),
                "issuer {:?} accepted for {expected:?}",
                m.issuer
            );
            let loopback = cfg.issuer_url().is_loopback();
            let mut endpoints = vec![&m.authorization_endpoint, &m.token_endpoint, &m.jwks_uri];
            endpoints.extend(
                [&m.userinfo_endpoint, &m.end_session_endpoint, &m.revocation_endpoint, &m.device_authorization_endpoint]
                    .into_iter()
                    .flatten(),
            );
            for e in endpoints {
                let u = Url::parse(e).expect("an endpoint accepted is a URL");
                assert!(u.scheme() == "https" || (loopback && u.scheme() == "http" && u.is_loopback()), "{e:?} for {expected:?}");
                assert!(u.fragment().is_none());
            }
            assert_eq!(m.to_json(), Value::Object(m.raw.clone()));
        }
        // An issuer given as a string is checked exactly as the same configured issuer.
        if !cfg.issuer_from_domain() {
            let by_str = process_discovery_response_for_issuer(cfg.issuer(), r);
            match (&got, &by_str) {
                (Ok(a), Ok(b)) => assert_eq!(a, b),
                (Err(a), Err(b)) => assert_eq!(a.code(), b.code()),
                _ => panic!("config #{i} and its issuer string disagree: {got:?} / {by_str:?}"),
            }
        }
        if let Err(e) = &got {
            if r.status != 200 {
                assert_eq!(e.code(), Code::UnexpectedStatus);
                has_status(e, r.status);
            }
        }
    }
}

fn jwks(r: &HttpResponse) {
    let mut cache = JwksCache::new(JWKS_URI, DEFAULT_MAX_AGE, DEFAULT_COOLDOWN);
    let _ = cache.jwks_request(NOW - 100);
    cache.process_jwks_response(&GOOD_JWKS, NOW - 100).expect("the RFC keys load");
    let held = cache.keys().map(|k| k.keys().len());
    let _ = cache.jwks_request(NOW);
    match cache.process_jwks_response(r, NOW) {
        Ok(_warnings) => {
            assert_eq!(r.status, 200);
            let n = cache.keys().expect("keys held").keys().len();
            assert!(n > 0, "a JWKS with no usable key accepted");
            // Kept at least the lower bound of Cache-Control's, at most its upper one.
            assert_eq!(cache.freshness(NOW + CACHE_CONTROL_BOUNDS.0 - 1), Freshness::Fresh);
            assert_eq!(cache.freshness(NOW + CACHE_CONTROL_BOUNDS.1), Freshness::Stale);
            // What is exported imports again, to the same keys.
            let text = cache.export();
            let doc = parse_object(text.as_bytes()).unwrap_or_else(|e| panic!("export is not a JSON object ({e}): {text}"));
            let mut again = JwksCache::new(JWKS_URI, DEFAULT_MAX_AGE, DEFAULT_COOLDOWN);
            again.import(&doc).expect("an exported cache imports");
            assert_eq!(again.keys().map(|k| k.keys().len()), Some(n));
            assert_eq!(again.freshness(NOW), Freshness::Fresh);
        }
        Err(e) => {
            // Stale-if-error: the keys held so far stay.
            assert_eq!(cache.keys().map(|k| k.keys().len()), held, "{e:?}");
            assert_eq!(cache.freshness(NOW), Freshness::Fresh);
            if r.status != 200 {
                has_status(&e, r.status);
            }
        }
    }
}

fn userinfo(r: &HttpResponse) {
    match process_userinfo_response(r, "u1") {
        Ok(claims) => {
            assert_eq!(r.status, 200);
            // OIDC Core §5.3.2: the sub is the ID token's.
            assert_eq!(claims.get("sub").and_then(Value::as_str), Some("u1"));
        }
        Err(e) if r.status != 200 => has_status(&e, r.status),
        Err(_) => {}
    }
}

fn device(r: &HttpResponse) {
    match process_device_authorization_response(r) {
        Ok(d) => {
            assert_eq!(r.status, 200);
            let o = r.json_object().expect("a device authorization accepted is a JSON object");
            assert_eq!(o.get("device_code").and_then(Value::as_str), Some(d.device_code.as_str()));
            assert_eq!(o.get("user_code").and_then(Value::as_str), Some(d.user_code.as_str()));
            assert_eq!(o.get("expires_in").and_then(Value::as_u64), Some(d.expires_in));
            assert_eq!(d.interval, o.get("interval").and_then(Value::as_u64).unwrap_or(5));
        }
        Err(e) if r.status != 200 => has_status(&e, r.status),
        Err(_) => {}
    }
}

fn others(r: &HttpResponse) {
    match r.oauth_error() {
        Some(e) => {
            has_status(&e, r.status);
            assert!(e.error.is_some());
            assert_eq!(e.code() == Code::RateLimited, r.status == 429);
        }
        None => assert_ne!(r.status, 429, "a 429 is always an error"),
    }
    match process_revocation_response(r) {
        Ok(()) => assert_eq!(r.status, 200),
        Err(e) => has_status(&e, r.status),
    }
    match oidc_wasm::auth0::process_json_response(r) {
        Ok(_) => assert!((200..300).contains(&r.status)),
        Err(e) => has_status(&e, r.status),
    }
    if let Some(d) = r.header("date") {
        let _ = parse_http_date(d);
    }
    let _ = format!("{r:?}");
}

fuzz_target!(|data: &[u8]| {
    let Some((&b, rest)) = data.split_first() else { return };
    let status = status_of(b);
    let r = match rest.iter().position(|&c| c == 0) {
        Some(i) => {
            let (head, body) = (String::from_utf8_lossy(&rest[..i]), String::from_utf8_lossy(&rest[i + 1..]));
            match response_from_parts(JWKS_URI, status, &head, body.into_owned()) {
                Ok(r) => r,
                Err(e) => {
                    assert_eq!(e.code(), Code::ResponseTooLarge);
                    return;
                }
            }
        }
        None => HttpResponse::new(status, String::from_utf8_lossy(rest).into_owned()),
    };
    if r.body.len() > MAX_RESPONSE_BYTES {
        return;
    }
    token(&r);
    discovery(&r);
    jwks(&r);
    userinfo(&r);
    device(&r);
    others(&r);
});
