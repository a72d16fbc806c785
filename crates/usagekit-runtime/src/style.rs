//! Parameters on the wire, as OpenAPI's `style` and `explode` say (OpenAPI 3.1.1,
//! "Style Values" and "Style Examples"): every value is first made a [`Tree`] by
//! serde, then rendered.

use crate::tree::Tree;

/// How a parameter's value is written (`style` in the spec).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// Query and cookie default: `a=1&a=2` (explode) or `a=1,2`.
    Form,
    /// Path and header default: `1,2`.
    Simple,
    /// Path: `.1.2` (explode) or `.1,2`.
    Label,
    /// Path: `;a=1;a=2` (explode) or `;a=1,2`.
    Matrix,
    /// Query arrays: `a=1%202`.
    SpaceDelimited,
    /// Query arrays: `a=1|2`.
    PipeDelimited,
    /// Query objects: `a[x]=1&a[y]=2`; nested objects and arrays as their
    /// bracketed paths (`a[x][0]=1`), as Stripe and its SDKs write them.
    DeepObject,
}

/// A scalar as parameter text: strings as they are, numbers and booleans as JSON
/// writes them, null as empty.
fn scalar(value: &Tree) -> String {
    match value {
        Tree::String(text) | Tree::Number(text) => text.clone(),
        Tree::Bool(b) => b.to_string(),
        Tree::Null => String::new(),
        other => other.to_json(),
    }
}

/// Scalars of an array (nested arrays and objects as JSON text).
fn items(values: &[Tree]) -> Vec<String> {
    values.iter().map(scalar).collect()
}

/// `(key, value)` pairs of an object, values as text.
fn pairs(map: &[(String, Tree)]) -> Vec<(String, String)> {
    map.iter()
        .filter(|(_, value)| !value.is_null())
        .map(|(key, value)| (key.clone(), scalar(value)))
        .collect()
}

/// The `name=value` pairs a query (or form body) parameter becomes, unencoded.
pub(crate) fn query_pairs(
    name: &str,
    value: &Tree,
    style: Style,
    explode: bool,
) -> Vec<(String, String)> {
    match (value, style) {
        (Tree::Seq(values), Style::DeepObject) => deep(name, value, values.is_empty()),
        (Tree::Map(_), Style::DeepObject) => deep(name, value, false),
        (Tree::Seq(values), _) if explode => items(values)
            .into_iter()
            .map(|item| (name.to_owned(), item))
            .collect(),
        (Tree::Seq(values), _) => {
            let separator = match style {
                Style::SpaceDelimited => " ",
                Style::PipeDelimited => "|",
                _ => ",",
            };
            vec![(name.to_owned(), items(values).join(separator))]
        }
        (Tree::Map(map), _) if explode => pairs(map),
        (Tree::Map(map), _) => {
            let flat: Vec<String> = pairs(map).into_iter().flat_map(|(k, v)| [k, v]).collect();
            vec![(name.to_owned(), flat.join(","))]
        }
        (scalar_value, _) => vec![(name.to_owned(), scalar(scalar_value))],
    }
}

/// `name[key]=value` for every leaf, arrays by index.
fn deep(name: &str, value: &Tree, empty_array: bool) -> Vec<(String, String)> {
    let mut out = Vec::new();
    fn walk(prefix: String, value: &Tree, out: &mut Vec<(String, String)>) {
        match value {
            Tree::Map(map) => {
                for (key, value) in map {
                    walk(format!("{prefix}[{key}]"), value, out);
                }
            }
            Tree::Seq(values) => {
                for (index, value) in values.iter().enumerate() {
                    walk(format!("{prefix}[{index}]"), value, out);
                }
            }
            Tree::Null => {}
            leaf => out.push((prefix, scalar(leaf))),
        }
    }
    walk(name.to_owned(), value, &mut out);
    // An empty list is sent as an empty value, so the server sees it was set.
    if out.is_empty() && empty_array {
        out.push((name.to_owned(), String::new()));
    }
    out
}

/// The text a header (or cookie) value becomes: OpenAPI's `simple` style.
pub(crate) fn simple(value: &Tree, explode: bool) -> String {
    match value {
        Tree::Seq(values) => items(values).join(","),
        Tree::Map(map) if explode => pairs(map)
            .into_iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(","),
        Tree::Map(map) => pairs(map)
            .into_iter()
            .flat_map(|(k, v)| [k, v])
            .collect::<Vec<_>>()
            .join(","),
        other => scalar(other),
    }
}

/// Characters a path segment keeps as they are: RFC 3986 unreserved.
const PATH_SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

fn encode(text: &str) -> String {
    percent_encoding::utf8_percent_encode(text, PATH_SEGMENT).to_string()
}

/// A path parameter's text in the path, percent-encoded: `simple`, `label` or
/// `matrix`.
pub(crate) fn path(name: &str, value: &Tree, style: Style, explode: bool) -> String {
    let values: Vec<String> = match value {
        Tree::Seq(values) => items(values).iter().map(|v| encode(v)).collect(),
        Tree::Map(map) => pairs(map)
            .into_iter()
            .map(|(k, v)| {
                let separator = if explode { "=" } else { "," };
                format!("{}{separator}{}", encode(&k), encode(&v))
            })
            .collect(),
        other => vec![encode(&scalar(other))],
    };
    let name = encode(name);
    match style {
        Style::Label if explode => values.iter().map(|v| format!(".{v}")).collect(),
        Style::Label => format!(".{}", values.join(",")),
        Style::Matrix if explode && matches!(value, Tree::Map(_)) => {
            values.iter().map(|v| format!(";{v}")).collect()
        }
        Style::Matrix if explode => values.iter().map(|v| format!(";{name}={v}")).collect(),
        Style::Matrix => format!(";{name}={}", values.join(",")),
        _ => values.join(","),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(value: &str) -> Tree {
        Tree::String(value.to_owned())
    }

    fn number(value: i64) -> Tree {
        Tree::Number(value.to_string())
    }

    fn map(entries: &[(&str, Tree)]) -> Tree {
        Tree::Map(
            entries
                .iter()
                .map(|(k, v)| ((*k).to_owned(), v.clone()))
                .collect(),
        )
    }

    fn colors() -> (Tree, Tree) {
        (
            Tree::Seq(vec![text("blue"), text("black"), text("brown")]),
            map(&[("R", number(100)), ("G", number(200)), ("B", number(150))]),
        )
    }

    fn owned(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    /// OpenAPI 3.1.1, "Style Examples": color = "blue", ["blue","black","brown"],
    /// {"R":100,"G":200,"B":150}.
    #[test]
    fn query_styles_follow_the_specification_table() {
        let (array, object) = colors();
        let query = |value: &Tree, style, explode| query_pairs("color", value, style, explode);
        assert_eq!(
            query(&text("blue"), Style::Form, true),
            owned(&[("color", "blue")])
        );
        assert_eq!(
            query(&array, Style::Form, true),
            owned(&[("color", "blue"), ("color", "black"), ("color", "brown")])
        );
        assert_eq!(
            query(&array, Style::Form, false),
            owned(&[("color", "blue,black,brown")])
        );
        assert_eq!(
            query(&object, Style::Form, true),
            owned(&[("R", "100"), ("G", "200"), ("B", "150")])
        );
        assert_eq!(
            query(&object, Style::Form, false),
            owned(&[("color", "R,100,G,200,B,150")])
        );
        assert_eq!(
            query(&array, Style::SpaceDelimited, false),
            owned(&[("color", "blue black brown")])
        );
        assert_eq!(
            query(&array, Style::PipeDelimited, false),
            owned(&[("color", "blue|black|brown")])
        );
        assert_eq!(
            query(&object, Style::DeepObject, true),
            owned(&[
                ("color[R]", "100"),
                ("color[G]", "200"),
                ("color[B]", "150")
            ])
        );
    }

    #[test]
    fn deep_objects_nest_and_index_lists_as_stripe_does() {
        let value = map(&[
            (
                "card",
                map(&[
                    ("number", text("4242")),
                    ("exp", Tree::Seq(vec![number(12), number(34)])),
                ]),
            ),
            ("none", Tree::Null),
        ]);
        assert_eq!(
            query_pairs("source", &value, Style::DeepObject, true),
            owned(&[
                ("source[card][number]", "4242"),
                ("source[card][exp][0]", "12"),
                ("source[card][exp][1]", "34"),
            ])
        );
        let expand = Tree::Seq(vec![text("a"), text("b")]);
        assert_eq!(
            query_pairs("expand", &expand, Style::DeepObject, true),
            owned(&[("expand[0]", "a"), ("expand[1]", "b")])
        );
    }

    #[test]
    fn path_styles_follow_the_specification_table() {
        let (array, object) = colors();
        let p = |value: &Tree, style, explode| path("color", value, style, explode);
        assert_eq!(p(&text("blue"), Style::Simple, false), "blue");
        assert_eq!(p(&array, Style::Simple, false), "blue,black,brown");
        assert_eq!(p(&object, Style::Simple, false), "R,100,G,200,B,150");
        assert_eq!(p(&object, Style::Simple, true), "R=100,G=200,B=150");
        assert_eq!(p(&text("blue"), Style::Label, false), ".blue");
        assert_eq!(p(&array, Style::Label, false), ".blue,black,brown");
        assert_eq!(p(&array, Style::Label, true), ".blue.black.brown");
        assert_eq!(p(&text("blue"), Style::Matrix, false), ";color=blue");
        assert_eq!(p(&array, Style::Matrix, false), ";color=blue,black,brown");
        assert_eq!(
            p(&array, Style::Matrix, true),
            ";color=blue;color=black;color=brown"
        );
        assert_eq!(p(&object, Style::Matrix, true), ";R=100;G=200;B=150");
        // Reserved characters never leave their segment.
        assert_eq!(p(&text("a/b c?"), Style::Simple, false), "a%2Fb%20c%3F");
    }

    #[test]
    fn headers_are_simple() {
        let (array, _) = colors();
        assert_eq!(simple(&array, false), "blue,black,brown");
        assert_eq!(
            simple(&map(&[("R", number(1)), ("G", number(2))]), true),
            "R=1,G=2"
        );
        assert_eq!(simple(&number(7), false), "7");
    }
}
