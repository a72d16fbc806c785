//! The version a change needs, and the check that the settings declare it.

use std::fmt;

use super::ApiChange;

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
