//! The operations the settings leave out (`exclude`), gone before anything reads
//! the document: excluded operations are neither linted nor generated.

use serde_json::Value;

use super::walk::METHODS;
use super::{LoadedSpec, reparse};
use crate::diagnostic::Diagnostic;

/// The spec without the operations `exclude` names (operationIds, or `tag:<name>`),
/// and path items left empty.
pub fn exclude(
    file: &str,
    mut spec: LoadedSpec,
    exclude: &[String],
) -> Result<LoadedSpec, Diagnostic> {
    if exclude.is_empty() {
        return Ok(spec);
    }
    let mut raw = std::mem::take(&mut spec.raw);
    let mut matched = vec![false; exclude.len()];
    if let Some(Value::Object(paths)) = raw.get_mut("paths") {
        for item in paths.values_mut() {
            let Value::Object(item) = item else { continue };
            item.retain(|method, operation| {
                if !METHODS.contains(&method.as_str()) {
                    return true;
                }
                let mut keep = true;
                for (index, entry) in exclude.iter().enumerate() {
                    if names(operation, entry) {
                        matched[index] = true;
                        keep = false;
                    }
                }
                keep
            });
        }
        paths.retain(|_, item| {
            item.as_object()
                .is_none_or(|item| item.keys().any(|key| METHODS.contains(&key.as_str())))
        });
    }
    if let Some(unused) = exclude.iter().zip(&matched).find(|(_, hit)| !**hit) {
        return Err(Diagnostic::new(
            "specs/providers.toml",
            format!(
                "`exclude` names `{}`, which is no operation of {file}",
                unused.0
            ),
        )
        .help("name an operationId, or `tag:<name>` for every operation with that tag"));
    }
    reparse(file, spec, raw, "once operations are excluded")
}

/// Whether an `exclude` entry names this operation: its operationId, or `tag:<name>`.
fn names(operation: &Value, entry: &str) -> bool {
    match entry.strip_prefix("tag:") {
        Some(tag) => operation
            .get("tags")
            .and_then(Value::as_array)
            .is_some_and(|tags| tags.iter().any(|t| t.as_str() == Some(tag))),
        None => operation.get("operationId").and_then(Value::as_str) == Some(entry),
    }
}
