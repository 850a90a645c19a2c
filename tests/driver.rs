//! The client's flows as the host drives them (src/driver.rs): each step named, performed here
//! with canned answers, in the manner of quinn's paired-endpoint tests. Several flows of one
//! client run side by side; ID tokens are signed here with a P-256 key.

mod support;

use oidc_wasm::authorize::{parse_callback_url, AuthorizeParams, AuthorizeRandom, LoginTransaction};
use oidc_wasm::config::{ClientConfig, ClientOptions};
use oidc_wasm::driver::{Client, Flow, Op, Step};
use oidc_wasm::http::{fetch_failure, HttpRequest, HttpResponse, Method};
use oidc_wasm::Code;
use serde_json::{json, Value};
use support::{jwk, jwks};

const NOW: u64 = 1_700_000_000;
const ISSUER: &str = "https://op.example";
const JWKS: &str = "https://op.example/jwks";

fn id_token(seed: u8, kid: &str, claims: Value) -> String {
    support::es256(seed, kid, claims)
}

fn claims(nonce: Option<&str>, sub: &str) -> Value {
    let mut c = json!({ "iss": ISSUER, "aud": "spa", "sub": sub, "iat": NOW, "exp": NOW + 600 });
    if let Some(n) = nonce {
        c["nonce"] = n.into();
    }
    c
}

fn discovery() -> HttpResponse {
    HttpResponse::new(
        200,
        json!({ "issuer": ISSUER, "authorization_endpoint": "https://op.example/authorize",
            "token_endpoint": "https://op.example/token", "jwks_uri": JWKS,
            "userinfo_endpoint": "https://op.example/me", "revocation_endpoint": "https://op.example/revoke",
            "id_token_signing_alg_values_supported": ["ES256", "RS256"] })
        .to_string(),
    )
}

fn tokens(id_token: Option<String>) -> HttpResponse {
    let mut b = json!({ "access_token": "at-1", "token_type": "Bearer", "expires_in": 3600, "refresh_token": "rt-1", "scope": "openid profile" });
    if let Some(t) = id_token {
        b["id_token"] = t.into();
    }
    HttpResponse::new(200, b.to_string())
}

fn client() -> Client {
    let o = json!({ "issuer": ISSUER, "clientId": "spa", "authorizationParams": { "redirect_uri": "https://app.example/cb" } });
    Client::new(ClientConfig::new(ClientOptions::from_json(o.as_object().unwrap()).unwrap()).unwrap(), 60, 10_000)
}

/// The request of a `Send` step, or a panic naming what came instead.
fn sent(step: Step) -> HttpRequest {
    match step {
        Step::Send(r) => r,
        other => panic!("expected a request, got {other:?}"),
    }
}

fn done(step: Step) -> Value {
    match step {
        Step::Done(v) => v,
        other => panic!("expected the end, got {other:?}"),
    }
}

fn failed(step: Step) -> Code {
    match step {
        Step::Fail(e) => e.code(),
        other => panic!("expected a failure, got {other:?}"),
    }
}

/// A login by redirect up to the callback: the transaction, and the callback URL with a code.
fn login(c: &mut Client) -> (LoginTransaction, String) {
    let mut f = c.start(Op::AuthorizeUrl { params: AuthorizeParams::default(), random: AuthorizeRandom::from_bytes(&[3; 96]) });
    let out = match f.poll(c, NOW) {
        Step::Send(r) => {
            assert!(r.url.ends_with("/.well-known/openid-configuration"));
            f.response(c, discovery(), NOW);
            done(f.poll(c, NOW))
        }
        // The metadata is known: the URL is built with no request.
        other => done(other),
    };
    let tx = LoginTransaction::from_json(&out["transaction"]).unwrap();
    assert!(out["url"].as_str().unwrap().starts_with("https://op.example/authorize?"));
    let cb = format!("https://app.example/cb?code=c0de&state={}", tx.state);
    (tx, cb)
}

fn callback(c: &mut Client, tx: LoginTransaction, url: &str) -> Flow {
    c.start(Op::Callback { params: parse_callback_url(url).unwrap(), transaction: tx })
}

#[test]
fn a_login_by_redirect_names_each_request_then_hands_the_signature_to_the_platform() {
    let mut c = client();
    c.set_platform_crypto(true);
    let (tx, url) = login(&mut c);
    let nonce = tx.nonce.clone();
    let mut f = callback(&mut c, tx, &url);
    // The metadata is known: the code exchange comes first.
    let r = sent(f.poll(&mut c, NOW));
    assert_eq!((r.method, r.url.as_str()), (Method::Post, "https://op.example/token"));
    assert!(r.body.as_deref().unwrap().contains("code=c0de"));
    f.response(&mut c, tokens(Some(id_token(1, "k1", claims(Some(&nonce), "alice")))), NOW);
    // Then the keys, then the signature.
    let r = sent(f.poll(&mut c, NOW));
    assert_eq!(r.url, JWKS);
    f.response(&mut c, jwks(&[(1, "k1")]), NOW);
    let check = match f.poll(&mut c, NOW) {
        Step::CheckSignature(check) => check,
        other => panic!("expected a signature check, got {other:?}"),
    };
    assert_eq!(check.alg.name(), "ES256");
    assert_eq!((check.signature.len(), serde_json::from_str::<Value>(&check.jwk).unwrap()["x"].clone()), (64, jwk(1, "k1")["x"].clone()));
    // The platform says yes: the claims are checked and the result given.
    f.signature(&mut c, Some(true), NOW);
    let out = done(f.poll(&mut c, NOW));
    assert_eq!(out["id_token_claims"]["sub"], "alice");
    assert_eq!(out["refresh_token"], "rt-1");
    assert_eq!(out["expires_at"], NOW + 3600);
}

#[test]
fn the_platform_saying_no_fails_and_a_platform_that_cannot_decide_leaves_it_to_the_crate() {
    for (answer, expect) in [(Some(false), Some(Code::JwsSignatureVerificationFailed)), (None, None)] {
        let mut c = client();
        c.set_platform_crypto(true);
        let (tx, url) = login(&mut c);
        let token = id_token(1, "k1", claims(Some(&tx.nonce), "alice"));
        let mut f = callback(&mut c, tx, &url);
        sent(f.poll(&mut c, NOW));
        f.response(&mut c, tokens(Some(token)), NOW);
        sent(f.poll(&mut c, NOW));
        f.response(&mut c, jwks(&[(1, "k1")]), NOW);
        assert!(matches!(f.poll(&mut c, NOW), Step::CheckSignature(_)));
        f.signature(&mut c, answer, NOW);
        match expect {
            Some(code) => assert_eq!(failed(f.poll(&mut c, NOW)), code),
            None => assert_eq!(done(f.poll(&mut c, NOW))["id_token_claims"]["sub"], "alice", "the crate's own check"),
        }
    }
    // A token signed by another key: the platform cannot decide, the crate refuses it.
    let mut c = client();
    c.set_platform_crypto(true);
    let (tx, url) = login(&mut c);
    let forged = id_token(9, "k1", claims(Some(&tx.nonce), "mallory"));
    let mut f = callback(&mut c, tx, &url);
    sent(f.poll(&mut c, NOW));
    f.response(&mut c, tokens(Some(forged)), NOW);
    sent(f.poll(&mut c, NOW));
    f.response(&mut c, jwks(&[(1, "k1")]), NOW);
    assert!(matches!(f.poll(&mut c, NOW), Step::CheckSignature(_)));
    f.signature(&mut c, None, NOW);
    assert_eq!(failed(f.poll(&mut c, NOW)), Code::JwsSignatureVerificationFailed);
}

#[test]
fn without_platform_crypto_the_flow_checks_the_signature_itself() {
    let mut c = client();
    let (tx, url) = login(&mut c);
    let token = id_token(1, "k1", claims(Some("wrong-nonce"), "alice"));
    let mut f = callback(&mut c, tx, &url);
    sent(f.poll(&mut c, NOW));
    f.response(&mut c, tokens(Some(token)), NOW);
    sent(f.poll(&mut c, NOW));
    f.response(&mut c, jwks(&[(1, "k1")]), NOW);
    // No CheckSignature step: the signature holds, the nonce does not (OIDC Core §3.1.3.7 step 11).
    match f.poll(&mut c, NOW) {
        Step::Fail(e) => assert_eq!((e.code(), e.claim.as_deref()), (Code::JwtClaimValidationFailed, Some("nonce"))),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_callback_without_an_id_token_or_with_a_forged_state_fails_with_its_code() {
    let mut c = client();
    let (tx, url) = login(&mut c);
    let mut f = callback(&mut c, tx, &url);
    sent(f.poll(&mut c, NOW));
    f.response(&mut c, tokens(None), NOW);
    assert_eq!(failed(f.poll(&mut c, NOW)), Code::ResponseInvalid, "OIDC Core §3.1.3.3");

    let (tx, _) = login(&mut c);
    let mut f = callback(&mut c, tx, "https://app.example/cb?code=c0de&state=forged");
    assert_eq!(failed(f.poll(&mut c, NOW)), Code::CallbackStateMismatch, "no request is made");
    // An ended flow says so instead of starting again.
    assert_eq!(failed(f.poll(&mut c, NOW)), Code::Internal);
}

#[test]
fn flows_side_by_side_share_one_discovery_and_one_jwks_fetch() {
    let mut c = client();
    c.set_platform_crypto(false);
    let mut a = c.start(Op::Refresh { refresh_token: "rt-a".into(), scope: None, audience: None, expected_sub: Some("alice".into()) });
    let mut b = c.start(Op::Refresh { refresh_token: "rt-b".into(), scope: None, audience: Some("api".into()), expected_sub: Some("alice".into()) });
    sent(a.poll(&mut c, NOW));
    assert!(matches!(b.poll(&mut c, NOW), Step::Wait), "a is discovering for both");
    a.response(&mut c, discovery(), NOW);
    let ra = sent(a.poll(&mut c, NOW));
    let rb = sent(b.poll(&mut c, NOW));
    assert!(ra.body.as_deref().unwrap().contains("refresh_token=rt-a"));
    assert!(rb.body.as_deref().unwrap().contains("audience=api"));
    let t = id_token(1, "k1", claims(None, "alice"));
    a.response(&mut c, tokens(Some(t.clone())), NOW);
    b.response(&mut c, tokens(Some(t)), NOW);
    assert_eq!(sent(a.poll(&mut c, NOW)).url, JWKS);
    assert!(matches!(b.poll(&mut c, NOW), Step::Wait), "a is fetching the keys for both");
    a.response(&mut c, jwks(&[(1, "k1")]), NOW);
    assert_eq!(done(a.poll(&mut c, NOW))["id_token_claims"]["sub"], "alice");
    assert_eq!(done(b.poll(&mut c, NOW))["id_token_claims"]["sub"], "alice", "b used the keys a fetched");
}

#[test]
fn an_abandoned_flow_leaves_its_fetch_to_the_next_one() {
    let mut c = client();
    let mut a = c.start(Op::Discover);
    let mut b = c.start(Op::Discover);
    sent(a.poll(&mut c, NOW));
    assert!(matches!(b.poll(&mut c, NOW), Step::Wait));
    c.abandon(&a);
    drop(a);
    sent(b.poll(&mut c, NOW));
    b.response(&mut c, discovery(), NOW);
    assert_eq!(done(b.poll(&mut c, NOW))["issuer"], ISSUER);
}

#[test]
fn a_refreshed_id_token_for_someone_else_is_refused() {
    let mut c = client();
    let mut f = c.start(Op::Refresh { refresh_token: "rt".into(), scope: None, audience: None, expected_sub: Some("alice".into()) });
    sent(f.poll(&mut c, NOW));
    f.response(&mut c, discovery(), NOW);
    sent(f.poll(&mut c, NOW));
    f.response(&mut c, tokens(Some(id_token(1, "k1", claims(None, "mallory")))), NOW);
    sent(f.poll(&mut c, NOW));
    f.response(&mut c, jwks(&[(1, "k1")]), NOW);
    match f.poll(&mut c, NOW) {
        Step::Fail(e) => assert_eq!(e.claim.as_deref(), Some("sub"), "OIDC Core §12.2"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_jwks_endpoint_that_is_down_or_lies_fails_the_flow_then_the_keys_held_are_kept() {
    let mut c = client();
    let refresh = |c: &mut Client| c.start(Op::Refresh { refresh_token: "rt".into(), scope: None, audience: None, expected_sub: None });
    let mut f = refresh(&mut c);
    sent(f.poll(&mut c, NOW));
    f.response(&mut c, discovery(), NOW);
    sent(f.poll(&mut c, NOW));
    f.response(&mut c, tokens(Some(id_token(1, "k1", claims(None, "alice")))), NOW);
    sent(f.poll(&mut c, NOW));
    f.failure(&mut c, fetch_failure(JWKS, "TypeError", "Failed to fetch", 10_000), NOW);
    assert_eq!(failed(f.poll(&mut c, NOW)), Code::Network);
    // Within the cooldown no second fetch: the last failure is the answer.
    let mut f = refresh(&mut c);
    sent(f.poll(&mut c, NOW));
    f.response(&mut c, tokens(Some(id_token(1, "k1", claims(None, "alice")))), NOW);
    assert_eq!(failed(f.poll(&mut c, NOW)), Code::Network);
    // After it, a fetch; the endpoint lies (not JSON): that error, with the status.
    let later = NOW + 31;
    let mut f = refresh(&mut c);
    sent(f.poll(&mut c, later));
    f.response(&mut c, tokens(Some(id_token(1, "k1", claims(None, "alice")))), later);
    sent(f.poll(&mut c, later));
    f.response(&mut c, HttpResponse::new(200, "<html>"), later);
    assert_eq!(failed(f.poll(&mut c, later)), Code::ResponseNotJson);
    // Keys at last; then the endpoint fails again past their max age: the keys held still verify.
    let t = NOW + 62;
    let mut f = refresh(&mut c);
    sent(f.poll(&mut c, t));
    f.response(&mut c, tokens(Some(id_token(1, "k1", claims(None, "alice")))), t);
    sent(f.poll(&mut c, t));
    f.response(&mut c, jwks(&[(1, "k1")]), t);
    done(f.poll(&mut c, t));
    let stale = t + 700;
    let mut f = refresh(&mut c);
    sent(f.poll(&mut c, stale));
    f.response(&mut c, tokens(Some(id_token(1, "k1", json!({ "iss": ISSUER, "aud": "spa", "sub": "alice", "iat": stale, "exp": stale + 60 })))), stale);
    assert_eq!(sent(f.poll(&mut c, stale)).url, JWKS, "stale keys: refetched");
    f.response(&mut c, HttpResponse::new(503, "busy"), stale);
    assert_eq!(done(f.poll(&mut c, stale))["id_token_claims"]["sub"], "alice", "stale-if-error");
}

#[test]
fn network_failures_and_timeouts_keep_their_codes() {
    let mut c = client();
    let mut f = c.start(Op::Discover);
    sent(f.poll(&mut c, NOW));
    f.failure(&mut c, fetch_failure("u", "TimeoutError", "signal timed out", 10_000), NOW);
    assert_eq!(failed(f.poll(&mut c, NOW)), Code::Timeout);
    // Nothing was kept: the next flow discovers again.
    let mut f = c.start(Op::Discover);
    sent(f.poll(&mut c, NOW));
    f.response(&mut c, discovery(), NOW);
    done(f.poll(&mut c, NOW));
}

#[test]
fn operations_without_a_request_of_their_own_end_after_discovery() {
    let mut c = client();
    let mut f = c.start(Op::LogoutUrl(oidc_wasm::logout::LogoutParams { return_to: Some("https://app.example/".into()), ..Default::default() }));
    sent(f.poll(&mut c, NOW));
    f.response(&mut c, HttpResponse::new(200, discovery().body.replace("\"jwks_uri\"", "\"end_session_endpoint\":\"https://op.example/logout\",\"jwks_uri\"")), NOW);
    let url = done(f.poll(&mut c, NOW));
    assert!(url.as_str().unwrap().starts_with("https://op.example/logout?client_id=spa"));
    // Userinfo: the sub must match the ID token's (OIDC Core §5.3.2).
    let mut f = c.start(Op::Userinfo { access_token: "at".into(), expected_sub: "alice".into() });
    let r = sent(f.poll(&mut c, NOW));
    assert_eq!(r.header("authorization"), Some("Bearer at"));
    f.response(&mut c, HttpResponse::new(200, r#"{"sub":"bob"}"#), NOW);
    assert_eq!(failed(f.poll(&mut c, NOW)), Code::JwtClaimValidationFailed);
}
