//! One type per shape: big documents repeat inline schemas (GitHub's spec has 846
//! copies of one `read`/`write` enum, a third of its 4,000 enums are copies).
//! typify gives each a type of its own, with its derives and conversions, and
//! rustc checks every one. A type identical to an earlier one (the same fields or
//! variants, attributes and impls, up to its name and its documentation) becomes
//! `pub type Copy = Original;` with its own documentation: every name users
//! know stays, `Copy::Variant` included, and the copy's code is gone.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::Ident;
use quote::ToTokens;
use syn::visit_mut::VisitMut;
use syn::{ImplItem, Item};

/// The last identifier of an impl's self type.
fn self_name(imp: &syn::ItemImpl) -> Option<String> {
    match &*imp.self_ty {
        syn::Type::Path(path) => path.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

/// The item with `own` as `Self_` and every alias as its original where a
/// path names a type (`Checks`, `super::Checks`, `Vec<Checks>`; never a variant,
/// as in `Self::Checks`), as text.
fn normalized(item: &Item, own: &str, aliases: &BTreeMap<String, String>) -> String {
    struct Names<'a> {
        own: &'a str,
        aliases: &'a BTreeMap<String, String>,
    }
    impl VisitMut for Names<'_> {
        fn visit_path_mut(&mut self, path: &mut syn::Path) {
            for segment in path.segments.iter_mut() {
                let name = segment.ident.to_string();
                let new = if name == self.own {
                    Some("Self_")
                } else {
                    self.aliases.get(&name).map(String::as_str)
                };
                if let Some(new) = new {
                    segment.ident = Ident::new(new, segment.ident.span());
                }
                // After the first segment that is not a module, the rest name
                // variants and items, not types.
                if !matches!(name.as_str(), "super" | "crate" | "self" | "types") {
                    break;
                }
            }
            for segment in path.segments.iter_mut() {
                self.visit_path_arguments_mut(&mut segment.arguments);
            }
        }
    }
    let mut item = item.clone();
    Names { own, aliases }.visit_item_mut(&mut item);
    item.into_token_stream().to_string()
}

fn is_doc(attr: &syn::Attribute) -> bool {
    attr.path().is_ident("doc")
}

/// The struct or enum's name, and the item without its outer documentation.
fn shape(item: &Item) -> Option<(String, Item)> {
    match item {
        Item::Struct(s) => {
            let mut s = s.clone();
            s.attrs.retain(|a| !is_doc(a));
            let self_ = Ident::new("Self_", s.ident.span());
            let name = std::mem::replace(&mut s.ident, self_);
            Some((name.to_string(), Item::Struct(s)))
        }
        Item::Enum(e) => {
            let mut e = e.clone();
            e.attrs.retain(|a| !is_doc(a));
            let self_ = Ident::new("Self_", e.ident.span());
            let name = std::mem::replace(&mut e.ident, self_);
            Some((name.to_string(), Item::Enum(e)))
        }
        _ => None,
    }
}

/// Replaces every type identical to an earlier one by an alias of it, until none
/// is left; returns how many became aliases. Types another type's impl names
/// (`impl From<A> for Union`) and types with a builder keep their own.
pub(super) fn apply(items: &mut Vec<Item>) -> usize {
    // Each type's own impls, and the types some other impl names.
    let mut own_impls: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    let mut pinned: BTreeSet<String> = BTreeSet::new();
    for (index, item) in items.iter().enumerate() {
        if let Item::Impl(imp) = item {
            let owner = self_name(imp);
            let mut header = super::type_idents(&imp.self_ty);
            if let Some((path, _)) = &imp.trait_ {
                let path: syn::Type = syn::parse_quote!(#path);
                header.extend(super::type_idents(&path));
            }
            header.retain(|name| Some(name) != owner.as_ref());
            pinned.extend(header);
            if let Some(owner) = owner {
                own_impls.entry(owner).or_default().push(index);
            }
            let builds = imp
                .items
                .iter()
                .any(|inner| matches!(inner, ImplItem::Fn(f) if f.sig.ident == "builder"));
            if builds && let Some(owner) = self_name(imp) {
                pinned.insert(owner);
            }
        }
    }

    let mut aliases: BTreeMap<String, String> = BTreeMap::new();
    loop {
        let mut first: BTreeMap<String, String> = BTreeMap::new();
        let mut found = Vec::new();
        for item in items.iter() {
            let Some((name, bare)) = shape(item) else {
                continue;
            };
            if pinned.contains(&name) || aliases.contains_key(&name) {
                continue;
            }
            let mut key = normalized(&bare, &name, &aliases);
            let mut impls: Vec<String> = own_impls
                .get(&name)
                .into_iter()
                .flatten()
                .map(|&index| normalized(&items[index], &name, &aliases))
                .collect();
            impls.sort();
            for imp in impls {
                key.push('\n');
                key.push_str(&imp);
            }
            match first.get(&key) {
                Some(original) => found.push((name, original.clone())),
                None => {
                    first.insert(key, name);
                }
            }
        }
        if found.is_empty() {
            break;
        }
        aliases.extend(found);
    }
    if aliases.is_empty() {
        return 0;
    }

    let count = aliases.len();
    items.retain_mut(|item| match item {
        Item::Impl(imp) => !self_name(imp).is_some_and(|name| aliases.contains_key(&name)),
        Item::Struct(syn::ItemStruct { ident, attrs, .. })
        | Item::Enum(syn::ItemEnum { ident, attrs, .. }) => {
            if let Some(original) = aliases.get(&ident.to_string()) {
                let original = syn::Ident::new(original, ident.span());
                let docs = attrs.iter().filter(|a| is_doc(a));
                *item = syn::parse_quote! {
                    #(#docs)*
                    pub type #ident = #original;
                };
            }
            true
        }
        _ => true,
    });
    count
}

#[cfg(test)]
mod tests {
    use proc_macro2::TokenStream;
    use quote::quote;

    use super::*;

    fn items(tokens: TokenStream) -> Vec<Item> {
        syn::parse2::<syn::File>(tokens).unwrap().items
    }

    #[test]
    fn copies_become_aliases_and_keep_their_names_and_docs() {
        let mut code = items(quote! {
            /// Who may read.
            #[derive(Clone, Debug)]
            pub enum Actions { #[serde(rename = "read")] Read, #[serde(rename = "write")] Write }
            impl ::std::fmt::Display for Actions {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    match self { Self::Read => f.write_str("read"), Self::Write => f.write_str("write") }
                }
            }
            /// Who may write.
            #[derive(Clone, Debug)]
            pub enum Checks { #[serde(rename = "read")] Read, #[serde(rename = "write")] Write }
            impl ::std::fmt::Display for Checks {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    match self { Self::Read => f.write_str("read"), Self::Write => f.write_str("write") }
                }
            }
            // The same variants with another default: not a copy.
            #[derive(Clone, Debug)]
            pub enum Other { #[serde(rename = "read")] Read, #[serde(rename = "write")] Write }
            impl ::std::default::Default for Other { fn default() -> Self { Self::Write } }
            // Structs that differ only in which copy they hold are copies too.
            pub struct App { pub actions: Actions }
            pub struct Bot { pub actions: Checks }
            // A union's conversion names its variant type: it keeps its own.
            pub enum Pinned { A }
            pub enum PinnedToo { A }
            impl From<Pinned> for Union { fn from(value: Pinned) -> Self { todo!() } }
            // Variants named like types are names, not types: not copies.
            pub enum HoldsActions { Actions(Actions) }
            pub enum HoldsChecks { Checks(Checks) }
        });
        assert_eq!(apply(&mut code), 2);
        let text = quote!(#(#code)*).to_string();
        assert!(
            text.contains("# [doc = r\" Who may write.\"] pub type Checks = Actions ;"),
            "{text}"
        );
        assert!(text.contains("pub type Bot = App ;"), "{text}");
        assert!(text.contains("pub enum PinnedToo"), "{text}");
        assert!(text.contains("pub enum HoldsChecks"), "{text}");
        assert!(text.contains("pub enum Other"), "{text}");
        assert_eq!(text.matches("Display for").count(), 1, "{text}");
        assert!(text.contains("impl From < Pinned > for Union"), "{text}");
    }
}
