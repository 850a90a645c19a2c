//! Client configuration, validated once at construction so that every later step can rely on it.

use crate::params::AuthorizeParams;
use crate::error::{Code, Error, Result};
use crate::url::{parse_configured, Url};

/// The options a client is created with, as the JavaScript layer passes them (camelCase).
#[derive(Clone, Debug, Default)]
pub struct ClientOptions {
    /// The issuer identifier (any OpenID Provider, found through discovery). Exactly one of
    /// `issuer` and `domain` must be given.
    pub issuer: Option<String>,
    /// Auth0 style: a host name such as `tenant.eu.auth0.com` (`https://` is implied), or a full
    /// origin such as `http://127.0.0.1:4400` for loopback.
    pub domain: Option<String>,
    /// The client (application) id.
    pub client_id: Option<String>,
    /// Default `/authorize` parameters (`redirect_uri`, `audience`, `scope`, ...).
    pub authorization_params: serde_json::Map<String, serde_json::Value>,
}

impl ClientOptions {
    /// Read the options object (`issuer`, `domain`, `clientId`, `authorizationParams`; other
    /// members are left to their readers). A member that is null counts as absent. Errors:
    /// `ERR_CONFIG_INVALID_OPTION` for a member of the wrong type.
    pub fn from_json(o: &serde_json::Map<String, serde_json::Value>) -> Result<Self> {
        use serde_json::Value;
        let invalid = |name: &str, what: &str| {
            Error::new(Code::ConfigInvalidOption, format!("the client options are not valid: {name} must be {what}"))
        };
        let string = |name: &str| match o.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(invalid(name, "a string")),
        };
        Ok(ClientOptions {
            issuer: string("issuer")?,
            domain: string("domain")?,
            client_id: string("clientId")?,
            authorization_params: match o.get("authorizationParams") {
                None | Some(Value::Null) => serde_json::Map::new(),
                Some(Value::Object(m)) => m.clone(),
                Some(_) => return Err(invalid("authorizationParams", "an object")),
            },
        })
    }
}

/// A validated client configuration.
#[derive(Clone, Debug)]
pub struct ClientConfig {
    issuer: String,
    issuer_url: Url,
    from_domain: bool,
    client_id: String,
    authorization_params: AuthorizeParams,
}

impl ClientConfig {
    /// Validate options. Errors: `ERR_CONFIG_MISSING_CLIENT_ID`, `ERR_CONFIG_MISSING_ISSUER`,
    /// `ERR_CONFIG_INVALID_ISSUER`, `ERR_CONFIG_INSECURE_ISSUER`, `ERR_CONFIG_INVALID_REDIRECT_URI`,
    /// `ERR_CONFIG_INVALID_OPTION`.
    pub fn new(options: ClientOptions) -> Result<Self> {
        let client_id = options.client_id.map(|s| s.trim().to_owned()).unwrap_or_default();
        if client_id.is_empty() {
            return Err(Error::new(Code::ConfigMissingClientId, "clientId is required: pass the application's client id"));
        }
        let (issuer, from_domain) = match (options.issuer, options.domain) {
            (Some(i), None) => (i, false),
            (None, Some(d)) => (issuer_from_domain(&d), true),
            (Some(_), Some(_)) => {
                return Err(Error::new(Code::ConfigMissingIssuer, "give either issuer or domain, not both"));
            }
            (None, None) => {
                return Err(Error::new(
                    Code::ConfigMissingIssuer,
                    "issuer (for any OpenID Provider) or domain (for Auth0) is required",
                ));
            }
        };
        let issuer_url = parse_configured(&issuer, "the issuer", Code::ConfigInvalidIssuer)?;
        if issuer_url.query().is_some() || issuer_url.fragment().is_some() {
            // OIDC Discovery §2: the issuer has no query or fragment components.
            return Err(Error::new(Code::ConfigInvalidIssuer, format!("the issuer {issuer:?} must not have a query or fragment")));
        }
        if issuer_url.scheme() != "https" && issuer_url.scheme() != "http" {
            return Err(Error::new(Code::ConfigInvalidIssuer, format!("the issuer {issuer:?} must use https")));
        }
        if !issuer_url.is_secure_or_loopback() {
            // OIDC Core §2 / Discovery §2: the issuer is an https URL. Plain http is allowed only on
            // loopback, for local development and tests.
            return Err(Error::new(
                Code::ConfigInsecureIssuer,
                format!("the issuer {issuer:?} must use https (http is allowed only for localhost and 127.0.0.1)"),
            ));
        }
        let authorization_params = AuthorizeParams::from_json(&options.authorization_params)
            .map_err(|e| Error::new(Code::ConfigInvalidOption, format!("authorizationParams: {}", e.message())))?;
        if let Some(r) = &authorization_params.redirect_uri {
            validate_redirect_uri(r)?;
        }
        Ok(ClientConfig { issuer, issuer_url, from_domain, client_id, authorization_params })
    }

    /// The configured issuer, exactly as given (or as derived from `domain`).
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// The issuer, parsed.
    pub fn issuer_url(&self) -> &Url {
        &self.issuer_url
    }

    /// Whether the issuer came from an Auth0 `domain`. Auth0 publishes its issuer with a trailing
    /// `/` while a domain has none, so discovery accepts either form in that case.
    pub fn issuer_from_domain(&self) -> bool {
        self.from_domain
    }

    /// The client id.
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// The default `/authorize` parameters.
    pub fn authorization_params(&self) -> &AuthorizeParams {
        &self.authorization_params
    }

    /// Replace the configured scope (the session's rules decide it: see [`crate::spa`]).
    pub fn set_scope(&mut self, scope: String) {
        self.authorization_params.scope = Some(scope);
    }
}

/// `tenant.auth0.com` -> `https://tenant.auth0.com/` (the issuer Auth0 publishes); a value with a
/// scheme is kept as it is.
fn issuer_from_domain(domain: &str) -> String {
    let d = domain.trim();
    if d.contains("://") {
        d.to_owned()
    } else {
        format!("https://{}/", d.trim_end_matches('/'))
    }
}

/// A redirect URI must be absolute, without fragment (RFC 6749 §3.1.2), and https, or http on a
/// loopback host (RFC 8252 §7.3, §8.3).
pub fn validate_redirect_uri(uri: &str) -> Result<Url> {
    let u = parse_configured(uri, "the redirect URI", Code::ConfigInvalidRedirectUri)?;
    if u.fragment().is_some() {
        return Err(Error::new(
            Code::ConfigInvalidRedirectUri,
            format!("the redirect URI {uri:?} must not have a fragment (RFC 6749 §3.1.2)"),
        ));
    }
    if !u.is_secure_or_loopback() {
        return Err(Error::new(
            Code::ConfigInvalidRedirectUri,
            format!("the redirect URI {uri:?} must use https (http is allowed only for loopback hosts)"),
        ));
    }
    Ok(u)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts(v: serde_json::Value) -> ClientOptions {
        ClientOptions::from_json(v.as_object().unwrap()).unwrap()
    }

    fn code(v: serde_json::Value) -> Code {
        ClientConfig::new(opts(v)).unwrap_err().code()
    }

    #[test]
    fn accepts_issuer_and_domain() {
        let c = ClientConfig::new(opts(serde_json::json!({"issuer": "https://op.example", "clientId": "c"}))).unwrap();
        assert_eq!(c.issuer(), "https://op.example");
        assert!(!c.issuer_from_domain());
        let c = ClientConfig::new(opts(serde_json::json!({"domain": "t.auth0.com", "clientId": "c"}))).unwrap();
        assert_eq!(c.issuer(), "https://t.auth0.com/");
        assert!(c.issuer_from_domain());
        let c = ClientConfig::new(opts(serde_json::json!({"domain": "http://127.0.0.1:4400", "clientId": "c"}))).unwrap();
        assert_eq!(c.issuer(), "http://127.0.0.1:4400");
    }

    #[test]
    fn rejects_bad_config_with_codes() {
        use serde_json::json;
        assert_eq!(code(json!({"issuer": "https://op.example"})), Code::ConfigMissingClientId);
        assert_eq!(code(json!({"issuer": "https://op.example", "clientId": "  "})), Code::ConfigMissingClientId);
        assert_eq!(code(json!({"clientId": "c"})), Code::ConfigMissingIssuer);
        assert_eq!(code(json!({"clientId": "c", "issuer": "https://a", "domain": "b"})), Code::ConfigMissingIssuer);
        assert_eq!(code(json!({"clientId": "c", "issuer": "http://op.example"})), Code::ConfigInsecureIssuer);
        assert_eq!(code(json!({"clientId": "c", "domain": "http://op.example"})), Code::ConfigInsecureIssuer);
        assert_eq!(code(json!({"clientId": "c", "issuer": "op.example"})), Code::ConfigInvalidIssuer);
        assert_eq!(code(json!({"clientId": "c", "issuer": "https://op.example?x=1"})), Code::ConfigInvalidIssuer);
        assert_eq!(code(json!({"clientId": "c", "issuer": "ftp://op.example"})), Code::ConfigInvalidIssuer);
        for bad in ["/callback", "https://app.example/#x", "http://app.example/cb", "not a url"] {
            assert_eq!(
                code(json!({"clientId": "c", "issuer": "https://op.example", "authorizationParams": {"redirect_uri": bad}})),
                Code::ConfigInvalidRedirectUri,
                "{bad}"
            );
        }
        assert_eq!(
            code(json!({"clientId": "c", "issuer": "https://op.example", "authorizationParams": {"scope": {"x": 1}}})),
            Code::ConfigInvalidOption
        );
        assert!(ClientConfig::new(opts(json!({"clientId": "c", "issuer": "http://localhost:4400",
            "authorizationParams": {"redirect_uri": "http://127.0.0.1:4401/"}}))).is_ok());
    }
}
