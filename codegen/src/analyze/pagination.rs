//! `x-usagekit-pagination`: how an operation's pages follow each other, checked
//! against its parameters and its 2xx schema.

use openapiv3::{ObjectType, OpenAPI, Operation, Parameter, ReferenceOr, Schema, SchemaKind, Type};
use serde::Deserialize;

use super::model::{PageStyle, Pagination};
use crate::naming::{field_name, setter_name, type_name};
use crate::spec::{refs, status};

/// Operation extension declaring pagination.
pub const EXTENSION: &str = "x-usagekit-pagination";

/// What `help` says for any mistake in the extension.
pub const HELP: &str = "one of `{cursor-param: after, next-cursor: next_page, has-more: has_more, items: data}` (a cursor in the response), `{style: after-last-id, cursor-param: after, item-id: id, has-more: has_more, items: data}` or `{style: page-number, page-param: page, items: data}` (optionally `total-pages`, `first-page`), naming a query parameter and properties of the 2xx response; cursors are strings or integers (see ARCHITECTURE.md)";

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct Extension {
    #[serde(default)]
    style: StyleName,
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
enum StyleName {
    #[default]
    Cursor,
    AfterLastId,
    PageNumber,
}

impl Extension {
    fn needs(&self, key: &str, value: &Option<String>) -> Result<String, String> {
        value
            .clone()
            .ok_or_else(|| format!("style `{:?}` needs `{key}`", self.style).to_lowercase())
    }

    /// Keys of other styles must not be set.
    fn refuses(&self, keys: &[(&str, bool)]) -> Result<(), String> {
        match keys.iter().find(|(_, set)| *set) {
            Some((key, _)) => {
                Err(format!("`{key}` does not apply to style `{:?}`", self.style).to_lowercase())
            }
            None => Ok(()),
        }
    }
}

/// What a cursor can be: the runtime carries strings and integers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CursorKind {
    String,
    Integer,
}

fn cursor_kind(api: &OpenAPI, schema: &ReferenceOr<Schema>) -> Option<CursorKind> {
    let (schema, _) = refs::schema(api, schema)?;
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

/// The page's schema and its properties, as the extension reads them.
struct Page<'a> {
    api: &'a OpenAPI,
    object: &'a ObjectType,
}

impl<'a> Page<'a> {
    fn of(api: &'a OpenAPI, operation: &'a Operation) -> Result<Self, String> {
        let response = operation
            .responses
            .responses
            .iter()
            .find(|(status, _)| status::is_success(status))
            .and_then(|(_, r)| refs::response(api, r))
            .ok_or("the operation has no 2xx response")?;
        let schema = refs::json_media(response)
            .and_then(|m| m.schema.as_ref())
            .and_then(|s| refs::schema(api, s))
            .ok_or("the 2xx response has no JSON schema")?
            .0;
        let SchemaKind::Type(Type::Object(object)) = &schema.schema_kind else {
            return Err("the 2xx response schema is not an object".into());
        };
        Ok(Self { api, object })
    }

    fn property(&self, name: &str) -> Result<ReferenceOr<Schema>, String> {
        self.object
            .properties
            .get(name)
            .map(|p| p.clone().unbox())
            .ok_or_else(|| format!("the response has no property `{name}`"))
    }

    fn kind(&self, name: &str) -> Result<Option<CursorKind>, String> {
        Ok(cursor_kind(self.api, &self.property(name)?))
    }

    /// The `$ref` the `items` array holds, and its type name.
    fn items(&self, items: &str) -> Result<(ReferenceOr<Schema>, String), String> {
        let schema = match self.property(items)? {
            ReferenceOr::Item(item) => item,
            ReferenceOr::Reference { .. } => {
                return Err(format!("`{items}` must be an inline array of $refs"));
            }
        };
        let SchemaKind::Type(Type::Array(array)) = &schema.schema_kind else {
            return Err(format!("`{items}` is not an array"));
        };
        let item_ref = array.items.as_ref().map(|b| b.clone().unbox());
        let item_type = match &item_ref {
            Some(ReferenceOr::Reference { reference }) => {
                refs::schema_name(reference).map(type_name)
            }
            _ => None,
        };
        match (item_ref, item_type) {
            (Some(item_ref), Some(item_type)) => Ok((item_ref, item_type)),
            _ => Err(format!(
                "the items of `{items}` must be a $ref to a component schema"
            )),
        }
    }
}

/// The operation's pagination, or what is wrong with its extension.
pub fn pagination(api: &OpenAPI, operation: &Operation) -> Result<Pagination, String> {
    let value = operation
        .extensions
        .get(EXTENSION)
        .ok_or("no pagination extension")?;
    let ext: Extension =
        serde_json::from_value(value.clone()).map_err(|e| format!("malformed {EXTENSION}: {e}"))?;
    let param_name = match ext.style {
        StyleName::PageNumber => {
            ext.refuses(&[("cursor-param", ext.cursor_param.is_some())])?;
            ext.needs("page-param", &ext.page_param)?
        }
        _ => {
            ext.refuses(&[("page-param", ext.page_param.is_some())])?;
            ext.needs("cursor-param", &ext.cursor_param)?
        }
    };
    let param_kind = cursor_parameter(api, operation, &param_name)?;
    let page = Page::of(api, operation)?;
    let (item_ref, item_type) = page.items(&ext.items)?;
    if let Some(has_more) = &ext.has_more {
        page.property(has_more)?;
    }
    let style = style(&ext, &param_name, param_kind, &page, &item_ref)?;
    Ok(Pagination {
        cursor_setter: setter_name(&param_name),
        items_field: field_name(&ext.items),
        has_more_field: ext.has_more.as_deref().map(field_name),
        item_type,
        style,
    })
}

/// How the next page is asked for, checked against the cursor parameter's kind.
fn style(
    ext: &Extension,
    param_name: &str,
    param_kind: Option<CursorKind>,
    page: &Page<'_>,
    item_ref: &ReferenceOr<Schema>,
) -> Result<PageStyle, String> {
    let api = page.api;
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
    Ok(match ext.style {
        StyleName::Cursor => {
            ext.refuses(&[
                ("item-id", ext.item_id.is_some()),
                ("total-pages", ext.total_pages.is_some()),
                ("first-page", ext.first_page.is_some()),
            ])?;
            let next = ext.needs("next-cursor", &ext.next_cursor)?;
            same_kind(&format!("`{next}`"), page.kind(&next)?)?;
            PageStyle::Cursor {
                next_cursor_field: field_name(&next),
            }
        }
        StyleName::AfterLastId => {
            ext.refuses(&[
                ("next-cursor", ext.next_cursor.is_some()),
                ("total-pages", ext.total_pages.is_some()),
                ("first-page", ext.first_page.is_some()),
            ])?;
            let id = ext.needs("item-id", &ext.item_id)?;
            let id_kind = item_id_kind(api, item_ref, &id)
                .ok_or_else(|| format!("the items of `{}` have no property `{id}`", ext.items))?;
            same_kind(&format!("the items' `{id}`"), id_kind)?;
            PageStyle::AfterLastId {
                item_id_field: field_name(&id),
            }
        }
        StyleName::PageNumber => {
            ext.refuses(&[
                ("next-cursor", ext.next_cursor.is_some()),
                ("item-id", ext.item_id.is_some()),
            ])?;
            if param_kind != Some(CursorKind::Integer) {
                return Err(format!(
                    "the page parameter `{param_name}` must be an integer"
                ));
            }
            if let Some(total) = &ext.total_pages
                && page.kind(total)? != Some(CursorKind::Integer)
            {
                return Err(format!("`{total}` must be an integer"));
            }
            PageStyle::PageNumber {
                first: ext.first_page.unwrap_or(1),
                total_pages_field: ext.total_pages.as_deref().map(field_name),
            }
        }
    })
}

/// What the cursor or page parameter is: it must be a query parameter.
fn cursor_parameter(
    api: &OpenAPI,
    operation: &Operation,
    name: &str,
) -> Result<Option<CursorKind>, String> {
    let parameter = operation
        .parameters
        .iter()
        .filter_map(|p| refs::parameter(api, p))
        .find(|p| p.parameter_data_ref().name == name)
        .ok_or_else(|| format!("`{name}` is not a parameter of this operation"))?;
    let Parameter::Query { parameter_data, .. } = parameter else {
        return Err(format!("`{name}` must be a query parameter"));
    };
    Ok(match &parameter_data.format {
        openapiv3::ParameterSchemaOrContent::Schema(schema) => cursor_kind(api, schema),
        openapiv3::ParameterSchemaOrContent::Content(_) => None,
    })
}

/// The kind of the items' `id` property; `None` when the items have no such property.
fn item_id_kind(
    api: &OpenAPI,
    item_ref: &ReferenceOr<Schema>,
    id: &str,
) -> Option<Option<CursorKind>> {
    let (item, _) = refs::schema(api, item_ref)?;
    let SchemaKind::Type(Type::Object(item)) = &item.schema_kind else {
        return None;
    };
    let id_schema = item.properties.get(id)?;
    Some(cursor_kind(api, &id_schema.clone().unbox()))
}
