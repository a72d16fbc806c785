//! What both test files need: the fixtures and the settings they generate with.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use usagekit_codegen::{CredentialSettings, GeneratedFile, ProviderSettings, generate_crate};

pub fn settings() -> ProviderSettings {
    let credential = |setter: &str, env: &str| CredentialSettings {
        setter: setter.into(),
        env: env.into(),
        password_env: None,
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
        operation_headers: BTreeMap::new(),
        client_parameters: BTreeMap::new(),
        methods: BTreeMap::new(),
        exclude: Vec::new(),
        unsupported: Default::default(),
        features: Default::default(),
    }
}

pub fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Every fixture file whose name starts with `prefix`, sorted.
#[allow(dead_code)]
pub fn fixture_names(prefix: &str) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(fixtures_dir())
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .filter(|name| name.starts_with(prefix) && name.ends_with(".yaml"))
        .collect();
    names.sort();
    names
}

pub fn fixture(name: &str) -> (String, String) {
    let text = std::fs::read_to_string(fixtures_dir().join(name)).unwrap();
    (format!("tests/fixtures/{name}"), text)
}

/// [`generate_crate`] with credentials only for the schemes `text` declares
/// (naming another is an error), so every fixture can share [`settings`].
pub fn generate(
    path: &str,
    text: &str,
    settings: &ProviderSettings,
) -> Result<usagekit_codegen::Outcome, Vec<usagekit_codegen::Diagnostic>> {
    let declared: Vec<&str> = text
        .lines()
        .skip_while(|line| line.trim() != "securitySchemes:")
        .skip(1)
        .take_while(|line| line.starts_with("    "))
        .filter(|line| !line.starts_with("     "))
        .filter_map(|line| line.trim().split(':').next())
        .collect();
    let mut settings = settings.clone();
    settings
        .credentials
        .retain(|scheme, _| declared.contains(&scheme.as_str()));
    // Fixtures of features split by tag, however few their operations (unless the
    // test chose).
    if path.contains("ok_features") && settings.features == usagekit_codegen::FeatureSplit::Auto {
        settings.features = usagekit_codegen::FeatureSplit::Tags;
    }
    generate_crate(path, text, &settings)
}

pub fn generate_with(name: &str, settings: &ProviderSettings) -> Vec<GeneratedFile> {
    outcome_with(name, settings).files
}

/// The whole outcome of a fixture that must generate.
pub fn outcome_with(name: &str, settings: &ProviderSettings) -> usagekit_codegen::Outcome {
    let (path, text) = fixture(name);
    generate(&path, &text, settings).unwrap_or_else(|problems| {
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

#[allow(dead_code)]
pub fn generated(name: &str) -> Vec<GeneratedFile> {
    generate_with(name, &settings())
}
