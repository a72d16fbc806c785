//! The normalised document as typed OpenAPI 3.0.

use openapiv3::OpenAPI;
use serde_json::Value;

use crate::diagnostic::Diagnostic;

/// The typed document; a field of the wrong shape names its place.
pub fn typed(file: &str, raw: &Value) -> Result<OpenAPI, Diagnostic> {
    let api = serde_path_to_error::deserialize::<_, OpenAPI>(raw).map_err(|e| {
        let path = e.path().to_string();
        Diagnostic::new(file, format!("not valid OpenAPI here: {}", e.inner()))
            .at(format!("#/{}", path.replace('.', "/")))
            .help("give this field the shape the OpenAPI specification defines for it")
    })?;
    Ok(api)
}
