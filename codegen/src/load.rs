//! Stage 1: spec text to a JSON value and a typed OpenAPI document.

use openapiv3::OpenAPI;
use serde_json::Value;

use crate::diagnostic::Diagnostic;

/// A spec, parsed twice: as plain JSON (for lints that walk every node) and typed.
pub struct LoadedSpec {
    pub raw: Value,
    pub api: OpenAPI,
}

/// Parses YAML or JSON (chosen by the file name, else by the first character).
pub fn load(file: &str, text: &str) -> Result<LoadedSpec, Diagnostic> {
    let is_json = file.ends_with(".json") || text.trim_start().starts_with('{');
    let raw = if is_json {
        serde_json::from_str::<Value>(text).map_err(|e| {
            Diagnostic::new(file, format!("invalid JSON: {e}")).at(format!(
                "line {}, column {}",
                e.line(),
                e.column()
            ))
        })?
    } else {
        let yaml: serde_yaml_ng::Value = serde_yaml_ng::from_str(text).map_err(|e| {
            let mut diagnostic = Diagnostic::new(file, format!("invalid YAML: {e}"));
            let location = e.location().map(|l| (l.line(), l.column()));
            // The parser points at the mapping that holds a duplicate key; point at
            // the duplicate itself.
            let duplicate = duplicate_key(&e.to_string())
                .zip(location)
                .and_then(|(key, (line, column))| second_key(text, line, column, key));
            if let Some((line, column)) = duplicate.or(location) {
                diagnostic = diagnostic.at(format!("line {line}, column {column}"));
            }
            if duplicate.is_some() {
                diagnostic = diagnostic
                    .help("a mapping may name each key once: remove or rename one of them");
            }
            diagnostic
        })?;
        yaml_to_json(file, yaml)?
    };

    let version = raw.get("openapi").and_then(Value::as_str).ok_or_else(|| {
        Diagnostic::new(
            file,
            "not an OpenAPI document: there is no `openapi` version string",
        )
        .at("#/openapi")
        .help("start the file with `openapi: 3.0.3`")
    })?;
    if !version.starts_with("3.0.") {
        return Err(Diagnostic::new(file, format!("OpenAPI {version} is not supported"))
            .at("#/openapi")
            .help(
                "progenitor reads OpenAPI 3.0 only: write `openapi: 3.0.3`, and `nullable: true` \
                 instead of `type: [..., \"null\"]`",
            ));
    }

    let api = serde_path_to_error::deserialize::<_, OpenAPI>(&raw).map_err(|e| {
        let path = e.path().to_string();
        Diagnostic::new(
            file,
            format!("not a valid OpenAPI 3.0 document: {}", e.inner()),
        )
        .at(format!("#/{}", path.replace('.', "/")))
    })?;
    Ok(LoadedSpec { raw, api })
}

const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// The spec without the operations `exclude` names (operationIds, or `tag:<name>`),
/// and path items left empty. Excluded operations are never linted or generated.
pub fn exclude(file: &str, spec: LoadedSpec, exclude: &[String]) -> Result<LoadedSpec, Diagnostic> {
    if exclude.is_empty() {
        return Ok(spec);
    }
    let mut raw = spec.raw;
    let mut matched = vec![false; exclude.len()];
    if let Some(Value::Object(paths)) = raw.get_mut("paths") {
        for item in paths.values_mut() {
            let Value::Object(item) = item else { continue };
            item.retain(|method, operation| {
                if !METHODS.contains(&method.as_str()) {
                    return true;
                }
                let id = operation.get("operationId").and_then(Value::as_str);
                let tags: Vec<&str> = operation
                    .get("tags")
                    .and_then(Value::as_array)
                    .map(|tags| tags.iter().filter_map(Value::as_str).collect())
                    .unwrap_or_default();
                let mut keep = true;
                for (index, entry) in exclude.iter().enumerate() {
                    let hit = match entry.strip_prefix("tag:") {
                        Some(tag) => tags.contains(&tag),
                        None => id == Some(entry.as_str()),
                    };
                    if hit {
                        matched[index] = true;
                        keep = false;
                    }
                }
                keep
            });
        }
        paths.retain(|_, item| {
            item.as_object()
                .is_none_or(|item| item.keys().any(|key| METHODS.contains(&key.as_str())))
        });
    }
    if let Some(unused) = exclude.iter().zip(&matched).find(|(_, hit)| !**hit) {
        return Err(Diagnostic::new(
            "specs/providers.toml",
            format!(
                "`exclude` names `{}`, which is no operation of {file}",
                unused.0
            ),
        )
        .help("name an operationId, or `tag:<name>` for every operation with that tag"));
    }
    let api = serde_json::from_value(raw.clone()).map_err(|e| {
        Diagnostic::new(
            file,
            format!("not a valid OpenAPI document once operations are excluded: {e}"),
        )
    })?;
    Ok(LoadedSpec { raw, api })
}

/// Gives every inline JSON schema of an error response a name under
/// `components/schemas`, so the client can name its type: `<operationId><status>Error`
/// for an operation's response (`ListThings404Error`, `ListThings4XXError`), the
/// response's own name for a shared `components/responses` entry.
pub fn name_inline_error_schemas(file: &str, spec: LoadedSpec) -> Result<LoadedSpec, Diagnostic> {
    let mut raw = spec.raw;
    let mut named: Vec<(String, Value)> = Vec::new();
    let mut taken: std::collections::BTreeSet<String> = raw
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|schemas| schemas.keys().cloned().collect())
        .unwrap_or_default();
    let mut claim = |base: String| {
        let name = std::iter::once(base.clone())
            .chain((2..).map(|n| format!("{base}{n}")))
            .find(|name| !taken.contains(name))
            .unwrap_or_else(|| unreachable!("the suffixes are endless"));
        taken.insert(name.clone());
        name
    };
    let mut shared_errors = std::collections::BTreeSet::new();
    let mut shared_successes = std::collections::BTreeSet::new();
    // Shared responses as they are, to compare success bodies across `$ref`s.
    let shared: serde_json::Map<String, Value> = raw
        .pointer("/components/responses")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let is_error = |status: &str| status == "default" || status.starts_with(['4', '5']);
    // An inline schema under `content/application/json/schema` becomes a $ref.
    let mut hoist = |response: &mut Value, base: String| {
        let Some(schema) = response.pointer_mut("/content/application~1json/schema") else {
            return;
        };
        if schema.get("$ref").is_some() {
            return;
        }
        let name = claim(base);
        let inline = std::mem::replace(
            schema,
            serde_json::json!({"$ref": format!("#/components/schemas/{name}")}),
        );
        named.push((name, inline));
    };
    if let Some(Value::Object(paths)) = raw.get_mut("paths") {
        for item in paths.values_mut() {
            let Value::Object(item) = item else { continue };
            for (method, operation) in item.iter_mut() {
                if !METHODS.contains(&method.as_str()) {
                    continue;
                }
                let id = operation
                    .get("operationId")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned();
                let Some(Value::Object(responses)) = operation.get_mut("responses") else {
                    continue;
                };
                // Success statuses with different bodies: each becomes a variant of
                // the result, so an inline one needs a name too.
                let success_bodies: std::collections::BTreeSet<String> = responses
                    .iter()
                    .filter(|(status, _)| status.starts_with('2'))
                    .map(|(_, response)| {
                        let response = shared_response(response)
                            .and_then(|name| shared.get(name))
                            .unwrap_or(response);
                        response
                            .pointer("/content/application~1json/schema")
                            .map(Value::to_string)
                            .unwrap_or_default()
                    })
                    .collect();
                if success_bodies.len() > 1 {
                    for (status, response) in responses.iter_mut() {
                        if !status.starts_with('2') {
                            continue;
                        }
                        if let Some(name) = shared_response(response) {
                            shared_successes.insert(name.to_owned());
                        } else {
                            hoist(
                                response,
                                format!(
                                    "{}{}Response",
                                    crate::naming::type_name(&id),
                                    status.to_lowercase()
                                ),
                            );
                        }
                    }
                }
                for (status, response) in responses.iter_mut() {
                    if let Some(shared) = shared_response(response) {
                        if is_error(status) {
                            shared_errors.insert(shared.to_owned());
                        }
                        continue;
                    }
                    if is_error(status) {
                        let status = if status == "default" {
                            "Default".to_owned()
                        } else {
                            status.to_lowercase()
                        };
                        hoist(
                            response,
                            format!("{}{status}Error", crate::naming::type_name(&id)),
                        );
                    }
                }
            }
        }
    }
    // Shared responses used for an error status, or for one of several success
    // bodies (other success ones keep progenitor's names).
    if let Some(Value::Object(responses)) = raw.pointer_mut("/components/responses") {
        for (name, response) in responses.iter_mut() {
            if shared_errors.contains(name) || shared_successes.contains(name) {
                hoist(response, crate::naming::type_name(name));
            }
        }
    }
    if named.is_empty() {
        return Ok(LoadedSpec { raw, api: spec.api });
    }
    let components = raw.as_object_mut().map(|root| {
        root.entry("components")
            .or_insert_with(|| serde_json::json!({}))
    });
    if let Some(Value::Object(components)) = components {
        let schemas = components
            .entry("schemas")
            .or_insert_with(|| serde_json::json!({}));
        if let Value::Object(schemas) = schemas {
            schemas.extend(named);
        }
    }
    let api = serde_json::from_value(raw.clone()).map_err(|e| {
        Diagnostic::new(
            file,
            format!("not a valid OpenAPI document once error schemas are named: {e}"),
        )
    })?;
    Ok(LoadedSpec { raw, api })
}

/// The `components/responses` key a response `$ref`s, if it is shared.
fn shared_response(response: &Value) -> Option<&str> {
    response
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/components/responses/"))
}

/// The key of serde_yaml's "duplicate entry with key \"…\"" message.
fn duplicate_key(message: &str) -> Option<&str> {
    let rest = message.split("duplicate entry with key \"").nth(1)?;
    rest.split('"').next()
}

/// Line and column (1-based) of the second `key:` of the block mapping whose first
/// key is at `line`, `column`.
fn second_key(text: &str, line: usize, column: usize, key: &str) -> Option<(usize, usize)> {
    let indent = column.checked_sub(1)?;
    let mut seen = 0;
    for (index, content) in text.lines().enumerate().skip(line.checked_sub(1)?) {
        let trimmed = content.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let depth = content.len() - trimmed.len();
        if depth < indent {
            return None;
        }
        let is_key = depth == indent
            && [
                format!("{key}:"),
                format!("\"{key}\":"),
                format!("'{key}':"),
            ]
            .iter()
            .any(|k| trimmed.starts_with(k.as_str()));
        if is_key {
            seen += 1;
            if seen == 2 {
                return Some((index + 1, column));
            }
        }
    }
    None
}

/// YAML allows non-string keys (`200:`); OpenAPI means them as strings.
fn yaml_to_json(file: &str, yaml: serde_yaml_ng::Value) -> Result<Value, Diagnostic> {
    use serde_yaml_ng::Value as Y;
    Ok(match yaml {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => serde_json::to_value(&n).unwrap_or(Value::Null),
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => Value::Array(
            items
                .into_iter()
                .map(|item| yaml_to_json(file, item))
                .collect::<Result<_, _>>()?,
        ),
        Y::Mapping(map) => {
            let mut object = serde_json::Map::with_capacity(map.len());
            for (key, value) in map {
                let key = match key {
                    Y::String(s) => s,
                    Y::Number(n) => n.to_string(),
                    Y::Bool(b) => b.to_string(),
                    other => {
                        return Err(Diagnostic::new(
                            file,
                            format!("mapping key {other:?} is not a string"),
                        ));
                    }
                };
                object.insert(key, yaml_to_json(file, value)?);
            }
            Value::Object(object)
        }
        Y::Tagged(tagged) => yaml_to_json(file, tagged.value)?,
    })
}
