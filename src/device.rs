//! The device authorization grant (RFC 8628): the device authorization request and response, and
//! what to do after each poll of the token endpoint (the poll itself is a token-endpoint grant:
//! [`crate::token::device_token_request`]). Sans I/O.

use crate::config::ClientConfig;
use crate::discovery::ProviderMetadata;
use crate::error::{Code, Error, Result};
use crate::http::HttpRequest;

/// A device authorization (RFC 8628 §3.2).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeviceAuthorization {
    /// `device_code`, for polling: a secret.
    pub device_code: String,
    /// `user_code`, to show.
    pub user_code: String,
    /// `verification_uri`, to show.
    pub verification_uri: String,
    /// `verification_uri_complete`, when given (for a QR code or a link).
    pub verification_uri_complete: Option<String>,
    /// Lifetime in seconds.
    pub expires_in: u64,
    /// Polling interval in seconds (5 when the server says nothing, §3.2).
    pub interval: u64,
}

/// RFC 8628 §3.1: POST the device authorization endpoint (Auth0: `/oauth/device/code`).
pub fn device_authorization_request(
    config: &ClientConfig,
    metadata: &ProviderMetadata,
    scope: &str,
    audience: Option<&str>,
) -> HttpRequest {
    let endpoint = metadata
        .device_authorization_endpoint
        .clone()
        .unwrap_or_else(|| crate::auth0::device_authorization_endpoint(metadata));
    let mut p = vec![("client_id", config.client_id()), ("scope", scope)];
    if let Some(a) = audience {
        p.push(("audience", a));
    }
    HttpRequest::post_form(endpoint, p)
}

/// RFC 8628 §3.2: read the device authorization response.
pub fn process_device_authorization_response(response: &crate::http::HttpResponse) -> Result<DeviceAuthorization> {
    if response.status != 200 {
        return Err(response.oauth_error().unwrap_or_else(|| {
            Error::new(Code::UnexpectedStatus, format!("the device authorization endpoint answered HTTP {}", response.status))
                .with_status(response.status)
        }));
    }
    let o = response.json_object()?;
    let s = |k: &str| -> Result<String> {
        o.get(k).and_then(serde_json::Value::as_str).map(str::to_owned).ok_or_else(|| {
            Error::new(Code::ResponseInvalid, format!("the device authorization response has no {k} (RFC 8628 §3.2)"))
        })
    };
    Ok(DeviceAuthorization {
        device_code: s("device_code")?,
        user_code: s("user_code")?,
        verification_uri: s("verification_uri").or_else(|_| s("verification_url"))?,
        verification_uri_complete: s("verification_uri_complete").ok(),
        expires_in: o.get("expires_in").and_then(serde_json::Value::as_u64).ok_or_else(|| {
            Error::new(Code::ResponseInvalid, "the device authorization response has no expires_in (RFC 8628 §3.2)")
        })?,
        interval: o.get("interval").and_then(serde_json::Value::as_u64).unwrap_or(5),
    })
}

/// What to do after a device token error (RFC 8628 §3.5): keep polling at the returned interval
/// (`authorization_pending`; `slow_down` adds 5 s), or stop with the error (`expired_token`,
/// `access_denied`, anything else).
pub fn device_poll_next(error: &Error, interval: u64) -> Option<u64> {
    match error.error.as_deref() {
        Some("authorization_pending") => Some(interval),
        Some("slow_down") => Some(interval.saturating_add(5)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::HttpResponse;

    #[test]
    fn device_flow_rfc8628() {
        let r = HttpResponse::new(200, r#"{"device_code":"D","user_code":"ABCD-EFGH","verification_uri":"https://op.example/device","expires_in":600}"#);
        let d = process_device_authorization_response(&r).unwrap();
        assert_eq!((d.user_code.as_str(), d.interval, d.verification_uri_complete.is_none()), ("ABCD-EFGH", 5, true));
        assert_eq!(process_device_authorization_response(&HttpResponse::new(200, "{}")).unwrap_err().code(), Code::ResponseInvalid);
        let pending = Error::oauth("authorization_pending", None, None);
        assert_eq!(device_poll_next(&pending, 5), Some(5));
        assert_eq!(device_poll_next(&Error::oauth("slow_down", None, None), 5), Some(10));
        assert_eq!(device_poll_next(&Error::oauth("expired_token", None, None), 5), None);
        assert_eq!(device_poll_next(&Error::oauth("access_denied", None, None), 5), None);
    }
}
