//! `cargo xtask rust-version`: the workspace's `rust-version` must be true of every
//! package in `Cargo.lock`, or users on that Rust cannot build what README promises.

use std::path::Path;
use std::process::Command;

/// Ok with a one-line summary, or every package that needs a newer Rust.
pub fn check(root: &Path) -> Result<String, String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = Command::new(cargo)
        .args(["metadata", "--format-version", "1", "--locked"])
        .current_dir(root)
        .output()
        .map_err(|e| format!("cannot run cargo metadata: {e}"))?;
    if !output.status.success() {
        return Err(String::from_utf8_lossy(&output.stderr).into_owned());
    }
    let metadata: serde_json::Value = serde_json::from_slice(&output.stdout)
        .map_err(|e| format!("cargo metadata printed invalid JSON: {e}"))?;
    let packages = metadata["packages"].as_array().cloned().unwrap_or_default();
    let rust_version =
        |package: &serde_json::Value| package["rust_version"].as_str().map(parse_version);
    let workspace = packages
        .iter()
        .find(|p| p["name"] == "xtask")
        .and_then(rust_version)
        .ok_or("the workspace declares no rust-version")?;
    let too_new: Vec<String> = packages
        .iter()
        .filter(|p| rust_version(p).is_some_and(|needed| needed > workspace))
        .map(|p| {
            format!(
                "{} {} needs Rust {}",
                p["name"].as_str().unwrap_or("?"),
                p["version"].as_str().unwrap_or("?"),
                p["rust_version"].as_str().unwrap_or("?")
            )
        })
        .collect();
    let declared = format!("{}.{}", workspace.0, workspace.1);
    if too_new.is_empty() {
        Ok(format!(
            "every one of {} packages builds on Rust {declared}, the workspace's rust-version",
            packages.len()
        ))
    } else {
        Err(format!(
            "the workspace says Rust {declared}, but:\n  {}\nlower these in Cargo.lock (`cargo update -p NAME --precise VERSION`) or raise rust-version in Cargo.toml and README.md",
            too_new.join("\n  ")
        ))
    }
}

/// `1.89.0` → (1, 89, 0); missing parts are 0.
fn parse_version(text: &str) -> (u64, u64, u64) {
    let mut parts = text.split('.').map(|p| p.parse().unwrap_or(0));
    (
        parts.next().unwrap_or(0),
        parts.next().unwrap_or(0),
        parts.next().unwrap_or(0),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_compare_by_number_not_text() {
        assert!(parse_version("1.89.0") > parse_version("1.88"));
        assert!(parse_version("1.100") > parse_version("1.99.9"));
        assert_eq!(parse_version("1.88"), (1, 88, 0));
    }
}
