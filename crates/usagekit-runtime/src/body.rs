//! Request bodies other than JSON: `application/x-www-form-urlencoded` and
//! `multipart/form-data`.

use crate::style::{Style, query_pairs};
use crate::tree::Tree;

/// How one property of a form body is written: its `encoding` entry.
pub type FormEncoding = (&'static str, Style, bool);

/// An `application/x-www-form-urlencoded` body. Each property is written as a
/// query parameter of its name, in the style its `encoding` entry gives (default:
/// `form`, exploded); a nested object without one is written as a `deepObject`
/// (`metadata[key]=value`), which is what APIs that take form bodies read.
pub(crate) fn form(body: &Tree, encodings: &[FormEncoding]) -> Result<Vec<u8>, String> {
    let Tree::Map(properties) = body else {
        return Err("a form body must be an object".to_owned());
    };
    let mut encoded = form_urlencoded::Serializer::new(String::new());
    for (name, value) in properties {
        if value.is_null() {
            continue;
        }
        let (style, explode) = encodings
            .iter()
            .find(|(property, _, _)| property == name)
            .map(|(_, style, explode)| (*style, *explode))
            .unwrap_or(match value {
                Tree::Map(_) => (Style::DeepObject, true),
                _ => (Style::Form, true),
            });
        for (key, text) in query_pairs(name, value, style, explode) {
            encoded.append_pair(&key, &text);
        }
    }
    Ok(encoded.finish().into_bytes())
}

/// A multipart field's content type (`encoding.<property>.contentType`).
pub type PartEncoding = (&'static str, &'static str);

/// A `multipart/form-data` body, and its content type with the boundary. Each
/// property is a part: a [`File`] with its name and type, text as `text/plain`,
/// objects and lists of scalars as JSON, a list of files as one part each.
pub(crate) fn multipart(
    body: &Tree,
    encodings: &[PartEncoding],
) -> Result<(Vec<u8>, String), String> {
    let Tree::Map(properties) = body else {
        return Err("a multipart body must be an object".to_owned());
    };
    let boundary: String = std::iter::repeat_with(fastrand::alphanumeric)
        .take(32)
        .collect();
    let mut out = Vec::new();
    for (name, value) in properties {
        let declared = encodings
            .iter()
            .find(|(property, _)| property == name)
            .map(|(_, kind)| *kind);
        match value {
            Tree::Null => {}
            Tree::Seq(items) if items.iter().any(|i| matches!(i, Tree::File(_))) => {
                for item in items {
                    part(&mut out, &boundary, name, item, declared);
                }
            }
            other => part(&mut out, &boundary, name, other, declared),
        }
    }
    out.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    Ok((out, format!("multipart/form-data; boundary={boundary}")))
}

/// A name inside a `Content-Disposition` quoted string (the HTML form rules).
fn quoted(name: &str) -> String {
    name.replace('"', "%22")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn part(out: &mut Vec<u8>, boundary: &str, name: &str, value: &Tree, declared: Option<&str>) {
    let name = quoted(name);
    let (filename, content_type, content): (Option<String>, Option<String>, Vec<u8>) = match value {
        Tree::File(file) => (
            Some(file.name.clone().unwrap_or_else(|| name.clone())),
            Some(
                file.content_type
                    .clone()
                    .or(declared.map(str::to_owned))
                    .unwrap_or_else(|| "application/octet-stream".to_owned()),
            ),
            file.bytes.to_vec(),
        ),
        Tree::Map(_) | Tree::Seq(_) => (
            None,
            Some(declared.unwrap_or("application/json").to_owned()),
            value.to_json().into_bytes(),
        ),
        Tree::String(text) | Tree::Number(text) => {
            (None, declared.map(str::to_owned), text.clone().into_bytes())
        }
        Tree::Bool(b) => (
            None,
            declared.map(str::to_owned),
            b.to_string().into_bytes(),
        ),
        Tree::Null => return,
    };
    out.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
    let disposition = match &filename {
        Some(file) => format!(
            "Content-Disposition: form-data; name=\"{name}\"; filename=\"{}\"\r\n",
            quoted(file)
        ),
        None => format!("Content-Disposition: form-data; name=\"{name}\"\r\n"),
    };
    out.extend_from_slice(disposition.as_bytes());
    if let Some(kind) = content_type {
        out.extend_from_slice(format!("Content-Type: {kind}\r\n").as_bytes());
    }
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(&content);
    out.extend_from_slice(b"\r\n");
}

#[cfg(test)]
mod tests {
    use serde::Serialize;

    use super::*;
    use crate::file::File;
    use crate::tree::to_tree;

    #[derive(Serialize)]
    struct Charge {
        amount: i64,
        currency: &'static str,
        metadata: std::collections::BTreeMap<&'static str, &'static str>,
        expand: Vec<&'static str>,
        description: Option<&'static str>,
    }

    #[test]
    fn form_bodies_flatten_objects_as_deep_objects_and_follow_encodings() {
        let charge = Charge {
            amount: 2000,
            currency: "usd",
            metadata: [("order", "6735")].into(),
            expand: vec!["customer", "invoice"],
            description: None,
        };
        let tree = to_tree(&charge).unwrap();
        let body = String::from_utf8(form(&tree, &[]).unwrap()).unwrap();
        assert_eq!(
            body,
            "amount=2000&currency=usd&metadata%5Border%5D=6735&expand=customer&expand=invoice"
        );
        let deep = [("expand", Style::DeepObject, true)];
        let body = String::from_utf8(form(&tree, &deep).unwrap()).unwrap();
        assert!(
            body.ends_with("&expand%5B0%5D=customer&expand%5B1%5D=invoice"),
            "{body}"
        );
    }

    #[derive(Serialize)]
    struct Upload {
        file: File,
        purpose: &'static str,
        attributes: std::collections::BTreeMap<&'static str, i64>,
    }

    #[test]
    fn multipart_bodies_send_files_with_their_names_and_types() {
        let upload = Upload {
            file: File::new(&b"a,b\n"[..])
                .name("data.csv")
                .content_type("text/csv"),
            purpose: "batch",
            attributes: [("size", 4)].into(),
        };
        let (body, content_type) = multipart(&to_tree(&upload).unwrap(), &[]).unwrap();
        let boundary = content_type
            .strip_prefix("multipart/form-data; boundary=")
            .unwrap();
        let expected = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"data.csv\"\r\n\
             Content-Type: text/csv\r\n\r\na,b\n\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nbatch\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"attributes\"\r\n\
             Content-Type: application/json\r\n\r\n{{\"size\":4}}\r\n--{boundary}--\r\n"
        );
        assert_eq!(String::from_utf8(body).unwrap(), expected);
    }
}
