//! Stage 3: progenitor, then UsageKit's own additions to its output.
//!
//! progenitor gets a copy of the spec without error responses (the runtime decodes
//! those, so `send` can report the operation and status) and with discriminated
//! unions replaced by types generated in `extras`.

use std::panic::{AssertUnwindSafe, catch_unwind};

use openapiv3::OpenAPI;
use progenitor::{GenerationSettings, Generator, InterfaceStyle, TagStyle};

use crate::context::Context;
use crate::diagnostic::Diagnostic;
use crate::input;
use crate::postprocess;

pub fn generate(file: &str, api: &OpenAPI, context: &Context<'_>) -> Result<syn::File, Diagnostic> {
    let (input, renamed) = input::progenitor_input(api, &context.settings.methods);
    let settings = progenitor_settings(context);

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
                format!("progenitor panicked while generating the {} client: {reason}", context.settings.name),
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
    postprocess::apply(&mut syntax, context, &renamed).map_err(|e| {
        Diagnostic::new(file, e).help(
            "progenitor's output changed shape: see \"Bumping progenitor\" in ARCHITECTURE.md",
        )
    })?;
    Ok(syntax)
}

fn progenitor_settings(context: &Context<'_>) -> GenerationSettings {
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
    for (name, new) in &context.renamed_types {
        settings.with_patch(name, progenitor::TypePatch::default().with_rename(new));
    }
    for union in &context.unions {
        // The union is emitted into `types` by `extras`; typify only refers to it.
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

    /// The names `postprocess` relies on are in progenitor's raw output; a bump
    /// of progenitor that renames one fails here, naming it.
    #[test]
    fn progenitor_surface() {
        let text = include_str!("../tests/fixtures/ok_basic.yaml");
        let spec = crate::load::load("ok_basic.yaml", text).unwrap();
        let settings = crate::ProviderSettings {
            key: "fixture".into(),
            spec: "ok_basic.yaml".into(),
            crate_name: "fixture".into(),
            version: "0.1.0".into(),
            name: "Fixture".into(),
            description: "A fixture".into(),
            env_prefix: "FIXTURE".into(),
            credentials: Default::default(),
            example: None,
            retry_statuses: None,
            default_headers: Default::default(),
            methods: Default::default(),
            exclude: Vec::new(),
        };
        let context = Context::new(&spec.api, &settings);
        let (input, _) = input::progenitor_input(&spec.api, &Default::default());
        let tokens = Generator::new(&progenitor_settings(&context))
            .generate_tokens(&input)
            .unwrap();
        let mut seen = BTreeSet::new();
        idents(tokens, &mut seen);
        let missing: Vec<&str> = postprocess::PROGENITOR_NAMES
            .iter()
            .copied()
            .filter(|name| !seen.contains(*name))
            .collect();
        assert!(
            missing.is_empty(),
            "progenitor no longer emits {missing:?}: update postprocess.rs"
        );
    }
}
