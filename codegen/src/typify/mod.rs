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

use std::collections::BTreeSet;
use std::panic::{AssertUnwindSafe, catch_unwind};

use ::typify::{TypeDetails, TypeId, TypeSpace, TypeSpacePatch, TypeSpaceSettings};
use openapiv3::{OpenAPI, Operation, ParameterSchemaOrContent};

use crate::analyze::Model;
use crate::analyze::model::{BodyKind, OperationModel, ResultModel};
use crate::diagnostic::Diagnostic;
use crate::naming;
use crate::spec::refs;

pub use edits::{Graph, type_idents};

/// The crate money decodes into: exact decimals, never `f64` (typify's
/// `x-rust-type`).
pub const DECIMAL_CRATE: (&str, &str, &str) = ("rust_decimal", "1.43.0", "rust_decimal::Decimal");

/// The `types` module's items and the Rust type of each operation's parts.
pub struct Types {
    pub items: Vec<syn::Item>,
    /// Parallel to the model's operations.
    pub operations: Vec<OperationTypes>,
    /// Schemas typify could not type, kept as JSON values.
    pub notes: Vec<Diagnostic>,
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
    // `format: binary` is a file's bytes (a multipart part, an upload), with
    // its name and content type: the runtime's `File`, never a `String`.
    settings.with_conversion(
        schemars::schema::SchemaObject {
            instance_type: Some(schemars::schema::InstanceType::String.into()),
            format: Some("binary".to_owned()),
            ..Default::default()
        },
        "usagekit_runtime::File",
        std::iter::empty(),
    );
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

/// A schema typify can be spared: a component, or an operation's inline schemas.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Unit {
    Component(String),
    Operation(usize),
}

/// What typify made of the spec with the `spared` units as JSON values.
struct Attempt {
    space: TypeSpace,
    ids: Vec<OperationIds>,
    items: Vec<syn::Item>,
}

/// typify's own words when it fails: its error, or its panic's message.
fn attempt(input: &OpenAPI, model: &Model<'_>, spared: &BTreeSet<Unit>) -> Result<Attempt, String> {
    quiet_panics();
    QUIET.set(true);
    let run = catch_unwind(AssertUnwindSafe(|| {
        let mut space = TypeSpace::new(&settings(model));
        let any = schemars::schema::Schema::Bool(true);
        let components = input.components.iter().flat_map(|components| {
            components.schemas.iter().map(|(name, schema)| {
                let spared = spared.contains(&Unit::Component(name.clone()));
                (
                    name.clone(),
                    if spared {
                        any.clone()
                    } else {
                        schema::convert(schema)
                    },
                )
            })
        });
        space.add_ref_types(components)?;
        let ids = model
            .operations
            .iter()
            .enumerate()
            .map(|(index, operation)| {
                let spare = spared.contains(&Unit::Operation(index));
                operation_ids(&mut space, input, operation, spare)
            })
            .collect::<Result<Vec<_>, ::typify::Error>>()?;
        let tokens = space.to_stream();
        Ok::<_, ::typify::Error>((space, ids, tokens))
    }));
    QUIET.set(false);
    match run {
        Ok(Ok((space, ids, tokens))) => {
            let items = syn::parse2::<syn::File>(tokens)
                .map_err(|e| format!("typify produced code that does not parse: {e}"))?
                .items;
            if let Some(twice) = defined_twice(&items) {
                return Err(format!("{TWICE}{twice}`"));
            }
            Ok(Attempt { space, ids, items })
        }
        Ok(Err(e)) => Err(e.to_string()),
        Err(panic) => Err(panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
            .unwrap_or_else(|| "(no message)".to_owned())),
    }
}

thread_local! {
    /// Set while this thread runs typify, whose panics are caught and noted.
    static QUIET: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Installs, once, a panic hook that stays silent for typify's panics (caught
/// and reported as notes, not crashes) and hands every other to the hook before.
fn quiet_panics() {
    static INSTALLED: std::sync::Once = std::sync::Once::new();
    INSTALLED.call_once(|| {
        let before = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !QUIET.get() {
                before(info);
            }
        }));
    });
}

const TWICE: &str = "typify gave two types the name `";

/// A type name typify defined more than once (two schemas it named alike).
fn defined_twice(items: &[syn::Item]) -> Option<String> {
    let mut seen = BTreeSet::new();
    items
        .iter()
        .filter_map(|item| match item {
            syn::Item::Struct(s) => Some(s.ident.to_string()),
            syn::Item::Enum(e) => Some(e.ident.to_string()),
            syn::Item::Type(t) => Some(t.ident.to_string()),
            _ => None,
        })
        .find(|name| !seen.insert(name.clone()))
}

/// Every run of typify on one spec, at most: each failing schema costs a
/// binary search over the others.
const MAX_ATTEMPTS: usize = 400;

/// typify on the spec; a schema it fails on is found (by halving the candidates)
/// and spared, typed as a JSON value, and noted, until it succeeds. (One loop
/// over shared state: the attempts budget, the spared set and the first failure.)
fn isolate(
    file: &str,
    input: &OpenAPI,
    model: &Model<'_>,
    notes: &mut Vec<Diagnostic>,
) -> Result<Attempt, Diagnostic> {
    let mut units: Vec<Unit> = input
        .components
        .iter()
        .flat_map(|c| c.schemas.keys().map(|name| Unit::Component(name.clone())))
        .collect();
    units.extend((0..model.operations.len()).map(Unit::Operation));
    // typify recurses without end on these (a stack overflow, no panic to catch).
    let mut spared = BTreeSet::new();
    for name in self_containing(input) {
        notes.push(
            Diagnostic::new(
                file,
                format!("the schema `{name}` contains itself through allOf/anyOf/oneOf with no property or list in between (a value of infinite size): it is a JSON value (`serde_json::Value`)"),
            )
            .at(format!("#/components/schemas/{}", crate::diagnostic::pointer_token(&name)))
            .help("put the reference inside a property, a list or a map, or remove it"),
        );
        spared.insert(Unit::Component(name));
    }
    let mut attempts = 0;
    let mut first_failure = None;
    loop {
        attempts += 1;
        let failure = match attempt(input, model, &spared) {
            Ok(done) => return Ok(done),
            Err(failure) => failure,
        };
        let first = first_failure.get_or_insert_with(|| failure.clone()).clone();
        let refusal = || {
            Diagnostic::new(
                file,
                format!("typify cannot make the types of this spec: {first}"),
            )
            .help("report it with the spec, so the generator can handle it")
        };
        let mut candidates: Vec<&Unit> = units.iter().filter(|u| !spared.contains(*u)).collect();
        // A name given twice most likely comes from the schema of that name, or
        // one whose name begins it: those are tried first.
        if let Some(twice) = failure
            .strip_prefix(TWICE)
            .and_then(|rest| rest.split('`').next())
        {
            candidates.sort_by_key(|unit| match unit {
                Unit::Component(name) if naming::type_name(name) == twice => 0,
                Unit::Component(name) if twice.starts_with(&naming::type_name(name)) => 1,
                _ => 2,
            });
        }
        let with = |count: usize| -> BTreeSet<Unit> {
            spared
                .iter()
                .cloned()
                .chain(candidates[..count].iter().map(|u| (*u).clone()))
                .collect()
        };
        // Sparing every candidate must work, or no one schema is to blame.
        attempts += 1;
        if candidates.is_empty() || attempt(input, model, &with(candidates.len())).is_err() {
            return Err(refusal());
        }
        let (mut failing, mut working) = (0, candidates.len());
        while working - failing > 1 {
            if attempts >= MAX_ATTEMPTS {
                return Err(refusal());
            }
            attempts += 1;
            let middle = (failing + working) / 2;
            if attempt(input, model, &with(middle)).is_ok() {
                working = middle;
            } else {
                failing = middle;
            }
        }
        let culprit = candidates[working - 1].clone();
        notes.push(spared_note(file, model, &culprit, &failure));
        spared.insert(culprit);
    }
}

/// Components that reach themselves through composition alone (`A = allOf [A,
/// …]`, directly or through others), where no property, list or map stands
/// between a value and itself.
fn self_containing(input: &OpenAPI) -> Vec<String> {
    fn direct(value: &serde_json::Value, out: &mut BTreeSet<String>) {
        let Some(map) = value.as_object() else { return };
        if let Some(name) = map
            .get("$ref")
            .and_then(|r| r.as_str())
            .and_then(refs::schema_name)
        {
            out.insert(name.to_owned());
        }
        for key in ["allOf", "anyOf", "oneOf"] {
            for part in map
                .get(key)
                .and_then(|v| v.as_array())
                .into_iter()
                .flatten()
            {
                direct(part, out);
            }
        }
        if let Some(not) = map.get("not") {
            direct(not, out);
        }
    }
    let Some(components) = &input.components else {
        return Vec::new();
    };
    let edges: std::collections::BTreeMap<&str, BTreeSet<String>> = components
        .schemas
        .iter()
        .map(|(name, schema)| {
            let mut out = BTreeSet::new();
            direct(&serde_json::to_value(schema).unwrap_or_default(), &mut out);
            (name.as_str(), out)
        })
        .collect();
    edges
        .keys()
        .filter(|start| {
            let mut seen = BTreeSet::new();
            let mut stack: Vec<&str> = edges[*start].iter().map(String::as_str).collect();
            while let Some(next) = stack.pop() {
                if next == **start {
                    return true;
                }
                if seen.insert(next) {
                    stack.extend(edges.get(next).into_iter().flatten().map(String::as_str));
                }
            }
            false
        })
        .map(|name| (*name).to_owned())
        .collect()
}

fn spared_note(file: &str, model: &Model<'_>, unit: &Unit, failure: &str) -> Diagnostic {
    let first_line = failure.lines().next().unwrap_or_default();
    match unit {
        Unit::Component(name) => Diagnostic::new(
            file,
            format!("typify cannot type the schema `{name}` ({first_line}): it is a JSON value (`serde_json::Value`)"),
        )
        .at(format!("#/components/schemas/{}", crate::diagnostic::pointer_token(name))),
        Unit::Operation(index) => {
            let operation = &model.operations[*index];
            Diagnostic::new(
                file,
                format!("typify cannot type an inline schema of `{}` ({first_line}): its parameters, body and response are JSON values", operation.id),
            )
            .at(crate::diagnostic::Location::in_operation(
                format!("#/paths/{}/{}", crate::diagnostic::pointer_token(&operation.path), operation.http_method.to_ascii_lowercase()),
                &operation.id,
            ))
        }
    }
}

/// Every type of the spec, for the model's operations, and what could not be typed.
pub fn generate(file: &str, api: &OpenAPI, model: &Model<'_>) -> Result<Types, Diagnostic> {
    let input::TypifyInput {
        api: input,
        renamed,
        decimals,
        nullable,
    } = input::typify_input(api);
    let mut notes = Vec::new();
    let Attempt {
        space,
        ids,
        mut items,
    } = isolate(file, &input, model, &mut notes)?;
    let operations = ids
        .iter()
        .map(|ids| operation_types(&space, ids))
        .collect::<Result<Vec<_>, String>>()
        .map_err(|e| Diagnostic::new(file, e))?;
    let roots = roots(model, &operations);
    // Decimals typify must have typed (none of them spared as JSON values).
    let decimals = decimals > 0 && notes.is_empty();
    edits::apply(&mut items, &renamed, &roots, decimals, nullable).map_err(|e| {
        Diagnostic::new(file, e)
            .help("typify's output changed shape: see \"Bumping typify\" in ARCHITECTURE.md")
    })?;
    Ok(Types {
        items,
        operations,
        notes,
    })
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
    spare: bool,
) -> Result<OperationIds, ::typify::Error> {
    let name = |part: &str| naming::operation_type_name(&operation.method, part);
    // A spared operation's inline schemas are all JSON values.
    let convert = |schema: &openapiv3::ReferenceOr<openapiv3::Schema>| {
        if spare {
            schemars::schema::Schema::Bool(true)
        } else {
            schema::convert(schema)
        }
    };
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
            ParameterSchemaOrContent::Schema(schema) => convert(schema),
            ParameterSchemaOrContent::Content(content) => content
                .values()
                .next()
                .and_then(|media| media.schema.as_ref())
                .map_or(schemars::schema::Schema::Bool(true), convert),
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
        ids.body = Some(space.add_type_with_name(&convert(schema), Some(name("body")))?);
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
        ids.success = Some(space.add_type_with_name(&convert(schema), Some(name("response")))?);
    }
    Ok(ids)
}

fn rust_type(tokens: proc_macro2::TokenStream) -> Result<syn::Type, String> {
    let mut ty =
        syn::parse2(tokens).map_err(|e| format!("typify named a type that does not parse: {e}"))?;
    edits::decimals::unmark(&mut ty);
    Ok(ty)
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
        let (response, request) = operation_roots(operation, types);
        roots.response.extend(response);
        roots.request.extend(request);
    }
    for union in &model.unions {
        roots
            .response
            .extend(union.variants.iter().map(|v| v.type_name.clone()));
    }
    roots
}

/// The type names one operation receives and sends (and other identifiers in
/// their paths, like `Vec`).
pub fn operation_roots(
    operation: &OperationModel,
    types: &OperationTypes,
) -> (BTreeSet<String>, BTreeSet<String>) {
    let mut response = BTreeSet::new();
    let mut request = BTreeSet::new();
    if let Some(success) = &types.success {
        response.extend(type_idents(success));
    }
    if let Some(successes) = operation.successes() {
        response.extend(successes.variants.iter().filter_map(|v| v.body.clone()));
    }
    if let Some(errors) = &operation.errors {
        response.extend(errors.body_types().into_iter().map(str::to_owned));
    }
    for (parameter, _) in &types.parameters {
        request.extend(type_idents(parameter));
    }
    if let Some(body) = &types.body {
        request.extend(type_idents(&body.ty));
        if let Some(builder) = &body.builder {
            request.extend(type_idents(builder));
        }
    }
    (response, request)
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
