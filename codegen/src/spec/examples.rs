//! The example response bodies a document gives, for tools and tests that play
//! them back (`usagekit demo`, the decode → encode identity test).

use serde_json::Value;

use super::{refs, status};
use crate::diagnostic::Diagnostic;

/// One example of a documented JSON response body.
#[derive(Debug, Clone, PartialEq)]
pub struct ResponseExample {
    /// The operation's operationId (or the name the generator gives it).
    pub operation: String,
    /// The `responses` key as written: `200`, `4XX`, `default`.
    pub response: String,
    /// The first status the key covers (`4XX`: 400); `None` for `default`.
    pub status: Option<u16>,
    pub media_type: String,
    /// The name under `examples`, or `None` for `example`.
    pub name: Option<String>,
    pub value: Value,
}

/// Every example (`example`, and each of `examples` with a `value`) of every JSON
/// response body of every operation, in document order.
pub fn response_examples(file: &str, text: &str) -> Result<Vec<ResponseExample>, Diagnostic> {
    let spec = super::load(file, text)?;
    let api = &spec.api;
    let mut found = Vec::new();
    for (_, item) in &api.paths.paths {
        let Some(item) = item.as_item() else { continue };
        for (_, operation) in item.iter() {
            let Some(id) = &operation.operation_id else {
                continue;
            };
            let responses = operation
                .responses
                .default
                .iter()
                .map(|response| ("default".to_owned(), response))
                .chain(
                    operation
                        .responses
                        .responses
                        .iter()
                        .map(|(code, response)| (code.to_string(), response)),
                );
            for (key, response) in responses {
                let Some(response) = refs::response(api, response) else {
                    continue;
                };
                let status = status::parse_key(&key).map(|code| status::range(&code).0);
                for (media_type, media) in &response.content {
                    if !refs::is_json(media_type) {
                        continue;
                    }
                    let example = |name: Option<String>, value: &Value| ResponseExample {
                        operation: id.clone(),
                        response: key.clone(),
                        status,
                        media_type: media_type.clone(),
                        name,
                        value: value.clone(),
                    };
                    if let Some(value) = &media.example {
                        found.push(example(None, value));
                    }
                    for (name, entry) in &media.examples {
                        if let Some(value) =
                            refs::example(api, entry).and_then(|entry| entry.value.as_ref())
                        {
                            found.push(example(Some(name.clone()), value));
                        }
                    }
                }
            }
        }
    }
    Ok(found)
}

/// The document as the generator reads it, as JSON: parsed, and OpenAPI 3.1
/// normalised to 3.0's shapes (for tools and tests that walk its schemas).
pub fn normalized_document(file: &str, text: &str) -> Result<Value, Diagnostic> {
    super::load(file, text).map(|spec| spec.raw)
}
