//! The Rust names the model settles on once the checks pass: component types
//! renamed away from the crate root's names, and the result and error enums
//! named after their methods.

use openapiv3::OpenAPI;

use super::model::{Model, ResultModel};
use crate::naming;

/// The names typify gives components' inline property schemas,
/// `<Component><Property>` (Stripe's `File` has `FileObject` for its `object`).
fn inline_type_names(api: &OpenAPI) -> std::collections::BTreeSet<String> {
    use openapiv3::{ReferenceOr, SchemaKind, Type};
    let mut names = std::collections::BTreeSet::new();
    for (name, schema) in api.components.iter().flat_map(|c| &c.schemas) {
        let ReferenceOr::Item(schema) = schema else {
            continue;
        };
        let parts = match &schema.schema_kind {
            SchemaKind::AllOf { all_of } => all_of.iter().collect(),
            _ => vec![],
        };
        let objects = std::iter::once(schema).chain(parts.into_iter().filter_map(|p| p.as_item()));
        for object in objects {
            let properties = match &object.schema_kind {
                SchemaKind::Type(Type::Object(object)) => &object.properties,
                SchemaKind::Any(any) => &any.properties,
                _ => continue,
            };
            for property in properties.keys() {
                names.insert(format!(
                    "{}{}",
                    naming::type_name(name),
                    naming::type_name(property)
                ));
            }
        }
    }
    names
}

pub fn settle(api: &OpenAPI, model: &mut Model<'_>) {
    let schema_names = api
        .components
        .iter()
        .flat_map(|c| c.schemas.keys().map(String::as_str));
    let taken: Vec<String> = schema_names.clone().map(naming::type_name).collect();
    model.renamed_types = naming::root_name_renames(schema_names, &inline_type_names(api));
    let renamed = &model.renamed_types;
    let rename = |name: &mut String| {
        if let Some(new) = renamed.get(name.as_str()) {
            name.clone_from(new);
        }
    };
    // The first of `<Method><suffix>` no component type has.
    let after_method = |method: &str, suffixes: &[&str], last: &str| {
        let base = naming::type_name(method);
        suffixes
            .iter()
            .map(|suffix| format!("{base}{suffix}"))
            .find(|name| !taken.contains(name))
            .unwrap_or_else(|| format!("{base}{last}"))
    };
    for operation in &mut model.operations {
        if let Some(errors) = &mut operation.errors {
            rename(&mut errors.type_name);
            for body in &mut errors.bodies {
                rename(&mut body.type_name);
            }
            // The error enum is named after the method users call.
            if errors.enum_name.is_some() {
                let name = after_method(
                    &operation.method,
                    &["Error", "ErrorBody", "ErrorResponses"],
                    "Errors",
                );
                errors.type_name.clone_from(&name);
                errors.enum_name = Some(name);
            }
        }
        if let Some(pagination) = &mut operation.pagination {
            rename(&mut pagination.item_type);
        }
        if let ResultModel::ByStatus(successes) = &mut operation.result {
            for variant in &mut successes.variants {
                if let Some(body) = &mut variant.body {
                    rename(body);
                }
            }
            successes.enum_name = after_method(
                &operation.method,
                &["Response", "Result", "Responses"],
                "Outcome",
            );
        }
    }
    for union in &mut model.unions {
        rename(&mut union.type_name);
        for variant in &mut union.variants {
            rename(&mut variant.type_name);
        }
    }
}
