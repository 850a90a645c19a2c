//! The login flow through the core, step by step, with canned HTTP answers. The same flow runs
//! against the real local provider in tests/e2e.

use oidc_wasm::authorize::{
    authorization_request, from_pairs, parse_callback_url, validate_callback, AuthorizeParams, AuthorizeRandom,
    LoginTransaction,
};
use oidc_wasm::config::{ClientConfig, ClientOptions};
use oidc_wasm::discovery::{process_discovery_response, ProviderMetadata};
use oidc_wasm::http::{HttpResponse, Method};
use oidc_wasm::pkce::CodeVerifier;
use oidc_wasm::token::{authorization_code_grant_request, process_token_response};
use oidc_wasm::Code;
use serde_json::{json, Value};

const NOW: u64 = 1_700_000_000;

fn config(extra: Value) -> ClientConfig {
    let mut v = json!({"issuer": "https://op.example", "clientId": "spa-client",
        "authorizationParams": {"redirect_uri": "https://app.example/callback"}});
    if let (Some(o), Value::Object(e)) = (v.as_object_mut(), extra) {
        o.extend(e);
    }
    ClientConfig::new(ClientOptions::from_json(v.as_object().unwrap()).unwrap()).unwrap()
}

fn metadata(cfg: &ClientConfig, iss_supported: bool) -> ProviderMetadata {
    let doc = json!({
        "issuer": "https://op.example",
        "authorization_endpoint": "https://op.example/authorize",
        "token_endpoint": "https://op.example/oauth/token",
        "jwks_uri": "https://op.example/.well-known/jwks.json",
        "authorization_response_iss_parameter_supported": iss_supported
    });
    process_discovery_response(cfg, &HttpResponse::new(200, doc.to_string())).unwrap()
}

fn random() -> AuthorizeRandom {
    let mut b = [0u8; 96];
    for (i, x) in b.iter_mut().enumerate() {
        *x = i as u8;
    }
    AuthorizeRandom::from_bytes(&b)
}

fn params(v: Value) -> AuthorizeParams {
    AuthorizeParams::from_json(v.as_object().unwrap()).unwrap()
}

fn query(url: &str) -> Vec<(String, String)> {
    oidc_wasm::url::Url::parse(url).unwrap().query_pairs()
}

fn get<'a>(q: &'a [(String, String)], k: &str) -> Option<&'a str> {
    q.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str())
}

#[test]
fn pkce_rfc7636_appendix_b() {
    let v: Value = serde_json::from_str(include_str!("vectors/rfc7636-appendix-b.json")).unwrap();
    let octets: Vec<u8> = v["verifier_octets"].as_array().unwrap().iter().map(|n| n.as_u64().unwrap() as u8).collect();
    let verifier = CodeVerifier::from_random(&octets.try_into().unwrap());
    assert_eq!(verifier.expose_secret(), v["code_verifier"]);
    assert_eq!(verifier.s256_challenge(), v["code_challenge"]);
    let again = CodeVerifier::from_string(v["code_verifier"].as_str().unwrap().into()).unwrap();
    assert_eq!(again.s256_challenge(), v["code_challenge"]);
}

#[test]
fn authorize_url_carries_every_auth0_parameter() {
    let cfg = config(json!({}));
    let meta = metadata(&cfg, false);
    let p = params(json!({
        "scope": "profile offline_access", "audience": "https://api.example", "connection": "google-oauth2",
        "organization": "org_123", "invitation": "inv_1", "prompt": "login", "max_age": 300,
        "screen_hint": "signup", "login_hint": "alice@example.com", "ui_locales": "fr-CA fr",
        "acr_values": "http://schemas.openid.net/pape/policies/2007/06/multi-factor",
        "response_mode": "query", "custom_param": "x y", "ext-flag": true
    }));
    let req = authorization_request(&cfg, &meta, &p, &random(), NOW).unwrap();
    let q = query(&req.url);
    assert!(req.url.starts_with("https://op.example/authorize?"));
    let expect = [
        ("client_id", "spa-client"),
        ("response_type", "code"),
        ("redirect_uri", "https://app.example/callback"),
        ("scope", "openid profile offline_access"),
        ("code_challenge_method", "S256"),
        ("audience", "https://api.example"),
        ("connection", "google-oauth2"),
        ("organization", "org_123"),
        ("invitation", "inv_1"),
        ("prompt", "login"),
        ("max_age", "300"),
        ("screen_hint", "signup"),
        ("login_hint", "alice@example.com"),
        ("ui_locales", "fr-CA fr"),
        ("acr_values", "http://schemas.openid.net/pape/policies/2007/06/multi-factor"),
        ("response_mode", "query"),
        ("custom_param", "x y"),
        ("ext-flag", "true"),
    ];
    for (k, v) in expect {
        assert_eq!(get(&q, k), Some(v), "{k}");
    }
    let t = &req.transaction;
    assert_eq!(get(&q, "state"), Some(t.state.as_str()));
    assert_eq!(get(&q, "nonce"), Some(t.nonce.as_str()));
    assert_eq!(get(&q, "code_challenge"), Some(t.code_verifier.s256_challenge().as_str()));
    assert_eq!(t.code_verifier.expose_secret().len(), 43);
    assert_ne!(t.state, t.nonce);
    assert_eq!(t.max_age, Some(300));
    assert_eq!(t.audience.as_deref(), Some("https://api.example"));
    assert_eq!(t.created_at, NOW);
    // No parameter appears twice.
    let mut names: Vec<&str> = q.iter().map(|(k, _)| k.as_str()).collect();
    names.sort();
    let n = names.len();
    names.dedup();
    assert_eq!(n, names.len());
}

#[test]
fn defaults_merge_and_openid_is_always_requested() {
    let cfg = config(json!({"authorizationParams": {"redirect_uri": "https://app.example/callback",
        "audience": "https://default.api", "scope": "email"}}));
    let meta = metadata(&cfg, false);
    let req = authorization_request(&cfg, &meta, &params(json!({"audience": "https://other.api"})), &random(), NOW).unwrap();
    let q = query(&req.url);
    assert_eq!(get(&q, "audience"), Some("https://other.api"));
    assert_eq!(get(&q, "scope"), Some("openid email"));
    let req = authorization_request(&cfg, &meta, &AuthorizeParams::default(), &random(), NOW).unwrap();
    assert_eq!(get(&query(&req.url), "audience"), Some("https://default.api"));
    let cfg = config(json!({}));
    let req = authorization_request(&cfg, &meta, &AuthorizeParams::default(), &random(), NOW).unwrap();
    assert_eq!(get(&query(&req.url), "scope"), Some("openid profile email"));
}

#[test]
fn reserved_and_missing_parameters_are_refused() {
    for k in ["state", "nonce", "code_challenge", "code_challenge_method", "client_id", "response_type"] {
        let mut m = serde_json::Map::new();
        m.insert(k.into(), "x".into());
        assert_eq!(AuthorizeParams::from_json(&m).unwrap_err().code(), Code::InvalidArgument, "{k}");
    }
    assert_eq!(
        AuthorizeParams::from_json(json!({"max_age": "soon"}).as_object().unwrap()).unwrap_err().code(),
        Code::InvalidArgument
    );
    let cfg = ClientConfig::new(ClientOptions {
        issuer: Some("https://op.example".into()),
        client_id: Some("c".into()),
        ..Default::default()
    })
    .unwrap();
    let meta = metadata(&cfg, false);
    let e = authorization_request(&cfg, &meta, &AuthorizeParams::default(), &random(), NOW).unwrap_err();
    assert_eq!(e.code(), Code::InvalidArgument);
    let e = authorization_request(&cfg, &meta, &params(json!({"redirect_uri": "http://evil.example/cb"})), &random(), NOW)
        .unwrap_err();
    assert_eq!(e.code(), Code::ConfigInvalidRedirectUri);
}

fn login(iss_supported: bool) -> (ClientConfig, ProviderMetadata, LoginTransaction) {
    let cfg = config(json!({}));
    let meta = metadata(&cfg, iss_supported);
    let req = authorization_request(&cfg, &meta, &AuthorizeParams::default(), &random(), NOW).unwrap();
    (cfg, meta, req.transaction)
}

fn callback(url: &str, t: &LoginTransaction, m: &ProviderMetadata) -> Result<String, oidc_wasm::Error> {
    validate_callback(&parse_callback_url(url)?, t, m)
}

#[test]
fn callback_success_query_and_fragment() {
    let (_, meta, t) = login(false);
    let s = &t.state;
    assert_eq!(callback(&format!("https://app.example/callback?code=C1&state={s}"), &t, &meta).unwrap(), "C1");
    assert_eq!(callback(&format!("https://app.example/callback#code=C2&state={s}"), &t, &meta).unwrap(), "C2");
}

#[test]
fn callback_state_is_checked_before_anything_else() {
    let (_, meta, t) = login(false);
    let cases = [
        "https://app.example/callback?code=C",
        "https://app.example/callback?code=C&state=other",
        "https://app.example/callback?error=access_denied&state=other",
    ];
    for url in cases {
        assert_eq!(callback(url, &t, &meta).unwrap_err().code(), Code::CallbackStateMismatch, "{url}");
    }
}

#[test]
fn callback_errors_carry_the_servers_words() {
    let (_, meta, t) = login(false);
    let url = format!("https://app.example/callback?error=login_required&error_description=Login%20required&state={}", t.state);
    let e = callback(&url, &t, &meta).unwrap_err();
    assert_eq!(e.code(), Code::LoginRequired);
    assert_eq!(e.error.as_deref(), Some("login_required"));
    assert_eq!(e.error_description.as_deref(), Some("Login required"));
    let url = format!("https://app.example/callback?error=access_denied&state={}", t.state);
    assert_eq!(callback(&url, &t, &meta).unwrap_err().code(), Code::OAuthError);
    let url = format!("https://app.example/callback?state={}", t.state);
    assert_eq!(callback(&url, &t, &meta).unwrap_err().code(), Code::CallbackInvalid);
    let url = format!("https://app.example/callback?code=a&code=b&state={}", t.state);
    assert_eq!(callback(&url, &t, &meta).unwrap_err().code(), Code::CallbackInvalid);
    assert_eq!(callback("not a url", &t, &meta).unwrap_err().code(), Code::InvalidArgument);
}

#[test]
fn callback_iss_rfc9207() {
    let (_, meta, t) = login(true);
    let s = &t.state;
    let ok = format!("https://app.example/callback?code=C&state={s}&iss=https%3A%2F%2Fop.example");
    assert_eq!(callback(&ok, &t, &meta).unwrap(), "C");
    let missing = format!("https://app.example/callback?code=C&state={s}");
    assert_eq!(callback(&missing, &t, &meta).unwrap_err().code(), Code::CallbackIssuerMismatch);
    let wrong = format!("https://app.example/callback?code=C&state={s}&iss=https%3A%2F%2Fevil.example");
    assert_eq!(callback(&wrong, &t, &meta).unwrap_err().code(), Code::CallbackIssuerMismatch);
    // Not announced: optional, but checked when present.
    let (_, meta, t) = login(false);
    let wrong = format!("https://app.example/callback?code=C&state={}&iss=https%3A%2F%2Fevil.example", t.state);
    assert_eq!(callback(&wrong, &t, &meta).unwrap_err().code(), Code::CallbackIssuerMismatch);
    // form_post / web_message responses arrive as pairs.
    let p = from_pairs(vec![("code".into(), "C".into()), ("state".into(), t.state.clone())]).unwrap();
    assert_eq!(validate_callback(&p, &t, &meta).unwrap(), "C");
}

#[test]
fn transaction_round_trips_through_json() {
    let (_, _, t) = login(false);
    let back = LoginTransaction::from_json(&t.to_json()).unwrap();
    assert_eq!(back, t);
    assert!(!format!("{t:?}").contains(t.code_verifier.expose_secret()));
    let mut broken = t.to_json();
    broken["code_verifier"] = json!("short");
    assert_eq!(LoginTransaction::from_json(&broken).unwrap_err().code(), Code::InvalidArgument);
    assert_eq!(LoginTransaction::from_json(&json!({})).unwrap_err().code(), Code::InvalidArgument);
}

#[test]
fn code_grant_request_rfc6749_4_1_3() {
    let (cfg, meta, t) = login(false);
    let req = authorization_code_grant_request(&meta, cfg.client_id(), "the code", &t);
    assert_eq!(req.method, Method::Post);
    assert_eq!(req.url, "https://op.example/oauth/token");
    assert_eq!(req.header("content-type"), Some("application/x-www-form-urlencoded"));
    let body: Vec<(String, String)> = form_urlencoded_pairs(req.body.as_deref().unwrap());
    assert_eq!(get(&body, "grant_type"), Some("authorization_code"));
    assert_eq!(get(&body, "code"), Some("the code"));
    assert_eq!(get(&body, "client_id"), Some("spa-client"));
    assert_eq!(get(&body, "redirect_uri"), Some("https://app.example/callback"));
    assert_eq!(get(&body, "code_verifier"), Some(t.code_verifier.expose_secret()));
}

fn form_urlencoded_pairs(s: &str) -> Vec<(String, String)> {
    oidc_wasm::url::Url::parse(&format!("https://x.example/?{s}")).unwrap().query_pairs()
}

#[test]
fn token_response_rfc6749_5_1() {
    let body = json!({"access_token": "AT", "token_type": "bearer", "expires_in": 86400, "refresh_token": "RT",
        "id_token": "a.b.c", "scope": "openid offline_access", "custom": 1});
    let t = process_token_response(&HttpResponse::new(200, body.to_string()), NOW).unwrap();
    assert_eq!(t.access_token, "AT");
    assert_eq!(t.expires_at, Some(NOW + 86400));
    assert_eq!(t.refresh_token.as_deref(), Some("RT"));
    assert_eq!(t.id_token.as_deref(), Some("a.b.c"));
    assert_eq!(t.to_json()["custom"], 1);
    assert_eq!(t.to_json()["expires_at"], NOW + 86400);
    assert!(!format!("{t:?}").contains("AT\""));
}

#[test]
fn token_response_refusals_and_breakage() {
    let err = |status: u16, body: Value| process_token_response(&HttpResponse::new(status, body.to_string()), NOW).unwrap_err();
    let e = err(400, json!({"error": "invalid_grant", "error_description": "Invalid authorization code"}));
    assert_eq!((e.code(), e.status), (Code::OAuthError, Some(400)));
    assert_eq!(e.error_description.as_deref(), Some("Invalid authorization code"));
    let e = err(403, json!({"error": "mfa_required", "error_description": "Multifactor authentication required", "mfa_token": "M"}));
    assert_eq!(e.code(), Code::MfaRequired);
    assert_eq!(err(200, json!({"error": "invalid_request"})).code(), Code::OAuthError);
    assert_eq!(err(500, json!("oops")).code(), Code::UnexpectedStatus);
    assert_eq!(err(200, json!({"token_type": "Bearer"})).code(), Code::ResponseInvalid);
    assert_eq!(err(200, json!({"access_token": "A"})).code(), Code::ResponseInvalid);
    assert_eq!(err(200, json!({"access_token": "A", "token_type": "mac"})).code(), Code::ResponseInvalid);
    assert_eq!(err(200, json!({"access_token": "A", "token_type": "Bearer", "expires_in": -1})).code(), Code::ResponseInvalid);
    assert_eq!(err(200, json!({"access_token": 5, "token_type": "Bearer"})).code(), Code::ResponseInvalid);
    let e = process_token_response(&HttpResponse::new(200, "<html>"), NOW).unwrap_err();
    assert_eq!(e.code(), Code::ResponseNotJson);
}
