//! What a generated crate tells the runtime about its provider: the leaf of the
//! runtime's modules, imported by the others and importing none of them.

/// What a generated crate knows about its provider, taken from its spec and settings.
#[derive(Debug)]
pub struct ProviderInfo {
    /// Human name, for messages ("OpenAI").
    pub name: &'static str,
    /// The spec's first server; empty when the spec names none, and then the
    /// builder needs a base URL.
    pub default_base_url: &'static str,
    /// Environment variable that overrides the base URL.
    pub base_url_env: &'static str,
    /// `User-Agent` sent with every request: `<crate>/<version>`.
    pub user_agent: &'static str,
    /// Every security scheme of the spec the client can send.
    pub credentials: &'static [CredentialSpec],
    /// The document's security requirement: alternatives, each the schemes sent
    /// together (`[["ApiKey"], ["Basic"]]`). Empty: no credential is needed.
    pub security: Security,
    /// Statuses worth retrying for this provider (settings `retry-statuses`).
    pub retry_statuses: &'static [u16],
    /// Headers sent with every request, such as an API version: fixed by the
    /// provider's settings or spec, never passed per call. `ClientBuilder::header`
    /// with the same name replaces one.
    pub default_headers: &'static [(&'static str, &'static str)],
    /// Parameters set once for the client rather than per call (settings
    /// `client-parameters`: xAI's team id): each name and the environment
    /// variable `from_env` reads it from.
    pub parameters: &'static [(&'static str, &'static str)],
}

/// A security requirement: alternatives, each a list of scheme names sent
/// together. An empty alternative means the credentials are optional.
pub type Security = &'static [&'static [&'static str]];

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
    /// Environment variable `from_env` reads it from (for HTTP basic, the user name).
    pub env: &'static str,
    pub placement: Placement,
}

/// Where a credential goes on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement {
    /// `Authorization: Bearer <value>` (`type: http, scheme: bearer`; OAuth 2.0 and
    /// OpenID Connect access tokens).
    Bearer,
    /// `Authorization: Basic base64(user:password)` (`type: http, scheme: basic`);
    /// the password is read from `password_env`.
    Basic { password_env: &'static str },
    /// `Authorization: <scheme> <value>` for any other HTTP scheme.
    Authorization(&'static str),
    /// A header of its own (`type: apiKey, in: header`).
    Header(&'static str),
    /// A query parameter (`type: apiKey, in: query`).
    Query(&'static str),
    /// A cookie (`type: apiKey, in: cookie`).
    Cookie(&'static str),
}

impl Placement {
    /// Where it goes, in words: "the `x-api-key` header".
    pub fn describe(self) -> String {
        match self {
            Self::Bearer => "`Authorization: Bearer …`".to_owned(),
            Self::Basic { .. } => "`Authorization: Basic …` (user name and password)".to_owned(),
            Self::Authorization(scheme) => format!("`Authorization: {scheme} …`"),
            Self::Header(name) => format!("the `{name}` header"),
            Self::Query(name) => format!("the `{name}` query parameter"),
            Self::Cookie(name) => format!("the `{name}` cookie"),
        }
    }
}
