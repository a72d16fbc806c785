//! One module per emitted file of a generated crate: its manifest, `lib.rs`,
//! `generated.rs`, README, example and licences, all in memory. The registry
//! crate that lists every provider is emitted here too.

mod dependencies;
mod docs;
mod example;
pub mod format;
mod lib_rs;
mod manifest;
mod preview;
mod readme;
mod registry;

use crate::analyze::Model;
use crate::diagnostic::Diagnostic;

pub use registry::{REGISTRY_CRATE, registry_crate};

/// One file of a generated crate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    /// Relative to the crate's directory, with `/` separators.
    pub path: String,
    pub contents: String,
}

impl GeneratedFile {
    fn new(path: impl Into<String>, contents: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            contents: contents.into(),
        }
    }
}

/// The crate's files, sorted by path.
pub fn crate_files(
    spec_path: &str,
    model: &Model<'_>,
    mut syntax: syn::File,
    left_out: &[Diagnostic],
) -> Result<Vec<GeneratedFile>, String> {
    docs::link_bare_urls(&mut syntax);
    docs::space(&mut syntax);
    let syntax = &syntax;
    let settings = model.settings;
    let dependencies = dependencies::of(syntax)?;
    let lib = lib_rs::file(&dependencies);
    lib_rs::check_name_clashes(&lib, syntax)?;
    let example = example::call(model)?;
    let summary = example::summary(model);
    let summary_output = preview::summary_table(&settings.key, &model.reports)?;
    let readme = readme::text(
        spec_path,
        model,
        left_out,
        example.as_ref().map(|(_, body)| body.as_str()),
        summary
            .as_ref()
            .map(|(_, body)| (body.as_str(), summary_output.as_deref())),
    )?;
    let mut files = vec![
        GeneratedFile::new(
            "Cargo.toml",
            manifest::client(spec_path, settings, &dependencies, &model.features),
        ),
        GeneratedFile::new("README.md", readme),
        GeneratedFile::new("src/lib.rs", format::rust(spec_path, &lib)),
        GeneratedFile::new("src/generated.rs", format::rust(spec_path, syntax)),
        // The licence texts travel with each crate, as `cargo package` packs only
        // what is in the crate's directory.
        GeneratedFile::new("LICENSE-MIT", include_str!("../../../LICENSE-MIT")),
        GeneratedFile::new("LICENSE-APACHE", include_str!("../../../LICENSE-APACHE")),
    ];
    // The example program: the summary table where the spec maps reports.
    if let Some((file, _)) = summary.or(example) {
        files.push(GeneratedFile::new(
            format!("examples/{}.rs", example::name(settings)),
            format::rust(spec_path, &file),
        ));
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}
