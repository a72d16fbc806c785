//! Per-provider settings: the data that, with a spec, makes a client crate.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::diagnostic::{Diagnostic, Location};

/// One provider's entry in `specs/providers.toml`.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ProviderSettings {
    /// The table's key (`openai`); filled in from the table name.
    #[serde(skip)]
    pub key: String,
    /// The spec's file name inside `specs/`.
    pub spec: String,
    /// Name of the generated crate (`openai-usage`).
    #[serde(rename = "crate")]
    pub crate_name: String,
    pub version: String,
    /// The provider's name in prose and messages ("OpenAI").
    pub name: String,
    pub description: String,
    /// Prefix of the environment variables, e.g. `OPENAI` gives `OPENAI_BASE_URL`.
    pub env_prefix: String,
    /// Security schemes of the spec by name: the builder setter and variable names
    /// (by default the scheme's name in snake case, and `<PREFIX>_<SCHEME>`).
    #[serde(default)]
    pub credentials: BTreeMap<String, CredentialSettings>,
    pub example: Option<ExampleSettings>,
    /// Method names users should see, by operationId (`get_token_usage_api_v2_usage_tokens_get
    /// = "token_usage"`). Without an entry, the method is the operationId in snake case.
    #[serde(default)]
    pub methods: BTreeMap<String, String>,
    /// Operations left out of the crate, by operationId or `tag:<name>`: a spec too
    /// large, or partly unsupported, can still be used.
    #[serde(default)]
    pub exclude: Vec<String>,
    /// What to do with an operation the generator cannot serve: refuse the spec
    /// (the default, naming the operation and the fix) or leave it out, listed
    /// with its reason in the command's output and the crate's README.
    #[serde(default)]
    pub unsupported: Unsupported,
    /// HTTP statuses the client retries (default: 408, 429, 500, 502, 503, 504).
    /// Anthropic, for one, signals overload with 529.
    #[serde(default)]
    pub retry_statuses: Option<Vec<u16>>,
    /// Headers sent with every request (an API version, say): users never pass
    /// them per call, and can replace them with `ClientBuilder::header`.
    #[serde(default)]
    pub default_headers: BTreeMap<String, String>,
    /// Headers one operation always sends, by operationId (Anthropic's
    /// `anthropic-beta` for its analytics reports): data, never a per-call argument.
    #[serde(default)]
    pub operation_headers: BTreeMap<String, BTreeMap<String, String>>,
    /// Parameters set once for the client, not per call (xAI's `team_id`): each
    /// parameter's wire name and the environment variable `from_env` reads it
    /// from. A call may still set its own.
    #[serde(default)]
    pub client_parameters: BTreeMap<String, String>,
    /// Cargo features that gate operations: one per tag (`"tags"`), none
    /// (`"none"`), or per tag for big documents only (`"auto"`, the default).
    #[serde(default)]
    pub features: FeatureSplit,
}

/// `features = "auto" | "tags" | "none"` in `providers.toml`.
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum FeatureSplit {
    #[default]
    Auto,
    Tags,
    None,
}

/// `unsupported = "refuse" | "skip"` in `providers.toml`.
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum Unsupported {
    #[default]
    Refuse,
    Skip,
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct CredentialSettings {
    pub setter: String,
    /// The variable `from_env` reads (for HTTP basic, the user name).
    pub env: String,
    /// HTTP basic: the variable of the password (default `<env>_PASSWORD`).
    #[serde(default)]
    pub password_env: Option<String>,
}

/// The runnable example generated into `examples/`.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ExampleSettings {
    /// The operationId it calls.
    pub operation: String,
    /// Builder calls: parameter name to a Rust expression for its value.
    #[serde(default)]
    pub args: BTreeMap<String, String>,
}

impl ProviderSettings {
    /// `OPENAI_BASE_URL` for prefix `OPENAI`.
    pub fn base_url_env(&self) -> String {
        format!("{}_BASE_URL", self.env_prefix)
    }

    /// The crate name as a Rust identifier (`openai_usage`).
    pub fn crate_ident(&self) -> String {
        self.crate_name.replace('-', "_")
    }
}

/// `name` as a TOML key: bare where TOML allows, quoted otherwise.
pub(crate) fn toml_key(name: &str) -> String {
    let bare = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if bare {
        name.to_owned()
    } else {
        toml::Value::from(name).to_string()
    }
}

/// A settings field no two providers may share.
type SharedField = fn(&ProviderSettings) -> &str;

/// Parses `providers.toml`. `file` names it in diagnostics.
pub fn parse_settings(file: &str, text: &str) -> Result<Vec<ProviderSettings>, Diagnostic> {
    let table: BTreeMap<String, ProviderSettings> = toml::from_str(text).map_err(|e| {
        let mut diagnostic = Diagnostic::new(file, e.message().to_owned());
        if let Some(span) = e.span() {
            let (line, column) = line_column(text, span.start);
            diagnostic = diagnostic.at(Location::Text { line, column });
        }
        diagnostic.help(
            "each provider is a table: [openai] spec = \"openai.yaml\" crate = \"openai-usage\" …",
        )
    })?;
    let mut providers: Vec<ProviderSettings> = Vec::with_capacity(table.len());
    for (key, mut settings) in table {
        settings.key = key;
        validate(file, &settings)?;
        // Two providers writing one crate, or reading one set of variables, would
        // silently overwrite each other.
        let shared: [(&str, SharedField); 2] = [
            ("crate", |p| &p.crate_name),
            ("env-prefix", |p| &p.env_prefix),
        ];
        for (field, value) in shared {
            if let Some(other) = providers.iter().find(|o| value(o) == value(&settings)) {
                return Err(Diagnostic::new(
                    file,
                    format!("{field} `{}` is also [{}]'s", value(&settings), other.key),
                )
                .at(format!("[{}] {field}", settings.key))
                .help(format!("each provider needs its own {field}")));
            }
        }
        providers.push(settings);
    }
    Ok(providers)
}

fn validate(file: &str, settings: &ProviderSettings) -> Result<(), Diagnostic> {
    let at = |field: &str| format!("[{}] {field}", settings.key);
    // Checked before anything is written: a bad version in a generated Cargo.toml
    // would stop every cargo command, this one included.
    if let Err(message) = crate::semver::Version::parse(&settings.version) {
        return Err(Diagnostic::new(file, message)
            .at(at("version"))
            .help("a semver version: major.minor.patch, such as \"0.1.0\""));
    }
    let is_crate_name = |name: &str| {
        !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            && name.starts_with(|c: char| c.is_ascii_lowercase())
    };
    if !is_crate_name(&settings.crate_name) {
        return Err(Diagnostic::new(
            file,
            "crate name must be lowercase letters, digits and dashes",
        )
        .at(at("crate")));
    }
    let is_env = |name: &str| {
        !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
    };
    if !is_env(&settings.env_prefix) {
        return Err(
            Diagnostic::new(file, "env-prefix must be UPPER_SNAKE_CASE").at(at("env-prefix"))
        );
    }
    validate_requests(file, settings)?;
    if let Some(example) = &settings.example {
        for (name, expr) in &example.args {
            if syn::parse_str::<syn::Expr>(expr).is_err() {
                return Err(
                    Diagnostic::new(file, format!("`{expr}` is not a Rust expression"))
                        .at(at(&format!("example.args.{name}"))),
                );
            }
        }
    }
    Ok(())
}

/// What the client sends: credential entries, retried statuses, default headers.
fn validate_requests(file: &str, settings: &ProviderSettings) -> Result<(), Diagnostic> {
    let at = |field: &str| format!("[{}] {field}", settings.key);
    let is_env = |name: &str| {
        !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
    };
    for (scheme, credential) in &settings.credentials {
        if !is_env(&credential.env) {
            return Err(Diagnostic::new(file, "env must be UPPER_SNAKE_CASE")
                .at(at(&format!("credentials.{scheme}.env"))));
        }
        if syn::parse_str::<syn::Ident>(&credential.setter).is_err()
            || credential.setter.chars().any(|c| c.is_ascii_uppercase())
        {
            return Err(
                Diagnostic::new(file, "setter must be a snake_case Rust identifier")
                    .at(at(&format!("credentials.{scheme}.setter"))),
            );
        }
    }
    if let Some(bad) = settings
        .retry_statuses
        .iter()
        .flatten()
        .find(|s| !(100..=599).contains(*s))
    {
        return Err(
            Diagnostic::new(file, format!("{bad} is not an HTTP status"))
                .at(at("retry-statuses"))
                .help("list statuses from 100 to 599, e.g. `retry-statuses = [408, 429, 500, 502, 503, 504, 529]`"),
        );
    }
    let fixed = settings.operation_headers.iter().flat_map(|(id, headers)| {
        headers
            .iter()
            .map(move |(name, value)| (format!("operation-headers.{id}"), name, value))
    });
    let default = settings
        .default_headers
        .iter()
        .map(|(name, value)| ("default-headers".to_owned(), name, value));
    for (table, name, value) in default.chain(fixed) {
        let is_token = !name.is_empty()
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
        if !is_token {
            return Err(
                Diagnostic::new(file, format!("`{name}` is not an HTTP header name"))
                    .at(at(&table)),
            );
        }
        if value.bytes().any(|b| b.is_ascii_control()) {
            return Err(Diagnostic::new(
                file,
                format!("the value of header `{name}` has control characters"),
            )
            .at(at(&format!("{table}.{name}"))));
        }
    }
    Ok(())
}

/// 1-based line and column of a byte offset.
pub(crate) fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn provider(key: &str, crate_name: &str, prefix: &str, version: &str) -> String {
        format!(
            "[{key}]\nspec = \"{key}.yaml\"\ncrate = \"{crate_name}\"\nversion = \"{version}\"\nname = \"N\"\ndescription = \"D\"\nenv-prefix = \"{prefix}\"\n"
        )
    }

    fn refusal(text: &str) -> String {
        parse_settings("specs/providers.toml", text)
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn versions_must_be_semver_before_anything_is_written() {
        for bad in ["banana", "0.1", "1.0.0.0"] {
            let message = refusal(&provider("acme", "acme-usage", "ACME", bad));
            assert!(
                message.contains("[acme] version") && message.contains("major.minor.patch"),
                "{message}"
            );
        }
        assert!(parse_settings("p", &provider("acme", "acme-usage", "ACME", "0.1.0")).is_ok());
    }

    #[test]
    fn two_providers_cannot_share_a_crate_or_an_env_prefix() {
        let same_crate =
            provider("a", "acme-usage", "A", "0.1.0") + &provider("b", "acme-usage", "B", "0.1.0");
        let message = refusal(&same_crate);
        assert!(
            message.contains("[b] crate") && message.contains("also [a]'s"),
            "{message}"
        );
        let same_prefix =
            provider("a", "a-usage", "ACME", "0.1.0") + &provider("b", "b-usage", "ACME", "0.1.0");
        assert!(refusal(&same_prefix).contains("env-prefix `ACME`"));
    }
}
