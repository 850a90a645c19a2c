//! The UserInfo endpoint (OIDC Core §5.3). Sans I/O.

use crate::discovery::ProviderMetadata;
use crate::error::{Code, Error, Result};
use crate::http::HttpRequest;

/// OIDC Core §5.3.1: GET the userinfo endpoint with the access token.
pub fn userinfo_request(metadata: &ProviderMetadata, access_token: &str) -> Result<HttpRequest> {
    let endpoint = metadata
        .userinfo_endpoint
        .clone()
        .ok_or_else(|| Error::new(Code::EndpointNotSupported, "the provider has no userinfo_endpoint"))?;
    Ok(HttpRequest::get_json(endpoint).with_header("authorization", &format!("Bearer {access_token}")))
}

/// OIDC Core §5.3.2 / §5.3.4: the claims; `sub` MUST equal the ID token's, else the response is
/// refused (a token substitution).
pub fn process_userinfo_response(response: &crate::http::HttpResponse, expected_sub: &str) -> Result<serde_json::Map<String, serde_json::Value>> {
    if response.status != 200 {
        return Err(response.oauth_error().unwrap_or_else(|| {
            let www = response.header("www-authenticate").unwrap_or_default();
            Error::new(Code::UnexpectedStatus, format!("the userinfo endpoint answered HTTP {} {www}", response.status))
                .with_status(response.status)
        }));
    }
    let o = response.json_object()?;
    match o.get("sub").and_then(serde_json::Value::as_str) {
        Some(s) if s == expected_sub => Ok(o),
        Some(_) => Err(Error::claim(Code::JwtClaimValidationFailed, "sub", "check_failed",
            "the userinfo sub is not the ID token's sub (OIDC Core §5.3.2)")),
        None => Err(Error::new(Code::ResponseInvalid, "the userinfo response has no sub (OIDC Core §5.3.2)")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::HttpResponse;

    #[test]
    fn userinfo_sub_must_match() {
        let ok = HttpResponse::new(200, r#"{"sub":"u1","name":"A"}"#);
        assert_eq!(process_userinfo_response(&ok, "u1").unwrap()["name"], "A");
        let e = process_userinfo_response(&ok, "u2").unwrap_err();
        assert_eq!(e.claim.as_deref(), Some("sub"));
        assert_eq!(process_userinfo_response(&HttpResponse::new(200, "{}"), "u1").unwrap_err().code(), Code::ResponseInvalid);
        let e = process_userinfo_response(&HttpResponse::new(401, r#"{"error":"invalid_token"}"#), "u1").unwrap_err();
        assert_eq!(e.error.as_deref(), Some("invalid_token"));
    }
}
