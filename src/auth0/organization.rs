//! Auth0 Organizations: an ID token of a login for an organization names it.

use crate::error::Result;
use crate::jose::claims::{fail, string_claim};
use crate::json::Members;

/// The ID token of a login that asked for `organization`: an `org_...` id must equal `org_id`, a
/// name must equal `org_name` (Auth0 writes it lowercase), as auth0-spa-js checks them.
pub fn check_organization(claims: &dyn Members, organization: &str) -> Result<()> {
    if organization.starts_with("org_") {
        match string_claim(claims, "org_id")? {
            Some(id) if id == organization => Ok(()),
            Some(_) => Err(fail("org_id", "check_failed", "the ID token's org_id is not the organization requested")),
            None => Err(fail("org_id", "missing", "an organization was requested but the ID token has no org_id")),
        }
    } else {
        match string_claim(claims, "org_name")? {
            Some(name) if name == organization.to_ascii_lowercase() => Ok(()),
            Some(_) => Err(fail("org_name", "check_failed", "the ID token's org_name is not the organization requested")),
            None => Err(fail("org_name", "missing", "an organization was requested but the ID token has no org_name")),
        }
    }
}
