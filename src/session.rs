//! The SPA session policy: the refresh-token grant (RFC 6749 §6), the token cache's keys and
//! matching rules (as auth0-spa-js: client id + audience + scope in its key form, scope-superset
//! matching, tokens counted expired `leeway` seconds early), and the logout URL (Auth0
//! `/v2/logout` for a `domain`, or OIDC RP-Initiated Logout §2 through `end_session_endpoint`).
//! Sans I/O.


use crate::config::ClientConfig;
use crate::discovery::ProviderMetadata;
use crate::error::{Code, Error, Result};
use crate::http::HttpRequest;
use crate::url::Url;

/// The audience used in cache keys when none was asked for.
pub const DEFAULT_AUDIENCE: &str = "default";

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

/// The prefix of every cache key, auth0-spa-js's (`CACHE_KEY_PREFIX` in its `src/cache/shared.ts`),
/// so a session cached by auth0-spa-js is found after an app swaps its import, and back.
pub const CACHE_KEY_PREFIX: &str = "@@auth0spajs@@";

/// The prefix of the keys written before the keys took auth0-spa-js's form; still read.
const LEGACY_CACHE_KEY_PREFIX: &str = "@@oidc-wasm@@";

/// What identifies a cached token set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CacheKey {
    /// The client id.
    pub client_id: String,
    /// The audience (`default` when none).
    pub audience: String,
    /// The scope, as requested.
    pub scope: String,
    /// Read from a key with the earlier prefix (`@@oidc-wasm@@`): written back the same way, so
    /// the entry it names is still found.
    pub legacy: bool,
}

impl CacheKey {
    /// A key; `audience` None means [`DEFAULT_AUDIENCE`].
    pub fn new(client_id: &str, audience: Option<&str>, scope: &str) -> Self {
        CacheKey {
            client_id: client_id.to_owned(),
            audience: audience.unwrap_or(DEFAULT_AUDIENCE).to_owned(),
            scope: scope.split_ascii_whitespace().collect::<Vec<_>>().join(" "),
            legacy: false,
        }
    }

    /// The storage key, auth0-spa-js's `CacheKey.toKey()`: `@@auth0spajs@@::{client_id}::{audience}::{scope}`.
    pub fn storage_key(&self) -> String {
        let prefix = if self.legacy { LEGACY_CACHE_KEY_PREFIX } else { CACHE_KEY_PREFIX };
        format!("{prefix}::{}::{}::{}", self.client_id, self.audience, self.scope)
    }

    /// Read a storage key back; None for anything that is not a token set's key (auth0-spa-js's
    /// key manifest `@@auth0spajs@@::{client_id}` and ID token entry `...::{client_id}::@@user@@`
    /// included).
    pub fn from_storage_key(s: &str) -> Option<Self> {
        let (rest, legacy) = match s.strip_prefix(CACHE_KEY_PREFIX) {
            Some(r) => (r.strip_prefix("::")?, false),
            None => (s.strip_prefix(LEGACY_CACHE_KEY_PREFIX)?.strip_prefix("::")?, true),
        };
        let mut parts = rest.splitn(3, "::");
        let (client_id, audience, scope) = (parts.next()?, parts.next()?, parts.next()?);
        if scope.is_empty() {
            return None;
        }
        Some(CacheKey { client_id: client_id.into(), audience: audience.into(), scope: scope.into(), legacy })
    }

    /// Whether an entry stored under `self` can answer a request for `wanted`: same client and
    /// audience, and every wanted scope granted (scope-superset matching).
    pub fn satisfies(&self, wanted: &CacheKey) -> bool {
        self.client_id == wanted.client_id
            && self.audience == wanted.audience
            && wanted.scope.split_ascii_whitespace().all(|s| self.scope.split_ascii_whitespace().any(|h| h == s))
    }
}

/// Among stored keys, the one that answers `wanted`: an exact match first, else the first
/// superset.
pub fn find_key<'a>(stored: &'a [CacheKey], wanted: &CacheKey) -> Option<&'a CacheKey> {
    stored.iter().find(|k| *k == wanted).or_else(|| stored.iter().find(|k| k.satisfies(wanted)))
}

/// Whether an access token expiring at `expires_at` counts as expired at `now`, `leeway` seconds
/// early so it is never sent just as it lapses.
pub fn is_expired(expires_at: Option<u64>, now: u64, leeway: u64) -> bool {
    expires_at.is_none_or(|e| now.saturating_add(leeway) >= e)
}

/// Parameters of a logout.
#[derive(Clone, Debug, Default)]
pub struct LogoutParams {
    /// Where the provider sends the browser afterwards (`returnTo` / `post_logout_redirect_uri`).
    pub return_to: Option<String>,
    /// Auth0: also log out of the upstream identity provider.
    pub federated: bool,
    /// The ID token of the session (`id_token_hint`, RP-Initiated Logout §2).
    pub id_token_hint: Option<String>,
}

/// The logout URL. With an Auth0 `domain`, always Auth0's `/v2/logout` on that domain, built as
/// auth0-spa-js builds it: `client_id`, then `returnTo`, then a bare `federated` (no value) when
/// asked; no `id_token_hint` (Auth0's `/v2/logout` does not take one). With an `issuer`, the
/// provider's `end_session_endpoint` (OIDC RP-Initiated Logout §2: `client_id`, `id_token_hint`,
/// `post_logout_redirect_uri`); `ERR_ENDPOINT_NOT_SUPPORTED` when it has none.
pub fn logout_url(config: &ClientConfig, metadata: &ProviderMetadata, p: &LogoutParams) -> Result<String> {
    if let Some(r) = &p.return_to {
        Url::parse(r).map_err(|why| Error::new(Code::InvalidArgument, format!("returnTo {r:?} is not an absolute URL: {why}")))?;
    }
    if config.issuer_from_domain() {
        // auth0-spa-js: `${domainUrl}/v2/logout?` client_id and the logoutParams, then
        // `&federated`, on the configured domain whatever the discovery document lists.
        let base = Url::parse(&format!("{}/v2/logout", config.issuer().trim_end_matches('/')))
            .map_err(|why| Error::new(Code::Internal, format!("logout URL: {why}")))?;
        let mut q: Vec<(&str, &str)> = vec![("client_id", config.client_id())];
        if let Some(r) = &p.return_to {
            q.push(("returnTo", r));
        }
        let mut url = base.with_query_pairs(q);
        if p.federated {
            url.push_str("&federated");
        }
        return Ok(url);
    }
    let endpoint = metadata.end_session_endpoint.as_deref().ok_or_else(|| {
        Error::new(Code::EndpointNotSupported, "the provider has no end_session_endpoint: it does not support RP-initiated logout")
    })?;
    let base = Url::parse(endpoint).map_err(|why| Error::new(Code::DiscoveryInvalid, format!("end_session_endpoint: {why}")))?;
    let mut q: Vec<(&str, &str)> = vec![("client_id", config.client_id())];
    if let Some(h) = &p.id_token_hint {
        q.push(("id_token_hint", h));
    }
    if let Some(r) = &p.return_to {
        q.push(("post_logout_redirect_uri", r));
    }
    Ok(base.with_query_pairs(q))
}

/// RFC 7009 §2.1: revoke a token at the `revocation_endpoint` (Auth0: `/oauth/revoke` when the
/// metadata does not list it). `ERR_ENDPOINT_NOT_SUPPORTED` when the provider has none.
pub fn revocation_request(
    config: &ClientConfig,
    metadata: &ProviderMetadata,
    token: &str,
    token_type_hint: Option<&str>,
) -> Result<HttpRequest> {
    let endpoint = match (&metadata.revocation_endpoint, config.issuer_from_domain()) {
        (Some(e), _) => e.clone(),
        (None, true) => format!("{}/oauth/revoke", metadata.issuer.trim_end_matches('/')),
        (None, false) => {
            return Err(Error::new(Code::EndpointNotSupported, "the provider has no revocation_endpoint (RFC 7009)"));
        }
    };
    let mut params = vec![("client_id", config.client_id()), ("token", token)];
    if let Some(h) = token_type_hint {
        params.push(("token_type_hint", h));
    }
    Ok(HttpRequest::post_form(endpoint, params))
}

/// RFC 7009 §2.2: 200 means done (also for a token that was already invalid); §2.2.1: an error
/// response carries the server's error.
pub fn process_revocation_response(response: &crate::http::HttpResponse) -> Result<()> {
    if response.status == 200 {
        return Ok(());
    }
    Err(response.oauth_error().unwrap_or_else(|| {
        Error::new(Code::UnexpectedStatus, format!("the revocation endpoint answered HTTP {}", response.status))
            .with_status(response.status)
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::ClientOptions;
    use crate::http::HttpResponse;
    use serde_json::json;

    fn meta(cfg: &ClientConfig, end_session: bool) -> ProviderMetadata {
        let iss = cfg.issuer().to_owned();
        let b = iss.trim_end_matches('/');
        let mut doc = json!({"issuer": iss, "authorization_endpoint": format!("{b}/authorize"),
            "token_endpoint": format!("{b}/oauth/token"), "jwks_uri": format!("{b}/jwks")});
        if end_session {
            doc["end_session_endpoint"] = json!(format!("{b}/session/end"));
        }
        crate::discovery::process_discovery_response(cfg, &HttpResponse::new(200, doc.to_string())).unwrap()
    }

    fn cfg(domain: bool, v: &str) -> ClientConfig {
        let mut o = ClientOptions { client_id: Some("spa".into()), ..Default::default() };
        if domain {
            o.domain = Some(v.into())
        } else {
            o.issuer = Some(v.into())
        }
        ClientConfig::new(o).unwrap()
    }

    #[test]
    fn cache_keys_and_scope_superset() {
        let k = CacheKey::new("spa", Some("api"), "openid  profile email offline_access");
        // auth0-spa-js 2.28's keys, so either library reads what the other wrote.
        assert_eq!(k.storage_key(), "@@auth0spajs@@::spa::api::openid profile email offline_access");
        assert_eq!(CacheKey::new("spa", None, "openid").storage_key(), "@@auth0spajs@@::spa::default::openid");
        assert_eq!(CacheKey::from_storage_key(&k.storage_key()), Some(k.clone()));
        // auth0-spa-js's key manifest and ID token entry are not token sets.
        assert_eq!(CacheKey::from_storage_key("@@auth0spajs@@::spa"), None);
        assert_eq!(CacheKey::from_storage_key("@@auth0spajs@@::spa::@@user@@"), None);
        assert_eq!(CacheKey::from_storage_key("@@auth0spajsX::spa::api::openid"), None);
        assert_eq!(CacheKey::from_storage_key("other::spa::api::openid"), None);
        // A key of the earlier form is still read, and named as it was stored.
        let old = CacheKey::from_storage_key("@@oidc-wasm@@::spa::api::openid profile").unwrap();
        assert!(old.legacy && old.satisfies(&CacheKey::new("spa", Some("api"), "openid")));
        assert_eq!(old.storage_key(), "@@oidc-wasm@@::spa::api::openid profile");
        let stored = vec![old.clone()];
        assert_eq!(find_key(&stored, &CacheKey::new("spa", Some("api"), "openid profile")), Some(&old));
        assert!(k.satisfies(&CacheKey::new("spa", Some("api"), "openid email")));
        assert!(!k.satisfies(&CacheKey::new("spa", Some("api"), "openid read:messages")));
        assert!(!k.satisfies(&CacheKey::new("spa", None, "openid")));
        assert!(!k.satisfies(&CacheKey::new("other", Some("api"), "openid")));
        let stored = vec![CacheKey::new("spa", Some("api"), "openid profile"), k.clone()];
        assert_eq!(find_key(&stored, &CacheKey::new("spa", Some("api"), "openid email")), Some(&k));
        assert_eq!(find_key(&stored, &CacheKey::new("spa", Some("api"), "openid profile")), Some(&stored[0]));
    }

    #[test]
    fn expiry_with_leeway() {
        assert!(!is_expired(Some(1000), 939, 60));
        assert!(is_expired(Some(1000), 940, 60));
        assert!(is_expired(None, 0, 60));
    }

    #[test]
    fn logout_urls() {
        let c = cfg(true, "tenant.eu.auth0.com");
        let m = meta(&c, true);
        let p = LogoutParams { return_to: Some("https://app.example/".into()), federated: true, id_token_hint: Some("t".into()) };
        // As auth0-spa-js 2.28 builds it (less its auth0Client telemetry): a bare `federated` last.
        assert_eq!(
            logout_url(&c, &m, &p).unwrap(),
            "https://tenant.eu.auth0.com/v2/logout?client_id=spa&returnTo=https%3A%2F%2Fapp.example%2F&federated"
        );
        let plain = LogoutParams { return_to: Some("https://app.example/".into()), ..Default::default() };
        assert_eq!(logout_url(&c, &m, &plain).unwrap(), "https://tenant.eu.auth0.com/v2/logout?client_id=spa&returnTo=https%3A%2F%2Fapp.example%2F");
        assert_eq!(logout_url(&c, &m, &LogoutParams::default()).unwrap(), "https://tenant.eu.auth0.com/v2/logout?client_id=spa");
        // Any domain is Auth0 (a custom domain, a local one): /v2/logout even when discovery lists
        // an end_session_endpoint, on the domain itself.
        for (domain, base) in [("login.example.com", "https://login.example.com"), ("http://127.0.0.1:4400", "http://127.0.0.1:4400")] {
            let c = cfg(true, domain);
            for m in [meta(&c, true), meta(&c, false)] {
                assert_eq!(logout_url(&c, &m, &plain).unwrap(),
                    format!("{base}/v2/logout?client_id=spa&returnTo=https%3A%2F%2Fapp.example%2F"), "{domain}");
            }
        }
        let c = cfg(false, "https://op.example");
        let m = meta(&c, true);
        assert_eq!(
            logout_url(&c, &m, &p).unwrap(),
            "https://op.example/session/end?client_id=spa&id_token_hint=t&post_logout_redirect_uri=https%3A%2F%2Fapp.example%2F"
        );
        let m = meta(&c, false);
        assert_eq!(logout_url(&c, &m, &p).unwrap_err().code(), Code::EndpointNotSupported);
        let bad = LogoutParams { return_to: Some("/relative".into()), ..Default::default() };
        assert_eq!(logout_url(&c, &meta(&c, true), &bad).unwrap_err().code(), Code::InvalidArgument);
    }

    #[test]
    fn revocation_rfc7009() {
        let c = cfg(true, "tenant.auth0.com");
        let r = revocation_request(&c, &meta(&c, false), "RT", Some("refresh_token")).unwrap();
        assert_eq!(r.url, "https://tenant.auth0.com/oauth/revoke");
        assert_eq!(r.body.as_deref(), Some("client_id=spa&token=RT&token_type_hint=refresh_token"));
        let c = cfg(false, "https://op.example");
        assert_eq!(revocation_request(&c, &meta(&c, false), "RT", None).unwrap_err().code(), Code::EndpointNotSupported);
        assert!(process_revocation_response(&HttpResponse::new(200, "")).is_ok());
        let e = process_revocation_response(&HttpResponse::new(400, r#"{"error":"unsupported_token_type"}"#)).unwrap_err();
        assert_eq!(e.error.as_deref(), Some("unsupported_token_type"));
        assert_eq!(process_revocation_response(&HttpResponse::new(503, "")).unwrap_err().code(), Code::UnexpectedStatus);
    }

    #[test]
    fn refresh_request_rfc6749_6() {
        let c = cfg(false, "https://op.example");
        let r = refresh_token_grant_request(&meta(&c, false), "spa", "RT", Some("openid"), Some("api"));
        assert_eq!(r.body.as_deref(), Some("grant_type=refresh_token&client_id=spa&refresh_token=RT&scope=openid&audience=api"));
        assert_eq!(r.url, "https://op.example/oauth/token");
    }
}

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
        .unwrap_or_else(|| format!("{}/oauth/device/code", metadata.issuer.trim_end_matches('/')));
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

/// RFC 8628 §3.4: the device access token request.
pub fn device_token_request(metadata: &ProviderMetadata, client_id: &str, device_code: &str) -> HttpRequest {
    HttpRequest::post_form(
        metadata.token_endpoint.clone(),
        [("grant_type", "urn:ietf:params:oauth:grant-type:device_code"), ("device_code", device_code), ("client_id", client_id)],
    )
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

/// RFC 6749 §4.4: the client credentials grant, for confidential clients (edge workers holding a
/// client secret; never a browser page).
pub fn client_credentials_request(metadata: &ProviderMetadata, client_id: &str, client_secret: &str, audience: Option<&str>) -> HttpRequest {
    let mut p = vec![("grant_type", "client_credentials"), ("client_id", client_id), ("client_secret", client_secret)];
    if let Some(a) = audience {
        p.push(("audience", a));
    }
    HttpRequest::post_form(metadata.token_endpoint.clone(), p)
}

#[cfg(test)]
mod more_tests {
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
