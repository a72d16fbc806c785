//! Shared helpers for the tests under `tests/`: fixtures and loopback servers.

use std::path::PathBuf;

/// A committed example response, by file name under `fixtures/`.
pub fn fixture(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A secret no output may contain.
pub const SECRET: &str = "sk-admin-THIS-MUST-NEVER-BE-PRINTED";

/// A JSON response with `status`.
pub fn json(status: u16, body: impl Into<String>) -> wiremock::ResponseTemplate {
    wiremock::ResponseTemplate::new(status).set_body_raw(body.into(), "application/json")
}

/// A loopback server answering every `GET route` with `status` and a JSON `body`.
pub async fn serve(route: &str, status: u16, body: impl Into<String>) -> wiremock::MockServer {
    use wiremock::matchers::{method, path};
    let server = wiremock::MockServer::start().await;
    wiremock::Mock::given(method("GET"))
        .and(path(route))
        .respond_with(json(status, body))
        .mount(&server)
        .await;
    server
}

pub mod scratch;
pub mod values;

/// A JSON document with each number kept as its text, so comparing two of them
/// loses no digit (a `serde_json::Value` would hold an `f64`).
#[derive(Debug, Clone, PartialEq)]
enum Json {
    Null,
    Bool(bool),
    Number(String),
    String(String),
    Array(Vec<Json>),
    Object(Vec<(String, Json)>),
}

impl std::fmt::Display for Json {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Json::Null => f.write_str("null"),
            Json::Bool(value) => write!(f, "{value}"),
            Json::Number(text) => f.write_str(text),
            Json::String(text) => write!(f, "{}", serde_json::Value::from(text.as_str())),
            Json::Array(_) => f.write_str("[…]"),
            Json::Object(_) => f.write_str("{…}"),
        }
    }
}

/// Parses JSON text, numbers as written.
fn parse_json(text: &str) -> Result<Json, String> {
    fn value(bytes: &[u8], at: &mut usize) -> Result<Json, String> {
        skip_space(bytes, at);
        let rest = &bytes[*at..];
        let literal = |word: &str, json: Json, at: &mut usize| {
            *at += word.len();
            Ok(json)
        };
        match rest.first() {
            Some(b'n') if rest.starts_with(b"null") => literal("null", Json::Null, at),
            Some(b't') if rest.starts_with(b"true") => literal("true", Json::Bool(true), at),
            Some(b'f') if rest.starts_with(b"false") => literal("false", Json::Bool(false), at),
            Some(b'"') => {
                let start = *at;
                *at += 1;
                while *at < bytes.len() && bytes[*at] != b'"' {
                    *at += if bytes[*at] == b'\\' { 2 } else { 1 };
                }
                *at += 1;
                let text = std::str::from_utf8(&bytes[start..*at]).map_err(|e| e.to_string())?;
                serde_json::from_str(text)
                    .map(Json::String)
                    .map_err(|e| e.to_string())
            }
            Some(b'[') => {
                *at += 1;
                let mut items = Vec::new();
                loop {
                    skip_space(bytes, at);
                    match bytes.get(*at) {
                        Some(b']') => {
                            *at += 1;
                            return Ok(Json::Array(items));
                        }
                        Some(b',') => *at += 1,
                        _ => items.push(value(bytes, at)?),
                    }
                }
            }
            Some(b'{') => {
                *at += 1;
                let mut members = Vec::new();
                loop {
                    skip_space(bytes, at);
                    match bytes.get(*at) {
                        Some(b'}') => {
                            *at += 1;
                            return Ok(Json::Object(members));
                        }
                        Some(b',') => *at += 1,
                        _ => {
                            let Json::String(key) = value(bytes, at)? else {
                                return Err(format!("a key at byte {at}"));
                            };
                            skip_space(bytes, at);
                            if bytes.get(*at) != Some(&b':') {
                                return Err(format!("`:` at byte {at}"));
                            }
                            *at += 1;
                            members.push((key, value(bytes, at)?));
                        }
                    }
                }
            }
            Some(b'-' | b'0'..=b'9') => {
                let start = *at;
                while *at < bytes.len()
                    && matches!(bytes[*at], b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E')
                {
                    *at += 1;
                }
                Ok(Json::Number(
                    String::from_utf8_lossy(&bytes[start..*at]).into_owned(),
                ))
            }
            _ => Err(format!("not JSON at byte {at}")),
        }
    }
    fn skip_space(bytes: &[u8], at: &mut usize) {
        while *at < bytes.len() && bytes[*at].is_ascii_whitespace() {
            *at += 1;
        }
    }
    // Checked first, so the walk above only ever sees valid JSON.
    serde_json::from_str::<serde::de::IgnoredAny>(text).map_err(|e| e.to_string())?;
    value(text.as_bytes(), &mut 0)
}

/// Two numbers' texts denote the same number (`1`, `1.0` and `1e0` alike), digit
/// for digit.
fn same_number(a: &str, b: &str) -> bool {
    let exact = |text: &str| {
        rust_decimal::Decimal::from_str_exact(text)
            .or_else(|_| rust_decimal::Decimal::from_scientific(text))
            .ok()
            .map(|d| d.normalize())
    };
    match (exact(a), exact(b)) {
        (Some(a), Some(b)) => a == b,
        // Beyond 28 digits: an `f64` on both sides is all anyone can compare.
        _ => a.parse::<f64>().ok() == b.parse::<f64>().ok(),
    }
}

/// Whether two JSON texts are the same document: the same keys (an absent key is
/// not a `null` one), the same kinds (a number is not a string), the same numbers
/// digit for digit (`1` and `1.0` alike). The error names the first place they
/// differ.
pub fn same_json(expected: &str, actual: &str) -> Result<(), String> {
    fn walk(expected: &Json, actual: &Json, at: &str) -> Result<(), String> {
        let place = if at.is_empty() { "/" } else { at };
        match (expected, actual) {
            (Json::Object(a), Json::Object(b)) => {
                let find = |members: &[(String, Json)], key: &str| {
                    members
                        .iter()
                        .find(|(k, _)| k == key)
                        .map(|(_, v)| v.clone())
                };
                for key in a.iter().chain(b).map(|(key, _)| key) {
                    let place = format!("{at}/{key}");
                    match (find(a, key), find(b, key)) {
                        (Some(x), Some(y)) => walk(&x, &y, &place)?,
                        (Some(x), None) => return Err(format!("{place}: {x} came back absent")),
                        (None, Some(y)) => return Err(format!("{place}: absent came back as {y}")),
                        (None, None) => unreachable!("the key is in one of them"),
                    }
                }
                Ok(())
            }
            (Json::Array(a), Json::Array(b)) if a.len() == b.len() => a
                .iter()
                .zip(b)
                .enumerate()
                .try_for_each(|(i, (x, y))| walk(x, y, &format!("{at}/{i}"))),
            (Json::Number(a), Json::Number(b)) if same_number(a, b) => Ok(()),
            (a, b) if a == b => Ok(()),
            (a, b) => Err(format!("{place}: {a} came back as {b}")),
        }
    }
    walk(&parse_json(expected)?, &parse_json(actual)?, "")
}

#[cfg(test)]
mod tests {
    use super::same_json;

    #[test]
    fn documents_compare_by_shape_and_every_digit() {
        assert!(same_json(r#"{"a":1,"b":[null]}"#, r#"{"b":[null],"a":1.0}"#).is_ok());
        assert!(
            same_json(
                r#"{"v":1234.567890123456789}"#,
                r#"{"v":1234.5678901234567890}"#
            )
            .is_ok()
        );
        let lost = same_json(
            r#"{"v":1234.567890123456789}"#,
            r#"{"v":1234.5678901234567}"#,
        );
        assert!(lost.unwrap_err().starts_with("/v:"));
        assert!(same_json(r#"{"v":0.06}"#, r#"{"v":"0.06"}"#).is_err());
        assert!(
            same_json(r#"{"v":null}"#, r#"{}"#)
                .unwrap_err()
                .contains("came back absent")
        );
        assert!(
            same_json(r#"{}"#, r#"{"v":[]}"#)
                .unwrap_err()
                .contains("absent came back")
        );
        assert!(same_json(r#"["a\"b"]"#, r#"["a\"b"]"#).is_ok());
    }
}
