//! The parameters of an authorization request that a client configures and a call adds
//! (RFC 6749 §4.1.1, OIDC Core §3.1.2.1, Auth0's `/authorize`), read from JSON and merged. Used by
//! the configuration and by the authorization request alike, and depending on neither.

use serde_json::{Map, Value};

use crate::error::{Code, Error, Result};

/// Parameters of `/authorize` a caller may set: every parameter of Auth0's `/authorize`, the
/// OIDC Core §3.1.2.1 ones, and any custom ones (passed through as they are).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AuthorizeParams {
    /// `redirect_uri` (RFC 6749 §3.1.2).
    pub redirect_uri: Option<String>,
    /// `scope`; `openid` is always added.
    pub scope: Option<String>,
    /// `audience` (Auth0): the API the access token is for.
    pub audience: Option<String>,
    /// `connection` (Auth0).
    pub connection: Option<String>,
    /// `organization` (Auth0).
    pub organization: Option<String>,
    /// `invitation` (Auth0).
    pub invitation: Option<String>,
    /// `prompt` (OIDC Core §3.1.2.1): `none`, `login`, `consent`, `select_account`.
    pub prompt: Option<String>,
    /// `max_age` in seconds (OIDC Core §3.1.2.1).
    pub max_age: Option<u64>,
    /// `screen_hint` (Auth0): `signup` or `login`.
    pub screen_hint: Option<String>,
    /// `login_hint` (OIDC Core §3.1.2.1).
    pub login_hint: Option<String>,
    /// `ui_locales` (OIDC Core §3.1.2.1).
    pub ui_locales: Option<String>,
    /// `acr_values` (OIDC Core §3.1.2.1).
    pub acr_values: Option<String>,
    /// `response_mode` (OAuth 2.0 Multiple Response Type Encoding Practices): `query`,
    /// `fragment`, `form_post`, `web_message`.
    pub response_mode: Option<String>,
    /// Any other parameter, passed through in order.
    pub extra: Vec<(String, String)>,
}

/// Parameters this library sets itself; a caller trying to set them gets `ERR_INVALID_ARGUMENT`
/// rather than a silently ignored value.
const RESERVED: &[&str] = &["client_id", "response_type", "state", "nonce", "code_challenge", "code_challenge_method"];

/// The scope used when none is configured (as auth0-spa-js does).
pub const DEFAULT_SCOPE: &str = "openid profile email";

impl AuthorizeParams {
    /// Read parameters from a JSON object with the wire names (`redirect_uri`, `max_age`, ...).
    /// Strings are taken as they are, numbers and booleans are written out, `null` means absent;
    /// objects and arrays are refused.
    pub fn from_json(obj: &Map<String, Value>) -> Result<Self> {
        let mut p = AuthorizeParams::default();
        for (k, v) in obj {
            let value = match v {
                Value::Null => continue,
                Value::String(s) => s.clone(),
                Value::Number(_) => crate::json::to_text(v),
                Value::Bool(b) => b.to_string(),
                Value::Array(_) | Value::Object(_) => {
                    return Err(Error::new(Code::InvalidArgument, format!("the parameter {k} must be a string")));
                }
            };
            if RESERVED.contains(&k.as_str()) {
                return Err(Error::new(
                    Code::InvalidArgument,
                    format!("the parameter {k} is set by the library and cannot be given"),
                ));
            }
            let slot = match k.as_str() {
                "redirect_uri" => &mut p.redirect_uri,
                "scope" => &mut p.scope,
                "audience" => &mut p.audience,
                "connection" => &mut p.connection,
                "organization" => &mut p.organization,
                "invitation" => &mut p.invitation,
                "prompt" => &mut p.prompt,
                "screen_hint" => &mut p.screen_hint,
                "login_hint" => &mut p.login_hint,
                "ui_locales" => &mut p.ui_locales,
                "acr_values" => &mut p.acr_values,
                "response_mode" => &mut p.response_mode,
                "max_age" => {
                    let n = value.parse::<u64>().map_err(|_| {
                        Error::new(Code::InvalidArgument, "max_age must be a whole number of seconds (OIDC Core §3.1.2.1)")
                    })?;
                    p.max_age = Some(n);
                    continue;
                }
                _ => {
                    p.extra.push((k.clone(), value));
                    continue;
                }
            };
            *slot = Some(value);
        }
        Ok(p)
    }

    /// `self` with every parameter that `over` sets replaced by `over`'s value.
    pub fn merged_with(&self, over: &AuthorizeParams) -> AuthorizeParams {
        fn pick(a: &Option<String>, b: &Option<String>) -> Option<String> {
            b.clone().or_else(|| a.clone())
        }
        let mut extra: Vec<(String, String)> =
            self.extra.iter().filter(|(k, _)| !over.extra.iter().any(|(o, _)| o == k)).cloned().collect();
        extra.extend(over.extra.iter().cloned());
        AuthorizeParams {
            redirect_uri: pick(&self.redirect_uri, &over.redirect_uri),
            scope: pick(&self.scope, &over.scope),
            audience: pick(&self.audience, &over.audience),
            connection: pick(&self.connection, &over.connection),
            organization: pick(&self.organization, &over.organization),
            invitation: pick(&self.invitation, &over.invitation),
            prompt: pick(&self.prompt, &over.prompt),
            max_age: over.max_age.or(self.max_age),
            screen_hint: pick(&self.screen_hint, &over.screen_hint),
            login_hint: pick(&self.login_hint, &over.login_hint),
            ui_locales: pick(&self.ui_locales, &over.ui_locales),
            acr_values: pick(&self.acr_values, &over.acr_values),
            response_mode: pick(&self.response_mode, &over.response_mode),
            extra,
        }
    }
}

/// The scope to request: the given one (or [`DEFAULT_SCOPE`]) with `openid` added when missing
/// (OIDC Core §3.1.2.1: `scope` REQUIRED, MUST contain `openid`), duplicates removed.
pub fn effective_scope(scope: Option<&str>) -> String {
    let mut out: Vec<&str> = vec!["openid"];
    for s in scope.unwrap_or(DEFAULT_SCOPE).split_ascii_whitespace() {
        if !out.contains(&s) {
            out.push(s);
        }
    }
    out.join(" ")
}

