//! Each crate's CHANGELOG.md, kept from the change reports.

use super::{ApiChange, Version};

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
