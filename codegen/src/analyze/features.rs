//! Cargo features from tags (or paths): a big API's users compile the operations they call
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
/// Features the generated manifest has, and `schemas` and `full`, which it had
/// before the component schemas no operation uses became a crate of their own:
/// a tag named so keeps the feature name it had (`schemas-api`).
pub const RESERVED: &[&str] = &[
    "default",
    OPERATIONS,
    "schemas",
    "full",
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

/// The groups an operation belongs to: its tags, or in a document that tags
/// nothing (Stripe's), the first segment of its path that names a resource
/// (`/v1/customers/{customer}` is `customers`).
fn groups(operation: &OperationModel, tagged: bool) -> Vec<String> {
    if tagged {
        return operation.tags.clone();
    }
    let is_version = |segment: &str| {
        let digits = segment.strip_prefix(['v', 'V']).unwrap_or(segment);
        segment == "api"
            || (!digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit() || c == '.'))
    };
    operation
        .path
        .split('/')
        .find(|segment| !segment.is_empty() && !segment.starts_with('{') && !is_version(segment))
        .map(|segment| vec![segment.to_owned()])
        .unwrap_or_default()
}

/// The features of the crate, sorted by name, and each operation's (the
/// features of its groups; none: always compiled).
pub fn analyze(settings: &ProviderSettings, operations: &mut [OperationModel]) -> Vec<Feature> {
    let tagged = operations
        .iter()
        .any(|operation| !operation.tags.is_empty());
    let mut by_name: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for operation in operations.iter() {
        for group in groups(operation, tagged) {
            let groups = by_name.entry(feature_name(&group)).or_default();
            if !groups.contains(&group) {
                groups.push(group);
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
        let mut features: Vec<String> = groups(operation, tagged)
            .iter()
            .map(|group| feature_name(group))
            .collect();
        features.sort();
        features.dedup();
        operation.features = features;
    }
    by_name
        .into_iter()
        .map(|(name, groups)| Feature {
            name,
            groups,
            by_path: !tagged,
        })
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

    #[test]
    fn untagged_documents_group_by_the_first_resource_in_the_path() {
        let operation = |path: &str| OperationModel {
            id: "op".to_owned(),
            method: "op".to_owned(),
            http_method: "GET".to_owned(),
            path: path.to_owned(),
            summary: None,
            description: None,
            tags: Vec::new(),
            features: Vec::new(),
            errors: None,
            pagination: None,
            parameters: Vec::new(),
            body: None,
            result: crate::analyze::model::ResultModel::Empty,
            success_statuses: Vec::new(),
            security: None,
            body_report: false,
        };
        let group = |path: &str| groups(&operation(path), false);
        assert_eq!(group("/v1/customers/{customer}"), ["customers"]);
        assert_eq!(group("/api/2.0/test_helpers/clocks"), ["test_helpers"]);
        assert_eq!(group("/{tenant}/v2/invoices"), ["invoices"]);
        assert!(group("/v1").is_empty());
        assert!(group("/").is_empty());
        assert_eq!(feature_name("test_helpers"), "test-helpers");
    }
}
