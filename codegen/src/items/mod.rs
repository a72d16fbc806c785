//! UsageKit's own Rust, built with `quote!`: the client and its builder, each
//! operation's builder (`send`, setters, pagination), the result and error enums,
//! discriminated unions, and `SERVICE` for tools; put together with typify's
//! types into the crate's generated module.

mod client;
mod enums;
pub mod features;
mod mapping;
mod operation;
mod paginate;
mod send;
mod service;
mod setters;

use proc_macro2::TokenStream;
use quote::quote;
use syn::Item;

use crate::analyze::Model;
use crate::typify::Types;

/// The generated modules of a crate, and of its `<crate>-schemas` crate when one
/// is split off.
pub struct Modules {
    pub client: syn::File,
    pub schemas: Option<Schemas>,
}

/// The `<crate>-schemas` crate's module: the component schemas no operation
/// uses, beside every type of the client (re-exported), and the client's
/// features the schemas need.
pub struct Schemas {
    pub module: syn::File,
    pub features: Vec<String>,
}

/// The crate's generated module: typify's types and everything of ours.
pub fn module(model: &Model<'_>, types: Types) -> Result<Modules, String> {
    let mut type_items = types.items;
    type_items.extend(self::type_items(model)?);
    let orphans = features::gate_types(model, &types.operations, &mut type_items);
    let schemas = orphans.map(|orphans| Schemas {
        module: schemas_module(model, &type_items, orphans.items),
        features: orphans.features,
    });
    let gates = features::operations(model);
    let mut methods = Vec::new();
    let mut builders = Vec::new();
    let document_security: Vec<Vec<String>> = model.security.clone();
    for ((operation, parts), gate) in model.operations.iter().zip(&types.operations).zip(&gates) {
        let method = operation::client_method(operation);
        methods.push(quote!(#gate #method));
        let security = operation.security.as_ref().unwrap_or(&document_security);
        let targets: Vec<_> = operation
            .parameters
            .iter()
            .zip(&parts.parameters)
            .map(|(parameter, (target, _))| (parameter, target.clone()))
            .collect();
        let setters = operation.parameters.iter().zip(&parts.parameters).map(
            |(parameter, (target, nullable))| {
                let optional = !operation::builder_required(parameter, *nullable);
                let mut setter = setters::setter(operation, parameter, target, optional);
                // One attribute a line, so prettyplease prints `///` comments.
                for line in setters::setter_doc(parameter).lines() {
                    setter.attrs.push(syn::parse_quote!(#[doc = #line]));
                }
                setter
            },
        );
        let body_setters = operation::body_setters(operation, parts);
        let send = send::builder_methods(operation, parts);
        let fixed_headers = model.settings.operation_headers.get(&operation.id);
        let request = operation::request(operation, parts, security, fixed_headers);
        let pages = paginate::items(operation, &send::error_type(operation));
        let text = operation
            .callable_by_tools()
            .then(|| setters::text_setter(operation, &targets));
        let builder =
            operation::builder_struct(operation, parts, &model.settings.client_parameters);
        let name = quote::format_ident!("{}", crate::naming::builder_name(&operation.method));
        let mut items = parse_items(quote! {
            #builder

            impl<'a> #name<'a> {
                #(#setters)*
                #body_setters
                #send
                #request
                #(#pages)*
                #text
            }
        })?;
        if let Some(gate) = gate {
            for item in &mut items {
                if let Item::Struct(syn::ItemStruct { attrs, .. })
                | Item::Enum(syn::ItemEnum { attrs, .. })
                | Item::Impl(syn::ItemImpl { attrs, .. })
                | Item::Fn(syn::ItemFn { attrs, .. })
                | Item::Type(syn::ItemType { attrs, .. }) = item
                {
                    attrs.push(gate.clone());
                }
            }
        }
        builders.extend(items);
    }
    let client = client::tokens(model, &methods, &gates);
    let round_trip = service::round_trip(model, &types.operations, &gates);
    let tokens = quote! {
        /// Types used as operation parameters and responses.
        #[allow(clippy::all)]
        pub mod types {
            #(#type_items)*
        }

        #client

        #round_trip

        /// Types for composing operation parameters.
        #[allow(clippy::all)]
        pub mod builder {
            #[allow(unused_imports)]
            use super::types;

            #(#builders)*
        }

        /// What a program using this client needs: `use <crate>::prelude::*;`.
        pub mod prelude {
            pub use super::{Client, ClientBuilder};
            pub use usagekit_runtime::{ApiError, Error, ErrorKind, TryStreamExt};
        }
    };
    let client = syn::parse2(tokens).map_err(|e| {
        format!("the generator built code that does not parse (a generator bug): {e}")
    })?;
    Ok(Modules { client, schemas })
}

/// The schemas crate's `types`: the client's re-exported, then the orphans; a
/// module of theirs (typify's `builder`) re-exports the client's of that name.
fn schemas_module(model: &Model<'_>, client_types: &[Item], mut orphans: Vec<Item>) -> syn::File {
    let client = quote::format_ident!("{}", model.settings.crate_name.replace('-', "_"));
    for item in &mut orphans {
        if let Item::Mod(module) = item
            && let Some((_, content)) = &mut module.content
            && client_types
                .iter()
                .any(|item| matches!(item, Item::Mod(m) if m.ident == module.ident))
        {
            let name = &module.ident;
            content.insert(0, syn::parse_quote!(pub use ::#client::types::#name::*;));
        }
    }
    syn::parse_quote! {
        /// Every type of the client crate (re-exported) and the component schemas
        /// no operation uses.
        #[allow(clippy::all)]
        pub mod types {
            pub use ::#client::types::*;

            #(#orphans)*
        }
    }
}

/// For the `types` module: discriminated unions, and the error and result enums of
/// operations whose statuses carry different bodies.
fn type_items(model: &Model<'_>) -> Result<Vec<Item>, String> {
    let mut items = Vec::new();
    for operation in &model.operations {
        if let Some(errors) = &operation.errors
            && let Some(name) = &errors.enum_name
        {
            items.extend(parse_items(enums::error_enum(
                operation,
                name,
                &errors.body_types(),
            ))?);
        }
    }
    for operation in &model.operations {
        if let Some(successes) = operation.successes() {
            items.extend(parse_items(enums::success_enum(operation, successes))?);
        }
    }
    for union in &model.unions {
        items.extend(parse_items(enums::union(union))?);
    }
    Ok(items)
}

fn parse_items(tokens: TokenStream) -> Result<Vec<Item>, String> {
    syn::parse2::<syn::File>(tokens)
        .map(|file| file.items)
        .map_err(|e| format!("the generator built code that does not parse (a generator bug): {e}"))
}
