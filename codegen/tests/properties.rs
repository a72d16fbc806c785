//! No document panics the generator: random schemas built from the OpenAPI and
//! JSON Schema vocabulary (3.0 and 3.1), and random text, either generate or are
//! refused with diagnostics that say where and what. Case counts stay small so
//! `cargo test` stays fast.

mod common;

use proptest::prelude::*;
use serde_json::{Map, Value, json};

const KEYS: &[&str] = &[
    "type",
    "nullable",
    "anyOf",
    "oneOf",
    "allOf",
    "items",
    "properties",
    "required",
    "enum",
    "const",
    "$ref",
    "$defs",
    "default",
    "format",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "additionalProperties",
    "prefixItems",
    "examples",
    "example",
    "discriminator",
    "not",
    "title",
    "contentEncoding",
    "$anchor",
    "$id",
    "readOnly",
];

const WORDS: &[&str] = &[
    "string",
    "integer",
    "number",
    "boolean",
    "object",
    "array",
    "null",
    "int64",
    "binary",
    "decimal",
    "date-time",
    "#/components/schemas/A",
    "#/components/schemas/B",
    "#/components/schemas/A/properties/x",
    "#/$defs/X",
    "#a",
    "kind",
    "x",
    "A",
    "",
];

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        prop::sample::select(WORDS).prop_map(|w| Value::String(w.to_owned())),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        Just(json!(1e300)),
        Just(json!(-0.5)),
        Just(Value::Null),
    ]
}

fn schema() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(4, 48, 5, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec((prop::sample::select(KEYS), inner.clone()), 0..5).prop_map(
                |entries| {
                    Value::Object(
                        entries
                            .into_iter()
                            .map(|(k, v)| (k.to_owned(), v))
                            .collect::<Map<String, Value>>(),
                    )
                }
            ),
            prop::collection::vec((prop::sample::select(WORDS), inner), 0..4).prop_map(|entries| {
                json!({"type": "object", "properties": entries
                        .into_iter()
                        .map(|(k, v)| (k.to_owned(), v))
                        .collect::<Map<String, Value>>()})
            }),
        ]
    })
}

/// Schemas as documents write them (valid shapes, awkward combinations).
fn valid_schema() -> impl Strategy<Value = Value> {
    let scalar = prop::sample::select(&["string", "integer", "number", "boolean"][..]);
    let format = prop::sample::select(
        &[
            "",
            "int32",
            "int64",
            "date-time",
            "binary",
            "decimal",
            "uuid",
        ][..],
    );
    let simple = prop_oneof![
        (scalar.clone(), format, any::<bool>(), any::<bool>()).prop_map(
            |(kind, format, nullable, bounded)| {
                let mut schema = json!({"type": kind});
                if !format.is_empty() {
                    schema["format"] = json!(format);
                }
                if nullable {
                    schema["nullable"] = json!(true);
                }
                if bounded {
                    schema["minimum"] = json!(0);
                    schema["exclusiveMinimum"] = json!(0);
                }
                schema
            }
        ),
        scalar
            .clone()
            .prop_map(|kind| json!({"type": [kind, "null"]})),
        prop::sample::select(WORDS).prop_map(|word| json!({"const": word})),
        prop::collection::vec(prop::sample::select(WORDS), 1..4)
            .prop_map(|values| json!({"type": "string", "enum": values})),
        (scalar, leaf()).prop_map(|(kind, default)| json!({"type": kind, "default": default})),
        prop::sample::select(
            &[
                "#/components/schemas/A",
                "#/components/schemas/B",
                "#/components/schemas/A/properties/x"
            ][..]
        )
        .prop_map(|target| json!({"$ref": target})),
        Just(json!({})),
        Just(json!(true)),
    ];
    simple.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            (prop::collection::vec((prop::sample::select(&["x", "y", "type", "user_id", "userId"][..]), inner.clone()), 0..4), any::<bool>())
                .prop_map(|(entries, required)| {
                    let properties: Map<String, Value> =
                        entries.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
                    let required: Vec<&String> = if required { properties.keys().collect() } else { Vec::new() };
                    json!({"type": "object", "properties": properties, "required": required})
                }),
            inner.clone().prop_map(|items| json!({"type": "array", "items": items})),
            inner.clone().prop_map(|values| json!({"type": "object", "additionalProperties": values})),
            prop::collection::vec(inner.clone(), 1..4).prop_map(|items| json!({"prefixItems": items, "type": "array"})),
            (prop::sample::select(&["anyOf", "oneOf", "allOf"][..]), prop::collection::vec(inner.clone(), 1..4), any::<bool>())
                .prop_map(|(key, mut branches, null)| {
                    if null {
                        branches.push(json!({"type": "null"}));
                    }
                    json!({key: branches})
                }),
            inner.clone().prop_map(|schema| json!({"allOf": [schema], "description": "d", "nullable": true})),
            inner.prop_map(|schema| json!({"type": "object", "$defs": {"X": schema}, "properties": {"x": {"$ref": "#/components/schemas/A/$defs/X"}}})),
        ]
    })
}

/// Mostly schemas as documents write them, sometimes any JSON at all.
fn any_schema() -> impl Strategy<Value = Value> {
    prop_oneof![1 => schema(), 3 => valid_schema()]
}

fn document(version: &str, a: Value, b: Value, response: Value, parameter: Value) -> String {
    json!({
        "openapi": version,
        "info": {"title": "Fixture", "version": "1.0.0"},
        "paths": {"/things/{id}": {"get": {
            "operationId": "get_thing",
            "parameters": [
                {"name": "id", "in": "path", "required": true, "schema": {"type": "string"}},
                {"name": "q", "in": "query", "schema": parameter}
            ],
            "responses": {"200": {"description": "", "content": {"application/json": {"schema": response}}}}
        }}},
        "components": {"schemas": {"A": a, "B": b}}
    })
    .to_string()
}

fn check(file: &str, text: &str) -> Result<(), TestCaseError> {
    match common::generate(file, text, &common::settings()) {
        Ok(outcome) => prop_assert!(outcome.files.iter().any(|f| f.path == "src/generated.rs")),
        Err(problems) => {
            prop_assert!(!problems.is_empty());
            for problem in problems {
                let shown = problem.to_string();
                prop_assert!(
                    shown.starts_with(file) || shown.starts_with("specs/"),
                    "{shown}"
                );
                prop_assert!(!shown.contains("internal error"), "{shown}");
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn documents_generate_or_are_refused_with_a_place(
        v31 in any::<bool>(),
        a in any_schema(),
        b in any_schema(),
        response in any_schema(),
        parameter in any_schema(),
    ) {
        let version = if v31 { "3.1.0" } else { "3.0.3" };
        check("fuzz.json", &document(version, a, b, response, parameter))?;
    }

    #[test]
    fn random_text_is_refused_with_a_place(text in "\\PC{0,200}") {
        check("fuzz.json", &text)?;
        check("fuzz.yaml", &text)?;
    }

    #[test]
    fn random_yaml_like_text_is_refused_with_a_place(
        lines in prop::collection::vec("[ a-z:{}\\[\\]'\"#-]{0,30}", 0..12)
    ) {
        check("fuzz.yaml", &format!("openapi: 3.1.0\n{}", lines.join("\n")))?;
    }
}
