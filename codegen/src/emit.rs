//! Stage 5: the files of one client crate, in memory.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::visit::Visit;

use crate::context::Context;
use crate::format;
use crate::model::OperationModel;
use crate::settings::ProviderSettings;

/// One file of a generated crate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    /// Relative to the crate's directory, with `/` separators.
    pub path: String,
    pub contents: String,
}

/// The crates generated code may name, each a `[workspace.dependencies]` entry.
/// `usagekit-runtime`, `progenitor-client`, `reqwest` and `serde` are always used.
/// (name in code, package name).
const KNOWN_CRATES: &[(&str, &str)] = &[
    ("base64", "base64"),
    ("chrono", "chrono"),
    ("progenitor_client", "progenitor-client"),
    ("regress", "regress"),
    ("reqwest", "reqwest"),
    ("rust_decimal", "rust_decimal"),
    ("serde", "serde"),
    ("serde_json", "serde_json"),
    ("usagekit_runtime", "usagekit-runtime"),
    ("uuid", "uuid"),
];

/// Roots of paths that are not crates: the language's and the module's own.
const NOT_CRATES: &[&str] = &[
    "std", "core", "alloc", "crate", "self", "super", "Self", "bool", "char", "str", "f32", "f64",
    "i8", "i16", "i32", "i64", "i128", "isize", "u8", "u16", "u32", "u64", "u128", "usize",
];

pub fn files(
    spec_path: &str,
    context: &Context<'_>,
    syntax: &syn::File,
) -> Result<Vec<GeneratedFile>, String> {
    let settings = context.settings;
    let dependencies = dependencies(syntax)?;
    let lib = lib_rs(&dependencies);
    check_name_clashes(&lib, syntax)?;
    let example = example_main(context)?;
    let summary = summary_main(context);
    let summary_output = crate::preview::summary_table(&settings.key, &context.reports)?;
    let mut files = vec![
        GeneratedFile {
            path: "Cargo.toml".into(),
            contents: cargo_toml(spec_path, settings, &dependencies),
        },
        GeneratedFile {
            path: "README.md".into(),
            contents: readme(
                spec_path,
                context,
                example.as_ref().map(|(_, body)| body.as_str()),
                summary
                    .as_ref()
                    .map(|(_, body)| (body.as_str(), summary_output.as_deref())),
            ),
        },
        GeneratedFile {
            path: "src/lib.rs".into(),
            contents: format::rust(spec_path, &lib),
        },
        GeneratedFile {
            path: "src/generated.rs".into(),
            contents: format::rust(spec_path, syntax),
        },
    ];
    // The licence texts travel with each crate, as `cargo package` packs only
    // what is in the crate's directory.
    for (path, text) in [
        ("LICENSE-MIT", include_str!("../../LICENSE-MIT")),
        ("LICENSE-APACHE", include_str!("../../LICENSE-APACHE")),
    ] {
        files.push(GeneratedFile {
            path: path.into(),
            contents: text.into(),
        });
    }
    // The example program: the summary table where the spec maps reports.
    if let Some((file, _)) = summary.or(example) {
        files.push(GeneratedFile {
            path: format!("examples/{}.rs", example_name(settings)),
            contents: format::rust(spec_path, &file),
        });
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

/// The first segments of the paths in some code, and the modules it declares.
#[derive(Default)]
struct Roots {
    modules: BTreeSet<String>,
    roots: BTreeSet<String>,
}
impl<'ast> Visit<'ast> for Roots {
    fn visit_item_mod(&mut self, item: &'ast syn::ItemMod) {
        self.modules.insert(item.ident.to_string());
        syn::visit::visit_item_mod(self, item);
    }
    fn visit_path(&mut self, path: &'ast syn::Path) {
        if path.segments.len() > 1 || path.leading_colon.is_some() {
            self.roots.insert(path.segments[0].ident.to_string());
        }
        syn::visit::visit_path(self, path);
    }
    // `<i64>::deserialize`, `<T as Trait>::f`: the path hangs off a type.
    fn visit_qself(&mut self, qself: &'ast syn::QSelf) {
        self.visit_type(&qself.ty);
    }
    fn visit_expr_path(&mut self, expr: &'ast syn::ExprPath) {
        match &expr.qself {
            Some(qself) => self.visit_qself(qself),
            None => self.visit_path(&expr.path),
        }
    }
    fn visit_type_path(&mut self, ty: &'ast syn::TypePath) {
        match &ty.qself {
            Some(qself) => self.visit_qself(qself),
            None => self.visit_path(&ty.path),
        }
    }
    fn visit_use_tree(&mut self, tree: &'ast syn::UseTree) {
        if let syn::UseTree::Path(path) = tree {
            self.roots.insert(path.ident.to_string());
        }
    }
}

/// The crates the generated code names, read from its syntax tree: the first
/// segment of every path of two or more segments that is not one of its modules.
fn dependencies(syntax: &syn::File) -> Result<BTreeSet<&'static str>, String> {
    let mut found = Roots::default();
    found.visit_file(syntax);
    // serde_json always: `lib.rs` re-exports it for the examples and for `Unknown` values.
    let mut crates: BTreeSet<&'static str> = [
        "progenitor-client",
        "reqwest",
        "serde",
        "serde_json",
        "usagekit-runtime",
    ]
    .into();
    for root in &found.roots {
        let local = NOT_CRATES.contains(&root.as_str())
            || found.modules.contains(root)
            || root.starts_with(|c: char| c.is_uppercase());
        if local {
            continue;
        }
        let (_, package) = KNOWN_CRATES
            .iter()
            .find(|(name, _)| name == root)
            .ok_or_else(|| {
                let known: Vec<&str> = KNOWN_CRATES.iter().map(|(name, _)| *name).collect();
                format!("the generated code uses the crate `{root}`, which is not among the crates a generated client may depend on ({}); add it to `KNOWN_CRATES` in codegen/src/emit.rs and to `[workspace.dependencies]`", known.join(", "))
            })?;
        crates.insert(package);
    }
    Ok(crates)
}

/// `name = value` on one line, both sides written by `toml` (tables inline).
pub(crate) fn toml_entry(name: &str, value: impl Into<toml::Value>) -> String {
    [
        crate::toml_key(name),
        " = ".to_owned(),
        value.into().to_string(),
        "\n".to_owned(),
    ]
    .concat()
}

/// `{ workspace = true }` plus `extra` keys, as an inline table.
fn workspace_dependency(extra: &[(&str, toml::Value)]) -> toml::Value {
    let mut table = toml::Table::new();
    table.insert("workspace".into(), true.into());
    for (key, value) in extra {
        table.insert((*key).to_owned(), value.clone());
    }
    toml::Value::Table(table)
}

fn cargo_toml(
    spec_path: &str,
    settings: &ProviderSettings,
    dependencies: &BTreeSet<&str>,
) -> String {
    let inherited = || workspace_dependency(&[]);
    let package: Vec<String> = vec![
        toml_entry("name", settings.crate_name.as_str()),
        toml_entry("version", settings.version.as_str()),
        toml_entry("description", settings.description.as_str()),
        toml_entry("readme", "README.md"),
        toml_entry(
            "keywords",
            vec!["openapi", "usage", "api-client", "billing"],
        ),
        toml_entry(
            "categories",
            vec!["api-bindings", "web-programming::http-client"],
        ),
        toml_entry("edition", inherited()),
        toml_entry("rust-version", inherited()),
        toml_entry("license", inherited()),
        toml_entry("repository", inherited()),
    ];
    let features = [
        toml_entry("default", vec!["rustls-ring"]),
        "# TLS through rustls with aws-lc-rs (reqwest's own default; builds aws-lc-sys).\n".to_owned(),
        toml_entry("rustls", vec!["usagekit-runtime/rustls"]),
        "# TLS through rustls with ring, the default: the lightest build that needs no\n# system library (BENCHMARKS.md, \"TLS backends\").\n"
            .to_owned(),
        toml_entry("rustls-ring", vec!["usagekit-runtime/rustls-ring"]),
        "# TLS through the platform's library (OpenSSL on Linux).\n".to_owned(),
        toml_entry("native-tls", vec!["usagekit-runtime/native-tls"]),
    ];
    let dependency_lines: Vec<String> = dependencies
        .iter()
        .map(|name| toml_entry(name, inherited()))
        .collect();
    let dev_lines = [toml_entry(
        "tokio",
        workspace_dependency(&[("features", vec!["macros", "rt"].into())]),
    )];
    [
        format::header("#", spec_path),
        "\n[package]\n".to_owned(),
        package.concat(),
        "\n[features]\n".to_owned(),
        features.concat(),
        "\n[dependencies]\n".to_owned(),
        dependency_lines.concat(),
        "\n[dev-dependencies]\n".to_owned(),
        dev_lines.concat(),
        "\n# docs.rs: the default build; the API is the same on every target.\n[package.metadata.docs.rs]\n".to_owned(),
        toml_entry("targets", vec!["x86_64-unknown-linux-gnu"]),
    ]
    .concat()
}

/// Crates whose types appear in generated signatures: re-exported, so users need
/// not add them (at a version that must match) to use a parameter or a field.
const REEXPORTED_CRATES: &[&str] = &["chrono", "rust_decimal", "serde_json", "uuid"];

fn lib_rs(dependencies: &BTreeSet<&str>) -> syn::File {
    // In the order rustfmt sorts them.
    let mut uses: Vec<(String, TokenStream)> = REEXPORTED_CRATES
        .iter()
        .filter(|name| dependencies.contains(**name))
        .map(|name| {
            let ident = format_ident!("{name}");
            ((*name).to_owned(), quote!(pub use #ident;))
        })
        .collect();
    uses.push((
        "generated".into(),
        quote!(
            pub use generated::*;
        ),
    ));
    uses.push((
        "usagekit_runtime::{".into(),
        quote! {
            pub use usagekit_runtime::{
                ApiError, ConfigError, Error, ErrorKind, RetryPolicy, Secret, Stream, TryStreamExt,
            };
        },
    ));
    uses.push((
        "usagekit_runtime::report".into(),
        quote! {
            /// Usage records, read from this crate's responses as its spec's
            /// `x-usagekit-report` says, and their sums: see [`SERVICE`].
            pub use usagekit_runtime::report;
        },
    ));
    uses.sort_by(|a, b| a.0.cmp(&b.0));
    let uses = uses.into_iter().map(|(_, tokens)| tokens);
    syn::parse_quote! {
        #![doc = include_str!("../README.md")]

        #[rustfmt::skip]
        mod generated;

        #(#uses)*
    }
}

/// Every public name at the crate root, and every type in `types`: two items a
/// user meets must not share a name (`naming::ROOT_NAMES` renames schemas).
fn check_name_clashes(lib: &syn::File, generated: &syn::File) -> Result<(), String> {
    fn use_names(tree: &syn::UseTree, into: &mut BTreeSet<String>) {
        match tree {
            syn::UseTree::Path(path) => use_names(&path.tree, into),
            syn::UseTree::Name(name) => {
                into.insert(name.ident.to_string());
            }
            syn::UseTree::Rename(rename) => {
                into.insert(rename.rename.to_string());
            }
            syn::UseTree::Group(group) => group.items.iter().for_each(|t| use_names(t, into)),
            syn::UseTree::Glob(_) => {}
        }
    }
    let mut root = BTreeSet::new();
    let mut types = BTreeSet::new();
    for item in lib.items.iter().chain(&generated.items) {
        match item {
            syn::Item::Use(u) if matches!(u.vis, syn::Visibility::Public(_)) => {
                use_names(&u.tree, &mut root)
            }
            syn::Item::Struct(s) if matches!(s.vis, syn::Visibility::Public(_)) => {
                root.insert(s.ident.to_string());
            }
            syn::Item::Enum(e) if matches!(e.vis, syn::Visibility::Public(_)) => {
                root.insert(e.ident.to_string());
            }
            syn::Item::Mod(m) if m.ident == "types" => {
                for item in m.content.iter().flat_map(|(_, items)| items) {
                    match item {
                        syn::Item::Struct(s) => {
                            types.insert(s.ident.to_string());
                        }
                        syn::Item::Enum(e) => {
                            types.insert(e.ident.to_string());
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    let clashes: Vec<&String> = root.intersection(&types).collect();
    if clashes.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "generated names clash: {clashes:?} are both at the crate root and in `types`; add them to `naming::ROOT_NAMES` (a generator bug)"
        ))
    }
}

/// Example names are global to the workspace's target directory: prefix the provider.
pub fn example_name(settings: &ProviderSettings) -> String {
    format!("{}_summary", settings.key.replace('-', "_"))
}

/// The example program, and its `main` as the README shows it.
fn example_main(context: &Context<'_>) -> Result<Option<(syn::File, String)>, String> {
    let settings = context.settings;
    let Some(chosen) = settings.example.as_ref() else {
        return Ok(None);
    };
    let Some(operation) = context
        .operations
        .iter()
        .find(|op| op.id == chosen.operation)
    else {
        return Ok(None);
    };
    let krate = format_ident!("{}", settings.crate_ident());
    let method = format_ident!("{}", operation.method);
    let mut call = quote!(client.#method());
    // Arguments that are more than a literal get a `let` of their own: short
    // lines that rustfmt and prettyplease print alike.
    let mut arguments = Vec::new();
    for (name, value) in &chosen.args {
        let setter = format_ident!("{}", crate::naming::setter_name(name));
        let value: syn::Expr = syn::parse_str(value).map_err(|e| {
            format!("example argument `{name}` = {value:?} is not a Rust expression: {e}")
        })?;
        if matches!(value, syn::Expr::Lit(_)) {
            call = quote!(#call.#setter(#value));
        } else {
            arguments.push(quote!(let #setter = #value;));
            call = quote!(#call.#setter(#setter));
        }
    }
    // `chrono::…` in an argument is the crate's re-export.
    let mut argument_roots = Roots::default();
    for argument in &arguments {
        if let Ok(stmt) = syn::parse2::<syn::Stmt>(argument.clone()) {
            argument_roots.visit_stmt(&stmt);
        }
    }
    let reexported = REEXPORTED_CRATES
        .iter()
        .filter(|name| argument_roots.roots.contains(**name))
        .map(|name| format_ident!("{name}"));
    let crate_imports = quote!(#(use #krate::#reexported;)*);
    let (imports, fetch) = if operation.pagination.is_some() {
        (
            quote!(use #krate::{Client, TryStreamExt};),
            quote! {
                // Pages are fetched one at a time, as the stream is read.
                let mut items = #call.stream();
                let mut count = 0;
                while let Some(item) = items.try_next().await? {
                    count += 1;
                    let line = #krate::serde_json::to_string(&item)?;
                    println!("{line}");
                }
                println!("{count} items");
            },
        )
    } else {
        (
            quote!(use #krate::Client;),
            quote! {
                let response = #call.send().await?;
                let json = #krate::serde_json::to_string_pretty(&response)?;
                println!("{json}");
            },
        )
    };
    let docs = example_docs(
        settings,
        &format!(
            "Calls `{}` and prints the result, one JSON line per item.",
            operation.id
        ),
    );
    let connect = connect_tokens();
    let main: syn::File = syn::parse_quote! {
        #crate_imports
        #imports

        #[tokio::main(flavor = "current_thread")]
        async fn main() -> Result<(), Box<dyn std::error::Error>> {
            #connect
            #(#arguments)*
            #fetch
            Ok(())
        }
    };
    Ok(Some(with_docs(main, &docs)))
}

/// An example's client: from the environment, the base URL from the first argument.
fn connect_tokens() -> TokenStream {
    quote! {
        let mut builder = Client::builder().from_env()?;
        if let Some(base_url) = std::env::args().nth(1) {
            builder = builder.base_url(base_url);
        }
        let client = builder.build()?;
    }
}

/// The program as the README shows it, and as the example file holds it (with docs).
fn with_docs(main: syn::File, docs: &[String]) -> (syn::File, String) {
    let shown = prettyplease::unparse(&main);
    let mut file = main;
    file.attrs = docs
        .iter()
        .map(|line| syn::parse_quote!(#![doc = #line]))
        .collect();
    (file, shown)
}

/// An example's doc comment: what it does, then how to run it.
fn example_docs(settings: &ProviderSettings, what: &str) -> Vec<String> {
    let mut env: Vec<&str> = settings
        .credentials
        .values()
        .map(|c| c.env.as_str())
        .collect();
    env.sort_unstable();
    let vars = env
        .iter()
        .map(|v| format!("`{v}`"))
        .collect::<Vec<_>>()
        .join(" and ");
    vec![
        format!(" {what}"),
        String::new(),
        format!(
            " Credentials come from {vars}; the base URL from `{}` or the first argument:",
            settings.base_url_env()
        ),
        String::new(),
        " ```sh".to_owned(),
        format!(
            " cargo run -p {} --example {} -- http://127.0.0.1:8080",
            settings.crate_name,
            example_name(settings)
        ),
        " ```".to_owned(),
    ]
}

/// The summary program, for a spec with `x-usagekit-report`: the last 7 days by
/// day, as a table.
fn summary_main(context: &Context<'_>) -> Option<(syn::File, String)> {
    if context.reports.is_empty() {
        return None;
    }
    let settings = context.settings;
    let krate = format_ident!("{}", settings.crate_ident());
    let docs = example_docs(
        settings,
        "Prints the last 7 days of usage, a line a day: tokens, requests, cost and the \
         provider's other counters, read as the spec's `x-usagekit-report` says.",
    );
    let connect = connect_tokens();
    let main: syn::File = syn::parse_quote! {
        use #krate::report::{self, Granularity, ReportQuery};
        use #krate::{Client, SERVICE};

        #[tokio::main(flavor = "current_thread")]
        async fn main() -> Result<(), Box<dyn std::error::Error>> {
            #connect
            let query = ReportQuery::last_days(7, &[]);
            let summary = SERVICE.summarize(&client, &query, Granularity::Day).await?;
            let table = report::table(&summary);
            print!("{table}");
            Ok(())
        }
    };
    Some(with_docs(main, &docs))
}

fn readme(
    spec_path: &str,
    context: &Context<'_>,
    example: Option<&str>,
    summary: Option<(&str, Option<&str>)>,
) -> String {
    let settings = context.settings;
    let mut out = format::header("<!--", spec_path).replace('\n', " -->\n");
    let _ = write!(
        out,
        "\n# {crate_name}\n\n{description}\n\n\
         Generated by UsageKit from `{spec_path}`; it contains no hand-written code. Auth, \
         retries, pagination and typed errors come from the shared `usagekit-runtime`.\n\n\
         ## Install\n\n\
         ```toml\n[dependencies]\n{crate_name} = \"{requirement}\"\ntokio = {{ version = \"1\", features = [\"macros\", \"rt\"] }}\n```\n\n\
         That is all the example below needs: the crate re-exports the crates its types use \
         (`chrono`, `serde_json`, …).\n\n\
         TLS uses rustls with ring by default (feature `rustls-ring`). With \
         `default-features = false`, choose `rustls` (aws-lc-rs) or `native-tls` (the \
         platform's TLS) instead.\n\n\
         ## Configure\n\n\
         `Client::from_env()` reads {vars}, and `{base}` to override the server \
         (default `{url}`). `Client::builder()` sets the same in code, plus timeouts and retries.\n\n",
        crate_name = settings.crate_name,
        requirement = version_requirement(&settings.version),
        description = settings.description,
        vars = settings
            .credentials
            .values()
            .map(|c| format!("`{}`", c.env))
            .collect::<Vec<_>>()
            .join(" and "),
        base = settings.base_url_env(),
        url = context.default_base_url,
    );
    let run_example = format!(
        "`cargo run -p {} --example {} -- <base URL>`",
        settings.crate_name,
        example_name(settings)
    );
    if let Some(example) = example {
        let _ = write!(out, "## Use\n\n```rust,no_run\n{example}```\n\n");
        if summary.is_none() {
            let _ = write!(
                out,
                "The same program is `examples/{}.rs`: {run_example}.\n\n",
                example_name(settings)
            );
        }
    }
    if let Some((program, output)) = summary {
        let _ = write!(
            out,
            "## Summary\n\n\
             A table of the last 7 days, read as the spec's `x-usagekit-report` says (the same \
             mapping the `usagekit report` command uses):\n\n\
             ```rust,no_run\n{program}```\n\n\
             This is `examples/{}.rs`: {run_example}.",
            example_name(settings)
        );
        if let Some(output) = output {
            let _ = write!(
                out,
                " For the example responses in the spec (2026-11-01 to 03), run on 2026-11-04, it prints:\n\n\
                 ```text\n{output}```"
            );
        }
        out.push_str("\n\n");
    }
    out.push_str("## Operations\n\n| Method | Request | Summary |\n|---|---|---|\n");
    for operation in &context.operations {
        let _ = writeln!(
            out,
            "| {} | `{} {}` | {} |",
            method_cell(operation),
            operation.http_method,
            operation.path,
            operation.summary.as_deref().unwrap_or("")
        );
    }
    out.push_str(
        "\nEach method returns a request builder: set parameters, then `.send().await`. \
         Paginated operations also offer `.stream()` (items one by one, pages fetched lazily) \
         and `.collect_all()`.\n",
    );
    out
}

/// The requirement users write for this version: `0.3` for 0.3.x, `1` for 1.x.
fn version_requirement(version: &str) -> String {
    let mut parts = version.split('.');
    match (parts.next(), parts.next()) {
        (Some("0"), Some(minor)) => format!("0.{minor}"),
        (Some(major), _) => major.to_owned(),
        (None, _) => version.to_owned(),
    }
}

fn method_cell(operation: &OperationModel) -> String {
    let paged = if operation.pagination.is_some() {
        " (paginated)"
    } else {
        ""
    };
    format!("`{}()`{paged}", operation.method)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dependencies_come_from_the_paths_the_code_names() {
        let code: syn::File = syn::parse_quote! {
            pub mod types {
                pub mod defaults { pub fn one() -> u64 { 1 } }
                pub struct A { at: ::chrono::DateTime<::chrono::Utc>, n: ::std::num::NonZeroU64 }
                fn f() { let _ = <i64>::deserialize; let _ = u64::try_from(1i64); defaults::one(); }
            }
            use uuid::Uuid;
        };
        let found: Vec<&str> = dependencies(&code).unwrap().into_iter().collect();
        assert_eq!(
            found,
            [
                "chrono",
                "progenitor-client",
                "reqwest",
                "serde",
                "serde_json",
                "usagekit-runtime",
                "uuid"
            ]
        );
        let unknown: syn::File = syn::parse_quote!(
            struct B {
                x: ::base32::Alphabet,
            }
        );
        let message = dependencies(&unknown).unwrap_err();
        assert!(
            message.contains("`base32`") && message.contains("KNOWN_CRATES"),
            "{message}"
        );
    }

    #[test]
    fn a_type_named_like_a_root_item_is_refused() {
        let lib = lib_rs(&BTreeSet::new());
        let clashing: syn::File = syn::parse_quote!(
            pub mod types {
                pub struct Error {}
            }
        );
        let message = check_name_clashes(&lib, &clashing).unwrap_err();
        assert!(message.contains("\"Error\""), "{message}");
        let fine: syn::File = syn::parse_quote!(
            pub mod types {
                pub struct ErrorObject {}
            }
        );
        assert!(check_name_clashes(&lib, &fine).is_ok());
    }
}
