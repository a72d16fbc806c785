//! What the generator reads from a linted spec, beyond what progenitor reads:
//! errors, pagination, discriminated unions, security. Also shared by the lints.

use openapiv3::{
    MediaType, OpenAPI, Operation, Parameter, ReferenceOr, Response, Schema, SchemaKind,
    SecurityScheme, Type,
};
use serde::Deserialize;

use crate::naming::{field_name, method_name, setter_name, type_name};
use crate::status;

/// Operation extension declaring cursor pagination.
pub const PAGINATION_EXTENSION: &str = "x-usagekit-pagination";
/// Schema extension: JSON pointers to the provider's message inside an error body.
pub const ERROR_MESSAGE_EXTENSION: &str = "x-usagekit-error-message";

pub fn resolve_parameter<'a>(
    api: &'a OpenAPI,
    parameter: &'a ReferenceOr<Parameter>,
) -> Option<&'a Parameter> {
    match parameter {
        ReferenceOr::Item(item) => Some(item),
        ReferenceOr::Reference { reference } => {
            let name = reference.strip_prefix("#/components/parameters/")?;
            match api.components.as_ref()?.parameters.get(name)? {
                ReferenceOr::Item(item) => Some(item),
                ReferenceOr::Reference { .. } => None,
            }
        }
    }
}

pub fn resolve_response<'a>(
    api: &'a OpenAPI,
    response: &'a ReferenceOr<Response>,
) -> Option<&'a Response> {
    match response {
        ReferenceOr::Item(item) => Some(item),
        ReferenceOr::Reference { reference } => {
            let name = reference.strip_prefix("#/components/responses/")?;
            match api.components.as_ref()?.responses.get(name)? {
                ReferenceOr::Item(item) => Some(item),
                ReferenceOr::Reference { .. } => None,
            }
        }
    }
}

pub fn resolve_schema<'a>(
    api: &'a OpenAPI,
    schema: &'a ReferenceOr<Schema>,
) -> Option<(&'a Schema, Option<&'a str>)> {
    match schema {
        ReferenceOr::Item(item) => Some((item, None)),
        ReferenceOr::Reference { reference } => {
            let name = schema_ref_name(reference)?;
            match api.components.as_ref()?.schemas.get(name)? {
                ReferenceOr::Item(item) => Some((item, Some(name))),
                ReferenceOr::Reference { .. } => None,
            }
        }
    }
}

fn schema_ref_name(reference: &str) -> Option<&str> {
    reference.strip_prefix("#/components/schemas/")
}

/// The JSON media type of a response, as progenitor picks it.
pub fn json_media(response: &Response) -> Option<&MediaType> {
    response
        .content
        .iter()
        .find(|(name, _)| *name == "application/json" || name.starts_with("application/json;"))
        .map(|(_, media)| media)
}

/// A comparable rendering of a response's JSON schema.
pub fn json_schema_key(response: &Response) -> Option<String> {
    let schema = json_media(response)?.schema.as_ref()?;
    serde_json::to_string(schema).ok()
}

/// An operation's documented error responses, as the client decodes them.
#[derive(Debug, Clone)]
pub struct ErrorModel {
    /// Which statuses carry which body: `(low, high)` ranges (`(422, 422)`, `(400, 499)`),
    /// `None` for `default` (any other error status). Exact codes come first.
    pub bodies: Vec<(Option<(u16, u16)>, String)>,
    /// The `E` of `Error<E>`: the one body type, or `enum_name` when they differ.
    pub type_name: String,
    /// When statuses carry different bodies: the generated enum's name; its variants
    /// are named after the body types.
    pub enum_name: Option<String>,
    /// Where the provider's message is, across every body type.
    pub message_pointers: Vec<String>,
}

impl ErrorModel {
    /// The distinct body types, in order of first use.
    pub fn body_types(&self) -> Vec<&str> {
        let mut types: Vec<&str> = Vec::new();
        for (_, ty) in &self.bodies {
            if !types.contains(&ty.as_str()) {
                types.push(ty);
            }
        }
        types
    }
}

pub fn errors(api: &OpenAPI, operation: &Operation) -> Option<ErrorModel> {
    let schema_of = |response: &ReferenceOr<Response>| -> Option<String> {
        let Some(ReferenceOr::Reference { reference }) = resolve_response(api, response)
            .and_then(json_media)
            .and_then(|m| m.schema.as_ref())
        else {
            return None;
        };
        schema_ref_name(reference).map(str::to_owned)
    };
    let mut bodies: Vec<(Option<(u16, u16)>, String)> = Vec::new();
    for (status, response) in &operation.responses.responses {
        if status::is_error(status)
            && let Some(schema) = schema_of(response)
        {
            bodies.push((Some(status::range(status)), schema));
        }
    }
    // A code inside a range wins over the range: exact codes first.
    bodies.sort_by_key(|(range, _)| range.map(|(low, high)| (high - low, low)));
    if let Some(schema) = operation.responses.default.as_ref().and_then(schema_of) {
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
            .and_then(|c| c.schemas.get(schema_name))
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
    let bodies: Vec<(Option<(u16, u16)>, String)> = bodies
        .into_iter()
        .map(|(range, schema)| (range, type_name(&schema)))
        .collect();
    let distinct = {
        let mut names: Vec<&String> = bodies.iter().map(|(_, t)| t).collect();
        names.sort();
        names.dedup();
        names.len()
    };
    // Named after the method in `Context`, which knows the settings' renames.
    let enum_name = (distinct > 1).then(|| "Error".to_owned());
    Some(ErrorModel {
        type_name: enum_name.clone().unwrap_or_else(|| bodies[0].1.clone()),
        enum_name,
        bodies,
        message_pointers,
    })
}

/// An operation whose success statuses carry different bodies (GitHub's 201 with a
/// body beside a bodiless 204): its result is an enum decoded by status.
#[derive(Debug, Clone)]
pub struct SuccessModel {
    /// Named after the method in `Context`.
    pub enum_name: String,
    /// In status order: the statuses, the variant, and its body's type (`None`: no
    /// JSON body).
    pub variants: Vec<((u16, u16), String, Option<String>)>,
}

/// The variant a success status gets: its reason phrase.
fn success_variant(status: &str) -> String {
    match status {
        "200" => "Ok".to_owned(),
        "201" => "Created".to_owned(),
        "202" => "Accepted".to_owned(),
        "203" => "NonAuthoritativeInformation".to_owned(),
        "204" => "NoContent".to_owned(),
        "205" => "ResetContent".to_owned(),
        "206" => "PartialContent".to_owned(),
        "207" => "MultiStatus".to_owned(),
        "208" => "AlreadyReported".to_owned(),
        "226" => "ImUsed".to_owned(),
        other if other.eq_ignore_ascii_case("2xx") => "Success".to_owned(),
        other => format!("Status{other}"),
    }
}

/// `Some` when the success statuses carry more than one kind of body (a missing
/// body counts as a kind). Inline schemas are named by `load` beforehand.
pub fn successes(api: &OpenAPI, operation: &Operation) -> Option<SuccessModel> {
    let mut variants = Vec::new();
    let mut kinds = std::collections::BTreeSet::new();
    for (status, response) in &operation.responses.responses {
        if !status::is_success(status) {
            continue;
        }
        let response = resolve_response(api, response)?;
        kinds.insert(json_schema_key(response));
        let body = match json_media(response).and_then(|m| m.schema.as_ref()) {
            Some(ReferenceOr::Reference { reference }) => {
                Some(type_name(schema_ref_name(reference)?))
            }
            Some(ReferenceOr::Item(_)) => return None,
            None => None,
        };
        variants.push((
            status::range(status),
            success_variant(&status.to_string()),
            body,
        ));
    }
    if kinds.len() < 2 {
        return None;
    }
    // An exact code before a range that holds it.
    variants.sort_by_key(|((low, high), _, _)| (high - low, *low));
    Some(SuccessModel {
        enum_name: "Response".to_owned(),
        variants,
    })
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct PaginationExtension {
    #[serde(default)]
    style: PageStyleName,
    #[serde(default)]
    cursor_param: Option<String>,
    #[serde(default)]
    page_param: Option<String>,
    #[serde(default)]
    next_cursor: Option<String>,
    #[serde(default)]
    item_id: Option<String>,
    #[serde(default)]
    first_page: Option<u64>,
    #[serde(default)]
    total_pages: Option<String>,
    #[serde(default)]
    has_more: Option<String>,
    items: String,
}

#[derive(Debug, Clone, Copy, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
enum PageStyleName {
    #[default]
    Cursor,
    AfterLastId,
    PageNumber,
}

/// How the next page is asked for.
#[derive(Debug, Clone)]
pub enum PageStyle {
    /// The response carries the next page's cursor (`next_page`).
    Cursor { next_cursor_field: String },
    /// The next page starts after the last item's id (`after` + `has_more`).
    AfterLastId { item_id_field: String },
    /// Pages are numbered from `first`; the stream stops on an empty page, at
    /// `total_pages`, or when `has_more` says so.
    PageNumber {
        first: u64,
        total_pages_field: Option<String>,
    },
}

/// Pagination, resolved to Rust names.
#[derive(Debug, Clone)]
pub struct Pagination {
    /// The builder setter of the cursor or page-number parameter.
    pub cursor_setter: String,
    pub items_field: String,
    pub has_more_field: Option<String>,
    pub item_type: String,
    pub style: PageStyle,
}

/// What a cursor can be: the runtime carries strings and integers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CursorKind {
    String,
    Integer,
}

fn cursor_kind(api: &OpenAPI, schema: &ReferenceOr<Schema>) -> Option<CursorKind> {
    let (schema, _) = resolve_schema(api, schema)?;
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(_)) => Some(CursorKind::String),
        SchemaKind::Type(Type::Integer(_)) => Some(CursorKind::Integer),
        SchemaKind::AllOf { all_of } if all_of.len() == 1 => cursor_kind(api, &all_of[0]),
        _ => None,
    }
}

fn describe(kind: Option<CursorKind>) -> &'static str {
    match kind {
        Some(CursorKind::String) => "a string",
        Some(CursorKind::Integer) => "an integer",
        None => "neither a string nor an integer",
    }
}

pub fn pagination(api: &OpenAPI, operation: &Operation) -> Result<Pagination, String> {
    let Some(value) = operation.extensions.get(PAGINATION_EXTENSION) else {
        return Err("no pagination extension".into());
    };
    let ext: PaginationExtension = serde_json::from_value(value.clone())
        .map_err(|e| format!("malformed {PAGINATION_EXTENSION}: {e}"))?;
    let needs = |key: &str, value: &Option<String>| {
        value
            .clone()
            .ok_or_else(|| format!("style `{:?}` needs `{key}`", ext.style).to_lowercase())
    };
    let refuses = |key: &str, set: bool| {
        if set {
            Err(format!("`{key}` does not apply to style `{:?}`", ext.style).to_lowercase())
        } else {
            Ok(())
        }
    };
    let param_name = match ext.style {
        PageStyleName::PageNumber => {
            refuses("cursor-param", ext.cursor_param.is_some())?;
            needs("page-param", &ext.page_param)?
        }
        _ => {
            refuses("page-param", ext.page_param.is_some())?;
            needs("cursor-param", &ext.cursor_param)?
        }
    };

    let parameter = operation
        .parameters
        .iter()
        .filter_map(|p| resolve_parameter(api, p))
        .find(|p| p.parameter_data_ref().name == param_name)
        .ok_or_else(|| format!("`{param_name}` is not a parameter of this operation"))?;
    let Parameter::Query { parameter_data, .. } = parameter else {
        return Err(format!("`{param_name}` must be a query parameter"));
    };
    let param_kind = match &parameter_data.format {
        openapiv3::ParameterSchemaOrContent::Schema(schema) => cursor_kind(api, schema),
        openapiv3::ParameterSchemaOrContent::Content(_) => None,
    };

    let response = operation
        .responses
        .responses
        .iter()
        .find(|(status, _)| status::is_success(status))
        .and_then(|(_, r)| resolve_response(api, r))
        .ok_or("the operation has no 2xx response")?;
    let schema = json_media(response)
        .and_then(|m| m.schema.as_ref())
        .and_then(|s| resolve_schema(api, s))
        .ok_or("the 2xx response has no JSON schema")?
        .0;
    let SchemaKind::Type(Type::Object(object)) = &schema.schema_kind else {
        return Err("the 2xx response schema is not an object".into());
    };
    let property = |name: &str| {
        object
            .properties
            .get(name)
            .ok_or_else(|| format!("the response has no property `{name}`"))
    };
    let items = match property(&ext.items)? {
        ReferenceOr::Item(item) => item.as_ref(),
        ReferenceOr::Reference { .. } => {
            return Err(format!("`{}` must be an inline array of $refs", ext.items));
        }
    };
    let SchemaKind::Type(Type::Array(array)) = &items.schema_kind else {
        return Err(format!("`{}` is not an array", ext.items));
    };
    let item_ref = array.items.as_ref().map(|b| b.clone().unbox());
    let item_type = match &item_ref {
        Some(ReferenceOr::Reference { reference }) => schema_ref_name(reference).map(type_name),
        _ => None,
    }
    .ok_or_else(|| {
        format!(
            "the items of `{}` must be a $ref to a component schema",
            ext.items
        )
    })?;
    if let Some(has_more) = &ext.has_more {
        property(has_more)?;
    }

    let same_kind = |what: &str, kind: Option<CursorKind>| {
        if param_kind.is_none() || kind != param_kind {
            Err(format!(
                "the cursor parameter `{param_name}` is {} and {what} is {}: a cursor must be a string or an integer, the same in both",
                describe(param_kind),
                describe(kind)
            ))
        } else {
            Ok(())
        }
    };
    let style = match ext.style {
        PageStyleName::Cursor => {
            refuses("item-id", ext.item_id.is_some())?;
            refuses("total-pages", ext.total_pages.is_some())?;
            refuses("first-page", ext.first_page.is_some())?;
            let next = needs("next-cursor", &ext.next_cursor)?;
            let kind = cursor_kind(api, &property(&next)?.clone().unbox());
            same_kind(&format!("`{next}`"), kind)?;
            PageStyle::Cursor {
                next_cursor_field: field_name(&next),
            }
        }
        PageStyleName::AfterLastId => {
            refuses("next-cursor", ext.next_cursor.is_some())?;
            refuses("total-pages", ext.total_pages.is_some())?;
            refuses("first-page", ext.first_page.is_some())?;
            let id = needs("item-id", &ext.item_id)?;
            let item_schema = item_ref
                .as_ref()
                .and_then(|r| resolve_schema(api, r))
                .map(|(s, _)| s);
            let id_schema = match item_schema.map(|s| &s.schema_kind) {
                Some(SchemaKind::Type(Type::Object(item))) => item.properties.get(&id),
                _ => None,
            }
            .ok_or_else(|| format!("the items of `{}` have no property `{id}`", ext.items))?;
            same_kind(
                &format!("the items' `{id}`"),
                cursor_kind(api, &id_schema.clone().unbox()),
            )?;
            PageStyle::AfterLastId {
                item_id_field: field_name(&id),
            }
        }
        PageStyleName::PageNumber => {
            refuses("next-cursor", ext.next_cursor.is_some())?;
            refuses("item-id", ext.item_id.is_some())?;
            if param_kind != Some(CursorKind::Integer) {
                return Err(format!(
                    "the page parameter `{param_name}` must be an integer"
                ));
            }
            if let Some(total) = &ext.total_pages
                && cursor_kind(api, &property(total)?.clone().unbox()) != Some(CursorKind::Integer)
            {
                return Err(format!("`{total}` must be an integer"));
            }
            PageStyle::PageNumber {
                first: ext.first_page.unwrap_or(1),
                total_pages_field: ext.total_pages.as_deref().map(field_name),
            }
        }
    };
    Ok(Pagination {
        cursor_setter: setter_name(&param_name),
        items_field: field_name(&ext.items),
        has_more_field: ext.has_more.as_deref().map(field_name),
        item_type,
        style,
    })
}

/// A discriminated union, generated by UsageKit rather than typify.
#[derive(Debug, Clone)]
pub struct Union {
    pub type_name: String,
    pub description: Option<String>,
    pub property: String,
    /// (tag value, variant type name, variant description)
    pub variants: Vec<(String, String, Option<String>)>,
}

pub fn union(api: &OpenAPI, name: &str, schema: &Schema) -> Result<Union, String> {
    let discriminator = schema
        .schema_data
        .discriminator
        .as_ref()
        .ok_or("no discriminator")?;
    let SchemaKind::OneOf { one_of } = &schema.schema_kind else {
        return Err("a discriminator needs `oneOf`".into());
    };
    let property = &discriminator.property_name;
    let mut variants = Vec::new();
    for variant in one_of {
        let ReferenceOr::Reference { reference } = variant else {
            return Err("every `oneOf` entry of a discriminated union must be a $ref".into());
        };
        let variant_name = schema_ref_name(reference)
            .ok_or_else(|| format!("`{reference}` is not a component schema"))?;
        let (variant_schema, _) = resolve_schema(api, variant)
            .ok_or_else(|| format!("`{reference}` does not resolve"))?;
        let mapped = discriminator
            .mapping
            .iter()
            .find(|(_, target)| *target == reference)
            .map(|(tag, _)| tag.clone());
        let tag = match mapped {
            Some(tag) => tag,
            None => single_enum_value(variant_schema, property).ok_or_else(|| {
                format!(
                    "`{variant_name}` has no single-value `{property}` enum and no mapping entry"
                )
            })?,
        };
        let SchemaKind::Type(Type::Object(object)) = &variant_schema.schema_kind else {
            return Err(format!("`{variant_name}` is not an object schema"));
        };
        if !object.required.contains(property) {
            return Err(format!(
                "`{variant_name}` must list `{property}` as required"
            ));
        }
        variants.push((
            tag,
            type_name(variant_name),
            variant_schema.schema_data.description.clone(),
        ));
    }
    let mut tags: Vec<&String> = variants.iter().map(|(tag, _, _)| tag).collect();
    tags.sort();
    tags.dedup();
    if tags.len() != variants.len() {
        return Err("two variants share a discriminator value".into());
    }
    Ok(Union {
        type_name: type_name(name),
        description: schema.schema_data.description.clone(),
        property: property.clone(),
        variants,
    })
}

fn single_enum_value(schema: &Schema, property: &str) -> Option<String> {
    let SchemaKind::Type(Type::Object(object)) = &schema.schema_kind else {
        return None;
    };
    let ReferenceOr::Item(property) = object.properties.get(property)? else {
        return None;
    };
    let SchemaKind::Type(Type::String(string)) = &property.schema_kind else {
        return None;
    };
    match string.enumeration.as_slice() {
        [Some(value)] => Some(value.clone()),
        _ => None,
    }
}

pub fn unions(api: &OpenAPI) -> Vec<Union> {
    let Some(components) = &api.components else {
        return Vec::new();
    };
    components
        .schemas
        .iter()
        .filter_map(|(name, schema)| {
            let schema = schema.as_item()?;
            schema.schema_data.discriminator.as_ref()?;
            union(api, name, schema).ok()
        })
        .collect()
}

/// A credential the client must send, from the document-level security requirement.
#[derive(Debug, Clone)]
pub struct Credential {
    pub scheme: String,
    pub description: Option<String>,
    /// `None` for bearer; the header name for `apiKey` schemes.
    pub header: Option<String>,
}

pub fn credentials(api: &OpenAPI) -> Vec<Credential> {
    let schemes = api.components.as_ref().map(|c| &c.security_schemes);
    api.security
        .iter()
        .flatten()
        .take(1)
        .flat_map(|requirement| requirement.keys())
        .filter_map(|name| {
            let scheme = schemes?.get(name)?.as_item()?;
            Some(match scheme {
                SecurityScheme::HTTP { description, .. } => Credential {
                    scheme: name.clone(),
                    description: description.clone(),
                    header: None,
                },
                SecurityScheme::APIKey {
                    name: header,
                    description,
                    ..
                } => Credential {
                    scheme: name.clone(),
                    description: description.clone(),
                    header: Some(header.to_ascii_lowercase()),
                },
                _ => return None,
            })
        })
        .collect()
}

/// One operation, in document order (progenitor's order).
#[derive(Debug, Clone)]
pub struct OperationModel {
    pub id: String,
    pub method: String,
    pub http_method: String,
    pub path: String,
    pub summary: Option<String>,
    pub errors: Option<ErrorModel>,
    pub pagination: Option<Pagination>,
    /// Path-item parameters first, then the operation's (progenitor's setters).
    pub parameters: Vec<ParameterModel>,
    pub takes_body: bool,
    /// Success statuses with different bodies: the result enum.
    pub successes: Option<SuccessModel>,
}

/// A parameter as its builder setter documents it.
#[derive(Debug, Clone)]
pub struct ParameterModel {
    /// The setter progenitor generates (`bucket_width`).
    pub setter: String,
    /// The name on the wire (`bucket_width`, `X-Trace`).
    pub name: String,
    /// `path`, `query` or `header`.
    pub location: &'static str,
    pub required: bool,
    pub description: Option<String>,
    /// The spec's type in words: `integer`, `string (date-time)`, `array of string`.
    pub schema: String,
    /// The spec's `default`, as JSON.
    pub default: Option<String>,
    /// The spec's `enum` values, as JSON scalars without quotes.
    pub allowed: Vec<String>,
    /// An array: repeated keys in a query, comma-joined in a header (OpenAPI's `simple` style).
    pub list: bool,
}

fn parameters(
    api: &OpenAPI,
    path_item: &openapiv3::PathItem,
    operation: &Operation,
) -> Vec<ParameterModel> {
    path_item
        .parameters
        .iter()
        .chain(&operation.parameters)
        .filter_map(|p| resolve_parameter(api, p))
        .map(|parameter| {
            let data = parameter.parameter_data_ref();
            let location = match parameter {
                Parameter::Query { .. } => "query",
                Parameter::Header { .. } => "header",
                Parameter::Path { .. } => "path",
                Parameter::Cookie { .. } => "cookie",
            };
            let schema = match &data.format {
                openapiv3::ParameterSchemaOrContent::Schema(schema) => {
                    resolve_schema(api, schema).map(|(s, _)| s)
                }
                openapiv3::ParameterSchemaOrContent::Content(_) => None,
            };
            ParameterModel {
                setter: setter_name(&data.name),
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
                .and_then(|item| resolve_schema(api, &item).map(|(s, _)| describe_schema(api, s)))
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
            .and_then(|item| resolve_schema(api, &item).map(|(s, _)| enum_values(api, s)))
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}

impl ParameterModel {
    /// Required by the spec yet with a `default`: optional on the builder, and the
    /// client sends the default when it is not set.
    pub fn sends_default(&self) -> bool {
        self.required && self.default.is_some() && self.location != "path"
    }
}

pub fn operations(api: &OpenAPI) -> Vec<OperationModel> {
    api.paths
        .iter()
        .filter_map(|(path, item)| Some((path, item.as_item()?)))
        .flat_map(|(path, item)| {
            item.iter().map(move |(http_method, operation)| {
                let id = operation.operation_id.clone().unwrap_or_default();
                OperationModel {
                    method: method_name(&id),
                    id,
                    http_method: http_method.to_uppercase(),
                    path: path.clone(),
                    summary: operation.summary.clone(),
                    errors: errors(api, operation),
                    pagination: operation
                        .extensions
                        .contains_key(PAGINATION_EXTENSION)
                        .then(|| pagination(api, operation).ok())
                        .flatten(),
                    parameters: parameters(api, item, operation),
                    takes_body: operation.request_body.is_some(),
                    successes: successes(api, operation),
                }
            })
        })
        .collect()
}
