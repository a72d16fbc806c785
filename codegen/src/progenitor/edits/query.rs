//! Every query parameter of a request encoded in one pass by
//! `usagekit_runtime::QueryString`, instead of one URL rewrite per parameter.

use syn::visit_mut::{self, VisitMut};
use syn::{Block, Expr, File};

use super::check;
use crate::analyze::Model;
use crate::analyze::model::ParameterLocation;

pub(super) fn apply(file: &mut File, model: &Model<'_>) -> Result<(), String> {
    let mut queries = OneQueryString::default();
    queries.visit_file_mut(file);
    let with_query = model
        .operations
        .iter()
        .filter(|op| {
            op.parameters
                .iter()
                .any(|p| p.location == ParameterLocation::Query)
        })
        .count();
    check("one QueryString per request", with_query, queries.requests)
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
