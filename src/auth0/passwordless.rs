//! Passwordless: `/passwordless/start` (a code or a link by email or SMS) and the OTP grant.

use serde_json::Value;

use super::*;

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
