//! What the later stages know about a spec besides progenitor's output: read once
//! from the linted document and the provider's settings.

use openapiv3::OpenAPI;

use crate::model::{self, OperationModel, Union};
use crate::settings::ProviderSettings;

/// Everything `postprocess`, `extras` and `emit` need besides progenitor's output.
pub struct Context<'a> {
    pub settings: &'a ProviderSettings,
    pub operations: Vec<OperationModel>,
    pub unions: Vec<Union>,
    pub credentials: Vec<model::Credential>,
    pub default_base_url: String,
}

impl<'a> Context<'a> {
    pub fn new(api: &OpenAPI, settings: &'a ProviderSettings) -> Self {
        Self {
            settings,
            operations: model::operations(api),
            unions: model::unions(api),
            credentials: model::credentials(api),
            default_base_url: api
                .servers
                .first()
                .map(|s| s.url.clone())
                .unwrap_or_default(),
        }
    }
}
