//! The document as a whole: references, component names, its default server.

use openapiv3::OpenAPI;
use serde_json::Value;

use crate::diagnostic::{Diagnostic, pointer_token};
use crate::naming;
use crate::spec::walk::walk;

pub fn check_refs(file: &str, root: &Value, found: &mut Vec<Diagnostic>) {
    walk(root, &mut |map, at| {
        let Some(Value::String(target)) = map.get("$ref") else {
            return;
        };
        let resolves = target
            .strip_prefix('#')
            .is_some_and(|pointer| root.pointer(pointer).is_some());
        if !resolves {
            let help = if target.starts_with('#') {
                "define the target, or point the $ref at an existing `#/components/...` entry"
            } else {
                "only references inside the same document (`#/...`) are supported; inline the external definition"
            };
            found.push(
                Diagnostic::new(file, format!("unresolved $ref `{target}`"))
                    .at(format!("{at}/$ref"))
                    .help(help),
            );
        }
    });
}

/// OpenAPI 3.0.3 §4.7.7: component names match `^[a-zA-Z0-9.\-_]+$`; other tools
/// reject a spec that breaks it.
pub fn check_component_names(file: &str, raw: &Value, notes: &mut Vec<Diagnostic>) {
    let Some(Value::Object(components)) = raw.get("components") else {
        return;
    };
    for (kind, entries) in components {
        let Value::Object(entries) = entries else {
            continue;
        };
        for name in entries.keys() {
            let valid = !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'));
            if !valid && !kind.starts_with("x-") {
                let suggestion = naming::type_name(name);
                notes.push(
                    Diagnostic::new(file, format!("component name `{name}` is not valid OpenAPI; its type is named `{suggestion}`"))
                        .at(format!("#/components/{}/{}", pointer_token(kind), pointer_token(name)))
                        .help(format!(
                            "names may use only letters, digits, `.`, `-` and `_`: rename it (e.g. `{suggestion}`) and every reference to it"
                        )),
                );
            }
        }
    }
}

/// The first server's URL, its variables at their defaults: the client's default
/// base URL. None, or a relative one, leaves the base URL to the user (noted).
pub fn default_base_url(file: &str, api: &OpenAPI, notes: &mut Vec<Diagnostic>) -> String {
    let Some(server) = api.servers.first() else {
        notes.push(
            Diagnostic::new(file, "no servers: the client's builder needs a base URL")
                .at("#/servers")
                .help("add `servers: [{url: https://api.example.com/v1}]`, or give the URL to `Client::builder().base_url(…)`"),
        );
        return String::new();
    };
    let mut url = server.url.clone();
    if let Some(variables) = &server.variables {
        for (name, variable) in variables {
            url = url.replace(&format!("{{{name}}}"), &variable.default);
        }
    }
    if url.starts_with("https://") || url.starts_with("http://") {
        if !url.contains('{') {
            return url;
        }
        notes.push(
            Diagnostic::new(
                file,
                format!(
                    "the server URL `{}` has a variable without a default",
                    server.url
                ),
            )
            .at("#/servers/0/url")
            .help("give every variable a `default`; until then the client needs a base URL"),
        );
    } else {
        notes.push(
            Diagnostic::new(
                file,
                format!(
                    "the server URL `{url}` is relative: the client needs the absolute base URL"
                ),
            )
            .at("#/servers/0/url")
            .help(format!(
                "give `Client::builder().base_url(…)` the API's origin followed by `{url}`"
            )),
        );
    }
    String::new()
}
