//! Edits to progenitor's syntax tree, each for a reason a user would notice:
//!
//! - no `api-version` header: only what the spec or the user asks for is sent;
//! - no `Client::new`: it panics on a bad TLS setup and skips credentials — the
//!   generated `ClientBuilder` is the one way in;
//! - progenitor's `Error` stays private: `send` returns `usagekit_runtime::Error`,
//!   which knows the operation, the status and the decoded error body;
//! - query parameters are encoded in one pass by `usagekit_runtime::QueryString`
//!   instead of one URL rewrite per parameter (measured in BENCHMARKS.md);
//! - each builder's `send` becomes `dispatch`, wrapped by `extras`.

use quote::ToTokens;
use syn::visit_mut::{self, VisitMut};
use syn::{Block, Expr, File, ImplItem, Item};

use crate::extras;
use crate::generate::Context;

pub fn apply(file: &mut File, context: &Context<'_>) -> Result<(), String> {
    StripApiVersion.visit_file_mut(file);
    OneQueryString.visit_file_mut(file);
    remove_constructors(file);
    privatise_raw_error(file);
    wrap_builders(file, context)
}

struct StripApiVersion;

impl VisitMut for StripApiVersion {
    fn visit_block_mut(&mut self, block: &mut Block) {
        let before = block.stmts.len();
        block.stmts.retain(|stmt| !is_api_version_append(stmt));
        if block.stmts.len() != before {
            unmut_unused_header_map(block);
        }
        visit_mut::visit_block_mut(self, block);
    }
}

/// `header_map.append(HeaderName::from_static("api-version"), …);`, matched by shape
/// first so that only `append` calls are ever printed to compare.
fn is_api_version_append(stmt: &syn::Stmt) -> bool {
    let syn::Stmt::Expr(Expr::MethodCall(call), _) = stmt else {
        return false;
    };
    call.method == "append"
        && call.args.first().is_some_and(|name| {
            name.to_token_stream()
                .to_string()
                .contains("\"api-version\"")
        })
}

/// Without `api-version`, an operation with no header parameters never appends to
/// `header_map`; keep rustc's `unused_mut` quiet by declaring it immutable.
fn unmut_unused_header_map(block: &mut Block) {
    let appends = block.stmts.iter().any(|stmt| {
        stmt.to_token_stream()
            .to_string()
            .contains("header_map . append")
    });
    if appends {
        return;
    }
    for stmt in &mut block.stmts {
        if let syn::Stmt::Local(local) = stmt
            && let syn::Pat::Ident(ident) = &mut local.pat
            && ident.ident == "header_map"
        {
            ident.mutability = None;
        }
    }
}

/// Turns `let mut request = ….query(a).query(b)….build()?;` into the same request
/// without `.query` calls, followed by one `QueryString` that encodes `a`, `b`, ….
struct OneQueryString;

impl VisitMut for OneQueryString {
    fn visit_block_mut(&mut self, block: &mut Block) {
        let mut index = 0;
        while index < block.stmts.len() {
            if let Some(apply) = take_query_calls_from_request(&mut block.stmts[index]) {
                block.stmts.insert(index + 1, apply);
                index += 1;
            }
            index += 1;
        }
        visit_mut::visit_block_mut(self, block);
    }
}

fn take_query_calls_from_request(stmt: &mut syn::Stmt) -> Option<syn::Stmt> {
    let syn::Stmt::Local(local) = stmt else {
        return None;
    };
    let syn::Pat::Ident(binding) = &local.pat else {
        return None;
    };
    if binding.ident != "request" {
        return None;
    }
    let init = local.init.as_mut()?;
    let Expr::Try(built) = &mut *init.expr else {
        return None;
    };
    let mut params = Vec::new();
    take_query_calls(&mut built.expr, &mut params);
    if params.is_empty() {
        return None;
    }
    Some(syn::parse_quote! {
        usagekit_runtime::QueryString::default()
            #(.push(#params))*
            .apply(request.url_mut())
            .map_err(Error::InvalidRequest)?;
    })
}

/// Removes every `.query(arg)` from a method-call chain, collecting the args in order.
fn take_query_calls(expr: &mut Expr, params: &mut Vec<Expr>) {
    let Expr::MethodCall(call) = expr else {
        return;
    };
    take_query_calls(&mut call.receiver, params);
    if call.method == "query" && call.args.len() == 1 {
        params.push(call.args[0].clone());
        let receiver = std::mem::replace(&mut *call.receiver, Expr::Verbatim(Default::default()));
        *expr = receiver;
    }
}

fn remove_constructors(file: &mut File) {
    for item in &mut file.items {
        if let Item::Impl(imp) = item
            && imp.trait_.is_none()
            && imp.self_ty.to_token_stream().to_string() == "Client"
        {
            imp.items.retain(|item| {
                !matches!(item, ImplItem::Fn(f) if f.sig.ident == "new" || f.sig.ident == "new_with_client")
            });
        }
    }
    file.items.retain(
        |item| !matches!(item, Item::Impl(imp) if imp.trait_.is_none() && imp.items.is_empty()),
    );
}

fn privatise_raw_error(file: &mut File) {
    for item in &mut file.items {
        if let Item::Use(use_item) = item
            && matches!(use_item.vis, syn::Visibility::Public(_))
            && use_item
                .to_token_stream()
                .to_string()
                .contains("progenitor_client")
        {
            *item = syn::parse_quote! {
                #[allow(unused_imports)]
                pub use progenitor_client::{ByteStream, ClientInfo, ResponseValue};
            };
        }
    }
    file.items.insert(
        0,
        syn::parse_quote! {
            /// progenitor's error, which `dispatch` returns and `send` converts.
            use progenitor_client::Error;
        },
    );
}

fn wrap_builders(file: &mut File, context: &Context<'_>) -> Result<(), String> {
    let builder = file
        .items
        .iter_mut()
        .find_map(|item| match item {
            Item::Mod(m) if m.ident == "builder" => m.content.as_mut(),
            _ => None,
        })
        .ok_or("progenitor output has no `builder` module")?;
    let mut wrapped = 0;
    for item in &mut builder.1 {
        let Item::Impl(imp) = item else { continue };
        let Some(send) = imp.items.iter_mut().find_map(|item| match item {
            ImplItem::Fn(f) if f.sig.ident == "send" => Some(f),
            _ => None,
        }) else {
            continue;
        };
        let operation_id = find_operation_id(&send.block).ok_or_else(|| {
            format!(
                "cannot find the operationId in `{}::send`",
                imp.self_ty.to_token_stream()
            )
        })?;
        let operation = context
            .operations
            .iter()
            .find(|op| op.method == operation_id)
            .ok_or_else(|| format!("progenitor generated unknown operation `{operation_id}`"))?;
        let syn::ReturnType::Type(_, output) = &send.sig.output else {
            return Err(format!("`send` of `{operation_id}` returns nothing"));
        };
        let success = result_ok_type(output)
            .ok_or_else(|| format!("`send` of `{operation_id}` does not return a Result"))?;
        send.sig.ident = syn::Ident::new("dispatch", send.sig.ident.span());
        send.vis = syn::parse_quote!(pub(crate));
        send.attrs.retain(|attr| !attr.path().is_ident("doc"));
        send.attrs.push(syn::parse_quote!(#[doc = "Sends the request; `send` turns its error into `usagekit_runtime::Error`."]));
        imp.items
            .extend(extras::builder_methods(operation, &success));
        wrapped += 1;
    }
    if wrapped != context.operations.len() {
        return Err(format!(
            "wrapped {wrapped} builders for {} operations; progenitor's output changed shape",
            context.operations.len()
        ));
    }
    Ok(())
}

/// progenitor writes `OperationInfo { operation_id: "…" }` into every `send`.
fn find_operation_id(block: &Block) -> Option<String> {
    struct Finder(Option<String>);
    impl VisitMut for Finder {
        fn visit_field_value_mut(&mut self, field: &mut syn::FieldValue) {
            if let syn::Member::Named(name) = &field.member
                && name == "operation_id"
                && let syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(value),
                    ..
                }) = &field.expr
            {
                self.0 = Some(value.value());
            }
            visit_mut::visit_field_value_mut(self, field);
        }
    }
    let mut finder = Finder(None);
    finder.visit_block_mut(&mut block.clone());
    finder.0
}

/// `T` of `Result<T, E>`.
fn result_ok_type(ty: &syn::Type) -> Option<syn::Type> {
    let syn::Type::Path(path) = ty else {
        return None;
    };
    let last = path.path.segments.last()?;
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match args.args.first()? {
        syn::GenericArgument::Type(ok) => Some(ok.clone()),
        _ => None,
    }
}
