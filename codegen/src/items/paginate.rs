//! Pagination: `stream` and `collect_all` over an operation's pages, as its
//! `x-usagekit-pagination` says they follow each other.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::ImplItem;

use crate::analyze::model::{OperationModel, PageStyle, Pagination};

/// For a paginated operation `stream` and `collect_all`; for any operation without
/// a body, `json_pages`, the pages as the server sent them for tools.
pub(super) fn items(operation: &OperationModel, error_type: &TokenStream) -> Vec<ImplItem> {
    let id = &operation.id;
    let mut items: Vec<ImplItem> = Vec::new();
    if let Some(pagination) = &operation.pagination {
        let item = format_ident!("{}", pagination.item_type);
        let fetch = page_fetch(pagination, id, false);
        let json_fetch = page_fetch(pagination, id, true);
        let follows = match &pagination.style {
            PageStyle::Cursor { next_cursor_field } => format!("Follows `{next_cursor_field}`"),
            PageStyle::AfterLastId { item_id_field } => format!(
                "Sends the last item's `{item_id_field}` as `{}`",
                pagination.cursor_setter
            ),
            PageStyle::PageNumber { first, .. } => format!(
                "Counts `{}` up from {first} (a page set on the builder is replaced)",
                pagination.cursor_setter
            ),
        };
        let stream_doc = format!(
            "Every `{}` of every page, fetching the next page only when this one is used up. \
             {follows} until the server says there is no more.",
            pagination.item_type
        );
        items.push(syn::parse_quote! {
            #[doc = #stream_doc]
            pub fn stream(
                self,
            ) -> impl usagekit_runtime::Stream<Item = Result<types::#item, usagekit_runtime::Error<#error_type>>>
                   + Send + Unpin + 'a {
                let max_pages = self.__client.runtime.max_pages();
                usagekit_runtime::__private::paginate(#id, max_pages, self, #fetch)
            }
        });
        items.push(syn::parse_quote! {
            /// Every item of every page, in one `Vec`. Prefer `stream` for long ranges.
            pub async fn collect_all(self) -> Result<Vec<types::#item>, usagekit_runtime::Error<#error_type>> {
                usagekit_runtime::__private::collect_all(self.stream()).await
            }
        });
        if operation.callable_by_tools() {
            items.push(syn::parse_quote! {
            /// Every page as the JSON the server sent (each still decoded and checked).
            pub(crate) fn json_pages(
                self,
            ) -> impl usagekit_runtime::Stream<Item = Result<usagekit_runtime::dynamic::JsonPage, usagekit_runtime::Error<#error_type>>>
                   + Send + 'a {
                let max_pages = self.__client.runtime.max_pages();
                usagekit_runtime::__private::paginate(#id, max_pages, self, #json_fetch)
            }
        });
        }
    } else if operation.callable_by_tools() {
        items.push(syn::parse_quote! {
            /// The response as the JSON the server sent (still decoded and checked).
            pub(crate) fn json_pages(
                self,
            ) -> impl usagekit_runtime::Stream<Item = Result<usagekit_runtime::dynamic::JsonPage, usagekit_runtime::Error<#error_type>>>
                   + Send + 'a {
                usagekit_runtime::__private::single_page(async move {
                    let (_, raw) = self.send_keeping_body().await?;
                    usagekit_runtime::__private::raw_json(#id, &raw)
                })
            }
        });
    }
    items
}

/// The closure `paginate` calls for a page: sends the request with the cursor and
/// reads where the next page starts. `json`: the page's item is the whole page as
/// the server sent it, for tools.
fn page_fetch(pagination: &Pagination, id: &str, json: bool) -> TokenStream {
    let setter = format_ident!("{}", pagination.cursor_setter);
    let items_field = format_ident!("{}", pagination.items_field);
    let has_more = match &pagination.has_more_field {
        Some(field) => {
            let field = format_ident!("{field}");
            quote!(usagekit_runtime::__private::HasMore::into_has_more(page.#field))
        }
        None => quote!(None),
    };
    let (send, items) = send_and_items(&items_field, id, json);
    let next_cursor = next_cursor(pagination, &items_field);
    match &pagination.style {
        PageStyle::Cursor { .. } | PageStyle::AfterLastId { .. } => quote! {
            |request: Self, cursor| async move {
                // The first page is the request as built; later ones carry the cursor.
                let request = match cursor {
                    Some(cursor) => request.#setter(cursor),
                    None => request,
                };
                #send
                Ok(usagekit_runtime::__private::Page {
                    next_cursor: #next_cursor,
                    has_more: #has_more,
                    items: #items,
                })
            }
        },
        PageStyle::PageNumber {
            first,
            total_pages_field,
        } => {
            let within_total = match total_pages_field {
                Some(total) => {
                    let total = format_ident!("{total}");
                    quote! {
                        && usagekit_runtime::__private::Cursor::into_cursor(page.#total)
                            .is_none_or(|total| u64::try_from(total).is_ok_and(|total| number < total))
                    }
                }
                None => quote!(),
            };
            quote! {
                |request: Self, number: Option<u64>| async move {
                    let number = number.unwrap_or(#first);
                    let request = request.#setter(number);
                    #send
                    Ok(usagekit_runtime::__private::Page {
                        next_cursor: (!page.#items_field.is_empty() #within_total)
                            .then(|| number + 1),
                        has_more: #has_more,
                        items: #items,
                    })
                }
            }
        }
    }
}

/// How a page is sent, and its items: the typed items, or (`json`) the page as
/// the server sent it.
fn send_and_items(items_field: &syn::Ident, id: &str, json: bool) -> (TokenStream, TokenStream) {
    if json {
        (
            quote! {
                let (page, raw) = request.send_keeping_body().await?;
                let page = page.into_inner();
                let json = usagekit_runtime::__private::raw_json(#id, &raw)?;
            },
            quote!(vec![json]),
        )
    } else {
        (
            quote!(let page = request.send().await?;),
            quote!(page.#items_field),
        )
    }
}

/// Where the next page starts, read from the page just sent.
fn next_cursor(pagination: &Pagination, items_field: &syn::Ident) -> TokenStream {
    match &pagination.style {
        PageStyle::Cursor { next_cursor_field } => {
            let field = format_ident!("{next_cursor_field}");
            quote!(usagekit_runtime::__private::Cursor::into_cursor(page.#field))
        }
        PageStyle::AfterLastId { item_id_field } => {
            let field = format_ident!("{item_id_field}");
            quote! {
                page.#items_field
                    .last()
                    .and_then(|item| usagekit_runtime::__private::Cursor::into_cursor(item.#field.clone()))
            }
        }
        PageStyle::PageNumber { .. } => quote!(),
    }
}
