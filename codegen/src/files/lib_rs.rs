//! `src/lib.rs`: the README as docs, the generated module, and re-exports.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// Crates whose types appear in generated signatures: re-exported, so users need
/// not add them (at a version that must match) to use a parameter or a field.
pub(super) const REEXPORTED_CRATES: &[&str] = &["chrono", "rust_decimal", "serde_json", "uuid"];

pub(super) fn file(dependencies: &BTreeSet<&str>) -> syn::File {
    // In the order rustfmt sorts them.
    let mut uses: Vec<(String, TokenStream)> = REEXPORTED_CRATES
        .iter()
        .filter(|name| dependencies.contains(**name))
        .map(|name| {
            let ident = format_ident!("{name}");
            ((*name).to_owned(), quote!(pub use #ident;))
        })
        .collect();
    uses.push((
        "generated".into(),
        quote!(
            pub use generated::*;
        ),
    ));
    // Two lines short enough that rustfmt and prettyplease print them alike.
    uses.push((
        "usagekit_runtime::{A".into(),
        quote! {
            pub use usagekit_runtime::{ApiError, ConfigError, Error, ErrorKind, RetryPolicy, Secret};
        },
    ));
    uses.push((
        "usagekit_runtime::{B".into(),
        quote! {
            pub use usagekit_runtime::{ByteStream, File, ResponseValue, Stream, TryStreamExt};
        },
    ));
    uses.push((
        "usagekit_runtime::report".into(),
        quote! {
            /// Usage records, read from this crate's responses as its spec's
            /// `x-usagekit-report` says, and their sums: see [`SERVICE`].
            pub use usagekit_runtime::report;
        },
    ));
    uses.sort_by(|a, b| a.0.cmp(&b.0));
    let uses = uses.into_iter().map(|(_, tokens)| tokens);
    syn::parse_quote! {
        #![doc = include_str!("../README.md")]

        #[rustfmt::skip]
        mod generated;

        #(#uses)*
    }
}

/// Every public name at the crate root, and every type in `types`: two items a
/// user meets must not share a name (`naming::ROOT_NAMES` renames schemas).
pub(super) fn check_name_clashes(lib: &syn::File, generated: &syn::File) -> Result<(), String> {
    fn use_names(tree: &syn::UseTree, into: &mut BTreeSet<String>) {
        match tree {
            syn::UseTree::Path(path) => use_names(&path.tree, into),
            syn::UseTree::Name(name) => {
                into.insert(name.ident.to_string());
            }
            syn::UseTree::Rename(rename) => {
                into.insert(rename.rename.to_string());
            }
            syn::UseTree::Group(group) => group.items.iter().for_each(|t| use_names(t, into)),
            syn::UseTree::Glob(_) => {}
        }
    }
    let mut root = BTreeSet::new();
    let mut types = BTreeSet::new();
    for item in lib.items.iter().chain(&generated.items) {
        match item {
            syn::Item::Use(u) if matches!(u.vis, syn::Visibility::Public(_)) => {
                use_names(&u.tree, &mut root)
            }
            syn::Item::Struct(s) if matches!(s.vis, syn::Visibility::Public(_)) => {
                root.insert(s.ident.to_string());
            }
            syn::Item::Enum(e) if matches!(e.vis, syn::Visibility::Public(_)) => {
                root.insert(e.ident.to_string());
            }
            syn::Item::Mod(m) if m.ident == "types" => {
                for item in m.content.iter().flat_map(|(_, items)| items) {
                    match item {
                        syn::Item::Struct(s) => {
                            types.insert(s.ident.to_string());
                        }
                        syn::Item::Enum(e) => {
                            types.insert(e.ident.to_string());
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    let clashes: Vec<&String> = root.intersection(&types).collect();
    if clashes.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "generated names clash: {clashes:?} are both at the crate root and in `types`; add them to `naming::ROOT_NAMES` (a generator bug)"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_type_named_like_a_root_item_is_refused() {
        let lib = file(&BTreeSet::new());
        let clashing: syn::File = syn::parse_quote!(
            pub mod types {
                pub struct Error {}
            }
        );
        let message = check_name_clashes(&lib, &clashing).unwrap_err();
        assert!(message.contains("\"Error\""), "{message}");
        let fine: syn::File = syn::parse_quote!(
            pub mod types {
                pub struct ErrorObject {}
            }
        );
        assert!(check_name_clashes(&lib, &fine).is_ok());
    }
}
