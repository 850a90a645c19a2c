//! JOSE headers and claims sets read without copying: serde_json's grammar, duplicate member names
//! refused at any depth (RFC 7515 §5.2 step 4, RFC 7519 §7.2 step 10), strings borrowed from the
//! text and members kept in a list instead of a map of owned strings. A verification reads a
//! handful of members once, so building a `serde_json::Map` per token cost more than the checks
//! themselves. [`parse_object_strict`](crate::jose::compact::parse_object_strict) is this reader
//! plus [`Object::into_map`], so the two accept exactly the same texts.
//!
//! [`Members`] is what the header and claim checks read, so both forms give the same answers.

use std::borrow::Cow;

use serde::de::{DeserializeSeed, Deserializer as _, Error as _, MapAccess, SeqAccess, Visitor};
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
    // The visitor accepts every JSON value, so a data error can only be its duplicate rule.
    let refused = |e: serde_json::Error| {
        let why = if e.classify() == serde_json::error::Category::Data { Refusal::MemberTwice } else { Refusal::Syntax };
        (why, e.to_string())
    };
    let mut de = serde_json::Deserializer::from_slice(text);
    let v = (&mut de).deserialize_any(Lean).map_err(refused)?;
    de.end().map_err(refused)?;
    match v {
        Json::Object(o) => Ok(o),
        _ => Err((Refusal::NotAnObject, "it is not an object".into())),
    }
}

/// Objects with more members than this are checked for duplicates with a set, not pairwise.
const PAIRWISE_MAX: usize = 16;

struct Lean;

impl<'de> DeserializeSeed<'de> for Lean {
    type Value = Json<'de>;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> core::result::Result<Json<'de>, D::Error> {
        d.deserialize_any(Lean)
    }
}

/// A member name, borrowed when it has no escapes.
struct Name;

impl<'de> DeserializeSeed<'de> for Name {
    type Value = Cow<'de, str>;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> core::result::Result<Cow<'de, str>, D::Error> {
        d.deserialize_str(Name)
    }
}

impl<'de> Visitor<'de> for Name {
    type Value = Cow<'de, str>;
    fn expecting(&self, f: &mut core::fmt::Formatter) -> core::fmt::Result {
        f.write_str("a member name")
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> core::result::Result<Self::Value, E> {
        Ok(Cow::Borrowed(v))
    }
    fn visit_str<E>(self, v: &str) -> core::result::Result<Self::Value, E> {
        Ok(Cow::Owned(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> core::result::Result<Self::Value, E> {
        Ok(Cow::Owned(v))
    }
}

impl<'de> Visitor<'de> for Lean {
    type Value = Json<'de>;
    fn expecting(&self, f: &mut core::fmt::Formatter) -> core::fmt::Result {
        f.write_str("JSON")
    }
    fn visit_bool<E>(self, v: bool) -> core::result::Result<Self::Value, E> {
        Ok(Json::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> core::result::Result<Self::Value, E> {
        // serde_json reports non-negative integers as u64; keep one form per number either way.
        Ok(u64::try_from(v).map_or(Json::I64(v), Json::U64))
    }
    fn visit_u64<E>(self, v: u64) -> core::result::Result<Self::Value, E> {
        Ok(Json::U64(v))
    }
    fn visit_f64<E>(self, v: f64) -> core::result::Result<Self::Value, E> {
        // A number that is not finite (never from JSON text) is null, as in serde_json.
        Ok(if v.is_finite() { Json::F64(v) } else { Json::Null })
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> core::result::Result<Self::Value, E> {
        Ok(Json::Str(Cow::Borrowed(v)))
    }
    fn visit_str<E>(self, v: &str) -> core::result::Result<Self::Value, E> {
        Ok(Json::Str(Cow::Owned(v.to_owned())))
    }
    fn visit_string<E>(self, v: String) -> core::result::Result<Self::Value, E> {
        Ok(Json::Str(Cow::Owned(v)))
    }
    fn visit_unit<E>(self) -> core::result::Result<Self::Value, E> {
        Ok(Json::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> core::result::Result<Self::Value, A::Error> {
        let mut out = Vec::new();
        while let Some(v) = seq.next_element_seed(Lean)? {
            out.push(v);
        }
        Ok(Json::Array(out))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> core::result::Result<Self::Value, A::Error> {
        let mut members: Vec<(Cow<'de, str>, Json<'de>)> = Vec::new();
        // Made only for a large object: most never need it (nor its drop).
        let mut names: Option<std::collections::BTreeSet<Cow<'de, str>>> = None;
        while let Some(k) = access.next_key_seed(Name)? {
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
                return Err(A::Error::custom(format!("the member {k:?} appears twice")));
            }
            let v = access.next_value_seed(Lean)?;
            members.push((k, v));
        }
        Ok(Json::Object(Object(members)))
    }
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
