//! `SERVICE`: the crate described for tools that choose the operation at run time
//! (its operations and report mappings), and the client they drive by operationId
//! with text parameters.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::setters::expected;
use crate::analyze::Model;
use crate::analyze::model::{OperationModel, ResultModel, Statuses};
use crate::typify::OperationTypes;

/// `SERVICE`, and the `DynamicClient` it connects.
pub(super) fn tokens(model: &Model<'_>, gates: &[Option<syn::Attribute>]) -> TokenStream {
    let key = &model.settings.key;
    let name = &model.settings.name;
    // Each operation's names in a `match`: its operationId and method, each once.
    let mut seen: Vec<&str> = Vec::new();
    let names: Vec<Vec<&str>> = model
        .operations
        .iter()
        .map(|operation| {
            [operation.id.as_str(), operation.method.as_str()]
                .into_iter()
                .filter(|name| {
                    let fresh = !seen.contains(name);
                    seen.push(name);
                    fresh
                })
                .collect()
        })
        .collect();
    let arms = model
        .operations
        .iter()
        .zip(gates)
        .zip(&names)
        .map(|((operation, gate), names)| {
            let method = format_ident!("{}", operation.method);
            if !operation.callable_by_text() {
                let why = if operation.takes_body() {
                    "takes a request body"
                } else {
                    "answers with bytes, not JSON"
                };
                let message = format!("`{}` {why}: call it from Rust", operation.id);
                quote!(#gate #(#names)|* => Err(#message.to_owned()),)
            } else {
                quote! {
                    #gate #(#names)|* => Ok(usagekit_runtime::__private::boxed_pages(
                        self.#method().set_text(params)?.json_pages(),
                    )),
                }
            }
        });
    let arms: Vec<TokenStream> = arms.collect();
    // Operations with a JSON body, called with one (a report's POST query).
    let body_arms: Vec<TokenStream> = model
        .operations
        .iter()
        .zip(gates)
        .zip(&names)
        .filter(|((operation, _), _)| operation.callable_with_json_body())
        .map(|((operation, gate), names)| {
            let method = format_ident!("{}", operation.method);
            quote! {
                #gate #(#names)|* => Ok(usagekit_runtime::__private::boxed_pages(
                    self.#method().set_text(params)?.set_json_body(body)?.json_pages(),
                )),
            }
        })
        .collect();
    let call_with_body = (!body_arms.is_empty()).then(|| {
        let unknown = format!("{name} has no operation `{{other}}` that takes a JSON body");
        quote! {
            fn call_with_body<'a>(
                &'a self,
                operation: &str,
                params: &[(String, String)],
                body: serde_json::Value,
            ) -> Result<usagekit_runtime::dynamic::JsonPages<'a>, String> {
                match operation {
                    #(#body_arms)*
                    other => {
                        let _ = (params, body);
                        Err(format!(#unknown))
                    }
                }
            }
        }
    });
    // No operation is called by text, or none may be compiled in: no arm reads
    // the parameters.
    let unused = (!model.features.is_empty()
        || model
            .operations
            .iter()
            .all(|operation| !operation.callable_by_text()))
    .then(|| quote!(let _ = params;));
    let operations = model.operations.iter().zip(gates).map(|(operation, gate)| {
        let spec = operation_spec(operation);
        quote!(#gate #spec)
    });
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

            #call_with_body
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

/// `__round_trip`: the type each documented JSON response body decodes into, by
/// operationId and status (`None`: the `default` response), handed to a
/// `WithBodyType`. Tests decode and re-encode the spec's examples through it.
/// Generic, so nothing is compiled for users who never call it.
pub(super) fn round_trip(
    model: &Model<'_>,
    types: &[OperationTypes],
    gates: &[Option<syn::Attribute>],
) -> TokenStream {
    fn pattern(statuses: Option<Statuses>) -> TokenStream {
        match statuses {
            Some(statuses) => {
                let pattern = super::send::pattern(&statuses);
                quote!(Some(#pattern))
            }
            None => quote!(None),
        }
    }
    let operations =
        model
            .operations
            .iter()
            .zip(types)
            .zip(gates)
            .filter_map(|((operation, parts), gate)| {
                let mut arms = Vec::new();
                match &operation.result {
                    ResultModel::Json { .. } => {
                        let ty = parts.success.as_ref().map_or_else(
                            || quote!(usagekit_runtime::serde_json::Value),
                            |ty| quote!(#ty),
                        );
                        let statuses = if operation.success_statuses.is_empty() {
                            vec![Statuses {
                                low: 200,
                                high: 299,
                            }]
                        } else {
                            operation.success_statuses.clone()
                        };
                        for statuses in statuses {
                            let pattern = pattern(Some(statuses));
                            arms.push(quote!(#pattern => Some(with.with::<#ty>()),));
                        }
                    }
                    ResultModel::ByStatus(successes) => {
                        for variant in &successes.variants {
                            if let Some(body) = &variant.body {
                                let pattern = pattern(Some(variant.statuses));
                                let ty = format_ident!("{body}");
                                arms.push(quote!(#pattern => Some(with.with::<types::#ty>()),));
                            }
                        }
                    }
                    ResultModel::Empty | ResultModel::Text { .. } | ResultModel::Bytes { .. } => {}
                }
                for body in operation.errors.iter().flat_map(|errors| &errors.bodies) {
                    let pattern = pattern(body.statuses);
                    let ty = format_ident!("{}", body.type_name);
                    arms.push(quote!(#pattern => Some(with.with::<types::#ty>()),));
                }
                if arms.is_empty() {
                    return None;
                }
                let id = &operation.id;
                Some(quote! {
                    #gate #id => match status {
                        #(#arms)*
                        _ => None,
                    },
                })
            });
    let operations: Vec<TokenStream> = operations.collect();
    let unused = (operations.is_empty() || !model.features.is_empty())
        .then(|| quote!(let _ = (&status, &with);));
    quote! {
        /// For tests: calls `with` with the type the spec documents for `operation`'s
        /// JSON response with `status` (`None`: its `default` response); `None` if it
        /// documents none.
        #[doc(hidden)]
        #[allow(unreachable_patterns, clippy::match_single_binding)]
        pub fn __round_trip<W: usagekit_runtime::__private::WithBodyType>(
            operation: &str,
            status: Option<u16>,
            with: W,
        ) -> Option<W::Output> {
            #unused
            match operation {
                #(#operations)*
                _ => None,
            }
        }
    }
}
