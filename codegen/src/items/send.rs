//! Each operation's `send`: the typed result and the typed error by status.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::analyze::model::{ErrorBody, OperationModel, ResultModel, Statuses};
use crate::typify::OperationTypes;

/// The `Accept` header: the media types the success responses are documented in.
pub(super) fn accept(operation: &OperationModel) -> Option<String> {
    match &operation.result {
        ResultModel::Empty => None,
        ResultModel::Json { content_type } => Some(content_type.clone()),
        ResultModel::Text { content_type } | ResultModel::Bytes { content_type } => {
            Some(content_type.clone())
        }
        ResultModel::ByStatus(_) => Some("application/json".to_owned()),
    }
}

/// What `send` returns, and how success bodies decode (`None` for a stream).
fn result(
    operation: &OperationModel,
    types: &OperationTypes,
) -> (TokenStream, Option<TokenStream>) {
    let statuses = statuses(&operation.success_statuses);
    match &operation.result {
        ResultModel::Empty => (
            quote!(()),
            Some(quote!(|status, _| match status { #statuses => Some(Ok(())), _ => None })),
        ),
        ResultModel::Json { .. } => {
            let ty = types.success.as_ref().map_or_else(
                || quote!(usagekit_runtime::serde_json::Value),
                |ty| quote!(#ty),
            );
            (
                ty,
                Some(quote! {
                    |status, body| match status {
                        #statuses => Some(usagekit_runtime::__private::json(&body)),
                        _ => None,
                    }
                }),
            )
        }
        ResultModel::Text { .. } => (
            quote!(::std::string::String),
            Some(quote! {
                |status, body| match status {
                    #statuses => Some(Ok(usagekit_runtime::__private::text(&body))),
                    _ => None,
                }
            }),
        ),
        ResultModel::Bytes { .. } => (quote!(usagekit_runtime::ByteStream), None),
        ResultModel::ByStatus(successes) => {
            let ty = format_ident!("{}", successes.enum_name);
            (
                quote!(types::#ty),
                Some(super::enums::success_decoder(successes)),
            )
        }
    }
}

/// `200u16 | 201u16 | 210u16..=299u16`: the documented success statuses.
fn statuses(statuses: &[Statuses]) -> TokenStream {
    if statuses.is_empty() {
        return quote!(200u16..=299u16);
    }
    let patterns = statuses.iter().map(pattern);
    quote!(#(#patterns)|*)
}

/// A `match` pattern of statuses: `404u16` or `400u16..=499u16`.
pub(super) fn pattern(&Statuses { low, high }: &Statuses) -> TokenStream {
    if low == high {
        quote!(#low)
    } else {
        quote!(#low..=#high)
    }
}

/// The `E` of the operation's `Error<E>`.
pub(super) fn error_type(operation: &OperationModel) -> TokenStream {
    error_decoder(operation).0
}

/// `send`, `send_with_response` and (for tools) `send_keeping_body`, with the
/// operation's decoders.
pub fn builder_methods(operation: &OperationModel, types: &OperationTypes) -> TokenStream {
    let id = &operation.id;
    let (error_type, decode_error, pointers) = error_decoder(operation);
    let (body, decode_success) = result(operation, types);
    let send_doc = format!(
        "Sends `{} {}` and decodes the result. Errors name the operation (`{id}`), the status and the decoded error body.",
        operation.http_method, operation.path
    );
    let with_response_doc = format!(
        "Like [`send`](Self::send), keeping the response's status and headers: `{} {}`.",
        operation.http_method, operation.path
    );
    let error = quote!(usagekit_runtime::Error<#error_type>);
    let Some(decode_success) = decode_success else {
        // A stream: the body is handed over unread.
        let statuses = operation
            .success_statuses
            .iter()
            .map(|Statuses { low, high }| quote!((#low, #high)));
        return quote! {
            const DECODERS: usagekit_runtime::__private::Decoders<(), #error_type> =
                usagekit_runtime::__private::Decoders {
                    success: |_, _| Some(Ok(())),
                    error: #decode_error,
                    message_pointers: &[#(#pointers),*],
                };

            #[doc = #send_doc]
            pub async fn send(self) -> Result<#body, #error> {
                self.send_with_response().await.map(usagekit_runtime::ResponseValue::into_inner)
            }

            #[doc = #with_response_doc]
            pub async fn send_with_response(self) -> Result<usagekit_runtime::ResponseValue<#body>, #error> {
                let runtime = &self.__client.runtime;
                usagekit_runtime::__private::send_streaming(
                    runtime,
                    self.request(),
                    &[#(#statuses),*],
                    &Self::DECODERS,
                )
                .await
            }
        };
    };
    quote! {
        const DECODERS: usagekit_runtime::__private::Decoders<#body, #error_type> =
            usagekit_runtime::__private::Decoders {
                success: #decode_success,
                error: #decode_error,
                message_pointers: &[#(#pointers),*],
            };

        #[doc = #send_doc]
        pub async fn send(self) -> Result<#body, #error> {
            self.send_with_response().await.map(usagekit_runtime::ResponseValue::into_inner)
        }

        #[doc = #with_response_doc]
        pub async fn send_with_response(self) -> Result<usagekit_runtime::ResponseValue<#body>, #error> {
            let runtime = &self.__client.runtime;
            usagekit_runtime::__private::send(runtime, self.request(), &Self::DECODERS).await
        }

        /// Like [`send_with_response`](Self::send_with_response), keeping the body
        /// as the server sent it (tools show it).
        #[allow(dead_code)]
        pub(crate) async fn send_keeping_body(
            self,
        ) -> Result<(usagekit_runtime::ResponseValue<#body>, usagekit_runtime::__private::Bytes), #error> {
            let runtime = &self.__client.runtime;
            usagekit_runtime::__private::send_keeping_body(runtime, self.request(), &Self::DECODERS)
                .await
        }
    }
}

/// The `E` of `Error<E>`, the decoder of error bodies by status, and where the
/// provider's message is in them.
fn error_decoder(operation: &OperationModel) -> (TokenStream, TokenStream, Vec<String>) {
    match &operation.errors {
        None => (quote!(()), quote!(|_, _| None), Vec::new()),
        Some(errors) => {
            let ty = format_ident!("{}", errors.type_name);
            let mut arms: Vec<TokenStream> = errors
                .bodies
                .iter()
                .map(|ErrorBody { statuses, type_name }| {
                    let pattern = match statuses {
                        Some(statuses) => pattern(statuses),
                        None => quote!(_),
                    };
                    let decoded = match &errors.enum_name {
                        Some(_) => {
                            let variant = format_ident!("{type_name}");
                            quote!(usagekit_runtime::__private::decode_error_json(body).map(types::#ty::#variant))
                        }
                        None => quote!(usagekit_runtime::__private::decode_error_json(body)),
                    };
                    quote!(#pattern => Some(#decoded),)
                })
                .collect();
            if errors.bodies.iter().all(|body| body.statuses.is_some()) {
                arms.push(quote!(_ => None,));
            }
            let decode = quote! {
                |status, body| match status {
                    #(#arms)*
                }
            };
            (quote!(types::#ty), decode, errors.message_pointers.clone())
        }
    }
}
