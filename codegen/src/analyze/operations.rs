//! Each operation: its name, parameters, responses and extensions, checked and
//! modelled in one go.

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::{
    OpenAPI, Operation, Parameter, PathItem, QueryStyle, ReferenceOr, Schema, SchemaKind, Type,
};

use usagekit_report::ReportSpec;

use super::model::{OperationModel, ParameterLocation, ParameterModel, ParameterStyle};
use super::{OperationAt, body, pagination, report, responses};
use crate::diagnostic::{Diagnostic, pointer_token};
use crate::naming;
use crate::settings::ProviderSettings;
use crate::spec::refs;

/// Every operation of the document in document order, and the report mappings
/// among them. A method name two operationIds share is told apart (`_2`).
pub fn analyze(
    file: &str,
    api: &OpenAPI,
    settings: &ProviderSettings,
    found: &mut Vec<Diagnostic>,
    notes: &mut Vec<Diagnostic>,
) -> (Vec<OperationModel>, Vec<ReportSpec>) {
    let mut operations = Vec::new();
    let mut reports = Vec::new();
    let mut ids: BTreeMap<String, String> = BTreeMap::new();
    // Names the settings give are the user's: derived ones make way for them.
    let mut methods: BTreeSet<String> = settings.methods.values().cloned().collect();
    for (path, item) in &api.paths.paths {
        let path_at = format!("#/paths/{}", pointer_token(path));
        let item = match item {
            ReferenceOr::Item(item) => item,
            ReferenceOr::Reference { .. } => {
                found.push(
                    Diagnostic::new(file, "a path item may not be a $ref to another document")
                        .at(path_at)
                        .help("inline the path item"),
                );
                continue;
            }
        };
        for (method, operation) in item.iter() {
            let at = format!("{path_at}/{method}");
            // The normaliser names every operation.
            let id = operation.operation_id.as_deref().unwrap_or_default();
            let here = OperationAt::new(&at, id);
            if let Some(first) = ids.insert(id.to_owned(), at.clone()) {
                found.push(
                    Diagnostic::new(
                        file,
                        format!("duplicate operationId `{id}`, first used at {first}"),
                    )
                    .at(here.join(""))
                    .help("operationIds must be unique; rename one"),
                );
                continue;
            }
            let rust_method = match settings.methods.get(id) {
                Some(named) => named.clone(),
                None => {
                    let base = naming::method_name(id);
                    let free = naming::first_free_snake(&base, |name| methods.contains(name));
                    if free != base {
                        notes.push(
                            Diagnostic::new(
                                file,
                                format!("the method `{base}` is another operation's: this one is `{free}`"),
                            )
                            .at(here.join(""))
                            .help(format!("name it in `methods` for [{}] in specs/providers.toml", settings.key)),
                        );
                    }
                    methods.insert(free.clone());
                    free
                }
            };
            let site = Site {
                path,
                method,
                item,
                operation,
                at: here,
            };
            let (mut model, report) = operation_model(file, api, &site, found);
            model.method = rust_method;
            operations.push(model);
            reports.extend(report);
        }
    }
    // What a mapping replaces must be another operation's mapping.
    for report in &reports {
        for replaced in report.replaces.iter() {
            if reports.iter().any(|other| other.operation == *replaced) {
                continue;
            }
            let mapped: Vec<String> = reports
                .iter()
                .filter(|other| other.operation != report.operation)
                .map(|other| format!("`{}`", other.operation))
                .collect();
            let at = ids
                .get(report.operation.as_ref())
                .cloned()
                .unwrap_or_default();
            found.push(
                Diagnostic::new(
                    file,
                    format!(
                        "`{replaced}` is not an operation with an `{}`",
                        report::EXTENSION
                    ),
                )
                .at(OperationAt::new(&at, &report.operation)
                    .join(&format!("/{}/replaces", report::EXTENSION)))
                .help(if mapped.is_empty() {
                    "name the operationId of another operation this spec maps; it maps no other"
                        .to_owned()
                } else {
                    format!("name the operationId of one of {}", mapped.join(", "))
                }),
            );
        }
    }
    (operations, reports)
}

/// Where an operation is in the document.
struct Site<'a> {
    path: &'a str,
    method: &'a str,
    item: &'a PathItem,
    operation: &'a Operation,
    at: OperationAt<'a>,
}

/// One operation, checked: its model, and its report mapping if it has one.
fn operation_model(
    file: &str,
    api: &OpenAPI,
    site: &Site<'_>,
    found: &mut Vec<Diagnostic>,
) -> (OperationModel, Option<ReportSpec>) {
    let (item, operation, here) = (site.item, site.operation, &site.at);
    websocket(file, operation, here, found);
    responses::check(file, api, operation, here, found);
    let pagination = match operation.extensions.contains_key(pagination::EXTENSION) {
        false => None,
        true => match pagination::pagination(api, operation) {
            Ok(pagination) => Some(pagination),
            Err(message) => {
                found.push(
                    Diagnostic::new(file, message)
                        .at(here.join(&format!("/{}", pagination::EXTENSION)))
                        .help(pagination::HELP),
                );
                None
            }
        },
    };
    let report = match report::report(api, here.id, operation) {
        Ok(mapping) => mapping,
        Err((suffix, message)) => {
            found.push(
                Diagnostic::new(file, message)
                    .at(here.join(&format!("/{}{suffix}", report::EXTENSION)))
                    .help(report::HELP),
            );
            None
        }
    };
    let (result, success_statuses) = responses::result(api, operation);
    let body_report = report.as_ref().is_some_and(|r| r.request.in_body);
    let model = OperationModel {
        method: naming::method_name(here.id),
        id: here.id.to_owned(),
        http_method: site.method.to_uppercase(),
        path: site.path.to_owned(),
        summary: operation.summary.clone(),
        description: operation.description.clone(),
        tags: operation.tags.clone(),
        features: Vec::new(),
        errors: responses::errors(api, operation),
        pagination,
        parameters: parameters(api, item, operation),
        body: body::body(api, operation),
        result,
        success_statuses,
        security: operation.security.as_ref().map(|requirements| {
            requirements
                .iter()
                .map(|requirement| requirement.keys().cloned().collect())
                .collect()
        }),
        body_report,
    };
    (model, report)
}

/// A WebSocket endpoint (Dropshot's extension, or a `101 Switching Protocols`
/// response): the client speaks HTTP request and response only.
fn websocket(file: &str, operation: &Operation, at: &OperationAt<'_>, found: &mut Vec<Diagnostic>) {
    let upgrade = operation.extensions.contains_key("x-dropshot-websocket")
        || operation
            .responses
            .responses
            .keys()
            .any(|status| *status == openapiv3::StatusCode::Code(101));
    if upgrade {
        found.push(
            Diagnostic::new(
                file,
                "a WebSocket endpoint: the generated client sends requests and reads responses, it does not hold a socket open",
            )
            .at(at.join(""))
            .help("leave it out (`exclude`, or `unsupported = \"skip\"`) and open the socket with a WebSocket client"),
        );
    }
}

/// The path item's parameters, each replaced by the operation's of the same name
/// and location, then the operation's others.
pub fn merged<'a>(
    api: &'a OpenAPI,
    path_item: &'a openapiv3::PathItem,
    operation: &'a Operation,
) -> Vec<&'a Parameter> {
    let key = |p: &Parameter| {
        let data = p.parameter_data_ref();
        (data.name.clone(), std::mem::discriminant(p))
    };
    let mut merged: Vec<&Parameter> = path_item
        .parameters
        .iter()
        .filter_map(|p| refs::parameter(api, p))
        .collect();
    for parameter in operation
        .parameters
        .iter()
        .filter_map(|p| refs::parameter(api, p))
    {
        match merged.iter().position(|p| key(p) == key(parameter)) {
            Some(index) => merged[index] = parameter,
            None => merged.push(parameter),
        }
    }
    merged
}

/// Names a builder has for itself: a parameter's setter never takes one.
const RESERVED_SETTERS: &[&str] = &[
    "body",
    "body_map",
    "collect_all",
    "json_pages",
    "new",
    "request",
    "send",
    "send_keeping_body",
    "send_with_response",
    "set_text",
    "stream",
];

/// A parameter's `style` and `explode`, defaults as OpenAPI gives them.
fn style(parameter: &Parameter) -> (ParameterStyle, bool) {
    let style = match parameter {
        Parameter::Query { style, .. } => match style {
            QueryStyle::Form => ParameterStyle::Form,
            QueryStyle::SpaceDelimited => ParameterStyle::SpaceDelimited,
            QueryStyle::PipeDelimited => ParameterStyle::PipeDelimited,
            QueryStyle::DeepObject => ParameterStyle::DeepObject,
        },
        Parameter::Path { style, .. } => match style {
            openapiv3::PathStyle::Simple => ParameterStyle::Simple,
            openapiv3::PathStyle::Label => ParameterStyle::Label,
            openapiv3::PathStyle::Matrix => ParameterStyle::Matrix,
        },
        Parameter::Header { .. } => ParameterStyle::Simple,
        Parameter::Cookie { .. } => ParameterStyle::Form,
    };
    let explode = parameter
        .parameter_data_ref()
        .explode
        .unwrap_or(style == ParameterStyle::Form);
    (style, explode)
}

fn parameters(
    api: &OpenAPI,
    path_item: &openapiv3::PathItem,
    operation: &Operation,
) -> Vec<ParameterModel> {
    let mut setters: BTreeSet<String> = RESERVED_SETTERS.iter().map(|s| (*s).to_owned()).collect();
    merged(api, path_item, operation)
        .into_iter()
        .map(|parameter| {
            let data = parameter.parameter_data_ref();
            let location = match parameter {
                Parameter::Query { .. } => ParameterLocation::Query,
                Parameter::Header { .. } => ParameterLocation::Header,
                Parameter::Path { .. } => ParameterLocation::Path,
                Parameter::Cookie { .. } => ParameterLocation::Cookie,
            };
            let schema = match &data.format {
                openapiv3::ParameterSchemaOrContent::Schema(schema) => {
                    refs::schema(api, schema).map(|(s, _)| s)
                }
                openapiv3::ParameterSchemaOrContent::Content(_) => None,
            };
            // Two parameters may give one setter (`id` in the path and the query,
            // `user_id` and `userId`): the later is told apart by its location.
            let base = naming::setter_name(&data.name);
            let setter = if setters.contains(&base) {
                let located = format!("{}_{}", base.trim_end_matches('_'), location.as_str());
                naming::first_free_snake(&located, |name| setters.contains(name))
            } else {
                base
            };
            setters.insert(setter.clone());
            ParameterModel {
                setter,
                name: data.name.clone(),
                location,
                required: data.required,
                description: data.description.clone(),
                schema: schema.map_or_else(|| "value".to_owned(), |s| describe_schema(api, s)),
                default: schema
                    .and_then(|s| s.schema_data.default.as_ref())
                    .map(|v| v.to_string()),
                allowed: schema.map(|s| enum_values(api, s)).unwrap_or_default(),
                list: schema
                    .is_some_and(|s| matches!(s.schema_kind, SchemaKind::Type(Type::Array(_)))),
                style: style(parameter).0,
                explode: style(parameter).1,
            }
        })
        .collect()
}

/// How deep a parameter's lists are described (a list may contain itself).
const LIST_DEPTH: usize = 4;

fn describe_schema(api: &OpenAPI, schema: &Schema) -> String {
    describe_at(api, schema, 0)
}

fn describe_at(api: &OpenAPI, schema: &Schema, depth: usize) -> String {
    let with_format = |name: &str, format: String| {
        if format.is_empty() {
            name.to_owned()
        } else {
            format!("{name} ({format})")
        }
    };
    fn format_of<F: serde::Serialize>(format: &openapiv3::VariantOrUnknownOrEmpty<F>) -> String {
        match format {
            openapiv3::VariantOrUnknownOrEmpty::Item(item) => serde_json::to_value(item)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default(),
            openapiv3::VariantOrUnknownOrEmpty::Unknown(name) => name.clone(),
            openapiv3::VariantOrUnknownOrEmpty::Empty => String::new(),
        }
    }
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => with_format("string", format_of(&s.format)),
        SchemaKind::Type(Type::Integer(i)) => with_format("integer", format_of(&i.format)),
        SchemaKind::Type(Type::Number(n)) => with_format("number", format_of(&n.format)),
        SchemaKind::Type(Type::Boolean(_)) => "boolean".to_owned(),
        SchemaKind::Type(Type::Array(array)) => {
            let items = array
                .items
                .as_ref()
                .filter(|_| depth < LIST_DEPTH)
                .map(|b| b.clone().unbox())
                .and_then(|item| {
                    refs::schema(api, &item).map(|(s, _)| describe_at(api, s, depth + 1))
                })
                .unwrap_or_else(|| "values".to_owned());
            format!("array of {items}")
        }
        _ => "object".to_owned(),
    }
}

fn enum_values(api: &OpenAPI, schema: &Schema) -> Vec<String> {
    enum_values_at(api, schema, 0)
}

fn enum_values_at(api: &OpenAPI, schema: &Schema, depth: usize) -> Vec<String> {
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => s.enumeration.iter().flatten().cloned().collect(),
        SchemaKind::Type(Type::Integer(i)) => {
            i.enumeration.iter().flatten().map(i64::to_string).collect()
        }
        SchemaKind::Type(Type::Array(array)) => array
            .items
            .as_ref()
            .filter(|_| depth < LIST_DEPTH)
            .map(|b| b.clone().unbox())
            .and_then(|item| {
                refs::schema(api, &item).map(|(s, _)| enum_values_at(api, s, depth + 1))
            })
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}
