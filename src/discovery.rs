//! OpenID Provider metadata through discovery (OpenID Connect Discovery 1.0 §4).

use serde_json::{Map, Value};

use crate::config::ClientConfig;
use crate::error::{Code, Error, Result};
use crate::http::{HttpRequest, HttpResponse};
use crate::url::Url;

/// The provider metadata the client uses, plus every member as received.
#[derive(Clone, Debug, PartialEq)]
pub struct ProviderMetadata {
    /// `issuer`: identical to the configured issuer (§4.3).
    pub issuer: String,
    /// `authorization_endpoint`.
    pub authorization_endpoint: String,
    /// `token_endpoint`.
    pub token_endpoint: String,
    /// `jwks_uri`.
    pub jwks_uri: String,
    /// `userinfo_endpoint`.
    pub userinfo_endpoint: Option<String>,
    /// `end_session_endpoint` (OIDC RP-Initiated Logout §2.1).
    pub end_session_endpoint: Option<String>,
    /// `revocation_endpoint` (RFC 8414 §2).
    pub revocation_endpoint: Option<String>,
    /// `device_authorization_endpoint` (RFC 8628 §4).
    pub device_authorization_endpoint: Option<String>,
    /// `id_token_signing_alg_values_supported`.
    pub id_token_signing_alg_values_supported: Vec<String>,
    /// `code_challenge_methods_supported` (RFC 8414 §2).
    pub code_challenge_methods_supported: Vec<String>,
    /// `authorization_response_iss_parameter_supported` (RFC 9207 §3).
    pub authorization_response_iss_parameter_supported: bool,
    /// Every member of the document, as received.
    pub raw: Map<String, Value>,
}

impl ProviderMetadata {
    /// The metadata as a JSON object (every member as received).
    pub fn to_json(&self) -> Value {
        Value::Object(self.raw.clone())
    }
}

/// OIDC Discovery §4.1: `GET {issuer without trailing /}/.well-known/openid-configuration`.
pub fn discovery_request(config: &ClientConfig) -> HttpRequest {
    let base = config.issuer().trim_end_matches('/');
    HttpRequest::get_json(format!("{base}/.well-known/openid-configuration"))
}

/// Check and read the discovery response (OIDC Discovery §4.2, §4.3).
///
/// Errors: `ERR_UNEXPECTED_STATUS`, `ERR_RESPONSE_NOT_JSON`, `ERR_DISCOVERY_INVALID`,
/// `ERR_DISCOVERY_ISSUER_MISMATCH`.
pub fn process_discovery_response(config: &ClientConfig, response: &HttpResponse) -> Result<ProviderMetadata> {
    check_discovery(config.issuer(), config.issuer_from_domain(), config.issuer_url().is_loopback(), response)
}

/// The same checks for an issuer given as a string (exact match).
pub fn process_discovery_response_for_issuer(issuer: &str, response: &HttpResponse) -> Result<ProviderMetadata> {
    let loopback = Url::parse(issuer).is_ok_and(|u| u.is_loopback());
    check_discovery(issuer, false, loopback, response)
}

fn check_discovery(expected: &str, from_domain: bool, allow_http: bool, response: &HttpResponse) -> Result<ProviderMetadata> {
    // §4.2: a successful response uses the 200 OK status code.
    if response.status != 200 {
        return Err(Error::new(
            Code::UnexpectedStatus,
            format!(
                "discovery at {}/.well-known/openid-configuration answered HTTP {}; check the issuer or domain",
                expected.trim_end_matches('/'),
                response.status
            ),
        )
        .with_status(response.status));
    }
    let raw = response.json_object()?;
    let issuer = required_str(&raw, "issuer")?;
    // §4.3: the issuer value returned MUST be identical to the issuer URL used as the prefix.
    // Auth0 publishes `https://tenant/` for a domain `tenant`: with `domain`, the trailing slash
    // alone may differ.
    let matches = issuer == expected || (from_domain && issuer.trim_end_matches('/') == expected.trim_end_matches('/'));
    if !matches {
        return Err(Error::new(
            Code::DiscoveryIssuerMismatch,
            format!(
                "the discovery document's issuer {issuer:?} is not the configured issuer {expected:?} (OIDC Discovery §4.3)"
            ),
        ));
    }
    let endpoint = |name: &str| -> Result<String> {
        let v = required_str(&raw, name)?;
        check_endpoint(name, &v, allow_http)?;
        Ok(v)
    };
    let optional_endpoint = |name: &str| -> Result<Option<String>> {
        match raw.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(v)) => {
                check_endpoint(name, v, allow_http)?;
                Ok(Some(v.clone()))
            }
            Some(_) => Err(invalid(name, "is not a string")),
        }
    };
    Ok(ProviderMetadata {
        authorization_endpoint: endpoint("authorization_endpoint")?,
        token_endpoint: endpoint("token_endpoint")?,
        jwks_uri: endpoint("jwks_uri")?,
        userinfo_endpoint: optional_endpoint("userinfo_endpoint")?,
        end_session_endpoint: optional_endpoint("end_session_endpoint")?,
        revocation_endpoint: optional_endpoint("revocation_endpoint")?,
        device_authorization_endpoint: optional_endpoint("device_authorization_endpoint")?,
        id_token_signing_alg_values_supported: string_list(&raw, "id_token_signing_alg_values_supported")?,
        code_challenge_methods_supported: string_list(&raw, "code_challenge_methods_supported")?,
        authorization_response_iss_parameter_supported: match raw.get("authorization_response_iss_parameter_supported") {
            None | Some(Value::Null) => false,
            Some(Value::Bool(b)) => *b,
            Some(_) => return Err(invalid("authorization_response_iss_parameter_supported", "is not a boolean")),
        },
        issuer,
        raw,
    })
}

fn invalid(name: &str, why: &str) -> Error {
    Error::new(Code::DiscoveryInvalid, format!("the discovery document's {name} {why}"))
}

fn required_str(raw: &Map<String, Value>, name: &str) -> Result<String> {
    match raw.get(name) {
        Some(Value::String(s)) if !s.is_empty() => Ok(s.clone()),
        Some(_) => Err(invalid(name, "is not a non-empty string")),
        None => Err(invalid(name, "is missing")),
    }
}

fn string_list(raw: &Map<String, Value>, name: &str) -> Result<Vec<String>> {
    match raw.get(name) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(a)) => a
            .iter()
            .map(|v| v.as_str().map(str::to_owned).ok_or_else(|| invalid(name, "has a member that is not a string")))
            .collect(),
        Some(_) => Err(invalid(name, "is not an array")),
    }
}

/// Endpoints are absolute https URLs (OIDC Discovery §3); http only when the issuer itself is a
/// loopback http issuer, for local development.
fn check_endpoint(name: &str, value: &str, allow_http: bool) -> Result<()> {
    let u = Url::parse(value).map_err(|why| invalid(name, &format!("is not a valid URL: {why}")))?;
    let ok = u.scheme() == "https" || (allow_http && u.scheme() == "http" && u.is_loopback());
    if !ok {
        return Err(invalid(name, &format!("{value:?} does not use https")));
    }
    if u.fragment().is_some() {
        return Err(invalid(name, "has a fragment"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::ClientOptions;
    use serde_json::json;

    fn config(v: Value) -> ClientConfig {
        ClientConfig::new(ClientOptions::from_json(v.as_object().unwrap()).unwrap()).unwrap()
    }

    fn doc(issuer: &str) -> Value {
        json!({
            "issuer": issuer,
            "authorization_endpoint": format!("{}/authorize", issuer.trim_end_matches('/')),
            "token_endpoint": format!("{}/oauth/token", issuer.trim_end_matches('/')),
            "jwks_uri": format!("{}/.well-known/jwks.json", issuer.trim_end_matches('/')),
            "id_token_signing_alg_values_supported": ["RS256"],
            "authorization_response_iss_parameter_supported": true
        })
    }

    #[test]
    fn request_url_strips_trailing_slash() {
        let c = config(json!({"domain": "t.auth0.com", "clientId": "c"}));
        assert_eq!(discovery_request(&c).url, "https://t.auth0.com/.well-known/openid-configuration");
        let c = config(json!({"issuer": "https://op.example/tenant/", "clientId": "c"}));
        assert_eq!(discovery_request(&c).url, "https://op.example/tenant/.well-known/openid-configuration");
    }

    #[test]
    fn issuer_must_match_exactly() {
        let c = config(json!({"issuer": "https://op.example", "clientId": "c"}));
        let ok = HttpResponse::new(200, doc("https://op.example").to_string());
        let m = process_discovery_response(&c, &ok).unwrap();
        assert_eq!(m.token_endpoint, "https://op.example/oauth/token");
        assert!(m.authorization_response_iss_parameter_supported);
        for other in ["https://op.example/", "https://evil.example", "https://OP.example"] {
            let r = HttpResponse::new(200, doc(other).to_string());
            assert_eq!(process_discovery_response(&c, &r).unwrap_err().code(), Code::DiscoveryIssuerMismatch, "{other}");
        }
        // Auth0 domain: the trailing slash may differ, nothing else.
        let c = config(json!({"domain": "t.auth0.com", "clientId": "c"}));
        assert!(process_discovery_response(&c, &HttpResponse::new(200, doc("https://t.auth0.com/").to_string())).is_ok());
        assert!(process_discovery_response(&c, &HttpResponse::new(200, doc("https://t.auth0.com").to_string())).is_ok());
        let r = HttpResponse::new(200, doc("https://t.auth0.com.evil/").to_string());
        assert_eq!(process_discovery_response(&c, &r).unwrap_err().code(), Code::DiscoveryIssuerMismatch);
    }

    #[test]
    fn rejects_broken_documents() {
        let c = config(json!({"issuer": "https://op.example", "clientId": "c"}));
        let check = |v: Value| process_discovery_response(&c, &HttpResponse::new(200, v.to_string())).unwrap_err().code();
        let mut d = doc("https://op.example");
        d.as_object_mut().unwrap().remove("token_endpoint");
        assert_eq!(check(d), Code::DiscoveryInvalid);
        let mut d = doc("https://op.example");
        d["jwks_uri"] = json!("http://op.example/jwks");
        assert_eq!(check(d), Code::DiscoveryInvalid);
        let mut d = doc("https://op.example");
        d["id_token_signing_alg_values_supported"] = json!("RS256");
        assert_eq!(check(d), Code::DiscoveryInvalid);
        let mut d = doc("https://op.example");
        d["authorization_response_iss_parameter_supported"] = json!("yes");
        assert_eq!(check(d), Code::DiscoveryInvalid);
        assert_eq!(
            process_discovery_response(&c, &HttpResponse::new(404, "not found")).unwrap_err().code(),
            Code::UnexpectedStatus
        );
        assert_eq!(
            process_discovery_response(&c, &HttpResponse::new(200, "<html>")).unwrap_err().code(),
            Code::ResponseNotJson
        );
    }

    #[test]
    fn loopback_issuer_may_use_http_endpoints() {
        let c = config(json!({"issuer": "http://127.0.0.1:4400", "clientId": "c"}));
        let r = HttpResponse::new(200, doc("http://127.0.0.1:4400").to_string());
        assert!(process_discovery_response(&c, &r).is_ok());
    }
}
