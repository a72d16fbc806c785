//! The settings against the spec: a credential entry per security scheme, method
//! names that name real operations, and an example that calls a real operation.

use std::collections::BTreeMap;

use super::model::{Credential, OperationModel};
use crate::diagnostic::Diagnostic;
use crate::naming;
use crate::settings::{ExampleSettings, ProviderSettings, toml_key};

const FILE: &str = "specs/providers.toml";

pub fn check(
    spec_path: &str,
    settings: &ProviderSettings,
    operations: &[OperationModel],
    credentials: &[Credential],
    found: &mut Vec<Diagnostic>,
) {
    for scheme in settings.credentials.keys() {
        if !credentials.iter().any(|c| c.scheme == *scheme) {
            let used: Vec<String> = credentials
                .iter()
                .map(|c| format!("`{}`", c.scheme))
                .collect();
            found.push(
                Diagnostic::new(
                    FILE,
                    format!("{spec_path} uses no security scheme `{scheme}`"),
                )
                .at(format!(
                    "[{}.credentials] {}",
                    settings.key,
                    toml_key(scheme)
                ))
                .help(if used.is_empty() {
                    "the spec uses no credentials: remove the entry".to_owned()
                } else {
                    format!("name one it uses: {}", used.join(", "))
                }),
            );
        }
    }
    check_methods(spec_path, settings, operations, found);
    for (name, env) in &settings.client_parameters {
        let at = format!("[{}.client-parameters] {}", settings.key, toml_key(name));
        if !operations
            .iter()
            .any(|op| op.parameters.iter().any(|p| p.name == *name))
        {
            found.push(
                Diagnostic::new(
                    FILE,
                    format!("no operation of {spec_path} has a parameter `{name}`"),
                )
                .at(at.clone())
                .help("name a parameter by its wire name, as the spec writes it"),
            );
        }
        let is_env = !env.is_empty()
            && env
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_');
        if !is_env {
            found.push(
                Diagnostic::new(FILE, format!("`{env}` is not an environment variable name"))
                    .at(at)
                    .help(format!(
                        "use upper-case letters, digits and `_`, e.g. `{}_{}`",
                        settings.env_prefix,
                        name.to_ascii_uppercase()
                    )),
            );
        }
    }
    for id in settings.operation_headers.keys() {
        if !operations.iter().any(|op| op.id == *id) {
            found.push(
                Diagnostic::new(FILE, format!("`{id}` is not an operationId of {spec_path}"))
                    .at(format!(
                        "[{}.operation-headers] {}",
                        settings.key,
                        toml_key(id)
                    ))
                    .help("name an operation by its operationId, as written in the spec"),
            );
        }
    }
    if let Some(example) = &settings.example {
        check_example(spec_path, settings, example, operations, found);
    }
}

/// `methods` names real operations, with method names that are Rust and distinct.
fn check_methods(
    spec_path: &str,
    settings: &ProviderSettings,
    operations: &[OperationModel],
    found: &mut Vec<Diagnostic>,
) {
    let mut methods: BTreeMap<String, &str> = operations
        .iter()
        .filter(|op| !settings.methods.contains_key(&op.id))
        .map(|op| (op.method.clone(), op.id.as_str()))
        .collect();
    for (id, method) in &settings.methods {
        let at = format!("[{}.methods] {}", settings.key, toml_key(id));
        if !operations.iter().any(|op| op.id == *id) {
            found.push(
                Diagnostic::new(FILE, format!("`{id}` is not an operationId of {spec_path}"))
                    .at(at.clone())
                    .help("name an operation by its operationId, as written in the spec"),
            );
        }
        if naming::method_name(method) != *method {
            found.push(
                Diagnostic::new(FILE, format!("`{method}` is not a method name"))
                    .at(at.clone())
                    .help(format!(
                        "use a snake_case Rust identifier, e.g. `{}`",
                        naming::method_name(method)
                    )),
            );
        }
        if let Some(other) = methods.insert(method.clone(), id) {
            found.push(
                Diagnostic::new(
                    FILE,
                    format!("`{id}` and `{other}` would both be the method `{method}`"),
                )
                .at(at)
                .help("give each operation its own method name"),
            );
        }
    }
}

/// The example must run: a real operation, every required parameter given.
fn check_example(
    spec_path: &str,
    settings: &ProviderSettings,
    example: &ExampleSettings,
    operations: &[OperationModel],
    found: &mut Vec<Diagnostic>,
) {
    let at = format!("[{}.example]", settings.key);
    let Some(operation) = operations.iter().find(|op| op.id == example.operation) else {
        found.push(
            Diagnostic::new(
                FILE,
                format!(
                    "example operation `{}` is not in {spec_path}",
                    example.operation
                ),
            )
            .at(format!("{at} operation")),
        );
        return;
    };
    for parameter in &operation.parameters {
        // A client parameter comes from the environment, as the credentials.
        if parameter.required
            && parameter.default.is_none()
            && !example.args.contains_key(&parameter.name)
            && !settings.client_parameters.contains_key(&parameter.name)
        {
            found.push(
                Diagnostic::new(
                    FILE,
                    format!(
                        "the example calls `{}` without its required parameter `{}`",
                        example.operation, parameter.name
                    ),
                )
                .at(format!("{at} args"))
                .help(format!(
                    "add `{} = \"<Rust expression>\"` to the example's args",
                    toml_key(&parameter.name)
                )),
            );
        }
    }
    for name in example.args.keys() {
        if !operation.parameters.iter().any(|p| p.name == *name) {
            found.push(
                Diagnostic::new(
                    FILE,
                    format!("`{name}` is not a parameter of `{}`", example.operation),
                )
                .at(format!("{at} args")),
            );
        }
    }
}
