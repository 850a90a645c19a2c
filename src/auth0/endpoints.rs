//! Auth0's endpoints that its discovery document does not list (`/oauth/revoke`,
//! `/oauth/device/code`), and its logout (`/v2/logout`).

use crate::config::ClientConfig;
use crate::discovery::ProviderMetadata;
use crate::error::{Code, Error, Result};
use crate::url::Url;

/// Auth0's token revocation endpoint (RFC 7009), for a `domain` whose metadata lists none.
pub fn revocation_endpoint(metadata: &ProviderMetadata) -> String {
    format!("{}/oauth/revoke", metadata.issuer.trim_end_matches('/'))
}

/// Auth0's device authorization endpoint (RFC 8628 §3.1), for metadata that lists none.
pub fn device_authorization_endpoint(metadata: &ProviderMetadata) -> String {
    format!("{}/oauth/device/code", metadata.issuer.trim_end_matches('/'))
}

/// Auth0's `/v2/logout` on the configured domain (whatever the discovery document lists), built
/// as auth0-spa-js builds it: `client_id`, then `returnTo`, then a bare `federated` (no value)
/// when asked; no `id_token_hint` (`/v2/logout` does not take one).
pub fn logout_url(config: &ClientConfig, return_to: Option<&str>, federated: bool) -> Result<String> {
    let base = Url::parse(&format!("{}/v2/logout", config.issuer().trim_end_matches('/')))
        .map_err(|why| Error::new(Code::Internal, format!("logout URL: {why}")))?;
    let mut q: Vec<(&str, &str)> = vec![("client_id", config.client_id())];
    if let Some(r) = return_to {
        q.push(("returnTo", r));
    }
    let mut url = base.with_query_pairs(q);
    if federated {
        url.push_str("&federated");
    }
    Ok(url)
}
