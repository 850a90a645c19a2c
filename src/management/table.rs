//! The Management API's operations, derived by the build (`build.rs`) from its OpenAPI document
//! (`seeds/auth0-management-api.openapi.txt`): a request is checked against this table before it
//! is built, so a misspelt path or a method the path does not have never reaches the network.

use crate::http::Method;

include!(concat!(env!("OUT_DIR"), "/management_operations.rs"));

/// The bit of `method` in the table (build.rs's order: get, post, put, patch, delete).
fn bit(method: Method) -> u8 {
    match method {
        Method::Get => 1,
        Method::Post => 2,
        Method::Put => 4,
        Method::Patch => 8,
        Method::Delete => 16,
    }
}

/// The methods the API has for `template` (a path template as the API documents it, such as
/// `/users/{id}`): None when it has no such path.
pub fn methods(template: &str) -> Option<Vec<Method>> {
    let i = OPERATIONS.binary_search_by(|(p, _)| (*p).cmp(template)).ok()?;
    let bits = OPERATIONS.get(i)?.1;
    Some([Method::Get, Method::Post, Method::Put, Method::Patch, Method::Delete].into_iter().filter(|m| bits & bit(*m) != 0).collect())
}

/// Whether the API has `method` on `template`.
pub fn has_operation(method: Method, template: &str) -> bool {
    OPERATIONS
        .binary_search_by(|(p, _)| (*p).cmp(template))
        .ok()
        .and_then(|i| OPERATIONS.get(i))
        .is_some_and(|(_, bits)| bits & bit(method) != 0)
}

/// Every operation of the table, as (method, path template).
pub fn operations() -> impl Iterator<Item = (Method, &'static str)> {
    OPERATIONS.iter().flat_map(|(p, bits)| {
        [Method::Get, Method::Post, Method::Put, Method::Patch, Method::Delete]
            .into_iter()
            .filter(move |m| bits & bit(*m) != 0)
            .map(move |m| (m, *p))
    })
}
