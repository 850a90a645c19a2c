//! The authorization request (RFC 6749 §4.1.1, OIDC Core §3.1.2.1, RFC 7636 §4.3) and the
//! authorization response at the redirect URI (RFC 6749 §4.1.2, RFC 9207).

use serde_json::Value;

use crate::config::{validate_redirect_uri, ClientConfig};
use crate::discovery::ProviderMetadata;
use crate::error::{Code, Error, Result};
use crate::pkce::{random_token, CodeVerifier, RANDOM_BYTES};
use crate::url::Url;

pub use crate::params::{effective_scope, AuthorizeParams, DEFAULT_SCOPE};

/// Random input for one authorization request: `state`, `nonce` and the PKCE verifier, 32 bytes
/// each.
pub struct AuthorizeRandom {
    /// For `state`.
    pub state: [u8; RANDOM_BYTES],
    /// For `nonce`.
    pub nonce: [u8; RANDOM_BYTES],
    /// For the `code_verifier`.
    pub code_verifier: [u8; RANDOM_BYTES],
}

impl AuthorizeRandom {
    /// Split 96 random bytes.
    pub fn from_bytes(b: &[u8; 3 * RANDOM_BYTES]) -> Self {
        let mut r = AuthorizeRandom { state: [0; RANDOM_BYTES], nonce: [0; RANDOM_BYTES], code_verifier: [0; RANDOM_BYTES] };
        r.state.copy_from_slice(&b[..RANDOM_BYTES]);
        r.nonce.copy_from_slice(&b[RANDOM_BYTES..2 * RANDOM_BYTES]);
        r.code_verifier.copy_from_slice(&b[2 * RANDOM_BYTES..]);
        r
    }
}

/// What must be kept between sending the user to `/authorize` and handling the callback: a
/// secret (the PKCE verifier is in it), so `Debug` is redacted and it is not `Clone`.
#[derive(PartialEq, Eq)]
pub struct LoginTransaction {
    /// `state` sent (RFC 6749 §10.12).
    pub state: String,
    /// `nonce` sent (OIDC Core §3.1.2.1), to compare with the ID token's.
    pub nonce: String,
    /// The PKCE verifier.
    pub code_verifier: CodeVerifier,
    /// `redirect_uri` sent; the token request repeats it (RFC 6749 §4.1.3).
    pub redirect_uri: String,
    /// `scope` sent.
    pub scope: String,
    /// `audience` sent, if any.
    pub audience: Option<String>,
    /// `max_age` sent, if any (the ID token then needs `auth_time`, OIDC Core §3.1.3.7 step 13).
    pub max_age: Option<u64>,
    /// `organization` sent, if any.
    pub organization: Option<String>,
    /// When the request was made (seconds since the Unix epoch), so stale ones can be purged.
    pub created_at: u64,
}

impl core::fmt::Debug for LoginTransaction {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("LoginTransaction")
            .field("state", &self.state)
            .field("redirect_uri", &self.redirect_uri)
            .field("scope", &self.scope)
            .field("created_at", &self.created_at)
            .finish_non_exhaustive()
    }
}

impl LoginTransaction {
    /// The transaction as JSON, to keep in storage until the callback.
    pub fn to_json(&self) -> Value {
        crate::json::object! {
            "state" => self.state.as_str(),
            "nonce" => self.nonce.as_str(),
            "code_verifier" => self.code_verifier.expose_secret(),
            "redirect_uri" => self.redirect_uri.as_str(),
            "scope" => self.scope.as_str(),
            "audience" => self.audience.clone(),
            "max_age" => self.max_age,
            "organization" => self.organization.clone(),
            "created_at" => self.created_at,
        }
    }

    /// Read a transaction back from storage. Anything malformed is `ERR_INVALID_ARGUMENT`.
    pub fn from_json(v: &Value) -> Result<Self> {
        let bad = |what: &str| Error::new(Code::InvalidArgument, format!("the login transaction's {what} is missing or malformed"));
        let s = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_owned).ok_or_else(|| bad(k));
        let opt = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_owned);
        Ok(LoginTransaction {
            state: s("state")?,
            nonce: s("nonce")?,
            code_verifier: CodeVerifier::from_string(s("code_verifier")?).map_err(|_| bad("code_verifier"))?,
            redirect_uri: s("redirect_uri")?,
            scope: s("scope")?,
            audience: opt("audience"),
            max_age: v.get("max_age").and_then(Value::as_u64),
            organization: opt("organization"),
            created_at: v.get("created_at").and_then(Value::as_u64).ok_or_else(|| bad("created_at"))?,
        })
    }
}

/// An authorization request ready to open: the URL and the transaction to keep.
#[derive(Debug)]
pub struct AuthorizationRequest {
    /// The full `/authorize` URL.
    pub url: String,
    /// What the callback and the code exchange need.
    pub transaction: LoginTransaction,
}

/// Build the `/authorize` URL (RFC 6749 §4.1.1, OIDC Core §3.1.2.1, RFC 7636 §4.3) from the
/// configured defaults merged with `params`.
///
/// `response_type=code` and `code_challenge_method=S256` always (RFC 9700 §2.1.1: PKCE S256 for
/// every public client). Errors: `ERR_INVALID_ARGUMENT` when no redirect URI is known,
/// `ERR_CONFIG_INVALID_REDIRECT_URI` for a malformed one.
pub fn authorization_request(
    config: &ClientConfig,
    metadata: &ProviderMetadata,
    params: &AuthorizeParams,
    random: &AuthorizeRandom,
    now: u64,
) -> Result<AuthorizationRequest> {
    let p = config.authorization_params().merged_with(params);
    let redirect_uri = p.redirect_uri.clone().ok_or_else(|| {
        Error::new(
            Code::InvalidArgument,
            "a redirect_uri is required: set authorizationParams.redirect_uri when creating the client",
        )
    })?;
    validate_redirect_uri(&redirect_uri)?;
    let endpoint = Url::parse(&metadata.authorization_endpoint)
        .map_err(|why| Error::new(Code::DiscoveryInvalid, format!("authorization_endpoint is not a valid URL: {why}")))?;

    let state = random_token(&random.state);
    let nonce = random_token(&random.nonce);
    let code_verifier = CodeVerifier::from_random(&random.code_verifier);
    let code_challenge = code_verifier.s256_challenge();
    let scope = effective_scope(p.scope.as_deref());
    let max_age = p.max_age.map(|n| n.to_string());

    let mut q: Vec<(&str, &str)> = vec![
        ("client_id", config.client_id()),
        ("response_type", "code"),
        ("redirect_uri", &redirect_uri),
        ("scope", &scope),
        ("state", &state),
        ("nonce", &nonce),
        ("code_challenge", &code_challenge),
        ("code_challenge_method", "S256"),
    ];
    let optional = [
        ("audience", &p.audience),
        ("connection", &p.connection),
        ("organization", &p.organization),
        ("invitation", &p.invitation),
        ("prompt", &p.prompt),
        ("max_age", &max_age),
        ("screen_hint", &p.screen_hint),
        ("login_hint", &p.login_hint),
        ("ui_locales", &p.ui_locales),
        ("acr_values", &p.acr_values),
        ("response_mode", &p.response_mode),
    ];
    q.extend(optional.iter().filter_map(|(k, v)| v.as_deref().map(|v| (*k, v))));
    q.extend(p.extra.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let url = endpoint.with_query_pairs(q);

    Ok(AuthorizationRequest {
        url,
        transaction: LoginTransaction {
            state,
            nonce,
            code_verifier,
            redirect_uri,
            scope,
            audience: p.audience,
            max_age: p.max_age,
            organization: p.organization,
            created_at: now,
        },
    })
}

/// The parameters of an authorization response, as found at the redirect URI.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CallbackParams {
    /// `code`.
    pub code: Option<String>,
    /// `state`.
    pub state: Option<String>,
    /// `error` (RFC 6749 §4.1.2.1).
    pub error: Option<String>,
    /// `error_description`.
    pub error_description: Option<String>,
    /// `error_uri`.
    pub error_uri: Option<String>,
    /// `iss` (RFC 9207 §2).
    pub iss: Option<String>,
}

/// Read the authorization response parameters from a callback URL: from the query, or from the
/// fragment when the query has none (`response_mode=fragment`). A parameter given twice is
/// refused (RFC 6749 §3.1: parameters MUST NOT be included more than once).
pub fn parse_callback_url(callback_url: &str) -> Result<CallbackParams> {
    let u = Url::parse(callback_url)
        .map_err(|why| Error::new(Code::InvalidArgument, format!("the callback URL is not a valid URL: {why}")))?;
    let known = |pairs: &[(String, String)]| pairs.iter().any(|(k, _)| matches!(k.as_str(), "code" | "state" | "error"));
    let mut pairs = u.query_pairs();
    if !known(&pairs) {
        pairs = u.fragment_pairs();
    }
    from_pairs(pairs)
}

/// Read authorization response parameters from decoded pairs (for `form_post` or `web_message`
/// responses, which do not arrive as a URL).
pub fn from_pairs(pairs: Vec<(String, String)>) -> Result<CallbackParams> {
    let mut p = CallbackParams::default();
    for (k, v) in pairs {
        let slot = match k.as_str() {
            "code" => &mut p.code,
            "state" => &mut p.state,
            "error" => &mut p.error,
            "error_description" => &mut p.error_description,
            "error_uri" => &mut p.error_uri,
            "iss" => &mut p.iss,
            _ => continue,
        };
        if slot.is_some() {
            return Err(Error::new(
                Code::CallbackInvalid,
                format!("the callback has the parameter {k} more than once (RFC 6749 §3.1)"),
            ));
        }
        *slot = Some(v);
    }
    Ok(p)
}

/// Validate an authorization response against the transaction that started it, and return the
/// authorization code.
///
/// 1. `state` must equal the transaction's (RFC 6749 §10.12), before anything else is trusted.
/// 2. `iss` (RFC 9207 §2.4): when present it must equal the issuer; when the provider announces
///    `authorization_response_iss_parameter_supported`, it must be present.
/// 3. `error` becomes the server's error (RFC 6749 §4.1.2.1).
/// 4. `code` must be present (RFC 6749 §4.1.2).
pub fn validate_callback(params: &CallbackParams, transaction: &LoginTransaction, metadata: &ProviderMetadata) -> Result<String> {
    match &params.state {
        Some(s) if constant_time_eq(s.as_bytes(), transaction.state.as_bytes()) => {}
        Some(_) => {
            return Err(Error::new(
                Code::CallbackStateMismatch,
                "the callback's state does not match the login in progress; start the login again",
            ))
        }
        None => {
            return Err(Error::new(Code::CallbackStateMismatch, "the callback has no state; start the login again"));
        }
    }
    match &params.iss {
        Some(iss) if iss != &metadata.issuer => {
            return Err(Error::new(
                Code::CallbackIssuerMismatch,
                format!("the callback's iss {iss:?} is not the issuer {:?} (RFC 9207 §2.4)", metadata.issuer),
            ));
        }
        None if metadata.authorization_response_iss_parameter_supported => {
            return Err(Error::new(
                Code::CallbackIssuerMismatch,
                "the callback has no iss although the provider announces it (RFC 9207 §2.4)",
            ));
        }
        _ => {}
    }
    if let Some(error) = &params.error {
        return Err(Error::oauth(error, params.error_description.clone(), params.error_uri.clone()));
    }
    match &params.code {
        Some(c) if !c.is_empty() => Ok(c.clone()),
        _ => Err(Error::new(Code::CallbackInvalid, "the callback has neither code nor error")),
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
