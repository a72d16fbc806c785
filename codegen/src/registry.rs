//! The `usagekit-providers` crate: every provider of `specs/providers.toml` in one
//! list, so the `usagekit` command reaches a new provider with no Rust change.

use quote::{format_ident, quote};

use crate::emit::{GeneratedFile, toml_entry};
use crate::format;
use crate::settings::ProviderSettings;

pub const REGISTRY_CRATE: &str = "usagekit-providers";
const SETTINGS_PATH: &str = "specs/providers.toml";

/// The registry crate's files, sorted by path.
pub fn registry_crate(providers: &[ProviderSettings]) -> Vec<GeneratedFile> {
    let services = providers.iter().map(|provider| {
        let krate = format_ident!("{}", provider.crate_ident());
        quote!(&#krate::SERVICE)
    });
    let keys: Vec<String> = providers
        .iter()
        .map(|provider| format!("`{}`", provider.key))
        .collect();
    let doc = format!(
        " Every provider of `{SETTINGS_PATH}`, by key: {}.",
        keys.join(", ")
    );
    let lib: syn::File = syn::parse_quote! {
        //! The generated clients of UsageKit, listed for tools that choose the provider at
        //! run time (the `usagekit` command). Each entry is a client crate's `SERVICE`.

        pub use usagekit_runtime;

        #[doc = #doc]
        pub static SERVICES: &[&usagekit_runtime::dynamic::Service] = &[#(#services),*];

        /// The provider with this key (`openai`) or crate name (`openai-usage`).
        pub fn service(name: &str) -> Option<&'static usagekit_runtime::dynamic::Service> {
            SERVICES
                .iter()
                .copied()
                .find(|service| service.key == name || service.crate_name == name)
        }
    };
    let workspace = || {
        let mut table = toml::Table::new();
        table.insert("workspace".into(), true.into());
        toml::Value::Table(table)
    };
    let package = [
        toml_entry("name", REGISTRY_CRATE),
        toml_entry("version", "0.1.0"),
        toml_entry(
            "description",
            "Every UsageKit client crate in one list, for tools that choose the provider at run time",
        ),
        toml_entry("edition", workspace()),
        toml_entry("rust-version", workspace()),
        toml_entry("license", workspace()),
        toml_entry("repository", workspace()),
    ];
    let mut dependencies = vec![toml_entry("usagekit-runtime", workspace())];
    for provider in providers {
        let mut entry = toml::Table::new();
        entry.insert("path".into(), format!("../{}", provider.crate_name).into());
        entry.insert("version".into(), provider.version.clone().into());
        dependencies.push(toml_entry(&provider.crate_name, toml::Value::Table(entry)));
    }
    let manifest = [
        format::header("#", SETTINGS_PATH),
        "\n[package]\n".to_owned(),
        package.concat(),
        "\n[dependencies]\n".to_owned(),
        dependencies.concat(),
    ]
    .concat();
    vec![
        GeneratedFile {
            path: "Cargo.toml".into(),
            contents: manifest,
        },
        GeneratedFile {
            path: "src/lib.rs".into(),
            contents: format::rust(SETTINGS_PATH, &lib),
        },
    ]
}
