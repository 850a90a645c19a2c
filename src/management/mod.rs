//! The Auth0 Management API v2 (`https://<domain>/api/v2/`), as the rest of the core: requests
//! built as data, answers checked, and a call as a state machine the host drives.
//!
//! - [`table`]: the API's operations, derived by the build from its OpenAPI document; a request
//!   for any other (method, path template) is refused before it is built
//!   (`ERR_MANAGEMENT_UNKNOWN_OPERATION`).
//! - [`Api::request`]: the path template filled with percent-encoded parameters, the query, the
//!   JSON body, `Authorization: Bearer`.
//! - [`process_response`]: the JSON answer, or Auth0's error (`statusCode`, `error`, `message`,
//!   `errorCode`) as `ERR_MANAGEMENT_API_ERROR` (`ERR_RATE_LIMITED` for a 429).
//! - [`retry`]: 429 and 5xx retried with exponential backoff and jitter, honouring `Retry-After`
//!   and `X-RateLimit-Reset`, never past the caller's deadline.
//! - [`call`]: the token source (client credentials cached until expiry, one grant in flight; a
//!   token of the caller's; or one the host asks its own callback for) and the call's steps.
//! - [`pages`]: page/per_page/include_totals and checkpoint from/take pagination.
//!
//! ```
//! use oidc_wasm::http::Method;
//! use oidc_wasm::management::{Api, Params};
//!
//! let api = Api::new("tenant.eu.auth0.com")?;
//! let mut p = Params::default();
//! p.path.insert("id".into(), "auth0|123".into());
//! p.query.insert("fields".into(), "email,user_metadata".into());
//! let req = api.request(Method::Get, "/users/{id}", &p, "TOKEN")?;
//! assert_eq!(req.url, "https://tenant.eu.auth0.com/api/v2/users/auth0%7C123?fields=email%2Cuser_metadata");
//! assert_eq!(req.header("authorization"), Some("Bearer TOKEN"));
//! # Ok::<(), oidc_wasm::Error>(())
//! ```

pub mod call;
pub mod pages;
pub mod retry;
pub mod table;

use serde_json::{Map, Value};

use crate::error::{Code, Error, Result};
use crate::http::{HttpRequest, HttpResponse, Method};

/// A tenant's Management API: its base URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Api {
    /// `https://<domain>/api/v2`, without the trailing `/`.
    base: String,
    /// `https://<domain>`: the token endpoint's origin.
    origin: String,
}

impl Api {
    /// The API of `domain`: a host name such as `tenant.eu.auth0.com` (`https://` implied), or an
    /// origin (`https://...`, or `http://` on a loopback host, for local tests). Errors:
    /// `ERR_CONFIG_INVALID_ISSUER` for anything else, `ERR_CONFIG_INSECURE_ISSUER` for http
    /// elsewhere than loopback.
    pub fn new(domain: &str) -> Result<Api> {
        let d = domain.trim().trim_end_matches('/');
        let origin = if d.contains("://") { d.to_owned() } else { format!("https://{d}") };
        let url = crate::url::parse_configured(&origin, "the domain", Code::ConfigInvalidIssuer)?;
        if d.is_empty() || (url.path() != "/" && !url.path().is_empty()) || url.query().is_some() || url.fragment().is_some() {
            return Err(Error::new(Code::ConfigInvalidIssuer, format!("the domain {domain:?} must be a host name (such as tenant.eu.auth0.com)")));
        }
        if url.scheme() != "https" && !(url.scheme() == "http" && url.is_loopback()) {
            return Err(Error::new(
                Code::ConfigInsecureIssuer,
                format!("the domain {domain:?} must use https (http is allowed only for localhost and 127.0.0.1)"),
            ));
        }
        let origin = url.origin();
        Ok(Api { base: format!("{origin}/api/v2"), origin })
    }

    /// `https://<domain>/api/v2/`: the audience of the API's tokens.
    pub fn audience(&self) -> String {
        format!("{}/", self.base)
    }

    /// `https://<domain>/oauth/token`: where a client credentials grant gets a token for it.
    pub fn token_endpoint(&self) -> String {
        format!("{}/oauth/token", self.origin)
    }

    /// The request of the operation `method` `template` (a path template of [`table`], such as
    /// `/users/{id}`) with `params`, authorized with `access_token`.
    ///
    /// Errors: `ERR_MANAGEMENT_UNKNOWN_OPERATION` when the API has no such operation,
    /// `ERR_MANAGEMENT_MISSING_PARAMETER` when a `{parameter}` of the template is not given,
    /// `ERR_INVALID_ARGUMENT` for a parameter that is not a string or number, or is `.` or `..`.
    pub fn request(&self, method: Method, template: &str, params: &Params, access_token: &str) -> Result<HttpRequest> {
        check_operation(method, template)?;
        let path = fill_template(template, &params.path)?;
        let mut url = format!("{}{path}", self.base);
        let query = query_string(&params.query)?;
        if !query.is_empty() {
            url.push('?');
            url.push_str(&query);
        }
        let req = match &params.body {
            Some(body) => HttpRequest::json(method, url, body),
            None => HttpRequest { method, ..HttpRequest::get_json(url) },
        };
        Ok(req.with_header("authorization", &format!("Bearer {access_token}")))
    }
}

/// What a call names besides its method and path template.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Params {
    /// The template's `{parameters}`: strings or numbers.
    pub path: Map<String, Value>,
    /// The query: strings, numbers, booleans; an array repeats its name; null is left out.
    pub query: Map<String, Value>,
    /// The JSON body, if any.
    pub body: Option<Value>,
}

impl Params {
    /// Read `{ path?, query?, body? }` (as the JavaScript layer passes it). Errors:
    /// `ERR_INVALID_ARGUMENT` for `path` or `query` not an object.
    pub fn from_json(v: &Value) -> Result<Params> {
        let Value::Object(o) = v else {
            return if v.is_null() { Ok(Params::default()) } else { Err(invalid("the parameters must be an object { path, query, body }")) };
        };
        let object = |k: &str| match o.get(k) {
            None | Some(Value::Null) => Ok(Map::new()),
            Some(Value::Object(m)) => Ok(m.clone()),
            Some(_) => Err(invalid(&format!("the parameters' {k} must be an object"))),
        };
        Ok(Params { path: object("path")?, query: object("query")?, body: o.get("body").filter(|b| !b.is_null()).cloned() })
    }
}

fn invalid(message: &str) -> Error {
    Error::new(Code::InvalidArgument, message)
}

/// `ERR_MANAGEMENT_UNKNOWN_OPERATION` unless the API has `method` on `template`.
pub fn check_operation(method: Method, template: &str) -> Result<()> {
    if table::has_operation(method, template) {
        return Ok(());
    }
    let message = match table::methods(template) {
        Some(ms) => {
            let names: Vec<&str> = ms.iter().map(|m| m.as_str()).collect();
            format!("the Management API has no {} {template}; that path has {}", method.as_str(), names.join(", "))
        }
        None => format!("the Management API has no path {template:?} (a path template such as /users/{{id}})"),
    };
    Err(Error::new(Code::ManagementUnknownOperation, message))
}

/// The template with each `{name}` replaced by its parameter, percent-encoded as a path segment.
pub fn fill_template(template: &str, params: &Map<String, Value>) -> Result<String> {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let (before, after) = rest.split_at(open);
        out.push_str(before);
        let close = after.find('}').ok_or_else(|| invalid("the path template has a { without }"))?;
        let name = after.get(1..close).unwrap_or_default();
        let value = match params.get(name) {
            Some(Value::String(s)) if !s.is_empty() => s.clone(),
            Some(Value::Number(n)) => n.to_string(),
            None | Some(Value::Null) | Some(Value::String(_)) => {
                return Err(Error::new(Code::ManagementMissingParameter, format!("the path parameter {name} of {template} is missing")));
            }
            Some(_) => return Err(invalid(&format!("the path parameter {name} must be a string or a number"))),
        };
        // RFC 3986 §5.2.4: a "." or ".." segment would be removed or climb a level (URL parsers
        // do the same with %2E), and the request would reach another operation.
        if value == "." || value == ".." {
            return Err(invalid(&format!("the path parameter {name} must not be {value:?}")));
        }
        encode_segment(&value, &mut out);
        rest = after.get(close + 1..).unwrap_or_default();
    }
    out.push_str(rest);
    Ok(out)
}

/// RFC 3986 §2.1: every byte but the unreserved characters (§2.3) percent-encoded, so a value
/// stays one path segment (`auth0|123` -> `auth0%7C123`, `a/b` -> `a%2Fb`).
fn encode_segment(value: &str, out: &mut String) {
    let hex = |n: u8| char::from(if n < 10 { b'0' + n } else { b'A' + n - 10 });
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(hex(b >> 4));
            out.push(hex(b & 15));
        }
    }
}

/// The query, `application/x-www-form-urlencoded` (as the API reads it).
pub fn query_string(query: &Map<String, Value>) -> Result<String> {
    let mut ser = form_urlencoded::Serializer::new(String::new());
    for (k, v) in query {
        let one = |v: &Value| -> Result<Option<String>> {
            match v {
                Value::Null => Ok(None),
                Value::String(s) => Ok(Some(s.clone())),
                Value::Number(n) => Ok(Some(n.to_string())),
                Value::Bool(b) => Ok(Some(if *b { "true" } else { "false" }.into())),
                _ => Err(invalid(&format!("the query parameter {k} must be a string, number, boolean or an array of them"))),
            }
        };
        match v {
            Value::Array(items) => {
                for item in items {
                    if let Some(s) = one(item)? {
                        ser.append_pair(k, &s);
                    }
                }
            }
            v => {
                if let Some(s) = one(v)? {
                    ser.append_pair(k, &s);
                }
            }
        }
    }
    Ok(ser.finish())
}

/// The API's answer: its JSON (null for an empty body, as a 204 has), or its error.
///
/// Auth0's errors are `{ statusCode, error, message, errorCode? }`: they become
/// `ERR_MANAGEMENT_API_ERROR` (`ERR_RATE_LIMITED` for a 429) with `status`, `error`,
/// `error_description` (the `message`) and `error_code`. An error body of another shape keeps the
/// status. A success that is not JSON is `ERR_RESPONSE_NOT_JSON`.
pub fn process_response(response: &HttpResponse) -> Result<Value> {
    response.check_size()?;
    if (200..300).contains(&response.status) {
        if response.body.trim().is_empty() {
            return Ok(Value::Null);
        }
        return crate::json::parse_value(response.body.as_bytes())
            .map_err(|e| response.not_json(&format!("not JSON ({e})")));
    }
    Err(api_error(response))
}

/// The error of a response that is not a success (see [`process_response`]).
pub fn api_error(response: &HttpResponse) -> Error {
    let body = crate::json::parse_value(response.body.as_bytes()).ok();
    let text = |k: &str| body.as_ref().and_then(|b| b.get(k)).and_then(Value::as_str).map(str::to_owned);
    let error = text("error");
    let message = text("message").or_else(|| text("error_description"));
    let status = response.status;
    let what = match (&error, &message) {
        (_, Some(m)) => format!("the Management API answered HTTP {status}: {m}"),
        (Some(e), None) => format!("the Management API answered HTTP {status}: {e}"),
        (None, None) => format!("the Management API answered HTTP {status}"),
    };
    let mut e = if status == 429 {
        let mut e = Error::new(Code::RateLimited, format!("{what}; try again later"));
        e.retry_after = response.header("retry-after").and_then(|v| v.trim().parse::<u64>().ok());
        e
    } else {
        Error::new(Code::ManagementApiError, what)
    };
    e.status = Some(status);
    e.error = error;
    e.error_description = message;
    e.error_code = text("errorCode");
    e
}
