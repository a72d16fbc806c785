use std::fmt;
use std::time::Duration;

use reqwest::Url;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

use crate::provider::{CredentialSpec, Placement, ProviderInfo};
use crate::retry::RetryPolicy;
use crate::secret::Secret;
use crate::transport::{Credential, Runtime, Settings};

/// Why a client could not be built.
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
    /// The spec names no server, and no base URL was given.
    MissingBaseUrl {
        provider: &'static str,
        env: &'static str,
    },
    /// A credential or extra header cannot be sent as an HTTP header value.
    InvalidHeader {
        name: String,
    },
    /// reqwest could not build its client (for example, no TLS backend).
    Http(reqwest::Error),
}

/// What `fn main() -> Result<…>` prints: the message, which names the variable or
/// setting and the fix, not the enum's fields.
impl fmt::Debug for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
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
            Self::MissingBaseUrl { provider, env } => write!(
                f,
                "{provider} client: no base URL: its spec names no server; call `.base_url(…)` on the builder or set {env}"
            ),
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
///
/// Settings do not depend on the order of calls: `max_retries`, `deadline` and
/// `retry_statuses` always win over the same fields of a `retry_policy`, whichever
/// was called first.
#[derive(Clone)]
pub struct ClientBuilder {
    provider: &'static ProviderInfo,
    base_url: Option<String>,
    credentials: Vec<Option<Secret>>,
    extra_headers: Vec<(String, Secret)>,
    timeout: Duration,
    connect_timeout: Duration,
    retry_policy: Option<RetryPolicy>,
    max_retries: Option<u32>,
    deadline: Option<Duration>,
    retry_statuses: Option<Vec<u16>>,
    max_pages: Option<u64>,
    user_agent: Option<String>,
    parameters: Vec<(&'static str, String)>,
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
            .field("retry", &self.resolved_retry_policy())
            .field("retry_statuses", &self.resolved_retry_statuses())
            .field("max_pages", &self.max_pages)
            .field("parameters", &self.parameters)
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
            retry_policy: None,
            max_retries: None,
            deadline: None,
            retry_statuses: None,
            max_pages: None,
            user_agent: None,
            parameters: Vec::new(),
        }
    }

    /// Sets a client-wide parameter (`ProviderInfo::parameters`): every
    /// operation that has a parameter of this name sends this value unless the
    /// call sets its own.
    ///
    /// # Panics
    /// If the provider has no such parameter: generated setters only pass known names.
    pub fn parameter(mut self, name: &str, value: impl Into<String>) -> Self {
        let (name, _) = self
            .provider
            .parameters
            .iter()
            .find(|(known, _)| *known == name)
            .unwrap_or_else(|| panic!("{} has no client parameter `{name}`", self.provider.name));
        self.parameters.retain(|(known, _)| known != name);
        self.parameters.push((name, value.into()));
        self
    }

    /// Reads the base URL override and every credential whose variables are set
    /// (non-empty). Fails, naming a variable, when the document requires
    /// credentials and no alternative of its security requirement is complete.
    pub fn from_env(mut self) -> Result<Self, ConfigError> {
        if let Some(url) = non_empty_env(self.provider.base_url_env) {
            self.base_url = Some(url);
        }
        for (name, env) in self.provider.parameters {
            if let Some(value) = non_empty_env(env) {
                self.parameters.retain(|(known, _)| known != name);
                self.parameters.push((name, value));
            }
        }
        for (slot, spec) in self.credentials.iter_mut().zip(self.provider.credentials) {
            let value = match spec.placement {
                Placement::Basic { password_env } => non_empty_env(spec.env)
                    .zip(non_empty_env(password_env))
                    .map(|(user, password)| format!("{user}:{password}")),
                _ => non_empty_env(spec.env),
            };
            if let Some(value) = value {
                *slot = Some(Secret::new(value));
            }
        }
        match self.unmet() {
            Some(spec) => Err(ConfigError::MissingEnv {
                provider: self.provider.name,
                var: match spec.placement {
                    Placement::Basic { password_env } if non_empty_env(spec.env).is_some() => {
                        password_env
                    }
                    _ => spec.env,
                },
            }),
            None => Ok(self),
        }
    }

    /// When no alternative of the document's security requirement is complete
    /// and no credential outside it is set: the first credential missing from
    /// the first alternative. A credential only some operations use (their own
    /// `security`) is enough to build; the others say, per request, what they lack.
    fn unmet(&self) -> Option<&'static CredentialSpec> {
        let index = |scheme: &str| {
            self.provider
                .credentials
                .iter()
                .position(|spec| spec.scheme == scheme)
        };
        let complete = |alternative: &[&str]| {
            alternative
                .iter()
                .all(|scheme| index(scheme).is_some_and(|i| self.credentials[i].is_some()))
        };
        let security = self.provider.security;
        if security.is_empty()
            || security.iter().any(|alternative| complete(alternative))
            || self.credentials.iter().enumerate().any(|(i, value)| {
                value.is_some()
                    && !security.iter().any(|alternative| {
                        alternative.contains(&self.provider.credentials[i].scheme)
                    })
            })
        {
            return None;
        }
        security[0]
            .iter()
            .filter_map(|scheme| index(scheme))
            .find(|i| self.credentials[*i].is_none())
            .map(|i| &self.provider.credentials[i])
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

    /// Sets an HTTP basic credential: a user name and a password, both secret.
    pub fn basic_credential(
        self,
        scheme: &str,
        user: impl Into<Secret>,
        password: impl Into<Secret>,
    ) -> Self {
        let joined = format!("{}:{}", user.into().expose(), password.into().expose());
        self.credential(scheme, joined)
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
        self.max_retries = Some(retries);
        self
    }

    /// Time allowed for a whole call, retries and waits included.
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = Some(deadline);
        self
    }

    /// Backoff, `Retry-After` cap, retries and deadline in one value. `max_retries`
    /// and `deadline` set on the builder win over the policy's, in any order.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry_policy = Some(policy);
        self
    }

    /// The HTTP statuses that are retried (default: the provider's list, see
    /// [`ProviderInfo::retry_statuses`]). `Retry-After` is honoured on each of them.
    pub fn retry_statuses(mut self, statuses: impl IntoIterator<Item = u16>) -> Self {
        self.retry_statuses = Some(statuses.into_iter().collect());
        self
    }

    /// Stops every `stream()` with a pagination error after this many pages
    /// (default: no limit; a repeated cursor always stops a stream).
    pub fn max_pages(mut self, pages: u64) -> Self {
        self.max_pages = Some(pages);
        self
    }

    /// Sends `name: value` with every request, e.g. a header the provider documents
    /// outside its spec, or a replacement for one of the provider's default headers.
    /// The value is treated as sensitive: never logged, never sent to another origin.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<Secret>) -> Self {
        self.extra_headers.push((name.into(), value.into()));
        self
    }

    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    fn resolved_retry_policy(&self) -> RetryPolicy {
        let mut policy = self.retry_policy.clone().unwrap_or_default();
        if let Some(retries) = self.max_retries {
            policy.max_retries = retries;
        }
        if let Some(deadline) = self.deadline {
            policy.deadline = deadline;
        }
        policy
    }

    fn resolved_retry_statuses(&self) -> Vec<u16> {
        self.retry_statuses
            .clone()
            .unwrap_or_else(|| self.provider.retry_statuses.to_vec())
    }

    /// Validates everything and returns the runtime a generated client is made of.
    pub fn build(self) -> Result<Runtime, ConfigError> {
        let base_url = match (&self.base_url, self.provider.default_base_url) {
            (Some(url), _) => url.clone(),
            (None, "") => {
                return Err(ConfigError::MissingBaseUrl {
                    provider: self.provider.name,
                    env: self.provider.base_url_env,
                });
            }
            (None, default) => default.to_owned(),
        };
        let base_url = validate_base_url(&base_url)?;

        let mut headers = HeaderMap::new();
        for (name, value) in self.provider.default_headers {
            let invalid = || ConfigError::InvalidHeader {
                name: (*name).to_owned(),
            };
            headers.insert(
                HeaderName::from_bytes(name.as_bytes()).map_err(|_| invalid())?,
                HeaderValue::from_str(value).map_err(|_| invalid())?,
            );
        }
        if let Some(spec) = self.unmet() {
            return Err(ConfigError::MissingCredential {
                provider: self.provider.name,
                setter: spec.setter,
                env: spec.env,
            });
        }
        let mut credentials = Vec::new();
        for (value, spec) in self.credentials.iter().zip(self.provider.credentials) {
            if let Some(value) = value {
                credentials.push(credential(spec, value)?);
            }
        }
        let mut sensitive_headers = HeaderMap::new();
        for (name, value) in &self.extra_headers {
            let header = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| ConfigError::InvalidHeader { name: name.clone() })?;
            // A user's header replaces a provider default of the same name.
            headers.remove(&header);
            sensitive_headers.append(header, sensitive(value.expose(), name)?);
        }
        headers.extend(sensitive_headers);

        let origin = Url::parse(&base_url).map_err(|e| ConfigError::InvalidBaseUrl {
            url: base_url.clone(),
            reason: e.to_string(),
        })?;
        // With `rustls-ring`, reqwest takes the process's default crypto provider:
        // make it ring, unless the program chose one already.
        #[cfg(feature = "rustls-ring")]
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::builder()
            .connect_timeout(self.connect_timeout)
            .redirect(crate::redirect::same_origin_only(origin))
            .user_agent(
                self.user_agent
                    .as_deref()
                    .unwrap_or(self.provider.user_agent),
            )
            .build()
            .map_err(ConfigError::Http)?;
        let runtime = Runtime::new(
            self.provider,
            (base_url, http),
            headers,
            credentials,
            Settings {
                attempt_timeout: self.timeout,
                retry: self.resolved_retry_policy(),
                retry_statuses: self.resolved_retry_statuses(),
                max_pages: self.max_pages,
                parameters: self.parameters.clone(),
            },
        );
        Ok(runtime)
    }
}

/// A credential, ready for the wire where its scheme says.
fn credential(spec: &'static CredentialSpec, value: &Secret) -> Result<Credential, ConfigError> {
    use base64::Engine as _;
    let authorization = |text: String| {
        Ok(Credential::header(
            spec.scheme,
            reqwest::header::AUTHORIZATION,
            sensitive(&text, spec.setter)?,
        ))
    };
    match spec.placement {
        Placement::Bearer => authorization(format!("Bearer {}", value.expose())),
        Placement::Basic { .. } => authorization(format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(value.expose())
        )),
        Placement::Authorization(scheme) => authorization(format!("{scheme} {}", value.expose())),
        Placement::Header(name) => Ok(Credential::header(
            spec.scheme,
            HeaderName::from_bytes(name.as_bytes()).map_err(|_| ConfigError::InvalidHeader {
                name: name.to_owned(),
            })?,
            sensitive(value.expose(), spec.setter)?,
        )),
        Placement::Query(name) => Ok(Credential::query(spec.scheme, name, value.clone())),
        Placement::Cookie(name) => Ok(Credential::cookie(spec.scheme, name, value.clone())),
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
        security: &[&["KeyAuth", "Bearer"]],
        retry_statuses: crate::provider::DEFAULT_RETRY_STATUSES,
        default_headers: &[("x-api-version", "2024-01-01")],
        parameters: &[("team_id", "USAGEKIT_RUNTIME_TEST_TEAM_ID")],
    };

    static ALTERNATIVES: ProviderInfo = ProviderInfo {
        security: &[&["KeyAuth"], &["Basic"]],
        credentials: &[
            CredentialSpec {
                scheme: "KeyAuth",
                setter: "api_key",
                env: "USAGEKIT_RUNTIME_TEST_ALT_KEY",
                placement: Placement::Query("key"),
            },
            CredentialSpec {
                scheme: "Basic",
                setter: "basic",
                env: "USAGEKIT_RUNTIME_TEST_ALT_USER",
                placement: Placement::Basic {
                    password_env: "USAGEKIT_RUNTIME_TEST_ALT_PASSWORD",
                },
            },
        ],
        ..PROVIDER
    };

    #[test]
    fn any_complete_alternative_is_enough() {
        assert!(
            ClientBuilder::new(&ALTERNATIVES)
                .basic_credential("Basic", "u", "p")
                .build()
                .is_ok()
        );
        assert!(
            ClientBuilder::new(&ALTERNATIVES)
                .credential("KeyAuth", "k")
                .build()
                .is_ok()
        );
        let missing = ClientBuilder::new(&ALTERNATIVES).build().unwrap_err();
        assert!(missing.to_string().contains("`api_key`"), "{missing}");
    }

    #[test]
    fn a_credential_only_some_operations_use_is_enough_to_build() {
        static OPERATION_ONLY: ProviderInfo = ProviderInfo {
            security: &[&["KeyAuth"]],
            ..PROVIDER
        };
        assert!(
            ClientBuilder::new(&OPERATION_ONLY)
                .credential("Bearer", "t")
                .build()
                .is_ok()
        );
    }

    #[test]
    fn missing_credential_names_setter_and_variable() {
        let err = ClientBuilder::new(&PROVIDER)
            .credential("KeyAuth", "k")
            .build()
            .unwrap_err();
        let message = err.to_string();
        assert!(message.contains("`access_token`"), "{message}");
        assert!(message.contains("USAGEKIT_RUNTIME_TEST_TOKEN"), "{message}");
    }

    #[test]
    fn default_base_url_loses_its_trailing_slash() {
        let runtime = ClientBuilder::new(&PROVIDER)
            .credential("KeyAuth", "k")
            .credential("Bearer", "t")
            .build()
            .unwrap();
        assert_eq!(runtime.base_url(), "https://api.example.com/v1");
    }

    #[test]
    fn bad_base_urls_are_rejected_with_the_reason() {
        for url in ["not a url", "ftp://example.com", "https://example.com/?x=1"] {
            let err = ClientBuilder::new(&PROVIDER)
                .base_url(url)
                .credential("KeyAuth", "k")
                .credential("Bearer", "t")
                .build()
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
            .build()
            .unwrap_err();
        assert!(!format!("{err} {err:?}").contains("break-secret"));
    }

    fn runtime(builder: ClientBuilder) -> Runtime {
        builder
            .credential("KeyAuth", "k")
            .credential("Bearer", "t")
            .build()
            .unwrap()
    }

    #[test]
    fn settings_do_not_depend_on_call_order() {
        let policy = RetryPolicy {
            max_retries: 7,
            deadline: Duration::from_secs(1),
            ..RetryPolicy::default()
        };
        let before = runtime(
            ClientBuilder::new(&PROVIDER)
                .max_retries(0)
                .deadline(Duration::from_secs(9))
                .retry_policy(policy.clone()),
        );
        let after = runtime(
            ClientBuilder::new(&PROVIDER)
                .retry_policy(policy)
                .max_retries(0)
                .deadline(Duration::from_secs(9)),
        );
        for runtime in [before, after] {
            assert_eq!(runtime.retry_policy().max_retries, 0);
            assert_eq!(runtime.retry_policy().deadline, Duration::from_secs(9));
            assert_eq!(
                runtime.retry_policy().initial_backoff,
                Duration::from_millis(500)
            );
        }
    }

    #[test]
    fn retry_statuses_default_to_the_provider_and_can_be_replaced() {
        let default = runtime(ClientBuilder::new(&PROVIDER));
        assert!(default.is_retryable_status(reqwest::StatusCode::TOO_MANY_REQUESTS));
        assert!(!default.is_retryable_status(reqwest::StatusCode::from_u16(529).unwrap()));
        let custom = runtime(ClientBuilder::new(&PROVIDER).retry_statuses([529]));
        assert!(custom.is_retryable_status(reqwest::StatusCode::from_u16(529).unwrap()));
        assert!(!custom.is_retryable_status(reqwest::StatusCode::TOO_MANY_REQUESTS));
    }

    #[test]
    fn a_user_header_replaces_the_provider_default_of_the_same_name() {
        let default = runtime(ClientBuilder::new(&PROVIDER));
        assert_eq!(default.headers()["x-api-version"], "2024-01-01");
        let replaced = runtime(ClientBuilder::new(&PROVIDER).header("X-Api-Version", "2025-06-01"));
        let values: Vec<_> = replaced.headers().get_all("x-api-version").iter().collect();
        assert_eq!(values, ["2025-06-01"]);
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

    #[test]
    fn config_errors_debug_as_their_message() {
        let error = ConfigError::MissingEnv {
            provider: "OpenAI",
            var: "OPENAI_ADMIN_KEY",
        };
        assert_eq!(format!("{error:?}"), error.to_string());
        assert!(format!("{error:?}").contains("OPENAI_ADMIN_KEY"));
    }

    /// A client-wide parameter: the builder's value, replaced by the environment's
    /// when `from_env` finds it set; shown by `Debug` (it is no secret).
    #[test]
    fn client_parameters_come_from_the_builder_or_the_environment() {
        let built = ClientBuilder::new(&PROVIDER)
            .credential("KeyAuth", "k")
            .credential("Bearer", "t")
            .parameter("team_id", "from-builder")
            .build()
            .unwrap();
        assert_eq!(built.parameter("team_id"), Some("from-builder"));
        assert_eq!(built.parameter("other"), None);
        // SAFETY: this variable is this test's alone.
        unsafe { std::env::set_var("USAGEKIT_RUNTIME_TEST_TEAM_ID", "from-env") };
        let builder = ClientBuilder::new(&PROVIDER)
            .credential("KeyAuth", "k")
            .credential("Bearer", "t")
            .parameter("team_id", "from-builder")
            .from_env()
            .unwrap();
        assert!(format!("{builder:?}").contains("from-env"));
        assert_eq!(
            builder.build().unwrap().parameter("team_id"),
            Some("from-env")
        );
        unsafe { std::env::remove_var("USAGEKIT_RUNTIME_TEST_TEAM_ID") };
    }
}
