//! The one module that knows the shape of progenitor's output. Every edit says
//! how many places it must change, computed from the spec; a different count is a
//! generator error naming the edit, so a progenitor upgrade that moves something
//! fails loudly instead of silently skipping an edit. Edits match syntax, never
//! printed token text. [`PROGENITOR_NAMES`] lists every name relied on; a test
//! checks them against progenitor's raw output. The edits, each for a reason a
//! user would notice:
//!
//! - no `api-version` header: only what the spec or the user asks for is sent;
//! - array headers comma-joined (OpenAPI's `simple` style);
//! - a required parameter with a `default` sends it when unset;
//! - properties renamed by `input` get their wire names back;
//! - no `Client::new`: it panics on a bad TLS setup and skips credentials — the
//!   generated `ClientBuilder` is the one way in;
//! - progenitor's `Error` stays private: `send` returns `usagekit_runtime::Error`,
//!   which knows the operation, the status and the decoded error body;
//! - query parameters are encoded in one pass by `usagekit_runtime::QueryString`
//!   instead of one URL rewrite per parameter (measured in BENCHMARKS.md);
//! - each builder's `send` becomes `dispatch`, wrapped by UsageKit's `send` (`items`);
//! - response enums are open (`Unknown(String)`).

mod builders;
mod client;
mod docs;
mod headers;
mod open_enums;
mod query;
mod wire_names;

use std::collections::BTreeSet;

use syn::{Expr, File, Item};

use super::input::RenamedProperty;
use crate::analyze::Model;
use crate::items;

/// Every name in progenitor's output the edits below rely on (checked by
/// `generate::tests::progenitor_surface`).
#[cfg(test)]
pub const PROGENITOR_NAMES: &[&str] = &[
    // modules and items
    "types",
    "prelude",
    "builder",
    "Client",
    "new",
    "new_with_client",
    "progenitor_client",
    "Error",
    "ResponseValue",
    // inside each builder's `send`
    "send",
    "OperationInfo",
    "operation_id",
    "header_map",
    "append",
    "from_static",
    "to_string",
    "try_into",
    "query",
    "request",
    "map_err",
    "TryInto",
    "InvalidRequest",
];

/// A failed edit, named.
fn miss(edit: &str, expected: usize, found: usize) -> String {
    format!("edit `{edit}` expected {expected} place(s) in progenitor's output and found {found}")
}

fn check(edit: &str, expected: usize, found: usize) -> Result<(), String> {
    if expected == found {
        Ok(())
    } else {
        Err(miss(edit, expected, found))
    }
}

/// Every edit, in order, then UsageKit's own items where they belong.
pub fn apply(
    file: &mut File,
    model: &Model<'_>,
    renamed: &[RenamedProperty],
) -> Result<(), String> {
    docs::link_bare_urls(file);
    headers::apply(file, model)?;
    query::apply(file, model)?;
    wire_names::restore(file, renamed)?;
    client::replace_prelude(file)?;
    client::remove_constructors(file)?;
    client::privatise_raw_error(file)?;
    client::allow_unused_types_import(file)?;
    let mut response_roots = builders::wrap(file, model)?;
    for operation in &model.operations {
        if let Some(errors) = &operation.errors {
            response_roots.extend(errors.body_types().into_iter().map(str::to_owned));
        }
    }
    for union in &model.unions {
        response_roots.extend(union.variants.iter().map(|v| v.type_name.clone()));
    }
    let mut request_roots = BTreeSet::new();
    for item in module_items(file, "builder")?.iter() {
        if let Item::Struct(builder) = item {
            for field in &builder.fields {
                request_roots.extend(type_idents(&field.ty));
            }
        }
    }
    open_enums::apply(file, &response_roots, &request_roots)?;
    docs::allow_lowercase_variants(module_items(file, "types")?);
    module_items(file, "types")?.extend(items::type_items(model)?);
    file.items
        .extend(items::client_items(model, &client::constructor())?);
    docs::space(file);
    Ok(())
}

/// The items of progenitor's inline `mod name { … }` (`types`, `builder`).
fn module_items<'f>(file: &'f mut File, name: &str) -> Result<&'f mut Vec<Item>, String> {
    file.items
        .iter_mut()
        .find_map(|item| match item {
            Item::Mod(m) if m.ident == name => m.content.as_mut().map(|(_, items)| items),
            _ => None,
        })
        .ok_or_else(|| format!("progenitor output has no `{name}` module"))
}

/// A string literal's value.
fn lit_str(expr: &Expr) -> Option<String> {
    match expr {
        Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(value),
            ..
        }) => Some(value.value()),
        _ => None,
    }
}

/// Every identifier in a type's paths (`ResponseValue<Vec<types::Page>>` gives
/// `ResponseValue`, `Vec`, `types`, `Page`).
fn type_idents(ty: &syn::Type) -> BTreeSet<String> {
    struct Idents(BTreeSet<String>);
    impl syn::visit_mut::VisitMut for Idents {
        fn visit_path_segment_mut(&mut self, segment: &mut syn::PathSegment) {
            self.0.insert(segment.ident.to_string());
            syn::visit_mut::visit_path_segment_mut(self, segment);
        }
    }
    let mut idents = Idents(BTreeSet::new());
    syn::visit_mut::VisitMut::visit_type_mut(&mut idents, &mut ty.clone());
    idents.0
}
