use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU16, Ordering};
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use reqwest::header::HeaderMap;

use crate::provider::ProviderInfo;
use crate::retry::RetryPolicy;

/// How a built client behaves, resolved from the builder.
#[derive(Debug, Clone)]
pub(crate) struct Settings {
    pub attempt_timeout: Duration,
    pub retry: RetryPolicy,
    pub retry_statuses: Vec<u16>,
    pub max_pages: Option<u64>,
}

tokio::task_local! {
    /// The status of the last response `execute` returned inside [`observing`].
    static LAST_STATUS: Arc<AtomicU16>;
}

/// Runs one call and reports the status of the response it got, if any.
///
/// progenitor's errors for a body that fails to read or decode carry no status;
/// this is how `complete` still names it. A task-local rather than a field: the
/// client is shared by concurrent calls, each with its own scope.
pub(crate) async fn observing<F: Future>(call: F) -> (F::Output, Option<StatusCode>) {
    let status = Arc::new(AtomicU16::new(0));
    let output = LAST_STATUS.scope(Arc::clone(&status), call).await;
    let code = status.load(Ordering::Relaxed);
    (output, StatusCode::from_u16(code).ok())
}

tokio::task_local! {
    /// The body of the last successful response `execute` returned inside [`capturing`].
    static CAPTURED_BODY: std::sync::Mutex<Option<bytes::Bytes>>;
}

/// Runs one call and keeps the body of its successful response as the server sent
/// it, for tools that show raw JSON (`usagekit call`) or read fields by their wire
/// names (reports). The call still decodes the body into its typed result.
pub async fn capturing<F: Future>(call: F) -> (F::Output, Option<bytes::Bytes>) {
    CAPTURED_BODY
        .scope(std::sync::Mutex::new(None), async {
            let output = call.await;
            let body = CAPTURED_BODY.with(|body| body.lock().ok().and_then(|mut body| body.take()));
            (output, body)
        })
        .await
}

fn record_status(status: StatusCode) {
    let _ = LAST_STATUS.try_with(|last| last.store(status.as_u16(), Ordering::Relaxed));
}

/// Sends requests for a generated client: attaches credentials, enforces timeouts
/// and retries transient failures. Cheap to clone; clones share configuration.
#[derive(Clone)]
pub struct Runtime {
    inner: Arc<Inner>,
}

struct Inner {
    provider: &'static ProviderInfo,
    /// The provider's default headers, then credentials and user-chosen headers,
    /// the latter marked sensitive.
    headers: HeaderMap,
    settings: Settings,
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
            .field("settings", &self.inner.settings)
            .finish()
    }
}

impl Runtime {
    pub(crate) fn new(
        provider: &'static ProviderInfo,
        headers: HeaderMap,
        settings: Settings,
    ) -> Self {
        Self {
            inner: Arc::new(Inner {
                provider,
                headers,
                settings,
            }),
        }
    }

    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.inner.settings.retry
    }

    /// Whether a response with `status` is tried again (the provider's list, or the
    /// builder's `retry_statuses`).
    pub fn is_retryable_status(&self, status: StatusCode) -> bool {
        self.inner
            .settings
            .retry_statuses
            .contains(&status.as_u16())
    }

    /// The page limit for `stream()`, if the builder set one.
    pub fn max_pages(&self) -> Option<u64> {
        self.inner.settings.max_pages
    }

    #[cfg(test)]
    pub(crate) fn headers(&self) -> &HeaderMap {
        &self.inner.headers
    }

    /// Sends `request`, retrying as the [`RetryPolicy`] says. Returns the last
    /// response or transport error; interpreting the status is the caller's job.
    pub async fn execute(
        &self,
        http: &reqwest::Client,
        request: reqwest::Request,
    ) -> reqwest::Result<reqwest::Response> {
        let response = self.execute_with_retries(http, request).await?;
        if !response.status().is_success() || CAPTURED_BODY.try_with(|_| ()).is_err() {
            return Ok(response);
        }
        // Buffer the body once, keep a copy (`Bytes` is shared, not copied), and hand
        // the caller an equivalent response to decode.
        let status = response.status();
        let version = response.version();
        let headers = response.headers().clone();
        let body = response.bytes().await?;
        let _ = CAPTURED_BODY.try_with(|captured| {
            if let Ok(mut captured) = captured.lock() {
                *captured = Some(body.clone());
            }
        });
        let mut rebuilt = http::Response::new(reqwest::Body::from(body));
        *rebuilt.status_mut() = status;
        *rebuilt.version_mut() = version;
        *rebuilt.headers_mut() = headers;
        Ok(reqwest::Response::from(rebuilt))
    }

    async fn execute_with_retries(
        &self,
        http: &reqwest::Client,
        mut request: reqwest::Request,
    ) -> reqwest::Result<reqwest::Response> {
        for (name, value) in &self.inner.headers {
            request.headers_mut().insert(name.clone(), value.clone());
        }
        let policy = &self.inner.settings.retry;
        let started = Instant::now();
        let mut retry = 0;
        loop {
            let remaining = policy.deadline.saturating_sub(started.elapsed());
            *request.timeout_mut() = Some(self.inner.settings.attempt_timeout.min(remaining));
            // A streaming body cannot be cloned; such a request gets one attempt.
            let spare = (retry < policy.max_retries)
                .then(|| request.try_clone())
                .flatten();
            let outcome = http.execute(request).await;
            if let Ok(response) = &outcome {
                record_status(response.status());
            }
            let Some(next) = spare else {
                return outcome;
            };
            let wait = match &outcome {
                Ok(response) if self.is_retryable_status(response.status()) => {
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
