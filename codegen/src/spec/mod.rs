//! Text in, a typed document out: parsing, the settings' `exclude`, names for the
//! inline schemas the client must name, and what every later stage uses to read
//! the document (the one `$ref` resolver, the one walker, status classes).

pub mod examples;
mod load;
mod names;
mod normalize;
mod parse;
pub mod refs;
mod select;
pub mod status;
pub mod walk;

use openapiv3::OpenAPI;
use serde_json::Value;

use crate::diagnostic::Diagnostic;

/// A spec, parsed twice: as plain JSON (for lints that walk every node) and typed.
pub struct LoadedSpec {
    pub raw: Value,
    pub api: OpenAPI,
    /// What was read differently from the letter of the document, or left out.
    pub notes: Vec<Diagnostic>,
}

/// The document, parsed and normalised (OpenAPI 3.1 and 3.0 alike, in 3.0's shape).
pub fn load(file: &str, text: &str) -> Result<LoadedSpec, Diagnostic> {
    let parsed = parse::parse(file, text)?;
    let normalized = normalize::normalize(file, parsed.raw, &parsed.non_string_keys)?;
    let api = load::typed(file, &normalized.raw)?;
    Ok(LoadedSpec {
        raw: normalized.raw,
        api,
        notes: normalized.notes,
    })
}

/// The document as the rest of the pipeline reads it: loaded, without the
/// operations `exclude` names, its inline error schemas named.
pub fn read(file: &str, text: &str, exclude: &[String]) -> Result<LoadedSpec, Diagnostic> {
    let spec = load(file, text)?;
    let spec = select::exclude(file, spec, exclude)?;
    names::name_inline_schemas(file, spec)
}

/// The typed document again, after a rewrite of its JSON.
fn reparse(
    file: &str,
    spec: LoadedSpec,
    raw: Value,
    after: &str,
) -> Result<LoadedSpec, Diagnostic> {
    let api = serde_json::from_value(raw.clone())
        .map_err(|e| Diagnostic::new(file, format!("not a valid OpenAPI document {after}: {e}")))?;
    Ok(LoadedSpec { raw, api, ..spec })
}
