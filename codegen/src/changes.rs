//! The change report: what a regeneration changes for a crate's users, each change
//! classified under Rust's semver rules for the code we generate, the version that
//! requires, and the crate's CHANGELOG.md kept from these reports.
//!
//! The rules (Cargo book, "SemVer compatibility"): removing or renaming anything
//! public, changing a type, and adding a required parameter break users. Adding a
//! public field to a struct users can build with a literal breaks them too, as does
//! adding a variant to an enum they can match exhaustively; the generator marks
//! response types and enums `#[non_exhaustive]` so that what providers add most —
//! fields and values — is additive.

use std::collections::BTreeMap;
use std::fmt;

use crate::surface::{self, Surface};

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
    Ok(diff(&old, &new))
}

fn diff(old: &Surface, new: &Surface) -> Vec<ApiChange> {
    let mut changes = Vec::new();
    let mut note = |breaking: bool, description: String| {
        changes.push(ApiChange {
            breaking,
            description,
        })
    };

    for (name, change) in keyed(&old.operations, &new.operations) {
        match change {
            Keyed::Added(_) => note(false, format!("operation `{name}()` added")),
            Keyed::Removed => note(true, format!("operation `{name}()` removed")),
            Keyed::Both(before, after) => {
                for (setter, change) in keyed(&before.parameters, &after.parameters) {
                    match change {
                        Keyed::Added(p) if p.required => note(
                            true,
                            format!("`{name}()`: required parameter `{setter}` ({}) added", p.ty),
                        ),
                        Keyed::Added(p) => note(
                            false,
                            format!("`{name}()`: optional parameter `{setter}` ({}) added", p.ty),
                        ),
                        Keyed::Removed => {
                            note(true, format!("`{name}()`: parameter `{setter}` removed"))
                        }
                        Keyed::Both(b, a) if b.ty != a.ty => note(
                            true,
                            format!(
                                "`{name}()`: parameter `{setter}` changed type from {} to {}",
                                b.ty, a.ty
                            ),
                        ),
                        Keyed::Both(b, a) if b.required != a.required => note(
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
                    note(
                        true,
                        format!(
                            "`{name}()`: result changed from {} to {}",
                            before.result, after.result
                        ),
                    );
                }
            }
        }
    }

    for (name, change) in keyed(&old.structs, &new.structs) {
        match change {
            Keyed::Added(_) => note(false, format!("type `types::{name}` added")),
            Keyed::Removed => note(true, format!("type `types::{name}` removed")),
            Keyed::Both(before, after) => {
                if !before.non_exhaustive && after.non_exhaustive {
                    note(
                        true,
                        format!(
                            "`types::{name}` is now `#[non_exhaustive]` (build it with `{name}::builder()`)"
                        ),
                    );
                }
                for (field, change) in keyed(&before.fields, &after.fields) {
                    match change {
                        Keyed::Added(ty) => note(
                            !after.non_exhaustive,
                            format!("`types::{name}`: field `{field}` ({ty}) added"),
                        ),
                        Keyed::Removed => {
                            note(true, format!("`types::{name}`: field `{field}` removed"))
                        }
                        Keyed::Both(b, a) if b != a => note(
                            true,
                            format!(
                                "`types::{name}`: field `{field}` changed type from {b} to {a}"
                            ),
                        ),
                        Keyed::Both(..) => {}
                    }
                }
            }
        }
    }

    for (name, change) in keyed(&old.enums, &new.enums) {
        match change {
            Keyed::Added(_) => note(false, format!("type `types::{name}` added")),
            Keyed::Removed => note(true, format!("type `types::{name}` removed")),
            Keyed::Both(before, after) => {
                if !before.non_exhaustive && after.non_exhaustive {
                    note(
                        true,
                        format!(
                            "`types::{name}` is now `#[non_exhaustive]` (a `match` needs a `_` arm)"
                        ),
                    );
                }
                for variant in after.variants.difference(&before.variants) {
                    note(
                        !after.non_exhaustive,
                        format!("`types::{name}`: variant `{variant}` added"),
                    );
                }
                for variant in before.variants.difference(&after.variants) {
                    note(
                        true,
                        format!("`types::{name}`: variant `{variant}` removed"),
                    );
                }
            }
        }
    }
    changes
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

/// A `major.minor.patch` version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Version(u64, u64, u64);

impl Version {
    pub fn parse(text: &str) -> Result<Self, String> {
        let parts: Vec<&str> = text.split('.').collect();
        let number = |part: &str| {
            part.parse::<u64>()
                .ok()
                .filter(|_| !part.is_empty() && (part == "0" || !part.starts_with('0')))
        };
        match parts.as_slice() {
            [major, minor, patch] => match (number(major), number(minor), number(patch)) {
                (Some(major), Some(minor), Some(patch)) => Ok(Self(major, minor, patch)),
                _ => Err(format!(
                    "`{text}` is not a version: expected major.minor.patch, e.g. `0.1.0`"
                )),
            },
            _ => Err(format!(
                "`{text}` is not a version: expected major.minor.patch, e.g. `0.1.0`"
            )),
        }
    }

    /// The smallest version a breaking change after this one needs: the next minor
    /// for 0.x (Cargo treats 0.x.y → 0.x.z as compatible), the next major after.
    pub fn next_breaking(self) -> Self {
        match self {
            Self(0, minor, _) => Self(0, minor + 1, 0),
            Self(major, _, _) => Self(major + 1, 0, 0),
        }
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.0, self.1, self.2)
    }
}

/// Refuses breaking changes without the version they need.
pub fn check_version(
    crate_name: &str,
    committed: Version,
    declared: Version,
    changes: &[ApiChange],
) -> Result<(), String> {
    let breaking: Vec<&ApiChange> = changes.iter().filter(|c| c.breaking).collect();
    let needed = committed.next_breaking();
    if breaking.is_empty() || declared >= needed {
        return Ok(());
    }
    let listed: Vec<String> = breaking
        .iter()
        .map(|c| format!("  - {}", c.description))
        .collect();
    Err(format!(
        "{crate_name}: {} breaking change(s) need version {needed} or later, but specs/providers.toml says {declared} (the committed crate is {committed}):\n{}\n  fix: set `version = \"{needed}\"` for this provider in specs/providers.toml, then run `cargo xtask generate` again",
        breaking.len(),
        listed.join("\n")
    ))
}

const CHANGELOG_TITLE: &str = "# Changelog";
const UNRELEASED: &str = "Unreleased";

/// The crate's CHANGELOG.md after this regeneration. Additive changes without a
/// version bump collect under "Unreleased"; a bump turns "Unreleased" and this
/// run's changes into the new version's section. Unchanged input, unchanged file.
pub fn changelog(
    crate_name: &str,
    old: Option<&str>,
    committed: Option<Version>,
    declared: Version,
    changes: &[ApiChange],
) -> String {
    let mut sections = match old {
        Some(text) => parse_sections(text),
        None => Vec::new(),
    };
    let bumped = committed.is_some_and(|c| c != declared);
    if sections.is_empty() && changes.is_empty() {
        let first = if committed.is_none() {
            "First generated release."
        } else {
            "The API as first recorded by the change report."
        };
        sections.push(Section {
            heading: declared.to_string(),
            breaking: Vec::new(),
            added: vec![first.to_owned()],
        });
    } else if !changes.is_empty() || bumped {
        let heading = if bumped {
            declared.to_string()
        } else {
            UNRELEASED.to_owned()
        };
        let index = match sections
            .iter()
            .position(|s| s.heading == UNRELEASED || s.heading == heading)
        {
            Some(index) => index,
            None => {
                sections.insert(
                    0,
                    Section {
                        heading: heading.clone(),
                        breaking: Vec::new(),
                        added: Vec::new(),
                    },
                );
                0
            }
        };
        let section = &mut sections[index];
        section.heading = heading;
        for change in changes {
            let list = if change.breaking {
                &mut section.breaking
            } else {
                &mut section.added
            };
            list.push(change.description.clone());
        }
        if section.breaking.is_empty() && section.added.is_empty() {
            section.added.push("No API changes.".to_owned());
        }
    }
    let mut out = format!(
        "{CHANGELOG_TITLE}\n\nChanges to the public API of `{crate_name}`, written by `cargo xtask generate` from its change report. Newest first.\n"
    );
    for section in &sections {
        out.push_str(&format!("\n## {}\n", section.heading));
        for (title, entries) in [("Breaking", &section.breaking), ("Added", &section.added)] {
            if !entries.is_empty() {
                out.push_str(&format!("\n### {title}\n\n"));
                for entry in entries {
                    out.push_str(&format!("- {entry}\n"));
                }
            }
        }
    }
    out
}

struct Section {
    heading: String,
    breaking: Vec<String>,
    added: Vec<String>,
}

fn parse_sections(text: &str) -> Vec<Section> {
    let mut sections: Vec<Section> = Vec::new();
    let mut in_breaking = false;
    for line in text.lines() {
        if let Some(heading) = line.strip_prefix("## ") {
            sections.push(Section {
                heading: heading.trim().to_owned(),
                breaking: Vec::new(),
                added: Vec::new(),
            });
        } else if let Some(title) = line.strip_prefix("### ") {
            in_breaking = title.trim() == "Breaking";
        } else if let (Some(entry), Some(section)) = (line.strip_prefix("- "), sections.last_mut())
        {
            if in_breaking {
                section.breaking.push(entry.to_owned());
            } else {
                section.added.push(entry.to_owned());
            }
        }
    }
    sections
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
        let without_operation = "pub mod types {} pub mod builder {}";
        assert_eq!(
            descriptions(&compare(&older, without_operation).unwrap())[0],
            "breaking: operation `list_things()` removed"
        );
    }

    #[test]
    fn breaking_changes_need_the_next_minor_on_0x_and_the_next_major_after() {
        let v = |text| Version::parse(text).unwrap();
        let breaking = [ApiChange {
            breaking: true,
            description: "operation `x()` removed".into(),
        }];
        let additive = [ApiChange {
            breaking: false,
            description: "operation `y()` added".into(),
        }];
        let refused = check_version("acme-usage", v("0.2.3"), v("0.2.4"), &breaking).unwrap_err();
        assert!(
            refused.contains("need version 0.3.0") && refused.contains("operation `x()` removed"),
            "{refused}"
        );
        assert!(check_version("acme-usage", v("0.2.3"), v("0.3.0"), &breaking).is_ok());
        assert!(check_version("acme-usage", v("1.4.0"), v("1.5.0"), &breaking).is_err());
        assert!(check_version("acme-usage", v("1.4.0"), v("2.0.0"), &breaking).is_ok());
        assert!(check_version("acme-usage", v("0.2.3"), v("0.2.3"), &additive).is_ok());
        for bad in ["banana", "0.1", "1.02.0", "1.0.0.0", ""] {
            assert!(Version::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn changelog_collects_unreleased_and_names_the_version_on_a_bump() {
        let v = |text| Version::parse(text).unwrap();
        let added = |text: &str| ApiChange {
            breaking: false,
            description: text.into(),
        };
        let first = changelog("acme-usage", None, None, v("0.1.0"), &[]);
        assert!(
            first.contains("## 0.1.0\n\n### Added\n\n- First generated release.\n"),
            "{first}"
        );
        let unreleased = changelog(
            "acme-usage",
            Some(&first),
            Some(v("0.1.0")),
            v("0.1.0"),
            &[added("a")],
        );
        assert!(
            unreleased.contains("## Unreleased\n\n### Added\n\n- a\n\n## 0.1.0"),
            "{unreleased}"
        );
        let breaking = ApiChange {
            breaking: true,
            description: "b".into(),
        };
        let released = changelog(
            "acme-usage",
            Some(&unreleased),
            Some(v("0.1.0")),
            v("0.2.0"),
            &[breaking],
        );
        assert!(
            released.contains("## 0.2.0\n\n### Breaking\n\n- b\n\n### Added\n\n- a\n\n## 0.1.0"),
            "{released}"
        );
        assert!(!released.contains(UNRELEASED));
        // Nothing changed: the file stays as it is.
        assert_eq!(
            changelog(
                "acme-usage",
                Some(&released),
                Some(v("0.2.0")),
                v("0.2.0"),
                &[]
            ),
            released
        );
    }
}
