use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderMap, RETRY_AFTER};

/// When and how often a failed request is tried again.
///
/// Retried: connection failures, timeouts, and the provider's retryable statuses
/// ([`ProviderInfo::retry_statuses`](crate::ProviderInfo::retry_statuses), by default
/// 408, 429, 500, 502, 503 and 504). Every other response is returned at once.
///
/// The wait before retry `n` (0-based) is a random duration between half and all of
/// `min(initial_backoff * 2^n, max_backoff)`. A `Retry-After` header (seconds or an
/// HTTP date) replaces that wait when it is at most `max_retry_after`; a longer one
/// ends the retries, so the caller sees the server's answer instead of a long sleep.
/// No attempt starts, and none runs, past `deadline` counted from the first attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    pub max_retries: u32,
    pub initial_backoff: Duration,
    pub max_backoff: Duration,
    pub max_retry_after: Duration,
    pub deadline: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 2,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(60),
            deadline: Duration::from_secs(300),
        }
    }
}

impl RetryPolicy {
    /// A policy that sends every request exactly once.
    pub fn none() -> Self {
        Self {
            max_retries: 0,
            ..Self::default()
        }
    }

    /// The wait before retry number `retry` (0-based), or `None` if the server asked
    /// for a longer wait than this policy allows.
    pub(crate) fn delay(&self, retry: u32, headers: Option<&HeaderMap>) -> Option<Duration> {
        if let Some(wait) = headers.and_then(retry_after) {
            return (wait <= self.max_retry_after).then_some(wait);
        }
        let exponential = self
            .initial_backoff
            .saturating_mul(2u32.saturating_pow(retry))
            .min(self.max_backoff);
        // Jitter spreads out clients that failed together.
        Some(exponential.mul_f64(0.5 + fastrand::f64() * 0.5))
    }
}

/// Parses `Retry-After` as delay-seconds or an HTTP date (RFC 9110 §10.2.3).
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(
        when.duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(retry_after: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, HeaderValue::from_str(retry_after).unwrap());
        headers
    }

    #[test]
    fn retry_after_seconds_is_honoured() {
        let policy = RetryPolicy::default();
        assert_eq!(
            policy.delay(0, Some(&headers("3"))),
            Some(Duration::from_secs(3))
        );
    }

    #[test]
    fn retry_after_http_date_is_honoured() {
        let in_ten = SystemTime::now() + Duration::from_secs(10);
        let wait = retry_after(&headers(&httpdate::fmt_http_date(in_ten))).unwrap();
        assert!(
            wait > Duration::from_secs(8) && wait <= Duration::from_secs(10),
            "{wait:?}"
        );
        let past = httpdate::fmt_http_date(SystemTime::now() - Duration::from_secs(100));
        assert_eq!(retry_after(&headers(&past)), Some(Duration::ZERO));
    }

    #[test]
    fn retry_after_beyond_the_cap_stops_retrying() {
        let policy = RetryPolicy {
            max_retry_after: Duration::from_secs(5),
            ..RetryPolicy::default()
        };
        assert_eq!(policy.delay(0, Some(&headers("6"))), None);
    }

    #[test]
    fn garbage_retry_after_falls_back_to_backoff() {
        let policy = RetryPolicy::default();
        let wait = policy.delay(0, Some(&headers("soon"))).unwrap();
        assert!(wait >= Duration::from_millis(250) && wait <= Duration::from_millis(500));
    }

    #[test]
    fn backoff_grows_exponentially_with_jitter_and_is_capped() {
        let policy = RetryPolicy::default();
        for _ in 0..50 {
            let second = policy.delay(1, None).unwrap();
            assert!(second >= Duration::from_millis(500) && second <= Duration::from_secs(1));
            let late = policy.delay(30, None).unwrap();
            assert!(late >= Duration::from_secs(4) && late <= Duration::from_secs(8));
        }
    }
}
