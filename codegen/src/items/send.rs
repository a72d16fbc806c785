//! Each operation's `send`: the typed result and the typed error by status.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::ImplItem;

use crate::analyze::model::{ErrorBody, OperationModel, Statuses};

/// `send` and `send_with_response`, and for paginated operations `stream` and
/// `collect_all`; `json_pages` for tools. `success` is what `dispatch` returns
/// (progenitor's `ResponseValue<T>`), `body` its `T`.
pub fn builder_methods(
    operation: &OperationModel,
    success: &syn::Type,
    body: &syn::Type,
) -> Vec<ImplItem> {
    let id = &operation.id;
    let (error_type, decode, pointers) = error_decoder(operation);
    let send_doc = format!(
        "Sends `{} {}` and decodes the result. Errors name the operation (`{id}`), the status and the decoded error body.",
        operation.http_method, operation.path
    );
    let with_response_doc = format!(
        "Like [`send`](Self::send), keeping the response's status and headers: `{} {}`.",
        operation.http_method, operation.path
    );
    let with_response: ImplItem = match &operation.successes {
        // Decoded by status: progenitor hands over the raw body.
        Some(successes) => {
            let ty = format_ident!("{}", successes.enum_name);
            let decode_success = super::enums::success_decoder(successes);
            syn::parse_quote! {
                #[doc = #with_response_doc]
                pub async fn send_with_response(
                    self,
                ) -> Result<ResponseValue<types::#ty>, usagekit_runtime::Error<#error_type>> {
                    usagekit_runtime::complete_by_status(
                        #id,
                        self.dispatch(),
                        #decode_success,
                        #decode,
                        &[#(#pointers),*],
                    )
                    .await
                }
            }
        }
        None => syn::parse_quote! {
            #[doc = #with_response_doc]
            pub async fn send_with_response(self) -> Result<#success, usagekit_runtime::Error<#error_type>> {
                usagekit_runtime::complete(
                    #id,
                    self.dispatch(),
                    #decode,
                    &[#(#pointers),*],
                )
                .await
            }
        },
    };
    let body = match &operation.successes {
        Some(successes) => {
            let ty = format_ident!("{}", successes.enum_name);
            syn::parse_quote!(types::#ty)
        }
        None => body.clone(),
    };
    let mut items: Vec<ImplItem> = vec![
        syn::parse_quote! {
            #[doc = #send_doc]
            pub async fn send(self) -> Result<#body, usagekit_runtime::Error<#error_type>> {
                self.send_with_response().await.map(ResponseValue::into_inner)
            }
        },
        with_response,
    ];

    items.extend(super::paginate::items(operation, &error_type));
    items
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
                        Some(Statuses { low, high }) if low == high => quote!(#low),
                        Some(Statuses { low, high }) => quote!(#low..=#high),
                        None => quote!(_),
                    };
                    let decoded = match &errors.enum_name {
                        Some(_) => {
                            let variant = format_ident!("{type_name}");
                            quote!(usagekit_runtime::decode_error_json(body).map(types::#ty::#variant))
                        }
                        None => quote!(usagekit_runtime::decode_error_json(body)),
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
