//! When to send a Management API request again: a 429 (rate limit) or a 5xx (the server's
//! trouble) is retried a bounded number of times, each after an exponential backoff with jitter
//! (the randomness handed in by the host), and never before the server said (`Retry-After`,
//! RFC 9110 §10.2.3; Auth0's `X-RateLimit-Reset`, the Unix time its limit resets) nor after the
//! caller's deadline. Times are milliseconds since the Unix epoch, as the host's clock says.

use crate::http::{parse_http_date, HttpResponse};

/// The retry policy of a client.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt (at most [`MAX_RETRIES`]).
    pub max_retries: u32,
    /// The first backoff, in milliseconds; each retry doubles it.
    pub base_delay_ms: u64,
    /// The largest backoff, in milliseconds.
    pub max_delay_ms: u64,
    /// The longest wait the client accepts, in milliseconds: a server asking for more (a limit
    /// that resets in an hour) ends the call with its error instead.
    pub max_wait_ms: u64,
}

/// The most retries a policy may name.
pub const MAX_RETRIES: u32 = 10;

/// The random bytes a call needs for its jitter: two per retry.
pub const RANDOM_BYTES: usize = 2 * MAX_RETRIES as usize;

impl Default for RetryPolicy {
    /// Three retries, 500 ms doubling up to 10 s, a server's wait of up to 60 s honoured.
    fn default() -> Self {
        RetryPolicy { max_retries: 3, base_delay_ms: 500, max_delay_ms: 10_000, max_wait_ms: 60_000 }
    }
}

/// Whether an answer with this status may be worth sending again: 429 Too Many Requests
/// (RFC 6585 §4) and the 5xx server errors, except 501 Not Implemented, which another attempt
/// does not change.
pub fn is_retryable(status: u16) -> bool {
    status == 429 || ((500..600).contains(&status) && status != 501)
}

impl RetryPolicy {
    /// The policy with `max_retries` bounded by [`MAX_RETRIES`].
    pub fn bounded(mut self) -> Self {
        self.max_retries = self.max_retries.min(MAX_RETRIES);
        self
    }

    /// When to send again after `response`, the answer to attempt `retries + 1` (0: the first),
    /// received at `now_ms`; None when the call ends with this answer: not retryable, the retries
    /// spent, a wait longer than `max_wait_ms`, or a time past `deadline_ms`.
    ///
    /// The wait is the backoff `min(max_delay, base * 2^retries)` with "equal jitter" (half of
    /// it fixed, the other half drawn from `jitter`, 0 to 65535), or the server's time when it
    /// names a later one (`Retry-After` in seconds or as an HTTP date, else `X-RateLimit-Reset`).
    pub fn next_attempt(&self, response: &HttpResponse, retries: u32, now_ms: u64, deadline_ms: Option<u64>, jitter: u16) -> Option<u64> {
        if !is_retryable(response.status) || retries >= self.max_retries.min(MAX_RETRIES) {
            return None;
        }
        let backoff = self.base_delay_ms.saturating_mul(1u64 << retries.min(40)).min(self.max_delay_ms);
        let half = backoff / 2;
        let wait = backoff - half + half * u64::from(jitter) / 65_535;
        let mut at = now_ms.saturating_add(wait);
        if let Some(server) = server_time(response, now_ms) {
            if server.saturating_sub(now_ms) > self.max_wait_ms {
                return None;
            }
            at = at.max(server);
        }
        match deadline_ms {
            Some(d) if at > d => None,
            _ => Some(at),
        }
    }
}

/// The time the server asks the client to wait until: `Retry-After` (delay-seconds or an
/// HTTP-date, RFC 9110 §10.2.3), else `X-RateLimit-Reset` (Auth0: the Unix time in seconds when
/// the limit resets) when the answer is a 429.
pub fn server_time(response: &HttpResponse, now_ms: u64) -> Option<u64> {
    if let Some(v) = response.header("retry-after").map(str::trim) {
        if let Ok(secs) = v.parse::<u64>() {
            return Some(now_ms.saturating_add(secs.saturating_mul(1000)));
        }
        if let Some(t) = parse_http_date(v) {
            return Some(t.saturating_mul(1000).max(now_ms));
        }
    }
    if response.status == 429 {
        let reset = response.header("x-ratelimit-reset").and_then(|v| v.trim().parse::<u64>().ok())?;
        return Some(reset.saturating_mul(1000).max(now_ms));
    }
    None
}
