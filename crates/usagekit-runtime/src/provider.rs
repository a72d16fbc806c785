//! What a generated crate tells the runtime about its provider: the leaf of the
//! runtime's modules, imported by the others and importing none of them.

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
    /// Statuses worth retrying for this provider (settings `retry-statuses`).
    pub retry_statuses: &'static [u16],
    /// Headers sent with every request, such as an API version: fixed by the
    /// provider's settings or spec, never passed per call. `ClientBuilder::header`
    /// with the same name replaces one.
    pub default_headers: &'static [(&'static str, &'static str)],
}

/// Retried unless a provider declares its own list: timeouts, rate limits, and the
/// 5xx statuses that mean "try again" (not 501 Not Implemented).
pub const DEFAULT_RETRY_STATUSES: &[u16] = &[408, 429, 500, 502, 503, 504];

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
