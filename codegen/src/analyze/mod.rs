//! One pass over a loaded spec and its settings that yields the model every later
//! stage reads and, together, every problem found: what progenitor would panic
//! on or get wrong, extensions that name what is not there, settings that do not
//! fit the spec. Each problem names the place (a JSON pointer and the operation)
//! and the fix.

mod body;
mod document;
pub mod model;
mod names;
mod operations;
mod pagination;
pub mod report;
mod responses;
mod security;
mod settings;
mod unions;

use crate::diagnostic::{Diagnostic, Location};
use crate::settings::ProviderSettings;
use crate::spec::LoadedSpec;

pub use model::Model;
pub use operations::merged as merged_parameters;

/// A place inside one operation: the JSON pointer, and which operation it is.
pub struct OperationAt<'a> {
    pointer: &'a str,
    id: &'a str,
}

impl<'a> OperationAt<'a> {
    fn new(pointer: &'a str, id: &'a str) -> Self {
        Self { pointer, id }
    }

    pub fn join(&self, suffix: &str) -> Location {
        Location::in_operation(format!("{}{suffix}", self.pointer), self.id)
    }
}

/// The model of `spec`, or every problem found in it and its settings.
pub fn analyze<'a>(
    file: &str,
    spec: &LoadedSpec,
    settings: &'a ProviderSettings,
) -> Result<Model<'a>, Vec<Diagnostic>> {
    let api = &spec.api;
    let mut found = Vec::new();
    document::check_refs(file, &spec.raw, &mut found);
    if !found.is_empty() {
        // Everything else resolves references; report the broken ones alone.
        return Err(found);
    }
    document::check_component_names(file, &spec.raw, &mut found);
    document::check_servers(file, api, &mut found);
    security::check(file, api, &mut found);
    let (operations, reports) = operations::analyze(file, api, &mut found);
    let unions = unions::analyze(file, api, &mut found);
    // Every refusal inside an operation can also be met by leaving it out.
    for problem in &mut found {
        if let Some(id) = problem.location.as_ref().and_then(|at| at.operation()) {
            let hint = format!(
                "or leave the operation out: `exclude = [\"{id}\"]` for [{}] in specs/providers.toml",
                settings.key
            );
            problem.help = Some(match problem.help.take() {
                Some(help) => format!("{help}; {hint}"),
                None => hint,
            });
        }
    }
    let credentials = security::credentials(api);
    settings::check(file, settings, &operations, &credentials, &mut found);
    if !found.is_empty() {
        return Err(found);
    }
    let mut model = Model {
        settings,
        title: api.info.title.clone(),
        description: api.info.description.clone(),
        api_version: api.info.version.clone(),
        security: api
            .security
            .iter()
            .flatten()
            .map(|requirement| requirement.keys().cloned().collect())
            .collect(),
        operations,
        unions,
        credentials,
        default_base_url: api
            .servers
            .first()
            .map(|s| s.url.clone())
            .unwrap_or_default(),
        renamed_types: Default::default(),
        reports,
    };
    names::settle(api, &mut model);
    Ok(model)
}
