//! Spec text (YAML or JSON) to a JSON value, as tolerant as the data allows:
//! numbers of any size parse (beyond 64 bits they become floats: the spec's bound
//! is kept as near as a float holds it), YAML's integer keys (`200:`) become the
//! strings OpenAPI means and are noted, and a key given twice is an error that
//! points at the second one. Syntax errors name their line and column.

use std::cell::RefCell;
use std::fmt;

use serde::de::{DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

use crate::diagnostic::{Diagnostic, Location, pointer_token};

/// The document, and the JSON pointers of keys YAML gave as numbers or booleans.
#[derive(Debug)]
pub struct Parsed {
    pub raw: Value,
    pub non_string_keys: Vec<String>,
}

pub fn parse(file: &str, text: &str) -> Result<Parsed, Diagnostic> {
    let is_json = file.ends_with(".json") || text.trim_start().starts_with('{');
    if is_json {
        let raw = serde_json::from_str::<Value>(text).map_err(|e| {
            Diagnostic::new(file, format!("invalid JSON: {e}")).at(Location::Text {
                line: e.line(),
                column: e.column(),
            })
        })?;
        return Ok(Parsed {
            raw,
            non_string_keys: Vec::new(),
        });
    }
    let state = State::default();
    let deserializer = serde_yaml_ng::Deserializer::from_str(text);
    let raw = Node { state: &state }
        .deserialize(deserializer)
        .map_err(|e| yaml_error(file, text, &e))?;
    Ok(Parsed {
        raw,
        non_string_keys: state.non_string_keys.into_inner(),
    })
}

fn yaml_error(file: &str, text: &str, e: &serde_yaml_ng::Error) -> Diagnostic {
    let mut diagnostic = Diagnostic::new(file, format!("invalid YAML: {e}"));
    let location = e.location().map(|l| (l.line(), l.column()));
    // The parser points at the mapping that holds a duplicate key; point at the
    // duplicate itself.
    let duplicate = duplicate_key(&e.to_string())
        .zip(location)
        .and_then(|(key, (line, column))| second_key(text, line, column, key));
    if let Some((line, column)) = duplicate.or(location) {
        diagnostic = diagnostic.at(Location::Text { line, column });
    }
    if duplicate.is_some() {
        diagnostic =
            diagnostic.help("a mapping may name each key once: remove or rename one of them");
    }
    diagnostic
}

#[derive(Default)]
struct State {
    /// The JSON pointer of the node being read.
    path: RefCell<Vec<String>>,
    non_string_keys: RefCell<Vec<String>>,
}

/// One node of the document.
struct Node<'s> {
    state: &'s State,
}

fn float(value: f64) -> Value {
    Number::from_f64(value).map_or(Value::Null, Value::Number)
}

impl<'de> DeserializeSeed<'de> for Node<'_> {
    type Value = Value;
    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Node<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_i128<E>(self, v: i128) -> Result<Value, E> {
        Ok(i64::try_from(v).map_or_else(|_| float(v as f64), Value::from))
    }
    fn visit_u128<E>(self, v: u128) -> Result<Value, E> {
        Ok(u64::try_from(v).map_or_else(|_| float(v as f64), Value::from))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(float(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_newtype_struct<D: serde::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        loop {
            self.state.path.borrow_mut().push(items.len().to_string());
            let next = seq.next_element_seed(Node { state: self.state });
            self.state.path.borrow_mut().pop();
            match next? {
                Some(item) => items.push(item),
                None => return Ok(Value::Array(items)),
            }
        }
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut object = Map::new();
        while let Some(key) = map.next_key_seed(Node { state: self.state })? {
            let key = match key {
                Value::String(key) => key,
                other => {
                    let text = match &other {
                        Value::Null => "null".to_owned(),
                        other => other.to_string(),
                    };
                    let mut at = self.pointer();
                    at.push('/');
                    at.push_str(&pointer_token(&text));
                    self.state.non_string_keys.borrow_mut().push(at);
                    text
                }
            };
            if object.contains_key(&key) {
                return Err(serde::de::Error::custom(format_args!(
                    "duplicate entry with key \"{key}\""
                )));
            }
            self.state.path.borrow_mut().push(key.clone());
            let value = map.next_value_seed(Node { state: self.state });
            self.state.path.borrow_mut().pop();
            object.insert(key, value?);
        }
        Ok(Value::Object(object))
    }
    fn visit_enum<A: serde::de::EnumAccess<'de>>(self, data: A) -> Result<Value, A::Error> {
        // A YAML tag (`!Thing value`): the value, tag ignored.
        use serde::de::VariantAccess;
        let (_, variant): (Value, _) = data.variant_seed(Node { state: self.state })?;
        variant.newtype_variant_seed(Node { state: self.state })
    }
}

impl Node<'_> {
    fn pointer(&self) -> String {
        let mut at = String::from("#");
        for token in self.state.path.borrow().iter() {
            at.push('/');
            at.push_str(&pointer_token(token));
        }
        at
    }
}

/// The key of the "duplicate entry with key \"…\"" message.
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_of_any_size_and_integer_keys_parse() {
        let parsed = parse(
            "a.yaml",
            "seed:\n  minimum: -9223372036854776000\n  maximum: 99999999999999999999999999\nresponses:\n  200: {description: ok}\n",
        )
        .unwrap();
        assert_eq!(
            parsed.raw["seed"]["minimum"].as_f64(),
            Some(-9.223372036854776e18)
        );
        assert!(parsed.raw["seed"]["maximum"].as_f64().is_some());
        assert_eq!(parsed.raw["responses"]["200"]["description"], "ok");
        assert_eq!(parsed.non_string_keys, ["#/responses/200"]);
    }

    #[test]
    fn a_key_given_twice_points_at_the_second() {
        let error = parse("a.yaml", "paths:\n  /a: {}\n  /a: {}\n").unwrap_err();
        assert_eq!(
            error.location.as_deref(),
            Some(&Location::Text { line: 3, column: 3 })
        );
        assert!(error.help.unwrap().contains("once"));
    }
}
