//! Auth0's Authentication API beyond OpenID Connect: passwordless (`/passwordless/start` and the
//! OTP grant), embedded login (password-realm and password grants), MFA (`/mfa/*` and the
//! mfa-otp, mfa-oob and mfa-recovery-code grants), and database connections (`/dbconnections/*`).
//! Request and response shapes follow Auth0's Authentication API reference. Sans I/O: each step
//! builds an [`HttpRequest`]; [`process_json_response`] reads the answers that are not token
//! responses (token responses go through [`crate::token::process_token_response`]).

use serde_json::{json, Map, Value};

use crate::config::ClientConfig;
use crate::discovery::ProviderMetadata;
use crate::error::{Code, Error, Result};
use crate::http::{HttpRequest, HttpResponse, Method};

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

/// What `/passwordless/start` sends.
#[derive(Clone, Debug, Default)]
pub struct PasswordlessStart {
    /// `email` or `sms`.
    pub connection: String,
    /// For `connection=email`.
    pub email: Option<String>,
    /// For `connection=sms`, in E.164 form.
    pub phone_number: Option<String>,
    /// `code` or `link` (Auth0's default when absent is `link`).
    pub send: Option<String>,
    /// Parameters appended to the magic link (`scope`, `redirect_uri`, `state`, ...).
    pub auth_params: Option<Map<String, Value>>,
}

/// POST `/passwordless/start` (JSON): `client_id`, `connection`, `email` | `phone_number`, `send`,
/// `authParams`. Checks before sending: the connection's identity is present, a phone number is
/// E.164, `send` is `code` or `link`.
pub fn passwordless_start_request(config: &ClientConfig, metadata: &ProviderMetadata, p: &PasswordlessStart) -> Result<HttpRequest> {
    let mut body = Map::new();
    body.insert("client_id".into(), config.client_id().into());
    body.insert("connection".into(), p.connection.clone().into());
    match p.connection.as_str() {
        "email" => {
            let email = non_empty(p.email.as_deref(), "email (for connection email)")?;
            if !email.contains('@') {
                return Err(arg_error(format!("email {email:?} is not an email address")));
            }
            body.insert("email".into(), email.into());
        }
        "sms" => {
            let phone = non_empty(p.phone_number.as_deref(), "phone_number (for connection sms)")?;
            check_phone(phone)?;
            body.insert("phone_number".into(), phone.into());
        }
        other => return Err(arg_error(format!("connection must be \"email\" or \"sms\", not {other:?}"))),
    }
    if let Some(send) = &p.send {
        if send != "code" && send != "link" {
            return Err(arg_error(format!("send must be \"code\" or \"link\", not {send:?}")));
        }
        body.insert("send".into(), send.clone().into());
    }
    if let Some(a) = &p.auth_params {
        body.insert("authParams".into(), Value::Object(a.clone()));
    }
    Ok(HttpRequest::json(Method::Post, format!("{}/passwordless/start", base(metadata)), &Value::Object(body)))
}

fn token_request(metadata: &ProviderMetadata, params: Vec<(&str, &str)>) -> HttpRequest {
    HttpRequest::post_form(metadata.token_endpoint.clone(), params)
}

fn push_opt<'a>(v: &mut Vec<(&'a str, &'a str)>, k: &'a str, val: Option<&'a str>) {
    if let Some(x) = val {
        v.push((k, x));
    }
}

/// The passwordless OTP grant: `realm` (`email` | `sms`), `username` (the email or phone
/// number), `otp`, `scope`, `audience`.
pub fn passwordless_otp_grant_request(
    metadata: &ProviderMetadata,
    client_id: &str,
    realm: &str,
    username: &str,
    otp: &str,
    scope: &str,
    audience: Option<&str>,
) -> Result<HttpRequest> {
    if realm == "sms" {
        check_phone(username)?;
    }
    non_empty(Some(otp), "otp")?;
    let mut p = vec![
        ("grant_type", GRANT_PASSWORDLESS_OTP),
        ("client_id", client_id),
        ("realm", realm),
        ("username", username),
        ("otp", otp),
        ("scope", scope),
    ];
    push_opt(&mut p, "audience", audience);
    Ok(token_request(metadata, p))
}

/// Embedded login: the password-realm grant when `realm` is given, else the plain `password`
/// grant (RFC 6749 §4.3).
pub fn password_grant_request(
    metadata: &ProviderMetadata,
    client_id: &str,
    username: &str,
    password: &str,
    realm: Option<&str>,
    scope: &str,
    audience: Option<&str>,
) -> Result<HttpRequest> {
    non_empty(Some(username), "username")?;
    non_empty(Some(password), "password")?;
    let grant = if realm.is_some() { GRANT_PASSWORD_REALM } else { "password" };
    let mut p = vec![("grant_type", grant), ("client_id", client_id), ("username", username), ("password", password), ("scope", scope)];
    push_opt(&mut p, "realm", realm);
    push_opt(&mut p, "audience", audience);
    Ok(token_request(metadata, p))
}

/// An MFA verification.
#[derive(Clone, Debug)]
pub enum MfaProof<'a> {
    /// A one-time password (TOTP, or a code sent by SMS/email after an otp challenge).
    Otp(&'a str),
    /// An out-of-band challenge: its `oob_code`, and the `binding_code` the user saw (SMS, voice,
    /// email) when the binding method is `prompt`.
    Oob {
        /// The `oob_code` of the challenge (or of the enrollment).
        oob_code: &'a str,
        /// The code the user saw, when the binding method is `prompt`.
        binding_code: Option<&'a str>,
    },
    /// A recovery code.
    RecoveryCode(&'a str),
}

/// The MFA grants: mfa-otp (`otp`), mfa-oob (`oob_code`, `binding_code`), mfa-recovery-code
/// (`recovery_code`), each with the `mfa_token` of the `mfa_required` error.
pub fn mfa_grant_request(metadata: &ProviderMetadata, client_id: &str, mfa_token: &str, proof: &MfaProof<'_>) -> Result<HttpRequest> {
    non_empty(Some(mfa_token), "mfa_token")?;
    let mut p = vec![("client_id", client_id), ("mfa_token", mfa_token)];
    match proof {
        MfaProof::Otp(otp) => {
            p.insert(0, ("grant_type", GRANT_MFA_OTP));
            p.push(("otp", non_empty(Some(otp), "otp")?));
        }
        MfaProof::Oob { oob_code, binding_code } => {
            p.insert(0, ("grant_type", GRANT_MFA_OOB));
            p.push(("oob_code", non_empty(Some(oob_code), "oob_code")?));
            push_opt(&mut p, "binding_code", *binding_code);
        }
        MfaProof::RecoveryCode(code) => {
            p.insert(0, ("grant_type", GRANT_MFA_RECOVERY_CODE));
            p.push(("recovery_code", non_empty(Some(code), "recovery_code")?));
        }
    }
    Ok(token_request(metadata, p))
}

/// GET `/mfa/authenticators` with the `mfa_token` (or an access token for the MFA API) as bearer.
pub fn mfa_authenticators_request(metadata: &ProviderMetadata, token: &str) -> Result<HttpRequest> {
    non_empty(Some(token), "mfa_token")?;
    Ok(HttpRequest::get_json(format!("{}/mfa/authenticators", base(metadata))).with_header("authorization", &format!("Bearer {token}")))
}

/// DELETE `/mfa/authenticators/{id}`.
pub fn mfa_delete_authenticator_request(metadata: &ProviderMetadata, token: &str, id: &str) -> Result<HttpRequest> {
    non_empty(Some(token), "token")?;
    let id = non_empty(Some(id), "authenticator id")?;
    let enc: String = form_urlencoded::byte_serialize(id.as_bytes()).collect();
    Ok(HttpRequest {
        method: Method::Delete,
        url: format!("{}/mfa/authenticators/{enc}", base(metadata)),
        headers: vec![("accept".into(), "application/json".into()), ("authorization".into(), format!("Bearer {token}"))],
        body: None,
    })
}

/// What `/mfa/associate` enrolls.
#[derive(Clone, Debug, Default)]
pub struct MfaEnroll {
    /// `otp` or `oob`.
    pub authenticator_type: String,
    /// For `oob`: `sms`, `voice`, `auth0` (push) or `email`.
    pub oob_channel: Option<String>,
    /// For the `sms` / `voice` channels, E.164.
    pub phone_number: Option<String>,
    /// For the `email` channel.
    pub email: Option<String>,
}

/// POST `/mfa/associate` (JSON, bearer `mfa_token`): `client_id`, `authenticator_types`,
/// `oob_channels`, `phone_number` / `email`.
pub fn mfa_associate_request(config: &ClientConfig, metadata: &ProviderMetadata, token: &str, e: &MfaEnroll) -> Result<HttpRequest> {
    non_empty(Some(token), "mfa_token")?;
    let mut body = object(json!({ "client_id": config.client_id(), "authenticator_types": [e.authenticator_type] }));
    match e.authenticator_type.as_str() {
        "otp" => {}
        "oob" => {
            let channel = non_empty(e.oob_channel.as_deref(), "oob_channel (sms, voice, auth0 or email)")?;
            body.insert("oob_channels".into(), json!([channel]));
            match channel {
                "sms" | "voice" => {
                    let phone = non_empty(e.phone_number.as_deref(), "phone_number")?;
                    check_phone(phone)?;
                    body.insert("phone_number".into(), phone.into());
                }
                "email" => {
                    body.insert("email".into(), non_empty(e.email.as_deref(), "email")?.into());
                }
                "auth0" => {}
                other => return Err(arg_error(format!("oob_channel must be sms, voice, auth0 or email, not {other:?}"))),
            }
        }
        other => return Err(arg_error(format!("authenticator type must be \"otp\" or \"oob\", not {other:?}"))),
    }
    Ok(HttpRequest::json(Method::Post, format!("{}/mfa/associate", base(metadata)), &Value::Object(body))
        .with_header("authorization", &format!("Bearer {token}")))
}

/// POST `/mfa/challenge` (JSON): `client_id`, `mfa_token`, `challenge_type`, `authenticator_id`.
pub fn mfa_challenge_request(
    config: &ClientConfig,
    metadata: &ProviderMetadata,
    mfa_token: &str,
    challenge_type: Option<&str>,
    authenticator_id: Option<&str>,
) -> Result<HttpRequest> {
    non_empty(Some(mfa_token), "mfa_token")?;
    let mut body = object(json!({ "client_id": config.client_id(), "mfa_token": mfa_token }));
    if let Some(t) = challenge_type {
        if !t.split_ascii_whitespace().all(|x| x == "otp" || x == "oob") {
            return Err(arg_error(format!("challenge_type must be \"otp\" and/or \"oob\", not {t:?}")));
        }
        body.insert("challenge_type".into(), t.into());
    }
    if let Some(a) = authenticator_id {
        body.insert("authenticator_id".into(), a.into());
    }
    Ok(HttpRequest::json(Method::Post, format!("{}/mfa/challenge", base(metadata)), &Value::Object(body)))
}

/// What `/dbconnections/signup` sends.
#[derive(Clone, Debug, Default)]
pub struct Signup {
    /// The database connection.
    pub connection: String,
    /// The email.
    pub email: String,
    /// The password.
    pub password: String,
    /// Optional profile members: `username`, `given_name`, `family_name`, `name`, `nickname`,
    /// `picture`.
    pub profile: Map<String, Value>,
    /// `user_metadata`: at most 10 members, names up to 100 characters, string values up to 500.
    pub user_metadata: Option<Map<String, Value>>,
}

const SIGNUP_PROFILE: &[&str] = &["username", "given_name", "family_name", "name", "nickname", "picture"];

/// POST `/dbconnections/signup` (JSON). `user_metadata` is checked against Auth0's limits before
/// sending: no more than ten properties, names of at most 100 characters, values strings of at
/// most 500 characters.
pub fn signup_request(config: &ClientConfig, metadata: &ProviderMetadata, s: &Signup) -> Result<HttpRequest> {
    non_empty(Some(&s.connection), "connection")?;
    non_empty(Some(&s.email), "email")?;
    non_empty(Some(&s.password), "password")?;
    let mut body = object(json!({ "client_id": config.client_id(), "connection": s.connection, "email": s.email, "password": s.password }));
    for (k, v) in &s.profile {
        if !SIGNUP_PROFILE.contains(&k.as_str()) {
            return Err(arg_error(format!("signup does not take {k:?}; profile members are {}", SIGNUP_PROFILE.join(", "))));
        }
        if !v.is_string() {
            return Err(arg_error(format!("{k} must be a string")));
        }
        body.insert(k.clone(), v.clone());
    }
    if let Some(m) = &s.user_metadata {
        if m.len() > 10 {
            return Err(arg_error(format!("user_metadata has {} properties; at most 10 are allowed", m.len())));
        }
        for (k, v) in m {
            if k.chars().count() > 100 {
                return Err(arg_error(format!("the user_metadata property name {k:?} is longer than 100 characters")));
            }
            match v.as_str() {
                Some(x) if x.chars().count() <= 500 => {}
                Some(_) => return Err(arg_error(format!("user_metadata.{k} is longer than 500 characters"))),
                None => return Err(arg_error(format!("user_metadata.{k} must be a string"))),
            }
        }
        body.insert("user_metadata".into(), Value::Object(m.clone()));
    }
    Ok(HttpRequest::json(Method::Post, format!("{}/dbconnections/signup", base(metadata)), &Value::Object(body)))
}

/// POST `/dbconnections/change_password` (JSON): `client_id`, `email`, `connection`,
/// `organization`.
pub fn change_password_request(
    config: &ClientConfig,
    metadata: &ProviderMetadata,
    connection: &str,
    email: &str,
    organization: Option<&str>,
) -> Result<HttpRequest> {
    non_empty(Some(connection), "connection")?;
    non_empty(Some(email), "email")?;
    let mut body = object(json!({ "client_id": config.client_id(), "connection": connection, "email": email }));
    if let Some(o) = organization {
        body.insert("organization".into(), o.into());
    }
    Ok(HttpRequest::json(Method::Post, format!("{}/dbconnections/change_password", base(metadata)), &Value::Object(body)))
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
        return Ok(serde_json::from_str(&response.body).unwrap_or_else(|_| Value::String(response.body.clone())));
    }
    Err(response.oauth_error().unwrap_or_else(|| {
        Error::new(Code::UnexpectedStatus, format!("the server answered HTTP {}", response.status)).with_status(response.status)
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::ClientOptions;

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
