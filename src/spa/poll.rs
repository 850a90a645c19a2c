//! The polls that end a login: an out-of-band MFA proof (push, SMS: Auth0's `mfa-oob` grant) and
//! the device authorization grant (RFC 8628 §3.4-3.5). Each waits its interval between requests,
//! `slow_down` adds 5 s, `authorization_pending` polls again, and polling stops at the deadline;
//! the login then ends like any other (the tokens kept).

use serde_json::Value;

use super::{Cx, Run};
use crate::driver::{Auth0Grant, MfaProof, Op};
use crate::error::{Code, Error};
use crate::device::device_poll_next;

/// The seconds between polls of an out-of-band MFA proof when the app names none (Auth0's
/// `mfa-oob` grant answers `authorization_pending` until the person approves; RFC 8628 §3.5's
/// default interval).
pub const MFA_POLL_INTERVAL: u64 = 5;
/// How long an out-of-band MFA challenge is polled when the app names no limit (Auth0's
/// `oob_code` lives five minutes).
pub const MFA_POLL_EXPIRES_IN: u64 = 300;

/// The seconds added to the interval by `slow_down` (RFC 8628 §3.5).
const SLOW_DOWN: u64 = 5;

fn expired(message: &str) -> Error {
    let mut e = Error::new(Code::Timeout, message);
    e.error = Some("expired_token".into());
    e
}

impl Cx<'_> {
    /// Poll Auth0's `mfa-oob` grant until the person approves (or the challenge expires).
    pub(super) fn mfa_poll(
        &mut self,
        mfa_token: &str,
        oob_code: &str,
        binding_code: Option<&str>,
        audience: Option<&str>,
        interval: u64,
        expires_in: u64,
    ) -> Run<Value> {
        let deadline = self.now_ms.saturating_add(expires_in.saturating_mul(1000));
        let mut wait = interval;
        loop {
            let op = Op::Auth0Grant(Auth0Grant::Mfa {
                mfa_token: mfa_token.to_owned(),
                proof: MfaProof::Oob(oob_code.to_owned(), binding_code.map(str::to_owned)),
            });
            match self.run(Ok(op))? {
                Ok(Value::Object(tokens)) => return self.remember(&tokens, audience, None),
                Ok(_) => return Err(Error::new(Code::Internal, "the MFA grant answered no object").into()),
                Err(e) if e.code() == Code::AuthorizationPending => {}
                Err(e) if e.error.as_deref() == Some("slow_down") => wait = wait.saturating_add(SLOW_DOWN),
                Err(e) => return Err(e.into()),
            }
            let next = self.now_ms.saturating_add(wait.saturating_mul(1000));
            if next > deadline {
                return Err(expired("the out-of-band MFA challenge was not answered in time: start again").into());
            }
            self.sleep_until(next)?;
        }
    }

    /// Poll the device token request at the server's interval until the person approves, denies,
    /// or the code expires (RFC 8628 §3.5).
    pub(super) fn device_poll(
        &mut self,
        device_code: &str,
        interval: u64,
        expires_in: u64,
        scope_requested: Option<&str>,
        audience: Option<&str>,
    ) -> Run<Value> {
        let deadline = self.now_ms.saturating_add(expires_in.saturating_mul(1000));
        let mut wait = interval;
        loop {
            let next = self.now_ms.saturating_add(wait.saturating_mul(1000));
            self.sleep_until(next)?;
            if self.now_ms > deadline {
                return Err(expired("the device code expired: start again").into());
            }
            match self.run(Ok(Op::DeviceToken { device_code: device_code.to_owned() }))? {
                Ok(Value::Object(mut tokens)) => {
                    if let Some(s) = scope_requested {
                        tokens.insert("scope_requested".into(), s.into());
                    }
                    return self.remember(&tokens, audience, None);
                }
                Ok(_) => return Err(Error::new(Code::Internal, "the device grant answered no object").into()),
                Err(e) => match device_poll_next(&e, wait) {
                    Some(n) => wait = n,
                    None => return Err(e.into()),
                },
            }
        }
    }
}

/// The error of a poll the app cancelled (its AbortSignal).
pub(super) fn cancelled(device: bool) -> Error {
    let mut e = if device {
        Error::new(Code::DeviceFlowCancelled, "the device login was cancelled")
    } else {
        Error::new(Code::MfaCancelled, "the MFA verification was cancelled")
    };
    e.error = Some("cancelled".into());
    e
}
