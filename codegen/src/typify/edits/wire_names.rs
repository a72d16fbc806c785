//! Properties `input` renamed apart get their wire names back.

use quote::ToTokens;
use syn::visit_mut::{self, VisitMut};
use syn::{Expr, Item};

use super::check;
use crate::typify::input::RenamedProperty;

/// typify names a renamed property's field from its `…~n` key and keeps the key
/// as the serde rename; the rename goes back to the wire name.
pub(super) fn restore(items: &mut [Item], renamed: &[RenamedProperty]) -> Result<(), String> {
    struct Restore<'r> {
        renamed: &'r [RenamedProperty],
        restored: usize,
    }
    impl VisitMut for Restore<'_> {
        fn visit_field_mut(&mut self, field: &mut syn::Field) {
            for attr in field
                .attrs
                .iter_mut()
                .filter(|a| a.path().is_ident("serde"))
            {
                let mut rename = None;
                let _ = attr.parse_nested_meta(|meta| {
                    if meta.path.is_ident("rename") {
                        rename = Some(meta.value()?.parse::<syn::LitStr>()?.value());
                    } else if meta.input.peek(syn::Token![=]) {
                        meta.value()?.parse::<Expr>()?;
                    }
                    Ok(())
                });
                if let Some(property) =
                    rename.and_then(|rename| self.renamed.iter().find(|r| r.seen_as == rename))
                {
                    let wire = &property.wire_name;
                    let seen_as = &property.seen_as;
                    let tokens = attr.meta.to_token_stream();
                    // Swap the one string literal; the attribute's other options stay.
                    let swapped: proc_macro2::TokenStream = replace_literal(tokens, seen_as, wire);
                    if let Ok(meta) = syn::parse2(swapped) {
                        attr.meta = meta;
                        self.restored += 1;
                    }
                }
            }
            visit_mut::visit_field_mut(self, field);
        }
    }
    let mut restore = Restore {
        renamed,
        restored: 0,
    };
    for item in items {
        if matches!(item, Item::Struct(_)) {
            restore.visit_item_mut(item);
        }
    }
    check(
        "restore renamed properties' wire names",
        renamed.len(),
        restore.restored,
    )
}

/// The token stream with the string literal `from` replaced by `to`.
fn replace_literal(
    tokens: proc_macro2::TokenStream,
    from: &str,
    to: &str,
) -> proc_macro2::TokenStream {
    tokens
        .into_iter()
        .map(|tree| match tree {
            proc_macro2::TokenTree::Group(group) => {
                let mut replaced = proc_macro2::Group::new(
                    group.delimiter(),
                    replace_literal(group.stream(), from, to),
                );
                replaced.set_span(group.span());
                proc_macro2::TokenTree::Group(replaced)
            }
            proc_macro2::TokenTree::Literal(literal)
                if syn::parse_str::<syn::LitStr>(&literal.to_string())
                    .is_ok_and(|l| l.value() == from) =>
            {
                proc_macro2::TokenTree::Literal(proc_macro2::Literal::string(to))
            }
            other => other,
        })
        .collect()
}
