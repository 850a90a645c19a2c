//! JWS verification against a fixed JWK Set (the RFC 7515 A.2 RSA key and A.3 P-256 key) on
//! arbitrary text, and the JWT claim checks on arbitrary JSON.
//!
//! Claim checks: the input is read as a stream of JSON values: the header (an object), the claims
//! (an object) and, optionally, an object with the rules (`iss`, `aud`, `tol`, `max_age`, `req`,
//! `typ`, `scopes`, `now`, `client_id`, `nonce`, `auth_max_age`, `org`, `at`, `sub`).
//! The verifier's in-place reading of the payload (`json`) must decide every input as
//! opening it into a map (`Checked::open`) does. Any `Err` is fine; a panic or a disagreement is
//! a bug.

#![no_main]

#[path = "common.rs"]
mod common;

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use oidc_wasm::jose::claims::{at_hash, check_claims, check_id_token, ClaimRules, IdTokenRules};
use oidc_wasm::json::parse_object;
use oidc_wasm::jose::jwks::JwkSet;
use oidc_wasm::jose::compact::{decode_text, parse_text};
use oidc_wasm::jose::verify::{check_header, verify_jws, verify_signature, SignatureRules};
use oidc_wasm::jose::Algorithm;
use serde_json::{Map, Value};


/// The A.2 (RS256) and A.3 (ES256) keys of RFC 7515 as a JWK Set.
static KEYS: LazyLock<JwkSet> = LazyLock::new(|| {
    let keys = common::rfc7515_keys();
    let (set, warnings) = JwkSet::parse(serde_json::json!({ "keys": keys }).to_string().as_bytes()).expect("a JWK Set");
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(set.keys().len(), 2);
    set
});

/// 2011-03-22T18:43:00Z, before the RFC tokens' `exp` of 1300819380.
const DEFAULT_NOW: u64 = 1_300_819_000;

fn str_of(m: &Map<String, Value>, k: &str) -> Option<String> {
    m.get(k).and_then(Value::as_str).map(str::to_owned)
}

fn strings_of(m: &Map<String, Value>, k: &str) -> Vec<String> {
    match m.get(k) {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).map(str::to_owned).collect(),
        _ => Vec::new(),
    }
}

fn check(header: &Map<String, Value>, claims: &Map<String, Value>, cfg: &Map<String, Value>) {
    let now = cfg.get("now").and_then(Value::as_u64).unwrap_or(DEFAULT_NOW);
    let mut rules = ClaimRules::new(str_of(cfg, "iss").unwrap_or_else(|| "joe".into()), strings_of(cfg, "aud"));
    if let Some(t) = cfg.get("tol").and_then(Value::as_u64) {
        rules.clock_tolerance = t;
    }
    rules.max_token_age = cfg.get("max_age").and_then(Value::as_u64);
    rules.required_claims = strings_of(cfg, "req");
    rules.typ = str_of(cfg, "typ");
    rules.required_scopes = strings_of(cfg, "scopes");
    let _ = check_claims(header, claims, &rules, now);
    // The same checks on the objects read in place.
    // Both readers on the same text: serde_json's default float parsing is not correctly rounded,
    // so a number printed and read again may move by one ULP (a `nbf` of 1.3e17 named differently).
    let (h, c) = (Value::Object(header.clone()).to_string(), Value::Object(claims.clone()).to_string());
    if let (Ok(lh), Ok(lc), Ok(mh), Ok(mc)) =
        (parse_object(h.as_bytes()), parse_object(c.as_bytes()), serde_json::from_str::<Map<String, Value>>(&h), serde_json::from_str::<Map<String, Value>>(&c))
    {
        assert_eq!(format!("{:?}", check_claims(&mh, &mc, &rules, now)), format!("{:?}", check_claims(&lh, &lc, &rules, now)));
    }

    let mut id_rules = IdTokenRules::default();
    id_rules.client_id = str_of(cfg, "client_id").unwrap_or_else(|| "spa".into());
    id_rules.nonce = str_of(cfg, "nonce");
    id_rules.max_age = cfg.get("auth_max_age").and_then(Value::as_u64);
    id_rules.access_token = str_of(cfg, "at");
    id_rules.expected_sub = str_of(cfg, "sub");
    for alg in Algorithm::ALL {
        let _ = check_id_token(claims, &id_rules, alg, now, rules.clock_tolerance);
        if let Some(org) = str_of(cfg, "org") {
            let _ = oidc_wasm::auth0::check_organization(claims, &org);
        }
        if let Some(at) = &id_rules.access_token {
            let _ = at_hash(alg, at);
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let sig_rules = SignatureRules { algorithms: Algorithm::ALL.to_vec(), max_token_bytes: 16384 };
    let token = String::from_utf8_lossy(data);
    if let Ok(v) = verify_jws(&token, &KEYS, &sig_rules) {
        let header = oidc_wasm::jose::compact::parse_object_strict(v.json.header.as_bytes()).expect("a verified header parses");
        check(&header, &v.claims, &Map::new());
    }
    let map = check_header(&token, &KEYS, &sig_rules, None)
        .and_then(|c| c.open())
        .and_then(|p| verify_signature(p.alg, &p.key, p.signing_input(&token), &p.signature));
    let lean = check_header(&token, &KEYS, &sig_rules, None).and_then(|c| {
        parse_text(&decode_text(c.payload, "payload")?, "payload")?;
        verify_signature(c.alg, c.key, c.signing_input(&token), &c.signature)
    });
    assert_eq!(format!("{map:?}"), format!("{lean:?}"));

    let mut values = serde_json::Deserializer::from_slice(data).into_iter::<Value>();
    let Some(Ok(Value::Object(header))) = values.next() else { return };
    let claims = match values.next() {
        Some(Ok(Value::Object(c))) => c,
        // A single object: check it both as header and as claims.
        None => header.clone(),
        _ => return,
    };
    let cfg = match values.next() {
        Some(Ok(Value::Object(c))) => c,
        _ => Map::new(),
    };
    check(&header, &claims, &cfg);
});
