//! The JWKS cache policy, sans I/O: when to fetch the issuer's key set, when a token with an
//! unknown `kid` may trigger a refetch, what happens when the endpoint is down or lies.
//! Defaults follow panva/jose's remote JWK Set: 10 minutes max age, 30 s cooldown.

use crate::error::{Code, Error, Result};
use crate::http::{HttpRequest, HttpResponse};
use crate::json::{self, Json, Members as _, Object, Refusal};
use crate::jose::jwks::JwkSet;

/// Default time keys are kept before a refetch, in seconds.
pub const DEFAULT_MAX_AGE: u64 = 600;
/// Default minimum time between two fetches, in seconds.
pub const DEFAULT_COOLDOWN: u64 = 30;
/// Bounds applied to a `Cache-Control: max-age` from the JWKS endpoint, in seconds.
pub const CACHE_CONTROL_BOUNDS: (u64, u64) = (60, 24 * 3600);

/// A cached JWK Set and its timing.
#[derive(Clone, Debug)]
pub struct JwksCache {
    uri: String,
    max_age: u64,
    cooldown: u64,
    keys: Option<JwkSet>,
    /// The JWK Set document the keys came from, as JSON text (for [`JwksCache::export`]).
    raw: String,
    fetched_at: u64,
    expires_at: u64,
    last_attempt: Option<u64>,
}

/// What the cache wants before a token can be verified.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Freshness {
    /// Keys are loaded and fresh.
    Fresh,
    /// Keys are loaded but past their max age: refetch, and fall back to them if that fails.
    Stale,
    /// No keys yet.
    Empty,
}

impl JwksCache {
    /// An empty cache for `uri`.
    pub fn new(uri: impl Into<String>, max_age: u64, cooldown: u64) -> Self {
        JwksCache {
            uri: uri.into(),
            max_age,
            cooldown,
            keys: None,
            raw: String::new(),
            fetched_at: 0,
            expires_at: 0,
            last_attempt: None,
        }
    }

    /// The JWKS URI.
    pub fn uri(&self) -> &str {
        &self.uri
    }

    /// The keys held, fresh or stale.
    pub fn keys(&self) -> Option<&JwkSet> {
        self.keys.as_ref()
    }

    /// Whether keys are held and how fresh they are.
    pub fn freshness(&self, now: u64) -> Freshness {
        match &self.keys {
            None => Freshness::Empty,
            Some(_) if now >= self.expires_at => Freshness::Stale,
            Some(_) => Freshness::Fresh,
        }
    }

    /// Whether a fetch may start now: never twice within the cooldown (so a flood of tokens with
    /// random `kid`s cannot turn into a flood of requests to the issuer).
    pub fn may_fetch(&self, now: u64) -> bool {
        self.last_attempt.is_none_or(|t| now >= t.saturating_add(self.cooldown))
    }

    /// Whether the held keys are worth refetching for this unknown `kid`.
    pub fn should_refetch_for_kid(&self, kid: Option<&str>, now: u64) -> bool {
        match (&self.keys, kid) {
            (Some(keys), Some(kid)) => !keys.has_kid(kid) && self.may_fetch(now),
            (None, _) => self.may_fetch(now),
            _ => false,
        }
    }

    /// The fetch to make before verifying a token with this `kid`, if any: when no keys are held,
    /// when they are past their max age, or when the `kid` is unknown; never within the cooldown
    /// of the last attempt (then the keys held, if any, are used as they are).
    pub fn fetch_before_verify(&mut self, kid: Option<&str>, now: u64) -> Option<HttpRequest> {
        self.wants_fetch(kid, now).then(|| self.jwks_request(now))
    }

    /// Whether [`JwksCache::fetch_before_verify`] would fetch, without marking an attempt.
    pub fn wants_fetch(&self, kid: Option<&str>, now: u64) -> bool {
        let wanted = match self.freshness(now) {
            Freshness::Empty | Freshness::Stale => true,
            Freshness::Fresh => kid.is_some_and(|k| self.keys.as_ref().is_some_and(|keys| !keys.has_kid(k))),
        };
        wanted && self.may_fetch(now)
    }

    /// `GET jwks_uri`; marks the attempt (for the cooldown).
    pub fn jwks_request(&mut self, now: u64) -> HttpRequest {
        self.last_attempt = Some(now);
        let mut r = HttpRequest::get_json(self.uri.clone());
        r.headers = vec![("accept".into(), "application/jwk-set+json, application/json".into())];
        r
    }

    /// Count a fetch of `jwks_uri` made elsewhere (the JavaScript layer's early fetch, once it
    /// succeeded) as the last attempt, for the cooldown. A failed one is not counted, so the next
    /// verification fetches again at once, as it would have without it.
    pub fn count_attempt(&mut self, now: u64) {
        self.last_attempt = Some(now);
    }

    /// Take a JWKS response. On success the keys are replaced and the warnings (keys skipped)
    /// returned. On failure (HTTP error, not JSON, no `keys`, or no usable key at all) the keys
    /// held so far are kept (stale-if-error) and the error is returned for the caller to report
    /// as a warning, or to fail with when nothing is held.
    pub fn process_jwks_response(&mut self, response: &HttpResponse, now: u64) -> Result<Vec<String>> {
        if response.status != 200 {
            return Err(Error::new(Code::UnexpectedStatus, format!("the JWKS endpoint {} answered HTTP {}", self.uri, response.status))
                .with_status(response.status));
        }
        // Read in place: the keys are all that is kept of it, with the text for `export`.
        response.check_size()?;
        let doc = json::parse_object_detailed(response.body.as_bytes()).map_err(|(why, e)| match why {
            // RFC 7517 §4 lets a parser refuse a JWK that names a member twice, or keep the last
            // one; keeping one would let the set say two things at once.
            Refusal::MemberTwice => Error::new(
                Code::JwksInvalid,
                format!("the JWK Set at {} names a member twice in one object ({e}); it is refused (RFC 7517 §4)", self.uri),
            ),
            Refusal::NotAnObject => response.not_json("JSON but not an object"),
            Refusal::Syntax => response.not_json(&format!("not JSON ({e}); check the endpoint URL")),
        })?;
        let (keys, warnings) = JwkSet::from_object(&doc)?;
        if keys.keys().is_empty() {
            return Err(Error::new(
                Code::JwksInvalid,
                format!("the JWKS at {} holds no usable key ({})", self.uri, warnings.join("; ")),
            ));
        }
        let ttl = cache_control_max_age(response.header("cache-control"))
            .map(|s| s.clamp(CACHE_CONTROL_BOUNDS.0, CACHE_CONTROL_BOUNDS.1))
            .unwrap_or(self.max_age);
        self.keys = Some(keys);
        self.raw.clone_from(&response.body);
        self.fetched_at = now;
        self.expires_at = now.saturating_add(ttl);
        Ok(warnings)
    }

    /// The cache as JSON text `{ uri, jwks, fetched_at, expires_at }`, to keep between isolates
    /// (for example in a KV store); `jwks` is the document as the endpoint sent it.
    pub fn export(&self) -> String {
        let jwks = if self.raw.is_empty() { "null" } else { self.raw.as_str() };
        // A JSON string, the URI escaped.
        let uri = json::to_text(&serde_json::Value::from(self.uri.as_str()));
        format!(r#"{{"uri":{uri},"jwks":{jwks},"fetched_at":{},"expires_at":{}}}"#, self.fetched_at, self.expires_at)
    }

    /// Load an exported cache (see [`JwksCache::export`]). Refused (`ERR_INVALID_ARGUMENT`) when
    /// it is for another URI or malformed; keys that no longer parse are skipped with warnings.
    pub fn import(&mut self, v: &Object<'_>) -> Result<Vec<String>> {
        let bad = |why: &str| Error::new(Code::InvalidArgument, format!("the JWKS cache to import {why}"));
        if v.member("uri").and_then(|m| m.as_str()) != Some(self.uri.as_str()) {
            return Err(bad("is for another jwks_uri"));
        }
        let fetched_at = v.member("fetched_at").and_then(|m| m.as_u64()).ok_or_else(|| bad("has no fetched_at"))?;
        let expires_at = v.member("expires_at").and_then(|m| m.as_u64()).ok_or_else(|| bad("has no expires_at"))?;
        let Some(Json::Object(doc)) = v.get("jwks") else {
            return Err(Error::new(Code::JwksInvalid, "the JWK Set is not a JSON object with a keys array (RFC 7517 §5)"));
        };
        let (keys, warnings) = JwkSet::from_object(doc)?;
        self.keys = Some(keys);
        self.raw = json::to_text(&Json::Object(doc.clone()).into_value());
        self.fetched_at = fetched_at;
        self.expires_at = expires_at.min(fetched_at.saturating_add(CACHE_CONTROL_BOUNDS.1));
        Ok(warnings)
    }
}

/// `max-age` of a `Cache-Control` header (RFC 9111 §5.2.2.1); `no-store`/`no-cache` count as 0.
fn cache_control_max_age(header: Option<&str>) -> Option<u64> {
    let h = header?;
    let mut out = None;
    for d in h.split(',').map(str::trim) {
        let lower = d.to_ascii_lowercase();
        if lower == "no-store" || lower == "no-cache" {
            return Some(0);
        }
        if let Some(v) = lower.strip_prefix("max-age=") {
            out = v.trim_matches('"').parse::<u64>().ok();
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = r#"{"keys":[{"kty":"EC","crv":"P-256","kid":"k1","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}]}"#;

    #[test]
    fn lifecycle_cooldown_and_stale_if_error() {
        let mut c = JwksCache::new("https://op.example/jwks", DEFAULT_MAX_AGE, DEFAULT_COOLDOWN);
        assert_eq!(c.freshness(0), Freshness::Empty);
        assert!(c.may_fetch(0));
        let req = c.jwks_request(1000);
        assert_eq!(req.url, "https://op.example/jwks");
        assert!(!c.may_fetch(1010), "cooldown");
        assert!(c.process_jwks_response(&HttpResponse::new(200, KEY), 1000).unwrap().is_empty());
        assert_eq!(c.freshness(1599), Freshness::Fresh);
        assert_eq!(c.freshness(1600), Freshness::Stale);
        assert!(c.should_refetch_for_kid(Some("new"), 1030));
        assert!(!c.should_refetch_for_kid(Some("new"), 1029));
        assert!(!c.should_refetch_for_kid(Some("k1"), 5000));
        // The endpoint goes down or lies: keys are kept.
        let twice = HttpResponse::new(200, KEY.replace(r#""kid":"k1""#, r#""kid":"k1","kid":"k2""#));
        let e = c.process_jwks_response(&twice, 2000).unwrap_err();
        assert_eq!(e.code(), Code::JwksInvalid);
        assert!(e.message().contains(r#"the member "kid" appears twice"#) && e.message().contains("RFC 7517 §4"), "{}", e.message());
        assert_eq!(c.process_jwks_response(&HttpResponse::new(200, "[1]"), 2000).unwrap_err().code(), Code::ResponseNotJson);
        assert_eq!(c.process_jwks_response(&HttpResponse::new(200, "{"), 2000).unwrap_err().code(), Code::ResponseNotJson);
        let big = format!("{{\"keys\":[],\"x\":\"{}\"}}", "x".repeat(crate::http::MAX_RESPONSE_BYTES));
        assert_eq!(c.process_jwks_response(&HttpResponse::new(200, big), 2000).unwrap_err().code(), Code::ResponseTooLarge);
        for bad in [HttpResponse::new(503, "down"), HttpResponse::new(200, "<html>"), HttpResponse::new(200, r#"{"keys":[]}"#),
            HttpResponse::new(200, r#"{"keys":[{"kty":"oct","k":"AAAA"}]}"#),
            // RFC 7517 §4: a member name twice in a JWK; the whole document is refused.
            HttpResponse::new(200, KEY.replace(r#""kid":"k1""#, r#""kid":"k1","kid":"k2""#))] {
            assert!(c.process_jwks_response(&bad, 2000).is_err());
            assert!(c.keys().unwrap().has_kid("k1"));
        }
    }

    #[test]
    fn cache_control_is_honoured_within_bounds() {
        let mut c = JwksCache::new("u", DEFAULT_MAX_AGE, DEFAULT_COOLDOWN);
        let r = |cc: &str| HttpResponse::new(200, KEY).with_header("Cache-Control", cc);
        c.process_jwks_response(&r("public, max-age=3600"), 0).unwrap();
        assert_eq!(c.freshness(3599), Freshness::Fresh);
        c.process_jwks_response(&r("max-age=5"), 0).unwrap();
        assert_eq!(c.freshness(59), Freshness::Fresh);
        assert_eq!(c.freshness(60), Freshness::Stale);
        c.process_jwks_response(&r("max-age=99999999"), 0).unwrap();
        assert_eq!(c.freshness(86400), Freshness::Stale);
        c.process_jwks_response(&r("no-store"), 0).unwrap();
        assert_eq!(c.freshness(60), Freshness::Stale);
    }

    #[test]
    fn export_import_round_trip() {
        let mut c = JwksCache::new("u", DEFAULT_MAX_AGE, DEFAULT_COOLDOWN);
        c.process_jwks_response(&HttpResponse::new(200, KEY), 100).unwrap();
        let mut d = JwksCache::new("u", DEFAULT_MAX_AGE, DEFAULT_COOLDOWN);
        let exported = c.export();
        let parse = |t: &str| crate::json::parse_object(t.as_bytes()).map(|o| o.0.into_iter().map(|(k, v)| (k.into_owned(), v.into_value())).collect::<serde_json::Map<_, _>>());
        assert_eq!(parse(&exported).unwrap()["jwks"], serde_json::from_str::<serde_json::Value>(KEY).unwrap(), "the document as sent");
        let obj = crate::json::parse_object(exported.as_bytes()).unwrap();
        d.import(&obj).unwrap();
        assert!(d.keys().unwrap().has_kid("k1"));
        assert_eq!(d.freshness(699), Freshness::Fresh);
        // Exported again, it is the same document.
        assert_eq!(parse(&d.export()).unwrap(), parse(&exported).unwrap());
        let mut other = JwksCache::new("v", DEFAULT_MAX_AGE, DEFAULT_COOLDOWN);
        assert_eq!(other.import(&obj).unwrap_err().code(), Code::InvalidArgument);
        let no_times = crate::json::parse_object(br#"{"uri":"u"}"#).unwrap();
        assert_eq!(d.import(&no_times).unwrap_err().code(), Code::InvalidArgument);
        let no_jwks = crate::json::parse_object(br#"{"uri":"u","fetched_at":1,"expires_at":2,"jwks":null}"#).unwrap();
        assert_eq!(d.import(&no_jwks).unwrap_err().code(), Code::JwksInvalid);
        // An empty cache exports null keys; a URI with quotes stays one JSON string.
        let e = JwksCache::new("https://op.example/\"jwks\"", DEFAULT_MAX_AGE, DEFAULT_COOLDOWN).export();
        assert_eq!(parse(&e).unwrap()["uri"], "https://op.example/\"jwks\"");
        assert_eq!(parse(&e).unwrap()["jwks"], serde_json::Value::Null);
    }
}
