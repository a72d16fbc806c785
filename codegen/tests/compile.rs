//! Builds the crate of every `ok_` fixture the way a user builds theirs: each one
//! on its own, with only the dependencies its generated `Cargo.toml` lists, and
//! clippy-clean. Fixtures with a file in `tests/wire/` also run it as the crate's
//! test, against a loopback server. All crates build in one nested cargo run.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{fixture_names, generate_with, settings};

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_owned()
}

/// The workspace's shared tables, with path dependencies made absolute.
fn fixture_workspace(members: &[String]) -> String {
    let root = workspace_root();
    let text = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
    let manifest: toml::Table = toml::from_str(&text).unwrap();
    let workspace = manifest["workspace"].as_table().unwrap();
    let mut dependencies = workspace["dependencies"].as_table().unwrap().clone();
    for (_, dependency) in dependencies.iter_mut() {
        if let Some(path) = dependency.get_mut("path") {
            *path = toml::Value::String(root.join(path.as_str().unwrap()).display().to_string());
        }
    }
    let mut out = toml::Table::new();
    out.insert(
        "workspace".into(),
        toml::Value::Table(toml::Table::from_iter([
            ("resolver".to_owned(), toml::Value::String("3".into())),
            (
                "members".to_owned(),
                toml::Value::Array(members.iter().cloned().map(toml::Value::String).collect()),
            ),
            ("package".to_owned(), workspace["package"].clone()),
            ("dependencies".to_owned(), toml::Value::Table(dependencies)),
        ])),
    );
    out.insert("profile".into(), manifest["profile"].clone());
    toml::to_string(&out).unwrap()
}

/// Adds what the wire test needs beyond the generated manifest.
fn with_wire_dev_dependencies(manifest: &str) -> String {
    let mut manifest: toml::Table = toml::from_str(manifest).unwrap();
    let dev = manifest
        .entry("dev-dependencies")
        .or_insert_with(|| toml::Value::Table(toml::Table::new()))
        .as_table_mut()
        .unwrap();
    for name in [
        "wiremock",
        "serde_json",
        "chrono",
        "rust_decimal",
        "futures-util",
    ] {
        dev.insert(
            name.into(),
            toml::Value::Table(toml::Table::from_iter([(
                "workspace".to_owned(),
                toml::Value::Boolean(true),
            )])),
        );
    }
    dev.insert(
        "tokio".into(),
        toml::from_str::<toml::Value>(
            r#"v = { workspace = true, features = ["macros", "rt", "rt-multi-thread"] }"#,
        )
        .unwrap()["v"]
            .clone(),
    );
    toml::to_string(&manifest).unwrap()
}

#[test]
fn every_ok_fixture_builds_on_its_own_clippy_clean_and_passes_its_wire_test() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("fixture-crates");
    // The workspace's own target directory (cargo holds no lock while tests run),
    // as usagekit-tests/tests/readme.rs: the dependencies `cargo test` built are
    // not built again.
    let target = Path::new(env!("CARGO_TARGET_TMPDIR")).parent().unwrap();
    let wire_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/wire");
    let mut members = Vec::new();
    for name in fixture_names("ok_") {
        let stem = name.trim_end_matches(".yaml").replace('_', "-");
        let crate_dir = dir.join(&stem);
        if crate_dir.exists() {
            std::fs::remove_dir_all(&crate_dir).unwrap();
        }
        let fixture_settings = usagekit_codegen::ProviderSettings {
            crate_name: format!("fixture-{stem}"),
            ..settings()
        };
        let wire_test = wire_dir.join(format!("{}.rs", name.trim_end_matches(".yaml")));
        for file in generate_with(&name, &fixture_settings) {
            let path = crate_dir.join(&file.path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            let contents = if file.path == "Cargo.toml" && wire_test.exists() {
                with_wire_dev_dependencies(&file.contents)
            } else {
                file.contents
            };
            std::fs::write(path, contents).unwrap();
        }
        if wire_test.exists() {
            std::fs::create_dir_all(crate_dir.join("tests")).unwrap();
            std::fs::copy(&wire_test, crate_dir.join("tests/wire.rs")).unwrap();
        }
        members.push(stem);
    }
    std::fs::write(dir.join("Cargo.toml"), fixture_workspace(&members)).unwrap();
    // The workspace's lockfile: the same versions, resolved without the network.
    std::fs::copy(workspace_root().join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();

    let cargo = |args: &[&str]| {
        let output = Command::new(env!("CARGO"))
            .args(args)
            .current_dir(&dir)
            .env("CARGO_TARGET_DIR", target)
            .env_remove("RUSTFLAGS")
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "`cargo {}` failed in {}:\n{}",
            args.join(" "),
            dir.display(),
            String::from_utf8_lossy(&output.stderr)
        );
    };
    cargo(&[
        "clippy",
        "--offline",
        "--keep-going",
        "--workspace",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]);
    // A crate split by tag builds with no operation feature, with only the unused
    // schemas, with everything, and with each tag alone: every type and helper is under the
    // features that need it. (The workspace build above has the defaults.)
    for stem in &members {
        let manifest = std::fs::read_to_string(dir.join(stem).join("Cargo.toml")).unwrap();
        let manifest: toml::Table = toml::from_str(&manifest).unwrap();
        let features = manifest["features"].as_table().unwrap();
        let Some(tags) = features.get("operations").and_then(|f| f.as_array()) else {
            continue;
        };
        let package = format!("fixture-{stem}");
        let mut subsets = vec![
            "rustls-ring".to_owned(),
            "rustls-ring,schemas".to_owned(),
            "rustls-ring,full".to_owned(),
        ];
        subsets.extend(
            tags.iter()
                .map(|feature| format!("rustls-ring,{}", feature.as_str().unwrap())),
        );
        for subset in &subsets {
            cargo(&[
                "clippy",
                "--offline",
                "-p",
                &package,
                "--no-default-features",
                "--features",
                subset,
                "--",
                "-D",
                "warnings",
            ]);
        }
    }
    cargo(&["test", "--offline", "--workspace", "--test", "wire"]);
}
