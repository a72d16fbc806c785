//! Decode → encode is the identity on every example response of every spec in
//! `specs/providers.toml`: each example decodes into the type its spec documents
//! for that status, and serialises back to the same JSON: a number stays a number,
//! a string a string, an absent field absent, a `null` null.

use serde::Serialize;
use serde::de::DeserializeOwned;
use usagekit_runtime::__private::WithBodyType;
use usagekit_tests::same_json;

/// Decodes the body as `T` and encodes it again.
struct RoundTrip<'a>(&'a str);

impl WithBodyType for RoundTrip<'_> {
    type Output = Result<String, String>;

    fn with<T: DeserializeOwned + Serialize>(self) -> Self::Output {
        let decoded: T =
            serde_json::from_str(self.0).map_err(|error| format!("does not decode: {error}"))?;
        serde_json::to_string(&decoded).map_err(|error| format!("does not encode: {error}"))
    }
}

/// Decodes and re-encodes `body` as the provider documents `operation`'s response
/// with `status`; the error names what changed.
fn round_trip(
    provider: &str,
    operation: &str,
    status: Option<u16>,
    body: &str,
) -> Result<(), String> {
    let encoded = usagekit_providers::__round_trip(provider, operation, status, RoundTrip(body))
        .ok_or("the crate documents no JSON type for it")??;
    same_json(body, &encoded)
}

/// The recorded responses the other tests serve, by where they answer.
#[test]
fn every_recorded_response_decodes_and_encodes_back_unchanged() {
    let recorded = [
        (
            "anthropic_messages.json",
            "anthropic",
            "get-messages-usage-report",
            200,
        ),
        ("anthropic_cost.json", "anthropic", "get-cost-report", 200),
        (
            "anthropic_claude_code.json",
            "anthropic",
            "get-claude-code-usage-report",
            200,
        ),
        ("anthropic_error.json", "anthropic", "get-cost-report", 400),
        (
            "arthur_usage.json",
            "arthur",
            "get_token_usage_api_v2_usage_tokens_get",
            200,
        ),
        (
            "arthur_validation_error.json",
            "arthur",
            "get_token_usage_api_v2_usage_tokens_get",
            422,
        ),
        ("bokamera_usage.json", "bokamera", "GetAiChatUsage", 200),
        ("bokamera_error.json", "bokamera", "GetAiChatUsage", 400),
        ("chatbotkit_usage.json", "chatbotkit", "fetchUsage", 200),
        ("chatbotkit_error.json", "chatbotkit", "fetchUsage", 400),
        ("openai_all_kinds.json", "openai", "usage-completions", 200),
        ("openai_error.json", "openai", "usage-costs", 400),
    ];
    let failures: Vec<String> = recorded
        .iter()
        .filter_map(|(file, provider, operation, status)| {
            round_trip(
                provider,
                operation,
                Some(*status),
                &usagekit_tests::fixture(file),
            )
            .err()
            .map(|error| format!("{file}: {error}"))
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_example_response_of_every_spec_decodes_and_encodes_back_unchanged() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../specs");
    let settings = std::fs::read_to_string(root.join("providers.toml")).unwrap();
    let providers = usagekit_codegen::parse_settings("providers.toml", &settings).unwrap();
    let mut checked = 0;
    let mut failures = Vec::new();
    for provider in &providers {
        let text = std::fs::read_to_string(root.join(&provider.spec)).unwrap();
        let examples = usagekit_codegen::response_examples(&provider.spec, &text).unwrap();
        for example in examples {
            if provider.exclude.contains(&example.operation) {
                continue;
            }
            let place = format!(
                "{} {} {} {}",
                provider.spec,
                example.operation,
                example.response,
                example.name.as_deref().unwrap_or("example")
            );
            let sent = serde_json::to_string(&example.value).unwrap();
            checked += 1;
            if let Err(error) = round_trip(&provider.key, &example.operation, example.status, &sent)
            {
                failures.push(format!("{place}: {error}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // Every provider's spec has examples; a walk that found none checked nothing.
    assert!(
        checked >= providers.len(),
        "only {checked} examples checked"
    );
}

/// How many random values each documented response gets; `USAGEKIT_CASES` asks
/// for more, `USAGEKIT_SEED` replays one run.
fn cases() -> (usize, u64) {
    let number = |name: &str, default: u64| {
        std::env::var(name)
            .ok()
            .and_then(|value| value.parse().ok())
            .unwrap_or(default)
    };
    (
        number("USAGEKIT_CASES", 64) as usize,
        number("USAGEKIT_SEED", 2026),
    )
}

#[test]
fn random_values_of_every_documented_response_decode_and_encode_back_unchanged() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../specs");
    let settings = std::fs::read_to_string(root.join("providers.toml")).unwrap();
    let providers = usagekit_codegen::parse_settings("providers.toml", &settings).unwrap();
    let (cases, seed) = cases();
    let mut checked = 0;
    let mut failures = Vec::new();
    for provider in &providers {
        let text = std::fs::read_to_string(root.join(&provider.spec)).unwrap();
        let document = usagekit_codegen::normalized_document(&provider.spec, &text).unwrap();
        let mut values = usagekit_tests::values::Values::new(&document, seed);
        let operations = document["paths"]
            .as_object()
            .into_iter()
            .flat_map(|paths| paths.values())
            .filter_map(serde_json::Value::as_object)
            .flat_map(|item| item.values());
        for operation in operations {
            let Some(id) = operation.get("operationId").and_then(|id| id.as_str()) else {
                continue;
            };
            if provider.exclude.iter().any(|excluded| excluded == id) {
                continue;
            }
            let responses = operation["responses"].as_object().into_iter().flatten();
            for (key, response) in responses {
                let response = match response.get("$ref").and_then(|r| r.as_str()) {
                    Some(reference) => document
                        .pointer(reference.trim_start_matches('#'))
                        .unwrap_or(response),
                    None => response,
                };
                let Some(schema) = response.pointer("/content/application~1json/schema") else {
                    continue;
                };
                let status = if key == "default" {
                    None
                } else {
                    key.replace(['X', 'x'], "0").parse().ok()
                };
                for case in 0..cases {
                    let sent = values.value(schema);
                    checked += 1;
                    if let Err(error) = round_trip(&provider.key, id, status, &sent) {
                        failures.push(format!(
                            "{} {id} {key}, case {case} of seed {seed}: {error}\n  sent: {sent}",
                            provider.spec
                        ));
                        break;
                    }
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(
        checked >= providers.len() * cases,
        "only {checked} values checked"
    );
}
