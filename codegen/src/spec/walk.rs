//! The one walk over a document's JSON: its operations, and every OpenAPI object
//! in it with its JSON pointer. Literal data (examples, defaults, enums, `x-`
//! extensions) is never walked into: it is data, never a reference or a schema.

use serde_json::{Map, Value};

use crate::diagnostic::pointer_token;

/// The HTTP methods a path item may hold, in OpenAPI's order.
pub const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// What [`for_each_operation_mut`] calls: path, method, operation object.
pub type OperationVisitor<'v> = dyn FnMut(&str, &str, &mut Map<String, Value>) + 'v;

/// Calls `visit` with the path, the method and the operation object of every
/// operation of the document, in document order.
pub fn for_each_operation_mut(raw: &mut Value, visit: &mut OperationVisitor<'_>) {
    let Some(Value::Object(paths)) = raw.get_mut("paths") else {
        return;
    };
    for (path, item) in paths.iter_mut() {
        let Value::Object(item) = item else { continue };
        for (method, operation) in item.iter_mut() {
            if let (true, Value::Object(operation)) =
                (METHODS.contains(&method.as_str()), operation)
            {
                visit(path, method, operation);
            }
        }
    }
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

/// Calls `visit` on every OpenAPI object of the document with its JSON pointer.
pub fn walk(root: &Value, visit: &mut dyn FnMut(&Map<String, Value>, &str)) {
    walk_from(root, Place::Object, &mut String::from("#"), visit);
}

fn walk_from(
    node: &Value,
    place: Place,
    at: &mut String,
    visit: &mut dyn FnMut(&Map<String, Value>, &str),
) {
    fn descend(
        key: &str,
        value: &Value,
        place: Place,
        at: &mut String,
        visit: &mut dyn FnMut(&Map<String, Value>, &str),
    ) {
        let len = at.len();
        at.push('/');
        at.push_str(&pointer_token(key));
        walk_from(value, place, at, visit);
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
