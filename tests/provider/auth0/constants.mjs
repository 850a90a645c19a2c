// Names shared by the Auth0 Authentication API modules (and the client
// configuration in ../provider-config.mjs).

export const GRANT_PASSWORD = 'password';
export const GRANT_PASSWORD_REALM = 'http://auth0.com/oauth/grant-type/password-realm';
export const GRANT_PASSWORDLESS_OTP = 'http://auth0.com/oauth/grant-type/passwordless/otp';
export const GRANT_MFA_OTP = 'http://auth0.com/oauth/grant-type/mfa-otp';
export const GRANT_MFA_OOB = 'http://auth0.com/oauth/grant-type/mfa-oob';
export const GRANT_MFA_RECOVERY_CODE = 'http://auth0.com/oauth/grant-type/mfa-recovery-code';

export const AUTH0_GRANT_TYPES = [
  GRANT_PASSWORD,
  GRANT_PASSWORD_REALM,
  GRANT_PASSWORDLESS_OTP,
  GRANT_MFA_OTP,
  GRANT_MFA_OOB,
  GRANT_MFA_RECOVERY_CODE,
];

// The database connection (realm) of alice, bob, carol, dave and signed-up users.
export const DATABASE_CONNECTION = 'Username-Password-Authentication';
// Passwordless connections (realms of the passwordless OTP grant).
export const PASSWORDLESS_CONNECTIONS = ['email', 'sms'];

// Lifetimes, seconds.
export const PASSWORDLESS_CODE_TTL = 180;
export const PASSWORDLESS_MAX_ATTEMPTS = 3;
export const MFA_TOKEN_TTL = 10 * 60;
export const OOB_TTL = 5 * 60;

export const TOTP_LABEL = 'oidc-wasm-test';
