//! JWKs and JWK Sets from arbitrary JSON, then signature verification with every key that
//! parses. The input is one JSON value (the JWK or JWK Set) followed by arbitrary bytes, which are
//! used as signing input and signature. Any `Err` is fine; a panic is a bug.

#![no_main]

use libfuzzer_sys::fuzz_target;
use oidc_wasm::jose::jwk::{KeyMaterial, PublicJwk};
use oidc_wasm::jose::jwks::JwkSet;
use oidc_wasm::jose::verify::verify_signature;
use oidc_wasm::jose::Algorithm;
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    // The first JSON value of the input, and where it ends.
    let mut stream = serde_json::Deserializer::from_slice(data).into_iter::<Value>();
    let Some(Ok(value)) = stream.next() else { return };
    let end = stream.byte_offset().min(data.len());
    let (json, tail) = data.split_at(end);

    let mut keys: Vec<PublicJwk> = Vec::new();
    if let Ok((set, _warnings)) = JwkSet::parse(json) {
        for alg in Algorithm::ALL {
            let _ = set.select(alg, None);
            for k in set.keys() {
                if let Some(kid) = &k.kid {
                    let _ = set.select(alg, Some(kid));
                    assert!(set.has_kid(kid));
                }
            }
        }
        keys.extend(set.keys().iter().cloned());
    }
    if let Value::Object(obj) = &value {
        let from_map = PublicJwk::from_json(obj);
        // The in-place reader (the module's) reads the same key, unless it refuses the text
        // (a member name twice, which the map parser lets through).
        if let Ok(lean) = oidc_wasm::json::parse_object(json) {
            match (&from_map, PublicJwk::from_json(&lean)) {
                (Ok(a), Ok(b)) => assert_eq!((&a.public, &a.kid, &a.alg), (&b.public, &b.kid, &b.alg)),
                (Err(a), Err(b)) => assert_eq!(a.code(), b.code()),
                (a, b) => panic!("the JWK readers disagree: {:?} / {:?}", a.as_ref().map(|k| &k.public), b.map(|k| k.public)),
            }
        }
        if let Ok(key) = from_map {
            keys.push(key);
        }
    }

    // An RSA key is checked at parse time and built for the crate's own arithmetic on first use:
    // every key that passed the checks must build.
    for k in &keys {
        if let KeyMaterial::Rsa(r) = &k.material {
            assert!(r.public_key().is_some(), "an RSA key that passed the parse-time checks did not build");
        }
    }

    let (first, second) = tail.split_at(tail.len() / 2);
    for key in &keys {
        for alg in Algorithm::ALL {
            let _ = key.usable_for(alg);
            // Signing input: the JSON text; signature: everything after it.
            let _ = verify_signature(alg, key, json, tail);
            // Signing input and signature: the two halves of what follows the JSON.
            let _ = verify_signature(alg, key, first, second);
            // The whole input as signing input, an empty signature.
            let _ = verify_signature(alg, key, data, &[]);
        }
    }
});
