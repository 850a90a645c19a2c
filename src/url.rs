//! A small, strict parser for the absolute `http`/`https` URLs the protocol deals in (issuers,
//! endpoints, redirect URIs) following RFC 3986 §3. It splits and checks; it does not normalise
//! (issuer comparison is by exact string, OIDC Discovery §4.3), and it rejects what a browser
//! would silently repair (spaces, backslashes, user info, control characters).

use crate::error::{Code, Error, Result};

/// A parsed absolute URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Url {
    raw: String,
    scheme: String,
    host: String,
    port: Option<u16>,
    path: String,
    query: Option<String>,
    fragment: Option<String>,
}

impl Url {
    /// Parse an absolute URL. The message of the error says what is wrong; the caller picks the
    /// code.
    pub fn parse(input: &str) -> core::result::Result<Url, String> {
        if input.is_empty() {
            return Err("it is empty".into());
        }
        if input.len() > 8192 {
            return Err("it is longer than 8192 characters".into());
        }
        if let Some(c) = input.chars().find(|c| c.is_control() || c.is_whitespace() || *c == '\\') {
            return Err(format!("it contains the character {c:?}"));
        }
        // The scheme ends at the first ':' (it cannot hold one), which must start "://". Found
        // by character: a substring search would bring a searcher into the module's cold path.
        let (scheme, rest) =
            input.split_once(':').and_then(|(s, r)| Some((s, r.strip_prefix("//")?))).ok_or("it is not absolute (no scheme://)")?;
        let valid_scheme = scheme.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
            && scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
        if !valid_scheme {
            return Err(format!("its scheme {scheme:?} is not valid"));
        }
        let (before_fragment, fragment) = match rest.split_once('#') {
            Some((a, f)) => (a, Some(f.to_owned())),
            None => (rest, None),
        };
        let (before_query, query) = match before_fragment.split_once('?') {
            Some((a, q)) => (a, Some(q.to_owned())),
            None => (before_fragment, None),
        };
        let (authority, path) = match before_query.find('/') {
            Some(i) => before_query.split_at(i),
            None => (before_query, ""),
        };
        if authority.contains('@') {
            return Err("it contains user info (user@host), which is not allowed".into());
        }
        let (host, port) = split_host_port(authority)?;
        Ok(Url {
            raw: input.to_owned(),
            scheme: scheme.to_ascii_lowercase(),
            host: host.to_ascii_lowercase(),
            port,
            path: path.to_owned(),
            query,
            fragment,
        })
    }

    /// The URL exactly as given.
    pub fn as_str(&self) -> &str {
        &self.raw
    }

    /// The scheme, lowercase.
    pub fn scheme(&self) -> &str {
        &self.scheme
    }

    /// The host, lowercase; IPv6 addresses keep their brackets.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The explicit port, if any.
    pub fn port(&self) -> Option<u16> {
        self.port
    }

    /// The path (may be empty).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The raw query, without `?`.
    pub fn query(&self) -> Option<&str> {
        self.query.as_deref()
    }

    /// The raw fragment, without `#`.
    pub fn fragment(&self) -> Option<&str> {
        self.fragment.as_deref()
    }

    /// `scheme://host[:port]`, as a browser's `location.origin` gives it (default ports dropped).
    pub fn origin(&self) -> String {
        let default = matches!((self.scheme.as_str(), self.port), ("https", Some(443)) | ("http", Some(80)));
        match self.port {
            Some(p) if !default => format!("{}://{}:{}", self.scheme, self.host, p),
            _ => format!("{}://{}", self.scheme, self.host),
        }
    }

    /// Whether the host is a loopback host: `localhost`, `*.localhost`, `127.0.0.0/8` or `[::1]`
    /// (RFC 8252 §8.3 and RFC 6761 §6.3).
    pub fn is_loopback(&self) -> bool {
        let h = self.host.as_str();
        h == "localhost"
            || h.ends_with(".localhost")
            || h == "[::1]"
            || (h.starts_with("127.") && h.split('.').count() == 4 && h.split('.').all(|p| p.parse::<u8>().is_ok()))
    }

    /// Whether the URL is `https`, or `http` on a loopback host.
    pub fn is_secure_or_loopback(&self) -> bool {
        self.scheme == "https" || (self.scheme == "http" && self.is_loopback())
    }

    /// The decoded `application/x-www-form-urlencoded` pairs of the query.
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        decode_pairs(self.query.as_deref().unwrap_or(""))
    }

    /// The decoded pairs of the fragment (`response_mode=fragment`).
    pub fn fragment_pairs(&self) -> Vec<(String, String)> {
        decode_pairs(self.fragment.as_deref().unwrap_or(""))
    }

    /// This URL with `pairs` appended to its query (existing parameters are kept, RFC 6749 §3.1),
    /// and without its fragment.
    pub fn with_query_pairs<'a>(&self, pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
        let mut ser = form_urlencoded::Serializer::new(String::new());
        for (k, v) in pairs {
            ser.append_pair(k, v);
        }
        let added = ser.finish();
        let base = self.raw.split('#').next().unwrap_or_default();
        match (self.query.as_deref(), added.is_empty()) {
            (_, true) => base.to_owned(),
            (Some(q), false) if !q.is_empty() => format!("{base}&{added}"),
            (Some(_), false) => format!("{base}{added}"),
            (None, false) => format!("{base}?{added}"),
        }
    }
}

/// Parse a URL the caller configured, mapping a failure to `code` with a message naming `what`.
pub(crate) fn parse_configured(input: &str, what: &str, code: Code) -> Result<Url> {
    Url::parse(input).map_err(|why| Error::new(code, format!("{what} {input:?} is not a valid absolute URL: {why}")))
}

fn decode_pairs(s: &str) -> Vec<(String, String)> {
    form_urlencoded::parse(s.as_bytes()).map(|(k, v)| (k.into_owned(), v.into_owned())).collect()
}

fn split_host_port(authority: &str) -> core::result::Result<(&str, Option<u16>), String> {
    let (host, port) = if let Some(rest) = authority.strip_prefix('[') {
        let end = rest.find(']').ok_or("its IPv6 host has no closing ]")?;
        let host = authority.get(..end + 2).unwrap_or_default();
        let after = rest.get(end + 1..).unwrap_or_default();
        if !rest.get(..end).unwrap_or_default().chars().all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.') {
            return Err("its IPv6 host is not valid".into());
        }
        match after.strip_prefix(':') {
            Some(p) => (host, Some(p)),
            None if after.is_empty() => (host, None),
            None => return Err("it has characters after the IPv6 host".into()),
        }
    } else {
        match authority.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        }
    };
    if host.is_empty() {
        return Err("it has no host".into());
    }
    let host_ok = host.starts_with('[')
        || host.chars().all(|c| c.is_ascii_alphanumeric() || "-._~%!$&'()*+,;=".contains(c) || !c.is_ascii());
    if !host_ok {
        return Err(format!("its host {host:?} is not valid"));
    }
    let port = match port {
        None => None,
        Some(p) => Some(
            p.parse::<u16>()
                .ok()
                .filter(|p| *p != 0)
                .ok_or_else(|| format!("its port {p:?} is not a number from 1 to 65535"))?,
        ),
    };
    Ok((host, port))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_parts() {
        let u = Url::parse("https://Op.Example:8443/a/b?x=1&y=%20z#frag").unwrap();
        assert_eq!(u.scheme(), "https");
        assert_eq!(u.host(), "op.example");
        assert_eq!(u.port(), Some(8443));
        assert_eq!(u.path(), "/a/b");
        assert_eq!(u.query_pairs(), vec![("x".into(), "1".into()), ("y".into(), " z".into())]);
        assert_eq!(u.fragment(), Some("frag"));
        assert_eq!(u.origin(), "https://op.example:8443");
        assert_eq!(Url::parse("https://op.example:443/").unwrap().origin(), "https://op.example");
    }

    #[test]
    fn rejects_malformed() {
        for bad in [
            "",
            "op.example/cb",
            "/callback",
            "https://",
            "https://:80/",
            "https://user:pw@op.example/",
            "https://op.example:99999/",
            "https://op.example:0/",
            "https://op.example:x/",
            "https://op example/",
            "https://op.example/\\evil",
            "https://op.example/\n",
            "1https://op.example/",
            "https://[::1/",
            "https://[zz]/",
        ] {
            assert!(Url::parse(bad).is_err(), "{bad:?} should fail");
        }
    }

    #[test]
    fn loopback() {
        for h in ["http://localhost:3000", "http://127.0.0.1:4400/", "http://[::1]:80", "http://app.localhost"] {
            assert!(Url::parse(h).unwrap().is_loopback(), "{h}");
        }
        for h in ["http://127.0.0.1.evil.example", "http://localhost.evil.example", "http://10.0.0.1"] {
            assert!(!Url::parse(h).unwrap().is_loopback(), "{h}");
        }
        assert!(Url::parse("https://op.example").unwrap().is_secure_or_loopback());
        assert!(!Url::parse("http://op.example").unwrap().is_secure_or_loopback());
    }

    #[test]
    fn appends_query() {
        let u = Url::parse("https://op.example/authorize?tenant=a#x").unwrap();
        assert_eq!(u.with_query_pairs([("b", "c d")]), "https://op.example/authorize?tenant=a&b=c+d");
        let u = Url::parse("https://op.example/authorize").unwrap();
        assert_eq!(u.with_query_pairs([("b", "1")]), "https://op.example/authorize?b=1");
        let u = Url::parse("https://op.example/authorize?").unwrap();
        assert_eq!(u.with_query_pairs([("b", "1")]), "https://op.example/authorize?b=1");
    }
}
