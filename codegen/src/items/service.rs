//! `SERVICE`: the crate described for tools that choose the operation at run time
//! (its operations and report mappings), and the client they drive by operationId
//! with text parameters.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::setters::expected;
use crate::analyze::Model;
use crate::analyze::model::OperationModel;

/// `SERVICE`, and the `DynamicClient` it connects.
pub(super) fn tokens(model: &Model<'_>) -> TokenStream {
    let key = &model.settings.key;
    let name = &model.settings.name;
    let mut seen: Vec<&str> = Vec::new();
    let arms = model.operations.iter().map(|operation| {
        let method = format_ident!("{}", operation.method);
        let names: Vec<&str> = [operation.id.as_str(), operation.method.as_str()]
            .into_iter()
            .filter(|name| {
                let fresh = !seen.contains(name);
                seen.push(name);
                fresh
            })
            .collect();
        if !operation.callable_by_text() {
            let why = if operation.takes_body() {
                "takes a request body"
            } else {
                "answers with bytes, not JSON"
            };
            let message = format!("`{}` {why}: call it from Rust", operation.id);
            quote!(#(#names)|* => Err(#message.to_owned()),)
        } else {
            quote! {
                #(#names)|* => Ok(usagekit_runtime::__private::boxed_pages(
                    self.#method().set_text(params)?.json_pages(),
                )),
            }
        }
    });
    let arms: Vec<TokenStream> = arms.collect();
    // No operation is called by text: no arm reads the parameters.
    let unused = model
        .operations
        .iter()
        .all(|operation| !operation.callable_by_text())
        .then(|| quote!(let _ = params;));
    let operations = model.operations.iter().map(operation_spec);
    let (mappings, reports) = super::mapping::statics(&model.reports);
    let unknown = format!("{name} has no operation `{{other}}`");
    quote! {
        #mappings

        impl usagekit_runtime::dynamic::DynamicClient for Client {
            fn call<'a>(
                &'a self,
                operation: &str,
                params: &[(String, String)],
            ) -> Result<usagekit_runtime::dynamic::JsonPages<'a>, String> {
                #unused
                match operation {
                    #(#arms)*
                    other => Err(format!(#unknown)),
                }
            }
        }

        /// This crate described for tools that choose the operation at run time (the
        /// `usagekit` command): its operations, how its responses map to usage records
        /// (the spec's `x-usagekit-report`), and a client that takes text parameters.
        pub static SERVICE: usagekit_runtime::dynamic::Service = usagekit_runtime::dynamic::Service {
            key: #key,
            crate_name: env!("CARGO_PKG_NAME"),
            info: &PROVIDER,
            operations: &[#(#operations),*],
            reports: #reports,
            connect: |builder| {
                let client = ClientBuilder(builder).build()?;
                Ok(Box::new(client) as Box<dyn usagekit_runtime::dynamic::DynamicClient>)
            },
        };
    }
}

/// An `OperationSpec` literal: the operation as tools see it.
fn operation_spec(operation: &OperationModel) -> TokenStream {
    let id = &operation.id;
    let method = &operation.method;
    let http_method = &operation.http_method;
    let path = &operation.path;
    let summary = match &operation.summary {
        Some(summary) => quote!(Some(#summary)),
        None => quote!(None),
    };
    let paginated = operation.pagination.is_some();
    let takes_body = operation.takes_body();
    let parameters = operation.parameters.iter().map(|parameter| {
        let name = &parameter.name;
        let setter = &parameter.setter;
        let location = parameter.location.as_str();
        let required = parameter.required && parameter.default.is_none();
        let list = parameter.list;
        let schema = expected(parameter);
        quote! {
            usagekit_runtime::dynamic::ParameterSpec {
                name: #name,
                setter: #setter,
                location: #location,
                required: #required,
                list: #list,
                schema: #schema,
            }
        }
    });
    quote! {
        usagekit_runtime::dynamic::OperationSpec {
            id: #id,
            method: #method,
            http_method: #http_method,
            path: #path,
            summary: #summary,
            parameters: &[#(#parameters),*],
            paginated: #paginated,
            takes_body: #takes_body,
        }
    }
}
