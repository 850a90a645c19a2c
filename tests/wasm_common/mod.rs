//! The wasm layer's tests, shared by the Node run (tests/wasm_node.rs) and the headless Chromium
//! run (tests/wasm_browser.rs): the real fetch, clock and random source of each runtime.
//! `OIDC_WASM_TEST_ISSUER` (set at compile time by scripts/test.sh) points at the local provider.

use oidc_wasm::wasm::{
    create_pkce_pair, decode_jwt_unverified, error_codes, parse_callback_url, pkce_challenge, WasmClient, WasmFlow, WasmVerifier,
};
use serde_json::Value;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

const ISSUER: Option<&str> = option_env!("OIDC_WASM_TEST_ISSUER");

fn code_of(e: JsValue) -> String {
    js_sys::Reflect::get(&e, &JsValue::from_str("code")).ok().and_then(|c| c.as_string()).unwrap_or_default()
}

fn json(s: &str) -> Value {
    serde_json::from_str(s).unwrap()
}

#[wasm_bindgen_test]
fn pkce_uses_the_runtime_csprng() {
    let a = json(&create_pkce_pair().unwrap());
    let b = json(&create_pkce_pair().unwrap());
    assert_ne!(a["code_verifier"], b["code_verifier"]);
    assert_eq!(a["code_verifier"].as_str().unwrap().len(), 43);
    assert_eq!(pkce_challenge(a["code_verifier"].as_str().unwrap().into()).unwrap(), a["code_challenge"].as_str().unwrap());
}

#[wasm_bindgen_test]
fn errors_cross_as_objects_with_codes() {
    assert_eq!(code_of(decode_jwt_unverified("a.b").unwrap_err()), "ERR_JWT_MALFORMED");
    assert_eq!(code_of(parse_callback_url("nope").unwrap_err()), "ERR_INVALID_ARGUMENT");
    let e = WasmClient::new(r#"{"issuer":"http://op.example","clientId":"c"}"#).err().unwrap();
    assert_eq!(code_of(e.clone()), "ERR_CONFIG_INSECURE_ISSUER");
    let kind = js_sys::Reflect::get(&e, &JsValue::from_str("kind")).unwrap().as_string().unwrap();
    assert_eq!(kind, "config");
    assert_eq!(code_of(WasmClient::new("{not json").err().unwrap()), "ERR_INVALID_ARGUMENT");
    assert_eq!(json(&error_codes())["ERR_NETWORK"], "network");
}

/// A flow as the JavaScript layer drives it: each request it names made with the runtime's
/// fetch and its answer handed back, until it ends. (No signature step: the client checks
/// signatures itself unless told the platform does.)
async fn run(mut flow: WasmFlow) -> Result<String, JsValue> {
    use wasm_bindgen::JsCast;
    loop {
        let kind = flow.next_step()?;
        // The step as the module describes it in its memory (see `Head` in src/wasm/mod.rs).
        // SAFETY: flowHead() is the address of ten u32s, and its text range points at a string
        // the flow keeps until the next call into it.
        let text = unsafe {
            let h = *(oidc_wasm::wasm::flow_head() as usize as *const [u32; 10]);
            String::from_utf8(std::slice::from_raw_parts(h[8] as usize as *const u8, h[9] as usize).to_vec()).unwrap()
        };
        match kind {
            0 => return Ok(text),
            1 => {
                let req = json(&text);
                let init = js_sys::Object::new();
                let set = |k: &str, v: &JsValue| js_sys::Reflect::set(&init, &JsValue::from_str(k), v).unwrap();
                set("method", &JsValue::from_str(req["method"].as_str().unwrap()));
                set("headers", &js_sys::JSON::parse(&req["headers"].to_string()).unwrap());
                if let Some(b) = req["body"].as_str() {
                    set("body", &JsValue::from_str(b));
                }
                let url = req["url"].as_str().unwrap();
                let f: js_sys::Function = js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("fetch")).unwrap().into();
                let pending: js_sys::Promise = f.call2(&JsValue::UNDEFINED, &JsValue::from_str(url), &init).unwrap().into();
                match wasm_bindgen_futures::JsFuture::from(pending).await {
                    Ok(resp) => {
                        let resp: web_sys::Response = resp.dyn_into().unwrap();
                        let body = wasm_bindgen_futures::JsFuture::from(resp.text().unwrap()).await.unwrap().as_string().unwrap();
                        flow.receive(resp.status(), "", body);
                    }
                    Err(e) => {
                        let message = js_sys::Reflect::get(&e, &JsValue::from_str("message")).unwrap().as_string().unwrap_or_default();
                        flow.receive_failure("TypeError", &message);
                    }
                }
            }
            other => panic!("unexpected step {other}"),
        }
    }
}

#[wasm_bindgen_test]
async fn unreachable_provider_is_a_network_error() {
    let c = WasmClient::new(r#"{"issuer":"http://127.0.0.1:9","clientId":"c","httpTimeoutInSeconds":5}"#).unwrap();
    assert_eq!(code_of(run(c.discover()).await.unwrap_err()), "ERR_NETWORK");
}

#[wasm_bindgen_test]
async fn discovery_and_authorize_url_against_the_local_provider() {
    let Some(issuer) = ISSUER else {
        console_log!("OIDC_WASM_TEST_ISSUER not set at build time: provider tests skipped");
        return;
    };
    let options = serde_json::json!({
        "domain": issuer, "clientId": "oidc-wasm-spa",
        "authorizationParams": {"redirect_uri": "http://127.0.0.1:4401/callback"}
    });
    let c = WasmClient::new(&options.to_string()).unwrap();
    let meta = json(&run(c.discover()).await.unwrap());
    assert_eq!(meta["issuer"], issuer);
    let out = json(&run(c.authorization_url(r#"{"audience":"https://api.oidc-wasm.test"}"#).unwrap()).await.unwrap());
    let url = out["url"].as_str().unwrap();
    assert!(url.starts_with(meta["authorization_endpoint"].as_str().unwrap()));
    let t = &out["transaction"];
    assert!(url.contains(&format!("state={}", t["state"].as_str().unwrap())));
    let now = (js_sys::Date::now() / 1000.0) as u64;
    let created = t["created_at"].as_u64().unwrap();
    assert!(created <= now && created + 60 > now, "the clock comes from Date.now()");
    // The transaction comes back through JSON and a forged state is refused.
    let e = run(c.handle_callback("http://127.0.0.1:4401/callback?code=x&state=forged", &t.to_string()).unwrap()).await.unwrap_err();
    assert_eq!(code_of(e), "ERR_CALLBACK_STATE_MISMATCH");
    // A web_message answer reaches the core as its pairs: a forged state is refused, and the
    // provider's error for the right state is its own code.
    let e = run(c.handle_callback_params("code=x&state=forged", &t.to_string()).unwrap()).await.unwrap_err();
    assert_eq!(code_of(e), "ERR_CALLBACK_STATE_MISMATCH");
    let answer = format!("error=login_required&state={}&iss={}", t["state"].as_str().unwrap(), meta["issuer"].as_str().unwrap().replace(':', "%3A").replace('/', "%2F"));
    let e = run(c.handle_callback_params(&answer, &t.to_string()).unwrap()).await.unwrap_err();
    assert_eq!(code_of(e), "ERR_LOGIN_REQUIRED");
}

/// `fetch(url)` through the runtime's global fetch: the promise of its Response.
fn fetch(url: &str) -> js_sys::Promise {
    let f: js_sys::Function = js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("fetch")).unwrap().into();
    f.call1(&JsValue::UNDEFINED, &JsValue::from_str(url)).unwrap().into()
}

async fn get_json(url: &str) -> Value {
    use wasm_bindgen::JsCast;
    let resp: web_sys::Response = wasm_bindgen_futures::JsFuture::from(fetch(url)).await.unwrap().dyn_into().unwrap();
    json(&wasm_bindgen_futures::JsFuture::from(resp.text().unwrap()).await.unwrap().as_string().unwrap())
}

/// A verification as the JavaScript layer drives it: the requests `nextRequest` names are made
/// with the runtime's fetch and their answers handed over, then the token is verified.
async fn verify(v: &WasmVerifier, token: &str) -> Result<String, JsValue> {
    use wasm_bindgen::JsCast;
    for _ in 0..3 {
        let Some(req) = v.next_request(token)? else { break };
        let req = json(&req);
        let url = req["url"].as_str().unwrap();
        match wasm_bindgen_futures::JsFuture::from(fetch(url)).await {
            Ok(resp) => {
                let resp: web_sys::Response = resp.dyn_into().unwrap();
                let ct = resp.headers().get("cache-control").ok().flatten().map(|c| format!("cache-control: {c}\n"));
                let body = wasm_bindgen_futures::JsFuture::from(resp.text().unwrap()).await.unwrap().as_string().unwrap();
                v.receive(url, resp.status(), &ct.unwrap_or_default(), body)?;
            }
            Err(e) => {
                let message = js_sys::Reflect::get(&e, &JsValue::from_str("message")).unwrap().as_string().unwrap_or_default();
                v.receive_failure(url, "TypeError", &message)?;
            }
        }
    }
    v.verify_sync(token)
}

#[wasm_bindgen_test]
async fn a_jwks_answer_fetched_before_the_verifier_is_adopted_for_its_uri_only_and_not_repeated() {
    let Some(issuer) = ISSUER else {
        console_log!("OIDC_WASM_TEST_ISSUER not set at build time: provider tests skipped");
        return;
    };
    let uri = get_json(&format!("{issuer}/.well-known/openid-configuration")).await["jwks_uri"].as_str().unwrap().to_owned();
    let options = serde_json::json!({ "issuer": issuer, "audience": "https://api.oidc-wasm.test", "jwksUri": uri });
    let hits = |s: &Value| s["routes"]["jwks"].as_u64().unwrap_or(0);
    let before = hits(&get_json(&format!("{issuer}/__test/stats")).await);

    // What the JavaScript layer hands over: status, headers as lines, body.
    let body = get_json(&uri).await.to_string();
    let headers = "content-type: application/json\ncache-control: public, max-age=120\n";
    let v = WasmVerifier::new(&options.to_string()).unwrap();
    assert_eq!(v.adopt_jwks_response("https://other.example/jwks", 200, headers, body.clone()).ok(), Some(false), "another jwks_uri");
    assert_eq!(v.adopt_jwks_response(&uri, 200, headers, body.clone()).ok(), Some(true), "its own jwks_uri, nothing held");
    assert_eq!(v.adopt_jwks_response(&uri, 200, headers, body.clone()).ok(), Some(false), "keys held");
    let cache = json(&v.export_jwks_cache());
    assert!(!cache["jwks"]["keys"].as_array().unwrap().is_empty(), "the adopted answer filled the cache");
    let ttl = cache["expires_at"].as_u64().unwrap() - cache["fetched_at"].as_u64().unwrap();
    assert_eq!(ttl, 120, "its Cache-Control was read from the header lines");
    // A verification uses those keys (this one then fails on its own token) without fetching.
    assert_eq!(code_of(verify(&v, "not.a.jwt").await.unwrap_err()), "ERR_JWT_MALFORMED");
    let e = verify(&v, "eyJhbGciOiJSUzI1NiIsImtpZCI6InVua25vd24ifQ.e30.c2ln").await.unwrap_err();
    assert_eq!(code_of(e), "ERR_JWKS_NO_MATCHING_KEY", "an unknown kid within the cooldown: the adopted answer counted as the attempt");
    let after = hits(&get_json(&format!("{issuer}/__test/stats")).await);
    assert_eq!(after - before, 1, "the test's own fetch; the verifier made none");

    // An answer that brings no keys is the first fetch failing: its error, and no cooldown.
    let v = WasmVerifier::new(&options.to_string()).unwrap();
    let e = v.adopt_jwks_response(&uri, 503, "", "busy".into()).unwrap_err();
    assert_eq!(code_of(e), "ERR_UNEXPECTED_STATUS");
    let e = v.adopt_jwks_response(&uri, 200, "content-length: 99999999\n", String::new()).unwrap_err();
    assert_eq!(code_of(e), "ERR_RESPONSE_TOO_LARGE");
    let e = v.adopt_jwks_failure(&uri, "TimeoutError", "signal timed out").unwrap_err();
    assert_eq!(code_of(e), "ERR_TIMEOUT");
    // The next verification fetches the keys itself.
    let e = verify(&v, "eyJhbGciOiJSUzI1NiIsImtpZCI6InVua25vd24ifQ.e30.c2ln").await.unwrap_err();
    assert_eq!(code_of(e), "ERR_JWKS_NO_MATCHING_KEY");
    assert_eq!(hits(&get_json(&format!("{issuer}/__test/stats")).await) - after, 1, "one fetch, by the verifier");

    let down = serde_json::json!({ "issuer": issuer, "audience": "a", "jwksUri": "http://127.0.0.1:9/jwks" });
    let v = WasmVerifier::new(&down.to_string()).unwrap();
    let e = v.adopt_jwks_failure("http://127.0.0.1:9/jwks", "TypeError", "Failed to fetch").unwrap_err();
    assert_eq!(code_of(e), "ERR_NETWORK");
    let e = verify(&v, "eyJhbGciOiJSUzI1NiIsImtpZCI6ImsifQ.e30.c2ln").await.unwrap_err();
    assert_eq!(code_of(e), "ERR_NETWORK");
}
