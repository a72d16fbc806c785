//! Every Rust snippet in the workspace README and in each generated crate's README
//! builds with exactly the dependencies the README's `[dependencies]` block lists.
//! The workspace README's snippets, and the OpenAI crate's, build in a scratch
//! workspace (workspace crates by path, the rest as written) and their first
//! snippets run against a loopback server; every generated crate's snippets are
//! its doctests, whose dependencies must be its install block.

use std::path::Path;
use std::process::Command;

use usagekit_tests::scratch::{Scratch, workspace_root as root, write_package};
use usagekit_tests::{SECRET, fixture, serve};

/// The text of each fenced block whose info string starts with `lang`.
fn blocks(markdown: &str, lang: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut current: Option<String> = None;
    for line in markdown.lines() {
        match (&mut current, line.trim_start().strip_prefix("```")) {
            (None, Some(info)) => {
                let info = info.trim();
                let wanted = info.split(',').next() == Some(lang) && !info.contains("ignore");
                current = wanted.then(String::new);
                if !wanted {
                    // Skip the block's body until its closing fence.
                    current = Some("\u{0}skip".into());
                }
            }
            (Some(text), Some(_)) => {
                if !text.starts_with('\u{0}') {
                    found.push(std::mem::take(text));
                }
                current = None;
            }
            (Some(text), None) => {
                if !text.starts_with('\u{0}') {
                    text.push_str(line);
                    text.push('\n');
                }
            }
            (None, None) => {}
        }
    }
    found
}

/// The README's install block, with workspace crates pointed at their directories.
fn install_dependencies(markdown: &str) -> toml::Table {
    let block = blocks(markdown, "toml")
        .into_iter()
        .find(|b| b.contains("[dependencies]"))
        .expect("a README with snippets has a [dependencies] block");
    let mut table: toml::Table = toml::from_str(&block).unwrap();
    let mut dependencies = table
        .remove("dependencies")
        .unwrap()
        .as_table()
        .unwrap()
        .clone();
    for (name, spec) in dependencies.iter_mut() {
        let dir = root().join("crates").join(name);
        if dir.join("Cargo.toml").is_file() {
            // A README that installs a version other than the crate's is stale.
            if let Some(requirement) = spec.as_str() {
                let manifest: toml::Table = std::fs::read_to_string(dir.join("Cargo.toml"))
                    .unwrap()
                    .parse()
                    .unwrap();
                let version = manifest["package"]["version"].as_str().unwrap();
                assert!(
                    version == requirement || version.starts_with(&format!("{requirement}.")),
                    "a README installs {name} = \"{requirement}\", but the crate is {version}"
                );
            }
            let mut path = toml::Table::new();
            path.insert(
                "path".into(),
                dir.canonicalize().unwrap().display().to_string().into(),
            );
            *spec = toml::Value::Table(path);
        }
    }
    dependencies
}

struct Snippets {
    package: String,
    count: usize,
}

fn write_snippets(scratch: &Path, package: &str, markdown: &str) -> Snippets {
    let mut manifest = toml::Table::new();
    let mut meta = toml::Table::new();
    meta.insert("name".into(), package.into());
    meta.insert("version".into(), "0.0.0".into());
    meta.insert("edition".into(), "2024".into());
    meta.insert("publish".into(), false.into());
    manifest.insert("package".into(), toml::Value::Table(meta));
    manifest.insert(
        "dependencies".into(),
        toml::Value::Table(install_dependencies(markdown)),
    );
    let mut files = vec![("Cargo.toml".to_owned(), toml::to_string(&manifest).unwrap())];
    let snippets = blocks(markdown, "rust");
    assert!(!snippets.is_empty(), "{package}: no Rust snippet");
    for (index, code) in snippets.iter().enumerate() {
        // Binary names are global to the target directory: prefix the package.
        files.push((format!("src/bin/{package}-{index}.rs"), code.clone()));
    }
    // Unchanged files keep their times: a second run rebuilds nothing.
    write_package(&scratch.join(package), &files);
    Snippets {
        package: package.to_owned(),
        count: snippets.len(),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn readme_snippets_build_with_their_install_block_and_run() {
    let scratch = Path::new(env!("CARGO_TARGET_TMPDIR")).join("readme-snippets");
    std::fs::create_dir_all(&scratch).unwrap();
    let mut packages = vec![write_snippets(
        &scratch,
        "readme-workspace",
        &std::fs::read_to_string(root().join("README.md")).unwrap(),
    )];
    // The generated crate whose snippet runs below; the others' snippets are their
    // crates' doctests (see the next test).
    let readme = std::fs::read_to_string(root().join("crates/openai-usage/README.md")).unwrap();
    packages.push(write_snippets(&scratch, "readme-openai-usage", &readme));
    packages.sort_by(|a, b| a.package.cmp(&b.package));
    let members: Vec<String> = packages.iter().map(|p| p.package.clone()).collect();
    // A scratch workspace in the workspace's target directory: the dependencies
    // `cargo test` built are not built again.
    let scratch_workspace = Scratch::create(&scratch, &members);
    let target = scratch_workspace.target();
    scratch_workspace.cargo(&["build", "--workspace", "--bins"]);
    assert!(packages.iter().all(|p| p.count > 0));

    // The workspace README's first snippet, as a user runs it.
    let mut last_page: serde_json::Value =
        serde_json::from_str(&fixture("openai_all_kinds.json")).unwrap();
    last_page["has_more"] = false.into();
    last_page["next_page"] = serde_json::Value::Null;
    let server = serve(
        "/organization/usage/completions",
        200,
        last_page.to_string(),
    )
    .await;
    let binary = |package: &str, index: usize| {
        let output = Command::new(target.join("debug").join(format!("{package}-{index}")))
            .env("OPENAI_ADMIN_KEY", SECRET)
            .env("OPENAI_BASE_URL", server.uri())
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{package} snippet {index} failed:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).unwrap()
    };
    let printed = binary("readme-workspace", 0);
    assert!(
        printed.contains("1730419200..1730505600: 5 results"),
        "{printed}"
    );
    // The OpenAI crate's example reads the base URL from the environment too.
    let printed = binary("readme-openai-usage", 0);
    assert!(printed.contains("2 items"), "{printed}");
}

/// A dependency's features, as a manifest or an install block writes them.
fn features(spec: &toml::Value) -> Vec<String> {
    let mut found: Vec<String> = spec
        .get("features")
        .and_then(|f| f.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    found.sort();
    found
}

/// A generated crate's README is its crate documentation, so `cargo test` builds
/// every snippet as a doctest, with the crate and its dev-dependencies. That is
/// what a user builds only if the install block names exactly those.
#[test]
fn generated_readmes_install_what_their_doctests_build_with() {
    let mut checked = 0;
    for entry in std::fs::read_dir(root().join("crates")).unwrap() {
        let dir = entry.unwrap().path();
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        if !name.ends_with("-usage") {
            continue;
        }
        let lib = std::fs::read_to_string(dir.join("src/lib.rs")).unwrap();
        assert!(
            lib.contains("#![doc = include_str!(\"../README.md\")]"),
            "{name}: the README is not the crate's documentation, so no doctest builds its snippets"
        );
        let readme = std::fs::read_to_string(dir.join("README.md")).unwrap();
        assert!(
            !blocks(&readme, "rust").is_empty(),
            "{name}: no Rust snippet"
        );
        assert!(
            !readme.contains("```rust,ignore"),
            "{name}: an ignored snippet is never built"
        );
        let mut install = install_dependencies(&readme);
        assert!(
            install.remove(&name).is_some(),
            "{name}: the install block does not name the crate"
        );
        let manifest: toml::Table = std::fs::read_to_string(dir.join("Cargo.toml"))
            .unwrap()
            .parse()
            .unwrap();
        let empty = toml::Table::new();
        let dev = manifest
            .get("dev-dependencies")
            .and_then(|d| d.as_table())
            .unwrap_or(&empty);
        let listed = |table: &toml::Table| -> Vec<(String, Vec<String>)> {
            table
                .iter()
                .map(|(k, v)| (k.clone(), features(v)))
                .collect()
        };
        assert_eq!(
            listed(&install),
            listed(dev),
            "{name}: the README's install block and the crate's dev-dependencies differ"
        );
        checked += 1;
    }
    assert!(checked >= 5, "only {checked} generated crates found");
}
