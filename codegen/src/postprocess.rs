//! The one module that knows the shape of progenitor's output. Every edit says
//! how many places it must change, computed from the spec; a different count is a
//! generator error naming the edit, so a progenitor upgrade that moves something
//! fails loudly instead of silently skipping an edit. Edits match syntax, never
//! printed token text. [`PROGENITOR_NAMES`] lists every name relied on; a test
//! checks them against progenitor's raw output. The edits, each for a reason a
//! user would notice:
//!
//! - no `api-version` header: only what the spec or the user asks for is sent;
//! - array headers comma-joined (OpenAPI's `simple` style);
//! - a required parameter with a `default` sends it when unset;
//! - properties renamed by `input` get their wire names back;
//! - no `Client::new`: it panics on a bad TLS setup and skips credentials — the
//!   generated `ClientBuilder` is the one way in;
//! - progenitor's `Error` stays private: `send` returns `usagekit_runtime::Error`,
//!   which knows the operation, the status and the decoded error body;
//! - query parameters are encoded in one pass by `usagekit_runtime::QueryString`
//!   instead of one URL rewrite per parameter (measured in BENCHMARKS.md);
//! - each builder's `send` becomes `dispatch`, wrapped by `extras`;
//! - response enums are open (`Unknown(String)`).

use std::collections::{BTreeMap, BTreeSet};

use quote::ToTokens;
use syn::visit_mut::{self, VisitMut};
use syn::{Block, Expr, File, ImplItem, Item};

use crate::context::Context;
use crate::extras;
use crate::input::RenamedProperty;

/// Every name in progenitor's output the edits below rely on (checked by
/// `generate::tests::progenitor_surface`).
#[cfg(test)]
pub const PROGENITOR_NAMES: &[&str] = &[
    // modules and items
    "types",
    "prelude",
    "builder",
    "Client",
    "new",
    "new_with_client",
    "progenitor_client",
    "Error",
    "ResponseValue",
    // inside each builder's `send`
    "send",
    "OperationInfo",
    "operation_id",
    "header_map",
    "append",
    "from_static",
    "to_string",
    "try_into",
    "query",
    "request",
    "map_err",
    "TryInto",
    "InvalidRequest",
];

/// A failed edit, named.
fn miss(edit: &str, expected: usize, found: usize) -> String {
    format!("edit `{edit}` expected {expected} place(s) in progenitor's output and found {found}")
}

fn check(edit: &str, expected: usize, found: usize) -> Result<(), String> {
    if expected == found {
        Ok(())
    } else {
        Err(miss(edit, expected, found))
    }
}

pub fn apply(
    file: &mut File,
    context: &Context<'_>,
    renamed: &[RenamedProperty],
) -> Result<(), String> {
    LinkBareUrls.visit_file_mut(file);
    let parameters = || context.operations.iter().flat_map(|op| &op.parameters);
    let mut headers = HeaderAppends {
        lists: parameters()
            .filter(|p| p.location == "header" && p.list)
            .map(|p| p.name.to_ascii_lowercase())
            .collect(),
        ..HeaderAppends::default()
    };
    headers.visit_file_mut(file);
    check(
        "remove the api-version header",
        context.operations.len(),
        headers.api_versions_removed,
    )?;
    let header_parameters = parameters().filter(|p| p.location == "header").count();
    check(
        "lower-case header names",
        header_parameters,
        headers.names_seen,
    )?;
    let list_headers = parameters()
        .filter(|p| p.location == "header" && p.list)
        .count();
    check(
        "comma-join array headers",
        list_headers,
        headers.lists_joined,
    )?;

    let mut queries = OneQueryString::default();
    queries.visit_file_mut(file);
    let with_query = context
        .operations
        .iter()
        .filter(|op| op.parameters.iter().any(|p| p.location == "query"))
        .count();
    check("one QueryString per request", with_query, queries.requests)?;

    restore_wire_names(file, renamed)?;
    replace_prelude(file)?;
    remove_constructors(file)?;
    privatise_raw_error(file)?;
    allow_unused_types_import(file)?;
    let mut response_roots = wrap_builders(file, context)?;
    for operation in &context.operations {
        if let Some(errors) = &operation.errors {
            response_roots.extend(errors.body_types().into_iter().map(str::to_owned));
        }
    }
    for union in &context.unions {
        response_roots.extend(union.variants.iter().map(|(_, ty, _)| ty.clone()));
    }
    let mut request_roots = BTreeSet::new();
    for item in module_items(file, "builder")?.iter() {
        if let Item::Struct(builder) = item {
            for field in &builder.fields {
                request_roots.extend(type_idents(&field.ty));
            }
        }
    }
    open_response_enums(file, &response_roots, &request_roots)?;
    allow_lowercase_variants(module_items(file, "types")?);
    module_items(file, "types")?.extend(extras::union_items(context)?);
    file.items.extend(extras::client_items(context)?);
    SpacedDocs.visit_file_mut(file);
    Ok(())
}

/// typify names the variants of values like `+1` and `-1` (GitHub's reactions)
/// `plus1` and `minus1`; such an enum says that is on purpose, so the crate builds
/// without warnings. (Spec values, not progenitor's shape: matching none is fine.)
fn allow_lowercase_variants(items: &mut [Item]) {
    for item in items {
        if let Item::Enum(e) = item
            && e.variants.iter().any(|variant| {
                variant
                    .ident
                    .to_string()
                    .starts_with(|c: char| c.is_ascii_lowercase())
            })
        {
            e.attrs
                .push(syn::parse_quote!(#[allow(non_camel_case_types)]));
        }
    }
}

/// The items of progenitor's inline `mod name { … }` (`types`, `builder`).
fn module_items<'f>(file: &'f mut File, name: &str) -> Result<&'f mut Vec<Item>, String> {
    file.items
        .iter_mut()
        .find_map(|item| match item {
            Item::Mod(m) if m.ident == name => m.content.as_mut().map(|(_, items)| items),
            _ => None,
        })
        .ok_or_else(|| format!("progenitor output has no `{name}` module"))
}

/// progenitor copies spec text such as `info.termsOfService` into doc comments;
/// a bare URL there is a rustdoc warning. Each becomes an autolink `<…>`.
/// (Spec text, not progenitor's shape: matching nothing is fine.)
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

/// A string literal's value.
fn lit_str(expr: &Expr) -> Option<String> {
    match expr {
        Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(value),
            ..
        }) => Some(value.value()),
        _ => None,
    }
}

/// `header_map.append(name, value)`.
fn as_header_append(expr: &mut Expr) -> Option<&mut syn::ExprMethodCall> {
    let Expr::MethodCall(call) = expr else {
        return None;
    };
    let on_header_map = matches!(&*call.receiver, Expr::Path(p) if p.path.is_ident("header_map"));
    (on_header_map && call.method == "append" && call.args.len() == 2).then_some(call)
}

/// progenitor's `api-version` append names the header `HeaderName::from_static("api-version")`.
fn is_api_version_append(stmt: &mut syn::Stmt) -> bool {
    let syn::Stmt::Expr(expr, _) = stmt else {
        return false;
    };
    let Some(call) = as_header_append(expr) else {
        return false;
    };
    matches!(&call.args[0], Expr::Call(name)
        if name.args.len() == 1
            && lit_str(&name.args[0]).as_deref() == Some("api-version")
            && matches!(&*name.func, Expr::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "from_static")))
}

#[derive(Default)]
struct HeaderAppends {
    /// Lower-cased names of array-typed header parameters.
    lists: BTreeSet<String>,
    api_versions_removed: usize,
    names_seen: usize,
    lists_joined: usize,
}

impl VisitMut for HeaderAppends {
    fn visit_block_mut(&mut self, block: &mut Block) {
        let before = block.stmts.len();
        block.stmts.retain_mut(|stmt| !is_api_version_append(stmt));
        if block.stmts.len() != before {
            self.api_versions_removed += before - block.stmts.len();
            unmut_unused_header_map(block);
        }
        visit_mut::visit_block_mut(self, block);
    }

    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        if let Some(call) = as_header_append(expr)
            && let Some(name) = lit_str(&call.args[0])
        {
            self.names_seen += 1;
            if self.lists.contains(&name.to_ascii_lowercase())
                && let Some(joined) = join_list(&call.args[1])
            {
                call.args[1] = joined;
                self.lists_joined += 1;
            }
            return;
        }
        visit_mut::visit_expr_mut(self, expr);
    }
}

/// `value.to_string().try_into()?` becomes `usagekit_runtime::header_list(&value).try_into()?`.
fn join_list(value: &Expr) -> Option<Expr> {
    let Expr::Try(tried) = value else { return None };
    let Expr::MethodCall(try_into) = &*tried.expr else {
        return None;
    };
    let Expr::MethodCall(to_string) = &*try_into.receiver else {
        return None;
    };
    if try_into.method != "try_into" || to_string.method != "to_string" {
        return None;
    }
    let list = &to_string.receiver;
    Some(syn::parse_quote!(usagekit_runtime::header_list(&#list).try_into()?))
}

/// Without `api-version`, an operation with no header parameters never appends to
/// `header_map`; keep rustc's `unused_mut` quiet by declaring it immutable.
fn unmut_unused_header_map(block: &mut Block) {
    struct Appends(bool);
    impl VisitMut for Appends {
        fn visit_expr_mut(&mut self, expr: &mut Expr) {
            if as_header_append(expr).is_some() {
                self.0 = true;
            }
            visit_mut::visit_expr_mut(self, expr);
        }
    }
    let mut appends = Appends(false);
    appends.visit_block_mut(&mut block.clone());
    if appends.0 {
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
#[derive(Default)]
struct OneQueryString {
    requests: usize,
}

impl VisitMut for OneQueryString {
    fn visit_block_mut(&mut self, block: &mut Block) {
        let mut index = 0;
        while index < block.stmts.len() {
            if let Some(apply) = take_query_calls_from_request(&mut block.stmts[index]) {
                block.stmts.insert(index + 1, apply);
                self.requests += 1;
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

/// typify names a renamed property's field from its `…~n` key and keeps the key
/// as the serde rename; the rename goes back to the wire name.
fn restore_wire_names(file: &mut File, renamed: &[RenamedProperty]) -> Result<(), String> {
    struct Restore<'r> {
        renamed: &'r [RenamedProperty],
        restored: usize,
    }
    impl VisitMut for Restore<'_> {
        fn visit_field_mut(&mut self, field: &mut syn::Field) {
            for attr in field
                .attrs
                .iter_mut()
                .filter(|a| a.path().is_ident("serde"))
            {
                let mut rename = None;
                let _ = attr.parse_nested_meta(|meta| {
                    if meta.path.is_ident("rename") {
                        rename = Some(meta.value()?.parse::<syn::LitStr>()?.value());
                    } else if meta.input.peek(syn::Token![=]) {
                        meta.value()?.parse::<Expr>()?;
                    }
                    Ok(())
                });
                if let Some(property) =
                    rename.and_then(|rename| self.renamed.iter().find(|r| r.seen_as == rename))
                {
                    let wire = &property.wire_name;
                    let seen_as = &property.seen_as;
                    let tokens = attr.meta.to_token_stream();
                    // Swap the one string literal; the attribute's other options stay.
                    let swapped: proc_macro2::TokenStream = replace_literal(tokens, seen_as, wire);
                    if let Ok(meta) = syn::parse2(swapped) {
                        attr.meta = meta;
                        self.restored += 1;
                    }
                }
            }
            visit_mut::visit_field_mut(self, field);
        }
    }
    let mut restore = Restore {
        renamed,
        restored: 0,
    };
    for item in module_items(file, "types")? {
        if matches!(item, Item::Struct(_)) {
            restore.visit_item_mut(item);
        }
    }
    check(
        "restore renamed properties' wire names",
        renamed.len(),
        restore.restored,
    )
}

/// The token stream with the string literal `from` replaced by `to`.
fn replace_literal(
    tokens: proc_macro2::TokenStream,
    from: &str,
    to: &str,
) -> proc_macro2::TokenStream {
    tokens
        .into_iter()
        .map(|tree| match tree {
            proc_macro2::TokenTree::Group(group) => {
                let mut replaced = proc_macro2::Group::new(
                    group.delimiter(),
                    replace_literal(group.stream(), from, to),
                );
                replaced.set_span(group.span());
                proc_macro2::TokenTree::Group(replaced)
            }
            proc_macro2::TokenTree::Literal(literal)
                if syn::parse_str::<syn::LitStr>(&literal.to_string())
                    .is_ok_and(|l| l.value() == from) =>
            {
                proc_macro2::TokenTree::Literal(proc_macro2::Literal::string(to))
            }
            other => other,
        })
        .collect()
}

/// `impl Client { fn new(…); fn new_with_client(…) }` loses both constructors.
fn remove_constructors(file: &mut File) -> Result<(), String> {
    let mut removed = 0;
    for item in &mut file.items {
        if let Item::Impl(imp) = item
            && imp.trait_.is_none()
            && matches!(&*imp.self_ty, syn::Type::Path(p) if p.path.is_ident("Client"))
        {
            let before = imp.items.len();
            imp.items.retain(|item| {
                !matches!(item, ImplItem::Fn(f) if f.sig.ident == "new" || f.sig.ident == "new_with_client")
            });
            removed += before - imp.items.len();
        }
    }
    file.items.retain(
        |item| !matches!(item, Item::Impl(imp) if imp.trait_.is_none() && imp.items.is_empty()),
    );
    check("remove Client::new and Client::new_with_client", 2, removed)
}

/// `pub use progenitor_client::{…, Error, …}` becomes a private `use` of `Error`.
fn privatise_raw_error(file: &mut File) -> Result<(), String> {
    let mut replaced = 0;
    for item in &mut file.items {
        if let Item::Use(use_item) = item
            && matches!(use_item.vis, syn::Visibility::Public(_))
            && matches!(&use_item.tree, syn::UseTree::Path(p) if p.ident == "progenitor_client")
        {
            *item = syn::parse_quote! {
                #[allow(unused_imports)]
                pub use progenitor_client::{ByteStream, ClientInfo, ResponseValue};
            };
            replaced += 1;
        }
    }
    check("make progenitor's Error private", 1, replaced)?;
    file.items.insert(
        0,
        syn::parse_quote! {
            /// progenitor's error, which `dispatch` returns and `send` converts.
            use progenitor_client::Error;
        },
    );
    Ok(())
}

/// progenitor's `prelude` holds only `Client`; a program also needs the builder,
/// the errors and the stream extension.
fn replace_prelude(file: &mut File) -> Result<(), String> {
    let mut replaced = 0;
    for item in &mut file.items {
        if let Item::Mod(module) = item
            && module.ident == "prelude"
        {
            *module = syn::parse_quote! {
                /// What a program using this client needs: `use <crate>::prelude::*;`.
                pub mod prelude {
                    pub use super::{Client, ClientBuilder};
                    pub use usagekit_runtime::{ApiError, Error, ErrorKind, TryStreamExt};
                }
            };
            replaced += 1;
        }
    }
    check("replace the prelude", 1, replaced)
}

/// progenitor and typify write `///Text` and multi-line `/**…*/` docs; every doc
/// becomes `/// Text`, one line an attribute, like hand-written code.
struct SpacedDocs;

fn spaced_docs(attrs: &mut Vec<syn::Attribute>) {
    let mut out = Vec::with_capacity(attrs.len());
    for attr in attrs.drain(..) {
        let text = match &attr.meta {
            syn::Meta::NameValue(doc) if doc.path.is_ident("doc") => lit_str(&doc.value),
            _ => None,
        };
        let Some(text) = text else {
            out.push(attr);
            continue;
        };
        let lines: Vec<&str> = text.lines().collect();
        let unspaced = lines.iter().any(|l| !l.is_empty() && !l.starts_with(' '));
        if !unspaced && lines.len() <= 1 {
            out.push(attr);
            continue;
        }
        for line in lines {
            let line = if unspaced && !line.is_empty() {
                format!(" {line}")
            } else {
                line.to_owned()
            };
            let mut doc = attr.clone();
            doc.meta = syn::parse_quote!(doc = #line);
            out.push(doc);
        }
    }
    *attrs = out;
}

impl VisitMut for SpacedDocs {
    fn visit_item_mut(&mut self, item: &mut Item) {
        match item {
            Item::Struct(i) => spaced_docs(&mut i.attrs),
            Item::Enum(i) => spaced_docs(&mut i.attrs),
            Item::Fn(i) => spaced_docs(&mut i.attrs),
            Item::Impl(i) => spaced_docs(&mut i.attrs),
            Item::Mod(i) => spaced_docs(&mut i.attrs),
            Item::Type(i) => spaced_docs(&mut i.attrs),
            Item::Const(i) => spaced_docs(&mut i.attrs),
            Item::Static(i) => spaced_docs(&mut i.attrs),
            Item::Trait(i) => spaced_docs(&mut i.attrs),
            Item::Use(i) => spaced_docs(&mut i.attrs),
            _ => {}
        }
        visit_mut::visit_item_mut(self, item);
    }
    fn visit_impl_item_fn_mut(&mut self, f: &mut syn::ImplItemFn) {
        spaced_docs(&mut f.attrs);
        visit_mut::visit_impl_item_fn_mut(self, f);
    }
    fn visit_field_mut(&mut self, field: &mut syn::Field) {
        spaced_docs(&mut field.attrs);
        visit_mut::visit_field_mut(self, field);
    }
    fn visit_variant_mut(&mut self, variant: &mut syn::Variant) {
        spaced_docs(&mut variant.attrs);
        visit_mut::visit_variant_mut(self, variant);
    }
}

/// `builder` imports `super::types`, unused when every type it names is a
/// replacement spelled `crate::types::…` (a spec whose only result is a union).
fn allow_unused_types_import(file: &mut File) -> Result<(), String> {
    let mut marked = 0;
    for item in module_items(file, "builder")? {
        if let Item::Use(use_item) = item
            && matches!(&use_item.tree, syn::UseTree::Path(p)
                if p.ident == "super" && matches!(&*p.tree, syn::UseTree::Name(n) if n.ident == "types"))
        {
            use_item
                .attrs
                .push(syn::parse_quote!(#[allow(unused_imports)]));
            marked += 1;
        }
    }
    check("allow builder's unused `use super::types`", 1, marked)
}

/// Wraps every builder's `send`; returns the type names its success bodies mention.
fn wrap_builders(file: &mut File, context: &Context<'_>) -> Result<BTreeSet<String>, String> {
    let mut success_types = BTreeSet::new();
    let mut wrapped = 0;
    let mut defaults_sent = 0;
    let mut constructors = 0;
    let mut setters = 0;
    let mut missing_messages = 0;
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
        // Bodies decoded by status are response types too.
        if let Some(successes) = &operation.successes {
            success_types.extend(
                successes
                    .variants
                    .iter()
                    .filter_map(|(_, _, body)| body.clone()),
            );
        }
        for parameter in operation.parameters.iter().filter(|p| p.sends_default()) {
            let json = parameter.default.clone().unwrap_or_default();
            defaults_sent += send_default(&mut send.block, &parameter.setter, &json);
        }
        send.sig.ident = syn::Ident::new("dispatch", send.sig.ident.span());
        send.vis = syn::parse_quote!(pub(crate));
        send.attrs.retain(|attr| !attr.path().is_ident("doc"));
        send.attrs.push(syn::parse_quote!(#[doc = "Sends the request; `send` turns its error into `usagekit_runtime::Error`."]));
        imp.items.extend(extras::builder_methods(
            operation,
            &success,
            &response_body_type(&success),
        ));
        let mut targets = Vec::new();
        for item in &mut imp.items {
            if let ImplItem::Fn(setter) = item
                && let Some(parameter) = operation
                    .parameters
                    .iter()
                    .find(|p| setter.sig.ident == p.setter)
            {
                let target = setter_target(setter).ok_or_else(|| {
                    miss(
                        &format!("read the type of setter `{}`", parameter.setter),
                        1,
                        0,
                    )
                })?;
                let optional = maps_to_some(&setter.block);
                let mut replaced = extras::setter(operation, parameter, &target, optional);
                // One attribute a line, so prettyplease prints `///` comments.
                for line in extras::setter_doc(parameter).lines() {
                    replaced.attrs.push(syn::parse_quote!(#[doc = #line]));
                }
                *setter = replaced;
                setters += 1;
                targets.push((parameter, target));
            }
        }
        // Tools call operations without a body (`usagekit call`).
        if !operation.takes_body {
            imp.items.push(extras::text_setter(operation, &targets));
        }
        // Builders are made by `Client`'s methods; their constructor is not API.
        for item in &mut imp.items {
            if let ImplItem::Fn(f) = item
                && f.sig.ident == "new"
            {
                f.vis = syn::parse_quote!(pub(crate));
                constructors += 1;
                missing_messages += name_missing_parameters(&mut f.block, operation);
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
    let expected = context
        .operations
        .iter()
        .flat_map(|op| &op.parameters)
        .filter(|p| p.sends_default())
        .count();
    check(
        "send required parameters' defaults",
        expected,
        defaults_sent,
    )?;
    let required = context
        .operations
        .iter()
        .flat_map(|op| &op.parameters)
        .filter(|p| p.required && p.default.is_none())
        .count();
    check(
        "name missing required parameters",
        required,
        missing_messages,
    )?;
    let parameters = context
        .operations
        .iter()
        .map(|op| op.parameters.len())
        .sum();
    check("replace parameter setters", parameters, setters)?;
    check(
        "make builder constructors crate-private",
        context.operations.len(),
        constructors,
    )?;
    Ok(success_types)
}

/// `T` of a progenitor setter's `where V: std::convert::TryInto<T>`.
fn setter_target(setter: &syn::ImplItemFn) -> Option<syn::Type> {
    let predicate = setter
        .sig
        .generics
        .where_clause
        .as_ref()?
        .predicates
        .first()?;
    let syn::WherePredicate::Type(bound) = predicate else {
        return None;
    };
    bound.bounds.iter().find_map(|bound| match bound {
        syn::TypeParamBound::Trait(t) => {
            let last = t.path.segments.last()?;
            if last.ident != "TryInto" {
                return None;
            }
            match &last.arguments {
                syn::PathArguments::AngleBracketed(args) => match args.args.first()? {
                    syn::GenericArgument::Type(ty) => Some(ty.clone()),
                    _ => None,
                },
                _ => None,
            }
        }
        _ => None,
    })
}

/// Whether a setter stores `Some(value)` (an optional parameter): `.map(Some)`.
fn maps_to_some(block: &Block) -> bool {
    struct Finder(bool);
    impl VisitMut for Finder {
        fn visit_expr_method_call_mut(&mut self, call: &mut syn::ExprMethodCall) {
            if call.method == "map"
                && matches!(call.args.first(), Some(Expr::Path(p)) if p.path.is_ident("Some"))
            {
                self.0 = true;
            }
            visit_mut::visit_expr_method_call_mut(self, call);
        }
    }
    let mut finder = Finder(false);
    finder.visit_block_mut(&mut block.clone());
    finder.0
}

/// progenitor starts each required parameter as `Err("x was not initialized")`;
/// the message a user sees should say which call needs what, and how to give it.
fn name_missing_parameters(block: &mut Block, operation: &crate::model::OperationModel) -> usize {
    struct Messages<'o> {
        operation: &'o crate::model::OperationModel,
        replaced: usize,
    }
    impl VisitMut for Messages<'_> {
        fn visit_field_value_mut(&mut self, field: &mut syn::FieldValue) {
            if let syn::Member::Named(name) = &field.member
                && let Expr::Call(call) = &field.expr
                && matches!(&*call.func, Expr::Path(p) if p.path.is_ident("Err"))
                && let Some(parameter) = self
                    .operation
                    .parameters
                    .iter()
                    .find(|p| name == &p.setter && p.required && p.default.is_none())
            {
                let message = format!(
                    "`{}()` needs the {} parameter `{}`: set it with `.{}(…)`",
                    self.operation.method, parameter.location, parameter.name, parameter.setter
                );
                field.expr = syn::parse_quote!(Err(#message.to_string()));
                self.replaced += 1;
            }
        }
    }
    let mut messages = Messages {
        operation,
        replaced: 0,
    };
    messages.visit_block_mut(block);
    messages.replaced
}

/// After `let name = name.map_err(Error::InvalidRequest)?;` in `send`, adds
/// `let name = name.or_else(|| usagekit_runtime::spec_default(json));`.
fn send_default(block: &mut Block, setter: &str, json: &str) -> usize {
    let position = block.stmts.iter().position(|stmt| {
        let syn::Stmt::Local(local) = stmt else {
            return false;
        };
        let syn::Pat::Ident(binding) = &local.pat else {
            return false;
        };
        let Some(init) = &local.init else {
            return false;
        };
        let Expr::Try(tried) = &*init.expr else {
            return false;
        };
        let Expr::MethodCall(call) = &*tried.expr else {
            return false;
        };
        binding.ident == setter
            && call.method == "map_err"
            && matches!(&*call.receiver, Expr::Path(p) if p.path.is_ident(setter))
    });
    let Some(position) = position else { return 0 };
    let name = syn::Ident::new(setter, proc_macro2::Span::call_site());
    block.stmts.insert(
        position + 1,
        syn::parse_quote!(let #name = #name.or_else(|| usagekit_runtime::spec_default(#json));),
    );
    1
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
fn open_response_enums(
    file: &mut File,
    roots: &BTreeSet<String>,
    request_roots: &BTreeSet<String>,
) -> Result<(), String> {
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
    let reach = |roots: &BTreeSet<String>| {
        let mut reachable = BTreeSet::new();
        let mut pending: Vec<String> = roots.iter().cloned().collect();
        while let Some(name) = pending.pop() {
            if let Some(next) = edges.get(&name)
                && reachable.insert(name)
            {
                pending.extend(next.iter().cloned());
            }
        }
        reachable
    };
    let reachable = reach(roots);
    let in_requests = reach(request_roots);

    // What providers add most, fields and values, stays additive for users: every
    // enum, and every struct users only receive, is `#[non_exhaustive]`. Structs a
    // request carries stay buildable with a literal.
    for item in items.iter_mut() {
        match item {
            Item::Enum(e) => e.attrs.push(syn::parse_quote!(#[non_exhaustive])),
            Item::Struct(s)
                if reachable.contains(&s.ident.to_string())
                    && !in_requests.contains(&s.ident.to_string()) =>
            {
                s.attrs.push(syn::parse_quote!(#[non_exhaustive]));
            }
            _ => {}
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

/// `T` of progenitor's `ResponseValue<T>`; the type itself if it is something else.
fn response_body_type(success: &syn::Type) -> syn::Type {
    if let syn::Type::Path(path) = success
        && let Some(last) = path.path.segments.last()
        && last.ident == "ResponseValue"
        && let syn::PathArguments::AngleBracketed(args) = &last.arguments
        && let Some(syn::GenericArgument::Type(body)) = args.args.first()
    {
        return body.clone();
    }
    success.clone()
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
