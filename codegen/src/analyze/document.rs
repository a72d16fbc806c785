//! Checks of the document as a whole: references, component names, servers.

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
pub fn check_component_names(file: &str, raw: &Value, found: &mut Vec<Diagnostic>) {
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
                found.push(
                    Diagnostic::new(file, format!("component name `{name}` is not valid OpenAPI"))
                        .at(format!("#/components/{}/{}", pointer_token(kind), pointer_token(name)))
                        .help(format!(
                            "names may use only letters, digits, `.`, `-` and `_`: rename it (e.g. `{suggestion}`) and every reference to it"
                        )),
                );
            }
        }
    }
}

pub fn check_servers(file: &str, api: &OpenAPI, found: &mut Vec<Diagnostic>) {
    match api.servers.first() {
        None => found.push(
            Diagnostic::new(file, "no servers: the client needs a default base URL")
                .at("#/servers")
                .help("add `servers: [{url: https://api.example.com/v1}]`"),
        ),
        Some(server)
            if !(server.url.starts_with("https://") || server.url.starts_with("http://"))
                || server.url.contains('{') =>
        {
            found.push(
                Diagnostic::new(file, format!("server URL `{}` is not an absolute http(s) URL", server.url))
                    .at("#/servers/0/url")
                    .help("the first server is the default base URL; write it out in full, without variables"),
            )
        }
        Some(_) => {}
    }
}
