//! Header parameters as the spec means them: no `api-version` header progenitor
//! adds on its own, names lower-cased, arrays comma-joined (OpenAPI's `simple`).

use std::collections::BTreeSet;

use syn::visit_mut::{self, VisitMut};
use syn::{Block, Expr, File};

use super::{check, lit_str};
use crate::analyze::Model;
use crate::analyze::model::ParameterLocation;

pub(super) fn apply(file: &mut File, model: &Model<'_>) -> Result<(), String> {
    let headers = || {
        model
            .operations
            .iter()
            .flat_map(|op| &op.parameters)
            .filter(|p| p.location == ParameterLocation::Header)
    };
    let mut appends = HeaderAppends {
        lists: headers()
            .filter(|p| p.list)
            .map(|p| p.name.to_ascii_lowercase())
            .collect(),
        ..HeaderAppends::default()
    };
    appends.visit_file_mut(file);
    check(
        "remove the api-version header",
        model.operations.len(),
        appends.api_versions_removed,
    )?;
    check(
        "lower-case header names",
        headers().count(),
        appends.names_seen,
    )?;
    check(
        "comma-join array headers",
        headers().filter(|p| p.list).count(),
        appends.lists_joined,
    )
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
