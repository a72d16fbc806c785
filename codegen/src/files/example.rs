//! The crate's example program: the summary table of its usage where the spec maps
//! reports, else a call of the operation the settings name.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::visit::Visit;

use super::dependencies::Roots;
use super::lib_rs::REEXPORTED_CRATES;
use crate::analyze::Model;
use crate::analyze::model::OperationModel;
use crate::settings::{ExampleSettings, ProviderSettings};

/// Example names are global to the workspace's target directory: prefix the provider.
pub fn name(settings: &ProviderSettings) -> String {
    format!("{}_summary", settings.key.replace('-', "_"))
}

/// The example program, and its `main` as the README shows it.
pub(super) fn call(model: &Model<'_>) -> Result<Option<(syn::File, String)>, String> {
    let settings = model.settings;
    let Some(chosen) = settings.example.as_ref() else {
        return Ok(None);
    };
    let Some(operation) = model.operations.iter().find(|op| op.id == chosen.operation) else {
        return Ok(None);
    };
    let krate = format_ident!("{}", settings.crate_ident());
    let (call, arguments, crate_imports) = arguments(&krate, operation, chosen)?;
    let (imports, fetch) = if operation.pagination.is_some() {
        (
            quote!(use #krate::{Client, TryStreamExt};),
            quote! {
                // Pages are fetched one at a time, as the stream is read.
                let mut items = #call.stream();
                let mut count = 0;
                while let Some(item) = items.try_next().await? {
                    count += 1;
                    let line = #krate::serde_json::to_string(&item)?;
                    println!("{line}");
                }
                println!("{count} items");
            },
        )
    } else {
        (
            quote!(use #krate::Client;),
            quote! {
                let response = #call.send().await?;
                let json = #krate::serde_json::to_string_pretty(&response)?;
                println!("{json}");
            },
        )
    };
    let docs = docs(
        settings,
        &format!(
            "Calls `{}` and prints the result, one JSON line per item.",
            operation.id
        ),
    );
    let connect = connect_tokens();
    let main: syn::File = syn::parse_quote! {
        #crate_imports
        #imports

        #[tokio::main(flavor = "current_thread")]
        async fn main() -> Result<(), Box<dyn std::error::Error>> {
            #connect
            #(#arguments)*
            #fetch
            Ok(())
        }
    };
    Ok(Some(with_docs(main, &docs)))
}

/// The builder call with the settings' arguments, the `let`s of arguments that
/// are more than a literal (short lines that rustfmt and prettyplease print
/// alike), and the imports of the crate's re-exports they name (`chrono::…`).
fn arguments(
    krate: &syn::Ident,
    operation: &OperationModel,
    chosen: &ExampleSettings,
) -> Result<(TokenStream, Vec<TokenStream>, TokenStream), String> {
    let method = format_ident!("{}", operation.method);
    let mut call = quote!(client.#method());
    let mut arguments = Vec::new();
    for (name, value) in &chosen.args {
        let setter = format_ident!("{}", crate::naming::setter_name(name));
        let value: syn::Expr = syn::parse_str(value).map_err(|e| {
            format!("example argument `{name}` = {value:?} is not a Rust expression: {e}")
        })?;
        if matches!(value, syn::Expr::Lit(_)) {
            call = quote!(#call.#setter(#value));
        } else {
            arguments.push(quote!(let #setter = #value;));
            call = quote!(#call.#setter(#setter));
        }
    }
    let mut argument_roots = Roots::default();
    for argument in &arguments {
        if let Ok(stmt) = syn::parse2::<syn::Stmt>(argument.clone()) {
            argument_roots.visit_stmt(&stmt);
        }
    }
    let reexported = REEXPORTED_CRATES
        .iter()
        .filter(|name| argument_roots.roots.contains(**name))
        .map(|name| format_ident!("{name}"));
    Ok((call, arguments, quote!(#(use #krate::#reexported;)*)))
}

/// An example's client: from the environment, the base URL from the first argument.
fn connect_tokens() -> TokenStream {
    quote! {
        let mut builder = Client::builder().from_env()?;
        if let Some(base_url) = std::env::args().nth(1) {
            builder = builder.base_url(base_url);
        }
        let client = builder.build()?;
    }
}

/// The program as the README shows it, and as the example file holds it (with docs).
fn with_docs(main: syn::File, docs: &[String]) -> (syn::File, String) {
    let shown = prettyplease::unparse(&main);
    let mut file = main;
    file.attrs = docs
        .iter()
        .map(|line| syn::parse_quote!(#![doc = #line]))
        .collect();
    (file, shown)
}

/// An example's doc comment: what it does, then how to run it.
fn docs(settings: &ProviderSettings, what: &str) -> Vec<String> {
    let mut env: Vec<&str> = settings
        .credentials
        .values()
        .map(|c| c.env.as_str())
        .collect();
    env.sort_unstable();
    let vars = env
        .iter()
        .map(|v| format!("`{v}`"))
        .collect::<Vec<_>>()
        .join(" and ");
    let parameters: String = settings
        .client_parameters
        .iter()
        .map(|(name, env)| format!(" `{name}` from `{env}`;"))
        .collect();
    vec![
        format!(" {what}"),
        String::new(),
        format!(
            " Credentials come from {vars};{parameters} the base URL from `{}` or the first argument:",
            settings.base_url_env()
        ),
        String::new(),
        " ```sh".to_owned(),
        format!(
            " cargo run -p {} --example {} -- http://127.0.0.1:8080",
            settings.crate_name,
            name(settings)
        ),
        " ```".to_owned(),
    ]
}

/// The summary program, for a spec with `x-usagekit-report`: the last 7 days by
/// day, as a table.
pub(super) fn summary(model: &Model<'_>) -> Option<(syn::File, String)> {
    if model.reports.is_empty() {
        return None;
    }
    let settings = model.settings;
    let krate = format_ident!("{}", settings.crate_ident());
    let docs = docs(
        settings,
        "Prints the last 7 days of usage, a line a day: tokens, requests, cost and the \
         provider's other counters, read as the spec's `x-usagekit-report` says.",
    );
    let connect = connect_tokens();
    let main: syn::File = syn::parse_quote! {
        use #krate::report::{self, Granularity, ReportQuery};
        use #krate::{Client, SERVICE};

        #[tokio::main(flavor = "current_thread")]
        async fn main() -> Result<(), Box<dyn std::error::Error>> {
            #connect
            let query = ReportQuery::last_days(7, &[]);
            let summary = SERVICE.summarize(&client, &query, Granularity::Day).await?;
            let table = report::table(&summary);
            print!("{table}");
            Ok(())
        }
    };
    Some(with_docs(main, &docs))
}
