//! The Management API core: the operation table derived from the seed.

use std::collections::BTreeSet;

use oidc_wasm::http::Method;
use oidc_wasm::management::table;

// --- the table -----------------------------------------------------------------------------------

/// The operations of the seed, found here independently of build.rs: in `paths:`, a method line
/// followed by its `summary:` belongs to the last `/path:` line, with the first tag of its
/// `tags:` (the seed lost a few path lines: see build.rs).
fn seed_operations() -> BTreeSet<(String, String, String)> {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/seeds/auth0-management-api.openapi.txt")).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let start = lines.iter().position(|l| *l == "paths:").unwrap();
    let mut path = String::new();
    let mut out = BTreeSet::new();
    for (i, w) in lines[start..].windows(2).enumerate() {
        if w[0].starts_with('/') && w[0].ends_with(':') && !w[0].contains(' ') {
            path = w[0].trim_end_matches(':').to_owned();
        } else if ["get:", "post:", "put:", "patch:", "delete:"].contains(&w[0]) && w[1].starts_with("summary:") {
            let op = &lines[start + i + 1..];
            let end = op.iter().position(|l| l.starts_with("operationId:")).unwrap_or(op.len());
            let tag = match op[..end].iter().position(|l| *l == "tags:") {
                Some(t) => op[t + 1].trim_start_matches("- ").to_owned(),
                None => String::new(),
            };
            out.insert((w[0].trim_end_matches(':').to_uppercase(), path.clone(), tag));
        }
    }
    out
}

#[test]
fn the_table_is_the_seeds_operations() {
    let all = seed_operations();
    assert_eq!(all.len(), 262);
    let (seed, misplaced): (Vec<_>, Vec<_>) = all.into_iter().partition(|(_, p, tag)| tag.is_empty() || p[1..].split('/').next() == Some(tag.as_str()));
    let seed: BTreeSet<(String, String)> = seed.into_iter().map(|(m, p, _)| (m, p)).collect();
    let built: BTreeSet<(String, String)> = table::operations().map(|(m, p)| (m.as_str().to_owned(), p.to_owned())).collect();
    assert_eq!(built, seed);
    assert_eq!(built.len(), 256);
    // The last operation, cut short in the seed (no tags), is kept.
    assert!(table::has_operation(Method::Post, "/users/{id}/identities"));
    // The operations under a path line the seed lost, left out rather than put on the wrong path
    // (universal-login has GET, PUT and DELETE: the client credentials' follow it in the seed).
    let misplaced: Vec<String> = misplaced.iter().map(|(m, p, t)| format!("{m} {p} {t}")).collect();
    assert_eq!(
        misplaced,
        [
            "DELETE /branding/templates/universal-login clients",
            "PATCH /branding/templates/universal-login clients",
            "PATCH /emails/provider guardian",
            "POST /branding/templates/universal-login clients",
            "POST /resource-servers roles",
            "PUT /emails/provider guardian",
        ]
    );
    assert_eq!(table::methods("/branding/templates/universal-login"), Some(vec![Method::Get, Method::Put, Method::Delete]));
    for (m, p) in [(Method::Get, "/users/{id}"), (Method::Patch, "/users/{id}"), (Method::Get, "/users"), (Method::Put, "/branding/templates/universal-login"), (Method::Delete, "/organizations/{id}/members")] {
        assert!(table::has_operation(m, p), "{m:?} {p}");
    }
    assert_eq!(table::methods("/organizations/{id}/members"), Some(vec![Method::Get, Method::Post, Method::Delete]));
}

