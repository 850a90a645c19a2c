//! The token cache's keys and matching rules, as auth0-spa-js's: client id + audience + scope in
//! its key form, scope-superset matching, tokens counted expired `leeway` seconds early.

/// The audience used in cache keys when none was asked for.
pub const DEFAULT_AUDIENCE: &str = "default";

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
