//! JWT claim checks: RFC 7519 §4.1 and §7.2, RFC 8725 §3.8-3.11, ID tokens per OIDC Core
//! §3.1.3.7 (steps numbered as there), access tokens per RFC 9068 §4.
//!
//! Every failure is `ERR_JWT_CLAIM_VALIDATION_FAILED` (or `ERR_JWT_EXPIRED`) with the `claim`
//! that failed and a `reason`: `missing`, `invalid` (wrong type) or `check_failed`.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use sha2::{Digest, Sha256};
#[cfg(feature = "more-algorithms")]
use sha2::{Sha384, Sha512};

use crate::error::{Code, Error, Result};
use crate::json::{Member, Members};
use crate::jose::Algorithm;

/// Default clock tolerance, in seconds.
pub const DEFAULT_CLOCK_TOLERANCE: u64 = 60;

/// The checks every verified JWT goes through.
#[derive(Clone, Debug)]
pub struct ClaimRules {
    /// `iss` must equal this exactly (RFC 7519 §4.1.1, RFC 8725 §3.8).
    pub issuer: String,
    /// `aud` must contain one of these (RFC 7519 §4.1.3, RFC 8725 §3.9). Empty: not checked.
    pub audience: Vec<String>,
    /// Seconds of tolerance for `exp`, `nbf`, `iat` and `auth_time`.
    pub clock_tolerance: u64,
    /// When set, `iat` is required and may be at most this many seconds old.
    pub max_token_age: Option<u64>,
    /// Claims that must be present.
    pub required_claims: Vec<String>,
    /// When set, the header `typ` must be this media type (see [`typ_matches`]; RFC 8725 §3.11,
    /// RFC 9068 §2.1 `at+jwt`).
    pub typ: Option<String>,
    /// Scopes the token's `scope` (one string, space-separated) must all include (RFC 9068 §2.2.3).
    pub required_scopes: Vec<String>,
    /// The JWT profile whose required claims are checked too.
    pub profile: Profile,
}

/// A JWT profile: which claims a token must carry beyond what the other rules ask for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Profile {
    /// RFC 7519 alone: no claim is required by the profile.
    #[default]
    Jwt,
    /// RFC 9068 §2.2, JWT access tokens: `iss`, `exp`, `aud`, `sub`, `client_id`, `iat` and `jti`
    /// are required.
    Rfc9068,
}

impl Profile {
    /// The profile named `name` in the verifier's options (`"jwt"`, `"rfc9068"`).
    pub fn from_name(name: &str) -> Option<Profile> {
        match name {
            "jwt" => Some(Profile::Jwt),
            "rfc9068" => Some(Profile::Rfc9068),
            _ => None,
        }
    }
}

/// RFC 9068 §2.2: the claims a JWT access token must carry, in the order the section lists them.
pub const RFC9068_REQUIRED_CLAIMS: [&str; 7] = ["iss", "exp", "aud", "sub", "client_id", "iat", "jti"];

/// Whether the header `typ` names the media type `expected` (RFC 7515 §4.1.9): a value with no
/// `/` stands for `application/` followed by it, and only such a value (so
/// `application/application/at+jwt` is not `at+jwt`); media type names compare
/// case-insensitively (RFC 2045 §5.1, RFC 6838 §4.2).
pub fn typ_matches(typ: &str, expected: &str) -> bool {
    /// The value without its `application/` when that is what §4.1.9 lets a producer omit: the
    /// short form, or `None` for a media type that has no short form.
    fn short(v: &str) -> Option<&str> {
        if !v.contains('/') {
            return Some(v);
        }
        let (prefix, rest) = v.split_at_checked("application/".len())?;
        (prefix.eq_ignore_ascii_case("application/") && !rest.contains('/')).then_some(rest)
    }
    match (short(typ), short(expected)) {
        (Some(a), Some(b)) => a.eq_ignore_ascii_case(b),
        (None, None) => typ.eq_ignore_ascii_case(expected),
        _ => false,
    }
}

impl ClaimRules {
    /// Rules for tokens from `issuer` for `audience`, with the default tolerance.
    pub fn new(issuer: impl Into<String>, audience: Vec<String>) -> Self {
        ClaimRules {
            issuer: issuer.into(),
            audience,
            clock_tolerance: DEFAULT_CLOCK_TOLERANCE,
            max_token_age: None,
            required_claims: Vec::new(),
            typ: None,
            required_scopes: Vec::new(),
            profile: Profile::Jwt,
        }
    }
}

pub(crate) fn fail(claim: &str, reason: &str, msg: impl Into<String>) -> Error {
    Error::claim(Code::JwtClaimValidationFailed, claim, reason, msg)
}

/// A NumericDate (RFC 7519 §2): "a JSON numeric value representing the number of seconds from
/// 1970-01-01T00:00:00Z UTC until the specified UTC date/time", which "can represent any JSON
/// number": negative (a date before 1970), fractional, as large as JSON goes. It is compared
/// with whole seconds exactly, through the whole seconds just below and just above it (equal
/// for a whole number), which are exact in `i128` for every double below 2^127 and saturate
/// beyond, where no comparison with a time of this library's range can change.
///
/// A number is kept as JSON gives it: a whole number that fits in 64 bits as itself, any other
/// as its double (JSON has no NaN or Infinity; one that is not finite is refused).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct NumericDate(DateRepr);

#[derive(Clone, Copy, Debug, PartialEq)]
enum DateRepr {
    Whole(u64),
    Other(f64),
}

impl NumericDate {
    /// The date a claim's value states, or `None` when it is not a (finite) number.
    pub fn of(member: &Member<'_>) -> Option<NumericDate> {
        match *member {
            Member::Number(Some(u), _) => Some(NumericDate(DateRepr::Whole(u))),
            Member::Number(None, f) if f.is_finite() => Some(NumericDate(DateRepr::Other(f))),
            _ => None,
        }
    }

    /// The greatest whole number of seconds not after the date (saturating beyond `i128`).
    pub fn floor(self) -> i128 {
        match self.0 {
            DateRepr::Whole(u) => i128::from(u),
            // `as` saturates, and maps a NaN (never held) to 0.
            DateRepr::Other(f) => f.floor() as i128,
        }
    }

    /// The least whole number of seconds not before the date (saturating beyond `i128`).
    pub fn ceil(self) -> i128 {
        match self.0 {
            DateRepr::Whole(u) => i128::from(u),
            DateRepr::Other(f) => f.ceil() as i128,
        }
    }

    /// Whether the date is strictly before the whole second `t`.
    pub fn is_before(self, t: i128) -> bool {
        self.floor() < t
    }

    /// Whether the date is strictly after the whole second `t`.
    pub fn is_after(self, t: i128) -> bool {
        self.ceil() > t
    }

    /// The date in words for a message: seconds, with up to six decimals, formatted as integers
    /// (no float formatting in the module).
    pub fn describe(self) -> String {
        let f = match self.0 {
            DateRepr::Whole(u) => return u.to_string(),
            DateRepr::Other(f) => f,
        };
        let sign = if f < 0.0 { "-" } else { "" };
        let abs = f.abs();
        // Beyond 2^53 every double is a whole number; beyond 2^63 it is described by its size.
        if abs >= 9_223_372_036_854_775_808.0 {
            return format!("{sign}2^63 or more");
        }
        let mut whole = abs.trunc() as u64;
        let mut micros = ((abs - abs.trunc()) * 1e6 + 0.5).floor() as u32;
        if micros >= 1_000_000 {
            whole = whole.saturating_add(1);
            micros = 0;
        }
        if micros == 0 {
            return format!("{sign}{whole}");
        }
        let mut text = format!("{sign}{whole}.{micros:06}");
        while text.ends_with('0') {
            text.pop();
        }
        text
    }
}

/// A NumericDate claim (RFC 7519 §2): absent, or any JSON number; anything else is `invalid`.
fn numeric_date(claims: &dyn Members, name: &str) -> Result<Option<NumericDate>> {
    match claims.member(name) {
        None => Ok(None),
        Some(m) => NumericDate::of(&m)
            .map(Some)
            .ok_or_else(|| fail(name, "invalid", format!("the {name} claim is not a number (RFC 7519 §2 NumericDate)"))),
    }
}

pub(crate) fn string_claim<'a>(claims: &'a dyn Members, name: &str) -> Result<Option<&'a str>> {
    match claims.member(name) {
        None => Ok(None),
        Some(Member::Str(s)) => Ok(Some(s)),
        Some(_) => Err(fail(name, "invalid", format!("the {name} claim is not a string"))),
    }
}

/// `aud` as a list: a string or an array of strings (RFC 7519 §4.1.3).
pub fn audiences(claims: &dyn Members) -> Result<Vec<&str>> {
    match claims.member("aud") {
        None => Ok(Vec::new()),
        Some(Member::Str(s)) => Ok(vec![s]),
        Some(Member::Array(a)) => a
            .into_iter()
            .map(|v| v.ok_or_else(|| fail("aud", "invalid", "the aud claim has a member that is not a string")))
            .collect(),
        Some(_) => Err(fail("aud", "invalid", "the aud claim is neither a string nor an array of strings")),
    }
}

/// Check the claims every JWT must pass. `now` is seconds since the Unix epoch.
///
/// The dates are compared exactly as the numbers they are (see [`NumericDate`]): the bounds
/// (`now` ± the tolerance, the maximum age) are whole seconds, computed in `i128` so that no
/// setting overflows.
pub fn check_claims(header: &dyn Members, claims: &dyn Members, rules: &ClaimRules, now: u64) -> Result<()> {
    if let Some(expected) = &rules.typ {
        check_typ(header, expected)?;
    }
    if rules.profile == Profile::Rfc9068 {
        check_rfc9068_claims(claims)?;
    }
    for name in &rules.required_claims {
        if claims.member(name).is_none() {
            return Err(fail(name, "missing", format!("the required claim {name} is missing")));
        }
    }
    // RFC 7519 §4.1.1 / RFC 8725 §3.8: iss, exact string match.
    match string_claim(claims, "iss")? {
        Some(iss) if iss == rules.issuer => {}
        Some(iss) => return Err(fail("iss", "check_failed", format!("the token's iss {iss:?} is not {:?}", rules.issuer))),
        None => return Err(fail("iss", "missing", "the token has no iss claim")),
    }
    // RFC 7519 §4.1.3 / RFC 8725 §3.9: aud must name us.
    if !rules.audience.is_empty() {
        let auds = audiences(claims)?;
        if auds.is_empty() {
            return Err(fail("aud", "missing", "the token has no aud claim"));
        }
        if !auds.iter().any(|a| rules.audience.iter().any(|r| r == a)) {
            return Err(fail("aud", "check_failed", format!("the token's aud {auds:?} does not include {:?}", rules.audience)));
        }
    }
    check_dates(claims, rules, now)?;
    if !rules.required_scopes.is_empty() {
        check_scopes(claims, &rules.required_scopes)?;
    }
    Ok(())
}

/// RFC 8725 §3.11 explicit typing (RFC 9068 §4 step 1 for access tokens): the header `typ` names
/// the expected media type, compared as RFC 7515 §4.1.9 says ([`typ_matches`]).
fn check_typ(header: &dyn Members, expected: &str) -> Result<()> {
    let typ = header.member("typ").and_then(|m| m.as_str()).unwrap_or_default();
    if typ_matches(typ, expected) {
        Ok(())
    } else {
        Err(fail("typ", "check_failed", format!("the header typ is {typ:?}, not {expected:?} (RFC 8725 §3.11)")))
    }
}

/// RFC 9068 §2.2: a JWT access token MUST carry `iss`, `exp`, `aud`, `sub`, `client_id`, `iat`
/// and `jti` (the first one missing is reported); `sub`, `client_id` and `jti` are strings
/// (RFC 7519 §4.1.2, RFC 8693 §4.3, RFC 7519 §4.1.7); the others are typed by their own checks.
fn check_rfc9068_claims(claims: &dyn Members) -> Result<()> {
    for name in RFC9068_REQUIRED_CLAIMS {
        if claims.member(name).is_none() {
            return Err(fail(name, "missing", format!("the access token has no {name} claim (RFC 9068 §2.2)")));
        }
    }
    for name in ["sub", "client_id", "jti"] {
        string_claim(claims, name)?;
    }
    Ok(())
}

/// The time claims, each a NumericDate (RFC 7519 §2) compared exactly with whole-second bounds:
/// - `exp` (RFC 7519 §4.1.4): the token "MUST NOT be accepted on or after" it; with the
///   tolerance, expired when exp <= now - tolerance (`ERR_JWT_EXPIRED`);
/// - `nbf` (RFC 7519 §4.1.5): it "MUST NOT be accepted before" it: refused when
///   nbf > now + tolerance;
/// - `iat` (RFC 7519 §4.1.6): refused from the future (iat > now + tolerance) and, with a
///   maximum token age, when iat < now - max age - tolerance.
fn check_dates(claims: &dyn Members, rules: &ClaimRules, now: u64) -> Result<()> {
    let tol = rules.clock_tolerance;
    let (now_s, tol_s) = (i128::from(now), i128::from(tol));
    if let Some(exp) = numeric_date(claims, "exp")? {
        if !exp.is_after(now_s - tol_s) {
            return Err(Error::claim(
                Code::JwtExpired,
                "exp",
                "check_failed",
                format!("the token expired at {} (now {now}, tolerance {tol} s)", exp.describe()),
            ));
        }
    }
    if let Some(nbf) = numeric_date(claims, "nbf")? {
        if nbf.is_after(now_s + tol_s) {
            return Err(fail("nbf", "check_failed", format!("the token is not valid before {} (now {now})", nbf.describe())));
        }
    }
    let iat = numeric_date(claims, "iat")?;
    if let Some(iat) = iat {
        if iat.is_after(now_s + tol_s) {
            return Err(fail("iat", "check_failed", format!("the token was issued in the future ({}, now {now})", iat.describe())));
        }
    }
    if let Some(max) = rules.max_token_age {
        let iat = iat.ok_or_else(|| fail("iat", "missing", "the token has no iat, needed for the maximum token age"))?;
        if iat.is_before(now_s - i128::from(max) - tol_s) {
            return Err(fail("iat", "check_failed", format!("the token is older than the maximum age of {max} s")));
        }
    }
    Ok(())
}

/// RFC 9068 §2.2.3 and RFC 8693 §4.2, with RFC 6749 §3.3's syntax: `scope` is one JSON string of
/// scopes separated by spaces (%x20: a tab or any other white space separates nothing); any other
/// value is an invalid claim. Every required scope must be one of them.
fn check_scopes(claims: &dyn Members, required: &[String]) -> Result<()> {
    let granted = match claims.member("scope") {
        Some(Member::Str(s)) => s,
        Some(_) => return Err(fail("scope", "invalid", "the scope claim is not a string of space-separated scopes (RFC 8693 §4.2)")),
        None => return Err(fail("scope", "missing", "the token has no scope claim")),
    };
    match required.iter().find(|r| !granted.split(' ').any(|g| g == r.as_str())) {
        Some(missing) => Err(fail("scope", "check_failed", format!("the token lacks the required scope {missing:?}"))),
        None => Ok(()),
    }
}

/// What an ID token is checked against beyond [`ClaimRules`] (OIDC Core §3.1.3.7).
#[derive(Clone, Debug, Default)]
pub struct IdTokenRules {
    /// The client id: `aud` must contain it (step 3) and `azp`, when present or when there are
    /// several audiences, must equal it (steps 4, 5).
    pub client_id: String,
    /// The `nonce` sent in the authorization request (step 11).
    pub nonce: Option<String>,
    /// The `max_age` sent (step 13): `auth_time` is then required and checked.
    pub max_age: Option<u64>,
    /// The access token from the same response, to check `at_hash` when present (§3.1.3.8 / §3.2.2.9).
    pub access_token: Option<String>,
    /// On a refresh, the `sub` of the session's ID token: the new one must be the same (§12.2).
    pub expected_sub: Option<String>,
}

/// The ID-token-specific steps of OIDC Core §3.1.3.7 (steps 2, 3, 9, 10 are in
/// [`check_claims`], step 6 is the signature, step 7 the algorithm allow-list).
pub fn check_id_token(claims: &dyn Members, rules: &IdTokenRules, alg: Algorithm, now: u64, tolerance: u64) -> Result<()> {
    // §2: sub is REQUIRED; exp and iat are REQUIRED.
    match string_claim(claims, "sub")? {
        Some(s) if !s.is_empty() => {
            if rules.expected_sub.as_deref().is_some_and(|e| e != s) {
                return Err(fail("sub", "check_failed", "the refreshed ID token is for another user (OIDC Core §12.2)"));
            }
        }
        _ => return Err(fail("sub", "missing", "the ID token has no sub claim (OIDC Core §2)")),
    }
    for name in ["exp", "iat"] {
        if numeric_date(claims, name)?.is_none() {
            return Err(fail(name, "missing", format!("the ID token has no {name} claim (OIDC Core §2)")));
        }
    }
    // Step 3: aud contains client_id.
    let auds = audiences(claims)?;
    if !auds.contains(&rules.client_id.as_str()) {
        return Err(fail("aud", "check_failed", format!("the ID token's aud {auds:?} does not include the client id")));
    }
    // Steps 4, 5: azp.
    let azp = string_claim(claims, "azp")?;
    if auds.len() > 1 && azp.is_none() {
        return Err(fail("azp", "missing", "the ID token has several audiences but no azp (OIDC Core §3.1.3.7 step 4)"));
    }
    if let Some(azp) = azp {
        if azp != rules.client_id {
            return Err(fail("azp", "check_failed", format!("the ID token's azp {azp:?} is not the client id (step 5)")));
        }
    }
    // Step 11: nonce.
    if let Some(expected) = &rules.nonce {
        match string_claim(claims, "nonce")? {
            Some(n) if n == expected => {}
            Some(_) => return Err(fail("nonce", "check_failed", "the ID token's nonce is not the one sent (step 11)")),
            None => return Err(fail("nonce", "missing", "the ID token has no nonce, but one was sent (step 11)")),
        }
    }
    // Step 13: auth_time with max_age.
    if let Some(max_age) = rules.max_age {
        check_auth_time(claims, max_age, now, tolerance)?;
    }
    // §3.1.3.8 / §3.2.2.9: at_hash, when present.
    if let (Some(at), Some(expected)) = (&rules.access_token, string_claim(claims, "at_hash")?) {
        if at_hash(alg, at) != expected {
            return Err(fail("at_hash", "check_failed", "the ID token's at_hash does not match the access token"));
        }
    }
    Ok(())
}

/// OIDC Core §3.1.3.7 step 13: with `max_age` sent, `auth_time` is required, and the
/// authentication too old when auth_time < now - max_age - tolerance; `auth_time` is a
/// NumericDate (OIDC Core §2, RFC 7519 §2), compared exactly ([`NumericDate`]).
fn check_auth_time(claims: &dyn Members, max_age: u64, now: u64, tolerance: u64) -> Result<()> {
    let auth_time = numeric_date(claims, "auth_time")?
        .ok_or_else(|| fail("auth_time", "missing", "max_age was sent, so the ID token must have auth_time (step 13)"))?;
    if auth_time.is_before(i128::from(now) - i128::from(max_age) - i128::from(tolerance)) {
        return Err(fail("auth_time", "check_failed", format!("the user authenticated more than max_age ({max_age} s) ago (step 13)")));
    }
    Ok(())
}

/// OIDC Core §3.1.3.6: base64url of the left-most half of the hash of the access token, with the
/// hash of the ID token's `alg`.
pub fn at_hash(alg: Algorithm, access_token: &str) -> String {
    let digest: Vec<u8> = match alg {
        Algorithm::RS256 | Algorithm::PS256 | Algorithm::ES256 => Sha256::digest(access_token.as_bytes()).to_vec(),
        #[cfg(feature = "more-algorithms")]
        Algorithm::RS384 => Sha384::digest(access_token.as_bytes()).to_vec(),
        #[cfg(feature = "more-algorithms")]
        Algorithm::RS512 => Sha512::digest(access_token.as_bytes()).to_vec(),
        // Never verified by this build, so never asked for.
        #[cfg(not(feature = "more-algorithms"))]
        Algorithm::RS384 | Algorithm::RS512 => Vec::new(),
    };
    URL_SAFE_NO_PAD.encode(digest.get(..digest.len() / 2).unwrap_or_default())
}
