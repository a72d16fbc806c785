//! The counted edits of typify's output: each says how many places it must
//! change, computed from the spec; a different count is a generator error naming
//! the edit, so a typify upgrade that moves something fails loudly. Edits match
//! syntax, never printed token text.
//!
//! - properties `input` renamed apart get their wire names back;
//! - enums responses carry are open (`Unknown(String)`), and what users only
//!   receive is `#[non_exhaustive]`;
//! - variants named like `plus1` (GitHub's `+1`) are allowed their names;
//! - optional fields that may be `null` keep absent and `null` apart;
//! - decimals are read and written exactly, in the shape the spec gives them;
//! - only what requests carry keeps typify's builder;
//! - a type identical to another is an alias of it.

mod builders;
pub mod decimals;
mod dedup;
mod nullable;
mod open_enums;
mod wire_names;

use std::collections::{BTreeMap, BTreeSet};

use syn::Item;

use super::input::RenamedProperty;

/// What the edits look for in typify's output (checked by `typify_surface`).
#[cfg(test)]
pub const TYPIFY_NAMES: &[&str] = &["serde", "rename", "Deserialize", "Display", "derive"];

/// A failed edit, named.
fn check(edit: &str, expected: usize, found: usize) -> Result<(), String> {
    if expected == found {
        Ok(())
    } else {
        Err(format!(
            "edit `{edit}` expected {expected} place(s) in typify's output and found {found}"
        ))
    }
}

/// The types users receive (`response`) and send (`request`), by name.
pub struct Roots {
    pub response: BTreeSet<String>,
    pub request: BTreeSet<String>,
}

/// Every edit of the `types` module's items.
pub fn apply(
    items: &mut Vec<Item>,
    renamed: &[RenamedProperty],
    roots: &Roots,
    decimals: bool,
    nullable: usize,
) -> Result<(), String> {
    // Before the wire names: a renamed property's mark follows its `~n`.
    nullable::apply(items, nullable)?;
    wire_names::restore(items, renamed)?;
    decimals::apply(items, decimals)?;
    open_enums::apply(items, &roots.response, &roots.request);
    builders::apply(items, &roots.request)?;
    dedup::apply(items);
    allow_lowercase_variants(items);
    Ok(())
}

/// Every identifier in a type's paths (`ResponseValue<Vec<types::Page>>` gives
/// `ResponseValue`, `Vec`, `types`, `Page`).
pub fn type_idents(ty: &syn::Type) -> BTreeSet<String> {
    struct Idents(BTreeSet<String>);
    impl<'ast> syn::visit::Visit<'ast> for Idents {
        fn visit_path_segment(&mut self, segment: &'ast syn::PathSegment) {
            self.0.insert(segment.ident.to_string());
            syn::visit::visit_path_segment(self, segment);
        }
    }
    let mut idents = Idents(BTreeSet::new());
    syn::visit::Visit::visit_type(&mut idents, ty);
    idents.0
}

/// Which top-level types each type's fields mention.
pub struct Graph(BTreeMap<String, BTreeSet<String>>);

impl Graph {
    pub fn new(items: &[Item]) -> Self {
        let mut edges = BTreeMap::new();
        for item in items {
            let (name, fields): (_, Vec<&syn::Field>) = match item {
                Item::Struct(s) => (&s.ident, s.fields.iter().collect()),
                Item::Enum(e) => (
                    &e.ident,
                    e.variants.iter().flat_map(|v| &v.fields).collect(),
                ),
                Item::Type(t) => {
                    edges.insert(t.ident.to_string(), type_idents(&t.ty));
                    continue;
                }
                _ => continue,
            };
            let mentioned = fields.iter().flat_map(|f| type_idents(&f.ty)).collect();
            edges.insert(name.to_string(), mentioned);
        }
        Self(edges)
    }

    /// Every type defined.
    pub fn names(&self) -> BTreeSet<String> {
        self.0.keys().cloned().collect()
    }

    /// The types `roots` contain, transitively (the roots among them).
    pub fn reach(&self, roots: &BTreeSet<String>) -> BTreeSet<String> {
        let mut reachable = BTreeSet::new();
        let mut pending: Vec<String> = roots.iter().cloned().collect();
        while let Some(name) = pending.pop() {
            if let Some(next) = self.0.get(&name)
                && reachable.insert(name)
            {
                pending.extend(next.iter().cloned());
            }
        }
        reachable
    }
}

/// typify names the variants of values like `+1` and `-1` (GitHub's reactions)
/// `plus1` and `minus1`; such an enum says that is on purpose, so the crate builds
/// without warnings. (Spec values, not progenitor's shape: matching none is fine.)
fn allow_lowercase_variants(items: &mut [Item]) {
    for item in items {
        if let Item::Enum(e) = item
            && e.variants.iter().any(|variant| {
                variant
                    .ident
                    .to_string()
                    .starts_with(|c: char| c.is_ascii_lowercase())
            })
        {
            e.attrs
                .push(syn::parse_quote!(#[allow(non_camel_case_types)]));
        }
    }
}
