//! The Management API core: the operation table derived from the seed, request building, Auth0's
//! errors, the retry policy, token sources and pagination. Time is an input: no test sleeps.

use std::collections::BTreeSet;

use oidc_wasm::http::{HttpRequest, HttpResponse, Method};
use oidc_wasm::management::call::{Call, ManagementClient, Step, TokenSource};
use oidc_wasm::management::pages::{Pages, Paging};
use oidc_wasm::management::retry::{RetryPolicy, RANDOM_BYTES};
use oidc_wasm::management::{process_response, table, Api, Params};
use oidc_wasm::Code;
use serde_json::{json, Value};

const NOW: u64 = 1_700_000_000_000;

fn params(v: Value) -> Params {
    Params::from_json(&v).unwrap()
}

// --- the table -----------------------------------------------------------------------------------

/// The operations of the seed, found here independently of build.rs: in `paths:`, a method line
/// followed by its `summary:` belongs to the last `/path:` line, with the first tag of its
/// `tags:` (the seed lost a few path lines: see build.rs).
fn seed_operations() -> BTreeSet<(String, String, String)> {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/seeds/auth0-management-api.openapi.txt")).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let start = lines.iter().position(|l| *l == "paths:").unwrap();
    let mut path = String::new();
    let mut out = BTreeSet::new();
    for (i, w) in lines[start..].windows(2).enumerate() {
        if w[0].starts_with('/') && w[0].ends_with(':') && !w[0].contains(' ') {
            path = w[0].trim_end_matches(':').to_owned();
        } else if ["get:", "post:", "put:", "patch:", "delete:"].contains(&w[0]) && w[1].starts_with("summary:") {
            let op = &lines[start + i + 1..];
            let end = op.iter().position(|l| l.starts_with("operationId:")).unwrap_or(op.len());
            let tag = match op[..end].iter().position(|l| *l == "tags:") {
                Some(t) => op[t + 1].trim_start_matches("- ").to_owned(),
                None => String::new(),
            };
            out.insert((w[0].trim_end_matches(':').to_uppercase(), path.clone(), tag));
        }
    }
    out
}

#[test]
fn the_table_is_the_seeds_operations() {
    let all = seed_operations();
    assert_eq!(all.len(), 262);
    let (seed, misplaced): (Vec<_>, Vec<_>) = all.into_iter().partition(|(_, p, tag)| tag.is_empty() || p[1..].split('/').next() == Some(tag.as_str()));
    let seed: BTreeSet<(String, String)> = seed.into_iter().map(|(m, p, _)| (m, p)).collect();
    let built: BTreeSet<(String, String)> = table::operations().map(|(m, p)| (m.as_str().to_owned(), p.to_owned())).collect();
    assert_eq!(built, seed);
    assert_eq!(built.len(), 256);
    // The last operation, cut short in the seed (no tags), is kept.
    assert!(table::has_operation(Method::Post, "/users/{id}/identities"));
    // The operations under a path line the seed lost, left out rather than put on the wrong path
    // (universal-login has GET, PUT and DELETE: the client credentials' follow it in the seed).
    let misplaced: Vec<String> = misplaced.iter().map(|(m, p, t)| format!("{m} {p} {t}")).collect();
    assert_eq!(
        misplaced,
        [
            "DELETE /branding/templates/universal-login clients",
            "PATCH /branding/templates/universal-login clients",
            "PATCH /emails/provider guardian",
            "POST /branding/templates/universal-login clients",
            "POST /resource-servers roles",
            "PUT /emails/provider guardian",
        ]
    );
    assert_eq!(table::methods("/branding/templates/universal-login"), Some(vec![Method::Get, Method::Put, Method::Delete]));
    for (m, p) in [(Method::Get, "/users/{id}"), (Method::Patch, "/users/{id}"), (Method::Get, "/users"), (Method::Put, "/branding/templates/universal-login"), (Method::Delete, "/organizations/{id}/members")] {
        assert!(table::has_operation(m, p), "{m:?} {p}");
    }
    assert_eq!(table::methods("/organizations/{id}/members"), Some(vec![Method::Get, Method::Post, Method::Delete]));
}

#[test]
fn unknown_operations_are_refused_before_any_request() {
    let api = Api::new("tenant.auth0.com").unwrap();
    let p = params(json!({ "path": { "id": "x" } }));
    let e = api.request(Method::Put, "/users/{id}", &p, "T").unwrap_err();
    assert_eq!(e.code(), Code::ManagementUnknownOperation);
    assert!(e.message().contains("GET, PATCH, DELETE"), "{}", e.message());
    let e = api.request(Method::Get, "/users/{id}/nope", &p, "T").unwrap_err();
    assert_eq!(e.code(), Code::ManagementUnknownOperation);
    // A concrete path is not a template.
    assert_eq!(api.request(Method::Get, "/users/auth0|1", &p, "T").unwrap_err().code(), Code::ManagementUnknownOperation);
    // A call: no token asked for, nothing sent.
    let mut c = ManagementClient::new(api, TokenSource::Host, true).unwrap();
    let mut call = c.start(Method::Get, "/nope", Params::default(), None, &[]);
    match call.poll(&mut c, NOW) {
        Step::Fail(e) => assert_eq!(e.code(), Code::ManagementUnknownOperation),
        s => panic!("{s:?}"),
    }
}

// --- request building ----------------------------------------------------------------------------

#[test]
fn requests_are_built_with_encoded_parameters() {
    let api = Api::new("tenant.eu.auth0.com").unwrap();
    assert_eq!(api.audience(), "https://tenant.eu.auth0.com/api/v2/");
    assert_eq!(api.token_endpoint(), "https://tenant.eu.auth0.com/oauth/token");
    let p = params(json!({
        "path": { "id": "auth0|a/b c?é", "user_id": 42 },
        "query": { "fields": "email,name", "include_fields": true, "q": "name:\"a b\"", "skip": null, "roles": ["r1", "r 2"] },
    }));
    let r = api.request(Method::Get, "/organizations/{id}/members/{user_id}/roles", &p, "TOKEN").unwrap();
    assert_eq!(
        r.url,
        "https://tenant.eu.auth0.com/api/v2/organizations/auth0%7Ca%2Fb%20c%3F%C3%A9/members/42/roles?fields=email%2Cname&include_fields=true&q=name%3A%22a+b%22&roles=r1&roles=r+2"
    );
    assert_eq!(r.method, Method::Get);
    assert_eq!(r.header("Authorization"), Some("Bearer TOKEN"));
    assert_eq!(r.body, None);

    let p = params(json!({ "path": { "id": "auth0|1" }, "body": { "user_metadata": { "theme": "dark" } } }));
    let r = api.request(Method::Patch, "/users/{id}", &p, "T").unwrap();
    assert_eq!(r.method.as_str(), "PATCH");
    assert_eq!(r.url, "https://tenant.eu.auth0.com/api/v2/users/auth0%7C1");
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(serde_json::from_str::<Value>(r.body.as_deref().unwrap()).unwrap(), json!({ "user_metadata": { "theme": "dark" } }));
}

#[test]
fn missing_and_unsafe_parameters_are_typed_errors() {
    let api = Api::new("tenant.auth0.com").unwrap();
    let t = "/organizations/{id}/members";
    for path in [json!({}), json!({ "id": "" }), json!({ "id": null })] {
        let e = api.request(Method::Get, t, &params(json!({ "path": path })), "T").unwrap_err();
        assert_eq!(e.code(), Code::ManagementMissingParameter, "{path}");
        assert!(e.message().contains("id"));
    }
    for bad in [json!(".."), json!("."), json!({ "a": 1 }), json!(true)] {
        let e = api.request(Method::Get, t, &params(json!({ "path": { "id": bad } })), "T").unwrap_err();
        assert_eq!(e.code(), Code::InvalidArgument, "{bad}");
    }
    let e = api.request(Method::Get, "/users", &params(json!({ "query": { "q": { "a": 1 } } })), "T").unwrap_err();
    assert_eq!(e.code(), Code::InvalidArgument);
    assert_eq!(Params::from_json(&json!({ "path": 3 })).unwrap_err().code(), Code::InvalidArgument);
}

#[test]
fn the_domain_is_checked() {
    assert_eq!(Api::new("http://127.0.0.1:4400").unwrap().audience(), "http://127.0.0.1:4400/api/v2/");
    assert_eq!(Api::new("https://tenant.auth0.com/").unwrap().audience(), "https://tenant.auth0.com/api/v2/");
    assert_eq!(Api::new("http://tenant.auth0.com").unwrap_err().code(), Code::ConfigInsecureIssuer);
    for bad in ["", "tenant.auth0.com/api", "https://t.example?x=1"] {
        assert_eq!(Api::new(bad).unwrap_err().code(), Code::ConfigInvalidIssuer, "{bad}");
    }
}

// --- responses -----------------------------------------------------------------------------------

#[test]
fn auth0_errors_are_typed() {
    let body = r#"{"statusCode":404,"error":"Not Found","message":"The user does not exist.","errorCode":"inexistent_user"}"#;
    let e = process_response(&HttpResponse::new(404, body)).unwrap_err();
    assert_eq!(e.code(), Code::ManagementApiError);
    assert_eq!(e.status, Some(404));
    assert_eq!(e.error.as_deref(), Some("Not Found"));
    assert_eq!(e.error_description.as_deref(), Some("The user does not exist."));
    assert_eq!(e.error_code.as_deref(), Some("inexistent_user"));
    let j = e.to_json();
    assert_eq!((j["code"].as_str(), j["errorCode"].as_str(), j["status"].as_u64()), (Some("ERR_MANAGEMENT_API_ERROR"), Some("inexistent_user"), Some(404)));
    assert!(e.message().contains("The user does not exist."));

    let e = process_response(&HttpResponse::new(429, r#"{"statusCode":429,"error":"Too Many Requests","message":"Global limit has been reached"}"#).with_header("Retry-After", "3")).unwrap_err();
    assert_eq!((e.code(), e.retry_after, e.status), (Code::RateLimited, Some(3), Some(429)));
    // Not Auth0's shape: the status still says it.
    let e = process_response(&HttpResponse::new(502, "<html>bad gateway</html>")).unwrap_err();
    assert_eq!((e.code(), e.status, e.error.clone()), (Code::ManagementApiError, Some(502), None));

    assert_eq!(process_response(&HttpResponse::new(204, "")).unwrap(), Value::Null);
    assert_eq!(process_response(&HttpResponse::new(200, r#"{"user_id":"a"}"#)).unwrap()["user_id"], "a");
    assert_eq!(process_response(&HttpResponse::new(200, "nope")).unwrap_err().code(), Code::ResponseNotJson);
}

// --- the call and its retries --------------------------------------------------------------------

fn given() -> ManagementClient {
    ManagementClient::new(Api::new("tenant.auth0.com").unwrap(), TokenSource::Given("GIVEN".into()), true).unwrap()
}

fn user_call(c: &mut ManagementClient, deadline: Option<u64>, random: &[u8]) -> Call {
    c.start(Method::Get, "/users/{id}", params(json!({ "path": { "id": "auth0|1" } })), deadline, random)
}

fn send(step: Step) -> HttpRequest {
    match step {
        Step::Send(r) => r,
        s => panic!("expected a request, got {s:?}"),
    }
}

fn sleep(step: Step) -> u64 {
    match step {
        Step::Sleep { until_ms } => until_ms,
        s => panic!("expected a sleep, got {s:?}"),
    }
}

fn fail(step: Step) -> oidc_wasm::Error {
    match step {
        Step::Fail(e) => e,
        s => panic!("expected a failure, got {s:?}"),
    }
}

const LIMITED: &str = r#"{"statusCode":429,"error":"Too Many Requests","message":"Global limit has been reached","errorCode":"too_many_requests"}"#;

#[test]
fn a_429_waits_for_retry_after() {
    let mut c = given();
    let mut call = user_call(&mut c, None, &[0; RANDOM_BYTES]);
    let r = send(call.poll(&mut c, NOW));
    assert_eq!(r.header("authorization"), Some("Bearer GIVEN"));
    call.response(&mut c, HttpResponse::new(429, LIMITED).with_header("Retry-After", "2"), NOW);
    assert_eq!(sleep(call.poll(&mut c, NOW)), NOW + 2000);
    // Woken early: the same sleep again.
    assert_eq!(sleep(call.poll(&mut c, NOW + 1999)), NOW + 2000);
    let again = send(call.poll(&mut c, NOW + 2000));
    assert_eq!(again, r);
    call.response(&mut c, HttpResponse::new(200, r#"{"user_id":"auth0|1"}"#), NOW + 2100);
    match call.poll(&mut c, NOW + 2100) {
        Step::Done(v) => assert_eq!(v["user_id"], "auth0|1"),
        s => panic!("{s:?}"),
    }
    assert_eq!(call.retries(), 1);
    // Retry-After as an HTTP date (RFC 9110 §10.2.3).
    let mut call = user_call(&mut c, None, &[0; RANDOM_BYTES]);
    send(call.poll(&mut c, NOW));
    call.response(&mut c, HttpResponse::new(429, LIMITED).with_header("retry-after", "Tue, 14 Nov 2023 22:13:30 GMT"), NOW);
    assert_eq!(sleep(call.poll(&mut c, NOW)), 1_700_000_010_000);
}

#[test]
fn a_429_waits_for_the_rate_limit_reset() {
    let mut c = given();
    let mut call = user_call(&mut c, None, &[0xff; RANDOM_BYTES]);
    send(call.poll(&mut c, NOW));
    let reset = (NOW / 1000 + 5).to_string();
    call.response(&mut c, HttpResponse::new(429, LIMITED).with_header("X-RateLimit-Limit", "10").with_header("X-RateLimit-Remaining", "0").with_header("X-RateLimit-Reset", &reset), NOW);
    assert_eq!(sleep(call.poll(&mut c, NOW)), NOW + 5000);
    // A reset already past: the backoff alone (500 ms, the full jitter here).
    send(call.poll(&mut c, NOW + 5000));
    call.response(&mut c, HttpResponse::new(429, LIMITED).with_header("X-RateLimit-Reset", &(NOW / 1000).to_string()), NOW + 5000);
    assert_eq!(sleep(call.poll(&mut c, NOW + 5000)), NOW + 5000 + 1000);
}

#[test]
fn server_errors_back_off_exponentially_with_jitter_then_give_up() {
    let mut c = given();
    c.set_retry_policy(RetryPolicy { max_retries: 3, base_delay_ms: 1000, max_delay_ms: 3000, max_wait_ms: 60_000 });
    // Jitter bytes: 0 for the first retry (half the backoff), 0xffff for the second (all of it),
    // 0x8000 for the third.
    let mut random = [0u8; RANDOM_BYTES];
    random[2..4].copy_from_slice(&[0xff, 0xff]);
    random[4..6].copy_from_slice(&0x8000u16.to_le_bytes());
    let mut call = user_call(&mut c, None, &random);
    let mut now = NOW;
    let mut waits = Vec::new();
    for status in [500, 503, 502] {
        send(call.poll(&mut c, now));
        call.response(&mut c, HttpResponse::new(status, "{}"), now);
        let until = sleep(call.poll(&mut c, now));
        waits.push(until - now);
        now = until;
    }
    // Backoffs 1000, 2000, 4000 capped at 3000; half fixed, half from the jitter.
    assert_eq!(waits, vec![500, 2000, 1500 + 1500 * 0x8000 / 65_535]);
    send(call.poll(&mut c, now));
    call.response(&mut c, HttpResponse::new(503, r#"{"statusCode":503,"error":"Service Unavailable","message":"down"}"#), now);
    let e = fail(call.poll(&mut c, now));
    assert_eq!((e.code(), e.status, e.error_description.as_deref()), (Code::ManagementApiError, Some(503), Some("down")));
    assert_eq!(call.retries(), 3);
}

#[test]
fn no_retry_past_the_deadline_or_for_what_a_retry_cannot_change() {
    let mut c = given();
    let mut call = user_call(&mut c, Some(NOW + 10_000), &[0; RANDOM_BYTES]);
    send(call.poll(&mut c, NOW));
    call.response(&mut c, HttpResponse::new(429, LIMITED).with_header("Retry-After", "30"), NOW);
    let e = fail(call.poll(&mut c, NOW));
    assert_eq!((e.code(), e.retry_after, e.error_code.as_deref()), (Code::RateLimited, Some(30), Some("too_many_requests")));
    // Within the deadline: the retry is scheduled.
    let mut call = user_call(&mut c, Some(NOW + 10_000), &[0; RANDOM_BYTES]);
    send(call.poll(&mut c, NOW));
    call.response(&mut c, HttpResponse::new(429, LIMITED).with_header("Retry-After", "10"), NOW);
    assert_eq!(sleep(call.poll(&mut c, NOW)), NOW + 10_000);
    // A wait longer than the policy accepts.
    let mut call = user_call(&mut c, None, &[0; RANDOM_BYTES]);
    send(call.poll(&mut c, NOW));
    call.response(&mut c, HttpResponse::new(429, LIMITED).with_header("Retry-After", "3600"), NOW);
    assert_eq!(fail(call.poll(&mut c, NOW)).code(), Code::RateLimited);
    for status in [400, 403, 404, 409, 501] {
        let mut call = user_call(&mut c, None, &[0; RANDOM_BYTES]);
        send(call.poll(&mut c, NOW));
        call.response(&mut c, HttpResponse::new(status, "{}"), NOW);
        assert_eq!(fail(call.poll(&mut c, NOW)).status, Some(status));
    }
    // A network failure ends the call.
    let mut call = user_call(&mut c, None, &[0; RANDOM_BYTES]);
    send(call.poll(&mut c, NOW));
    call.failure(&mut c, oidc_wasm::Error::new(Code::Network, "offline"));
    assert_eq!(fail(call.poll(&mut c, NOW)).code(), Code::Network);
}

// --- token sources -------------------------------------------------------------------------------

fn machine() -> ManagementClient {
    let source = TokenSource::ClientCredentials { client_id: "m2m".into(), client_secret: "s3cret".into() };
    ManagementClient::new(Api::new("tenant.auth0.com").unwrap(), source, false).unwrap()
}

fn token_response(token: &str, expires_in: u64) -> HttpResponse {
    HttpResponse::new(200, json!({ "access_token": token, "token_type": "Bearer", "expires_in": expires_in }).to_string())
}

#[test]
fn client_credentials_are_granted_once_and_cached_until_expiry_minus_leeway() {
    let mut c = machine();
    let mut call = user_call(&mut c, None, &[]);
    let grant = send(call.poll(&mut c, NOW));
    assert_eq!(grant.url, "https://tenant.auth0.com/oauth/token");
    let body: BTreeSet<(String, String)> = form_urlencoded::parse(grant.body.as_deref().unwrap().as_bytes()).into_owned().collect();
    for pair in [("grant_type", "client_credentials"), ("client_id", "m2m"), ("client_secret", "s3cret"), ("audience", "https://tenant.auth0.com/api/v2/")] {
        assert!(body.contains(&(pair.0.to_owned(), pair.1.to_owned())), "{pair:?}");
    }
    call.response(&mut c, token_response("A", 3600), NOW);
    assert_eq!(send(call.poll(&mut c, NOW)).header("authorization"), Some("Bearer A"));
    // The next call uses the cached token: no grant.
    let mut call = user_call(&mut c, None, &[]);
    assert_eq!(send(call.poll(&mut c, NOW + 3_539_000)).header("authorization"), Some("Bearer A"));
    // Within the leeway (60 s) of its expiry: a new grant.
    let mut call = user_call(&mut c, None, &[]);
    assert_eq!(send(call.poll(&mut c, NOW + 3_540_000)).url, "https://tenant.auth0.com/oauth/token");
    call.response(&mut c, token_response("B", 3600), NOW + 3_540_000);
    assert_eq!(send(call.poll(&mut c, NOW + 3_540_000)).header("authorization"), Some("Bearer B"));
}

#[test]
fn one_grant_in_flight_the_other_calls_wait() {
    let mut c = machine();
    let mut first = user_call(&mut c, None, &[]);
    let mut second = user_call(&mut c, None, &[]);
    let grant = send(first.poll(&mut c, NOW));
    assert_eq!(grant.url, "https://tenant.auth0.com/oauth/token");
    assert!(matches!(second.poll(&mut c, NOW), Step::Wait));
    assert!(matches!(second.poll(&mut c, NOW), Step::Wait));
    first.response(&mut c, token_response("A", 86_400), NOW);
    assert_eq!(send(second.poll(&mut c, NOW)).header("authorization"), Some("Bearer A"));
    assert_eq!(send(first.poll(&mut c, NOW)).header("authorization"), Some("Bearer A"));

    // A grant that fails: its call fails with it, a waiting call gets a grant of its own.
    let mut c = machine();
    let mut first = user_call(&mut c, None, &[]);
    let mut second = user_call(&mut c, None, &[]);
    send(first.poll(&mut c, NOW));
    assert!(matches!(second.poll(&mut c, NOW), Step::Wait));
    first.response(&mut c, HttpResponse::new(401, r#"{"error":"access_denied","error_description":"Unauthorized"}"#), NOW);
    assert_eq!(fail(first.poll(&mut c, NOW)).error.as_deref(), Some("access_denied"));
    assert_eq!(send(second.poll(&mut c, NOW)).url, "https://tenant.auth0.com/oauth/token");
    // A call dropped with its grant out: the others do not wait for it forever.
    let mut c = machine();
    let mut first = user_call(&mut c, None, &[]);
    let mut second = user_call(&mut c, None, &[]);
    send(first.poll(&mut c, NOW));
    c.abandon(&first);
    assert_eq!(send(second.poll(&mut c, NOW)).url, "https://tenant.auth0.com/oauth/token");
}

#[test]
fn a_401_renews_the_cached_token_once() {
    let mut c = machine();
    let mut call = user_call(&mut c, None, &[]);
    send(call.poll(&mut c, NOW));
    call.response(&mut c, token_response("A", 86_400), NOW);
    send(call.poll(&mut c, NOW));
    let unauthorized = HttpResponse::new(401, r#"{"statusCode":401,"error":"Unauthorized","message":"Invalid token"}"#);
    call.response(&mut c, unauthorized.clone(), NOW);
    assert_eq!(send(call.poll(&mut c, NOW)).url, "https://tenant.auth0.com/oauth/token");
    call.response(&mut c, token_response("B", 86_400), NOW);
    assert_eq!(send(call.poll(&mut c, NOW)).header("authorization"), Some("Bearer B"));
    call.response(&mut c, unauthorized, NOW);
    let e = fail(call.poll(&mut c, NOW));
    assert_eq!((e.code(), e.status), (Code::ManagementApiError, Some(401)));
}

#[test]
fn client_credentials_are_refused_in_a_browser_page() {
    let source = TokenSource::ClientCredentials { client_id: "m2m".into(), client_secret: "s".into() };
    let e = ManagementClient::new(Api::new("tenant.auth0.com").unwrap(), source, true).err().unwrap();
    assert_eq!(e.code(), Code::ClientSecretInBrowser);
    assert!(ManagementClient::new(Api::new("t.example").unwrap(), TokenSource::Given(String::new()), true).is_err());
}

#[test]
fn the_callers_token_source_is_asked_for_each_call() {
    let mut c = ManagementClient::new(Api::new("tenant.auth0.com").unwrap(), TokenSource::Host, true).unwrap();
    let mut call = user_call(&mut c, None, &[]);
    assert!(matches!(call.poll(&mut c, NOW), Step::Token));
    call.token(Ok("USER".into()));
    let r = send(call.poll(&mut c, NOW));
    assert_eq!(r.header("authorization"), Some("Bearer USER"));
    // Retries keep the token.
    call.response(&mut c, HttpResponse::new(503, "{}"), NOW);
    let until = sleep(call.poll(&mut c, NOW));
    assert_eq!(send(call.poll(&mut c, until)).header("authorization"), Some("Bearer USER"));
    // The source's failure is the call's.
    let mut call = user_call(&mut c, None, &[]);
    assert!(matches!(call.poll(&mut c, NOW), Step::Token));
    call.token(Err(oidc_wasm::Error::new(Code::LoginRequired, "log in")));
    assert_eq!(fail(call.poll(&mut c, NOW)).code(), Code::LoginRequired);
}

// --- pagination ----------------------------------------------------------------------------------

#[test]
fn offset_pages_until_the_total() {
    let mut pages = Pages::new(params(json!({ "path": { "id": "org_1" }, "query": { "fields": "user_id", "page": 7 } })), Paging::Offset { per_page: 2 });
    let mut all = Vec::new();
    let mut n = 0;
    while let Some(p) = pages.next_params() {
        assert_eq!(p.path["id"], "org_1");
        assert_eq!((p.query["page"].as_u64(), p.query["per_page"].as_u64(), p.query["include_totals"].as_bool()), (Some(n), Some(2), Some(true)));
        assert_eq!(p.query["fields"], "user_id");
        let items: Vec<Value> = (n * 2..(n * 2 + 2).min(5)).map(|i| json!({ "user_id": i })).collect();
        all.extend(pages.page(json!({ "members": items, "start": n * 2, "limit": 2, "total": 5 })).unwrap());
        n += 1;
    }
    assert_eq!(n, 3);
    assert_eq!(all.len(), 5);
    assert!(pages.is_done());
    // A full last page: the total ends it, not an empty request.
    let mut pages = Pages::new(Params::default(), Paging::Offset { per_page: 2 });
    pages.page(json!({ "users": [1, 2], "start": 0, "limit": 2, "total": 2 })).unwrap();
    assert!(pages.next_params().is_none());
    // A bare array (no totals): a short page ends it.
    let mut pages = Pages::new(Params::default(), Paging::Offset { per_page: 500 });
    assert_eq!(pages.next_params().unwrap().query["per_page"], 100);
    pages.page(json!([1, 2, 3])).unwrap();
    assert!(pages.is_done());
}

#[test]
fn checkpoint_pages_follow_next() {
    let mut pages = Pages::new(Params::default(), Paging::Checkpoint { take: 50 });
    let p = pages.next_params().unwrap();
    assert_eq!((p.query["take"].as_u64(), p.query.get("from")), (Some(50), None));
    assert_eq!(pages.page(json!({ "members": [1, 2], "next": "cur1" })).unwrap().len(), 2);
    assert_eq!(pages.next_params().unwrap().query["from"], "cur1");
    pages.page(json!({ "members": [3] })).unwrap();
    assert!(pages.next_params().is_none());
    let mut pages = Pages::new(Params::default(), Paging::Checkpoint { take: 50 });
    assert_eq!(pages.page(json!({ "total": 3 })).unwrap_err().code(), Code::ResponseInvalid);
    assert!(pages.next_params().is_none());
}
