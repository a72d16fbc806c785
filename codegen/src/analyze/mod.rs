//! One pass over a loaded spec and its settings that yields the model every later
//! stage reads and, together, every problem found: what progenitor would panic
//! on or get wrong, extensions that name what is not there, settings that do not
//! fit the spec. Each problem names the place (a JSON pointer and the operation)
//! and the fix.

mod body;
mod document;
pub mod features;
pub mod model;
mod names;
mod operations;
mod pagination;
pub mod report;
mod responses;
mod security;
mod settings;
mod unions;

use std::collections::BTreeSet;

use crate::diagnostic::{Diagnostic, Location};
use crate::settings::{ProviderSettings, Unsupported};
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

/// What the analysis yields: the model, what was read differently from the
/// letter of the document, and the operations left out with their reasons.
pub struct Analysis<'a> {
    pub model: Model<'a>,
    pub notes: Vec<Diagnostic>,
    pub left_out: Vec<Diagnostic>,
}

/// The model of `spec`, or every problem found in it and its settings.
pub fn analyze<'a>(
    file: &str,
    spec: &LoadedSpec,
    settings: &'a ProviderSettings,
) -> Result<Analysis<'a>, Vec<Diagnostic>> {
    let api = &spec.api;
    let mut found = Vec::new();
    let mut notes = spec.notes.clone();
    document::check_refs(file, &spec.raw, &mut found);
    if !found.is_empty() {
        // Everything else resolves references; report the broken ones alone.
        return Err(found);
    }
    document::check_component_names(file, &spec.raw, &mut notes);
    let default_base_url = document::default_base_url(file, api, &mut notes);
    security::check(file, api, &mut found);
    let (mut operations, mut reports) =
        operations::analyze(file, api, settings, &mut found, &mut notes);
    let unions = unions::analyze(file, api, &mut notes);
    let left_out = leave_out(&mut found, settings, &mut operations, &mut reports);
    let credentials = security::credentials(api, settings);
    settings::check(file, settings, &operations, &credentials, &mut found);
    if !found.is_empty() {
        return Err(found);
    }
    let features = features::analyze(settings, &mut operations);
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
        default_base_url,
        renamed_types: Default::default(),
        reports,
        features,
    };
    names::settle(api, &mut model);
    Ok(Analysis {
        model,
        notes,
        left_out,
    })
}

/// Problems inside an operation: with `unsupported = "skip"`, the operation is
/// left out and the problem says why; otherwise a refusal that says how to leave
/// it out.
fn leave_out(
    found: &mut Vec<Diagnostic>,
    settings: &ProviderSettings,
    operations: &mut Vec<model::OperationModel>,
    reports: &mut Vec<usagekit_report::ReportSpec>,
) -> Vec<Diagnostic> {
    let operation_of = |problem: &Diagnostic| {
        problem
            .location
            .as_ref()
            .and_then(|at| at.operation())
            .map(str::to_owned)
    };
    if settings.unsupported == Unsupported::Skip {
        let (left_out, kept): (Vec<Diagnostic>, Vec<Diagnostic>) = std::mem::take(found)
            .into_iter()
            .partition(|p| operation_of(p).is_some());
        *found = kept;
        let ids: BTreeSet<String> = left_out.iter().filter_map(operation_of).collect();
        operations.retain(|operation| !ids.contains(&operation.id));
        reports.retain(|report| !ids.contains(report.operation.as_ref()));
        return left_out;
    }
    for problem in found.iter_mut() {
        if let Some(id) = operation_of(problem) {
            let hint = format!(
                "or leave the operation out: `exclude = [\"{id}\"]` (or `unsupported = \"skip\"`) for [{}] in specs/providers.toml",
                settings.key
            );
            problem.help = Some(match problem.help.take() {
                Some(help) => format!("{help}; {hint}"),
                None => hint,
            });
        }
    }
    Vec::new()
}
