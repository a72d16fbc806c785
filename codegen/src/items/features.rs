//! The `#[cfg(feature = …)]`s of a crate split by tag (`analyze/features`): each
//! operation's code under the features of its tags, each type under the features
//! of the operations that reach it (shared types under all of them), each impl and
//! helper under what it names. Types no operation reaches leave for the
//! `<crate>-schemas` crate, with the features they need.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::quote;
use syn::{Attribute, Item};

use crate::analyze::Model;
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

/// The component schemas no operation reaches, taken out of a split crate's
/// `types` module for its `<crate>-schemas` crate: their items (in the modules
/// they were in), and the client's features that the types they name need.
pub struct Orphans {
    pub items: Vec<Item>,
    pub features: Vec<String>,
}

/// Puts every item of the `types` module under the features that need it, and
/// takes out the types no operation reaches (with their impls and builders).
pub fn gate_types(
    model: &Model<'_>,
    types: &[OperationTypes],
    items: &mut Vec<Item>,
) -> Option<Orphans> {
    if model.features.is_empty() {
        return None;
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
    let orphans: BTreeSet<String> = graph
        .names()
        .into_iter()
        .filter(|name| !conditions.contains_key(name))
        .collect();
    let taken = take_orphans(items, &orphans);
    let gate = |names: &BTreeSet<String>| -> Option<Attribute> {
        let conditions: Vec<&BTreeSet<String>> = names
            .iter()
            .filter_map(|name| conditions.get(name)?.as_ref())
            .collect();
        attribute(&conditions)
    };
    gate_items(items, &gate);
    if taken.is_empty() {
        return None;
    }
    // Every gated type the orphans name, fields and impls included.
    let mut named = BTreeSet::new();
    for item in &taken {
        collect_idents(quote!(#item), &mut named);
    }
    let needed: Vec<&BTreeSet<String>> = named
        .iter()
        .filter_map(|name| conditions.get(name)?.as_ref())
        .collect();
    Some(Orphans {
        items: taken,
        features: covering(&needed),
    })
}

/// Few features that enable one of each set: the feature in most sets not yet
/// covered, then again (by name among equals), so the schemas crate compiles
/// few operations besides its own types.
fn covering(sets: &[&BTreeSet<String>]) -> Vec<String> {
    let mut chosen: BTreeSet<String> = BTreeSet::new();
    loop {
        let mut counts: BTreeMap<&String, usize> = BTreeMap::new();
        for set in sets.iter().filter(|set| set.is_disjoint(&chosen)) {
            for feature in set.iter() {
                *counts.entry(feature).or_default() += 1;
            }
        }
        let Some(best) = counts
            .iter()
            .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)))
            .map(|(feature, _)| (*feature).clone())
        else {
            return chosen.into_iter().collect();
        };
        chosen.insert(best);
    }
}

/// The type names an item's header names: what it needs to exist.
fn header_names(item: &Item) -> Option<BTreeSet<String>> {
    Some(match item {
        Item::Struct(s) => BTreeSet::from([s.ident.to_string()]),
        Item::Enum(e) => BTreeSet::from([e.ident.to_string()]),
        Item::Type(t) => BTreeSet::from([t.ident.to_string()]),
        // An impl needs what its header names (`impl From<A> for B`).
        Item::Impl(imp) => {
            let mut names = type_idents(&imp.self_ty);
            if let Some((path, _)) = &imp.trait_ {
                let path: syn::Type = syn::parse_quote!(#path);
                names.extend(type_idents(&path));
            }
            names
        }
        // typify's `defaults` helpers: what their signature and body name.
        Item::Fn(f) => {
            let mut names = BTreeSet::new();
            collect_idents(quote!(#f), &mut names);
            names
        }
        _ => return None,
    })
}

/// Removes from `items` (and the modules among them) every item whose header
/// names an orphan, and returns them, each module's in a copy of that module.
fn take_orphans(items: &mut Vec<Item>, orphans: &BTreeSet<String>) -> Vec<Item> {
    let mut taken = Vec::new();
    let mut kept = Vec::with_capacity(items.len());
    for mut item in items.drain(..) {
        if let Item::Mod(module) = &mut item
            && let Some((brace, content)) = &mut module.content
        {
            let brace = *brace;
            let inner = take_orphans(content, orphans);
            if !inner.is_empty() {
                let copy = syn::ItemMod {
                    content: Some((brace, inner)),
                    ..module.clone()
                };
                taken.push(Item::Mod(copy));
            }
        } else if header_names(&item).is_some_and(|names| !names.is_disjoint(orphans)) {
            taken.push(item);
            continue;
        }
        kept.push(item);
    }
    *items = kept;
    taken
}

fn gate_items(items: &mut [Item], gate: &dyn Fn(&BTreeSet<String>) -> Option<Attribute>) {
    for item in items {
        if let Item::Mod(module) = item {
            if let Some((_, content)) = &mut module.content {
                gate_items(content, gate);
            }
            continue;
        }
        let Some(names) = header_names(item) else {
            continue;
        };
        let attrs = match item {
            Item::Struct(s) => &mut s.attrs,
            Item::Enum(e) => &mut e.attrs,
            Item::Type(t) => &mut t.attrs,
            Item::Impl(imp) => &mut imp.attrs,
            Item::Fn(f) => &mut f.attrs,
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

    #[test]
    fn the_schemas_crate_asks_for_few_features() {
        let repos = set(&["repos"]);
        let shared = set(&["issues", "repos"]);
        let pulls = set(&["pulls"]);
        let either = set(&["actions", "pulls"]);
        assert_eq!(covering(&[]), Vec::<String>::new());
        // `repos` covers two sets, `pulls` the other two: `actions` is not needed.
        assert_eq!(
            covering(&[&repos, &shared, &pulls, &either]),
            ["pulls", "repos"]
        );
        // Among equals, the first by name.
        assert_eq!(covering(&[&shared]), ["issues"]);
    }
}
