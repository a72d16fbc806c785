//! The one resolver of `$ref`s to `components`, and the JSON media of a response.

use openapiv3::{
    Components, Example, MediaType, OpenAPI, Parameter, ReferenceOr, RequestBody, Response, Schema,
};
use serde_json::Value;

/// The item `reference` names under `#/components/<section>/`, with its name; one
/// level of reference only (a component that is itself a `$ref` resolves to nothing).
fn resolve<'a, T>(
    api: &'a OpenAPI,
    item: &'a ReferenceOr<T>,
    section: &str,
    lookup: for<'c> fn(&'c Components, &str) -> Option<&'c ReferenceOr<T>>,
) -> Option<(&'a T, Option<&'a str>)> {
    match item {
        ReferenceOr::Item(item) => Some((item, None)),
        ReferenceOr::Reference { reference } => {
            let name = reference
                .strip_prefix("#/components/")?
                .strip_prefix(section)?
                .strip_prefix('/')?;
            let found = lookup(api.components.as_ref()?, name)?;
            found.as_item().map(|item| (item, Some(name)))
        }
    }
}

pub fn parameter<'a>(
    api: &'a OpenAPI,
    parameter: &'a ReferenceOr<Parameter>,
) -> Option<&'a Parameter> {
    resolve(api, parameter, "parameters", |c, name| {
        c.parameters.get(name)
    })
    .map(|(p, _)| p)
}

pub fn response<'a>(api: &'a OpenAPI, response: &'a ReferenceOr<Response>) -> Option<&'a Response> {
    resolve(api, response, "responses", |c, name| c.responses.get(name)).map(|(r, _)| r)
}

pub fn example<'a>(api: &'a OpenAPI, example: &'a ReferenceOr<Example>) -> Option<&'a Example> {
    resolve(api, example, "examples", |c, name| c.examples.get(name)).map(|(e, _)| e)
}

pub fn request_body<'a>(
    api: &'a OpenAPI,
    body: &'a ReferenceOr<RequestBody>,
) -> Option<&'a RequestBody> {
    resolve(api, body, "requestBodies", |c, name| {
        c.request_bodies.get(name)
    })
    .map(|(b, _)| b)
}

/// Whether a media type is JSON: `application/json`, with parameters, or any
/// `+json` type (`application/problem+json`).
pub fn is_json(media_type: &str) -> bool {
    let essence = media_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    essence == "application/json" || essence.ends_with("+json")
}

/// A schema, and the component name it was found under when it is a `$ref`.
pub fn schema<'a>(
    api: &'a OpenAPI,
    schema: &'a ReferenceOr<Schema>,
) -> Option<(&'a Schema, Option<&'a str>)> {
    resolve(api, schema, "schemas", |c, name| c.schemas.get(name))
}

/// A schema behind a property or array item, which `openapiv3` boxes.
pub fn boxed_schema<'a>(
    api: &'a OpenAPI,
    schema: &'a ReferenceOr<Box<Schema>>,
) -> Option<&'a Schema> {
    match schema {
        ReferenceOr::Item(item) => Some(item.as_ref()),
        ReferenceOr::Reference { reference } => api
            .components
            .as_ref()?
            .schemas
            .get(schema_name(reference)?)?
            .as_item(),
    }
}

/// `Name` of `#/components/schemas/Name`.
pub fn schema_name(reference: &str) -> Option<&str> {
    reference.strip_prefix("#/components/schemas/")
}

/// The `components/responses` key a response `$ref`s, if it is shared.
pub fn shared_response(response: &Value) -> Option<&str> {
    response
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/components/responses/"))
}

/// The JSON media type of a response.
pub fn json_media(response: &Response) -> Option<&MediaType> {
    response
        .content
        .iter()
        .find(|(name, _)| is_json(name))
        .map(|(_, media)| media)
}

/// A comparable rendering of a response's JSON schema.
pub fn json_schema_key(response: &Response) -> Option<String> {
    let schema = json_media(response)?.schema.as_ref()?;
    serde_json::to_string(schema).ok()
}
