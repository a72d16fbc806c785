//! What the later stages know about a spec besides progenitor's output: read once
//! from the linted document and the provider's settings.

use std::collections::BTreeMap;

use openapiv3::OpenAPI;

use crate::model::{self, OperationModel, Union};
use crate::naming;
use crate::report::{self, ReportModel};
use crate::settings::ProviderSettings;

/// Everything `postprocess`, `extras` and `emit` need besides progenitor's output.
pub struct Context<'a> {
    pub settings: &'a ProviderSettings,
    pub operations: Vec<OperationModel>,
    pub unions: Vec<Union>,
    pub credentials: Vec<model::Credential>,
    pub default_base_url: String,
    /// Component types renamed away from the crate root's names (`Error` → `ErrorObject`).
    pub renamed_types: BTreeMap<String, String>,
    /// Operations with `x-usagekit-report` (checked by the lints), in document order:
    /// operationId, the mapping, the 2xx response's example (minified JSON).
    pub reports: Vec<(String, ReportModel, Option<String>)>,
}

impl<'a> Context<'a> {
    pub fn new(api: &OpenAPI, settings: &'a ProviderSettings) -> Self {
        let schema_names = api
            .components
            .iter()
            .flat_map(|c| c.schemas.keys().map(String::as_str));
        let taken: Vec<String> = schema_names.clone().map(naming::type_name).collect();
        let renamed_types = naming::root_name_renames(schema_names);
        let rename = |name: &mut String| {
            if let Some(new) = renamed_types.get(name.as_str()) {
                name.clone_from(new);
            }
        };
        let mut operations = model::operations(api);
        for operation in &mut operations {
            if let Some(method) = settings.methods.get(&operation.id) {
                operation.method.clone_from(method);
            }
            if let Some(errors) = &mut operation.errors {
                rename(&mut errors.type_name);
                for (_, ty) in &mut errors.bodies {
                    rename(ty);
                }
                // The error enum is named after the method users call.
                if errors.enum_name.is_some() {
                    let base = naming::type_name(&operation.method);
                    let name = ["Error", "ErrorBody", "ErrorResponses"]
                        .iter()
                        .map(|suffix| format!("{base}{suffix}"))
                        .find(|name| !taken.contains(name))
                        .unwrap_or_else(|| format!("{base}Errors"));
                    errors.type_name.clone_from(&name);
                    errors.enum_name = Some(name);
                }
            }
            if let Some(pagination) = &mut operation.pagination {
                rename(&mut pagination.item_type);
            }
            if let Some(successes) = &mut operation.successes {
                for (_, _, body) in &mut successes.variants {
                    if let Some(body) = body {
                        rename(body);
                    }
                }
                let base = naming::type_name(&operation.method);
                successes.enum_name = ["Response", "Result", "Responses"]
                    .iter()
                    .map(|suffix| format!("{base}{suffix}"))
                    .find(|name| !taken.contains(name))
                    .unwrap_or_else(|| format!("{base}Outcome"));
            }
        }
        let mut unions = model::unions(api);
        for union in &mut unions {
            rename(&mut union.type_name);
            for (_, variant, _) in &mut union.variants {
                rename(variant);
            }
        }
        let reports = api
            .paths
            .iter()
            .filter_map(|(_, item)| item.as_item())
            .flat_map(|item| item.iter().map(|(_, operation)| operation))
            .filter_map(|operation| {
                let mapping = report::report(api, operation).ok().flatten()?;
                let id = operation.operation_id.clone()?;
                Some((id, mapping, report::example(api, operation)))
            })
            .collect();
        Self {
            settings,
            reports,
            operations,
            unions,
            credentials: model::credentials(api),
            default_base_url: api
                .servers
                .first()
                .map(|s| s.url.clone())
                .unwrap_or_default(),
            renamed_types,
        }
    }
}
