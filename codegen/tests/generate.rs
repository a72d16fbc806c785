//! Snapshots of the generator: one fixture spec per feature it handles or rejects.
//! A change to codegen shows up here as a reviewable diff (`cargo insta review`,
//! or `INSTA_UPDATE=always cargo test -p usagekit-codegen` to accept).

use std::collections::BTreeMap;
use std::path::Path;

use usagekit_codegen::CredentialSettings;
use usagekit_codegen::{GeneratedFile, ProviderSettings, generate_crate};

fn settings() -> ProviderSettings {
    let credential = |setter: &str, env: &str| CredentialSettings {
        setter: setter.into(),
        env: env.into(),
    };
    ProviderSettings {
        key: "fixture".into(),
        spec: "fixture.yaml".into(),
        crate_name: "fixture-usage".into(),
        version: "0.1.0".into(),
        name: "Fixture".into(),
        description: "A fixture".into(),
        env_prefix: "FIXTURE".into(),
        credentials: BTreeMap::from([
            ("Bearer".into(), credential("token", "FIXTURE_TOKEN")),
            ("Key".into(), credential("api_key", "FIXTURE_KEY")),
        ]),
        example: None,
        retry_statuses: None,
        default_headers: BTreeMap::new(),
    }
}

fn fixture(name: &str) -> (String, String) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap();
    (format!("tests/fixtures/{name}"), text)
}

fn generated(name: &str) -> Vec<GeneratedFile> {
    let (path, text) = fixture(name);
    generate_crate(&path, &text, &settings()).unwrap_or_else(|problems| {
        panic!(
            "{name} should generate:\n{}",
            problems
                .iter()
                .map(|p| p.to_string())
                .collect::<Vec<_>>()
                .join("\n")
        )
    })
}

fn module(files: &[GeneratedFile]) -> &str {
    &files
        .iter()
        .find(|f| f.path == "src/generated.rs")
        .unwrap()
        .contents
}

fn rejection(name: &str) -> String {
    let (path, text) = fixture(name);
    match generate_crate(&path, &text, &settings()) {
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
    let files = generate_crate(&path, &text, &declared).unwrap();
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
    insta::assert_snapshot!(code);
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
fn pagination_adds_stream_and_collect_all() {
    insta::assert_snapshot!(module(&generated("ok_pagination.yaml")));
}

#[test]
fn discriminated_union_dispatches_on_its_tag() {
    let files = generated("ok_discriminator.yaml");
    let code = module(&files);
    assert!(
        code.contains("const TAG: &'static str = \"kind\";"),
        "must dispatch on the tag"
    );
    insta::assert_snapshot!(code);
}

#[test]
fn api_key_and_bearer_credentials_get_named_setters() {
    insta::assert_snapshot!(module(&generated("ok_api_key_and_bearer.yaml")));
}

#[test]
fn every_file_starts_with_the_generated_header() {
    for file in generated("ok_basic.yaml") {
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

macro_rules! rejects {
    ($($test:ident => $file:literal,)*) => {$(
        #[test]
        fn $test() {
            let message = rejection($file);
            assert!(message.contains(concat!("tests/fixtures/", $file)), "must name the file: {message}");
            insta::assert_snapshot!(message);
        }
    )*};
}

rejects! {
    rejects_bad_yaml => "err_bad_yaml.yaml",
    rejects_unresolved_ref => "err_unresolved_ref.yaml",
    rejects_openapi_31 => "err_openapi_31.yaml",
    rejects_duplicate_operation_id => "err_duplicate_operation_id.yaml",
    rejects_missing_operation_id => "err_missing_operation_id.yaml",
    rejects_two_success_schemas => "err_two_success_schemas.yaml",
    rejects_two_error_schemas => "err_two_error_schemas.yaml",
    rejects_default_of_another_type => "err_default_of_another_type.yaml",
    rejects_cookie_parameter => "err_cookie_parameter.yaml",
    rejects_explode_false => "err_explode_false.yaml",
    rejects_two_request_media_types => "err_two_request_media_types.yaml",
    rejects_unsupported_security => "err_unsupported_security.yaml",
    rejects_pagination_unknown_parameter => "err_pagination_unknown_parameter.yaml",
    rejects_discriminator_without_tag => "err_discriminator_without_tag.yaml",
    rejects_invalid_component_name => "err_invalid_component_name.yaml",
    rejects_duplicate_key_at_the_duplicate => "err_duplicate_key.yaml",
}
