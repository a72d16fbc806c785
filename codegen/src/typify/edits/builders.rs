//! Builders where users build: typify gives every struct a builder (a struct of
//! `Result`s, a setter per field, two conversions), over half of a big API's
//! lines and a large share of its compile time (BENCHMARKS.md, "Big documents").
//! Request bodies and what they contain keep theirs (`body_map` and nested
//! values use them); what users only receive is built by decoding, or with a
//! literal inside the crate, and loses it.

use std::collections::BTreeSet;

use syn::{ImplItem, Item};

use super::Graph;

/// The last identifier of an impl's self type (`super::Row` gives `Row`).
fn self_name(imp: &syn::ItemImpl) -> Option<String> {
    match &*imp.self_ty {
        syn::Type::Path(path) => path.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

fn is_builder_fn(item: &ImplItem) -> bool {
    matches!(item, ImplItem::Fn(f) if f.sig.ident == "builder" && f.sig.inputs.is_empty())
}

/// Drops the builder of every struct no request reaches: its `builder()`, and
/// in `mod builder` the struct and every impl for it. Counted: each dropped
/// `builder()` has its builder struct.
pub(super) fn apply(items: &mut Vec<Item>, request_roots: &BTreeSet<String>) -> Result<(), String> {
    let kept = Graph::new(items).reach(request_roots);
    let dropped = |name: &str| !kept.contains(name);

    let mut functions = 0;
    items.retain_mut(|item| {
        let Item::Impl(imp) = item else { return true };
        if imp.trait_.is_some() || !self_name(imp).is_some_and(|name| dropped(&name)) {
            return true;
        }
        let before = imp.items.len();
        imp.items.retain(|inner| !is_builder_fn(inner));
        functions += before - imp.items.len();
        !imp.items.is_empty()
    });

    let mut structs = 0;
    let mut module_found = false;
    for item in items.iter_mut() {
        if let Item::Mod(module) = item
            && module.ident == "builder"
            && let Some((_, content)) = &mut module.content
        {
            module_found = true;
            content.retain(|inner| match inner {
                Item::Struct(s) if dropped(&s.ident.to_string()) => {
                    structs += 1;
                    false
                }
                Item::Impl(imp) => !self_name(imp).is_some_and(|name| dropped(&name)),
                _ => true,
            });
        }
    }
    // Nothing left to build: no empty module behind.
    items.retain(|item| {
        !matches!(item, Item::Mod(module)
            if module.ident == "builder"
                && module.content.as_ref().is_some_and(|(_, c)| c.is_empty()))
    });
    if functions != structs || (functions > 0 && !module_found) {
        return Err(format!(
            "edit `builders` expected a builder struct for each of the {functions} `builder()` functions it dropped in typify's output, found {structs}"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use quote::quote;

    use super::*;

    #[test]
    fn only_what_requests_reach_keeps_its_builder() {
        let mut items: Vec<Item> = syn::parse2::<syn::File>(quote! {
            pub struct Body { pub item: Item }
            pub struct Item { pub name: String }
            pub struct Page { pub rows: Vec<Row> }
            pub struct Row { pub name: String }
            impl Body { pub fn builder() -> builder::Body { Default::default() } }
            impl Item { pub fn builder() -> builder::Item { Default::default() } }
            impl Page { pub fn builder() -> builder::Page { Default::default() } }
            impl Row {
                pub fn builder() -> builder::Row { Default::default() }
                pub fn name(&self) -> &str { &self.name }
            }
            impl ::std::fmt::Display for Row {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result { Ok(()) }
            }
            pub mod builder {
                pub struct Body { item: Result<super::Item, String> }
                impl Default for Body { fn default() -> Self { todo!() } }
                impl TryFrom<Body> for super::Body { type Error = String; fn try_from(v: Body) -> Result<Self, String> { todo!() } }
                pub struct Item { name: Result<String, String> }
                impl From<super::Item> for Item { fn from(v: super::Item) -> Self { todo!() } }
                pub struct Page { rows: Result<Vec<super::Row>, String> }
                impl Default for Page { fn default() -> Self { todo!() } }
                impl Page { pub fn rows(self) -> Self { self } }
                impl TryFrom<Page> for super::Page { type Error = String; fn try_from(v: Page) -> Result<Self, String> { todo!() } }
                impl From<super::Page> for Page { fn from(v: super::Page) -> Self { todo!() } }
                pub struct Row { name: Result<String, String> }
                impl TryFrom<Row> for super::Row { type Error = String; fn try_from(v: Row) -> Result<Self, String> { todo!() } }
            }
        })
        .unwrap()
        .items;
        let roots = BTreeSet::from(["Body".to_owned()]);
        apply(&mut items, &roots).unwrap();
        let code = quote!(#(#items)*).to_string();
        let builders = code.matches("fn builder ()").count();
        assert_eq!(builders, 2, "{code}");
        for kept in ["struct Body", "struct Item", "impl Body", "impl Item"] {
            assert!(code.contains(kept), "{kept} missing: {code}");
        }
        assert!(!code.contains("for super :: Page"), "{code}");
        assert!(!code.contains("for super :: Row"), "{code}");
        assert!(!code.contains("impl Page { pub fn rows"), "{code}");
        // Row's other methods and trait impls stay.
        assert!(code.contains("impl Row { pub fn name"), "{code}");
        assert!(code.contains("Display for Row"), "{code}");

        // Nothing requested: the module goes.
        let mut none: Vec<Item> = vec![
            syn::parse_quote! { pub struct Row { pub name: String } },
            syn::parse_quote! { impl Row { pub fn builder() -> builder::Row { Default::default() } } },
            syn::parse_quote! { pub mod builder { pub struct Row { name: Result<String, String> } } },
        ];
        apply(&mut none, &BTreeSet::new()).unwrap();
        assert_eq!(none.len(), 1);

        // A `builder()` without its struct is typify's shape changing.
        let mut moved: Vec<Item> = vec![
            syn::parse_quote! { pub struct Row { pub name: String } },
            syn::parse_quote! { impl Row { pub fn builder() -> builder::Row { Default::default() } } },
        ];
        let error = apply(&mut moved, &BTreeSet::new()).unwrap_err();
        assert!(error.contains("edit `builders`"), "{error}");
    }
}
