//! Local verification of JWTs against the issuer's JWKS: access tokens for an API (RFC 9068,
//! RFC 8725) and ID tokens (OIDC Core §3.1.3.7). Sans I/O: the caller sends the requests the
//! verifier asks for (discovery, JWKS) and passes `now`.

use serde_json::{Map, Value};

use crate::discovery::ProviderMetadata;
use crate::error::{Code, Error, Result};
use crate::http::{HttpRequest, HttpResponse};
use crate::jose::cache::{JwksCache, DEFAULT_COOLDOWN, DEFAULT_MAX_AGE};
use crate::jose::claims::{check_claims, check_id_token, typ_matches, ClaimRules, IdTokenRules, NumericDate, Profile, DEFAULT_CLOCK_TOLERANCE};
use crate::jose::compact::{
    decode_text, decode_unverified, header_kid_unverified, parse_text, result_json, RawJson, DEFAULT_MAX_TOKEN_BYTES,
};
use crate::json::{Member, Members};
use crate::jose::verify::{check_header, verify_signature, Checked, HeaderMemo, Opened, SignatureRules, VerifiedJws};
use crate::jose::Algorithm;
use crate::url::{parse_configured, Url};

/// A header reduced to what the claim checks read of it: its `typ`, when it is a string.
struct Typ<'a>(Option<&'a str>);

impl Members for Typ<'_> {
    fn member(&self, name: &str) -> Option<Member<'_>> {
        self.0.filter(|_| name == "typ").map(Member::Str)
    }
}

/// A verified token: header and claims, both authentic and checked.
#[derive(Clone, Debug)]
pub struct VerifiedToken {
    /// The claims.
    pub claims: Map<String, Value>,
    /// The algorithm that verified the signature.
    pub alg: Algorithm,
    /// The header and payload texts.
    pub json: RawJson,
}

impl VerifiedToken {
    fn of(jws: VerifiedJws) -> Self {
        VerifiedToken { claims: jws.claims, alg: jws.alg, json: jws.json }
    }

    /// The protected header, read from its text (which parsed as a JSON object with no
    /// duplicate member before the signature was checked).
    pub fn header(&self) -> Map<String, Value> {
        crate::jose::compact::parse_object_strict(self.json.header.as_bytes()).unwrap_or_default()
    }

    /// `{ protectedHeader, payload }` as JSON (the names jose uses).
    pub fn to_json(&self) -> Value {
        crate::json::object! { "protectedHeader" => self.header(), "payload" => self.claims.clone() }
    }

    /// [`VerifiedToken::to_json`] as text, made from the token's own texts (no re-serializing).
    pub fn to_json_string(&self) -> String {
        self.json.result_json()
    }
}

/// A verifier of tokens from one issuer for one audience.
#[derive(Clone, Debug)]
pub struct Verifier {
    issuer: String,
    issuer_url: Url,
    signature: SignatureRules,
    algorithms_configured: bool,
    claims: ClaimRules,
    jwks_uri: Option<String>,
    jwks_max_age: u64,
    jwks_cooldown: u64,
}

fn opt_err(name: &str, what: &str) -> Error {
    Error::new(Code::ConfigInvalidOption, format!("{name} must be {what}"))
}

fn strings(v: Option<Member<'_>>, name: &str) -> Result<Vec<String>> {
    match v {
        None | Some(Member::Null) => Ok(Vec::new()),
        Some(Member::Str(s)) => Ok(vec![s.to_owned()]),
        Some(Member::Array(a)) => {
            a.into_iter().map(|x| x.map(str::to_owned).ok_or_else(|| opt_err(name, "a string or an array of strings"))).collect()
        }
        Some(_) => Err(opt_err(name, "a string or an array of strings")),
    }
}

fn seconds(v: Option<Member<'_>>, name: &str, default: u64) -> Result<u64> {
    match v {
        None | Some(Member::Null) => Ok(default),
        Some(Member::Number(n, _)) => n.ok_or_else(|| opt_err(name, "a whole number of seconds ≥ 0")),
        Some(_) => Err(opt_err(name, "a whole number of seconds")),
    }
}

/// Parse an algorithm allow-list; `none` and HMAC are refused outright.
pub fn parse_algorithms(v: Option<Member<'_>>) -> Result<Option<Vec<Algorithm>>> {
    let names = strings(v, "algorithms")?;
    if names.is_empty() {
        return Ok(None);
    }
    names
        .iter()
        .map(|n| {
            Algorithm::from_name(n).ok_or_else(|| {
                Error::new(
                    Code::ConfigInvalidOption,
                    format!("algorithms: {n:?} is not supported (RS256, RS384, RS512, PS256, ES256; none and HMAC never are)"),
                )
            })
        })
        .collect::<Result<Vec<_>>>()
        .map(Some)
}

/// The algorithms to accept for a provider: those it announces that are supported here, or
/// RS256 + ES256 when it announces none we support (OIDC Core §3.1.3.7 step 7: RS256 default).
pub fn provider_algorithms(announced: &[String]) -> Vec<Algorithm> {
    let algs: Vec<Algorithm> = announced.iter().filter_map(|a| Algorithm::from_name(a)).collect();
    if algs.is_empty() {
        vec![Algorithm::RS256, Algorithm::ES256]
    } else {
        algs
    }
}

/// The `typ` of JWT access tokens (RFC 9068 §2.1).
const AT_JWT: &str = "at+jwt";

/// The `profile` option, with the `typ` it goes with. RFC 9068 §2.2 lists the claims a JWT
/// access token carries, and §4 step 1 has the resource server check `typ` `at+jwt`: so
/// `"rfc9068"` sets `typ` to `at+jwt` when none is given and refuses any other, and a `typ` of
/// `at+jwt` (in any of its RFC 7515 §4.1.9 spellings) brings the profile when `profile` is not
/// given. `"jwt"` is RFC 7519 alone. Any other value is `ERR_CONFIG_INVALID_OPTION`.
fn profile_option(v: Option<Member<'_>>, typ: Option<String>) -> Result<(Profile, Option<String>)> {
    let is_at_jwt = typ.as_deref().is_some_and(|t| typ_matches(t, AT_JWT));
    let profile = match v {
        None | Some(Member::Null) if is_at_jwt => Profile::Rfc9068,
        None | Some(Member::Null) => Profile::Jwt,
        Some(Member::Str(name)) => Profile::from_name(name).ok_or_else(|| opt_err("profile", "\"rfc9068\" or \"jwt\""))?,
        Some(_) => return Err(opt_err("profile", "\"rfc9068\" or \"jwt\"")),
    };
    match (profile, typ) {
        (Profile::Rfc9068, None) => Ok((profile, Some(AT_JWT.to_owned()))),
        (Profile::Rfc9068, Some(_)) if !is_at_jwt => {
            Err(opt_err("typ", "\"at+jwt\" with profile \"rfc9068\" (RFC 9068 §4: access tokens are typed at+jwt)"))
        }
        (_, typ) => Ok((profile, typ)),
    }
}

impl Verifier {
    /// A verifier from the JavaScript options object (`issuer`, `audience`, `jwksUri`,
    /// `algorithms`, `clockTolerance`, `maxTokenAge`, `requiredClaims`, `requiredScopes`, `typ`,
    /// `profile`, `maxTokenBytes`, `jwksMaxAge`, `jwksCooldown`). Errors: `ERR_CONFIG_*`.
    ///
    /// `profile` (see `profile_option`): `"rfc9068"` requires RFC 9068 §2.2's claims, `"jwt"`
    /// does not; absent, it is `"rfc9068"` when `typ` is `at+jwt` and `"jwt"` otherwise.
    pub fn from_options(o: &impl Members) -> Result<Self> {
        let issuer = match o.member("issuer") {
            Some(Member::Str(s)) if !s.is_empty() => s.to_owned(),
            _ => return Err(Error::new(Code::ConfigMissingIssuer, "issuer is required: the iss your tokens carry")),
        };
        let issuer_url = parse_configured(&issuer, "the issuer", Code::ConfigInvalidIssuer)?;
        if !issuer_url.is_secure_or_loopback() {
            return Err(Error::new(
                Code::ConfigInsecureIssuer,
                format!("the issuer {issuer:?} must use https (http is allowed only for localhost and 127.0.0.1)"),
            ));
        }
        let audience = strings(o.member("audience"), "audience")?;
        if audience.is_empty() {
            return Err(Error::new(
                Code::ConfigInvalidOption,
                "audience is required: the API identifier your tokens must be issued for (RFC 8725 §3.9)",
            ));
        }
        let algorithms = parse_algorithms(o.member("algorithms"))?;
        let typ = match o.member("typ") {
            None | Some(Member::Null) => None,
            Some(Member::Str(s)) => Some(s.to_owned()),
            Some(_) => return Err(opt_err("typ", "a string such as \"at+jwt\"")),
        };
        let (profile, typ) = profile_option(o.member("profile"), typ)?;
        let max_token_bytes = seconds(o.member("maxTokenBytes"), "maxTokenBytes", DEFAULT_MAX_TOKEN_BYTES as u64)? as usize;
        let claims = ClaimRules {
            issuer: issuer.clone(),
            audience,
            clock_tolerance: seconds(o.member("clockTolerance"), "clockTolerance", DEFAULT_CLOCK_TOLERANCE)?,
            max_token_age: match o.member("maxTokenAge") {
                None | Some(Member::Null) => None,
                v => Some(seconds(v, "maxTokenAge", 0)?),
            },
            required_claims: strings(o.member("requiredClaims"), "requiredClaims")?,
            typ,
            required_scopes: strings(o.member("requiredScopes"), "requiredScopes")?,
            profile,
        };
        let jwks_max_age = seconds(o.member("jwksMaxAge"), "jwksMaxAge", DEFAULT_MAX_AGE)?;
        let jwks_cooldown = seconds(o.member("jwksCooldown"), "jwksCooldown", DEFAULT_COOLDOWN)?;
        let jwks_uri = match o.member("jwksUri") {
            None | Some(Member::Null) => None,
            Some(Member::Str(u)) => {
                let url = parse_configured(u, "jwksUri", Code::ConfigInvalidOption)?;
                if !(url.scheme() == "https" || (url.scheme() == "http" && url.is_loopback())) {
                    return Err(opt_err("jwksUri", "an https URL (http only on loopback)"));
                }
                Some(u.to_owned())
            }
            Some(_) => return Err(opt_err("jwksUri", "a URL string")),
        };
        Ok(Verifier {
            issuer,
            issuer_url,
            signature: SignatureRules {
                algorithms: algorithms.clone().unwrap_or_else(|| vec![Algorithm::RS256, Algorithm::ES256]),
                max_token_bytes,
            },
            algorithms_configured: algorithms.is_some(),
            claims,
            jwks_uri,
            jwks_max_age,
            jwks_cooldown,
        })
    }

    /// Whether [`Verifier::discovery_request`] has a request to make.
    pub fn needs_discovery(&self) -> bool {
        self.jwks_uri.is_none()
    }

    /// When no `jwksUri` was given: the discovery request to find it (OIDC Discovery §4).
    pub fn discovery_request(&self) -> Option<HttpRequest> {
        self.jwks_uri.is_none().then(|| {
            HttpRequest::get_json(format!("{}/.well-known/openid-configuration", self.issuer.trim_end_matches('/')))
        })
    }

    /// Take the discovery document: `issuer` must match (§4.3); `jwks_uri` is used, and the
    /// announced `id_token_signing_alg_values_supported` become the default allow-list.
    pub fn process_discovery_response(&mut self, response: &HttpResponse) -> Result<()> {
        let meta = crate::discovery::process_discovery_response_for_issuer(&self.issuer, response)?;
        self.use_metadata(&meta);
        Ok(())
    }

    /// Use provider metadata already known.
    pub fn use_metadata(&mut self, meta: &ProviderMetadata) {
        if !self.algorithms_configured {
            self.signature.algorithms = provider_algorithms(&meta.id_token_signing_alg_values_supported);
        }
        if self.jwks_uri.is_none() {
            self.jwks_uri = Some(meta.jwks_uri.clone());
        }
    }

    /// The issuer.
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// Whether the issuer is a loopback one (tests, local development).
    pub fn issuer_is_loopback(&self) -> bool {
        self.issuer_url.is_loopback()
    }

    /// A new, empty JWKS cache with this verifier's settings, once the `jwks_uri` is known.
    pub fn new_cache(&self) -> Option<JwksCache> {
        self.jwks_uri.as_ref().map(|u| JwksCache::new(u.clone(), self.jwks_max_age, self.jwks_cooldown))
    }

    /// Largest token accepted, in bytes.
    pub fn max_token_bytes(&self) -> usize {
        self.signature.max_token_bytes
    }

    /// Verify with the keys held in `cache` (fresh or stale), without any I/O.
    /// Errors: `ERR_JWKS_NOT_LOADED` when no key was ever loaded, or any verification code.
    pub fn verify_with(&self, cache: Option<&JwksCache>, token: &str, now: u64) -> Result<VerifiedToken> {
        let p = self.check_with(cache, token, None)?.open()?;
        verify_signature(p.alg, &p.key, p.signing_input(token), &p.signature)?;
        self.finish(p.verified(), now)
    }

    /// Everything before the signature check ([`check_header`]) with the keys held in `cache`:
    /// parsing, `alg` allow-list, `crit`, key selection and the signature's length. `memo`
    /// remembers the last header's outcome: clear it when the key set changes.
    pub fn check_with<'t, 'c>(&self, cache: Option<&'c JwksCache>, token: &'t str, memo: Option<&mut Option<HeaderMemo>>) -> Result<Checked<'t, 'c>> {
        let keys = cache.and_then(JwksCache::keys).ok_or_else(|| {
            Error::new(
                Code::JwksNotLoaded,
                "no signing keys are loaded yet: call verify() (which fetches them) or importJwksCache() first",
            )
        })?;
        check_header(token, keys, &self.signature, memo)
    }

    /// [`Verifier::finish`] for a token checked by [`Verifier::check_with`], without opening it: reads its
    /// payload (an error here is a malformed token, reported before the signature's outcome) and
    /// checks the claims (the inner result). `typ` is the header's `typ` when it is a string.
    /// Gives the result text `{ payload, protectedHeader }` and the times for a [`TokenCache`].
    pub fn finish_lean(&self, header_json: &str, typ: Option<&str>, payload: &str, now: u64) -> Result<Result<(String, CacheTimes)>> {
        let payload_json = decode_text(payload, "payload")?;
        let claims = parse_text(&payload_json, "payload")?;
        let checked = check_claims(&Typ(typ), &claims, &self.claims, now).map(|()| CacheTimes::of(&claims));
        Ok(checked.map(|times| (result_json(header_json, &payload_json), times)))
    }

    /// Everything after the signature check: the claim rules.
    pub fn finish(&self, jws: VerifiedJws, now: u64) -> Result<VerifiedToken> {
        check_claims(&Typ(jws.typ.as_deref()), &jws.claims, &self.claims, now)?;
        Ok(VerifiedToken::of(jws))
    }
}

/// RFC 6750 §2.1: the token of an `Authorization` header value `Bearer <token>`: the scheme
/// case-insensitive, one or more spaces, then a `b64token` (`1*( ALPHA / DIGIT / "-" / "." / "_" /
/// "~" / "+" / "/" ) *"="`), trailing spaces allowed. Anything else is `ERR_BEARER_TOKEN_MISSING`
/// (RFC 6750 §3.1: a request without usable authentication information).
pub fn bearer_token(authorization: &str) -> Result<&str> {
    let missing = || Error::new(Code::BearerTokenMissing, "the request has no \"Authorization: Bearer <token>\" header (RFC 6750 §2.1)");
    let (scheme, rest) = authorization.split_at_checked(6).ok_or_else(missing)?;
    if !scheme.eq_ignore_ascii_case("bearer") || !rest.starts_with(' ') {
        return Err(missing());
    }
    let token = rest.trim_start_matches(' ').trim_end_matches(' ');
    let body = token.trim_end_matches('=');
    let b64 = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '~' | '+' | '/');
    if body.is_empty() || !body.chars().all(b64) {
        return Err(missing());
    }
    Ok(token)
}

/// The fetch to make before verifying `token` with `cache`, if any (see
/// [`JwksCache::fetch_before_verify`]). A token that does not parse needs no fetch: its error
/// comes from the verification itself.
pub fn fetch_before_verify(cache: &mut JwksCache, token: &str, max_token_bytes: usize, now: u64) -> Option<HttpRequest> {
    let kid = header_kid_unverified(token, max_token_bytes)?;
    cache.fetch_before_verify(kid.as_deref(), now)
}

/// Whether [`fetch_before_verify`] would ask for a fetch, without marking an attempt.
pub fn wants_fetch_before_verify(cache: &JwksCache, token: &str, max_token_bytes: usize, now: u64) -> bool {
    header_kid_unverified(token, max_token_bytes).is_some_and(|kid| cache.wants_fetch(kid.as_deref(), now))
}

/// What an ID token is validated against.
#[derive(Clone, Copy, Debug)]
pub struct IdTokenContext<'a> {
    /// The provider's metadata (issuer, algorithms).
    pub metadata: &'a ProviderMetadata,
    /// The client id.
    pub client_id: &'a str,
    /// The `nonce` sent (none on a refresh).
    pub nonce: Option<&'a str>,
    /// The `max_age` sent.
    pub max_age: Option<u64>,
    /// The `organization` sent.
    pub organization: Option<&'a str>,
    /// On a refresh, the session's `sub` (OIDC Core §12.2).
    pub expected_sub: Option<&'a str>,
    /// The access token of the same response, for `at_hash`.
    pub access_token: Option<&'a str>,
    /// Seconds of clock tolerance.
    pub clock_tolerance: u64,
}

/// Validate an ID token from a token response (OIDC Core §3.1.3.7): signature against `keys`
/// with the provider's algorithms (steps 6, 7), `iss` = the discovered issuer (step 2), `aud`
/// and `azp` (steps 3-5), `exp` and `iat` (steps 9, 10), `nonce` (step 11), `auth_time` with
/// `max_age` (step 13), Auth0's organization, and `at_hash` when present.
pub fn validate_id_token(id_token: &str, keys: &crate::jose::jwks::JwkSet, ctx: &IdTokenContext<'_>, now: u64) -> Result<VerifiedToken> {
    let p = prepare_id_token(id_token, keys, ctx)?;
    verify_signature(p.alg, &p.key, p.signing_input(id_token), &p.signature)?;
    finish_id_token(p.verified(), ctx, now)
}

/// The steps of [`validate_id_token`] before the signature check (parsing, the provider's
/// algorithms, key selection), so the platform can check the signature.
pub fn prepare_id_token(id_token: &str, keys: &crate::jose::jwks::JwkSet, ctx: &IdTokenContext<'_>) -> Result<Opened> {
    let rules = SignatureRules {
        algorithms: provider_algorithms(&ctx.metadata.id_token_signing_alg_values_supported),
        max_token_bytes: DEFAULT_MAX_TOKEN_BYTES,
    };
    check_header(id_token, keys, &rules, None)?.open()
}

/// The steps of [`validate_id_token`] after the signature check: the claims (RFC 7519) and OIDC
/// Core §3.1.3.7.
pub fn finish_id_token(jws: VerifiedJws, ctx: &IdTokenContext<'_>, now: u64) -> Result<VerifiedToken> {
    let IdTokenContext { metadata, client_id, nonce, max_age, organization, expected_sub, access_token, clock_tolerance } = *ctx;
    let claims = ClaimRules { clock_tolerance, ..ClaimRules::new(metadata.issuer.clone(), vec![client_id.to_owned()]) };
    check_claims(&Typ(jws.typ.as_deref()), &jws.claims, &claims, now)?;
    let id_rules = IdTokenRules {
        client_id: client_id.to_owned(),
        nonce: nonce.map(str::to_owned),
        max_age,
        access_token: access_token.map(str::to_owned),
        expected_sub: expected_sub.map(str::to_owned),
    };
    check_id_token(&jws.claims, &id_rules, jws.alg, now, clock_tolerance)?;
    if let Some(org) = organization {
        crate::auth0::check_organization(&jws.claims, org)?;
    }
    Ok(VerifiedToken::of(jws))
}

/// The time to check a freshly received ID token against: the local clock, unless the server's
/// differs from it by more than `leeway` (a device clock that is minutes off), in which case the
/// checks use the server's time. Returns (now, skew in seconds).
///
/// The server's time is its answer's `Date` header (RFC 9110 §6.6.1) when the host could read it
/// (`server_now`): a token that expired by the server's own clock is refused (OIDC Core §3.1.3.7
/// step 9). Where the header cannot be read (a browser hides it from a cross-origin response
/// unless the provider exposes it), the token's signed `iat` stands for the server's "now": the
/// token endpoint issued it a moment ago, over TLS, and replay is prevented by `nonce` (code flow)
/// and `sub` (refresh); a forged `iat` fails the signature check that follows.
///
/// `iat` is a NumericDate (RFC 7519 §2), possibly fractional: the server's time is taken as the
/// whole second at or after it (the token is not from before its `iat`). A negative `iat`, or
/// one beyond `u64`, says nothing usable about the server's clock: the local one is kept.
pub fn time_for_fresh_id_token(id_token: &str, local_now: u64, leeway: u64, server_now: Option<u64>) -> (u64, i64) {
    let server = server_now.or_else(|| {
        decode_unverified(id_token, DEFAULT_MAX_TOKEN_BYTES)
            .ok()
            .and_then(|j| j.claims.member("iat").as_ref().and_then(NumericDate::of))
            .and_then(|iat| u64::try_from(iat.ceil()).ok())
    });
    match server {
        // The skew in i128, then clamped: a time beyond i64 must not wrap (or panic).
        Some(t) if t.abs_diff(local_now) > leeway => {
            (t, (i128::from(t) - i128::from(local_now)).clamp(i64::MIN.into(), i64::MAX.into()) as i64)
        }
        _ => (local_now, 0),
    }
}

/// A bounded cache of verified tokens, keyed by the SHA-256 of the token, so that a token seen
/// again is answered without a signature check. An entry never outlives the token: it lasts
/// until `exp` (plus the clock tolerance) and, with a maximum token age, until `iat` + that age.
/// When full, the least recently used entry goes. Clear it when the keys change.
#[derive(Debug, Default)]
pub struct TokenCache {
    max: usize,
    tick: u64,
    entries: std::collections::HashMap<[u8; 32], CachedToken>,
}

#[derive(Debug)]
struct CachedToken {
    value: String,
    valid_until: u64,
    used: u64,
}

/// What decides how long a verified token may stay in a [`TokenCache`]: its `exp` and `iat`,
/// NumericDates (RFC 7519 §2) of any JSON number, as [`check_claims`] reads them.
#[derive(Clone, Copy, Debug, Default)]
pub struct CacheTimes {
    /// `exp`.
    pub exp: Option<NumericDate>,
    /// `iat`.
    pub iat: Option<NumericDate>,
}

impl CacheTimes {
    /// The times of a claims set.
    pub fn of(claims: &dyn Members) -> Self {
        let date = |name: &str| claims.member(name).as_ref().and_then(NumericDate::of);
        CacheTimes { exp: date("exp"), iat: date("iat") }
    }
}

impl TokenCache {
    /// A cache of at most `max` tokens (0 disables it).
    pub fn new(max: usize) -> Self {
        TokenCache { max, tick: 0, entries: Default::default() }
    }

    /// Whether it keeps anything (a size above 0).
    pub fn enabled(&self) -> bool {
        self.max > 0
    }

    fn key(token: &str) -> [u8; 32] {
        use sha2::Digest as _;
        sha2::Sha256::digest(token.as_bytes()).into()
    }

    /// The cached result for `token`, if it is still valid at `now`.
    pub fn get(&mut self, token: &str, now: u64) -> Option<&str> {
        if self.max == 0 {
            return None;
        }
        let key = Self::key(token);
        let expired = self.entries.get(&key).is_some_and(|e| now >= e.valid_until);
        if expired {
            self.entries.remove(&key);
            return None;
        }
        self.tick += 1;
        let tick = self.tick;
        self.entries.get_mut(&key).map(|e| {
            e.used = tick;
            e.value.as_str()
        })
    }

    /// Remember a verified token's result, given its `exp` and `iat` ([`CacheTimes`]). Tokens
    /// without `exp` are not cached.
    ///
    /// The entry is served while `now` < its end, a whole second: the first `now` at which the
    /// checks refuse the token on `exp` (RFC 7519 §4.1.4: exp <= now - tolerance, so the end is
    /// ⌈exp⌉ + tolerance), or, with a maximum token age, earlier still: ⌊iat⌋ + max age +
    /// tolerance (RFC 7519 §4.1.6), a second before the checks refuse a whole `iat` (they refuse
    /// iat < now - max age - tolerance). Computed in `i128`, then brought into `u64`.
    pub fn put(&mut self, token: &str, times: CacheTimes, value: String, rules: &ClaimRules) {
        if self.max == 0 {
            return;
        }
        let Some(exp) = times.exp else { return };
        let tol = i128::from(rules.clock_tolerance);
        let mut end = exp.ceil().saturating_add(tol);
        if let (Some(max_age), Some(iat)) = (rules.max_token_age, times.iat) {
            end = end.min(iat.floor().saturating_add(i128::from(max_age)).saturating_add(tol));
        }
        let valid_until = u64::try_from(end.max(0)).unwrap_or(u64::MAX);
        if self.entries.len() >= self.max {
            if let Some(oldest) = self.entries.iter().min_by_key(|(_, e)| e.used).map(|(k, _)| *k) {
                self.entries.remove(&oldest);
            }
        }
        self.tick += 1;
        self.entries.insert(Self::key(token), CachedToken { value, valid_until, used: self.tick });
    }

    /// Forget everything (for example after the key set changed).
    pub fn clear(&mut self) {
        self.entries.clear();
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the cache is empty.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

impl Verifier {
    /// The claim rules (for the token cache).
    pub fn claim_rules(&self) -> &ClaimRules {
        &self.claims
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bearer_tokens_rfc6750_2_1() {
        assert_eq!(bearer_token("Bearer abc.DEF-_~+/==").unwrap(), "abc.DEF-_~+/==");
        assert_eq!(bearer_token("bearer   a.b.c  ").unwrap(), "a.b.c");
        for bad in ["", "Bearer", "Bearer ", "Bearer  ", "Basic abc", "Bearerabc", "Bearer a b", "Bearer a=b", "Bearer ==", "Bearer é", "Bearer a\tb"] {
            assert_eq!(bearer_token(bad).unwrap_err().code(), Code::BearerTokenMissing, "{bad:?}");
        }
    }

    fn verified(exp: u64, iat: u64) -> CacheTimes {
        let claims = serde_json::json!({ "exp": exp, "iat": iat });
        CacheTimes::of(claims.as_object().unwrap())
    }

    #[test]
    fn fresh_id_tokens_use_the_server_clock_when_the_local_one_is_off() {
        use base64::Engine as _;
        let tok = |iat: u64| {
            let b = |v: serde_json::Value| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string());
            format!("{}.{}.sig", b(serde_json::json!({"alg": "RS256"})), b(serde_json::json!({"iat": iat})))
        };
        assert_eq!(time_for_fresh_id_token(&tok(1000), 1030, 60, None), (1030, 0));
        assert_eq!(time_for_fresh_id_token(&tok(1000), 1300, 60, None), (1000, -300));
        assert_eq!(time_for_fresh_id_token(&tok(1300), 1000, 60, None), (1300, 300));
        assert_eq!(time_for_fresh_id_token("garbage", 1000, 60, None), (1000, 0));
        // An absurd iat: the skew is clamped, not wrapped.
        assert_eq!(time_for_fresh_id_token(&tok(u64::MAX), 1000, 60, None), (u64::MAX, i64::MAX));
    }

    #[test]
    fn token_cache_respects_exp_max_age_and_bound() {
        let rules = ClaimRules::new("i", vec!["a".into()]);
        let mut c = TokenCache::new(2);
        c.put("t1", verified(1000, 900), "r1".into(), &rules);
        assert_eq!(c.get("t1", 1059), Some("r1"));
        assert_eq!(c.get("t1", 1060), None, "never outlives exp + tolerance");
        assert!(c.is_empty());
        let aged = ClaimRules { max_token_age: Some(100), ..rules.clone() };
        c.put("t2", verified(5000, 900), "r2".into(), &aged);
        assert_eq!(c.get("t2", 1059), Some("r2"));
        assert_eq!(c.get("t2", 1060), None, "nor iat + max age + tolerance");
        c.put("a", verified(5000, 0), "A".into(), &rules);
        c.put("b", verified(5000, 0), "B".into(), &rules);
        assert_eq!(c.get("a", 0), Some("A"));
        c.put("c", verified(5000, 0), "C".into(), &rules);
        assert_eq!(c.len(), 2);
        assert_eq!(c.get("b", 0), None, "least recently used goes first");
        assert_eq!(c.get("a", 0), Some("A"));
        let mut off = TokenCache::new(0);
        off.put("a", verified(5000, 0), "A".into(), &rules);
        assert_eq!(off.get("a", 0), None);
    }
}
