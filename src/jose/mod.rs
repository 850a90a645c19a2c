//! JOSE: JWS compact serialization (RFC 7515). Signature verification against JWKS builds on
//! this module.

pub mod compact;
