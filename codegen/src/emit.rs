//! Stage 5: the files of one client crate, in memory.

use std::collections::BTreeSet;
use std::fmt::Write as _;

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

/// Crates the generated module may name, with the feature test for each.
const OPTIONAL_DEPENDENCIES: &[(&str, &str)] = &[
    ("chrono", "chrono::"),
    ("regress", "regress::"),
    ("serde_json", "serde_json::"),
    ("uuid", "uuid::"),
];

pub fn files(spec_path: &str, context: &Context<'_>, generated: String) -> Vec<GeneratedFile> {
    let settings = context.settings;
    let example = example_main(context);
    let mut files = vec![
        GeneratedFile {
            path: "Cargo.toml".into(),
            contents: cargo_toml(spec_path, settings, &generated),
        },
        GeneratedFile {
            path: "README.md".into(),
            contents: readme(
                spec_path,
                context,
                example.as_ref().map(|(_, body)| body.as_str()),
            ),
        },
        GeneratedFile {
            path: "src/lib.rs".into(),
            contents: lib_rs(spec_path),
        },
        GeneratedFile {
            path: "src/generated.rs".into(),
            contents: generated,
        },
    ];
    if let Some((doc, body)) = example {
        files.push(GeneratedFile {
            path: format!("examples/{}.rs", example_name(settings)),
            contents: format!("{}{doc}\n{body}", format::header("//", spec_path)),
        });
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files
}

fn cargo_toml(spec_path: &str, settings: &ProviderSettings, generated: &str) -> String {
    let mut dependencies: BTreeSet<&str> = ["progenitor-client", "reqwest", "serde"].into();
    for (name, marker) in OPTIONAL_DEPENDENCIES {
        if generated.contains(marker) {
            dependencies.insert(name);
        }
    }
    let mut out = format::header("#", spec_path);
    let description = settings
        .description
        .replace('\\', "\\\\")
        .replace('"', "\\\"");
    let _ = write!(
        out,
        "\n[package]\n\
         name = \"{name}\"\n\
         version = \"{version}\"\n\
         description = \"{description}\"\n\
         readme = \"README.md\"\n\
         keywords = [\"openapi\", \"usage\", \"api-client\"]\n\
         edition.workspace = true\n\
         rust-version.workspace = true\n\
         license.workspace = true\n\
         repository.workspace = true\n\
         \n\
         [features]\n\
         default = [\"rustls\"]\n\
         # TLS through rustls (reqwest's default backend).\n\
         rustls = [\"usagekit-runtime/rustls\"]\n\
         # TLS through the platform's library (OpenSSL on Linux).\n\
         native-tls = [\"usagekit-runtime/native-tls\"]\n\
         \n\
         [dependencies]\n",
        name = settings.crate_name,
        version = settings.version,
    );
    for dependency in &dependencies {
        let _ = writeln!(out, "{dependency}.workspace = true");
    }
    out.push_str("usagekit-runtime.workspace = true\n\n[dev-dependencies]\n");
    if !dependencies.contains("serde_json") {
        out.push_str("serde_json.workspace = true\n");
    }
    out.push_str("tokio = { workspace = true, features = [\"macros\", \"rt\"] }\n");
    out
}

fn lib_rs(spec_path: &str) -> String {
    format!(
        "{}#![doc = include_str!(\"../README.md\")]\n\
         \n\
         #[rustfmt::skip]\n\
         mod generated;\n\
         \n\
         pub use generated::*;\n\
         pub use usagekit_runtime::{{\n    \
             ApiError, ConfigError, Error, ErrorKind, RetryPolicy, Secret, Stream, TryStreamExt,\n\
         }};\n",
        format::header("//", spec_path)
    )
}

/// Example names are global to the workspace's target directory: prefix the provider.
pub fn example_name(settings: &ProviderSettings) -> String {
    format!("{}_summary", settings.key.replace('-', "_"))
}

/// The example program: its doc comment, and the code shown in the README too.
fn example_main(context: &Context<'_>) -> Option<(String, String)> {
    let settings = context.settings;
    let chosen = settings.example.as_ref()?;
    let operation = context
        .operations
        .iter()
        .find(|op| op.id == chosen.operation)?;
    let krate = settings.crate_ident();
    let mut call = format!("client.{}()", operation.method);
    for (name, value) in &chosen.args {
        let _ = write!(call, ".{}({value})", crate::naming::setter_name(name));
    }
    let fetch = if operation.pagination.is_some() {
        format!(
            "    // Pages are fetched one at a time, as the stream is read.\n    \
             let mut items = {call}.stream();\n    \
             let mut count = 0;\n    \
             while let Some(item) = items.try_next().await? {{\n        \
                 count += 1;\n        \
                 println!(\"{{}}\", serde_json::to_string(&item)?);\n    \
             }}\n    \
             println!(\"{{count}} items\");\n"
        )
    } else {
        format!(
            "    let response = {call}.send().await?.into_inner();\n    \
             println!(\"{{}}\", serde_json::to_string_pretty(&response)?);\n"
        )
    };
    let imports = if operation.pagination.is_some() {
        format!("use {krate}::{{Client, TryStreamExt}};")
    } else {
        format!("use {krate}::Client;")
    };
    let mut env = settings
        .credentials
        .values()
        .map(|c| c.env.as_str())
        .collect::<Vec<_>>();
    env.sort_unstable();
    let doc = format!(
        "//! Calls `{id}` and prints the result, one JSON line per item.\n\
         //!\n\
         //! Credentials come from {vars}; the base URL from `{base}` or the first argument:\n\
         //!\n\
         //! ```sh\n\
         //! cargo run -p {crate_name} --example {example} -- http://127.0.0.1:8080\n\
         //! ```\n",
        id = operation.id,
        vars = env
            .iter()
            .map(|v| format!("`{v}`"))
            .collect::<Vec<_>>()
            .join(" and "),
        base = settings.base_url_env(),
        crate_name = settings.crate_name,
        example = example_name(settings),
    );
    let body = format!(
        "{imports}\n\
         \n\
         #[rustfmt::skip]\n\
         #[tokio::main(flavor = \"current_thread\")]\n\
         async fn main() -> Result<(), Box<dyn std::error::Error>> {{\n    \
             let mut builder = Client::builder().from_env()?;\n    \
             if let Some(base_url) = std::env::args().nth(1) {{\n        \
                 builder = builder.base_url(base_url);\n    \
             }}\n    \
             let client = builder.build()?;\n\
         \n\
         {fetch}    \
             Ok(())\n\
         }}\n"
    );
    Some((doc, body))
}

fn readme(spec_path: &str, context: &Context<'_>, example: Option<&str>) -> String {
    let settings = context.settings;
    let mut out = format::header("<!--", spec_path).replace('\n', " -->\n");
    let _ = write!(
        out,
        "\n# {crate_name}\n\n{description}\n\n\
         Generated by UsageKit from `{spec_path}`; it contains no hand-written code. Auth, \
         retries, pagination and typed errors come from the shared `usagekit-runtime`.\n\n\
         ## Install\n\n\
         ```toml\n[dependencies]\n{crate_name} = {{ git = \"https://github.com/usagekit/usagekit\" }}\n```\n\n\
         TLS uses rustls by default; enable the `native-tls` feature (with \
         `default-features = false`) for the platform's TLS.\n\n\
         ## Configure\n\n\
         `Client::from_env()` reads {vars}, and `{base}` to override the server \
         (default `{url}`). `Client::builder()` sets the same in code, plus timeouts and retries.\n\n",
        crate_name = settings.crate_name,
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
    if let Some(example) = example {
        let example = example.replace("#[rustfmt::skip]\n", "");
        let _ = write!(
            out,
            "## Use\n\n```rust,no_run\n{example}```\n\n\
             The same program is `examples/{example_file}.rs`: \
             `cargo run -p {crate_name} --example {example_file} -- <base URL>`.\n\n",
            example_file = example_name(settings),
            crate_name = settings.crate_name,
        );
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

fn method_cell(operation: &OperationModel) -> String {
    let paged = if operation.pagination.is_some() {
        " (paginated)"
    } else {
        ""
    };
    format!("`{}()`{paged}", operation.method)
}
