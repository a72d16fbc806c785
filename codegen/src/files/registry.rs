//! The `usagekit-providers` crate: every provider of `specs/providers.toml` in one
//! list, so the `usagekit` command reaches a new provider with no Rust change.

use quote::{format_ident, quote};

use super::{GeneratedFile, format, manifest};
use crate::settings::ProviderSettings;

pub const REGISTRY_CRATE: &str = "usagekit-providers";
const SETTINGS_PATH: &str = "specs/providers.toml";

/// The registry crate's files, sorted by path.
pub fn registry_crate(providers: &[ProviderSettings]) -> Vec<GeneratedFile> {
    let services = providers.iter().map(|provider| {
        let krate = format_ident!("{}", provider.crate_ident());
        quote!(&#krate::SERVICE)
    });
    let round_trips = providers.iter().map(|provider| {
        let krate = format_ident!("{}", provider.crate_ident());
        let key = &provider.key;
        quote!(#key => #krate::__round_trip(operation, status, with),)
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

        /// For tests: a provider's `__round_trip` by its key.
        #[doc(hidden)]
        pub fn __round_trip<W: usagekit_runtime::__private::WithBodyType>(
            provider: &str,
            operation: &str,
            status: Option<u16>,
            with: W,
        ) -> Option<W::Output> {
            match provider {
                #(#round_trips)*
                _ => None,
            }
        }
    };
    let manifest = manifest::registry(
        SETTINGS_PATH,
        REGISTRY_CRATE,
        "Every UsageKit client crate in one list, for tools that choose the provider at run time",
        providers,
    );
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
