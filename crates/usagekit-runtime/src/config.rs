use std::fmt;
use std::time::Duration;

use reqwest::Url;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

use crate::retry::RetryPolicy;
use crate::secret::Secret;
use crate::transport::Runtime;

/// What a generated crate knows about its provider, taken from its spec and settings.
#[derive(Debug)]
pub struct ProviderInfo {
    /// Human name, for messages ("OpenAI").
    pub name: &'static str,
    /// The spec's first server.
    pub default_base_url: &'static str,
    /// Environment variable that overrides the base URL.
    pub base_url_env: &'static str,
    /// `User-Agent` sent with every request: `<crate>/<version>`.
    pub user_agent: &'static str,
    /// Every credential the spec's security requirement asks for.
    pub credentials: &'static [CredentialSpec],
}

/// One security scheme of the spec, as the client supplies it.
#[derive(Debug)]
pub struct CredentialSpec {
    /// The scheme's name in the spec's `securitySchemes`.
    pub scheme: &'static str,
    /// The builder method that sets it (`api_key`, `access_token`, …).
    pub setter: &'static str,
    /// Environment variable `from_env` reads it from.
    pub env: &'static str,
    pub placement: Placement,
}

/// Where a credential goes on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement {
    /// `Authorization: Bearer <value>` (`type: http, scheme: bearer`).
    Bearer,
    /// A header of its own (`type: apiKey, in: header`).
    Header(&'static str),
}

/// Why a client could not be built.
#[derive(Debug)]
#[non_exhaustive]
pub enum ConfigError {
    /// A credential the spec requires was not given.
    MissingCredential {
        provider: &'static str,
        setter: &'static str,
        env: &'static str,
    },
    /// `from_env` found no value in this variable.
    MissingEnv {
        provider: &'static str,
        var: &'static str,
    },
    InvalidBaseUrl {
        url: String,
        reason: String,
    },
    /// A credential or extra header cannot be sent as an HTTP header value.
    InvalidHeader {
        name: String,
    },
    /// reqwest could not build its client (for example, no TLS backend).
    Http(reqwest::Error),
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MissingCredential {
                provider,
                setter,
                env,
            } => write!(
                f,
                "{provider} client: missing credential `{setter}`: call `.{setter}(…)` on the builder or set {env}"
            ),
            Self::MissingEnv { provider, var } => {
                write!(
                    f,
                    "{provider} client: environment variable {var} is not set"
                )
            }
            Self::InvalidBaseUrl { url, reason } => write!(f, "invalid base URL `{url}`: {reason}"),
            Self::InvalidHeader { name } => {
                write!(
                    f,
                    "the value for header `{name}` is not a valid HTTP header value"
                )
            }
            Self::Http(e) => write!(f, "could not build the HTTP client: {e}"),
        }
    }
}

impl std::error::Error for ConfigError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Http(e) => Some(e),
            _ => None,
        }
    }
}

/// Builds the parts of a generated `Client`. Generated crates wrap it in their own
/// `ClientBuilder`, which adds one setter per credential named after the spec.
#[derive(Clone)]
pub struct ClientBuilder {
    provider: &'static ProviderInfo,
    base_url: Option<String>,
    credentials: Vec<Option<Secret>>,
    extra_headers: Vec<(String, Secret)>,
    timeout: Duration,
    connect_timeout: Duration,
    retry: RetryPolicy,
    user_agent: Option<String>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("provider", &self.provider.name)
            .field("base_url", &self.base_url)
            .field("credentials", &self.credentials)
            .field(
                "extra_headers",
                &self
                    .extra_headers
                    .iter()
                    .map(|(name, _)| name)
                    .collect::<Vec<_>>(),
            )
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .finish()
    }
}

impl ClientBuilder {
    pub fn new(provider: &'static ProviderInfo) -> Self {
        Self {
            provider,
            base_url: None,
            credentials: vec![None; provider.credentials.len()],
            extra_headers: Vec::new(),
            timeout: Duration::from_secs(60),
            connect_timeout: Duration::from_secs(10),
            retry: RetryPolicy::default(),
            user_agent: None,
        }
    }

    /// Reads the base URL override and every credential from the environment; a
    /// credential's variable must be set and non-empty.
    pub fn from_env(mut self) -> Result<Self, ConfigError> {
        if let Some(url) = non_empty_env(self.provider.base_url_env) {
            self.base_url = Some(url);
        }
        for (slot, spec) in self.credentials.iter_mut().zip(self.provider.credentials) {
            let value = non_empty_env(spec.env).ok_or(ConfigError::MissingEnv {
                provider: self.provider.name,
                var: spec.env,
            })?;
            *slot = Some(Secret::new(value));
        }
        Ok(self)
    }

    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Sets the credential for the spec's security scheme named `scheme`.
    ///
    /// # Panics
    /// If the provider has no such scheme: generated setters only pass known names.
    pub fn credential(mut self, scheme: &str, value: impl Into<Secret>) -> Self {
        let index = self
            .provider
            .credentials
            .iter()
            .position(|spec| spec.scheme == scheme)
            .unwrap_or_else(|| panic!("{} has no security scheme `{scheme}`", self.provider.name));
        self.credentials[index] = Some(value.into());
        self
    }

    /// Time allowed for one attempt, from sending the request to reading the body.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Retries after the first attempt; `0` turns retries off.
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.retry.max_retries = retries;
        self
    }

    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Sends `name: value` with every request, e.g. a header the provider documents
    /// outside its spec. The value is treated as sensitive.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<Secret>) -> Self {
        self.extra_headers.push((name.into(), value.into()));
        self
    }

    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// Validates everything and returns the base URL (no trailing slash), the HTTP
    /// client and the runtime that generated clients are made of.
    pub fn build_parts(self) -> Result<(String, reqwest::Client, Runtime), ConfigError> {
        let base_url = self
            .base_url
            .unwrap_or_else(|| self.provider.default_base_url.to_owned());
        let base_url = validate_base_url(&base_url)?;

        let mut headers = HeaderMap::new();
        for (value, spec) in self.credentials.iter().zip(self.provider.credentials) {
            let value = value.as_ref().ok_or(ConfigError::MissingCredential {
                provider: self.provider.name,
                setter: spec.setter,
                env: spec.env,
            })?;
            let (name, value) = match spec.placement {
                Placement::Bearer => (
                    reqwest::header::AUTHORIZATION,
                    format!("Bearer {}", value.expose()),
                ),
                Placement::Header(name) => {
                    (HeaderName::from_static(name), value.expose().to_owned())
                }
            };
            headers.insert(name, sensitive(&value, spec.setter)?);
        }
        for (name, value) in &self.extra_headers {
            let header = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| ConfigError::InvalidHeader { name: name.clone() })?;
            headers.append(header, sensitive(value.expose(), name)?);
        }

        let http = reqwest::Client::builder()
            .connect_timeout(self.connect_timeout)
            .user_agent(
                self.user_agent
                    .as_deref()
                    .unwrap_or(self.provider.user_agent),
            )
            .build()
            .map_err(ConfigError::Http)?;
        let runtime = Runtime::new(self.provider, headers, self.timeout, self.retry);
        Ok((base_url, http, runtime))
    }
}

fn sensitive(value: &str, name: &str) -> Result<HeaderValue, ConfigError> {
    let mut value = HeaderValue::from_str(value).map_err(|_| ConfigError::InvalidHeader {
        name: name.to_owned(),
    })?;
    value.set_sensitive(true);
    Ok(value)
}

fn validate_base_url(url: &str) -> Result<String, ConfigError> {
    let invalid = |reason: &str| ConfigError::InvalidBaseUrl {
        url: url.to_owned(),
        reason: reason.to_owned(),
    };
    let parsed = Url::parse(url).map_err(|e| invalid(&e.to_string()))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(invalid("the scheme must be http or https"));
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(invalid("a base URL has no query or fragment"));
    }
    // Generated paths start with `/`; a trailing slash would double it.
    Ok(url.trim_end_matches('/').to_owned())
}

fn non_empty_env(var: &str) -> Option<String> {
    std::env::var(var)
        .ok()
        .filter(|value| !value.trim().is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    static PROVIDER: ProviderInfo = ProviderInfo {
        name: "Example",
        default_base_url: "https://api.example.com/v1/",
        base_url_env: "USAGEKIT_RUNTIME_TEST_BASE_URL",
        user_agent: "example-usage/0.1.0",
        credentials: &[
            CredentialSpec {
                scheme: "KeyAuth",
                setter: "api_key",
                env: "USAGEKIT_RUNTIME_TEST_KEY",
                placement: Placement::Header("x-api-key"),
            },
            CredentialSpec {
                scheme: "Bearer",
                setter: "access_token",
                env: "USAGEKIT_RUNTIME_TEST_TOKEN",
                placement: Placement::Bearer,
            },
        ],
    };

    #[test]
    fn missing_credential_names_setter_and_variable() {
        let err = ClientBuilder::new(&PROVIDER)
            .credential("KeyAuth", "k")
            .build_parts()
            .unwrap_err();
        let message = err.to_string();
        assert!(message.contains("`access_token`"), "{message}");
        assert!(message.contains("USAGEKIT_RUNTIME_TEST_TOKEN"), "{message}");
    }

    #[test]
    fn default_base_url_loses_its_trailing_slash() {
        let (base, _, _) = ClientBuilder::new(&PROVIDER)
            .credential("KeyAuth", "k")
            .credential("Bearer", "t")
            .build_parts()
            .unwrap();
        assert_eq!(base, "https://api.example.com/v1");
    }

    #[test]
    fn bad_base_urls_are_rejected_with_the_reason() {
        for url in ["not a url", "ftp://example.com", "https://example.com/?x=1"] {
            let err = ClientBuilder::new(&PROVIDER)
                .base_url(url)
                .credential("KeyAuth", "k")
                .credential("Bearer", "t")
                .build_parts()
                .unwrap_err();
            assert!(
                matches!(err, ConfigError::InvalidBaseUrl { .. }),
                "{url}: {err}"
            );
        }
    }

    #[test]
    fn header_values_with_newlines_are_rejected_without_echoing_them() {
        let err = ClientBuilder::new(&PROVIDER)
            .credential("KeyAuth", "line\nbreak-secret")
            .credential("Bearer", "t")
            .build_parts()
            .unwrap_err();
        assert!(!format!("{err} {err:?}").contains("break-secret"));
    }

    #[test]
    fn builder_debug_hides_credentials() {
        let builder = ClientBuilder::new(&PROVIDER)
            .credential("KeyAuth", "key-sekrit")
            .header("x-extra", "header-sekrit");
        let debug = format!("{builder:?}");
        assert!(!debug.contains("sekrit"), "{debug}");
        assert!(debug.contains("x-extra"));
    }
}
