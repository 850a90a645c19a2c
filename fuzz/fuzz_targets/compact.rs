//! JWS compact serialization: `decode_unverified` on arbitrary text, and `parse_object_strict`
//! and the in-place reader `json::parse_object` on arbitrary bytes, which must agree. Any
//! `Err` is fine; a panic or a disagreement is a bug.

#![no_main]

use libfuzzer_sys::fuzz_target;
use oidc_wasm::jose::compact::{decode_unverified, parse_object_strict};
use oidc_wasm::json::{parse_object, Members};

fuzz_target!(|data: &[u8]| {
    // The in-place reader accepts and refuses exactly what the strict parser does, with the same
    // message, and reads every member the same way.
    let strict = parse_object_strict(data);
    let lean = parse_object(data);
    assert_eq!(strict.as_ref().err(), lean.as_ref().err());
    if let (Ok(m), Ok(l)) = (&strict, &lean) {
        assert_eq!(m.len(), l.0.len());
        for k in m.keys() {
            assert_eq!(format!("{:?}", m.member(k)), format!("{:?}", l.member(k)));
        }
    }

    // The strict object parser on raw bytes (not necessarily UTF-8).
    if let Ok(obj) = parse_object_strict(data) {
        // Whatever the strict parser accepts, the plain parser accepts as the same object
        // (the strict one only adds the duplicate-member refusal).
        let plain = serde_json::from_slice::<serde_json::Value>(data);
        assert_eq!(plain.ok(), Some(serde_json::Value::Object(obj)));
    }

    let token = String::from_utf8_lossy(data);
    if let Ok(jws) = decode_unverified(&token, 16 * 1024) {
        // The signing input is `header.payload`: a prefix of the token followed by the last '.'.
        assert!(jws.signing_input_len < token.len());
        assert_eq!(token.as_bytes().get(jws.signing_input_len), Some(&b'.'));
        assert_eq!(token.matches('.').count(), 2);
    }
    // A tight limit must refuse, never panic.
    let _ = decode_unverified(&token, token.len() / 2);
});
