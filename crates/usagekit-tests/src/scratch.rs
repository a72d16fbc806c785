//! Scratch workspaces for tests that build crates the way a user does (generated
//! fixtures, README snippets), built in the workspace's own target directory so
//! that the dependencies `cargo test --workspace` has just built are reused.
//!
//! Reuse needs the same features: cargo resolves them per workspace, so a scratch
//! workspace also holds a package, `unify`, that depends on everything the
//! workspace's members depend on, with their features, and on the workspace's
//! libraries they use with the features the workspace resolves for them. Every
//! command selects it (`--workspace`). Path packages are still compiled once more:
//! cargo hashes them relative to the workspace root.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The workspace's root directory.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

/// Writes `contents` to `path` unless it holds them already: an unchanged file
/// keeps its time, so cargo rebuilds nothing on the next run.
pub fn write(path: &Path, contents: impl AsRef<[u8]>) {
    if std::fs::read(path).ok().as_deref() == Some(contents.as_ref()) {
        return;
    }
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, contents).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
}

/// Makes `dir` hold exactly `files` (paths relative to it), each with [`write()`].
pub fn write_package(dir: &Path, files: &[(String, String)]) {
    let wanted: BTreeSet<PathBuf> = files.iter().map(|(path, _)| dir.join(path)).collect();
    let mut pending = vec![dir.to_owned()];
    while let Some(current) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&current) else {
            continue;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else if !wanted.contains(&path) {
                std::fs::remove_file(&path).unwrap();
            }
        }
    }
    for (path, contents) in files {
        write(&dir.join(path), contents);
    }
}

fn cargo_command(dir: &Path) -> Command {
    let mut command = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    command.current_dir(dir).env_remove("RUSTFLAGS");
    // What cargo sets for the test process itself: a build script that reads
    // one (ring's reads CARGO_MANIFEST_DIR) would otherwise run again, and all
    // that depends on it be rebuilt.
    for (name, _) in std::env::vars_os() {
        let name = name.to_string_lossy();
        if name.starts_with("CARGO_PKG_")
            || [
                "CARGO_MANIFEST_DIR",
                "CARGO_MANIFEST_PATH",
                "CARGO_CRATE_NAME",
                "CARGO_BIN_NAME",
                "CARGO_PRIMARY_PACKAGE",
                "CARGO_TARGET_TMPDIR",
                "OUT_DIR",
            ]
            .contains(&name.as_ref())
        {
            command.env_remove(name.as_ref());
        }
    }
    command
}

/// The host's target triple: what a scratch build compiles for.
fn host() -> String {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let output = Command::new(rustc).arg("-vV").output().unwrap();
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .find_map(|line| line.strip_prefix("host: "))
        .expect("`rustc -vV` names the host")
        .to_owned()
}

fn read_toml(path: &Path) -> toml::Table {
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .parse()
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A workspace in `dir` whose members are the packages already written there.
pub struct Scratch {
    dir: PathBuf,
    target: PathBuf,
}

impl Scratch {
    /// Writes `dir/Cargo.toml` (members, the workspace's shared tables and
    /// profiles, path dependencies made absolute), its lockfile, and `unify`.
    pub fn create(dir: &Path, members: &[String]) -> Scratch {
        let root = workspace_root();
        let manifest = read_toml(&root.join("Cargo.toml"));
        let workspace = manifest["workspace"].as_table().unwrap();
        let mut dependencies = workspace["dependencies"].as_table().unwrap().clone();
        for (_, dependency) in dependencies.iter_mut() {
            if let Some(path) = dependency.get_mut("path") {
                *path = root
                    .join(path.as_str().unwrap())
                    .display()
                    .to_string()
                    .into();
            }
        }
        let members_out: Vec<toml::Value> = members
            .iter()
            .cloned()
            .chain(["unify".to_owned()])
            .map(toml::Value::String)
            .collect();
        let mut table = toml::Table::new();
        table.insert("resolver".into(), "3".into());
        table.insert("members".into(), members_out.into());
        table.insert("package".into(), workspace["package"].clone());
        table.insert("dependencies".into(), dependencies.clone().into());
        // The workspace's profiles, so that its dependencies' builds are reused;
        // the scratch members themselves are built once and never debugged.
        let mut profiles = manifest["profile"].as_table().unwrap().clone();
        let dev = profiles
            .get_mut("dev")
            .and_then(|d| d.as_table_mut())
            .unwrap();
        dev.insert("debug".into(), false.into());
        dev.insert("incremental".into(), false.into());
        let mut out = toml::Table::new();
        out.insert("workspace".into(), table.into());
        out.insert("profile".into(), profiles.into());
        write(&dir.join("Cargo.toml"), toml::to_string(&out).unwrap());
        // The workspace's lockfile: the same versions, resolved without the network.
        write(
            &dir.join("Cargo.lock"),
            std::fs::read(root.join("Cargo.lock")).unwrap(),
        );

        let used = members
            .iter()
            .flat_map(|m| path_dependencies(&dir.join(m).join("Cargo.toml"), &dependencies))
            .collect();
        let metadata = workspace_metadata(&root);
        write_unify(&dir.join("unify"), &metadata, &used);
        // The workspace's target directory (cargo holds no lock on it while tests run).
        let target = PathBuf::from(metadata["target_directory"].as_str().unwrap());
        Scratch {
            dir: dir.to_owned(),
            target,
        }
    }

    /// The shared target directory.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Runs `cargo ARGS` offline in the scratch workspace; panics with cargo's
    /// output if it fails.
    pub fn cargo(&self, args: &[&str]) -> Output {
        // `--offline` right after the command: arguments after `--` are not cargo's.
        let (command, rest) = args.split_first().expect("a cargo command");
        let output = cargo_command(&self.dir)
            .arg(command)
            .arg("--offline")
            .args(rest)
            .env("CARGO_TARGET_DIR", &self.target)
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "`cargo {}` failed in {}:\n{}",
            args.join(" "),
            self.dir.display(),
            String::from_utf8_lossy(&output.stderr)
        );
        output
    }
}

/// The directories of the path dependencies a manifest names, absolute;
/// `shared` is the workspace's dependency table with its paths made absolute.
fn path_dependencies(manifest: &Path, shared: &toml::Table) -> BTreeSet<PathBuf> {
    let table = read_toml(manifest);
    let dir = manifest.parent().unwrap();
    let mut found = BTreeSet::new();
    for section in ["dependencies", "dev-dependencies", "build-dependencies"] {
        let Some(entries) = table.get(section).and_then(|s| s.as_table()) else {
            continue;
        };
        for (name, spec) in entries {
            if let Some(path) = spec.get("path").and_then(|p| p.as_str()) {
                found.insert(dir.join(path));
            } else if spec.get("workspace").and_then(|w| w.as_bool()) == Some(true)
                && let Some(path) = shared
                    .get(name)
                    .and_then(|s| s.get("path"))
                    .and_then(|p| p.as_str())
            {
                found.insert(PathBuf::from(path));
            }
        }
    }
    found
        .into_iter()
        .filter_map(|p| p.canonicalize().ok())
        .collect()
}

/// One dependency table entry with the union of two specs' features.
fn merge(into: &mut toml::Table, name: &str, spec: &toml::Value) {
    let mut spec = match spec {
        toml::Value::String(version) => {
            toml::Table::from_iter([("version".to_owned(), version.clone().into())])
        }
        other => other.as_table().unwrap().clone(),
    };
    spec.remove("optional");
    let features = |t: &toml::Table| -> BTreeSet<String> {
        t.get("features")
            .and_then(|f| f.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    };
    if let Some(existing) = into.get_mut(name).and_then(|e| e.as_table_mut()) {
        let all: BTreeSet<String> = features(existing)
            .union(&features(&spec))
            .cloned()
            .collect();
        // Default features stay on if either asks for them.
        let defaults =
            |t: &toml::Table| t.get("default-features").and_then(|d| d.as_bool()) != Some(false);
        let keep_defaults = defaults(existing) || defaults(&spec);
        for (key, value) in spec {
            existing.entry(key).or_insert(value);
        }
        existing.insert(
            "features".into(),
            all.into_iter().collect::<Vec<_>>().into(),
        );
        if keep_defaults {
            existing.remove("default-features");
        }
    } else {
        into.insert(name.to_owned(), spec.into());
    }
}

/// `cargo metadata` of the workspace, resolved for the host only (offline: the
/// other platforms' packages need not be downloaded).
fn workspace_metadata(root: &Path) -> serde_json::Value {
    let output = cargo_command(root)
        .args(["metadata", "--format-version", "1", "--offline", "--locked"])
        .args(["--filter-platform", &host()])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

/// `unify`: the members' external dependencies (dev-dependencies as normal
/// ones: a scratch build never builds `unify`'s tests), and the workspace
/// libraries `used` with the features the workspace resolves for them.
fn write_unify(dir: &Path, metadata: &serde_json::Value, used: &BTreeSet<PathBuf>) {
    let members: BTreeSet<&str> = metadata["workspace_members"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|m| m.as_str())
        .collect();
    let packages: Vec<&serde_json::Value> = metadata["packages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| members.contains(p["id"].as_str().unwrap()))
        .collect();
    let member_names: BTreeSet<&str> = packages.iter().filter_map(|p| p["name"].as_str()).collect();

    let mut normal = toml::Table::new();
    let mut build = toml::Table::new();
    for package in &packages {
        let manifest_path = Path::new(package["manifest_path"].as_str().unwrap());
        let manifest = read_toml(manifest_path);
        for section in ["dependencies", "dev-dependencies", "build-dependencies"] {
            let Some(entries) = manifest.get(section).and_then(|s| s.as_table()) else {
                continue;
            };
            let into = if section == "build-dependencies" {
                &mut build
            } else {
                &mut normal
            };
            for (name, spec) in entries {
                let optional = spec.get("optional").and_then(|o| o.as_bool()) == Some(true);
                let path = spec.get("path").is_some();
                if member_names.contains(name.as_str()) || optional || path {
                    continue;
                }
                merge(into, name, spec);
            }
        }
    }
    // The workspace's own libraries the scratch members use, and theirs.
    let resolved = metadata["resolve"]["nodes"].as_array().unwrap();
    let node = |id: &str| resolved.iter().find(|n| n["id"] == id);
    let mut wanted: Vec<&str> = packages
        .iter()
        .filter(|p| {
            let dir = Path::new(p["manifest_path"].as_str().unwrap())
                .parent()
                .unwrap();
            dir.canonicalize().is_ok_and(|dir| used.contains(&dir))
        })
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    let mut closure = BTreeSet::new();
    while let Some(id) = wanted.pop() {
        if closure.insert(id) {
            let dependencies = node(id).and_then(|n| n["dependencies"].as_array());
            wanted.extend(
                dependencies
                    .into_iter()
                    .flatten()
                    .filter_map(|d| d.as_str())
                    .filter(|d| members.contains(d)),
            );
        }
    }
    for package in &packages {
        let id = package["id"].as_str().unwrap();
        if !closure.contains(id) {
            continue;
        }
        let manifest_dir = Path::new(package["manifest_path"].as_str().unwrap())
            .parent()
            .unwrap();
        let features: Vec<toml::Value> = node(id)
            .and_then(|n| n["features"].as_array())
            .map(|f| {
                f.iter()
                    .filter_map(|v| v.as_str().map(|s| s.into()))
                    .collect()
            })
            .unwrap_or_default();
        let spec = toml::Table::from_iter([
            ("path".to_owned(), manifest_dir.display().to_string().into()),
            ("default-features".to_owned(), false.into()),
            ("features".to_owned(), features.into()),
        ]);
        normal.insert(package["name"].as_str().unwrap().to_owned(), spec.into());
    }

    let package = toml::Table::from_iter([
        ("name".to_owned(), "unify".into()),
        ("version".to_owned(), "0.0.0".into()),
        ("edition".to_owned(), "2024".into()),
        ("publish".to_owned(), false.into()),
    ]);
    let mut manifest = toml::Table::new();
    manifest.insert("package".into(), package.into());
    manifest.insert("dependencies".into(), normal.into());
    manifest.insert("build-dependencies".into(), build.into());
    write_package(
        dir,
        &[
            ("Cargo.toml".into(), toml::to_string(&manifest).unwrap()),
            ("src/lib.rs".into(), String::new()),
            // `[build-dependencies]` count only for a package with a build script.
            ("build.rs".into(), "fn main() {}\n".into()),
        ],
    );
}
