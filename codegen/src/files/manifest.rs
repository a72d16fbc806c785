//! `Cargo.toml` of a generated crate and of the registry crate, built with
//! `toml_edit` (comments and all), never pasted from strings.

use std::collections::BTreeSet;

use toml_edit::{Array, DocumentMut, InlineTable, Item, Table, Value};

use super::format;
use crate::analyze::features::OPERATIONS;
use crate::analyze::model::Feature;
use crate::settings::ProviderSettings;

/// `{ workspace = true }`, after `extra` keys.
fn workspace(extra: &[(&str, Value)]) -> Value {
    let mut table = InlineTable::new();
    for (key, value) in extra {
        table.insert(*key, value.clone());
    }
    table.insert("workspace", true.into());
    Value::InlineTable(table)
}

fn strings(items: &[&str]) -> Value {
    Value::Array(Array::from_iter(items.iter().copied()))
}

/// A table, written `position`-th, whose header is preceded by `comment` lines
/// (each without `#`).
fn table(position: isize, comment: &[&str]) -> Table {
    let mut table = Table::new();
    table.set_position(Some(position));
    let prefix: String = comment.iter().map(|line| format!("# {line}\n")).collect();
    table.decor_mut().set_prefix(format!("\n{prefix}"));
    table
}

/// Inserts `key = value`, with `comment` lines above it.
fn entry(table: &mut Table, key: &str, value: impl Into<Value>, comment: &[&str]) {
    table.insert(key, Item::Value(value.into()));
    if !comment.is_empty()
        && let Some(mut key) = table.key_mut(key)
    {
        let prefix: String = comment.iter().map(|line| format!("# {line}\n")).collect();
        key.leaf_decor_mut().set_prefix(prefix);
    }
}

/// `[package]` keys every generated crate shares: what the workspace sets.
const INHERITED: &[&str] = &["edition", "rust-version", "license", "repository"];

/// A manifest's `[package]` (the workspace's shared keys inherited) and `[lib]`.
fn package(
    name: &str,
    version: &str,
    description: &str,
    keywords: &[&str],
    categories: &[&str],
    lib_comment: &str,
) -> DocumentMut {
    let mut document = DocumentMut::new();
    let mut package = table(0, &[]);
    entry(&mut package, "name", name, &[]);
    entry(&mut package, "version", version, &[]);
    entry(&mut package, "description", description, &[]);
    entry(&mut package, "readme", "README.md", &[]);
    entry(&mut package, "keywords", strings(keywords), &[]);
    entry(&mut package, "categories", strings(categories), &[]);
    for key in INHERITED {
        entry(&mut package, key, workspace(&[]), &[]);
    }
    document.insert("package", Item::Table(package));
    let mut lib = table(1, &[lib_comment]);
    entry(&mut lib, "test", false, &[]);
    document.insert("lib", Item::Table(lib));
    document
}

/// The manifest of a generated client crate.
pub fn client(
    spec_path: &str,
    settings: &ProviderSettings,
    dependencies: &BTreeSet<&str>,
    features: &[Feature],
) -> String {
    let mut document = package(
        &settings.crate_name,
        &settings.version,
        &settings.description,
        &["openapi", "usage", "api-client", "billing"],
        &["api-bindings", "web-programming::http-client"],
        "No unit tests to build: the README's snippets are the doctests.",
    );

    let mut feature_table = tls_features(!features.is_empty());
    operation_features(&mut feature_table, features);
    document.insert("features", Item::Table(feature_table));

    let mut dependency_table = table(3, &[]);
    for name in dependencies {
        entry(&mut dependency_table, name, workspace(&[]), &[]);
    }
    document.insert("dependencies", Item::Table(dependency_table));

    let mut dev = table(4, &[]);
    entry(
        &mut dev,
        "tokio",
        workspace(&[("features", strings(&["macros", "rt"]))]),
        &[],
    );
    document.insert("dev-dependencies", Item::Table(dev));

    let mut docs_rs = table(
        5,
        &["docs.rs: the default build; the API is the same on every target."],
    );
    entry(
        &mut docs_rs,
        "targets",
        strings(&["x86_64-unknown-linux-gnu"]),
        &[],
    );
    let metadata = dotted(&mut document, &["package", "metadata", "docs"]);
    metadata.insert("rs", Item::Table(docs_rs));
    format!("{}{document}", format::header("#", spec_path))
}

/// The TLS backends, one feature each (and `operations` by default when tags
/// split the operations).
fn tls_features(split: bool) -> Table {
    let mut features = table(2, &[]);
    let default: &[&str] = if split {
        &["rustls-ring", OPERATIONS]
    } else {
        &["rustls-ring"]
    };
    entry(&mut features, "default", strings(default), &[]);
    entry(
        &mut features,
        "rustls",
        strings(&["usagekit-runtime/rustls"]),
        &["TLS through rustls with aws-lc-rs (reqwest's own default; builds aws-lc-sys)."],
    );
    entry(
        &mut features,
        "rustls-ring",
        strings(&["usagekit-runtime/rustls-ring"]),
        &[
            "TLS through rustls with ring, the default: the lightest build that needs no",
            "system library (BENCHMARKS.md, \"TLS backends\").",
        ],
    );
    entry(
        &mut features,
        "native-tls",
        strings(&["usagekit-runtime/native-tls"]),
        &["TLS through the platform's library (OpenSSL on Linux)."],
    );
    features
}

/// `operations` and a feature per tag: each compiles its operations and the
/// types they reach.
fn operation_features(table: &mut Table, features: &[Feature]) {
    if features.is_empty() {
        return;
    }
    let names: Vec<&str> = features.iter().map(|f| f.name.as_str()).collect();
    entry(
        table,
        OPERATIONS,
        strings(&names),
        &[
            "Every operation and the types it uses (a default). Without default",
            "features, name the tags whose operations you call: the crate then",
            "compiles only those and the types they reach (README, \"Features\").",
        ],
    );
    for feature in features {
        let comment = format!("The operations {}.", feature.describe());
        entry(table, &feature.name, strings(&[]), &[comment.as_str()]);
    }
}

/// The manifest of a `<crate>-schemas` crate: the client's types with the
/// features they need, and what the schemas' own code names.
pub fn schemas(
    spec_path: &str,
    settings: &ProviderSettings,
    name: &str,
    dependencies: &BTreeSet<&str>,
    features: &[String],
) -> String {
    let description = format!(
        "The component schemas of {}'s API that no operation uses, as types (the rest are {}'s)",
        settings.name, settings.crate_name
    );
    let mut document = package(
        name,
        &settings.version,
        &description,
        &["openapi", "api-client", "schemas"],
        &["api-bindings"],
        "No unit tests to build: the README's snippet is the doctest.",
    );

    let mut dependency_table = table(2, &[]);
    let mut client = InlineTable::new();
    client.insert("path", format!("../{}", settings.crate_name).into());
    // Released together: these types re-export exactly that version's.
    client.insert("version", format!("={}", settings.version).into());
    client.insert("default-features", false.into());
    let features: Vec<&str> = features.iter().map(String::as_str).collect();
    client.insert("features", strings(&features));
    entry(
        &mut dependency_table,
        &settings.crate_name,
        Value::InlineTable(client),
        &[
            "The client's types; only the features whose types these schemas name",
            "(no TLS backend: nothing here makes a request).",
        ],
    );
    for dependency in dependencies {
        entry(&mut dependency_table, dependency, workspace(&[]), &[]);
    }
    document.insert("dependencies", Item::Table(dependency_table));
    format!("{}{document}", format::header("#", spec_path))
}

/// The manifest of the registry crate: every client as a path dependency.
pub fn registry(
    settings_path: &str,
    name: &str,
    description: &str,
    providers: &[ProviderSettings],
) -> String {
    let mut document = DocumentMut::new();
    let mut package = table(0, &[]);
    entry(&mut package, "name", name, &[]);
    entry(&mut package, "version", "0.1.0", &[]);
    entry(&mut package, "description", description, &[]);
    for key in INHERITED {
        entry(&mut package, key, workspace(&[]), &[]);
    }
    document.insert("package", Item::Table(package));
    let mut dependencies = table(1, &[]);
    entry(&mut dependencies, "usagekit-runtime", workspace(&[]), &[]);
    for provider in providers {
        let mut path = InlineTable::new();
        path.insert("path", format!("../{}", provider.crate_name).into());
        path.insert("version", provider.version.as_str().into());
        entry(
            &mut dependencies,
            &provider.crate_name,
            Value::InlineTable(path),
            &[],
        );
    }
    document.insert("dependencies", Item::Table(dependencies));
    format!("{}{document}", format::header("#", settings_path))
}

/// The table at `path`, made of implicit (header-less) tables where missing.
fn dotted<'d>(document: &'d mut DocumentMut, path: &[&str]) -> &'d mut Table {
    let mut table = document.as_table_mut();
    for key in path {
        let next = table.entry(key).or_insert_with(|| {
            let mut implicit = Table::new();
            implicit.set_implicit(true);
            Item::Table(implicit)
        });
        table = next
            .as_table_mut()
            .unwrap_or_else(|| unreachable!("`{key}` was made a table above"));
    }
    table
}
