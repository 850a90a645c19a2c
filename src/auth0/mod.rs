//! Auth0's Authentication API beyond OpenID Connect: passwordless (`/passwordless/start` and the
//! OTP grant), embedded login (password-realm and password grants), MFA (`/mfa/*` and the
//! mfa-otp, mfa-oob and mfa-recovery-code grants), and database connections (`/dbconnections/*`).
//! Also Auth0's endpoints where its metadata lists none, and its `/v2/logout`.
//! Request and response shapes follow Auth0's Authentication API reference. Sans I/O: each step
//! builds an [`HttpRequest`]; [`process_json_response`] reads the answers that are not token
//! responses (token responses go through [`crate::token::process_token_response`]).

use serde_json::{Map, Value};

use crate::config::ClientConfig;
use crate::discovery::ProviderMetadata;
use crate::error::{Code, Error, Result};
use crate::http::{HttpRequest, HttpResponse, Method};

mod dbconnections;
mod endpoints;
mod mfa;
mod organization;
mod passwordless;

pub use dbconnections::*;
pub use endpoints::*;
pub use mfa::*;
pub use organization::*;
pub use passwordless::*;

/// Grant type of the passwordless OTP exchange.
pub const GRANT_PASSWORDLESS_OTP: &str = "http://auth0.com/oauth/grant-type/passwordless/otp";
/// Grant type of the password grant with a realm (connection).
pub const GRANT_PASSWORD_REALM: &str = "http://auth0.com/oauth/grant-type/password-realm";
/// Grant type of MFA with a one-time password.
pub const GRANT_MFA_OTP: &str = "http://auth0.com/oauth/grant-type/mfa-otp";
/// Grant type of MFA out of band (push, SMS, voice, email).
pub const GRANT_MFA_OOB: &str = "http://auth0.com/oauth/grant-type/mfa-oob";
/// Grant type of MFA with a recovery code.
pub const GRANT_MFA_RECOVERY_CODE: &str = "http://auth0.com/oauth/grant-type/mfa-recovery-code";

fn object(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

fn base(metadata: &ProviderMetadata) -> &str {
    metadata.issuer.trim_end_matches('/')
}

fn arg_error(msg: impl Into<String>) -> Error {
    Error::new(Code::InvalidArgument, msg)
}

fn non_empty<'a>(v: Option<&'a str>, name: &str) -> Result<&'a str> {
    v.filter(|s| !s.trim().is_empty()).ok_or_else(|| arg_error(format!("{name} is required")))
}

/// E.164 (ITU-T E.164): `+`, a country code that does not start with 0, at most 15 digits.
pub fn is_e164(phone: &str) -> bool {
    let Some(digits) = phone.strip_prefix('+') else { return false };
    (2..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) && !digits.starts_with('0')
}

fn check_phone(phone: &str) -> Result<()> {
    if is_e164(phone) {
        Ok(())
    } else {
        Err(arg_error(format!(
            "phone_number {phone:?} is not in E.164 form (+ country code and number, digits only, e.g. +14155550123)"
        )))
    }
}

fn token_request(metadata: &ProviderMetadata, params: Vec<(&str, &str)>) -> HttpRequest {
    HttpRequest::post_form(metadata.token_endpoint.clone(), params)
}

fn push_opt<'a>(v: &mut Vec<(&'a str, &'a str)>, k: &'a str, val: Option<&'a str>) {
    if let Some(x) = val {
        v.push((k, x));
    }
}


/// Read a JSON answer of these endpoints: any 2xx with a JSON body (object, array, or a plain
/// string such as change_password's message), an empty body as `null`; otherwise the server's
/// error (`error`/`error_description`, or Auth0's `code`/`description`), `ERR_RATE_LIMITED` with
/// `retry_after` for 429, or `ERR_UNEXPECTED_STATUS`.
pub fn process_json_response(response: &HttpResponse) -> Result<Value> {
    if (200..300).contains(&response.status) {
        if response.body.trim().is_empty() {
            return Ok(Value::Null);
        }
        return Ok(crate::json::parse_value(response.body.as_bytes()).unwrap_or_else(|_| Value::String(response.body.clone())));
    }
    Err(response.oauth_error().unwrap_or_else(|| {
        Error::new(Code::UnexpectedStatus, format!("the server answered HTTP {}", response.status)).with_status(response.status)
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::ClientOptions;
    use serde_json::json;

    fn setup() -> (ClientConfig, ProviderMetadata) {
        let c = ClientConfig::new(ClientOptions { domain: Some("tenant.auth0.com".into()), client_id: Some("spa".into()), ..Default::default() })
            .unwrap();
        let doc = json!({"issuer": "https://tenant.auth0.com/", "authorization_endpoint": "https://tenant.auth0.com/authorize",
            "token_endpoint": "https://tenant.auth0.com/oauth/token", "jwks_uri": "https://tenant.auth0.com/.well-known/jwks.json"});
        let m = crate::discovery::process_discovery_response(&c, &HttpResponse::new(200, doc.to_string())).unwrap();
        (c, m)
    }

    fn body(r: &HttpRequest) -> Value {
        serde_json::from_str(r.body.as_deref().unwrap()).unwrap()
    }

    #[test]
    fn e164() {
        for ok in ["+14155550123", "+447911123456", "+12"] {
            assert!(is_e164(ok), "{ok}");
        }
        for bad in ["14155550123", "+0123456", "+1 415 555 0123", "+1234567890123456", "+", "+1-415"] {
            assert!(!is_e164(bad), "{bad}");
        }
    }

    #[test]
    fn passwordless_start_shapes() {
        let (c, m) = setup();
        let p = PasswordlessStart { connection: "email".into(), email: Some("a@b.example".into()), send: Some("code".into()), ..Default::default() };
        let r = passwordless_start_request(&c, &m, &p).unwrap();
        assert_eq!(r.url, "https://tenant.auth0.com/passwordless/start");
        assert_eq!(body(&r), json!({"client_id": "spa", "connection": "email", "email": "a@b.example", "send": "code"}));
        let sms = PasswordlessStart { connection: "sms".into(), phone_number: Some("+14155550123".into()), ..Default::default() };
        assert_eq!(body(&passwordless_start_request(&c, &m, &sms).unwrap())["phone_number"], "+14155550123");
        for bad in [
            PasswordlessStart { connection: "sms".into(), phone_number: Some("4155550123".into()), ..Default::default() },
            PasswordlessStart { connection: "email".into(), ..Default::default() },
            PasswordlessStart { connection: "fax".into(), ..Default::default() },
            PasswordlessStart { connection: "email".into(), email: Some("a@b".into()), send: Some("pigeon".into()), ..Default::default() },
        ] {
            assert_eq!(passwordless_start_request(&c, &m, &bad).unwrap_err().code(), Code::InvalidArgument);
        }
    }

    #[test]
    fn grants() {
        let (_, m) = setup();
        let r = passwordless_otp_grant_request(&m, "spa", "email", "a@b.example", "123456", "openid", Some("api")).unwrap();
        assert_eq!(r.url, "https://tenant.auth0.com/oauth/token");
        assert!(r.body.as_deref().unwrap().starts_with("grant_type=http%3A%2F%2Fauth0.com%2Foauth%2Fgrant-type%2Fpasswordless%2Fotp&"));
        assert!(passwordless_otp_grant_request(&m, "spa", "sms", "555", "1", "openid", None).is_err());
        let r = password_grant_request(&m, "spa", "u", "p", Some("Username-Password-Authentication"), "openid", None).unwrap();
        assert!(r.body.as_deref().unwrap().contains("password-realm") && r.body.as_deref().unwrap().contains("realm=Username"));
        let r = password_grant_request(&m, "spa", "u", "p", None, "openid", None).unwrap();
        assert!(r.body.as_deref().unwrap().starts_with("grant_type=password&"));
        let r = mfa_grant_request(&m, "spa", "MT", &MfaProof::Oob { oob_code: "O", binding_code: Some("B") }).unwrap();
        assert_eq!(
            r.body.as_deref(),
            Some("grant_type=http%3A%2F%2Fauth0.com%2Foauth%2Fgrant-type%2Fmfa-oob&client_id=spa&mfa_token=MT&oob_code=O&binding_code=B")
        );
        assert!(mfa_grant_request(&m, "spa", "", &MfaProof::Otp("1")).is_err());
    }

    #[test]
    fn mfa_and_dbconnections_shapes() {
        let (c, m) = setup();
        let r = mfa_associate_request(&c, &m, "MT", &MfaEnroll { authenticator_type: "oob".into(), oob_channel: Some("sms".into()),
            phone_number: Some("+14155550123".into()), email: None }).unwrap();
        assert_eq!(r.header("authorization"), Some("Bearer MT"));
        assert_eq!(body(&r), json!({"client_id": "spa", "authenticator_types": ["oob"], "oob_channels": ["sms"], "phone_number": "+14155550123"}));
        assert!(mfa_associate_request(&c, &m, "MT", &MfaEnroll { authenticator_type: "oob".into(), oob_channel: Some("sms".into()),
            phone_number: Some("555".into()), email: None }).is_err());
        let r = mfa_challenge_request(&c, &m, "MT", Some("oob"), Some("push|dev_1")).unwrap();
        assert_eq!(body(&r), json!({"client_id": "spa", "mfa_token": "MT", "challenge_type": "oob", "authenticator_id": "push|dev_1"}));
        let r = mfa_delete_authenticator_request(&m, "AT", "totp|dev_1").unwrap();
        assert_eq!(r.url, "https://tenant.auth0.com/mfa/authenticators/totp%7Cdev_1");
        let mut meta = Map::new();
        for i in 0..11 {
            meta.insert(format!("k{i}"), "v".into());
        }
        let s = Signup { connection: "db".into(), email: "a@b.example".into(), password: "pw".into(), profile: Map::new(), user_metadata: Some(meta) };
        assert_eq!(signup_request(&c, &m, &s).unwrap_err().code(), Code::InvalidArgument);
        let mut ok = Map::new();
        ok.insert("plan".into(), "gold".into());
        let mut profile = Map::new();
        profile.insert("given_name".into(), "Ann".into());
        let s = Signup { user_metadata: Some(ok), profile, ..s };
        assert_eq!(body(&signup_request(&c, &m, &s).unwrap())["user_metadata"]["plan"], "gold");
        let long = Signup { user_metadata: Some([("a".to_string(), Value::from("x".repeat(501)))].into_iter().collect()), ..s.clone() };
        assert!(signup_request(&c, &m, &long).is_err());
    }

    #[test]
    fn responses_and_errors() {
        assert_eq!(process_json_response(&HttpResponse::new(200, "\"We've just sent you an email\"")).unwrap(), "We've just sent you an email");
        assert_eq!(process_json_response(&HttpResponse::new(204, "")).unwrap(), Value::Null);
        let e = process_json_response(&HttpResponse::new(400, r#"{"code":"invalid_signup","description":"Invalid sign up"}"#)).unwrap_err();
        assert_eq!((e.error.as_deref(), e.error_description.as_deref()), (Some("invalid_signup"), Some("Invalid sign up")));
        let e = process_json_response(&HttpResponse::new(429, r#"{"error":"too_many_attempts"}"#).with_header("Retry-After", "7")).unwrap_err();
        assert_eq!((e.code(), e.retry_after), (Code::RateLimited, Some(7)));
        let e = crate::token::process_token_response(
            &HttpResponse::new(403, r#"{"error":"mfa_required","error_description":"Multifactor authentication required","mfa_token":"MT","mfa_requirements":{"challenge":[{"type":"otp"}]}}"#),
            0,
        )
        .unwrap_err();
        assert_eq!((e.code(), e.mfa_token.as_deref()), (Code::MfaRequired, Some("MT")));
        assert_eq!(e.to_json()["mfa_requirements"]["challenge"][0]["type"], "otp");
    }
}
