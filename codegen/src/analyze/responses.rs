//! An operation's responses: its typed errors by status, its result when success
//! statuses carry different bodies, and what the client cannot decode.

use std::collections::BTreeSet;

use openapiv3::{OpenAPI, Operation, ReferenceOr, Response, StatusCode};

use super::model::{ErrorBody, ErrorModel, ResultModel, Statuses, SuccessModel, SuccessVariant};
use super::{OperationAt, pagination};
use crate::diagnostic::Diagnostic;
use crate::naming::type_name;
use crate::spec::{refs, status};

/// Schema extension: JSON pointers to the provider's message inside an error body.
const ERROR_MESSAGE_EXTENSION: &str = "x-usagekit-error-message";

fn statuses(status: &StatusCode) -> Statuses {
    let (low, high) = status::range(status);
    Statuses { low, high }
}

/// The component a response's JSON body `$ref`s.
fn body_component<'a>(api: &'a OpenAPI, response: &'a ReferenceOr<Response>) -> Option<&'a str> {
    let Some(ReferenceOr::Reference { reference }) = refs::response(api, response)
        .and_then(refs::json_media)
        .and_then(|m| m.schema.as_ref())
    else {
        return None;
    };
    refs::schema_name(reference)
}

/// The documented error responses, exact codes before ranges and `default` last.
pub fn errors(api: &OpenAPI, operation: &Operation) -> Option<ErrorModel> {
    let mut bodies: Vec<(Option<Statuses>, &str)> = Vec::new();
    for (status, response) in &operation.responses.responses {
        if status::is_error(status)
            && let Some(schema) = body_component(api, response)
        {
            bodies.push((Some(statuses(status)), schema));
        }
    }
    // A code inside a range wins over the range.
    bodies.sort_by_key(|(statuses, _)| statuses.map(Statuses::specificity));
    if let Some(schema) = operation
        .responses
        .default
        .as_ref()
        .and_then(|default| body_component(api, default))
    {
        bodies.push((None, schema));
    }
    if bodies.is_empty() {
        return None;
    }
    let mut message_pointers: Vec<String> = Vec::new();
    for (_, schema_name) in &bodies {
        let pointers = api
            .components
            .as_ref()
            .and_then(|c| c.schemas.get(*schema_name))
            .and_then(|s| s.as_item())
            .and_then(|s| s.schema_data.extensions.get(ERROR_MESSAGE_EXTENSION))
            .and_then(|v| serde_json::from_value::<Vec<String>>(v.clone()).ok())
            .unwrap_or_default();
        for pointer in pointers {
            if !message_pointers.contains(&pointer) {
                message_pointers.push(pointer);
            }
        }
    }
    let bodies: Vec<ErrorBody> = bodies
        .into_iter()
        .map(|(statuses, schema)| ErrorBody {
            statuses,
            type_name: type_name(schema),
        })
        .collect();
    let distinct: BTreeSet<&str> = bodies.iter().map(|b| b.type_name.as_str()).collect();
    // Named after the method by `names`, which knows the settings' renames.
    let enum_name = (distinct.len() > 1).then(|| "Error".to_owned());
    Some(ErrorModel {
        type_name: enum_name
            .clone()
            .unwrap_or_else(|| bodies[0].type_name.clone()),
        enum_name,
        bodies,
        message_pointers,
    })
}

/// What a success response gives, and the success statuses documented.
pub fn result(api: &OpenAPI, operation: &Operation) -> (ResultModel, Vec<Statuses>) {
    let statuses: Vec<Statuses> = operation
        .responses
        .responses
        .keys()
        .filter(|status| status::is_success(status))
        .map(statuses)
        .collect();
    if let Some(successes) = successes(api, operation) {
        return (ResultModel::ByStatus(successes), statuses);
    }
    let first = operation
        .responses
        .responses
        .iter()
        .find(|(status, _)| status::is_success(status))
        .and_then(|(_, response)| refs::response(api, response));
    let result = match first {
        None => ResultModel::Empty,
        Some(response) => match response.content.iter().next() {
            None => ResultModel::Empty,
            Some(_) if refs::json_media(response).is_some() => {
                let content_type = response
                    .content
                    .keys()
                    .find(|name| refs::is_json(name))
                    .cloned()
                    .unwrap_or_default();
                ResultModel::Json { content_type }
            }
            // Server-sent events never end on their own: a stream, not a text.
            Some((name, _))
                if name.to_ascii_lowercase().starts_with("text/")
                    && !name.eq_ignore_ascii_case("text/event-stream") =>
            {
                ResultModel::Text {
                    content_type: name.clone(),
                }
            }
            Some((name, _)) => ResultModel::Bytes {
                content_type: name.clone(),
            },
        },
    };
    (result, statuses)
}

/// `Some` when the success statuses carry more than one kind of body (a missing
/// body counts as a kind). Inline schemas are named by `spec` beforehand.
fn successes(api: &OpenAPI, operation: &Operation) -> Option<SuccessModel> {
    let mut variants = Vec::new();
    let mut kinds = BTreeSet::new();
    for (status, response) in &operation.responses.responses {
        if !status::is_success(status) {
            continue;
        }
        let response = refs::response(api, response)?;
        kinds.insert(refs::json_schema_key(response));
        let body = match refs::json_media(response).and_then(|m| m.schema.as_ref()) {
            Some(ReferenceOr::Reference { reference }) => {
                Some(type_name(refs::schema_name(reference)?))
            }
            Some(ReferenceOr::Item(_)) => return None,
            None => None,
        };
        variants.push(SuccessVariant {
            statuses: statuses(status),
            variant: status::reason_variant(status),
            body,
        });
    }
    if kinds.len() < 2 {
        return None;
    }
    variants.sort_by_key(|v| v.statuses.specificity());
    Some(SuccessModel {
        // Named after the method by `names`.
        enum_name: "Response".to_owned(),
        variants,
    })
}

/// What the client cannot decode among the operation's responses.
pub fn check(
    file: &str,
    api: &OpenAPI,
    operation: &Operation,
    at: &OperationAt<'_>,
    found: &mut Vec<Diagnostic>,
) {
    let schema_of = |response: &ReferenceOr<Response>| {
        refs::response(api, response).and_then(refs::json_schema_key)
    };
    let mut success = BTreeSet::new();
    for (status, response) in &operation.responses.responses {
        if status::is_success(status) {
            success.insert(schema_of(response));
        }
    }
    // Success statuses with different bodies give a result enum, decoded by status;
    // pagination reads one page type, so it needs one.
    if success.len() > 1 && operation.extensions.contains_key(pagination::EXTENSION) {
        found.push(
            Diagnostic::new(file, "a paginated operation whose success responses have different schemas")
                .at(at.join("/responses"))
                .help("`x-usagekit-pagination` reads one page type: give the success statuses one schema, or drop the extension"),
        );
    }
    for (status, response) in &operation.responses.responses {
        if status::is_error(status)
            && let Some(response) = refs::response(api, response)
            && let Some(media) = refs::json_media(response)
            && !matches!(media.schema, Some(ReferenceOr::Reference { .. }))
        {
            found.push(
                Diagnostic::new(file, format!("the {status} error body is an inline schema"))
                    .at(at.join(&format!("/responses/{status}")))
                    .help("declare error bodies under `components/schemas` and `$ref` them, so the client can name the type"),
            );
        }
    }
}
