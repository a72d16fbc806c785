//! Finding the parts of progenitor's output that later stages edit.

use syn::{File, Item};

/// The items of progenitor's inline `mod name { … }` (`types`, `builder`).
pub fn module_items<'f>(file: &'f mut File, name: &str) -> Result<&'f mut Vec<Item>, String> {
    file.items
        .iter_mut()
        .find_map(|item| match item {
            Item::Mod(m) if m.ident == name => m.content.as_mut().map(|(_, items)| items),
            _ => None,
        })
        .ok_or_else(|| format!("progenitor output has no `{name}` module"))
}
