//! The spec as typify should see it: properties and types whose Rust names
//! collide get names typify can tell apart (`edits` restore the wire names), an
//! enum whose values would share a variant is a plain string, money is an exact
//! decimal.

use openapiv3::{OpenAPI, Parameter, ReferenceOr, Schema, SchemaKind, Type};

use crate::naming;

/// A property typify sees under another name, because its Rust field name
/// collides with another property's (`userId` beside `user_id`).
pub struct RenamedProperty {
    /// The key typify sees: the wire name and a `~n` suffix, which typify turns
    /// into the field `…_n` with this key as its serde rename.
    pub seen_as: String,
    pub wire_name: String,
}

/// The spec as typify should see it.
pub struct TypifyInput {
    pub api: OpenAPI,
    /// The properties renamed apart.
    pub renamed: Vec<RenamedProperty>,
    /// How many schemas are marked as decimals.
    pub decimals: usize,
    /// How many optional properties that may be `null` are marked.
    pub nullable: usize,
}

/// The spec as typify should see it, and what was changed for it.
pub fn typify_input(api: &OpenAPI) -> TypifyInput {
    let mut input = api.clone();
    drop_colliding_titles(&mut input);
    hoist_colliding_properties(&mut input);
    split_nullable_unions(&mut input);
    let mut renamed = Vec::new();
    let mut decimals = 0;
    for_each_schema(&mut input, &mut |schema| {
        tell_colliding_properties_apart(schema, &mut renamed);
        plain_string_when_variants_collide(schema);
        decimals += usize::from(decimal_as_rust_decimal(schema));
    });
    // After the renames: a mark follows a `~n`, which keeps the property's name.
    let nullable = mark_optional_nullable(&mut input);
    TypifyInput {
        api: input,
        renamed,
        decimals,
        nullable,
    }
}

/// typify names enum variants after their values and panics when two values give
/// one name (`1m` and `1M`, `reactions-+1` and `reactions--1`). Such an enum is a
/// plain string: every value still goes over the wire as written.
fn plain_string_when_variants_collide(schema: &mut Schema) {
    let SchemaKind::Type(Type::String(string)) = &mut schema.schema_kind else {
        return;
    };
    let values: Vec<&str> = string
        .enumeration
        .iter()
        .flatten()
        .map(String::as_str)
        .collect();
    if naming::variant_names(&values).is_err() {
        string.enumeration.clear();
    }
}

/// The crate money decodes into: exact decimals, never `f64` (typify's
/// `x-rust-type`; `generate` allows the crate).
pub const DECIMAL_CRATE: (&str, &str, &str) = ("rust_decimal", "1.43.0", "rust_decimal::Decimal");

/// The marker of a decimal the spec writes as a JSON number (`edits::decimals`
/// replaces it).
pub const DECIMAL_NUMBER: &str = "rust_decimal::DecimalNumber";
/// The marker of a decimal the spec writes as a string.
pub const DECIMAL_STRING: &str = "rust_decimal::DecimalString";

/// `format: decimal`, on a string (`"123.45"`) or a number (`0.06`), decodes into
/// `rust_decimal::Decimal`: exact, and summable without float error. Whether it did.
fn decimal_as_rust_decimal(schema: &mut Schema) -> bool {
    fn decimal<F>(format: &openapiv3::VariantOrUnknownOrEmpty<F>) -> bool {
        matches!(format, openapiv3::VariantOrUnknownOrEmpty::Unknown(f) if f == "decimal")
    }
    let is_decimal = match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => decimal(&s.format),
        SchemaKind::Type(Type::Number(n)) => decimal(&n.format),
        _ => false,
    };
    if is_decimal {
        // A marker `edits::decimals` replaces, keeping the wire's shape.
        let (krate, version, _) = DECIMAL_CRATE;
        let path = match &schema.schema_kind {
            SchemaKind::Type(Type::Number(_)) => DECIMAL_NUMBER,
            _ => DECIMAL_STRING,
        };
        schema.schema_data.extensions.insert(
            "x-rust-type".into(),
            serde_json::json!({"crate": krate, "version": version, "path": path}),
        );
    }
    is_decimal
}

/// The suffixes `input` gives the key of an optional property that may be `null`:
/// typify's field and type names ignore them (they sanitise to nothing), and
/// `edits::nullable` finds the field by its serde rename, takes the suffix off and
/// keeps absent and `null` apart. `WRAP`: a schema typify types `Option<T>`
/// (`T` cannot hold `null`); `PRESENT`: one whose type holds `null` itself (a
/// nullable component's newtype, any JSON value).
pub const NULLABLE_WRAP: &str = "~?";
pub const NULLABLE_PRESENT: &str = "~*";

/// Set on what typify merges while marking: a property renamed in one merged part
/// (or named in another's `required`) would be two fields of one name.
const MERGED: &str = "x-usagekit-merged";

/// Marks the optional properties that may be `null` (or hold any JSON value),
/// except in schemas typify merges (`allOf` parts and what sits beside them,
/// components such a part names), where they stay `Option<T>`. How many it marked.
fn mark_optional_nullable(api: &mut OpenAPI) -> usize {
    let Some(components) = &api.components else {
        return 0;
    };
    let nullable_components: std::collections::BTreeSet<String> = components
        .schemas
        .iter()
        .filter(|(_, schema)| schema.as_item().is_some_and(|s| s.schema_data.nullable))
        .map(|(name, _)| name.clone())
        .collect();
    // typify merges whole subtrees (GitHub's `properties` beside `anyOf`, PagerDuty's
    // one property inline in two `allOf` parts): nothing in them is marked, nor in
    // the components they name, nor in those those name.
    let mut merged = std::collections::BTreeSet::new();
    for_each_schema(api, &mut |schema| {
        if merges(schema) {
            refs_in(
                &serde_json::to_value(&*schema).unwrap_or_default(),
                &mut merged,
            );
        }
    });
    if let Some(components) = &api.components {
        let mut pending: Vec<String> = merged.iter().cloned().collect();
        while let Some(name) = pending.pop() {
            let mut found = std::collections::BTreeSet::new();
            if let Some(schema) = components.schemas.get(&name) {
                refs_in(
                    &serde_json::to_value(schema).unwrap_or_default(),
                    &mut found,
                );
            }
            pending.extend(found.into_iter().filter(|name| merged.insert(name.clone())));
        }
    }
    if let Some(components) = &mut api.components {
        for (name, schema) in components.schemas.iter_mut() {
            if let (true, ReferenceOr::Item(schema)) = (merged.contains(name), schema) {
                tag(schema);
            }
        }
    }
    let mut marked = 0;
    for_each_schema(api, &mut |schema| {
        // The walk visits a schema before its children: a tag goes down the subtree.
        let tagged = schema.schema_data.extensions.shift_remove(MERGED).is_some();
        if tagged || merges(schema) {
            children(schema).into_iter().for_each(tag);
            return;
        }
        let (properties, required) = match &mut schema.schema_kind {
            SchemaKind::Type(Type::Object(object)) => (&mut object.properties, &object.required),
            SchemaKind::Any(any) => (&mut any.properties, &any.required),
            _ => return,
        };
        let keys: Vec<(String, &str)> = properties
            .iter()
            .filter(|(key, _)| !required.contains(key))
            .filter_map(|(key, property)| {
                let mark = match property {
                    ReferenceOr::Reference { reference } => {
                        crate::spec::refs::schema_name(reference)
                            .filter(|name| nullable_components.contains(*name))
                            .map(|_| NULLABLE_PRESENT)
                    }
                    ReferenceOr::Item(schema) => match &schema.schema_kind {
                        SchemaKind::Any(any) if *any == openapiv3::AnySchema::default() => {
                            Some(NULLABLE_PRESENT)
                        }
                        _ => schema.schema_data.nullable.then_some(NULLABLE_WRAP),
                    },
                };
                mark.map(|mark| (key.clone(), mark))
            })
            .collect();
        for (key, mark) in keys {
            if let Some(index) = properties.get_index_of(&key) {
                let (_, property) = properties
                    .shift_remove_index(index)
                    .unwrap_or_else(|| unreachable!("index from get_index_of"));
                properties.shift_insert(index, format!("{key}{mark}"), property);
                marked += 1;
            }
        }
    });
    marked
}

/// Whether typify merges this schema's parts (and their subtrees) into one type:
/// `allOf`, or `oneOf`/`anyOf` beside properties or required names of its own
/// (GitHub's `{properties, anyOf: [{required: [content]}, …]}`).
fn merges(schema: &Schema) -> bool {
    match &schema.schema_kind {
        SchemaKind::AllOf { .. } => true,
        SchemaKind::Any(any) => {
            let own = !any.properties.is_empty() || !any.required.is_empty();
            !any.all_of.is_empty() || (own && !(any.one_of.is_empty() && any.any_of.is_empty()))
        }
        _ => false,
    }
}

fn tag(schema: &mut Schema) {
    schema
        .schema_data
        .extensions
        .insert(MERGED.into(), true.into());
}

/// The component names every `$ref` in `value` points at.
fn refs_in(value: &serde_json::Value, out: &mut std::collections::BTreeSet<String>) {
    match value {
        serde_json::Value::Object(map) => {
            if let Some(name) = map
                .get("$ref")
                .and_then(serde_json::Value::as_str)
                .and_then(crate::spec::refs::schema_name)
            {
                out.insert(name.to_owned());
            }
            map.values().for_each(|value| refs_in(value, out));
        }
        serde_json::Value::Array(items) => items.iter().for_each(|value| refs_in(value, out)),
        _ => {}
    }
}

/// A schema's inline subschemas, one level down.
fn children(schema: &mut Schema) -> Vec<&mut Schema> {
    fn item(schema: &mut ReferenceOr<Schema>) -> Option<&mut Schema> {
        match schema {
            ReferenceOr::Item(schema) => Some(schema),
            ReferenceOr::Reference { .. } => None,
        }
    }
    fn boxed(schema: &mut ReferenceOr<Box<Schema>>) -> Option<&mut Schema> {
        match schema {
            ReferenceOr::Item(schema) => Some(schema),
            ReferenceOr::Reference { .. } => None,
        }
    }
    let mut out = Vec::new();
    match &mut schema.schema_kind {
        SchemaKind::Type(Type::Object(object)) => {
            out.extend(object.properties.values_mut().filter_map(boxed));
            if let Some(openapiv3::AdditionalProperties::Schema(extra)) =
                &mut object.additional_properties
            {
                out.extend(item(extra));
            }
        }
        SchemaKind::Type(Type::Array(array)) => out.extend(array.items.as_mut().and_then(boxed)),
        SchemaKind::OneOf { one_of: all }
        | SchemaKind::AllOf { all_of: all }
        | SchemaKind::AnyOf { any_of: all } => out.extend(all.iter_mut().filter_map(item)),
        SchemaKind::Not { not } => out.extend(item(not)),
        SchemaKind::Any(any) => {
            out.extend(any.properties.values_mut().filter_map(boxed));
            out.extend(any.items.as_mut().and_then(boxed));
            for list in [&mut any.one_of, &mut any.all_of, &mut any.any_of] {
                out.extend(list.iter_mut().filter_map(item));
            }
            out.extend(any.not.as_mut().and_then(|not| item(not)));
        }
        _ => {}
    }
    out
}

/// Renames, in an object schema, each property whose Rust field name an earlier
/// property already has, to `<wire name>~2`, `~3`, …
fn tell_colliding_properties_apart(schema: &mut Schema, renamed: &mut Vec<RenamedProperty>) {
    let SchemaKind::Type(Type::Object(object)) = &mut schema.schema_kind else {
        return;
    };
    // The property already spelled like its field (`user_id`) keeps the plain
    // name; the others, in document order, get `_2`, `_3`, …
    let mut keepers = std::collections::BTreeMap::new();
    for key in object.properties.keys() {
        let field = naming::field_name(key);
        let keeper = keepers.entry(field.clone()).or_insert_with(|| key.clone());
        if *key == field {
            keeper.clone_from(key);
        }
    }
    let mut fields: std::collections::BTreeSet<String> = keepers.keys().cloned().collect();
    let mut renames = Vec::new();
    for key in object.properties.keys() {
        if keepers.get(&naming::field_name(key)) != Some(key) {
            let seen_as = (2..)
                .map(|n| format!("{key}~{n}"))
                .find(|candidate| fields.insert(naming::field_name(candidate)))
                .unwrap_or_else(|| unreachable!("the suffixes are endless"));
            renames.push((key.clone(), seen_as));
        }
    }
    for (key, seen_as) in renames {
        // Same position, new key: field order stays the spec's.
        if let Some(index) = object.properties.get_index_of(&key) {
            let (_, property) = object
                .properties
                .shift_remove_index(index)
                .unwrap_or_else(|| unreachable!("index from get_index_of"));
            object
                .properties
                .shift_insert(index, seen_as.clone(), property);
        }
        for name in object.required.iter_mut().filter(|name| **name == key) {
            name.clone_from(&seen_as);
        }
        renamed.push(RenamedProperty {
            seen_as,
            wire_name: key,
        });
    }
}

/// typify names an inline schema after its `title`, and the inner type of a nullable
/// component too: GitHub's `auto-merge` (titled "Auto merge", nullable) became
/// `struct AutoMerge(Option<AutoMerge>)`, and two inline schemas titled "Repository"
/// one type defined twice. A title whose type name is a component's or another
/// inline schema's, or that would name a nullable component's inner type, is only
/// documentation here: it goes, and typify names the type from where it stands
/// (`PullRequestAutoMerge`, `AutoMergeInner`).
fn drop_colliding_titles(api: &mut OpenAPI) {
    let Some(components) = &mut api.components else {
        return;
    };
    let component_names = component_type_names(components);
    // Components are named after their keys; set their titles aside meanwhile.
    let mut kept = Vec::new();
    for (name, schema) in components.schemas.iter_mut() {
        if let ReferenceOr::Item(schema) = schema {
            let title = schema.schema_data.title.take();
            if !schema.schema_data.nullable {
                kept.push((name.clone(), title));
            }
        }
    }
    let mut counts: std::collections::BTreeMap<String, usize> = std::collections::BTreeMap::new();
    for_each_schema(api, &mut |schema| {
        if let Some(title) = &schema.schema_data.title {
            *counts.entry(naming::type_name(title)).or_default() += 1;
        }
    });
    for_each_schema(api, &mut |schema| {
        let collides = schema.schema_data.title.as_deref().is_some_and(|title| {
            let name = naming::type_name(title);
            component_names.contains(&name) || counts.get(&name).is_some_and(|n| *n > 1)
        });
        if collides {
            schema.schema_data.title = None;
        }
    });
    if let Some(components) = &mut api.components {
        for (name, title) in kept {
            if let Some(ReferenceOr::Item(schema)) = components.schemas.get_mut(&name) {
                schema.schema_data.title = title;
            }
        }
    }
}

/// The type names typify gives the component schemas.
fn component_type_names(components: &openapiv3::Components) -> std::collections::BTreeSet<String> {
    components
        .schemas
        .keys()
        .map(|name| naming::type_name(name))
        .collect()
}

/// Whether typify makes a named type of this schema (not a scalar, list or map).
fn makes_a_type(schema: &Schema) -> bool {
    match &schema.schema_kind {
        // A constrained string is a newtype that checks it.
        SchemaKind::Type(Type::String(string)) => {
            !string.enumeration.is_empty()
                || string.min_length.is_some()
                || string.max_length.is_some()
                || string.pattern.is_some()
        }
        SchemaKind::Type(Type::Object(object)) => !object.properties.is_empty(),
        SchemaKind::Type(_) => false,
        SchemaKind::AllOf { all_of } => all_of.len() > 1 || schema.schema_data.nullable,
        _ => true,
    }
}

/// typify names an inline property schema `<Component><Property>`, which may be a
/// component's name too (GitHub's `code-scanning-variant-analysis.status` beside
/// `code-scanning-variant-analysis-status`): one type defined twice. Such a schema
/// becomes a component of its own, under the next free name (`…Status2`).
fn hoist_colliding_properties(api: &mut OpenAPI) {
    let Some(components) = &mut api.components else {
        return;
    };
    let mut taken = component_type_names(components);
    let mut pending: Vec<String> = components.schemas.keys().rev().cloned().collect();
    while let Some(component) = pending.pop() {
        let mut hoisted = Vec::new();
        let Some(ReferenceOr::Item(schema)) = components.schemas.get_mut(&component) else {
            continue;
        };
        for properties in property_maps(schema) {
            for (property, value) in properties.iter_mut() {
                let ReferenceOr::Item(inline) = value else {
                    continue;
                };
                if !makes_a_type(inline) {
                    continue;
                }
                let predicted = match &inline.schema_data.title {
                    Some(title) => naming::type_name(title),
                    None => naming::type_name(&format!("{component}_{property}")),
                };
                if taken.insert(predicted.clone()) {
                    continue;
                }
                let name = naming::claim(&mut taken, &predicted);
                let schema = std::mem::replace(
                    value,
                    ReferenceOr::Reference {
                        reference: format!("#/components/schemas/{name}"),
                    },
                );
                if let ReferenceOr::Item(schema) = schema {
                    hoisted.push((name, *schema));
                }
            }
        }
        for (name, schema) in hoisted {
            components
                .schemas
                .insert(name.clone(), ReferenceOr::Item(schema));
            pending.push(name);
        }
    }
}

/// The properties typify puts in a component's struct: its own, and those of
/// the inline parts of its `allOf` (merged into the one struct).
fn property_maps(
    schema: &mut Schema,
) -> Vec<&mut indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>> {
    let mut maps = Vec::new();
    let parts = match &mut schema.schema_kind {
        SchemaKind::Type(Type::Object(object)) => {
            maps.push(&mut object.properties);
            return maps;
        }
        SchemaKind::Any(any) => {
            maps.push(&mut any.properties);
            &mut any.all_of
        }
        SchemaKind::AllOf { all_of } => all_of,
        _ => return maps,
    };
    for part in parts.iter_mut() {
        if let ReferenceOr::Item(part) = part {
            match &mut part.schema_kind {
                SchemaKind::Type(Type::Object(object)) => maps.push(&mut object.properties),
                SchemaKind::Any(any) => maps.push(&mut any.properties),
                _ => {}
            }
        }
    }
    maps
}

/// typify gives a nullable `oneOf`/`anyOf` component's inner enum the component's
/// own name (`struct X(Option<X>)`). The union moves to `<Name>Inner` and the
/// component becomes a nullable reference to it, which typify reads as intended.
fn split_nullable_unions(api: &mut OpenAPI) {
    let Some(components) = &mut api.components else {
        return;
    };
    let mut taken = component_type_names(components);
    let mut inner_schemas = Vec::new();
    let mut split = Vec::new();
    for (name, schema) in components.schemas.iter_mut() {
        let ReferenceOr::Item(schema) = schema else {
            continue;
        };
        let union = match &schema.schema_kind {
            SchemaKind::OneOf { .. } | SchemaKind::AnyOf { .. } => true,
            SchemaKind::AllOf { all_of } => all_of.len() > 1,
            // `type: object` beside `allOf` (Box's `File--Mini`).
            SchemaKind::Any(any) => {
                !any.one_of.is_empty() || !any.any_of.is_empty() || any.all_of.len() > 1
            }
            _ => false,
        };
        if !schema.schema_data.nullable || !union {
            continue;
        }
        let inner_name = naming::claim(&mut taken, &format!("{}Inner", naming::type_name(name)));
        let mut inner = schema.clone();
        inner.schema_data.nullable = false;
        inner.schema_data.title = None;
        schema.schema_kind = SchemaKind::AllOf {
            all_of: vec![ReferenceOr::Reference {
                reference: format!("#/components/schemas/{inner_name}"),
            }],
        };
        inner_schemas.push((inner_name, inner));
        split.push(name.clone());
    }
    let mut inner_of = std::collections::BTreeMap::new();
    for (name, (inner_name, schema)) in split.into_iter().zip(inner_schemas) {
        inner_of.insert(format!("#/components/schemas/{name}"), inner_name.clone());
        components
            .schemas
            .insert(inner_name, ReferenceOr::Item(schema));
    }
    // Beside other parts of an `allOf`, a nullable component is its inner one: a
    // value meets every part, and the others are not null (Box's `FileConflict`,
    // `allOf` the nullable `File--Mini` and an object, is never null).
    for_each_schema(api, &mut |schema| {
        let all_of = match &mut schema.schema_kind {
            SchemaKind::AllOf { all_of } => all_of,
            SchemaKind::Any(any) => &mut any.all_of,
            _ => return,
        };
        if all_of.len() < 2 {
            return;
        }
        for part in all_of.iter_mut() {
            if let ReferenceOr::Reference { reference } = part
                && let Some(inner) = inner_of.get(reference.as_str())
            {
                *reference = format!("#/components/schemas/{inner}");
            }
        }
    });
}

/// Calls `visit` on every schema of the document, nested ones included.
fn for_each_schema(api: &mut OpenAPI, visit: &mut dyn FnMut(&mut Schema)) {
    if let Some(components) = &mut api.components {
        components
            .schemas
            .values_mut()
            .for_each(|s| schema_ref(s, visit));
        components
            .parameters
            .values_mut()
            .for_each(|p| parameter(p, visit));
        components
            .responses
            .values_mut()
            .for_each(|r| response(r, visit));
        components
            .request_bodies
            .values_mut()
            .for_each(|b| body(b, visit));
    }
    for (_, item) in api.paths.paths.iter_mut() {
        let ReferenceOr::Item(item) = item else {
            continue;
        };
        item.parameters.iter_mut().for_each(|p| parameter(p, visit));
        for operation in operations_mut(item) {
            operation
                .parameters
                .iter_mut()
                .for_each(|p| parameter(p, visit));
            if let Some(request) = &mut operation.request_body {
                body(request, visit);
            }
            operation
                .responses
                .responses
                .values_mut()
                .for_each(|r| response(r, visit));
        }
    }
}

/// The walk of `for_each_schema`, one kind of holder per function.
fn schema_ref(schema: &mut ReferenceOr<Schema>, visit: &mut dyn FnMut(&mut Schema)) {
    if let ReferenceOr::Item(schema) = schema {
        walk(schema, visit);
    }
}
fn boxed(schema: &mut ReferenceOr<Box<Schema>>, visit: &mut dyn FnMut(&mut Schema)) {
    if let ReferenceOr::Item(schema) = schema {
        walk(schema, visit);
    }
}
fn walk(schema: &mut Schema, visit: &mut dyn FnMut(&mut Schema)) {
    visit(schema);
    match &mut schema.schema_kind {
        SchemaKind::Type(Type::Object(object)) => {
            object.properties.values_mut().for_each(|p| boxed(p, visit));
            if let Some(openapiv3::AdditionalProperties::Schema(extra)) =
                &mut object.additional_properties
            {
                schema_ref(extra, visit);
            }
        }
        SchemaKind::Type(Type::Array(array)) => {
            if let Some(items) = &mut array.items {
                boxed(items, visit);
            }
        }
        SchemaKind::OneOf { one_of: all }
        | SchemaKind::AllOf { all_of: all }
        | SchemaKind::AnyOf { any_of: all } => all.iter_mut().for_each(|s| schema_ref(s, visit)),
        SchemaKind::Not { not } => schema_ref(not, visit),
        SchemaKind::Any(any) => {
            any.properties.values_mut().for_each(|p| boxed(p, visit));
            any.items.iter_mut().for_each(|s| boxed(s, visit));
            for list in [&mut any.one_of, &mut any.all_of, &mut any.any_of] {
                list.iter_mut().for_each(|s| schema_ref(s, visit));
            }
        }
        _ => {}
    }
}
fn media(content: &mut openapiv3::Content, visit: &mut dyn FnMut(&mut Schema)) {
    for media in content.values_mut() {
        if let Some(schema) = &mut media.schema {
            schema_ref(schema, visit);
        }
    }
}
fn parameter(parameter: &mut ReferenceOr<Parameter>, visit: &mut dyn FnMut(&mut Schema)) {
    if let ReferenceOr::Item(parameter) = parameter {
        match &mut parameter_data(parameter).format {
            openapiv3::ParameterSchemaOrContent::Schema(schema) => schema_ref(schema, visit),
            openapiv3::ParameterSchemaOrContent::Content(content) => media(content, visit),
        }
    }
}
fn response(response: &mut ReferenceOr<openapiv3::Response>, visit: &mut dyn FnMut(&mut Schema)) {
    if let ReferenceOr::Item(response) = response {
        media(&mut response.content, visit);
    }
}
fn body(body: &mut ReferenceOr<openapiv3::RequestBody>, visit: &mut dyn FnMut(&mut Schema)) {
    if let ReferenceOr::Item(body) = body {
        media(&mut body.content, visit);
    }
}

fn parameter_data(parameter: &mut Parameter) -> &mut openapiv3::ParameterData {
    match parameter {
        Parameter::Query { parameter_data, .. }
        | Parameter::Header { parameter_data, .. }
        | Parameter::Path { parameter_data, .. }
        | Parameter::Cookie { parameter_data, .. } => parameter_data,
    }
}

fn operations_mut(
    item: &mut openapiv3::PathItem,
) -> impl Iterator<Item = &mut openapiv3::Operation> {
    [
        &mut item.get,
        &mut item.put,
        &mut item.post,
        &mut item.delete,
        &mut item.options,
        &mut item.head,
        &mut item.patch,
        &mut item.trace,
    ]
    .into_iter()
    .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The property keys of each component schema after marking, in order.
    fn keys_after_marking(schemas: serde_json::Value) -> serde_json::Value {
        let mut api: OpenAPI = serde_json::from_value(serde_json::json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {},
            "components": {"schemas": schemas},
        }))
        .unwrap();
        mark_optional_nullable(&mut api);
        let raw = serde_json::to_value(&api).unwrap();
        let mut keys = serde_json::Map::new();
        walk_keys(&raw["components"]["schemas"], "", &mut keys);
        serde_json::Value::Object(keys)
    }

    fn walk_keys(
        value: &serde_json::Value,
        at: &str,
        out: &mut serde_json::Map<String, serde_json::Value>,
    ) {
        if let serde_json::Value::Array(items) = value {
            for (index, item) in items.iter().enumerate() {
                walk_keys(item, &format!("{at}/{index}"), out);
            }
        }
        let serde_json::Value::Object(map) = value else {
            return;
        };
        if let Some(serde_json::Value::Object(properties)) = map.get("properties") {
            out.insert(at.to_owned(), properties.keys().cloned().collect());
        }
        for (key, child) in map {
            walk_keys(child, &format!("{at}/{key}"), out);
        }
        assert!(!map.contains_key(MERGED), "a tag was left at {at}");
    }

    #[test]
    fn optional_nullable_properties_are_marked_except_where_typify_merges() {
        let keys = keys_after_marking(serde_json::json!({
            "Row": {"type": "object", "required": ["id", "name"], "properties": {
                "id": {"type": "string"},
                "name": {"type": "string", "nullable": true},
                "model": {"type": "string", "nullable": true},
                "extra": {},
                "owner": {"$ref": "#/components/schemas/MaybeOwner"},
                "count": {"type": "integer"}
            }},
            "MaybeOwner": {"type": "object", "nullable": true, "properties": {"a": {"type": "string"}}},
            "Merged": {"allOf": [
                {"$ref": "#/components/schemas/Part"},
                {"type": "object", "properties": {"path": {"type": "object", "properties": {
                    "kind": {"type": "string", "nullable": true}
                }}}}
            ]},
            "Part": {"type": "object", "properties": {"note": {"type": "string", "nullable": true}}},
            "Beside": {"type": "object",
                "properties": {"filename": {"type": "string", "nullable": true}},
                "anyOf": [{"required": ["filename"]}]}
        }));
        // Required `name` keeps its key; optional nullable `model`, any-value `extra`
        // and a nullable component `owner` are marked (keys listed sorted).
        assert_eq!(
            keys["/Row"],
            serde_json::json!(["count", "extra~*", "id", "model~?", "name", "owner~*"])
        );
        // Merged parts, what they name and what sits beside `anyOf`: untouched.
        assert_eq!(keys["/Part"], serde_json::json!(["note"]));
        assert_eq!(
            keys["/Merged/allOf/1/properties/path"],
            serde_json::json!(["kind"])
        );
        assert_eq!(keys["/Beside"], serde_json::json!(["filename"]));
    }
}
