//! Spec text to a JSON value and a typed OpenAPI document: syntax errors name
//! their line and column.

use openapiv3::OpenAPI;
use serde_json::Value;

use super::LoadedSpec;
use crate::diagnostic::{Diagnostic, Location};

/// Parses YAML or JSON (chosen by the file name, else by the first character).
pub fn load(file: &str, text: &str) -> Result<LoadedSpec, Diagnostic> {
    let is_json = file.ends_with(".json") || text.trim_start().starts_with('{');
    let raw = if is_json {
        serde_json::from_str::<Value>(text).map_err(|e| {
            Diagnostic::new(file, format!("invalid JSON: {e}")).at(Location::Text {
                line: e.line(),
                column: e.column(),
            })
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
                diagnostic = diagnostic.at(Location::Text { line, column });
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
