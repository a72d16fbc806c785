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

use std::collections::{BTreeMap, BTreeSet};

use quote::ToTokens;
use syn::visit_mut::{self, VisitMut};
use syn::{Block, Expr, File, ImplItem, Item};

use crate::context::Context;
use crate::extras;
use crate::tree::module_items;

pub fn apply(file: &mut File, context: &Context<'_>) -> Result<(), String> {
    LinkBareUrls.visit_file_mut(file);
    StripApiVersion.visit_file_mut(file);
    OneQueryString.visit_file_mut(file);
    remove_constructors(file);
    privatise_raw_error(file);
    let mut response_roots = wrap_builders(file, context)?;
    for operation in &context.operations {
        response_roots.extend(operation.errors.iter().map(|e| e.type_name.clone()));
    }
    for union in &context.unions {
        response_roots.extend(union.variants.iter().map(|(_, ty, _)| ty.clone()));
    }
    open_response_enums(file, &response_roots)
}

/// progenitor copies spec text such as `info.termsOfService` into doc comments;
/// a bare URL there is a rustdoc warning. Each becomes an autolink `<…>`.
struct LinkBareUrls;

impl VisitMut for LinkBareUrls {
    fn visit_attribute_mut(&mut self, attr: &mut syn::Attribute) {
        if let syn::Meta::NameValue(doc) = &mut attr.meta
            && doc.path.is_ident("doc")
            && let Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(text),
                ..
            }) = &doc.value
            && let Some(linked) = link_bare_urls(&text.value())
        {
            doc.value = syn::parse_quote!(#linked);
        }
    }
}

/// The text with every URL that stands alone as a word wrapped in `<…>`; `None`
/// when there is none. URLs already in `<…>`, `(…)` or backticks stay as they are.
fn link_bare_urls(text: &str) -> Option<String> {
    let mut changed = false;
    let linked = text
        .split_inclusive(char::is_whitespace)
        .map(|word| {
            let trimmed = word.trim_end();
            if trimmed.starts_with("https://") || trimmed.starts_with("http://") {
                changed = true;
                format!("<{trimmed}>{}", &word[trimmed.len()..])
            } else {
                word.to_owned()
            }
        })
        .collect();
    changed.then_some(linked)
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

/// Wraps every builder's `send`; returns the type names its success bodies mention.
fn wrap_builders(file: &mut File, context: &Context<'_>) -> Result<BTreeSet<String>, String> {
    let mut success_types = BTreeSet::new();
    let mut wrapped = 0;
    for item in module_items(file, "builder")? {
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
        success_types.extend(type_idents(&success));
        send.sig.ident = syn::Ident::new("dispatch", send.sig.ident.span());
        send.vis = syn::parse_quote!(pub(crate));
        send.attrs.retain(|attr| !attr.path().is_ident("doc"));
        send.attrs.push(syn::parse_quote!(#[doc = "Sends the request; `send` turns its error into `usagekit_runtime::Error`."]));
        imp.items
            .extend(extras::builder_methods(operation, &success));
        for item in &mut imp.items {
            if let ImplItem::Fn(setter) = item
                && let Some(parameter) = operation
                    .parameters
                    .iter()
                    .find(|p| setter.sig.ident == p.setter)
            {
                setter.attrs.retain(|attr| !attr.path().is_ident("doc"));
                // One attribute a line, so prettyplease prints `///` comments.
                for line in extras::setter_doc(parameter).lines() {
                    setter.attrs.push(syn::parse_quote!(#[doc = #line]));
                }
            }
        }
        wrapped += 1;
    }
    if wrapped != context.operations.len() {
        return Err(format!(
            "wrapped {wrapped} builders for {} operations; progenitor's output changed shape",
            context.operations.len()
        ));
    }
    Ok(success_types)
}

/// Every identifier in a type's paths (`ResponseValue<Vec<types::Page>>` gives
/// `ResponseValue`, `Vec`, `types`, `Page`).
fn type_idents(ty: &syn::Type) -> BTreeSet<String> {
    struct Idents(BTreeSet<String>);
    impl VisitMut for Idents {
        fn visit_path_segment_mut(&mut self, segment: &mut syn::PathSegment) {
            self.0.insert(segment.ident.to_string());
            visit_mut::visit_path_segment_mut(self, segment);
        }
    }
    let mut idents = Idents(BTreeSet::new());
    idents.visit_type_mut(&mut ty.clone());
    idents.0
}

/// String enums that responses can contain get an `Unknown(String)` variant and a
/// decoder that keeps values the spec does not list, so a provider adding one does
/// not fail every page. `FromStr`/`TryFrom` stay strict: values a user passes to a
/// request are checked against the spec. Enums only requests use are untouched.
fn open_response_enums(file: &mut File, roots: &BTreeSet<String>) -> Result<(), String> {
    let items = module_items(file, "types")?;

    // Which top-level types each type's fields mention.
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for item in items.iter() {
        let (name, fields): (_, Vec<&syn::Field>) = match item {
            Item::Struct(s) => (&s.ident, s.fields.iter().collect()),
            Item::Enum(e) => (
                &e.ident,
                e.variants.iter().flat_map(|v| &v.fields).collect(),
            ),
            _ => continue,
        };
        let mentioned = fields.iter().flat_map(|f| type_idents(&f.ty)).collect();
        edges.insert(name.to_string(), mentioned);
    }
    let mut reachable = BTreeSet::new();
    let mut pending: Vec<String> = roots.iter().cloned().collect();
    while let Some(name) = pending.pop() {
        if let Some(next) = edges.get(&name)
            && reachable.insert(name)
        {
            pending.extend(next.iter().cloned());
        }
    }

    let mut opened = Vec::new();
    for item in items.iter_mut() {
        if let Item::Enum(e) = item
            && reachable.contains(&e.ident.to_string())
            && let Some(values) = string_enum_values(e)
        {
            opened.push(open_enum(e, &values));
        }
    }
    // Replace typify's `Display` (its `match` would miss the new variant) and add
    // the decoder.
    let names: BTreeSet<String> = opened.iter().map(|(name, _)| name.to_string()).collect();
    items.retain(|item| {
        !matches!(item, Item::Impl(imp)
            if imp.trait_.as_ref().is_some_and(|(path, _)| path.segments.last().is_some_and(|s| s.ident == "Display"))
            && names.contains(&imp.self_ty.to_token_stream().to_string()))
    });
    for (_, impls) in opened {
        items.extend(impls);
    }
    Ok(())
}

/// `(variant, wire value)` of an enum whose variants are all unit variants.
fn string_enum_values(e: &syn::ItemEnum) -> Option<Vec<(syn::Ident, String)>> {
    e.variants
        .iter()
        .map(|variant| {
            if !matches!(variant.fields, syn::Fields::Unit) {
                return None;
            }
            let mut wire = variant.ident.to_string();
            for attr in variant.attrs.iter().filter(|a| a.path().is_ident("serde")) {
                let _ = attr.parse_nested_meta(|meta| {
                    if meta.path.is_ident("rename") {
                        let value: syn::LitStr = meta.value()?.parse()?;
                        wire = value.value();
                    }
                    Ok(())
                });
            }
            Some((variant.ident.clone(), wire))
        })
        .collect()
}

/// Adds the unknown variant and drops `Copy` and the derived `Deserialize`; returns
/// the enum's name and the impls that replace them.
fn open_enum(e: &mut syn::ItemEnum, values: &[(syn::Ident, String)]) -> (syn::Ident, Vec<Item>) {
    let taken: BTreeSet<String> = values.iter().map(|(v, _)| v.to_string()).collect();
    // `Unknown`, or `Unknown2`, `Unknown3`, … if the spec already has that value.
    let unknown = std::iter::once("Unknown".to_owned())
        .chain((2..).map(|n| format!("Unknown{n}")))
        .find(|name| !taken.contains(name))
        .map(|name| syn::Ident::new(&name, proc_macro2::Span::call_site()))
        .unwrap_or_else(|| unreachable!("the names are endless"));
    for attr in &mut e.attrs {
        if attr.path().is_ident("derive")
            && let Ok(paths) = attr.parse_args_with(
                syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated,
            )
        {
            let kept = paths.into_iter().filter(|path| {
                let last = path.segments.last().map(|s| s.ident.to_string());
                !matches!(last.as_deref(), Some("Copy" | "Deserialize"))
            });
            *attr = syn::parse_quote!(#[derive(#(#kept),*)]);
        }
    }
    e.variants.push(syn::parse_quote! {
        /// A value this client does not know yet, kept as the server sent it.
        #[serde(untagged)]
        #unknown(::std::string::String)
    });
    let ty = &e.ident;
    let variants: Vec<&syn::Ident> = values.iter().map(|(v, _)| v).collect();
    let wires: Vec<&String> = values.iter().map(|(_, w)| w).collect();
    let impls = vec![
        syn::parse_quote! {
            impl ::std::fmt::Display for #ty {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    match self {
                        #(Self::#variants => f.write_str(#wires),)*
                        Self::#unknown(value) => f.write_str(value),
                    }
                }
            }
        },
        syn::parse_quote! {
            impl<'de> ::serde::Deserialize<'de> for #ty {
                fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                    usagekit_runtime::deserialize_open_enum(
                        deserializer,
                        |value| match value {
                            #(#wires => Some(Self::#variants),)*
                            _ => None,
                        },
                        Self::#unknown,
                    )
                }
            }
        },
    ];
    (ty.clone(), impls)
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

#[cfg(test)]
mod tests {
    #[test]
    fn bare_urls_become_autolinks_and_others_stay() {
        use super::link_bare_urls;
        assert_eq!(
            link_bare_urls("See\n\nhttps://example.com/terms\n\nVersion: 1").as_deref(),
            Some("See\n\n<https://example.com/terms>\n\nVersion: 1")
        );
        assert_eq!(
            link_bare_urls("a `https://x.io` and <https://y.io> and [z](https://z.io)"),
            None
        );
    }
}
