//! `cargo xtask` and `cargo test --workspace` share one build only if cargo
//! resolves the same features for every package the generator uses; `xtask-unify`
//! (xtask/unify/Cargo.toml) adds what `cargo run -p xtask` alone would leave out.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;

/// Package (`name vX.Y.Z`) → every feature set cargo resolves for it.
type Variants = BTreeMap<String, BTreeSet<String>>;

fn tree(root: &Path, selection: &[&str], edges: &str) -> Result<Variants, String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = Command::new(cargo)
        .args(["tree", "--offline", "--locked", "--prefix", "none"])
        .args(["--format", "{p}|{f}", "--edges", edges])
        .args(selection)
        .current_dir(root)
        .output()
        .map_err(|e| format!("cannot run cargo tree: {e}"))?;
    if !output.status.success() {
        return Err(String::from_utf8_lossy(&output.stderr).into_owned());
    }
    let mut variants = Variants::new();
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let Some((package, features)) = line.split_once('|') else {
            continue;
        };
        // `cargo tree` marks a repeated subtree with (*); a path with ( /…).
        let package = package.split(" (").next().unwrap_or(package).trim();
        let features = features.trim_end_matches(" (*)").trim();
        variants
            .entry(package.to_owned())
            .or_default()
            .insert(features.to_owned());
    }
    Ok(variants)
}

/// Every package xtask builds with a feature set the workspace's test build does
/// not have, with the sets the workspace has: what `xtask-unify` must add.
fn mismatches(root: &Path) -> Result<Vec<String>, String> {
    let xtask = tree(root, &["--package", "xtask"], "normal,build")?;
    let workspace = tree(root, &["--workspace"], "normal,build,dev")?;
    let mut found = Vec::new();
    for (package, sets) in &xtask {
        let theirs = workspace.get(package).cloned().unwrap_or_default();
        for set in sets.difference(&theirs) {
            found.push(format!(
                "{package}: xtask builds it with [{set}], the workspace with {}",
                theirs
                    .iter()
                    .map(|s| format!("[{s}]"))
                    .collect::<Vec<_>>()
                    .join(" or ")
            ));
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_generator_builds_with_the_workspaces_features() {
        let root = crate::plan::workspace_root().unwrap();
        let found = super::mismatches(&root).unwrap();
        assert!(
            found.is_empty(),
            "`cargo xtask` would build these packages a second time, with other features \
             than `cargo test --workspace`; add the workspace's features to \
             xtask/unify/Cargo.toml ([build-dependencies] for a proc macro's):\n{}",
            found.join("\n")
        );
    }
}
