//! `cargo xtask github`: GitHub's REST spec (1,200 operations) generated and
//! compiled, to prove the generator at scale. Too slow for `cargo test`; CI runs it.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

const SETTINGS: &str = ".ci/github.toml";
const PACKAGE: &str = ".ci/node_modules/@octokit/openapi/generated";

/// The root workspace's shared tables, with path dependencies made absolute, as
/// the manifest of a workspace elsewhere.
fn workspace_manifest(root: &Path, member: &str) -> Result<String, String> {
    let text =
        fs::read_to_string(root.join("Cargo.toml")).map_err(|e| format!("Cargo.toml: {e}"))?;
    let manifest: toml::Table = text.parse().map_err(|e| format!("Cargo.toml: {e}"))?;
    let workspace = manifest
        .get("workspace")
        .and_then(toml::Value::as_table)
        .ok_or("Cargo.toml has no [workspace]")?;
    let mut dependencies = workspace
        .get("dependencies")
        .and_then(toml::Value::as_table)
        .cloned()
        .unwrap_or_default();
    for (_, dependency) in dependencies.iter_mut() {
        if let Some(path) = dependency.get_mut("path")
            && let Some(relative) = path.as_str()
        {
            *path = root.join(relative).display().to_string().into();
        }
    }
    let mut table = toml::Table::new();
    table.insert("resolver".into(), "3".into());
    table.insert("members".into(), vec![member.to_owned()].into());
    if let Some(package) = workspace.get("package") {
        table.insert("package".into(), package.clone());
    }
    table.insert("dependencies".into(), dependencies.into());
    let mut out = toml::Table::new();
    out.insert("workspace".into(), table.into());
    if let Some(profile) = manifest.get("profile") {
        out.insert("profile".into(), profile.clone());
    }
    toml::to_string(&out).map_err(|e| e.to_string())
}

fn operations(spec: &str) -> usize {
    let methods = [
        "get", "put", "post", "delete", "options", "head", "patch", "trace",
    ];
    serde_json::from_str::<serde_json::Value>(spec)
        .ok()
        .and_then(|spec| spec.get("paths")?.as_object().cloned())
        .map(|paths| {
            paths
                .values()
                .filter_map(serde_json::Value::as_object)
                .map(|item| {
                    item.keys()
                        .filter(|k| methods.contains(&k.as_str()))
                        .count()
                })
                .sum()
        })
        .unwrap_or(0)
}

/// Generates the crate into `target/github/` and runs `cargo check` on it there.
pub fn github(root: &Path, spec: Option<PathBuf>) -> Result<String, String> {
    let settings_text =
        fs::read_to_string(root.join(SETTINGS)).map_err(|e| format!("{SETTINGS}: {e}"))?;
    let settings = usagekit_codegen::parse_settings(SETTINGS, &settings_text)
        .map_err(|d| d.to_string())?
        .pop()
        .ok_or_else(|| format!("{SETTINGS} names no spec"))?;
    let spec_path = spec.unwrap_or_else(|| root.join(PACKAGE).join(&settings.spec));
    let text = fs::read_to_string(&spec_path).map_err(|e| {
        format!(
            "{}: {e} (install it with `npm ci --prefix .ci`)",
            spec_path.display()
        )
    })?;
    let shown = spec_path.display().to_string();
    let started = Instant::now();
    let files = usagekit_codegen::generate_crate(&shown, &text, &settings).map_err(|problems| {
        problems
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n")
    })?;
    let generation = started.elapsed();
    let lines = files
        .iter()
        .find(|file| file.path == "src/generated.rs")
        .map_or(0, |file| file.contents.lines().count());

    let dir = root.join("target/github");
    let member = format!("crates/{}", settings.crate_name);
    let _ = fs::remove_dir_all(dir.join(&member));
    for file in &files {
        let path = dir.join(&member).join(&file.path);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        }
        fs::write(&path, &file.contents).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    fs::write(dir.join("Cargo.toml"), workspace_manifest(root, &member)?)
        .map_err(|e| format!("target/github/Cargo.toml: {e}"))?;
    // The workspace's own lock: the same versions as everything else.
    fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock"))
        .map_err(|e| format!("Cargo.lock: {e}"))?;

    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let started = Instant::now();
    let status = Command::new(cargo)
        .args(["check", "--offline", "--quiet"])
        .current_dir(&dir)
        .env("CARGO_TARGET_DIR", dir.join("target"))
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    let check = started.elapsed();
    if !status.success() {
        return Err(format!(
            "{} generated ({lines} lines) but does not compile: see the errors above",
            settings.crate_name
        ));
    }
    Ok(format!(
        "{}: {} operations, generated in {:.1} s ({lines} lines of Rust); `cargo check` passed in {:.0} s",
        spec_path
            .file_name()
            .map_or(shown.clone(), |name| name.to_string_lossy().into_owned()),
        operations(&text),
        generation.as_secs_f64(),
        check.as_secs_f64()
    ))
}
