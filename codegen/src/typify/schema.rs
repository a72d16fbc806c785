//! An OpenAPI 3.0 schema as the JSON Schema typify reads (`schemars`): `nullable`
//! becomes a `null` type (or a `oneOf` with `null` around subschemas), boolean
//! `exclusiveMinimum`/`Maximum` become the bounds themselves, `example` becomes
//! `examples`, and what only OpenAPI has (`discriminator`, `externalDocs`, `xml`)
//! goes: typify sees what the schema means for the data.

use openapiv3::{ReferenceOr, Schema};
use serde_json::{Map, Value, json};

/// The JSON Schema of a schema or a reference.
pub fn convert(schema: &ReferenceOr<Schema>) -> schemars::schema::Schema {
    let value = serde_json::to_value(schema).unwrap_or(Value::Bool(true));
    serde_json::from_value(to_json_schema(value)).unwrap_or(schemars::schema::Schema::Bool(true))
}

/// OpenAPI-only keywords: dropped.
const OPENAPI_ONLY: &[&str] = &[
    "discriminator",
    "externalDocs",
    "xml",
    "nullable",
    "example",
];

/// Keywords whose values are schemas, one or a list.
const SCHEMA_LISTS: &[&str] = &["allOf", "oneOf", "anyOf"];
const SCHEMAS: &[&str] = &["items", "not", "additionalProperties"];

fn to_json_schema(value: Value) -> Value {
    let Value::Object(mut map) = value else {
        return value;
    };
    if map.contains_key("$ref") {
        return Value::Object(map);
    }
    for key in SCHEMA_LISTS {
        if let Some(Value::Array(items)) = map.remove(*key) {
            map.insert(
                (*key).to_owned(),
                Value::Array(items.into_iter().map(to_json_schema).collect()),
            );
        }
    }
    for key in SCHEMAS {
        if let Some(schema @ Value::Object(_)) = map.remove(*key) {
            map.insert((*key).to_owned(), to_json_schema(schema));
        }
    }
    if let Some(Value::Object(properties)) = map.remove("properties") {
        let required: Vec<&str> = map
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        let properties: Map<String, Value> = properties
            .into_iter()
            .map(|(name, schema)| {
                let mut schema = to_json_schema(schema);
                if !required.contains(&name.as_str()) {
                    may_be_absent(&mut schema);
                }
                (name, schema)
            })
            .collect();
        map.insert("properties".into(), Value::Object(properties));
    }
    // Listed values beside `allOf` (Discord's `enum: [user]` narrowing a shared
    // enum): the list is the type, and typify cannot merge the two.
    if map.contains_key("enum") {
        map.remove("allOf");
    }
    // A default for a struct or a union (Kubernetes' `default: {}` beside an
    // `allOf` reference) asks typify for a `Default` the type may not have, or
    // one the value does not fit: such a property is optional instead. A map's
    // default is data and stays.
    let composite =
        SCHEMA_LISTS.iter().any(|key| map.contains_key(*key)) || map.contains_key("properties");
    if composite {
        map.remove("default");
    }
    exclusive_bounds(&mut map);
    let nullable = map.get("nullable") == Some(&Value::Bool(true));
    if let Some(example) = map.get("example").cloned() {
        map.insert("examples".into(), json!([example]));
    }
    for key in OPENAPI_ONLY {
        map.remove(*key);
    }
    if !nullable {
        return Value::Object(map);
    }
    match map.get("type").and_then(Value::as_str).map(str::to_owned) {
        Some(kind) => {
            map.insert("type".into(), json!([kind, "null"]));
            Value::Object(map)
        }
        None if SCHEMA_LISTS.iter().any(|key| map.contains_key(*key))
            || map.contains_key("not") =>
        {
            null_or(map)
        }
        None => {
            // Infer the type only to add `null` to it (as progenitor did).
            let inferred: Vec<&str> = [("properties", "object"), ("items", "array")]
                .iter()
                .filter(|(key, _)| map.contains_key(*key))
                .map(|(_, kind)| *kind)
                .collect();
            if inferred.is_empty() {
                return Value::Object(map);
            }
            let mut types: Vec<Value> = inferred.into_iter().map(Value::from).collect();
            types.push("null".into());
            map.insert("type".into(), Value::Array(types));
            Value::Object(map)
        }
    }
}

/// An optional property is absent when the wire leaves it out, and comes back
/// absent: typify types it `Option<T>` only when it has no default of its own, so
/// a `default` becomes documentation (the server applies it), and a list or map
/// (whose empty value typify would skip) may be `null` to typify, which makes it
/// `Option<Vec<T>>` or `Option<Map>`: `[]` and absent stay apart.
fn may_be_absent(schema: &mut Value) {
    let Value::Object(map) = schema else { return };
    if let Some(default) = map.remove("default") {
        let note = format!("Defaults to `{default}`.");
        let description = match map.get("description").and_then(Value::as_str) {
            Some(text) => format!("{text}\n\n{note}"),
            None => note,
        };
        map.insert("description".into(), description.into());
    }
    let collection = match map.get("type").and_then(Value::as_str) {
        Some("array") => true,
        Some("object") => !map.contains_key("properties") && !map.contains_key("allOf"),
        _ => false,
    };
    if collection && let Some(kind) = map.remove("type") {
        map.insert("type".into(), json!([kind, "null"]));
    }
}

/// `{oneOf: [{type: null}, schema]}`, the schema's description and extensions
/// kept outside.
fn null_or(mut map: Map<String, Value>) -> Value {
    let mut outer = Map::new();
    for key in [
        "title",
        "description",
        "default",
        "deprecated",
        "readOnly",
        "writeOnly",
        "examples",
    ] {
        if let Some(value) = map.remove(key) {
            outer.insert(key.to_owned(), value);
        }
    }
    let extensions: Vec<String> = map
        .keys()
        .filter(|k| k.starts_with("x-"))
        .cloned()
        .collect();
    for key in extensions {
        if let Some(value) = map.remove(&key) {
            outer.insert(key, value);
        }
    }
    outer.insert(
        "oneOf".into(),
        json!([{"type": "null"}, Value::Object(map)]),
    );
    Value::Object(outer)
}

/// OpenAPI 3.0's boolean `exclusiveMinimum: true` beside `minimum: 5` is JSON
/// Schema's `exclusiveMinimum: 5`.
fn exclusive_bounds(map: &mut Map<String, Value>) {
    for (bound, exclusive) in [
        ("minimum", "exclusiveMinimum"),
        ("maximum", "exclusiveMaximum"),
    ] {
        match map.remove(exclusive) {
            Some(Value::Bool(true)) => {
                if let Some(value) = map.remove(bound) {
                    map.insert(exclusive.to_owned(), value);
                }
            }
            Some(Value::Number(number)) => {
                map.insert(exclusive.to_owned(), Value::Number(number));
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn converted(schema: Value) -> Value {
        let schema: ReferenceOr<Schema> = serde_json::from_value(schema).unwrap();
        serde_json::to_value(convert(&schema)).unwrap()
    }

    #[test]
    fn nullable_becomes_a_null_type_or_a_one_of() {
        assert_eq!(
            converted(json!({"type": "string", "nullable": true, "example": "x"})),
            json!({"type": ["string", "null"], "examples": ["x"]})
        );
        assert_eq!(
            converted(
                json!({"allOf": [{"$ref": "#/components/schemas/A"}], "nullable": true, "description": "d"})
            ),
            json!({"description": "d", "oneOf": [{"type": "null"}, {"allOf": [{"$ref": "#/components/schemas/A"}]}]})
        );
    }

    #[test]
    fn listed_values_narrow_their_all_of() {
        assert_eq!(
            converted(json!({
                "type": "string",
                "enum": ["user"],
                "allOf": [{"$ref": "#/components/schemas/Kinds"}]
            })),
            json!({"type": "string", "enum": ["user"]})
        );
    }

    #[test]
    fn defaults_stay_on_scalars_and_maps_only() {
        assert_eq!(
            converted(json!({"allOf": [{"$ref": "#/components/schemas/Meta"}], "default": {}})),
            json!({"allOf": [{"$ref": "#/components/schemas/Meta"}]})
        );
        assert_eq!(
            converted(
                json!({"type": "object", "properties": {"a": {"type": "string"}}, "default": {}})
            ),
            json!({"type": "object", "properties": {"a": {"type": "string"}}})
        );
        assert_eq!(
            converted(json!({"type": "integer", "default": 0})),
            json!({"type": "integer", "default": 0})
        );
        let map = json!({"type": "object", "default": {"a": 1}});
        assert_eq!(converted(map.clone()), map);
    }

    #[test]
    fn exclusive_bounds_carry_their_value() {
        assert_eq!(
            converted(json!({"type": "integer", "minimum": 1, "exclusiveMinimum": true})),
            json!({"type": "integer", "exclusiveMinimum": 1.0})
        );
    }
}
