use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use reqwest::header::HeaderMap;

use crate::provider::{ProviderInfo, Security};
use crate::retry::RetryPolicy;
use crate::secret::Secret;

/// How a built client behaves, resolved from the builder.
#[derive(Debug, Clone)]
pub(crate) struct Settings {
    pub attempt_timeout: Duration,
    pub retry: RetryPolicy,
    pub retry_statuses: Vec<u16>,
    pub max_pages: Option<u64>,
    /// Client-wide parameter values (`ProviderInfo::parameters`), by name.
    pub parameters: Vec<(&'static str, String)>,
}

/// Sends requests for a generated client: attaches credentials, enforces timeouts
/// and retries transient failures. Cheap to clone; clones share configuration.
#[derive(Clone)]
pub struct Runtime {
    inner: Arc<Inner>,
}

struct Inner {
    provider: &'static ProviderInfo,
    /// No trailing slash: operation paths start with `/`.
    base_url: String,
    http: reqwest::Client,
    /// The provider's default headers, then user-chosen headers (sensitive).
    headers: HeaderMap,
    /// The credentials the user set; each request sends those of the first
    /// alternative of its operation's security requirement that is complete.
    credentials: Vec<Credential>,
    settings: Settings,
}

/// A credential, ready for the wire.
pub(crate) struct Credential {
    scheme: &'static str,
    wire: Wire,
}

enum Wire {
    /// A header (`Authorization`, an API key header): a sensitive value.
    Header(reqwest::header::HeaderName, reqwest::header::HeaderValue),
    /// A query parameter; removed from URLs shown in errors.
    Query(&'static str, Secret),
    /// One `name=value` of the `Cookie` header.
    Cookie(&'static str, Secret),
}

impl Credential {
    /// A credential sent as a header (`Authorization`, an API key header).
    pub(crate) fn header(
        scheme: &'static str,
        name: reqwest::header::HeaderName,
        value: reqwest::header::HeaderValue,
    ) -> Self {
        Self {
            scheme,
            wire: Wire::Header(name, value),
        }
    }

    /// A credential sent as a query parameter.
    pub(crate) fn query(scheme: &'static str, name: &'static str, value: Secret) -> Self {
        Self {
            scheme,
            wire: Wire::Query(name, value),
        }
    }

    /// A credential sent as a cookie.
    pub(crate) fn cookie(scheme: &'static str, name: &'static str, value: Secret) -> Self {
        Self {
            scheme,
            wire: Wire::Cookie(name, value),
        }
    }
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
            .field("base_url", &self.inner.base_url)
            .field("headers", &header_names)
            .field("settings", &self.inner.settings)
            .finish()
    }
}

impl Runtime {
    pub(crate) fn new(
        provider: &'static ProviderInfo,
        (base_url, http): (String, reqwest::Client),
        headers: HeaderMap,
        credentials: Vec<Credential>,
        settings: Settings,
    ) -> Self {
        Self {
            inner: Arc::new(Inner {
                provider,
                base_url,
                http,
                headers,
                credentials,
                settings,
            }),
        }
    }

    /// Adds the credentials of the first complete alternative of `security` to
    /// `request`; the query parameters it added, to hide from errors. An operation
    /// whose every alternative misses a credential is refused before it is sent.
    pub(crate) fn authorize(
        &self,
        request: &mut reqwest::Request,
        security: Security,
    ) -> Result<Vec<&'static str>, String> {
        let find = |scheme: &str| self.inner.credentials.iter().find(|c| c.scheme == scheme);
        let Some(chosen) = security
            .iter()
            .find(|alternative| alternative.iter().all(|scheme| find(scheme).is_some()))
        else {
            if security.is_empty() {
                return Ok(Vec::new());
            }
            let options: Vec<String> = security
                .iter()
                .map(|alternative| {
                    alternative
                        .iter()
                        .map(|scheme| {
                            self.inner
                                .provider
                                .credentials
                                .iter()
                                .find(|spec| spec.scheme == *scheme)
                                .map_or_else(
                                    || format!("`{scheme}`"),
                                    |spec| format!("`.{}(…)` ({})", spec.setter, spec.env),
                                )
                        })
                        .collect::<Vec<_>>()
                        .join(" and ")
                })
                .collect();
            return Err(format!(
                "this operation needs credentials the client was not given: set {}",
                options.join(", or ")
            ));
        };
        let mut hidden = Vec::new();
        let mut cookies = Vec::new();
        for credential in chosen.iter().filter_map(|scheme| find(scheme)) {
            match &credential.wire {
                Wire::Header(name, value) => {
                    request.headers_mut().insert(name.clone(), value.clone());
                }
                Wire::Query(name, value) => {
                    request
                        .url_mut()
                        .query_pairs_mut()
                        .append_pair(name, value.expose());
                    hidden.push(*name);
                }
                Wire::Cookie(name, value) => cookies.push(format!("{name}={}", value.expose())),
            }
        }
        if !cookies.is_empty() {
            let existing = request
                .headers()
                .get(reqwest::header::COOKIE)
                .and_then(|value| value.to_str().ok())
                .map(str::to_owned);
            let joined = existing
                .into_iter()
                .chain(cookies)
                .collect::<Vec<_>>()
                .join("; ");
            let mut value = reqwest::header::HeaderValue::from_str(&joined)
                .map_err(|_| "a cookie value is not a valid header value".to_owned())?;
            value.set_sensitive(true);
            request.headers_mut().insert(reqwest::header::COOKIE, value);
        }
        Ok(hidden)
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
    /// A client-wide parameter's value (a team or account id every operation's
    /// path names), when the builder or the environment gave one.
    pub fn parameter(&self, name: &str) -> Option<&str> {
        self.inner
            .settings
            .parameters
            .iter()
            .find(|(known, _)| *known == name)
            .map(|(_, value)| value.as_str())
    }

    pub fn max_pages(&self) -> Option<u64> {
        self.inner.settings.max_pages
    }

    #[cfg(test)]
    pub(crate) fn headers(&self) -> &HeaderMap {
        &self.inner.headers
    }

    /// The base URL requests go to, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// Sends `request`, retrying as the [`RetryPolicy`] says. Returns the last
    /// response or transport error; interpreting the status is the caller's job.
    pub(crate) async fn execute(
        &self,
        request: reqwest::Request,
    ) -> reqwest::Result<reqwest::Response> {
        self.execute_with_retries(&self.inner.http, request).await
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
