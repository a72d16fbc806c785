//! Snapshots of the generator: one fixture spec per feature it handles or rejects.
//! A change to codegen shows up here as a reviewable diff (`cargo insta review`,
//! or `INSTA_UPDATE=always cargo test -p usagekit-codegen` to accept).

mod common;

use std::collections::BTreeMap;

use common::{fixture, fixture_names, generate, generate_with, generated, outcome_with, settings};
use usagekit_codegen::{GeneratedFile, ProviderSettings};

fn module(files: &[GeneratedFile]) -> &str {
    &files
        .iter()
        .find(|f| f.path == "src/generated.rs")
        .unwrap()
        .contents
}

fn rejection(name: &str) -> String {
    let (path, text) = fixture(name);
    match generate(&path, &text, &settings()) {
        Ok(_) => panic!("{name} should be rejected"),
        Err(problems) => problems
            .iter()
            .map(|p| p.to_string())
            .collect::<Vec<_>>()
            .join("\n"),
    }
}

#[test]
fn declared_retry_statuses_and_default_headers_reach_the_provider_info() {
    let (path, text) = fixture("ok_basic.yaml");
    let declared = ProviderSettings {
        retry_statuses: Some(vec![429, 500, 529]),
        default_headers: BTreeMap::from([("Anthropic-Version".into(), "2023-06-01".into())]),
        ..settings()
    };
    let files = generate(&path, &text, &declared).unwrap().files;
    let code = module(&files);
    assert!(
        code.contains("retry_statuses: &[429u16, 500u16, 529u16]"),
        "{code}"
    );
    assert!(
        code.contains(r#"default_headers: &[("anthropic-version", "2023-06-01")]"#),
        "{code}"
    );
    assert!(
        code.contains("default for Fixture: 429, 500, 529"),
        "{code}"
    );

    let plain = module(&generated("ok_basic.yaml")).to_owned();
    assert!(plain.contains("retry_statuses: usagekit_runtime::DEFAULT_RETRY_STATUSES"));
    assert!(plain.contains("default_headers: &[]"));
}

#[test]
fn every_parameter_setter_is_documented_from_the_spec() {
    let files = generated("ok_basic.yaml");
    let code = module(&files);
    for expected in [
        "/// Unix seconds.\n        ///\n        /// Query parameter `since`: integer. Required: `send` fails without it.",
        "/// Query parameter `kinds`: array of string, one of `a`, `b`. Optional.",
        "/// Header parameter `X-Trace`: string. Optional.",
    ] {
        assert!(code.contains(expected), "missing {expected:?} in\n{code}");
    }
}

#[test]
fn basic_operation_with_typed_errors() {
    let files = generated("ok_basic.yaml");
    let code = module(&files);
    assert!(
        !code.contains("api-version"),
        "progenitor's api-version header must be gone"
    );
    assert!(
        !code.contains("fn new_with_client"),
        "only the builder constructs clients"
    );
}

#[test]
fn crate_manifest_lists_what_the_code_uses() {
    let files = generated("ok_basic.yaml");
    let manifest = &files
        .iter()
        .find(|f| f.path == "Cargo.toml")
        .unwrap()
        .contents;
    insta::assert_snapshot!(manifest.as_str());
}

#[test]
fn a_feature_per_tag_in_the_manifest_and_the_readme() {
    let files = generated("ok_features.yaml");
    let file = |path: &str| &files.iter().find(|f| f.path == path).unwrap().contents;
    let manifest: toml::Table = toml::from_str(file("Cargo.toml")).unwrap();
    let features = manifest["features"].as_table().unwrap();
    let list = |name: &str| -> Vec<&str> {
        features[name]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect()
    };
    assert_eq!(list("default"), ["rustls-ring", "operations"]);
    assert_eq!(list("operations"), ["code-scanning", "issues", "repos"]);
    assert!(list("issues").is_empty());
    // The schemas no operation uses are a crate of their own now, not features.
    assert!(!features.contains_key("schemas") && !features.contains_key("full"));
    let readme = file("README.md");
    for row in [
        "| `code-scanning` | the operations tagged `Code Scanning` | 1 |",
        "| `issues` | the operations tagged `Issues` | 2 |",
        "| `repos` | the operations tagged `Repos` | 2 |",
    ] {
        assert!(readme.contains(row), "{row} missing:\n{readme}");
    }
    assert!(
        readme.contains(r#"default-features = false, features = ["rustls-ring", "code-scanning"]"#)
    );
    // Big crates build faster with the macro crates optimised: the README says how.
    assert!(readme.contains("[profile.dev.package.proc-macro2]\nopt-level = 1\n"));

    // Small crates stay one piece unless the settings ask.
    let whole = generate_with(
        "ok_features.yaml",
        &ProviderSettings {
            features: usagekit_codegen::FeatureSplit::None,
            ..settings()
        },
    );
    let manifest = &whole
        .iter()
        .find(|f| f.path == "Cargo.toml")
        .unwrap()
        .contents;
    assert!(!manifest.contains("operations"), "{manifest}");
    assert!(!module(&whole).contains("cfg(feature"));
}

/// The component schemas no operation uses leave a split crate for its
/// `<crate>-schemas` crate, which asks the client for only the features whose
/// types they name, and re-exports the client's types beside its own.
#[test]
fn schemas_no_operation_uses_are_a_crate_of_their_own() {
    let outcome = outcome_with("ok_features.yaml", &settings());
    let client = module(&outcome.files);
    let schemas = outcome.schemas.expect("ok_features has orphans");
    assert_eq!(schemas.name, "fixture-usage-schemas");
    let file = |path: &str| {
        &schemas
            .files
            .iter()
            .find(|f| f.path == path)
            .unwrap_or_else(|| panic!("{path} missing"))
            .contents
    };
    let code = file("src/generated.rs");
    for orphan in [
        "Orphan",
        "OrphanKind",
        "RepoEvent",
        "RepoEventAction",
        "Subject",
    ] {
        let definition = format!(" {orphan} {{");
        assert!(
            code.contains(&definition),
            "{orphan} not in the schemas crate"
        );
        assert!(
            !client.contains(&definition),
            "{orphan} still in the client"
        );
    }
    // The union's conversions from reached types leave with it.
    assert!(
        code.contains("impl ::std::convert::From<Repo> for Subject"),
        "{code}"
    );
    assert!(client.contains("pub struct Repo {") && client.contains("pub struct User {"));
    assert!(code.contains("pub use ::fixture_usage::types::*;"));
    let manifest: toml::Table = toml::from_str(file("Cargo.toml")).unwrap();
    let dependency = &manifest["dependencies"]["fixture-usage"];
    assert_eq!(dependency["path"].as_str(), Some("../fixture-usage"));
    assert_eq!(dependency["version"].as_str(), Some("=0.1.0"));
    assert_eq!(dependency["default-features"].as_bool(), Some(false));
    // `Repo` needs `repos`, `Issue` (in `Subject`) `issues`; `User` is always there.
    let features: Vec<&str> = dependency["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap())
        .collect();
    assert_eq!(features, ["issues", "repos"]);
    let readme = file("README.md");
    assert!(
        readme.contains("use fixture_usage_schemas::types::Orphan;"),
        "{readme}"
    );
    let client_readme = &outcome
        .files
        .iter()
        .find(|f| f.path == "README.md")
        .unwrap()
        .contents;
    assert!(client_readme.contains("`fixture-usage-schemas`"));
    insta::assert_snapshot!(code.as_str());
    insta::assert_snapshot!(file("Cargo.toml").as_str());

    // One piece when tags do not split the crate: the schemas stay in it.
    let whole = outcome_with(
        "ok_features.yaml",
        &ProviderSettings {
            features: usagekit_codegen::FeatureSplit::None,
            ..settings()
        },
    );
    assert!(whole.schemas.is_none());
    assert!(module(&whole.files).contains(" RepoEvent {"));
}

#[test]
fn discriminated_union_dispatches_on_its_tag() {
    let files = generated("ok_discriminator.yaml");
    let code = module(&files);
    assert!(
        code.contains("const TAG: &'static str = \"kind\";"),
        "must dispatch on the tag"
    );
}

#[test]
fn every_file_starts_with_the_generated_header() {
    for file in generated("ok_basic.yaml") {
        if file.path.starts_with("LICENSE") {
            continue; // the licence texts, verbatim
        }
        let first = file.contents.lines().next().unwrap_or_default();
        assert!(
            first.contains("@generated by `cargo xtask generate`"),
            "{}: {first}",
            file.path
        );
    }
}

#[test]
fn output_is_deterministic() {
    for name in [
        "ok_basic.yaml",
        "ok_pagination.yaml",
        "ok_discriminator.yaml",
    ] {
        assert_eq!(generated(name), generated(name), "{name}");
    }
}

/// Every `ok_` fixture generates; its module is a snapshot. (`compile.rs` builds them.)
#[test]
fn every_ok_fixture_generates() {
    for name in fixture_names("ok_") {
        let files = generated(&name);
        let snapshot = name.trim_end_matches(".yaml").to_owned();
        insta::with_settings!({snapshot_suffix => snapshot}, {
            insta::assert_snapshot!(module(&files));
        });
    }
}

/// Every `err_` fixture is refused, naming its file; the message is a snapshot.
#[test]
fn every_err_fixture_is_refused() {
    for name in fixture_names("err_") {
        let message = rejection(&name);
        assert!(
            message.contains(&format!("tests/fixtures/{name}")),
            "must name the file: {message}"
        );
        let snapshot = name.trim_end_matches(".yaml").to_owned();
        insta::with_settings!({snapshot_suffix => snapshot}, {
            insta::assert_snapshot!(message);
        });
    }
}

/// What providers add — fields of what users receive, enum values — must not break
/// users: those types are `#[non_exhaustive]`; request bodies stay buildable.
#[test]
fn received_types_and_enums_are_non_exhaustive_request_bodies_are_not() {
    let files = generated("ok_write_methods.yaml");
    let code = module(&files);
    assert!(attrs_before_in(code, "pub struct Budget {").contains("#[non_exhaustive]"));
    assert!(!attrs_before_in(code, "pub struct BudgetInput {").contains("#[non_exhaustive]"));
    let enums = generated("ok_enum_values.yaml");
    assert!(attrs_before_in(module(&enums), "pub enum Width {").contains("#[non_exhaustive]"));
}

/// The attributes above an item, from the end of its doc comment.
fn attrs_before_in(code: &str, item: &str) -> String {
    let at = code.find(item).unwrap();
    let start = code[..at].rfind("///").unwrap_or(0);
    code[start..at].to_owned()
}

/// A schema named like an item at the crate root (`Error`, `Client`, `Secret`) is
/// renamed, so no two public items share a name; the wire is unchanged.
#[test]
fn schemas_named_like_root_items_are_renamed() {
    let files = generated("ok_reserved_names.yaml");
    let code = module(&files);
    for renamed in [
        "pub struct ErrorObject2 {",
        "pub struct ClientObject {",
        "pub struct SecretObject {",
        "pub struct ErrorObject {",
    ] {
        assert!(code.contains(renamed), "missing {renamed}");
    }
    for clash in [
        "pub struct Error {",
        "pub struct Client {\n        #[serde",
        "pub struct Secret {",
    ] {
        assert!(!code.contains(clash), "still there: {clash}");
    }
    assert!(code.contains("usagekit_runtime::Error<types::ErrorObject2>"));
}

/// The generated example must run: an example that leaves out a required
/// parameter, or names one the operation does not have, is refused.
#[test]
fn examples_must_give_every_required_parameter() {
    let (path, text) = fixture("ok_basic.yaml");
    let incomplete = ProviderSettings {
        example: Some(usagekit_codegen::ExampleSettings {
            operation: "list-things".into(),
            args: BTreeMap::from([("sinse".to_owned(), "1".to_owned())]),
        }),
        ..settings()
    };
    let problems: Vec<String> = generate(&path, &text, &incomplete)
        .unwrap_err()
        .iter()
        .map(ToString::to_string)
        .collect();
    let all = problems.join("\n");
    assert!(
        all.contains("the example calls `list-things` without its required parameter `since`"),
        "{all}"
    );
    assert!(
        all.contains("`sinse` is not a parameter of `list-things`"),
        "{all}"
    );
}

/// Settings can leave operations out, by operationId or tag: an unsupported one no
/// longer blocks the rest, and the refusal says so.
#[test]
fn excluded_operations_are_neither_linted_nor_generated() {
    let text = r#"
openapi: 3.0.3
info: {title: Fixture, version: 1.0.0}
servers: [{url: "https://api.example.com/v1"}]
security: [{Bearer: []}]
paths:
  /good:
    get:
      operationId: get-good
      responses:
        '200': {description: OK., content: {application/json: {schema: {type: object, properties: {n: {type: integer}}}}}}
  /legacy:
    get:
      operationId: get-legacy
      tags: [Legacy]
      x-usagekit-pagination: {cursor-param: session, next-cursor: next, items: data}
      responses:
        '200': {description: OK., content: {application/json: {schema: {type: object}}}}
components:
  securitySchemes:
    Bearer: {type: http, scheme: bearer}
"#;
    let refused = generate("spec.yaml", text, &settings()).unwrap_err();
    let message = refused[0].to_string();
    assert!(
        message.contains("or leave the operation out: `exclude = [\"get-legacy\"]` (or `unsupported = \"skip\"`) for [fixture]"),
        "{message}"
    );
    for exclude in ["get-legacy", "tag:Legacy"] {
        let settings = ProviderSettings {
            exclude: vec![exclude.to_owned()],
            ..settings()
        };
        let files = generate("spec.yaml", text, &settings).unwrap().files;
        let code = module(&files);
        assert!(code.contains("pub fn get_good(") && !code.contains("get_legacy"));
    }
    let unknown = ProviderSettings {
        exclude: vec!["tag:Nope".to_owned()],
        ..settings()
    };
    let message = generate("spec.yaml", text, &unknown).unwrap_err()[0].to_string();
    assert!(
        message.contains("`exclude` names `tag:Nope`, which is no operation of spec.yaml"),
        "{message}"
    );
}

/// Inline error schemas get names, so each status's body is a type of its own.
#[test]
fn inline_error_schemas_are_named_after_operation_and_status() {
    let files = generated("ok_inline_errors.yaml");
    let code = module(&files);
    for expected in [
        "pub struct ListThings404Error {",
        "pub struct ListThings4xxError {",
        "pub struct ServerError {",
        "pub enum ListThingsError {",
        ".map(types::ListThingsError::ListThings404Error)",
        ".map(types::ListThingsError::ServerError)",
    ] {
        assert!(code.contains(expected), "missing {expected}");
    }
}

/// The report reads what a spec's `x-usagekit-report` says and nothing else: the
/// same spec without it generates a crate the report has nothing to read from.
#[test]
fn report_mappings_come_from_the_spec_alone() {
    let (path, text) = common::fixture("ok_report.yaml");
    let mut inside = false;
    let without: String = text
        .lines()
        .filter(|line| {
            let indent = line.len() - line.trim_start().len();
            if line.trim_start().starts_with("x-usagekit-report:") {
                inside = true;
                return false;
            }
            if inside && indent > 6 {
                return false;
            }
            inside = false;
            true
        })
        .map(|line| format!("{line}\n"))
        .collect();
    let code = |text: &str| {
        let files = generate(&path, text, &settings()).unwrap().files;
        module(&files).to_owned()
    };
    let mapped = code(&text);
    assert_eq!(mapped.matches("ReportSpec {").count(), 2);
    assert!(mapped.contains("scale: Some(Text::Borrowed(\"0.01\"))"));
    let unmapped = code(&without);
    assert!(!unmapped.contains("ReportSpec"));
    assert!(unmapped.contains("reports: &[]"));
}

/// The summary says what its table covers: days, the API's current figures, or both.
#[test]
fn the_summary_says_whether_it_shows_days_or_current_figures() {
    let (path, text) = common::fixture("ok_report.yaml");
    let readme = |text: &str| {
        let files = generate(&path, text, &settings()).unwrap().files;
        let readme = files.iter().find(|f| f.path == "README.md").unwrap();
        readme.contents.clone()
    };
    let both = readme(&text);
    assert!(
        both.contains("A table of the last 7 days and the API's current figures (`this month`)"),
        "{both}"
    );
    // The same spec with its day buckets reported as current figures too.
    let with_end = "period: {start: '$.days[].day', end: '$.days[].until', format: date}";
    let only_now = readme(&text.replace(with_end, "period: {snapshot: today}"));
    assert!(
        only_now.contains("A table of the API's current figures (`this month`, `today`)"),
        "{only_now}"
    );
}

/// A bucket's end may be left out only where each row names a day, which then ends a
/// day later; elsewhere the spec is refused with the place and the fix.
#[test]
fn a_bucket_without_an_end_must_name_a_day() {
    let (path, text) = common::fixture("ok_report.yaml");
    let with_end = "period: {start: '$.days[].day', end: '$.days[].until', format: date}";
    assert!(text.contains(with_end));
    let day_only = text.replace(with_end, "period: {start: '$.days[].day', format: date}");
    let files = generate(&path, &day_only, &settings()).unwrap().files;
    let code = module(&files);
    assert!(
        code.contains("end: None"),
        "the bucket's end is left to the day"
    );
    let seconds = text.replace(
        with_end,
        "period: {start: '$.days[].day', format: unix-seconds}",
    );
    let problems = generate(&path, &seconds, &settings()).unwrap_err();
    let shown: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
    assert!(
        shown.iter().any(|p| p.contains("/period")
            && p.contains("must name a day")
            && p.contains("give the path of the bucket's end")),
        "{shown:?}"
    );
}

/// The `usagekit` command reaches every provider through the generated registry.
#[test]
fn the_registry_lists_every_provider() {
    let mut second = settings();
    second.key = "other".into();
    second.crate_name = "other-usage".into();
    let files = usagekit_codegen::registry_crate(&[settings(), second]);
    let lib = &files
        .iter()
        .find(|f| f.path == "src/lib.rs")
        .unwrap()
        .contents;
    assert!(lib.contains("&fixture_usage::SERVICE"), "{lib}");
    assert!(lib.contains("&other_usage::SERVICE"), "{lib}");
    let manifest: toml::Table = files
        .iter()
        .find(|f| f.path == "Cargo.toml")
        .unwrap()
        .contents
        .parse()
        .unwrap();
    let dependency = &manifest["dependencies"]["other-usage"];
    assert_eq!(dependency["path"].as_str(), Some("../other-usage"));
    assert_eq!(dependency["version"].as_str(), Some("0.1.0"));
}

/// `client-parameters` and `operation-headers` are data the client applies: a
/// parameter set once (the builder's setter, its variable, the call's own value
/// first) and a header one operation always sends; names they give must exist.
#[test]
fn client_parameters_and_operation_headers_are_settings_data() {
    let given = ProviderSettings {
        client_parameters: BTreeMap::from([("since".to_owned(), "FIXTURE_SINCE".to_owned())]),
        operation_headers: BTreeMap::from([(
            "list-things".to_owned(),
            BTreeMap::from([("x-beta".to_owned(), "on".to_owned())]),
        )]),
        ..settings()
    };
    let files = generate_with("ok_basic.yaml", &given);
    let code = module(&files);
    assert!(
        code.contains(r#"parameters: &[("since", "FIXTURE_SINCE")]"#),
        "{code}"
    );
    assert!(code.contains(r#"match client.runtime.parameter("since")"#));
    assert!(code.contains(r#".fixed_header("x-beta", "on")"#));
    assert!(code.contains("pub fn since(self, value: impl Into<String>) -> Self"));

    let wrong = ProviderSettings {
        client_parameters: BTreeMap::from([("team".to_owned(), "fixture_team".to_owned())]),
        operation_headers: BTreeMap::from([("nope".to_owned(), BTreeMap::new())]),
        ..settings()
    };
    let (path, text) = fixture("ok_basic.yaml");
    let messages: Vec<String> = generate(&path, &text, &wrong)
        .unwrap_err()
        .iter()
        .map(ToString::to_string)
        .collect();
    let all = messages.join("\n");
    assert!(
        all.contains("no operation of") && all.contains("has a parameter `team`"),
        "{all}"
    );
    assert!(
        all.contains("`fixture_team` is not an environment variable name"),
        "{all}"
    );
    assert!(all.contains("[fixture.operation-headers] nope"), "{all}");
}
