//! JSON text (RFC 8259) read without copying: this crate's own reader, with serde_json's grammar
//! and limits (nesting at most 127 deep), so no serde deserializer is in the module. For JOSE
//! headers and claims sets, duplicate member names are refused at any depth (RFC 7515 §5.2 step 4,
//! RFC 7519 §7.2 step 10); strings are borrowed from the text and members kept in a list instead
//! of a map of owned strings. A verification reads a
//! handful of members once, so building a `serde_json::Map` per token cost more than the checks
//! themselves. [`parse_object_strict`](crate::jose::compact::parse_object_strict) is this reader
//! plus [`Object::into_map`], so the two accept exactly the same texts.
//!
//! [`Members`] is what the header and claim checks read, so both forms give the same answers.

use std::borrow::Cow;

use serde_json::{Map, Value};

/// A JSON value borrowed from its text where it has no escapes.
#[derive(Clone, Debug, PartialEq)]
pub enum Json<'a> {
    /// `null`.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// A non-negative integer that fits in 64 bits.
    U64(u64),
    /// A negative integer that fits in 64 bits.
    I64(i64),
    /// Any other number.
    F64(f64),
    /// A string.
    Str(Cow<'a, str>),
    /// An array.
    Array(Vec<Json<'a>>),
    /// An object, its members in the order they came (no name twice).
    Object(Object<'a>),
}

impl Json<'_> {
    /// The value as a `serde_json::Value` (owned strings).
    pub fn into_value(self) -> Value {
        match self {
            Json::Null => Value::Null,
            Json::Bool(b) => Value::Bool(b),
            Json::U64(n) => n.into(),
            Json::I64(n) => n.into(),
            Json::F64(f) => serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number),
            Json::Str(s) => Value::String(s.into_owned()),
            Json::Array(a) => Value::Array(a.into_iter().map(Json::into_value).collect()),
            Json::Object(o) => Value::Object(o.into_map()),
        }
    }
}

/// A JSON object's members, in order; no name appears twice.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Object<'a>(pub Vec<(Cow<'a, str>, Json<'a>)>);

impl<'a> Object<'a> {
    /// The object as a `serde_json::Map` (owned strings).
    pub fn into_map(self) -> Map<String, Value> {
        self.0.into_iter().map(|(k, v)| (k.into_owned(), v.into_value())).collect()
    }

    /// The member called `name`.
    pub fn get(&self, name: &str) -> Option<&Json<'a>> {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v)
    }
}

/// Why [`parse_object_detailed`] refused a text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// Not JSON (serde_json's grammar).
    Syntax,
    /// JSON, but not an object.
    NotAnObject,
    /// An object names a member twice, at any depth.
    MemberTwice,
}

/// Parse a JSON object, refusing duplicate member names at any depth, borrowing from `text`.
pub fn parse_object(text: &[u8]) -> core::result::Result<Object<'_>, String> {
    parse_object_detailed(text).map_err(|(_, message)| message)
}

/// [`parse_object`], saying why a text was refused.
pub fn parse_object_detailed(text: &[u8]) -> core::result::Result<Object<'_>, (Refusal, String)> {
    match Reader::read(text, true)? {
        Json::Object(o) => Ok(o),
        _ => Err((Refusal::NotAnObject, "it is not an object".into())),
    }
}

/// Any JSON value (a provider's response, a value from JavaScript), as a `serde_json::Value`.
/// As with `serde_json::from_slice`, a member named twice keeps its last value.
pub fn parse_value(text: &[u8]) -> core::result::Result<Value, String> {
    Reader::read(text, false).map(Json::into_value).map_err(|(_, why)| why)
}

/// Objects with more members than this are checked for duplicates with a set, not pairwise.
const PAIRWISE_MAX: usize = 16;

/// Arrays and objects nest at most this deep, less one (serde_json's limit).
const MAX_DEPTH: usize = 128;

/// The reader: a position in the text, the nesting depth, and whether a member named twice is
/// refused.
struct Reader<'a> {
    text: &'a [u8],
    at: usize,
    depth: usize,
    strict: bool,
}

type Read<T> = core::result::Result<T, (Refusal, String)>;

impl<'a> Reader<'a> {
    fn read(text: &'a [u8], strict: bool) -> Read<Json<'a>> {
        let mut r = Reader { text, at: 0, depth: 0, strict };
        let v = r.value()?;
        r.space();
        if r.at < text.len() {
            return Err(r.syntax("trailing characters"));
        }
        Ok(v)
    }

    fn syntax(&self, what: &str) -> (Refusal, String) {
        (Refusal::Syntax, format!("{what} at byte {}", self.at))
    }

    fn peek(&self) -> Option<u8> {
        self.text.get(self.at).copied()
    }

    fn space(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
    }

    /// The next non-space byte, consumed.
    fn next_token(&mut self) -> Option<u8> {
        self.space();
        let b = self.peek()?;
        self.at += 1;
        Some(b)
    }

    fn literal(&mut self, rest: &[u8], v: Json<'a>) -> Read<Json<'a>> {
        if self.text.get(self.at..self.at + rest.len()) == Some(rest) {
            self.at += rest.len();
            Ok(v)
        } else {
            Err(self.syntax("expected a value"))
        }
    }

    fn value(&mut self) -> Read<Json<'a>> {
        let Some(b) = self.next_token() else { return Err(self.syntax("end of text while reading a value")) };
        match b {
            b'n' => self.literal(b"ull", Json::Null),
            b't' => self.literal(b"rue", Json::Bool(true)),
            b'f' => self.literal(b"alse", Json::Bool(false)),
            b'"' => self.string().map(Json::Str),
            b'-' | b'0'..=b'9' => {
                self.at -= 1;
                self.number()
            }
            b'[' => {
                self.enter()?;
                let mut out = Vec::new();
                if self.after_space() == Some(b']') {
                    self.at += 1;
                } else {
                    loop {
                        out.push(self.value()?);
                        match self.next_token() {
                            Some(b',') => {}
                            Some(b']') => break,
                            _ => return Err(self.syntax("expected ',' or ']'")),
                        }
                    }
                }
                self.depth -= 1;
                Ok(Json::Array(out))
            }
            b'{' => {
                self.enter()?;
                let o = self.members()?;
                self.depth -= 1;
                Ok(Json::Object(o))
            }
            _ => Err(self.syntax("expected a value")),
        }
    }

    fn after_space(&mut self) -> Option<u8> {
        self.space();
        self.peek()
    }

    fn enter(&mut self) -> Read<()> {
        self.depth += 1;
        if self.depth >= MAX_DEPTH {
            return Err(self.syntax("nested too deep"));
        }
        Ok(())
    }

    fn members(&mut self) -> Read<Object<'a>> {
        let mut members: Vec<(Cow<'a, str>, Json<'a>)> = Vec::new();
        if self.after_space() == Some(b'}') {
            self.at += 1;
            return Ok(Object(members));
        }
        // Made only for a large object: most never need it (nor its drop).
        let mut names: Option<std::collections::BTreeSet<Cow<'a, str>>> = None;
        loop {
            if self.next_token() != Some(b'"') {
                return Err(self.syntax("expected a member name"));
            }
            let k = self.string()?;
            if self.strict {
                // RFC 7515 §5.2 step 4, RFC 7519 §7.2 step 10: refused at the second occurrence.
                let twice = if members.len() < PAIRWISE_MAX {
                    members.iter().any(|(other, _)| *other == k)
                } else {
                    let names = names.get_or_insert_with(|| {
                        // Inserted one by one: `collect` would sort first, and bring a sort into the module.
                        let mut set = std::collections::BTreeSet::new();
                        for (other, _) in &members {
                            set.insert(other.clone());
                        }
                        set
                    });
                    !names.insert(k.clone())
                };
                if twice {
                    return Err((Refusal::MemberTwice, format!("the member \"{k}\" appears twice at byte {}", self.at)));
                }
            }
            if self.next_token() != Some(b':') {
                return Err(self.syntax("expected ':'"));
            }
            let v = self.value()?;
            members.push((k, v));
            match self.next_token() {
                Some(b',') => {}
                Some(b'}') => return Ok(Object(members)),
                _ => return Err(self.syntax("expected ',' or '}'")),
            }
        }
    }

    /// A string's contents, after its opening quote: borrowed when it has no escape.
    fn string(&mut self) -> Read<Cow<'a, str>> {
        let start = self.at;
        let mut owned: Option<Vec<u8>> = None;
        let mut run = start;
        loop {
            let Some(b) = self.peek() else { return Err(self.syntax("end of text in a string")) };
            match b {
                b'"' => {
                    let text = self.text;
                    let tail = text.get(run..self.at).unwrap_or_default();
                    self.at += 1;
                    let bytes = match owned {
                        None => return core::str::from_utf8(tail).map(Cow::Borrowed).map_err(|_| self.syntax("a string is not UTF-8")),
                        Some(mut o) => {
                            o.extend_from_slice(tail);
                            o
                        }
                    };
                    return String::from_utf8(bytes).map(Cow::Owned).map_err(|_| self.syntax("a string is not UTF-8"));
                }
                b'\\' => {
                    let o = owned.get_or_insert_with(Vec::new);
                    o.extend_from_slice(self.text.get(run..self.at).unwrap_or_default());
                    self.at += 1;
                    let e = self.peek().ok_or_else(|| self.syntax("end of text in a string"))?;
                    self.at += 1;
                    let c = match e {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => self.unicode_escape()?,
                        _ => return Err(self.syntax("an invalid escape")),
                    };
                    let mut buf = [0u8; 4];
                    owned.get_or_insert_with(Vec::new).extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                    run = self.at;
                }
                0..=0x1f => return Err(self.syntax("a control character in a string")),
                _ => self.at += 1,
            }
        }
    }

    fn hex4(&mut self) -> Read<u32> {
        let digits = self.text.get(self.at..self.at + 4).ok_or_else(|| self.syntax("end of text in an escape"))?;
        let mut n = 0u32;
        for d in digits {
            let v = (*d as char).to_digit(16).ok_or_else(|| self.syntax("an invalid \\u escape"))?;
            n = n * 16 + v;
        }
        self.at += 4;
        Ok(n)
    }

    /// `\uXXXX`, and the low surrogate that must follow a high one (RFC 8259 §7).
    fn unicode_escape(&mut self) -> Read<char> {
        let n = self.hex4()?;
        let code = match n {
            0xD800..=0xDBFF => {
                if self.text.get(self.at..self.at + 2) != Some(b"\\u") {
                    return Err(self.syntax("a lone surrogate in a \\u escape"));
                }
                self.at += 2;
                let low = self.hex4()?;
                if !(0xDC00..=0xDFFF).contains(&low) {
                    return Err(self.syntax("a lone surrogate in a \\u escape"));
                }
                0x10000 + ((n - 0xD800) << 10) + (low - 0xDC00)
            }
            0xDC00..=0xDFFF => return Err(self.syntax("a lone surrogate in a \\u escape")),
            n => n,
        };
        char::from_u32(code).ok_or_else(|| self.syntax("an invalid \\u escape"))
    }

    /// RFC 8259 §6: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`. An integer is u64
    /// when it is not negative and fits, i64 when it is negative and fits; any other number is
    /// f64, and one beyond f64's range is refused (as serde_json does).
    fn number(&mut self) -> Read<Json<'a>> {
        let start = self.at;
        let negative = self.peek() == Some(b'-');
        if negative {
            self.at += 1;
        }
        let digits = |r: &mut Self| {
            let from = r.at;
            while matches!(r.peek(), Some(b'0'..=b'9')) {
                r.at += 1;
            }
            r.at - from
        };
        let int_start = self.at;
        match digits(self) {
            0 => return Err(self.syntax("an invalid number")),
            n if n > 1 && self.text.get(int_start) == Some(&b'0') => return Err(self.syntax("an invalid number")),
            _ => {}
        }
        let mut integer = true;
        if self.peek() == Some(b'.') {
            self.at += 1;
            integer = false;
            if digits(self) == 0 {
                return Err(self.syntax("an invalid number"));
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.at += 1;
            integer = false;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.at += 1;
            }
            if digits(self) == 0 {
                return Err(self.syntax("an invalid number"));
            }
        }
        let text = self.text.get(start..self.at).unwrap_or_default();
        match number_value(text, negative, integer) {
            Some(v) => Ok(v),
            None => Err(self.syntax("a number out of range")),
        }
    }
}

/// The value of a number the reader checked against RFC 8259's grammar (`text`), computed as
/// serde_json computes it by default, so that both read every document alike: the first digits
/// that fit in a u64 (integer digits beyond them count as powers of ten; fraction digits beyond
/// them are dropped), then one multiplication or division by a power of ten. This is not always
/// the nearest f64 (it may be one unit in the last place off), but it needs no table of 128-bit
/// powers of five, which the correctly rounded parser of the standard library brings into the
/// module (about 10 KB). None: beyond f64's range.
fn number_value(text: &[u8], negative: bool, integer: bool) -> Option<Json<'static>> {
    let mut significand: u64 = 0;
    let mut exponent: i32 = 0;
    let mut full = false;
    let mut bytes = text.iter().copied().skip(usize::from(negative)).peekable();
    while let Some(&b) = bytes.peek() {
        if !b.is_ascii_digit() {
            break;
        }
        bytes.next();
        match significand.checked_mul(10).and_then(|n| n.checked_add(u64::from(b - b'0'))) {
            Some(n) if !full => significand = n,
            _ => {
                full = true;
                exponent = exponent.saturating_add(1);
            }
        }
    }
    if integer && !full {
        return Some(if !negative {
            Json::U64(significand)
        } else if significand == 0 {
            Json::F64(-0.0)
        } else if significand <= 1 << 63 {
            Json::I64((significand as i64).wrapping_neg())
        } else {
            Json::F64(-(significand as f64))
        });
    }
    if bytes.peek() == Some(&b'.') {
        bytes.next();
        while let Some(&b) = bytes.peek() {
            if !b.is_ascii_digit() {
                break;
            }
            bytes.next();
            if full {
                continue;
            }
            match significand.checked_mul(10).and_then(|n| n.checked_add(u64::from(b - b'0'))) {
                Some(n) => {
                    significand = n;
                    exponent -= 1;
                }
                None => full = true,
            }
        }
    }
    if matches!(bytes.peek(), Some(b'e' | b'E')) {
        bytes.next();
        let positive = match bytes.peek() {
            Some(b'-') => {
                bytes.next();
                false
            }
            Some(b'+') => {
                bytes.next();
                true
            }
            _ => true,
        };
        let mut e: i32 = 0;
        for b in bytes {
            match e.checked_mul(10).and_then(|n| n.checked_add(i32::from(b - b'0'))) {
                Some(n) => e = n,
                // An exponent beyond i32: zero, or out of range.
                None if significand == 0 || !positive => return Some(Json::F64(if negative { -0.0 } else { 0.0 })),
                None => return None,
            }
        }
        exponent = if positive { exponent.saturating_add(e) } else { exponent.saturating_sub(e) };
    }
    let mut f = significand as f64;
    loop {
        match POW10.get(exponent.unsigned_abs() as usize) {
            Some(&p) if exponent >= 0 => {
                f *= p;
                if f.is_infinite() {
                    return None;
                }
                break;
            }
            Some(&p) => {
                f /= p;
                break;
            }
            None if f == 0.0 => break,
            None if exponent >= 0 => return None,
            None => {
                f /= 1e308;
                exponent += 308;
            }
        }
    }
    Some(Json::F64(if negative { -f } else { f }))
}

/// 10^0 to 10^308, each the nearest f64.
#[rustfmt::skip]
static POW10: [f64; 309] = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22, 1e23, 1e24, 1e25, 1e26, 1e27, 1e28, 1e29, 1e30, 1e31, 1e32, 1e33, 1e34, 1e35, 1e36, 1e37, 1e38, 1e39, 1e40, 1e41, 1e42, 1e43, 1e44, 1e45, 1e46, 1e47, 1e48, 1e49, 1e50, 1e51, 1e52, 1e53, 1e54, 1e55, 1e56, 1e57, 1e58, 1e59, 1e60, 1e61, 1e62, 1e63, 1e64, 1e65, 1e66, 1e67, 1e68, 1e69, 1e70, 1e71, 1e72, 1e73, 1e74, 1e75, 1e76, 1e77, 1e78, 1e79, 1e80, 1e81, 1e82, 1e83, 1e84, 1e85, 1e86, 1e87, 1e88, 1e89, 1e90, 1e91, 1e92, 1e93, 1e94, 1e95, 1e96, 1e97, 1e98, 1e99, 1e100, 1e101, 1e102, 1e103, 1e104, 1e105, 1e106, 1e107, 1e108, 1e109, 1e110, 1e111, 1e112, 1e113, 1e114, 1e115, 1e116, 1e117, 1e118, 1e119, 1e120, 1e121, 1e122, 1e123, 1e124, 1e125, 1e126, 1e127, 1e128, 1e129, 1e130, 1e131, 1e132, 1e133, 1e134, 1e135, 1e136, 1e137, 1e138, 1e139, 1e140, 1e141, 1e142, 1e143, 1e144, 1e145, 1e146, 1e147, 1e148, 1e149, 1e150, 1e151, 1e152, 1e153, 1e154, 1e155, 1e156, 1e157, 1e158, 1e159, 1e160, 1e161, 1e162, 1e163, 1e164, 1e165, 1e166, 1e167, 1e168, 1e169, 1e170, 1e171, 1e172, 1e173, 1e174, 1e175, 1e176, 1e177, 1e178, 1e179, 1e180, 1e181, 1e182, 1e183, 1e184, 1e185, 1e186, 1e187, 1e188, 1e189, 1e190, 1e191, 1e192, 1e193, 1e194, 1e195, 1e196, 1e197, 1e198, 1e199, 1e200, 1e201, 1e202, 1e203, 1e204, 1e205, 1e206, 1e207, 1e208, 1e209, 1e210, 1e211, 1e212, 1e213, 1e214, 1e215, 1e216, 1e217, 1e218, 1e219, 1e220, 1e221, 1e222, 1e223, 1e224, 1e225, 1e226, 1e227, 1e228, 1e229, 1e230, 1e231, 1e232, 1e233, 1e234, 1e235, 1e236, 1e237, 1e238, 1e239, 1e240, 1e241, 1e242, 1e243, 1e244, 1e245, 1e246, 1e247, 1e248, 1e249, 1e250, 1e251, 1e252, 1e253, 1e254, 1e255, 1e256, 1e257, 1e258, 1e259, 1e260, 1e261, 1e262, 1e263, 1e264, 1e265, 1e266, 1e267, 1e268, 1e269, 1e270, 1e271, 1e272, 1e273, 1e274, 1e275, 1e276, 1e277, 1e278, 1e279, 1e280, 1e281, 1e282, 1e283, 1e284, 1e285, 1e286, 1e287, 1e288, 1e289, 1e290, 1e291, 1e292, 1e293, 1e294, 1e295, 1e296, 1e297, 1e298, 1e299, 1e300, 1e301, 1e302, 1e303, 1e304, 1e305, 1e306, 1e307, 1e308];

/// A JSON object from `"name" => value` pairs, each value anything `Value::from` takes. The
/// module builds its objects with this rather than `serde_json::json!`, whose values go through
/// serde's serializer (which would then be in the module).
macro_rules! object {
    ($($k:expr => $v:expr),* $(,)?) => {{
        #[allow(unused_mut)]
        let mut m = serde_json::Map::new();
        $( m.insert(::std::string::String::from($k), serde_json::Value::from($v)); )*
        serde_json::Value::Object(m)
    }};
}
pub(crate) use object;

/// A value's JSON text, compact, as serde_json writes it (members in the map's order, strings
/// escaped only where RFC 8259 §7 requires, numbers in their shortest form), without serde's
/// serializer in the module.
pub fn to_text(v: &Value) -> String {
    let mut out = String::new();
    write_value(v, &mut out);
    out
}

fn write_value(v: &Value, out: &mut String) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => {
            if let Some(u) = n.as_u64() {
                out.push_str(itoa::Buffer::new().format(u));
            } else if let Some(i) = n.as_i64() {
                out.push_str(itoa::Buffer::new().format(i));
            } else {
                match n.as_f64() {
                    Some(f) if f.is_finite() => out.push_str(zmij::Buffer::new().format_finite(f)),
                    _ => out.push_str("null"),
                }
            }
        }
        Value::String(s) => write_string(s, out),
        Value::Array(a) => {
            out.push('[');
            for (i, v) in a.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(v, out);
            }
            out.push(']');
        }
        Value::Object(m) => {
            out.push('{');
            for (i, (k, v)) in m.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(k, out);
                out.push(':');
                write_value(v, out);
            }
            out.push('}');
        }
    }
}

/// A JSON string: `"` and `\` escaped, and the control characters (as `\b`, `\t`, `\n`, `\f`,
/// `\r`, else `\u00XX`).
fn write_string(s: &str, out: &mut String) {
    out.push('"');
    let mut run = 0;
    for (i, b) in s.bytes().enumerate() {
        let short = match b {
            b'"' => '"',
            b'\\' => '\\',
            0x08 => 'b',
            b'\t' => 't',
            b'\n' => 'n',
            0x0c => 'f',
            b'\r' => 'r',
            0..=0x1f => 'u',
            _ => continue,
        };
        out.push_str(s.get(run..i).unwrap_or_default());
        out.push('\\');
        out.push(short);
        if short == 'u' {
            out.push_str("00");
            for digit in [b >> 4, b & 15] {
                out.push(char::from_digit(u32::from(digit), 16).unwrap_or('0'));
            }
        }
        run = i + 1;
    }
    out.push_str(s.get(run..).unwrap_or_default());
    out.push('"');
}

/// A member as the header and claim checks see it.
#[derive(Debug)]
pub enum Member<'a> {
    /// A string.
    Str(&'a str),
    /// A number: its value as u64 when it is a non-negative integer, and as f64.
    Number(Option<u64>, f64),
    /// An array: each element's string, or `None` for an element that is not a string.
    Array(Vec<Option<&'a str>>),
    /// `null`.
    Null,
    /// Anything else (a boolean, an object).
    Other,
}

/// The members of a JSON object, as the header and claim checks read them: implemented by
/// `serde_json::Map` and by [`Object`], so both give the same answers.
pub trait Members {
    /// The member called `name`.
    fn member(&self, name: &str) -> Option<Member<'_>>;
}

impl Members for Map<String, Value> {
    fn member(&self, name: &str) -> Option<Member<'_>> {
        Some(match self.get(name)? {
            Value::String(s) => Member::Str(s),
            Value::Number(n) => Member::Number(n.as_u64(), n.as_f64().unwrap_or(f64::NAN)),
            Value::Array(a) => Member::Array(a.iter().map(Value::as_str).collect()),
            Value::Null => Member::Null,
            _ => Member::Other,
        })
    }
}

impl Members for Object<'_> {
    fn member(&self, name: &str) -> Option<Member<'_>> {
        Some(match self.get(name)? {
            Json::Str(s) => Member::Str(s),
            Json::U64(n) => Member::Number(Some(*n), *n as f64),
            Json::I64(n) => Member::Number(None, *n as f64),
            Json::F64(f) => Member::Number(None, *f),
            Json::Array(a) => Member::Array(a.iter().map(|v| if let Json::Str(s) = v { Some(s.as_ref()) } else { None }).collect()),
            Json::Null => Member::Null,
            _ => Member::Other,
        })
    }
}

impl<'a> Member<'a> {
    /// The string, when it is one.
    pub fn as_str(&self) -> Option<&'a str> {
        if let Member::Str(s) = self {
            Some(s)
        } else {
            None
        }
    }

    /// The number as u64, when it is a non-negative integer (`serde_json::Value::as_u64`).
    pub fn as_u64(&self) -> Option<u64> {
        if let Member::Number(u, _) = self {
            *u
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jose::compact::parse_object_strict;

    /// Both parsers accept and refuse the same texts, and read the same members.
    #[test]
    fn agrees_with_the_map_parser() {
        let texts = [
            r#"{}"#,
            r#"{"a":1}"#,
            r#"{"iss":"x","aud":["a","b",3],"exp":1.5e3,"nbf":-1,"iat":18446744073709551615,"big":18446744073709551616}"#,
            r#"{"a\u0062":"c\"d","ab":1}"#,
            r#"{"a":1,"a":2}"#,
            r#"{"a":{"b":1,"b":2}}"#,
            r#"{"a":[{"b":1},{"c":1,"c":1}]}"#,
            r#"{"a":"\ud800"}"#,
            r#"{"a":1,}"#,
            r#"{"a":01}"#,
            r#"[1]"#,
            r#""s""#,
            r#"{"a":1} x"#,
            "{\"a\":\"\u{1}\"}",
            r#"{"k0":0,"k1":1,"k2":2,"k3":3,"k4":4,"k5":5,"k6":6,"k7":7,"k8":8,"k9":9,"k10":0,"k11":0,"k12":0,"k13":0,"k14":0,"k15":0,"k16":0,"k3":0}"#,
            r#"{"k0":0,"k1":1,"k2":2,"k3":3,"k4":4,"k5":5,"k6":6,"k7":7,"k8":8,"k9":9,"k10":0,"k11":0,"k12":0,"k13":0,"k14":0,"k15":0,"k16":0,"k17":0}"#,
            r#"{"t":true,"f":false,"n":null,"o":{"x":[]}}"#,
        ];
        for t in texts {
            let map = parse_object_strict(t.as_bytes());
            let lean = parse_object(t.as_bytes());
            assert_eq!(map.as_ref().err(), lean.as_ref().err(), "{t}");
            if let (Ok(m), Ok(l)) = (map, lean) {
                assert_eq!(m.len(), l.0.len(), "{t}");
                for k in m.keys() {
                    assert_eq!(format!("{:?}", m.member(k)), format!("{:?}", l.member(k)), "{t} {k}");
                }
            }
        }
    }

    /// The reader accepts and refuses what serde_json does, and reads the same values.
    #[test]
    fn reads_what_serde_json_reads() {
        let deep = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
        let mut texts: Vec<String> = [
            "null", "true", "false", "0", "-0", "1", "-1", "01", "-01", "1.", ".5", "1.5", "-1.5e3", "1E+2", "1e-2", "1e", "1e+",
            "18446744073709551615", "18446744073709551616", "-9223372036854775808", "-9223372036854775809", "1e308", "1e309",
            "-1e999", "0.1", "123456789.123456789", "2.2250738585072014e-308", "5e-324", "\"\"", "\"a\"", "\"\\u00e9\\ud83d\\ude00\"",
            "\"\\ud83d\"", "\"\\ude00\"", "\"\\ud83d\\u0041\"", "\"\\x\"", "\"\\u12\"", "\"\\u12G4\"", "\"a\tb\"", "\"a\u{7f}b\"",
            "\"é\"", "[]", "[ ]", "[1,]", "[,1]", "[1 2]", "{}", "{ }", "{\"a\":1,}", "{\"a\" 1}", "{1:2}", "{\"a\":1,\"a\":2}",
            " \t\r\n{\"a\" : [ 1 , { } ] } \n", "{\"a\":1} x", "", " ", "nul", "nulll", "truex", "[1]]", "{\"a\":1}}", "\"abc",
            "[\"a\\\"]", "-", "--1", "+1", "0x10", "Infinity", "NaN", "[1e2,-0.0,0e0]", "0e999", "-0e-999", "1e-999",
            "1e2147483648", "0e2147483648", "1e-2147483648", "123456789012345678901234567890", "-123456789012345678901234567890",
            "1.23456789012345678901234567890e10", "0.000000000000000000000000000001234", "9007199254740993", "9007199254740993.0",
            "18446744073709551615.5", "1797693134862315708145274237317043567980705675258449965989174768031572607800285387605895586327668781715404589535143824642e190",
        ]
        .iter()
        .map(|t| t.to_string())
        .collect();
        texts.extend([deep(126), deep(127), deep(128), deep(129)]);
        for t in &texts {
            let ours = parse_value(t.as_bytes());
            let theirs = serde_json::from_slice::<Value>(t.as_bytes());
            assert_eq!(ours.is_ok(), theirs.is_ok(), "{t}: ours {ours:?}, serde_json {theirs:?}");
            if let (Ok(a), Ok(b)) = (ours, theirs) {
                assert_eq!(a, b, "{t}");
            }
        }
        // Invalid UTF-8 in a string.
        assert!(parse_value(b"\"\xff\"").is_err() && serde_json::from_slice::<Value>(b"\"\xff\"").is_err());
        // Numbers of every shape, from a fixed pseudo-random sequence: the same value, bit for bit.
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = |n: u64| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x % n
        };
        for _ in 0..20_000 {
            let mut t = String::new();
            if next(2) == 0 {
                t.push('-');
            }
            let int_digits = 1 + next(25);
            for i in 0..int_digits {
                t.push(char::from(b'0' + if i == 0 && int_digits > 1 { 1 + next(9) as u8 } else { next(10) as u8 }));
            }
            if next(2) == 0 {
                t.push('.');
                for _ in 0..1 + next(25) {
                    t.push(char::from(b'0' + next(10) as u8));
                }
            }
            if next(2) == 0 {
                t.push(if next(2) == 0 { 'e' } else { 'E' });
                match next(3) {
                    0 => t.push('-'),
                    1 => t.push('+'),
                    _ => {}
                }
                t.push_str(&next(400).to_string());
            }
            let ours = parse_value(t.as_bytes());
            let theirs = serde_json::from_slice::<Value>(t.as_bytes());
            match (ours, theirs) {
                (Ok(a), Ok(b)) => {
                    let bits = |v: &Value| v.as_f64().map(f64::to_bits);
                    assert!(a == b && bits(&a) == bits(&b) && a.is_u64() == b.is_u64() && a.is_i64() == b.is_i64(), "{t}: {a} {b}");
                }
                (a, b) => assert_eq!(a.is_ok(), b.is_ok(), "{t}"),
            }
        }
    }

    /// The writer writes what serde_json writes.
    #[test]
    fn writes_what_serde_json_writes() {
        let mut values: Vec<Value> = vec![
            serde_json::json!(null),
            serde_json::json!({"b": [1, -2, 1.5, -0.0, 1e300, 5e-324, 18446744073709551615u64, -9223372036854775808i64, 0.1, 100.0],
                "a": "q\"b\\s/\u{1}\u{8}\t\n\u{c}\r\u{1f}\u{7f}é😀", "": {}, "e": [], "t": true, "f": false}),
        ];
        let mut x: u64 = 0x2545_f491_4f6c_dd1d;
        for _ in 0..2_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            values.push(serde_json::json!([f64::from_bits(x), x, x as i64, (x % 1000) as f64 / 7.0, char::from_u32((x % 0x3000) as u32)]));
        }
        for v in &values {
            // (Read back, a float may move by one unit in the last place, as with serde_json.)
            assert_eq!(to_text(v), v.to_string());
        }
    }

    #[test]
    fn refusals_say_why() {
        let why = |t: &str| parse_object_detailed(t.as_bytes()).err().map(|(w, _)| w);
        assert_eq!(why(r#"{"a":1}"#), None);
        assert_eq!(why(r#"{"a":1,"a":2}"#), Some(Refusal::MemberTwice));
        assert_eq!(why(r#"{"a":[{"b":1,"b":1}]}"#), Some(Refusal::MemberTwice));
        assert_eq!(why(r#"[{"b":1,"b":1}]"#), Some(Refusal::MemberTwice));
        assert_eq!(why(r#"[1]"#), Some(Refusal::NotAnObject));
        for t in [r#"{"a":1,}"#, "<html>", r#"{"a":1} x"#, r#"{"a":1e999}"#, r#"{"a":"\ud800"}"#, ""] {
            assert_eq!(why(t), Some(Refusal::Syntax), "{t}");
        }
    }

    #[test]
    fn strings_without_escapes_are_borrowed() {
        let o = parse_object(br#"{"iss":"https://issuer.example/","a\u0062":"x\ny"}"#).unwrap();
        assert!(matches!(o.0.first(), Some((Cow::Borrowed("iss"), Json::Str(Cow::Borrowed("https://issuer.example/"))))));
        assert!(matches!(o.0.get(1), Some((Cow::Owned(k), Json::Str(Cow::Owned(v)))) if k == "ab" && v == "x\ny"));
    }
}
