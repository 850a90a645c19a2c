//! The Verifier's state machine (src/verifier_driver.rs) as the JavaScript layer drives it:
//! requests named and answered here, signatures checked here (with this crate's arithmetic, as a
//! platform would), the keys' cooldown, stale-if-error, an early fetch adopted, the
//! verified-token cache, the waiting verifications and their limit.

mod support;

use oidc_wasm::http::{fetch_failure, HttpResponse};
use oidc_wasm::json::parse_object;
use oidc_wasm::jose::jwk::PublicJwk;
use oidc_wasm::verifier::Verifier;
use oidc_wasm::verifier_driver::{Prepared, SignatureToCheck, VerifierDriver, MAX_PENDING};
use oidc_wasm::Code;
use serde_json::{json, Value};
use support::{es256, jwks};

const NOW: u64 = 1_700_000_000;
const ISSUER: &str = "https://op.example";
const JWKS: &str = "https://op.example/jwks";

fn verifier(extra: Value) -> VerifierDriver {
    let mut o = json!({ "issuer": ISSUER, "audience": "api", "jwksUri": JWKS });
    o.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
    let text = o.to_string();
    let size = o["tokenCacheSize"].as_u64().unwrap_or(0) as usize;
    VerifierDriver::new(Verifier::from_options(&parse_object(text.as_bytes()).unwrap()).unwrap(), size)
}

fn token(seed: u8, kid: &str, sub: &str) -> String {
    es256(seed, kid, json!({ "iss": ISSUER, "aud": "api", "sub": sub, "exp": NOW + 600, "iat": NOW }))
}

/// What a platform does with a prepared verification: this crate's own check of its bytes with
/// the key the machine names.
fn platform(v: &VerifierDriver, c: SignatureToCheck) -> bool {
    let (_, sig, input) = v.signature_bytes(c.handle).unwrap();
    let jwk = v.public_key(c.generation, c.key_index).unwrap();
    let key = PublicJwk::from_json(&parse_object(jwk.as_bytes()).unwrap()).unwrap();
    oidc_wasm::jose::verify::verify_signature(c.alg, &key, input, sig).is_ok()
}

/// A whole verification with no I/O: prepared, judged meanwhile, finished.
fn verify(v: &mut VerifierDriver, token: &str, now: u64) -> Result<Value, Code> {
    let c = match v.prepare(token, now, true).map_err(|e| e.code())? {
        Prepared::Cached(hit) => return Ok(serde_json::from_str(&hit).unwrap()),
        Prepared::Signature(c) => c,
        Prepared::NeedsIo => panic!("needs I/O"),
    };
    let early = v.judge(c.handle, now);
    let ok = platform(v, c);
    let late = v.finish(c.handle, ok, now).map_err(|e| e.code())?;
    Ok(serde_json::from_str(&early.or(late).unwrap()).unwrap())
}

#[test]
fn keys_fetched_once_then_verifications_need_no_io() {
    let mut v = verifier(json!({}));
    let t = token(1, "k1", "alice");
    assert!(matches!(v.prepare(&t, NOW, true).unwrap(), Prepared::NeedsIo));
    let req = v.next_request(&t, NOW).unwrap().unwrap();
    assert_eq!(req.url, JWKS);
    assert_eq!(req.header("accept"), Some("application/jwk-set+json, application/json"));
    v.receive(Ok(jwks(&[(1, "k1")])), NOW).unwrap();
    assert!(v.next_request(&t, NOW).unwrap().is_none(), "keys fresh: no request");
    assert_eq!(verify(&mut v, &t, NOW).unwrap()["payload"]["sub"], "alice");
    // A forged token: the platform says no, the machine refuses it.
    assert_eq!(verify(&mut v, &token(9, "k1", "mallory"), NOW), Err(Code::JwsSignatureVerificationFailed));
}

#[test]
fn discovery_first_when_no_jwks_uri_is_given() {
    let o = json!({ "issuer": ISSUER, "audience": "api" }).to_string();
    let mut v = VerifierDriver::new(Verifier::from_options(&parse_object(o.as_bytes()).unwrap()).unwrap(), 0);
    let t = token(1, "k1", "alice");
    assert_eq!(v.next_request(&t, NOW).unwrap().unwrap().url, "https://op.example/.well-known/openid-configuration");
    let doc = json!({ "issuer": "https://elsewhere.example", "authorization_endpoint": "https://op.example/a",
        "token_endpoint": "https://op.example/t", "jwks_uri": JWKS });
    assert_eq!(v.receive(Ok(HttpResponse::new(200, doc.to_string())), NOW).unwrap_err().code(), Code::DiscoveryIssuerMismatch);
    let doc = json!({ "issuer": ISSUER, "authorization_endpoint": "https://op.example/a", "token_endpoint": "https://op.example/t",
        "jwks_uri": JWKS, "id_token_signing_alg_values_supported": ["ES256"] });
    v.receive(Ok(HttpResponse::new(200, doc.to_string())), NOW).unwrap();
    assert_eq!(v.next_request(&t, NOW).unwrap().unwrap().url, JWKS);
}

#[test]
fn an_unknown_kid_refetches_once_per_cooldown() {
    let mut v = verifier(json!({}));
    let t = token(1, "k1", "alice");
    v.next_request(&t, NOW).unwrap();
    v.receive(Ok(jwks(&[(1, "k1")])), NOW).unwrap();
    let rotated = token(2, "k2", "alice");
    // The refetch was made at NOW (the first fetch); within its cooldown, no new one.
    assert!(v.next_request(&rotated, NOW + 10).unwrap().is_none());
    assert_eq!(verify(&mut v, &rotated, NOW + 10), Err(Code::JwksNoMatchingKey));
    // Past the cooldown: one refetch, then the rotated key verifies.
    assert!(matches!(v.prepare(&rotated, NOW + 31, true).unwrap(), Prepared::NeedsIo));
    assert_eq!(v.next_request(&rotated, NOW + 31).unwrap().unwrap().url, JWKS);
    assert!(v.next_request(&rotated, NOW + 32).unwrap().is_none(), "the attempt counts at once");
    v.receive(Ok(jwks(&[(1, "k1"), (2, "k2")])), NOW + 31).unwrap();
    assert_eq!(verify(&mut v, &rotated, NOW + 32).unwrap()["payload"]["sub"], "alice");
}

#[test]
fn a_jwks_endpoint_that_is_down_or_lies() {
    let mut v = verifier(json!({}));
    let t = token(1, "k1", "alice");
    // No keys yet: the fetch's own error, for the fetch and for the cooldown after it.
    v.next_request(&t, NOW).unwrap();
    let e = v.receive(Err(fetch_failure(JWKS, "TypeError", "Failed to fetch", 5000)), NOW).unwrap_err();
    assert_eq!(e.code(), Code::Network);
    assert_eq!(v.next_request(&t, NOW + 5).unwrap_err().code(), Code::Network, "within the cooldown");
    // verifySync says why there are no keys.
    let e = v.prepare(&t, NOW + 5, false).unwrap_err();
    assert_eq!(e.code(), Code::JwksNotLoaded);
    assert!(e.message().contains("the last JWKS fetch failed"), "{}", e.message());
    // It lies: that error, naming what was wrong.
    v.next_request(&t, NOW + 31).unwrap().unwrap();
    let e = v.receive(Ok(HttpResponse::new(200, "{\"keys\":[{\"kty\":\"EC\",\"kty\":\"RSA\"}]}")), NOW + 31).unwrap_err();
    assert_eq!(e.code(), Code::JwksInvalid);
    // Keys at last; later the endpoint fails past their max age: the keys held still verify, with a warning.
    v.next_request(&t, NOW + 62).unwrap().unwrap();
    v.receive(Ok(jwks(&[(1, "k1")])), NOW + 62).unwrap();
    let late = NOW + 62 + 700;
    let fresh = es256(1, "k1", json!({ "iss": ISSUER, "aud": "api", "sub": "alice", "exp": late + 60, "iat": late }));
    assert_eq!(v.next_request(&fresh, late).unwrap().unwrap().url, JWKS, "stale keys: refetched");
    v.receive(Ok(HttpResponse::new(503, "busy")), late).unwrap();
    assert_eq!(verify(&mut v, &fresh, late).unwrap()["payload"]["sub"], "alice");
    let w = v.take_warnings();
    assert!(w.iter().any(|w| w.contains("JWKS refresh failed")), "{w:?}");
    assert!(v.take_warnings().is_empty(), "taken once");
}

#[test]
fn an_early_fetch_is_adopted_for_its_uri_only_and_counts_once_it_succeeded() {
    let mut v = verifier(json!({}));
    assert!(!v.adopt("https://other.example/jwks", Ok(jwks(&[(1, "k1")])), NOW).unwrap(), "another jwks_uri");
    assert_eq!(v.adopt(JWKS, Ok(HttpResponse::new(503, "busy")), NOW).unwrap_err().code(), Code::UnexpectedStatus);
    // A failed early fetch is no attempt: the next verification fetches at once.
    let t = token(1, "k1", "alice");
    assert!(v.next_request(&t, NOW).unwrap().is_some());
    let mut v = verifier(json!({}));
    assert!(v.adopt(JWKS, Ok(jwks(&[(1, "k1")])), NOW).unwrap());
    assert!(!v.adopt(JWKS, Ok(jwks(&[(1, "k1")])), NOW).unwrap(), "keys held");
    assert_eq!(verify(&mut v, &t, NOW).unwrap()["payload"]["sub"], "alice");
    assert!(v.next_request(&token(2, "k2", "bob"), NOW + 5).unwrap().is_none(), "the adopted fetch counted for the cooldown");
}

#[test]
fn the_verified_token_cache_answers_a_token_seen_and_forgets_on_new_keys() {
    let mut v = verifier(json!({ "tokenCacheSize": 8 }));
    v.next_request("x", NOW).unwrap();
    v.receive(Ok(jwks(&[(1, "k1")])), NOW).unwrap();
    let t = token(1, "k1", "alice");
    assert_eq!(verify(&mut v, &t, NOW).unwrap()["payload"]["sub"], "alice");
    assert!(matches!(v.prepare(&t, NOW + 1, true).unwrap(), Prepared::Cached(_)));
    // New keys (an import): the cache starts again.
    let export = v.export();
    v.import(&parse_object(export.as_bytes()).unwrap()).unwrap();
    assert!(matches!(v.prepare(&t, NOW + 2, true).unwrap(), Prepared::Signature(_)));
}

#[test]
fn waiting_verifications_keep_their_bytes_and_the_oldest_is_forgotten_beyond_the_limit() {
    let mut v = verifier(json!({}));
    v.next_request("x", NOW).unwrap();
    v.receive(Ok(jwks(&[(1, "k1")])), NOW).unwrap();
    let tokens: Vec<String> = (0..3).map(|i| token(1, "k1", &format!("user{i}"))).collect();
    let checks: Vec<SignatureToCheck> = tokens
        .iter()
        .map(|t| match v.prepare(t, NOW, true).unwrap() {
            Prepared::Signature(c) => c,
            other => panic!("{other:?}"),
        })
        .collect();
    // Finished out of order, each with its own bytes.
    for i in [2, 0, 1] {
        let ok = platform(&v, checks[i]);
        let out: Value = serde_json::from_str(&v.finish(checks[i].handle, ok, NOW).unwrap().unwrap()).unwrap();
        assert_eq!(out["payload"]["sub"], format!("user{i}"));
    }
    assert_eq!(v.finish(checks[0].handle, true, NOW).unwrap_err().code(), Code::Internal, "ended already");
    // Over the limit the oldest is dropped: its end is an error, never a pass.
    let first = match v.prepare(&tokens[0], NOW, true).unwrap() {
        Prepared::Signature(c) => c,
        other => panic!("{other:?}"),
    };
    for _ in 0..MAX_PENDING {
        v.prepare(&tokens[1], NOW, true).unwrap();
    }
    assert!(v.signature_bytes(first.handle).is_none());
    assert_eq!(v.finish(first.handle, true, NOW).unwrap_err().code(), Code::Internal);
}

#[test]
fn keys_replaced_while_a_signature_is_checked() {
    let mut v = verifier(json!({}));
    v.next_request("x", NOW).unwrap();
    v.receive(Ok(jwks(&[(1, "k1")])), NOW).unwrap();
    let c = match v.prepare(&token(1, "k1", "alice"), NOW, true).unwrap() {
        Prepared::Signature(c) => c,
        other => panic!("{other:?}"),
    };
    let export = v.export();
    v.import(&parse_object(export.as_bytes()).unwrap()).unwrap();
    assert!(v.public_key(c.generation, c.key_index).is_none(), "the platform imports no key of an old set");
    // A malformed payload is reported before the signature, whatever the platform says.
    let bad = format!("{}.bm90IGpzb24.{}", token(1, "k1", "a").split('.').next().unwrap(), token(1, "k1", "a").split('.').nth(2).unwrap());
    if let Prepared::Signature(b) = v.prepare(&bad, NOW, true).unwrap() {
        assert_eq!(v.finish(b.handle, false, NOW).unwrap_err().code(), Code::JwtMalformed);
    }
    assert_eq!(v.finish(c.handle, false, NOW).unwrap_err().code(), Code::JwsSignatureVerificationFailed);
}
