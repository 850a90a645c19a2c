//! Ending a session at the provider: the logout URL (Auth0 `/v2/logout` for a `domain`, or OIDC
//! RP-Initiated Logout §2 through `end_session_endpoint`) and token revocation (RFC 7009). Sans I/O.

use crate::config::ClientConfig;
use crate::discovery::ProviderMetadata;
use crate::error::{Code, Error, Result};
use crate::http::HttpRequest;
use crate::url::Url;

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
        return crate::auth0::logout_url(config, p.return_to.as_deref(), p.federated);
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
        (None, true) => crate::auth0::revocation_endpoint(metadata),
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
}
