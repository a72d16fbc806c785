//! Security: which schemes the document requires, and whether the runtime can
//! send them.

use openapiv3::{APIKeyLocation, OpenAPI, ReferenceOr, SecurityScheme};

use super::model::Credential;
use crate::diagnostic::{Diagnostic, pointer_token};

pub fn check(file: &str, api: &OpenAPI, found: &mut Vec<Diagnostic>) {
    let requirements = api.security.as_deref().unwrap_or_default();
    if requirements.len() > 1 {
        found.push(
            Diagnostic::new(file, "alternative security requirements are not supported")
                .at("#/security")
                .help("list every scheme the API needs in one requirement object: `security: [{A: [], B: []}]`"),
        );
    }
    let schemes = api.components.as_ref().map(|c| &c.security_schemes);
    for name in requirements.iter().flat_map(|r| r.keys()) {
        let at = format!("#/components/securitySchemes/{}", pointer_token(name));
        match schemes.and_then(|s| s.get(name)) {
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
            Some(ReferenceOr::Item(scheme)) => {
                let supported = match scheme {
                    SecurityScheme::HTTP { scheme, .. } => scheme.eq_ignore_ascii_case("bearer"),
                    SecurityScheme::APIKey { location, .. } => {
                        matches!(location, APIKeyLocation::Header)
                    }
                    _ => false,
                };
                if !supported {
                    found.push(
                        Diagnostic::new(file, format!("security scheme `{name}` is of a kind the runtime cannot send"))
                            .at(at)
                            .help("supported: `type: http, scheme: bearer` and `type: apiKey, in: header`"),
                    );
                }
            }
        }
    }
}

/// The credentials the document-level security requirement asks for.
pub fn credentials(api: &OpenAPI) -> Vec<Credential> {
    let schemes = api.components.as_ref().map(|c| &c.security_schemes);
    api.security
        .iter()
        .flatten()
        .take(1)
        .flat_map(|requirement| requirement.keys())
        .filter_map(|name| {
            let scheme = schemes?.get(name)?.as_item()?;
            Some(match scheme {
                SecurityScheme::HTTP { description, .. } => Credential {
                    scheme: name.clone(),
                    description: description.clone(),
                    header: None,
                },
                SecurityScheme::APIKey {
                    name: header,
                    description,
                    ..
                } => Credential {
                    scheme: name.clone(),
                    description: description.clone(),
                    header: Some(header.to_ascii_lowercase()),
                },
                _ => return None,
            })
        })
        .collect()
}
