//! What the native flow tests share: P-256 keys made from a seed, their JWKs, and tokens signed
//! with them (ES256).
#![allow(dead_code)]

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine as _;
use oidc_wasm::http::HttpResponse;
use p256::ecdsa::signature::Signer as _;
use serde_json::{json, Value};

pub fn signing_key(seed: u8) -> p256::ecdsa::SigningKey {
    p256::ecdsa::SigningKey::from_slice(&[seed; 32]).unwrap()
}

/// The public JWK of the key of `seed`.
pub fn jwk(seed: u8, kid: &str) -> Value {
    let point = signing_key(seed).verifying_key().to_sec1_point(false);
    json!({ "kty": "EC", "crv": "P-256", "kid": kid, "use": "sig", "alg": "ES256",
        "x": B64.encode(point.x().unwrap()), "y": B64.encode(point.y().unwrap()) })
}

/// A JWKS answer with the keys of these seeds and kids.
pub fn jwks(keys: &[(u8, &str)]) -> HttpResponse {
    let keys: Vec<Value> = keys.iter().map(|(s, k)| jwk(*s, k)).collect();
    HttpResponse::new(200, json!({ "keys": keys }).to_string())
}

/// A JWT signed (ES256) with the key of `seed`, its header naming `kid`.
pub fn es256(seed: u8, kid: &str, claims: Value) -> String {
    let header = B64.encode(json!({ "alg": "ES256", "kid": kid, "typ": "JWT" }).to_string());
    let payload = B64.encode(claims.to_string());
    let input = format!("{header}.{payload}");
    let sig: p256::ecdsa::Signature = signing_key(seed).sign(input.as_bytes());
    format!("{input}.{}", B64.encode(sig.to_bytes()))
}
