//! The Auth0 Management API v2 (`https://<domain>/api/v2/`).
//!
//! - [`table`]: the API's operations, derived by the build from its OpenAPI document.

pub mod table;
