//! The document as the rest of the pipeline reads it: OpenAPI 3.1 (and JSON
//! Schema 2020-12) and the 3.0 that real documents contain, rewritten into the
//! 3.0 shape with its meaning kept. What is read differently from the letter of
//! the document, and what is not generated, is noted with its place.
//!
//! Schemas: type arrays (`[string, "null"]`) and `null` branches of `anyOf` /
//! `oneOf` become `nullable`; `const` a one-value `enum`; numeric exclusive bounds
//! the 3.0 pair; `examples` an `example`; a `$ref` with constraints beside it an
//! `allOf`; `$defs`, `$id` and `$anchor` targets components; content keywords a
//! binary or base64 format. Documents: webhooks, callbacks and links are noted as
//! not generated; operations without an operationId get one from their method and
//! path; slips (`required: true` on a schema, numbers beyond 64 bits, integer
//! response codes, a path parameter not marked required) are read as meant.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value, json};

use super::walk::METHODS;
use crate::diagnostic::{Diagnostic, Location, pointer_token};
use crate::naming::type_name;

/// Keywords with schemas as values, one each.
const SUBSCHEMA: &[&str] = &[
    "items",
    "not",
    "additionalProperties",
    "contains",
    "propertyNames",
];
/// Keywords with lists of schemas.
const SUBSCHEMA_LISTS: &[&str] = &["allOf", "anyOf", "oneOf", "prefixItems"];
/// Keywords with maps of names to schemas.
const SUBSCHEMA_MAPS: &[&str] = &["properties", "patternProperties", "$defs", "definitions"];
/// JSON Schema keywords no Rust type reads: dropped, and noted.
const UNREAD: &[&str] = &[
    "if",
    "then",
    "else",
    "dependentSchemas",
    "dependentRequired",
    "unevaluatedProperties",
    "unevaluatedItems",
    "contains",
    "minContains",
    "maxContains",
    "patternProperties",
    "propertyNames",
    "$dynamicRef",
    "$dynamicAnchor",
];
/// Keywords that only describe: kept beside a `$ref` as it stands (3.0 ignores them).
const ANNOTATIONS: &[&str] = &[
    "description",
    "title",
    "summary",
    "example",
    "examples",
    "deprecated",
    "readOnly",
    "writeOnly",
    "$comment",
    "externalDocs",
    "xml",
];

/// The normalised document and what was noted.
pub struct Normalized {
    pub raw: Value,
    pub notes: Vec<Diagnostic>,
}

pub fn normalize(
    file: &str,
    mut raw: Value,
    non_string_keys: &[String],
) -> Result<Normalized, Diagnostic> {
    let version = version(file, &raw)?;
    let mut normalizer = Normalizer {
        file,
        notes: Vec::new(),
        v31: version.starts_with("3.1"),
        hoisted: Vec::new(),
        taken: raw
            .pointer("/components/schemas")
            .and_then(Value::as_object)
            .map(|schemas| schemas.keys().map(|name| type_name(name)).collect())
            .unwrap_or_default(),
        anchors: BTreeMap::new(),
    };
    // Unquoted status codes are everywhere: one note for all of them.
    if let Some(first) = non_string_keys.first() {
        let count = non_string_keys.len();
        let what = if count == 1 {
            "a YAML key is a number or a boolean".to_owned()
        } else {
            format!("{count} YAML keys are numbers or booleans (the first here)")
        };
        normalizer.note(
            first,
            &format!("{what}; read as the text OpenAPI means"),
            "quote them (`\"200\":`), as OpenAPI asks for YAML and JSON to agree",
        );
    }
    normalizer.index_anchors(&raw);
    normalizer.document(&mut raw);
    Ok(Normalized {
        raw,
        notes: normalizer.notes,
    })
}

/// The `openapi` version, if it is one this generator reads.
fn version(file: &str, raw: &Value) -> Result<String, Diagnostic> {
    if let Some(swagger) = raw.get("swagger").and_then(Value::as_str) {
        return Err(
            Diagnostic::new(file, format!("Swagger {swagger} is not OpenAPI 3"))
                .at("#/swagger")
                .help("convert it to OpenAPI 3 first (for example with `npx swagger2openapi`)"),
        );
    }
    let version = raw.get("openapi").and_then(Value::as_str).ok_or_else(|| {
        Diagnostic::new(
            file,
            "not an OpenAPI document: there is no `openapi` version string",
        )
        .at("#/openapi")
        .help("start the file with `openapi: 3.1.1` (or 3.0.x)")
    })?;
    if version.starts_with("3.0.") || version.starts_with("3.1.") {
        Ok(version.to_owned())
    } else {
        Err(
            Diagnostic::new(file, format!("OpenAPI {version} is not supported"))
                .at("#/openapi")
                .help("this generator reads OpenAPI 3.0 and 3.1 documents"),
        )
    }
}

struct Normalizer<'f> {
    file: &'f str,
    notes: Vec<Diagnostic>,
    v31: bool,
    /// Schemas that become components (`$defs`, schemas referenced where they
    /// stand inside another).
    hoisted: Vec<Hoisted>,
    /// The Rust type names of the document's component schemas, which hoisted
    /// ones must not take.
    taken: BTreeSet<String>,
    /// `$id`s and `$anchor`s → the JSON pointer of their schema.
    anchors: BTreeMap<String, String>,
}

/// A schema that becomes a component of its own.
struct Hoisted {
    name: String,
    /// Where it stands in the document (a JSON pointer).
    target: String,
    /// Its schema when it was taken out already (`$defs`); otherwise it is
    /// moved from `target`, which then refers to the component.
    schema: Option<Value>,
}

fn pointer(at: &str, key: &str) -> String {
    format!("{at}/{}", pointer_token(key))
}

impl Normalizer<'_> {
    fn note(&mut self, at: &str, message: &str, help: &str) {
        let mut note = Diagnostic::new(self.file, message).at(Location::from(at.to_owned()));
        if !help.is_empty() {
            note = note.help(help);
        }
        self.notes.push(note);
    }

    fn document(&mut self, root: &mut Value) {
        let Value::Object(root) = root else { return };
        root.insert("openapi".into(), "3.0.3".into());
        root.remove("jsonSchemaDialect");
        if let Some(webhooks) = root
            .remove("webhooks")
            .and_then(|w| w.as_object().map(Map::len))
        {
            let message = format!(
                "{webhooks} webhook(s): calls the API makes to you, not client calls; not generated"
            );
            self.note("#/webhooks", &message, "");
        }
        if let Some(Value::Object(info)) = root.get_mut("info") {
            info.remove("summary");
            if let Some(Value::Object(license)) = info.get_mut("license") {
                license.remove("identifier");
            }
        }
        root.entry("paths").or_insert_with(|| json!({}));
        self.components(root);
        let shared = root_path_items(root);
        if let Some(Value::Object(paths)) = root.get_mut("paths") {
            let names: Vec<String> = paths.keys().cloned().collect();
            for path in names {
                let at = pointer("#/paths", &path);
                if let Some(item) = paths.get_mut(&path) {
                    inline_path_item(item, &shared);
                    self.path_item(item, &at, &path);
                }
            }
        }
        let hoisted = self.take_hoisted(root);
        let components = root.entry("components").or_insert_with(|| json!({}));
        if let Value::Object(components) = components {
            components.remove("pathItems");
            if !hoisted.is_empty() {
                let schemas = components.entry("schemas").or_insert_with(|| json!({}));
                if let Value::Object(schemas) = schemas {
                    for (name, schema) in hoisted {
                        schemas.entry(name).or_insert(schema);
                    }
                }
            }
        }
    }

    /// The hoisted schemas, each moved out of where it stood (deepest first, so
    /// a schema inside another moves out of it before it moves) and a reference
    /// to its component left in its place: every use shares one type.
    fn take_hoisted(&mut self, root: &mut Map<String, Value>) -> Vec<(String, Value)> {
        let mut hoisted = std::mem::take(&mut self.hoisted);
        hoisted.sort_by_key(|h| std::cmp::Reverse(h.target.len()));
        let mut document = Value::Object(std::mem::take(root));
        let mut out = Vec::new();
        let mut missing = BTreeMap::new();
        for Hoisted {
            name,
            target,
            schema,
        } in hoisted
        {
            let schema = match schema {
                Some(schema) => schema,
                None => match target
                    .strip_prefix('#')
                    .and_then(|p| document.pointer_mut(p))
                {
                    Some(found) => std::mem::replace(
                        found,
                        json!({"$ref": format!("#/components/schemas/{name}")}),
                    ),
                    None => {
                        missing.insert(format!("#/components/schemas/{name}"), target);
                        continue;
                    }
                },
            };
            out.push((name, schema));
        }
        // References to nothing are put back as written, for the reference
        // check to report where they stand.
        if !missing.is_empty() {
            restore_references(&mut document, &missing);
            for (_, schema) in &mut out {
                restore_references(schema, &missing);
            }
        }
        if let Value::Object(document) = document {
            *root = document;
        }
        out.sort_by(|a, b| a.0.cmp(&b.0));
        out
    }

    fn components(&mut self, root: &mut Map<String, Value>) {
        let Some(Value::Object(components)) = root.get_mut("components") else {
            return;
        };
        if let Some(Value::Object(schemas)) = components.get_mut("schemas") {
            for (name, schema) in schemas.iter_mut() {
                self.schema(schema, &pointer("#/components/schemas", name));
            }
        }
        if let Some(Value::Object(parameters)) = components.get_mut("parameters") {
            for (name, parameter) in parameters.iter_mut() {
                self.parameter(parameter, &pointer("#/components/parameters", name));
            }
        }
        if let Some(Value::Object(responses)) = components.get_mut("responses") {
            for (name, response) in responses.iter_mut() {
                self.response(response, &pointer("#/components/responses", name));
            }
        }
        if let Some(Value::Object(bodies)) = components.get_mut("requestBodies") {
            for (name, body) in bodies.iter_mut() {
                self.content_of(body, &pointer("#/components/requestBodies", name));
            }
        }
        if let Some(Value::Object(headers)) = components.get_mut("headers") {
            for (name, header) in headers.iter_mut() {
                self.parameter(header, &pointer("#/components/headers", name));
            }
        }
        if let Some(Value::Object(schemes)) = components.get_mut("securitySchemes") {
            let unreadable: Vec<String> = schemes
                .iter()
                .filter(|(_, scheme)| {
                    scheme.get("type").and_then(Value::as_str) == Some("mutualTLS")
                })
                .map(|(name, _)| name.clone())
                .collect();
            for name in unreadable {
                schemes.remove(&name);
                self.note(
                    &pointer("#/components/securitySchemes", &name),
                    "a mutual-TLS security scheme: the client's TLS identity is not configured here; left out",
                    "configure the certificate on the HTTP client outside the generated code",
                );
            }
        }
        if components.contains_key("callbacks") || components.contains_key("links") {
            components.remove("callbacks");
            components.remove("links");
        }
    }

    fn path_item(&mut self, item: &mut Value, at: &str, path: &str) {
        let Value::Object(item) = item else { return };
        if let Some(Value::Array(parameters)) = item.get_mut("parameters") {
            for (index, parameter) in parameters.iter_mut().enumerate() {
                self.parameter(parameter, &format!("{at}/parameters/{index}"));
            }
        }
        if item.remove("servers").is_some() {
            self.note(
                &pointer(at, "servers"),
                "a path item's own servers: the client sends to its one base URL",
                "",
            );
        }
        for method in METHODS {
            if let Some(operation) = item.get_mut(*method) {
                self.operation(operation, &pointer(at, method), method, path);
            }
        }
    }

    fn operation(&mut self, operation: &mut Value, at: &str, method: &str, path: &str) {
        let Value::Object(operation) = operation else {
            return;
        };
        let has_id = operation
            .get("operationId")
            .and_then(Value::as_str)
            .is_some_and(|id| !id.trim().is_empty());
        if !has_id {
            let id = derived_operation_id(method, path);
            self.note(
                at,
                &format!("no operationId: named `{id}` after its method and path"),
                &format!("add `operationId: {id}` (or another name) to the operation, or name the method in `methods`"),
            );
            operation.insert("operationId".into(), Value::String(id));
        }
        if let Some(Value::Object(callbacks)) = operation.remove("callbacks") {
            let names: Vec<&String> = callbacks.keys().collect();
            let message = format!(
                "callback(s) {}: calls the API makes to you, not client calls; not generated",
                names
                    .iter()
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            self.note(&pointer(at, "callbacks"), &message, "");
        }
        if operation.remove("servers").is_some() {
            self.note(
                &pointer(at, "servers"),
                "an operation's own servers: the client sends to its one base URL",
                "",
            );
        }
        if let Some(Value::Array(parameters)) = operation.get_mut("parameters") {
            for (index, parameter) in parameters.iter_mut().enumerate() {
                self.parameter(parameter, &format!("{at}/parameters/{index}"));
            }
        }
        if let Some(body) = operation.get_mut("requestBody") {
            self.content_of(body, &pointer(at, "requestBody"));
        }
        match operation.get_mut("responses") {
            Some(Value::Object(responses)) => {
                let keys: Vec<String> = responses.keys().cloned().collect();
                for key in keys {
                    let here = pointer(&pointer(at, "responses"), &key);
                    if let Some(response) = responses.get_mut(&key) {
                        self.response(response, &here);
                    }
                }
            }
            _ => {
                // OpenAPI 3.1 lets an operation leave out its responses.
                operation.insert(
                    "responses".into(),
                    json!({"default": {"description": "not documented"}}),
                );
            }
        }
    }

    fn parameter(&mut self, parameter: &mut Value, at: &str) {
        let Value::Object(parameter) = parameter else {
            return;
        };
        if parameter.contains_key("$ref") {
            return;
        }
        if parameter.get("in").and_then(Value::as_str) == Some("path")
            && parameter.get("required") != Some(&Value::Bool(true))
        {
            parameter.insert("required".into(), Value::Bool(true));
            self.note(
                at,
                "a path parameter not marked required: path parameters always are",
                "add `required: true`",
            );
        }
        if let Some(schema) = parameter.get_mut("schema") {
            self.schema(schema, &pointer(at, "schema"));
        }
        if let Some(Value::Object(content)) = parameter.get_mut("content") {
            for (media, value) in content.iter_mut() {
                if let Some(schema) = value.get_mut("schema") {
                    self.schema(
                        schema,
                        &pointer(&pointer(&pointer(at, "content"), media), "schema"),
                    );
                }
            }
        }
    }

    fn response(&mut self, response: &mut Value, at: &str) {
        let Value::Object(response) = response else {
            return;
        };
        if response.contains_key("$ref") {
            return;
        }
        if !response.contains_key("description") {
            response.insert("description".into(), Value::String(String::new()));
        }
        if response.remove("links").is_some() {
            self.note(&pointer(at, "links"), "links: not generated", "");
        }
        if let Some(Value::Object(headers)) = response.get_mut("headers") {
            for (name, header) in headers.iter_mut() {
                self.parameter(header, &pointer(&pointer(at, "headers"), name));
            }
        }
        self.content(response, at);
    }

    /// A request body (or its `$ref`).
    fn content_of(&mut self, body: &mut Value, at: &str) {
        if let Value::Object(body) = body
            && !body.contains_key("$ref")
        {
            self.content(body, at);
        }
    }

    fn content(&mut self, holder: &mut Map<String, Value>, at: &str) {
        let Some(Value::Object(content)) = holder.get_mut("content") else {
            return;
        };
        for (media_type, media) in content.iter_mut() {
            let here = pointer(&pointer(at, "content"), media_type);
            let Value::Object(media) = media else {
                continue;
            };
            if let Some(schema) = media.get_mut("schema") {
                self.schema(schema, &pointer(&here, "schema"));
            }
            // openapiv3 reads an absent `explode` as false; OpenAPI's default for
            // the `form` style is true.
            if let Some(Value::Object(encodings)) = media.get_mut("encoding") {
                for encoding in encodings.values_mut() {
                    if let Value::Object(encoding) = encoding {
                        let form = encoding
                            .get("style")
                            .and_then(Value::as_str)
                            .is_none_or(|style| style == "form");
                        if form && !encoding.contains_key("explode") {
                            encoding.insert("explode".into(), Value::Bool(true));
                        }
                    }
                }
            }
            for key in ["itemSchema", "prefixEncoding", "itemEncoding"] {
                media.remove(key);
            }
        }
    }

    /// Every `$id` and `$anchor` in the document's schemas, by URI.
    fn index_anchors(&mut self, root: &Value) {
        fn visit(value: &Value, at: &str, anchors: &mut BTreeMap<String, String>) {
            match value {
                Value::Object(map) => {
                    if let Some(id) = map.get("$id").and_then(Value::as_str) {
                        anchors.insert(id.to_owned(), at.to_owned());
                    }
                    if let Some(anchor) = map.get("$anchor").and_then(Value::as_str) {
                        anchors.insert(format!("#{anchor}"), at.to_owned());
                    }
                    for (key, value) in map {
                        if key != "example" && key != "examples" && !key.starts_with("x-") {
                            visit(value, &pointer(at, key), anchors);
                        }
                    }
                }
                Value::Array(items) => {
                    for (index, item) in items.iter().enumerate() {
                        visit(item, &format!("{at}/{index}"), anchors);
                    }
                }
                _ => {}
            }
        }
        visit(root, "#", &mut self.anchors);
    }

    /// A `$ref` as a pointer into this document: anchors and `$id`s resolved.
    fn reference(&self, target: &str) -> String {
        if target.starts_with("#/") {
            return target.to_owned();
        }
        if let Some(found) = self.anchors.get(target) {
            return found.clone();
        }
        // `<id>#/pointer` or `<id>#anchor` relative to an `$id`.
        if let Some((base, fragment)) = target.split_once('#')
            && let Some(found) = self.anchors.get(base)
        {
            return if fragment.starts_with('/') {
                format!("{found}{fragment}")
            } else {
                self.anchors
                    .get(&format!("#{fragment}"))
                    .cloned()
                    .unwrap_or_else(|| target.to_owned())
            };
        }
        target.to_owned()
    }

    fn schema(&mut self, schema: &mut Value, at: &str) {
        match schema {
            Value::Bool(true) => {
                *schema = json!({});
                return;
            }
            Value::Bool(false) => {
                *schema = json!({"not": {}});
                return;
            }
            Value::Object(_) => {}
            _ => return,
        }
        let Value::Object(map) = schema else { return };
        self.children(map, at);
        self.reference_with_siblings(map, at);
        if map.contains_key("$ref") {
            return;
        }
        for key in ["$id", "$anchor", "$schema", "$comment", "$vocabulary"] {
            map.remove(key);
        }
        self.hoist_definitions(map, at);
        for key in UNREAD {
            if map.remove(*key).is_some() {
                self.note(
                    &pointer(at, key),
                    &format!("`{key}` has no Rust type to check it; ignored"),
                    "",
                );
            }
        }
        type_list(map);
        null_branches(map);
        if let Some(value) = map.remove("const") {
            if !map.contains_key("type")
                && let Some(kind) = json_type(&value)
            {
                map.insert("type".into(), kind.into());
            }
            map.insert("enum".into(), Value::Array(vec![value]));
        }
        if let Some(Value::Array(examples)) = map.remove("examples")
            && let Some(first) = examples.into_iter().next()
        {
            map.entry("example").or_insert(first);
        }
        self.exclusive_bounds(map, at);
        self.integer_bounds(map, at);
        self.default_value(map, at);
        content_format(map);
        // A `format` only shapes strings and numbers; on other types it is an
        // annotation (Twilio's `uri-map` objects) typify would refuse.
        if matches!(
            map.get("type").and_then(Value::as_str),
            Some("object" | "array" | "boolean")
        ) {
            map.remove("format");
        }
        self.lists_and_tags(map, at);
    }

    /// `prefixItems`, `required: true` slips, array `items`, discriminator mappings.
    fn lists_and_tags(&mut self, map: &mut Map<String, Value>, at: &str) {
        if let Some(Value::Array(prefix)) = map.remove("prefixItems")
            && !map.contains_key("items")
        {
            // Entries of one schema (a point's coordinates) are a list of it.
            let alike = prefix.windows(2).all(|pair| pair[0] == pair[1]);
            let items = match prefix.first() {
                Some(first) if alike => first.clone(),
                _ => json!({}),
            };
            if !alike {
                self.note(
                    &pointer(at, "prefixItems"),
                    "a tuple (`prefixItems`) of different schemas: read as a list of any values",
                    "",
                );
            }
            map.insert("items".into(), items);
        }
        if matches!(map.get("required"), Some(Value::Bool(_))) {
            map.remove("required");
            self.note(
                &pointer(at, "required"),
                "`required: true` on a schema: OpenAPI lists required properties on the object that holds them; ignored",
                "remove it, and list the property under its object's `required`",
            );
        }
        if map.get("type").and_then(Value::as_str) == Some("array") && !map.contains_key("items") {
            map.insert("items".into(), json!({}));
        }
        if let Some(Value::Object(discriminator)) = map.get_mut("discriminator")
            && let Some(Value::Object(mapping)) = discriminator.get_mut("mapping")
        {
            for target in mapping.values_mut() {
                if let Value::String(text) = target {
                    // A mapping value may be a bare schema name.
                    if !text.starts_with('#') && !text.contains('/') {
                        *text = format!("#/components/schemas/{text}");
                    } else {
                        *text = self.reference(text);
                    }
                }
            }
        }
    }

    fn children(&mut self, map: &mut Map<String, Value>, at: &str) {
        for key in SUBSCHEMA {
            if let Some(child) = map.get_mut(*key) {
                self.schema(child, &pointer(at, key));
            }
        }
        for key in SUBSCHEMA_LISTS {
            if let Some(Value::Array(items)) = map.get_mut(*key) {
                for (index, item) in items.iter_mut().enumerate() {
                    self.schema(item, &format!("{}/{index}", pointer(at, key)));
                }
            }
        }
        // draft-04 style `items: [..]`: a tuple.
        if matches!(map.get("items"), Some(Value::Array(_)))
            && let Some(items) = map.remove("items")
        {
            map.insert("prefixItems".into(), items);
            return self.children(map, at);
        }
        for key in SUBSCHEMA_MAPS {
            if let Some(Value::Object(children)) = map.get_mut(*key) {
                for (name, child) in children.iter_mut() {
                    self.schema(child, &pointer(&pointer(at, key), name));
                }
            }
        }
        if let Some(Value::Object(properties)) = map.get_mut("properties") {
            properties.retain(|_, value| *value != json!({"not": {}}));
        }
    }

    /// A `$ref` with constraints beside it: both apply (`allOf`); with only
    /// annotations beside it: the reference, as 3.0 reads it.
    fn reference_with_siblings(&mut self, map: &mut Map<String, Value>, at: &str) {
        let Some(Value::String(target)) = map.get("$ref").cloned() else {
            return;
        };
        let resolved = self.reference(&target);
        if !resolved.starts_with("#/") {
            return;
        }
        let resolved = self.component_ref(&resolved);
        let siblings: Vec<String> = map
            .keys()
            .filter(|key| *key != "$ref" && !ANNOTATIONS.contains(&key.as_str()))
            .cloned()
            .collect();
        if siblings.is_empty() {
            map.retain(|key, _| key == "$ref");
            map.insert("$ref".into(), Value::String(resolved));
            return;
        }
        let nullable_only = siblings.iter().all(|key| key == "nullable");
        let mut rest: Map<String, Value> = std::mem::take(map)
            .into_iter()
            .filter(|(key, _)| key != "$ref" && !ANNOTATIONS.contains(&key.as_str()))
            .collect();
        let nullable = rest.remove("nullable") == Some(Value::Bool(true));
        let mut all_of = vec![json!({"$ref": resolved})];
        if !nullable_only {
            self.schema_object(&mut rest, at);
            if !rest.is_empty() {
                all_of.push(Value::Object(rest));
            }
        }
        map.insert("allOf".into(), Value::Array(all_of));
        if nullable {
            map.insert("nullable".into(), Value::Bool(true));
        }
    }

    fn schema_object(&mut self, map: &mut Map<String, Value>, at: &str) {
        let mut value = Value::Object(std::mem::take(map));
        self.schema(&mut value, at);
        if let Value::Object(done) = value {
            *map = done;
        }
    }

    /// A pointer to a schema that is not a component (under `$defs`, say) becomes
    /// a component of its own.
    fn component_ref(&mut self, target: &str) -> String {
        if let Some(name) = target.strip_prefix("#/components/schemas/")
            && !name.contains('/')
        {
            return target.to_owned();
        }
        if let Some(known) = self.hoisted.iter().find(|h| h.target == target) {
            return format!("#/components/schemas/{}", known.name);
        }
        // A definition is named by its key; any other schema by its place.
        let definition = ["/$defs/", "/definitions/"]
            .iter()
            .filter_map(|key| target.rsplit_once(key))
            .map(|(_, name)| name)
            .find(|name| !name.contains('/'));
        let base: String = definition
            .unwrap_or(target)
            .trim_start_matches("#/")
            .split('/')
            .filter(|part| {
                !matches!(
                    *part,
                    "components" | "schemas" | "$defs" | "definitions" | "properties"
                )
            })
            .map(|part| part.replace("~1", "_").replace("~0", "_"))
            .collect::<Vec<_>>()
            .join("_");
        let name = crate::naming::first_free(&base, |candidate| {
            self.taken.contains(&type_name(candidate))
                || self
                    .hoisted
                    .iter()
                    .any(|h| type_name(&h.name) == type_name(candidate))
        });
        self.hoisted.push(Hoisted {
            name: name.clone(),
            target: target.to_owned(),
            schema: None,
        });
        format!("#/components/schemas/{name}")
    }

    /// `$defs` of a schema: components of their own (their `$ref`s already are
    /// rewritten by [`Self::component_ref`]).
    fn hoist_definitions(&mut self, map: &mut Map<String, Value>, at: &str) {
        for key in ["$defs", "definitions"] {
            if let Some(Value::Object(definitions)) = map.remove(key) {
                for (name, schema) in definitions {
                    let target = pointer(&pointer(at, key), &name);
                    let component = self.component_ref(&target);
                    let component = component.trim_start_matches("#/components/schemas/");
                    if let Some(entry) = self.hoisted.iter_mut().find(|h| h.name == component) {
                        entry.schema = Some(schema);
                    }
                }
            }
        }
    }

    /// `exclusiveMinimum: 5` (3.1, and 3.0 slips) is `minimum: 5` exclusive.
    fn exclusive_bounds(&mut self, map: &mut Map<String, Value>, at: &str) {
        for (bound, exclusive) in [
            ("minimum", "exclusiveMinimum"),
            ("maximum", "exclusiveMaximum"),
        ] {
            if let Some(Value::Number(value)) = map.get(exclusive).cloned() {
                if !self.v31 {
                    self.note(
                        &pointer(at, exclusive),
                        &format!("a numeric `{exclusive}` in an OpenAPI 3.0 document: read as 3.1 means it"),
                        &format!("in 3.0 write `{bound}: {value}` and `{exclusive}: true`"),
                    );
                }
                map.insert(bound.into(), Value::Number(value));
                map.insert(exclusive.into(), Value::Bool(true));
            }
        }
    }

    /// A `default` the schema itself does not allow (Vault's `type: string,
    /// default: 3600`) cannot be the field's Rust default: it is dropped.
    fn default_value(&mut self, map: &mut Map<String, Value>, at: &str) {
        let Some(value) = map.get("default") else {
            return;
        };
        let nullable = map.get("nullable") == Some(&Value::Bool(true));
        let kind = map.get("type").and_then(Value::as_str);
        let of_type = match (kind, value) {
            (_, Value::Null) => nullable,
            (Some("integer"), value) => json_type(value) == Some("integer"),
            (Some("number"), value) => matches!(json_type(value), Some("integer" | "number")),
            (Some(kind), value) => json_type(value) == Some(kind),
            (None, _) => true,
        };
        let listed = match map.get("enum") {
            Some(Value::Array(values)) => values.contains(value),
            _ => true,
        };
        if of_type && listed {
            return;
        }
        let value = value.clone();
        let problem = if of_type {
            "is not one of its `enum` values".to_owned()
        } else {
            match kind.unwrap_or("value") {
                kind @ "integer" => format!("is not an {kind}"),
                kind => format!("is not a {kind}"),
            }
        };
        let fix = match (kind, &value) {
            (Some("string"), Value::Number(_) | Value::Bool(_)) => {
                format!("quote it: `default: \"{value}\"`")
            }
            _ => "make the default a value the schema allows, or remove it".to_owned(),
        };
        map.remove("default");
        self.note(
            &pointer(at, "default"),
            &format!("the default {value} {problem}: ignored"),
            &fix,
        );
    }

    /// Integer bounds a 64-bit integer cannot hold are no bounds for a Rust integer.
    fn integer_bounds(&mut self, map: &mut Map<String, Value>, at: &str) {
        if map.get("type").and_then(Value::as_str) != Some("integer") {
            return;
        }
        for key in ["minimum", "maximum", "multipleOf"] {
            let fits = match map.get(key) {
                Some(Value::Number(n)) => n.as_i64().is_some() || n.as_u64().is_some(),
                Some(_) => false,
                None => continue,
            };
            if !fits {
                let value = map.remove(key).unwrap_or_default();
                self.note(
                    &pointer(at, key),
                    &format!("the integer bound {value} is beyond 64 bits: ignored"),
                    "",
                );
            }
        }
    }
}

/// Every `$ref` to a key of `missing` becomes its value again.
fn restore_references(value: &mut Value, missing: &BTreeMap<String, String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(target)) = map.get_mut("$ref")
                && let Some(original) = missing.get(target.as_str())
            {
                *target = original.clone();
            }
            for child in map.values_mut() {
                restore_references(child, missing);
            }
        }
        Value::Array(items) => items
            .iter_mut()
            .for_each(|item| restore_references(item, missing)),
        _ => {}
    }
}

/// `type: [string, "null"]` → `type: string, nullable: true`; several types →
/// `anyOf` of each, the type's own keywords moved into its branch.
fn type_list(map: &mut Map<String, Value>) {
    let Some(Value::Array(types)) = map.get("type").cloned() else {
        if map.get("type").and_then(Value::as_str) == Some("null") {
            map.remove("type");
            map.insert("nullable".into(), Value::Bool(true));
            map.entry("enum").or_insert(json!([null]));
        }
        return;
    };
    let nullable = types.iter().any(|t| t == "null");
    let kinds: Vec<String> = types
        .iter()
        .filter_map(Value::as_str)
        .filter(|t| *t != "null")
        .map(str::to_owned)
        .collect();
    map.remove("type");
    match kinds.as_slice() {
        [] => {}
        [kind] => {
            map.insert("type".into(), Value::String(kind.clone()));
        }
        kinds => {
            let branches: Vec<Value> = kinds
                .iter()
                .map(|kind| {
                    let mut branch = Map::new();
                    branch.insert("type".into(), Value::String(kind.clone()));
                    for key in type_keywords(kind) {
                        if let Some(value) = map.get(*key) {
                            branch.insert((*key).to_owned(), value.clone());
                        }
                    }
                    Value::Object(branch)
                })
                .collect();
            for kind in kinds {
                for key in type_keywords(kind) {
                    map.remove(*key);
                }
            }
            map.insert("anyOf".into(), Value::Array(branches));
        }
    }
    if nullable {
        map.insert("nullable".into(), Value::Bool(true));
    }
}

fn type_keywords(kind: &str) -> &'static [&'static str] {
    match kind {
        "string" => &["format", "minLength", "maxLength", "pattern", "enum"],
        "integer" | "number" => &[
            "format",
            "minimum",
            "maximum",
            "exclusiveMinimum",
            "exclusiveMaximum",
            "multipleOf",
        ],
        "array" => &["items", "minItems", "maxItems", "uniqueItems"],
        "object" => &[
            "properties",
            "required",
            "additionalProperties",
            "minProperties",
            "maxProperties",
        ],
        _ => &[],
    }
}

/// `anyOf: [X, {type: null}]` is an X that may be null: the `null` branch goes.
fn null_branches(map: &mut Map<String, Value>) {
    // `{}` in an `allOf` constrains nothing; `{type: "null"}` there is what
    // writers of `allOf: [X, null]` mean by a nullable X.
    if let Some(Value::Array(parts)) = map.get_mut("allOf") {
        parts.retain(|part| *part != json!({}));
        if parts.is_empty() {
            map.remove("allOf");
        }
    }
    for key in ["anyOf", "oneOf", "allOf"] {
        let Some(Value::Array(branches)) = map.get(key) else {
            continue;
        };
        let is_null = |branch: &Value| {
            branch.get("type").and_then(Value::as_str) == Some("null")
                || (branch.get("nullable") == Some(&Value::Bool(true))
                    && branch.get("enum") == Some(&json!([null])))
                || branch.get("enum") == Some(&json!([null]))
        };
        if !branches.iter().any(is_null) {
            continue;
        }
        let kept: Vec<Value> = branches.iter().filter(|b| !is_null(b)).cloned().collect();
        map.insert("nullable".into(), Value::Bool(true));
        match kept.len() {
            0 => {
                map.remove(key);
            }
            1 => {
                map.remove(key);
                let only = kept.into_iter().next().unwrap_or_default();
                if only.get("$ref").is_some() {
                    map.insert("allOf".into(), Value::Array(vec![only]));
                } else if let Value::Object(only) = only {
                    for (k, v) in only {
                        map.entry(k).or_insert(v);
                    }
                }
            }
            _ => {
                map.insert(key.into(), Value::Array(kept));
            }
        }
    }
}

/// `contentEncoding: base64` is a `byte` string; `contentMediaType` other than
/// text or JSON is `binary`.
fn content_format(map: &mut Map<String, Value>) {
    let encoding = map.remove("contentEncoding");
    let media = map.remove("contentMediaType");
    map.remove("contentSchema");
    if map.contains_key("format") {
        return;
    }
    if encoding
        .as_ref()
        .and_then(Value::as_str)
        .is_some_and(|e| e.eq_ignore_ascii_case("base64"))
    {
        map.insert("format".into(), "byte".into());
    } else if let Some(media) = media.as_ref().and_then(Value::as_str)
        && !media.starts_with("text/")
        && !media.contains("json")
    {
        map.insert("format".into(), "binary".into());
    }
}

fn json_type(value: &Value) -> Option<&'static str> {
    Some(match value {
        Value::String(_) => "string",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
        Value::Null => return None,
    })
}

/// `get_pets_by_pet_id` for `GET /pets/{petId}`: deterministic, from the path.
pub fn derived_operation_id(method: &str, path: &str) -> String {
    let mut words = vec![method.to_ascii_lowercase()];
    for segment in path.split('/').filter(|s| !s.is_empty()) {
        match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            Some(parameter) => words.push(format!("by_{parameter}")),
            None => words.push(segment.to_owned()),
        }
    }
    let joined = words.join("_");
    joined
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect::<String>()
        .split('_')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("_")
}

/// `components/pathItems` (3.1), for `$ref`s from `paths`.
fn root_path_items(root: &Map<String, Value>) -> Map<String, Value> {
    root.get("components")
        .and_then(|c| c.get("pathItems"))
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default()
}

/// A path item that `$ref`s a shared one (3.1 `components/pathItems`) is inlined.
fn inline_path_item(item: &mut Value, shared: &Map<String, Value>) {
    let Some(target) = item.get("$ref").and_then(Value::as_str) else {
        return;
    };
    if let Some(found) = target
        .strip_prefix("#/components/pathItems/")
        .and_then(|name| shared.get(name))
    {
        *item = found.clone();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema(value: Value, v31: bool) -> (Value, Vec<String>) {
        let mut normalizer = Normalizer {
            file: "t.yaml",
            notes: Vec::new(),
            v31,
            hoisted: Vec::new(),
            taken: BTreeSet::new(),
            anchors: BTreeMap::new(),
        };
        let mut value = value;
        normalizer.schema(&mut value, "#/s");
        (
            value,
            normalizer.notes.iter().map(|n| n.message.clone()).collect(),
        )
    }

    #[test]
    fn array_items_keep_their_schema_and_lists_become_tuples() {
        let items = json!({"type": "array", "items": {"$ref": "#/components/schemas/A"}});
        assert_eq!(schema(items.clone(), false).0, items);
        let (tuple, notes) = schema(
            json!({"type": "array", "items": [{"type": "string"}]}),
            false,
        );
        assert_eq!(tuple, json!({"type": "array", "items": {"type": "string"}}));
        assert!(notes.is_empty(), "{notes:?}");
        let (mixed, notes) = schema(
            json!({"type": "array", "prefixItems": [{"type": "string"}, {"type": "integer"}]}),
            true,
        );
        assert_eq!(mixed, json!({"type": "array", "items": {}}));
        assert_eq!(notes.len(), 1, "{notes:?}");
    }

    #[test]
    fn type_arrays_and_null_branches_are_nullable() {
        assert_eq!(
            schema(json!({"type": ["string", "null"], "minLength": 1}), true).0,
            json!({"type": "string", "minLength": 1, "nullable": true})
        );
        assert_eq!(
            schema(
                json!({"anyOf": [{"$ref": "#/components/schemas/A"}, {"type": "null"}]}),
                true
            )
            .0,
            json!({"allOf": [{"$ref": "#/components/schemas/A"}], "nullable": true})
        );
        assert_eq!(
            schema(
                json!({"type": ["string", "integer"], "minLength": 2, "minimum": 1}),
                true
            )
            .0,
            json!({"anyOf": [{"type": "string", "minLength": 2}, {"type": "integer", "minimum": 1}]})
        );
    }

    #[test]
    fn const_exclusive_bounds_and_examples_are_read_as_3_0_writes_them() {
        assert_eq!(
            schema(json!({"const": "x"}), true).0,
            json!({"type": "string", "enum": ["x"]})
        );
        assert_eq!(
            schema(
                json!({"type": "number", "exclusiveMinimum": 0, "examples": [1, 2]}),
                true
            )
            .0,
            json!({"type": "number", "minimum": 0, "exclusiveMinimum": true, "example": 1})
        );
        let (_, notes) = schema(json!({"type": "number", "exclusiveMinimum": 0}), false);
        assert!(notes[0].contains("OpenAPI 3.0 document"), "{notes:?}");
    }

    #[test]
    fn slips_are_read_as_meant_and_noted() {
        let (value, notes) = schema(
            json!({"type": "integer", "minimum": -9.3e18, "maximum": 5, "required": true}),
            false,
        );
        assert_eq!(value, json!({"type": "integer", "maximum": 5}));
        assert_eq!(notes.len(), 2, "{notes:?}");
    }

    #[test]
    fn a_reference_keeps_its_constraints_and_drops_annotations() {
        assert_eq!(
            schema(
                json!({"$ref": "#/components/schemas/A", "description": "d"}),
                true
            )
            .0,
            json!({"$ref": "#/components/schemas/A"})
        );
        assert_eq!(
            schema(
                json!({"$ref": "#/components/schemas/A", "nullable": true}),
                false
            )
            .0,
            json!({"allOf": [{"$ref": "#/components/schemas/A"}], "nullable": true})
        );
        assert_eq!(
            schema(
                json!({"$ref": "#/components/schemas/A", "required": ["x"]}),
                true
            )
            .0,
            json!({"allOf": [{"$ref": "#/components/schemas/A"}, {"required": ["x"]}]})
        );
    }

    #[test]
    fn operation_ids_come_from_method_and_path() {
        assert_eq!(
            derived_operation_id("get", "/pets/{petId}"),
            "get_pets_by_petId"
        );
        assert_eq!(derived_operation_id("post", "/streams"), "post_streams");
        assert_eq!(
            derived_operation_id("delete", "/a-b/{c.d}/"),
            "delete_a_b_by_c_d"
        );
    }
}
