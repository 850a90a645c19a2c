//! MFA: the `/mfa/*` endpoints (authenticators, enrollment, challenge) and the mfa-otp, mfa-oob
//! and mfa-recovery-code grants.

use serde_json::Value;

use super::*;

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
    let mut body = object(crate::json::object! { "client_id" => config.client_id(), "authenticator_types" => vec![e.authenticator_type.as_str()] });
    match e.authenticator_type.as_str() {
        "otp" => {}
        "oob" => {
            let channel = non_empty(e.oob_channel.as_deref(), "oob_channel (sms, voice, auth0 or email)")?;
            body.insert("oob_channels".into(), vec![channel].into());
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
    let mut body = object(crate::json::object! { "client_id" => config.client_id(), "mfa_token" => mfa_token });
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
