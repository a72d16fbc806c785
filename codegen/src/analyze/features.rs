//! Cargo features from tags: a big API's users compile the operations they call
//! (and the types only those reach), as async-stripe's feature per resource
//! group. Names here; `items/features` puts the `#[cfg]`s.

use std::collections::BTreeMap;

use super::model::{Feature, OperationModel};
use crate::settings::{FeatureSplit, ProviderSettings};

/// Below this many operations, `auto` makes no features: a small crate stays one
/// piece, so `default-features = false` (to pick a TLS backend) keeps its API.
pub const AUTO_FROM_OPERATIONS: usize = 64;

/// Every operation (a default feature).
pub const OPERATIONS: &str = "operations";
/// The component schemas no operation uses (GitHub's webhook payloads).
pub const SCHEMAS: &str = "schemas";
/// Both.
pub const FULL: &str = "full";

/// Features the generated manifest already has.
pub const RESERVED: &[&str] = &[
    "default",
    OPERATIONS,
    SCHEMAS,
    FULL,
    "rustls",
    "rustls-ring",
    "native-tls",
];

/// A tag as a feature name: lower-case ASCII words joined by `-`
/// (`Code Scanning` → `code-scanning`); one that is reserved gets `-api`.
fn feature_name(tag: &str) -> String {
    let mut name = String::new();
    for c in tag.chars() {
        if c.is_ascii_alphanumeric() {
            name.push(c.to_ascii_lowercase());
        } else if !name.is_empty() && !name.ends_with('-') {
            name.push('-');
        }
    }
    let mut name = name.trim_end_matches('-').to_owned();
    if name.is_empty() {
        // No ASCII to keep: its characters' code points, so tags stay apart.
        let points: Vec<String> = tag
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| format!("{:x}", u32::from(c)))
            .collect();
        name = points.join("-");
    }
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert_str(0, "tag-");
    }
    if RESERVED.contains(&name.as_str()) {
        name.push_str("-api");
    }
    name
}

/// The features of the crate, sorted by name, and each operation's (the
/// features of its tags; none: always compiled).
pub fn analyze(settings: &ProviderSettings, operations: &mut [OperationModel]) -> Vec<Feature> {
    let mut by_name: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for operation in operations.iter() {
        for tag in &operation.tags {
            let tags = by_name.entry(feature_name(tag)).or_default();
            if !tags.contains(tag) {
                tags.push(tag.clone());
            }
        }
    }
    let split = match settings.features {
        FeatureSplit::Tags => true,
        FeatureSplit::None => false,
        FeatureSplit::Auto => operations.len() >= AUTO_FROM_OPERATIONS,
    };
    // One feature would gate nothing a user could leave out.
    if !split || by_name.len() < 2 {
        return Vec::new();
    }
    for operation in operations.iter_mut() {
        let mut features: Vec<String> = operation.tags.iter().map(|t| feature_name(t)).collect();
        features.sort();
        features.dedup();
        operation.features = features;
    }
    by_name
        .into_iter()
        .map(|(name, tags)| Feature { name, tags })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_become_cargo_feature_names() {
        assert_eq!(feature_name("Code Scanning"), "code-scanning");
        assert_eq!(feature_name("actions"), "actions");
        assert_eq!(feature_name("  Billing / Usage  "), "billing-usage");
        assert_eq!(feature_name("full"), "full-api");
        assert_eq!(feature_name("Schemas"), "schemas-api");
        assert_eq!(feature_name("Default"), "default-api");
        assert_eq!(feature_name("2fa"), "tag-2fa");
        assert_eq!(feature_name("日本"), "tag-65e5-672c");
    }
}
