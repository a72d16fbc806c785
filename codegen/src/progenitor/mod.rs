//! The only code that knows progenitor's and typify's shapes: their settings,
//! the spec as they should see it (`input`), and the counted edits of their
//! output (`edits`) that put UsageKit's own items (`crate::items`) in place.
//!
//! progenitor gets a copy of the spec without error responses (the runtime decodes
//! those, so `send` can report the operation and status) and with discriminated
//! unions replaced by types generated in `items`.

mod edits;
pub mod input;

use std::panic::{AssertUnwindSafe, catch_unwind};

use openapiv3::OpenAPI;
use progenitor::{GenerationSettings, Generator, InterfaceStyle, TagStyle};

use crate::analyze::Model;
use crate::diagnostic::Diagnostic;

pub fn generate(file: &str, api: &OpenAPI, model: &Model<'_>) -> Result<syn::File, Diagnostic> {
    let (input, renamed) = input::progenitor_input(api, model);
    let settings = progenitor_settings(model);

    let generated = catch_unwind(AssertUnwindSafe(|| {
        Generator::new(&settings).generate_tokens(&input)
    }));

    let tokens = match generated {
        Ok(Ok(tokens)) => tokens,
        Ok(Err(e)) => {
            return Err(Diagnostic::new(
                file,
                format!("progenitor cannot generate this spec: {e}"),
            ));
        }
        Err(panic) => {
            let reason = panic
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| panic.downcast_ref::<&str>().copied())
                .unwrap_or("(no message)");
            return Err(Diagnostic::new(
                file,
                format!("progenitor panicked while generating the {} client: {reason}", model.settings.name),
            )
            .help("this input got past the lints; simplify the construct progenitor names, and report it so a lint can catch it"));
        }
    };

    let mut syntax: syn::File = syn::parse2(tokens).map_err(|e| {
        Diagnostic::new(
            file,
            format!("progenitor produced code that does not parse: {e}"),
        )
    })?;
    edits::apply(&mut syntax, model, &renamed).map_err(|e| {
        Diagnostic::new(file, e).help(
            "progenitor's output changed shape: see \"Bumping progenitor\" in ARCHITECTURE.md",
        )
    })?;
    Ok(syntax)
}

fn progenitor_settings(model: &Model<'_>) -> GenerationSettings {
    let mut settings = GenerationSettings::default();
    settings
        .with_interface(InterfaceStyle::Builder)
        .with_tag(TagStyle::Merged)
        .with_hooks(progenitor::HooksMode::Expected)
        .with_inner_type(quote::quote!(usagekit_runtime::Runtime))
        .with_derive("PartialEq");
    let (krate, version, _) = input::DECIMAL_CRATE;
    if let Some(version) = progenitor::CrateVers::parse(version) {
        settings.with_crate(krate, version, None);
    }
    for (name, new) in &model.renamed_types {
        settings.with_patch(name, progenitor::TypePatch::default().with_rename(new));
    }
    for union in &model.unions {
        // The union is emitted into `types` from `items`; typify only refers to it.
        settings.with_replacement(
            &union.type_name,
            format!("crate::types::{}", union.type_name),
            std::iter::empty(),
        );
    }
    settings
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    /// Every identifier in a token stream, nested groups included.
    fn idents(tokens: proc_macro2::TokenStream, into: &mut BTreeSet<String>) {
        for tree in tokens {
            match tree {
                proc_macro2::TokenTree::Ident(ident) => {
                    into.insert(ident.to_string());
                }
                proc_macro2::TokenTree::Group(group) => idents(group.stream(), into),
                _ => {}
            }
        }
    }

    /// The names `edits` rely on are in progenitor's raw output; a bump
    /// of progenitor that renames one fails here, naming it.
    #[test]
    fn progenitor_surface() {
        let text = include_str!("../../tests/fixtures/ok_basic.yaml");
        let spec = crate::spec::load("ok_basic.yaml", text).unwrap();
        let settings = crate::ProviderSettings {
            key: "fixture".into(),
            spec: "ok_basic.yaml".into(),
            crate_name: "fixture".into(),
            version: "0.1.0".into(),
            name: "Fixture".into(),
            description: "A fixture".into(),
            env_prefix: "FIXTURE".into(),
            credentials: [(
                "Bearer".to_owned(),
                crate::CredentialSettings {
                    setter: "token".into(),
                    env: "FIXTURE_TOKEN".into(),
                },
            )]
            .into(),
            example: None,
            retry_statuses: None,
            default_headers: Default::default(),
            methods: Default::default(),
            exclude: Vec::new(),
            unsupported: Default::default(),
        };
        let model = crate::analyze::analyze("ok_basic.yaml", &spec, &settings).unwrap();
        let (input, _) = input::progenitor_input(&spec.api, &model);
        let tokens = Generator::new(&progenitor_settings(&model))
            .generate_tokens(&input)
            .unwrap();
        let mut seen = BTreeSet::new();
        idents(tokens, &mut seen);
        let missing: Vec<&str> = edits::PROGENITOR_NAMES
            .iter()
            .copied()
            .filter(|name| !seen.contains(*name))
            .collect();
        assert!(
            missing.is_empty(),
            "progenitor no longer emits {missing:?}: update progenitor/edits"
        );
    }
}
