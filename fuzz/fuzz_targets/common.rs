//! What several fuzz targets share (included with `#[path = "common.rs"] mod common;`).

use serde_json::Value;

const VECTORS: &str = include_str!("../../tests/vectors/jws-rfc.json");

/// The public JWKs of RFC 7515 A.2 (RSA, RS256) and A.3 (P-256, ES256), from the test vectors.
pub fn rfc7515_keys() -> Vec<Value> {
    let v: Value = serde_json::from_str(VECTORS).expect("tests/vectors/jws-rfc.json is JSON");
    let keys: Vec<Value> = v["vectors"]
        .as_array()
        .expect("vectors array")
        .iter()
        .filter(|t| matches!(t["name"].as_str(), Some("RFC 7515 A.2" | "RFC 7515 A.3")))
        .map(|t| t["jwk"].clone())
        .collect();
    assert_eq!(keys.len(), 2, "the RFC 7515 A.2 and A.3 keys");
    keys
}
