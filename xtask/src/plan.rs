//! What generation would change on disk, decided before anything is written.

use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use usagekit_codegen::{ApiChange, Diagnostic, GeneratedFile, ProviderSettings, Version};

const SETTINGS: &str = "specs/providers.toml";
const CHANGELOG: &str = "CHANGELOG.md";
const DIFF_LINES: usize = 40;

/// The checkout to work on: the nearest directory, from where the command runs,
/// that has `specs/providers.toml`. Not a path compiled into the binary: two clones
/// may share one target directory, and then one binary serves both.
pub fn workspace_root() -> Result<PathBuf, String> {
    let start =
        std::env::current_dir().map_err(|e| format!("cannot read the current directory: {e}"))?;
    start
        .ancestors()
        .find(|dir| dir.join(SETTINGS).is_file() && dir.join("Cargo.toml").is_file())
        .map(Path::to_path_buf)
        .ok_or_else(|| {
            format!(
                "{} is not inside a UsageKit checkout: no {SETTINGS} here or above; run `cargo xtask` from the workspace",
                start.display()
            )
        })
}

/// One file whose content on disk differs from what the specs generate.
#[derive(Debug)]
pub enum Change {
    Write {
        path: PathBuf,
        old: Option<String>,
        new: String,
    },
    /// A file in a generated crate that the generator no longer makes.
    Remove { path: PathBuf },
}

pub struct Plan {
    root: PathBuf,
    crates: Vec<String>,
    changes: Vec<Change>,
    /// Per crate whose public API changes: what changed for its users.
    reports: Vec<(String, Vec<ApiChange>)>,
    /// Operations left out (`unsupported = "skip"`) and what the generator read
    /// differently from the document, per provider.
    notices: Vec<String>,
}

/// Generates every selected provider in memory. Fails, listing every problem, if
/// any provider fails: then nothing may be written.
pub fn plan(root: &Path, only: &[&str]) -> Result<Plan, Vec<String>> {
    let settings_text =
        fs::read_to_string(root.join(SETTINGS)).map_err(|e| vec![format!("{SETTINGS}: {e}")])?;
    let providers = usagekit_codegen::parse_settings(SETTINGS, &settings_text)
        .map_err(|d| vec![d.to_string()])?;
    for name in only {
        if !providers
            .iter()
            .any(|p| p.key == *name || p.crate_name == *name)
        {
            let known: Vec<&str> = providers.iter().map(|p| p.key.as_str()).collect();
            return Err(vec![format!(
                "unknown provider `{name}`; known: {}",
                known.join(", ")
            )]);
        }
    }
    let selected: Vec<&ProviderSettings> = providers
        .iter()
        .filter(|p| {
            only.is_empty()
                || only.contains(&p.key.as_str())
                || only.contains(&p.crate_name.as_str())
        })
        .collect();

    let mut problems = Vec::new();
    let mut changes = Vec::new();
    let mut crates = Vec::new();
    let mut reports = Vec::new();
    let mut notices = Vec::new();
    for provider in selected {
        match generate_one(root, provider) {
            Ok((mut crate_changes, report, said)) => {
                notices.extend(said.iter().map(|d| format!("[{}] {d}", provider.key)));
                changes.append(&mut crate_changes);
                crates.push(provider.crate_name.clone());
                if !report.is_empty() {
                    reports.push((provider.crate_name.clone(), report));
                }
            }
            Err(diagnostics) => problems.extend(
                diagnostics
                    .iter()
                    .map(|d| format!("[{}] {d}", provider.key)),
            ),
        }
    }
    // The registry lists every provider, whichever were selected.
    let registry_dir = root.join("crates").join(usagekit_codegen::REGISTRY_CRATE);
    changes.extend(changes_in(
        &registry_dir,
        &usagekit_codegen::registry_crate(&providers),
    ));
    if problems.is_empty() {
        Ok(Plan {
            root: root.to_path_buf(),
            crates,
            changes,
            reports,
            notices,
        })
    } else {
        Err(problems)
    }
}

/// The crate's changes, its API changes, and its left-out operations and notes.
type Generated = (Vec<Change>, Vec<ApiChange>, Vec<Diagnostic>);

fn generate_one(root: &Path, provider: &ProviderSettings) -> Result<Generated, Vec<Diagnostic>> {
    let spec_path = format!("specs/{}", provider.spec);
    let text = fs::read_to_string(root.join(&spec_path))
        .map_err(|e| vec![Diagnostic::new(&spec_path, format!("cannot read: {e}"))])?;
    let outcome = quietly(|| usagekit_codegen::generate_crate(&spec_path, &text, provider))?;
    let mut files = outcome.files;
    let dir = root.join("crates").join(&provider.crate_name);
    let report = change_report(&dir, provider, &mut files)
        .map_err(|e| vec![Diagnostic::new(SETTINGS, e)])?;
    let mut said = outcome.left_out;
    said.extend(outcome.notes);
    let mut changes = changes_in(&dir, &files);
    // The schemas crate beside it, when tags split the client (or its files to
    // remove, when they no longer do).
    let schemas_dir = root
        .join("crates")
        .join(format!("{}-schemas", provider.crate_name));
    let schemas = outcome.schemas.map(|s| s.files).unwrap_or_default();
    changes.extend(changes_in(&schemas_dir, &schemas));
    Ok((changes, report, said))
}

/// What writing `files` into `dir` changes, including files there to remove: a
/// generated crate's directory belongs to the generator.
fn changes_in(dir: &Path, files: &[GeneratedFile]) -> Vec<Change> {
    let mut changes = Vec::new();
    for file in files {
        let path = dir.join(&file.path);
        let old = fs::read_to_string(&path).ok();
        if old.as_deref() != Some(file.contents.as_str()) {
            changes.push(Change::Write {
                path,
                old,
                new: file.contents.clone(),
            });
        }
    }
    for path in existing_files(dir) {
        let relative = path
            .strip_prefix(dir)
            .unwrap_or(&path)
            .to_string_lossy()
            .replace('\\', "/");
        if !files.iter().any(|f| f.path == relative) {
            changes.push(Change::Remove { path });
        }
    }
    changes
}

/// Compares the new crate with the one on disk (the baseline: no git, no network),
/// refuses breaking changes without the version they need, and adds the updated
/// CHANGELOG.md to `files`.
fn change_report(
    dir: &Path,
    provider: &ProviderSettings,
    files: &mut Vec<GeneratedFile>,
) -> Result<Vec<ApiChange>, String> {
    let declared = Version::parse(&provider.version)
        .map_err(|e| format!("[{}] version: {e}", provider.key))?;
    let committed_code = fs::read_to_string(dir.join("src/generated.rs")).ok();
    // A crate whose manifest cannot be read counts as new: never stuck on a bad one.
    let committed_version = fs::read_to_string(dir.join("Cargo.toml"))
        .ok()
        .and_then(|text| text.parse::<toml::Table>().ok())
        .and_then(|manifest| {
            let version = manifest
                .get("package")?
                .get("version")?
                .as_str()?
                .to_owned();
            Version::parse(&version).ok()
        });
    let new_code = files
        .iter()
        .find(|f| f.path == "src/generated.rs")
        .map(|f| f.contents.as_str())
        .unwrap_or_default();
    let report = match (&committed_code, committed_version) {
        // The same code has the same API: skip parsing both (most runs change nothing).
        (Some(old), Some(_)) if old == new_code => Vec::new(),
        (Some(old), Some(_)) => usagekit_codegen::compare(old, new_code).map_err(|e| {
            format!(
                "{}: the committed src/generated.rs: {e}",
                provider.crate_name
            )
        })?,
        _ => Vec::new(),
    };
    if let Some(committed) = committed_version {
        usagekit_codegen::check_version(&provider.crate_name, committed, declared, &report)?;
    }
    let old_changelog = fs::read_to_string(dir.join(CHANGELOG)).ok();
    files.push(GeneratedFile {
        path: CHANGELOG.into(),
        contents: usagekit_codegen::changelog(
            &provider.crate_name,
            old_changelog.as_deref(),
            committed_version.filter(|_| committed_code.is_some()),
            declared,
            &report,
        ),
    });
    Ok(report)
}

/// Runs codegen with the panic hook silenced: codegen turns a progenitor panic into
/// a diagnostic, and the default hook would still print a backtrace notice.
fn quietly<T>(run: impl FnOnce() -> T) -> T {
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let result = run();
    std::panic::set_hook(hook);
    result
}

fn existing_files(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(next) = pending.pop() {
        let Ok(entries) = fs::read_dir(&next) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                if entry.file_name() != "target" {
                    pending.push(path);
                }
            } else {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

impl Plan {
    pub fn crate_count(&self) -> usize {
        self.crates.len()
    }

    /// Each operation left out and each note, one per line with its provider.
    pub fn notices(&self) -> String {
        self.notices.iter().map(|n| format!("{n}\n")).collect()
    }

    /// What changes for users of each crate whose public API changes.
    pub fn change_report(&self) -> String {
        let mut out = String::new();
        for (name, changes) in &self.reports {
            let breaking = changes.iter().filter(|c| c.breaking).count();
            let _ = writeln!(
                out,
                "{name}: {breaking} breaking, {} additive change(s)",
                changes.len() - breaking
            );
            for change in changes {
                let _ = writeln!(out, "  - {change}");
            }
        }
        out
    }

    fn relative<'a>(&self, path: &'a Path) -> std::borrow::Cow<'a, str> {
        path.strip_prefix(&self.root)
            .unwrap_or(path)
            .to_string_lossy()
    }

    /// Empty when every generated file is current; otherwise what differs, with a
    /// short diff per file and the command that fixes it.
    pub fn check_report(&self) -> String {
        let mut out = String::new();
        for change in &self.changes {
            match change {
                Change::Write {
                    path, old: None, ..
                } => {
                    let _ = writeln!(out, "missing: {}", self.relative(path));
                }
                Change::Write {
                    path,
                    old: Some(old),
                    new,
                } => {
                    let name = self.relative(path);
                    let _ = writeln!(out, "stale: {name}");
                    out.push_str(&short_diff(&name, old, new));
                }
                Change::Remove { path } => {
                    let _ = writeln!(
                        out,
                        "not generated (would be removed): {}",
                        self.relative(path)
                    );
                }
            }
        }
        if !out.is_empty() {
            let _ = writeln!(
                out,
                "\nout of date with specs/: {}; run `cargo xtask generate`",
                self.stale_crates().join(", ")
            );
        }
        out
    }

    /// The crates that have at least one change, in plan order.
    fn stale_crates(&self) -> Vec<&str> {
        self.crates
            .iter()
            .map(String::as_str)
            .filter(|name| {
                let dir = self.root.join("crates").join(name);
                self.changes.iter().any(|change| match change {
                    Change::Write { path, .. } | Change::Remove { path } => path.starts_with(&dir),
                })
            })
            .collect()
    }

    /// Writes every change, each file atomically. Returns how many files changed.
    pub fn write(&self) -> io::Result<usize> {
        for change in &self.changes {
            match change {
                Change::Write { path, new, .. } => write_atomically(path, new)?,
                Change::Remove { path } => fs::remove_file(path)?,
            }
        }
        Ok(self.changes.len())
    }
}

fn write_atomically(path: &Path, contents: &str) -> io::Result<()> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)?;
    }
    let mut temporary = path.as_os_str().to_owned();
    temporary.push(".xtask-tmp");
    let temporary = PathBuf::from(temporary);
    fs::write(&temporary, contents)?;
    fs::rename(&temporary, path)
}

fn short_diff(name: &str, old: &str, new: &str) -> String {
    let diff = similar::TextDiff::from_lines(old, new);
    let text = diff
        .unified_diff()
        .context_radius(2)
        .header(&format!("a/{name}"), &format!("b/{name}"))
        .to_string();
    let lines: Vec<&str> = text.lines().collect();
    let mut out = lines
        .iter()
        .take(DIFF_LINES)
        .map(|l| format!("    {l}\n"))
        .collect::<String>();
    if lines.len() > DIFF_LINES {
        let _ = writeln!(out, "    … {} more diff lines", lines.len() - DIFF_LINES);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Keeps `cargo test` honest: editing a spec without regenerating fails here.
    #[test]
    fn generated_crates_are_current() {
        let plan = match plan(&workspace_root().unwrap(), &[]) {
            Ok(plan) => plan,
            Err(problems) => panic!("the specs do not generate:\n{}", problems.join("\n")),
        };
        let report = plan.check_report();
        assert!(report.is_empty(), "\n{report}");
    }

    #[test]
    fn check_report_names_only_the_stale_crates() {
        let root = PathBuf::from("/ws");
        let plan = Plan {
            root: root.clone(),
            crates: vec!["a-usage".into(), "b-usage".into(), "c-usage".into()],
            changes: vec![
                Change::Write {
                    path: root.join("crates/b-usage/src/generated.rs"),
                    old: Some("fn old() {}\n".into()),
                    new: "fn new() {}\n".into(),
                },
                Change::Remove {
                    path: root.join("crates/c-usage/src/extra.rs"),
                },
            ],
            reports: Vec::new(),
            notices: Vec::new(),
        };
        let report = plan.check_report();
        assert!(
            report.contains("stale: crates/b-usage/src/generated.rs"),
            "{report}"
        );
        assert!(report.contains("+fn new() {}"), "{report}");
        assert!(
            report.contains("not generated (would be removed): crates/c-usage/src/extra.rs"),
            "{report}"
        );
        assert!(
            report.contains("out of date with specs/: b-usage, c-usage;"),
            "{report}"
        );
        assert!(!report.contains("a-usage"), "{report}");
    }

    #[test]
    fn short_diff_is_bounded() {
        let old: String = (0..200).map(|i| format!("line {i}\n")).collect();
        let new: String = (0..200).map(|i| format!("changed {i}\n")).collect();
        let diff = short_diff("x.rs", &old, &new);
        assert!(diff.lines().count() <= DIFF_LINES + 1);
        assert!(diff.contains("more diff lines"));
    }

    /// A scratch checkout with one provider whose spec has the given operations.
    struct Scratch(PathBuf);

    impl Scratch {
        fn new(name: &str) -> Self {
            let dir =
                std::env::temp_dir().join(format!("usagekit-xtask-{name}-{}", std::process::id()));
            let _ = fs::remove_dir_all(&dir);
            fs::create_dir_all(dir.join("specs")).unwrap();
            fs::write(dir.join("Cargo.toml"), "[workspace]\n").unwrap();
            Self(dir)
        }

        fn write(&self, version: &str, operations: &[&str], with_limit: bool) {
            let providers = format!(
                "[acme]\nspec = \"acme.yaml\"\ncrate = \"acme-usage\"\nversion = \"{version}\"\nname = \"Acme\"\ndescription = \"Acme\"\nenv-prefix = \"ACME\"\ncredentials.Bearer = {{ setter = \"token\", env = \"ACME_TOKEN\" }}\n"
            );
            let limit = if with_limit {
                "\n      parameters:\n        - {name: limit, in: query, required: true, schema: {type: integer}}"
            } else {
                ""
            };
            let paths: String = operations
                .iter()
                .map(|op| format!("  /{op}:\n    get:\n      operationId: {op}{limit}\n      responses:\n        '200':\n          description: OK.\n          content:\n            application/json:\n              schema: {{type: object, properties: {{total: {{type: integer}}}}}}\n"))
                .collect();
            let spec = format!(
                "openapi: 3.0.3\ninfo: {{title: Acme, version: 1.0.0}}\nservers: [{{url: \"https://acme.test\"}}]\nsecurity: [{{Bearer: []}}]\npaths:\n{paths}components:\n  securitySchemes:\n    Bearer: {{type: http, scheme: bearer}}\n"
            );
            fs::write(self.0.join("specs/providers.toml"), providers).unwrap();
            fs::write(self.0.join("specs/acme.yaml"), spec).unwrap();
        }

        fn read(&self, file: &str) -> String {
            fs::read_to_string(self.0.join("crates/acme-usage").join(file)).unwrap()
        }
    }

    impl Drop for Scratch {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.0);
        }
    }

    #[test]
    fn breaking_changes_without_a_bump_are_refused_and_nothing_is_written() {
        let scratch = Scratch::new("semver");
        scratch.write("0.1.0", &["list-a", "list-b"], false);
        plan(&scratch.0, &[]).unwrap().write().unwrap();
        let first = scratch.read("CHANGELOG.md");
        assert!(
            first.contains("## 0.1.0") && first.contains("First generated release."),
            "{first}"
        );
        let code = scratch.read("src/generated.rs");

        // Removing an operation and adding a required parameter, still 0.1.0.
        scratch.write("0.1.0", &["list-a"], true);
        let problems = plan(&scratch.0, &[]).err().expect("must be refused");
        let message = problems.join("\n");
        for expected in [
            "acme-usage: 3 breaking change(s) need version 0.2.0 or later",
            "operation `list_b()` removed",
            "`list_a()`: required parameter `limit` (i64) added",
            "set `version = \"0.2.0\"`",
        ] {
            assert!(
                message.contains(expected),
                "missing {expected:?} in\n{message}"
            );
        }
        assert_eq!(scratch.read("src/generated.rs"), code, "nothing written");

        // With the bump: generated, reported and recorded.
        scratch.write("0.2.0", &["list-a"], true);
        let plan2 = plan(&scratch.0, &[]).unwrap();
        assert!(
            plan2
                .change_report()
                .contains("acme-usage: 3 breaking, 0 additive"),
            "{}",
            plan2.change_report()
        );
        plan2.write().unwrap();
        let changelog = scratch.read("CHANGELOG.md");
        assert!(
            changelog.contains("## 0.2.0\n\n### Breaking\n"),
            "{changelog}"
        );
        assert!(
            changelog.find("## 0.2.0") < changelog.find("## 0.1.0"),
            "{changelog}"
        );
        assert!(scratch.read("Cargo.toml").contains("version = \"0.2.0\""));

        // Additive: no bump needed, collected under Unreleased; a rerun changes nothing.
        scratch.write("0.2.0", &["list-a", "list-c"], true);
        plan(&scratch.0, &[]).unwrap().write().unwrap();
        let changelog = scratch.read("CHANGELOG.md");
        assert!(
            changelog.contains("## Unreleased\n\n### Added\n\n- operation `list_c()` added"),
            "{changelog}"
        );
        let again = plan(&scratch.0, &[]).unwrap();
        assert!(again.check_report().is_empty(), "{}", again.check_report());
        assert!(again.change_report().is_empty());
    }
}
