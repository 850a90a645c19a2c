//! The token endpoint: every standard grant's request (authorization code, RFC 6749 §4.1.3 and
//! RFC 7636 §4.5; refresh token, §6; client credentials, §4.4; device code, RFC 8628 §3.4) and the
//! token response (RFC 6749 §5.1 success, §5.2 error). Auth0's own grants (passwordless, password,
//! MFA) are in [`crate::auth0`].

use serde_json::{Map, Value};

use crate::authorize::LoginTransaction;
use crate::discovery::ProviderMetadata;
use crate::error::{Code, Error, Result};
use crate::http::{HttpRequest, HttpResponse};

/// RFC 6749 §4.1.3 + RFC 7636 §4.5: `grant_type=authorization_code`, `code`, `redirect_uri`
/// (the one sent to `/authorize`), `client_id` (public client) and `code_verifier`.
pub fn authorization_code_grant_request(
    metadata: &ProviderMetadata,
    client_id: &str,
    code: &str,
    transaction: &LoginTransaction,
) -> HttpRequest {
    HttpRequest::post_form(
        metadata.token_endpoint.clone(),
        [
            ("grant_type", "authorization_code"),
            ("client_id", client_id),
            ("code", code),
            ("redirect_uri", transaction.redirect_uri.as_str()),
            ("code_verifier", transaction.code_verifier.expose_secret()),
        ],
    )
}

/// A successful token response. Holds secrets: `Debug` is redacted and it is not `Clone`.
#[derive(PartialEq)]
pub struct TokenResponse {
    /// `access_token` (REQUIRED).
    pub access_token: String,
    /// `token_type` (REQUIRED): `Bearer`.
    pub token_type: String,
    /// `expires_in` in seconds, if the server said.
    pub expires_in: Option<u64>,
    /// `now + expires_in`, seconds since the Unix epoch.
    pub expires_at: Option<u64>,
    /// `refresh_token`, if issued.
    pub refresh_token: Option<String>,
    /// `id_token`, if issued (OIDC Core §3.1.3.3).
    pub id_token: Option<String>,
    /// `scope` granted, if the server said (RFC 6749 §5.1: omitted when identical to the request).
    pub scope: Option<String>,
    /// Every member of the response, as received.
    pub raw: Map<String, Value>,
}

impl core::fmt::Debug for TokenResponse {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("TokenResponse")
            .field("token_type", &self.token_type)
            .field("expires_at", &self.expires_at)
            .field("scope", &self.scope)
            .field("has_refresh_token", &self.refresh_token.is_some())
            .field("has_id_token", &self.id_token.is_some())
            .finish_non_exhaustive()
    }
}

impl TokenResponse {
    /// Every member as received, plus `expires_at`: what the JavaScript layer hands to the caller.
    pub fn to_json(&self) -> Value {
        let mut m = self.raw.clone();
        if let Some(e) = self.expires_at {
            m.insert("expires_at".into(), e.into());
        }
        Value::Object(m)
    }
}

/// Check and read a token endpoint response. `now` is the current time (seconds since the Unix
/// epoch), to turn `expires_in` into `expires_at`.
///
/// Errors: the server's error (RFC 6749 §5.2) with its `error`, `error_description` and status;
/// `ERR_UNEXPECTED_STATUS`; `ERR_RESPONSE_NOT_JSON`; `ERR_RESPONSE_INVALID`.
pub fn process_token_response(response: &HttpResponse, now: u64) -> Result<TokenResponse> {
    if response.status != 200 {
        // RFC 6749 §5.2: errors come with 400 (or 401 for client authentication failures), but
        // any status carrying a well-formed error body is reported as the server's error.
        if let Some(e) = response.oauth_error() {
            return Err(e);
        }
        return Err(Error::new(
            Code::UnexpectedStatus,
            format!("the token endpoint answered HTTP {} without an OAuth error body", response.status),
        )
        .with_status(response.status));
    }
    let raw = response.json_object()?;
    if let Some(Value::String(error)) = raw.get("error") {
        // Some servers send an error body with 200; never take it for tokens.
        let text = |k: &str| raw.get(k).and_then(Value::as_str).map(str::to_owned);
        return Err(Error::oauth(error, text("error_description"), text("error_uri")).with_status(200));
    }
    let invalid = |why: String| Error::new(Code::ResponseInvalid, format!("the token response {why} (RFC 6749 §5.1)"));
    let string = |k: &str, required: bool| -> Result<Option<String>> {
        match raw.get(k) {
            Some(Value::String(s)) if !s.is_empty() => Ok(Some(s.clone())),
            None | Some(Value::Null) if !required => Ok(None),
            None | Some(Value::Null) => Err(invalid(format!("has no {k}"))),
            Some(_) => Err(invalid(format!("has a {k} that is not a non-empty string"))),
        }
    };
    let access_token = string("access_token", true)?.unwrap_or_default();
    let token_type = string("token_type", true)?.unwrap_or_default();
    // RFC 6749 §7.1: the client MUST NOT use a token whose type it does not understand.
    if !token_type.eq_ignore_ascii_case("bearer") {
        return Err(invalid(format!("has token_type {token_type:?}; only Bearer (RFC 6750) is supported")));
    }
    let expires_in = match raw.get("expires_in") {
        None | Some(Value::Null) => None,
        Some(Value::Number(n)) => Some(n.as_u64().ok_or_else(|| invalid("has an expires_in that is not a whole number ≥ 0".into()))?),
        // Some servers send a numeric string; accept it when it is one.
        Some(Value::String(s)) => Some(s.parse::<u64>().map_err(|_| invalid("has an expires_in that is not a number".into()))?),
        Some(_) => return Err(invalid("has an expires_in that is not a number".into())),
    };
    Ok(TokenResponse {
        access_token,
        token_type,
        expires_in,
        expires_at: expires_in.map(|e| now.saturating_add(e)),
        refresh_token: string("refresh_token", false)?,
        id_token: string("id_token", false)?,
        scope: string("scope", false)?,
        raw,
    })
}

/// RFC 6749 §6: `grant_type=refresh_token`, `refresh_token`, `client_id` (public client), and
/// `scope` / `audience` when a narrower or other token is wanted.
pub fn refresh_token_grant_request(
    metadata: &ProviderMetadata,
    client_id: &str,
    refresh_token: &str,
    scope: Option<&str>,
    audience: Option<&str>,
) -> HttpRequest {
    let mut params = vec![("grant_type", "refresh_token"), ("client_id", client_id), ("refresh_token", refresh_token)];
    if let Some(s) = scope {
        params.push(("scope", s));
    }
    if let Some(a) = audience {
        params.push(("audience", a));
    }
    HttpRequest::post_form(metadata.token_endpoint.clone(), params)
}

/// RFC 8628 §3.4: the device access token request.
pub fn device_token_request(metadata: &ProviderMetadata, client_id: &str, device_code: &str) -> HttpRequest {
    HttpRequest::post_form(
        metadata.token_endpoint.clone(),
        [("grant_type", "urn:ietf:params:oauth:grant-type:device_code"), ("device_code", device_code), ("client_id", client_id)],
    )
}

/// RFC 6749 §4.4: the client credentials grant, for confidential clients (edge workers holding a
/// client secret; never a browser page).
pub fn client_credentials_request(metadata: &ProviderMetadata, client_id: &str, client_secret: &str, audience: Option<&str>) -> HttpRequest {
    client_credentials_grant(&metadata.token_endpoint, client_id, client_secret, audience)
}

/// [`client_credentials_request`] to a token endpoint known without discovery (Auth0's
/// `https://<domain>/oauth/token`, for its Management API).
pub fn client_credentials_grant(token_endpoint: &str, client_id: &str, client_secret: &str, audience: Option<&str>) -> HttpRequest {
    let mut p = vec![("grant_type", "client_credentials"), ("client_id", client_id), ("client_secret", client_secret)];
    if let Some(a) = audience {
        p.push(("audience", a));
    }
    HttpRequest::post_form(token_endpoint, p)
}

#[cfg(test)]
mod grant_tests {
    use super::*;

    fn meta(cfg: &crate::config::ClientConfig, end_session: bool) -> ProviderMetadata {
        let iss = cfg.issuer().to_owned();
        let b = iss.trim_end_matches('/');
        let mut doc = serde_json::json!({"issuer": iss, "authorization_endpoint": format!("{b}/authorize"),
            "token_endpoint": format!("{b}/oauth/token"), "jwks_uri": format!("{b}/jwks")});
        if end_session {
            doc["end_session_endpoint"] = serde_json::json!(format!("{b}/session/end"));
        }
        crate::discovery::process_discovery_response(cfg, &HttpResponse::new(200, doc.to_string())).unwrap()
    }

    fn cfg(domain: bool, v: &str) -> crate::config::ClientConfig {
        let mut o = crate::config::ClientOptions { client_id: Some("spa".into()), ..Default::default() };
        if domain {
            o.domain = Some(v.into())
        } else {
            o.issuer = Some(v.into())
        }
        crate::config::ClientConfig::new(o).unwrap()
    }

    #[test]
    fn refresh_request_rfc6749_6() {
        let c = cfg(false, "https://op.example");
        let r = refresh_token_grant_request(&meta(&c, false), "spa", "RT", Some("openid"), Some("api"));
        assert_eq!(r.body.as_deref(), Some("grant_type=refresh_token&client_id=spa&refresh_token=RT&scope=openid&audience=api"));
        assert_eq!(r.url, "https://op.example/oauth/token");
    }
}
