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
use crate::items::{Modules, Schemas};

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

/// A crate generated beside the client: `<crate>-schemas`, the component schemas
/// no operation uses, when tags split the client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemasCrate {
    pub name: String,
    /// Its files, sorted by path, relative to its own directory (a sibling of
    /// the client's).
    pub files: Vec<GeneratedFile>,
}

/// The crate's files, sorted by path, and its schemas crate's.
pub fn crate_files(
    spec_path: &str,
    model: &Model<'_>,
    modules: Modules,
    left_out: &[Diagnostic],
) -> Result<(Vec<GeneratedFile>, Option<SchemasCrate>), String> {
    let Modules {
        client: mut syntax,
        schemas,
    } = modules;
    let schemas_name = format!("{}-schemas", model.settings.crate_name);
    let schemas = schemas
        .map(|schemas| schemas_crate(spec_path, model, &schemas_name, schemas))
        .transpose()?;
    docs::link_bare_urls(&mut syntax);
    docs::space(&mut syntax);
    let syntax = &syntax;
    let settings = model.settings;
    let dependencies = dependencies::of(syntax, &[])?;
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
        schemas.as_ref().map(|s| s.name.as_str()),
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
    Ok((files, schemas))
}

/// The `<crate>-schemas` crate's files.
fn schemas_crate(
    spec_path: &str,
    model: &Model<'_>,
    name: &str,
    schemas: Schemas,
) -> Result<SchemasCrate, String> {
    let Schemas {
        mut module,
        features,
    } = schemas;
    docs::link_bare_urls(&mut module);
    docs::space(&mut module);
    // The client is a path dependency of its own, not a workspace one.
    let client = model.settings.crate_name.replace('-', "_");
    let dependencies = dependencies::of(&module, &[client.as_str()])?;
    let example_type = first_type(&module);
    let lib: syn::File = syn::parse_quote! {
        #![doc = include_str!("../README.md")]

        #[rustfmt::skip]
        mod generated;

        pub use generated::*;
    };
    let settings = model.settings;
    let mut files = vec![
        GeneratedFile::new(
            "Cargo.toml",
            manifest::schemas(spec_path, settings, name, &dependencies, &features),
        ),
        GeneratedFile::new(
            "README.md",
            readme::schemas(
                spec_path,
                settings,
                name,
                &features,
                example_type.as_deref(),
            ),
        ),
        GeneratedFile::new("src/lib.rs", format::rust(spec_path, &lib)),
        GeneratedFile::new("src/generated.rs", format::rust(spec_path, &module)),
        GeneratedFile::new("LICENSE-MIT", include_str!("../../../LICENSE-MIT")),
        GeneratedFile::new("LICENSE-APACHE", include_str!("../../../LICENSE-APACHE")),
    ];
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(SchemasCrate {
        name: name.to_owned(),
        files,
    })
}

/// The first struct or enum (by name) of the `types` module: the README's example.
fn first_type(module: &syn::File) -> Option<String> {
    let types = module.items.iter().find_map(|item| match item {
        syn::Item::Mod(m) if m.ident == "types" => m.content.as_ref().map(|(_, c)| c),
        _ => None,
    })?;
    types
        .iter()
        .filter_map(|item| match item {
            syn::Item::Struct(s) => Some(s.ident.to_string()),
            syn::Item::Enum(e) => Some(e.ident.to_string()),
            _ => None,
        })
        .min()
}
