//! Text in, a typed document out: parsing, the settings' `exclude`, names for the
//! inline schemas the client must name, and what every later stage uses to read
//! the document (the one `$ref` resolver, the one walker, status classes).

mod load;
mod names;
pub mod refs;
mod select;
pub mod status;
pub mod walk;

use openapiv3::OpenAPI;
use serde_json::Value;

use crate::diagnostic::Diagnostic;

pub use load::load;

/// A spec, parsed twice: as plain JSON (for lints that walk every node) and typed.
pub struct LoadedSpec {
    pub raw: Value,
    pub api: OpenAPI,
}

/// The document as the rest of the pipeline reads it: parsed, without the
/// operations `exclude` names, its inline error schemas named.
pub fn read(file: &str, text: &str, exclude: &[String]) -> Result<LoadedSpec, Diagnostic> {
    let spec = load(file, text)?;
    let spec = select::exclude(file, spec, exclude)?;
    names::name_inline_schemas(file, spec)
}

/// The typed document again, after a rewrite of its JSON.
fn reparse(file: &str, raw: Value, after: &str) -> Result<LoadedSpec, Diagnostic> {
    let api = serde_json::from_value(raw.clone())
        .map_err(|e| Diagnostic::new(file, format!("not a valid OpenAPI document {after}: {e}")))?;
    Ok(LoadedSpec { raw, api })
}
