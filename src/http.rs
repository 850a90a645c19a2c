//! HTTP requests and responses as plain data: the core's only I/O vocabulary.
//!
//! The core builds an [`HttpRequest`]; whoever embeds it (the wasm layer with `fetch`, a Rust
//! program with its HTTP client, a test with a canned answer) sends it and hands the
//! [`HttpResponse`] back to the matching `process_*` function.

use crate::error::{Code, Error, Result};

/// Largest response body the core accepts (discovery documents, token responses, JWKS).
pub const MAX_RESPONSE_BYTES: usize = 1024 * 1024;

/// An HTTP method the protocol steps use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// GET
    Get,
    /// POST
    Post,
    /// DELETE
    Delete,
    /// PUT (the Management API)
    Put,
    /// PATCH (the Management API)
    Patch,
}

impl Method {
    /// The method name.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Delete => "DELETE",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
        }
    }
}

/// A request to send.
#[derive(Clone, PartialEq, Eq)]
pub struct HttpRequest {
    /// The method.
    pub method: Method,
    /// The absolute URL.
    pub url: String,
    /// Header names and values, in order.
    pub headers: Vec<(String, String)>,
    /// The body, if any.
    pub body: Option<String>,
}

impl core::fmt::Debug for HttpRequest {
    // Request bodies carry secrets (codes, verifiers, refresh tokens): never print them.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("HttpRequest")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("headers", &self.headers)
            .field("body", &self.body.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

impl HttpRequest {
    /// A GET that expects JSON.
    pub fn get_json(url: impl Into<String>) -> Self {
        HttpRequest {
            method: Method::Get,
            url: url.into(),
            headers: vec![("accept".into(), "application/json".into())],
            body: None,
        }
    }

    /// A request with a JSON body that expects JSON.
    pub fn json(method: Method, url: impl Into<String>, body: &serde_json::Value) -> Self {
        HttpRequest {
            method,
            url: url.into(),
            headers: vec![
                ("accept".into(), "application/json".into()),
                ("content-type".into(), "application/json".into()),
            ],
            body: Some(crate::json::to_text(body)),
        }
    }

    /// Add a header.
    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// A POST of an `application/x-www-form-urlencoded` body that expects JSON.
    pub fn post_form<'a>(url: impl Into<String>, params: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let mut ser = form_urlencoded::Serializer::new(String::new());
        for (k, v) in params {
            ser.append_pair(k, v);
        }
        HttpRequest {
            method: Method::Post,
            url: url.into(),
            headers: vec![
                ("accept".into(), "application/json".into()),
                ("content-type".into(), "application/x-www-form-urlencoded".into()),
            ],
            body: Some(ser.finish()),
        }
    }

    /// The first value of a header, by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }
}

/// A response received.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpResponse {
    /// The HTTP status.
    pub status: u16,
    /// Header names and values, in order.
    pub headers: Vec<(String, String)>,
    /// The body as text.
    pub body: String,
}

impl HttpResponse {
    /// A response with a status and a body, no headers.
    pub fn new(status: u16, body: impl Into<String>) -> Self {
        HttpResponse { status, headers: Vec::new(), body: body.into() }
    }

    /// Add a header.
    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// The first value of a header, by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }

    /// The body parsed as a JSON object, within the size limit.
    pub fn json_object(&self) -> Result<serde_json::Map<String, serde_json::Value>> {
        self.check_size()?;
        match crate::json::parse_value(self.body.as_bytes()) {
            Ok(serde_json::Value::Object(m)) => Ok(m),
            Ok(_) => Err(self.not_json("JSON but not an object")),
            Err(e) => Err(self.not_json(&format!("not JSON ({e}); check the endpoint URL"))),
        }
    }

    /// `ERR_RESPONSE_TOO_LARGE` when the body is over [`MAX_RESPONSE_BYTES`].
    pub(crate) fn check_size(&self) -> Result<()> {
        if self.body.len() > MAX_RESPONSE_BYTES {
            return Err(Error::new(
                Code::ResponseTooLarge,
                format!("the response body has {} bytes, more than the limit of {MAX_RESPONSE_BYTES}", self.body.len()),
            )
            .with_status(self.status));
        }
        Ok(())
    }

    /// `ERR_RESPONSE_NOT_JSON`: "the response body is {what}".
    pub(crate) fn not_json(&self, what: &str) -> Error {
        Error::new(Code::ResponseNotJson, format!("the response body is {what}")).with_status(self.status)
    }

    /// If the body is an OAuth 2.0 error response (RFC 6749 §5.2: a JSON object with a string
    /// `error`), that error, with Auth0's additions: `mfa_token` and `mfa_requirements` of
    /// `mfa_required`, and the older `{ code, description }` shape of some Auth0 endpoints. A 429
    /// becomes `ERR_RATE_LIMITED` with `retry_after` from `Retry-After` (RFC 9110 §10.2.3).
    pub fn oauth_error(&self) -> Option<Error> {
        let obj = self.json_object().ok();
        let text = |k: &str| obj.as_ref().and_then(|o| o.get(k)).and_then(|v| v.as_str()).map(str::to_owned);
        let error = text("error").or_else(|| text("code"));
        let description = text("error_description").or_else(|| text("description")).or_else(|| text("message"));
        let mut e = match (&error, self.status) {
            (_, 429) => {
                let mut e = Error::oauth(error.as_deref().unwrap_or("too_many_requests"), description, text("error_uri"));
                e = Error::new(Code::RateLimited, format!("{}; try again later", e.message())).with_details_of(e);
                e.retry_after = self.header("retry-after").and_then(|v| v.trim().parse::<u64>().ok());
                e
            }
            (Some(err), _) => Error::oauth(err, description, text("error_uri")),
            (None, _) => return None,
        };
        e.status = Some(self.status);
        if let Some(o) = &obj {
            e.mfa_token = o.get("mfa_token").and_then(|v| v.as_str()).map(str::to_owned);
            e.mfa_requirements = o.get("mfa_requirements").cloned();
        }
        Some(e)
    }
}

/// A response the host received and read, as it hands it over: the status, the headers as
/// `name: value` lines, the body. A `Content-Length` above [`MAX_RESPONSE_BYTES`] is refused
/// (`ERR_RESPONSE_TOO_LARGE`, naming `url`).
pub fn response_from_parts(url: &str, status: u16, header_lines: &str, body: String) -> Result<HttpResponse> {
    let mut out = HttpResponse::new(status, body);
    out.headers = header_lines
        .lines()
        .filter_map(|line| line.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect();
    match out.header("content-length").and_then(|l| l.parse::<usize>().ok()) {
        Some(len) if len > MAX_RESPONSE_BYTES => Err(Error::new(
            Code::ResponseTooLarge,
            format!("{url} answered {len} bytes, more than the limit of {MAX_RESPONSE_BYTES}"),
        )),
        _ => Ok(out),
    }
}

/// The error for a request to `url` that the host could not make: the host's error `name` and
/// `message` (for `fetch`: `TimeoutError` or `AbortError` when `timeout_ms` ran out, else a
/// `TypeError`).
pub fn fetch_failure(url: &str, name: &str, message: &str, timeout_ms: u32) -> Error {
    if name == "TimeoutError" || name == "AbortError" {
        Error::new(
            Code::Timeout,
            format!(
                "{url} did not answer within {timeout_ms} ms; check the network or raise the timeout (jwksTimeout for a Verifier, httpTimeoutInSeconds for the client)"
            ),
        )
    } else {
        Error::new(
            Code::Network,
            format!("the request to {url} failed ({message}); check that the server is up and allows this origin (CORS)"),
        )
    }
}

fn find_header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
}

/// The time an HTTP `Date` header names (RFC 9110 §5.6.7, IMF-fixdate:
/// `Sun, 06 Nov 1994 08:49:37 GMT`), in seconds since the Unix epoch; None for anything else.
pub fn parse_http_date(s: &str) -> Option<u64> {
    let mut it = s.trim().split(' ');
    let (_weekday, day, month, year, time, zone) = (it.next()?, it.next()?, it.next()?, it.next()?, it.next()?, it.next()?);
    if it.next().is_some() || zone != "GMT" || day.len() != 2 || year.len() != 4 || time.len() != 8 {
        return None;
    }
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let month = MONTHS.iter().position(|m| *m == month)? as u64 + 1;
    let num = |t: &str| if t.bytes().all(|b| b.is_ascii_digit()) { t.parse::<u64>().ok() } else { None };
    let (day, year) = (num(day)?, num(year)?);
    let mut hms = time.split(':');
    let (h, m, sec) = (num(hms.next()?)?, num(hms.next()?)?, num(hms.next()?)?);
    if !(1..=31).contains(&day) || year < 1970 || h > 23 || m > 59 || sec > 60 {
        return None;
    }
    // Days from 1970-01-01 to the civil date (H. Hinnant's days_from_civil).
    let (y, mo) = if month <= 2 { (year - 1, month + 9) } else { (year, month - 3) };
    let era = y / 400;
    let yoe = y - era * 400;
    let doy = (153 * mo + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = (era * 146_097 + doe).checked_sub(719_468)?;
    Some(days * 86_400 + h * 3600 + m * 60 + sec)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_post_encodes_and_hides_body_in_debug() {
        let r = HttpRequest::post_form("https://op.example/token", [("code", "a b&c"), ("x", "é")]);
        assert_eq!(r.body.as_deref(), Some("code=a+b%26c&x=%C3%A9"));
        assert_eq!(r.header("Content-Type"), Some("application/x-www-form-urlencoded"));
        assert!(!format!("{r:?}").contains("a+b"));
    }

    #[test]
    fn json_object_rejects_non_objects_and_oversized() {
        assert_eq!(HttpResponse::new(200, "[1]").json_object().unwrap_err().code(), Code::ResponseNotJson);
        assert_eq!(HttpResponse::new(200, "<html>").json_object().unwrap_err().code(), Code::ResponseNotJson);
        let big = format!("{{\"a\":\"{}\"}}", "x".repeat(MAX_RESPONSE_BYTES));
        assert_eq!(HttpResponse::new(200, big).json_object().unwrap_err().code(), Code::ResponseTooLarge);
    }

    #[test]
    fn oauth_error_is_read() {
        let r = HttpResponse::new(400, r#"{"error":"invalid_grant","error_description":"spent"}"#);
        let e = r.oauth_error().unwrap();
        assert_eq!(e.error.as_deref(), Some("invalid_grant"));
        assert_eq!(e.status, Some(400));
        assert!(HttpResponse::new(400, r#"{"error":3}"#).oauth_error().is_none());
    }

    #[test]
    fn a_response_handed_over_in_parts() {
        let r = response_from_parts("https://op.example/x", 200, "content-type: application/json\nCache-Control:  max-age=60 \n", "{}".into()).unwrap();
        assert_eq!(r.header("cache-control"), Some("max-age=60"));
        assert_eq!(r.header("Content-Type"), Some("application/json"));
        let e = response_from_parts("https://op.example/x", 200, "content-length: 99999999\n", String::new()).unwrap_err();
        assert_eq!(e.code(), Code::ResponseTooLarge);
        assert!(e.message().contains("https://op.example/x"));
        assert_eq!(fetch_failure("u", "TimeoutError", "t", 1000).code(), Code::Timeout);
        assert_eq!(fetch_failure("u", "AbortError", "t", 1000).code(), Code::Timeout);
        assert_eq!(fetch_failure("u", "TypeError", "Failed to fetch", 1000).code(), Code::Network);
    }
}

