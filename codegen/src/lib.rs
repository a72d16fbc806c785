//! UsageKit's generator: an OpenAPI 3.0 spec in, the files of a typed Rust client
//! crate out. Pure: no file or network I/O; `xtask` reads and writes.
//!
//! The pipeline, one module per stage:
//! `load` (YAML/JSON to a document) → `lint` (reject what progenitor would get
//! wrong) → `generate` (progenitor, then UsageKit's additions) → `format`
//! (prettyplease) → `emit` (the crate's files).
//!
//! Imports point only down the pipeline: `generate` → `postprocess` → `extras` →
//! `context` → `model`; `emit` and `format` take the finished tree.

mod changes;
mod context;
mod diagnostic;
mod emit;
mod extras;
mod format;
mod generate;
mod input;
mod lint;
mod load;
mod model;
mod naming;
mod postprocess;
mod preview;
mod registry;
mod report;
mod settings;
mod status;
mod surface;

pub use changes::{ApiChange, Version, changelog, check_version, compare};
pub use diagnostic::Diagnostic;
pub use emit::GeneratedFile;
pub use registry::{REGISTRY_CRATE, registry_crate};
pub use settings::{CredentialSettings, ExampleSettings, ProviderSettings, parse_settings};

/// Generates one provider's client crate.
///
/// `spec_path` names the spec in messages and file headers (`specs/openai.yaml`);
/// `spec_text` is its content. Returns the crate's files, sorted by path, or every
/// problem found.
pub fn generate_crate(
    spec_path: &str,
    spec_text: &str,
    settings: &ProviderSettings,
) -> Result<Vec<GeneratedFile>, Vec<Diagnostic>> {
    let spec = load::load(spec_path, spec_text).map_err(|d| vec![d])?;
    let spec = load::exclude(spec_path, spec, &settings.exclude).map_err(|d| vec![d])?;
    let spec = load::name_inline_error_schemas(spec_path, spec).map_err(|d| vec![d])?;
    let mut problems = lint::lint(spec_path, &spec);
    // Every refusal inside an operation can also be met by leaving it out.
    for problem in &mut problems {
        if let Some(id) = problem
            .location
            .as_deref()
            .and_then(|at| at.split("(operation ").nth(1))
            .and_then(|rest| rest.split(')').next())
        {
            let hint = format!(
                "or leave the operation out: `exclude = [\"{id}\"]` for [{}] in specs/providers.toml",
                settings.key
            );
            problem.help = Some(match problem.help.take() {
                Some(help) => format!("{help}; {hint}"),
                None => hint,
            });
        }
    }
    problems.extend(check_settings(spec_path, &spec.api, settings));
    if !problems.is_empty() {
        return Err(problems);
    }
    let context = context::Context::new(&spec.api, settings);
    let syntax = generate::generate(spec_path, &spec.api, &context).map_err(|d| vec![d])?;
    emit::files(spec_path, &context, &syntax).map_err(|e| vec![Diagnostic::new(spec_path, e)])
}

/// `name` as a TOML key: bare where TOML allows, quoted otherwise.
fn toml_key(name: &str) -> String {
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

/// The settings must cover the spec: a credential entry per security scheme, and an
/// example that calls a real operation.
fn check_settings(
    spec_path: &str,
    api: &openapiv3::OpenAPI,
    settings: &ProviderSettings,
) -> Vec<Diagnostic> {
    let file = "specs/providers.toml";
    let mut problems = Vec::new();
    for credential in model::credentials(api) {
        if !settings.credentials.contains_key(&credential.scheme) {
            problems.push(
                Diagnostic::new(
                    file,
                    format!(
                        "{spec_path} requires security scheme `{}`, which has no credential entry",
                        credential.scheme
                    ),
                )
                .at(format!("[{}]", settings.key))
                .help(format!(
                    "add `credentials.{} = {{ setter = \"api_key\", env = \"{}_API_KEY\" }}`",
                    toml_key(&credential.scheme),
                    settings.env_prefix
                )),
            );
        }
    }
    let operations = model::operations(api);
    let mut methods: std::collections::BTreeMap<String, &str> = operations
        .iter()
        .filter(|op| !settings.methods.contains_key(&op.id))
        .map(|op| (op.method.clone(), op.id.as_str()))
        .collect();
    for (id, method) in &settings.methods {
        let at = format!("[{}.methods] {}", settings.key, toml_key(id));
        if !operations.iter().any(|op| op.id == *id) {
            problems.push(
                Diagnostic::new(file, format!("`{id}` is not an operationId of {spec_path}"))
                    .at(at.clone())
                    .help("name an operation by its operationId, as written in the spec"),
            );
        }
        if naming::method_name(method) != *method {
            problems.push(
                Diagnostic::new(file, format!("`{method}` is not a method name"))
                    .at(at.clone())
                    .help(format!(
                        "use a snake_case Rust identifier, e.g. `{}`",
                        naming::method_name(method)
                    )),
            );
        }
        if let Some(other) = methods.insert(method.clone(), id) {
            problems.push(
                Diagnostic::new(
                    file,
                    format!("`{id}` and `{other}` would both be the method `{method}`"),
                )
                .at(at)
                .help("give each operation its own method name"),
            );
        }
    }
    if let Some(example) = &settings.example {
        let at = format!("[{}.example]", settings.key);
        match operations.iter().find(|op| op.id == example.operation) {
            None => problems.push(
                Diagnostic::new(
                    file,
                    format!(
                        "example operation `{}` is not in {spec_path}",
                        example.operation
                    ),
                )
                .at(format!("{at} operation")),
            ),
            Some(operation) => {
                // The example must run: every required parameter has an argument.
                for parameter in &operation.parameters {
                    if parameter.required
                        && parameter.default.is_none()
                        && !example.args.contains_key(&parameter.name)
                    {
                        problems.push(
                            Diagnostic::new(
                                file,
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
                        problems.push(
                            Diagnostic::new(
                                file,
                                format!("`{name}` is not a parameter of `{}`", example.operation),
                            )
                            .at(format!("{at} args")),
                        );
                    }
                }
            }
        }
    }
    problems
}
