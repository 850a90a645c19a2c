//! Database connections: embedded login (the password-realm and password grants) and
//! `/dbconnections/signup` and `/dbconnections/change_password`.

use serde_json::Value;

use super::*;

/// The profile members `/dbconnections/signup` takes besides the credentials.
const SIGNUP_PROFILE: &[&str] = &["username", "given_name", "family_name", "name", "nickname", "picture"];

/// Embedded login: the password-realm grant when `realm` is given, else the plain `password`
/// grant (RFC 6749 §4.3).
pub fn password_grant_request(
    metadata: &ProviderMetadata,
    client_id: &str,
    username: &str,
    password: &str,
    realm: Option<&str>,
    scope: &str,
    audience: Option<&str>,
) -> Result<HttpRequest> {
    non_empty(Some(username), "username")?;
    non_empty(Some(password), "password")?;
    let grant = if realm.is_some() { GRANT_PASSWORD_REALM } else { "password" };
    let mut p = vec![("grant_type", grant), ("client_id", client_id), ("username", username), ("password", password), ("scope", scope)];
    push_opt(&mut p, "realm", realm);
    push_opt(&mut p, "audience", audience);
    Ok(token_request(metadata, p))
}

/// What `/dbconnections/signup` sends.
#[derive(Clone, Debug, Default)]
pub struct Signup {
    /// The database connection.
    pub connection: String,
    /// The email.
    pub email: String,
    /// The password.
    pub password: String,
    /// Optional profile members: `username`, `given_name`, `family_name`, `name`, `nickname`,
    /// `picture`.
    pub profile: Map<String, Value>,
    /// `user_metadata`: at most 10 members, names up to 100 characters, string values up to 500.
    pub user_metadata: Option<Map<String, Value>>,
}

/// POST `/dbconnections/signup` (JSON). `user_metadata` is checked against Auth0's limits before
/// sending: no more than ten properties, names of at most 100 characters, values strings of at
/// most 500 characters.
pub fn signup_request(config: &ClientConfig, metadata: &ProviderMetadata, s: &Signup) -> Result<HttpRequest> {
    non_empty(Some(&s.connection), "connection")?;
    non_empty(Some(&s.email), "email")?;
    non_empty(Some(&s.password), "password")?;
    let mut body = object(crate::json::object! { "client_id" => config.client_id(), "connection" => s.connection.as_str(), "email" => s.email.as_str(), "password" => s.password.as_str() });
    for (k, v) in &s.profile {
        if !SIGNUP_PROFILE.contains(&k.as_str()) {
            return Err(arg_error(format!("signup does not take {k:?}; profile members are {}", SIGNUP_PROFILE.join(", "))));
        }
        if !v.is_string() {
            return Err(arg_error(format!("{k} must be a string")));
        }
        body.insert(k.clone(), v.clone());
    }
    if let Some(m) = &s.user_metadata {
        if m.len() > 10 {
            return Err(arg_error(format!("user_metadata has {} properties; at most 10 are allowed", m.len())));
        }
        for (k, v) in m {
            if k.chars().count() > 100 {
                return Err(arg_error(format!("the user_metadata property name {k:?} is longer than 100 characters")));
            }
            match v.as_str() {
                Some(x) if x.chars().count() <= 500 => {}
                Some(_) => return Err(arg_error(format!("user_metadata.{k} is longer than 500 characters"))),
                None => return Err(arg_error(format!("user_metadata.{k} must be a string"))),
            }
        }
        body.insert("user_metadata".into(), Value::Object(m.clone()));
    }
    Ok(HttpRequest::json(Method::Post, format!("{}/dbconnections/signup", base(metadata)), &Value::Object(body)))
}

/// POST `/dbconnections/change_password` (JSON): `client_id`, `email`, `connection`,
/// `organization`.
pub fn change_password_request(
    config: &ClientConfig,
    metadata: &ProviderMetadata,
    connection: &str,
    email: &str,
    organization: Option<&str>,
) -> Result<HttpRequest> {
    non_empty(Some(connection), "connection")?;
    non_empty(Some(email), "email")?;
    let mut body = object(crate::json::object! { "client_id" => config.client_id(), "connection" => connection, "email" => email });
    if let Some(o) = organization {
        body.insert("organization".into(), o.into());
    }
    Ok(HttpRequest::json(Method::Post, format!("{}/dbconnections/change_password", base(metadata)), &Value::Object(body)))
}
