//! Builds the crate of every `ok_` fixture the way a user builds theirs: each one
//! a package of its own, with only the dependencies its generated `Cargo.toml`
//! lists, and without a warning. The fixtures with a file in `tests/wire/` run it
//! against a loopback server; the files are one test binary, `wire`, so a wire
//! test costs a module, not a link. All of it is one scratch workspace built in
//! the workspace's target directory, reusing what `cargo test` built
//! (`usagekit_tests::scratch`). Clippy on every fixture is the ignored test
//! below, which CI runs.

mod common;

use std::path::{Path, PathBuf};

use common::{fixture_names, outcome_with, settings};
use usagekit_tests::scratch::{Scratch, write_package};

/// The fixture crates (each in a directory named as the package, as generated
/// crates are, and a schemas crate beside the client where one is split off)
/// and the `wire` package, written under `dir`; returns the packages.
fn write_fixture_crates(dir: &Path) -> (Scratch, Vec<String>) {
    let wire_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/wire");
    let mut members = Vec::new();
    let mut wired: Vec<(String, PathBuf)> = Vec::new();
    let lines = |files: Vec<usagekit_codegen::GeneratedFile>| -> Vec<(String, String)> {
        files
            .into_iter()
            .map(|file| (file.path, file.contents))
            .collect()
    };
    for name in fixture_names("ok_") {
        let package = format!(
            "fixture-{}",
            name.trim_end_matches(".yaml").replace('_', "-")
        );
        let fixture_settings = usagekit_codegen::ProviderSettings {
            crate_name: package.clone(),
            ..settings()
        };
        let outcome = outcome_with(&name, &fixture_settings);
        // Unchanged files keep their times: a second run rebuilds nothing.
        write_package(&dir.join(&package), &lines(outcome.files));
        let wire_test = wire_dir.join(format!("{}.rs", name.trim_end_matches(".yaml")));
        if wire_test.exists() {
            wired.push((package.clone(), wire_test));
        }
        members.push(package);
        if let Some(schemas) = outcome.schemas {
            write_package(&dir.join(&schemas.name), &lines(schemas.files));
            members.push(schemas.name);
        }
    }
    write_wire_package(&dir.join("wire"), &wired);
    let mut all = members.clone();
    all.push("wire".into());
    (Scratch::create(dir, &all), members)
}

/// One package whose test `wire` holds every wire test as a module.
fn write_wire_package(dir: &Path, wired: &[(String, PathBuf)]) {
    let mut dependencies = toml::Table::new();
    let shared = |features: &[&str]| {
        let mut spec = toml::Table::from_iter([("workspace".to_owned(), true.into())]);
        if !features.is_empty() {
            spec.insert("features".into(), features.to_vec().into());
        }
        toml::Value::Table(spec)
    };
    for name in [
        "wiremock",
        "serde_json",
        "chrono",
        "rust_decimal",
        "futures-util",
        "usagekit-runtime",
    ] {
        dependencies.insert(name.into(), shared(&[]));
    }
    dependencies.insert("tokio".into(), shared(&["macros", "rt", "rt-multi-thread"]));
    let mut modules = String::new();
    for (package, file) in wired {
        let path = toml::Table::from_iter([("path".to_owned(), format!("../{package}").into())]);
        dependencies.insert(package.clone(), path.into());
        let module = package.trim_start_matches("fixture-").replace('-', "_");
        modules.push_str(&format!(
            "#[path = {:?}]\nmod {module};\n",
            file.display().to_string(),
        ));
    }
    let manifest = toml::Table::from_iter([
        (
            "package".to_owned(),
            toml::Value::Table(toml::Table::from_iter([
                ("name".to_owned(), "wire".into()),
                ("version".to_owned(), "0.0.0".into()),
                ("edition".to_owned(), "2024".into()),
                ("publish".to_owned(), false.into()),
            ])),
        ),
        ("dependencies".to_owned(), dependencies.into()),
    ]);
    write_package(
        dir,
        &[
            ("Cargo.toml".into(), toml::to_string(&manifest).unwrap()),
            ("src/lib.rs".into(), String::new()),
            ("tests/wire.rs".into(), modules),
        ],
    );
}

/// cargo's warnings about the fixtures' code or manifests (dependencies' are capped).
fn warnings(output: &std::process::Output) -> Vec<String> {
    String::from_utf8_lossy(&output.stderr)
        .lines()
        .filter(|line| line.starts_with("warning"))
        .map(str::to_owned)
        .collect()
}

#[test]
fn every_ok_fixture_builds_on_its_own_without_warnings_and_passes_its_wire_test() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("fixture-crates");
    std::fs::create_dir_all(&dir).unwrap();
    let (scratch, members) = write_fixture_crates(&dir);
    let build = scratch.cargo(&["build", "--workspace", "--lib", "--examples"]);
    assert_eq!(
        warnings(&build),
        Vec::<String>::new(),
        "{}",
        String::from_utf8_lossy(&build.stderr)
    );

    // A crate split by tag builds with no operation feature and with each tag
    // alone: every type and helper is under the features that need it. (The
    // build above has the defaults.)
    for package in &members {
        let manifest = std::fs::read_to_string(dir.join(package).join("Cargo.toml")).unwrap();
        let manifest: toml::Table = toml::from_str(&manifest).unwrap();
        // A schemas crate builds with only the client features it asks for.
        let dependencies = manifest["dependencies"].as_table().unwrap();
        if dependencies.values().any(|d| d.get("path").is_some()) {
            let build = scratch.cargo(&["build", "--package", "unify", "--package", package]);
            assert_eq!(warnings(&build), Vec::<String>::new(), "{package} alone");
            continue;
        }
        let Some(features) = manifest.get("features").and_then(|f| f.as_table()) else {
            continue;
        };
        let Some(tags) = features.get("operations").and_then(|f| f.as_array()) else {
            continue;
        };
        let mut subsets = vec![vec!["rustls-ring"]];
        subsets.extend(
            tags.iter()
                .map(|tag| vec!["rustls-ring", tag.as_str().unwrap()]),
        );
        for subset in subsets {
            let features: Vec<String> = subset.iter().map(|f| format!("{package}/{f}")).collect();
            // With `unify` selected, every dependency keeps the workspace's
            // features; only this package's own change.
            let build = scratch.cargo(&[
                "build",
                "--package",
                "unify",
                "--package",
                package,
                "--lib",
                "--no-default-features",
                "--features",
                &features.join(","),
            ]);
            assert_eq!(
                warnings(&build),
                Vec::<String>::new(),
                "{package} with {subset:?}"
            );
        }
    }
    scratch.cargo(&["test", "--workspace", "--test", "wire"]);
}

#[test]
#[ignore = "slow on a fresh checkout (clippy checks every dependency again); CI runs it"]
fn every_ok_fixture_is_clippy_clean() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("fixture-crates-clippy");
    std::fs::create_dir_all(&dir).unwrap();
    let (scratch, _) = write_fixture_crates(&dir);
    scratch.cargo(&[
        "clippy",
        "--workspace",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]);
}
