//! JWS compact serialization (RFC 7515 §7.1): `BASE64URL(header) . BASE64URL(payload) .
//! BASE64URL(signature)`, read strictly.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde_json::{Map, Value};

use crate::error::{Code, Error, Result};

/// Default limit on the size of a compact JWS, in bytes.
pub const DEFAULT_MAX_TOKEN_BYTES: usize = 16 * 1024;

/// A JWS split and decoded, **not verified**: nothing in it may be trusted yet.
#[derive(Clone, Debug, PartialEq)]
pub struct UnverifiedJws {
    /// The protected header.
    pub header: Map<String, Value>,
    /// The payload, as a JSON object (the JWT claims set).
    pub claims: Map<String, Value>,
    /// The signature octets.
    pub signature: Vec<u8>,
    /// Length of `header.payload` at the start of the token: the JWS signing input (RFC 7515 §5.2).
    pub signing_input_len: usize,
    /// The decoded header and payload texts, as they came.
    pub json: RawJson,
}

/// The JSON texts of a JWS's header and payload, exactly as decoded. They parsed as JSON objects
/// without duplicate members, so any JSON parser reads them as the same objects.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RawJson {
    /// The protected header.
    pub header: String,
    /// The payload.
    pub payload: String,
}

impl RawJson {
    /// `{"payload":…,"protectedHeader":…}` (the names jose uses), built without re-serializing.
    pub fn result_json(&self) -> String {
        result_json(&self.header, &self.payload)
    }
}

/// `{"payload":…,"protectedHeader":…}` from the payload's and the header's JSON texts.
pub fn result_json(header: &str, payload: &str) -> String {
    let mut out = String::with_capacity(header.len() + payload.len() + 32);
    out.push_str("{\"payload\":");
    out.push_str(payload);
    out.push_str(",\"protectedHeader\":");
    out.push_str(header);
    out.push('}');
    out
}

/// Split and decode a compact JWS whose payload is a JSON object, **without verifying it**.
///
/// Strict (RFC 7515 §7.1, RFC 7519 §7.2): exactly three parts; base64url without padding and
/// with no other alphabet; header and payload are JSON objects; at most `max_bytes`.
/// Errors: `ERR_JWT_MALFORMED`.
pub fn decode_unverified(token: &str, max_bytes: usize) -> Result<UnverifiedJws> {
    let parts = split_parts(token, max_bytes)?;
    let (header, header_json) = decode_object(parts.header, "header")?;
    let (claims, payload_json) = decode_payload(parts.payload)?;
    let signature = decode_signature(parts.signature)?;
    Ok(UnverifiedJws {
        header,
        claims,
        signature,
        signing_input_len: parts.signing_input_len,
        json: RawJson { header: header_json, payload: payload_json },
    })
}

fn malformed(why: &str) -> Error {
    Error::new(Code::JwtMalformed, format!("the token is not a valid JWS compact serialization: {why}"))
}

fn decode_part(part: &str, name: &str) -> Result<Vec<u8>> {
    URL_SAFE_NO_PAD.decode(part).map_err(|_| malformed(&format!("its {name} is not base64url without padding")))
}

fn decode_object(part: &str, name: &str) -> Result<(Map<String, Value>, String)> {
    let bytes = decode_part(part, name)?;
    let map = parse_object_strict(&bytes).map_err(|why| malformed(&format!("its {name} is not a JSON object: {why}")))?;
    // It parsed as JSON, so it is UTF-8 (RFC 8259 §8.1).
    let text = String::from_utf8(bytes).map_err(|_| malformed(&format!("its {name} is not UTF-8")))?;
    Ok((map, text))
}

/// A compact JWS's three parts, still base64url.
#[derive(Clone, Copy, Debug)]
pub struct Parts<'t> {
    /// The header part.
    pub header: &'t str,
    /// The payload part.
    pub payload: &'t str,
    /// The signature part.
    pub signature: &'t str,
    /// Length of `header.payload` at the start of the token.
    pub signing_input_len: usize,
}

/// The size limit, then exactly three parts, the first two not empty (RFC 7515 §7.1).
pub fn split_parts(token: &str, max_bytes: usize) -> Result<Parts<'_>> {
    if token.len() > max_bytes {
        return Err(malformed(&format!("it has {} bytes, more than the limit of {max_bytes}", token.len())));
    }
    let mut parts = token.split('.');
    let (Some(h), Some(p), Some(s), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return Err(malformed("it does not have exactly three parts"));
    };
    if h.is_empty() || p.is_empty() {
        return Err(malformed("its header or payload is empty"));
    }
    Ok(Parts { header: h, payload: p, signature: s, signing_input_len: h.len() + 1 + p.len() })
}

/// The text of a header or payload part, for [`parse_text`]. Errors are those of
/// [`decode_payload`] for the same part: bytes that are not UTF-8 are not JSON either, and the
/// JSON error is reported.
pub fn decode_text(part: &str, name: &str) -> Result<String> {
    let bytes = decode_part(part, name)?;
    String::from_utf8(bytes).map_err(|e| match parse_object_strict(e.as_bytes()) {
        Err(why) => malformed(&format!("its {name} is not a JSON object: {why}")),
        Ok(_) => malformed(&format!("its {name} is not UTF-8")),
    })
}

/// A header or payload text read in place as a JSON object, with the rules and errors of
/// [`decode_payload`] (see [`crate::json`]).
pub fn parse_text<'a>(text: &'a str, name: &str) -> Result<crate::json::Object<'a>> {
    crate::json::parse_object(text.as_bytes()).map_err(|why| malformed(&format!("its {name} is not a JSON object: {why}")))
}

/// The payload part of a split JWS: a JSON object without duplicate members, and its text.
pub fn decode_payload(part: &str) -> Result<(Map<String, Value>, String)> {
    decode_object(part, "payload")
}

/// The signature part of a split JWS.
pub fn decode_signature(part: &str) -> Result<Vec<u8>> {
    decode_part(part, "signature")
}

/// The `kid` of a compact JWS's header, decoding the header alone, **without verifying anything**:
/// `Some(None)` when the header has no `kid`, `None` when the token is too large or its header
/// does not decode to a JSON object.
pub fn header_kid_unverified(token: &str, max_bytes: usize) -> Option<Option<String>> {
    if token.len() > max_bytes {
        return None;
    }
    let h = token.split('.').next()?;
    let header = parse_object_strict(&URL_SAFE_NO_PAD.decode(h).ok()?).ok()?;
    Some(header.get("kid").and_then(Value::as_str).map(str::to_owned))
}

/// Parse a JSON object, refusing duplicate member names at any depth (RFC 7515 §5.2 step 4 and
/// RFC 7519 §7.2 step 10: a JOSE header or claims set with duplicate names MUST be rejected, else
/// two parsers may read two different tokens).
pub fn parse_object_strict(bytes: &[u8]) -> core::result::Result<Map<String, Value>, String> {
    crate::json::parse_object(bytes).map(crate::json::Object::into_map)
}

#[cfg(test)]
mod tests {
    use super::*;

    const RFC7515_A2: &str = "eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.cC4hiUPoj9Eetdgtv3hF80EGrhuB__dzERat0XF9g2VtQgr9PJbu3XOiZj5RZmh7AAuHIm4Bh-0Qc_lF5YKt_O8W2Fp5jujGbds9uJdbF9CUAr7t1dnZcAcQjbKBYNX4BAynRFdiuB--f_nZLgrnbyTyWzO75vRK5h6xBArLIARNPvkSjtQBMHlb1L07Qe7K0GarZRmB_eSN9383LcOLn6_dO--xi12jzDwusC-eOkHWEsqtFZESc6BfI7noOPqvhJ1phCnvWh6IeYI2w9QOYEUipUTI8np6LbgGY9Fs98rqVt5AXLIhWkWywlVmtVrBp0igcN_IoypGlUPQGe77Rw";

    #[test]
    fn decodes_rfc7515_a2() {
        let j = decode_unverified(RFC7515_A2, DEFAULT_MAX_TOKEN_BYTES).unwrap();
        assert_eq!(j.header["alg"], "RS256");
        assert_eq!(j.claims["iss"], "joe");
        assert_eq!(j.signature.len(), 256);
    }

    #[test]
    fn rejects_malformed() {
        let parts: Vec<&str> = RFC7515_A2.split('.').collect();
        let cases = [
            String::new(),
            format!("{}.{}", parts[0], parts[1]),
            format!("{RFC7515_A2}.x"),
            format!("{}=.{}.{}", parts[0], parts[1], parts[2]),
            format!("{}.{}.{}+", parts[0], parts[1], parts[2]),
            format!("{}.{}.{}", "WzFd", parts[1], parts[2]),
            format!(".{}.{}", parts[1], parts[2]),
            // {"alg":"RS256","alg":"none"}: duplicate member.
            format!("eyJhbGciOiJSUzI1NiIsImFsZyI6Im5vbmUifQ.{}.{}", parts[1], parts[2]),
            // {"alg":"RS256"} . {"a":{"b":1,"b":2}}: duplicate nested member.
            format!("{}.eyJhIjp7ImIiOjEsImIiOjJ9fQ.{}", parts[0], parts[2]),
        ];
        for c in cases {
            assert_eq!(decode_unverified(&c, DEFAULT_MAX_TOKEN_BYTES).unwrap_err().code(), Code::JwtMalformed, "{c}");
        }
        assert_eq!(decode_unverified(RFC7515_A2, 100).unwrap_err().code(), Code::JwtMalformed);
    }
}
