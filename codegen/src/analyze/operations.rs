//! Each operation: its name, parameters, responses and extensions, checked and
//! modelled in one go.

use std::collections::BTreeMap;

use openapiv3::{
    OpenAPI, Operation, Parameter, ParameterSchemaOrContent, PathItem, QueryStyle, ReferenceOr,
    Schema, SchemaKind, Type,
};

use usagekit_report::ReportSpec;

use super::model::{OperationModel, ParameterLocation, ParameterModel, ParameterStyle};
use super::{OperationAt, body, pagination, report, responses};
use crate::diagnostic::{Diagnostic, pointer_token};
use crate::naming;
use crate::spec::refs;

/// Every operation of the document in document order (progenitor's order), and
/// the report mappings among them.
pub fn analyze(
    file: &str,
    api: &OpenAPI,
    found: &mut Vec<Diagnostic>,
) -> (Vec<OperationModel>, Vec<ReportSpec>) {
    let mut operations = Vec::new();
    let mut reports = Vec::new();
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
            let site = Site {
                path,
                method,
                item,
                operation,
                at: here,
            };
            let (model, report) = operation_model(file, api, &site, found);
            operations.push(model);
            reports.extend(report);
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
    check_parameters(file, merged(api, item, operation), here, found);
    responses::check(file, api, operation, here, found);
    if let Some(security) = &operation.security
        && Some(security) != api.security.as_ref()
    {
        found.push(
            Diagnostic::new(file, "per-operation security differs from the document's")
                .at(here.join("/security"))
                .help("the client sends the document-level `security` with every call; remove the override or make it equal"),
        );
    }
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
    let model = OperationModel {
        method: naming::method_name(here.id),
        id: here.id.to_owned(),
        http_method: site.method.to_uppercase(),
        path: site.path.to_owned(),
        summary: operation.summary.clone(),
        description: operation.description.clone(),
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
    };
    (model, report)
}

fn check_parameters(
    file: &str,
    parameters: Vec<&Parameter>,
    at: &OperationAt<'_>,
    found: &mut Vec<Diagnostic>,
) {
    let mut setters: BTreeMap<String, String> = BTreeMap::new();
    for parameter in parameters {
        let data = parameter.parameter_data_ref();
        let place = at.join("").parameter(&data.name);
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
            ParameterModel {
                setter: naming::setter_name(&data.name),
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

fn describe_schema(api: &OpenAPI, schema: &Schema) -> String {
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
                .map(|b| b.clone().unbox())
                .and_then(|item| refs::schema(api, &item).map(|(s, _)| describe_schema(api, s)))
                .unwrap_or_else(|| "values".to_owned());
            format!("array of {items}")
        }
        _ => "object".to_owned(),
    }
}

fn enum_values(api: &OpenAPI, schema: &Schema) -> Vec<String> {
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => s.enumeration.iter().flatten().cloned().collect(),
        SchemaKind::Type(Type::Integer(i)) => {
            i.enumeration.iter().flatten().map(i64::to_string).collect()
        }
        SchemaKind::Type(Type::Array(array)) => array
            .items
            .as_ref()
            .map(|b| b.clone().unbox())
            .and_then(|item| refs::schema(api, &item).map(|(s, _)| enum_values(api, s)))
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}
