//! A generated crate's README: `readme.md` filled in from the spec and settings.

use std::fmt::Write as _;

use super::{example, format};
use crate::analyze::Model;
use crate::analyze::model::OperationModel;
use crate::diagnostic::Diagnostic;
use crate::settings::ProviderSettings;

const TEMPLATE: &str = include_str!("readme.md");

/// What the summary's table covers, from the report mappings' periods: a range of
/// days, the API's current figures (a balance, a billing period), or both.
fn summary_covers(model: &Model<'_>) -> String {
    use usagekit_report::Period;
    let mut days = false;
    let mut now = Vec::new();
    for spec in &model.reports {
        match &spec.period {
            Period::Snapshot { label, .. } => {
                let label = format!("`{label}`");
                if !now.contains(&label) {
                    now.push(label);
                }
            }
            Period::Buckets { .. } | Period::Range => days = true,
        }
    }
    match (days, now.is_empty()) {
        (_, true) => "the last 7 days".to_owned(),
        (false, false) => format!("the API's current figures ({})", now.join(", ")),
        (true, false) => format!(
            "the last 7 days and the API's current figures ({})",
            now.join(", ")
        ),
    }
}

/// The README; `example` is the call example's program, `summary` the summary
/// program and what it prints for the spec's examples. (Long: one section of the
/// template filled per block, read top to bottom like the README itself.)
pub(super) fn text(
    spec_path: &str,
    model: &Model<'_>,
    left_out: &[Diagnostic],
    example: Option<&str>,
    summary: Option<(&str, Option<&str>)>,
    schemas: Option<&str>,
) -> Result<String, String> {
    let settings = model.settings;
    let header = format::header("<!--", spec_path).replace('\n', " -->\n");
    let vars = settings
        .credentials
        .values()
        .map(|c| format!("`{}`", c.env))
        .chain(
            settings
                .client_parameters
                .iter()
                .map(|(name, env)| format!("`{env}` (the `{name}` of every call)")),
        )
        .collect::<Vec<_>>()
        .join(" and ");
    let example_file = example::name(settings);
    let run_example = format!(
        "`cargo run -p {} --example {example_file} -- <base URL>`",
        settings.crate_name,
    );
    let mut use_section = String::new();
    if let Some(example) = example {
        let _ = write!(use_section, "## Use\n\n```rust,no_run\n{example}```\n\n");
        if summary.is_none() {
            let _ = write!(
                use_section,
                "The same program is `examples/{example_file}.rs`: {run_example}.\n\n"
            );
        }
    }
    let mut summary_section = String::new();
    if let Some((program, output)) = summary {
        let _ = write!(
            summary_section,
            "## Summary\n\n\
             A table of {}, read as the spec's `x-usagekit-report` says (the same \
             mapping the `usagekit report` command uses):\n\n\
             ```rust,no_run\n{program}```\n\n\
             This is `examples/{example_file}.rs`: {run_example}.",
            summary_covers(model)
        );
        if let Some(output) = output {
            let _ = write!(
                summary_section,
                " For the example responses in the spec (2026-11-01 to 03), run on 2026-11-04, it prints:\n\n\
                 ```text\n{output}```"
            );
        }
        summary_section.push_str("\n\n");
    }
    let mut operations = String::new();
    for operation in &model.operations {
        let _ = writeln!(
            operations,
            "| {} | `{} {}` | {} |",
            method_cell(operation),
            operation.http_method,
            operation.path,
            operation.summary.as_deref().unwrap_or("")
        );
    }
    let server = if model.default_base_url.is_empty() {
        "for the server, which the spec does not name (or `Client::builder().base_url(…)`)"
            .to_owned()
    } else {
        format!(
            "to override the server (default `{}`)",
            model.default_base_url
        )
    };
    fill(
        TEMPLATE,
        &[
            ("header", &header),
            ("crate", &settings.crate_name),
            ("description", &settings.description),
            ("spec", spec_path),
            ("requirement", &version_requirement(&settings.version)),
            ("vars", &vars),
            ("base_url_env", &settings.base_url_env()),
            ("server", &server),
            ("use", &use_section),
            ("summary", &summary_section),
            ("operations", &operations),
            ("left_out", &left_out_section(left_out)),
            ("features", &features_section(model, schemas)),
        ],
    )
}

/// The cargo features of a crate split by tag, with how to pick some.
fn features_section(model: &Model<'_>, schemas: Option<&str>) -> String {
    let Some(first) = model.features.first() else {
        return String::new();
    };
    let settings = model.settings;
    let schemas = schemas.map_or(String::new(), |schemas| {
        format!(
            " The component schemas no operation uses (webhook payloads, say) are the \
             crate `{schemas}`, generated beside this one; it re-exports this crate's \
             types beside its own, and compiles apart, so that rustc never holds the whole \
             API at once."
        )
    });
    let mut section = format!(
        "\n## Features\n\n\
         The operations are split by the spec's tags (in a document without tags, by the \
         first resource of their path), one cargo feature each. The default \
         feature `operations` turns them all on. To compile only the \
         operations you call and the types they reach, name their features:\n\n\
         ```toml\n{} = {{ version = \"{}\", default-features = false, features = [\"rustls-ring\", \"{}\"] }}\n```\n\n\
         Operations in no group are always there.{schemas}\n\n\
         | Feature | Compiles | Operations |\n|---|---|--:|\n",
        settings.crate_name,
        version_requirement(&settings.version),
        first.name,
    );
    for feature in &model.features {
        let count = model
            .operations
            .iter()
            .filter(|operation| operation.features.contains(&feature.name))
            .count();
        let _ = writeln!(
            section,
            "| `{}` | the operations {} | {count} |",
            feature.name,
            feature.describe()
        );
    }
    // Measured on GitHub's API (BENCHMARKS.md): serde's derives expand faster when
    // the macro crates are optimised, and a crate this size is mostly derives.
    section.push_str(
        "
A crate this size is mostly serde's derives. Building the macro crates \
         optimised makes a debug build of it faster (about a tenth, measured on GitHub's \
         REST API), in your workspace's `Cargo.toml`:\n\n\
         ```toml\n[profile.dev.package.proc-macro2]\nopt-level = 1\n\
         [profile.dev.package.quote]\nopt-level = 1\n\
         [profile.dev.package.syn]\nopt-level = 1\n```\n",
    );
    section
}

/// The operations of the spec this crate leaves out (`unsupported = "skip"`),
/// each with its reason.
fn left_out_section(left_out: &[Diagnostic]) -> String {
    if left_out.is_empty() {
        return String::new();
    }
    let mut section = String::from(
        "\n## Left out\n\nThese operations of the spec are not in this crate, each for its reason:\n\n",
    );
    for problem in left_out {
        let operation = problem
            .location
            .as_ref()
            .and_then(|at| at.operation())
            .unwrap_or("?");
        let _ = writeln!(
            section,
            "- `{operation}`: {}",
            problem.message.replace('\n', " ")
        );
    }
    section
}

/// The README of a `<crate>-schemas` crate: what it holds, how to depend on it,
/// and one of its types by its path.
pub(super) fn schemas(
    spec_path: &str,
    settings: &ProviderSettings,
    name: &str,
    features: &[String],
    example_type: Option<&str>,
) -> String {
    let header = format::header("<!--", spec_path).replace('\n', " -->\n");
    let client = &settings.crate_name;
    let requirement = version_requirement(&settings.version);
    let needs = if features.is_empty() {
        String::from("no feature of it")
    } else {
        let list: Vec<String> = features.iter().map(|f| format!("`{f}`")).collect();
        format!("its features {} (which these types name)", list.join(", "))
    };
    let example = example_type.map_or(String::new(), |ty| {
        format!(
            "\n```rust\nuse {}::types::{ty};\n\nfn handle(_payload: &{ty}) {{}}\n```\n",
            name.replace('-', "_")
        )
    });
    format!(
        "{header}# {name}\n\n\
         The component schemas of {api}'s API that no operation of `{client}` uses \
         (webhook payloads, say), as Rust types that serde reads and writes. Its `types` \
         module also re-exports every type of `{client}`, so one path names them all.\n\n\
         They are a crate of their own so that a build compiles them apart from the \
         operations: rustc never holds the whole API at once, and a user of the operations \
         alone never compiles them. It depends on `{client}` with {needs}.\n\n\
         ```toml\n[dependencies]\n{name} = \"{requirement}\"\n```\n{example}\n\
         Generated by UsageKit from `{spec_path}`; do not edit.\n",
        api = settings.name,
    )
}

/// `template` with every `{{name}}` replaced by its value, in one pass over the
/// template (values are never read for placeholders).
fn fill(template: &str, values: &[(&str, &str)]) -> Result<String, String> {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let end = after.find("}}").ok_or_else(|| {
            "the README template has an unclosed `{{` (a generator bug)".to_owned()
        })?;
        let name = &after[..end];
        let (_, value) = values.iter().find(|(key, _)| *key == name).ok_or_else(|| {
            format!("the README template names `{name}`, which has no value (a generator bug)")
        })?;
        out.push_str(value);
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    Ok(out)
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
    use super::fill;

    #[test]
    fn placeholders_are_filled_once_and_unknown_ones_refused() {
        assert_eq!(
            fill("a {{x}} b {{y}}", &[("x", "{{y}}"), ("y", "2")]).unwrap(),
            "a {{y}} b 2"
        );
        assert!(fill("{{z}}", &[]).unwrap_err().contains("`z`"));
        assert!(fill("{{z", &[]).is_err());
    }
}
