//! The only code that knows typify's shapes: its settings, the spec as it should
//! see it (`input`), the JSON Schema it reads (`schema`), the names it gives the
//! types of operations, and the counted edits of its output (`edits`).
//!
//! Component schemas become types under their names; an operation's inline
//! parameter, body and response schemas get `<Operation><Parameter>`,
//! `<Operation>Body` and `<Operation>Response`. Discriminated unions are
//! replaced by the ones `items` writes.

mod edits;
mod input;
mod schema;

use std::panic::{AssertUnwindSafe, catch_unwind};

use ::typify::{TypeDetails, TypeId, TypeSpace, TypeSpacePatch, TypeSpaceSettings};
use openapiv3::{OpenAPI, Operation, ParameterSchemaOrContent};

use crate::analyze::Model;
use crate::analyze::model::{BodyKind, OperationModel, ResultModel};
use crate::diagnostic::Diagnostic;
use crate::naming;
use crate::spec::refs;

pub use edits::type_idents;

/// The crate money decodes into: exact decimals, never `f64` (typify's
/// `x-rust-type`).
pub const DECIMAL_CRATE: (&str, &str, &str) = ("rust_decimal", "1.43.0", "rust_decimal::Decimal");

/// The `types` module's items and the Rust type of each operation's parts.
pub struct Types {
    pub items: Vec<syn::Item>,
    /// Parallel to the model's operations.
    pub operations: Vec<OperationTypes>,
}

/// An operation's parts as Rust types.
pub struct OperationTypes {
    /// Per parameter, in the model's order: the type its setter takes, and
    /// whether the schema is nullable (then the parameter is optional).
    pub parameters: Vec<(syn::Type, bool)>,
    pub body: Option<BodyType>,
    /// The body of a JSON success response.
    pub success: Option<syn::Type>,
}

/// A request body's type, and the builder typify gives it when it is a struct.
pub struct BodyType {
    pub ty: syn::Type,
    pub builder: Option<syn::Type>,
}

fn settings(model: &Model<'_>) -> TypeSpaceSettings {
    let mut settings = TypeSpaceSettings::default();
    settings
        .with_type_mod("types")
        .with_struct_builder(true)
        .with_derive("PartialEq".to_owned());
    let (krate, version, _) = DECIMAL_CRATE;
    if let Some(version) = ::typify::CrateVers::parse(version) {
        settings.with_crate(krate, version, None);
    }
    for (name, new) in &model.renamed_types {
        settings.with_patch(name, TypeSpacePatch::default().with_rename(new));
    }
    for union in &model.unions {
        // The union is emitted into `types` from `items`; typify only refers to it.
        settings.with_replacement(
            &union.type_name,
            format!("crate::types::{}", union.type_name),
            std::iter::empty(),
        );
    }
    settings
}

/// Every type of the spec, for the model's operations.
pub fn generate(file: &str, api: &OpenAPI, model: &Model<'_>) -> Result<Types, Diagnostic> {
    let (input, renamed) = input::typify_input(api);
    let generated = catch_unwind(AssertUnwindSafe(|| {
        let mut space = TypeSpace::new(&settings(model));
        let components = input.components.iter().flat_map(|components| {
            components
                .schemas
                .iter()
                .map(|(name, schema)| (name.clone(), schema::convert(schema)))
        });
        space.add_ref_types(components)?;
        let ids = model
            .operations
            .iter()
            .map(|operation| operation_ids(&mut space, &input, operation))
            .collect::<Result<Vec<_>, ::typify::Error>>()?;
        Ok::<_, ::typify::Error>((space, ids))
    }));
    let (space, ids) = match generated {
        Ok(Ok(generated)) => generated,
        Ok(Err(e)) => {
            return Err(Diagnostic::new(
                file,
                format!("typify cannot make types of this spec: {e}"),
            ));
        }
        Err(panic) => {
            let reason = panic
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| panic.downcast_ref::<&str>().copied())
                .unwrap_or("(no message)");
            return Err(Diagnostic::new(
                file,
                format!(
                    "typify panicked while making the {} types: {reason}",
                    model.settings.name
                ),
            )
            .help("simplify the schema it names, and report it so the generator can handle it"));
        }
    };
    let operations = ids
        .iter()
        .map(|ids| operation_types(&space, ids))
        .collect::<Result<Vec<_>, String>>()
        .map_err(|e| Diagnostic::new(file, e))?;
    let mut items = syn::parse2::<syn::File>(space.to_stream())
        .map_err(|e| {
            Diagnostic::new(
                file,
                format!("typify produced code that does not parse: {e}"),
            )
        })?
        .items;
    let roots = roots(model, &operations);
    edits::apply(&mut items, &renamed, &roots).map_err(|e| {
        Diagnostic::new(file, e)
            .help("typify's output changed shape: see \"Bumping typify\" in ARCHITECTURE.md")
    })?;
    Ok(Types { items, operations })
}

/// The type ids of one operation's parts.
struct OperationIds {
    parameters: Vec<TypeId>,
    body: Option<TypeId>,
    success: Option<TypeId>,
}

/// The input spec's operation the model's operation was read from.
fn find<'a>(
    api: &'a OpenAPI,
    operation: &OperationModel,
) -> Option<(&'a openapiv3::PathItem, &'a Operation)> {
    let item = api.paths.paths.get(&operation.path)?.as_item()?;
    let found = item
        .iter()
        .find(|(method, _)| method.eq_ignore_ascii_case(&operation.http_method))?
        .1;
    Some((item, found))
}

fn operation_ids(
    space: &mut TypeSpace,
    api: &OpenAPI,
    operation: &OperationModel,
) -> Result<OperationIds, ::typify::Error> {
    let name = |part: &str| naming::operation_type_name(&operation.method, part);
    let mut ids = OperationIds {
        parameters: Vec::new(),
        body: None,
        success: None,
    };
    let Some((item, found)) = find(api, operation) else {
        return Ok(ids);
    };
    for parameter in crate::analyze::merged_parameters(api, item, found) {
        let data = parameter.parameter_data_ref();
        let schema = match &data.format {
            ParameterSchemaOrContent::Schema(schema) => schema::convert(schema),
            ParameterSchemaOrContent::Content(content) => content
                .values()
                .next()
                .and_then(|media| media.schema.as_ref())
                .map_or(schemars::schema::Schema::Bool(true), schema::convert),
        };
        ids.parameters
            .push(space.add_type_with_name(&schema, Some(name(&data.name)))?);
    }
    if let Some(body) = &operation.body
        && let Some(schema) = found
            .request_body
            .as_ref()
            .and_then(|b| refs::request_body(api, b))
            .and_then(|b| b.content.get(&body.content_type))
            .and_then(|media| media.schema.as_ref())
        && matches!(
            body.kind,
            BodyKind::Json | BodyKind::Form(_) | BodyKind::Multipart(_)
        )
    {
        ids.body = Some(space.add_type_with_name(&schema::convert(schema), Some(name("body")))?);
    }
    if let ResultModel::Json { content_type } = &operation.result
        && let Some(schema) = found
            .responses
            .responses
            .iter()
            .find(|(status, _)| crate::spec::status::is_success(status))
            .and_then(|(_, response)| refs::response(api, response))
            .and_then(|response| response.content.get(content_type))
            .and_then(|media| media.schema.as_ref())
    {
        ids.success =
            Some(space.add_type_with_name(&schema::convert(schema), Some(name("response")))?);
    }
    Ok(ids)
}

fn rust_type(tokens: proc_macro2::TokenStream) -> Result<syn::Type, String> {
    syn::parse2(tokens).map_err(|e| format!("typify named a type that does not parse: {e}"))
}

fn operation_types(space: &TypeSpace, ids: &OperationIds) -> Result<OperationTypes, String> {
    let get = |id: &TypeId| {
        space
            .get_type(id)
            .map_err(|e| format!("typify lost a type it made: {e}"))
    };
    let mut parameters = Vec::new();
    for id in &ids.parameters {
        // A nullable parameter is an optional one: its setter takes the inner type.
        let ty = get(id)?;
        let inner = match ty.details() {
            TypeDetails::Option(inner) => Some(inner),
            _ => None,
        };
        let nullable = inner.is_some();
        let ty = match inner {
            Some(inner) => get(&inner)?,
            None => ty,
        };
        parameters.push((rust_type(ty.ident())?, nullable));
    }
    let body = match &ids.body {
        Some(id) => {
            let ty = get(id)?;
            Some(BodyType {
                ty: rust_type(ty.ident())?,
                builder: ty.builder().map(rust_type).transpose()?,
            })
        }
        None => None,
    };
    let success = match &ids.success {
        Some(id) => Some(rust_type(get(id)?.ident())?),
        None => None,
    };
    Ok(OperationTypes {
        parameters,
        body,
        success,
    })
}

/// The types users receive and send, by name, for `edits`.
fn roots(model: &Model<'_>, operations: &[OperationTypes]) -> edits::Roots {
    let mut roots = edits::Roots {
        response: Default::default(),
        request: Default::default(),
    };
    for (operation, types) in model.operations.iter().zip(operations) {
        if let Some(success) = &types.success {
            roots.response.extend(type_idents(success));
        }
        if let Some(successes) = operation.successes() {
            roots
                .response
                .extend(successes.variants.iter().filter_map(|v| v.body.clone()));
        }
        if let Some(errors) = &operation.errors {
            roots
                .response
                .extend(errors.body_types().into_iter().map(str::to_owned));
        }
        for (parameter, _) in &types.parameters {
            roots.request.extend(type_idents(parameter));
        }
        if let Some(body) = &types.body {
            roots.request.extend(type_idents(&body.ty));
            if let Some(builder) = &body.builder {
                roots.request.extend(type_idents(builder));
            }
        }
    }
    for union in &model.unions {
        roots
            .response
            .extend(union.variants.iter().map(|v| v.type_name.clone()));
    }
    roots
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The names `edits` rely on are in typify's raw output; a typify bump that
    /// renames one fails here, naming it.
    #[test]
    fn typify_surface() {
        let text = include_str!("../../tests/fixtures/ok_enum_values.yaml");
        let spec = crate::spec::load("ok_enum_values.yaml", text).unwrap();
        let mut settings = TypeSpaceSettings::default();
        settings.with_type_mod("types").with_struct_builder(true);
        let mut space = TypeSpace::new(&settings);
        let components = spec.api.components.iter().flat_map(|c| {
            c.schemas
                .iter()
                .map(|(name, schema)| (name.clone(), schema::convert(schema)))
        });
        space.add_ref_types(components).unwrap();
        let code = space.to_stream().to_string();
        for name in edits::TYPIFY_NAMES {
            assert!(
                code.contains(name),
                "typify no longer emits `{name}`: update typify/edits"
            );
        }
    }
}
