//! Each operation's builder as users call it: progenitor's `send` becomes the
//! crate-private `dispatch` behind UsageKit's `send`, `stream` and setters;
//! required parameters name themselves when missing, and required parameters
//! with a default send it.

use std::collections::BTreeSet;

use quote::ToTokens;
use syn::visit_mut::{self, VisitMut};
use syn::{Block, Expr, File, ImplItem, Item, ItemImpl};

use super::{check, miss, module_items, type_idents};
use crate::analyze::Model;
use crate::analyze::model::OperationModel;
use crate::items;

/// What the edits of every builder found, to check against the spec.
#[derive(Default)]
struct Counts {
    wrapped: usize,
    defaults_sent: usize,
    constructors: usize,
    setters: usize,
    missing_messages: usize,
}

/// Wraps every builder's `send`; returns the type names its success bodies mention.
pub(super) fn wrap(file: &mut File, model: &Model<'_>) -> Result<BTreeSet<String>, String> {
    let mut success_types = BTreeSet::new();
    let mut counts = Counts::default();
    for item in module_items(file, "builder")? {
        if let Item::Impl(imp) = item {
            wrap_one(imp, model, &mut counts, &mut success_types)?;
        }
    }
    let operations = &model.operations;
    if counts.wrapped != operations.len() {
        return Err(format!(
            "wrapped {} builders for {} operations; progenitor's output changed shape",
            counts.wrapped,
            operations.len()
        ));
    }
    let parameters = || operations.iter().flat_map(|op| &op.parameters);
    check(
        "send required parameters' defaults",
        parameters().filter(|p| p.sends_default()).count(),
        counts.defaults_sent,
    )?;
    check(
        "name missing required parameters",
        parameters()
            .filter(|p| p.required && p.default.is_none())
            .count(),
        counts.missing_messages,
    )?;
    check(
        "replace parameter setters",
        parameters().count(),
        counts.setters,
    )?;
    check(
        "make builder constructors crate-private",
        operations.len(),
        counts.constructors,
    )?;
    Ok(success_types)
}

/// One builder's edits; an `impl` without `send` is left alone.
fn wrap_one(
    imp: &mut ItemImpl,
    model: &Model<'_>,
    counts: &mut Counts,
    success_types: &mut BTreeSet<String>,
) -> Result<(), String> {
    let self_ty = imp.self_ty.to_token_stream();
    let Some(send) = imp.items.iter_mut().find_map(|item| match item {
        ImplItem::Fn(f) if f.sig.ident == "send" => Some(f),
        _ => None,
    }) else {
        return Ok(());
    };
    let operation_id = find_operation_id(&send.block)
        .ok_or_else(|| format!("cannot find the operationId in `{self_ty}::send`"))?;
    let operation = model
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
        success_types.extend(successes.variants.iter().filter_map(|v| v.body.clone()));
    }
    for parameter in operation.parameters.iter().filter(|p| p.sends_default()) {
        let json = parameter.default.clone().unwrap_or_default();
        counts.defaults_sent += send_default(&mut send.block, &parameter.setter, &json);
    }
    send.sig.ident = syn::Ident::new("dispatch", send.sig.ident.span());
    send.vis = syn::parse_quote!(pub(crate));
    send.attrs.retain(|attr| !attr.path().is_ident("doc"));
    send.attrs.push(syn::parse_quote!(#[doc = "Sends the request; `send` turns its error into `usagekit_runtime::Error`."]));
    imp.items.extend(items::builder_methods(
        operation,
        &success,
        &response_body_type(&success),
    ));
    let targets = replace_setters(imp, operation, counts)?;
    // Tools call operations without a body (`usagekit call`).
    if !operation.takes_body {
        imp.items.push(items::text_setter(operation, &targets));
    }
    // Builders are made by `Client`'s methods; their constructor is not API.
    for item in &mut imp.items {
        if let ImplItem::Fn(f) = item
            && f.sig.ident == "new"
        {
            f.vis = syn::parse_quote!(pub(crate));
            counts.constructors += 1;
            counts.missing_messages += name_missing_parameters(&mut f.block, operation);
        }
    }
    counts.wrapped += 1;
    Ok(())
}

/// progenitor's setters become UsageKit's; returns each parameter's setter type.
fn replace_setters<'o>(
    imp: &mut ItemImpl,
    operation: &'o OperationModel,
    counts: &mut Counts,
) -> Result<Vec<(&'o crate::analyze::model::ParameterModel, syn::Type)>, String> {
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
            let mut replaced = items::setter(operation, parameter, &target, optional);
            // One attribute a line, so prettyplease prints `///` comments.
            for line in items::setter_doc(parameter).lines() {
                replaced.attrs.push(syn::parse_quote!(#[doc = #line]));
            }
            *setter = replaced;
            counts.setters += 1;
            targets.push((parameter, target));
        }
    }
    Ok(targets)
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
fn name_missing_parameters(block: &mut Block, operation: &OperationModel) -> usize {
    struct Messages<'o> {
        operation: &'o OperationModel,
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
                    self.operation.method,
                    parameter.location.as_str(),
                    parameter.name,
                    parameter.setter
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
