//! Stage 3: progenitor, then UsageKit's own additions to its output.
//!
//! progenitor gets a copy of the spec without error responses (the runtime decodes
//! those, so `send` can report the operation and status) and with discriminated
//! unions replaced by types generated in `extras`.

use std::panic::{AssertUnwindSafe, catch_unwind};

use openapiv3::{OpenAPI, StatusCode};
use progenitor::{GenerationSettings, Generator, InterfaceStyle, TagStyle};

use crate::context::Context;
use crate::diagnostic::Diagnostic;
use crate::extras;
use crate::postprocess;

pub fn generate(file: &str, api: &OpenAPI, context: &Context<'_>) -> Result<syn::File, Diagnostic> {
    let input = progenitor_input(api);
    let mut settings = GenerationSettings::default();
    settings
        .with_interface(InterfaceStyle::Builder)
        .with_tag(TagStyle::Merged)
        .with_hooks(progenitor::HooksMode::Expected)
        .with_inner_type(quote::quote!(usagekit_runtime::Runtime))
        .with_derive("PartialEq");
    for union in &context.unions {
        // The union is emitted into `types` by `extras`; typify only refers to it.
        settings.with_replacement(
            &union.type_name,
            format!("crate::types::{}", union.type_name),
            std::iter::empty(),
        );
    }

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
    postprocess::apply(&mut syntax, context).map_err(|e| Diagnostic::new(file, e))?;
    extras::append(&mut syntax, context);
    Ok(syntax)
}

/// The spec as progenitor should see it: success responses only.
fn progenitor_input(api: &OpenAPI) -> OpenAPI {
    let mut input = api.clone();
    for (_, item) in input.paths.paths.iter_mut() {
        let openapiv3::ReferenceOr::Item(item) = item else {
            continue;
        };
        for operation in [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.options,
            &mut item.head,
            &mut item.patch,
            &mut item.trace,
        ]
        .into_iter()
        .flatten()
        {
            operation.responses.default = None;
            operation
                .responses
                .responses
                .retain(|status, _| match status {
                    StatusCode::Code(code) => *code < 400,
                    StatusCode::Range(range) => *range < 4,
                });
        }
    }
    input
}
