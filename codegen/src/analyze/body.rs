//! An operation's request body: the media type the client sends, and how.

use openapiv3::{OpenAPI, Operation};

use super::model::{BodyKind, BodyModel, ParameterStyle};
use crate::spec::refs;

/// The body, in JSON where the operation takes JSON, else form, multipart, or
/// its first media type.
pub fn body(api: &OpenAPI, operation: &Operation) -> Option<BodyModel> {
    let body = refs::request_body(api, operation.request_body.as_ref()?)?;
    let essence = |name: &str| {
        name.split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase()
    };
    let preference = |name: &str| {
        let name = essence(name);
        if name == "application/json" {
            0
        } else if refs::is_json(&name) {
            1
        } else if name == "application/x-www-form-urlencoded" {
            2
        } else if name == "multipart/form-data" {
            3
        } else {
            4
        }
    };
    let (content_type, media) = body
        .content
        .iter()
        .enumerate()
        .min_by_key(|(index, (name, _))| (preference(name), *index))
        .map(|(_, entry)| entry)?;
    let essence = essence(content_type);
    let kind = if refs::is_json(&essence) {
        BodyKind::Json
    } else if essence == "application/x-www-form-urlencoded" {
        BodyKind::Form(
            media
                .encoding
                .iter()
                .map(|(name, encoding)| {
                    let style = match encoding.style {
                        Some(openapiv3::QueryStyle::DeepObject) => ParameterStyle::DeepObject,
                        Some(openapiv3::QueryStyle::SpaceDelimited) => {
                            ParameterStyle::SpaceDelimited
                        }
                        Some(openapiv3::QueryStyle::PipeDelimited) => ParameterStyle::PipeDelimited,
                        _ => ParameterStyle::Form,
                    };
                    // openapiv3 reads an absent `explode` as false; `spec` writes
                    // the default (true for `form`) before it parses.
                    let explode = encoding.explode;
                    (name.clone(), style, explode)
                })
                .collect(),
        )
    } else if essence == "multipart/form-data" {
        BodyKind::Multipart(
            media
                .encoding
                .iter()
                .filter_map(|(name, encoding)| Some((name.clone(), encoding.content_type.clone()?)))
                .collect(),
        )
    } else if essence.starts_with("text/") || essence.ends_with("xml") {
        BodyKind::Text
    } else {
        BodyKind::Bytes
    };
    Some(BodyModel {
        content_type: content_type.to_string(),
        kind,
        required: body.required,
        description: body.description.clone(),
    })
}
