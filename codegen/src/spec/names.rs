//! Names for the inline schemas the client must name: the body of an error
//! response, and the bodies of success statuses that differ. Each becomes a
//! `components/schemas` entry and a `$ref`, so every later stage sees names.

use std::collections::BTreeSet;

use serde_json::{Map, Value, json};

use super::refs::shared_response;
use super::status;
use super::walk::for_each_operation_mut;
use super::{LoadedSpec, reparse};
use crate::diagnostic::Diagnostic;
use crate::naming;

const JSON_SCHEMA: &str = "/content/application~1json/schema";

/// Gives every inline JSON schema of an error response a name: `<operationId><status>Error`
/// for an operation's response (`ListThings404Error`, `ListThings4XXError`), the
/// response's own name for a shared `components/responses` entry. Success bodies
/// that differ by status get `<operationId><status>Response`.
pub fn name_inline_schemas(file: &str, mut spec: LoadedSpec) -> Result<LoadedSpec, Diagnostic> {
    let mut raw = std::mem::take(&mut spec.raw);
    let mut namer = Namer {
        taken: raw
            .pointer("/components/schemas")
            .and_then(Value::as_object)
            .map(|schemas| schemas.keys().cloned().collect())
            .unwrap_or_default(),
        named: Vec::new(),
    };
    // Shared responses as they are, to compare success bodies across `$ref`s.
    let shared: Map<String, Value> = raw
        .pointer("/components/responses")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let mut shared_used = BTreeSet::new();
    for_each_operation_mut(&mut raw, &mut |_, _, operation| {
        let id = operation
            .get("operationId")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let Some(Value::Object(responses)) = operation.get_mut("responses") else {
            return;
        };
        if differing_successes(responses, &shared) {
            for (status, response) in responses.iter_mut() {
                if status::key_is_success(status) {
                    let base = format!(
                        "{}{}Response",
                        naming::type_name(&id),
                        status.to_lowercase()
                    );
                    namer.hoist_or_share(response, base, &mut shared_used);
                }
            }
        }
        for (status, response) in responses.iter_mut() {
            if status::key_is_error(status) {
                let status = if status == "default" {
                    "Default".to_owned()
                } else {
                    status.to_lowercase()
                };
                let base = format!("{}{status}Error", naming::type_name(&id));
                namer.hoist_or_share(response, base, &mut shared_used);
            }
        }
    });
    // Shared responses used for an error status, or for one of several success
    // bodies (other success ones keep progenitor's names).
    if let Some(Value::Object(responses)) = raw.pointer_mut("/components/responses") {
        for (name, response) in responses.iter_mut() {
            if shared_used.contains(name) {
                namer.hoist(response, naming::type_name(name));
            }
        }
    }
    if namer.named.is_empty() {
        return Ok(LoadedSpec { raw, ..spec });
    }
    let schemas = raw
        .as_object_mut()
        .map(|root| root.entry("components").or_insert_with(|| json!({})))
        .and_then(Value::as_object_mut)
        .map(|components| components.entry("schemas").or_insert_with(|| json!({})))
        .and_then(Value::as_object_mut);
    if let Some(schemas) = schemas {
        schemas.extend(namer.named);
    }
    reparse(file, spec, raw, "once error schemas are named")
}

/// Whether an operation's success statuses carry more than one kind of body.
fn differing_successes(responses: &Map<String, Value>, shared: &Map<String, Value>) -> bool {
    let bodies: BTreeSet<String> = responses
        .iter()
        .filter(|(status, _)| status::key_is_success(status))
        .map(|(_, response)| {
            let response = shared_response(response)
                .and_then(|name| shared.get(name))
                .unwrap_or(response);
            response
                .pointer(JSON_SCHEMA)
                .map(Value::to_string)
                .unwrap_or_default()
        })
        .collect();
    bodies.len() > 1
}

struct Namer {
    taken: BTreeSet<String>,
    named: Vec<(String, Value)>,
}

impl Namer {
    /// Names a response's inline JSON schema, or notes the shared response it uses.
    fn hoist_or_share(
        &mut self,
        response: &mut Value,
        base: String,
        shared: &mut BTreeSet<String>,
    ) {
        match shared_response(response) {
            Some(name) => {
                shared.insert(name.to_owned());
            }
            None => self.hoist(response, base),
        }
    }

    /// An inline schema under the response's JSON content becomes a `$ref` to a new
    /// component named from `base`.
    fn hoist(&mut self, response: &mut Value, base: String) {
        let Some(schema) = response.pointer_mut(JSON_SCHEMA) else {
            return;
        };
        if schema.get("$ref").is_some() {
            return;
        }
        let name = naming::claim(&mut self.taken, &base);
        let inline = std::mem::replace(
            schema,
            json!({"$ref": format!("#/components/schemas/{name}")}),
        );
        self.named.push((name, inline));
    }
}
