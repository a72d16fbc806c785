//! UsageKit's generator: an OpenAPI spec in, the files of a typed Rust client
//! crate out. Pure: no file or network I/O; `xtask` reads and writes.
//!
//! A spec travels through one module per stage, and imports point only down
//! this list:
//!
//! 1. `spec`: text to a typed document (parsing, `exclude`, inline schemas named;
//!    the one `$ref` resolver and walker, status classes);
//! 2. `analyze`: one pass that yields the model and every problem together;
//! 3. `typify`: the types, and the only code that knows typify's shapes (its
//!    input, settings and the counted edits of its output);
//! 4. `items`: UsageKit's own Rust (client, operations' builders and `send`,
//!    pagination, setters, enums, `SERVICE`), built with `quote!`, and the
//!    generated module they make with the types;
//! 5. `files`: one module per emitted file (manifest, `lib.rs`, README, example);
//! 6. `semver`: the change report against the committed crate.
//!
//! Beside them, used by all: `diagnostic`, `settings` (`specs/providers.toml`),
//! `naming` (the Rust names a spec's names become).

mod analyze;
mod diagnostic;
mod files;
mod items;
mod naming;
mod semver;
mod settings;
mod spec;
mod typify;

pub use diagnostic::{Diagnostic, Location};
pub use files::{GeneratedFile, REGISTRY_CRATE, SchemasCrate, registry_crate};
pub use semver::{ApiChange, Version, changelog, check_version, compare};
pub use settings::{
    CredentialSettings, ExampleSettings, FeatureSplit, ProviderSettings, Unsupported,
    parse_settings,
};
pub use spec::examples::{ResponseExample, normalized_document, response_examples};

/// A generated crate, and what the generator has to say about it.
#[derive(Debug)]
pub struct Outcome {
    /// The crate's files, sorted by path.
    pub files: Vec<GeneratedFile>,
    /// Operations left out (`unsupported = "skip"`), each with its reason.
    pub left_out: Vec<Diagnostic>,
    /// What was read differently from the letter of the document, or not
    /// generated (webhooks, callbacks), each with its place.
    pub notes: Vec<Diagnostic>,
    /// The cargo features that split the operations by tag, each with how many
    /// operations it compiles (empty: one piece).
    pub features: Vec<(String, usize)>,
    /// The component schemas no operation uses, as a crate of their own beside
    /// the client (`<crate>-schemas`), when tags split the client and there are any.
    pub schemas: Option<SchemasCrate>,
}

/// Generates one provider's client crate.
///
/// `spec_path` names the spec in messages and file headers (`specs/openai.yaml`);
/// `spec_text` is its content. Returns the crate, or every problem found.
pub fn generate_crate(
    spec_path: &str,
    spec_text: &str,
    settings: &ProviderSettings,
) -> Result<Outcome, Vec<Diagnostic>> {
    let spec = spec::read(spec_path, spec_text, &settings.exclude).map_err(|d| vec![d])?;
    let analyze::Analysis {
        model,
        mut notes,
        left_out,
    } = analyze::analyze(spec_path, &spec, settings)?;
    let mut types = typify::generate(spec_path, &spec.api, &model).map_err(|d| vec![d])?;
    notes.append(&mut types.notes);
    let generated = |e: String| vec![Diagnostic::new(spec_path, e)];
    let features = model
        .features
        .iter()
        .map(|feature| {
            let operations = model
                .operations
                .iter()
                .filter(|operation| operation.features.contains(&feature.name))
                .count();
            (feature.name.clone(), operations)
        })
        .collect();
    let modules = items::module(&model, types).map_err(generated)?;
    let (files, schemas) =
        files::crate_files(spec_path, &model, modules, &left_out).map_err(generated)?;
    Ok(Outcome {
        files,
        schemas,
        left_out,
        notes,
        features,
    })
}
