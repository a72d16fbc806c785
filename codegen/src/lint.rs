//! Stage 2: reject what progenitor would panic on or get wrong, before it runs.
//!
//! Every check names the place (a JSON pointer, plus the operation) and the fix.

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::{
    APIKeyLocation, OpenAPI, Operation, Parameter, ParameterSchemaOrContent, QueryStyle,
    ReferenceOr, SecurityScheme,
};
use serde_json::Value;

use crate::diagnostic::{Diagnostic, pointer_token};
use crate::load::LoadedSpec;
use crate::model::{self, PAGINATION_EXTENSION};
use crate::naming;
use crate::status;

/// All problems found; empty when the spec can be generated.
pub fn lint(file: &str, spec: &LoadedSpec) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    check_refs(file, &spec.raw, &mut found);
    if !found.is_empty() {
        // Later checks resolve references; report the broken ones alone.
        return found;
    }
    check_component_names(file, &spec.raw, &mut found);
    check_servers(file, &spec.api, &mut found);
    check_security(file, &spec.api, &mut found);
    check_operations(file, &spec.api, &mut found);
    check_discriminators(file, &spec.api, &mut found);
    found
}

/// Where a JSON object sits in an OpenAPI document, for [`walk`].
#[derive(Clone, Copy)]
enum Place {
    /// An OpenAPI object (a schema, an operation, …): its keys are keywords.
    Object,
    /// A map whose keys are names (`properties`, `paths`, `schemas`, …).
    Names,
    /// A map of Example Objects, whose `value`s are literal data.
    Examples,
    /// One Example Object.
    Example,
}

/// Keys whose values are maps of names to OpenAPI objects.
const NAMED_MAPS: &[&str] = &[
    "callbacks",
    "content",
    "encoding",
    "headers",
    "links",
    "parameters",
    "paths",
    "properties",
    "requestBodies",
    "responses",
    "schemas",
    "securitySchemes",
    "variables",
];

/// Calls `visit` on every OpenAPI object of the document with its JSON pointer,
/// skipping literal data: `example`, `default` and `enum` values, Example
/// Objects' `value`s and `x-` extensions are data, never references or schemas.
fn walk(
    node: &Value,
    place: Place,
    at: &mut String,
    visit: &mut dyn FnMut(&serde_json::Map<String, Value>, &str),
) {
    fn descend(
        key: &str,
        value: &Value,
        place: Place,
        at: &mut String,
        visit: &mut dyn FnMut(&serde_json::Map<String, Value>, &str),
    ) {
        let len = at.len();
        at.push('/');
        at.push_str(&pointer_token(key));
        walk(value, place, at, visit);
        at.truncate(len);
    }
    match node {
        Value::Object(map) => match place {
            Place::Names | Place::Examples => {
                let child = if matches!(place, Place::Examples) {
                    Place::Example
                } else {
                    Place::Object
                };
                for (key, value) in map {
                    descend(key, value, child, at, visit);
                }
            }
            Place::Object | Place::Example => {
                visit(map, at);
                for (key, value) in map {
                    let literal = key.starts_with("x-")
                        || matches!(key.as_str(), "example" | "default" | "enum")
                        || (matches!(place, Place::Example) && key == "value");
                    if literal {
                        continue;
                    }
                    let child = if key == "examples" {
                        Place::Examples
                    } else if NAMED_MAPS.contains(&key.as_str()) {
                        Place::Names
                    } else {
                        Place::Object
                    };
                    descend(key, value, child, at, visit);
                }
            }
        },
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                descend(&index.to_string(), item, Place::Object, at, visit);
            }
        }
        _ => {}
    }
}

fn check_refs(file: &str, root: &Value, found: &mut Vec<Diagnostic>) {
    walk(
        root,
        Place::Object,
        &mut String::from("#"),
        &mut |map, at| {
            let Some(Value::String(target)) = map.get("$ref") else {
                return;
            };
            let resolves = target
                .strip_prefix('#')
                .is_some_and(|pointer| root.pointer(pointer).is_some());
            if !resolves {
                let help = if target.starts_with('#') {
                    "define the target, or point the $ref at an existing `#/components/...` entry"
                } else {
                    "only references inside the same document (`#/...`) are supported; inline the external definition"
                };
                found.push(
                    Diagnostic::new(file, format!("unresolved $ref `{target}`"))
                        .at(format!("{at}/$ref"))
                        .help(help),
                );
            }
        },
    );
}

/// OpenAPI 3.0.3 §4.7.7: component names match `^[a-zA-Z0-9.\-_]+$`; other tools
/// reject a spec that breaks it.
fn check_component_names(file: &str, raw: &Value, found: &mut Vec<Diagnostic>) {
    let Some(Value::Object(components)) = raw.get("components") else {
        return;
    };
    for (kind, entries) in components {
        let Value::Object(entries) = entries else {
            continue;
        };
        for name in entries.keys() {
            let valid = !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'));
            if !valid && !kind.starts_with("x-") {
                let suggestion = naming::type_name(name);
                found.push(
                    Diagnostic::new(file, format!("component name `{name}` is not valid OpenAPI"))
                        .at(format!("#/components/{}/{}", pointer_token(kind), pointer_token(name)))
                        .help(format!(
                            "names may use only letters, digits, `.`, `-` and `_`: rename it (e.g. `{suggestion}`) and every reference to it"
                        )),
                );
            }
        }
    }
}

fn check_servers(file: &str, api: &OpenAPI, found: &mut Vec<Diagnostic>) {
    match api.servers.first() {
        None => found.push(
            Diagnostic::new(file, "no servers: the client needs a default base URL")
                .at("#/servers")
                .help("add `servers: [{url: https://api.example.com/v1}]`"),
        ),
        Some(server)
            if !(server.url.starts_with("https://") || server.url.starts_with("http://"))
                || server.url.contains('{') =>
        {
            found.push(
                Diagnostic::new(file, format!("server URL `{}` is not an absolute http(s) URL", server.url))
                    .at("#/servers/0/url")
                    .help("the first server is the default base URL; write it out in full, without variables"),
            )
        }
        Some(_) => {}
    }
}

fn check_security(file: &str, api: &OpenAPI, found: &mut Vec<Diagnostic>) {
    let requirements = api.security.as_deref().unwrap_or_default();
    if requirements.len() > 1 {
        found.push(
            Diagnostic::new(file, "alternative security requirements are not supported")
                .at("#/security")
                .help("list every scheme the API needs in one requirement object: `security: [{A: [], B: []}]`"),
        );
    }
    let schemes = api.components.as_ref().map(|c| &c.security_schemes);
    for name in requirements.iter().flat_map(|r| r.keys()) {
        let at = format!("#/components/securitySchemes/{}", pointer_token(name));
        match schemes.and_then(|s| s.get(name)) {
            None => found.push(
                Diagnostic::new(
                    file,
                    format!("security scheme `{name}` is used but not defined"),
                )
                .at("#/security")
                .help(format!("define it under {at}")),
            ),
            Some(ReferenceOr::Reference { .. }) => {
                found.push(Diagnostic::new(file, "a security scheme may not be a $ref").at(at))
            }
            Some(ReferenceOr::Item(scheme)) => {
                let supported = match scheme {
                    SecurityScheme::HTTP { scheme, .. } => scheme.eq_ignore_ascii_case("bearer"),
                    SecurityScheme::APIKey { location, .. } => {
                        matches!(location, APIKeyLocation::Header)
                    }
                    _ => false,
                };
                if !supported {
                    found.push(
                        Diagnostic::new(file, format!("security scheme `{name}` is of a kind the runtime cannot send"))
                            .at(at)
                            .help("supported: `type: http, scheme: bearer` and `type: apiKey, in: header`"),
                    );
                }
            }
        }
    }
}

fn check_operations(file: &str, api: &OpenAPI, found: &mut Vec<Diagnostic>) {
    let mut ids: BTreeMap<String, String> = BTreeMap::new();
    let mut methods: BTreeMap<String, String> = BTreeMap::new();
    for (path, item) in &api.paths.paths {
        let path_at = format!("#/paths/{}", pointer_token(path));
        let item = match item {
            ReferenceOr::Item(item) => item,
            ReferenceOr::Reference { .. } => {
                found.push(
                    Diagnostic::new(file, "a path item may not be a $ref")
                        .at(path_at)
                        .help("inline the path item"),
                );
                continue;
            }
        };
        for (method, operation) in item.iter() {
            let at = format!("{path_at}/{method}");
            let Some(id) = operation
                .operation_id
                .as_deref()
                .filter(|id| !id.is_empty())
            else {
                found.push(
                    Diagnostic::new(
                        file,
                        format!("{} {path} has no operationId", method.to_uppercase()),
                    )
                    .at(at)
                    .help("add a unique `operationId`: it names the client method"),
                );
                continue;
            };
            let here = OperationAt { pointer: &at, id };
            if let Some(first) = ids.insert(id.to_owned(), at.clone()) {
                found.push(
                    Diagnostic::new(
                        file,
                        format!("duplicate operationId `{id}`, first used at {first}"),
                    )
                    .at(here.join(""))
                    .help("operationIds must be unique; rename one"),
                );
            } else if let Some(other) = methods.insert(naming::method_name(id), id.to_owned()) {
                found.push(
                    Diagnostic::new(
                        file,
                        format!(
                            "operationIds `{other}` and `{id}` give the same method name `{}`",
                            naming::method_name(id)
                        ),
                    )
                    .at(here.join(""))
                    .help("rename one of them"),
                );
            }
            let parameters = item.parameters.iter().chain(&operation.parameters);
            check_parameters(file, api, parameters, &here, found);
            check_responses(file, api, operation, &here, found);
            if let Some(security) = &operation.security
                && Some(security) != api.security.as_ref()
            {
                found.push(
                    Diagnostic::new(file, "per-operation security differs from the document's")
                        .at(here.join("/security"))
                        .help("the client sends the document-level `security` with every call; remove the override or make it equal"),
                );
            }
            if operation.extensions.contains_key(PAGINATION_EXTENSION)
                && let Err(message) = model::pagination(api, operation)
            {
                found.push(
                    Diagnostic::new(file, message)
                        .at(here.join(&format!("/{PAGINATION_EXTENSION}")))
                        .help("one of `{cursor-param: after, next-cursor: next_page, has-more: has_more, items: data}` (a cursor in the response), `{style: after-last-id, cursor-param: after, item-id: id, has-more: has_more, items: data}` or `{style: page-number, page-param: page, items: data}` (optionally `total-pages`, `first-page`), naming a query parameter and properties of the 2xx response; cursors are strings or integers (see ARCHITECTURE.md)"),
                );
            }
            if let Err((suffix, message)) = crate::report::report(api, operation) {
                found.push(
                    Diagnostic::new(file, message)
                        .at(here.join(&format!("/{}{suffix}", crate::report::REPORT_EXTENSION)))
                        .help(crate::report::REPORT_HELP),
                );
            }
        }
    }
}

/// A place inside one operation: the JSON pointer first, then which operation it is.
struct OperationAt<'a> {
    pointer: &'a str,
    id: &'a str,
}

impl OperationAt<'_> {
    fn join(&self, suffix: &str) -> String {
        format!("{}{suffix} (operation {})", self.pointer, self.id)
    }
}

fn check_parameters<'a>(
    file: &str,
    api: &OpenAPI,
    parameters: impl Iterator<Item = &'a ReferenceOr<Parameter>>,
    at: &OperationAt<'_>,
    found: &mut Vec<Diagnostic>,
) {
    let mut setters: BTreeMap<String, String> = BTreeMap::new();
    for parameter in parameters {
        let Some(parameter) = model::resolve_parameter(api, parameter) else {
            continue;
        };
        let data = parameter.parameter_data_ref();
        let place = format!("{} parameter `{}`", at.join(""), data.name);
        let setter = naming::setter_name(&data.name);
        if let Some(other) = setters.insert(setter.clone(), data.name.clone()) {
            found.push(
                Diagnostic::new(
                    file,
                    format!("parameters `{other}` and `{}` would both be the builder setter `{setter}`", data.name),
                )
                .at(place.clone())
                .help("a builder cannot have two setters of one name: leave one of them (an alias the server also accepts) out of the spec"),
            );
        }
        match parameter {
            Parameter::Cookie { .. } => found.push(
                Diagnostic::new(file, "cookie parameters are not supported by progenitor")
                    .at(place.clone())
                    .help("send it as a header parameter, or leave it out of the spec"),
            ),
            Parameter::Query { style, .. } if !matches!(style, QueryStyle::Form) => found.push(
                Diagnostic::new(file, "only `style: form` query parameters are supported")
                    .at(place.clone())
                    .help("remove `style` (form is the default)"),
            ),
            _ => {}
        }
        if data.explode == Some(false) {
            found.push(
                Diagnostic::new(file, "`explode: false` is not supported: progenitor always sends arrays as repeated keys")
                    .at(place.clone())
                    .help("remove `explode: false` (the default for query parameters is `explode: true`)"),
            );
        }
        if matches!(data.format, ParameterSchemaOrContent::Content(_)) {
            found.push(
                Diagnostic::new(file, "parameters with `content` are not supported")
                    .at(place)
                    .help("describe the parameter with `schema` instead"),
            );
        }
    }
}

fn check_responses(
    file: &str,
    api: &OpenAPI,
    operation: &Operation,
    at: &OperationAt<'_>,
    found: &mut Vec<Diagnostic>,
) {
    let schema_of = |response: &ReferenceOr<openapiv3::Response>| {
        model::resolve_response(api, response).and_then(model::json_schema_key)
    };
    let mut success = BTreeSet::new();
    let mut errors = BTreeSet::new();
    for (status, response) in &operation.responses.responses {
        let key = schema_of(response);
        if status::is_success(status) {
            success.insert(key);
        } else if status::is_error(status)
            && let Some(key) = key
        {
            errors.insert(key);
        }
    }
    // Success statuses with different bodies give a result enum, decoded by status;
    // pagination reads one page type, so it needs one.
    if success.len() > 1 && operation.extensions.contains_key(PAGINATION_EXTENSION) {
        found.push(
            Diagnostic::new(file, "a paginated operation whose success responses have different schemas")
                .at(at.join("/responses"))
                .help("`x-usagekit-pagination` reads one page type: give the success statuses one schema, or drop the extension"),
        );
    }
    if let Some(default) = &operation.responses.default {
        let key = schema_of(default);
        if !success.is_empty() && !success.contains(&key) {
            found.push(
                Diagnostic::new(file, "a `default` response of another type alongside the success response")
                    .at(at.join("/responses/default"))
                    .help("progenitor would treat `default` as a success too; declare the error body under `4XX`/`5XX` (or explicit codes) instead"),
            );
        }
        if let Some(key) = key {
            errors.insert(key);
        }
    }
    for (status, response) in &operation.responses.responses {
        if status::is_error(status)
            && let Some(response) = model::resolve_response(api, response)
            && let Some(media) = model::json_media(response)
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

fn check_discriminators(file: &str, api: &OpenAPI, found: &mut Vec<Diagnostic>) {
    let Some(components) = &api.components else {
        return;
    };
    for (name, schema) in &components.schemas {
        let ReferenceOr::Item(schema) = schema else {
            continue;
        };
        if schema.schema_data.discriminator.is_none() {
            continue;
        }
        if let Err(message) = model::union(api, name, schema) {
            found.push(
                Diagnostic::new(file, message)
                    .at(format!("#/components/schemas/{}", pointer_token(name)))
                    .help("a discriminated union is `oneOf` a list of `$ref`s to object schemas that each have the discriminator property as a required single-value string enum"),
            );
        }
    }
}
