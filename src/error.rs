//! One error type for the whole crate.
//!
//! Every error carries a [`Code`]: a stable `ERR_*` string that is part of the public API (in Rust
//! and in JavaScript, where it becomes `AuthError.code`). The [`Kind`] says whose move it is: the
//! caller's (bad configuration or argument), the server's refusal (an OAuth error response), the
//! server breaking the protocol, a token that failed verification, the network, or a bug of ours.

use core::fmt;

/// Whose move it is after this error.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// The caller's configuration or argument is wrong: fix the code that calls us.
    Config,
    /// The server refused with an OAuth 2.0 error (`error`, `error_description`).
    Server,
    /// The server answered something the protocol does not allow.
    Protocol,
    /// A token or an authorization response failed a security check.
    Verification,
    /// The request did not reach the server, or no answer came back in time.
    Network,
    /// A bug in this library. Please report it.
    Internal,
}

impl Kind {
    /// The kind as a lowercase string, as the JavaScript layer exposes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Config => "config",
            Kind::Server => "server",
            Kind::Protocol => "protocol",
            Kind::Verification => "verification",
            Kind::Network => "network",
            Kind::Internal => "internal",
        }
    }
}

macro_rules! codes {
    ($( $(#[$doc:meta])* $variant:ident = $text:literal, $kind:ident; )*) => {
        /// Stable error codes. The string form (`ERR_...`) never changes once released.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        #[non_exhaustive]
        pub enum Code {
            $( $(#[$doc])* $variant, )*
        }

        impl Code {
            /// The stable `ERR_*` string.
            pub fn as_str(self) -> &'static str {
                match self { $( Code::$variant => $text, )* }
            }

            /// Whose move it is.
            pub fn kind(self) -> Kind {
                match self { $( Code::$variant => Kind::$kind, )* }
            }

            /// Every code, for documentation and tests.
            pub const ALL: &'static [Code] = &[ $( Code::$variant, )* ];
        }
    };
}

codes! {
    /// `clientId` is missing or empty.
    ConfigMissingClientId = "ERR_CONFIG_MISSING_CLIENT_ID", Config;
    /// Neither `issuer` nor `domain` was given, or both were.
    ConfigMissingIssuer = "ERR_CONFIG_MISSING_ISSUER", Config;
    /// The issuer (or domain) is not a valid absolute URL without query or fragment.
    ConfigInvalidIssuer = "ERR_CONFIG_INVALID_ISSUER", Config;
    /// The issuer uses `http://` on a host that is not loopback.
    ConfigInsecureIssuer = "ERR_CONFIG_INSECURE_ISSUER", Config;
    /// The redirect URI is not an absolute URL, has a fragment, or uses a scheme other than https
    /// (http is allowed for loopback hosts only).
    ConfigInvalidRedirectUri = "ERR_CONFIG_INVALID_REDIRECT_URI", Config;
    /// Some other option has a wrong type or value.
    ConfigInvalidOption = "ERR_CONFIG_INVALID_OPTION", Config;
    /// An argument to a call is missing or malformed.
    InvalidArgument = "ERR_INVALID_ARGUMENT", Config;
    /// The part asked for was left out of this build (a Cargo feature): build with it.
    FeatureNotBuilt = "ERR_FEATURE_NOT_BUILT", Config;
    /// A login popup could not be opened (a popup blocker): open it from a click handler.
    PopupBlocked = "ERR_POPUP_BLOCKED", Config;
    /// The login popup was closed before the login ended.
    PopupClosed = "ERR_POPUP_CLOSED", Config;
    /// The caller cancelled a polled MFA verification (its `AbortSignal`).
    MfaCancelled = "ERR_MFA_CANCELLED", Config;
    /// The caller cancelled the device flow's polling (its `AbortSignal`).
    DeviceFlowCancelled = "ERR_DEVICE_FLOW_CANCELLED", Config;
    /// A grant that needs a client secret was called in a browser page, which cannot keep one.
    ClientSecretInBrowser = "ERR_CLIENT_SECRET_IN_BROWSER", Config;
    /// The call needs this library's own signature arithmetic, a module loaded on demand, before it
    /// was loaded (JavaScript only: `verifySync` in a browser): await `loadWasmCrypto()` first.
    WasmCryptoNotLoaded = "ERR_WASM_CRYPTO_NOT_LOADED", Config;
    /// The Management API has no operation with this method and path template (the table derived
    /// from its OpenAPI document): check both against the API's reference.
    ManagementUnknownOperation = "ERR_MANAGEMENT_UNKNOWN_OPERATION", Config;
    /// A `{parameter}` of the path template was not given (or is empty).
    ManagementMissingParameter = "ERR_MANAGEMENT_MISSING_PARAMETER", Config;

    /// The server answered with an OAuth 2.0 error (RFC 6749 §4.1.2.1, §5.2): see `error`.
    OAuthError = "ERR_OAUTH_ERROR", Server;
    /// `login_required` (OIDC Core §3.1.2.6): the user has to log in interactively.
    LoginRequired = "ERR_LOGIN_REQUIRED", Server;
    /// `consent_required` (OIDC Core §3.1.2.6): the user has to consent interactively.
    ConsentRequired = "ERR_CONSENT_REQUIRED", Server;
    /// `interaction_required` (OIDC Core §3.1.2.6): the user has to interact with the provider.
    InteractionRequired = "ERR_INTERACTION_REQUIRED", Server;
    /// No refresh token is held for this audience: log in again (with `offline_access`).
    MissingRefreshToken = "ERR_MISSING_REFRESH_TOKEN", Server;
    /// `mfa_required` (Auth0): continue with the MFA API using `mfa_token`.
    MfaRequired = "ERR_MFA_REQUIRED", Server;
    /// HTTP 429: too many requests; `retry_after` says how many seconds to wait.
    RateLimited = "ERR_RATE_LIMITED", Server;
    /// The out-of-band (push, SMS) MFA challenge is not answered yet: poll again after `interval`.
    AuthorizationPending = "ERR_AUTHORIZATION_PENDING", Server;
    /// The Management API refused the request: `status`, `error`, `error_description` (its
    /// `message`) and `errorCode` say why.
    ManagementApiError = "ERR_MANAGEMENT_API_ERROR", Server;

    /// The discovery document's `issuer` differs from the configured issuer (OIDC Discovery §4.3).
    DiscoveryIssuerMismatch = "ERR_DISCOVERY_ISSUER_MISMATCH", Protocol;
    /// The discovery document lacks a required member or has one of the wrong type.
    DiscoveryInvalid = "ERR_DISCOVERY_INVALID", Protocol;
    /// The provider does not offer what this call needs (for example no `end_session_endpoint`).
    EndpointNotSupported = "ERR_ENDPOINT_NOT_SUPPORTED", Protocol;
    /// The server answered with an HTTP status the protocol does not allow here.
    UnexpectedStatus = "ERR_UNEXPECTED_STATUS", Protocol;
    /// The response body is not the JSON object the protocol requires.
    ResponseNotJson = "ERR_RESPONSE_NOT_JSON", Protocol;
    /// The response is JSON but lacks a required member or has one of the wrong type.
    ResponseInvalid = "ERR_RESPONSE_INVALID", Protocol;
    /// The response body is larger than the limit.
    ResponseTooLarge = "ERR_RESPONSE_TOO_LARGE", Protocol;

    /// The callback URL carries no `state`, or a `state` that no pending login knows.
    CallbackStateMismatch = "ERR_CALLBACK_STATE_MISMATCH", Verification;
    /// The callback URL carries neither `code` nor `error`.
    CallbackInvalid = "ERR_CALLBACK_INVALID", Verification;
    /// The callback's `iss` differs from the issuer, or is missing where required (RFC 9207 §2.4).
    CallbackIssuerMismatch = "ERR_CALLBACK_ISSUER_MISMATCH", Verification;
    /// The request has no `Authorization: Bearer <token>` header (RFC 6750 §2.1).
    BearerTokenMissing = "ERR_BEARER_TOKEN_MISSING", Verification;
    /// A JWT is not a well-formed JWS compact serialization (RFC 7515 §7.1).
    JwtMalformed = "ERR_JWT_MALFORMED", Verification;
    /// The JWS header is unusable: no `alg`, an unknown `crit` member (RFC 7515 §4.1.11), a
    /// header member of the wrong type.
    JwsInvalid = "ERR_JWS_INVALID", Verification;
    /// The token's `alg` is not in the verifier's allow-list (`none` and HMAC never are;
    /// RFC 8725 §3.1).
    JoseAlgNotAllowed = "ERR_JOSE_ALG_NOT_ALLOWED", Verification;
    /// The signature does not verify with the selected key.
    JwsSignatureVerificationFailed = "ERR_JWS_SIGNATURE_VERIFICATION_FAILED", Verification;
    /// No key in the key set matches the token's `kid` and `alg`.
    JwksNoMatchingKey = "ERR_JWKS_NO_MATCHING_KEY", Verification;
    /// The token has no `kid` and several keys could match: refused rather than tried in turn.
    JwksMultipleMatchingKeys = "ERR_JWKS_MULTIPLE_MATCHING_KEYS", Verification;
    /// `verifySync` was called before any key was loaded: call `verify` once, or import a cache.
    JwksNotLoaded = "ERR_JWKS_NOT_LOADED", Config;
    /// The JWK Set document is not a JSON object with a `keys` array (RFC 7517 §5).
    JwksInvalid = "ERR_JWKS_INVALID", Protocol;
    /// A JWK is malformed, unsupported or too weak (RFC 7517, RFC 7518 §6).
    JwkInvalid = "ERR_JWK_INVALID", Verification;
    /// The token's `exp` has passed, beyond the clock tolerance (RFC 7519 §4.1.4).
    JwtExpired = "ERR_JWT_EXPIRED", Verification;
    /// A claim failed its check: see `claim` and `reason`.
    JwtClaimValidationFailed = "ERR_JWT_CLAIM_VALIDATION_FAILED", Verification;

    /// The HTTP request failed before an answer came (offline, DNS, CORS, connection refused).
    Network = "ERR_NETWORK", Network;
    /// No answer came within the timeout.
    Timeout = "ERR_TIMEOUT", Network;

    /// The WebAssembly module could not be loaded (fetched, compiled or instantiated).
    InitFailed = "ERR_INIT_FAILED", Internal;
    /// The WebAssembly module is not loaded yet (JavaScript only): await `init()` first.
    NotInitialized = "ERR_NOT_INITIALIZED", Internal;
    /// A bug in this library: please report it with the message.
    Internal = "ERR_INTERNAL", Internal;
    /// The token cache or a cookie could not be read or written (a full quota, a cache that
    /// threw): the message says what the storage answered.
    Storage = "ERR_STORAGE", Internal;
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The error type of every fallible call in this crate. Its details sit behind one box, so a
/// `Result` stays small; they read as fields through `Deref` (`err.error`, `err.claim`, ...).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    inner: Box<ErrorDetails>,
}

/// What an [`Error`] says beyond its code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ErrorDetails {
    code: Code,
    message: String,
    /// The OAuth `error` the server sent, if any.
    pub error: Option<String>,
    /// The OAuth `error_description` the server sent, if any.
    pub error_description: Option<String>,
    /// The OAuth `error_uri` the server sent, if any.
    pub error_uri: Option<String>,
    /// The HTTP status of the response that caused the error, if any.
    pub status: Option<u16>,
    /// For `ERR_JWT_CLAIM_VALIDATION_FAILED` and `ERR_JWT_EXPIRED`: the claim that failed.
    pub claim: Option<String>,
    /// For `ERR_JWT_CLAIM_VALIDATION_FAILED`: why (`missing`, `check_failed`, `invalid`).
    pub reason: Option<String>,
    /// For `ERR_MFA_REQUIRED`: the token to continue with the MFA API.
    pub mfa_token: Option<String>,
    /// For `ERR_MFA_REQUIRED`: Auth0's `mfa_requirements` (`challenge` / `enroll`).
    pub mfa_requirements: Option<serde_json::Value>,
    /// For `ERR_RATE_LIMITED`: seconds to wait (`Retry-After`).
    pub retry_after: Option<u64>,
    /// For the Management API's errors: its `errorCode` (such as `inexistent_user`).
    pub error_code: Option<String>,
    /// For `ERR_MISSING_REFRESH_TOKEN`: the audience and scope asked for.
    pub audience: Option<String>,
    /// For `ERR_MISSING_REFRESH_TOKEN`: the scope asked for.
    pub scope: Option<String>,
}

impl core::ops::Deref for Error {
    type Target = ErrorDetails;
    fn deref(&self) -> &ErrorDetails {
        &self.inner
    }
}

impl core::ops::DerefMut for Error {
    fn deref_mut(&mut self) -> &mut ErrorDetails {
        &mut self.inner
    }
}

impl Error {
    /// A new error with a code and a message that says what to do.
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        Error {
            inner: Box::new(ErrorDetails {
                code,
                message: message.into(),
                error: None,
                error_description: None,
                error_uri: None,
                status: None,
                claim: None,
                reason: None,
                mfa_token: None,
                mfa_requirements: None,
                retry_after: None,
                error_code: None,
                audience: None,
                scope: None,
            }),
        }
    }

    /// A claim check failure: `ERR_JWT_CLAIM_VALIDATION_FAILED` (or `ERR_JWT_EXPIRED` for
    /// `exp`) with the claim and the reason (`missing`, `invalid`, `check_failed`).
    pub fn claim(code: Code, claim: &str, reason: &str, message: impl Into<String>) -> Self {
        let mut e = Error::new(code, message);
        e.claim = Some(claim.to_owned());
        e.reason = Some(reason.to_owned());
        e
    }

    /// An error for an OAuth 2.0 error response (RFC 6749 §4.1.2.1 and §5.2), mapped to the
    /// code of the well-known `error` values.
    pub fn oauth(error: &str, error_description: Option<String>, error_uri: Option<String>) -> Self {
        let code = match error {
            "login_required" => Code::LoginRequired,
            "consent_required" => Code::ConsentRequired,
            "interaction_required" => Code::InteractionRequired,
            "mfa_required" => Code::MfaRequired,
            "authorization_pending" => Code::AuthorizationPending,
            _ => Code::OAuthError,
        };
        let message = match &error_description {
            Some(d) if !d.is_empty() => format!("the server answered {error}: {d}"),
            _ => format!("the server answered {error}"),
        };
        let mut e = Error::new(code, message);
        e.error = Some(error.to_owned());
        e.error_description = error_description;
        e.error_uri = error_uri;
        e
    }

    /// This error with the server's words (`error`, `error_description`, `error_uri`) of `other`.
    pub fn with_details_of(mut self, other: Error) -> Self {
        self.error = other.error.clone();
        self.error_description = other.error_description.clone();
        self.error_uri = other.error_uri.clone();
        self
    }

    /// Attach the HTTP status of the response.
    pub fn with_status(mut self, status: u16) -> Self {
        self.status = Some(status);
        self
    }

    /// The stable code.
    pub fn code(&self) -> Code {
        self.code
    }

    /// Whose move it is.
    pub fn kind(&self) -> Kind {
        self.code.kind()
    }

    /// A human-readable message that says what went wrong and what to do.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The error as a JSON object: `code`, `kind`, `message` and, where present, `error`,
    /// `error_description`, `error_uri`, `status`. This is what crosses into JavaScript.
    pub fn to_json(&self) -> serde_json::Value {
        let mut m = serde_json::Map::new();
        m.insert("code".into(), self.code.as_str().into());
        m.insert("kind".into(), self.kind().as_str().into());
        m.insert("message".into(), self.message.clone().into());
        let optional = [
            ("error", &self.error),
            ("error_description", &self.error_description),
            ("error_uri", &self.error_uri),
            ("claim", &self.claim),
            ("reason", &self.reason),
            ("mfa_token", &self.mfa_token),
            ("audience", &self.audience),
            ("scope", &self.scope),
            ("errorCode", &self.error_code),
        ];
        for (k, v) in optional {
            if let Some(v) = v {
                m.insert(k.into(), v.clone().into());
            }
        }
        if let Some(s) = self.status {
            m.insert("status".into(), s.into());
        }
        if let Some(r) = &self.mfa_requirements {
            m.insert("mfa_requirements".into(), r.clone());
        }
        if let Some(r) = self.retry_after {
            m.insert("retry_after".into(), r.into());
        }
        serde_json::Value::Object(m)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for Error {}

/// The crate's result type.
pub type Result<T, E = Error> = core::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_prefixed() {
        let mut seen = std::collections::BTreeSet::new();
        for c in Code::ALL {
            assert!(c.as_str().starts_with("ERR_"), "{c}");
            assert!(seen.insert(c.as_str()), "duplicate {c}");
        }
    }

    /// Error codes are API: every code the JavaScript layer throws is one of this list (which
    /// `errorCodes()` and the TypeScript union give), so the two cannot drift apart.
    #[test]
    fn every_code_the_javascript_layer_throws_is_listed_here() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/pkg");
        let mut checked = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            // The hand-written shim, not the generated glue.
            if !name.ends_with(".js") || name.starts_with("oidc_wasm") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            for (i, _) in text.match_indices("'ERR_") {
                let code: String = text[i + 1..].chars().take_while(|c| c.is_ascii_uppercase() || *c == '_').collect();
                assert!(Code::ALL.iter().any(|c| c.as_str() == code), "{name} throws {code}, which src/error.rs does not list");
                checked += 1;
            }
        }
        assert!(checked > 20, "only {checked} codes found in pkg/*.js");
    }

    #[test]
    fn oauth_errors_map_to_codes() {
        assert_eq!(Error::oauth("login_required", None, None).code(), Code::LoginRequired);
        assert_eq!(Error::oauth("mfa_required", None, None).code(), Code::MfaRequired);
        let e = Error::oauth("invalid_grant", Some("grant expired".into()), None).with_status(400);
        assert_eq!(e.code(), Code::OAuthError);
        assert_eq!(e.kind(), Kind::Server);
        let j = e.to_json();
        assert_eq!(j["error"], "invalid_grant");
        assert_eq!(j["error_description"], "grant expired");
        assert_eq!(j["status"], 400);
        assert_eq!(j["kind"], "server");
    }
}
