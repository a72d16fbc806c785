//! Every difference between two surfaces, classified under Rust's semver rules
//! for the code we generate.
//!
//! The rules (Cargo book, "SemVer compatibility"): removing or renaming anything
//! public, changing a type, and adding a required parameter break users. Adding a
//! public field to a struct users can build with a literal breaks them too, as does
//! adding a variant to an enum they can match exhaustively; the generator marks
//! response types and enums `#[non_exhaustive]` so that what providers add most —
//! fields and values — is additive.

use std::collections::BTreeMap;
use std::fmt;

use super::surface::{self, Surface};

/// One change to a crate's public API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiChange {
    pub breaking: bool,
    pub description: String,
}

impl fmt::Display for ApiChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = if self.breaking {
            "breaking"
        } else {
            "additive"
        };
        write!(f, "{kind}: {}", self.description)
    }
}

/// What changed between the committed generated module and the new one.
pub fn compare(old_code: &str, new_code: &str) -> Result<Vec<ApiChange>, String> {
    let old = surface::read(old_code)?;
    let new = surface::read(new_code)?;
    // Types that became aliases of identical ones are the same types.
    Ok(diff(
        &old.resolved(&new.aliases),
        &new.resolved(&new.aliases),
    ))
}

fn diff(old: &Surface, new: &Surface) -> Vec<ApiChange> {
    let mut changes = Changes(Vec::new());
    for (name, change) in keyed(&old.operations, &new.operations) {
        match change {
            Keyed::Added(_) => changes.note(false, format!("operation `{name}()` added")),
            Keyed::Removed => changes.note(true, format!("operation `{name}()` removed")),
            Keyed::Both(before, after) => changes.operation(name, before, after),
        }
    }
    for (name, change) in keyed(&old.structs, &new.structs) {
        if let Some((before, after)) = changes.type_added_or_removed(name, change) {
            changes.structure(name, before, after);
        }
    }
    for (name, change) in keyed(&old.enums, &new.enums) {
        if let Some((before, after)) = changes.type_added_or_removed(name, change) {
            changes.enumeration(name, before, after);
        }
    }
    for (name, change) in keyed(&old.roots, &new.roots) {
        match change {
            Keyed::Added(_) => changes.note(false, format!("`{name}` added")),
            Keyed::Removed => changes.note(true, format!("`{name}` removed")),
            Keyed::Both(before, after) if before != after => changes.note(
                true,
                format!("`{name}` changed from `{before}` to `{after}`"),
            ),
            Keyed::Both(..) => {}
        }
    }
    changes.0
}

struct Changes(Vec<ApiChange>);

impl Changes {
    fn note(&mut self, breaking: bool, description: String) {
        self.0.push(ApiChange {
            breaking,
            description,
        });
    }

    /// Notes a type added or removed; the type before and after when it is in both.
    fn type_added_or_removed<'a, T>(
        &mut self,
        name: &str,
        change: Keyed<'a, T>,
    ) -> Option<(&'a T, &'a T)> {
        match change {
            Keyed::Added(_) => self.note(false, format!("type `types::{name}` added")),
            Keyed::Removed => self.note(true, format!("type `types::{name}` removed")),
            Keyed::Both(before, after) => return Some((before, after)),
        }
        None
    }

    fn operation(&mut self, name: &str, before: &surface::Operation, after: &surface::Operation) {
        for (setter, change) in keyed(&before.parameters, &after.parameters) {
            match change {
                Keyed::Added(p) if p.required => self.note(
                    true,
                    format!("`{name}()`: required parameter `{setter}` ({}) added", p.ty),
                ),
                Keyed::Added(p) => self.note(
                    false,
                    format!("`{name}()`: optional parameter `{setter}` ({}) added", p.ty),
                ),
                Keyed::Removed => {
                    self.note(true, format!("`{name}()`: parameter `{setter}` removed"))
                }
                Keyed::Both(b, a) if b.ty != a.ty => self.note(
                    true,
                    format!(
                        "`{name}()`: parameter `{setter}` changed type from {} to {}",
                        b.ty, a.ty
                    ),
                ),
                Keyed::Both(b, a) if b.required != a.required => self.note(
                    a.required,
                    format!(
                        "`{name}()`: parameter `{setter}` is now {}",
                        if a.required { "required" } else { "optional" }
                    ),
                ),
                Keyed::Both(..) => {}
            }
        }
        if before.result != after.result {
            self.note(
                true,
                format!(
                    "`{name}()`: result changed from {} to {}",
                    before.result, after.result
                ),
            );
        }
    }

    fn structure(&mut self, name: &str, before: &surface::Struct, after: &surface::Struct) {
        if !before.non_exhaustive && after.non_exhaustive {
            self.note(
                true,
                format!(
                    "`types::{name}` is now `#[non_exhaustive]`: only responses carry it, it is decoded, not built"
                ),
            );
        }
        if before.builder && !after.builder {
            self.note(
                true,
                format!(
                    "`types::{name}::builder()` removed: only responses carry `{name}` (decode one with serde to make it in a test)"
                ),
            );
        }
        for (field, change) in keyed(&before.fields, &after.fields) {
            match change {
                Keyed::Added(ty) => self.note(
                    !after.non_exhaustive,
                    format!("`types::{name}`: field `{field}` ({ty}) added"),
                ),
                Keyed::Removed => {
                    self.note(true, format!("`types::{name}`: field `{field}` removed"))
                }
                Keyed::Both(b, a) if b != a => self.note(
                    true,
                    format!("`types::{name}`: field `{field}` changed type from {b} to {a}"),
                ),
                Keyed::Both(..) => {}
            }
        }
    }

    fn enumeration(&mut self, name: &str, before: &surface::Enum, after: &surface::Enum) {
        if !before.non_exhaustive && after.non_exhaustive {
            self.note(
                true,
                format!("`types::{name}` is now `#[non_exhaustive]` (a `match` needs a `_` arm)"),
            );
        }
        for variant in after.variants.difference(&before.variants) {
            self.note(
                !after.non_exhaustive,
                format!("`types::{name}`: variant `{variant}` added"),
            );
        }
        for variant in before.variants.difference(&after.variants) {
            self.note(
                true,
                format!("`types::{name}`: variant `{variant}` removed"),
            );
        }
    }
}

enum Keyed<'a, T> {
    Added(&'a T),
    Removed,
    Both(&'a T, &'a T),
}

/// Both maps' entries by key, in key order.
fn keyed<'a, T>(
    old: &'a BTreeMap<String, T>,
    new: &'a BTreeMap<String, T>,
) -> Vec<(&'a str, Keyed<'a, T>)> {
    let mut out: Vec<(&str, Keyed<T>)> = Vec::new();
    for (key, before) in old {
        match new.get(key) {
            Some(after) => out.push((key, Keyed::Both(before, after))),
            None => out.push((key, Keyed::Removed)),
        }
    }
    for (key, after) in new {
        if !old.contains_key(key) {
            out.push((key, Keyed::Added(after)));
        }
    }
    out.sort_by(|a, b| a.0.cmp(b.0));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn module(types: &str, builder_fields: &str) -> String {
        format!(
            "pub mod types {{ {types} }}
             impl Client {{ pub fn list_things(&self) -> builder::ListThings<'_> {{ todo!() }} }}
             pub mod builder {{
                 pub struct ListThings<'a> {{ client: &'a super::Client, {builder_fields} }}
                 impl<'a> ListThings<'a> {{
                     pub async fn send(self) -> Result<ResponseValue<types::Page>, Error<()>> {{ todo!() }}
                 }}
             }}"
        )
    }

    fn descriptions(changes: &[ApiChange]) -> Vec<String> {
        changes.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn classifies_under_rusts_semver_rules() {
        let old = module(
            "pub struct Page { pub data: Vec<String> }
             #[non_exhaustive] pub struct Row { pub id: String }
             pub enum Width { X1d }
             #[non_exhaustive] pub enum Kind { A }",
            "since: Result<i64, String>, page: Result<Option<String>, String>,",
        );
        let new = module(
            "pub struct Page { pub data: Vec<String>, pub total: Option<i64> }
             #[non_exhaustive] pub struct Row { pub id: String, pub name: Option<String> }
             pub enum Width { X1d, X1h }
             #[non_exhaustive] pub enum Kind { A, B }
             pub struct Extra { pub x: i64 }",
            "since: Result<i64, String>, page: Result<Option<i64>, String>,
             models: Result<Option<Vec<String>>, String>, until: Result<i64, String>,",
        );
        assert_eq!(
            descriptions(&compare(&old, &new).unwrap()),
            [
                "additive: `list_things()`: optional parameter `models` (Vec<String>) added",
                "breaking: `list_things()`: parameter `page` changed type from String to i64",
                "breaking: `list_things()`: required parameter `until` (i64) added",
                "additive: type `types::Extra` added",
                "breaking: `types::Page`: field `total` (Option<i64>) added",
                "additive: `types::Row`: field `name` (Option<String>) added",
                "additive: `types::Kind`: variant `B` added",
                "breaking: `types::Width`: variant `X1h` added",
            ]
        );
        assert!(compare(&old, &old).unwrap().is_empty());

        // The other way round: removals and a retyped field.
        let older = module(
            "pub struct Page { pub data: Vec<String>, pub count: i64 } pub enum Width { X1d, X7d }",
            "since: Result<i64, String>, page: Result<Option<String>, String>,",
        );
        let newer = module(
            "pub struct Page { pub data: Vec<i64> } pub enum Width { X1d }",
            "since: Result<Option<i64>, String>,",
        );
        assert_eq!(
            descriptions(&compare(&older, &newer).unwrap()),
            [
                "breaking: `list_things()`: parameter `page` removed",
                "additive: `list_things()`: parameter `since` is now optional",
                "breaking: `types::Page`: field `count` removed",
                "breaking: `types::Page`: field `data` changed type from Vec<String> to Vec<i64>",
                "breaking: `types::Width`: variant `X7d` removed",
            ]
        );
        // A type that loses its builder (only responses carry it now).
        let built = module(
            "pub struct Page { pub data: Vec<String> }
             impl Page { pub fn builder() -> builder::Page { todo!() } }",
            "",
        );
        let decoded = module(
            "#[non_exhaustive] pub struct Page { pub data: Vec<String> }",
            "",
        );
        assert_eq!(
            descriptions(&compare(&built, &decoded).unwrap()),
            [
                "breaking: `types::Page` is now `#[non_exhaustive]`: only responses carry it, it is decoded, not built",
                "breaking: `types::Page::builder()` removed: only responses carry `Page` (decode one with serde to make it in a test)",
            ]
        );
        assert!(compare(&decoded, &built).unwrap().is_empty());
        // A copy that becomes an alias of an identical type changes nothing.
        let copies = module(
            "pub enum Read { Yes, No } pub enum Write { Yes, No }
             pub struct A { pub r: Read } pub struct B { pub r: Write }",
            "",
        );
        let aliased = module(
            "pub enum Read { Yes, No } pub type Write = Read;
             pub struct A { pub r: Read } pub type B = A;",
            "",
        );
        assert!(compare(&copies, &aliased).unwrap().is_empty());
        // Apart again, `B` and `A` are two types: code that mixed them breaks.
        assert_eq!(
            descriptions(&compare(&aliased, &copies).unwrap()),
            ["breaking: `types::B`: field `r` changed type from Read to Write"]
        );
        let without_operation = "pub mod types {} pub mod builder {}";
        assert_eq!(
            descriptions(&compare(&older, without_operation).unwrap())[0],
            "breaking: operation `list_things()` removed"
        );
    }

    #[test]
    fn root_items_traits_and_client_methods_count_too() {
        let old = "pub mod types {}
             pub struct Client;
             impl ClientInfo for Client { fn baseurl(&self) -> &str { todo!() } }
             impl Client { pub fn timeout(&self, t: u64) -> Self { todo!() } }
             pub const SERVICE: Service = todo!();";
        let new = "pub mod types {}
             pub struct Client;
             impl Client {
                 pub fn timeout(&self, t: std::time::Duration) -> Self { todo!() }
                 pub fn base_url(&self) -> &str { todo!() }
             }
             pub const SERVICE: Service = todo!();";
        assert_eq!(
            descriptions(&compare(old, new).unwrap()),
            [
                "additive: `Client::base_url` added",
                "breaking: `Client::timeout` changed from `fn f(&self, t: u64) -> Self` to `fn f(&self, t: std::time::Duration) -> Self`",
                "breaking: `impl ClientInfo for Client` removed",
            ]
        );
    }

    #[test]
    fn an_operation_removed_is_breaking() {
        let older = module("pub struct Page {}", "");
        let without_operation = "pub mod types {} pub mod builder {}";
        assert_eq!(
            descriptions(&compare(&older, without_operation).unwrap())[0],
            "breaking: operation `list_things()` removed"
        );
    }
}
