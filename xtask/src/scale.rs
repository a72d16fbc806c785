//! `cargo xtask github`: GitHub's REST spec (1,200 operations) generated and
//! compiled, to prove the generator at scale. Too slow for `cargo test`; CI runs it.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::scratch::{Scratch, generated_lines};

const SETTINGS: &str = ".ci/github.toml";
const PACKAGE: &str = ".ci/node_modules/@octokit/openapi/generated";

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
    let outcome =
        usagekit_codegen::generate_crate(&shown, &text, &settings).map_err(|problems| {
            problems
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n")
        })?;
    let generation = started.elapsed();
    let lines = generated_lines(&outcome.files);
    let mut scratch = Scratch::new(root, "github")?;
    scratch.add_generated(
        &settings.crate_name,
        &outcome.files,
        outcome.schemas.as_ref(),
    )?;
    scratch.finish()?;
    // `cargo check` of `packages` with `features` (None: the defaults), refused
    // when it fails.
    let check = |packages: &[&str], features: Option<&str>| {
        let checked = scratch.check(packages, features)?;
        if !checked.passed {
            return Err(format!(
                "{} generated ({lines} lines) but does not compile with {}:\n{}",
                settings.crate_name,
                features.map_or("its default features".to_owned(), |f| format!("`{f}`")),
                checked.errors
            ));
        }
        Ok(checked)
    };
    let client = settings.crate_name.as_str();
    let every_operation = check(&[client], None)?;
    let (wall, peak) = (every_operation.wall_seconds(), every_operation.peak_gib());
    let mut summary = format!(
        "{}: {} operations, generated in {:.1} s ({lines} lines of Rust); `cargo check` (default features: every operation) passed in {wall:.0} s, peak {peak:.1} GiB",
        spec_path
            .file_name()
            .map_or(shown.clone(), |name| name.to_string_lossy().into_owned()),
        operations(&text),
        generation.as_secs_f64(),
    );
    // Everything, with the schemas crate; and a user of one tag: the tag with the
    // most operations, the worst case.
    if let Some(schemas) = &outcome.schemas {
        // The client as checked above (the same features: cargo reuses it), then
        // the schemas crate on top: everything takes both, one after the other.
        let on_top = check(&[client, &schemas.name], None)?;
        let (schemas_wall, schemas_peak) = (on_top.wall_seconds(), on_top.peak_gib());
        let everything = every_operation.followed_by(on_top);
        summary.push_str(&format!(
            "; `{}` (the schemas no operation uses) on top: {schemas_wall:.0} s, peak {schemas_peak:.1} GiB, so everything {:.0} s, peak {:.1} GiB",
            schemas.name,
            everything.wall_seconds(),
            everything.peak_gib()
        ));
    }
    if let Some((feature, count)) = crate::corpus::largest(&outcome.features) {
        let alone = check(&[client], Some(&feature))?;
        let (wall, peak) = (alone.wall_seconds(), alone.peak_gib());
        summary.push_str(&format!(
            "; with only feature `{feature}` ({count} of {} operations, the largest tag of {}): {wall:.0} s, peak {peak:.1} GiB",
            operations(&text),
            outcome.features.len(),
        ));
    }
    Ok(summary)
}
