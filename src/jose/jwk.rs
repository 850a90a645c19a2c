//! Public JSON Web Keys (RFC 7517) for signature verification: RSA (RFC 7518 §6.3.1) and EC P-256
//! (RFC 7518 §6.2.1). Private members are ignored; symmetric keys (`oct`) are refused, so an
//! HMAC "verification" with a public key can never happen (RFC 8725 §2.1, §3.1).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;

use crate::error::{Code, Error, Result};
use crate::json::{Member, Members};
use crate::jose::Algorithm;

/// Smallest accepted RSA modulus (RFC 7518 §3.3: 2048 bits or larger).
pub const RSA_MIN_BITS: usize = 2048;
/// Largest accepted RSA modulus: bigger keys only make verification slow (a denial of service).
pub const RSA_MAX_BITS: usize = 8192;

/// The key material.
#[derive(Clone, Debug)]
pub enum KeyMaterial {
    /// An RSA public key.
    Rsa(RsaKey),
    /// A P-256 public key, checked to be on the curve.
    P256(EcKey),
}

/// A P-256 public key for this crate's own arithmetic, checked to be on the curve.
#[cfg(feature = "wasm-crypto")]
pub type EcKey = p256::ecdsa::VerifyingKey;

/// An RSA public key.
#[derive(Clone, Debug)]
pub struct RsaKey {
    /// `k`, the modulus length in bytes (RFC 8017): the length of every signature. Kept here
    /// because computing it from the modulus costs more than the rest of a token's parsing.
    pub size: usize,
    /// The modulus and the exponent, big-endian without leading zeros, as checked at parse time.
    #[cfg(feature = "wasm-crypto")]
    n: Box<[u8]>,
    #[cfg(feature = "wasm-crypto")]
    e: Box<[u8]>,
    /// The key for this crate's own arithmetic, built on its first use: its Montgomery
    /// parameters cost more than the rest of a key's parsing, and a verifier whose signatures
    /// the platform checks never needs them.
    #[cfg(feature = "wasm-crypto")]
    key: std::sync::OnceLock<rsa::PublicKey>,
}

#[cfg(feature = "wasm-crypto")]
impl RsaKey {
    /// The key for this crate's own arithmetic. None only if `rsa` refuses a key that passed
    /// [`rsa_key_checks`], which mirrors its checks (a test holds them together); a signature
    /// checked with no key does not verify.
    pub fn public_key(&self) -> Option<&rsa::PublicKey> {
        if let Some(k) = self.key.get() {
            return Some(k);
        }
        let built = build_rsa_key(&self.n, &self.e).ok()?;
        Some(self.key.get_or_init(|| built))
    }
}

/// `rsa`'s own construction of a public key (the modulus size limits included).
#[cfg(feature = "wasm-crypto")]
#[inline(never)]
fn build_rsa_key(n: &[u8], e: &[u8]) -> core::result::Result<rsa::PublicKey, rsa::Error> {
    rsa::PublicKey::new_with_size_limits(
        rsa::BoxedUint::from_be_slice_vartime(n),
        rsa::BoxedUint::from_be_slice_vartime(e),
        RSA_MIN_BITS..=RSA_MAX_BITS,
    )
}

/// Without the `wasm-crypto` feature: the point is checked by the platform when it imports the
/// key (WebCrypto refuses a point that is not on the curve).
#[cfg(not(feature = "wasm-crypto"))]
#[derive(Clone, Debug)]
pub struct EcKey;

/// A public key usable for verification, with the JWK parameters that restrict its use.
#[derive(Clone, Debug)]
pub struct PublicJwk {
    /// `kid` (RFC 7517 §4.5).
    pub kid: Option<String>,
    /// `alg` (RFC 7517 §4.4): when present, the only algorithm the key may be used with.
    pub alg: Option<String>,
    /// `use` (RFC 7517 §4.2): when present, must be `sig` for verification.
    pub key_use: Option<String>,
    /// `key_ops` (RFC 7517 §4.3): when present, must include `verify`; no value twice.
    pub key_ops: Option<Vec<String>>,
    /// The key.
    pub material: KeyMaterial,
    /// The public members alone as a JSON object, canonical (`kty` with `n`, `e` or `crv`, `x`,
    /// `y`; base64url without leading zero octets in `n` and `e`), to hand the key to a
    /// platform's WebCrypto.
    pub public: String,
}

fn invalid(msg: impl Into<String>) -> Error {
    Error::new(Code::JwkInvalid, msg)
}

/// A base64url member and its decoded bytes.
fn b64_member<'a>(obj: &'a impl Members, name: &str) -> Result<(&'a str, Vec<u8>)> {
    let s = obj.member(name).and_then(|m| m.as_str()).ok_or_else(|| invalid(format!("the JWK has no string member {name}")))?;
    let bytes = URL_SAFE_NO_PAD.decode(s).map_err(|_| invalid(format!("the JWK member {name} is not base64url without padding")))?;
    Ok((s, bytes))
}

fn opt_str(obj: &impl Members, name: &str) -> Result<Option<String>> {
    match obj.member(name) {
        None | Some(Member::Null) => Ok(None),
        Some(Member::Str(s)) => Ok(Some(s.to_owned())),
        Some(_) => Err(invalid(format!("the JWK member {name} is not a string"))),
    }
}

/// `b` in base64url without its leading zero octets: `text` itself (its canonical encoding, the
/// decoder refusing any other) when it has none.
fn canonical_b64<'t>(text: &'t str, b: &[u8]) -> std::borrow::Cow<'t, str> {
    if b.first() == Some(&0) {
        // Rare (RFC 7518 §6.3.1.1 forbids them): kept off the common path.
        return stripped_b64(b).into();
    }
    text.into()
}

#[cold]
#[inline(never)]
fn stripped_b64(b: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(strip_leading_zeros(b))
}

impl PublicJwk {
    /// Read a public JWK from its JSON object (a `serde_json::Map`, or an object read in place
    /// by [`crate::json`]). Errors: `ERR_JWK_INVALID` with a message that says what is
    /// wrong.
    pub fn from_json(obj: &impl Members) -> Result<Self> {
        let kty = obj.member("kty").and_then(|m| m.as_str()).ok_or_else(|| invalid("the JWK has no kty"))?;
        let kid = opt_str(obj, "kid")?;
        let alg = opt_str(obj, "alg")?;
        let key_use = opt_str(obj, "use")?;
        let key_ops = match obj.member("key_ops") {
            None | Some(Member::Null) => None,
            Some(Member::Array(a)) => Some(key_ops(a)?),
            Some(_) => return Err(invalid("key_ops is not an array")),
        };
        // The member texts are base64url (checked by decoding them), so they need no escaping.
        let public;
        let material = match kty {
            "RSA" => {
                let (n_text, n) = b64_member(obj, "n")?;
                let (e_text, e) = b64_member(obj, "e")?;
                let material = rsa_key(&n, &e)?;
                let (e_b64, n_b64) = (canonical_b64(e_text, &e), canonical_b64(n_text, &n));
                public = [r#"{"e":""#, &e_b64, r#"","kty":"RSA","n":""#, &n_b64, r#""}"#].concat();
                material
            }
            "EC" => {
                let crv = obj.member("crv").and_then(|m| m.as_str()).unwrap_or_default();
                if crv != "P-256" {
                    return Err(invalid(format!("the EC curve {crv:?} is not supported (only P-256)")));
                }
                let (x_text, x) = b64_member(obj, "x")?;
                let (y_text, y) = b64_member(obj, "y")?;
                // RFC 7518 §6.2.1.2/3: each coordinate is exactly the curve's field size.
                if x.len() != 32 || y.len() != 32 {
                    return Err(invalid("the P-256 coordinates x and y must be 32 bytes each"));
                }
                let key = ec_key(&x, &y)?;
                public = [r#"{"crv":"P-256","kty":"EC","x":""#, x_text, r#"","y":""#, y_text, r#""}"#].concat();
                KeyMaterial::P256(key)
            }
            "oct" => return Err(invalid("symmetric (oct) keys are never used for verification (RFC 8725 §3.1)")),
            other => return Err(invalid(format!("the key type {other:?} is not supported (RSA, EC)"))),
        };
        if let Some(a) = &alg {
            let ok = Algorithm::from_name(a).is_some_and(|alg| alg.fits(&material));
            if !ok {
                return Err(invalid(format!("the JWK's alg {a:?} does not fit its key type or is not supported")));
            }
        }
        Ok(PublicJwk { kid, alg, key_use, key_ops, material, public })
    }

    /// Whether this key may verify a signature made with `alg` (RFC 7517 §4.2, §4.3, §4.4).
    pub fn usable_for(&self, alg: Algorithm) -> bool {
        let use_ok = self.key_use.as_deref().is_none_or(|u| u == "sig");
        let ops_ok = self.key_ops.as_ref().is_none_or(|ops| ops.iter().any(|o| o == "verify"));
        let alg_ok = self.alg.as_deref().is_none_or(|a| a == alg.name());
        use_ok && ops_ok && alg_ok && alg.fits(&self.material)
    }
}

/// `key_ops` (RFC 7517 §4.3): an array of strings in which "duplicate key operation values MUST
/// NOT be present" (compared exactly: the values are case-sensitive). A key that repeats one is
/// invalid; in a JWK Set it is skipped with a warning, as any other invalid key
/// ([`crate::jose::jwks::JwkSet::from_object`]).
fn key_ops(values: Vec<Option<&str>>) -> Result<Vec<String>> {
    let mut ops: Vec<String> = Vec::with_capacity(values.len());
    for v in values {
        let op = v.ok_or_else(|| invalid("key_ops has a member that is not a string"))?;
        if ops.iter().any(|o| o == op) {
            return Err(invalid(format!("key_ops names {op:?} twice; duplicate values are not allowed (RFC 7517 §4.3)")));
        }
        ops.push(op.to_owned());
    }
    Ok(ops)
}

fn rsa_key(n: &[u8], e: &[u8]) -> Result<KeyMaterial> {
    // RFC 7518 §6.3.1.1: n is the unsigned big-endian modulus, without leading zero octets.
    let n = strip_leading_zeros(n);
    let e = strip_leading_zeros(e);
    // An empty (or all-zero) modulus has 0 bits.
    let bits = (n.len() * 8).saturating_sub(n.first().map_or(0, |b| b.leading_zeros() as usize));
    if bits < RSA_MIN_BITS {
        return Err(invalid(format!("the RSA modulus has {bits} bits; at least {RSA_MIN_BITS} are required (RFC 7518 §3.3)")));
    }
    if bits > RSA_MAX_BITS {
        return Err(invalid(format!("the RSA modulus has {bits} bits; at most {RSA_MAX_BITS} are accepted")));
    }
    if e.is_empty() || e.len() > 8 {
        return Err(invalid("the RSA exponent is not valid"));
    }
    rsa_key_checks(n, e).map_err(|why| invalid(format!("the RSA key is not valid: {why}")))?;
    Ok(KeyMaterial::Rsa(RsaKey {
        size: bits.div_ceil(8),
        #[cfg(feature = "wasm-crypto")]
        n: n.into(),
        #[cfg(feature = "wasm-crypto")]
        e: e.into(),
        #[cfg(feature = "wasm-crypto")]
        key: std::sync::OnceLock::new(),
    }))
}

/// The checks `rsa::PublicKey::new_with_size_limits` makes once the modulus size is known to be
/// in range, in its order and with its words, without building the key (RFC 8017 §3.1: n odd, e
/// odd, 2 < e < n; `rsa` also caps e at 2^33 - 1). Every build makes them, with or without the
/// crate's own arithmetic, so a key set means the same everywhere. `n` and `e` have no leading
/// zeros, `n` is at least 2048 bits and `e` at most 8 bytes.
fn rsa_key_checks(n: &[u8], e: &[u8]) -> core::result::Result<(), &'static str> {
    const MAX_PUB_EXPONENT: u64 = (1 << 33) - 1;
    let odd = |b: &[u8]| b.last().is_some_and(|x| x & 1 == 1);
    let e_value = e.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
    // e < n holds: n has at least 256 bytes, e at most 8.
    if !odd(n) {
        return Err("invalid modulus");
    }
    if !odd(e) {
        return Err("invalid exponent");
    }
    if e_value < 2 {
        return Err("public exponent too small");
    }
    if e_value > MAX_PUB_EXPONENT {
        return Err("public exponent too large");
    }
    Ok(())
}

#[cfg(feature = "wasm-crypto")]
fn ec_key(x: &[u8], y: &[u8]) -> Result<EcKey> {
    let mut sec1 = Vec::with_capacity(65);
    sec1.push(0x04);
    sec1.extend_from_slice(x);
    sec1.extend_from_slice(y);
    p256::ecdsa::VerifyingKey::from_sec1_bytes(&sec1).map_err(|_| invalid("the P-256 point (x, y) is not on the curve"))
}

#[cfg(not(feature = "wasm-crypto"))]
fn ec_key(_x: &[u8], _y: &[u8]) -> Result<EcKey> {
    Ok(EcKey)
}

fn strip_leading_zeros(b: &[u8]) -> &[u8] {
    let i = b.iter().position(|&x| x != 0).unwrap_or(b.len());
    b.get(i..).unwrap_or_default()
}

#[cfg(all(test, feature = "wasm-crypto"))]
mod tests {
    use super::*;

    /// The parse-time checks stand in for `rsa`'s construction of the key, which now waits for
    /// the key's first use: they must accept and refuse exactly what it does, with its words.
    #[test]
    fn rsa_key_checks_decide_as_rsa_does() {
        let mut odd_n = vec![0xC3u8; 256];
        let even_n = {
            let mut n = odd_n.clone();
            n[255] = 0xC2;
            n
        };
        let big_n = {
            let mut n = vec![0xFFu8; 1024];
            n[1023] = 0xFD;
            n
        };
        odd_n[255] = 0xC1;
        let exponents: [&[u8]; 12] = [
            &[1],
            &[2],
            &[3],
            &[4],
            &[1, 0, 1],
            &[1, 0, 0],
            &[1, 0xFF, 0xFF, 0xFF, 0xFF],
            &[2, 0, 0, 0, 1],
            &[2, 0, 0, 0, 0],
            &[0xFF; 8],
            &[0x80, 0, 0, 0, 0, 0, 0, 1],
            &[0xFF, 0xFF, 0xFF, 0xFF, 0xFF],
        ];
        let mut refused = 0;
        for n in [&odd_n, &even_n, &big_n] {
            for e in exponents {
                let ours = rsa_key_checks(n, e).map_err(str::to_owned);
                let theirs = build_rsa_key(n, e).map(|_| ()).map_err(|err| err.to_string());
                assert_eq!(ours, theirs, "n of {} bytes ending {:#x}, e {e:?}", n.len(), n[n.len() - 1]);
                refused += usize::from(ours.is_err());
            }
        }
        assert!(refused > 12 && refused < 36, "both outcomes are exercised: {refused} refused");
    }

    #[test]
    fn an_rsa_key_is_built_for_the_crates_own_arithmetic_on_first_use_only() {
        let mut n = vec![0xC3u8; 256];
        n[255] = 0xC1;
        let Ok(KeyMaterial::Rsa(k)) = rsa_key(&n, &[1, 0, 1]) else { panic!("the key parses") };
        assert_eq!(k.size, 256);
        assert!(k.key.get().is_none(), "not built at parse time");
        let first = k.public_key().map(|p| p as *const rsa::PublicKey);
        assert!(first.is_some());
        assert_eq!(k.public_key().map(|p| p as *const rsa::PublicKey), first, "built once");
    }
}
