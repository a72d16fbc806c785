use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::header::HeaderMap;

use crate::config::ProviderInfo;
use crate::retry::RetryPolicy;

/// Sends requests for a generated client: attaches credentials, enforces timeouts
/// and retries transient failures. Cheap to clone; clones share configuration.
#[derive(Clone)]
pub struct Runtime {
    inner: Arc<Inner>,
}

struct Inner {
    provider: &'static ProviderInfo,
    /// Credentials and user-chosen headers, every value marked sensitive.
    headers: HeaderMap,
    attempt_timeout: Duration,
    retry: RetryPolicy,
}

impl fmt::Debug for Runtime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let header_names: Vec<&str> = self
            .inner
            .headers
            .keys()
            .map(|name| name.as_str())
            .collect();
        f.debug_struct("Runtime")
            .field("provider", &self.inner.provider.name)
            .field("headers", &header_names)
            .field("attempt_timeout", &self.inner.attempt_timeout)
            .field("retry", &self.inner.retry)
            .finish()
    }
}

impl Runtime {
    pub(crate) fn new(
        provider: &'static ProviderInfo,
        headers: HeaderMap,
        attempt_timeout: Duration,
        retry: RetryPolicy,
    ) -> Self {
        Self {
            inner: Arc::new(Inner {
                provider,
                headers,
                attempt_timeout,
                retry,
            }),
        }
    }

    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.inner.retry
    }

    /// Sends `request`, retrying as the [`RetryPolicy`] says. Returns the last
    /// response or transport error; interpreting the status is the caller's job.
    pub async fn execute(
        &self,
        http: &reqwest::Client,
        mut request: reqwest::Request,
    ) -> reqwest::Result<reqwest::Response> {
        for (name, value) in &self.inner.headers {
            request.headers_mut().insert(name.clone(), value.clone());
        }
        let policy = &self.inner.retry;
        let started = Instant::now();
        let mut retry = 0;
        loop {
            let remaining = policy.deadline.saturating_sub(started.elapsed());
            *request.timeout_mut() = Some(self.inner.attempt_timeout.min(remaining));
            // A streaming body cannot be cloned; such a request gets one attempt.
            let spare = (retry < policy.max_retries)
                .then(|| request.try_clone())
                .flatten();
            let outcome = http.execute(request).await;
            let Some(next) = spare else {
                return outcome;
            };
            let wait = match &outcome {
                Ok(response) if RetryPolicy::is_retryable_status(response.status()) => {
                    policy.delay(retry, Some(response.headers()))
                }
                Err(error) if is_transient(error) => policy.delay(retry, None),
                _ => None,
            };
            let Some(wait) = wait.filter(|wait| started.elapsed() + *wait < policy.deadline) else {
                return outcome;
            };
            // Release the connection before sleeping.
            drop(outcome);
            tokio::time::sleep(wait).await;
            request = next;
            retry += 1;
        }
    }
}

/// Failures where the server never gave an answer: worth another try.
fn is_transient(error: &reqwest::Error) -> bool {
    error.is_connect() || error.is_timeout() || error.is_request()
}
