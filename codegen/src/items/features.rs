//! The `#[cfg(feature = …)]`s of a crate split by tag (`analyze/features`): each
//! operation's code under the features of its tags, each type under the features
//! of the operations that reach it (shared types under all of them, types no
//! operation reaches under `schemas`), each impl and helper under what it names.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::quote;
use syn::{Attribute, Item};

use crate::analyze::Model;
use crate::analyze::features::SCHEMAS;
use crate::typify::{Graph, OperationTypes, operation_roots, type_idents};

/// When a type or operation compiles: always, or with any of these features.
type Condition = Option<BTreeSet<String>>;

/// The attribute for "any of `features`"; `None` when unconditional.
fn any(features: &BTreeSet<String>) -> TokenStream {
    match features.first() {
        Some(one) if features.len() == 1 => quote!(feature = #one),
        _ => {
            let features = features.iter();
            quote!(any(#(feature = #features),*))
        }
    }
}

/// `#[cfg(…)]` for all of `conditions`, or nothing; a condition implied by
/// another (a superset of its features) is left out.
fn attribute(conditions: &[&BTreeSet<String>]) -> Option<Attribute> {
    let mut kept: Vec<&BTreeSet<String>> = Vec::new();
    for condition in conditions {
        let implied = conditions
            .iter()
            .any(|other| other.is_subset(condition) && (other.len() < condition.len()));
        if !implied && !kept.contains(condition) {
            kept.push(condition);
        }
    }
    kept.sort();
    match kept.as_slice() {
        [] => None,
        [one] => {
            let one = any(one);
            Some(syn::parse_quote!(#[cfg(#one)]))
        }
        many => {
            let many = many.iter().map(|c| any(c));
            Some(syn::parse_quote!(#[cfg(all(#(#many),*))]))
        }
    }
}

/// Each operation's attribute (none when always compiled).
pub fn operations(model: &Model<'_>) -> Vec<Option<Attribute>> {
    model
        .operations
        .iter()
        .map(|operation| {
            let features: BTreeSet<String> = operation.features.iter().cloned().collect();
            attribute(
                &[&features]
                    .into_iter()
                    .filter(|f| !f.is_empty())
                    .collect::<Vec<_>>(),
            )
        })
        .collect()
}

/// Puts every item of the `types` module under the features that need it.
pub fn gate_types(model: &Model<'_>, types: &[OperationTypes], items: &mut [Item]) {
    if model.features.is_empty() {
        return;
    }
    let graph = Graph::new(items);
    let mut conditions: BTreeMap<String, Condition> = BTreeMap::new();
    for (operation, parts) in model.operations.iter().zip(types) {
        let (mut roots, request) = operation_roots(operation, parts);
        roots.extend(request);
        roots.extend(operation.errors.iter().filter_map(|e| e.enum_name.clone()));
        roots.extend(operation.successes().map(|s| s.enum_name.clone()));
        let features: BTreeSet<String> = operation.features.iter().cloned().collect();
        for name in graph.reach(&roots) {
            let condition = conditions
                .entry(name)
                .or_insert_with(|| Some(BTreeSet::new()));
            match (condition, features.is_empty()) {
                (condition, true) => *condition = None,
                (Some(set), false) => set.extend(features.iter().cloned()),
                (None, false) => {}
            }
        }
    }
    let unused = BTreeSet::from([SCHEMAS.to_owned()]);
    let defined = graph.names();
    let condition_of = |name: &str| -> Option<&BTreeSet<String>> {
        match conditions.get(name) {
            Some(condition) => condition.as_ref(),
            None if defined.contains(name) => Some(&unused),
            None => None,
        }
    };
    let gate = |names: &BTreeSet<String>| -> Option<Attribute> {
        let conditions: Vec<&BTreeSet<String>> =
            names.iter().filter_map(|name| condition_of(name)).collect();
        attribute(&conditions)
    };
    gate_items(items, &gate);
}

fn gate_items(items: &mut [Item], gate: &dyn Fn(&BTreeSet<String>) -> Option<Attribute>) {
    for item in items {
        let (attrs, names) = match item {
            Item::Struct(s) => (&mut s.attrs, BTreeSet::from([s.ident.to_string()])),
            Item::Enum(e) => (&mut e.attrs, BTreeSet::from([e.ident.to_string()])),
            Item::Type(t) => (&mut t.attrs, BTreeSet::from([t.ident.to_string()])),
            // An impl needs what its header names (`impl From<A> for B`).
            Item::Impl(imp) => {
                let mut names = type_idents(&imp.self_ty);
                if let Some((path, _)) = &imp.trait_ {
                    let path: syn::Type = syn::parse_quote!(#path);
                    names.extend(type_idents(&path));
                }
                (&mut imp.attrs, names)
            }
            // typify's `defaults` helpers: what their signature and body name.
            Item::Fn(f) => {
                let mut names = BTreeSet::new();
                collect_idents(quote!(#f), &mut names);
                (&mut f.attrs, names)
            }
            Item::Mod(module) => {
                if let Some((_, content)) = &mut module.content {
                    gate_items(content, gate);
                }
                continue;
            }
            _ => continue,
        };
        if let Some(attribute) = gate(&names) {
            attrs.push(attribute);
        }
    }
}

fn collect_idents(tokens: TokenStream, into: &mut BTreeSet<String>) {
    for token in tokens {
        match token {
            proc_macro2::TokenTree::Ident(ident) => {
                into.insert(ident.to_string());
            }
            proc_macro2::TokenTree::Group(group) => collect_idents(group.stream(), into),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(features: &[&str]) -> BTreeSet<String> {
        features.iter().map(|f| (*f).to_owned()).collect()
    }

    #[test]
    fn conditions_join_and_drop_what_another_implies() {
        let issues = set(&["issues"]);
        let shared = set(&["issues", "repos"]);
        let other = set(&["pulls", "repos"]);
        let text = |conditions: &[&BTreeSet<String>]| {
            attribute(conditions)
                .map(|a| quote!(#a).to_string())
                .unwrap_or_default()
        };
        assert_eq!(text(&[]), "");
        assert_eq!(text(&[&issues]), "# [cfg (feature = \"issues\")]");
        // `issues` implies `issues or repos`.
        assert_eq!(
            text(&[&shared, &issues, &issues]),
            "# [cfg (feature = \"issues\")]"
        );
        assert_eq!(
            text(&[&shared, &other]),
            "# [cfg (all (any (feature = \"issues\" , feature = \"repos\") , any (feature = \"pulls\" , feature = \"repos\")))]"
        );
    }
}
