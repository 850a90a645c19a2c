//! The Management API's two ways of listing, as an iterator the host drives: it asks
//! [`Pages::next_params`] for the next page's parameters (None: the list is over), makes that
//! call, and hands the answer to [`Pages::page`], which gives the page's items.
//!
//! - Offset: `page` (from 0), `per_page` (1 to 100) and `include_totals=true`, whose answer is
//!   `{ <items>: [...], start, limit, total }`; the list ends at `total`, or at a short page.
//! - Checkpoint: `take` (1 to 100) and `from` (the last answer's `next`), whose answer is
//!   `{ <items>: [...], next? }`; the list ends when no `next` comes.

use serde_json::{Map, Value};

use super::Params;
use crate::error::{Code, Error, Result};

/// Which pagination, and the page size.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Paging {
    /// `page` / `per_page` / `include_totals`.
    Offset {
        /// `per_page` (bounded to 1..=100).
        per_page: u64,
    },
    /// `from` / `take`.
    Checkpoint {
        /// `take` (bounded to 1..=100).
        take: u64,
    },
}

/// The API's largest page.
pub const MAX_PAGE_SIZE: u64 = 100;

/// A listing in progress.
#[derive(Clone, Debug)]
pub struct Pages {
    params: Params,
    paging: Paging,
    page: u64,
    from: Option<String>,
    seen: u64,
    done: bool,
}

impl Pages {
    /// List with `params` (the call's path parameters and filters; their own paging members are
    /// replaced) by `paging`.
    pub fn new(mut params: Params, paging: Paging) -> Pages {
        for k in ["page", "per_page", "include_totals", "from", "take"] {
            params.query.remove(k);
        }
        let paging = match paging {
            Paging::Offset { per_page } => Paging::Offset { per_page: per_page.clamp(1, MAX_PAGE_SIZE) },
            Paging::Checkpoint { take } => Paging::Checkpoint { take: take.clamp(1, MAX_PAGE_SIZE) },
        };
        Pages { params, paging, page: 0, from: None, seen: 0, done: false }
    }

    /// The next page's parameters, or None when the list is over.
    pub fn next_params(&self) -> Option<Params> {
        if self.done {
            return None;
        }
        let mut p = self.params.clone();
        let q = &mut p.query;
        match self.paging {
            Paging::Offset { per_page } => {
                q.insert("page".into(), self.page.into());
                q.insert("per_page".into(), per_page.into());
                q.insert("include_totals".into(), true.into());
            }
            Paging::Checkpoint { take } => {
                q.insert("take".into(), take.into());
                if let Some(f) = &self.from {
                    q.insert("from".into(), f.clone().into());
                }
            }
        }
        Some(p)
    }

    /// The answer to the call made with the last [`Pages::next_params`]: the page's items.
    /// Errors: `ERR_RESPONSE_INVALID` for an answer that holds no list of items.
    pub fn page(&mut self, answer: Value) -> Result<Vec<Value>> {
        let (items, fields) = match answer {
            // Without include_totals (or a path that ignores it) the answer is the list itself.
            Value::Array(items) => (items, Map::new()),
            Value::Object(mut m) => {
                let key = m.iter().find(|(_, v)| v.is_array()).map(|(k, _)| k.clone());
                let items = key.and_then(|k| m.remove(&k)).and_then(|v| match v {
                    Value::Array(a) => Some(a),
                    _ => None,
                });
                match items {
                    Some(items) => (items, m),
                    None => return Err(self.invalid("an object without a list of items")),
                }
            }
            _ => return Err(self.invalid("not a list")),
        };
        let n = items.len() as u64;
        self.seen = self.seen.saturating_add(n);
        match self.paging {
            Paging::Offset { per_page } => {
                let total = fields.get("total").and_then(Value::as_u64);
                self.page += 1;
                self.done = n == 0 || n < per_page || total.is_some_and(|t| self.seen >= t);
            }
            Paging::Checkpoint { .. } => {
                self.from = fields.get("next").and_then(Value::as_str).filter(|s| !s.is_empty()).map(str::to_owned);
                self.done = n == 0 || self.from.is_none();
            }
        }
        Ok(items)
    }

    /// Whether the list is over.
    pub fn is_done(&self) -> bool {
        self.done
    }

    fn invalid(&mut self, what: &str) -> Error {
        self.done = true;
        Error::new(Code::ResponseInvalid, format!("the Management API's page is {what}"))
    }
}
