//! Security: the schemes the document and its operations require, each as the
//! credential the client sends, with the setter and variables it is set by.

use std::collections::BTreeSet;

use openapiv3::{APIKeyLocation, OpenAPI, ReferenceOr, SecurityScheme};

use super::model::{Credential, CredentialPlacement};
use crate::diagnostic::{Diagnostic, pointer_token};
use crate::naming;
use crate::settings::ProviderSettings;

/// The names of every scheme some requirement uses, document or operation.
fn used(api: &OpenAPI) -> BTreeSet<String> {
    let operations = api
        .paths
        .iter()
        .filter_map(|(_, item)| item.as_item())
        .flat_map(|item| item.iter().map(|(_, operation)| operation));
    api.security
        .iter()
        .chain(operations.filter_map(|operation| operation.security.as_ref()))
        .flatten()
        .flat_map(|requirement| requirement.keys().cloned())
        .collect()
}

/// Every scheme a requirement names must be defined.
pub fn check(file: &str, api: &OpenAPI, found: &mut Vec<Diagnostic>) {
    let schemes = api.components.as_ref().map(|c| &c.security_schemes);
    for name in used(api) {
        let at = format!("#/components/securitySchemes/{}", pointer_token(&name));
        match schemes.and_then(|s| s.get(&name)) {
            None => found.push(
                Diagnostic::new(
                    file,
                    format!("security scheme `{name}` is used but not defined"),
                )
                .at("#/security")
                .help(format!("define it under {at}")),
            ),
            Some(ReferenceOr::Reference { .. }) => {
                found.push(Diagnostic::new(file, "a security scheme may not be a $ref").at(at))
            }
            Some(ReferenceOr::Item(_)) => {}
        }
    }
}

/// Builder methods every client has: a credential setter gets another name.
const BUILDER_METHODS: &[&str] = &[
    "base_url",
    "build",
    "connect_timeout",
    "deadline",
    "from_env",
    "header",
    "max_pages",
    "max_retries",
    "retry_policy",
    "retry_statuses",
    "timeout",
    "user_agent",
];

/// The credentials of every scheme used, with the setter and variables the
/// settings give (by default: the scheme's name in snake case, and
/// `<PREFIX>_<SCHEME>`).
pub fn credentials(api: &OpenAPI, settings: &ProviderSettings) -> Vec<Credential> {
    let schemes = api.components.as_ref().map(|c| &c.security_schemes);
    used(api)
        .into_iter()
        .filter_map(|name| {
            let scheme = schemes?.get(&name)?.as_item()?;
            let (placement, description) = match scheme {
                SecurityScheme::HTTP {
                    scheme,
                    description,
                    ..
                } => (
                    match scheme.to_ascii_lowercase().as_str() {
                        "bearer" => CredentialPlacement::Bearer,
                        "basic" => CredentialPlacement::Basic,
                        _ => CredentialPlacement::Authorization(title_case(scheme)),
                    },
                    description,
                ),
                SecurityScheme::APIKey {
                    location,
                    name: key,
                    description,
                    ..
                } => (
                    match location {
                        APIKeyLocation::Header => {
                            CredentialPlacement::Header(key.to_ascii_lowercase())
                        }
                        APIKeyLocation::Query => CredentialPlacement::Query(key.clone()),
                        APIKeyLocation::Cookie => CredentialPlacement::Cookie(key.clone()),
                    },
                    description,
                ),
                SecurityScheme::OAuth2 { description, .. }
                | SecurityScheme::OpenIDConnect { description, .. } => {
                    (CredentialPlacement::Bearer, description)
                }
            };
            let chosen = settings.credentials.get(&name);
            let variable = format!("{}_{}", settings.env_prefix, env_word(&name));
            let setter = chosen.map_or_else(
                || {
                    let setter = naming::setter_name(&name);
                    if BUILDER_METHODS.contains(&setter.as_str()) {
                        format!("{setter}_credential")
                    } else {
                        setter
                    }
                },
                |c| c.setter.clone(),
            );
            let (env, password_env) = match (&placement, chosen) {
                (CredentialPlacement::Basic, Some(c)) => (
                    c.env.clone(),
                    Some(
                        c.password_env
                            .clone()
                            .unwrap_or_else(|| format!("{variable}_PASSWORD")),
                    ),
                ),
                (CredentialPlacement::Basic, None) => (
                    format!("{variable}_USERNAME"),
                    Some(format!("{variable}_PASSWORD")),
                ),
                (_, Some(c)) => (c.env.clone(), None),
                (_, None) => (variable, None),
            };
            Some(Credential {
                scheme: name,
                description: description.clone(),
                placement,
                setter,
                env,
                password_env,
            })
        })
        .collect()
}

/// `digest` → `Digest`: the scheme as an `Authorization` header writes it.
fn title_case(scheme: &str) -> String {
    let mut chars = scheme.chars();
    match chars.next() {
        Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
        None => String::new(),
    }
}

/// A scheme's name in an environment variable: `bearerAuth` → `BEARER_AUTH`.
fn env_word(name: &str) -> String {
    naming::setter_name(name)
        .trim_matches('_')
        .to_ascii_uppercase()
}
