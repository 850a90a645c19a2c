//! JWS verification: published vectors, an attack catalogue, key selection and claim rules.
#![cfg(all(feature = "more-algorithms", feature = "wasm-crypto"))]

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use oidc_wasm::jose::claims::{at_hash, check_claims, check_id_token, ClaimRules, IdTokenRules};
use oidc_wasm::jose::compact::{decode_text, parse_text};
use oidc_wasm::json;
use oidc_wasm::jose::jwk::PublicJwk;
use oidc_wasm::jose::jwks::JwkSet;
use oidc_wasm::jose::verify::{check_header, verify_jws, verify_signature, SignatureRules};
use oidc_wasm::jose::Algorithm;
use oidc_wasm::Code;
use serde_json::{json, Map, Value};

fn vectors() -> Vec<Value> {
    let v: Value = serde_json::from_str(include_str!("vectors/jws-rfc.json")).unwrap();
    v["vectors"].as_array().unwrap().clone()
}

fn vector(name: &str) -> Value {
    vectors().into_iter().find(|v| v["name"] == name).unwrap()
}

fn jwk(v: &Value) -> PublicJwk {
    PublicJwk::from_json(v.as_object().unwrap()).unwrap()
}

fn set(keys: &[Value]) -> JwkSet {
    JwkSet::parse(json!({ "keys": keys }).to_string().as_bytes()).unwrap().0
}

fn all_algs() -> SignatureRules {
    SignatureRules { algorithms: Algorithm::ALL.to_vec(), ..Default::default() }
}

fn b64(v: &Value) -> String {
    URL_SAFE_NO_PAD.encode(v.to_string())
}

/// A token with a header and payload of our choosing and the signature of another token.
fn forge(header: Value, payload_b64: &str, sig_b64: &str) -> String {
    format!("{}.{payload_b64}.{sig_b64}", b64(&header))
}

fn parts(token: &str) -> Vec<String> {
    token.split('.').map(str::to_owned).collect()
}

fn code(token: &str, keys: &JwkSet, rules: &SignatureRules) -> Code {
    verify_jws(token, keys, rules).unwrap_err().code()
}

#[test]
fn rfc_vectors_verify() {
    for v in vectors() {
        let alg = Algorithm::from_name(v["alg"].as_str().unwrap()).unwrap();
        let key = jwk(&v["jwk"]);
        let token = v["token"].as_str().unwrap();
        let (input, sig) = token.rsplit_once('.').unwrap();
        let sig = URL_SAFE_NO_PAD.decode(sig).unwrap();
        verify_signature(alg, &key, input.as_bytes(), &sig).unwrap_or_else(|e| panic!("{}: {e}", v["name"]));
        // One flipped bit anywhere in the signing input breaks it.
        let mut bad = input.as_bytes().to_vec();
        let last = bad.len() - 1;
        bad[last] ^= 1;
        assert_eq!(verify_signature(alg, &key, &bad, &sig).unwrap_err().code(), Code::JwsSignatureVerificationFailed);
        if v["payload_is_not_json"] != true {
            let keys = set(&[v["jwk"].clone()]);
            let ok = verify_jws(token, &keys, &all_algs()).unwrap();
            assert_eq!(ok.claims["iss"], "joe");
            assert_eq!(ok.alg, alg);
        }
    }
}

/// One case of the attack catalogue: a token, the key set and algorithms it is checked against,
/// and the error it must get ("ok" when it must verify).
fn case(cases: &mut Vec<Value>, name: &str, source: &str, keys: &[Value], token: &str, algorithms: &[&str], expect: &str) {
    cases.push(json!({ "name": name, "source": source, "keys": keys, "token": token, "algorithms": algorithms, "expect": expect }));
}

const ALL: [&str; 5] = ["RS256", "RS384", "RS512", "PS256", "ES256"];

/// The attack catalogue, built from the RFC 7515 / RFC 7520 vectors. `tests/vectors/attacks.json`
/// holds the same cases as data (for the JavaScript tests in every runtime); the test below checks
/// that the file is current (`OIDC_WASM_WRITE_VECTORS=1 cargo test --test jose` rewrites it).
fn attack_catalogue() -> Vec<Value> {
    let mut cases = Vec::new();
    let c = &mut cases;
    let a2 = vector("RFC 7515 A.2");
    let a3 = vector("RFC 7515 A.3");
    let r7520 = vector("RFC 7520 4.1");
    let rsa = [a2["jwk"].clone()];
    let p = parts(a2["token"].as_str().unwrap());
    let p3 = parts(a3["token"].as_str().unwrap());

    // RFC 8725 §2.1, §3.1: alg none, HMAC with the public key, unknown and mis-cased names.
    for alg in ["none", "None", "NONE", "HS256", "HS384", "HS512", "RS1", "rs256", "ES256K", "EdDSA", "PS512", ""] {
        let t = forge(json!({ "alg": alg }), &p[1], if alg.starts_with('n') || alg.starts_with('N') { "" } else { &p[2] });
        case(c, &format!("alg {alg:?}"), "RFC 8725 §2.1, §3.1", &rsa, &t, &ALL, "ERR_JOSE_ALG_NOT_ALLOWED");
    }
    let t = forge(json!({ "alg": "HS256" }), &p[1], &URL_SAFE_NO_PAD.encode([0u8; 32]));
    case(c, "RS/HS confusion: HS256 keyed with the RSA public key", "RFC 8725 §2.1", &rsa, &t, &ALL, "ERR_JOSE_ALG_NOT_ALLOWED");
    case(c, "an algorithm outside the verifier's list", "RFC 8725 §3.1", &rsa, a2["token"].as_str().unwrap(), &["ES256"], "ERR_JOSE_ALG_NOT_ALLOWED");
    case(c, "no alg", "RFC 7515 §4.1.1", &rsa, &forge(json!({}), &p[1], &p[2]), &ALL, "ERR_JWS_INVALID");
    case(c, "alg not a string", "RFC 7515 §4.1.1", &rsa, &forge(json!({ "alg": 256 }), &p[1], &p[2]), &ALL, "ERR_JWS_INVALID");

    // RFC 7515 §4.1.11: crit.
    for crit in [json!(["exp"]), json!(["b64"]), json!([]), json!("exp")] {
        let t = forge(json!({ "alg": "RS256", "crit": crit, "exp": 1 }), &p[1], &p[2]);
        case(c, &format!("crit {crit}"), "RFC 7515 §4.1.11", &rsa, &t, &ALL, "ERR_JWS_INVALID");
    }
    // RFC 8725 §3.10: keys named or carried by the header are never used.
    for extra in [
        json!({ "jwk": a3["jwk"] }),
        json!({ "jku": "https://attacker.example/jwks.json" }),
        json!({ "x5u": "https://attacker.example/cert.pem" }),
        json!({ "x5c": ["MIIB"] }),
    ] {
        let mut h = json!({ "alg": "ES256" });
        h.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        let name = format!("embedded key: {}", extra.as_object().unwrap().keys().next().unwrap());
        case(c, &name, "RFC 8725 §3.10", &rsa, &forge(h, &p3[1], &p3[2]), &ALL, "ERR_JWKS_NO_MATCHING_KEY");
    }
    // kid: injection strings, selection, several candidates.
    let mut a2_kid = a2["jwk"].clone();
    a2_kid["kid"] = json!("2011-04-29");
    let two = [a2_kid.clone(), r7520["jwk"].clone()];
    for kid in ["../../../../../../dev/null", "' OR '1'='1", "2011-04-29' --", "*", "", "2011-04-29\u{0}"] {
        let t = forge(json!({ "alg": "RS256", "kid": kid }), &p[1], &p[2]);
        case(c, &format!("kid {kid:?}"), "RFC 7515 §4.1.4", &two, &t, &ALL, "ERR_JWKS_NO_MATCHING_KEY");
    }
    let t = forge(json!({ "alg": "RS256", "kid": "2011-04-29" }), &p[1], &p[2]);
    case(c, "the right kid, a header changed after signing", "RFC 7515 §5.2", &two, &t, &ALL, "ERR_JWS_SIGNATURE_VERIFICATION_FAILED");
    case(c, "no kid and two RSA keys", "RFC 7515 §6", &two, a2["token"].as_str().unwrap(), &ALL, "ERR_JWKS_MULTIPLE_MATCHING_KEYS");
    case(c, "no kid and one candidate", "RFC 7515 §6", &[a2_kid], a2["token"].as_str().unwrap(), &ALL, "ok");
    case(c, "kid not a string", "RFC 7515 §4.1.4", &two, &forge(json!({ "alg": "RS256", "kid": 7 }), &p[1], &p[2]), &ALL, "ERR_JWS_INVALID");

    // Signatures of the wrong length or value.
    let both = [a2["jwk"].clone(), a3["jwk"].clone()];
    let sig = URL_SAFE_NO_PAD.decode(&p[2]).unwrap();
    for (what, s) in [
        ("empty", String::new()),
        ("truncated by one byte", URL_SAFE_NO_PAD.encode(&sig[..255])),
        ("one byte longer", URL_SAFE_NO_PAD.encode([&sig[..], &[0]].concat())),
    ] {
        let t = format!("{}.{}.{s}", p[0], p[1]);
        case(c, &format!("RS256 signature {what}"), "RFC 8017 §8.2.2", &both, &t, &ALL, "ERR_JWS_SIGNATURE_VERIFICATION_FAILED");
    }
    let rs = URL_SAFE_NO_PAD.decode(&p3[2]).unwrap();
    for (what, s) in [("63 bytes", &rs[..63]), ("32 bytes", &rs[..32]), ("empty", &[][..]), ("r = s = 0", &[0u8; 64][..])] {
        let t = format!("{}.{}.{}", p3[0], p3[1], URL_SAFE_NO_PAD.encode(s));
        case(c, &format!("ES256 signature {what}"), "RFC 7518 §3.4", &both, &t, &ALL, "ERR_JWS_SIGNATURE_VERIFICATION_FAILED");
    }
    let der = {
        // The A.3 signature in ASN.1 DER (what WebCrypto never accepts for JWS).
        let int = |b: &[u8]| {
            let b = &b[b.iter().position(|&x| x != 0).unwrap_or(b.len())..];
            let mut v = vec![0x02];
            if b.first().is_some_and(|&x| x >= 0x80) {
                v.extend([b.len() as u8 + 1, 0]);
            } else {
                v.push(b.len() as u8);
            }
            v.extend(b);
            v
        };
        let body = [int(&rs[..32]), int(&rs[32..])].concat();
        [vec![0x30, body.len() as u8], body].concat()
    };
    let t = format!("{}.{}.{}", p3[0], p3[1], URL_SAFE_NO_PAD.encode(&der));
    case(c, "ES256 signature in DER", "RFC 7518 §3.4", &both, &t, &ALL, "ERR_JWS_SIGNATURE_VERIFICATION_FAILED");
    let t = format!("{}.{}.{}", p3[0], p3[1], URL_SAFE_NO_PAD.encode(high_s(&rs)));
    case(c, "ES256 high-S (r, n - s): ECDSA accepts it, as WebCrypto does", "RFC 7518 §3.4", &both, &t, &ALL, "ok");
    let mut flipped = rs.clone();
    flipped[10] ^= 1;
    let t = format!("{}.{}.{}", p3[0], p3[1], URL_SAFE_NO_PAD.encode(&flipped));
    case(c, "ES256 signature with one bit flipped", "RFC 7518 §3.4", &both, &t, &ALL, "ERR_JWS_SIGNATURE_VERIFICATION_FAILED");
    let t = format!("{}.{}.{}", p[0], URL_SAFE_NO_PAD.encode(r#"{"iss":"joe","exp":1300819380,"http://example.com/is_root":false}"#), p[2]);
    case(c, "RS256 payload changed after signing", "RFC 7515 §5.2", &both, &t, &ALL, "ERR_JWS_SIGNATURE_VERIFICATION_FAILED");

    // Encoding and size (RFC 7515 §7.1, RFC 7519 §7.2).
    let t = a2["token"].as_str().unwrap();
    for (what, bad) in [
        ("four parts", format!("{t}.extra")),
        ("two parts", format!("{}.{}", p[0], p[1])),
        ("padding", format!("{}==.{}.{}", p[0], p[1], p[2])),
        ("base64 (not url) alphabet", format!("{}.{}.{}", p[0], p[1], p[2].replace('-', "+"))),
        ("a space", format!("{}.{} .{}", p[0], p[1], p[2])),
        ("oversized (20 kB payload)", format!("{}.{}.{}", p[0], "x".repeat(20_000), p[2])),
        ("dots only", "....".to_string()),
        ("payload not JSON", format!("{}.{}.{}", p[0], URL_SAFE_NO_PAD.encode("not json"), p[2])),
        ("duplicate header member", format!("{}.{}.{}", URL_SAFE_NO_PAD.encode(r#"{"alg":"RS256","alg":"none"}"#), p[1], p[2])),
        ("duplicate claim", format!("{}.{}.{}", p[0], URL_SAFE_NO_PAD.encode(r#"{"iss":"joe","iss":"eve"}"#), p[2])),
        ("bad payload and bad alg", format!("{}.{}.{}", b64(&json!({ "alg": "none" })), "!!", p[2])),
    ] {
        case(c, &format!("malformed: {what}"), "RFC 7515 §7.1, RFC 7519 §7.2", &both, &bad, &ALL, "ERR_JWT_MALFORMED");
    }
    // The published vectors themselves verify.
    case(c, "RFC 7515 A.2 (RS256)", "RFC 7515 A.2", &rsa, a2["token"].as_str().unwrap(), &ALL, "ok");
    case(c, "RFC 7515 A.3 (ES256)", "RFC 7515 A.3", &[a3["jwk"].clone()], a3["token"].as_str().unwrap(), &ALL, "ok");
    cases
}

/// (r, n - s): the other ECDSA signature of the same message.
fn high_s(sig: &[u8]) -> Vec<u8> {
    let n: [u8; 32] = [
        0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xBC, 0xE6, 0xFA,
        0xAD, 0xA7, 0x17, 0x9E, 0x84, 0xF3, 0xB9, 0xCA, 0xC2, 0xFC, 0x63, 0x25, 0x51,
    ];
    let s = &sig[32..];
    let mut flipped = [0u8; 32];
    let mut borrow = 0i16;
    for i in (0..32).rev() {
        let d = n[i] as i16 - s[i] as i16 - borrow;
        flipped[i] = d.rem_euclid(256) as u8;
        borrow = if d < 0 { 1 } else { 0 };
    }
    [&sig[..32], &flipped[..]].concat()
}

#[test]
fn attack_catalogue_matches_its_data_file_and_every_case_gets_its_error() {
    let cases = attack_catalogue();
    let doc = json!({
        "source": "built by tests/jose.rs (attack_catalogue) from the RFC 7515 A.2 / A.3 and RFC 7520 §4.1 vectors; each case names the rule it tests",
        "cases": cases,
    });
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vectors/attacks.json");
    let text = serde_json::to_string_pretty(&doc).unwrap() + "\n";
    if std::env::var_os("OIDC_WASM_WRITE_VECTORS").is_some() {
        std::fs::write(path, &text).unwrap();
    }
    assert_eq!(std::fs::read_to_string(path).unwrap_or_default(), text, "tests/vectors/attacks.json is stale: OIDC_WASM_WRITE_VECTORS=1 cargo test --test jose");
    assert!(cases.len() > 50);
    for c in &cases {
        let keys = set(c["keys"].as_array().unwrap());
        let algorithms = c["algorithms"].as_array().unwrap().iter().map(|a| Algorithm::from_name(a.as_str().unwrap()).unwrap()).collect();
        let rules = SignatureRules { algorithms, ..Default::default() };
        let got = match verify_jws(c["token"].as_str().unwrap(), &keys, &rules) {
            Ok(_) => "ok".to_string(),
            Err(e) => e.code().as_str().to_string(),
        };
        assert_eq!(got, c["expect"].as_str().unwrap(), "{}", c["name"]);
    }
}

/// The verifier's fast path (the payload read in place, not opened into a map) decides every
/// attack case as `verify_jws` does: same code, same message.
#[test]
fn the_in_place_reading_decides_every_attack_case_alike() {
    for c in &attack_catalogue() {
        let keys = set(c["keys"].as_array().unwrap());
        let algorithms = c["algorithms"].as_array().unwrap().iter().map(|a| Algorithm::from_name(a.as_str().unwrap()).unwrap()).collect();
        let rules = SignatureRules { algorithms, ..Default::default() };
        let token = c["token"].as_str().unwrap();
        let map = check_header(token, &keys, &rules, None)
            .and_then(|c| c.open())
            .and_then(|p| verify_signature(p.alg, &p.key, p.signing_input(token), &p.signature));
        let lean = check_header(token, &keys, &rules, None).and_then(|c| {
            parse_text(&decode_text(c.payload, "payload")?, "payload")?;
            verify_signature(c.alg, c.key, c.signing_input(token), &c.signature)
        });
        assert_eq!(format!("{map:?}"), format!("{lean:?}"), "{}", c["name"]);
    }
}

/// A header's remembered checks (`check_header` with a memo) change nothing: each case gives
/// what it gives without one, whichever token of the same key set came just before.
#[test]
fn a_remembered_header_decides_every_attack_case_alike() {
    let cases = attack_catalogue();
    let outcome = |r: oidc_wasm::Result<oidc_wasm::jose::verify::Checked<'_, '_>>| {
        r.map(|p| (p.alg, p.key_index, p.signature, p.signing_input_len, p.payload.to_owned(), p.kid, p.typ, p.header_json))
    };
    for c in &cases {
        let keys = set(c["keys"].as_array().unwrap());
        let algorithms: Vec<Algorithm> =
            c["algorithms"].as_array().unwrap().iter().map(|a| Algorithm::from_name(a.as_str().unwrap()).unwrap()).collect();
        let rules = SignatureRules { algorithms, ..Default::default() };
        let token = c["token"].as_str().unwrap();
        let expected = format!("{:?}", outcome(check_header(token, &keys, &rules, None)));
        for before in cases.iter().filter(|b| b["keys"] == c["keys"]) {
            let mut memo = None;
            let _ = check_header(before["token"].as_str().unwrap(), &keys, &rules, Some(&mut memo));
            let got = format!("{:?}", outcome(check_header(token, &keys, &rules, Some(&mut memo))));
            assert_eq!(got, expected, "{} after {}", c["name"], before["name"]);
        }
    }
}

#[test]
fn key_use_key_ops_and_alg_restrict_keys() {
    let a2 = vector("RFC 7515 A.2");
    let token = a2["token"].as_str().unwrap();
    for (member, value) in [("use", json!("enc")), ("key_ops", json!(["encrypt"])), ("alg", json!("RS384")), ("alg", json!("PS256"))] {
        let mut k = a2["jwk"].clone();
        k[member] = value.clone();
        assert_eq!(code(token, &set(&[k]), &all_algs()), Code::JwksNoMatchingKey, "{member}={value}");
    }
    for (member, value) in [("use", json!("sig")), ("key_ops", json!(["verify", "sign"])), ("alg", json!("RS256"))] {
        let mut k = a2["jwk"].clone();
        k[member] = value.clone();
        assert!(verify_jws(token, &set(&[k]), &all_algs()).is_ok(), "{member}={value}");
    }
}

#[test]
fn bad_keys_are_refused_and_skipped_in_sets() {
    let a2 = vector("RFC 7515 A.2");
    let a3 = vector("RFC 7515 A.3");
    let mut weak = a2["jwk"].clone();
    let n = URL_SAFE_NO_PAD.decode(a2["jwk"]["n"].as_str().unwrap()).unwrap();
    weak["n"] = json!(URL_SAFE_NO_PAD.encode(&n[..128]));
    let mut off_curve = a3["jwk"].clone();
    off_curve["y"] = json!(URL_SAFE_NO_PAD.encode([1u8; 32]));
    let mut short_x = a3["jwk"].clone();
    short_x["x"] = json!(URL_SAFE_NO_PAD.encode([1u8; 31]));
    let mut p384 = a3["jwk"].clone();
    p384["crv"] = json!("P-384");
    let bad = [
        weak,
        off_curve,
        short_x,
        p384,
        json!({ "kty": "oct", "k": "c2VjcmV0" }),
        json!({ "kty": "OKP", "crv": "Ed25519", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo" }),
        json!({ "kty": "RSA", "n": "AQAB" }),
        json!({ "kty": "RSA", "n": "!!!", "e": "AQAB" }),
        // An empty or all-zero modulus (found by the jwk fuzz target: the bit count underflowed).
        json!({ "kty": "RSA", "n": "", "e": "AQAB" }),
        json!({ "kty": "RSA", "n": "AAAA", "e": "AQAB" }),
        json!({ "n": "x" }),
        json!({ "kty": "RSA", "n": a2["jwk"]["n"], "e": "AQAB", "alg": "ES256" }),
    ];
    for k in &bad {
        assert_eq!(PublicJwk::from_json(k.as_object().unwrap()).unwrap_err().code(), Code::JwkInvalid, "{k}");
    }
    for n in ["", "AAAA"] {
        let e = PublicJwk::from_json(json!({ "kty": "RSA", "n": n, "e": "AQAB" }).as_object().unwrap()).unwrap_err();
        assert!(e.message().contains("has 0 bits"), "{}", e.message());
    }
    let mut doc = bad.to_vec();
    doc.push(json!("not an object"));
    doc.push(a2["jwk"].clone());
    let (keys, warnings) = JwkSet::parse(json!({ "keys": doc }).to_string().as_bytes()).unwrap();
    assert_eq!(keys.keys().len(), 1);
    assert_eq!(warnings.len(), bad.len() + 1);
    assert!(verify_jws(a2["token"].as_str().unwrap(), &keys, &all_algs()).is_ok());
    for broken in [json!([]), json!({}), json!({ "keys": {} }), json!("keys")] {
        assert_eq!(JwkSet::parse(broken.to_string().as_bytes()).unwrap_err().code(), Code::JwksInvalid);
    }
    // RFC 7517 §4: a member name twice in a JWK. The document is refused (a parser may either
    // refuse it or keep the last one; keeping one would let a set say two things at once).
    let twice = format!(r#"{{"keys":[{{"kty":"RSA","kid":"a","kid":"b","n":{},"e":"AQAB"}}]}}"#, a2["jwk"]["n"]);
    let e = JwkSet::parse(twice.as_bytes()).unwrap_err();
    assert_eq!(e.code(), Code::JwksInvalid);
    assert!(e.message().contains("\"kid\" appears twice"), "{}", e.message());
}

/// A JWK read from a `serde_json::Map` and from the in-place reader (what the module uses) is
/// the same key, with the same canonical public members, for every vector key and every refusal.
#[test]
fn jwk_readers_agree() {
    let mut keys: Vec<Value> = vectors().iter().filter_map(|v| v.get("jwk").cloned()).collect();
    let a2 = vector("RFC 7515 A.2");
    let n = a2["jwk"]["n"].as_str().unwrap();
    keys.push(json!({ "kty": "RSA", "n": format!("AAAA{n}"), "e": "AAEAAQ", "kid": "leading zeros", "key_ops": ["verify"] }));
    keys.push(json!({ "kty": "RSA", "n": n, "e": "AQAB", "key_ops": ["verify", 1] }));
    keys.push(json!({ "kty": "RSA", "n": n, "e": "AQAB", "use": null, "alg": null, "kid": 7 }));
    keys.push(json!({ "kty": "EC", "crv": "P-256", "x": "AA", "y": "AA" }));
    assert!(keys.len() > 4);
    for k in &keys {
        let text = k.to_string();
        let lean = oidc_wasm::json::parse_object(text.as_bytes()).unwrap();
        let (a, b) = (PublicJwk::from_json(k.as_object().unwrap()), PublicJwk::from_json(&lean));
        match (a, b) {
            (Ok(a), Ok(b)) => {
                assert_eq!((&a.public, &a.kid, &a.alg, &a.key_use, &a.key_ops), (&b.public, &b.kid, &b.alg, &b.key_use, &b.key_ops), "{k}");
                // The canonical members are JSON, and name the same key.
                let public: Value = serde_json::from_str(&a.public).unwrap();
                assert_eq!(public["kty"], k["kty"], "{k}");
                let again = PublicJwk::from_json(public.as_object().unwrap()).unwrap();
                assert_eq!(again.public, a.public, "{k}");
            }
            (Err(a), Err(b)) => assert_eq!((a.code(), a.message()), (b.code(), b.message()), "{k}"),
            (a, b) => panic!("the readers disagree on {k}: {:?} / {:?}", a.map(|k| k.public), b.map(|k| k.public)),
        }
    }
    // Leading zero octets are dropped from the canonical n and e (RFC 7518 §6.3.1.1).
    let padded = PublicJwk::from_json(keys[keys.len() - 4].as_object().unwrap()).unwrap();
    assert_eq!(padded.public, format!(r#"{{"e":"AQAB","kty":"RSA","n":"{n}"}}"#));
}

#[test]
fn token_size_limit_is_configurable() {
    let a2 = vector("RFC 7515 A.2");
    let keys = set(&[a2["jwk"].clone()]);
    let small = SignatureRules { max_token_bytes: 100, ..all_algs() };
    assert_eq!(code(a2["token"].as_str().unwrap(), &keys, &small), Code::JwtMalformed);
}

fn claims(v: Value) -> Map<String, Value> {
    v.as_object().unwrap().clone()
}

const NOW: u64 = 1_700_000_000;

/// `check_claims` on the claims as a `serde_json::Map` and as read in place (the verifier's fast
/// path, `json`), which must agree.
fn check_both(header: Value, c: Value, rules: &ClaimRules) -> Result<(), oidc_wasm::Error> {
    let (h, t) = (header.to_string(), c.to_string());
    let lean = check_claims(&json::parse_object(h.as_bytes()).unwrap(), &json::parse_object(t.as_bytes()).unwrap(), rules, NOW);
    let map = check_claims(&claims(header), &claims(c), rules, NOW);
    assert_eq!(format!("{map:?}"), format!("{lean:?}"), "{t}");
    map
}

fn fail(c: Value, rules: &ClaimRules) -> (Code, String, String) {
    let e = check_both(json!({}), c, rules).unwrap_err();
    (e.code(), e.claim.clone().unwrap_or_default(), e.reason.clone().unwrap_or_default())
}

#[test]
fn claims_rfc7519() {
    let rules = ClaimRules::new("https://op.example/", vec!["api".into()]);
    let good = json!({ "iss": "https://op.example/", "aud": "api", "exp": NOW + 10, "nbf": NOW - 10, "iat": NOW - 10, "sub": "u" });
    assert!(check_both(json!({}), good.clone(), &rules).is_ok());
    let with = |k: &str, v: Value| {
        let mut c = good.clone();
        c[k] = v;
        c
    };
    let without = |k: &str| {
        let mut c = good.clone();
        c.as_object_mut().unwrap().remove(k);
        c
    };
    let cv = Code::JwtClaimValidationFailed;
    assert_eq!(fail(with("iss", json!("https://op.example")), &rules), (cv, "iss".into(), "check_failed".into()));
    assert_eq!(fail(without("iss"), &rules), (cv, "iss".into(), "missing".into()));
    assert_eq!(fail(with("aud", json!(["other", "more"])), &rules), (cv, "aud".into(), "check_failed".into()));
    assert!(check_both(json!({}), with("aud", json!(["other", "api"])), &rules).is_ok());
    assert_eq!(fail(with("aud", json!(5)), &rules), (cv, "aud".into(), "invalid".into()));
    assert_eq!(fail(without("aud"), &rules), (cv, "aud".into(), "missing".into()));
    // exp: within the 60 s tolerance passes, beyond it is ERR_JWT_EXPIRED.
    assert!(check_both(json!({}), with("exp", json!(NOW - 59)), &rules).is_ok());
    assert_eq!(fail(with("exp", json!(NOW - 60)), &rules), (Code::JwtExpired, "exp".into(), "check_failed".into()));
    assert_eq!(fail(with("exp", json!("soon")), &rules), (cv, "exp".into(), "invalid".into()));
    // RFC 7519 §2: a negative NumericDate is a date before 1970, so long expired.
    assert_eq!(fail(with("exp", json!(-5)), &rules), (Code::JwtExpired, "exp".into(), "check_failed".into()));
    assert_eq!(fail(with("nbf", json!(NOW + 61)), &rules), (cv, "nbf".into(), "check_failed".into()));
    assert_eq!(fail(with("iat", json!(NOW + 61)), &rules), (cv, "iat".into(), "check_failed".into()));
    let strict = ClaimRules { clock_tolerance: 0, ..rules.clone() };
    assert_eq!(fail(with("exp", json!(NOW)), &strict).0, Code::JwtExpired);
    let aged = ClaimRules { max_token_age: Some(300), ..rules.clone() };
    assert_eq!(fail(with("iat", json!(NOW - 1000)), &aged), (cv, "iat".into(), "check_failed".into()));
    assert_eq!(fail(without("iat"), &aged), (cv, "iat".into(), "missing".into()));
    let required = ClaimRules { required_claims: vec!["jti".into()], ..rules.clone() };
    assert_eq!(fail(good.clone(), &required), (cv, "jti".into(), "missing".into()));
}

#[test]
fn access_tokens_rfc9068() {
    let rules = ClaimRules {
        typ: Some("at+jwt".into()),
        required_scopes: vec!["read:messages".into()],
        ..ClaimRules::new("https://op.example/", vec!["https://api.example".into()])
    };
    let c = json!({ "iss": "https://op.example/", "aud": "https://api.example", "exp": NOW + 60,
        "scope": "openid read:messages" });
    for typ in ["at+jwt", "AT+JWT", "application/at+jwt"] {
        assert!(check_both(json!({ "typ": typ }), c.clone(), &rules).is_ok(), "{typ}");
    }
    for typ in [json!("JWT"), json!(null), json!(7)] {
        let e = check_both(json!({ "typ": typ }), c.clone(), &rules).unwrap_err();
        assert_eq!(e.claim.as_deref(), Some("typ"));
    }
    let mut narrow = c.clone();
    narrow["scope"] = json!("openid");
    let e = check_both(json!({ "typ": "at+jwt" }), narrow, &rules).unwrap_err();
    for scope in [json!(["read:messages", 3]), json!(["openid"]), json!(5), json!(null)] {
        let mut other = c.clone();
        other["scope"] = scope;
        let _ = check_both(json!({ "typ": "at+jwt" }), other, &rules);
    }
    assert_eq!((e.claim.as_deref(), e.reason.as_deref()), (Some("scope"), Some("check_failed")));
}

#[test]
fn id_tokens_oidc_core_3_1_3_7() {
    let rules = IdTokenRules {
        client_id: "spa".into(),
        nonce: Some("n-0S6_WzA2Mj".into()),
        max_age: Some(600),
        access_token: Some("jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y".into()),
        expected_sub: None,
    };
    let good = json!({ "sub": "u", "aud": "spa", "exp": NOW + 60, "iat": NOW, "nonce": "n-0S6_WzA2Mj",
        "auth_time": NOW - 100, "at_hash": at_hash(Algorithm::RS256, "jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y") });
    let check = |c: &Value| {
        let text = c.to_string();
        let lean = check_id_token(&json::parse_object(text.as_bytes()).unwrap(), &rules, Algorithm::RS256, NOW, 60);
        let map = check_id_token(c.as_object().unwrap(), &rules, Algorithm::RS256, NOW, 60);
        assert_eq!(format!("{map:?}"), format!("{lean:?}"), "{text}");
        map
    };
    assert!(check(&good).is_ok());
    let broken = |k: &str, v: Option<Value>| {
        let mut c = good.clone();
        match v {
            Some(v) => c[k] = v,
            None => {
                c.as_object_mut().unwrap().remove(k);
            }
        }
        let e = check(&c).unwrap_err();
        (e.claim.clone().unwrap(), e.reason.clone().unwrap())
    };
    assert_eq!(broken("sub", None), ("sub".into(), "missing".into()));
    assert_eq!(broken("iat", None), ("iat".into(), "missing".into()));
    assert_eq!(broken("aud", Some(json!("other"))), ("aud".into(), "check_failed".into()));
    assert_eq!(broken("aud", Some(json!(["spa", "other"]))), ("azp".into(), "missing".into()));
    assert_eq!(broken("azp", Some(json!("other"))), ("azp".into(), "check_failed".into()));
    assert_eq!(broken("nonce", Some(json!("replayed"))), ("nonce".into(), "check_failed".into()));
    assert_eq!(broken("nonce", None), ("nonce".into(), "missing".into()));
    assert_eq!(broken("auth_time", None), ("auth_time".into(), "missing".into()));
    assert_eq!(broken("auth_time", Some(json!(NOW - 1000))), ("auth_time".into(), "check_failed".into()));
    assert_eq!(broken("at_hash", Some(json!("wrong"))), ("at_hash".into(), "check_failed".into()));
    let mut multi = good.clone();
    multi["aud"] = json!(["spa", "other"]);
    multi["azp"] = json!("spa");
    assert!(check(&multi).is_ok());
    // Auth0 organizations: an id must match org_id, a name must match org_name (lowercase).
    let org = |org: &str, c: Value| {
        let mut t = good.clone();
        t.as_object_mut().unwrap().extend(c.as_object().unwrap().clone());
        check_id_token(t.as_object().unwrap(), &rules, Algorithm::RS256, NOW, 60)
            .and_then(|()| oidc_wasm::auth0::check_organization(t.as_object().unwrap(), org))
            .map_err(|e| e.claim.clone().unwrap())
    };
    assert!(org("org_123", json!({ "org_id": "org_123" })).is_ok());
    assert_eq!(org("org_123", json!({ "org_id": "org_999" })), Err("org_id".into()));
    assert_eq!(org("org_123", json!({})), Err("org_id".into()));
    assert!(org("Acme", json!({ "org_name": "acme" })).is_ok());
    // §12.2: a refreshed ID token must be for the same user.
    let refreshed = |sub: &str| {
        let r = IdTokenRules { expected_sub: Some(sub.into()), nonce: None, ..rules.clone() };
        check_id_token(good.as_object().unwrap(), &r, Algorithm::RS256, NOW, 60).map_err(|e| e.claim.clone().unwrap())
    };
    assert!(refreshed("u").is_ok());
    assert_eq!(refreshed("someone-else"), Err("sub".into()));
    assert_eq!(org("Acme", json!({ "org_name": "other" })), Err("org_name".into()));
}

#[test]
fn at_hash_oidc_core_example() {
    // OIDC Core Appendix A.3: the access token and at_hash of the RS256 example.
    assert_eq!(at_hash(Algorithm::RS256, "jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y"), "77QmUPtjPfzWtF2AnpK9RQ");
}

/// A verifier from an options object, as the JavaScript layer hands it over.
fn verifier(opts: Value) -> oidc_wasm::Result<oidc_wasm::verifier::Verifier> {
    let text = opts.to_string();
    oidc_wasm::verifier::Verifier::from_options(&json::parse_object(text.as_bytes()).unwrap())
}

/// The verifier's claim checks on a payload (what follows a good signature), at `NOW`.
fn judge(v: &oidc_wasm::verifier::Verifier, typ: Option<&str>, c: &Value) -> Result<oidc_wasm::verifier::CacheTimes, oidc_wasm::Error> {
    let header = json!({ "alg": "RS256", "typ": typ }).to_string();
    v.finish_lean(&header, typ, &b64(c), NOW).unwrap().map(|(_, times)| times)
}

/// RFC 7519 §2: a NumericDate "can represent any JSON number", fractions included. Every date is
/// compared as the number it is, never truncated to whole seconds: `now` is whole seconds, the
/// token's dates are not.
#[test]
fn fractional_numeric_dates_are_compared_exactly() {
    use oidc_wasm::verifier::{time_for_fresh_id_token, CacheTimes, TokenCache};
    let rules = ClaimRules { max_token_age: Some(300), ..ClaimRules::new("https://op.example/", vec!["api".into()]) };
    let good = json!({ "iss": "https://op.example/", "aud": "api", "exp": NOW + 10, "iat": NOW - 10 });
    let with = |k: &str, v: f64| {
        let mut c = good.clone();
        c[k] = json!(v);
        c
    };
    let now = NOW as f64;
    let cv = Code::JwtClaimValidationFailed;
    // exp: expired when exp <= now - tolerance; half a second later it is not.
    assert!(check_both(json!({}), with("exp", now - 60.0 + 0.5), &rules).is_ok());
    assert_eq!(fail(with("exp", now - 60.0), &rules), (Code::JwtExpired, "exp".into(), "check_failed".into()));
    assert_eq!(fail(with("exp", now - 60.5), &rules), (Code::JwtExpired, "exp".into(), "check_failed".into()));
    // nbf: refused when nbf > now + tolerance.
    assert_eq!(fail(with("nbf", now + 60.5), &rules), (cv, "nbf".into(), "check_failed".into()));
    assert!(check_both(json!({}), with("nbf", now + 60.0), &rules).is_ok());
    assert!(check_both(json!({}), with("nbf", now + 59.5), &rules).is_ok());
    // iat: from the future when iat > now + tolerance; too old when iat < now - max age - tolerance.
    assert_eq!(fail(with("iat", now + 60.5), &rules), (cv, "iat".into(), "check_failed".into()));
    assert!(check_both(json!({}), with("iat", now + 60.0), &rules).is_ok());
    assert_eq!(fail(with("iat", now - 360.5), &rules), (cv, "iat".into(), "check_failed".into()));
    assert!(check_both(json!({}), with("iat", now - 360.0), &rules).is_ok());
    assert!(check_both(json!({}), with("iat", now - 359.5), &rules).is_ok());
    // The verifier's own path (payload read in place) says the same.
    let v = verifier(json!({ "issuer": "https://op.example/", "audience": "api" })).unwrap();
    assert_eq!(judge(&v, None, &with("nbf", now + 60.5)).unwrap_err().claim.as_deref(), Some("nbf"));
    assert!(judge(&v, None, &with("exp", now - 59.5)).is_ok());
    // auth_time with max_age (OIDC Core §3.1.3.7 step 13): too old when auth_time < now - max_age - tolerance.
    let id_rules = IdTokenRules { client_id: "spa".into(), max_age: Some(600), ..Default::default() };
    let id = |auth_time: f64| {
        let c = json!({ "sub": "u", "aud": "spa", "exp": NOW + 60, "iat": NOW, "auth_time": auth_time });
        let text = c.to_string();
        let lean = check_id_token(&json::parse_object(text.as_bytes()).unwrap(), &id_rules, Algorithm::RS256, NOW, 60);
        let map = check_id_token(c.as_object().unwrap(), &id_rules, Algorithm::RS256, NOW, 60);
        assert_eq!(format!("{map:?}"), format!("{lean:?}"), "{text}");
        map.map_err(|e| e.claim.clone().unwrap_or_default())
    };
    assert_eq!(id(now - 660.5), Err("auth_time".into()));
    assert!(id(now - 660.0).is_ok());
    assert!(id(now - 659.5).is_ok());
    // The verified-token cache keeps a token exactly as long as the checks accept it, and never longer.
    let times = |c: Value| CacheTimes::of(c.as_object().unwrap());
    let plain = ClaimRules::new("i", vec!["a".into()]);
    let mut cache = TokenCache::new(4);
    cache.put("t", times(json!({ "exp": 1000.5 })), "r".into(), &plain);
    assert_eq!(cache.get("t", 1060), Some("r"), "exp 1000.5 + 60 s is after 1060");
    assert_eq!(cache.get("t", 1061), None);
    let aged = ClaimRules { max_token_age: Some(100), ..plain.clone() };
    cache.put("u", times(json!({ "exp": 5000, "iat": 900.5 })), "r".into(), &aged);
    assert_eq!(cache.get("u", 1059), Some("r"));
    assert_eq!(cache.get("u", 1061), None, "iat 900.5 + 100 + 60 is before 1061");
    // A fresh ID token's fractional iat still tells the server's time (rounded up: it is not before iat).
    let tok = |iat: Value| format!("{}.{}.sig", b64(&json!({ "alg": "RS256" })), b64(&json!({ "iat": iat })));
    assert_eq!(time_for_fresh_id_token(&tok(json!(1300.5)), 1000, 60, None), (1301, 301));
    assert_eq!(time_for_fresh_id_token(&tok(json!(1030.5)), 1000, 60, None), (1000, 0));
    // The server's Date header, when read, is its time: the token's iat no longer decides.
    assert_eq!(time_for_fresh_id_token(&tok(json!(1300.5)), 1000, 60, Some(1000)), (1000, 0));
    assert_eq!(time_for_fresh_id_token(&tok(json!(1000)), 1000, 60, Some(8200)), (8200, 7200));
    assert_eq!(oidc_wasm::http::parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"), Some(784_111_777));
    assert_eq!(oidc_wasm::http::parse_http_date("Tue, 29 Feb 2028 23:59:60 GMT"), Some(1_835_481_600));
    for bad in ["Sun, 06 Nov 1994 08:49:37 UTC", "Sunday, 06-Nov-94 08:49:37 GMT", "", "Sun, 6 Nov 1994 08:49:37 GMT", "Sun, 06 Foo 1994 08:49:37 GMT"] {
        assert_eq!(oidc_wasm::http::parse_http_date(bad), None, "{bad}");
    }
}

/// RFC 7519 §2: any JSON number is a NumericDate, negative ones included (a date before 1970);
/// what is not a number is refused, and no value, however large, overflows or panics.
#[test]
fn any_numeric_date_rfc7519_allows_is_accepted() {
    use oidc_wasm::verifier::{time_for_fresh_id_token, CacheTimes, TokenCache};
    let rules = ClaimRules::new("https://op.example/", vec!["api".into()]);
    let good = json!({ "iss": "https://op.example/", "aud": "api", "exp": NOW + 10 });
    let with = |k: &str, v: Value| {
        let mut c = good.clone();
        c[k] = v;
        c
    };
    let cv = Code::JwtClaimValidationFailed;
    for (k, v) in [
        ("nbf", json!(-1)),
        ("nbf", json!(-0.5)),
        ("nbf", json!(0)),
        ("nbf", json!(-1e300)),
        ("nbf", json!(i64::MIN)),
        ("iat", json!(-1)),
        ("iat", json!(-86400.25)),
        ("iat", json!(-1e300)),
        ("exp", json!(1e300)),
        ("exp", json!(u64::MAX)),
        ("exp", json!(18446744073709551616.0)),
    ] {
        assert!(check_both(json!({}), with(k, v.clone()), &rules).is_ok(), "{k} {v}");
    }
    for v in [json!(-5), json!(-0.5), json!(-1e300), json!(i64::MIN), json!(0)] {
        assert_eq!(fail(with("exp", v), &rules), (Code::JwtExpired, "exp".into(), "check_failed".into()));
    }
    for (k, v) in [("nbf", json!(1e300)), ("nbf", json!(u64::MAX)), ("iat", json!(1e300)), ("iat", json!(18446744073709551616.0))] {
        assert_eq!(fail(with(k, v.clone()), &rules), (cv, k.into(), "check_failed".into()), "{k} {v}");
    }
    for v in [json!("1700000000"), json!(true), json!(null), json!([1]), json!({ "t": 1 })] {
        assert_eq!(fail(with("exp", v.clone()), &rules), (cv, "exp".into(), "invalid".into()), "{v}");
        assert_eq!(fail(with("nbf", v.clone()), &rules), (cv, "nbf".into(), "invalid".into()), "{v}");
    }
    // JSON has no NaN or Infinity: a number too large for a double is not JSON at all.
    assert!(json::parse_object(br#"{"exp":1e400}"#).is_err());
    // The widest settings and the most distant dates: no overflow anywhere.
    let wide = ClaimRules { clock_tolerance: u64::MAX, max_token_age: Some(u64::MAX), ..rules.clone() };
    for v in [json!(u64::MAX), json!(i64::MIN), json!(1e300), json!(-1e300), json!(0.5)] {
        for now in [0, NOW, u64::MAX] {
            let mut c = good.clone();
            for k in ["exp", "nbf", "iat"] {
                c[k] = v.clone();
            }
            let (h, t) = (json!({}).to_string(), c.to_string());
            let _ = check_claims(&json::parse_object(h.as_bytes()).unwrap(), &json::parse_object(t.as_bytes()).unwrap(), &wide, now);
            let _ = check_claims(&claims(json!({})), &claims(c.clone()), &rules, now);
            let mut cache = TokenCache::new(2);
            cache.put("t", CacheTimes::of(c.as_object().unwrap()), "r".into(), &wide);
            let _ = cache.get("t", now);
            let tok = format!("{}.{}.sig", b64(&json!({ "alg": "RS256" })), b64(&json!({ "iat": v })));
            let _ = time_for_fresh_id_token(&tok, now, 60, None);
        }
    }
    // The cache: a token whose exp is long past is never served, one with a far exp is.
    let mut cache = TokenCache::new(2);
    cache.put("old", CacheTimes::of(json!({ "exp": -1e300 }).as_object().unwrap()), "r".into(), &rules);
    assert_eq!(cache.get("old", 0), None);
    cache.put("far", CacheTimes::of(json!({ "exp": 1e300 }).as_object().unwrap()), "r".into(), &rules);
    assert_eq!(cache.get("far", NOW), Some("r"));
    // Messages state the date as given, formatted without float formatting.
    let describe = |f: f64| oidc_wasm::jose::claims::NumericDate::of(&json::Member::Number(None, f)).unwrap().describe();
    assert_eq!(describe(1700000060.1), "1700000060.1");
    assert_eq!(describe(-0.25), "-0.25");
    assert_eq!(describe(-5.0), "-5");
    assert_eq!(describe(0.9999999), "1");
    assert_eq!(describe(1e300), "2^63 or more");
    assert_eq!(describe(-1e300), "-2^63 or more");
    assert!(oidc_wasm::jose::claims::NumericDate::of(&json::Member::Number(None, f64::NAN)).is_none());
    let e = check_both(json!({}), with("exp", json!(NOW as f64 - 60.5)), &rules).unwrap_err();
    assert!(e.message().contains("expired at 1699999939.5 "), "{}", e.message());
    // A negative iat says nothing about the server's clock: the local one is used.
    let tok = format!("{}.{}.sig", b64(&json!({ "alg": "RS256" })), b64(&json!({ "iat": -5 })));
    assert_eq!(time_for_fresh_id_token(&tok, 1000, 60, None), (1000, 0));
}

/// RFC 7515 §4.1.9: `application/` is left out only of a media type with no other `/`, so it is
/// added back once to a `typ` without one; media types compare case-insensitively (RFC 2045 §5.1).
#[test]
fn typ_application_prefix_is_implied_once() {
    let rules = |typ: &str| ClaimRules { typ: Some(typ.into()), ..ClaimRules::new("https://op.example/", vec!["api".into()]) };
    let c = json!({ "iss": "https://op.example/", "aud": "api", "exp": NOW + 60 });
    let ok = |expected: &str, typ: &str| check_both(json!({ "typ": typ }), c.clone(), &rules(expected)).is_ok();
    for typ in ["at+jwt", "AT+JWT", "application/at+jwt", "APPLICATION/At+Jwt"] {
        assert!(ok("at+jwt", typ), "{typ}");
        assert!(ok("application/at+jwt", typ), "{typ}");
    }
    for typ in [
        "application/application/at+jwt",
        "Application/application/at+jwt",
        "application/",
        "text/at+jwt",
        "at+jwt/",
        "/at+jwt",
        "application/at+jwt ",
        "jwt",
        "",
    ] {
        assert!(!ok("at+jwt", typ), "{typ}");
        let e = check_both(json!({ "typ": typ }), c.clone(), &rules("at+jwt")).unwrap_err();
        assert_eq!((e.code(), e.claim.as_deref(), e.reason.as_deref()), (Code::JwtClaimValidationFailed, Some("typ"), Some("check_failed")));
    }
    assert!(ok("application/application/at+jwt", "application/application/at+jwt"));
    assert!(!ok("application/application/at+jwt", "at+jwt"));
    assert!(!ok("application/application/at+jwt", "application/at+jwt"));
}

/// RFC 6749 §3.3, RFC 8693 §4.2, RFC 9068 §2.2.3: `scope` is one string of scopes separated by
/// spaces. A tab is no separator, and a `scope` that is not a string is an invalid claim.
#[test]
fn required_scopes_are_space_separated_only() {
    let rules = ClaimRules {
        required_scopes: vec!["read:messages".into()],
        ..ClaimRules::new("https://op.example/", vec!["api".into()])
    };
    let scoped = |scope: Value| json!({ "iss": "https://op.example/", "aud": "api", "exp": NOW + 60, "scope": scope });
    let cv = Code::JwtClaimValidationFailed;
    for scope in ["read:messages", "openid read:messages", "read:messages openid", "openid  read:messages "] {
        assert!(check_both(json!({}), scoped(json!(scope)), &rules).is_ok(), "{scope:?}");
    }
    for scope in ["openid\tread:messages", "openid\nread:messages", "read:messages\u{a0}x", "read:messagesx", ""] {
        assert_eq!(fail(scoped(json!(scope)), &rules), (cv, "scope".into(), "check_failed".into()), "{scope:?}");
    }
    for scope in [json!(["read:messages"]), json!(["openid", "read:messages"]), json!(5), json!(null), json!({ "read:messages": true })] {
        assert_eq!(fail(scoped(scope.clone()), &rules), (cv, "scope".into(), "invalid".into()), "{scope}");
    }
}

/// RFC 7517 §4.3: "Duplicate key operation values MUST NOT be present in the array." Such a key
/// is invalid; in a JWK Set it is skipped with a warning, as any other invalid key.
#[test]
fn duplicate_key_ops_values_are_refused() {
    let a2 = vector("RFC 7515 A.2");
    let token = a2["token"].as_str().unwrap();
    for ops in [json!(["verify", "verify"]), json!(["verify", "sign", "verify"]), json!(["sign", "sign", "verify"])] {
        let mut k = a2["jwk"].clone();
        k["key_ops"] = ops.clone();
        let e = PublicJwk::from_json(k.as_object().unwrap()).unwrap_err();
        assert_eq!(e.code(), Code::JwkInvalid, "{ops}");
        assert!(e.message().contains("RFC 7517 §4.3"), "{}", e.message());
        let lean = PublicJwk::from_json(&json::parse_object(k.to_string().as_bytes()).unwrap()).unwrap_err();
        assert_eq!((lean.code(), lean.message()), (e.code(), e.message()));
        let (keys, warnings) = JwkSet::parse(json!({ "keys": [k] }).to_string().as_bytes()).unwrap();
        assert!(keys.keys().is_empty());
        assert_eq!(warnings.len(), 1);
        assert!(warnings[0].contains("key_ops"), "{}", warnings[0]);
        assert_eq!(code(token, &keys, &all_algs()), Code::JwksNoMatchingKey);
    }
    // Distinct values, and the same word in another case (values are case-sensitive), are fine.
    for ops in [json!(["verify"]), json!(["verify", "sign"]), json!(["verify", "Verify"]), json!([])] {
        let mut k = a2["jwk"].clone();
        k["key_ops"] = ops.clone();
        assert!(PublicJwk::from_json(k.as_object().unwrap()).is_ok(), "{ops}");
    }
}

/// RFC 9068 §2.2: a JWT access token carries `iss`, `exp`, `aud`, `sub`, `client_id`, `iat` and
/// `jti`. The verifier option `profile: 'rfc9068'` requires them (and `typ` `at+jwt`, §4);
/// `typ: 'at+jwt'` implies it unless `profile: 'jwt'` says otherwise.
#[test]
fn rfc9068_profile_requires_its_claims() {
    let base = json!({ "issuer": "https://op.example/", "audience": "https://api.example" });
    let opts = |extra: Value| {
        let mut o = base.clone();
        o.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        o
    };
    let full = json!({ "iss": "https://op.example/", "exp": NOW + 60, "aud": "https://api.example", "sub": "u",
        "client_id": "spa", "iat": NOW, "jti": "j1", "scope": "read:messages" });
    let without = |k: &str| {
        let mut c = full.clone();
        c.as_object_mut().unwrap().remove(k);
        c
    };
    let with = |k: &str, v: Value| {
        let mut c = full.clone();
        c[k] = v;
        c
    };
    let cv = Code::JwtClaimValidationFailed;
    let outcome = |e: oidc_wasm::Error| (e.code(), e.claim.clone().unwrap_or_default(), e.reason.clone().unwrap_or_default());
    for extra in [
        json!({ "typ": "at+jwt" }),
        json!({ "typ": "application/at+jwt" }),
        json!({ "profile": "rfc9068" }),
        json!({ "profile": "rfc9068", "typ": "AT+JWT" }),
    ] {
        let v = verifier(opts(extra.clone())).unwrap();
        assert!(judge(&v, Some("at+jwt"), &full).is_ok(), "{extra}");
        for k in ["iss", "exp", "aud", "sub", "client_id", "iat", "jti"] {
            assert_eq!(outcome(judge(&v, Some("at+jwt"), &without(k)).unwrap_err()), (cv, k.into(), "missing".into()), "{extra} {k}");
        }
        for k in ["sub", "client_id", "jti"] {
            assert_eq!(outcome(judge(&v, Some("at+jwt"), &with(k, json!(5))).unwrap_err()), (cv, k.into(), "invalid".into()), "{extra} {k}");
        }
        // RFC 9068 §4 step 1: the profile checks typ.
        assert_eq!(outcome(judge(&v, Some("JWT"), &full).unwrap_err()), (cv, "typ".into(), "check_failed".into()), "{extra}");
    }
    // Without the profile, none of these is required.
    for extra in [json!({}), json!({ "typ": "at+jwt", "profile": "jwt" }), json!({ "profile": null })] {
        let v = verifier(opts(extra.clone())).unwrap();
        for k in ["sub", "client_id", "iat", "jti"] {
            assert!(judge(&v, Some("at+jwt"), &without(k)).is_ok(), "{extra} {k}");
        }
    }
    for extra in [
        json!({ "profile": "RFC9068" }),
        json!({ "profile": "rfc 9068" }),
        json!({ "profile": "" }),
        json!({ "profile": 9068 }),
        json!({ "profile": ["rfc9068"] }),
        json!({ "profile": "rfc9068", "typ": "JWT" }),
        json!({ "profile": "rfc9068", "typ": "application/application/at+jwt" }),
    ] {
        assert_eq!(verifier(opts(extra.clone())).unwrap_err().code(), Code::ConfigInvalidOption, "{extra}");
    }
}
